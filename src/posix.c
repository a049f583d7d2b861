/* SPDX-License-Identifier: GPL-2.0-or-later */
/* posix.c - POSIX shm, named semaphores and message queues: collect, reap. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <time.h>

#include "classify.h"
#include "fsutil.h"
#include "kinds.h"
#include "parse.h"
#include "nsrun.h"
#include "posix.h"
#include "reap.h"
#include "jsonw.h"
#include "saferoot.h"
#include "stats.h"
#include "strbuf.h"
#include "utf8.h"
#include "util.h"

#define MQUEUE_MAGIC 0x19800202
/* where the private-mount thread mounts its own mqueue instance */
#define MQ_DIR "/dev/mqueue"
#define SEM_PREFIX "sem."
#define SEM_PREFIX_LEN (sizeof(SEM_PREFIX) - 1)

/* ---- small helpers ---------------------------------------------------- */

/* "@dir/@name" as a new string; @name is raw bytes and kept as is. */
static char *join_path(const char *dir, const char *name)
{
	struct strbuf sb = { 0 };

	sb_puts(&sb, dir);
	sb_putc(&sb, '/');
	sb_puts(&sb, name);
	return sb.buf;
}

/* Copy @src into @dst of @len bytes, cut if need be, always terminated. */
static void copy_str(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (!len)
		return;
	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* A warning about one directory entry; names may hold any byte. */
static void warn_entry(struct diag *d, const char *dir,
		       const char *name, int err)
{
	struct strbuf sb = { 0 };

	sb_put_escaped(&sb, name);
	diag_partial(d, "%s/%s: %s", dir, sb.buf ? sb.buf : "", strerror(err));
	sb_free(&sb);
}

/* Call @fn for every entry of @dfd but "." and "..". Stops at the first
 * negative return of @fn and returns it; -errno if reading fails. */
static int dir_each(int dfd, int (*fn)(int dfd, const char *name, void *arg),
		    void *arg)
{
	char buf[8192] __attribute__((aligned(8)));
	struct dirwalk dw;
	const char *name;
	int r = 0, err = 0;

	if (lseek(dfd, 0, SEEK_SET) < 0)
		return -errno;
	dir_start(&dw, dfd, buf, sizeof(buf));
	while ((name = dir_next(&dw, &err))) {
		r = fn(dfd, name, arg);
		if (r < 0)
			return r;
	}
	return err;
}

/* A directory, never through a symlink (-ELOOP if it is one). */
static int open_dir(const char *path)
{
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (dfd >= 0)
		return dfd;
	if (errno == ENOTDIR && !lstat(path, &st) && S_ISLNK(st.st_mode))
		return -ELOOP;
	return -errno;
}

/* Open @path only if it is the root of a mounted mqueue file system;
 * -ENODEV if it is a plain directory. */
static int open_mq_dir(const char *path)
{
	struct statfs sf;
	int dfd = open_dir(path), r;

	if (dfd < 0)
		return dfd;
	if (fstatfs(dfd, &sf)) {
		r = -errno;
		close(dfd);
		return r;
	}
	if ((unsigned long)sf.f_type != MQUEUE_MAGIC) {
		close(dfd);
		return -ENODEV;
	}
	return dfd;
}


/* ---- mqueue status text ----------------------------------------------- */

/* The kernel prints "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n". */
static const char *const mq_keys[] = {
	"QSIZE:", "NOTIFY:", "SIGNO:", "NOTIFY_PID:"
};
#define MQ_NKEYS (sizeof(mq_keys) / sizeof(mq_keys[0]))

int parse_mq_status(const char *buf, size_t len, struct mq_detail *mq)
{
	int64_t v[MQ_NKEYS];
	uint64_t qsize = 0;
	size_t i = 0;

	for (size_t f = 0; f < MQ_NKEYS; f++) {
		size_t klen = strlen(mq_keys[f]), start;
		int r;

		if (f > 0) {
			/* at least one blank between fields */
			if (i >= len || buf[i] != ' ')
				return -EINVAL;
			while (i < len && buf[i] == ' ')
				i++;
		}
		if (len - i < klen || memcmp(buf + i, mq_keys[f], klen))
			return -EINVAL;
		i += klen;
		start = i;
		while (i < len && buf[i] != ' ' && buf[i] != '\n')
			i++;
		if (f == 0)
			r = parse_u64n(buf + start, i - start, &qsize);
		else
			r = parse_i64n(buf + start, i - start, &v[f]);
		if (r)
			return -EINVAL;
		if (f > 0 && (v[f] < 0 || v[f] > INT_MAX))
			return -EINVAL;
	}
	/* Padding, then the newline the kernel always ends with: without it
	 * the text may have been cut inside the last number. */
	while (i < len && buf[i] == ' ')
		i++;
	if (i + 1 != len || buf[i] != '\n')
		return -EINVAL;
	mq->qsize = qsize;
	mq->notify_pid = (pid_t)v[3];
	return 0;
}

/* ---- one mqueue entry, shared by the mounted and the private paths ---- */

/* What is known about one queue, before it becomes an object. */
struct mq_entry {
	uint64_t dev, ino;
	uint32_t uid, gid, mode;
	int32_t notify_pid;
	int64_t ctime, mtime;
	int64_t maxmsg, msgsize;
	uint64_t qsize;
	int32_t status_err;	/* 0, or why the status could not be read */
	int32_t attr_err;	/* 0, or why mq_getattr failed */
};

/* Read the status text of an open queue into @mq. */
static int mq_read_status(int fd, struct mq_detail *mq)
{
	char buf[256];
	ssize_t n = read_full(fd, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	if ((size_t)n == sizeof(buf))
		return -EINVAL;
	return parse_mq_status(buf, (size_t)n, mq);
}

/*
 * Read queue @name of the mqueue directory @dfd. Returns 0, 1 if it is
 * not a queue (vanished, or not a regular file), or -errno from fstatat.
 * The status and attributes are best effort: their errors go into @e.
 */
static int mq_read_entry(int dfd, const char *name, struct mq_entry *e)
{
	struct mq_detail mq = { 0 };
	struct mq_attr attr;
	struct stat st;
	int fd, r;

	memset(e, 0, sizeof(*e));
	e->maxmsg = e->msgsize = -1;
	/* stat first: reading the status bumps the queue's ctime */
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? 1 : -errno;
	if (!S_ISREG(st.st_mode))
		return 1;
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	e->uid = st.st_uid;
	e->gid = st.st_gid;
	e->mode = st.st_mode;
	e->ctime = st.st_ctime;
	e->mtime = st.st_mtime;

	fd = openat(dfd, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		e->status_err = e->attr_err = errno;
		return 0;
	}
	r = mq_read_status(fd, &mq);
	if (r) {
		e->status_err = -r;
	} else {
		e->qsize = mq.qsize;
		e->notify_pid = mq.notify_pid;
	}
	/* a file opened on the mqueue fs is a message queue descriptor */
	if (mq_getattr(fd, &attr)) {
		e->attr_err = errno;
	} else {
		e->maxmsg = attr.mq_maxmsg;
		e->msgsize = attr.mq_msgsize;
	}
	close(fd);
	return 0;
}

/* Building objects from entries, whichever path they came by. */
struct mq_tally {
	struct objset *out;
	struct diag *d;
	const char *dir;	/* the source's logical mqueue directory */
	unsigned unreadable;
	int first_err;
	char *first_name;
};

static int mq_add_entry(void *arg, const struct mq_entry *e, const char *name)
{
	struct mq_tally *t = arg;
	struct obj *o = objset_add(t->out, KIND_MQUEUE);

	o->name = xstrdup(name);
	o->path = join_path(t->dir, name);
	o->dev = (dev_t)e->dev;
	o->ino = (ino_t)e->ino;
	o->uid = e->uid;
	o->gid = e->gid;
	o->mode = e->mode & 07777;
	o->t_change = e->ctime;
	o->t_modify = e->mtime;
	o->u.mq.maxmsg = e->maxmsg;
	o->u.mq.msgsize = e->msgsize;
	if (e->status_err) {
		/* a notification registration could hide there; and its
		 * size is not 0 but unknown */
		o->holders_incomplete = true;
		o->size_unknown = true;
		if (!t->unreadable++) {
			t->first_err = e->status_err;
			t->first_name = xstrdup(name);
		}
	} else {
		o->u.mq.qsize = e->qsize;
		o->u.mq.notify_pid = e->notify_pid;
		o->size = e->qsize;
	}
	return 0;
}

static int mq_add_warn(void *arg, int err, const char *name)
{
	struct mq_tally *t = arg;

	warn_entry(t->d, t->dir, name, err);
	return 0;
}

static void mq_tally_finish(struct mq_tally *t)
{
	struct strbuf sb = { 0 };

	if (!t->unreadable)
		return;
	sb_put_escaped(&sb, t->first_name);
	diag_partial(t->d, "%u POSIX message queue(s): status not readable "
		     "(%s/%s: %s)", t->unreadable, t->dir,
		     sb.buf ? sb.buf : "", strerror(t->first_err));
	sb_free(&sb);
	free(t->first_name);
	t->first_name = NULL;
}

/* One directory entry of the instance being listed. */
static int mq_dir_entry(int dfd, const char *name, void *arg)
{
	struct mq_entry e;
	int r = mq_read_entry(dfd, name, &e);

	if (r == 1)
		return 0;
	if (r < 0)
		return mq_add_warn(arg, -r, name);
	return mq_add_entry(arg, &e, name);
}

static int mq_read_dir(int dfd, struct mq_tally *t)
{
	return dir_each(dfd, mq_dir_entry, t);
}

/* ---- the private mqueue mount ----------------------------------------- */

/*
 * Without fsmount and without a proven /dev/mqueue, root reaches the
 * queues of our IPC namespace through an mqueue mount of its own, made on
 * a thread in a mount namespace of that thread's own
 * (nsrun_private_mounts): nobody else sees it, and it goes away with the
 * thread. The thread is in our IPC namespace, so the mount is its
 * instance, and the function run there fills the caller's results
 * directly (the caller waits).
 */
typedef int (*mq_private_fn)(int dfd, void *arg, const char **step);

struct mq_private {
	uint64_t host_mntns;	/* the caller's mount namespace */
	mq_private_fn fn;
	void *arg;
	const char *step;	/* what was being done when it failed */
};

/*
 * On the thread, its mount namespace just unshared: private propagation,
 * so nothing mounted here reaches the host, then mqueue on /dev/mqueue if
 * that directory exists, else on a directory in a fresh tmpfs over /tmp.
 * Returns the mqueue directory fd or -errno with *step.
 */
static int mq_private_mount(uint64_t host_mntns, const char **step)
{
	const char *dir = MQ_DIR;
	const unsigned long fl = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	struct stat st;

	*step = "making mounts private";
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -errno;
	/* thread-self: /proc/self names the group leader's namespaces */
	*step = "checking the mount namespace is private";
	if (stat("/proc/thread-self/ns/mnt", &st))
		return -errno;
	if ((uint64_t)st.st_ino == host_mntns)
		return -EBUSY;
	if (lstat(dir, &st) || !S_ISDIR(st.st_mode)) {
		*step = "mounting a private tmpfs on /tmp";
		if (mount("tmpfs", "/tmp", "tmpfs", fl, "mode=0700"))
			return -errno;
		dir = "/tmp/mqueue";
		*step = "creating /tmp/mqueue";
		if (mkdir(dir, 0700))
			return -errno;
	}
	*step = "mounting mqueue";
	if (mount("mqueue", dir, "mqueue", fl, NULL))
		return -errno;
	*step = "opening the private mqueue mount";
	return open_mq_dir(dir);
}

static int mq_private_job(void *arg)
{
	struct mq_private *p = arg;
	int dfd = mq_private_mount(p->host_mntns, &p->step), r;

	if (dfd < 0)
		return dfd;
	r = p->fn(dfd, p->arg, &p->step);
	close(dfd);
	return r;
}

/* Run @fn on the directory of a private mqueue mount. Returns what @fn
 * returned, or -errno with a description in @step. */
static int mq_private_run(mq_private_fn fn, void *arg, char *step,
			  size_t steplen)
{
	struct mq_private p = { .fn = fn, .arg = arg };
	struct stat st;
	int r;

	snprintf(step, steplen, "reading /proc/thread-self/ns/mnt");
	if (stat("/proc/thread-self/ns/mnt", &st))
		return -errno;
	p.host_mntns = (uint64_t)st.st_ino;
	/* what fails before the job runs is the unshare (or the thread) */
	p.step = "unshare(CLONE_NEWNS)";
	r = nsrun_private_mounts(mq_private_job, &p);
	if (r < 0)
		copy_str(step, steplen, p.step);
	return r;
}

static int mq_private_list(int dfd, void *arg, const char **step)
{
	int r = mq_read_dir(dfd, arg);

	if (r < 0)
		*step = "reading the mqueue directory";
	return r;
}

/* ---- which mqueue instance -------------------------------------------- */

/*
 * Each IPC namespace has one mqueue superblock, and every mount of it has
 * its st_dev. A mounted /dev/mqueue may be another namespace's (a
 * container, or a process that unshared only its IPC namespace, inherits
 * the mount), so the queues are read only from an instance proven to be
 * that of the IPC namespace we run in:
 *
 * 1. a detached mount made with fsopen("mqueue")/fsmount(): the kernel
 *    keys the superblock by the caller's IPC namespace, so it is ours by
 *    construction; nothing appears in any mount table and no process is
 *    started (needs CAP_SYS_ADMIN, Linux 5.2);
 * 2. else the mounted /dev/mqueue, if a probe queue created in our
 *    namespace (mq_open keys by namespace too, whatever is mounted) shows
 *    up in it with the same device and inode;
 * 3. else, as root, a private mount made on a thread in a mount
 *    namespace of its own (mq_private_run);
 * 4. else nothing: the queues are not listed, and not removed.
 */
#define MQ_PROBE_PREFIX "/.ipcscan-probe-"

#ifndef FSOPEN_CLOEXEC
#define FSOPEN_CLOEXEC 0x00000001
#endif
#ifndef FSCONFIG_CMD_CREATE
#define FSCONFIG_CMD_CREATE 6
#endif
#ifndef FSMOUNT_CLOEXEC
#define FSMOUNT_CLOEXEC 0x00000001
#endif
#ifndef MOUNT_ATTR_NOSUID
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
#endif

int mq_mount_here(void)
{
#if defined(SYS_fsopen) && defined(SYS_fsconfig) && defined(SYS_fsmount)
	int fs, mnt, dfd, r;

#ifdef IPCSCAN_TEST_HOOKS
	/* lets the tests take the paths an older kernel would */
	if (getenv("IPCSCAN_TEST_NO_FSMOUNT"))
		return -ENOSYS;
#endif
	fs = (int)syscall(SYS_fsopen, "mqueue", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0)) {
		r = -errno;
		close(fs);
		return r;
	}
	mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
			   MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			   MOUNT_ATTR_NOEXEC);
	r = mnt < 0 ? -errno : 0;
	close(fs);
	if (r)
		return r;
	/* the mount fd is O_PATH-like: a directory to read needs openat;
	 * the open directory keeps the detached mount alive */
	dfd = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	r = dfd < 0 ? -errno : 0;
	close(mnt);
	if (r)
		return r;
	if (!fd_on_fs(dfd, MQUEUE_MAGIC)) {
		close(dfd);
		return -ENODEV;
	}
	return dfd;
#else
	return -ENOSYS;
#endif
}

