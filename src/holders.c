/* SPDX-License-Identifier: GPL-2.0-or-later */
/* holders.c - one pass over /proc/PID/{fd,maps,syscall}: who holds what. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hash.h"
#include "holders.h"
#include "util.h"

/*
 * Lookup tables built once from the object set, so that each fd and each
 * maps line costs one hash probe, never a walk over the objects.
 */
struct lookup {
	struct pairmap files;	/* (dev_key, ino): pshm psem mqueue fifo */
	struct pairmap ids;	/* (kind, SysV id or socket inode) */
	struct strset names;	/* basenames of the file objects */
	bool any_shm, any_unix, any_sem, any_msg;
};

/* What we learn about the process being walked. */
struct pstate {
	pid_t pid;
	int piddir;
	int same_ipcns;		/* -1 not read yet, 0 other, 1 ours */
};

/* One read buffer for every maps/syscall file of the pass. */
struct rbuf {
	char *buf;
	size_t cap;
};

static int add_basename(struct strset *set, const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;

	return strset_add(set, base, strlen(base));
}

static int lookup_build(struct lookup *lk, struct objset *objs)
{
	int r = 0;

	for (size_t i = 0; i < objs->n && !r; i++) {
		struct obj *o = &objs->v[i];
		uint32_t idx = (uint32_t)i;
		struct strbuf sb = { 0 };

		switch (o->kind) {
		case KIND_SHM:
		case KIND_SEM:
		case KIND_MSG:
			if (o->id < 0)
				break;
			r = pairmap_put(&lk->ids, o->kind, (uint32_t)o->id,
					idx);
			lk->any_shm |= o->kind == KIND_SHM;
			lk->any_sem |= o->kind == KIND_SEM;
			lk->any_msg |= o->kind == KIND_MSG;
			break;
		case KIND_UNIX:
			if (!o->inode)
				break;
			r = pairmap_put(&lk->ids, KIND_UNIX, o->inode, idx);
			lk->any_unix = true;
			break;
		case KIND_PSEM:
			r = pairmap_put(&lk->files, dev_key_of(o->dev), o->ino,
					idx);
			if (!r && o->name) {
				/* The file is sem.NAME; the name lacks it. */
				sb_puts(&sb, "sem.");
				sb_puts(&sb, o->name);
				r = strset_add(&lk->names, sb.buf, sb.len);
				sb_free(&sb);
			} else if (!r && o->path) {
				r = add_basename(&lk->names, o->path);
			}
			break;
		case KIND_PSHM:
		case KIND_MQUEUE:
		case KIND_FIFO:
			r = pairmap_put(&lk->files, dev_key_of(o->dev), o->ino,
					idx);
			/* An mqd_t reads back as "/NAME", a shm fd as the
			 * /dev/shm path: both end in the name. */
			if (!r && o->kind != KIND_FIFO && o->name)
				r = strset_add(&lk->names, o->name,
					       strlen(o->name));
			else if (!r && o->path)
				r = add_basename(&lk->names, o->path);
			break;
		default:
			break;
		}
	}
	return r;
}

static void lookup_free(struct lookup *lk)
{
	pairmap_free(&lk->files);
	pairmap_free(&lk->ids);
	strset_free(&lk->names);
}

/* Add (pid, via) to every object under (a, b); hard links share a key. */
static int add_matches(struct scan_ctx *ctx, const struct pairmap *m,
		       uint64_t a, uint64_t b, pid_t pid, enum via via)
{
	size_t pos = 0;
	uint32_t idx;

	while (pairmap_next(m, a, b, &pos, &idx)) {
		int r = obj_add_holder(&ctx->objs.v[idx], pid, via);

		if (r < 0)
			return r;
	}
	return 0;
}

