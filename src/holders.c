/* SPDX-License-Identifier: GPL-2.0-or-later */
/* holders.c - one pass over /proc/PID/{fd,maps,syscall}: who holds what. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/magic.h>
#include <unistd.h>

#include "fsutil.h"
#include "hash.h"
#include "holders.h"
#include "holders_bpf.h"
#include "kinds.h"
#include "nsdisc.h"
#include "parse.h"
#include "strbuf.h"
#include "util.h"

/*
 * Lookup tables built once from the object set, so that each fd and each
 * maps line costs one hash probe, never a walk over the objects.
 */
struct lookup {
	struct pairmap files;	/* (dev_key, ino) of the HK_FILE kinds */
	struct pairmap ids;	/* (kind, SysV id or socket inode) */
	struct strset names;	/* basenames of the file objects */
	/* a file object has another name, which an fd link may show:
	 * every path link is looked at, not only those with a known
	 * basename */
	bool any_name;
	kindmask_t sysv_maps;	/* kinds present with HK_SYSV_MAP */
	kindmask_t sockets;	/* kinds present with HK_SOCKET */
	/* kinds of which some object may have a waiter (or cannot tell) */
	kindmask_t waits;
	/* one of them counts no waiters (KF_UNCOUNTED): a blocked call is
	 * the only sign, so every thread's is read */
	bool wait_threads;
	/* blocked call -> kind, from the rows' wait_calls */
	struct {
		long nr;
		enum kind kind;
	} calls[KIND_COUNT * WAIT_CALLS];
	unsigned ncalls;
};

/* What we learn about the process being walked. */
struct pstate {
	pid_t pid;
	int piddir;
	const struct proc *p;
	/* the IPC namespace of the thread whose call is being matched,
	 * when it is not the process's (0: the process table's) */
	uint64_t ipcns;
	bool fd_denied;		/* an fd table of it could not be read */
};

/* A worker's read buffer for every maps/syscall file it reads. */
struct rbuf {
	char *buf;
	size_t cap;
};

/* Each worker reads directories into a buffer of this size. */
#define DENTS_SIZE 65536

/* One holder found by a worker; added to its object after the walk. */
struct hrec {
	uint32_t idx;		/* into ctx->objs.v */
	pid_t pid;
	enum via via;
};

/*
 * The process table is walked in chunks of CHUNK consecutive processes,
 * taken in turn by up to MAX_WORKERS threads; each chunk keeps what it
 * found until every chunk is done.
 */
#define CHUNK 8
#define MAX_WORKERS 4
#define MIN_CHUNKS_PER_WORKER 4

struct chunk {
	struct hrec *v;
	size_t n, cap;
	unsigned bad;		/* processes that could not be inspected */
	unsigned nowait;	/* processes whose blocked calls were unread */
	bool ns_missed;		/* an nsfs link not in ns_tasked (scan.h) */
	unsigned fd_denied;	/* processes whose fd table was unread */
};

/* What the workers share; during the walk only `next` and the chunks
 * (each by the one worker that took it) and the processes' `inspected`
 * change. */
struct pass {
	const struct scan_ctx *ctx;
	const struct lookup *lk;
	struct proc *procs;
	size_t nprocs;
	int procfd;		/* @root/proc, or -errno */
	bool fd_count;		/* a real procfs: fd dirs have a count */
	struct chunk *chunks;
	size_t nchunks;
	atomic_size_t next;	/* the next chunk to take */
	/* discovery's fd tables, read here (scan_ctx.ns_tasked); NULL:
	 * not asked. */
	const struct pairmap *ns_tasked;
	unsigned ns_types;
	pid_t self;		/* ours, not walked (0: a fixture tree) */
};

/* One worker and its buffers, reused for every process it walks. */
struct worker {
	struct pass *pass;
	const struct lookup *lk;
	struct rbuf rb;
	char *dents;		/* DENTS_SIZE bytes */
	struct chunk *out;	/* the chunk being walked */
	pthread_t thread;
};

static void add_basename(struct strset *set, const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;

	strset_add(set, base, strlen(base));
}

/* The blocked calls that name a SysV id of some kind, from every row
 * (not only the kinds present: a missing id is a cheap pairmap miss). */