int posix_mq_instance(void)
{
	return mq_mount_here();
}

static uint64_t probe_nonce(void)
{
	struct timespec ts;
	uint64_t v;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) == (ssize_t)sizeof(v))
		return v;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec << 30) ^ (uint64_t)ts.tv_nsec;
}

/*
 * Is the mqueue directory @dfd our IPC namespace's? A probe queue is
 * created in our namespace under a fresh name and looked up in @dfd:
 * the same device and inode prove it. The probe is unlinked before
 * returning, whatever happened; *@left is set if that failed.
 * Returns 1 (ours), 0 (another namespace's) or -errno (no probe).
 */
static int mq_prove(int dfd, bool *left)
{
	struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 1 };
	struct stat qst, est;
	char name[64];
	mqd_t q = (mqd_t)-1;
	int r;

	*left = false;
	for (int tries = 0; tries < 8; tries++) {
		snprintf(name, sizeof(name), MQ_PROBE_PREFIX "%d-%016llx",
			 (int)getpid(), (unsigned long long)probe_nonce());
		q = mq_open(name, O_CREAT | O_EXCL | O_RDONLY | O_CLOEXEC,
			    0600, &attr);
		if (q != (mqd_t)-1 || errno != EEXIST)
			break;
	}
	if (q == (mqd_t)-1)
		return -errno;
	/* an mqd_t is a file descriptor on Linux */
	if (fstat(q, &qst))
		r = -errno;
	else if (fstatat(dfd, name + 1, &est, AT_SYMLINK_NOFOLLOW))
		r = errno == ENOENT ? 0 : -errno;
	else
		r = est.st_dev == qst.st_dev && est.st_ino == qst.st_ino;
	if (mq_unlink(name) && errno != ENOENT)
		*left = true;
	mq_close(q);
	return r;
}

