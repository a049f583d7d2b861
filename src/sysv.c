/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sysv.c - SysV shm, sem and msg: /proc/sysvipc parsers, collector, remover. */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "classify.h"
#include "fsutil.h"
#include "kinds.h"
#include "nsrun.h"
#include "parse.h"
#include "reap.h"
#include "jsonw.h"
#include "scan.h"
#include "stats.h"
#include "sysv.h"
#include "util.h"

/* The caller defines it (semctl(2)); glibc does not. */
union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

/*
 * One column of a /proc/sysvipc file: how to check it and where in struct
 * obj it lands. The three formats below are nothing but lists of these.
 */
enum field_fmt {
	FMT_KEY,	/* signed 32-bit decimal, kept as its unsigned bits */
	FMT_ID,		/* int >= 0 */
	FMT_MODE,	/* octal, at most 16 bits */
	FMT_U64,
	FMT_ULONG,
	FMT_UINT,
	FMT_UGID,	/* uid_t / gid_t */
	FMT_PID,	/* pid_t >= 0 (0 = not visible here) */
	FMT_TIME,	/* time_t >= 0 */
};

struct col {
	unsigned char type;
	unsigned short off;
	const char *name;	/* in the header line */
};

#define C(t, field, hdr) { FMT_##t, offsetof(struct obj, field), hdr }

static const struct col shm_cols[] = {
	C(KEY, key, "key"), C(ID, id, "shmid"), C(MODE, mode, "perms"),
	C(U64, size, "size"), C(PID, cpid, "cpid"),
	C(PID, u.shm.lpid, "lpid"), C(ULONG, u.shm.nattch, "nattch"),
	C(UGID, uid, "uid"), C(UGID, gid, "gid"), C(UGID, cuid, "cuid"),
	C(UGID, cgid, "cgid"), C(TIME, t_attach, "atime"),
	C(TIME, t_detach, "dtime"), C(TIME, t_change, "ctime"),
	/* rss and swap exist only since Linux 4.1 */
	C(U64, u.shm.rss, "rss"), C(U64, u.shm.swap, "swap"),
};

static const struct col sem_cols[] = {
	C(KEY, key, "key"), C(ID, id, "semid"), C(MODE, mode, "perms"),
	C(UINT, u.sem.nsems, "nsems"), C(UGID, uid, "uid"),
	C(UGID, gid, "gid"), C(UGID, cuid, "cuid"), C(UGID, cgid, "cgid"),
	C(TIME, t_op, "otime"), C(TIME, t_change, "ctime"),
};

static const struct col msg_cols[] = {
	C(KEY, key, "key"), C(ID, id, "msqid"), C(MODE, mode, "perms"),
	C(U64, u.msg.cbytes, "cbytes"), C(U64, u.msg.qnum, "qnum"),
	C(PID, u.msg.lspid, "lspid"), C(PID, u.msg.lrpid, "lrpid"),
	C(UGID, uid, "uid"), C(UGID, gid, "gid"), C(UGID, cuid, "cuid"),
	C(UGID, cgid, "cgid"), C(TIME, t_send, "stime"),
	C(TIME, t_recv, "rtime"), C(TIME, t_change, "ctime"),
};

#undef C

#define MAX_COLS 16
#define NCOLS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/*
 * Per-kind operations. Everything that is the same for the three kinds
 * (line splitting, the collect loop, the reap driver) is written once and
 * calls through this table.
 */
struct sysv_ops {
	const char *file;		/* below the root */
	const struct col *cols;
	int ncols, min_cols;
	/* Derived fields once every column parsed. */
	void (*fixup)(struct obj *o);
	/* IPC_STAT (and for sem the per-semaphore pids) by id into @now;
	 * @nsems_hint is the scanned set size. 0 or -errno. */
	int (*restat)(int id, unsigned nsems_hint, struct obj *now);
	/* Activity since the scan: write a reason and return true. */
	bool (*changed)(const struct obj *was, const struct obj *now,
			char *why, size_t whylen);
	int (*rmid)(int id);
};

