/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scan.h - the pipeline: collectors -> processes -> holders -> classify. */
#ifndef IPCSCAN_SCAN_H
#define IPCSCAN_SCAN_H

#include "attrib.h"
#include "classify.h"
#include "diag.h"
#include "hash.h"
#include "ipcscan.h"
#include "procs.h"

/* Which holder pass runs (--holders). */
enum holders_mode {
	HOLDERS_AUTO,	/* BPF where it can be used, else /proc */
	HOLDERS_PROC,	/* /proc only */
	HOLDERS_BPF,	/* as auto, and warn when BPF cannot be used */
};

/*
 * -N: which namespaces a scan covers. Nothing set: the default (every
 * namespace as root in the initial namespaces, else our own). Several
 * may be set: their union.
 */
struct ns_scope {
	bool all;		/* every namespace found on the host */
	bool self;		/* the namespaces we run in */
	uint64_t *ids;		/* namespace ids (nsfs inodes), owned */
	size_t nids;
};

/*
 * Parse one -N argument, a comma list of "all", "self", a namespace id
 * ("4026532301") or its link text ("ipc:[4026532301]"), into @sc (added
 * to what it has). On error -EINVAL with *bad pointing at the item (a
 * static copy, valid until the next call).
 */
int ns_scope_parse(const char *list, struct ns_scope *sc, const char **bad);
void ns_scope_free(struct ns_scope *sc);

struct scan_opts {
	const char *root;	/* "" = live system; else a fixture tree prefix */
	kindmask_t kinds;
	const char *const *sockdirs;	/* NULL = defaults */
	size_t nsockdirs;
	/* --trust-pidns: nothing outside our pid namespace shares its IPC
	 * namespace, /dev/shm, /dev/mqueue or socket dirs */
	bool trust_pidns;
	enum holders_mode holders;
	const struct ns_scope *scope;	/* -N; NULL: the default */
	/* read each other IPC namespace's limits into its source (lim),
	 * which only stats shows */
	bool ipc_limits;
};

/*
 * What the whole scan is asked to do and where it runs: set once by
 * scan_init, read-only to the collectors and passes.
 */
struct scan_settings {
	const char *root;	/* fixture tree /proc is read under; "" none */
	kindmask_t kinds;
	const char *const *sockdirs;	/* default_sockdirs, or given */
	size_t nsockdirs;
	time_t now;
	bool privileged;	/* euid 0 */

	/* What the classifier may take as proven from where we run
	 * (set_policy in scan.c: scan_run, scan_recheck). */
	bool trust_pidns;	/* scan_opts.trust_pidns */
	bool pidns_child;	/* not the initial pid namespace, or unknown */
	int pidns_err;		/* 0, or why the pid namespace is unknown */
	uint64_t own_pidns;	/* inode of our pid namespace, 0 unknown */
	bool procs_foreign;	/* /proc numbers pids in another pid ns */
	enum holders_mode holders;	/* scan_opts.holders */
	bool ipc_limits;		/* scan_opts.ipc_limits */

	/* -N as given (ids: owned by the caller's scope) and whether the
	 * scan looks beyond our own namespaces */
	struct ns_scope scope;
	bool host_wide;
};

/* A namespace, held open for the whole run (an inode number alone can be
 * reused as soon as the namespace dies). */
struct limit_stat;
struct pairmap;
struct nsd_result;

struct nsref {
	int fd;			/* nsfs file; -1: fixture, unreadable */
	uint64_t ino;		/* its inode, 0 unknown */
	bool initial;		/* the host's (initial) namespace */
};

/*
 * Where objects come from: one IPC, mount and network namespace and how
 * to reach what lives in them. Today there is one source, the namespaces
 * ipcscan runs in; a host-wide scan adds one per namespace it finds, and
 * the scan runs the collectors once per source.
 */
