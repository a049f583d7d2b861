/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsdisc.h - find every IPC, mount, network and cgroup namespace on the host. */
#ifndef IPCSCAN_NSDISC_H
#define IPCSCAN_NSDISC_H

/*
 * Discovery walks /proc once and returns one entry per namespace, each
 * with an open descriptor of its nsfs file. Sources, in this order:
 *
 * 1. every task, threads included: /proc/PID/task/TID/ns/{ipc,mnt,net,
 *    cgroup}. A link is stat()ed first; its (dev, ino) is trusted only if
 *    it names a namespace already held open (a held namespace is alive,
 *    so its inode cannot have been reused). Anything else is opened and
 *    named by fstat() of the opened descriptor.
 * 2. namespace descriptors that processes hold: /proc/PID/fd/N whose link
 *    reads "ipc:[N]" (etc.) is opened O_PATH through that link, checked to
 *    be on nsfs, then reopened O_RDONLY. One fd table per process (threads
 *    that unshared their fd table are not walked).
 * 3. nsfs bind mounts (ip netns add, unshare --ipc=FILE): the mountinfo of
 *    every distinct (mount namespace, root directory) among the tasks,
 *    so a chrooted task's partial view does not hide a mount namespace's
 *    other mounts. The mount point is reached from /proc/TID/root one
 *    component at a time with O_PATH|O_NOFOLLOW (no symlink is followed,
 *    "." and ".." are refused), then checked with fstatfs() = NSFS_MAGIC
 *    and against the inode the mountinfo line advertises.
 *
 *    A mount namespace that no task is in (held by an fd or a bind
 *    mount), or whose readers all exited during the walk, is entered by
 *    a forked child (setns() of a mount namespace needs a process of its
 *    own), which reads its mountinfo and passes the mount points it
 *    reached back over a socket; what it finds may be more such
 *    namespaces, entered in turn.
 *
 * Not found (the caller should say so):
 * - a namespace pinned only by a SysV attachment made before its task
 *   moved to another IPC namespace (do_shmat() pins the namespace and
 *   /proc names it nowhere), or only by a descriptor in flight in a unix
 *   socket, or held by a process whose fds cannot be read (pid 1 here:
 *   counted in fdtabs_denied);
 * - a network namespace pinned only by a socket (a socket bound there
 *   by a process that then left: ioctl(SIOCGSKNS) on every socket fd
 *   would find it, at the cost of opening each one; not done);
 * - namespaces of tasks outside the pid namespace whose /proc is used.
 *
 * mqueue mounts whose IPC namespace is gone (NAMESPACES.md 1.5): a mqueue
 * mount does not pin its IPC namespace, and when the namespace is freed
 * the superblock lives on with its queues, which can still be unlinked
 * but never opened with mq_open(). Nothing in mountinfo, statfs or the
 * queue files says so. What can be told: each IPC namespace has exactly
 * one mqueue superblock, and while a mount keeps it its device number
 * stays allocated. So each IPC namespace found is entered by a short-
 * lived thread (setns, then fsopen("mqueue") + fsmount, fstat for the
 * device), and an mqueue mount whose device is no such namespace's is a
 * finding. It is certain only if discovery is complete: the superblock
 * of a namespace that discovery missed (see above) looks the same.
 * Without CAP_SYS_ADMIN or fsopen() (Linux < 5.2) nothing is told:
 * mq_rule says so and no finding is made. A caller that enters every
 * IPC namespace anyway can do the check itself (nsd_opts.mq_by_caller),
 * which saves a round of setns.
 *
 * Churn: tasks and fds that vanish during the walk (ENOENT, ESRCH) are not
 * errors; zombies have no ns links and are skipped. A task whose links
 * cannot be read (EPERM, EACCES: pid 1 on some hosts, even for root) is
 * counted, so that the caller can mark its view incomplete.
 *
 * Bounds: at most NSD_MAX_NS namespaces, NSD_MAX_READERS mountinfo files,
 * mountinfo lines of NSD_LINE_MAX bytes (longer ones are skipped and
 * counted), paths of NSD_MAX_DEPTH components. No recursion.
 *
 * Descriptors: one per namespace plus one per mqueue finding. Raise
 * RLIMIT_NOFILE before calling on a big host: on EMFILE what could not
 * be opened is left out and truncated is set.
 *
 * Threads and children: nsd_discover() may start and join one thread of
 * its own (the mqueue check) and fork one short-lived child per mount
 * namespace that no task is in (it allocates nothing, so a threaded
 * caller is fine); the calling thread's namespaces never change.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define NSD_MAX_NS 65536
#define NSD_MAX_READERS 8192
#define NSD_LINE_MAX 65536
#define NSD_MAX_DEPTH 256

enum nsd_type {
	NSD_IPC,
	NSD_MNT,
	NSD_NET,
	NSD_CGROUP,
	NSD_NTYPES
};

/* How a namespace was found (a bit set: one may be found several ways). */
#define NSD_VIA_TASK 0x1u	/* some task is in it */
#define NSD_VIA_FD 0x2u		/* some process holds an fd of it */
#define NSD_VIA_BIND 0x4u	/* an nsfs bind mount of it */

