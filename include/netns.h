/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netns.h - every other network namespace, entered in a throwaway child. */
#ifndef IPCSCAN_NETNS_H
#define IPCSCAN_NETNS_H

#include <stdbool.h>
#include <stdint.h>

#include "scan.h"

/* The child's side of the pipe back to the parent. */
struct netns_out;

/* Runs in a forked child inside the namespace. It must not allocate (a
 * child of fork) and sends its results with netns_emit().
 * Returns 0 or -errno. */
typedef int (*netns_child_fn)(struct netns_out *out, void *arg);

/* Queue one record (a, b) for the parent. Returns 0 or -errno. */
int netns_emit(struct netns_out *out, uint64_t a, uint64_t b);

/* Runs in the parent for every record a child sent. 0 or -errno. */
typedef int (*netns_rec_fn)(uint64_t a, uint64_t b, void *arg);

/*
 * For each distinct network namespace other than @src's (its net.ino,
 * else /proc/self/ns/net) that a process of @procs is in (every /proc/PID
 * when the table is empty), and each /run/netns entry: fork a child that
 * setns()es into it and runs @child; give every record it sends to @rec.
 * A namespace that cannot be identified or entered (not @privileged,
 * EPERM, a child that failed) sets *incomplete. Only for a source that
 * may make syscalls; a fixture just sets *incomplete.
 * Returns 0, or -errno from @rec (e.g. -ENOMEM).
 */
int netns_foreach_other(const struct source *src,
			const struct proctab *procs, bool privileged,
			netns_child_fn child, void *carg, netns_rec_fn rec,
			void *rarg, bool *incomplete);

#endif