int posix_mq_gone(int dfd, bool *left)
{
	char name[64];
	int fd = -1, spare, e = 0;

	*left = false;
	/* EACCES from the permission check would prove nothing */
	if (geteuid() != 0)
		return -EPERM;
	for (int tries = 0; tries < 8; tries++) {
		snprintf(name, sizeof(name), MQ_PROBE_PREFIX "%d-%016llx",
			 (int)getpid(), (unsigned long long)probe_nonce());
		/* a free descriptor slot right before the open: its
		 * EMFILE is then the queue's, not our fd table's */
		spare = fcntl(dfd, F_DUPFD_CLOEXEC, 0);
		if (spare < 0)
			return -errno;
		close(spare);
		/* an open() that creates is mqueue_create(): it refuses
		 * with EACCES once free_ipc_ns() cleared the superblock's
		 * namespace (NAMESPACES.md 1.5); only after that check
		 * come the namespace's queues_max (ENOSPC) and the
		 * creator's RLIMIT_MSGQUEUE (EMFILE), so those say it has
		 * one */
		fd = openat(dfd, name + 1, O_CREAT | O_EXCL | O_RDONLY |
			    O_NOFOLLOW | O_CLOEXEC, 0600);
		e = fd < 0 ? errno : 0;
		if (fd >= 0 || e != EEXIST)
			break;
	}
	if (fd < 0) {
		if (e == EACCES)
			return 1;
		return e == ENOSPC || e == EMFILE ? 0 : -e;
	}
	if (unlinkat(dfd, name + 1, 0) && errno != ENOENT)
		*left = true;
	close(fd);
	return 0;
}