struct source {
	const char *root;	/* fixture tree its files are read under,
				 * "" = this machine's file system */
	bool syscalls;		/* may ask the kernel about its objects:
				 * semctl, sock_diag, mq_open, fsmount,
				 * connect probes, setns; not in a fixture */
	bool own;		/* the namespaces we run in: none to enter */
	struct nsref ipc, mnt, net;
	const char *shm_dir;	/* its POSIX shm and semaphores */
	const char *mq_dir;	/* its mounted mqueue, below root (proven
				 * before use, see posix.c); NULL: none;
				 * for another IPC namespace only the
				 * name its queues' paths start with */
	/* Another mount namespace's /dev/shm (hostsrc.c): the directory
	 * opened through a process's root (saferoot.h), read and removed
	 * from through this very fd, never walked to again; NULL: shm_dir
	 * is a path of ours. pid: the process it was reached through. */
	struct sr_dir *shm;
	pid_t pid;
	kindmask_t kinds;	/* the kinds found here: ours every kind;
				 * another IPC namespace's its SysV
				 * objects and queues; 0 for another mount
				 * or network namespace's (hostsrc.c), whose
				 * fields say what it has */
	/* Another IPC namespace: no task is in it (held by an fd or a
	 * bind mount); its objects say so in their reason. */
	bool taskless;
	/* Another IPC namespace: its mqueue instance, the directory of a
	 * detached mount made inside it (fsmount), kept from the scan to
	 * the removal; -1 none. Ours is found again by posix.c. */
	int mq_fd;
	/* Another IPC namespace: st_dev of that instance, 0 unknown (the
	 * orphaned-mount check, scan.c) */
	dev_t mq_dev;
	/* An mqueue superblock mounted somewhere whose IPC namespace is
	 * gone (NAMESPACES.md 1.5; scan.c mq_gone): no namespace to enter
	 * (ipc.ino 0), its queues read and unlinked through mq_fd, the
	 * directory of that mount; mnt names the mount namespace where
	 * gone_path (owned; mq_dir points at it) is its mount point. */
	bool ipc_gone;
	char *gone_path;
	/* Another IPC namespace: its limits (stats.h: LIM_COUNT entries,
	 * the IPC sysctls only), read inside it at the scan when
	 * scan_opts.ipc_limits asks (stats); NULL none. */
	struct limit_stat *lim;
	/* Its socket dirs (run, tmp, var/tmp, dev/shm below that root),
	 * opened the same way and walked from these fds; NULL/0: none */
	struct sr_dir *sockdirs;
	const char **sockdir_paths;	/* each one's path as shown, "/run" */
	size_t nsockdirs;
	/* The directories below them where the walk found socket files,
	 * kept open for gc (which removes through them, never walking
	 * again); filled by the collector, hence not const. */
	struct kept_dirs *kept;
};

/* A directory a collector kept open for gc, by its path as shown. */
struct kept_dir {
	char *path;
	int fd;
	dev_t dev;
	ino_t ino;
};

struct kept_dirs {
	struct kept_dir *v;
	size_t n;
};

/* Close the source's namespace fds and kept directories. */
void source_free(struct source *src);

/*
 * A collector: reads the objects of some kinds from one source into @out
 * and tells @d what it could not read. It reads nothing but its arguments
 * (settings and source are read-only) and never prints. Returns 0, or a
 * fatal -errno (partial failures are diag_partial calls).
 */
typedef int (*collect_fn)(const struct scan_settings *set,
			  const struct source *src, struct objset *out,
			  struct diag *d);

/* One scan: its settings, sources and results. */
/*
 * Files that more mount namespaces see than the one they live in
 * (hostsrc.c): a tmpfs or socket dir that other views reach too (a pod's
 * /dev/shm in each of its containers, the host's bound in with
 * --ipc=host), or a file reached through two socket dirs. Each such file,
 * by its (dev_key_of(dev), ino), names the sets of extra mount namespaces
 * that see it (one per directory, shared by its files); attribution
 * (attrib.c) takes the containers of all of them.
 */
