/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsdisc.c - find every IPC, mount, network and cgroup namespace on the host. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/magic.h>
#include <linux/nsfs.h>

#include "fsutil.h"
#include "hash.h"
#include "nsdisc.h"
#include "posix.h"
#include "parse.h"
#include "util.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif
#ifndef MQUEUE_MAGIC
#define MQUEUE_MAGIC 0x19800202
#endif
#ifndef NS_GET_NSTYPE
#define NS_GET_NSTYPE _IO(0xb7, 0x3)
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

/* nsfs hands out inodes from 0xF0000000 up (PROC_DYNAMIC_FIRST); below
 * are the fixed ones of the initial namespaces. */
#define NS_DYNAMIC_FIRST 0xF0000000ull
#define NS_IPC_INIT_INO 0xEFFFFFFFull

static const char *const type_names[NSD_NTYPES] = {
	[NSD_IPC] = "ipc", [NSD_MNT] = "mnt", [NSD_NET] = "net",
	[NSD_CGROUP] = "cgroup",
};

static const int type_clone[NSD_NTYPES] = {
	[NSD_IPC] = CLONE_NEWIPC, [NSD_MNT] = CLONE_NEWNS,
	[NSD_NET] = CLONE_NEWNET, [NSD_CGROUP] = CLONE_NEWCGROUP,
};

const char *nsd_type_name(enum nsd_type type)
{
	return (unsigned)type < NSD_NTYPES ? type_names[type] : "?";
}

/* ------------------------------------------------------------ parsers */

int nsd_parse_link(const char *s, size_t len, enum nsd_type *type,
		   uint64_t *ino)
{
	for (unsigned t = 0; t < NSD_NTYPES; t++) {
		size_t n = strlen(type_names[t]);
		uint64_t v;
		int r;

		/* "NAME:[" digits "]" */
		if (len < n + 4 || memcmp(s, type_names[t], n) ||
		    s[n] != ':' || s[n + 1] != '[' || s[len - 1] != ']')
			continue;
		r = parse_u64n(s + n + 2, len - n - 3, &v);
		if (r)
			return r;
		if (!v)
			return -EINVAL;
		*type = (enum nsd_type)t;
		*ino = v;
		return 0;
	}
	return -EINVAL;
}

/* Decode the kernel's \NNN escapes (it escapes space, tab, newline and
 * backslash so) in place. A backslash not followed by three octal digits
 * cannot come from the kernel, and a NUL cannot be in a path. */
static int unescape(char *s)
{
	char *w = s;

	for (const char *r = s; *r;) {
		unsigned v;

		if (*r != '\\') {
			*w++ = *r++;
			continue;
		}
		if (r[1] < '0' || r[1] > '3' || r[2] < '0' || r[2] > '7' ||
		    r[3] < '0' || r[3] > '7')
			return -EINVAL;
		v = (unsigned)(r[1] - '0') << 6 | (unsigned)(r[2] - '0') << 3 |
			(unsigned)(r[3] - '0');
		if (!v)
			return -EINVAL;
		*w++ = (char)v;
		r += 4;
	}
	*w = '\0';
	return 0;
}

/* The next space-separated field (NUL-terminated in place), or NULL at
 * the end of the line or for an empty field (two spaces). */
static char *next_field(char **p)
{
	char *s = *p, *e;

	if (!*s)
		return NULL;
	e = strchr(s, ' ');
	if (e == s)
		return NULL;
	if (e) {
		*e = '\0';
		*p = e + 1;
	} else {
		*p = s + strlen(s);
	}
	return s;
}

static int parse_majmin(const char *s, unsigned *maj, unsigned *min)
{
	const char *c = strchr(s, ':');
	uint64_t a, b;

	if (!c || parse_u64n(s, (size_t)(c - s), &a) ||
	    parse_u64(c + 1, &b) || a > UINT_MAX || b > UINT_MAX)
		return -EINVAL;
	*maj = (unsigned)a;
	*min = (unsigned)b;
	return 0;
}

int nsd_parse_mountinfo(char *line, struct nsd_mountinfo *mi)
{
	char *p = line, *f[6], *opt;
	unsigned nopt = 0;

	/* id parent maj:min root mountpoint options [optional...] - fstype
	 * source superoptions */
	for (int i = 0; i < 6; i++)
		if (!(f[i] = next_field(&p)))
			return -EINVAL;
	do {
		opt = next_field(&p);
		/* the optional fields are few (shared:, master:,
		 * propagate_from:, unbindable) */
		if (!opt || ++nopt > 16)
			return -EINVAL;
	} while (strcmp(opt, "-"));
	mi->fstype = next_field(&p);
	if (!mi->fstype || !next_field(&p))
		return -EINVAL;
	if (parse_u64(f[0], &mi->mnt_id) ||
	    parse_majmin(f[2], &mi->major, &mi->minor) ||
	    unescape(f[3]) || unescape(f[4]))
		return -EINVAL;
	mi->root = f[3];
	mi->mountpoint = f[4];
	return 0;
}

/* ---------------------------------------------------------- the walk */

/* A record from the child that entered such a namespace: one per nsfs or
 * mqueue line (with an O_PATH descriptor of the mount point if it could
 * be reached), then REC_END. One SOCK_SEQPACKET message each. */
enum { REC_NSFS = 1, REC_MQUEUE, REC_END };

struct rec {
	uint32_t kind, major, minor, pad;
	uint64_t mnt_id, skipped;
	char root[32];
	char path[PATH_MAX];	/* sent up to its NUL */
};

/* A task whose mountinfo is read: one per distinct (mount namespace,
 * root directory), since a chrooted task sees only the mounts below its
 * root. */
struct reader {
	size_t mnt;		/* index of its mount namespace */
	uint64_t rdev, rino;	/* its root directory */
	pid_t pid, tid;
};