/* Whole file into the shared buffer; returns length or -errno. */
static ssize_t read_into(int dirfd, const char *name, struct rbuf *rb)
{
	size_t len = 0;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n;

		if (rb->cap - len < 2) {
			rb->cap = rb->cap ? rb->cap * 2 : 65536;
			rb->buf = xrealloc(rb->buf, rb->cap);
		}
		n = read(fd, rb->buf + len, rb->cap - len - 1);
		if (n < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	rb->buf[len] = '\0';
	return (ssize_t)len;
}

static bool is_gone(int err)
{
	return err == -ENOENT || err == -ESRCH;
}

/* "ipc:[4026531839]" -> 4026531839. */
static int parse_ns_link(const char *s, uint64_t *ino)
{
	const char *open = strchr(s, '['), *close = strrchr(s, ']');

	if (!open || !close || close < open || close[1])
		return -EINVAL;
	return parse_u64n(open + 1, (size_t)(close - open - 1), ino);
}

/*
 * SysV ids are per IPC namespace, so an id seen in another namespace names
 * another object. Only asked for processes that show a SysV id we know.
 * If the namespace cannot be read (or our own is unknown), count the
 * process as ours: a false holder keeps an object, a missed one could
 * lose it.
 */
static bool in_own_ipcns(const struct scan_ctx *ctx, struct pstate *ps)
{
	char link[64];
	uint64_t ino;
	ssize_t n;

	if (ps->same_ipcns >= 0)
		return ps->same_ipcns;
	ps->same_ipcns = 1;
	if (!ctx->own_ipcns)
		return true;
	n = readlinkat(ps->piddir, "ns/ipc", link, sizeof(link) - 1);
	if (n > 0) {
		link[n] = '\0';
		if (parse_ns_link(link, &ino))
			return true;
	} else {
		struct stat st;

		if (fstatat(ps->piddir, "ns/ipc", &st, 0))
			return true;
		ino = st.st_ino;
	}
	ps->same_ipcns = ino == ctx->own_ipcns;
	return ps->same_ipcns;
}

static int sysv_match(struct scan_ctx *ctx, const struct lookup *lk,
		      struct pstate *ps, enum kind kind, uint64_t id,
		      enum via via)
{
	if (id > INT_MAX || !pairmap_has(&lk->ids, kind, id))
		return 0;
	if (!in_own_ipcns(ctx, ps))
		return 0;
	return add_matches(ctx, &lk->ids, kind, id, ps->pid, via);
}

/* One fd link. Path matches go through fstatat: the same path can name
 * another file in another mount namespace, the (dev, ino) cannot. */
static int match_fd(struct scan_ctx *ctx, const struct lookup *lk,
		    struct pstate *ps, int fdd, const char *ent,
		    const char *link, size_t n, bool truncated)
{
	if (link[0] == '/') {
		const char *base = memrchr(link, '/', n) + 1;
		struct stat st;

		if (!lk->files.n)
			return 0;
		/*
		 * " (deleted)" needs no special case: an unlinked file's
		 * basename carries the suffix, so it only gets this far
		 * if an object really has that name, and then (dev, ino)
		 * decides.
		 */
		if (!truncated &&
		    !strset_has(&lk->names, base, n - (size_t)(base - link)))
			return 0;
		if (fstatat(fdd, ent, &st, 0))
			return 0;
		return add_matches(ctx, &lk->files, dev_key_of(st.st_dev),
				   st.st_ino, ps->pid, VIA_FD);
	}
	if (lk->any_unix && n > 9 && !strncmp(link, "socket:[", 8) &&
	    link[n - 1] == ']') {
		uint64_t ino;

		if (parse_u64n(link + 8, n - 9, &ino))
			return 0;
		return add_matches(ctx, &lk->ids, KIND_UNIX, ino, ps->pid,
				   VIA_FD);
	}
	return 0;
}

static int scan_fds(struct scan_ctx *ctx, const struct lookup *lk,
		    struct pstate *ps, int *err)
{
	char link[PATH_MAX + 1];
	struct dirent *de;
	int fdd, r = 0;
	DIR *d;

	fdd = openat(ps->piddir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fdd < 0) {
		*err = -errno;
		return 0;
	}
	d = fdopendir(fdd);
	if (!d) {
		*err = -errno;
		close(fdd);
		return 0;
	}
	while (!r && (de = readdir(d))) {
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		n = readlinkat(fdd, de->d_name, link, sizeof(link) - 1);
		if (n < 0 && (errno == EACCES || errno == EPERM)) {
			/* The dir opened but its links are the process's
			 * own business: no fd of it can be seen. */
			*err = -errno;
			break;
		}
		if (n <= 0)
			continue;	/* closed since readdir */
		link[n] = '\0';
		r = match_fd(ctx, lk, ps, fdd, de->d_name, link, (size_t)n,
			     (size_t)n == sizeof(link) - 1);
	}
	closedir(d);
	return r;
}

/* One maps line; *last is the (dev, ino) of the previous file line. */
static int match_map(struct scan_ctx *ctx, const struct lookup *lk,
		     struct pstate *ps, const char *line, size_t len,
		     uint64_t last[2])
{
	struct maps_entry e;
	uint64_t dk;

	if (parse_maps_line(line, len, &e))
		return 0;
	if (e.path && e.pathlen >= 5 && !memcmp(e.path, "/SYSV", 5)) {
		/* SysV segment: the inode field is the shmid, and shmid 0
		 * is the first segment of every IPC namespace. */
		if (!lk->any_shm)
			return 0;
		return sysv_match(ctx, lk, ps, KIND_SHM, e.inode, VIA_ATTACH);
	}
	if (!e.inode)
		return 0;
	dk = dev_key(e.dev_major, e.dev_minor);
	/* A mapped file usually spans several adjacent lines. */
	if (!lk->files.n || (dk == last[0] && e.inode == last[1]))
		return 0;
	last[0] = dk;
	last[1] = e.inode;
	return add_matches(ctx, &lk->files, dk, e.inode, ps->pid, VIA_MAP);
}

static int scan_maps(struct scan_ctx *ctx, const struct lookup *lk,
		     struct pstate *ps, struct rbuf *rb, int *err)
{
	uint64_t last[2] = { 0, 0 };
	const char *line, *end;
	ssize_t len;
	int r = 0;

	len = read_into(ps->piddir, "maps", rb);
	if (len < 0) {
		*err = (int)len;
		return 0;
	}
	end = rb->buf + len;
	for (line = rb->buf; line < end && !r; ) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t ll = nl ? (size_t)(nl - line) : (size_t)(end - line);

		r = match_map(ctx, lk, ps, line, ll, last);
		line = nl ? nl + 1 : end;
	}
	return r;
}

