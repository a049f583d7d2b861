/* SPDX-License-Identifier: GPL-2.0-or-later */
/* render_table.c - the human table, through libsmartcols. */
#include <errno.h>
#include <libsmartcols.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

int render_table(FILE *out, struct obj *const *objs, size_t n,
		 const struct table_opts *topts, const struct render_env *env)
{
	struct libscols_table *tb = scols_new_table();
	struct strbuf raw = { 0 };
	int r = 0;

	if (!tb)
		return -ENOMEM;
	scols_table_enable_noheadings(tb, topts->noheadings);
	scols_table_enable_raw(tb, topts->raw);
	scols_table_set_stream(tb, out);
	for (int i = 0; i < topts->ncols; i++) {
		const struct column *c = &columns[topts->cols[i]];
		int fl = c->right ? SCOLS_FL_RIGHT : 0;

		/* Free-text columns shrink first on a narrow terminal. */
		if (!strcmp(c->name, "REASON") || !strcmp(c->name, "PATH"))
			fl |= SCOLS_FL_TRUNC;
		if (!scols_table_new_column(tb, c->name, 0, fl)) {
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
			raw.len = 0;
			columns[topts->cols[j]].get(&raw, objs[i], env);
			if (!raw.len)
				continue;
			/* libsmartcols escapes control bytes and invalid
			 * multibyte sequences as \xHH when printing, so a
			 * hostile name never breaks a row. */
			if (scols_line_set_data(ln, (size_t)j, raw.buf)) {
				r = -ENOMEM;
				goto out;
			}
		}
	}
	if (scols_print_table(tb))
		r = -EIO;
out:
	sb_free(&raw);
	scols_unref_table(tb);
	return r;
}
