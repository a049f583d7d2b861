/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hostsrc.c - the file side of the whole host: a source per /dev/shm tmpfs. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "hash.h"
#include "hostsrc.h"
#include "kinds.h"
#include "nsrun.h"
#include "parse.h"
#include "posix.h"
#include "procs.h"
#include "saferoot.h"
#include "sockfiles.h"
#include "unix_live.h"
#include "util.h"

void hostsrc_on_mount(const struct nsd_mountinfo *mi, ino_t mntns,
		      pid_t pid, pid_t tid, void *arg)
{
	struct hostsrc *h = arg;

	(void)mi;
	(void)tid;
	/* called per line: the lines of one reader come in a row */
	if (h->n && h->v[h->n - 1].mntns == mntns && h->v[h->n - 1].pid == pid)
		return;
	for (size_t i = 0; i < h->n; i++)
		if (h->v[i].mntns == mntns && h->v[i].pid == pid)
			return;
	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 16;
		h->v = xrealloc(h->v, h->cap * sizeof(*h->v));
	}
	h->v[h->n].mntns = mntns;
	h->v[h->n].pid = pid;
	h->n++;
}

static int by_pid(const void *a, const void *b)
{
	const struct hostsrc_view *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/*
 * The directories already taken, by (dev, ino): one source each (its
 * owner: ours, or an index into hostsrc.src), with the path its files
 * are shown below and the other mount namespaces whose views reach the
 * same directory, whose containers see its files too.
 */
enum { OWNER_OURS = -1, OWNER_PENDING = -2 };

struct seen_dir {
	dev_t dev;
	ino_t ino;
	int owner;
	const char *path;
	uint64_t *also;
	size_t nalso;
	long set;	/* its view set in the scan (file_views), -1 none */
};

struct seen {
	struct seen_dir *v;
	size_t n;
};

struct hostsrc_dirs {
	struct seen shm, sock;
};

static long seen_find(const struct seen *s, dev_t dev, ino_t ino)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].dev == dev && s->v[i].ino == ino)
			return (long)i;
	return -1;
}

static void seen_push(struct seen *s, dev_t dev, ino_t ino, int owner,
		      const char *path)
{
	s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	s->v[s->n] = (struct seen_dir){ dev, ino, owner, path, NULL, 0, -1 };
	s->n++;
}

/* Mount namespace @mntns's view reaches directory @i too. */
static void seen_view(struct seen *s, long i, uint64_t mntns)
{
	struct seen_dir *e = &s->v[i];

	for (size_t k = 0; k < e->nalso; k++)
		if (e->also[k] == mntns)
			return;
	e->also = xrealloc(e->also, (e->nalso + 1) * sizeof(*e->also));
	e->also[e->nalso++] = mntns;
}

/* The view being opened made source @idx: its directories are its. */
static void seen_own(struct seen *s, int idx)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].owner == OWNER_PENDING)
			s->v[i].owner = idx;
}

static void seen_free(struct seen *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].also);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

void hostsrc_free(struct hostsrc *h)
{
	for (size_t i = 0; i < h->nsrc; i++)
		source_free(&h->src[i]);
	free(h->src);
	free(h->v);
	if (h->dirs) {
		seen_free(&h->dirs->shm);
		seen_free(&h->dirs->sock);
		free(h->dirs);
	}
	memset(h, 0, sizeof(*h));
}

static struct source *add_source(struct hostsrc *h)
{
	struct source *s;

	h->src = xrealloc(h->src, (h->nsrc + 1) * sizeof(*h->src));
	s = &h->src[h->nsrc++];
	memset(s, 0, sizeof(*s));
	s->ipc.fd = s->mnt.fd = s->net.fd = -1;
	s->mq_fd = -1;
	return s;
}

/* The socket dirs below each root, and their paths as shown. */
static const char *const sock_rel[] = { "run", "tmp", "var/tmp", "dev/shm" };
static const char *const sock_path[] = { "/run", "/tmp", "/var/tmp",
					 "/dev/shm" };
#define NSOCK (sizeof(sock_rel) / sizeof(sock_rel[0]))

