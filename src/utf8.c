/* SPDX-License-Identifier: GPL-2.0-or-later */
/* utf8.c - UTF-8 checks and escaping text for one printable line. */
#include <stdio.h>
#include <string.h>

#include "utf8.h"
#include "strbuf.h"

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