/* A blocked semop/semtimedop/msgrcv/msgsnd names its id in arg0. */
static int match_syscall(struct scan_ctx *ctx, const struct lookup *lk,
			 struct pstate *ps, long nr, uint64_t arg0)
{
	enum kind kind;

	switch (nr) {
#ifdef SYS_semop
	case SYS_semop:
#endif
#ifdef SYS_semtimedop
	case SYS_semtimedop:
#endif
		kind = KIND_SEM;
		break;
#ifdef SYS_msgrcv
	case SYS_msgrcv:
#endif
#ifdef SYS_msgsnd
	case SYS_msgsnd:
#endif
		kind = KIND_MSG;
		break;
	default:
		return 0;
	}
	return sysv_match(ctx, lk, ps, kind, arg0, VIA_WAIT);
}

static int read_syscall(struct scan_ctx *ctx, const struct lookup *lk,
			struct pstate *ps, int dirfd, const char *name,
			struct rbuf *rb, int *err)
{
	uint64_t arg0;
	ssize_t len;
	long nr;

	len = read_into(dirfd, name, rb);
	if (len < 0) {
		*err = (int)len;
		return 0;
	}
	if (parse_syscall_line(rb->buf, &nr, &arg0))
		return 0;
	return match_syscall(ctx, lk, ps, nr, arg0);
}

/*
 * /proc/PID/syscall shows the main thread only; a message queue has no
 * waiter count of its own, so when queues exist the other threads are
 * read too (semaphores have GETNCNT/GETZCNT for that).
 */
static int scan_waits(struct scan_ctx *ctx, const struct lookup *lk,
		      struct pstate *ps, struct rbuf *rb, int *err)
{
	struct dirent *de;
	int tfd, r;
	DIR *d;