static const struct sysv_ops *ops_of(enum kind k);

/* ------------------------------------------------------------------ */
/* Parsing                                                              */

static int parse_octal(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '7')
			return -EINVAL;
		if (v >> 61)
			return -ERANGE;
		v = (v << 3) | (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/* Check one column and store it at its place in @o. */
static int store_col(struct obj *o, const struct col *c, const char *s)
{
	void *p = (char *)o + c->off;
	uint64_t u;
	int64_t i;
	int r;

	switch (c->type) {
	case FMT_KEY:
		r = parse_i64(s, &i);
		if (r || i < INT32_MIN || i > INT32_MAX)
			return -EINVAL;
		*(uint32_t *)p = (uint32_t)(int32_t)i;
		return 0;
	case FMT_ID:
		r = parse_u64(s, &u);
		if (r || u > INT32_MAX)
			return -EINVAL;
		*(int *)p = (int)u;
		return 0;
	case FMT_MODE:
		r = parse_octal(s, &u);
		if (r || u > 0177777)
			return -EINVAL;
		*(mode_t *)p = (mode_t)(u & 07777);
		return 0;
	default:
		break;
	}

	if (parse_u64(s, &u))
		return -EINVAL;
	switch (c->type) {
	case FMT_U64:
		*(uint64_t *)p = u;
		return 0;
	case FMT_ULONG:
		if (u > ULONG_MAX)
			return -EINVAL;
		*(unsigned long *)p = (unsigned long)u;
		return 0;
	case FMT_UINT:
		if (u > UINT_MAX)
			return -EINVAL;
		*(unsigned *)p = (unsigned)u;
		return 0;
	case FMT_UGID:
		/* (uid_t)-1 is no owner the kernel can record */
		if (u >= UINT32_MAX)
			return -EINVAL;
		*(uint32_t *)p = (uint32_t)u;
		return 0;
	case FMT_PID:
		if (u > INT32_MAX)
			return -EINVAL;
		*(pid_t *)p = (pid_t)u;
		return 0;
	case FMT_TIME:
		if (u > INT64_MAX)
			return -EINVAL;
		*(time_t *)p = (time_t)u;
		return 0;
	}
	return -EINVAL;
}

/*
 * @want is the column count the file's header announced, or 0 when there
 * was no header to go by: then a line may have either count.
 */
static int sysv_parse(const struct sysv_ops *ops, const char *line,
		      int want, struct obj *o)
{
	/* A real line is under 250 bytes; anything near this is garbage. */
	char buf[512], *f[MAX_COLS + 1];
	size_t len = strlen(line);
	struct obj tmp;
	int n;

	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, line, len + 1);
	/* Optional trailing columns come all together or not at all. */
	n = split_fields(buf, f, ops->ncols);
	if (want ? n != want : n != ops->ncols && n != ops->min_cols)
		return -EINVAL;

	/* Fill a copy so that @o is untouched on failure. */
	tmp = *o;
	for (int i = 0; i < ops->ncols; i++)
		if (store_col(&tmp, &ops->cols[i], i < n ? f[i] : "0"))
			return -EINVAL;
	if (ops->fixup)
		ops->fixup(&tmp);
	*o = tmp;
	return 0;
}

static void shm_fixup(struct obj *o)
{
	o->u.shm.dest = o->mode & SHM_DEST;
	o->u.shm.locked = o->mode & SHM_LOCKED;
}


static void msg_fixup(struct obj *o)
{
	o->size = o->u.msg.cbytes;
}

int sysv_parse_shm(const char *line, struct obj *o)
{
	return sysv_parse(ops_of(KIND_SHM), line, 0, o);
}

int sysv_parse_sem(const char *line, struct obj *o)
{
	return sysv_parse(ops_of(KIND_SEM), line, 0, o);
}

int sysv_parse_msg(const char *line, struct obj *o)
{
	return sysv_parse(ops_of(KIND_MSG), line, 0, o);
}

