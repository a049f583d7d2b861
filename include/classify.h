/* SPDX-License-Identifier: GPL-2.0-or-later */
/* classify.h - pure: (object, processes, policy) -> state + reason. */
#ifndef IPCSCAN_CLASSIFY_H
#define IPCSCAN_CLASSIFY_H

#include "ipcscan.h"
#include "procs.h"

/*
 * How much of the world the evidence covers: the one place where a partial
 * view turns what would be proof into "unknown" (SPEC "What ipcscan can and
 * cannot see"). The scan decides it (scan.c: set_policy) and passes it to
 * every classify() call, the gc re-check included; the classifier looks at
 * nothing else about where it runs. All false: the complete view of a root
 * scan in the initial pid namespace.
 */
struct classify_policy {
	/*
	 * Processes outside our pid namespace may use the objects and are
	 * invisible: ipcscan runs in a pid namespace other than the initial
	 * one (or cannot tell which) and the operator did not say
	 * --trust-pidns. Then "no holder" proves nothing: POSIX kinds, FIFOs,
	 * socket files, sem and msg are unknown unless a visible holder or a
	 * live pid makes them in-use; and a SysV pid of 0 means "not visible
	 * here", never "not recorded" (a segment's lpid 0 after an attach or
	 * detach is a last user out of sight).
	 */
	bool outside_unseen;
	/*
	 * The process table may lack live processes of our own namespace:
	 * /proc has hidepid= and we are not root (proctab.hidden), or the
	 * process list could not be read. A recorded pid that is not in the
	 * table may be a hidden live process: whatever depends on it is
	 * unknown.
	 */
	bool pids_hidden;
	/*
	 * /proc numbers processes in another pid namespace than the one the
	 * kernel translates recorded pids into (a /proc from a parent pid
	 * namespace): no recorded pid can be judged dead, only alive.
	 */
	bool pids_foreign;
};

/* Set o->state and o->reason from the object's own evidence (holders,
 * recorded pids and times, flags), the process table and @pol. @now is used
 * for ages in reasons. Never touches anything but o->state and o->reason. */
void classify(struct obj *o, const struct proctab *pt,
	      const struct classify_policy *pol, time_t now);

/*
 * For a kind's classifier (kinds.h: the row's classify), the pieces the
 * built-in ones are made of, so that the reasons read alike.
 */
/* Set o->state and o->reason (printf-style). */
void classify_set(struct obj *o, enum state s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* In use, the reason summing up the holders ("open in 2 processes"). */
void classify_inuse(struct obj *o);
/* Unknown: "@prefix" and how many processes could not be inspected. */
void classify_uninspected(struct obj *o, const struct proctab *pt,
			  const char *prefix);
/* "; unused for 3h" into @buf, or "" when it records no use time. */
void classify_age(const struct obj *o, time_t now, char *buf, size_t len);
/* A recorded pid (> 0) recorded at @t: alive, dead, or not to be judged
 * because the process table may not show it (then classify_unseen_why
 * says why, for the reason). */
enum pidv { PID_ALIVE, PID_DEAD, PID_UNSEEN };
enum pidv classify_pid(const struct proctab *pt,
		       const struct classify_policy *pol, pid_t pid, time_t t);
const char *classify_unseen_why(const struct classify_policy *pol);
/* Why a partial view proves nothing (SPEC: a child pid namespace). */
#define CLASSIFY_OUTSIDE "processes outside this pid namespace are invisible"

/* The built-in kinds' classifiers, which their rows (kinds.h) name;
 * classify() calls the row's. Same contract as classify(). */
void classify_shm(struct obj *o, const struct proctab *pt,
		  const struct classify_policy *pol, time_t now);
void classify_sem(struct obj *o, const struct proctab *pt,
		  const struct classify_policy *pol, time_t now);
void classify_msg(struct obj *o, const struct proctab *pt,
		  const struct classify_policy *pol, time_t now);
/* pshm, psem, mqueue */
void classify_posix(struct obj *o, const struct proctab *pt,
		    const struct classify_policy *pol, time_t now);
void classify_unix(struct obj *o, const struct proctab *pt,
		   const struct classify_policy *pol, time_t now);
void classify_sockfile(struct obj *o, const struct proctab *pt,
		       const struct classify_policy *pol, time_t now);
void classify_fifo(struct obj *o, const struct proctab *pt,
		   const struct classify_policy *pol, time_t now);

#endif