static void lookup_calls(struct lookup *lk)
{
	for (int k = 0; k < KIND_COUNT; k++) {
		const struct kind_ops *ko = kind_ops[k];

		if (!(ko->holder_keys & HK_SYSV_WAIT))
			continue;
		for (size_t c = 0; c < WAIT_CALLS; c++) {
			if (ko->wait_calls[c] < 0)
				continue;
			lk->calls[lk->ncalls].nr = ko->wait_calls[c];
			lk->calls[lk->ncalls++].kind = (enum kind)k;
		}
	}
}

/* Index every object by the holder keys its row names. */
static void lookup_build(struct lookup *lk, const struct scan_ctx *ctx)
{
	const struct objset *objs = &ctx->objs;

	lookup_calls(lk);
	for (size_t i = 0; i < objs->n; i++) {
		struct obj *o = &objs->v[i];
		const struct kind_ops *ko = kind_ops[o->kind];
		unsigned keys = ko->holder_keys;
		uint32_t idx = (uint32_t)i;

		if ((keys & (HK_SYSV_MAP | HK_SYSV_WAIT)) && o->id >= 0) {
			pairmap_put(&lk->ids,
				    holders_sysv_a(o->kind, o->src),
				    (uint32_t)o->id, idx);
			if (keys & HK_SYSV_MAP)
				lk->sysv_maps |= KMASK(o->kind);
			/* GETNCNT/GETZCNT said nobody waits: no syscall file
			 * can name this set (but fixtures cannot tell). */
			if ((keys & HK_SYSV_WAIT) &&
			    (!ko->may_wait || ko->may_wait(o))) {
				lk->waits |= KMASK(o->kind);
				lk->wait_threads |= (ko->flags &
						     KF_UNCOUNTED) != 0;
			}
		}
		if ((keys & HK_SOCKET) && o->inode) {
			pairmap_put(&lk->ids, o->kind, o->inode, idx);
			lk->sockets |= KMASK(o->kind);
		}
		if (keys & HK_FILE) {
			struct strbuf sb = { 0 };

			pairmap_put(&lk->files, dev_key_of(o->dev), o->ino,
				    idx);
			lk->any_name |= o->other_names;
			/* An mqd_t reads back as "/NAME", a shm fd as the
			 * /dev/shm path: the row says what the link ends in. */
			if (ko->fd_name && ko->fd_name(o, &sb))
				strset_add(&lk->names, sb.buf ? sb.buf : "",
					   sb.len);
			else if (o->path)
				add_basename(&lk->names, o->path);
			sb_free(&sb);
		}
	}
}

/* Each kind in @m, lowest first. */
#define for_each_kind(k, m) \
	for (kindmask_t m_ = (m); \
	     m_ && ((k) = (enum kind)__builtin_ctz(m_), 1); m_ &= m_ - 1)

static void lookup_free(struct lookup *lk)
{
	pairmap_free(&lk->files);
	pairmap_free(&lk->ids);
	strset_free(&lk->names);
}


/* Whole file into the worker's buffer; returns length or -errno.
 * @one_line for single-record files like syscall. */
static ssize_t read_into(int dirfd, const char *name, struct rbuf *rb,
			 bool one_line)
{
	return read_open_file(dirfd, name, &rb->buf, &rb->cap, one_line);
}

static bool is_gone(int err)
{
	return err == -ENOENT || err == -ESRCH;
}

/* Add a record for (pid, via) on every object under (a, b); hard links
 * share a key. */
static void emit(struct worker *w, const struct pairmap *m, uint64_t a,
		 uint64_t b, pid_t pid, enum via via)
{
	struct chunk *c = w->out;
	size_t pos = 0;
	uint32_t idx;

	while (pairmap_next(m, a, b, &pos, &idx)) {
		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 64;
			c->v = xrealloc(c->v, c->cap * sizeof(*c->v));
		}
		c->v[c->n++] = (struct hrec){ idx, pid, via };
	}
}

/*
 * Each object under (kind, id) of source @si whose key agrees with @key
 * (a maps name's; @has_key false: none to compare). A process that
 * attached a segment in one IPC namespace and then moved to another
 * shows the old namespace's /SYSV line: where the keys differ it is not
 * the object of its new namespace with that id.
 */
