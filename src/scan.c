/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scan.c - the pipeline: processes -> collectors -> holders -> classify. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "classify.h"
#include "fsutil.h"
#include "hash.h"
#include "holders.h"
#include "holders_bpf.h"
#include "hostsrc.h"
#include "kinds.h"
#include "nsdisc.h"
#include "nsrun.h"
#include "parse.h"
#include "posix.h"
#include "saferoot.h"
#include "scan.h"
#include "stats.h"
#include "strbuf.h"
#include "util.h"

#ifndef MQUEUE_MAGIC
#define MQUEUE_MAGIC 0x19800202
#endif

const char *const default_sockdirs[] = { "/run", "/tmp", "/var/tmp",
					 "/dev/shm", NULL };

/*
 * The initial namespaces have fixed inode numbers (include/linux/
 * proc_ns.h): ipc always, mnt and net since Linux 6.x (6.18 here; not
 * 6.1), where pid 1's namespace is the initial one instead. In a child
 * pid namespace "pid 1" is that namespace's init: the fixed numbers are
 * what keeps the answer right there.
 */
#define IPCNS_INIT_INO 0xEFFFFFFFull
#define NETNS_INIT_INO 0xEFFFFFF9ull
#define MNTNS_INIT_INO 0xEFFFFFF8ull

/* "ipc:[4026531839]" of the link @rel under @root, or 0. */
static uint64_t ns_link_ino(const char *root, const char *rel)
{
	char path[4096], link[64], *open;
	uint64_t v;
	ssize_t n;

	if (root_path(path, sizeof(path), root, rel))
		return 0;
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return 0;
	link[n] = '\0';
	open = strchr(link, '[');
	if (!open || link[n - 1] != ']' ||
	    parse_u64n(open + 1, (size_t)(link + n - 1 - open - 1), &v))
		return 0;
	return v;
}

static bool ns_initial(const struct scan_settings *set, const char *name,
		       uint64_t ino)
{
	char rel[32];

	if (!ino)
		return false;
	if (!strcmp(name, "ipc"))
		return ino == IPCNS_INIT_INO;
	if (ino == (!strcmp(name, "net") ? NETNS_INIT_INO : MNTNS_INIT_INO))
		return true;
	/* pid 1 of a child pid namespace is no host's */
	if (set->pidns_child)
		return false;
	snprintf(rel, sizeof(rel), "/proc/1/ns/%s", name);
	return ns_link_ino(set->root, rel) == ino;
}

/*
 * Our own namespace @name: held open when the source may make syscalls
 * (thread-self: a thread may have entered another one, and the scan must
 * name the namespace of the thread that reads), else only the inode of
 * @root/proc/self/ns/@name (the link's text in a fixture tree, as in
 * pidns_initial), 0 if unreadable.
 */
static void own_ns(struct nsref *ns, const struct scan_settings *set,
		   const struct source *src, const char *name)
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
	} else {
		snprintf(rel, sizeof(rel), "/proc/self/ns/%s", name);
		ns->ino = ns_link_ino(src->root, rel);
		if (!ns->ino &&
		    !root_path(path, sizeof(path), src->root, rel) &&
		    !stat(path, &st))
			ns->ino = st.st_ino;
	}
	ns->initial = ns_initial(set, name, ns->ino);
}

const struct nsref *obj_nsref(const struct scan_ctx *ctx,
			      const struct obj *o)
{
	/* a context a test made without sources: nothing known */
	static const struct nsref unknown = { -1, 0, false };
	const struct source *src = obj_src(ctx, o);

	if (!src)
		return &unknown;
	switch (kind_ops[o->kind]->ns) {
	case OBJNS_MNT:
		return &src->mnt;
	case OBJNS_NET:
		return &src->net;
	default:
		return &src->ipc;
	}
}