	r = read_syscall(ctx, lk, ps, ps->piddir, "syscall", rb, err);
	if (r || *err || !lk->any_msg)
		return r;
	tfd = openat(ps->piddir, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (tfd < 0)
		return 0;	/* a fixture tree without task/ */
	d = fdopendir(tfd);
	if (!d) {
		close(tfd);
		return 0;
	}
	while (!r && (de = readdir(d))) {
		char rel[32];
		uint64_t tid;
		int terr = 0;

		if (parse_u64(de->d_name, &tid) || tid == (uint64_t)ps->pid)
			continue;
		snprintf(rel, sizeof(rel), "%llu/syscall",
			 (unsigned long long)tid);
		r = read_syscall(ctx, lk, ps, tfd, rel, rb, &terr);
		if (terr && !is_gone(terr) && !*err)
			*err = terr;
	}
	closedir(d);
	return r;
}

static int add_notify_holders(struct scan_ctx *ctx)
{
	for (size_t i = 0; i < ctx->objs.n; i++) {
		struct obj *o = &ctx->objs.v[i];
		int r;

		if (o->kind != KIND_MQUEUE || o->u.mq.notify_pid <= 0 ||
		    !proctab_find(&ctx->procs, o->u.mq.notify_pid))
			continue;
		r = obj_add_holder(o, o->u.mq.notify_pid, VIA_NOTIFY);
		if (r < 0)
			return r;
	}
	return 0;
}

static void mark_incomplete(struct scan_ctx *ctx, kindmask_t kinds)
{
	for (size_t i = 0; i < ctx->objs.n; i++)
		if (kinds & KMASK(ctx->objs.v[i].kind))
			ctx->objs.v[i].holders_incomplete = true;
}

/* Walk one process. Sets *uninspected / *waits_unseen on read failures
 * other than the process having exited. */
static int scan_proc(struct scan_ctx *ctx, const struct lookup *lk,
		     struct proc *p, struct rbuf *rb, bool *uninspected,
		     bool *waits_unseen)
{
	bool need_fd = lk->files.n || lk->any_unix;
	bool need_maps = lk->files.n || lk->any_shm;
	bool need_wait = lk->any_sem || lk->any_msg;
	struct pstate ps = { .pid = p->pid, .same_ipcns = -1 };
	char rel[32], path[PATH_MAX];
	int r = 0, err = 0;

	if (!need_fd && !need_maps && !need_wait)
		return 0;
	snprintf(rel, sizeof(rel), "/proc/%d", (int)p->pid);
	if (root_path(path, sizeof(path), ctx->root, rel))
		return -ENAMETOOLONG;
	ps.piddir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ps.piddir < 0) {
		err = -errno;
		*uninspected = !is_gone(err);
		return 0;
	}
	if (need_fd)
		r = scan_fds(ctx, lk, &ps, &err);
	if (!r && is_gone(err))
		goto out;
	if (err)
		*uninspected = true;
	if (!r && need_maps) {
		err = 0;
		r = scan_maps(ctx, lk, &ps, rb, &err);
		if (is_gone(err))
			goto out;
		if (err)
			*uninspected = true;
	}
	if (!r && need_wait) {
		err = 0;
		r = scan_waits(ctx, lk, &ps, rb, &err);
		if (err && !is_gone(err))
			*waits_unseen = true;
	}
out:
	close(ps.piddir);
	return r;
}

int holders_scan(struct scan_ctx *ctx)
{
	struct lookup lk = { 0 };
	struct rbuf rb = { 0 };
	unsigned bad = 0, nowait = 0;
	int r;

	r = lookup_build(&lk, &ctx->objs);
	for (size_t i = 0; !r && i < ctx->procs.n; i++) {
		struct proc *p = &ctx->procs.v[i];
		bool uninspected = false, waits_unseen = false;

		r = scan_proc(ctx, &lk, p, &rb, &uninspected, &waits_unseen);
		if (uninspected) {
			p->inspected = false;
			bad++;
		}
		/* an uninspected process already marks queues incomplete */
		nowait += waits_unseen && !uninspected;
	}
	free(rb.buf);
	lookup_free(&lk);
	if (!r)
		r = add_notify_holders(ctx);
	if (r)
		return r;

	ctx->procs.uninspected += bad;
	if (bad) {
		/* Any of them could hold what we call unheld. shm has nattch
		 * and sem has GETNCNT/GETZCNT, so they do not depend on it. */
		mark_incomplete(ctx, KMASK_POSIX | KMASK(KIND_FIFO) |
				KMASK(KIND_MSG));
		ctx->complete = false;
		scan_warn(ctx, "%u process%s could not be inspected "
			  "(fd or maps unreadable); holders may be missing",
			  bad, bad == 1 ? "" : "es");
	}
	if (nowait && lk.any_msg) {
		/* A reader blocked on an empty queue shows only there. */
		mark_incomplete(ctx, KMASK(KIND_MSG));
		ctx->complete = false;
		scan_warn(ctx, "blocked calls of %u process%s could not be "
			  "read; message queue waiters may be missing",
			  nowait, nowait == 1 ? "" : "es");
	}
	return 0;
}

