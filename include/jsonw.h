/* SPDX-License-Identifier: GPL-2.0-or-later */
/* jsonw.h - the one JSON writer: compact text streamed through a buffer. */
#ifndef IPCSCAN_JSONW_H
#define IPCSCAN_JSONW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "strbuf.h"

/*
 * Every JSON document ipcscan prints (list, gc, stats, --list-columns) is
 * written as text by these calls, not built as a tree first: list --json
 * of a big host is tens of megabytes, and one cJSON tree per object cost
 * about as much as the whole scan. Integers are written exactly (no
 * doubles), strings with the escapes cJSON uses, and bytes that are not
 * UTF-8 spelled as json_put_bytes() says. The tests parse the text back
 * with cJSON.
 *
 * The text goes to @sb; with @out set, jw_flush() writes it out in pieces
 * and jw_end() writes the rest, so memory stays that of a piece.
 */
struct jw {
	struct strbuf *sb;
	FILE *out;		/* NULL: the caller keeps the text in sb */
	bool comma;		/* a member or element precedes at this level */
	int err;		/* -EIO once a write failed */
};

/*
 * Append @s as a JSON string: valid UTF-8 as it is; otherwise every
 * valid character is kept, each stray byte becomes \xHH and a literal
 * backslash is doubled, so the spelling is unambiguous and the document
 * valid UTF-8. NULL is null.
 */
void json_put_bytes(struct strbuf *sb, const char *s);

static inline void jw_put_u64(struct strbuf *sb, uint64_t v)
{
	char buf[21];

	sb_putn(sb, buf, fmt_u64(buf, v));
}

static inline void jw_put_i64(struct strbuf *sb, int64_t v)
{
	if (v < 0) {
		sb_putc(sb, '-');
		jw_put_u64(sb, -(uint64_t)v);
	} else {
		jw_put_u64(sb, (uint64_t)v);
	}
}

/* `"key":` after a comma when a member precedes. Inlined, so that the
 * length of a literal key is known when compiling. */
static inline __attribute__((always_inline)) void jw_key(struct jw *w,
							  const char *key)
{
	size_t n = strlen(key);
	char *p;

	sb_reserve(w->sb, n + 4);
	p = w->sb->buf + w->sb->len;
	if (w->comma)
		*p++ = ',';
	*p++ = '"';
	memcpy(p, key, n);
	p += n;
	*p++ = '"';
	*p++ = ':';
	*p = '\0';
	w->sb->len = (size_t)(p - w->sb->buf);
	w->comma = true;
}

/* Start an object ('{') or array ('[') member; @key NULL: an array
 * element (or the document itself). */
static inline void jw_open(struct jw *w, const char *key, char bracket)
{
	if (key)
		jw_key(w, key);
	else if (w->comma)
		sb_putc(w->sb, ',');
	sb_putc(w->sb, bracket);
	w->comma = false;
}

static inline void jw_close(struct jw *w, char bracket)
{
	sb_putc(w->sb, bracket);
	w->comma = true;
}

/* The start of an array element that is a bare value. */
static inline void jw_elem(struct jw *w)
{
	if (w->comma)
		sb_putc(w->sb, ',');
	w->comma = true;
}

/* Any string, NULL as null. */
static inline void jw_str(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	json_put_bytes(w->sb, s);
}

/* A string known to need no escaping (our own names and numbers). */
static inline void jw_lit(struct jw *w, const char *key, const char *s)
{
	size_t n = strlen(s);

	jw_key(w, key);
	sb_reserve(w->sb, n + 2);
	w->sb->buf[w->sb->len++] = '"';
	memcpy(w->sb->buf + w->sb->len, s, n);
	w->sb->len += n;
	w->sb->buf[w->sb->len++] = '"';
	w->sb->buf[w->sb->len] = '\0';
}

/* Text that is a JSON value already (a number formatted elsewhere). */
static inline void jw_raw(struct jw *w, const char *key, const char *text)
{
	jw_key(w, key);
	sb_puts(w->sb, text);
}

static inline void jw_null(struct jw *w, const char *key)
{
	jw_key(w, key);
	sb_putn(w->sb, "null", 4);
}

static inline void jw_bool(struct jw *w, const char *key, bool v)
{
	jw_key(w, key);
	if (v)
		sb_putn(w->sb, "true", 4);
	else
		sb_putn(w->sb, "false", 5);
}

static inline void jw_int(struct jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	jw_put_i64(w->sb, v);
}

static inline void jw_uint(struct jw *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	jw_put_u64(w->sb, v);
}

static inline void jw_int_or_null(struct jw *w, const char *key, bool have,
				  int64_t v)
{
	if (have)
		jw_int(w, key, v);
	else
		jw_null(w, key);
}

static inline void jw_uint_or_null(struct jw *w, const char *key, bool have,
				   uint64_t v)
{
	if (have)
		jw_uint(w, key, v);
	else
		jw_null(w, key);
}

/* ISO 8601 UTC, or null for 0 (never recorded). */
void jw_time(struct jw *w, const char *key, time_t t);

/* A writer for @sb, streaming to @out (NULL: none). */
static inline void jw_init(struct jw *w, struct strbuf *sb, FILE *out)
{
	*w = (struct jw){ .sb = sb, .out = out };
}

/* With @out set: write what is buffered once it reaches @at bytes. */
void jw_flush(struct jw *w, size_t at);
/* End the document: a newline, everything written out, the buffer
 * freed. Returns 0 or -EIO (a failed write, now or before). */
int jw_end(struct jw *w);

#endif
