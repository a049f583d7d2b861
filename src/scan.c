/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scan.c - the pipeline: processes -> collectors -> holders -> classify. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "classify.h"
#include "fsutil.h"
#include "holders.h"
#include "holders_bpf.h"
#include "hostsrc.h"
#include "kinds.h"
#include "nsdisc.h"
#include "parse.h"
#include "saferoot.h"
#include "scan.h"
#include "strbuf.h"
#include "util.h"

const char *const default_sockdirs[] = { "/run", "/tmp", "/var/tmp",
					 "/dev/shm", NULL };

/*
 * Our own namespace @name: held open when the source may make syscalls
 * (thread-self: a thread may have entered another one, and the scan must
 * name the namespace of the thread that reads), else only the inode of
 * @root/proc/self/ns/@name, 0 if unreadable.
 */
static void own_ns(struct nsref *ns, const struct source *src,
		   const char *name)
{
	char path[4096], rel[64];
	struct stat st;

	ns->fd = -1;
	ns->ino = 0;
	if (src->syscalls) {
		snprintf(rel, sizeof(rel), "/proc/thread-self/ns/%s", name);
		ns->fd = open(rel, O_RDONLY | O_CLOEXEC);
		if (ns->fd >= 0 && !fstat(ns->fd, &st))
			ns->ino = st.st_ino;
		return;
	}
	snprintf(rel, sizeof(rel), "/proc/self/ns/%s", name);
	if (root_path(path, sizeof(path), src->root, rel) || stat(path, &st))
		return;
	ns->ino = st.st_ino;
}

void source_free(struct source *src)
{
	struct nsref *ns[] = { &src->ipc, &src->mnt, &src->net };

	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		if (ns[i]->fd >= 0)
			close(ns[i]->fd);
		ns[i]->fd = -1;
	}
	if (src->shm) {
		sr_dir_close(src->shm);
		free(src->shm);
		src->shm = NULL;
	}
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
	const struct scan_settings *set = &ctx->set;

	ctx->policy.outside_unseen = set->pidns_child && !set->trust_pidns;
	ctx->policy.pids_hidden = ctx->procs.hidden || ctx->procs_failed;
	ctx->policy.pids_foreign = set->procs_foreign;
}

/* One warning for a view that a child pid namespace makes partial. */
static void warn_view(const struct scan_settings *set, struct diag *d)
{
	if (set->pidns_child && !set->trust_pidns) {
		if (set->pidns_err)
			diag_partial(d, "cannot tell whether this is the "
				     "initial pid namespace (/proc/self/ns/"
				     "pid: %s): taken as a child pid "
				     "namespace, whose view is partial; "
				     "objects without a visible holder or "
				     "live pid are unknown, not orphans; "
				     "--trust-pidns if nothing outside it "
				     "shares the IPC namespace, /dev/shm, "
				     "/dev/mqueue or the socket dirs",
				     strerror(-set->pidns_err));
		else
			diag_partial(d, "running in a child pid namespace "
				     "(pid:[%llu]): processes outside it are "
				     "invisible, so objects without a visible "
				     "holder or live pid are unknown, not "
				     "orphans; run on the host, or pass "
				     "--trust-pidns if nothing outside this "
				     "pid namespace shares its IPC namespace, "
				     "/dev/shm, /dev/mqueue or the socket "
				     "dirs",
				     (unsigned long long)set->own_pidns);
	}
	if (set->procs_foreign)
		diag_partial(d, "/proc belongs to another pid namespace "
			     "(/proc/self is not pid %d): recorded pids "
			     "cannot be judged dead", (int)getpid());
}

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Name the processes whose stat could not be parsed (the first few).
 * They are counted as alive, which keeps the view safe: a warning only. */
