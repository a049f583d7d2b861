/* SPDX-License-Identifier: GPL-2.0-or-later */
/* holders.h - the holder pass: /proc/PID/{fd,maps,syscall} -> objects. */
#ifndef IPCSCAN_HOLDERS_H
#define IPCSCAN_HOLDERS_H

#include "scan.h"

/* Walk every process in ctx->procs once: read its fd directory, maps and
 * (only when a message queue exists or a semaphore set may have waiters)
 * syscall file; add holders to the matching objects in ctx->objs; mark
 * procs that could not be inspected. Also adds mqueue NOTIFY_PID holders.
 * The walk may be shared by a few threads of its own (one per usable CPU,
 * up to 4), all done before it returns; the result, holder order
 * included, is that of one walk in pid order. */
void holders_scan(struct scan_ctx *ctx);

/* The first key under which both holder passes index a SysV object:
 * its kind and its source (ids are per IPC namespace). */
static inline uint64_t holders_sysv_a(enum kind kind, size_t src)
{
	return (uint64_t)kind | (uint64_t)src << 8;
}

/* One /proc/PID/maps line. */
struct maps_entry {
	unsigned dev_major, dev_minor;
	uint64_t inode;
	bool shared;
	const char *path;	/* points into the line, NULL if none */
	size_t pathlen;
};
/* Parse one line (no trailing newline needed). Returns 0 or -EINVAL. */
int parse_maps_line(const char *line, size_t len, struct maps_entry *e);

/* "70 0x8001 ..." -> syscall number and first argument. Returns 0,
 * -EAGAIN for "running", or -EINVAL. */
int parse_syscall_line(const char *line, long *nr, uint64_t *arg0);

#endif