/* How the queues of our IPC namespace are reached. */
struct mq_where {
	int dfd;		/* a proven instance, or -1 */
	bool private_mount;	/* else through a private mount (root) */
	char why[WHY_LEN];	/* neither: why not */
	bool probe_left;	/* a probe queue could not be unlinked */
};

/*
 * Find the instance (see above); @dir is @root/dev/mqueue. Returns 0 with
 * w->dfd or w->private_mount set, else -errno with w->why. A fixture tree (not
 * live) has nothing to prove: its directory is used if it is an mqueue
 * mount.
 */
static int mq_locate(const struct source *src, const char *dir,
		     struct mq_where *w)
{
	const char *need = "and reading them needs root";
	int dfd, r;

	w->dfd = -1;
	w->private_mount = false;
	w->why[0] = '\0';
	w->probe_left = false;
	if (!src->own) {
		/* another IPC namespace: only the instance mounted inside
		 * it (scan.c), never a /dev/mqueue of ours */
		if (!(src->kinds & KMASK(KIND_MQUEUE))) {
			snprintf(w->why, sizeof(w->why), "no mqueue instance "
				 "of its own");
			return -ENODEV;
		}
		if (src->mq_fd < 0) {
			snprintf(w->why, sizeof(w->why), "its mqueue instance "
				 "could not be mounted: %s",
				 strerror(-src->mq_fd));
			return src->mq_fd;
		}
		dfd = openat(src->mq_fd, ".", O_RDONLY | O_DIRECTORY |
			     O_CLOEXEC);
		if (dfd < 0) {
			r = -errno;
			snprintf(w->why, sizeof(w->why), "its mqueue "
				 "instance: %s", strerror(-r));
			return r;
		}
		w->dfd = dfd;
		return 0;
	}
	if (!src->syscalls) {
		dfd = open_mq_dir(dir);
		if (dfd >= 0) {
			w->dfd = dfd;
			return 0;
		}
		if (dfd == -ENOENT || dfd == -ENODEV)
			snprintf(w->why, sizeof(w->why),
				 "%s is not an mqueue mount", dir);
		else
			snprintf(w->why, sizeof(w->why), "%s: %s", dir,
				 strerror(-dfd));
		return dfd;
	}
	dfd = mq_mount_here();
	if (dfd >= 0) {
		w->dfd = dfd;
		return 0;
	}
	dfd = open_mq_dir(dir);
	if (dfd >= 0) {
		r = mq_prove(dfd, &w->probe_left);
		if (r == 1) {
			w->dfd = dfd;
			return 0;
		}
		close(dfd);
		if (r == 0)
			snprintf(w->why, sizeof(w->why), "%s is the mqueue of "
				 "another IPC namespace %s", dir, need);
		else
			snprintf(w->why, sizeof(w->why), "cannot prove that %s "
				 "is this IPC namespace's (probe queue: %s) %s",
				 dir, strerror(-r), need);
		r = r ? r : -EXDEV;
	} else if (dfd == -ENOENT || dfd == -ENODEV) {
		snprintf(w->why, sizeof(w->why), "%s is not mounted %s", dir,
			 need);
		r = dfd;
	} else {
		snprintf(w->why, sizeof(w->why), "%s: %s", dir,
			 strerror(-dfd));
		r = dfd;
	}
	if (geteuid() == 0) {
		w->private_mount = true;
		return 0;
	}
	return r;
}

