/* SPDX-License-Identifier: GPL-2.0-or-later */
/* attrib.h - which containers can see each object (a label, never evidence). */
#ifndef IPCSCAN_ATTRIB_H
#define IPCSCAN_ATTRIB_H

/*
 * After classification, every process is attributed to its container
 * (container.h, from /proc/PID/cgroup) and every object gets the
 * containers whose processes are in its namespace (SPEC, "Namespaces and
 * containers"): shm sem msg mqueue the object's IPC namespace, pshm psem
 * sockfile fifo its mount namespace, unix its network namespace; the
 * namespace is that of the object's source (scan.h). A container's
 * monitor (conmon, the LXC monitor, nspawn's supervisor) makes no
 * container see anything: it runs in the host's namespaces.
 *
 * Nothing here changes an object's state or reason: attribution comes
 * from cgroup names that a user may choose (container.h), so it only
 * labels and selects (-C).
 *
 * Unknown, per object (o->ct_unknown): when ipcscan does not run in the
 * initial cgroup namespace (every object; one warning), when the process
 * list could not be read (every object), or the object's namespace is
 * not known. A process whose container cannot be told
 * (CT_UNKNOWN) is one entry of engine "unknown" ("?").
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "container.h"

struct scan_ctx;
struct obj;
struct proc;

/* One container some process is in. */
struct ct_entry {
	struct container_ref ref;
	char display[CT_DISPLAY_MAX];	/* container_display(), "?" */
};

/* A process's entry in attrib.pct: an index into attrib.v, or these. */
enum { CT_IDX_NONE = -1,	/* a host process */
       CT_IDX_SKIP = -2 };	/* a monitor, or gone: counts nowhere */

struct attrib {
	bool ran;		/* attribution was made */
	bool unknown;		/* not in the initial cgroup namespace */
	struct ct_entry *v;	/* distinct containers, in display order */
	size_t n;
	int *pct;		/* per process of the scan's table */
	size_t npct;
	/* Live processes whose namespaces could not be read (pid 1 of
	 * some sandboxes, even for root): they make no container see
	 * anything. Not a warning: a label is missing, no evidence. */
	unsigned ns_unread;
};

/* Attribute the scan's processes and objects (live or under the scan's
 * root); warnings go to the scan's diag. */
void attrib_run(struct scan_ctx *ctx);

/* The pure parts, for the tests: add @ref (deduplicated; "unknown" is
 * one entry) and get its index; then, with pct filled for every process
 * of ctx->procs, sort the entries and give every object its list. */
int attrib_add(struct attrib *a, const struct container_ref *ref);
void attrib_objects(struct scan_ctx *ctx);
/* A process's pct value for @ref: CT_IDX_SKIP for a monitor,
 * CT_IDX_NONE for the host, else its entry. */
int attrib_proc_ct(struct attrib *a, const struct container_ref *ref);
/* Can @p be placed at all (alive, some namespace read)? Counts
 * ns_unread. */
bool attrib_proc_placeable(struct attrib *a, const struct proc *p);

void attrib_free(struct attrib *a);

/* The inode of @o's namespace as the table above assigns it (0 unknown)
 * and its type's name ("ipc", "mnt", "net"). */
uint64_t attrib_obj_ns(const struct scan_ctx *ctx, const struct obj *o,
		       const char **type);

/*
 * -C: one WHAT. "host", a container id prefix (4 or more lowercase hex
 * digits), a container name, a pod name, a pod uid (dashed) or a podman
 * pod id prefix. Returns 0, or -EINVAL for a value that can be none of
 * them (empty, blanks or control characters, longer than a name).
 */
int attrib_what_check(const char *what);
/* Does @o match -C @what? Unknown attribution matches nothing. */
bool attrib_match(const struct attrib *a, const struct obj *o,
		  const char *what);

#endif