struct view_set {
	uint64_t *mnt;		/* mount namespace inodes */
	size_t n;
};

struct file_views {
	struct pairmap map;	/* (dev, ino) -> index into sets */
	struct view_set *sets;
	size_t nsets;
};

void file_views_free(struct file_views *fv);

struct scan_ctx {
	struct scan_settings set;
	struct source *src;	/* src[0] is always our own namespaces */
	size_t nsrc;
	/* src[1] .. src[nsrc_ipc]: the other IPC namespaces, by inode */
	size_t nsrc_ipc;
	struct classify_policy policy;

	struct objset objs;
	struct proctab procs;
	bool procs_failed;	/* the process list could not be read */

	struct attrib attrib;	/* containers, after classification */
	struct file_views views;	/* files other views see too */

	struct diag diag;
	double duration;	/* seconds the scan took */

	/* The holder pass: the BPF programs once loaded (kept for the gc
	 * re-check), whether the last pass was theirs, and if not why. */
	struct holders_bpf *hb;
	bool hb_tried;
	bool holders_bpf;
	char hb_why[192];

	/* A host-wide scan leaves the fd tables out of discovery
	 * (nsd_opts.no_fds): the holder pass reads every fd table anyway
	 * (the /proc one each link, the BPF one each file, in the kernel),
	 * and checks each nsfs one of the types in ns_types against
	 * ns_tasked, the namespaces discovery found a task in, by (type,
	 * inode). One naming any other (or an mqueue mount of no namespace
	 * found) sets ns_missed: then the scan is made again with the fd
	 * tables in discovery (scan.c), as if there had been no shortcut.
	 * The fd tables it could not read are counted as discovery counts
	 * them, for the warning that some namespaces may be missed (kept
	 * until then in ns_warn, to go at ns_warn_at among the warnings). */
	bool ns_fold;		/* may leave the fd tables to that pass */
	struct pairmap *ns_tasked;
	unsigned ns_types;
	bool ns_missed;
	unsigned ns_fdtabs_denied;
	struct nsd_result *ns_warn;
	size_t ns_warn_at;
};

/* The source of our own namespaces. */
static inline const struct source *scan_own(const struct scan_ctx *ctx)
{
	return &ctx->src[0];
}

/* Where @o was found (an index out of range, as in an object a test
 * made by hand: our own). */
static inline const struct source *obj_src(const struct scan_ctx *ctx,
					   const struct obj *o)
{
	return o->src < ctx->nsrc ? &ctx->src[o->src] : scan_own(ctx);
}

/* The namespace @o lives in: its row's type (kinds.h: ns) of its
 * source's; one that is not known (inode 0) without a source. */
const struct nsref *obj_nsref(const struct scan_ctx *ctx,
			      const struct obj *o);

extern const char *const default_sockdirs[];	/* NULL-terminated */

/* Run the whole pipeline. Returns 0 or -errno (only for fatal failures,
 * e.g. ENOMEM); partial failures become warnings in ctx->diag. */
int scan_run(const struct scan_opts *opts, struct scan_ctx *ctx);
/* The settings part of scan_run: an empty context for @opts (the
 * collectors can then be run on it one by one). */
void scan_init(struct scan_ctx *ctx, const struct scan_opts *opts);
/*
 * Right before gc removes anything: read the process list and the holders
 * once more and classify every object again with the same rules, since a
 * process may have opened, mapped or started waiting on an object after
 * the scan (the kernel records none of that for POSIX objects). Evidence
 * flags only ever become more cautious. Returns 0 or -errno.
 */
int scan_recheck(struct scan_ctx *ctx);
void scan_free(struct scan_ctx *ctx);

/* The index in ctx->src of the source of IPC namespace @ino, or -1. */
int scan_ipc_source(const struct scan_ctx *ctx, uint64_t ino);

/* Is @o in a namespace that -N selects? */
bool scan_selected(const struct scan_ctx *ctx, const struct obj *o);

#endif