static void emit_sysv(struct worker *w, enum kind kind, size_t si,
		      uint64_t id, pid_t pid, enum via via, bool has_key,
		      uint32_t key)
{
	const struct obj *objs = w->pass->ctx->objs.v;
	const struct pairmap *m = &w->lk->ids;
	uint64_t a = holders_sysv_a(kind, si);
	struct chunk *c = w->out;
	size_t pos = 0;
	uint32_t idx;

	if (!pairmap_has(m, a, id))
		return;
	while (pairmap_next(m, a, id, &pos, &idx)) {
		if (has_key && key && objs[idx].key && objs[idx].key != key)
			continue;
		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 64;
			c->v = xrealloc(c->v, c->cap * sizeof(*c->v));
		}
		c->v[c->n++] = (struct hrec){ idx, pid, via };
	}
}

/*
 * SysV ids are per IPC namespace, so an id is matched in the namespace of
 * the process that shows it (the process table's ipcns). If that cannot
 * be read (or our own is unknown: a fixture tree), it is matched in every
 * source: a false holder keeps an object, a missed one could lose it. A
 * process in a namespace that is no source (not selected) holds nothing
 * we list.
 */
static void sysv_match(struct worker *w, struct pstate *ps, enum kind kind,
		       uint64_t id, enum via via, bool has_key, uint32_t key)
{
	const struct scan_ctx *ctx = w->pass->ctx;
	int si;

	if (id > INT_MAX)
		return;
	uint64_t ipcns = ps->ipcns ? ps->ipcns : ps->p->ipcns;

	if (!ipcns || !scan_own(ctx)->ipc.ino) {
		for (size_t i = 0; i < ctx->nsrc; i++)
			emit_sysv(w, kind, i, id, ps->pid, via, has_key, key);
		return;
	}
	si = scan_ipc_source(ctx, ipcns);
	if (si >= 0)
		emit_sysv(w, kind, (size_t)si, id, ps->pid, via, has_key,
			  key);
}

/* One fd link. Path matches go through fstatat: the same path can name
 * another file in another mount namespace, the (dev, ino) cannot. */
static void match_fd(struct worker *w, struct pstate *ps, int fdd,
		     const char *ent, const char *link, size_t n,
		     bool truncated)
{
	const struct lookup *lk = w->lk;
	const struct pass *pass = w->pass;

	if (pass->ns_tasked && link[0] != '/') {
		enum nsd_type type;
		uint64_t ino;

		/* a namespace held by a descriptor: fine if a task of it
		 * was found, else discovery must see this table */
		if (!nsd_parse_link(link, n, &type, &ino)) {
			if ((pass->ns_types & 1u << type) &&
			    !pairmap_has(pass->ns_tasked, type, ino))
				w->out->ns_missed = true;
			return;
		}
	}
	if (link[0] == '/') {
		const char *base = memrchr(link, '/', n) + 1;
		struct stat st;

		if (!lk->files.n)
			return;
		/*
		 * " (deleted)" needs no special case: an unlinked file's
		 * basename carries the suffix, so it only gets this far
		 * if an object really has that name, and then (dev, ino)
		 * decides. A file with more names than one (a hard link,
		 * in a subdirectory say) may be open by any of them: then
		 * every path link is stat()ed.
		 */
		if (!truncated && !lk->any_name &&
		    !strset_has(&lk->names, base, n - (size_t)(base - link)))
			return;
		if (fstatat(fdd, ent, &st, 0))
			return;
		emit(w, &lk->files, dev_key_of(st.st_dev), st.st_ino, ps->pid,
		     VIA_FD);
		return;
	}
	if (lk->sockets && n > 9 && !strncmp(link, "socket:[", 8) &&
	    link[n - 1] == ']') {
		uint64_t ino;
		enum kind k;

		if (parse_u64n(link + 8, n - 9, &ino))
			return;
		for_each_kind(k, lk->sockets)
			emit(w, &lk->ids, k, ino, ps->pid, VIA_FD);
	}
}

/* Read and match the link of fd @ent. 1: done; 0: no such fd (closed
 * meanwhile); -1: the links cannot be read (*err set), stop. */
static int read_fd(struct worker *w, struct pstate *ps, int fdd,
		   const char *ent, int *err)
{
	char link[PATH_MAX + 1];
	ssize_t n = readlinkat(fdd, ent, link, sizeof(link) - 1);

	if (n < 0 && (errno == EACCES || errno == EPERM)) {
		/* The dir opened but its links are the process's own
		 * business: no fd of it can be seen. */
		*err = -errno;
		return -1;
	}
	if (n <= 0)
		return 0;
	link[n] = '\0';
	match_fd(w, ps, fdd, ent, link, (size_t)n,
		 (size_t)n == sizeof(link) - 1);
	return 1;
}