/* Its /dev/shm: SHM_NEW with *d open if it is a new tmpfs, SHM_SEEN with
 * *d open if another view has it (the caller closes it after it served
 * as the socket dir), 0 if nothing to take (none, refused: then a
 * warning or a partial view; d->fd -1). */
enum { SHM_NEW = 1, SHM_SEEN };

static int view_shm(const struct sr_root *root, const struct sr_mounts *m,
		    const struct hostsrc_view *v, struct seen *seen,
		    struct sr_dir *d, struct diag *dg)
{
	char why[SR_WHY_MAX];
	long i;
	int r;

	r = sr_dir_open(root, "dev/shm", SR_USE_SHM, m, d, why, sizeof(why));
	if (r == SR_MISSING)
		return 0;	/* no /dev/shm there: shm_open cannot work */
	if (r < 0 || r == SR_GONE || !m) {
		diag_partial(dg, "/dev/shm of mount namespace mnt:[%llu] not "
			     "read: %s", (unsigned long long)v->mntns, why);
		return 0;
	}
	if (r) {
		/* not a shm directory: nothing in it is a POSIX object */
		diag_warn(dg, "skipped: %s (mount namespace mnt:[%llu]): its "
			  "files are not listed", why,
			  (unsigned long long)v->mntns);
		return 0;
	}
	i = seen_find(seen, d->dev, d->ino);
	if (i >= 0) {
		/* one scan of it; this view's containers see it too */
		seen_view(seen, i, v->mntns);
		return SHM_SEEN;
	}
	seen_push(seen, d->dev, d->ino, OWNER_PENDING, "/dev/shm");
	return SHM_NEW;
}

/* Its socket dirs that no other view has, into @s; @shm: its /dev/shm,
 * open and accepted as a shm dir (which a socket dir is too), or NULL. */
static void view_sockdirs(const struct sr_root *root,
			  const struct sr_mounts *m,
			  const struct hostsrc_view *v, struct seen *seen,
			  const struct sr_dir *shm, struct source *s,
			  struct diag *dg)
{
	char why[SR_WHY_MAX];

	s->sockdirs = xcalloc(NSOCK, sizeof(*s->sockdirs));
	s->sockdir_paths = xcalloc(NSOCK, sizeof(*s->sockdir_paths));
	for (size_t i = 0; i < NSOCK; i++) {
		struct sr_dir *d = &s->sockdirs[s->nsockdirs];
		long k;
		int r;

		/* the same directory: the same answer, without the walk */
		if (shm && !strcmp(sock_rel[i], "dev/shm"))
			r = sr_dir_reopen(shm, d, why, sizeof(why));
		else
			r = sr_dir_open(root, sock_rel[i], SR_USE_SOCKDIR, m,
					d, why, sizeof(why));

		if (r == SR_MISSING)
			continue;
		if (r < 0 || r == SR_GONE || (r == SR_HOSTMOUNT && !m)) {
			diag_partial(dg, "socket dir %s of mount namespace "
				     "mnt:[%llu] not read: %s", sock_path[i],
				     (unsigned long long)v->mntns, why);
			continue;
		}
		if ((r == SR_HOSTMOUNT || r == SR_FSTYPE) &&
		    (k = seen_find(seen, d->dev, d->ino)) >= 0) {
			/* ours (or a view's before) bound in: seen here too */
			seen_view(seen, k, v->mntns);
			continue;
		}
		if (r) {
			diag_warn(dg, "skipped: %s (mount namespace "
				  "mnt:[%llu]): socket files and FIFOs there "
				  "are not listed", why,
				  (unsigned long long)v->mntns);
			continue;
		}
		k = seen_find(seen, d->dev, d->ino);
		if (k >= 0) {
			seen_view(seen, k, v->mntns);
			sr_dir_close(d);
			continue;
		}
		seen_push(seen, d->dev, d->ino, OWNER_PENDING, sock_path[i]);
		s->sockdir_paths[s->nsockdirs++] = sock_path[i];
	}
}

