/* SPDX-License-Identifier: GPL-2.0-or-later */
/* classify.c - pure: an object's evidence, the process table and the policy
 * (how much of the world they cover) -> state. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "classify.h"
#include "kinds.h"
#include "strbuf.h"
#include "util.h"

static const char *plural(unsigned long n)
{
	return n == 1 ? "" : "es";
}

/* Append to a fixed buffer; stops quietly at its end (reasons are short). */
static void cat(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void cat(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strnlen(buf, len);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static void vset(struct obj *o, enum state s, const char *fmt, va_list ap)
{
	o->state = s;
	vset_why(o->reason, sizeof(o->reason), fmt, ap);
}

static void set(struct obj *o, enum state s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set(struct obj *o, enum state s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(o, s, fmt, ap);
	va_end(ap);
}

/* "; unused for 3h", or "" when the object records no use time. */
static void age_clause(const struct obj *o, time_t now, char *buf, size_t len)
{
	time_t last = obj_last_used(o);
	char d[32];

	buf[0] = '\0';
	if (!last || now < last)
		return;
	fmt_duration(d, sizeof(d), (int64_t)(now - last));
	snprintf(buf, len, "; unused for %s", d);
}

/* "mapped by 1 process, open in 2 processes": one part per kind of use.
 * Holders are unique per (pid, via), so a count per via counts pids. */
static void holder_summary(const struct obj *o, char *buf, size_t len)
{
	unsigned long c[VIA_COUNT] = { 0 };
	pid_t notify = 0;
	const char *sep = "";

	for (unsigned i = 0; i < o->nholders; i++) {
		if (o->holders[i].via >= VIA_COUNT)
			continue;
		c[o->holders[i].via]++;
		if (o->holders[i].via == VIA_NOTIFY)
			notify = o->holders[i].pid;
	}
	buf[0] = '\0';
	if (c[VIA_ATTACH]) {
		cat(buf, len, "%sattached by %lu process%s", sep,
		    c[VIA_ATTACH], plural(c[VIA_ATTACH]));
		sep = ", ";
	}
	if (c[VIA_MAP]) {
		cat(buf, len, "%smapped by %lu process%s", sep, c[VIA_MAP],
		    plural(c[VIA_MAP]));
		sep = ", ";
	}
	if (c[VIA_FD]) {
		cat(buf, len, "%sopen in %lu process%s", sep, c[VIA_FD],
		    plural(c[VIA_FD]));
		sep = ", ";
	}
	if (c[VIA_WAIT]) {
		cat(buf, len, "%s%lu process%s waiting", sep, c[VIA_WAIT],
		    plural(c[VIA_WAIT]));
		sep = ", ";
	}
	if (c[VIA_NOTIFY])
		cat(buf, len, "%sregistered for notification by %d", sep,
		    (int)notify);
	if (!buf[0])
		snprintf(buf, len, "held by %u process%s", o->nholders,
			 plural(o->nholders));
}

static void inuse_by_holders(struct obj *o)
{
	char s[REASON_LEN];

	holder_summary(o, s, sizeof(s));
	set(o, STATE_INUSE, "%s", s);
}

static void unknown_uninspected(struct obj *o, const struct proctab *pt,
				const char *prefix)
{
	if (pt->uninspected)
		set(o, STATE_UNKNOWN, "%s%u process%s could not be inspected",
		    prefix, pt->uninspected, plural(pt->uninspected));
	else
		set(o, STATE_UNKNOWN, "%ssome processes could not be inspected",
		    prefix);
}

#define OUTSIDE CLASSIFY_OUTSIDE

/* A recorded pid (> 0) recorded at @t: alive, dead, or not to be judged
 * because the process table may not show it. */
static enum pidv pid_verdict(const struct proctab *pt,
			     const struct classify_policy *pol, pid_t pid,
			     time_t t)
{
	if (pid_alive_at(pt, pid, t))
		return PID_ALIVE;
	if (pol->pids_foreign)
		return PID_UNSEEN;
	if (pol->pids_hidden && !proctab_find(pt, pid))
		return PID_UNSEEN;
	return PID_DEAD;
}

/* The tail of a reason for a PID_UNSEEN pid. */
static const char *unseen_why(const struct classify_policy *pol)
{
	return pol->pids_foreign ?
	       "/proc numbers pids in another pid namespace" :
	       "may be a hidden live process";
}

/* The helpers above, for the classifiers of other files (classify.h). */
void classify_set(struct obj *o, enum state s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(o, s, fmt, ap);
	va_end(ap);
}

void classify_inuse(struct obj *o)
{
	inuse_by_holders(o);
}

void classify_uninspected(struct obj *o, const struct proctab *pt,
			  const char *prefix)
{
	unknown_uninspected(o, pt, prefix);
}

void classify_age(const struct obj *o, time_t now, char *buf, size_t len)
{
	age_clause(o, now, buf, len);
}

enum pidv classify_pid(const struct proctab *pt,
		       const struct classify_policy *pol, pid_t pid, time_t t)
{
	return pid_verdict(pt, pol, pid, t);
}

const char *classify_unseen_why(const struct classify_policy *pol)
{
	return unseen_why(pol);
}

/* Distinct processes that hold @o by attachment. */
static unsigned attach_pids(const struct obj *o)
{
	unsigned n = 0;

	for (unsigned i = 0; i < o->nholders; i++) {
		bool seen = o->holders[i].via != VIA_ATTACH;

		for (unsigned j = 0; j < i && !seen; j++)
			seen = o->holders[j].via == VIA_ATTACH &&
			       o->holders[j].pid == o->holders[i].pid;
		n += !seen;
	}
	return n;
}

void classify_shm(struct obj *o, const struct proctab *pt,
		  const struct classify_policy *pol, time_t now)
{
	const struct shm_detail *s = &o->u.shm;
	time_t lpid_t = tmax(o->t_attach, o->t_detach);
	char age[48], last[48] = "";
	enum pidv cv, lv = PID_DEAD;

	if (s->dest && s->nattch > 0) {
		set(o, STATE_INUSE,
		    "removed, waiting for last detach (%lu attached)",
		    s->nattch);
		return;
	}
	/* nattch counts attachments in every pid namespace; maps only ours. */
	if (s->nattch > 0) {
		set(o, STATE_INUSE, "attached by %lu process%s", s->nattch,
		    plural(s->nattch));
		return;
	}
	/*
	 * Processes seen attached while the kernel counts none, to a
	 * segment whose key the maps name cannot tell apart (IPC_PRIVATE;
	 * a differing key was no match in the holder pass): a process that
	 * attached a segment of the same id in another IPC namespace and
	 * then moved into this one. Which segment it holds cannot be told.
	 */
	if (!o->key && attach_pids(o) > s->nattch) {
		set(o, STATE_UNKNOWN, "not attached, but %u process%s map "
		    "a segment of this id: attached in another IPC namespace?",
		    attach_pids(o), plural(attach_pids(o)));
		return;
	}
	if (o->nholders) {
		inuse_by_holders(o);
		return;
	}
	cv = o->cpid > 0 ? pid_verdict(pt, pol, o->cpid, o->t_change)
			 : PID_UNSEEN;
	if (cv == PID_ALIVE) {
		set(o, STATE_INUSE, "not attached; creator %d alive",
		    (int)o->cpid);
		return;
	}
	if (s->lpid > 0)
		lv = pid_verdict(pt, pol, s->lpid, lpid_t);
	if (lv == PID_ALIVE) {
		set(o, STATE_INUSE, "not attached; last user %d alive",
		    (int)s->lpid);
		return;
	}
	if (o->cpid <= 0) {
		set(o, STATE_UNKNOWN, "not attached; creator pid not visible "
		    "in this pid namespace");
		return;
	}
	if (cv == PID_UNSEEN && lv == PID_UNSEEN && s->lpid != o->cpid) {
		set(o, STATE_UNKNOWN, "not attached; creator %d and last user "
		    "%d not visible, %s", (int)o->cpid, (int)s->lpid,
		    pol->pids_foreign ? unseen_why(pol) :
		    "either may be a hidden live process");
		return;
	}
	if (cv == PID_UNSEEN) {
		set(o, STATE_UNKNOWN, "not attached; creator %d not visible, "
		    "%s", (int)o->cpid, unseen_why(pol));
		return;
	}
	if (lv == PID_UNSEEN) {
		set(o, STATE_UNKNOWN, "not attached; last user %d not "
		    "visible, %s", (int)s->lpid, unseen_why(pol));
		return;
	}
	/* In a partial view an lpid of 0 after an attach or detach is a
	 * last user outside this pid namespace, not "never attached". */
	if (s->lpid <= 0 && pol->outside_unseen && lpid_t) {
		set(o, STATE_UNKNOWN, "not attached; last user not visible "
		    "in this pid namespace");
		return;
	}
	age_clause(o, now, age, sizeof(age));
	if (s->lpid > 0 && s->lpid != o->cpid)
		snprintf(last, sizeof(last), "; last user %d gone",
			 (int)s->lpid);
	set(o, STATE_ORPHAN, "not attached; creator %d gone%s%s", (int)o->cpid,
	    last, age);
}

void classify_sem(struct obj *o, const struct proctab *pt,
		  const struct classify_policy *pol, time_t now)
{
	const struct sem_detail *s = &o->u.sem;
	/* semctl(SETVAL/SETALL) records a pid and moves ctime, not otime:
	 * the later of the two is the newest time a pid can stand for. */
	time_t t = tmax(o->t_op, o->t_change);
	unsigned long waiting = 0;
	char age[48], gone[64] = "";
	unsigned recorded = 0;
	pid_t unseen = 0;

	/* /proc/PID/syscall and GETNCNT/GETZCNT see the same waiters:
	 * report the larger count, not the sum. */
	for (unsigned i = 0; i < o->nholders; i++)
		waiting += o->holders[i].via == VIA_WAIT;
	if (s->waiters > waiting)
		waiting = s->waiters;
	if (o->nholders || s->waiters) {
		if (waiting)
			set(o, STATE_INUSE, "%lu process%s waiting", waiting,
			    plural(waiting));
		else
			inuse_by_holders(o);
		return;
	}
	if (!s->pids_read || !s->pids) {
		set(o, STATE_UNKNOWN, "semaphore pids could not be read");
		return;
	}
	for (unsigned i = 0; i < s->nsems; i++) {
		pid_t pid = s->pids[i];

		enum pidv v;

		if (pid <= 0)
			continue;
		v = pid_verdict(pt, pol, pid, t);
		if (v == PID_ALIVE) {
			set(o, STATE_INUSE, "last operation by %d, alive",
			    (int)pid);
			return;
		}
		if (v == PID_UNSEEN && !unseen)
			unseen = pid;
		if (recorded < 3)
			cat(gone, sizeof(gone), "%s%d", recorded ? ", " : "",
			    (int)pid);
		recorded++;
	}
	if (pol->outside_unseen) {
		set(o, STATE_UNKNOWN, "no visible waiter or live pid; "
		    OUTSIDE);
		return;
	}
	if (unseen) {
		set(o, STATE_UNKNOWN, "no waiter; last operation by %d not "
		    "visible, %s", (int)unseen, unseen_why(pol));
		return;
	}
	if (!recorded) {
		set(o, STATE_UNKNOWN, "no operation ever recorded a pid");
		return;
	}
	if (recorded > 3)
		cat(gone, sizeof(gone), " +%u", recorded - 3);
	age_clause(o, now, age, sizeof(age));
	set(o, STATE_ORPHAN, "no waiter; every recorded pid gone (%s)%s", gone,
	    age);
}

void classify_msg(struct obj *o, const struct proctab *pt,
		  const struct classify_policy *pol, time_t now)
{
	const struct msg_detail *m = &o->u.msg;
	enum pidv sv = PID_DEAD, rv = PID_DEAD;
	char age[48], who[80] = "";

	if (o->nholders) {
		inuse_by_holders(o);
		return;
	}
	if (m->lspid > 0)
		sv = pid_verdict(pt, pol, m->lspid, o->t_send);
	if (sv == PID_ALIVE) {
		set(o, STATE_INUSE, "last sender %d alive", (int)m->lspid);
		return;
	}
	if (m->lrpid > 0)
		rv = pid_verdict(pt, pol, m->lrpid, o->t_recv);
	if (rv == PID_ALIVE) {
		set(o, STATE_INUSE, "last receiver %d alive", (int)m->lrpid);
		return;
	}
	if (pol->outside_unseen) {
		set(o, STATE_UNKNOWN, "no visible holder or live pid; "
		    OUTSIDE);
		return;
	}
	if (sv == PID_UNSEEN || rv == PID_UNSEEN) {
		bool s = sv == PID_UNSEEN;

		set(o, STATE_UNKNOWN, "last %s %d not visible, %s",
		    s ? "sender" : "receiver",
		    (int)(s ? m->lspid : m->lrpid), unseen_why(pol));
		return;
	}
	if (o->holders_incomplete) {
		unknown_uninspected(o, pt, "waiters unknown: ");
		return;
	}
	if (m->lspid <= 0 && m->lrpid <= 0) {
		set(o, STATE_UNKNOWN, "no send or receive ever recorded a pid");
		return;
	}
	if (m->lspid > 0)
		cat(who, sizeof(who), "; last sender %d gone", (int)m->lspid);
	if (m->lrpid > 0)
		cat(who, sizeof(who), "; last receiver %d gone",
		    (int)m->lrpid);
	age_clause(o, now, age, sizeof(age));
	set(o, STATE_ORPHAN, "no waiter%s%s", who, age);
}

void classify_posix(struct obj *o, const struct proctab *pt,
		    const struct classify_policy *pol, time_t now)
{
	pid_t (*notify_of)(const struct obj *) = kind_ops[o->kind]->notify_pid;
	pid_t notify = notify_of ? notify_of(o) : 0;
	char age[48];

	if (o->nholders) {
		inuse_by_holders(o);
		return;
	}
	/* A registration outlives nothing but its process: if we cannot see
	 * that process, we cannot say it is gone. */
	if (notify > 0) {
		const struct proc *p = proctab_find(pt, notify);

		set(o, STATE_UNKNOWN, "registered for notification by %d, %s",
		    (int)notify, p && proc_exited(p) ?
		    "a zombie (the kernel drops it on reaping)" :
		    "not visible");
		return;
	}
	if (o->holders_incomplete) {
		unknown_uninspected(o, pt, "no visible holder; ");
		return;
	}
	if (pol->outside_unseen) {
		set(o, STATE_UNKNOWN, "no visible holder; " OUTSIDE);
		return;
	}
	age_clause(o, now, age, sizeof(age));
	set(o, STATE_ORPHAN, "no holder%s", age);
}

/* A live socket is never an orphan, held or not. */
void classify_unix(struct obj *o, const struct proctab *pt,
		   const struct classify_policy *pol, time_t now)
{
	(void)pt;
	(void)pol;
	(void)now;
	if (o->nholders)
		inuse_by_holders(o);
	else
		set(o, STATE_UNKNOWN, "live socket, no visible holder");
}

void classify_sockfile(struct obj *o, const struct proctab *pt,
		       const struct classify_policy *pol, time_t now)
{
	char age[48];

	(void)pt;
	if (o->binding_unknown) {
		set(o, STATE_UNKNOWN, "could not be checked for a "
		    "live socket bound to it (connect probe failed)");
	} else if (pol->outside_unseen) {
		set(o, STATE_UNKNOWN, "no socket bound to it now; " OUTSIDE);
	} else {
		age_clause(o, now, age, sizeof(age));
		set(o, STATE_ORPHAN,
		    "no socket bound to it in any network namespace%s", age);
	}
}

/* Nobody opening a FIFO right now proves nothing about the next writer:
 * never an orphan. */
void classify_fifo(struct obj *o, const struct proctab *pt,
		   const struct classify_policy *pol, time_t now)
{
	(void)now;
	if (o->nholders)
		inuse_by_holders(o);
	else if (o->holders_incomplete)
		unknown_uninspected(o, pt, "no visible holder; ");
	else if (pol->outside_unseen)
		set(o, STATE_UNKNOWN, "no visible holder; " OUTSIDE);
	else
		set(o, STATE_UNKNOWN, "nobody has it open");
}

/*
 * The sticky bit on a file in a socket dir (systemd-tmpfiles' and the XDG
 * runtime dir's convention; /dev/shm, where POSIX shm and semaphores live,
 * is one) says "keep me": such a file is never an orphan, whatever the
 * evidence, and the reason says so before what the evidence said. Not for
 * SysV kinds (there 01000 is SHM_DEST) nor queues (no such convention):
 * the rows with KF_STICKY say which.
 */
static void keep_sticky(struct obj *o)
{
	char was[REASON_LEN];

	memcpy(was, o->reason, sizeof(was));
	set(o, STATE_UNKNOWN, STICKY_REASON "; %.*s",
	    (int)(sizeof(o->reason) - sizeof(STICKY_REASON) - 2), was);
}

/*
 * State files that their owner keeps in /dev/shm for good but maps only
 * while one of its commands runs: between commands nobody holds them, and
 * removing one breaks the owner (the mistake systemd's RemoveIPC= makes
 * with PostgreSQL's). Matched on the exact shm_open name (the rows with
 * KF_KEEPERS say for which kinds) and, where the owner puts its uid in
 * the name, on that uid being the file's owner.
 *
 * podman (libpod/lock/shm): every container and pod gets a lock number
 * in this segment when it is created and keeps it in podman's database;
 * a new segment starts with every number free, so after a removal
 * containers share locks until "podman system renumber". Rootful podman
 * uses "libpod_lock"; rootless podman "libpod_rootless_lock_" and the
 * user's uid, created (mode 0600) by that user. No owner is required for
 * "libpod_lock": a rootful podman in a user namespace is root only there.
 */
struct keeper {
	const char *name;	/* the whole name, or its start with uid_tail */
	bool uid_tail;		/* the rest is the owner's uid in decimal */
	const char *what;	/* "OWNER's WHAT" */
	const char *why;
};

static const struct keeper keepers[] = {
	{ "libpod_lock", false, "podman's lock segment",
	  "podman maps it only while a command runs" },
	{ "libpod_rootless_lock_", true, "rootless podman's lock segment",
	  "podman maps it only while a command runs" },
};

static const struct keeper *find_keeper(const struct obj *o)
{
	char uid[24];

	if (!o->name)
		return NULL;
	for (size_t i = 0; i < sizeof(keepers) / sizeof(keepers[0]); i++) {
		const struct keeper *k = &keepers[i];
		size_t n = strlen(k->name);

		if (!k->uid_tail) {
			if (!strcmp(o->name, k->name))
				return k;
			continue;
		}
		if (strncmp(o->name, k->name, n) || o->uid_unknown)
			continue;
		/* as the owner writes it: no sign, no leading zero */
		snprintf(uid, sizeof(uid), "%lu", (unsigned long)o->uid);
		if (!strcmp(o->name + n, uid))
			return k;
	}
	return NULL;
}

void classify(struct obj *o, const struct proctab *pt,
	      const struct classify_policy *pol, time_t now)
{
	const struct keeper *k;

	if ((unsigned)o->kind >= KIND_COUNT) {
		set(o, STATE_UNKNOWN, "unknown kind");
		return;
	}
	kind_ops[o->kind]->classify(o, pt, pol, now);
	/* what is in use stays in-use: that is the stronger statement */
	if (o->state == STATE_INUSE)
		return;
	/* the owner's own convention says more than the sticky bit */
	if (kind_has(o->kind, KF_KEEPERS) && (k = find_keeper(o)))
		set(o, STATE_UNKNOWN, "%s (%s): %s; kept", k->what, o->name,
		    k->why);
	else if (kind_has(o->kind, KF_STICKY) && (o->mode & S_ISVTX))
		keep_sticky(o);
}