/* ---- collection ------------------------------------------------------- */

static int mq_collect(const struct source *src, struct objset *out,
		      struct diag *d)
{
	struct mq_tally t = { .out = out, .d = d, .dir = src->mq_dir };
	struct mq_where w;
	char dir[PATH_MAX], step[128];
	int r;

	r = root_path(dir, sizeof(dir), src->root, src->mq_dir);
	if (r) {
		diag_partial(d, "POSIX message queues not listed: %s%s: %s",
			     src->root, src->mq_dir, strerror(-r));
		return 0;
	}
	r = mq_locate(src, dir, &w);
	if (w.probe_left)
		diag_warn(d, "a probe queue %s%d-* of ipcscan could not be "
			  "removed", MQ_PROBE_PREFIX, (int)getpid());
	if (r < 0) {
		diag_partial(d, "POSIX message queues not listed: %s", w.why);
	} else if (w.dfd >= 0) {
		r = mq_read_dir(w.dfd, &t);
		close(w.dfd);
		if (r < 0)
			diag_partial(d, "%s: %s", dir, strerror(-r));
	} else {
		r = mq_private_run(mq_private_list, &t, step, sizeof(step));
		if (r < 0)
			diag_partial(d, "POSIX message queues not listed: "
				     "private mqueue mount: %s: %s", step,
				     strerror(-r));
	}
	mq_tally_finish(&t);
	return 0;
}

struct shm_walk {
	kindmask_t kinds;
	struct objset *out;
	struct diag *d;
	const char *dir;	/* the source's logical /dev/shm */
	dev_t dev;		/* of /dev/shm itself: never cross a mount */
};

/* Which kind a /dev/shm entry is: "sem.NAME" is sem_open's, the rest
 * shm_open's ("sem." alone is no valid semaphore name). */
static enum kind devshm_kind(const char *name)
{
	if (!strncmp(name, SEM_PREFIX, SEM_PREFIX_LEN) &&
	    name[SEM_PREFIX_LEN])
		return KIND_PSEM;
	return KIND_PSHM;
}

static int shm_entry(int dfd, const char *name, void *arg)
{
	struct shm_walk *w = arg;
	enum kind k = devshm_kind(name);
	struct stat st;
	struct obj *o;

	if (!(w->kinds & KMASK(k)))
		return 0;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW)) {
		/* gone between readdir and fstatat: nothing to report */
		if (errno != ENOENT)
			warn_entry(w->d, w->dir, name, errno);
		return 0;
	}
	/* sockets and FIFOs here belong to the sockets module */
	if (!S_ISREG(st.st_mode) || st.st_dev != w->dev)
		return 0;
	o = objset_add(w->out, k);
	o->name = xstrdup(k == KIND_PSEM ? name + SEM_PREFIX_LEN : name);
	o->path = join_path(w->dir, name);
	o->dev = st.st_dev;
	o->ino = st.st_ino;
	o->other_names = st.st_nlink > 1;
	o->uid = st.st_uid;
	o->gid = st.st_gid;
	o->mode = st.st_mode & 07777;
	o->size = (uint64_t)st.st_size;
	o->t_change = st.st_ctime;
	o->t_modify = st.st_mtime;
	return 0;
}

static void shm_collect(const struct scan_settings *set,
			const struct source *src, struct objset *out,
			struct diag *d)
{
	struct shm_walk w = { .kinds = set->kinds, .out = out, .d = d,
			      .dir = src->shm_dir };
	char dir[PATH_MAX];
	struct stat st;
	int dfd, r;

