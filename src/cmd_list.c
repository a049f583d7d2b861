/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_list.c - list: scan -> filter -> render. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "render.h"
#include "scan.h"

bool cli_filter(const struct cli *cli, const struct scan_ctx *ctx,
		const struct obj *o)
{
	(void)ctx;
	if (!(cli->kinds & KMASK(o->kind)))
		return false;
	if (cli->have_user && o->uid != cli->user)
		return false;
	if (cli->pid) {
		bool hit = o->kind == KIND_SHM && o->cpid == cli->pid;

		for (unsigned i = 0; i < o->nholders && !hit; i++)
			hit = o->holders[i].pid == cli->pid;
		if (!hit)
			return false;
	}
	return true;
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
		return json_print(stdout, arr) ? EXIT_RUNTIME : EXIT_OK;
	}
	for (size_t i = 0; i < ncolumns; i++) {
		if (cli->raw || cli->noheadings)
			printf("%s\n", columns[i].name);
		else
			printf("%-10s %s\n", columns[i].name, columns[i].help);
	}
	return EXIT_OK;
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

		if (!cli->output)
			sb_puts(&list, default_columns);
		else if (cli->output[0] == '+')
			sb_printf(&list, "%s,%s", default_columns,
				  cli->output + 1);
		else
			sb_puts(&list, cli->output);
		ncols = columns_parse(list.buf, cols, 64, &bad);
		sb_free(&list);
		t.ncols = ncols;
		r = ncols < 0 ? ncols : render_table(stdout, sel, n, &t, &env);
	}
	free(sel);
	scan_free(&ctx);
	if (r < 0 || fflush(stdout)) {
		fprintf(stderr, "ipcscan: cannot write output: %s\n",
			strerror(r < 0 ? -r : errno));
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}
