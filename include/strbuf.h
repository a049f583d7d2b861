/* SPDX-License-Identifier: GPL-2.0-or-later */
/* strbuf.h - growable string buffers; number, duration and time text. */
#ifndef IPCSCAN_STRBUF_H
#define IPCSCAN_STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

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

/* @v in decimal, NUL-terminated, into @buf (at least 21 bytes); returns
 * the number of digits. */
size_t fmt_u64(char *buf, uint64_t v);

/* A number of seconds as "45s", "12m", "3h" or "2d" (rounded down). */
void fmt_duration(char *buf, size_t len, int64_t secs);

/* Seconds since the epoch as "2026-11-26T13:45:00Z" into buf (>= 21
 * bytes). False (and "") for a time outside years 1970-9999. */
bool fmt_iso_time(char *buf, size_t len, time_t t);

#endif