	if (src->shm) {
		/* another mount namespace's, opened safely (hostsrc.c): read
		 * through the kept fd, which gc will remove through */
		w.dev = src->shm->dev;
		r = dir_each(src->shm->fd, shm_entry, &w);
		if (r < 0)
			diag_partial(d, "%s: %s", src->shm->label,
				     strerror(-r));
		return;
	}
	r = root_path(dir, sizeof(dir), src->root, src->shm_dir);
	dfd = r ? r : open_dir(dir);
	if (dfd == -ENOENT)
		return;		/* no /dev/shm: shm_open cannot work either */
	if (dfd < 0 || fstat(dfd, &st)) {
		r = dfd < 0 ? dfd : -errno;
		diag_partial(d, "POSIX shared memory and semaphores not "
			     "listed: %s: %s", dir, strerror(-r));
		if (dfd >= 0)
			close(dfd);
		return;
	}
	w.dev = st.st_dev;
	r = dir_each(dfd, shm_entry, &w);
	close(dfd);
	if (r < 0)
		diag_partial(d, "%s: %s", dir, strerror(-r));
}

int posix_collect(const struct scan_settings *set, const struct source *src,
		  struct objset *out, struct diag *d)
{
	int r = 0;

	if ((set->kinds & (KMASK(KIND_PSHM) | KMASK(KIND_PSEM))) &&
	    src->shm_dir)
		shm_collect(set, src, out, d);
	if ((set->kinds & KMASK(KIND_MQUEUE)) && src->mq_dir)
		r = mq_collect(src, out, d);
	return r;
}

/* ---- removal ---------------------------------------------------------- */

/* Is the entry in @st still the object the scan saw? */
static bool unchanged_since_scan(const struct stat *st,
				 const struct stat *dst,
				 const struct obj *o, char *why,
				 size_t whylen)
{
	const char *msg = NULL;

	if (S_ISLNK(st->st_mode))
		msg = "replaced since scan (now a symlink)";
	else if (!S_ISREG(st->st_mode))
		msg = "replaced since scan (no longer a regular file)";
	else if (st->st_dev != dst->st_dev)
		msg = "on another file system (a mount point)";
	else if (st->st_dev != o->dev || st->st_ino != o->ino)
		msg = "replaced since scan (inode changed)";
	else if (st->st_uid != o->uid)
		msg = "owner changed since scan";
	/* set since the scan (which would have kept the file) */
	else if (o->kind != KIND_MQUEUE && (st->st_mode & S_ISVTX))
		msg = STICKY_REASON;
	else if (st->st_mtime != o->t_modify)
		msg = "modified since scan";
	/* reading a queue's status bumps its ctime: ours did */
	else if (o->kind != KIND_MQUEUE && st->st_ctime != o->t_change)
		msg = "changed since scan (ctime)";
	if (msg)
		copy_str(why, whylen, msg);
	return !msg;
}

/*
 * The one remover for all three kinds: verify entry @entry of the
 * directory @dfd against @o, check that nobody locks the shm file or
 * waits for a queue notification, then unlinkat (never follows a symlink,
 * never leaves @dfd).
 */
static int verify_and_unlink(int dfd, const char *entry, const struct obj *o,
			     bool dry_run, char *why, size_t whylen)
{
	struct stat dst, st, fst;
	struct mq_detail mq;
	int fd = -1, r;

	if (fstat(dfd, &dst))
		return -errno;
	if (fstatat(dfd, entry, &st, AT_SYMLINK_NOFOLLOW))
		return -errno;
	if (!unchanged_since_scan(&st, &dst, o, why, whylen))
		return REAP_SKIP;

	if (o->kind == KIND_PSHM || o->kind == KIND_MQUEUE) {
		int fl = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC |
			 O_NOCTTY;

		fd = openat(dfd, entry, fl);
		if (fd < 0) {
			r = errno;
			if (r == ENOENT)
				return -ENOENT;
			set_why(why, whylen, "cannot open to check it is "
				"unused: %s", strerror(r));
			return REAP_SKIP;
		}
		if (fstat(fd, &fst)) {
			r = -errno;
			goto out;
		}
		if (!unchanged_since_scan(&fst, &dst, o, why, whylen)) {
			r = REAP_SKIP;
			goto out;
		}
	}
	if (o->kind == KIND_PSHM && flock(fd, LOCK_EX | LOCK_NB)) {
		r = errno;
		if (r == EWOULDBLOCK)
			set_why(why, whylen, "locked by another process");
		else
			set_why(why, whylen, "cannot lock: %s", strerror(r));
		r = REAP_SKIP;
		goto out;
	}
	if (o->kind == KIND_MQUEUE) {
		r = mq_read_status(fd, &mq);
		if (r < 0) {
			set_why(why, whylen, "cannot read queue status: %s",
				strerror(-r));
			r = REAP_SKIP;
			goto out;
		}
		if (mq.notify_pid) {
			set_why(why, whylen, "in use again (notification "
				"registered by pid %d)", (int)mq.notify_pid);
			r = REAP_SKIP;
			goto out;
		}
	}
	/* last look right before acting */
	if (fstatat(dfd, entry, &st, AT_SYMLINK_NOFOLLOW)) {
		r = -errno;
		goto out;
	}
	if (!unchanged_since_scan(&st, &dst, o, why, whylen)) {
		r = REAP_SKIP;
		goto out;
	}
	r = REAP_DONE;
	if (!dry_run && unlinkat(dfd, entry, 0))
		r = -errno;
out:
	if (fd >= 0)
		close(fd);	/* drops the lock after the unlink */
	return r;
}