/* ------------------------------------------------------------------ */
/* Re-reading by id                                                     */

static void perm_to_obj(const struct ipc_perm *p, struct obj *o)
{
	o->key = (uint32_t)p->__key;
	o->uid = p->uid;
	o->gid = p->gid;
	o->cuid = p->cuid;
	o->cgid = p->cgid;
	o->mode = p->mode & 07777;
}

static int shm_restat(int id, unsigned nsems_hint, struct obj *now)
{
	struct shmid_ds ds;

	(void)nsems_hint;
	if (shmctl(id, IPC_STAT, &ds) < 0)
		return -errno;
	perm_to_obj(&ds.shm_perm, now);
	now->size = ds.shm_segsz;
	now->cpid = ds.shm_cpid;
	now->t_attach = ds.shm_atime;
	now->t_detach = ds.shm_dtime;
	now->t_change = ds.shm_ctime;
	now->u.shm.lpid = ds.shm_lpid;
	now->u.shm.nattch = ds.shm_nattch;
	shm_fixup(now);
	return 0;
}

/*
 * IPC_STAT for the size of the set the id names now (not of the one the
 * scan saw: a smaller set under a reused id would fail GETPID past its
 * end, EINVAL, which reads as "already gone" where it is "replaced"), then
 * the pids, then IPC_STAT again: otime is then at least as new as every
 * recorded pid, so checking a pid against it can only err towards "alive".
 * A set replaced with a different size shows in the sizes; one replaced
 * while its pids were read is read again.
 */
#define SEM_MAX_NSEMS (1u << 20)
#define SEM_RESTAT_TRIES 3

static int sem_restat(int id, unsigned nsems_hint, struct obj *now)
{
	struct semid_ds ds;
	union semun arg = { .buf = &ds };
	unsigned nsems, waiters;
	pid_t *pids = NULL;
	int r = 0, tries = 0;

	(void)nsems_hint;
again:
	if (semctl(id, 0, IPC_STAT, arg) < 0)
		return -errno;
	nsems = (unsigned)ds.sem_nsems;
	/* Default SEMMSL is 32000 and each semaphore costs three calls:
	 * a larger set is not worth reading. */
	if (nsems > SEM_MAX_NSEMS)
		return -E2BIG;
	pids = nsems ? xcalloc(nsems, sizeof(*pids)) : NULL;
	waiters = 0;
	for (unsigned i = 0; i < nsems; i++) {
		int pid = semctl(id, (int)i, GETPID);
		int ncnt = pid < 0 ? -1 : semctl(id, (int)i, GETNCNT);
		int zcnt = ncnt < 0 ? -1 : semctl(id, (int)i, GETZCNT);

		if (zcnt < 0) {
			r = -errno;
			goto fail;
		}
		pids[i] = pid;
		waiters += (unsigned)ncnt + (unsigned)zcnt;
	}
	if (semctl(id, 0, IPC_STAT, arg) < 0) {
		r = -errno;
		goto fail;
	}
	if ((unsigned)ds.sem_nsems != nsems) {
		free(pids);
		pids = NULL;
		if (++tries < SEM_RESTAT_TRIES)
			goto again;
		return -EAGAIN;
	}
	perm_to_obj(&ds.sem_perm, now);
	now->t_op = ds.sem_otime;
	now->t_change = ds.sem_ctime;
	now->u.sem.nsems = nsems;
	now->u.sem.pids = pids;
	now->u.sem.waiters = waiters;
	now->u.sem.pids_read = true;
	return 0;
fail:
	free(pids);
	return r;
}