/* An mqueue superblock seen in some mountinfo. */
/* Where a mountinfo line was read: the mount namespace (index), and the
 * task whose root its paths are relative to (0 for a mount namespace
 * that no task is in, read by a child inside it). */
struct where {
	size_t mnt;
	pid_t pid, tid;
};

struct mqsb {
	dev_t dev;
	unsigned nmounts;
	struct where w;		/* where it was first seen */
	char *path;		/* its mount point there */
	int fd;			/* O_PATH on it, when seen from a child */
};

struct disc {
	const struct nsd_opts *opts;
	unsigned types;		/* 1u << NSD_*, mount always in */
	struct nsd_result *res;
	int procfd;
	struct pairmap idx;	/* (nsfs dev, ino) -> namespace index */
	size_t cap;
	struct reader *rd;
	size_t nrd, rdcap;
	struct pairmap rdidx;	/* (mnt index, 0) -> reader index */
	bool *rdok;		/* per namespace: a mountinfo was read */
	struct mqsb *mq;
	size_t nmq, mqcap;
	struct pairmap mqidx;	/* (mqueue dev, 0) -> mqsb index */
	struct pairmap mntids;	/* (mount id, 0): mqueue mounts counted */
	struct pairmap ownfds;	/* (fd, 0): descriptors in the result */
	pid_t self;
	/* getdents buffers (/proc, task, fd), aligned for struct dirent64 */
	_Alignas(8) char dbuf[3][32768];
	char *line;		/* NSD_LINE_MAX + 1 */
	struct rec rec;		/* one from a taskless namespace's child */
};

static bool gone(int err)
{
	return err == ENOENT || err == ESRCH;
}

static void note_emfile(struct disc *d, int err)
{
	if (err == EMFILE || err == ENFILE)
		d->res->truncated = true;
}

static long ns_lookup(const struct disc *d, dev_t dev, uint64_t ino)
{
	size_t pos = 0;
	uint32_t v;

	if (pairmap_next(&d->idx, dev_key_of(dev), ino, &pos, &v))
		return v;
	return -1;
}

/*
 * Take @fd (O_RDONLY, claimed to be a namespace of type @claim): check it
 * is an nsfs file, learn its real type, name it by fstat. Returns the
 * index of its namespace (@fd is then owned by the result or closed), or
 * -EINVAL if it is not a namespace of ours, -E2BIG past NSD_MAX_NS (@fd
 * closed either way).
 */
static long ns_adopt(struct disc *d, int fd, enum nsd_type claim)
{
	struct nsd_result *res = d->res;
	enum nsd_type type = claim;
	struct nsd_ns *ns;
	struct stat st;
	long i;
	int t;

	if (fstat(fd, &st) || !fd_on_fs(fd, NSFS_MAGIC)) {
		close(fd);
		return -EINVAL;
	}
	/* the claim came from a link or a mountinfo line that may be stale
	 * by now: what was opened decides (no NS_GET_NSTYPE before 4.11:
	 * then the claim stands) */
	t = ioctl(fd, NS_GET_NSTYPE);
	if (t >= 0) {
		unsigned u;

		for (u = 0; u < NSD_NTYPES && type_clone[u] != t; u++)
			;
		if (u == NSD_NTYPES || !(d->types & 1u << u)) {
			close(fd);
			return -EINVAL;
		}
		type = (enum nsd_type)u;
	}
	i = ns_lookup(d, st.st_dev, st.st_ino);
	if (i >= 0) {
		close(fd);
		return res->ns[i].type == type ? i : -EINVAL;
	}
	if (res->n >= NSD_MAX_NS) {
		res->truncated = true;
		close(fd);
		return -E2BIG;
	}
	if (res->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		res->ns = xrealloc(res->ns, d->cap * sizeof(*res->ns));
		d->rdok = xrealloc(d->rdok, d->cap * sizeof(*d->rdok));
	}
	ns = &res->ns[res->n];
	memset(ns, 0, sizeof(*ns));
	ns->type = type;
	ns->dev = st.st_dev;
	ns->ino = st.st_ino;
	ns->fd = fd;
	d->rdok[res->n] = false;
	pairmap_put(&d->idx, dev_key_of(st.st_dev), st.st_ino,
		    (uint32_t)res->n);
	pairmap_put(&d->ownfds, (uint64_t)fd, 0, 0);
	return (long)res->n++;
}

/* An O_PATH descriptor reopened for reading (setns() and ioctl() refuse
 * O_PATH files). Closes @pfd. */
static int reopen_rdonly(struct disc *d, int pfd)
{
	char rel[32];
	int fd;

	snprintf(rel, sizeof(rel), "self/fd/%d", pfd);
	fd = openat(d->procfd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY |
		    O_NONBLOCK);
	if (fd < 0) {
		fd = -errno;
		note_emfile(d, errno);
	}
	close(pfd);
	return fd;
}

static void count_task(struct nsd_ns *ns, pid_t pid, pid_t tid)
{
	bool leader = tid == pid;
	bool cur_leader;

	ns->via |= NSD_VIA_TASK;
	ns->ntasks++;
	if (!ns->pid || pid < ns->pid || (pid == ns->pid && tid < ns->tid)) {
		ns->pid = pid;
		ns->tid = tid;
	}
	if (ns->type != NSD_IPC)
		return;
	/* a process whose main thread is in the namespace is the better
	 * way in: its /proc/PID/root and mount namespace are its own */
	cur_leader = ns->holder_pid && ns->holder_tid == ns->holder_pid;
	if (!ns->holder_pid || (leader && !cur_leader) ||
	    (leader == cur_leader && (pid < ns->holder_pid ||
	     (pid == ns->holder_pid && tid < ns->holder_tid)))) {
		ns->holder_pid = pid;
		ns->holder_tid = tid;
	}
}