/* How the initial namespace of a type was recognised. */
enum nsd_init_rule {
	NSD_INIT_NONE,		/* not found among the namespaces */
	NSD_INIT_STATIC,	/* its inode is one of the kernel's fixed
				 * initial ones, below the first dynamic
				 * nsfs inode 0xF0000000: ipc 0xEFFFFFFF,
				 * cgroup 0xEFFFFFFB; on newer kernels
				 * (6.18 here) also net 0xEFFFFFF9, mnt
				 * 0xEFFFFFF8 */
	NSD_INIT_PID1,		/* no fixed inode (mnt and net on 6.1): the
				 * namespace of pid 1 of the /proc used */
	NSD_INIT_SELF,		/* pid 1 unreadable: the caller's own; may
				 * be wrong if the caller is not in the
				 * initial namespace */
};

struct nsd_ns {
	enum nsd_type type;
	dev_t dev;		/* st_dev of the nsfs file */
	ino_t ino;		/* st_ino: the id shown as "ipc:[INO]" */
	int fd;			/* O_RDONLY|O_CLOEXEC on the nsfs file, for
				 * setns(); owned by the result */
	unsigned via;		/* NSD_VIA_* */
	bool initial;		/* the initial namespace of its type */

	/* Tasks: counted per thread. pid/tid: the lowest process that has
	 * a task in it, and that task; 0 when ntasks is 0. */
	unsigned ntasks;
	pid_t pid, tid;

	/* IPC: a process through which its mqueue and /dev/shm could be
	 * reached: the lowest one whose main thread is in it (holder_tid
	 * == holder_pid), else one whose thread is (holder_tid is that
	 * thread); 0 when no task is in it. The caller decides whether
	 * that process's root and mount namespace are to be trusted. */
	pid_t holder_pid, holder_tid;

	/* IPC: st_dev of its mqueue superblock; 0 if not determined (it
	 * is only when some mqueue mount exists, see mq_rule). */
	dev_t mq_dev;

	/* Where an fd-held or bind-mounted namespace was found: the lowest
	 * process holding an fd of it; the mount namespace (inode), task
	 * and mount point (decoded, as seen from that task's root) of the
	 * first bind mount found. 0 / NULL if none. */
	pid_t fd_pid;
	ino_t bind_mntns;
	pid_t bind_tid;
	char *bind_path;
};

/* An mqueue superblock mounted somewhere whose IPC namespace was not
 * found (see above). One per superblock, however many mounts it has. */
struct nsd_mq_orphan {
	dev_t dev;		/* the superblock's device */
	unsigned nmounts;	/* mounts of it seen in all mountinfo files */
	ino_t mntns;		/* a mount namespace where it is mounted */
	pid_t pid, tid;		/* the task whose root @path is relative to
				 * (0: seen by a child in a mount namespace
				 * of no task, which sent @fd) */
	char *path;		/* mount point, decoded */
	int fd;			/* O_PATH|O_CLOEXEC on the mount's root
				 * directory, checked MQUEUE_MAGIC and
				 * @dev: the queues can be unlinked with
				 * unlinkat() on it; -1 if the mount point
				 * could not be reached, or with
				 * mq_by_caller was not yet (nsd_mq_reach) */
};

