/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fsutil.h - root-prefixed paths, file reads, full I/O, directory walks. */
#ifndef IPCSCAN_FSUTIL_H
#define IPCSCAN_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/sysmacros.h>
#include <sys/types.h>

/* One key for a device number, whatever its source: stat's dev_t, the
 * "maj:min" hex of /proc/PID/maps, or sock_diag's kernel encoding. */
static inline uint64_t dev_key(unsigned maj, unsigned min)
{
	return ((uint64_t)maj << 32) | min;
}
static inline uint64_t dev_key_of(dev_t d)
{
	return dev_key(major(d), minor(d));
}

/* "@root@path" into @buf; -ENAMETOOLONG if it does not fit. */
int root_path(char *buf, size_t len, const char *root, const char *path);

/* Read a whole (small or /proc) file into a malloc'd NUL-terminated buffer.
 * Returns length or -errno. */
ssize_t read_file_at(int dirfd, const char *path, char **out);
/* The same into a reused buffer *buf of *cap bytes (grown as needed).
 * With @one_line, a read that ends in a newline is taken as the whole
 * file (true of single-record files like /proc/PID/syscall), saving the
 * read that would only return 0. */
ssize_t read_open_file(int dirfd, const char *path, char **buf,
		       size_t *cap, bool one_line);
ssize_t read_file(const char *path, char **out);

/* Is @fd on a file system of type @magic (linux/magic.h)? */
bool fd_on_fs(int fd, unsigned long magic);

/* Write all of @buf: bytes written or -errno (-EIO if write returns 0). */
ssize_t write_full(int fd, const void *buf, size_t len);
/* Read up to @len bytes: bytes read (short only at end of file) or -errno.
 * Both retry on EINTR. */
ssize_t read_full(int fd, void *buf, size_t len);

/*
 * A directory read with raw getdents64 into the caller's buffer: no
 * allocation per directory, and none of the fstat and fcntl calls
 * fdopendir() adds. The fd's offset moves; *at() calls on it are
 * unaffected.
 */
struct dirwalk {
	int fd;
	char *buf;
	size_t size;
	long len, off;
};

void dir_start(struct dirwalk *w, int fd, char *buf, size_t size);
/* Next name other than "." and ".."; NULL at the end, or on an error,
 * which goes to *err as -errno. */
const char *dir_next(struct dirwalk *w, int *err);

#endif