static void add_reader(struct disc *d, size_t mnt, const struct stat *root,
		       pid_t pid, pid_t tid)
{
	size_t pos = 0;
	uint32_t v;

	while (pairmap_next(&d->rdidx, mnt, 0, &pos, &v)) {
		struct reader *r = &d->rd[v];

		if (r->rdev == dev_key_of(root->st_dev) &&
		    r->rino == root->st_ino)
			return;
	}
	if (d->nrd >= NSD_MAX_READERS) {
		d->res->truncated = true;
		return;
	}
	if (d->nrd == d->rdcap) {
		d->rdcap = d->rdcap ? d->rdcap * 2 : 32;
		d->rd = xrealloc(d->rd, d->rdcap * sizeof(*d->rd));
	}
	d->rd[d->nrd] = (struct reader){
		.mnt = mnt, .rdev = dev_key_of(root->st_dev),
		.rino = root->st_ino, .pid = pid, .tid = tid,
	};
	pairmap_put(&d->rdidx, mnt, 0, (uint32_t)d->nrd++);
}

/* Per process: the mount namespace of its last task with a reader. */
struct proc_state {
	long last_mnt;
};

/* One task: its namespace links, and its root if it may need a reader. */
static void walk_task(struct disc *d, int taskfd, const char *tname,
		      pid_t pid, pid_t tid, struct proc_state *ps)
{
	struct nsd_result *res = d->res;
	long mnt = -1;
	bool seen = false;
	char rel[64];
	struct stat st;

	for (unsigned t = 0; t < NSD_NTYPES; t++) {
		long i;

		if (!(d->types & 1u << t))
			continue;
		snprintf(rel, sizeof(rel), "%s/ns/%s", tname, type_names[t]);
		if (fstatat(taskfd, rel, &st, 0)) {
			/* gone, or a zombie: it has no ns links */
			if (gone(errno))
				break;
			res->tasks_denied++;
			return;
		}
		/* a (dev, ino) of a namespace held open is that namespace:
		 * it is alive, so its inode is not reused */
		i = ns_lookup(d, st.st_dev, st.st_ino);
		if (i < 0 || res->ns[i].type != t) {
			int fd = openat(taskfd, rel, O_RDONLY | O_CLOEXEC);

			if (fd < 0) {
				note_emfile(d, errno);
				if (gone(errno))
					break;
				if (errno == EACCES || errno == EPERM)
					res->tasks_denied++;
				return;
			}
			i = ns_adopt(d, fd, (enum nsd_type)t);
			if (i == -EINVAL) {
				res->tasks_unverified++;
				return;
			}
			if (i < 0)
				return;
		}
		count_task(&res->ns[i], pid, tid);
		seen = true;
		if (res->ns[i].type == NSD_MNT)
			mnt = i;
	}
	if (seen)
		res->ntasks++;
	if (mnt < 0 || mnt == ps->last_mnt)
		return;
	snprintf(rel, sizeof(rel), "%s/root", tname);
	if (fstatat(taskfd, rel, &st, 0)) {
		if (!gone(errno))
			res->mntns_unread++;
		return;
	}
	ps->last_mnt = mnt;
	add_reader(d, (size_t)mnt, &st, pid, tid);
}

/* One entry of a process's fd table. Returns -EACCES if the table
 * cannot be read (pid 1 here lists its fds but hides every link). */
static int walk_fd(struct disc *d, int fddir, const char *name, pid_t pid)
{
	char link[64];
	enum nsd_type type;
	uint64_t ino, num;
	ssize_t n;
	long i = -1;
	int fd;

	/* our own descriptors of the namespaces found so far */
	if (pid == d->self && !parse_u64(name, &num) &&
	    pairmap_has(&d->ownfds, num, 0))
		return 0;
	n = readlinkat(fddir, name, link, sizeof(link) - 1);
	if (n < 0 && (errno == EACCES || errno == EPERM))
		return -EACCES;
	if (n < 0 || n >= (ssize_t)sizeof(link) - 1)
		return 0;
	if (nsd_parse_link(link, (size_t)n, &type, &ino) ||
	    !(d->types & 1u << type))
		return 0;
	/* a link naming a namespace held open names it (see walk_task) */
	if (d->res->n) {
		i = ns_lookup(d, d->res->ns[0].dev, ino);
		if (i >= 0 && d->res->ns[i].type != type)
			i = -1;
	}
	if (i < 0) {
		/* O_PATH first: the fd may have been replaced by a FIFO or
		 * a device since the readlink, and opening those for
		 * reading can block or act */
		fd = openat(fddir, name, O_PATH | O_CLOEXEC);
		if (fd < 0) {
			note_emfile(d, errno);
			return 0;
		}
		if (!fd_on_fs(fd, NSFS_MAGIC)) {
			close(fd);
			return 0;
		}
		fd = reopen_rdonly(d, fd);
		if (fd < 0)
			return 0;
		i = ns_adopt(d, fd, type);
		if (i < 0)
			return 0;
	}
	d->res->ns[i].via |= NSD_VIA_FD;
	if (!d->res->ns[i].fd_pid || pid < d->res->ns[i].fd_pid)
		d->res->ns[i].fd_pid = pid;
	return 0;
}

#ifdef IPCSCAN_TEST_HOOKS
bool nsd_test_fd_denied(pid_t pid)
{
	const char *s = getenv("IPCSCAN_TEST_FD_DENIED_PID");
	uint64_t v;

	return s && *s && !parse_u64(s, &v) && v == (uint64_t)pid;
}
#endif

