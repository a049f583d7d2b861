/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kinds.h - a kind is a row: what every stage needs to know about it. */
#ifndef IPCSCAN_KINDS_H
#define IPCSCAN_KINDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "ipcscan.h"
#include "reap.h"

struct classify_policy;
struct diag;
struct jw;
struct limit_stat;
struct objset;
struct proctab;
struct scan_settings;
struct source;
struct strbuf;

/*
 * The groups -t accepts besides the kinds' own names. A row says which
 * groups it is in; a group's members are the rows that say so.
 */
enum kind_group { GROUP_SYSV, GROUP_POSIX, GROUP_SOCKETS, GROUP_ALL,
		  GROUP_COUNT };
#define GMASK(g) (1u << (g))

/*
 * The collector of one or more kinds (those of set->kinds it produces),
 * with the contract of scan.h's collect_fn; scan.c runs each one once per
 * source. Exactly one of the two is set.
 */
struct collector {
	const char *name;
	int (*collect)(const struct scan_settings *set,
		       const struct source *src, struct objset *out,
		       struct diag *d);
	/* Runs after the process list is read, and reads it: the socket
	 * collector finds network namespaces through it. */
	int (*collect_procs)(const struct scan_settings *set,
			     const struct source *src,
			     const struct proctab *procs, struct objset *out,
			     struct diag *d);
};

enum kind_flag {
	/* a SysV object: id, key and creator uid; ids are per IPC
	 * namespace, and 01000 in its mode is SHM_DEST */
	KF_SYSV = 1u << 0,
	/* a file: path, dev and ino (JSON detail "dev", "ino") */
	KF_FILE = 1u << 1,
	/* has a byte size: SIZE, "size" and the stats' bytes */
	KF_SIZE = 1u << 2,
	/* the sticky bit says "keep me": never an orphan (classify) */
	KF_STICKY = 1u << 3,
	/* the kernel counts none of its users: a process that could not be
	 * inspected (or hidden by hidepid) may hold it unseen */
	KF_UNCOUNTED = 1u << 4,
	/* reading its status moves its ctime (every scan does): the ctime
	 * is no time of change and no time of use */
	KF_CTIME_READ = 1u << 5,
	/* gc never removes it (reap is NULL): say so, do not forget it */
	KF_NEVER_REMOVED = 1u << 6,
	/* left out of list's default table (-t, -p or --json show it) */
	KF_HIDDEN = 1u << 7,
	/* found by the walk of the socket directories */
	KF_SOCKDIR = 1u << 8,
	/* its name may be one of the well-known state files whose owner
	 * holds them only while it runs a command: never an orphan
	 * (classify.c: keepers) */
	KF_KEEPERS = 1u << 9,
};

/* The namespace an object lives in (SPEC: Namespaces and containers):
 * 0 is no value, so that a row that forgets it fails test_kinds. */
enum obj_ns { OBJNS_NONE, OBJNS_IPC, OBJNS_MNT, OBJNS_NET, OBJNS_COUNT };

/* "ipc", "mnt", "net"; NULL for OBJNS_NONE. */
const char *objns_name(enum obj_ns t);

/* How the holder pass (holders.c) finds who holds an object. */
enum holder_key {
	/* nothing holds it: its state comes from another check (a socket
	 * file: bound or not); an explicit "none", never a forgotten key */
	HK_UNHELD = 1u << 0,
	/* its SysV id as the inode of a /SYSV line in /proc/PID/maps */
	HK_SYSV_MAP = 1u << 1,
	/* its SysV id as arg0 of a call blocked in one of wait_calls */
	HK_SYSV_WAIT = 1u << 2,
	/* its (dev, ino) behind an fd link or a maps line; an fd link is
	 * first matched by basename (fd_name). Such an object is a regular
	 * file or a FIFO: the BPF pass looks at no other types of files
	 * (holders_bpf.c, file_types) */
	HK_FILE = 1u << 3,
	/* its inode in an fd link "socket:[INODE]" */
	HK_SOCKET = 1u << 4,
	/* the process its notify_pid names, while that one lives */
	HK_NOTIFY = 1u << 5,
};

/* One "times" member of an object's JSON: the key and the struct obj
 * member (offsetof) it shows, or KT_NULL for a key always null. */
struct kind_time {
	const char *key;
	long off;
};
#define KT_NULL (-1L)