enum nsd_mq_rule {
	NSD_MQ_CHECKED,		/* every IPC namespace's mqueue device was
				 * determined (or no mqueue mount exists,
				 * and none was needed): findings as
				 * described */
	NSD_MQ_PARTIAL,		/* some were not (ipcns_unchecked): a
				 * finding may be the superblock of one
				 * of those, alive */
	NSD_MQ_UNTOLD,		/* no fsopen() or no privilege: no
				 * finding at all */
	NSD_MQ_CALLER,		/* nsd_opts.mq_by_caller: every mqueue
				 * superblock mounted is in mq, the
				 * caller tells which are alive */
};

struct nsd_result {
	struct nsd_ns *ns;	/* sorted by type, then inode */
	size_t n;
	struct nsd_mq_orphan *mq;
	size_t nmq;
	enum nsd_mq_rule mq_rule;
	enum nsd_init_rule init_rule[NSD_NTYPES];

	/* What could not be seen. Any nonzero count (or truncated) makes
	 * the view incomplete: see nsd_complete(). */
	unsigned tasks_denied;	  /* tasks whose ns links are unreadable */
	unsigned tasks_unverified;/* ns links that were not nsfs files */
	unsigned fdtabs_denied;	  /* processes whose fd table is unreadable */
	unsigned mntns_unread;	  /* mountinfo files that could not be read */
	unsigned mntns_taskless;  /* mount namespaces with no task whose
				   * mountinfo the child could not read
				   * (no privilege, fork failed) */
	unsigned binds_unreached; /* nsfs bind mounts not reached or not
				   * the advertised namespace */
	unsigned ipcns_unchecked; /* IPC namespaces whose mqueue device
				   * could not be determined */
	unsigned lines_skipped;	  /* mountinfo lines too long or malformed */
	bool truncated;		  /* NSD_MAX_* or EMFILE hit */

	/* Work done, for the caller's statistics. */
	unsigned ntasks, nprocs, nreaders;
};

struct nsd_mountinfo;

/* Called for every mountinfo line that discovery reads through a task,
 * with the mount namespace and that task: mount points are relative to
 * its root (/proc/PID/task/TID/root). Not called for the lines of a
 * mount namespace that no task is in (read by a child inside it). Lets the caller find
 * /dev/shm tmpfs and socket dirs of every mount namespace without reading
 * each mountinfo again (about 70 us each here). @mi is valid only during
 * the call. */
typedef void (*nsd_mount_fn)(const struct nsd_mountinfo *mi, ino_t mntns,
			     pid_t pid, pid_t tid, void *arg);

struct nsd_opts {
	/* Root prefix of /proc ("" or NULL: the live system). With a
	 * fixture tree nothing is nsfs, so nothing is found; what could
	 * not be verified is counted. */
	const char *root;
	/* Types to find, a bit set of 1u << NSD_*; 0 means all. Mount
	 * namespaces are always found: their mountinfo is how bind mounts
	 * are. Each type costs a stat per task (about 7 us here). */
	unsigned types;
	/* Skip the mqueue check (mq_rule is then NSD_MQ_UNTOLD, as it is
	 * when IPC is not among the types). */
	bool no_mq_check;
	/* Enter no IPC namespace for the check: every mqueue superblock
	 * mounted anywhere goes into res->mq (one entry each, its mount
	 * point reached as for a finding), mq_rule is NSD_MQ_CALLER and
	 * the caller, which enters each namespace anyway, drops those
	 * whose device is a live namespace's (scan.c: the mqueue instance
	 * it mounts in each), and reaches the others' mount points with
	 * nsd_mq_reach() (fd is -1 unless a child sent one): most are
	 * live, and reaching each costs a walk. The view is then not
	 * nsd_complete(): that is the caller's to judge. */
	bool mq_by_caller;
	/* Skip the fd tables (a readlink per descriptor of every process:
	 * the bulk of the walk): a namespace held only by an fd is then not
	 * found, and fd_pid and NSD_VIA_FD are never set. For a caller that
	 * reads every fd table itself anyway (either holder pass) and
	 * discovers again with them when one names a namespace that this
	 * walk found no task in (scan.c). */
	bool no_fds;
	nsd_mount_fn on_mount;
	void *on_mount_arg;
};

