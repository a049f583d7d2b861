/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sockfiles.h - socket files and FIFOs below the socket dirs. */
#ifndef IPCSCAN_SOCKFILES_H
#define IPCSCAN_SOCKFILES_H

#include <stdbool.h>
#include <stddef.h>

#include "scan.h"

/* Live unix sockets of the caller's netns (sock_diag, else /proc/net/unix),
 * then a walk of the socket dirs (depth 4, no symlinks, only tmpfs mounts
 * below) for S_IFSOCK and S_IFIFO files. A socket file is KIND_SOCKFILE
 * only if its (dev, ino) is bound in no network namespace seen under
 * /proc/ * /ns/net; otherwise it is the path of a live socket. */
int sockets_collect(struct scan_ctx *ctx);

/* The socket-file remover (the contract: reap.h). */
int sockfiles_reap(struct scan_ctx *ctx, const struct obj *o, bool dry_run,
		   char *why, size_t whylen);

#endif