/* How many blocked calls a row may name (sem: semop, semtimedop). */
#define WAIT_CALLS 2

typedef void (*classify_fn)(struct obj *o, const struct proctab *pt,
			    const struct classify_policy *pol, time_t now);

/*
 * One row per kind, in the kind's own file with its JSON detail writer.
 * The built-in kinds' classifiers stay together in classify.c (a new
 * kind's may be in its file, from the pieces in classify.h) and their
 * limit counters in stats.c. test_kinds checks that no row lacks one.
 */
struct kind_ops {
	enum kind kind;		/* its index in kind_ops[] */
	const char *name;	/* -t, KIND, JSON "kind" and its detail key */
	const char *help;	/* --help, completions, man */
	unsigned groups;	/* GMASK(GROUP_*), GROUP_ALL always */
	unsigned flags;		/* enum kind_flag */
	enum obj_ns ns;		/* the namespace its objects live in */
	const struct collector *collector;

	/* the holder pass */
	unsigned holder_keys;	/* enum holder_key */
	/* HK_FILE: append to @sb the name an fd link to @o ends in and
	 * return true; false (or NULL): its path's basename */
	bool (*fd_name)(const struct obj *o, struct strbuf *sb);
	/* HK_SYSV_WAIT: the blocked calls (SYS_*; -1: none on this
	 * architecture) whose arg0 is its id; the BPF pass watches only
	 * semop, semtimedop, msgrcv and msgsnd, and declines a scan with
	 * a kind that waits in others (holders_bpf.c: wait_set) */
	long wait_calls[WAIT_CALLS];
	/* HK_SYSV_WAIT: may anybody be blocked on @o? NULL: always */
	bool (*may_wait)(const struct obj *o);
	/* HK_NOTIFY: the pid registered on @o, 0 if none */
	pid_t (*notify_pid)(const struct obj *o);

	classify_fn classify;
	reap_fn reap;		/* NULL only with KF_NEVER_REMOVED */

	/* JSON: the members of its detail object, and of "times" */
	void (*json_detail)(struct jw *w, const struct obj *o);
	const struct kind_time *times;	/* ends with key NULL */

	/* The kind-specific columns it fills (NULL-terminated; NULL: none):
	 * a column that some row names is blank for every other kind. */
	const char *const *columns;
	/* ID/NAME for an object with no id, name or path (NULL: none) */
	const char *(*label)(const struct obj *o);

	/* stats: the limits (1u << LIM_*) its objects use, and how one
	 * object adds to their "used" (NULL: nothing per object) */
	unsigned limits;
	void (*count_limits)(const struct obj *o, struct limit_stat *lim,
			     uint64_t page);

	/* Fields that are not 0 when unknown (objset_add), and detail
	 * memory (obj_free). NULL: nothing to do. */
	void (*init)(struct obj *o);
	void (*free)(struct obj *o);
};

/* "changed" and "modified": the times of a plain file, and the JSON
 * detail of one ("dev", "ino"), for the rows of file kinds (kinds.c). */
extern const struct kind_time file_times[];
void json_detail_file(struct jw *w, const struct obj *o);

/* Every row, by enum kind (kinds.c). */
extern const struct kind_ops *const kind_ops[KIND_COUNT];

/* The rows, each beside the code that implements its kind. */
extern const struct kind_ops shm_kind, sem_kind, msg_kind;	/* sysv */
extern const struct kind_ops pshm_kind, psem_kind, mqueue_kind; /* posix */
extern const struct kind_ops unix_kind;			/* unix_live */
extern const struct kind_ops sockfile_kind, fifo_kind;	/* sockfiles */

static inline const char *kind_name(enum kind k)
{
	return kind_ops[k]->name;
}

static inline bool kind_has(enum kind k, unsigned flag)
{
	return (kind_ops[k]->flags & flag) != 0;
}

/* Semaphore sets and live sockets have no byte size: their SIZE is
 * blank, their size and bytes null, everywhere (list, gc, stats). */
static inline bool obj_has_size(const struct obj *o)
{
	return kind_has(o->kind, KF_SIZE) && !o->size_unknown;
}

/* The kinds with any of @flags. */
kindmask_t kinds_with(unsigned flags);
/* The members of group @g. */
kindmask_t kind_group_mask(enum kind_group g);
const char *kind_group_name(enum kind_group g);

#endif