static void warn_unparsable(const struct proctab *pt, struct diag *d)
{
	struct strbuf sb = { 0 };
	unsigned shown = 0;

	for (size_t i = 0; i < pt->n && shown < 8; i++) {
		if (pt->v[i].start)
			continue;
		sb_printf(&sb, "%s%d", shown++ ? " " : "", (int)pt->v[i].pid);
	}
	diag_warn(d, "%u process%s with an unparsable stat file (%s%s) "
		  "counted as alive", pt->unparsable,
		  pt->unparsable == 1 ? "" : "es", sb.buf ? sb.buf : "",
		  pt->unparsable > shown ? " ..." : "");
	sb_free(&sb);
}

/*
 * The collectors, one after another, for every source. They used to run
 * in two lanes (those that need no process table on a helper thread while
 * this one read the processes and ran the others); alternating A/B runs
 * of make bench on the 2-core development VM measured no gain at W1 or W2
 * and 10% more CPU (README), so they run in line. The order is fixed:
 * processes, then per source the collectors that need no process table
 * and then those that do, each in the order of its first kind; that is
 * also the order of the warnings.
 */

/* Into @v: the collectors of the kinds in @kinds that need the process
 * table (@procs) or not, each once, in the order of their first kind.
 * Returns how many. */
static size_t collectors_of(kindmask_t kinds, bool procs,
			    const struct collector *v[KIND_COUNT])
{
	size_t n = 0;

	for (int k = 0; k < KIND_COUNT; k++) {
		const struct collector *c = kind_ops[k]->collector;
		size_t i = 0;

		if (!(kinds & KMASK(k)) || !c->collect_procs != !procs)
			continue;
		while (i < n && v[i] != c)
			i++;
		if (i == n)
			v[n++] = c;
	}
	return n;
}

/* Every collector for @src until one fails fatally. */
static int collect_source(struct scan_ctx *ctx, const struct source *src)
{
	const struct scan_settings *set = &ctx->set;
	const struct collector *v[KIND_COUNT];
	size_t n = collectors_of(set->kinds, false, v);
	int r = 0;

	for (size_t i = 0; i < n && !r; i++)
		r = v[i]->collect(set, src, &ctx->objs, &ctx->diag);
	n = collectors_of(set->kinds, true, v);
	for (size_t i = 0; i < n && !r; i++)
		r = v[i]->collect_procs(set, src, &ctx->procs, &ctx->objs,
					&ctx->diag);
	return r;
}

/*
 * The whole host's files (hostsrc.h): as root on the live system, every
 * /dev/shm tmpfs other than ours is a source of its own, found from the
 * mount namespaces discovery reads.
 */
static void host_files(struct scan_ctx *ctx)
{
	const struct scan_settings *set = &ctx->set;
	struct nsd_opts o = { .types = 1u << NSD_MNT, .no_mq_check = true,
			      .on_mount = hostsrc_on_mount };
	struct nsd_result res = { 0 };
	struct objset objs = { 0 };
	struct hostsrc h = { 0 };
	int r;

	if (!set->privileged || *set->root ||
	    !(set->kinds & (KMASK(KIND_PSHM) | KMASK(KIND_PSEM))))
		return;
	o.on_mount_arg = &h;
	r = nsd_discover(&o, &res);
	if (r < 0) {
		diag_partial(&ctx->diag, "the /dev/shm of other mount "
			     "namespaces not read: cannot discover them: %s",
			     strerror(-r));
		return;
	}
	hostsrc_add_shm(&h, &res, &ctx->diag);
	nsd_result_free(&res);
	hostsrc_collect_shm(&h, set, &objs, &ctx->diag);
	hostsrc_merge(ctx, &h, &objs);
	hostsrc_free(&h);
}

static int collect(struct scan_ctx *ctx)
{
	int r;

	/* Processes first: the socket collector needs their netns, and the
	 * holder pass walks them. */
	r = proctab_read(ctx->set.root, &ctx->procs);
	if (r < 0) {
		diag_partial(&ctx->diag, "cannot read the process list: %s",
			     strerror(-r));
		ctx->procs_failed = true;
	}
	if (ctx->procs.unparsable)
		warn_unparsable(&ctx->procs, &ctx->diag);
	for (size_t i = 0; i < ctx->nsrc; i++) {
		r = collect_source(ctx, &ctx->src[i]);
		if (r < 0)
			return r;
	}
	host_files(ctx);
	return 0;
}

