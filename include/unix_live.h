/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unix_live.h - live unix sockets and the socket files bound in any netns. */
#ifndef IPCSCAN_UNIX_LIVE_H
#define IPCSCAN_UNIX_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "hash.h"
#include "scan.h"

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

/* pairmap value: bound, but no object kept for it */
#define NO_OBJ UINT32_MAX

/* The unix sockets of the own network namespace, kept for the socket-dir
 * walk to match socket files against. */
struct own_net {
	struct objset *set;	/* the output, or local if unix not wanted */
	struct objset local;
	uint64_t netns;
	struct pairmap vfs;	/* (dev_key, ino) -> index in set */
	bool vfs_ok;		/* sock_diag answered: vfs is the truth */
	struct pairmap byname;	/* fallback: (hash(addr), 0) -> index */
	unsigned bad;		/* malformed messages or lines */
};

/* Fill @on from @src: sock_diag when it allows syscalls (else, and under
 * a fixture root, /proc/net/unix). The sockets go to @out with
 * @want_unix, else to @on's own set, used only for matching. What fails
 * goes to @d (diag_partial when neither source could be read). */
void own_net_collect(const struct source *src, struct objset *out,
		     struct diag *d, struct own_net *on, bool want_unix);
/* Is the socket file at @path with @st the file of a socket of the own
 * netns? If so, the socket object learns its path. */
bool own_net_match(struct own_net *on, const char *path,
		   const struct stat *st);
void own_net_free(struct own_net *on);

struct nsrun;

/*
 * The unix sockets of another network namespace (the nsfs file @nsfd,
 * inode @netns), as KIND_UNIX objects into @out: sock_diag opened inside
 * it on the runner @r's thread (nsrun.h). *bad counts malformed
 * messages (those sockets are not listed). 0, or -errno and nothing
 * added (a half dump is worse than none).
 */
int unix_collect_netns(struct nsrun *r, int nsfd, uint64_t netns,
		       struct objset *out, unsigned *bad);

/* The (dev_key, ino) pairs bound in @src's netns and every other netns
 * reachable from @procs. Sets *incomplete when some netns could not be
 * read. Returns 0 or -errno. */
int sockets_bound_set(const struct scan_settings *set,
		      const struct source *src, const struct proctab *procs,
		      struct pairmap *bound, bool *incomplete);
/* The same for the other network namespaces only. */
int sockets_bound_others(const struct scan_settings *set,
			 const struct source *src,
			 const struct proctab *procs, struct pairmap *bound,
			 bool *incomplete);

#endif
