/* SPDX-License-Identifier: GPL-2.0-or-later */
/* strbuf.c - growable string buffers; number, duration and time text. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "strbuf.h"
#include "util.h"

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
