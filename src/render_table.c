/* SPDX-License-Identifier: GPL-2.0-or-later */
/* render_table.c - the human table, through libsmartcols. */
#include <errno.h>
#include <libsmartcols.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include "outstream.h"
#include "render.h"
#include "strbuf.h"
#include "util.h"

/*
 * Narrow terminals. libsmartcols shrinks the columns flagged TRUNC and cuts
 * their cells without a marker, which is never safe for an identity (a cut
 * path names another file) and made REASON unreadable. So nothing is ever
 * truncated: REASON, free text, is word-wrapped inside the width the other
 * columns leave it (a cell of several lines, as lsblk does), and every
 * other column keeps its full width. Wrapping applies only on a terminal:
 * into a pipe or with -r every cell stays one line, however long.
 */

/* Display width of a cell as libsmartcols prints it: a printable
 * character takes its wcwidth, anything else is escaped as \xHH. */
static size_t cell_width(const char *s)
{
	mbstate_t st = { 0 };
	size_t w = 0, n = strlen(s);

	while (n) {
		wchar_t wc;
		size_t l = mbrtowc(&wc, s, n, &st);
		int cw;

		if (l == (size_t)-1 || l == (size_t)-2 || !l) {
			memset(&st, 0, sizeof(st));
			w += 4;
			s++;
			n--;
			continue;
		}
		cw = wcwidth(wc);
		w += cw < 0 ? 4 * l : (size_t)cw;
		s += l;
		n -= l;
	}
	return w;
}

/* Width of @s up to @n bytes, for the ASCII-or-UTF-8 text of a reason. */
static size_t text_width(const char *s, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xc0) != 0x80;
	return w;
}

struct wrap {
	size_t width;		/* wrap lines at this many columns */
};

/* How wide this cell makes the column: its whole text up to the wrap
 * width, and never less than its longest word (which is not cut). */
static size_t wrap_chunksize(const struct libscols_column *cl,
			     const char *data, void *userdata)
{
	const struct wrap *wr = userdata;
	size_t word = 0, all = data ? text_width(data, strlen(data)) : 0;

	(void)cl;
	while (data && *data) {
		size_t len = strcspn(data, " ");
		size_t w = text_width(data, len);

		if (w > word)
			word = w;
		data += len;
		data += strspn(data, " ");
	}
	all = all < wr->width ? all : wr->width;
	return word > all ? word : all;
}

/* End the current line of @data at the last blank that fits; return the
 * start of the next line, or NULL when the rest fits (or is a single word
 * longer than the line, which then overflows rather than being cut). */
static char *wrap_nextchunk(const struct libscols_column *cl, char *data,
			    void *userdata)
{
	const struct wrap *wr = userdata;
	size_t width = scols_column_get_width(cl), w = 0, cut = 0;
	char *p;

	if (!width || width > wr->width)
		width = wr->width;
	if (!data || !width)
		return NULL;
	for (p = data; *p; p++) {
		if (*p == ' ' && w <= width)
			cut = (size_t)(p - data);
		w += ((unsigned char)*p & 0xc0) != 0x80;
	}
	if (w <= width || !cut)
		return NULL;
	data[cut] = '\0';
	p = data + cut + 1;
	p += strspn(p, " ");
	return *p ? p : NULL;
}

/* The terminal's width: COLUMNS when set to a number (POSIX: the user's
 * preferred width; libsmartcols itself reads it only when the terminal
 * reports no size), else the terminal's own, else 80. */
static size_t term_width(FILE *out)
{
	const char *s = getenv("COLUMNS");
	struct winsize ws;

	if (s && *s) {
		char *end;
		long v = strtol(s, &end, 10);

		if (!*end && v > 0 && v <= 100000)
			return (size_t)v;
	}
	if (!ioctl(outstream_fileno(out), TIOCGWINSZ, &ws) && ws.ws_col)
		return ws.ws_col;
	return 80;
}

/* Below this many columns a wrapped reason reads worse than one long
 * line: then it is not wrapped. */
#define WRAP_MIN 20