static void walk_process(struct disc *d, const char *pname, pid_t pid)
{
	struct nsd_result *res = d->res;
	struct proc_state ps = { .last_mnt = -1 };
	struct dirwalk w;
	const char *e;
	char rel[64];
	int fd, err = 0;

	snprintf(rel, sizeof(rel), "%s/task", pname);
	fd = openat(d->procfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		note_emfile(d, errno);
		if (!gone(errno) && errno != EMFILE && errno != ENFILE)
			res->tasks_denied++;
		return;
	}
	res->nprocs++;
	dir_start(&w, fd, d->dbuf[1], sizeof(d->dbuf[1]));
	while ((e = dir_next(&w, &err))) {
		uint64_t tid;

		if (parse_u64(e, &tid) || !tid || tid > INT_MAX)
			continue;
		walk_task(d, fd, e, pid, (pid_t)tid, &ps);
	}
	close(fd);
	if (d->opts->no_fds)
		return;
#ifdef IPCSCAN_TEST_HOOKS
	if (nsd_test_fd_denied(pid)) {
		res->fdtabs_denied++;
		return;
	}
#endif

	snprintf(rel, sizeof(rel), "%s/fd", pname);
	fd = openat(d->procfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		note_emfile(d, errno);
		if (errno == EACCES || errno == EPERM)
			res->fdtabs_denied++;
		return;
	}
	err = 0;
	dir_start(&w, fd, d->dbuf[2], sizeof(d->dbuf[2]));
	while ((e = dir_next(&w, &err)))
		if (walk_fd(d, fd, e, pid))
			break;
	if (e || (err && !gone(-err)))
		res->fdtabs_denied++;
	close(fd);
}

/* ------------------------------------------------------ mount points */

/*
 * Open the absolute @path below @rootfd one component at a time with
 * O_PATH|O_NOFOLLOW: no symlink (and no /proc magic link) is followed,
 * mounts are crossed as usual. "." and ".." components are refused
 * (mountinfo paths never have them). Returns an O_PATH fd or -errno.
 */
static int walk_nofollow(int rootfd, const char *path)
{
	char buf[PATH_MAX];
	char *p, *comp;
	unsigned depth = 0;
	int cur;

	if (path[0] != '/')
		return -EINVAL;
	if (strlen(path) >= sizeof(buf))
		return -ENAMETOOLONG;
	strcpy(buf, path);
	cur = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0)
		return -errno;
	for (p = buf; (comp = strsep(&p, "/"));) {
		struct stat st;
		int next;

		if (!*comp)
			continue;
		if (!strcmp(comp, ".") || !strcmp(comp, "..") ||
		    ++depth > NSD_MAX_DEPTH) {
			close(cur);
			return -ELOOP;
		}
		if (fstat(cur, &st) || !S_ISDIR(st.st_mode)) {
			close(cur);
			return -ENOTDIR;
		}
		next = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		close(cur);
		if (next < 0)
			return -errno;
		cur = next;
	}
	{
		struct stat st;

		if (fstat(cur, &st) || S_ISLNK(st.st_mode)) {
			close(cur);
			return -ELOOP;
		}
	}
	return cur;
}

/* The root directory of reader @r, O_PATH, or -errno. */
static int reader_root(struct disc *d, const struct reader *r)
{
	char rel[64];
	int fd;

	snprintf(rel, sizeof(rel), "%d/task/%d/root", (int)r->pid,
		 (int)r->tid);
	fd = openat(d->procfd, rel, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		note_emfile(d, errno);
		return -errno;
	}
	return fd;
}

/*
 * An nsfs mount advertising namespace @type @ino at @path. @pathfd is an
 * O_PATH descriptor of the mount point, or -1 if it could not be reached;
 * -2 asks for nothing to be opened yet: then *@reach is called to open
 * it, only if the namespace is not already held. Consumes @pathfd.
 */
static void bind_found(struct disc *d, const struct where *w,
		       enum nsd_type type, uint64_t ino, dev_t dev,
		       const char *path, int pathfd,
		       int (*reach)(void *arg), void *arg)
{
	struct nsd_result *res = d->res;
	struct nsd_ns *ns;
	long i;

	i = ns_lookup(d, dev, ino);
	if (i < 0 || res->ns[i].type != type) {
		int fd = pathfd == -2 ? reach(arg) : pathfd;

		pathfd = -1;
		i = -1;
		if (fd >= 0 && !fd_on_fs(fd, NSFS_MAGIC)) {
			close(fd);
			fd = -1;
		}
		if (fd >= 0)
			fd = reopen_rdonly(d, fd);
		if (fd >= 0)
			i = ns_adopt(d, fd, type);
		/* what was reached is a namespace all the same; the one
		 * the line advertises was not reached if it differs
		 * (something is mounted over it) */
		if (i < 0 || res->ns[i].ino != ino || res->ns[i].type != type)
			res->binds_unreached++;
		if (i < 0)
			return;
	}
	if (pathfd >= 0)
		close(pathfd);
	ns = &res->ns[i];
	ns->via |= NSD_VIA_BIND;
	if (!ns->bind_path) {
		ns->bind_mntns = res->ns[w->mnt].ino;
		ns->bind_tid = w->tid;
		ns->bind_path = xstrdup(path);
	}
}

struct reach_arg {
	struct disc *d;
	const struct reader *r;
	int *rootfd;
	const char *path;
};

static int reach_from_reader(void *arg)
{
	struct reach_arg *a = arg;

	if (*a->rootfd < 0)
		*a->rootfd = reader_root(a->d, a->r);
	return *a->rootfd < 0 ? -1 : walk_nofollow(*a->rootfd, a->path);
}

