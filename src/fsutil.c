/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fsutil.c - root-prefixed paths, file reads, full I/O, directory walks. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "fsutil.h"
#include "util.h"

int root_path(char *buf, size_t len, const char *root, const char *path)
{
	int n = snprintf(buf, len, "%s%s", root ? root : "", path);

	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

ssize_t read_open_file(int dirfd, const char *path, char **buf,
		       size_t *cap, bool one_line)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t len = 0;

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t r;

		if (*cap - len < 2) {
			*cap = *cap ? *cap * 2 : 4096;
			*buf = xrealloc(*buf, *cap);
		}
		r = read(fd, *buf + len, *cap - len - 1);
		if (r < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			close(fd);
			return -e;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (one_line && (*buf)[len - 1] == '\n')
			break;
	}
	close(fd);
	(*buf)[len] = '\0';
	return (ssize_t)len;
}

ssize_t read_file_at(int dirfd, const char *path, char **out)
{
	size_t cap = 0;
	ssize_t n;

	*out = NULL;
	n = read_open_file(dirfd, path, out, &cap, false);
	if (n < 0) {
		free(*out);
		*out = NULL;
	}
	return n;
}

ssize_t read_file(const char *path, char **out)
{
	return read_file_at(AT_FDCWD, path, out);
}

struct dent64 {		/* the kernel's struct linux_dirent64 */
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

ssize_t write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

ssize_t read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, p + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

bool fd_on_fs(int fd, unsigned long magic)
{
	struct statfs sfs;

	return !fstatfs(fd, &sfs) && (unsigned long)sfs.f_type == magic;
}

void dir_start(struct dirwalk *w, int fd, char *buf, size_t size)
{
	w->fd = fd;
	w->buf = buf;
	w->size = size;
	w->len = 0;
	w->off = 0;
}

const char *dir_next(struct dirwalk *w, int *err)
{
	for (;;) {
		struct dent64 *d;

		if (w->off >= w->len) {
			w->len = getdents64(w->fd, w->buf, w->size);
			w->off = 0;
			if (w->len <= 0) {
				if (w->len < 0)
					*err = -errno;
				return NULL;
			}
		}
		d = (struct dent64 *)(void *)(w->buf + w->off);
		w->off += d->d_reclen;
		if (d->d_name[0] == '.' && (!d->d_name[1] ||
		    (d->d_name[1] == '.' && !d->d_name[2])))
			continue;
		return d->d_name;
	}
}