int render_table(FILE *out, struct obj *const *objs, size_t n,
		 const struct table_opts *topts, const struct render_env *env)
{
	struct libscols_table *tb = scols_new_table();
	struct strbuf raw = { 0 };
	char ***cells = NULL;
	size_t *widths = NULL, width = 0, used = 0;
	struct wrap wr = { 0 };
	int wrapcol = -1, r = 0;	/* the one column that wraps (REASON) */
	bool term;

	if (!tb)
		return -ENOMEM;
	/* Every cell's text first: on a terminal, the widths decide how
	 * REASON wraps. The cells are handed over to libsmartcols. */
	cells = xcalloc(n ? n : 1, sizeof(*cells));
	widths = xcalloc((size_t)topts->ncols, sizeof(*widths));
	for (int j = 0; j < topts->ncols; j++) {
		widths[j] = strlen(columns[topts->cols[j]].name);
		if (columns[topts->cols[j]].flags & COLF_WRAP)
			wrapcol = j;
	}
	term = wrapcol >= 0 && !topts->raw && isatty(outstream_fileno(out));
	for (size_t i = 0; i < n; i++) {
		cells[i] = xcalloc((size_t)topts->ncols, sizeof(**cells));
		for (int j = 0; j < topts->ncols; j++) {
			size_t w;

			raw.len = 0;
			column_get(topts->cols[j], &raw, objs[i], env);
			if (!raw.len)
				continue;
			cells[i][j] = xstrdup(raw.buf);
			w = term ? cell_width(raw.buf) : 0;
			if (w > widths[j])
				widths[j] = w;
		}
	}
	if (term) {
		width = term_width(out);
		for (int j = 0; j < topts->ncols; j++)
			used += j == wrapcol ? 0 : widths[j] + 1;
		if (width > used && width - used >= WRAP_MIN &&
		    widths[wrapcol] > width - used)
			wr.width = width - used;
	}

	scols_table_enable_noheadings(tb, topts->noheadings);
	scols_table_enable_raw(tb, topts->raw);
	scols_table_set_stream(tb, out);
	if (width)
		scols_table_set_termwidth(tb, width);
	for (int j = 0; j < topts->ncols; j++) {
		const struct column *c = &columns[topts->cols[j]];
		struct libscols_column *cl;
		bool wrap = j == wrapcol && wr.width;

		cl = scols_table_new_column(tb, c->name, 0,
					    (c->flags & COLF_RIGHT ?
					     SCOLS_FL_RIGHT : 0) |
					    (wrap ? SCOLS_FL_WRAP : 0));
		if (!cl || (wrap && scols_column_set_wrapfunc(cl,
				wrap_chunksize, wrap_nextchunk, &wr))) {
			r = -ENOMEM;
			goto out;
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		if (!ln) {
			r = -ENOMEM;
			goto out;
		}
		for (int j = 0; j < topts->ncols; j++) {
			/* libsmartcols escapes control bytes and invalid
			 * multibyte sequences as \xHH when printing, so a
			 * hostile name never breaks a row. */
			if (!cells[i][j])
				continue;
			if (scols_line_refer_data(ln, (size_t)j, cells[i][j])) {
				r = -ENOMEM;
				goto out;
			}
			cells[i][j] = NULL;	/* the line owns it now */
		}
	}
	if (n) {
		if (scols_print_table(tb))
			r = -EIO;
	} else if (!topts->noheadings) {
		/* libsmartcols prints nothing for a table without lines; an
		 * empty table still says what it would have listed. */
		for (int j = 0; j < topts->ncols; j++)
			fprintf(out, "%s%s", j ? " " : "",
				columns[topts->cols[j]].name);
		fputc('\n', out);
	}
out:
	for (size_t i = 0; i < n; i++) {
		for (int j = 0; cells[i] && j < topts->ncols; j++)
			free(cells[i][j]);
		free(cells[i]);
	}
	free(cells);
	free(widths);
	sb_free(&raw);
	scols_unref_table(tb);
	return r;
}