/* An nsfs mount line of reader @ri. */
static void bind_line(struct disc *d, size_t ri, int *rootfd,
		      const struct nsd_mountinfo *mi)
{
	const struct reader *r = &d->rd[ri];
	struct where w = { .mnt = r->mnt, .pid = r->pid, .tid = r->tid };
	struct reach_arg a = { d, r, rootfd, mi->mountpoint };
	enum nsd_type type;
	uint64_t ino;

	/* pid, user, uts, time... binds are none of ours */
	if (nsd_parse_link(mi->root, strlen(mi->root), &type, &ino) ||
	    !(d->types & 1u << type))
		return;
	bind_found(d, &w, type, ino, makedev(mi->major, mi->minor),
		   mi->mountpoint, -2, reach_from_reader, &a);
}

/* An mqueue mount at @path; @pathfd (O_PATH on it, or -1) is kept for
 * the finding or closed. */
static void mqueue_found(struct disc *d, const struct where *w,
			 uint64_t mnt_id, dev_t dev, const char *path,
			 int pathfd)
{
	size_t pos = 0;
	uint32_t v;

	/* readers of one mount namespace with different roots see the
	 * same mount */
	if (pairmap_has(&d->mntids, mnt_id, 0) ||
	    pairmap_next(&d->mqidx, dev_key_of(dev), 0, &pos, &v)) {
		if (!pairmap_has(&d->mntids, mnt_id, 0)) {
			d->mq[v].nmounts++;
			pairmap_put(&d->mntids, mnt_id, 0, 0);
		}
		if (pathfd >= 0)
			close(pathfd);
		return;
	}
	pairmap_put(&d->mntids, mnt_id, 0, 0);
	if (d->nmq == d->mqcap) {
		d->mqcap = d->mqcap ? d->mqcap * 2 : 16;
		d->mq = xrealloc(d->mq, d->mqcap * sizeof(*d->mq));
	}
	d->mq[d->nmq] = (struct mqsb){
		.dev = dev, .nmounts = 1, .w = *w, .path = xstrdup(path),
		.fd = pathfd,
	};
	pairmap_put(&d->mqidx, dev_key_of(dev), 0, (uint32_t)d->nmq++);
}

static void mqueue_line(struct disc *d, size_t ri,
			const struct nsd_mountinfo *mi)
{
	const struct reader *r = &d->rd[ri];
	struct where w = { .mnt = r->mnt, .pid = r->pid, .tid = r->tid };

	mqueue_found(d, &w, mi->mnt_id, makedev(mi->major, mi->minor),
		     mi->mountpoint, -1);
}

/* Lines of a file read in chunks into a fixed buffer: a huge mountinfo
 * costs no more memory than a small one. */
struct lines {
	int fd;
	char *buf;
	size_t cap, start, end;
	bool skipping;		/* inside a line longer than cap */
};

/* The next line, NUL-terminated without its newline; NULL at the end or
 * on a read error (*err = -errno). A line longer than the buffer is
 * skipped and counted in *skipped. */
static char *line_next(struct lines *l, int *err, unsigned *skipped)
{
	for (;;) {
		char *s = l->buf + l->start;
		char *nl = memchr(s, '\n', l->end - l->start);
		ssize_t n;

		if (nl) {
			*nl = '\0';
			l->start = (size_t)(nl - l->buf) + 1;
			if (l->skipping) {
				l->skipping = false;
				continue;
			}
			return s;
		}
		if (l->start) {
			memmove(l->buf, s, l->end - l->start);
			l->end -= l->start;
			l->start = 0;
		}
		if (l->end == l->cap) {
			if (!l->skipping)
				(*skipped)++;
			l->skipping = true;
			l->end = 0;
		}
		do
			n = read(l->fd, l->buf + l->end, l->cap - l->end);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			*err = -errno;
			return NULL;
		}
		if (n == 0) {
			/* a last line without a newline */
			if (l->end && !l->skipping) {
				l->buf[l->end] = '\0';
				l->start = l->end = 0;
				l->skipping = true;	/* nothing follows */
				return l->buf;
			}
			return NULL;
		}
		l->end += (size_t)n;
	}
}

int nsd_read_mountinfo(int fd, char *buf, size_t cap,
		       nsd_mountinfo_fn fn, void *arg, unsigned *skipped)
{
	struct lines l = { .fd = fd, .buf = buf, .cap = cap - 1 };
	char *s;
	int err = 0;

	while ((s = line_next(&l, &err, skipped))) {
		struct nsd_mountinfo mi;

		if (nsd_parse_mountinfo(s, &mi))
			(*skipped)++;
		else
			fn(&mi, arg);
	}
	return err;
}

struct mi_arg {
	struct disc *d;
	size_t ri;
	int rootfd;
};

static void mi_line(const struct nsd_mountinfo *mi, void *arg)
{
	struct mi_arg *a = arg;
	const struct reader *r = &a->d->rd[a->ri];

	if (a->d->opts->on_mount)
		a->d->opts->on_mount(mi, a->d->res->ns[r->mnt].ino, r->pid,
				     r->tid, a->d->opts->on_mount_arg);

	if (!strcmp(mi->fstype, "nsfs"))
		bind_line(a->d, a->ri, &a->rootfd, mi);
	else if (!strcmp(mi->fstype, "mqueue"))
		mqueue_line(a->d, a->ri, mi);
}

static void read_mountinfo(struct disc *d, size_t ri)
{
	const struct reader *r = &d->rd[ri];
	struct mi_arg a = { .d = d, .ri = ri, .rootfd = -1 };
	char rel[64];
	int fd, err;

	snprintf(rel, sizeof(rel), "%d/task/%d/mountinfo", (int)r->pid,
		 (int)r->tid);
	fd = openat(d->procfd, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		note_emfile(d, errno);
		return;	/* counted in mntns_unread unless another reads */
	}
	err = nsd_read_mountinfo(fd, d->line, NSD_LINE_MAX + 1, mi_line, &a,
				 &d->res->lines_skipped);
	close(fd);
	if (a.rootfd >= 0)
		close(a.rootfd);
	/* a task that exited while we read gave a short file: another
	 * reader of its namespace may still do */
	if (!err)
		d->rdok[r->mnt] = true;
	d->res->nreaders++;
}