/*
 * The start time @pid had in the process table, which saferoot checks
 * before it opens the root: discovery named this pid some time after the
 * table was read, and a pid reused since then would lend another
 * process's root (and files) to this mount namespace. A pid the table
 * does not have, or has without a start, is not opened at all (SR_GONE).
 * A test build may offset the time (IPCSCAN_TEST_START_SKEW) to play a
 * reused pid.
 */
static int view_start(const struct proctab *procs, pid_t pid,
		      uint64_t *start, char *why, size_t whylen)
{
	const struct proc *p = procs ? proctab_find(procs, pid) : NULL;

	if (!procs || !procs->n) {
		snprintf(why, whylen, "pid %d: no process list to check its "
			 "start time against", (int)pid);
		return SR_GONE;
	}
	if (!p || !p->start_ticks) {
		snprintf(why, whylen, "pid %d %s", (int)pid,
			 p ? "has no known start time" :
			     "started after the process list was read");
		return SR_GONE;
	}
	*start = p->start_ticks;
#ifdef IPCSCAN_TEST_HOOKS
	{
		const char *k = getenv("IPCSCAN_TEST_START_SKEW");
		int64_t skew;

		if (k && *k && !parse_i64(k, &skew))
			*start += (uint64_t)skew;
	}
#endif
	return 0;
}

static void view_read(struct hostsrc *h, const struct nsd_result *res,
		      const struct sr_mounts *mounts, struct sr_root *root,
		      const struct hostsrc_view *v, struct hostsrc_dirs *seen,
		      bool want_shm, bool want_sock, struct diag *dg);

/* One view: a new source if it has a /dev/shm tmpfs or a socket dir that
 * no view before it had. */
static void view_open(struct hostsrc *h, const struct nsd_result *res,
		      const struct proctab *procs,
		      const struct sr_mounts *mounts,
		      const struct hostsrc_view *v, struct hostsrc_dirs *seen,
		      bool want_shm, bool want_sock, struct diag *dg)
{
	char why[SR_WHY_MAX];
	struct sr_root root;
	uint64_t start;
	int r;

	r = view_start(procs, v->pid, &start, why, sizeof(why));
	if (!r)
		r = sr_root_open(&root, "/proc", v->pid, start, why,
				 sizeof(why));
	if (r) {
		/* its view may still be some other task's: cannot tell */
		diag_partial(dg, "mount namespace mnt:[%llu] not read: %s",
			     (unsigned long long)v->mntns, why);
		return;
	}
	view_read(h, res, mounts, &root, v, seen, want_shm, want_sock, dg);
}

/* A view whose root is open (@root, closed here): its /dev/shm and
 * socket dirs, a new source if one of them is new. */
static void view_read(struct hostsrc *h, const struct nsd_result *res,
		      const struct sr_mounts *mounts, struct sr_root *root,
		      const struct hostsrc_view *v, struct hostsrc_dirs *seen,
		      bool want_shm, bool want_sock, struct diag *dg)
{
	const struct nsd_ns *ns;
	struct source tmp = { 0 }, *s;
	struct sr_dir d = { .fd = -1 };
	bool shm;
	int r;

	r = want_shm ? view_shm(root, mounts, v, &seen->shm, &d, dg) : 0;
	if (want_sock)
		view_sockdirs(root, mounts, v, &seen->sock, r ? &d : NULL,
			      &tmp, dg);
	sr_root_close(root);
	if (r == SHM_SEEN)
		sr_dir_close(&d);
	shm = r == SHM_NEW;
	if (!shm && !tmp.nsockdirs) {
		free(tmp.sockdirs);
		free(tmp.sockdir_paths);
		return;
	}
	s = add_source(h);
	seen_own(&seen->shm, (int)(h->nsrc - 1));
	seen_own(&seen->sock, (int)(h->nsrc - 1));
	s->root = "";
	s->syscalls = true;
	s->pid = v->pid;
	s->mnt.ino = v->mntns;
	ns = nsd_find(res, NSD_MNT, v->mntns);
	/* host: found through the initial mount namespace (a chroot's
	 * tmpfs there); an engine's shm mount, mounted in the host's table
	 * but reached only from its container's namespace, is not */
	s->mnt.initial = ns && ns->initial;
	if (ns && ns->fd >= 0)
		s->mnt.fd = fcntl(ns->fd, F_DUPFD_CLOEXEC, 3);
	if (shm) {
		s->shm_dir = "/dev/shm";
		s->shm = xmalloc(sizeof(*s->shm));
		*s->shm = d;
	}
	s->sockdirs = tmp.sockdirs;
	s->sockdir_paths = tmp.sockdir_paths;
	s->nsockdirs = tmp.nsockdirs;
	if (s->nsockdirs)
		s->kept = xcalloc(1, sizeof(*s->kept));
}

