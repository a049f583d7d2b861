/* SPDX-License-Identifier: GPL-2.0-or-later */
/* holders_dump - run one holder pass (/proc or BPF) and print what it found. */

/*
 * Usage: holders_dump [--pass proc|bpf] [--repeat N] [--hint N] [--quiet]
 *                     [--all]
 *
 * Scans the live system as "ipcscan list --trust-pidns" does (every
 * kind; with --all as "-N all" does, every namespace found), then runs
 * the chosen holder pass again on those objects and that process table,
 * and prints one line per holder, sorted:
 *
 *	PID VIA KIND OBJECT
 *
 * OBJECT is the SysV id, the socket inode or the file's path. NOTIFY_PID
 * holders are left out: they come from the queues' status, not from either
 * pass. With --repeat N the pass runs N times (the lines are those of the
 * last run); each run prints "# pass=P wall_ms=W cpu_ms=C ..." on stderr
 * (CPU: user + system of this process, all threads; for bpf the load of
 * the programs is timed on a line of its own). --hint N: load the BPF
 * match sets with room for N keys (default: the number of objects), so
 * that a smaller N makes the pass load them again, bigger. --quiet:
 * timings only.
 *
 * Exit status: 0; 3 when the BPF pass cannot be used (the reason on
 * stderr); 1 on other errors, 2 on bad usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "holders.h"
#include "holders_bpf.h"
#include "kinds.h"
#include "scan.h"
#include "util.h"

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void print_holders(const struct scan_ctx *ctx)
{
	char **v = NULL;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < ctx->objs.n; i++) {
		const struct obj *o = &ctx->objs.v[i];

		for (unsigned h = 0; h < o->nholders; h++) {
			char *line;
			int r;

			if (o->holders[h].via == VIA_NOTIFY)
				continue;
			if (o->id >= 0)
				r = asprintf(&line, "%d %s %s %d",
					     (int)o->holders[h].pid,
					     via_name(o->holders[h].via),
					     kind_name(o->kind), o->id);
			else if (o->kind == KIND_UNIX)
				r = asprintf(&line, "%d %s %s %llu",
					     (int)o->holders[h].pid,
					     via_name(o->holders[h].via),
					     kind_name(o->kind),
					     (unsigned long long)o->inode);
			else
				r = asprintf(&line, "%d %s %s %s",
					     (int)o->holders[h].pid,
					     via_name(o->holders[h].via),
					     kind_name(o->kind),
					     o->path ? o->path :
					     o->name ? o->name : "?");
			if (r < 0)
				exit(1);
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				v = xrealloc(v, cap * sizeof(*v));
			}
			v[n++] = line;
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (!i || strcmp(v[i], v[i - 1]))
			puts(v[i]);
	}
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void clear_holders(struct scan_ctx *ctx)
{
	for (size_t i = 0; i < ctx->objs.n; i++)
		ctx->objs.v[i].nholders = 0;
}

int main(int argc, char **argv)
{
	/* the scan's own holder pass is the /proc one: the pass compared
	 * is the one run after it */
	struct scan_opts opts = { .root = "", .kinds = KMASK_ALL,
				  .trust_pidns = true,
				  .holders = HOLDERS_PROC };
	struct ns_scope all = { .all = true };
	struct scan_ctx ctx = { 0 };
	struct holders_bpf *hb = NULL;
	const char *pass = "proc";
	bool quiet = false;
	long repeat = 1, hint = -1;
	char why[512];
	double t0, c0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--pass") && i + 1 < argc) {
			pass = argv[++i];
		} else if (!strcmp(argv[i], "--repeat") && i + 1 < argc) {
			repeat = strtol(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--hint") && i + 1 < argc) {
			hint = strtol(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--quiet")) {
			quiet = true;
		} else if (!strcmp(argv[i], "--all")) {
			opts.scope = &all;
		} else {
			fprintf(stderr, "usage: holders_dump [--pass proc|bpf] "
				"[--repeat N] [--hint N] [--quiet] [--all]\n");
			return 2;
		}
	}
	if ((strcmp(pass, "proc") && strcmp(pass, "bpf")) || repeat < 1) {
		fprintf(stderr, "holders_dump: bad --pass or --repeat\n");
		return 2;
	}
	if (scan_run(&opts, &ctx)) {
		fprintf(stderr, "holders_dump: scan failed\n");
		return 1;
	}
	if (!strcmp(pass, "bpf")) {
		t0 = mono();
		c0 = cpu();
		hb = holders_bpf_open(hint >= 0 ? (size_t)hint : ctx.objs.n,
				      why, sizeof(why));
		if (!hb) {
			fprintf(stderr, "holders_dump: BPF pass unusable: %s\n",
				why);
			return 3;
		}
		fprintf(stderr, "# pass=bpf load wall_ms=%.2f cpu_ms=%.2f\n",
			(mono() - t0) * 1e3, (cpu() - c0) * 1e3);
	}
	for (long r = 0; r < repeat; r++) {
		clear_holders(&ctx);
		t0 = mono();
		c0 = cpu();
		if (hb) {
			struct hbpf_counts k;

			if (holders_bpf_walk(&ctx, hb, why, sizeof(why))) {
				fprintf(stderr, "holders_dump: BPF pass "
					"failed: %s\n", why);
				return 3;
			}
			holders_bpf_counts(hb, &k);
			fprintf(stderr, "# pass=bpf wall_ms=%.2f cpu_ms=%.2f "
				"procs=%zu objs=%zu fds=%llu vmas=%llu "
				"tasks=%llu matches=%llu\n",
				(mono() - t0) * 1e3, (cpu() - c0) * 1e3,
				ctx.procs.n, ctx.objs.n,
				(unsigned long long)k.fds,
				(unsigned long long)k.vmas,
				(unsigned long long)k.tasks,
				(unsigned long long)k.matches);
		} else {
			holders_scan(&ctx);
			fprintf(stderr, "# pass=proc wall_ms=%.2f cpu_ms=%.2f "
				"procs=%zu objs=%zu\n",
				(mono() - t0) * 1e3, (cpu() - c0) * 1e3,
				ctx.procs.n, ctx.objs.n);
		}
	}
	if (!quiet)
		print_holders(&ctx);
	holders_bpf_close(hb);
	scan_free(&ctx);
	return 0;
}