struct mq_reap_args {
	const char *entry;
	const struct obj *o;
	bool dry_run;
	int rc;
	char *why;
	size_t whylen;
};

static int mq_private_reap(int dfd, void *arg, const char **step)
{
	struct mq_reap_args *a = arg;

	(void)step;
	a->rc = verify_and_unlink(dfd, a->entry, a->o, a->dry_run, a->why,
				  a->whylen);
	return 0;
}

/*
 * Another mount namespace's /dev/shm: through the very fd the scan read,
 * never a new walk (after its container died a walk would land on another
 * file system, while the kept fd still reaches, and frees, its tmpfs).
 * The directory must still be the one scanned (device, inode, type) and
 * the entry the object (device, inode, owner, a regular file), then the
 * usual checks and unlinkat on that fd.
 */
static int kept_dir_reap(const struct sr_dir *kd, const char *entry,
			 const struct obj *o, bool dry_run, char *why,
			 size_t whylen)
{
	struct sr_entry e;
	uid_t euid = geteuid();
	struct stat dst;
	int r;

	if (sr_dir_recheck(kd, why, whylen))
		return REAP_SKIP;
	r = sr_entry_stat(kd, entry, &e);
	if (r < 0)
		return r;
	if (e.dev != kd->dev || e.dev != o->dev || e.ino != o->ino ||
	    e.uid != o->uid || !S_ISREG(e.mode)) {
		set_why(why, whylen, "the entry in %s changed since the scan",
			kd->label);
		return REAP_SKIP;
	}
	if (euid != 0 && euid != o->uid &&
	    (fstat(kd->fd, &dst) || dst.st_uid != euid)) {
		set_why(why, whylen, "not owner");
		return REAP_SKIP;
	}
	return verify_and_unlink(kd->fd, entry, o, dry_run, why, whylen);
}

/* The directory entry of @o: its path must be @dir/ENTRY, one level,
 * and agree with its name. NULL if it does not. */
static const char *obj_entry(const struct obj *o, const char *dir)
{
	size_t dl = strlen(dir);
	const char *e, *want;

	if (!o->path || !o->name || strncmp(o->path, dir, dl) ||
	    o->path[dl] != '/')
		return NULL;
	e = o->path + dl + 1;
	if (!*e || strchr(e, '/') || !strcmp(e, ".") || !strcmp(e, ".."))
		return NULL;
	want = e;
	if (o->kind == KIND_PSEM) {
		if (strncmp(e, SEM_PREFIX, SEM_PREFIX_LEN))
			return NULL;
		want = e + SEM_PREFIX_LEN;
	}
	return strcmp(want, o->name) ? NULL : e;
}

/*
 * A queue of an mqueue mount whose IPC namespace is gone (scan.c
 * mq_gone): the directory must still be that superblock's, and the
 * superblock still without a namespace (the kernel refuses a new queue
 * in it), right before the unlink. 0, or REAP_SKIP with @why.
 */
static int gone_recheck(const struct source *src, int dfd, char *why,
			size_t whylen)
{
	struct stat st;
	bool left = false;
	int g;

	if (fstat(dfd, &st) || st.st_dev != src->mq_dev ||
	    !fd_on_fs(dfd, MQUEUE_MAGIC)) {
		set_why(why, whylen, "the mqueue mount at %s is no longer the "
			"one scanned", src->mq_dir);
		return REAP_SKIP;
	}
	g = posix_mq_gone(dfd, &left);
	if (g == 1)
		return 0;
	if (g == 0)
		set_why(why, whylen, "the mqueue mount at %s belongs to a live "
			"IPC namespace after all%s", src->mq_dir,
			left ? " (and a probe queue could not be removed)" :
			"");
	else
		set_why(why, whylen, "cannot tell that the IPC namespace of "
			"the mqueue mount at %s is gone: %s", src->mq_dir,
			strerror(-g));
	return REAP_SKIP;
}

int posix_reap(const struct reap_env *env, const struct obj *o,
	       bool dry_run, char *why, size_t whylen)
{
	const struct source *src = env->src;
	const char *ldir = o->kind == KIND_MQUEUE ? src->mq_dir : src->shm_dir;
	char dir[PATH_MAX];
	const char *entry;
	uid_t euid = geteuid();
	int dfd, r;

	if (!why || !whylen)
		return -EINVAL;
	why[0] = '\0';
	if (o->kind != KIND_PSHM && o->kind != KIND_PSEM &&
	    o->kind != KIND_MQUEUE) {
		set_why(why, whylen, "not a POSIX object");
		return REAP_SKIP;
	}
	entry = obj_entry(o, ldir);
	if (!entry) {
		set_why(why, whylen, "path does not match the object's name");
		return REAP_SKIP;
	}
	if (o->kind != KIND_MQUEUE && src->shm)
		return kept_dir_reap(src->shm, entry, o, dry_run, why, whylen);
	r = root_path(dir, sizeof(dir), src->root, ldir);
	if (r)
		return r;
	if (euid != 0 && euid != o->uid) {
		struct stat dst;

		/* in a sticky directory only the owners may unlink */
		if (stat(dir, &dst) || dst.st_uid != euid) {
			set_why(why, whylen, "not owner");
			return REAP_SKIP;
		}
	}

	if (o->kind != KIND_MQUEUE) {
		dfd = open_dir(dir);
	} else {
		/* the instance is proven again: nothing is removed from a
		 * namespace we were not proven to scan */
		struct mq_where w;

		if (mq_locate(src, dir, &w) < 0) {
			set_why(why, whylen, "queue not reachable: %s", w.why);
			return REAP_SKIP;
		}
		if (src->ipc_gone && w.dfd >= 0) {
			r = gone_recheck(src, w.dfd, why, whylen);
			if (r) {
				close(w.dfd);
				return r;
			}
		}
		if (w.private_mount) {
			struct mq_reap_args a = {
				.entry = entry, .o = o, .dry_run = dry_run,
				.why = why, .whylen = whylen,
			};
			char step[128];

			r = mq_private_run(mq_private_reap, &a, step,
					   sizeof(step));
			return r < 0 ? r : a.rc;
		}
		dfd = w.dfd;
	}
	if (dfd < 0)
		return dfd;
	r = verify_and_unlink(dfd, entry, o, dry_run, why, whylen);
	close(dfd);
	return r;
}

