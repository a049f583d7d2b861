/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ipcscan.h - the object model shared by every module: kinds, states, objects. */
#ifndef IPCSCAN_H
#define IPCSCAN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define IPCSCAN_VERSION "0.1.0"
#define IPCSCAN_SCHEMA 1

/* Each value has its row in kind_ops[] (kinds.h): what every stage
 * needs to know about the kind. */
enum kind {
	KIND_SHM,
	KIND_SEM,
	KIND_MSG,
	KIND_PSHM,
	KIND_PSEM,
	KIND_MQUEUE,
	KIND_UNIX,
	KIND_SOCKFILE,
	KIND_FIFO,
	KIND_COUNT
};

typedef uint32_t kindmask_t;
#define KMASK(k) ((kindmask_t)1u << (k))
#define KMASK_ALL (KMASK(KIND_COUNT) - 1)

enum state { STATE_INUSE, STATE_ORPHAN, STATE_UNKNOWN, STATE_COUNT };

enum via { VIA_ATTACH, VIA_FD, VIA_MAP, VIA_NOTIFY, VIA_WAIT, VIA_COUNT };

struct holder {
	pid_t pid;
	enum via via;
};

/* Per-kind detail (struct KIND_detail; not _info: glibc has a struct
 * shm_info). Times are seconds since the epoch, 0 = never recorded. */
struct shm_detail {
	unsigned long nattch;
	pid_t lpid;
	uint64_t rss, swap;
	bool dest, locked;
};

struct sem_detail {
	unsigned nsems;
	pid_t *pids;		/* nsems entries from GETPID, owned; may be NULL */
	unsigned waiters;	/* sum of GETNCNT + GETZCNT */
	bool pids_read;		/* false if semctl could not be called */
};

struct msg_detail {
	uint64_t cbytes, qnum;
	pid_t lspid, lrpid;
};

struct mq_detail {
	uint64_t qsize;
	long maxmsg, msgsize;	/* -1 when unknown */
	pid_t notify_pid;
};

/* A unix socket's sk_state: the TCP_* values (include/net/tcp_states.h)
 * the kernel reuses for unix sockets. */
enum ux_state {
	UX_ESTABLISHED = 1,
	UX_SYN_SENT = 2,
	UX_FIN_WAIT1 = 4,
	UX_CLOSE = 7,
	UX_LISTEN = 10,
};

struct unix_detail {
	int type;		/* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	int state;		/* enum ux_state, as the kernel reports it */
	char *addr;		/* bound address, "@name" if abstract, NULL if unbound */
	uint64_t peer;		/* peer inode, 0 if none */
	bool listening;
	bool has_vfs;		/* bound to a file: vfs_dev/vfs_ino valid */
	uint32_t vfs_dev;	/* kernel encoding: major = d >> 20, minor = d & 0xfffff */
	uint32_t vfs_ino;
	uint64_t netns;		/* inode of the netns it was seen in, 0 unknown */
};

/* The reason, or its start, for a file kept because of its sticky bit
 * (classify) and the remover's when the bit appeared after the scan. */
#define STICKY_REASON "sticky bit set: kept by convention"

/* A one-line reason: an object's state (o->reason), a remover's answer. */
#define REASON_LEN 160
/* A remover's answer as gc keeps it: room for a few words before an
 * object's reason ("no longer an orphan: ..."). */
#define WHY_LEN (REASON_LEN + 32)

/* The one way a reason is written: printf into @buf of @len bytes, cut
 * quietly at its end; nothing when @buf is NULL or @len 0. */
void set_why(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void vset_why(char *buf, size_t len, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

struct obj {
	enum kind kind;
	enum state state;
	char reason[REASON_LEN];

	/* identity; absent = -1 / NULL / 0 */
	int id;			/* SysV id, -1 if none */
	uint32_t key;		/* SysV key, valid when id >= 0 */
	char *name;		/* POSIX name (raw bytes, may be any non-NUL byte) */
	char *path;		/* absolute path of a file object */
	uint64_t inode;		/* unix socket inode, 0 if none */
	dev_t dev;		/* file kinds: st_dev */
	ino_t ino;		/* file kinds: st_ino */

	uid_t uid, cuid;
	gid_t gid, cgid;
	mode_t mode;		/* permission + special bits (e.g. 01000 SHM_DEST) */
	uint64_t size;

	time_t t_change;	/* SysV ctime or file st_ctime */
	time_t t_attach, t_detach;	/* shm */
	time_t t_op;		/* sem otime */
	time_t t_send, t_recv;	/* msg */
	time_t t_modify;	/* file st_mtime */

	pid_t cpid;		/* shm creator, 0 if not recorded/visible */

	uint32_t src;		/* index of the source it was found in
				 * (scan.h; 0: our own namespaces); its
				 * namespace is its row's type of it
				 * (kinds.h: ns, scan.h: obj_nsref) */

	struct holder *holders;
	unsigned nholders, holders_cap;

	/* Values no source gave: a live unix socket has no group or mode in
	 * sock_diag (only its bound file has, when the walk found that very
	 * file), /proc/net/unix not even an owner. Blank in tables, null in
	 * JSON, never shown as root or 0000. */
	bool uid_unknown, gid_unknown, mode_unknown;
	bool size_unknown;	/* the size could not be read */
	/* file kinds: more than one name (st_nlink > 1), so a holder may
	 * have it open by a name that is not its path (a hard link) */
	bool other_names;

	/* evidence flags set by the scan, read by the classifier */
	bool holders_incomplete;	/* some process relevant to it could not be inspected */
	bool binding_unknown;		/* sockfile: some netns could not be checked */

	/* The containers that can see it (attrib.h): indexes into the
	 * scan's attrib.v, owned; none = a host object. A label only,
	 * set after classification. */
	int *ct;
	unsigned nct;
	bool ct_unknown;	/* cannot be told: JSON null, "?" */

	union {
		struct shm_detail shm;
		struct sem_detail sem;
		struct msg_detail msg;
		struct mq_detail mq;
		struct unix_detail ux;
	} u;
};

/* The object set owns every object and every string in it. */
struct objset {
	struct obj *v;
	size_t n, cap;
};

/* Append a zeroed object of @kind (id = -1) and return it (never NULL:
 * running out of memory exits). Valid until the next objset_add. */
struct obj *objset_add(struct objset *set, enum kind kind);
void objset_free(struct objset *set);
/* Append every object of @src to @dst (in order) and empty @src. */
void objset_move(struct objset *dst, struct objset *src);
void obj_free(struct obj *o);
/* Record that @pid holds @o through @via (once per pid and via). */
void obj_add_holder(struct obj *o, pid_t pid, enum via via);

/* Newest recorded use time, 0 if none. */
time_t obj_last_used(const struct obj *o);

const char *state_name(enum state s);
const char *via_name(enum via v);
/* The names of a unix socket's type (SOCK_*) and state (enum ux_state),
 * the one table for every output; NULL for a value that has no name. */
const char *unix_type_name(int type);
const char *unix_state_name(int state);

/* Parse "shm,posix,unix" into a mask; on error returns -EINVAL and points
 * *bad at the offending element (a static copy, valid until next call). */
int kinds_parse(const char *list, kindmask_t *mask, const char **bad);

#endif
