/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util.c - checked parsing, root-prefixed paths, buffers, escaping. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

static void oom(void)
{
	/* Nothing sensible can continue without memory; say so once. */
	static const char msg[] = "ipcscan: out of memory\n";
	ssize_t r = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)r;
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	return s ? xstrndup(s, strlen(s)) : NULL;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int parse_u64n(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (!len)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int parse_i64n(const char *s, size_t len, int64_t *out)
{
	uint64_t v;
	bool neg = false;
	int r;

	if (len && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		s++;
		len--;
	}
	r = parse_u64n(s, len, &v);
	if (r)
		return r;
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return -ERANGE;
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	} else {
		if (v > INT64_MAX)
			return -ERANGE;
		*out = (int64_t)v;
	}
	return 0;
}

int parse_hex_u64n(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		len -= 2;
	}
	if (!len)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned d;
		char c = s[i];

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -EINVAL;
		if (v >> 60)
			return -ERANGE;
		v = (v << 4) | d;
	}
	*out = v;
	return 0;
}

int parse_u64(const char *s, uint64_t *out)
{
	return parse_u64n(s, strlen(s), out);
}

int parse_i64(const char *s, int64_t *out)
{
	return parse_i64n(s, strlen(s), out);
}

int parse_user(const char *s, uid_t *uid)
{
	struct passwd *pw;
	uint64_t v;

	/* An empty name or one with a NUL inside cannot be a user. */
	if (!*s)
		return -EINVAL;
	pw = getpwnam(s);
	if (pw) {
		*uid = pw->pw_uid;
		return 0;
	}
	/* A number is a uid, whether or not the passwd database knows it
	 * (objects of deleted users are exactly what gc is for); -1 is not
	 * a uid. */
	if (!parse_u64(s, &v) && v < (uid_t)-1) {
		*uid = (uid_t)v;
		return 0;
	}
	return -EINVAL;
}

/* Keep a duration representable as a (signed, 32-bit based) time
 * difference: about 1088 years. */
#define DURATION_MAX ((uint64_t)INT32_MAX * 16)

int parse_duration(const char *s, uint64_t *secs)
{
	static const struct {
		char unit;
		uint64_t mult;
	} units[] = { { 'w', 604800 }, { 'd', 86400 }, { 'h', 3600 },
		      { 'm', 60 }, { 's', 1 } };
	const size_t nunits = sizeof(units) / sizeof(units[0]);
	uint64_t total = 0;
	size_t next = 0;	/* units go from large to small, each once */
	bool range = false;

	if (!*s)
		return -EINVAL;
	while (*s) {
		size_t len = strspn(s, "0123456789"), u;
		uint64_t v;
		int r = parse_u64n(s, len, &v);

		if (r == -ERANGE)
			range = true;
		else if (r)
			return r;
		s += len;
		if (!*s) {
			/* a bare number is seconds, but only on its own:
			 * "1h30" could mean minutes */
			if (next)
				return -EINVAL;
			u = nunits - 1;
		} else {
			for (u = next; u < nunits && units[u].unit != *s; u++)
				;
			if (u == nunits)
				return -EINVAL;
			s++;
		}
		next = u + 1;
		if (range || v > DURATION_MAX / units[u].mult ||
		    total + v * units[u].mult > DURATION_MAX)
			range = true;
		else
			total += v * units[u].mult;
	}
	/* the syntax is checked to the end before "too large" */
	if (range)
		return -ERANGE;
	*secs = total;
	return 0;
}

int split_fields(char *line, char **fields, int max)
{
	int n = 0;
	char *p = line;

	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		if (n == max)
			return max + 1;	/* more fields than asked for */
		fields[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
		if (*p)
			*p++ = '\0';
	}
	return n;
}

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

size_t fmt_u64(char *buf, uint64_t v)
{
	char tmp[20], *p = tmp + sizeof(tmp);
	size_t n;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	n = (size_t)(tmp + sizeof(tmp) - p);
	memcpy(buf, p, n);
	buf[n] = '\0';
	return n;
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

void sb_grow(struct strbuf *sb, size_t more)
{
	if (sb->len + more + 1 <= sb->cap)
		return;
	while (sb->len + more + 1 > sb->cap)
		sb->cap = sb->cap ? sb->cap * 2 : 64;
	sb->buf = xrealloc(sb->buf, sb->cap);
}


void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_grow(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void sb_free(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* overlong, surrogates, beyond U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

bool utf8_valid(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		size_t l;

		if (u[i] < 0x80) {	/* the common case: ASCII */
			if (!u[i])
				return false;
			i++;
			continue;
		}
		l = utf8_seq(u + i, len - i);
		if (!l)
			return false;
		i += l;
	}
	return true;
}

void sb_put_escaped(struct strbuf *sb, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s);

	for (size_t i = 0; i < n;) {
		size_t l = utf8_seq(u + i, n - i);

		if (l == 1 && u[i] >= 0x20 && u[i] != 0x7f && u[i] != '\\') {
			sb_putc(sb, (char)u[i]);
		} else if (l > 1) {
			sb_putn(sb, s + i, l);
		} else if (u[i] == '\n') {
			sb_puts(sb, "\\n");
			l = 1;
		} else if (u[i] == '\t') {
			sb_puts(sb, "\\t");
			l = 1;
		} else if (u[i] == '\\') {
			sb_puts(sb, "\\\\");
			l = 1;
		} else {
			sb_printf(sb, "\\x%02x", u[i]);
			l = 1;
		}
		i += l;
	}
}

void fmt_duration(char *buf, size_t len, int64_t s)
{
	if (s < 0)
		s = 0;
	if (s < 60)
		snprintf(buf, len, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm", (long long)(s / 60));
	else if (s < 86400)
		snprintf(buf, len, "%lldh", (long long)(s / 3600));
	else
		snprintf(buf, len, "%lldd", (long long)(s / 86400));
}

bool fmt_iso_time(char *buf, size_t len, time_t t)
{
	struct tm tm;

	int f[6], w[6] = { 4, 2, 2, 2, 2, 2 };
	const char sep[6] = { '-', '-', 'T', ':', ':', 'Z' };
	char *p = buf;

	if (len)
		buf[0] = '\0';
	/* garbage from a malformed source: no ISO 8601 for it */
	if (len < 21 || t < 0 || !gmtime_r(&t, &tm) ||
	    tm.tm_year + 1900 > 9999)
		return false;
	/* YYYY-MM-DDTHH:MM:SSZ, digit by digit: strftime costs more */
	f[0] = tm.tm_year + 1900;
	f[1] = tm.tm_mon + 1;
	f[2] = tm.tm_mday;
	f[3] = tm.tm_hour;
	f[4] = tm.tm_min;
	f[5] = tm.tm_sec;
	for (int i = 0; i < 6; i++) {
		for (int d = w[i] - 1, v = f[i]; d >= 0; d--, v /= 10)
			p[d] = (char)('0' + v % 10);
		p += w[i];
		*p++ = sep[i];
	}
	*p = '\0';
	return true;
}
