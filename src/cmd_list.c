/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_list.c - list: scan -> filter -> render. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "jsonw.h"
#include "kinds.h"
#include "outstream.h"
#include "render.h"
#include "scan.h"
#include "util.h"

static int list_columns(const struct cli *cli)
{
	if (cli->json) {
		struct strbuf sb = { 0 };
		struct jw w;

		jw_init(&w, &sb, stdout);
		jw_open(&w, NULL, '[');
		for (size_t i = 0; i < ncolumns; i++) {
			jw_open(&w, NULL, '{');
			jw_str(&w, "name", columns[i].name);
			jw_lit(&w, "type", col_type_name(columns[i].type));
			jw_str(&w, "key", columns[i].key);
			jw_str(&w, "help", columns[i].help);
			jw_close(&w, '}');
		}
		jw_close(&w, ']');
		return cli_finish_output(stdout, jw_end(&w), NULL);
	}
	for (size_t i = 0; i < ncolumns; i++) {
		if (cli->raw || cli->noheadings)
			printf("%s\n", columns[i].name);
		else
			printf("%-10s %s\n", columns[i].name, columns[i].help);
	}
	return cli_finish_output(stdout, 0, NULL);
}

/*
 * The table's default view leaves out live unix sockets (KF_HIDDEN in
 * their row): a real host has hundreds (every D-Bus and journal client),
 * and they bury the few SysV and POSIX objects an audit is about, while
 * they are never orphans. They are listed when asked for: -t naming them
 * (unix, sockets, all), or -p (everything that process holds). JSON keeps
 * every object: it is the inventory that feeds other programs, which
 * filter for themselves.
 */
static bool list_hides(const struct cli *cli, const struct obj *o)
{
	return kind_has(o->kind, KF_HIDDEN) && !cli->json && !cli->kinds_set &&
	       !cli->npids;
}

/* The table's columns: -o, or the default set (another one for
 * --orphans), or the default set and the columns of -o +COLS (a column
 * already in the default set is not shown twice), into *colsp (malloc'd,
 * as long as the lists; -o repeats). Returns the count or -EINVAL. */
static int table_columns(const struct cli *cli, int **colsp)
{
	const char *def = cli->orphans ? orphan_columns : default_columns;
	const char *bad;
	int *cols, *extra, n, nextra, c, max, emax;

	if (cli->output && !cli->output_plus) {
		max = columns_max(cli->output);
		cols = *colsp = xcalloc((size_t)max, sizeof(*cols));
		return columns_parse(cli->output, cols, max, &bad);
	}
	emax = cli->output ? columns_max(cli->output) : 0;
	max = columns_max(def) + emax;
	cols = *colsp = xcalloc((size_t)max, sizeof(*cols));
	n = columns_parse(def, cols, max, &bad);
	if (n < 0 || !cli->output)
		return n;
	extra = xcalloc((size_t)emax, sizeof(*extra));
	nextra = columns_parse(cli->output, extra, emax, &bad);
	for (int i = 0; i < nextra; i++) {
		for (c = 0; c < n && cols[c] != extra[i]; c++)
			;
		if (c == n)
			cols[n++] = extra[i];
	}
	free(extra);
	return nextra < 0 ? nextra : n;
}

int cmd_list(const struct cli *cli)
{
	struct scan_ctx ctx;
	struct render_env env = { .ctx = &ctx, .bytes = cli->bytes };
	struct sort_key key;
	struct obj **sel;
	size_t n = 0, hidden = 0;
	int *cols = NULL, ncols, r;

	if (cli->list_columns)
		return list_columns(cli);
	if (cli_scan(cli, &ctx)) {
		scan_free(&ctx);
		return EXIT_RUNTIME;
	}
	sel = xcalloc(ctx.objs.n, sizeof(*sel));
	for (size_t i = 0; i < ctx.objs.n; i++) {
		struct obj *o = &ctx.objs.v[i];

		if (!cli_filter(cli, &ctx, o) ||
		    (cli->orphans && o->state != STATE_ORPHAN))
			continue;
		if (list_hides(cli, o))
			hidden++;
		else
			sel[n++] = o;
	}
	/* main() checked the column */
	if (cli->sort && !sort_key_parse(cli->sort, &key))
		objs_sort(sel, n, &key, 1, &env);
	else
		objs_sort(sel, n, NULL, 0, &env);
	cli_print_warnings(&ctx);
	if (cli->json) {
		r = json_list_print(stdout, sel, n, &env);
	} else {
		struct table_opts t = { .noheadings = cli->noheadings,
					.raw = cli->raw };

		ncols = table_columns(cli, &cols);
		t.cols = cols;
		t.ncols = ncols;
		r = ncols < 0 ? ncols : render_table(stdout, sel, n, &t, &env);
	}
	free(cols);
	free(sel);
	scan_free(&ctx);
	r = cli_finish_output(stdout, r, NULL);
	/* after the table, so that it reads as its last line */
	if (hidden && r == EXIT_OK)
		fprintf(stderr, "ipcscan: %zu live unix socket%s not shown "
			"(-t unix or -t all lists them)\n", hidden,
			hidden == 1 ? "" : "s");
	return r;
}