/*
 * The root of a mount namespace that no task is in: a thread of ours
 * unshares its fs_struct (setns(CLONE_NEWNS) refuses one shared with
 * other threads) and enters the namespace, which sets its root and cwd
 * to the namespace's root directory (NAMESPACES.md 4.2: the namespace's
 * own root, no task's chroot); "/" opened there stays that directory
 * after the thread exits. Nothing else runs in the namespace: what is
 * below that root is then reached with the saferoot checks from the fd,
 * exactly as a process's root is.
 */
struct mnt_root_job {
	int nsfd;
	int fd;
	int err;
	const char *step;
};

static void *mnt_root_thread(void *arg)
{
	struct mnt_root_job *j = arg;

	j->fd = -1;
#ifdef IPCSCAN_TEST_HOOKS
	/* plays a kernel or seccomp filter that refuses it */
	if (getenv("IPCSCAN_TEST_NO_MNT_SETNS")) {
		j->err = EPERM;
		j->step = "setns";
		return NULL;
	}
#endif
	if (unshare(CLONE_FS)) {
		j->err = errno;
		j->step = "unshare(CLONE_FS)";
	} else if (setns(j->nsfd, CLONE_NEWNS)) {
		j->err = errno;
		j->step = "setns";
	} else {
		j->fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (j->fd < 0) {
			j->err = errno;
			j->step = "open /";
		}
	}
	return NULL;
}

static int taskless_root(int nsfd, struct sr_root *root, char *why,
			 size_t whylen)
{
	struct mnt_root_job j = { .nsfd = nsfd };
	pthread_t th;
	int r;

	r = pthread_create(&th, NULL, mnt_root_thread, &j);
	if (r) {
		snprintf(why, whylen, "cannot start a thread: %s",
			 strerror(r));
		return -r;
	}
	pthread_join(th, NULL);
	if (j.fd < 0) {
		snprintf(why, whylen, "its root cannot be reached: %s: %s",
			 j.step, strerror(j.err));
		return -j.err;
	}
	r = sr_root_from_fd(root, j.fd, 0);
	close(j.fd);
	if (r)
		snprintf(why, whylen, "its root: %s", strerror(-r));
	return r;
}

/* What keeps a mount namespace of no task alive, for messages. */
static void taskless_held(const struct nsd_ns *ns, char *held, size_t len)
{
	if (ns->fd_pid && ns->bind_path)
		snprintf(held, len, "held only by a descriptor of pid %d and "
			 "a bind mount at %s", (int)ns->fd_pid,
			 ns->bind_path);
	else if (ns->fd_pid)
		snprintf(held, len, "held only by a descriptor of pid %d",
			 (int)ns->fd_pid);
	else if (ns->bind_path)
		snprintf(held, len, "held only by a bind mount at %s",
			 ns->bind_path);
	else
		snprintf(held, len, "held only by ipcscan");
}

/* A mount namespace of no task: read through its own root (a source with
 * no pid), or one warning and the view incomplete. */
static void taskless(struct hostsrc *h, const struct nsd_result *res,
		     const struct sr_mounts *mounts, const struct nsd_ns *ns,
		     struct hostsrc_dirs *seen, bool want_shm, bool want_sock,
		     struct diag *dg)
{
	const struct hostsrc_view v = { .mntns = ns->ino, .pid = 0 };
	char held[PATH_MAX + 64], why[SR_WHY_MAX];
	struct sr_root root;

