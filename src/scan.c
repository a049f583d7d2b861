/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scan.c - the pipeline: processes -> collectors -> holders -> classify. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "classify.h"
#include "fsutil.h"
#include "hash.h"
#include "helper.h"
#include "holders.h"
#include "parse.h"
#include "posix.h"
#include "scan.h"
#include "sockfiles.h"
#include "strbuf.h"
#include "sysv.h"
#include "util.h"

const char *const default_sockdirs[] = { "/run", "/tmp", "/var/tmp",
					 "/dev/shm", NULL };

void scan_warn(struct scan_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		return;
	ctx->warnings = xrealloc(ctx->warnings,
				 (ctx->nwarnings + 1) * sizeof(*ctx->warnings));
	ctx->warnings[ctx->nwarnings++] = msg;
}

/* Inode of @root/proc/self/ns/@name, 0 if unreadable. */
static uint64_t own_ns(const char *root, const char *name)
{
	char path[4096], rel[64];
	struct stat st;

	snprintf(rel, sizeof(rel), "/proc/self/ns/%s", name);
	if (root_path(path, sizeof(path), root, rel) || stat(path, &st))
		return 0;
	return st.st_ino;
}

/*
 * The wall clock for ages and the document time. A test build may fix it
 * with IPCSCAN_TEST_NOW (seconds since the epoch) so that the golden
 * outputs of tests/golden do not change with the day they run on.
 */
static time_t wall_clock(void)
{
#ifdef IPCSCAN_TEST_HOOKS
	const char *s = getenv("IPCSCAN_TEST_NOW");
	int64_t t;

	if (s && *s && !parse_i64(s, &t) && t >= 0)
		return (time_t)t;
#endif
	return time(NULL);
}

/*
 * The initial pid namespace has a fixed inode number (PROC_PID_INIT_INO in
 * the kernel's include/linux/proc_ns.h), as the other initial namespaces do
 * (systemd's namespace_is_init() compares with them). readlink works on a
 * live /proc and on a fixture tree alike, where a symlink whose target is
 * "pid:[4026531836]" says "initial".
 */
#define PIDNS_INIT_INO 0xEFFFFFFCull

/*
 * Are we in the initial pid namespace? 1 yes, 0 no, -errno if it cannot be
 * told (no /proc/self, a link that does not read "pid:[N]"): the caller
 * takes that as "no", since it must never make an orphan that a partial
 * view could not prove.
 */
static int pidns_initial(const char *root, uint64_t *ino)
{
	char path[4096], link[64];
	uint64_t v;
	ssize_t n;

	*ino = 0;
	if (root_path(path, sizeof(path), root, "/proc/self/ns/pid"))
		return -ENAMETOOLONG;
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = '\0';
	if (n < 7 || strncmp(link, "pid:[", 5) || link[n - 1] != ']' ||
	    parse_u64n(link + 5, (size_t)n - 6, &v))
		return -EINVAL;
	*ino = v;
	return v == PIDNS_INIT_INO;
}

/*
 * Live only: does /proc number processes as the kernel numbers them for
 * us? A /proc mounted in a parent pid namespace shows other numbers
 * (/proc/self is not our getpid()), while the kernel translates recorded
 * SysV pids into ours. Unreadable: say no.
 */
static bool proc_numbering_foreign(void)
{
	char link[32];
	uint64_t v;
	ssize_t n = readlink("/proc/self", link, sizeof(link) - 1);

	if (n <= 0)
		return true;
	return parse_u64n(link, (size_t)n, &v) || v != (uint64_t)getpid();
}

/* What the classifier may take as proven (classify.h). */
static void set_policy(struct scan_ctx *ctx)
{
	ctx->policy.outside_unseen = ctx->pidns_child && !ctx->trust_pidns;
	ctx->policy.pids_hidden = ctx->procs.hidden || ctx->procs_failed;
	ctx->policy.pids_foreign = ctx->procs_foreign;
}

