/* SPDX-License-Identifier: GPL-2.0-or-later */
/* jsonw.c - the one JSON writer: strings, numbers, times, streaming. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "strbuf.h"
#include "utf8.h"

/*
 * How a name that may hold any bytes is spelled in JSON: valid UTF-8 as
 * it is; otherwise every valid character is kept, each stray byte becomes
 * \xHH and a literal backslash is doubled, so the spelling stays
 * unambiguous. Appends the spelling (not yet JSON-escaped) to @sb.
 */
static void spell_bytes(struct strbuf *sb, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n;) {
		size_t l = utf8_seq(u + i, n - i);

		if (u[i] == '\\') {
			sb_putn(sb, "\\\\", 2);
			i++;
		} else if (l) {
			sb_putn(sb, s + i, l);
			i += l;
		} else {
			char x[4] = { '\\', 'x', hex[u[i] >> 4], hex[u[i] & 15] };

			sb_putn(sb, x, 4);
			i++;
		}
	}
}

/* The JSON escape of a control character, quote or backslash @c. */
static void put_escape(struct strbuf *sb, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char e[6] = { '\\', 0, '0', '0', 0, 0 };
	size_t el = 2;

	switch (c) {
	case '"': e[1] = '"'; break;
	case '\\': e[1] = '\\'; break;
	case '\b': e[1] = 'b'; break;
	case '\f': e[1] = 'f'; break;
	case '\n': e[1] = 'n'; break;
	case '\r': e[1] = 'r'; break;
	case '\t': e[1] = 't'; break;
	default:
		e[1] = 'u';
		e[4] = hex[c >> 4];
		e[5] = hex[c & 15];
		el = 6;
		break;
	}
	sb_putn(sb, e, el);
}

/*
 * @s as a JSON string with the escapes cJSON uses, checking in the same
 * pass that it is valid UTF-8. Returns false, with @sb as it was, if it
 * is not.
 */
static bool put_quoted(struct strbuf *sb, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t mark = sb->len, run = 0, i = 0;

	sb_putc(sb, '"');
	while (u[i]) {
		unsigned char c = u[i];
		size_t l;

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80) {
			l = utf8_seq(u + i, strnlen(s + i, 4));
			if (!l) {
				sb->len = mark;
				sb->buf[mark] = '\0';
				return false;
			}
			i += l;
			continue;
		}
		sb_putn(sb, s + run, i - run);
		put_escape(sb, c);
		run = ++i;
	}
	sb_putn(sb, s + run, i - run);
	sb_putc(sb, '"');
	return true;
}

void json_put_bytes(struct strbuf *sb, const char *s)
{
	struct strbuf sp = { 0 };

	if (!s) {
		sb_putn(sb, "null", 4);
		return;
	}
	if (put_quoted(sb, s))
		return;
	spell_bytes(&sp, s, strlen(s));
	put_quoted(sb, sp.buf);	/* the spelling is valid UTF-8 */
	sb_free(&sp);
}

void jw_time(struct jw *w, const char *key, time_t t)
{
	char buf[32];

	if (!t || !fmt_iso_time(buf, sizeof(buf), t))
		jw_null(w, key);
	else
		jw_lit(w, key, buf);
}

void jw_flush(struct jw *w, size_t at)
{
	if (!w->out || w->sb->len < at)
		return;
	if (fwrite(w->sb->buf, 1, w->sb->len, w->out) != w->sb->len)
		w->err = -EIO;
	w->sb->len = 0;
}

int jw_end(struct jw *w)
{
	sb_putc(w->sb, '\n');
	jw_flush(w, 0);
	if (w->out && ferror(w->out))
		w->err = -EIO;
	sb_free(w->sb);
	return w->err;
}