int ns_scope_parse(const char *list, struct ns_scope *sc, const char **bad)
{
	static char badbuf[64];
	const char *p = list;

	for (;;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		const char *num = p;
		size_t nlen = len;
		uint64_t v;

		if (len == 3 && !strncmp(p, "all", 3)) {
			sc->all = true;
		} else if (len == 4 && !strncmp(p, "self", 4)) {
			sc->self = true;
		} else {
			/* the NS column's number, or the link's text */
			if (len > 6 && !strncmp(p, "ipc:[", 5) &&
			    p[len - 1] == ']') {
				num = p + 5;
				nlen = len - 6;
			}
			/* nsfs inodes are 32-bit and never 0 */
			if (parse_u64n(num, nlen, &v) || !v ||
			    v > UINT32_MAX) {
				snprintf(badbuf, sizeof(badbuf), "%.*s",
					 (int)len, p);
				if (bad)
					*bad = badbuf;
				return -EINVAL;
			}
			sc->ids = xrealloc(sc->ids, (sc->nids + 1) *
					   sizeof(*sc->ids));
			sc->ids[sc->nids++] = v;
		}
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

void ns_scope_free(struct ns_scope *sc)
{
	free(sc->ids);
	memset(sc, 0, sizeof(*sc));
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
	for (size_t i = 0; i < src->nsockdirs; i++)
		sr_dir_close(&src->sockdirs[i]);
	free(src->sockdirs);
	free(src->sockdir_paths);
	src->sockdirs = NULL;
	src->sockdir_paths = NULL;
	src->nsockdirs = 0;
	if (src->kept) {
		for (size_t i = 0; i < src->kept->n; i++) {
			close(src->kept->v[i].fd);
			free(src->kept->v[i].path);
		}
		free(src->kept->v);
		free(src->kept);
		src->kept = NULL;
	}
	free(src->lim);
	src->lim = NULL;
	free(src->gone_path);
	src->gone_path = NULL;
	/* only another IPC namespace's source has its mqueue instance */
	if (!src->own && (src->kinds & KMASK(KIND_MQUEUE)) && src->mq_fd >= 0)
		close(src->mq_fd);
	src->mq_fd = -1;
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
 * The whole host's files and sockets (hostsrc.h): as root on the live
 * system, every /dev/shm tmpfs and socket dir other than ours is read
 * through a source of its own, found from the mount namespaces discovery
 * read (@res, with hostsrc_on_mount's views in @h), and so is every other
 * network namespace, whose unix sockets are listed; after the
 * collectors. Socket dirs named with --socket-dir are ours only.
 */
static void host_files(struct scan_ctx *ctx, struct hostsrc *h,
		       const struct nsd_result *res)
{
	const struct scan_settings *set = &ctx->set;
	bool shm = set->kinds & (KMASK(KIND_PSHM) | KMASK(KIND_PSEM));
	bool net = set->kinds & KMASK(KIND_UNIX);
	bool sock = (set->kinds & (KMASK(KIND_SOCKFILE) | KMASK(KIND_FIFO))) &&
		    set->sockdirs == default_sockdirs;
	struct objset objs = { 0 };

	if (shm || sock)
		hostsrc_add_mnt(h, res, &ctx->procs, shm, sock,
				&ctx->diag);
	if (net)
		hostsrc_add_net(h, res, scan_own(ctx)->net.ino);
	hostsrc_collect_shm(h, set, &objs, &ctx->diag);
	hostsrc_collect_sock(h, set, &ctx->procs, &objs, &ctx->diag);
	hostsrc_collect_net(h, set, &objs, &ctx->diag);
	hostsrc_merge(ctx, h, &objs);
}

/* The collectors of another IPC namespace's kinds (none needs the
 * process table), run inside it. */
static int run_collectors(const struct scan_settings *set,
			  const struct source *src, struct objset *out,
			  struct diag *d)
{
	const struct collector *v[KIND_COUNT];
	size_t n = collectors_of(set->kinds, false, v);
	int r = 0;

	for (size_t i = 0; i < n && !r; i++)
		r = v[i]->collect(set, src, out, d);
	return r;
}

/* Is namespace @ino one that -N asks for (besides "self")? */
static bool scope_has(const struct ns_scope *sc, uint64_t ino)
{
	if (sc->all)
		return true;
	for (size_t i = 0; i < sc->nids; i++)
		if (sc->ids[i] == ino)
			return true;
	return false;
}

/*
 * The IPC namespaces other than ours, one source each, after ours. Each
 * is named by fstat of a descriptor that discovery opened while it was
 * alive, and that descriptor (a copy) is kept for the whole run: the
 * inode of a namespace that dies is reused at once.
 */
static void warn_missed(struct diag *d, const struct nsd_result *res,
			unsigned fdtabs)
{
	unsigned mnt = res->mntns_unread + res->mntns_taskless +
		       res->binds_unreached;

	if (res->tasks_denied || fdtabs || mnt || res->truncated)
		diag_partial(d, "some IPC namespaces may be missed: "
			     "%u task%s' namespaces, %u fd table%s and %u "
			     "mount table%s could not be read%s%s",
			     res->tasks_denied,
			     res->tasks_denied == 1 ? "" : "s",
			     fdtabs, fdtabs == 1 ? "" : "s",
			     mnt, mnt == 1 ? "" : "s",
			     res->truncated ? " (limits reached)" : "",
			     res->mq_rule == NSD_MQ_CALLER ?
			     "; so an mqueue mount of no IPC namespace found "
			     "is not taken for one whose namespace is gone" :
			     "");
}

/* The warning above for a scan whose holder pass read the fd tables
 * (scan_ctx.ns_tasked): it has counted the unread ones now; the warning
 * takes the place it would have had. */
static void warn_missed_late(struct scan_ctx *ctx)
{
	struct diag *d = &ctx->diag;
	size_t at = ctx->ns_warn_at, n = d->nwarnings;

	if (!ctx->ns_warn)
		return;
	warn_missed(d, ctx->ns_warn, ctx->ns_fdtabs_denied);
	free(ctx->ns_warn);
	ctx->ns_warn = NULL;
	if (d->nwarnings == n + 1 && at < n) {
		char *w = d->warnings[n];

		memmove(&d->warnings[at + 1], &d->warnings[at],
			(n - at) * sizeof(*d->warnings));
		d->warnings[at] = w;
	}
}

static void find_ipc_sources(struct scan_ctx *ctx,
			     const struct nsd_result *rp)
{
	const struct source *own = scan_own(ctx);
	struct diag *d = &ctx->diag;
	const struct nsd_result res = *rp;

	if (ctx->ns_tasked) {
		/* the fd tables are the holder pass's to count */
		ctx->ns_warn = xmalloc(sizeof(*ctx->ns_warn));
		*ctx->ns_warn = res;
		ctx->ns_warn_at = d->nwarnings;
	} else {
		warn_missed(d, &res, res.fdtabs_denied);
	}
	ctx->src = xrealloc(ctx->src, (res.n + 1) * sizeof(*ctx->src));
	own = scan_own(ctx);
	for (size_t i = 0; i < res.n; i++) {
		const struct nsd_ns *ns = &res.ns[i];
		struct source *src;
		int fd;

		if (ns->type != NSD_IPC || ns->ino == own->ipc.ino ||
		    !scope_has(&ctx->set.scope, ns->ino))
			continue;
		fd = fcntl(ns->fd, F_DUPFD_CLOEXEC, 0);
		if (fd < 0) {
			diag_partial(d, "IPC namespace %llu: cannot "
				     "keep it open: %s; not scanned",
				     (unsigned long long)ns->ino,
				     strerror(errno));
			continue;
		}
		src = &ctx->src[ctx->nsrc++];
		memset(src, 0, sizeof(*src));
		src->root = "";
		src->syscalls = true;
		src->ipc.fd = fd;
		src->ipc.ino = ns->ino;
		src->ipc.initial = ns->initial;
		/* what else it sees is found by later work: for now only
		 * its IPC objects, the rest is our own namespaces' */
		src->mnt = (struct nsref){ -1, own->mnt.ino, own->mnt.initial };
		src->net = (struct nsref){ -1, own->net.ino, own->net.initial };
		src->mq_dir = "/dev/mqueue";
		src->kinds = kind_group_mask(GROUP_SYSV) | KMASK(KIND_MQUEUE);
		src->taskless = ns->ntasks == 0;
		src->mq_fd = -ENOENT;
		ctx->nsrc_ipc++;
	}
}

/* What runs inside another IPC namespace (nsrun): its mqueue instance,
 * then the collectors of its kinds. */
struct foreign_job {
	struct scan_settings set;	/* kinds: those it has */
	struct source *src;
	struct objset *out;
	size_t n0, n1;			/* its objects in out */
	struct diag d;
};

static int foreign_job(void *arg)
{
	struct foreign_job *j = arg;
	int r;

	j->n0 = j->out->n;
	if (j->set.kinds & KMASK(KIND_MQUEUE)) {
		struct stat st;

		j->src->mq_fd = posix_mq_instance();
		if (j->src->mq_fd >= 0 && !fstat(j->src->mq_fd, &st))
			j->src->mq_dev = st.st_dev;
	}
	/* the sysctls are per IPC namespace, bound when opened; only
	 * stats shows them */
	if (j->set.ipc_limits) {
		j->src->lim = xcalloc(LIM_COUNT, sizeof(*j->src->lim));
		stats_read_ipc_limits("", j->src->lim);
	}
	r = run_collectors(&j->set, j->src, j->out, &j->d);
	j->n1 = j->out->n;
	return r;
}

/*
 * Collect the objects of the @n other IPC namespaces from source @first
 * on, each inside it, in one batch for the runner (a wake-up per
 * namespace cost more than the work in it); their warnings name them.
 */
static void collect_foreign(struct scan_ctx *ctx, struct nsrun *runner,
			    size_t first, size_t n)
{
	struct foreign_job *fj = xcalloc(n, sizeof(*fj));
	struct nsrun_job *jobs = xcalloc(n, sizeof(*jobs));

	for (size_t k = 0; k < n; k++) {
		struct source *src = &ctx->src[first + k];

		fj[k] = (struct foreign_job){ .set = ctx->set, .src = src,
					      .out = &ctx->objs };
		fj[k].set.kinds &= src->kinds;
		jobs[k] = (struct nsrun_job){ .nsfd = src->ipc.fd,
					      .fn = foreign_job,
					      .arg = &fj[k] };
	}
	nsrun_call_many(runner, CLONE_NEWIPC, jobs, n);
	for (size_t k = 0; k < n; k++) {
		struct foreign_job *j = &fj[k];
		const struct source *src = j->src;

		if (jobs[k].ret < 0 && j->n1 == j->n0)
			diag_partial(&j->d, "not scanned: %s",
				     strerror(-jobs[k].ret));
		for (size_t i = 0; i < j->d.nwarnings; i++)
			diag_warn(&ctx->diag, "IPC namespace %llu: %s",
				  (unsigned long long)src->ipc.ino,
				  j->d.warnings[i]);
		if (j->d.incomplete)
			ctx->diag.incomplete = true;
		diag_free(&j->d);
		for (size_t i = j->n0; i < j->n1; i++)
			ctx->objs.v[i].src = (uint32_t)(first + k);
	}
	free(jobs);
	free(fj);
}

/*
 * Orphaned mqueue mounts (NAMESPACES.md 1.5): a mount does not pin its
 * IPC namespace, and once the namespace is freed its queues can still be
 * unlinked but never opened again. An mqueue superblock mounted somewhere
 * (@res, discovery with mq_by_caller) whose device is no live IPC
 * namespace's is such a mount. The devices come from the collection's
 * own entry into each namespace (foreign_job's instance) and our own
 * instance, so no namespace is entered twice.
 *
 * That is proof only when every IPC namespace was found: as root in the
 * initial pid namespace, -N all, with every task, fd table and mount
 * table read and every namespace's instance mounted. Otherwise the
 * superblock may be a namespace's that was missed (a task outside our pid
 * namespace: the test suite's own /dev/mqueue seen from a test), and
 * nothing is claimed (the discovery warning says so when it is the
 * cause). Even then the kernel is asked once more: creating a queue in a
 * superblock without a namespace fails with EACCES (posix_mq_gone); one
 * that succeeds is a live namespace's that discovery did not find (kept
 * only by a SysV attachment made in it, which /proc names nowhere), and
 * the view is incomplete.
 *
 * Each one that is gone becomes a source (ipc_gone) whose queues are read
 * through the mount's directory, as the queues of a live namespace's
 * instance are; an empty one is a warning of its own.
 */
static bool pidns_whole(const struct scan_settings *set)
{
#ifdef IPCSCAN_TEST_HOOKS
	/* the tests run in a child pid namespace of their own; this plays
	 * the initial one for the mqueue check only */
	if (getenv("IPCSCAN_TEST_PIDNS_WHOLE"))
		return !set->procs_foreign;
#endif
	return !set->pidns_child && !set->procs_foreign;
}

static bool mq_view_whole(const struct scan_ctx *ctx,
			  const struct nsd_result *res)
{
	return ctx->set.scope.all && pidns_whole(&ctx->set) &&
	       !ctx->procs_failed && !ctx->procs.hidden &&
	       !res->tasks_denied && !res->tasks_unverified &&
	       !res->fdtabs_denied && !res->mntns_unread &&
	       !res->mntns_taskless && !res->binds_unreached &&
	       !res->lines_skipped && !res->truncated;
}

/* Our own IPC namespace's mqueue device (this thread never leaves it),
 * 0 if it cannot be mounted. */
static dev_t own_mq_dev(void)
{
	struct stat st;
	int fd = mq_mount_here();
	dev_t dev = 0;

	if (fd < 0)
		return 0;
	if (!fstat(fd, &st))
		dev = st.st_dev;
	close(fd);
	return dev;
}

/* A source for the gone superblock @m whose directory is @dfd (taken);
 * its queues into ctx->objs. */
static void mq_gone_source(struct scan_ctx *ctx, const struct nsd_mq_orphan *m,
			   int dfd)
{
	struct scan_settings set = ctx->set;
	const struct source *own;
	struct diag d = { 0 };
	struct source *src;
	size_t n0 = ctx->objs.n;
	uint32_t si;

	ctx->src = xrealloc(ctx->src, (ctx->nsrc + 1) * sizeof(*ctx->src));
	own = scan_own(ctx);	/* after the move */
	si = (uint32_t)ctx->nsrc++;
	src = &ctx->src[si];
	memset(src, 0, sizeof(*src));
	src->root = "";
	src->syscalls = true;
	src->ipc = (struct nsref){ -1, 0, false };
	src->mnt = (struct nsref){ -1, m->mntns, m->mntns == own->mnt.ino ?
				   own->mnt.initial : false };
	src->net = (struct nsref){ -1, own->net.ino, own->net.initial };
	src->ipc_gone = true;
	src->gone_path = xstrdup(m->path);
	src->mq_dir = src->gone_path;
	src->mq_fd = dfd;
	src->mq_dev = m->dev;
	src->kinds = KMASK(KIND_MQUEUE);
	set.kinds &= src->kinds;
	run_collectors(&set, src, &ctx->objs, &d);
	for (size_t i = 0; i < d.nwarnings; i++)
		diag_warn(&ctx->diag, "the mqueue mount at %s (IPC namespace "
			  "gone): %s", m->path, d.warnings[i]);
	if (d.incomplete)
		ctx->diag.incomplete = true;
	diag_free(&d);
	for (size_t i = n0; i < ctx->objs.n; i++)
		ctx->objs.v[i].src = si;
	if (ctx->objs.n == n0)
		diag_warn(&ctx->diag, "the mqueue mount at %s (mount namespace "
			  "%llu%s) belongs to an IPC namespace that is gone: "
			  "it holds no queue and none can be made in it; "
			  "unmount it", m->path, (unsigned long long)m->mntns,
			  m->nmounts > 1 ? ", and other mounts of it" : "");
}

static void mq_gone(struct scan_ctx *ctx, const struct nsd_result *res)
{
	struct diag *d = &ctx->diag;
	dev_t *live;
	size_t nlive = 0;
	unsigned unchecked = 0;

	if (res->mq_rule != NSD_MQ_CALLER || !res->nmq)
		return;
	live = xcalloc(res->n + 1, sizeof(*live));
	for (size_t i = 0; i < res->n; i++) {
		const struct nsd_ns *ns = &res->ns[i];
		int si;
		dev_t dev;

		if (ns->type != NSD_IPC)
			continue;
		si = scan_ipc_source(ctx, ns->ino);
		dev = si == 0 ? own_mq_dev() : si > 0 ? ctx->src[si].mq_dev : 0;
		if (dev)
			live[nlive++] = dev;
		else
			unchecked++;
	}
	/* an instance that could not be mounted has said so already */
	if (unchecked || !mq_view_whole(ctx, res)) {
		free(live);
		return;
	}
	for (size_t k = 0; k < res->nmq; k++) {
		const struct nsd_mq_orphan *m = &res->mq[k];
		bool alive = false, left = false;
		struct stat st;
		int pfd, dfd, g, e;

		for (size_t i = 0; i < nlive && !alive; i++)
			alive = live[i] == m->dev;
		if (alive)
			continue;
		if (ctx->ns_tasked) {
			/* discovery left the fd tables to the holder pass:
			 * an IPC namespace kept only by a descriptor may be
			 * this superblock's, so nothing is probed or
			 * claimed; the scan is made again with them read */
			ctx->ns_missed = true;
			break;
		}
		pfd = nsd_mq_reach(m);
		if (pfd < 0) {
			diag_partial(d, "an mqueue mount of no IPC namespace "
				     "found, at %s in mount namespace %llu, "
				     "could not be reached: %s; not read",
				     m->path, (unsigned long long)m->mntns,
				     strerror(-pfd));
			continue;
		}
		dfd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		e = errno;
		close(pfd);
		if (dfd < 0 || fstat(dfd, &st) || st.st_dev != m->dev ||
		    !fd_on_fs(dfd, MQUEUE_MAGIC)) {
			diag_partial(d, "an mqueue mount of no IPC namespace "
				     "found, at %s in mount namespace %llu: "
				     "cannot open it: %s; not read", m->path,
				     (unsigned long long)m->mntns,
				     dfd < 0 ? strerror(e) :
				     "not that mqueue superblock");
			if (dfd >= 0)
				close(dfd);
			continue;
		}
		g = posix_mq_gone(dfd, &left);
		if (left)
			diag_warn(d, "a probe queue of ipcscan in the mqueue "
				  "mount at %s could not be removed", m->path);
		if (g == 1) {
			mq_gone_source(ctx, m, dfd);
			continue;
		}
		close(dfd);
		if (g == 0)
			diag_partial(d, "the mqueue mount at %s (mount "
				     "namespace %llu) belongs to a live IPC "
				     "namespace that was not found (one kept "
				     "only by a SysV attachment made in it?): "
				     "its queues are not listed", m->path,
				     (unsigned long long)m->mntns);
		else
			diag_partial(d, "the mqueue mount at %s (mount "
				     "namespace %llu) is of no IPC namespace "
				     "found, and whether its namespace is gone "
				     "cannot be told: %s; its queues are not "
				     "listed", m->path,
				     (unsigned long long)m->mntns,
				     strerror(-g));
	}
	free(live);
}

/* The namespaces discovery found a task in, for the holder pass to
 * check the nsfs links it reads against (scan_ctx.ns_tasked). */
static void tasked_of(struct scan_ctx *ctx, const struct nsd_result *res,
		      unsigned types)
{
	ctx->ns_tasked = xcalloc(1, sizeof(*ctx->ns_tasked));
	ctx->ns_types = types;
	for (size_t i = 0; i < res->n; i++)
		if (res->ns[i].ntasks)
			pairmap_put(ctx->ns_tasked, res->ns[i].type,
				    res->ns[i].ino, 0);
}

static void tasked_free(struct scan_ctx *ctx)
{
	free(ctx->ns_warn);
	ctx->ns_warn = NULL;
	if (ctx->ns_tasked) {
		pairmap_free(ctx->ns_tasked);
		free(ctx->ns_tasked);
	}
	ctx->ns_tasked = NULL;
}

static int collect(struct scan_ctx *ctx)
{
	struct nsrun *runner = NULL;
	struct nsd_result res = { 0 };
	struct hostsrc h = { 0 };
	bool files;
	int r, dr = -1;

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
	/*
	 * One walk of /proc finds what a host-wide scan adds: the IPC
	 * namespaces (each type costs a stat per task), the other mount
	 * namespaces' /dev/shm and socket dirs (their mountinfo, read
	 * anyway, through the on_mount hook) and network namespaces.
	 * Orphaned mqueue mounts with -N all (mq_gone): discovery gathers
	 * every mqueue superblock mounted, the collection tells which are
	 * alive.
	 */
	files = ctx->set.host_wide &&
		(ctx->set.kinds & (KMASK(KIND_PSHM) | KMASK(KIND_PSEM) |
				   KMASK(KIND_SOCKFILE) | KMASK(KIND_FIFO) |
				   KMASK(KIND_UNIX)));
	if (ctx->set.host_wide || files) {
		struct nsd_opts no = {
			.types = 1u << NSD_MNT |
				 (ctx->set.host_wide ? 1u << NSD_IPC : 0) |
				 (files && (ctx->set.kinds & KMASK(KIND_UNIX)) ?
				  1u << NSD_NET : 0),
			.no_mq_check = !ctx->set.scope.all ||
				       !(ctx->set.kinds & KMASK(KIND_MQUEUE)),
			.mq_by_caller = true,
			.on_mount = files ? hostsrc_on_mount : NULL,
			.on_mount_arg = &h,
		};

		/* either holder pass reads every fd table anyway (/proc
		 * every link, BPF every file in the kernel): it checks the
		 * nsfs ones (ns_tasked), so discovery need not read them */
		no.no_fds = ctx->ns_fold && ctx->set.host_wide &&
			    !ctx->procs_failed && ctx->procs.n;
		dr = nsd_discover(&no, &res);
		if (!dr && no.no_fds)
			tasked_of(ctx, &res, no.types);
		if (dr < 0 && ctx->set.host_wide)
			diag_partial(&ctx->diag, "cannot look for other IPC "
				     "namespaces (/proc): %s; only our own is "
				     "scanned", strerror(-dr));
		if (dr < 0 && files)
			diag_partial(&ctx->diag, "other mount and network "
				     "namespaces not read: cannot discover "
				     "them: %s", strerror(-dr));
		if (!dr && ctx->set.host_wide)
			find_ipc_sources(ctx, &res);
	}
	for (size_t i = 0; i < ctx->nsrc; i++) {
		size_t n0 = ctx->objs.n, k = i;

		if (!ctx->src[i].own) {
			/* the run of other namespaces' sources, at once */
			while (k < ctx->nsrc && !ctx->src[k].own)
				k++;
			if (!runner)
				runner = nsrun_new();
			collect_foreign(ctx, runner, i, k - i);
			i = k - 1;
			continue;
		}
		r = collect_source(ctx, &ctx->src[i]);
		for (k = n0; k < ctx->objs.n; k++)
			ctx->objs.v[k].src = (uint32_t)i;
		if (r < 0)
			break;
	}
	nsrun_free(runner);
	if (!dr && r >= 0)
		mq_gone(ctx, &res);
	if (files && !dr && r >= 0)
		host_files(ctx, &h, &res);
	hostsrc_free(&h);
	nsd_result_free(&res);
	return r < 0 ? r : 0;
}

/*
 * -N: whether the scan goes beyond our own namespaces. By default it
 * does as root on the live system in the initial IPC and pid namespaces
 * (the whole host); in a child namespace, as the tests run, or not as
 * root, the default is our own ones (SPEC: "self" when not root), and
 * nothing is said about it.
 */
static void set_scope(struct scan_ctx *ctx, const struct ns_scope *given)
{
	struct scan_settings *set = &ctx->set;
	bool live = !*set->root;

	if (given)
		set->scope = *given;
	if (!set->scope.all && !set->scope.self && !set->scope.nids) {
		set->scope.all = live && set->privileged &&
				 scan_own(ctx)->ipc.initial &&
				 !set->pidns_child;
		set->scope.self = true;
	}
	set->host_wide = live && (set->scope.all || set->scope.nids);
	if (set->host_wide && !set->privileged) {
		diag_partial(&ctx->diag, "-N: other namespaces can only be "
			     "scanned as root; only our own are");
		set->host_wide = false;
	}
	if (!live && (set->scope.all || set->scope.nids))
		diag_warn(&ctx->diag, "-N: a fixture tree has only its own "
			  "namespaces");
}

int scan_ipc_source(const struct scan_ctx *ctx, uint64_t ino)
{
	size_t lo = 1, hi = 1 + ctx->nsrc_ipc;

	if (!ino)
		return -1;
	if (ctx->src[0].ipc.ino == ino)
		return 0;
	/* the others come in discovery's order: by inode */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ctx->src[mid].ipc.ino == ino)
			return (int)mid;
		if (ctx->src[mid].ipc.ino < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

bool scan_selected(const struct scan_ctx *ctx, const struct obj *o)
{
	const struct ns_scope *sc = &ctx->set.scope;
	const struct source *src = obj_src(ctx, o);

	/* a context not made by scan_init: no scope to apply */
	if (!src || (!sc->all && !sc->self && !sc->nids))
		return true;
	/* the sources of other mount and network namespaces (hostsrc.c)
	 * are there only when -N reaches beyond ours, as the IPC ones */
	if (sc->all || (sc->self && src->own))
		return true;
	return scope_has(sc, obj_nsref(ctx, o)->ino);
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
	set->ipc_limits = opts->ipc_limits;
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
	own->kinds = KMASK_ALL;
	own->mq_fd = -1;
	own_ns(&own->ipc, set, own, "ipc");
	own_ns(&own->mnt, set, own, "mnt");
	own_ns(&own->net, set, own, "net");
	set_scope(ctx, opts->scope);
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

/*
 * Every object by the usual rules. A namespace that no task is in (held
 * by a descriptor or a bind mount) is no proof of an orphan, nor of the
 * opposite (a service may enter it later): its objects say so.
 */
static void classify_all(struct scan_ctx *ctx)
{
	for (size_t i = 0; i < ctx->objs.n; i++) {
		struct obj *o = &ctx->objs.v[i];
		const struct source *src;
		size_t len;

		classify(o, &ctx->procs, &ctx->policy, ctx->set.now);
		src = obj_src(ctx, o);
		if (!src->taskless && !src->ipc_gone)
			continue;
		len = strlen(o->reason);
		set_why(o->reason + len, sizeof(o->reason) - len, "%s%s",
			len ? "; " : "", src->ipc_gone ?
			"its IPC namespace is gone: it can never be opened "
			"again, only unlinked" : "namespace has no process");
	}
}

int scan_run(const struct scan_opts *opts, struct scan_ctx *ctx)
{
	double t0 = now_mono();
	bool fold = true;
	int r;

again:
	scan_init(ctx, opts);
	ctx->ns_fold = fold;
	warn_view(&ctx->set, &ctx->diag);
	r = collect(ctx);
	if (r >= 0 && !ctx->ns_missed)
		holders_scan(ctx);
	if (!ctx->ns_missed)
		warn_missed_late(ctx);
	tasked_free(ctx);
	if (r >= 0 && ctx->ns_missed) {
		/*
		 * A descriptor names a namespace no task was found in (or
		 * an mqueue mount is of no namespace found): discovery must
		 * read the fd tables itself, to name and keep such a
		 * namespace and collect it. Rare (a namespace kept only by an fd); the
		 * whole scan is made again that way, so that nothing
		 * differs from a scan that never took the shortcut.
		 */
		scan_free(ctx);
		fold = false;
		goto again;
	}
	if (r < 0)
		return r;
	if (ctx->procs_failed)
		mark_unlisted(ctx);
	set_policy(ctx);
	classify_all(ctx);
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
	classify_all(ctx);
	return 0;
}

void scan_free(struct scan_ctx *ctx)
{
	tasked_free(ctx);
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
	file_views_free(&ctx->views);
	diag_free(&ctx->diag);
}

void file_views_free(struct file_views *fv)
{
	pairmap_free(&fv->map);
	for (size_t i = 0; i < fv->nsets; i++)
		free(fv->sets[i].mnt);
	free(fv->sets);
	memset(fv, 0, sizeof(*fv));
}