/* One warning for a view that a child pid namespace makes partial. */
static void warn_view(struct scan_ctx *ctx)
{
	if (ctx->pidns_child && !ctx->trust_pidns) {
		ctx->complete = false;
		if (ctx->pidns_err)
			scan_warn(ctx, "cannot tell whether this is the "
				  "initial pid namespace (/proc/self/ns/pid: "
				  "%s): taken as a child pid namespace, whose "
				  "view is partial; objects without a visible "
				  "holder or live pid are unknown, not "
				  "orphans; --trust-pidns if nothing outside "
				  "it shares the IPC namespace, /dev/shm, "
				  "/dev/mqueue or the socket dirs",
				  strerror(-ctx->pidns_err));
		else
			scan_warn(ctx, "running in a child pid namespace "
				  "(pid:[%llu]): processes outside it are "
				  "invisible, so objects without a visible "
				  "holder or live pid are unknown, not "
				  "orphans; run on the host, or pass "
				  "--trust-pidns if nothing outside this pid "
				  "namespace shares its IPC namespace, "
				  "/dev/shm, /dev/mqueue or the socket dirs",
				  (unsigned long long)ctx->own_pidns);
	}
	if (ctx->procs_foreign) {
		ctx->complete = false;
		scan_warn(ctx, "/proc belongs to another pid namespace "
			  "(/proc/self is not pid %d): recorded pids cannot "
			  "be judged dead", (int)getpid());
	}
}

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Name the processes whose stat could not be parsed (the first few). */
static void warn_unparsable(struct scan_ctx *ctx)
{
	struct strbuf sb = { 0 };
	unsigned shown = 0;

	for (size_t i = 0; i < ctx->procs.n && shown < 8; i++) {
		if (ctx->procs.v[i].start)
			continue;
		sb_printf(&sb, "%s%d", shown++ ? " " : "",
			  (int)ctx->procs.v[i].pid);
	}
	scan_warn(ctx, "%u process%s with an unparsable stat file (%s%s) "
		  "counted as alive", ctx->procs.unparsable,
		  ctx->procs.unparsable == 1 ? "" : "es", sb.buf ? sb.buf : "",
		  ctx->procs.unparsable > shown ? " ..." : "");
	sb_free(&sb);
}

/*
 * The collectors run in two lanes: a thread reads SysV and POSIX objects
 * while the calling thread reads the process list and then the sockets
 * (whose netns list comes from the processes). Each lane fills a context
 * of its own, which is merged afterwards in the fixed order SysV, POSIX,
 * sockets, so the result does not depend on which lane finishes first.
 */
struct lane {
	struct scan_ctx c;	/* the settings of the scan, its own results */
	int r;			/* 0 or a fatal -errno */
};

static void lane_init(struct lane *l, const struct scan_ctx *ctx)
{
	l->c = *ctx;
	memset(&l->c.objs, 0, sizeof(l->c.objs));
	memset(&l->c.procs, 0, sizeof(l->c.procs));
	l->c.complete = true;
	l->c.warnings = NULL;
	l->c.nwarnings = 0;
	l->r = 0;
}

/* Move the lane's objects and warnings into @ctx. */
static void lane_merge(struct scan_ctx *ctx, struct lane *l)
{
	objset_move(&ctx->objs, &l->c.objs);
	if (l->c.nwarnings) {
		ctx->warnings = xrealloc(ctx->warnings,
					 (ctx->nwarnings + l->c.nwarnings) *
					 sizeof(*ctx->warnings));
		memcpy(ctx->warnings + ctx->nwarnings, l->c.warnings,
		       l->c.nwarnings * sizeof(*ctx->warnings));
		ctx->nwarnings += l->c.nwarnings;
	}
	free(l->c.warnings);
	l->c.warnings = NULL;
	l->c.nwarnings = 0;
	if (!l->c.complete)
		ctx->complete = false;
}

static void ipc_lane(void *arg)
{
	struct lane *l = arg;

	if (l->c.kinds & KMASK_SYSV)
		l->r = sysv_collect(&l->c);
	if (!l->r && (l->c.kinds & KMASK_POSIX))
		l->r = posix_collect(&l->c);
}

static int collect(struct scan_ctx *ctx, struct helper *helper)
{
	struct lane ipc, sock;
	bool threaded;
	int r;

	lane_init(&ipc, ctx);
	threaded = helper && (ctx->kinds & (KMASK_SYSV | KMASK_POSIX));
	if (threaded)
		helper_run(helper, ipc_lane, &ipc);

	/* Processes first: the socket collector needs their netns, and the
	 * holder pass walks them. */
	r = proctab_read(ctx->root, &ctx->procs);
	if (r < 0) {
		scan_warn(ctx, "cannot read the process list: %s",
			  strerror(-r));
		ctx->complete = false;
		ctx->procs_failed = true;
	}
	if (ctx->procs.unparsable)
		warn_unparsable(ctx);
	lane_init(&sock, ctx);
	sock.c.procs = ctx->procs;	/* read only */
	if (ctx->kinds & (KMASK_SOCKETS | KMASK(KIND_FIFO)))
		sock.r = sockets_collect(&sock.c);
	memset(&sock.c.procs, 0, sizeof(sock.c.procs));

	if (threaded)
		helper_wait(helper);
	else
		ipc_lane(&ipc);	/* no thread: the same work in line */
	lane_merge(ctx, &ipc);
	lane_merge(ctx, &sock);
	return ipc.r < 0 ? ipc.r : sock.r;
}

