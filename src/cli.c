/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli.c - what list, gc and stats share: the scan, filters, warnings. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "fsutil.h"
#include "kinds.h"
#include "outstream.h"
#include "scan.h"
#include "strbuf.h"
#include "utf8.h"

bool cli_filter(const struct cli *cli, const struct scan_ctx *ctx,
		const struct obj *o)
{
	bool hit = !cli->nusers;

	if (!(cli->kinds & KMASK(o->kind)))
		return false;
	/* -N ID: objects of the other namespaces were scanned too */
	if (!scan_selected(ctx, o))
		return false;
	/* an owner nobody knows is nobody's */
	for (size_t u = 0; u < cli->nusers && !hit; u++)
		hit = !o->uid_unknown && o->uid == cli->users[u];
	if (!hit)
		return false;
	/* -p PID -p PID: an object of any of them */
	hit = !cli->npids;
	for (size_t p = 0; p < cli->npids && !hit; p++) {
		pid_t pid = cli->pids[p];

		/* only a shm segment records its creator (cpid) */
		hit = o->cpid > 0 && o->cpid == pid;
		for (unsigned i = 0; i < o->nholders && !hit; i++)
			hit = o->holders[i].pid == pid;
	}
	if (!hit)
		return false;
	/* -C: a label selects, the evidence still decides the state */
	hit = !cli->ncontainers;
	for (size_t c = 0; c < cli->ncontainers && !hit; c++)
		hit = attrib_match(&ctx->attrib, o, cli->containers[c]);
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
	for (size_t i = from; i < ctx->diag.nwarnings; i++) {
		struct strbuf sb = { 0 };

		sb_put_escaped(&sb, ctx->diag.warnings[i]);
		fprintf(stderr, "ipcscan: warning: %s\n", sb.buf ? sb.buf : "");
		sb_free(&sb);
	}
}

/* Something the command line named (a -p process, a --socket-dir) does
 * not exist: as with ps -p and lsof, the exit status is 1. */
static bool named_missing;

bool cli_named_missing(void)
{
	return named_missing;
}

static bool pid_exists(const struct scan_ctx *ctx, pid_t pid)
{
	char rel[32], path[4096];
	struct stat st;

	if (proctab_find(&ctx->procs, pid))
		return true;
	/* EPERM: it exists, it is another user's */
	if (scan_own(ctx)->syscalls)
		return !kill(pid, 0) || errno == EPERM;
	snprintf(rel, sizeof(rel), "/proc/%d", (int)pid);
	return !root_path(path, sizeof(path), ctx->set.root, rel) &&
	       !stat(path, &st);
}

static void check_named(const struct cli *cli, struct scan_ctx *ctx)
{
	char path[4096];
	struct stat st;

	/* -p narrows: a pid that names no process matches nothing it
	 * holds (only System V segments such a pid created) */
	for (size_t i = 0; i < cli->npids; i++) {
		if (pid_exists(ctx, cli->pids[i]))
			continue;
		diag_warn(&ctx->diag, "no process %d (-p)",
			  (int)cli->pids[i]);
		named_missing = true;
	}
	/* the socket walk says which one; only the status is set here */
	if (!(ctx->set.kinds & kinds_with(KF_SOCKDIR)))
		return;
	for (size_t i = 0; i < cli->nsockdirs; i++)
		if (!root_path(path, sizeof(path), ctx->set.root,
			       cli->sockdirs[i]) &&
		    lstat(path, &st) && errno == ENOENT)
			named_missing = true;
}

/* Scan with the options every command shares. Prints the error itself. */
int cli_scan(const struct cli *cli, struct scan_ctx *ctx)
{
	struct scan_opts so = {
		.root = cli->root,
		.kinds = cli->kinds,
		.sockdirs = cli->sockdirs,
		.nsockdirs = cli->nsockdirs,
		.trust_pidns = cli->trust_pidns,
		.holders = (enum holders_mode)cli->holders,
		.scope = &cli->scope,
		.ipc_limits = cli->ipc_limits,
	};
	int r = scan_run(&so, ctx);

	if (r < 0) {
		fprintf(stderr, "ipcscan: scan failed: %s\n", strerror(-r));
		return r;
	}
	check_named(cli, ctx);
	return 0;
}
