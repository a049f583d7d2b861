/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sockfiles.h - socket files and FIFOs below the socket dirs. */
#ifndef IPCSCAN_SOCKFILES_H
#define IPCSCAN_SOCKFILES_H

#include <stdbool.h>
#include <stddef.h>

#include "reap.h"
#include "scan.h"

struct pairmap;

/* A collector (scan.h), which also takes the process table: live unix
 * sockets of the source's netns (sock_diag, else /proc/net/unix), then a
 * walk of the socket dirs (depth 4, no symlinks, only tmpfs mounts below)
 * for S_IFSOCK and S_IFIFO files. A socket file is KIND_SOCKFILE only if
 * its (dev, ino) is bound in no network namespace of @procs (or of
 * /proc/ * /ns/net when @procs is empty); otherwise it is the path of a
 * live socket. */
int sockets_collect(const struct scan_settings *set,
		    const struct source *src, const struct proctab *procs,
		    struct objset *out, struct diag *d);
/*
 * The bindings of every network namespace (sockets_bound_set: the
 * (dev_key, ino) bound there), shared by the kept walks of all sources
 * and read by the first of them that meets a socket file, not before
 * (socket dirs with none need no netns walk). Zero it to start; free
 * with sock_bindings_free.
 */
struct sock_bindings {
	struct pairmap *set;	/* NULL until read */
	bool read;		/* tried: set is filled, or err says why not */
	int err;		/* 0, or the -errno of sockets_bound_set */
};

void sock_bindings_free(struct sock_bindings *b);

/*
 * The socket-file walk of another mount namespace's socket dirs
 * (src->sockdirs, opened with saferoot by hostsrc.c): from their kept
 * fds, the same rules, paths as the container shows them, a socket file
 * stale only if bound in no network namespace and refused by the connect
 * probe (@bound: the bindings, read into it on the first socket file
 * when not read yet). The directories holding socket files are kept in
 * src->kept for gc, which removes through them. 0, or -errno when the
 * walk stopped: @bound->err if the bindings could not be read.
 */
int sockfiles_collect_kept(const struct scan_settings *set,
			   const struct source *src,
			   const struct proctab *procs,
			   struct sock_bindings *bound, struct objset *out,
			   struct diag *d);

/* It, as the rows of unix, sockfile and fifo name it (kinds.h). */
extern const struct collector sockets_collector;

/* The socket-file remover (the contract: reap.h). */
int sockfiles_reap(const struct reap_env *env, const struct obj *o,
		   bool dry_run, char *why, size_t whylen);

#endif
