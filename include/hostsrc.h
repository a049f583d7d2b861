/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hostsrc.h - the file side of the whole host: shm, socket dirs, netns sockets. */
#ifndef IPCSCAN_HOSTSRC_H
#define IPCSCAN_HOSTSRC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "nsdisc.h"
#include "procs.h"
#include "scan.h"

/*
 * Every distinct view of the file system a task has (a mount namespace,
 * and a root in it: a chroot sees other directories), as discovery's
 * mountinfo readers give them: one per (mount namespace, root), the
 * lowest pid first. Filled by hostsrc_on_mount, passed to nsd_discover
 * as its on_mount hook, so that no /proc walk is made twice.
 */
struct hostsrc_view {
	ino_t mntns;
	pid_t pid;
};

struct hostsrc_dirs;

struct hostsrc {
	struct hostsrc_view *v;
	size_t n, cap;
	/* the sources made, until hostsrc_merge hands them to the scan
	 * (collectors may hold pointers into its array meanwhile) */
	struct source *src;
	size_t nsrc;
	/* the directories taken, by (dev, ino), and which other views
	 * reach each one (hostsrc.c): hostsrc_merge records the files'
	 * views in the scan (scan.h, file_views) */
	struct hostsrc_dirs *dirs;
};

/* nsd_mount_fn: records (@mntns, @pid) once (@arg: struct hostsrc). */
void hostsrc_on_mount(const struct nsd_mountinfo *mi, ino_t mntns,
		      pid_t pid, pid_t tid, void *arg);

/*
 * A source into @h per view that has a /dev/shm tmpfs (@want_shm) or a
 * socket dir (@want_sock: run, tmp, var/tmp, dev/shm below its root)
 * that our own do not and no view before it had: the views in pid order,
 * each reached through the pid's root with saferoot (never a path below
 * /proc/PID/root), checked against our mount table (the bind-mount
 * trap), deduplicated by the directory's (dev, ino), so a tmpfs seen by
 * many containers is one scan, named by the mount namespace of the
 * lowest pid that sees it (@res gives its held fd), and a subdirectory of
 * a tmpfs bound in is not taken for the whole of it. A refused directory
 * is a warning in @d naming the pid and why; it makes the view incomplete
 * only when something could not be read (the process went away, an
 * error), not when it is no directory of that use. Each root is opened
 * only if its pid still has the start time @procs recorded (a pid reused
 * since is another process's root): otherwise that view is not read.
 * A mount namespace of @res that no task is in (kept by a descriptor or
 * a bind mount) has no process root: a short-lived thread that unshared
 * its fs_struct enters it (setns lands on the namespace's root) and
 * opens "/", and that root is read the same way, after the tasks' views,
 * as a source with no pid. One that cannot be entered is not read, and
 * the view is incomplete, with a warning naming it, what holds it and
 * why.
 */
void hostsrc_add_mnt(struct hostsrc *h, const struct nsd_result *res,
		     const struct proctab *procs, bool want_shm,
		     bool want_sock, struct diag *d);

/* The socket-dir walk (sockfiles_collect_kept) on each of them that has
 * socket dirs, into @out, tagged as below. */
void hostsrc_collect_sock(struct hostsrc *h, const struct scan_settings *set,
			  const struct proctab *procs, struct objset *out,
			  struct diag *d);

/* The POSIX shm collector on each of them, into @out; each object's src is
 * its index in @h until hostsrc_merge. */
void hostsrc_collect_shm(struct hostsrc *h, const struct scan_settings *set,
			 struct objset *out, struct diag *d);

/* A source into @h per network namespace of @res other than @own_net
 * (its held fd duplicated; pid: the lowest process in it, 0 if none). */
void hostsrc_add_net(struct hostsrc *h, const struct nsd_result *res,
		     uint64_t own_net);

/* Their unix sockets into @out (when set->kinds has unix), each dump on a
 * runner thread inside the namespace (unix_collect_netns); one that
 * cannot be entered or read makes the view incomplete. */
void hostsrc_collect_net(struct hostsrc *h, const struct scan_settings *set,
			 struct objset *out, struct diag *d);

/* Append @h's sources to @ctx and @objs (emptied) to its objects, whose
 * src then index ctx->src. */
void hostsrc_merge(struct scan_ctx *ctx, struct hostsrc *h,
		   struct objset *objs);

void hostsrc_free(struct hostsrc *h);

#endif