/*
 * Discover. Returns 0 with *res filled (the caller frees it with
 * nsd_result_free()), or -errno when /proc itself cannot be read (then
 * *res is empty). Everything else goes into the counters.
 */
int nsd_discover(const struct nsd_opts *opts, struct nsd_result *res);

/* Close every descriptor and free everything; accepts an empty result. */
void nsd_result_free(struct nsd_result *res);

/*
 * The mount point of @m (an entry of an NSD_MQ_CALLER result), reached
 * as discovery reaches one: a duplicate of @m->fd if it has one, else
 * from /proc/PID/task/TID/root one component at a time, no symlink
 * followed. It must be the root of that very superblock (a directory on
 * mqueue with @m->dev: a task gone or a pid reused since leads
 * elsewhere, -ESTALE). Returns an O_PATH fd or -errno.
 */
int nsd_mq_reach(const struct nsd_mq_orphan *m);

/* True if nothing was counted as unseen. */
bool nsd_complete(const struct nsd_result *res);

/* The namespace of @type with inode @ino, or NULL. */
const struct nsd_ns *nsd_find(const struct nsd_result *res,
			      enum nsd_type type, ino_t ino);

/* "ipc", "mnt", "net", "cgroup". */
const char *nsd_type_name(enum nsd_type type);

/* ---------------------------------------------- parsers (for the tests) */

/*
 * A namespace link text "ipc:[4026531839]" (the whole string). Returns 0
 * with *type and *ino set, -EINVAL for anything else (unknown type,
 * missing brackets, trailing bytes, no digits, zero), -ERANGE for an
 * inode beyond 64 bits.
 */
#ifdef IPCSCAN_TEST_HOOKS
/* Test builds: the fd table of pid IPCSCAN_TEST_FD_DENIED_PID is taken
 * as unreadable, by discovery and by the /proc holder pass alike (as the
 * links of a process can be hidden from root by its security module);
 * the BPF pass, which reads it in the kernel, still counts it unread for
 * discovery (its nsfs descriptors are not looked at). */
bool nsd_test_fd_denied(pid_t pid);
#endif

int nsd_parse_link(const char *s, size_t len, enum nsd_type *type,
		   uint64_t *ino);

/* One mountinfo line, split and decoded in place (no allocation). */
struct nsd_mountinfo {
	uint64_t mnt_id;
	unsigned major, minor;
	char *root;		/* decoded: "/" or "ipc:[N]" for nsfs */
	char *mountpoint;	/* decoded */
	char *fstype;
};

/*
 * Parse @line (without its newline) in place: fields separated by
 * single spaces, optional fields ended by "-", \NNN octal escapes in
 * root and mount point decoded (a \000 is refused: paths cannot hold a
 * NUL). Returns 0 or -EINVAL.
 */
int nsd_parse_mountinfo(char *line, struct nsd_mountinfo *mi);

typedef void (*nsd_mountinfo_fn)(const struct nsd_mountinfo *mi, void *arg);

/*
 * Every line of the mountinfo file open on @fd, parsed, to @fn. Reads in
 * chunks into @buf (@cap bytes, NSD_LINE_MAX + 1 is what discovery uses):
 * memory does not grow with the file. A line longer than @cap - 1 bytes
 * or malformed is skipped and counted in *skipped. Returns 0 or -errno of
 * a failed read (the lines before it were given to @fn).
 */
int nsd_read_mountinfo(int fd, char *buf, size_t cap, nsd_mountinfo_fn fn,
		       void *arg, unsigned *skipped);

#endif
