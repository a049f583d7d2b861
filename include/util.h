/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util.h - checked number parsing, root-prefixed paths, small buffers. */
#ifndef IPCSCAN_UTIL_H
#define IPCSCAN_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <time.h>

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

static inline time_t tmax(time_t a, time_t b)
{
	return a > b ? a : b;
}

/* Parse a whole decimal number (leading/trailing blanks not allowed).
 * Return 0 or -EINVAL / -ERANGE; *out is untouched on failure. */
int parse_u64(const char *s, uint64_t *out);
int parse_i64(const char *s, int64_t *out);
/* Like parse_u64 but for the first @len bytes of @s. */
int parse_u64n(const char *s, size_t len, uint64_t *out);
int parse_i64n(const char *s, size_t len, int64_t *out);
int parse_hex_u64n(const char *s, size_t len, uint64_t *out);

/* A user name, or a uid as a decimal number -> uid. -EINVAL if neither. */
int parse_user(const char *s, uid_t *uid);

/* Duration -> seconds: a bare number of seconds ("90"), or numbers with
 * units w d h m s, each at most once and largest first ("15m", "1h30m",
 * "1w2d"). -EINVAL for bad syntax, -ERANGE beyond about 1088 years. */
int parse_duration(const char *s, uint64_t *secs);

/* Split @line on blanks into at most @max fields (in place: NULs are
 * written). Returns the number of fields found. */
int split_fields(char *line, char **fields, int max);

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

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Is @fd on a file system of type @magic (linux/magic.h)? */
bool fd_on_fs(int fd, unsigned long magic);

/* Write all of @buf: bytes written or -errno (-EIO if write returns 0). */
ssize_t write_full(int fd, const void *buf, size_t len);
/* Read up to @len bytes: bytes read (short only at end of file) or -errno.
 * Both retry on EINTR and use no heap (forked children call them). */
ssize_t read_full(int fd, void *buf, size_t len);

/* @v in decimal, NUL-terminated, into @buf (at least 21 bytes); returns
 * the number of digits. */
size_t fmt_u64(char *buf, uint64_t v);

/*
 * A directory read with raw getdents64 into the caller's buffer: no
 * allocation, so a forked child of a threaded process may use it, and
 * none of the fstat and fcntl calls fdopendir() adds. The fd's offset
 * moves; *at() calls on it are unaffected.
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

/* Growable string buffer. */
struct strbuf {
	char *buf;
	size_t len, cap;
};
/* Make room for @more bytes and the terminating NUL. */
void sb_grow(struct strbuf *sb, size_t more);

/* Inline: JSON output appends several short pieces per field. */
static inline void sb_reserve(struct strbuf *sb, size_t more)
{
	if (sb->len + more + 1 > sb->cap)
		sb_grow(sb, more);
}

static inline void sb_putn(struct strbuf *sb, const char *s, size_t n)
{
	sb_reserve(sb, n);
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

static inline void sb_putc(struct strbuf *sb, char c)
{
	sb_putn(sb, &c, 1);
}

static inline void sb_puts(struct strbuf *sb, const char *s)
{
	sb_putn(sb, s, strlen(s));
}
void sb_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_free(struct strbuf *sb);

/* Make @s printable on one line: control bytes, backslash and invalid UTF-8
 * become \xHH (newline \n, tab \t). Appends to @sb. */
void sb_put_escaped(struct strbuf *sb, const char *s);

/* Length of the valid UTF-8 sequence at @s (at most @n bytes), 0 if the
 * bytes there are not one. */
size_t utf8_seq(const unsigned char *s, size_t n);

/* Is @s valid UTF-8 without NULs? */
bool utf8_valid(const char *s, size_t len);

/* A number of seconds as "45s", "12m", "3h" or "2d" (rounded down). */
void fmt_duration(char *buf, size_t len, int64_t secs);

/* Seconds since the epoch as "2026-11-26T13:45:00Z" into buf (>= 21
 * bytes). False (and "") for a time outside years 1970-9999. */
bool fmt_iso_time(char *buf, size_t len, time_t t);

#endif
