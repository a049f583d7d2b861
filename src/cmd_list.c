/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_list.c - list: scan -> filter -> render. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "outstream.h"
#include "render.h"
#include "scan.h"

bool cli_filter(const struct cli *cli, const struct scan_ctx *ctx,
		const struct obj *o)
{
	bool hit = !cli->nusers;

	(void)ctx;
	if (!(cli->kinds & KMASK(o->kind)))
		return false;
	for (size_t u = 0; u < cli->nusers && !hit; u++)
		hit = o->uid == cli->users[u];
	if (!hit)
		return false;
	/* -p PID -p PID: an object of any of them */
	hit = !cli->npids;
	for (size_t p = 0; p < cli->npids && !hit; p++) {
		pid_t pid = cli->pids[p];

		hit = o->kind == KIND_SHM && o->cpid == pid;
		for (unsigned i = 0; i < o->nholders && !hit; i++)
			hit = o->holders[i].pid == pid;
	}
	return hit;
}

int cli_finish_output(FILE *f, int r, const char *path)
{
	/* the errno of the failed write beats a renderer's -EIO */
	int e = outstream_flush(f);

	if (!e)
		e = r < 0 ? r : 0;
	if (!e)
		return EXIT_OK;
	fprintf(stderr, "ipcscan: cannot write output%s%s: %s\n",
		path ? " to " : "", path ? path : "", strerror(-e));
	return EXIT_RUNTIME;
}

void cli_print_warnings(const struct scan_ctx *ctx)
{
	cli_print_warnings_from(ctx, 0);
}

void cli_print_warnings_from(const struct scan_ctx *ctx, size_t from)
{
	for (size_t i = from; i < ctx->nwarnings; i++) {
		struct strbuf sb = { 0 };

		sb_put_escaped(&sb, ctx->warnings[i]);
		fprintf(stderr, "ipcscan: warning: %s\n", sb.buf ? sb.buf : "");
		sb_free(&sb);
	}
}

static int list_columns(const struct cli *cli)
{
	static const char *const tnames[] = { "string", "number", "number",
					      "string" };

	if (cli->json) {
		cJSON *arr = cJSON_CreateArray();

		for (size_t i = 0; i < ncolumns; i++) {
			cJSON *c = cJSON_CreateObject();

			cJSON_AddStringToObject(c, "name", columns[i].name);
			cJSON_AddStringToObject(c, "type",
						tnames[columns[i].type]);
			cJSON_AddStringToObject(c, "help", columns[i].help);
			cJSON_AddItemToArray(arr, c);
		}
		return cli_finish_output(stdout, json_print(stdout, arr), NULL);
	}
	for (size_t i = 0; i < ncolumns; i++) {
		if (cli->raw || cli->noheadings)
			printf("%s\n", columns[i].name);
		else
			printf("%-10s %s\n", columns[i].name, columns[i].help);
	}
	return cli_finish_output(stdout, 0, NULL);
}

/* Scan with the options every command shares. Prints the error itself. */
int cli_scan(const struct cli *cli, struct scan_ctx *ctx)
{
	struct scan_opts so = {
		.root = cli->root,
		.kinds = cli->kinds,
		.sockdirs = cli->sockdirs,
		.nsockdirs = cli->nsockdirs,
	};
	int r = scan_run(&so, ctx);

	if (r < 0) {
		fprintf(stderr, "ipcscan: scan failed: %s\n", strerror(-r));
		return r;
	}
	return 0;
}

int cmd_list(const struct cli *cli)
{
	struct scan_ctx ctx;
	struct render_env env = { .ctx = &ctx, .bytes = cli->bytes };
	struct obj **sel;
	size_t n = 0;
	int cols[64], ncols, r;

	if (cli->list_columns)
		return list_columns(cli);
	if (cli_scan(cli, &ctx)) {
		scan_free(&ctx);
		return EXIT_RUNTIME;
	}
	sel = xcalloc(ctx.objs.n, sizeof(*sel));
	for (size_t i = 0; i < ctx.objs.n; i++) {
		struct obj *o = &ctx.objs.v[i];

		if (cli_filter(cli, &ctx, o) &&
		    (!cli->orphans || o->state == STATE_ORPHAN))
			sel[n++] = o;
	}
	if (cli->sort)
		objs_sort(sel, n, column_find(cli->sort), &env);
	cli_print_warnings(&ctx);
	if (cli->json) {
		r = json_list_print(stdout, sel, n, &env);
	} else {
		const char *bad;
		struct strbuf list = { 0 };
		struct table_opts t = { .cols = cols,
					.noheadings = cli->noheadings,
					.raw = cli->raw };

		sb_puts(&list, cli->output ? cli->output : default_columns);
		ncols = columns_parse(list.buf, cols, 64, &bad);
		sb_free(&list);
		t.ncols = ncols;
		r = ncols < 0 ? ncols : render_table(stdout, sel, n, &t, &env);
	}
	free(sel);
	scan_free(&ctx);
	return cli_finish_output(stdout, r, NULL);
}