/* Numbers tried past a gap before the directory is listed instead. */
#define FD_GAP_MAX 16

/*
 * Linux 6.2 and later report the number of open descriptors as the size
 * of /proc/PID/fd. With it, links are read by number from 0 up, which
 * spares the kernel listing the directory (a tenth of the cost of each
 * descriptor). A sparse table, or descriptors closed meanwhile, end that
 * after FD_GAP_MAX misses, and the listing takes over past the numbers
 * already read. A descriptor opened meanwhile may be missed either way.
 * Returns the first number not yet read.
 */
static unsigned scan_fds_counted(struct worker *w, struct pstate *ps,
				 int fdd, int *err)
{
	unsigned k, miss = 0;
	struct stat st;
	off_t found = 0;

	if (!w->pass->fd_count || fstat(fdd, &st) || st.st_size <= 0)
		return 0;
	for (k = 0; found < st.st_size && miss < FD_GAP_MAX; k++) {
		char ent[21];
		int r;

		fmt_u64(ent, k);
		r = read_fd(w, ps, fdd, ent, err);
		if (r < 0)
			return UINT_MAX;
		if (r)
			found++;
		else
			miss++;
	}
	return found >= st.st_size ? UINT_MAX : k;
}

static void scan_fds(struct worker *w, struct pstate *ps, int *err)
{
	struct dirwalk dw;
	const char *ent;
	unsigned from;
	int fdd;

#ifdef IPCSCAN_TEST_HOOKS
	if (nsd_test_fd_denied(ps->pid)) {
		*err = -EACCES;
		return;
	}
#endif
	fdd = openat(ps->piddir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fdd < 0) {
		*err = -errno;
		return;
	}
	from = scan_fds_counted(w, ps, fdd, err);
	if (from == UINT_MAX) {
		close(fdd);
		return;
	}
	dir_start(&dw, fdd, w->dents, DENTS_SIZE);
	while ((ent = dir_next(&dw, err))) {
		uint64_t v;

		if (from && !parse_u64(ent, &v) && v < from)
			continue;	/* read already */
		if (read_fd(w, ps, fdd, ent, err) < 0)
			break;
	}
	close(fdd);
}

/* One maps line; *last is the (dev, ino) of the previous file line. */
static void match_map(struct worker *w, struct pstate *ps, const char *line,
		      size_t len, uint64_t last[2])
{
	const struct lookup *lk = w->lk;
	struct maps_entry e;
	uint64_t dk;

	if (parse_maps_line(line, len, &e))
		return;
	if (e.path && e.pathlen >= 5 && !memcmp(e.path, "/SYSV", 5)) {
		/* SysV segment: the inode field is the shmid, and shmid 0
		 * is the first segment of every IPC namespace. */
		enum kind k;

		uint64_t key;
		bool has_key = e.pathlen >= 13 &&
			       !parse_hex_u64n(e.path + 5, 8, &key);

		for_each_kind(k, lk->sysv_maps)
			sysv_match(w, ps, k, e.inode, VIA_ATTACH, has_key,
				   has_key ? (uint32_t)key : 0);
		return;
	}
	if (!e.inode)
		return;
	dk = dev_key(e.dev_major, e.dev_minor);
	/* A mapped file usually spans several adjacent lines. */
	if (!lk->files.n || (dk == last[0] && e.inode == last[1]))
		return;
	last[0] = dk;
	last[1] = e.inode;
	emit(w, &lk->files, dk, e.inode, ps->pid, VIA_MAP);
}

static void scan_maps(struct worker *w, struct pstate *ps, int *err)
{
	uint64_t last[2] = { 0, 0 };
	const char *line, *end;
	ssize_t len;

	len = read_into(ps->piddir, "maps", &w->rb, false);
	if (len < 0) {
		*err = (int)len;
		return;
	}
	end = w->rb.buf + len;
	for (line = w->rb.buf; line < end; ) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t ll = nl ? (size_t)(nl - line) : (size_t)(end - line);

		match_map(w, ps, line, ll, last);
		line = nl ? nl + 1 : end;
	}
}

/* A blocked semop/semtimedop/msgrcv/msgsnd names its id in arg0. */
static void match_syscall(struct worker *w, struct pstate *ps, long nr,
			  uint64_t arg0)
{
	for (unsigned i = 0; i < w->lk->ncalls; i++)
		if (w->lk->calls[i].nr == nr)
			sysv_match(w, ps, w->lk->calls[i].kind, arg0,
				   VIA_WAIT, false, 0);
}