	if (ns->fd >= 0 && !taskless_root(ns->fd, &root, why, sizeof(why))) {
		view_read(h, res, mounts, &root, &v, seen, want_shm,
			  want_sock, dg);
		return;
	}
	if (ns->fd < 0)
		snprintf(why, sizeof(why), "it is not held open");
	taskless_held(ns, held, sizeof(held));
	diag_partial(dg, "%s of mount namespace mnt:[%llu] not read: no "
		     "process is in it (%s), and %s",
		     want_shm && want_sock ? "/dev/shm and socket dirs" :
		     want_shm ? "/dev/shm" : "socket dirs",
		     (unsigned long long)ns->ino, held, why);
}

void hostsrc_add_mnt(struct hostsrc *h, const struct nsd_result *res,
		     const struct proctab *procs, bool want_shm,
		     bool want_sock, struct diag *dg)
{
	struct sr_mounts *mounts = NULL;
	struct hostsrc_dirs *seen;
	struct stat st;
	int r;

	if (!h->dirs)
		h->dirs = xcalloc(1, sizeof(*h->dirs));
	seen = h->dirs;

	/* ours: read by path by the own source */
	if (!stat("/dev/shm", &st))
		seen_push(&seen->shm, st.st_dev, st.st_ino, OWNER_OURS,
			  "/dev/shm");
	for (size_t i = 0; i < NSOCK; i++)
		if (!stat(sock_path[i], &st) &&
		    seen_find(&seen->sock, st.st_dev, st.st_ino) < 0)
			seen_push(&seen->sock, st.st_dev, st.st_ino,
				  OWNER_OURS, sock_path[i]);
	r = sr_mounts_load("/proc/self/mountinfo", &mounts);
	if (r < 0) {
		diag_partial(dg, "the /dev/shm and socket dirs of other mount "
			     "namespaces not read: our mount table "
			     "(/proc/self/mountinfo): %s", strerror(-r));
		return;
	}
	qsort(h->v, h->n, sizeof(*h->v), by_pid);
	for (size_t i = 0; i < h->n; i++)
		view_open(h, res, procs, mounts, &h->v[i], seen, want_shm,
			  want_sock, dg);
	/*
	 * A mount namespace that no task is in (kept by a descriptor or a
	 * bind mount) has no process root: it is read through its own
	 * root, after the tasks' views (a tmpfs that a task also sees is
	 * named by that task's namespace).
	 */
	for (size_t i = 0; i < res->n; i++)
		if (res->ns[i].type == NSD_MNT && !res->ns[i].ntasks)
			taskless(h, res, mounts, &res->ns[i], seen,
				 want_shm, want_sock, dg);
	sr_mounts_free(mounts);
}

void hostsrc_collect_shm(struct hostsrc *h, const struct scan_settings *set,
			 struct objset *out, struct diag *dg)
{
	struct scan_settings shm = *set;

	shm.kinds &= KMASK(KIND_PSHM) | KMASK(KIND_PSEM);
	for (size_t i = 0; i < h->nsrc; i++) {
		size_t n0 = out->n;

		if (!h->src[i].shm)
			continue;
		posix_collect(&shm, &h->src[i], out, dg);
		for (size_t j = n0; j < out->n; j++)
			out->v[j].src = (uint32_t)i;
	}
}

void hostsrc_collect_sock(struct hostsrc *h, const struct scan_settings *set,
			  const struct proctab *procs, struct objset *out,
			  struct diag *d)
{
	struct scan_settings sock = *set;
	struct sock_bindings bound = { 0 };
	size_t first = out->n;

	sock.kinds &= KMASK(KIND_SOCKFILE) | KMASK(KIND_FIFO);
	if (!sock.kinds)
		return;
	for (size_t i = 0; i < h->nsrc; i++) {
		size_t n0 = out->n;

		if (!h->src[i].nsockdirs)
			continue;
		/* the bindings of every netns: read by the first walk that
		 * meets a socket file, for all (the netns walk costs about
		 * as much as a /proc pass: none where there is no socket
		 * file); a netns that cannot be listed leaves the connect
		 * probe to decide, as in the own walk */
		if (sockfiles_collect_kept(&sock, &h->src[i], procs, &bound,
					   out, d) < 0 && bound.err) {
			/* none of these dirs, as if never opened */
			while (out->n > first)
				obj_free(&out->v[--out->n]);
			diag_partial(d, "the socket dirs of other mount "
				     "namespaces not read: cannot read the "
				     "socket bindings");
			break;
		}
		for (size_t j = n0; j < out->n; j++)
			out->v[j].src = (uint32_t)i;
	}
	sock_bindings_free(&bound);
}