/* Field helpers for parse_maps_line: advance over a run of hex digits. */
static size_t hex_span(const char *s, const char *end)
{
	const char *p = s;

	while (p < end && ((*p >= '0' && *p <= '9') ||
			   (*p >= 'a' && *p <= 'f') ||
			   (*p >= 'A' && *p <= 'F')))
		p++;
	return (size_t)(p - s);
}

static size_t dec_span(const char *s, const char *end)
{
	const char *p = s;

	while (p < end && *p >= '0' && *p <= '9')
		p++;
	return (size_t)(p - s);
}

static bool one_of(char c, char a, char b)
{
	return c == a || c == b;
}

/* "hex<sep>" at *p: value into *v, *p past the separator. */
static int take_hex(const char **p, const char *end, char sep, uint64_t *v)
{
	size_t n = hex_span(*p, end);

	if (!n || *p + n >= end || (*p)[n] != sep ||
	    parse_hex_u64n(*p, n, v))
		return -EINVAL;
	*p += n + 1;
	return 0;
}

int parse_maps_line(const char *line, size_t len, struct maps_entry *e)
{
	const char *p = line, *end = line + len;
	uint64_t v, maj, min;
	size_t n;

	if (len && line[len - 1] == '\n')
		end--;
	/* start-end perms offset maj:min inode [path] */
	if (take_hex(&p, end, '-', &v) || take_hex(&p, end, ' ', &v))
		return -EINVAL;
	if (end - p < 5 || p[4] != ' ' || !one_of(p[0], 'r', '-') ||
	    !one_of(p[1], 'w', '-') || !one_of(p[2], 'x', '-') ||
	    !one_of(p[3], 's', 'p'))
		return -EINVAL;
	e->shared = p[3] == 's';
	p += 5;
	if (take_hex(&p, end, ' ', &v) || take_hex(&p, end, ':', &maj) ||
	    take_hex(&p, end, ' ', &min) || maj > UINT32_MAX ||
	    min > UINT32_MAX)
		return -EINVAL;
	n = dec_span(p, end);
	if (!n || parse_u64n(p, n, &e->inode))
		return -EINVAL;
	p += n;
	if (p < end && *p != ' ')
		return -EINVAL;
	while (p < end && *p == ' ')
		p++;
	e->dev_major = (unsigned)maj;
	e->dev_minor = (unsigned)min;
	e->path = p < end ? p : NULL;
	e->pathlen = p < end ? (size_t)(end - p) : 0;
	return 0;
}

int parse_syscall_line(const char *line, long *nr, uint64_t *arg0)
{
	const char *p = line, *tok;
	int64_t v;
	uint64_t a;

	if (!strncmp(line, "running", 7) &&
	    (!line[7] || line[7] == '\n'))
		return -EAGAIN;
	tok = p;
	if (*p == '-')
		p++;
	p += dec_span(p, p + strlen(p));
	if (*p != ' ' || parse_i64n(tok, (size_t)(p - tok), &v) ||
	    v < -1 || v > INT_MAX)
		return -EINVAL;
	p++;
	if (strncmp(p, "0x", 2))
		return -EINVAL;
	tok = p;
	p += 2;
	p += hex_span(p, p + strlen(p));
	if ((*p && *p != ' ' && *p != '\n') ||
	    parse_hex_u64n(tok, (size_t)(p - tok), &a))
		return -EINVAL;
	*nr = (long)v;
	*arg0 = a;
	return 0;
}
