/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netns.h - every other network namespace, entered on a runner thread. */
#ifndef IPCSCAN_NETNS_H
#define IPCSCAN_NETNS_H

#include <stdbool.h>
#include <stdint.h>

#include "scan.h"

/* Runs on a thread of ours inside the namespace (nsrun.h): it may
 * allocate, and opens there what must be bound to it (a netlink socket).
 * Returns 0 or -errno (the namespace then counts as not read). */
typedef int (*netns_fn)(void *arg);

/*
 * For each distinct network namespace other than @src's (its net.ino,
 * else /proc/self/ns/net) that a process of @procs is in (every /proc/PID
 * when the table is empty), and each /run/netns entry: run @fn(@arg)
 * inside it, one namespace after another on one runner thread. A
 * namespace that cannot be identified or entered (not @privileged, EPERM)
 * or for which @fn fails sets *incomplete. Only for a source that may
 * make syscalls; a fixture just sets *incomplete. Returns 0.
 */
int netns_foreach_other(const struct source *src,
			const struct proctab *procs, bool privileged,
			netns_fn fn, void *arg, bool *incomplete);

#endif