/* ---------------------------------- mount namespaces that no task is in */

struct child_arg {
	int sock, rootfd;
	unsigned types;
	struct rec rec;
};

static void send_rec(int sock, const struct rec *r, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {
		.iov_base = (void *)r,
		.iov_len = offsetof(struct rec, path) + strlen(r->path) + 1,
	};
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&u, 0, sizeof(u));
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof(u.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	while (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

/* In the child: no allocation (it may be the fork of a threaded
 * process), only system calls and the in-place parser. */
static void child_line(const struct nsd_mountinfo *mi, void *arg)
{
	struct child_arg *ca = arg;
	struct rec *r = &ca->rec;
	enum nsd_type type;
	uint64_t ino;
	int fd = -1;

	if (!strcmp(mi->fstype, "nsfs")) {
		if (nsd_parse_link(mi->root, strlen(mi->root), &type, &ino) ||
		    !(ca->types & 1u << type))
			return;
		r->kind = REC_NSFS;
	} else if (!strcmp(mi->fstype, "mqueue")) {
		r->kind = REC_MQUEUE;
	} else {
		return;
	}
	r->major = mi->major;
	r->minor = mi->minor;
	r->mnt_id = mi->mnt_id;
	if (strlen(mi->root) >= sizeof(r->root))
		return;
	strcpy(r->root, mi->root);
	if (strlen(mi->mountpoint) < sizeof(r->path)) {
		strcpy(r->path, mi->mountpoint);
		fd = walk_nofollow(ca->rootfd, mi->mountpoint);
	} else {
		r->path[0] = '\0';	/* not reachable: said by no fd */
	}
	send_rec(ca->sock, r, fd);
	if (fd >= 0)
		close(fd);
}

static void __attribute__((noreturn))
taskless_child(struct disc *d, int nsfd, int sock)
{
	static struct child_arg ca;
	unsigned skipped = 0;
	int mfd;

	ca.sock = sock;
	ca.types = d->types;
	/* a forked child has an fs_struct of its own, as setns() of a
	 * mount namespace requires; it lands on the namespace's root */
	if (setns(nsfd, CLONE_NEWNS))
		_exit(2);
	ca.rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* the /proc opened before is still ours to use in any mount
	 * namespace */
	mfd = openat(d->procfd, "self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (ca.rootfd < 0 || mfd < 0 ||
	    nsd_read_mountinfo(mfd, d->line, NSD_LINE_MAX + 1, child_line,
			       &ca, &skipped))
		_exit(3);
	memset(&ca.rec, 0, sizeof(ca.rec));
	ca.rec.kind = REC_END;
	ca.rec.skipped = skipped;
	send_rec(sock, &ca.rec, -1);
	_exit(0);
}

/* The mountinfo of mount namespace @i, which no task is in, through a
 * child that enters it. Sets rdok[i] if it was read to its end. */
static void read_taskless(struct disc *d, size_t i)
{
	struct where w = { .mnt = i };
	bool ended = false;
	int sv[2], status;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		note_emfile(d, errno);
		return;
	}
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return;
	}
	if (pid == 0) {
		close(sv[0]);
		taskless_child(d, d->res->ns[i].fd, sv[1]);
	}
	close(sv[1]);
	for (;;) {
		union {
			char buf[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} u;
		struct rec *r = &d->rec;
		struct iovec iov = { .iov_base = r, .iov_len = sizeof(*r) };
		struct msghdr msg = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
		};
		struct cmsghdr *c;
		enum nsd_type type;
		uint64_t ino;
		ssize_t n;
		int fd = -1;

		n = recvmsg(sv[0], &msg, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		c = CMSG_FIRSTHDR(&msg);
		if (c && c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&fd, CMSG_DATA(c), sizeof(int));
		if ((msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
		    (size_t)n <= offsetof(struct rec, path)) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		((char *)r)[n - 1] = '\0';
		r->root[sizeof(r->root) - 1] = '\0';
		switch (r->kind) {
		case REC_END:
			ended = true;
			d->res->lines_skipped += (unsigned)r->skipped;
			break;
		case REC_NSFS:
			if (nsd_parse_link(r->root, strlen(r->root), &type,
					   &ino) || !(d->types & 1u << type)) {
				if (fd >= 0)
					close(fd);
				break;
			}
			bind_found(d, &w, type, ino,
				   makedev(r->major, r->minor), r->path, fd,
				   NULL, NULL);
			break;
		case REC_MQUEUE:
			mqueue_found(d, &w, r->mnt_id,
				     makedev(r->major, r->minor), r->path, fd);
			break;
		default:
			if (fd >= 0)
				close(fd);
		}
	}
	close(sv[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return;
	if (ended && WIFEXITED(status) && !WEXITSTATUS(status))
		d->rdok[i] = true;
	d->res->nreaders++;
}

/* ------------------------------------------------ mqueue superblocks */

/* st_dev of the mqueue superblock of the calling thread's IPC namespace,
 * through a detached mount that is dropped at once; 0 with *err set. */
static dev_t mq_dev_here(int *err)
{
	struct stat st;
	int dfd = mq_mount_here();

	if (dfd < 0) {
		*err = -dfd;
		return 0;
	}
	*err = fstat(dfd, &st) ? errno : 0;
	close(dfd);
	return *err ? 0 : st.st_dev;
}

struct mqcheck {
	struct nsd_result *res;
	unsigned checked, failed;
};

/* A thread of its own: setns() changes only the calling thread, and
 * this one ends when done, so no thread is left in another namespace. */
static void *mq_thread(void *arg)
{
	struct mqcheck *c = arg;

	for (size_t i = 0; i < c->res->n; i++) {
		struct nsd_ns *ns = &c->res->ns[i];
		int err = 0;

		if (ns->type != NSD_IPC)
			continue;
		if (setns(ns->fd, CLONE_NEWIPC)) {
			c->failed++;
			continue;
		}
		ns->mq_dev = mq_dev_here(&err);
		if (err == ENOSYS) {
			c->failed++;
			break;
		}
		if (err)
			c->failed++;
		else
			c->checked++;
	}
	return NULL;
}

/* Superblock @m as a result entry: its mount point reached (through the
 * task it was seen from, unless the child that read it sent a
 * descriptor) and checked to be that superblock's root. */
static void mq_report(struct disc *d, struct mqsb *m, bool reach)
{
	struct nsd_result *res = d->res;
	struct nsd_mq_orphan *o;
	struct stat st;
	int fd = m->fd;

	m->fd = -1;
	if (fd < 0 && m->w.tid && reach) {
		struct reader r = { .pid = m->w.pid, .tid = m->w.tid };
		int rootfd = reader_root(d, &r);

		if (rootfd >= 0) {
			fd = walk_nofollow(rootfd, m->path);
			close(rootfd);
		}
	}
	/* the mount point must still be that superblock's root: not
	 * something mounted over it since */
	if (fd >= 0 && (fstat(fd, &st) || !S_ISDIR(st.st_mode) ||
	    st.st_dev != m->dev || !fd_on_fs(fd, MQUEUE_MAGIC))) {
		close(fd);
		fd = -1;
	}
	res->mq = xrealloc(res->mq, (res->nmq + 1) * sizeof(*res->mq));
	o = &res->mq[res->nmq++];
	*o = (struct nsd_mq_orphan){
		.dev = m->dev, .nmounts = m->nmounts,
		.mntns = res->ns[m->w.mnt].ino, .pid = m->w.pid,
		.tid = m->w.tid, .path = xstrdup(m->path), .fd = fd,
	};
}

static void mq_findings(struct disc *d, const struct nsd_opts *opts)
{
	struct nsd_result *res = d->res;
	struct mqcheck c = { .res = res };
	struct pairmap own = { 0 };
	pthread_t th;
	size_t nipc = 0;

	res->mq_rule = NSD_MQ_UNTOLD;
	if (opts->no_mq_check || !(d->types & 1u << NSD_IPC))
		return;
	if (opts->mq_by_caller) {
		/* the caller enters every IPC namespace anyway: it tells
		 * which of these are alive, and reaches only the others
		 * (nsd_mq_reach) */
		res->mq_rule = NSD_MQ_CALLER;
		for (size_t k = 0; k < d->nmq; k++)
			mq_report(d, &d->mq[k], false);
		return;
	}
	res->mq_rule = NSD_MQ_CHECKED;
	if (!d->nmq)
		return;	/* nothing to tell */
	for (size_t i = 0; i < res->n; i++)
		nipc += res->ns[i].type == NSD_IPC;
	if (pthread_create(&th, NULL, mq_thread, &c)) {
		res->mq_rule = NSD_MQ_UNTOLD;
		return;
	}
	pthread_join(th, NULL);
	res->ipcns_unchecked = (unsigned)nipc - c.checked;
	if (nipc && !c.checked) {
		res->mq_rule = NSD_MQ_UNTOLD;
		return;
	}
	if (res->ipcns_unchecked)
		res->mq_rule = NSD_MQ_PARTIAL;
	for (size_t i = 0; i < res->n; i++)
		if (res->ns[i].mq_dev)
			pairmap_put(&own, dev_key_of(res->ns[i].mq_dev), 0, 0);
	for (size_t k = 0; k < d->nmq; k++) {
		struct mqsb *m = &d->mq[k];

		if (pairmap_has(&own, dev_key_of(m->dev), 0)) {
			if (m->fd >= 0)
				close(m->fd);
			m->fd = -1;
			continue;
		}
		mq_report(d, m, true);
	}
	pairmap_free(&own);
}

int nsd_mq_reach(const struct nsd_mq_orphan *m)
{
	char rel[64];
	struct stat st;
	int rootfd, fd;

	if (m->fd >= 0) {
		fd = fcntl(m->fd, F_DUPFD_CLOEXEC, 0);
		return fd < 0 ? -errno : fd;
	}
	if (!m->tid)
		return -ENOENT;
	snprintf(rel, sizeof(rel), "/proc/%d/task/%d/root", (int)m->pid,
		 (int)m->tid);
	rootfd = open(rel, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return -errno;
	fd = walk_nofollow(rootfd, m->path);
	close(rootfd);
	if (fd < 0)
		return fd;
	/* a task that exited, or a pid reused since, leads elsewhere:
	 * only that superblock's root is taken */
	if (fstat(fd, &st) || !S_ISDIR(st.st_mode) || st.st_dev != m->dev ||
	    !fd_on_fs(fd, MQUEUE_MAGIC)) {
		close(fd);
		return -ESTALE;
	}
	return fd;
}

/* --------------------------------------------------------- the rest */

/* The namespace the @who task's link of @type names, if held. */
static long held_of(struct disc *d, const char *who, enum nsd_type type)
{
	char rel[64];
	struct stat st;
	long i;

	snprintf(rel, sizeof(rel), "%s/ns/%s", who, type_names[type]);
	if (fstatat(d->procfd, rel, &st, 0))
		return -1;
	i = ns_lookup(d, st.st_dev, st.st_ino);
	return i >= 0 && d->res->ns[i].type == type ? i : -1;
}

static void mark_initial(struct disc *d)
{
	struct nsd_result *res = d->res;

	for (unsigned t = 0; t < NSD_NTYPES; t++) {
		static const char *const who[] = { "1", "self" };
		static const enum nsd_init_rule rule[] = {
			NSD_INIT_PID1, NSD_INIT_SELF
		};

		res->init_rule[t] = NSD_INIT_NONE;
		for (size_t i = 0; i < res->n; i++) {
			if (res->ns[i].type == t &&
			    res->ns[i].ino < NS_DYNAMIC_FIRST) {
				res->ns[i].initial = true;
				res->init_rule[t] = NSD_INIT_STATIC;
			}
		}
		if (res->init_rule[t] != NSD_INIT_NONE)
			continue;
		/* No fixed inode for this type on this kernel, or nobody in
		 * the initial namespace. A task whose IPC namespace is the
		 * initial one (fixed inode on every kernel) is taken to be
		 * in the initial namespaces of the other types too: pid 1,
		 * else ourselves. */
		for (unsigned k = 0; k < 2; k++) {
			long ipc = held_of(d, who[k], NSD_IPC);
			long i;

			if (ipc < 0 || res->ns[ipc].ino != NS_IPC_INIT_INO)
				continue;
			i = held_of(d, who[k], (enum nsd_type)t);
			if (i < 0)
				continue;
			res->ns[i].initial = true;
			res->init_rule[t] = rule[k];
			break;
		}
	}
}

static int ns_cmp(const void *a, const void *b)
{
	const struct nsd_ns *x = a, *y = b;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return 0;
}

int nsd_discover(const struct nsd_opts *opts, struct nsd_result *res)
{
	static const struct nsd_opts none;
	struct disc *d;
	char path[PATH_MAX];
	struct dirwalk w;
	const char *e;
	int fd, err = 0;

	if (!opts)
		opts = &none;
	memset(res, 0, sizeof(*res));
	if (root_path(path, sizeof(path), opts->root, "/proc"))
		return -ENAMETOOLONG;
	d = xcalloc(1, sizeof(*d));
	d->res = res;
	d->opts = opts;
	d->types = (opts->types ? opts->types : ~0u) | 1u << NSD_MNT;
	d->self = getpid();
	d->procfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->procfd < 0) {
		err = -errno;
		free(d);
		return err;
	}
	d->line = xmalloc(NSD_LINE_MAX + 1);

	fd = openat(d->procfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	dir_start(&w, fd, d->dbuf[0], sizeof(d->dbuf[0]));
	while ((e = dir_next(&w, &err))) {
		uint64_t pid;

		if (parse_u64(e, &pid) || !pid || pid > INT_MAX)
			continue;
		walk_process(d, e, (pid_t)pid);
	}
	close(fd);
	if (err)
		goto out;

	/* nsfs bind mounts and mqueue mounts, seen from every distinct
	 * (mount namespace, root) */
	for (size_t ri = 0; ri < d->nrd; ri++)
		read_mountinfo(d, ri);
	/* mount namespaces that no task is in (found as fds or binds), or
	 * whose readers exited meanwhile (we hold them, so they live on),
	 * entered by a child each; what they hold may add more */
	for (size_t i = 0, forks = 0; i < res->n; i++) {
		if (res->ns[i].type != NSD_MNT || d->rdok[i])
			continue;
		if (++forks > NSD_MAX_READERS) {
			res->truncated = true;
			break;
		}
		read_taskless(d, i);
	}
	for (size_t i = 0; i < res->n; i++) {
		if (res->ns[i].type != NSD_MNT)
			continue;
		if (d->rdok[i])
			continue;
		if (!res->ns[i].ntasks)
			res->mntns_taskless++;
		else
			res->mntns_unread++;
	}
	mq_findings(d, opts);
	mark_initial(d);
	if (res->n)
		qsort(res->ns, res->n, sizeof(*res->ns), ns_cmp);
out:
	for (size_t k = 0; k < d->nmq; k++) {
		free(d->mq[k].path);
		if (d->mq[k].fd >= 0)
			close(d->mq[k].fd);
	}
	free(d->mq);
	free(d->rd);
	free(d->rdok);
	free(d->line);
	pairmap_free(&d->idx);
	pairmap_free(&d->rdidx);
	pairmap_free(&d->mqidx);
	pairmap_free(&d->mntids);
	pairmap_free(&d->ownfds);
	close(d->procfd);
	free(d);
	if (err)
		nsd_result_free(res);
	return err;
}

void nsd_result_free(struct nsd_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->n; i++) {
		if (res->ns[i].fd >= 0)
			close(res->ns[i].fd);
		free(res->ns[i].bind_path);
	}
	for (size_t i = 0; i < res->nmq; i++) {
		if (res->mq[i].fd >= 0)
			close(res->mq[i].fd);
		free(res->mq[i].path);
	}
	free(res->ns);
	free(res->mq);
	memset(res, 0, sizeof(*res));
}

bool nsd_complete(const struct nsd_result *res)
{
	return !res->tasks_denied && !res->tasks_unverified &&
		!res->fdtabs_denied && !res->mntns_unread &&
		!res->mntns_taskless && !res->binds_unreached &&
		!res->ipcns_unchecked && !res->lines_skipped &&
		!res->truncated && res->mq_rule != NSD_MQ_UNTOLD &&
		res->mq_rule != NSD_MQ_CALLER;
}

const struct nsd_ns *nsd_find(const struct nsd_result *res,
			      enum nsd_type type, ino_t ino)
{
	struct nsd_ns key = { .type = type, .ino = ino };

	if (!res->n)
		return NULL;
	return bsearch(&key, res->ns, res->n, sizeof(*res->ns), ns_cmp);
}