static int msg_restat(int id, unsigned nsems_hint, struct obj *now)
{
	struct msqid_ds ds;

	(void)nsems_hint;
	if (msgctl(id, IPC_STAT, &ds) < 0)
		return -errno;
	perm_to_obj(&ds.msg_perm, now);
	now->t_send = ds.msg_stime;
	now->t_recv = ds.msg_rtime;
	now->t_change = ds.msg_ctime;
	now->u.msg.cbytes = ds.msg_cbytes;
	now->u.msg.qnum = ds.msg_qnum;
	now->u.msg.lspid = ds.msg_lspid;
	now->u.msg.lrpid = ds.msg_lrpid;
	msg_fixup(now);
	return 0;
}

static void restat_free(struct obj *now)
{
	if (now->kind == KIND_SEM) {
		free(now->u.sem.pids);
		now->u.sem.pids = NULL;
	}
}

/* Is @now another object than the one scanned (the id was reused)? */
static bool replaced(const struct obj *was, const struct obj *now,
		     char *why, size_t whylen)
{
	if (now->key != was->key) {
		set_why(why, whylen, "replaced: key 0x%08x is now 0x%08x",
			was->key, now->key);
		return true;
	}
	if (now->cuid != was->cuid) {
		set_why(why, whylen, "replaced: creator uid %u is now %u",
			(unsigned)was->cuid, (unsigned)now->cuid);
		return true;
	}
	if (now->t_change != was->t_change) {
		set_why(why, whylen, "replaced: ctime %lld is now %lld",
			(long long)was->t_change, (long long)now->t_change);
		return true;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* "Still unused since the scan?" per kind                             */

static bool shm_changed(const struct obj *was, const struct obj *now,
			char *why, size_t whylen)
{
	if (now->u.shm.nattch)
		set_why(why, whylen, "attached by %lu process(es)",
			now->u.shm.nattch);
	else if (now->cpid != was->cpid)
		set_why(why, whylen, "replaced: creator pid %d is now %d",
			(int)was->cpid, (int)now->cpid);
	else if (now->t_attach != was->t_attach)
		set_why(why, whylen, "attached since scan");
	else if (now->t_detach != was->t_detach)
		set_why(why, whylen, "detached since scan");
	else if (now->u.shm.lpid != was->u.shm.lpid)
		set_why(why, whylen, "last attach/detach pid %d is now %d",
			(int)was->u.shm.lpid, (int)now->u.shm.lpid);
	else
		return false;
	return true;
}

static bool sem_changed(const struct obj *was, const struct obj *now,
			char *why, size_t whylen)
{
	if (!was->u.sem.pids_read || (was->u.sem.nsems && !was->u.sem.pids)) {
		set_why(why, whylen, "semaphore pids were not read at scan");
		return true;
	}
	if (now->u.sem.nsems != was->u.sem.nsems) {
		set_why(why, whylen, "replaced: nsems %u is now %u",
			was->u.sem.nsems, now->u.sem.nsems);
		return true;
	}
	if (now->u.sem.waiters) {
		set_why(why, whylen, "%u process(es) waiting on it",
			now->u.sem.waiters);
		return true;
	}
	if (now->t_op != was->t_op) {
		set_why(why, whylen, "operated on since scan");
		return true;
	}
	for (unsigned i = 0; i < was->u.sem.nsems; i++) {
		if (now->u.sem.pids[i] != was->u.sem.pids[i]) {
			set_why(why, whylen,
				"semaphore %u last operated by pid %d, was %d",
				i, (int)now->u.sem.pids[i],
				(int)was->u.sem.pids[i]);
			return true;
		}
	}
	return false;
}

static bool msg_changed(const struct obj *was, const struct obj *now,
			char *why, size_t whylen)
{
	if (now->t_send != was->t_send ||
	    now->u.msg.lspid != was->u.msg.lspid)
		set_why(why, whylen, "message sent since scan");
	else if (now->t_recv != was->t_recv ||
		 now->u.msg.lrpid != was->u.msg.lrpid)
		set_why(why, whylen, "message received since scan");
	else
		return false;
	return true;
}

static int shm_rmid(int id)
{
	return shmctl(id, IPC_RMID, NULL);
}

static int sem_rmid(int id)
{
	return semctl(id, 0, IPC_RMID);
}

static int msg_rmid(int id)
{
	return msgctl(id, IPC_RMID, NULL);
}

static const struct sysv_ops sysv_ops[] = {
	[KIND_SHM] = {
		.file = "/proc/sysvipc/shm",
		.cols = shm_cols, .ncols = NCOLS(shm_cols),
		.min_cols = NCOLS(shm_cols) - 2,
		.fixup = shm_fixup, .restat = shm_restat,
		.changed = shm_changed, .rmid = shm_rmid,
	},
	[KIND_SEM] = {
		.file = "/proc/sysvipc/sem",
		.cols = sem_cols, .ncols = NCOLS(sem_cols),
		.min_cols = NCOLS(sem_cols),
		.restat = sem_restat,
		.changed = sem_changed, .rmid = sem_rmid,
	},
	[KIND_MSG] = {
		.file = "/proc/sysvipc/msg",
		.cols = msg_cols, .ncols = NCOLS(msg_cols),
		.min_cols = NCOLS(msg_cols),
		.fixup = msg_fixup, .restat = msg_restat,
		.changed = msg_changed, .rmid = msg_rmid,
	},
};

static const struct sysv_ops *ops_of(enum kind k)
{
	if (k != KIND_SHM && k != KIND_SEM && k != KIND_MSG)
		return NULL;
	return &sysv_ops[k];
}

/* IPC_STAT by id into a fresh object of @o's kind. */
static int restat(const struct sysv_ops *ops, const struct obj *o,
		  struct obj *now)
{
	memset(now, 0, sizeof(*now));
	now->kind = o->kind;
	now->id = o->id;
	return ops->restat(o->id,
			   o->kind == KIND_SEM ? o->u.sem.nsems : 0, now);
}

/* ------------------------------------------------------------------ */
/* Collecting                                                           */

/* Drop the object just added (the last one) from the set. */
static void drop_last(struct objset *set)
{
	obj_free(&set->v[set->n - 1]);
	set->n--;
}

/*
 * Live system: per-semaphore pids and waiters. Returns false if the set
 * vanished (or was replaced by one of another size) since
 * /proc/sysvipc/sem was read.
 */
static bool sem_read_live(struct diag *d, struct obj *o)
{
	struct obj now;
	int r = restat(ops_of(KIND_SEM), o, &now);

	if (r == -EINVAL || r == -EIDRM)
		return false;
	if (r < 0) {
		diag_partial(d, "semaphore set %d: cannot read its pids: %s",
			     o->id, strerror(-r));
		return true;
	}
	if (now.u.sem.nsems != o->u.sem.nsems) {
		restat_free(&now);
		return false;
	}
	/*
	 * IPC_STAT describes what the id names now (a SETVAL or IPC_SET
	 * since the file was read moves ctime; a reused id changes more),
	 * and otime must be the one that goes with the pids just read.
	 */
	o->key = now.key;
	o->uid = now.uid;
	o->gid = now.gid;
	o->cuid = now.cuid;
	o->cgid = now.cgid;
	o->mode = now.mode;
	o->t_change = now.t_change;
	o->t_op = now.t_op;
	o->u.sem = now.u.sem;	/* takes over the pids array */
	return true;
}

/*
 * The first line of a /proc/sysvipc file. Returns its column count when it
 * is a header we know (every name in place, with or without the optional
 * trailing columns), -EPROTO for a header of unknown shape ("key" and the
 * id column, then something else), or 0 when it is no header at all.
 */
static int header_cols(const struct sysv_ops *ops, const char *line,
		       size_t len)
{
	char copy[512], *f[MAX_COLS + 1];
	int n;

	if (len >= sizeof(copy))
		return 0;
	memcpy(copy, line, len);
	copy[len] = '\0';
	n = split_fields(copy, f, MAX_COLS);
	if (n < 2 || strcmp(f[0], ops->cols[0].name) ||
	    strcmp(f[1], ops->cols[1].name))
		return 0;
	if (n != ops->ncols && n != ops->min_cols)
		return -EPROTO;
	for (int i = 2; i < n; i++)
		if (strcmp(f[i], ops->cols[i].name))
			return -EPROTO;
	return n;
}

static int collect_kind(const struct source *src, struct objset *out,
			struct diag *d, enum kind k)
{
	const struct sysv_ops *ops = ops_of(k);
	char path[4096], *buf, *line, *end;
	unsigned lineno = 0;
	int want = 0;		/* columns per line; 0: either count */
	ssize_t len;
	int r;

	r = root_path(path, sizeof(path), src->root, ops->file);
	if (r < 0) {
		diag_partial(d, "%s%s: path too long", src->root, ops->file);
		return 0;
	}
	len = read_file(path, &buf);
	if (len == -ENOENT) {
		/* A kernel without CONFIG_SYSVIPC: nothing to find. */
		diag_warn(d, "%s: missing, no SysV %s objects listed",
			  path, kind_name(k));
		return 0;
	}
	if (len < 0) {
		diag_partial(d, "%s: %s", path, strerror((int)-len));
		return 0;
	}
	if (len == 0) {
		/* The kernel always writes the header: the read failed. */
		diag_partial(d, "%s is empty: no header", path);
		free(buf);
		return 0;
	}

	for (line = buf; line < buf + len; line = end + 1) {
		size_t n;
		struct obj *o;

		end = memchr(line, '\n', (size_t)(buf + len - line));
		lineno++;
		if (!end) {
			/*
			 * /proc ends every line with a newline: this one
			 * was cut short, and its last field may be cut too
			 * ("17" of a ctime), which no parser can notice.
			 */
			diag_partial(d, "%s:%u: malformed line, ignored "
				     "(truncated: no newline)", path, lineno);
			break;
		}
		n = (size_t)(end - line);
		*end = '\0';
		if (lineno == 1) {
			int h = memchr(line, '\0', n) ? 0 :
				header_cols(ops, line, n);

			if (h > 0) {
				/* Every line has what the header lists. */
				want = h;
				continue;
			}
			if (h < 0) {
				diag_warn(d, "%s: unrecognised header, "
					  "accepting lines of %d or %d "
					  "columns", path, ops->min_cols,
					  ops->ncols);
				continue;
			}
			diag_warn(d, "%s: unexpected header line, "
				  "reading it as data", path);
		}

		o = objset_add(out, k);
		/* A NUL inside the line would hide the rest of it. */
		if (memchr(line, '\0', n) ||
		    sysv_parse(ops, line, want, o) < 0) {
			drop_last(out);
			diag_partial(d, "%s:%u: malformed line, ignored",
				     path, lineno);
			continue;
		}
		if (k == KIND_SEM && src->syscalls && !sem_read_live(d, o))
			drop_last(out);
	}
	free(buf);
	return 0;
}

int sysv_collect(const struct scan_settings *set, const struct source *src,
		 struct objset *out, struct diag *d)
{
	static const enum kind kinds[] = { KIND_SHM, KIND_SEM, KIND_MSG };

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		int r;

		if (!(set->kinds & KMASK(kinds[i])))
			continue;
		r = collect_kind(src, out, d, kinds[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Removing                                                             */

/* Re-read @o by id in the IPC namespace the calling thread is in and
 * remove it if it is still the object scanned and still unused. */
static int reap_here(const struct sysv_ops *ops, const struct obj *o,
		     bool dry_run, char *why, size_t whylen)
{
	struct obj now;
	bool skip;
	int r;

	r = restat(ops, o, &now);
	if (r < 0)
		return r;
	skip = replaced(o, &now, why, whylen) ||
	       ops->changed(o, &now, why, whylen);
	restat_free(&now);
	if (skip)
		return REAP_SKIP;
	if (dry_run)
		return REAP_DONE;
	if (ops->rmid(o->id) < 0)
		return -errno;
	return REAP_DONE;
}

/* reap_here on the runner's thread, inside another IPC namespace. */
struct reap_job {
	const struct sysv_ops *ops;
	const struct obj *o;
	bool dry_run;
	char *why;
	size_t whylen;
	int r;
};

static int reap_job(void *arg)
{
	struct reap_job *j = arg;

	j->r = reap_here(j->ops, j->o, j->dry_run, j->why, j->whylen);
	return 0;
}

int sysv_reap(const struct reap_env *env, const struct obj *o, bool dry_run,
	      char *why, size_t whylen)
{
	const struct sysv_ops *ops = ops_of(o->kind);
	const struct source *src = env ? env->src : NULL;
	uid_t euid = geteuid();
	struct reap_job j = { ops, o, dry_run, why, whylen, 0 };
	int r;

	if (!ops || o->id < 0)
		return -EINVAL;
	/* Ids from a fixture tree name nothing on this host. */
	if (src && !src->syscalls) {
		set_why(why, whylen, "not a scan of the live system");
		return REAP_SKIP;
	}
	if (euid != 0 && euid != o->uid && euid != o->cuid) {
		set_why(why, whylen, "not owner");
		return REAP_SKIP;
	}
	if (!src || src->own)
		return reap_here(ops, o, dry_run, why, whylen);

	/*
	 * Another IPC namespace: its ids name other objects in ours, so the
	 * re-check and IPC_RMID run inside it, through the descriptor held
	 * since the scan (its inode alone may name a newer namespace). If
	 * the thread cannot enter it, nothing runs at all.
	 */
	if (src->ipc.fd < 0 || !env->cache) {
		set_why(why, whylen, "its IPC namespace is not held open");
		return REAP_SKIP;
	}
	if (!env->cache->runner)
		env->cache->runner = nsrun_new();
	r = nsrun_call(env->cache->runner, src->ipc.fd, CLONE_NEWIPC,
		       reap_job, &j);
	if (r < 0) {
		set_why(why, whylen, "cannot enter IPC namespace %llu: %s",
			(unsigned long long)src->ipc.ino, strerror(-r));
		return REAP_SKIP;
	}
	return j.r;
}

/* ------------------------------------------------------------------ */
/* The rows (kinds.h)                                                   */

static const struct collector sysv_collector = {
	.name = "sysv", .collect = sysv_collect,
};

/* The blocked calls that name a set or queue; -1 where the architecture
 * has only ipc(2). */
#ifdef SYS_semop
#define NR_SEMOP SYS_semop
#else
#define NR_SEMOP (-1)
#endif
#ifdef SYS_semtimedop
#define NR_SEMTIMEDOP SYS_semtimedop
#else
#define NR_SEMTIMEDOP (-1)
#endif
#ifdef SYS_msgrcv
#define NR_MSGRCV SYS_msgrcv
#else
#define NR_MSGRCV (-1)
#endif
#ifdef SYS_msgsnd
#define NR_MSGSND SYS_msgsnd
#else
#define NR_MSGSND (-1)
#endif

#define T(key, member) { key, (long)offsetof(struct obj, member) }

static void shm_json(struct jw *w, const struct obj *o)
{
	jw_uint(w, "nattch", o->u.shm.nattch);
	jw_int(w, "cpid", o->cpid);
	jw_int(w, "lpid", o->u.shm.lpid);
	jw_uint(w, "rss", o->u.shm.rss);
	jw_uint(w, "swap", o->u.shm.swap);
	jw_bool(w, "dest", o->u.shm.dest);
	jw_bool(w, "locked", o->u.shm.locked);
}

static const char *const shm_columns[] = {
	"KEY", "CPID", "LPID", "NATTCH", NULL
};
static const struct kind_time shm_times[] = {
	T("changed", t_change), T("attached", t_attach),
	T("detached", t_detach), { NULL, 0 },
};

const struct kind_ops shm_kind = {
	.kind = KIND_SHM,
	.name = "shm",
	.help = "SysV shared memory segment",
	.groups = GMASK(GROUP_SYSV) | GMASK(GROUP_ALL),
	.flags = KF_SYSV | KF_SIZE,
	.ns = OBJNS_IPC,
	.collector = &sysv_collector,
	.holder_keys = HK_SYSV_MAP,
	.classify = classify_shm,
	.reap = sysv_reap,
	.json_detail = shm_json,
	.times = shm_times,
	.columns = shm_columns,
	.limits = 1u << LIM_SHMMNI | 1u << LIM_SHMALL | 1u << LIM_SHMMAX,
	.count_limits = stats_count_shm,
};

/* GETNCNT/GETZCNT said nobody waits: no syscall file can name this set
 * (but a fixture tree cannot tell). */
static bool sem_may_wait(const struct obj *o)
{
	return !o->u.sem.pids_read || o->u.sem.waiters;
}

static void sem_free(struct obj *o)
{
	free(o->u.sem.pids);
}

static void sem_json(struct jw *w, const struct obj *o)
{
	jw_int(w, "nsems", o->u.sem.nsems);
	if (o->u.sem.pids_read && o->u.sem.pids) {
		jw_open(w, "pids", '[');
		for (unsigned i = 0; i < o->u.sem.nsems; i++) {
			jw_elem(w);
			jw_put_i64(w->sb, o->u.sem.pids[i]);
		}
		jw_close(w, ']');
	} else {
		jw_null(w, "pids");
	}
	jw_int(w, "waiters", o->u.sem.waiters);
}

static const char *const sem_columns[] = { "KEY", "NSEMS", NULL };
static const struct kind_time sem_times[] = {
	T("changed", t_change), T("operated", t_op), { NULL, 0 },
};

const struct kind_ops sem_kind = {
	.kind = KIND_SEM,
	.name = "sem",
	.help = "SysV semaphore set",
	.groups = GMASK(GROUP_SYSV) | GMASK(GROUP_ALL),
	.flags = KF_SYSV,
	.ns = OBJNS_IPC,
	.collector = &sysv_collector,
	.holder_keys = HK_SYSV_WAIT,
	.wait_calls = { NR_SEMOP, NR_SEMTIMEDOP },
	.may_wait = sem_may_wait,
	.classify = classify_sem,
	.reap = sysv_reap,
	.json_detail = sem_json,
	.times = sem_times,
	.columns = sem_columns,
	.limits = 1u << LIM_SEMMNI | 1u << LIM_SEMMNS,
	.count_limits = stats_count_sem,
	.free = sem_free,
};

static void msg_json(struct jw *w, const struct obj *o)
{
	jw_uint(w, "qnum", o->u.msg.qnum);
	jw_uint(w, "cbytes", o->u.msg.cbytes);
	jw_int(w, "lspid", o->u.msg.lspid);
	jw_int(w, "lrpid", o->u.msg.lrpid);
}

static const char *const msg_columns[] = { "KEY", "LPID", "MSGS", NULL };
static const struct kind_time msg_times[] = {
	T("changed", t_change), T("sent", t_send), T("received", t_recv),
	{ NULL, 0 },
};

const struct kind_ops msg_kind = {
	.kind = KIND_MSG,
	.name = "msg",
	.help = "SysV message queue",
	.groups = GMASK(GROUP_SYSV) | GMASK(GROUP_ALL),
	/* no waiter count: a reader blocked on an empty queue shows only
	 * in its blocked call */
	.flags = KF_SYSV | KF_SIZE | KF_UNCOUNTED,
	.ns = OBJNS_IPC,
	.collector = &sysv_collector,
	.holder_keys = HK_SYSV_WAIT,
	.wait_calls = { NR_MSGRCV, NR_MSGSND },
	.classify = classify_msg,
	.reap = sysv_reap,
	.json_detail = msg_json,
	.times = msg_times,
	.columns = msg_columns,
	.limits = 1u << LIM_MSGMNI,
	.count_limits = stats_count_msg,
};