/* ------------------------------------------------------------------ */
/* The rows (kinds.h)                                                   */

static const struct collector posix_collector = {
	.name = "posix", .collect = posix_collect,
};

/* An mqd_t reads back as "/NAME", a shm fd as the /dev/shm path: both
 * end in the name. */
static bool posix_fd_name(const struct obj *o, struct strbuf *sb)
{
	if (!o->name)
		return false;
	sb_puts(sb, o->name);
	return true;
}

/* The file is sem.NAME; the name lacks it. */
static bool psem_fd_name(const struct obj *o, struct strbuf *sb)
{
	if (!o->name)
		return false;
	sb_puts(sb, SEM_PREFIX);
	sb_puts(sb, o->name);
	return true;
}

static pid_t mq_notify_pid(const struct obj *o)
{
	return o->u.mq.notify_pid;
}

/* Not read is not 0: -1 until the status says. */
static void mq_init(struct obj *o)
{
	o->u.mq.maxmsg = o->u.mq.msgsize = -1;
}

/* Reading a queue's status, as every scan does (and any reader of
 * /dev/mqueue), sets its ctime: it is no time of change anybody could
 * act on. */
static void mq_json(struct jw *w, const struct obj *o)
{
	jw_uint_or_null(w, "qsize", !o->size_unknown, o->u.mq.qsize);
	jw_int_or_null(w, "maxmsg", o->u.mq.maxmsg >= 0,
		       (int64_t)o->u.mq.maxmsg);
	jw_int_or_null(w, "msgsize", o->u.mq.msgsize >= 0,
		       (int64_t)o->u.mq.msgsize);
	jw_int_or_null(w, "notify_pid", o->u.mq.notify_pid > 0,
		       o->u.mq.notify_pid);
	json_detail_file(w, o);
}

static const struct kind_time mq_times[] = {
	{ "changed", KT_NULL },
	{ "modified", (long)offsetof(struct obj, t_modify) },
	{ NULL, 0 },
};

const struct kind_ops pshm_kind = {
	.kind = KIND_PSHM,
	.name = "pshm",
	.help = "POSIX shared memory (/dev/shm)",
	.groups = GMASK(GROUP_POSIX) | GMASK(GROUP_ALL),
	.flags = KF_FILE | KF_SIZE | KF_STICKY | KF_UNCOUNTED | KF_KEEPERS,
	.ns = OBJNS_MNT,
	.collector = &posix_collector,
	.holder_keys = HK_FILE,
	.fd_name = posix_fd_name,
	.classify = classify_posix,
	.reap = posix_reap,
	.json_detail = json_detail_file,
	.times = file_times,
	.limits = 1u << LIM_DEVSHM,
};

const struct kind_ops psem_kind = {
	.kind = KIND_PSEM,
	.name = "psem",
	.help = "POSIX named semaphore (/dev/shm/sem.NAME)",
	.groups = GMASK(GROUP_POSIX) | GMASK(GROUP_ALL),
	.flags = KF_FILE | KF_SIZE | KF_STICKY | KF_UNCOUNTED,
	.ns = OBJNS_MNT,
	.collector = &posix_collector,
	.holder_keys = HK_FILE,
	.fd_name = psem_fd_name,
	.classify = classify_posix,
	.reap = posix_reap,
	.json_detail = json_detail_file,
	.times = file_times,
	.limits = 1u << LIM_DEVSHM,
};

const struct kind_ops mqueue_kind = {
	.kind = KIND_MQUEUE,
	.name = "mqueue",
	.help = "POSIX message queue (/dev/mqueue)",
	.groups = GMASK(GROUP_POSIX) | GMASK(GROUP_ALL),
	.flags = KF_FILE | KF_SIZE | KF_UNCOUNTED | KF_CTIME_READ,
	.ns = OBJNS_IPC,
	.collector = &posix_collector,
	.holder_keys = HK_FILE | HK_NOTIFY,
	.fd_name = posix_fd_name,
	.notify_pid = mq_notify_pid,
	.classify = classify_posix,
	.reap = posix_reap,
	.json_detail = mq_json,
	.times = mq_times,
	.limits = 1u << LIM_MQUEUES,
	.count_limits = stats_count_mqueue,
	.init = mq_init,
};
