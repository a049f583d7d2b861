/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sockets.h - live unix sockets, stale socket files, FIFOs. */
#ifndef IPCSCAN_SOCKETS_H
#define IPCSCAN_SOCKETS_H

#include "scan.h"
#include "hash.h"

/* One data line of /proc/net/unix into a KIND_UNIX object. The path field
 * is everything after the 7th field (it may contain spaces).
 * Returns 0, -ENOENT for a pending connection (inode 0: not a socket of
 * its own), or -EINVAL. */
int parse_proc_net_unix_line(const char *line, struct obj *o);

/* One sock_diag unix_diag_msg (with its attributes) into a KIND_UNIX
 * object. Returns 0 or -EINVAL on a truncated/malformed message. */
int parse_unix_diag_msg(const void *msg, size_t len, struct obj *o);

/* The kernel's internal dev encoding (sock_diag udiag_vfs_dev) as a
 * dev_key(): major = d >> 20, minor = d & 0xfffff. */
static inline uint64_t kdev_key(uint32_t d)
{
	return ((uint64_t)(d >> 20) << 32) | (d & 0xfffff);
}

/* Live unix sockets of the caller's netns (sock_diag, else /proc/net/unix),
 * then a walk of the socket dirs (depth 4, no symlinks, only tmpfs mounts
 * below) for S_IFSOCK and S_IFIFO files. A socket file is KIND_SOCKFILE
 * only if its (dev, ino) is bound in no network namespace seen under
 * /proc/ * /ns/net; otherwise it is the path of a live socket. */
int sockets_collect(struct scan_ctx *ctx);

/* The (dev_key, ino) pairs bound in every netns reachable from the
 * processes in ctx->procs. Sets *incomplete when some netns could not be
 * read. Returns 0 or -errno. */
int sockets_bound_set(struct scan_ctx *ctx, struct pairmap *bound,
		      bool *incomplete);

#endif