void scan_init(struct scan_ctx *ctx, const struct scan_opts *opts)
{
	int r;

	memset(ctx, 0, sizeof(*ctx));
	ctx->root = opts->root ? opts->root : "";
	ctx->live = !*ctx->root;
	ctx->privileged = geteuid() == 0;
	ctx->kinds = opts->kinds ? opts->kinds : KMASK_ALL;
	ctx->sockdirs = opts->sockdirs ? opts->sockdirs : default_sockdirs;
	if (opts->sockdirs) {
		ctx->nsockdirs = opts->nsockdirs;
	} else {
		while (default_sockdirs[ctx->nsockdirs])
			ctx->nsockdirs++;
	}
	ctx->now = wall_clock();
	ctx->complete = true;
	ctx->own_ipcns = own_ns(ctx->root, "ipc");
	ctx->own_netns = own_ns(ctx->root, "net");
	ctx->own_mntns = own_ns(ctx->root, "mnt");
	ctx->trust_pidns = opts->trust_pidns;
	r = pidns_initial(ctx->root, &ctx->own_pidns);
	ctx->pidns_child = r <= 0;
	ctx->pidns_err = r < 0 ? r : 0;
	ctx->procs_foreign = ctx->live && proc_numbering_foreign();
	set_policy(ctx);
}

/* No process list: nobody was seen holding anything, which proves
 * nothing (shm has nattch, sem GETNCNT/GETZCNT; their recorded pids are
 * judged by the policy's pids_hidden). */
static void mark_unlisted(struct scan_ctx *ctx)
{
	for (size_t i = 0; i < ctx->objs.n; i++)
		if (KMASK(ctx->objs.v[i].kind) &
		    (KMASK_POSIX | KMASK(KIND_FIFO) | KMASK(KIND_MSG)))
			ctx->objs.v[i].holders_incomplete = true;
}

int scan_run(const struct scan_opts *opts, struct scan_ctx *ctx)
{
	double t0 = now_mono();
	struct helper *helper;
	int r;

	scan_init(ctx, opts);
	warn_view(ctx);
	/* A second thread for the collectors and then the holder pass. */
	helper = helper_start();
	r = collect(ctx, helper);
	if (r >= 0)
		holders_scan(ctx, helper);
	helper_stop(helper);
	if (r < 0)
		return r;
	if (ctx->procs_failed)
		mark_unlisted(ctx);
	set_policy(ctx);
	for (size_t i = 0; i < ctx->objs.n; i++)
		classify(&ctx->objs.v[i], &ctx->procs, &ctx->policy,
			 ctx->now);
	ctx->duration = now_mono() - t0;
	return 0;
}

int scan_recheck(struct scan_ctx *ctx)
{
	int r;

	proctab_free(&ctx->procs);
	r = proctab_read(ctx->root, &ctx->procs);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ctx->objs.n; i++)
		ctx->objs.v[i].nholders = 0;
	holders_scan(ctx, NULL);
	ctx->now = wall_clock();
	/* the same policy: only what hidepid hides may have changed */
	set_policy(ctx);
	for (size_t i = 0; i < ctx->objs.n; i++)
		classify(&ctx->objs.v[i], &ctx->procs, &ctx->policy,
			 ctx->now);
	return 0;
}

void scan_free(struct scan_ctx *ctx)
{
	if (ctx->sock_bound) {
		pairmap_free(ctx->sock_bound);
		free(ctx->sock_bound);
		ctx->sock_bound = NULL;
	}
	objset_free(&ctx->objs);
	proctab_free(&ctx->procs);
	for (size_t i = 0; i < ctx->nwarnings; i++)
		free(ctx->warnings[i]);
	free(ctx->warnings);
	ctx->warnings = NULL;
	ctx->nwarnings = 0;
}