/* Is @nr a blocked call some kind names its id in? */
static bool wait_call(const struct lookup *lk, long nr)
{
	for (unsigned i = 0; i < lk->ncalls; i++)
		if (lk->calls[i].nr == nr)
			return true;
	return false;
}

/* The syscall file @name under @dirfd; @tid: another thread than the
 * main one, whose call works in that thread's own IPC namespace (a
 * thread can unshare or setns alone), read from TID/ns/ipc only when
 * its call is one we match. */
static void read_syscall(struct worker *w, struct pstate *ps, int dirfd,
			 const char *name, const char *tid, int *err)
{
	uint64_t arg0;
	ssize_t len;
	long nr;

	len = read_into(dirfd, name, &w->rb, true);
	if (len < 0) {
		*err = (int)len;
		return;
	}
	if (parse_syscall_line(w->rb.buf, &nr, &arg0))
		return;
	ps->ipcns = 0;
	if (tid && wait_call(w->lk, nr)) {
		char rel[40];
		struct stat st;

		snprintf(rel, sizeof(rel), "%s/ns/ipc", tid);
		/* gone meanwhile: the process's, as for the main thread */
		if (!fstatat(dirfd, rel, &st, 0))
			ps->ipcns = (uint64_t)st.st_ino;
	}
	match_syscall(w, ps, nr, arg0);
	ps->ipcns = 0;
}

/* A main thread that is running or dead is blocked in no call. */
static bool may_wait(char state)
{
	return state != 'R' && state != 'Z' && state != 'X';
}

/*
 * /proc/PID/syscall shows the main thread only; a message queue has no
 * waiter count of its own, so when queues exist the other threads of a
 * threaded process are read too (semaphores have GETNCNT/GETZCNT).
 */
static void scan_waits(struct worker *w, const struct proc *p,
		       struct pstate *ps, int *err)
{
	struct dirwalk dw;
	const char *ent;
	int tfd, derr = 0;