void hostsrc_add_net(struct hostsrc *h, const struct nsd_result *res,
		     uint64_t own_net)
{
	for (size_t i = 0; i < res->n; i++) {
		const struct nsd_ns *ns = &res->ns[i];
		struct source *s;

		if (ns->type != NSD_NET || ns->ino == own_net || ns->fd < 0)
			continue;
		s = add_source(h);
		s->root = "";
		s->syscalls = true;
		s->pid = ns->pid;
		s->net.ino = ns->ino;
		s->net.initial = ns->initial;
		s->net.fd = fcntl(ns->fd, F_DUPFD_CLOEXEC, 3);
	}
}

void hostsrc_collect_net(struct hostsrc *h, const struct scan_settings *set,
			 struct objset *out, struct diag *d)
{
	struct nsrun *runner = NULL;

	if (!(set->kinds & KMASK(KIND_UNIX)))
		return;
	for (size_t i = 0; i < h->nsrc; i++) {
		const struct source *s = &h->src[i];
		size_t n0 = out->n;
		unsigned bad = 0;
		int r;

		if (!s->net.ino)
			continue;
		if (s->net.fd < 0) {
			diag_partial(d, "unix sockets of network namespace "
				     "net:[%llu] not listed: %s",
				     (unsigned long long)s->net.ino,
				     strerror(EMFILE));
			continue;
		}
		if (!runner)
			runner = nsrun_new();
		r = unix_collect_netns(runner, s->net.fd, s->net.ino, out,
				       &bad);
		if (r < 0)
			diag_partial(d, "unix sockets of network namespace "
				     "net:[%llu] not listed: %s",
				     (unsigned long long)s->net.ino,
				     strerror(-r));
		else if (bad)
			diag_partial(d, "sock_diag in network namespace "
				     "net:[%llu]: %u malformed messages "
				     "skipped", (unsigned long long)s->net.ino,
				     bad);
		for (size_t j = n0; j < out->n; j++)
			out->v[j].src = (uint32_t)i;
	}
	nsrun_free(runner);
}

/* A new view set of the @n mount namespaces @mnt (copied). */
static uint32_t views_set(struct file_views *fv, const uint64_t *mnt,
			  size_t n)
{
	struct view_set *vs;

	fv->sets = xrealloc(fv->sets, (fv->nsets + 1) * sizeof(*fv->sets));
	vs = &fv->sets[fv->nsets];
	vs->mnt = xmalloc(n * sizeof(*vs->mnt));
	memcpy(vs->mnt, mnt, n * sizeof(*vs->mnt));
	vs->n = n;
	return (uint32_t)fv->nsets++;
}

/* File (@dev, @ino) is seen from the mount namespaces of set @set too. */
static void views_put(struct file_views *fv, dev_t dev, ino_t ino,
		      uint32_t set)
{
	uint64_t key = dev_key_of(dev);
	size_t pos = 0;
	uint32_t val;

	while (pairmap_next(&fv->map, key, ino, &pos, &val))
		if (val == set)
			return;
	pairmap_put(&fv->map, key, ino, set);
}

/* Does @path lie below directory @dir (as shown)? */
static bool below(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return path && !strncmp(path, dir, n) && path[n] == '/';
}

/*
 * The other views of @o's directory (its source's /dev/shm, the socket
 * dir it was found below), of source @owner (OWNER_OURS or an index into
 * hostsrc.src): one view set per directory, shared by its files.
 */
