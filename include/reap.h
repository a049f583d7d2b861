/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reap.h - the contract every remover follows (used by gc). */
#ifndef IPCSCAN_REAP_H
#define IPCSCAN_REAP_H

#include <stdbool.h>
#include <stddef.h>

struct obj;
struct nsrun;
struct pairmap;
struct proctab;
struct scan_settings;
struct source;

/*
 * What gc keeps across removals. Only the removers that need a part of it
 * look at it; gc owns it and frees it (reap_cache_free).
 */
struct reap_cache {
	/* (dev_key, ino) of every socket file bound in any netns, read
	 * once before the first socket file is removed (sockfiles.c) */
	struct pairmap *sock_bound;
	/* the thread that enters other IPC namespaces (sysv.c), started
	 * on first use */
	struct nsrun *runner;
};
void reap_cache_free(struct reap_cache *c);

/* What a remover is given besides the object. */
struct reap_env {
	const struct scan_settings *set;
	const struct source *src;	/* where the object was found */
	const struct proctab *procs;	/* the latest process table */
	struct reap_cache *cache;	/* gc's; NULL: nothing is kept */
};

/*
 * Re-read @o right before removal and remove it only if it is still the
 * same object (SysV: same id, key, cuid, ctime; files: same dev, ino, type,
 * uid, and not replaced) and the kernel-visible evidence of orphanhood still
 * holds (shm nattch 0 and pids unchanged, sem/msg times and pids unchanged,
 * sockfile still bound nowhere, ...). With @dry_run everything but the final
 * removal is done.
 *
 * Returns REAP_DONE (removed / would remove), REAP_SKIP with a one-line
 * reason in @why (changed, in use again), or -errno from the failing call:
 * -ENOENT / -EINVAL / -EIDRM mean "already gone", -EPERM / -EACCES "not
 * permitted"; anything else is a failure.
 */
enum { REAP_DONE = 0, REAP_SKIP = 1 };

typedef int (*reap_fn)(const struct reap_env *env, const struct obj *o,
		       bool dry_run, char *why, size_t whylen);

/* Each remover is declared beside its collector: sysv_reap in sysv.h,
 * posix_reap in posix.h, sockfiles_reap in sockfiles.h. */

#endif