void scan_init(struct scan_ctx *ctx, const struct scan_opts *opts)
{
	struct scan_settings *set = &ctx->set;
	struct source *own;
	int r;

	memset(ctx, 0, sizeof(*ctx));
	set->root = opts->root ? opts->root : "";
	set->privileged = geteuid() == 0;
	set->kinds = opts->kinds ? opts->kinds : KMASK_ALL;
	set->sockdirs = opts->sockdirs ? opts->sockdirs : default_sockdirs;
	if (opts->sockdirs) {
		set->nsockdirs = opts->nsockdirs;
	} else {
		while (default_sockdirs[set->nsockdirs])
			set->nsockdirs++;
	}
	set->now = wall_clock();
	set->trust_pidns = opts->trust_pidns;
	set->holders = opts->holders;
	r = pidns_initial(set->root, &set->own_pidns);
	set->pidns_child = r <= 0;
	set->pidns_err = r < 0 ? r : 0;
	set->procs_foreign = !*set->root && proc_numbering_foreign();

	/* One source today: the namespaces we run in. */
	ctx->src = own = xcalloc(1, sizeof(*ctx->src));
	ctx->nsrc = 1;
	own->root = set->root;
	own->syscalls = !*own->root;
	own->own = true;
	own->shm_dir = "/dev/shm";
	own->mq_dir = "/dev/mqueue";
	own_ns(&own->ipc, own, "ipc");
	own_ns(&own->mnt, own, "mnt");
	own_ns(&own->net, own, "net");
	set_policy(ctx);
}

/* No process list: nobody was seen holding anything, which proves
 * nothing (shm has nattch, sem GETNCNT/GETZCNT; their recorded pids are
 * judged by the policy's pids_hidden). */
static void mark_unlisted(struct scan_ctx *ctx)
{
	for (size_t i = 0; i < ctx->objs.n; i++)
		if (kind_has(ctx->objs.v[i].kind, KF_UNCOUNTED))
			ctx->objs.v[i].holders_incomplete = true;
}

int scan_run(const struct scan_opts *opts, struct scan_ctx *ctx)
{
	double t0 = now_mono();
	int r;

	scan_init(ctx, opts);
	warn_view(&ctx->set, &ctx->diag);
	r = collect(ctx);
	if (r >= 0)
		holders_scan(ctx);
	if (r < 0)
		return r;
	if (ctx->procs_failed)
		mark_unlisted(ctx);
	set_policy(ctx);
	for (size_t i = 0; i < ctx->objs.n; i++)
		classify(&ctx->objs.v[i], &ctx->procs, &ctx->policy,
			 ctx->set.now);
	/* after the states are settled: a label, never evidence */
	attrib_run(ctx);
	ctx->duration = now_mono() - t0;
	return 0;
}

int scan_recheck(struct scan_ctx *ctx)
{
	int r;

	proctab_free(&ctx->procs);
	r = proctab_read(ctx->set.root, &ctx->procs);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ctx->objs.n; i++)
		ctx->objs.v[i].nholders = 0;
	holders_scan(ctx);
	ctx->set.now = wall_clock();
	/* the same policy: only what hidepid hides may have changed */
	set_policy(ctx);
	for (size_t i = 0; i < ctx->objs.n; i++)
		classify(&ctx->objs.v[i], &ctx->procs, &ctx->policy,
			 ctx->set.now);
	return 0;
}

void scan_free(struct scan_ctx *ctx)
{
	holders_bpf_close(ctx->hb);
	ctx->hb = NULL;
	ctx->hb_tried = false;
	for (size_t i = 0; i < ctx->nsrc; i++)
		source_free(&ctx->src[i]);
	free(ctx->src);
	ctx->src = NULL;
	ctx->nsrc = 0;
	objset_free(&ctx->objs);
	proctab_free(&ctx->procs);
	attrib_free(&ctx->attrib);
	diag_free(&ctx->diag);
}