	if (may_wait(p->state)) {
		read_syscall(w, ps, ps->piddir, "syscall", NULL, err);
		if (*err)
			return;
	}
	/* nlwp 0: not known (a fixture tree), so look */
	if (!w->lk->wait_threads || p->nlwp == 1)
		return;
	tfd = openat(ps->piddir, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (tfd < 0)
		return;		/* a fixture tree without task/ */
	dir_start(&dw, tfd, w->dents, DENTS_SIZE);
	while ((ent = dir_next(&dw, &derr))) {
		char rel[32];
		uint64_t tid;
		int terr = 0;

		if (parse_u64(ent, &tid) || tid == (uint64_t)ps->pid)
			continue;
		snprintf(rel, sizeof(rel), "%llu/syscall",
			 (unsigned long long)tid);
		read_syscall(w, ps, tfd, rel, ent, &terr);
		if (terr && !is_gone(terr) && !*err)
			*err = terr;
	}
	close(tfd);
}

/* The fds and maps of the task whose /proc directory is ps->piddir.
 * Returns false if it is gone. */
static bool scan_files(struct worker *w, struct pstate *ps, bool need_fd,
		       bool need_maps, bool *uninspected)
{
	int err = 0;

	if (need_fd)
		scan_fds(w, ps, &err);
	if (is_gone(err))
		return false;
	if (err) {
		*uninspected = true;
		ps->fd_denied = true;
	}
	if (need_maps) {
		err = 0;
		scan_maps(w, ps, &err);
		if (is_gone(err))
			return false;
		if (err)
			*uninspected = true;
	}
	return true;
}

/*
 * A main thread that called pthread_exit() is a zombie while the other
 * threads run: /proc/PID/fd and maps are empty, since it let go of the fd
 * table and the address space that the others still use. Read them through
 * each other thread (threads need not share the fd table: all are read;
 * holders are kept once per pid and way of use).
 */
static void scan_zombie_leader(struct worker *w, struct pstate *ps,
			       bool need_fd, bool need_maps,
			       bool *uninspected)
{
	int leader = ps->piddir, tfd, derr = 0;
	struct dirwalk dw;
	const char *ent;
	char *names;
	size_t len = 0, cap = 0;

	tfd = openat(leader, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (tfd < 0) {
		/* cannot reach the threads: they may hold anything */
		if (!is_gone(-errno))
			*uninspected = true;
		return;
	}
	/* w->dents is reused by scan_fds: collect the thread ids first */
	names = NULL;
	dir_start(&dw, tfd, w->dents, DENTS_SIZE);
	while ((ent = dir_next(&dw, &derr))) {
		size_t n = strlen(ent) + 1;
		uint64_t tid;

		if (parse_u64(ent, &tid) || tid == (uint64_t)ps->pid)
			continue;
		if (len + n > cap) {
			cap = (len + n) * 2;
			names = xrealloc(names, cap);
		}
		memcpy(names + len, ent, n);
		len += n;
	}
	if (derr && !is_gone(derr))
		*uninspected = true;
	for (size_t off = 0; off < len; off += strlen(names + off) + 1) {
		int td = openat(tfd, names + off,
				O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (td < 0) {
			if (!is_gone(-errno))
				*uninspected = true;
			continue;
		}
		ps->piddir = td;
		scan_files(w, ps, need_fd, need_maps, uninspected);
		close(td);
	}
	ps->piddir = leader;
	free(names);
	close(tfd);
}

/* Walk one process. Sets *uninspected / *waits_unseen on read failures
 * other than the process having exited. */
static void scan_proc(struct worker *w, struct proc *p, bool *uninspected,
		      bool *waits_unseen, bool *fd_denied)
{
	const struct lookup *lk = w->lk;
	bool need_fd = lk->files.n || lk->sockets || w->pass->ns_tasked;
	bool need_maps = lk->files.n || lk->sysv_maps;
	bool need_wait = lk->waits != 0;
	struct pstate ps = { .pid = p->pid, .p = p };
	char rel[16];
	int err = 0;

	if (!need_fd && !need_maps && !need_wait)
		return;
	/* ipcscan itself holds no object, only what it scans with (a kept
	 * directory per /dev/shm and socket dir, a descriptor per
	 * namespace, an mqueue instance per IPC namespace: hundreds on a
	 * host with many containers), so its own tables are not read */
	if (p->pid == w->pass->self)
		return;
	if (w->pass->procfd < 0) {
		*uninspected = !is_gone(w->pass->procfd);
		return;
	}
	snprintf(rel, sizeof(rel), "%d", (int)p->pid);
	ps.piddir = openat(w->pass->procfd, rel,
			   O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ps.piddir < 0) {
		err = -errno;
		*uninspected = !is_gone(err);
		return;
	}
	if (p->state == 'Z' || p->state == 'X') {
		/* a zombie main thread has no fd table or maps of its own */
		if (!proc_exited(p))
			scan_zombie_leader(w, &ps, need_fd, need_maps,
					   uninspected);
	} else if (!scan_files(w, &ps, need_fd, need_maps, uninspected)) {
		goto out;
	}
	if (need_wait) {
		err = 0;
		scan_waits(w, p, &ps, &err);
		if (err && !is_gone(err))
			*waits_unseen = true;
	}
out:
	*fd_denied = ps.fd_denied;
	close(ps.piddir);
}

/* Take chunks until none is left. */
static void run_chunks(struct worker *w)
{
	struct pass *pass = w->pass;
	size_t c;

	while ((c = atomic_fetch_add_explicit(&pass->next, 1,
					      memory_order_relaxed)) <
	       pass->nchunks) {
		size_t end = (c + 1) * CHUNK;

		w->out = &pass->chunks[c];
		if (end > pass->nprocs)
			end = pass->nprocs;
		for (size_t i = c * CHUNK; i < end; i++) {
			struct proc *p = &pass->procs[i];
			bool uninspected = false, waits_unseen = false;
			bool fd_denied = false;

			scan_proc(w, p, &uninspected, &waits_unseen,
				  &fd_denied);
			w->out->fd_denied += fd_denied;
			if (uninspected) {
				p->inspected = false;
				w->out->bad++;
			}
			/* an uninspected process already marks queues
			 * incomplete */
			w->out->nowait += waits_unseen && !uninspected;
		}
	}
}

static void *worker_main(void *arg)
{
	run_chunks(arg);
	return NULL;
}

/*
 * How many threads walk /proc: nearly all of the pass is the kernel
 * producing fd links and maps, which runs in parallel on separate
 * processes. One per usable CPU, a few at most, and none extra for a
 * handful of processes.
 */
static unsigned worker_count(size_t nchunks)
{
	unsigned n = 1;
	cpu_set_t set;

	if (!sched_getaffinity(0, sizeof(set), &set))
		n = (unsigned)CPU_COUNT(&set);
	if (n > MAX_WORKERS)
		n = MAX_WORKERS;
	if (n > nchunks / MIN_CHUNKS_PER_WORKER)
		n = (unsigned)(nchunks / MIN_CHUNKS_PER_WORKER);
	return n ? n : 1;
}

static void add_notify_holders(struct scan_ctx *ctx)
{
	for (size_t i = 0; i < ctx->objs.n; i++) {
		struct obj *o = &ctx->objs.v[i];
		const struct kind_ops *ko = kind_ops[o->kind];
		const struct proc *p;
		pid_t pid;

		if (!(ko->holder_keys & HK_NOTIFY) ||
		    (pid = ko->notify_pid(o)) <= 0)
			continue;
		/* an exited zombie holds nothing (the classifier says why
		 * the registration still proves nothing) */
		p = proctab_find(&ctx->procs, pid);
		if (!p || proc_exited(p))
			continue;
		obj_add_holder(o, pid, VIA_NOTIFY);
	}
}

static void mark_incomplete(struct scan_ctx *ctx, kindmask_t kinds)
{
	for (size_t i = 0; i < ctx->objs.n; i++)
		if (kinds & KMASK(ctx->objs.v[i].kind))
			ctx->objs.v[i].holders_incomplete = true;
}

/* @root/proc as a directory fd, or -errno. */
static int open_proc(const struct scan_ctx *ctx)
{
	char path[PATH_MAX];
	int fd;

	if (root_path(path, sizeof(path), ctx->set.root, "/proc"))
		return -ENAMETOOLONG;
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/*
 * Walk the processes with the workers, then add what they found to the
 * objects chunk by chunk, in the order of the process table: the result
 * (holder order included) is the same as one walk in pid order.
 */
static void walk_procs(struct scan_ctx *ctx, const struct lookup *lk,
		       unsigned *bad, unsigned *nowait)
{
	struct pass pass = {
		.ctx = ctx,
		.lk = lk,
		.procs = ctx->procs.v,
		.nprocs = ctx->procs.n,
		.ns_tasked = ctx->ns_tasked,
		.ns_types = ctx->ns_types,
		/* a fixture tree's pids are not ours */
		.self = *ctx->set.root ? 0 : getpid(),
	};
	struct worker *w;
	unsigned nw, started = 1;

	pass.nchunks = (pass.nprocs + CHUNK - 1) / CHUNK;
	pass.chunks = xcalloc(pass.nchunks, sizeof(*pass.chunks));
	atomic_init(&pass.next, 0);
	pass.procfd = open_proc(ctx);
	pass.fd_count = !*ctx->set.root && pass.procfd >= 0 &&
			fd_on_fs(pass.procfd, PROC_SUPER_MAGIC);
	nw = worker_count(pass.nchunks);
	w = xcalloc(nw, sizeof(*w));
	for (unsigned i = 0; i < nw; i++) {
		w[i].pass = &pass;
		w[i].lk = lk;
		w[i].dents = xmalloc(DENTS_SIZE);
	}
	/* A thread that cannot be started leaves its share to the rest. */
	for (unsigned i = 1; i < nw; i++) {
		if (pthread_create(&w[i].thread, NULL, worker_main, &w[i]))
			break;
		started++;
	}
	run_chunks(&w[0]);
	for (unsigned i = 1; i < started; i++)
		pthread_join(w[i].thread, NULL);
	if (pass.procfd >= 0)
		close(pass.procfd);

	for (size_t c = 0; c < pass.nchunks; c++) {
		struct chunk *ch = &pass.chunks[c];

		for (size_t i = 0; i < ch->n; i++)
			obj_add_holder(&ctx->objs.v[ch->v[i].idx],
				       ch->v[i].pid, ch->v[i].via);
		*bad += ch->bad;
		*nowait += ch->nowait;
		if (ch->ns_missed)
			ctx->ns_missed = true;
		ctx->ns_fdtabs_denied += ch->fd_denied;
		free(ch->v);
	}
	for (unsigned i = 0; i < nw; i++) {
		free(w[i].rb.buf);
		free(w[i].dents);
	}
	free(w);
	free(pass.chunks);
}

/* The warning names the first few: pid and comm, as ps shows them. */
#define NAMED_MAX 5

static void warn_uninspected(struct scan_ctx *ctx, unsigned bad)
{
	struct strbuf sb = { 0 };
	unsigned named = 0;

	for (size_t i = 0; i < ctx->procs.n && named < NAMED_MAX; i++) {
		const struct proc *p = &ctx->procs.v[i];

		if (p->inspected)
			continue;
		sb_printf(&sb, "%s%d (%s)", named++ ? ", " : "", (int)p->pid,
			  p->comm[0] ? p->comm : "?");
	}
	diag_partial(&ctx->diag, "%u process%s could not be inspected (fd or "
		     "maps unreadable): %s%s; holders may be missing", bad,
		     bad == 1 ? "" : "es", sb.buf ? sb.buf : "?",
		     bad > named ? " ..." : "");
	sb_free(&sb);
}

/*
 * The walk from the BPF task iterators, where they can be used (see
 * holders_bpf.h): the same holders, without the kernel writing every fd
 * link and maps line as text. Loaded once per scan; a gc re-check reuses
 * them. Returns false, with the reason in ctx->hb_why, when the /proc
 * walk must run instead; --holders=bpf then says why.
 */
static bool walk_bpf(struct scan_ctx *ctx)
{
	char *why = ctx->hb_why;
	size_t len = sizeof(ctx->hb_why);

	ctx->holders_bpf = false;
	if (ctx->set.holders == HOLDERS_PROC) {
		snprintf(why, len, "--holders=proc");
		return false;
	}
	if (holders_bpf_applies(ctx, why, len))
		goto fallback;
	/*
	 * Loading the programs costs about what reading /proc costs for a
	 * few hundred processes (40-60 ms of CPU on a 2-core VM, most of it
	 * libbpf reading the kernel's BTF): auto saves it on small hosts.
	 * Decided once per scan, so that gc's re-check runs the same pass.
	 */
	if (!ctx->hb_tried) {
		ctx->hb_tried = true;
		if (ctx->set.holders == HOLDERS_AUTO &&
		    ctx->procs.n < HOLDERS_BPF_MIN_PROCS)
			snprintf(why, len, "fewer than %d processes: reading "
				 "/proc costs less than loading the BPF "
				 "programs", HOLDERS_BPF_MIN_PROCS);
		else
			ctx->hb = holders_bpf_open(ctx->objs.n, why, len);
	}
	if (!ctx->hb || holders_bpf_walk(ctx, ctx->hb, why, len))
		goto fallback;
	ctx->holders_bpf = true;
	why[0] = '\0';
	return true;
fallback:
	if (ctx->set.holders == HOLDERS_BPF)
		diag_warn(&ctx->diag, "the BPF holder pass was not used: %s; "
			  "holders were read from /proc", why);
	return false;
}

void holders_scan(struct scan_ctx *ctx)
{
	struct lookup lk = { 0 };
	unsigned bad = 0, nowait = 0;

	lookup_build(&lk, ctx);
	if (ctx->procs.n && !walk_bpf(ctx))
		walk_procs(ctx, &lk, &bad, &nowait);
	else if (ctx->ns_tasked && !ctx->holders_bpf)
		ctx->ns_missed = true;	/* nobody read the fd tables */
	lookup_free(&lk);
	add_notify_holders(ctx);

	ctx->procs.uninspected += bad;
	if (ctx->procs.hidden) {
		/* hidepid: processes we cannot even list could hold
		 * anything, exactly like unreadable ones */
		mark_incomplete(ctx, kinds_with(KF_UNCOUNTED));
		diag_partial(&ctx->diag, "/proc is mounted with hidepid: "
			     "processes of other users could not be "
			     "inspected; holders may be missing");
	}
	if (bad) {
		/* Any of them could hold what we call unheld. shm has nattch
		 * and sem has GETNCNT/GETZCNT, so they do not depend on it. */
		mark_incomplete(ctx, kinds_with(KF_UNCOUNTED));
		warn_uninspected(ctx, bad);
	}
	if (nowait && lk.wait_threads) {
		/* A reader blocked on an empty queue shows only there. */
		mark_incomplete(ctx, lk.waits & kinds_with(KF_UNCOUNTED));
		diag_partial(&ctx->diag, "blocked calls of %u process%s could "
			     "not be read; message queue waiters may be "
			     "missing", nowait, nowait == 1 ? "" : "es");
	}
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