static void obj_views(struct file_views *fv, struct hostsrc_dirs *dirs,
		      const struct obj *o, int owner)
{
	struct seen *s;

	if (kind_ops[o->kind]->ns != OBJNS_MNT || !kind_has(o->kind, KF_FILE))
		return;
	s = o->kind == KIND_PSHM || o->kind == KIND_PSEM ? &dirs->shm :
							    &dirs->sock;
	for (size_t i = 0; i < s->n; i++) {
		struct seen_dir *e = &s->v[i];

		if (e->owner != owner || !e->nalso || !below(o->path, e->path))
			continue;
		if (e->set < 0)
			e->set = views_set(fv, e->also, e->nalso);
		views_put(fv, o->dev, o->ino, (uint32_t)e->set);
	}
}

static bool dirs_shared(const struct hostsrc_dirs *dirs)
{
	for (size_t i = 0; dirs && i < dirs->shm.n; i++)
		if (dirs->shm.v[i].nalso)
			return true;
	for (size_t i = 0; dirs && i < dirs->sock.n; i++)
		if (dirs->sock.v[i].nalso)
			return true;
	return false;
}

/*
 * Files the scan already has: one of ours bound into a container, or a
 * container's tmpfs that is also below one of our socket dirs, is the
 * same file (dev, ino) reached twice; it is kept once, as ours (and
 * once among the others, as the first view's), and the mount namespace
 * of the view dropped sees it too (@srcs: the sources @objs index, @fv
 * the views recorded).
 */
static void drop_known(const struct objset *have, struct objset *objs,
		       const struct source *srcs, size_t nsrcs,
		       struct file_views *fv)
{
	struct pairmap files = { 0 };
	long *single = NULL;	/* per source: the set of its namespace */
	size_t n = 0;

	for (size_t i = 0; i < have->n; i++)
		if (kind_has(have->v[i].kind, KF_FILE))
			pairmap_put(&files, dev_key_of(have->v[i].dev),
				    have->v[i].ino, 0);
	for (size_t i = 0; i < objs->n; i++) {
		struct obj *o = &objs->v[i];

		if (kind_has(o->kind, KF_FILE) &&
		    pairmap_has(&files, dev_key_of(o->dev), o->ino)) {
			if (kind_ops[o->kind]->ns == OBJNS_MNT &&
			    o->src < nsrcs) {
				if (!single) {
					single = xmalloc(nsrcs *
							 sizeof(*single));
					for (size_t k = 0; k < nsrcs; k++)
						single[k] = -1;
				}
				if (single[o->src] < 0)
					single[o->src] = views_set(fv,
						&srcs[o->src].mnt.ino, 1);
				views_put(fv, o->dev, o->ino,
					  (uint32_t)single[o->src]);
			}
			obj_free(o);
			continue;
		}
		if (kind_has(o->kind, KF_FILE))
			pairmap_put(&files, dev_key_of(o->dev), o->ino, 0);
		objs->v[n++] = *o;
	}
	objs->n = n;
	pairmap_free(&files);
	free(single);
}

void hostsrc_merge(struct scan_ctx *ctx, struct hostsrc *h,
		   struct objset *objs)
{
	size_t base = ctx->nsrc;

	/* the files of directories that other views reach too */
	if (dirs_shared(h->dirs)) {
		for (size_t j = 0; j < ctx->objs.n; j++)
			if (!ctx->objs.v[j].src)
				obj_views(&ctx->views, h->dirs,
					  &ctx->objs.v[j], OWNER_OURS);
		for (size_t j = 0; j < objs->n; j++)
			obj_views(&ctx->views, h->dirs, &objs->v[j],
				  (int)objs->v[j].src);
	}
	drop_known(&ctx->objs, objs, h->src, h->nsrc, &ctx->views);

	for (size_t j = 0; j < objs->n; j++)
		objs->v[j].src += (uint32_t)base;
	objset_move(&ctx->objs, objs);
	if (!h->nsrc)
		return;
	ctx->src = xrealloc(ctx->src,
			    (ctx->nsrc + h->nsrc) * sizeof(*ctx->src));
	memcpy(ctx->src + ctx->nsrc, h->src, h->nsrc * sizeof(*h->src));
	ctx->nsrc += h->nsrc;
	free(h->src);
	h->src = NULL;
	h->nsrc = 0;
}
