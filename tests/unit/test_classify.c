/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_classify.c - the classifier on a table of synthetic objects. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "classify.h"
#include "scan.h"

/* T is when the kernel recorded the action; NOW is three hours later. */
#define T 1764150000
#define NOW (T + 3 * 3600)

/*
 * Synthetic processes: 100 started long before T, 200 started in the same
 * second as T, 300 started 5 s after T (a pid reused by a newer process).
 * 400 is an unreaped zombie, 401 a process whose main thread exited while
 * another runs (state Z too, 2 threads). 999 and 555 do not exist.
 */
static struct proc procs[] = {
	{ .pid = 100, .start = T - 1000, .comm = "old" },
	{ .pid = 200, .start = T, .comm = "same" },
	{ .pid = 300, .start = T + 5, .comm = "newer" },
	{ .pid = 400, .start = T - 1000, .comm = "zombie", .state = 'Z',
	  .nlwp = 1 },
	{ .pid = 401, .start = T - 1000, .comm = "leader", .state = 'Z',
	  .nlwp = 2 },
};
#define NPROCS (sizeof(procs) / sizeof(procs[0]))
/* The complete view of a root scan in the initial pid namespace. */
static const struct classify_policy full;
/* A child pid namespace without --trust-pidns. */
static const struct classify_policy outside = { .outside_unseen = true };
/* hidepid and not root: pids absent from the table may be alive. */
static const struct classify_policy hidden = { .pids_hidden = true };
/* A /proc of another pid namespace. */
static const struct classify_policy foreign = { .pids_foreign = true };

#define OUT "processes outside this pid namespace are invisible"
static const struct proctab pt_all = { procs, NPROCS, 0 };
static const struct proctab pt_bad = { procs, NPROCS, 2 };

struct ccase {
	const char *name;
	enum kind kind;
	time_t t_change, t_attach, t_detach, t_op, t_send, t_recv, t_modify;
	pid_t cpid, lpid;
	uint32_t key;		/* SysV key; 0 is IPC_PRIVATE */
	unsigned long nattch;
	bool dest;
	pid_t sempids[3];
	unsigned nsems;
	bool pids_unread;
	unsigned waiters;
	pid_t lspid, lrpid, notify_pid;
	struct holder holders[3];
	unsigned nholders;
	bool incomplete, binding_unknown, uninspected;
	mode_t mode;
	const char *oname;	/* its POSIX name */
	uid_t uid;
	const struct classify_policy *pol;	/* NULL: the complete view */
	enum state want;
	const char *phrase;
	bool exact;		/* the phrase is the whole reason */
};

#define H(p, v) { .pid = (p), .via = (v) }

static const struct ccase cases[] = {
	/* shm: cpid against ctime */
	{ "shm cpid reused after ctime", KIND_SHM, .t_change = T, .cpid = 300,
	  .want = STATE_ORPHAN, .phrase = "creator 300 gone" },
	{ "shm cpid started same second as ctime", KIND_SHM, .t_change = T,
	  .cpid = 200, .want = STATE_INUSE, .phrase = "creator 200 alive" },
	{ "shm cpid started before ctime", KIND_SHM, .t_change = T,
	  .cpid = 100, .want = STATE_INUSE, .phrase = "creator 100 alive" },
	{ "shm cpid judged by ctime, not a later attach", KIND_SHM,
	  .t_change = T, .t_attach = T + 60, .t_detach = T + 61, .cpid = 300,
	  .want = STATE_ORPHAN, .phrase = "creator 300 gone" },
	/* shm: lpid against the later of atime and dtime */
	{ "shm lpid reused after atime", KIND_SHM, .t_change = T - 100,
	  .t_attach = T, .t_detach = T - 50, .cpid = 999, .lpid = 300,
	  .want = STATE_ORPHAN, .phrase = "last user 300 gone" },
	{ "shm lpid same second as atime", KIND_SHM, .t_change = T - 100,
	  .t_attach = T, .t_detach = T - 50, .cpid = 999, .lpid = 200,
	  .want = STATE_INUSE, .phrase = "last user 200 alive" },
	{ "shm lpid reused after dtime", KIND_SHM, .t_change = T - 100,
	  .t_attach = T - 50, .t_detach = T, .cpid = 999, .lpid = 300,
	  .want = STATE_ORPHAN, .phrase = "last user 300 gone" },
	{ "shm lpid same second as dtime (atime older)", KIND_SHM,
	  .t_change = T - 100, .t_attach = T - 50, .t_detach = T, .cpid = 999,
	  .lpid = 200, .want = STATE_INUSE, .phrase = "last user 200 alive" },
	{ "shm lpid not judged by a later ctime", KIND_SHM,
	  .t_change = T + 60, .t_attach = T, .cpid = 999, .lpid = 300,
	  .want = STATE_ORPHAN, .phrase = "last user 300 gone" },
	{ "shm cpid dead, lpid 0", KIND_SHM, .t_change = T, .cpid = 999,
	  .want = STATE_ORPHAN, .phrase = "not attached; creator 999 gone; "
	  "unused for 3h" },
	{ "shm cpid 0 is not dead", KIND_SHM, .t_change = T, .cpid = 0,
	  .lpid = 300, .t_attach = T,
	  .want = STATE_UNKNOWN, .phrase = "creator pid not visible" },
	{ "shm SHM_DEST still attached", KIND_SHM, .t_change = T, .cpid = 999,
	  .nattch = 2, .dest = true, .want = STATE_INUSE,
	  .phrase = "removed, waiting for last detach (2 attached)" },
	{ "shm nattch with dead creator", KIND_SHM, .t_change = T, .cpid = 999,
	  .lpid = 999, .nattch = 6, .want = STATE_INUSE,
	  .phrase = "attached by 6 processes" },
	{ "shm nattch with cpid 0", KIND_SHM, .nattch = 1,
	  .want = STATE_INUSE, .phrase = "attached by 1 process" },
	{ "shm attach holder", KIND_SHM, .t_change = T, .cpid = 999,
	  .key = 0x1111, .holders = { H(100, VIA_ATTACH) }, .nholders = 1,
	  .want = STATE_INUSE, .phrase = "attached by 1 process" },
	/* nattch 0 and an IPC_PRIVATE key: the maps line may be a segment
	 * of this id in another IPC namespace (the attacher moved) */
	{ "shm private attach beyond nattch", KIND_SHM, .t_change = T,
	  .cpid = 999, .holders = { H(100, VIA_ATTACH) }, .nholders = 1,
	  .want = STATE_UNKNOWN, .phrase = "attached in another IPC namespace" },
	{ "shm private attach within nattch", KIND_SHM, .t_change = T,
	  .cpid = 999, .nattch = 1, .holders = { H(100, VIA_ATTACH) },
	  .nholders = 1, .want = STATE_INUSE, .phrase = "attached by 1" },
	{ "shm ignores holders_incomplete (nattch is the proof)", KIND_SHM,
	  .t_change = T, .cpid = 999, .incomplete = true, .uninspected = true,
	  .want = STATE_ORPHAN, .phrase = "creator 999 gone" },

	/* sem: every recorded pid against otime */
	{ "sem pid reused after otime", KIND_SEM, .t_change = T - 100,
	  .t_op = T, .sempids = { 300 }, .nsems = 1, .want = STATE_ORPHAN,
	  .phrase = "every recorded pid gone (300)" },
	{ "sem pid same second as otime", KIND_SEM, .t_change = T - 100,
	  .t_op = T, .sempids = { 200 }, .nsems = 1, .want = STATE_INUSE,
	  .phrase = "last operation by 200" },
	{ "sem one live pid among dead and unset", KIND_SEM, .t_op = T,
	  .sempids = { 0, 300, 100 }, .nsems = 3, .want = STATE_INUSE,
	  .phrase = "last operation by 100" },
	{ "sem all dead", KIND_SEM, .t_op = T, .sempids = { 999, 0, 300 },
	  .nsems = 3, .want = STATE_ORPHAN,
	  .phrase = "no waiter; every recorded pid gone (999, 300); "
	  "unused for 3h" },
	{ "sem SETVAL after the last semop", KIND_SEM, .t_op = T - 100,
	  .t_change = T, .sempids = { 200 }, .nsems = 1, .want = STATE_INUSE,
	  .phrase = "last operation by 200" },
	{ "sem without recorded pid", KIND_SEM, .t_op = T,
	  .sempids = { 0, 0 }, .nsems = 2, .want = STATE_UNKNOWN,
	  .phrase = "no operation ever recorded a pid" },
	{ "sem pids unreadable", KIND_SEM, .t_op = T, .pids_unread = true,
	  .want = STATE_UNKNOWN, .phrase = "semaphore pids could not be read" },
	{ "sem blocked waiters (GETNCNT)", KIND_SEM, .t_op = T,
	  .sempids = { 300 }, .nsems = 1, .waiters = 2, .want = STATE_INUSE,
	  .phrase = "2 processes waiting" },
	{ "sem waiter seen in syscall", KIND_SEM, .sempids = { 0 }, .nsems = 1,
	  .holders = { H(100, VIA_WAIT) }, .nholders = 1,
	  .want = STATE_INUSE, .phrase = "1 process waiting" },

	/* msg: lspid against stime, lrpid against rtime */
	{ "msg lspid reused after stime", KIND_MSG, .t_send = T, .lspid = 300,
	  .want = STATE_ORPHAN, .phrase = "last sender 300 gone" },
	{ "msg lspid same second as stime", KIND_MSG, .t_send = T,
	  .lspid = 200, .want = STATE_INUSE,
	  .phrase = "last sender 200 alive" },
	{ "msg lspid not judged by a later rtime", KIND_MSG, .t_send = T,
	  .t_recv = T + 60, .lspid = 300, .want = STATE_ORPHAN,
	  .phrase = "last sender 300 gone" },
	{ "msg lrpid reused after rtime", KIND_MSG, .t_recv = T, .lrpid = 300,
	  .want = STATE_ORPHAN, .phrase = "last receiver 300 gone" },
	{ "msg lrpid same second as rtime", KIND_MSG, .t_recv = T,
	  .lrpid = 200, .want = STATE_INUSE,
	  .phrase = "last receiver 200 alive" },
	{ "msg lrpid not judged by a later stime", KIND_MSG, .t_recv = T,
	  .t_send = T + 60, .lrpid = 300, .want = STATE_ORPHAN,
	  .phrase = "last receiver 300 gone" },
	{ "msg both dead", KIND_MSG, .t_send = T, .t_recv = T, .lspid = 999,
	  .lrpid = 300, .want = STATE_ORPHAN,
	  .phrase = "no waiter; last sender 999 gone; last receiver 300 gone; "
	  "unused for 3h" },
	{ "msg without recorded pid", KIND_MSG, .t_change = T,
	  .want = STATE_UNKNOWN,
	  .phrase = "no send or receive ever recorded a pid" },
	{ "msg blocked receiver", KIND_MSG, .t_send = T, .lspid = 999,
	  .holders = { H(100, VIA_WAIT) }, .nholders = 1,
	  .want = STATE_INUSE, .phrase = "1 process waiting" },
	{ "msg dead pids, holders incomplete", KIND_MSG, .t_send = T,
	  .lspid = 999, .incomplete = true, .uninspected = true,
	  .want = STATE_UNKNOWN,
	  .phrase = "2 processes could not be inspected" },
	{ "msg live pid wins over incomplete", KIND_MSG, .t_send = T,
	  .lspid = 100, .incomplete = true, .uninspected = true,
	  .want = STATE_INUSE, .phrase = "last sender 100 alive" },

	/* POSIX kinds */
	{ "pshm no holder", KIND_PSHM, .t_change = T, .t_modify = T,
	  .want = STATE_ORPHAN, .phrase = "no holder; unused for 3h" },
	{ "pshm mapped and open", KIND_PSHM, .t_modify = T,
	  .holders = { H(100, VIA_MAP), H(100, VIA_FD), H(200, VIA_FD) },
	  .nholders = 3, .want = STATE_INUSE,
	  .phrase = "mapped by 1 process, open in 2 processes" },
	{ "pshm holders incomplete", KIND_PSHM, .t_modify = T,
	  .incomplete = true, .uninspected = true, .want = STATE_UNKNOWN,
	  .phrase = "2 processes could not be inspected" },
	{ "psem no holder", KIND_PSEM, .t_modify = T, .want = STATE_ORPHAN,
	  .phrase = "no holder" },
	{ "psem holders incomplete", KIND_PSEM, .incomplete = true,
	  .uninspected = true, .want = STATE_UNKNOWN,
	  .phrase = "could not be inspected" },
	{ "mqueue notify holder", KIND_MQUEUE, .notify_pid = 100,
	  .holders = { H(100, VIA_NOTIFY) }, .nholders = 1,
	  .want = STATE_INUSE,
	  .phrase = "registered for notification by 100" },
	{ "mqueue registration by an invisible pid", KIND_MQUEUE,
	  .notify_pid = 555, .want = STATE_UNKNOWN,
	  .phrase = "registered for notification by 555" },
	{ "mqueue no holder", KIND_MQUEUE, .t_modify = T,
	  .want = STATE_ORPHAN, .phrase = "no holder; unused for 3h" },

	/* never orphans */
	{ "unix without holder", KIND_UNIX, .want = STATE_UNKNOWN,
	  .phrase = "live socket, no visible holder" },
	{ "unix held", KIND_UNIX, .holders = { H(100, VIA_FD) },
	  .nholders = 1, .want = STATE_INUSE, .phrase = "open in 1 process" },
	{ "fifo nobody has it open", KIND_FIFO, .t_modify = T,
	  .want = STATE_UNKNOWN, .phrase = "nobody has it open" },
	{ "fifo holders incomplete", KIND_FIFO, .incomplete = true,
	  .uninspected = true, .want = STATE_UNKNOWN,
	  .phrase = "could not be inspected" },
	{ "fifo open", KIND_FIFO, .holders = { H(200, VIA_FD), H(100, VIA_FD) },
	  .nholders = 2, .want = STATE_INUSE, .phrase = "open in 2 processes" },

	/* zombies: dead for every recorded pid; a Z leader with threads
	 * is alive */
	{ "shm creator is a zombie", KIND_SHM, .t_change = T, .cpid = 400,
	  .want = STATE_ORPHAN, .phrase = "creator 400 gone" },
	{ "shm last user is a zombie", KIND_SHM, .t_change = T - 100,
	  .t_attach = T, .cpid = 999, .lpid = 400, .want = STATE_ORPHAN,
	  .phrase = "last user 400 gone" },
	{ "shm creator is a Z leader with a live thread", KIND_SHM,
	  .t_change = T, .cpid = 401, .want = STATE_INUSE,
	  .phrase = "creator 401 alive" },
	{ "sem last op by a zombie", KIND_SEM, .t_op = T,
	  .sempids = { 400 }, .nsems = 1, .want = STATE_ORPHAN,
	  .phrase = "every recorded pid gone (400)" },
	{ "sem last op by a Z leader with a live thread", KIND_SEM,
	  .t_op = T, .sempids = { 400, 401 }, .nsems = 2,
	  .want = STATE_INUSE, .phrase = "last operation by 401, alive" },
	{ "msg last sender is a zombie", KIND_MSG, .t_send = T,
	  .lspid = 400, .want = STATE_ORPHAN,
	  .phrase = "last sender 400 gone" },
	{ "msg last receiver is a zombie", KIND_MSG, .t_recv = T,
	  .lrpid = 400, .want = STATE_ORPHAN,
	  .phrase = "last receiver 400 gone" },
	{ "msg last sender is a Z leader with a live thread", KIND_MSG,
	  .t_send = T, .lspid = 401, .want = STATE_INUSE,
	  .phrase = "last sender 401 alive" },
	{ "mqueue registration by a zombie proves nothing", KIND_MQUEUE,
	  .notify_pid = 400, .want = STATE_UNKNOWN,
	  .phrase = "registered for notification by 400" },

	/* a child pid namespace: no holder and dead pids prove nothing */
	{ "child pidns: pshm no holder", KIND_PSHM, .t_modify = T,
	  .pol = &outside, .want = STATE_UNKNOWN,
	  .phrase = "no visible holder; " OUT },
	{ "child pidns: pshm held", KIND_PSHM, .t_modify = T,
	  .holders = { H(100, VIA_MAP) }, .nholders = 1, .pol = &outside,
	  .want = STATE_INUSE, .phrase = "mapped by 1 process" },
	{ "child pidns: psem no holder", KIND_PSEM, .pol = &outside,
	  .want = STATE_UNKNOWN, .phrase = OUT },
	{ "child pidns: mqueue no holder", KIND_MQUEUE, .t_modify = T,
	  .pol = &outside, .want = STATE_UNKNOWN,
	  .phrase = "no visible holder; " OUT },
	{ "child pidns: holders incomplete says so first", KIND_PSHM,
	  .incomplete = true, .uninspected = true, .pol = &outside,
	  .want = STATE_UNKNOWN, .phrase = "2 processes could not be" },
	{ "child pidns: fifo nobody has open", KIND_FIFO, .pol = &outside,
	  .want = STATE_UNKNOWN, .phrase = "no visible holder; " OUT },
	{ "child pidns: sockfile unbound", KIND_SOCKFILE, .t_modify = T,
	  .pol = &outside, .want = STATE_UNKNOWN,
	  .phrase = "no socket bound to it now; " OUT },
	{ "child pidns: sockfile probe failed", KIND_SOCKFILE,
	  .binding_unknown = true, .pol = &outside, .want = STATE_UNKNOWN,
	  .phrase = "connect probe failed" },
	{ "child pidns: unix socket", KIND_UNIX, .pol = &outside,
	  .want = STATE_UNKNOWN, .phrase = "live socket, no visible holder" },
	{ "child pidns: msg, dead sender", KIND_MSG, .t_send = T,
	  .lspid = 999, .pol = &outside, .want = STATE_UNKNOWN,
	  .phrase = "no visible holder or live pid; " OUT },
	{ "child pidns: msg, pids 0 (not visible, not unrecorded)", KIND_MSG,
	  .t_send = T, .pol = &outside, .want = STATE_UNKNOWN,
	  .phrase = "no visible holder or live pid; " OUT },
	{ "child pidns: msg, live sender", KIND_MSG, .t_send = T,
	  .lspid = 100, .pol = &outside, .want = STATE_INUSE,
	  .phrase = "last sender 100 alive" },
	{ "child pidns: msg, visible waiter", KIND_MSG, .lspid = 999,
	  .holders = { H(200, VIA_WAIT) }, .nholders = 1, .pol = &outside,
	  .want = STATE_INUSE, .phrase = "1 process waiting" },
	{ "child pidns: sem, every pid dead", KIND_SEM, .t_op = T,
	  .sempids = { 999, 0, 300 }, .nsems = 3, .pol = &outside,
	  .want = STATE_UNKNOWN, .phrase = "no visible waiter or live pid; "
	  OUT },
	{ "child pidns: sem, a live pid", KIND_SEM, .t_op = T,
	  .sempids = { 999, 100 }, .nsems = 2, .pol = &outside,
	  .want = STATE_INUSE, .phrase = "last operation by 100, alive" },
	{ "child pidns: sem, GETNCNT waiters", KIND_SEM, .t_op = T,
	  .sempids = { 0 }, .nsems = 1, .waiters = 1, .pol = &outside,
	  .want = STATE_INUSE, .phrase = "1 process waiting" },
	{ "child pidns: shm never attached, creator dead", KIND_SHM,
	  .t_change = T, .cpid = 999, .pol = &outside, .want = STATE_ORPHAN,
	  .phrase = "creator 999 gone" },
	{ "child pidns: shm lpid 0 after an attach is out of sight", KIND_SHM,
	  .t_change = T - 100, .t_attach = T, .cpid = 999, .pol = &outside,
	  .want = STATE_UNKNOWN,
	  .phrase = "last user not visible in this pid namespace" },
	{ "child pidns: shm lpid 0 after a detach is out of sight", KIND_SHM,
	  .t_change = T - 100, .t_detach = T, .cpid = 999, .pol = &outside,
	  .want = STATE_UNKNOWN,
	  .phrase = "last user not visible in this pid namespace" },
	{ "initial pidns: shm lpid 0 after an attach", KIND_SHM,
	  .t_change = T - 100, .t_attach = T, .cpid = 999,
	  .want = STATE_ORPHAN, .phrase = "creator 999 gone" },
	{ "child pidns: shm dead creator and last user", KIND_SHM,
	  .t_change = T - 100, .t_attach = T, .cpid = 999, .lpid = 300,
	  .pol = &outside, .want = STATE_ORPHAN,
	  .phrase = "last user 300 gone" },
	{ "child pidns: shm attached elsewhere", KIND_SHM, .cpid = 0,
	  .nattch = 1, .pol = &outside, .want = STATE_INUSE,
	  .phrase = "attached by 1 process" },
	{ "child pidns: shm cpid 0", KIND_SHM, .t_change = T, .cpid = 0,
	  .pol = &outside, .want = STATE_UNKNOWN,
	  .phrase = "creator pid not visible in this pid namespace" },

	/* hidepid: a recorded pid missing from the table may be alive */
	{ "hidepid: shm creator absent", KIND_SHM, .t_change = T,
	  .cpid = 999, .pol = &hidden, .want = STATE_UNKNOWN,
	  .phrase = "creator 999 not visible, may be a hidden live process" },
	{ "hidepid: shm creator pid reused by a visible process", KIND_SHM,
	  .t_change = T, .cpid = 300, .pol = &hidden, .want = STATE_ORPHAN,
	  .phrase = "creator 300 gone" },
	{ "hidepid: shm last user absent", KIND_SHM, .t_change = T - 100,
	  .t_attach = T - 50, .t_detach = T, .cpid = 300, .lpid = 999,
	  .pol = &hidden, .want = STATE_UNKNOWN,
	  .phrase = "last user 999 not visible, may be a hidden live "
	  "process" },
	{ "hidepid: shm creator and last user absent", KIND_SHM,
	  .t_change = T - 100, .t_attach = T, .cpid = 999, .lpid = 555,
	  .pol = &hidden, .want = STATE_UNKNOWN,
	  .phrase = "not attached; creator 999 and last user 555 not "
	  "visible, either may be a hidden live process" },
	{ "hidepid: shm creator alive", KIND_SHM, .t_change = T,
	  .cpid = 100, .lpid = 999, .t_attach = T, .pol = &hidden,
	  .want = STATE_INUSE, .phrase = "creator 100 alive" },
	{ "hidepid: shm zombie creator is visible and dead", KIND_SHM,
	  .t_change = T, .cpid = 400, .pol = &hidden, .want = STATE_ORPHAN,
	  .phrase = "creator 400 gone" },
	{ "hidepid: sem one pid absent", KIND_SEM, .t_op = T,
	  .sempids = { 300, 999 }, .nsems = 2, .pol = &hidden,
	  .want = STATE_UNKNOWN,
	  .phrase = "last operation by 999 not visible, may be a hidden" },
	{ "hidepid: sem every pid visible and dead", KIND_SEM, .t_op = T,
	  .sempids = { 300, 400 }, .nsems = 2, .pol = &hidden,
	  .want = STATE_ORPHAN, .phrase = "every recorded pid gone" },
	{ "hidepid: msg sender absent", KIND_MSG, .t_send = T, .lspid = 999,
	  .pol = &hidden, .want = STATE_UNKNOWN,
	  .phrase = "last sender 999 not visible, may be a hidden live" },
	{ "hidepid: msg receiver absent", KIND_MSG, .t_send = T,
	  .t_recv = T, .lspid = 300, .lrpid = 999, .pol = &hidden,
	  .want = STATE_UNKNOWN, .phrase = "last receiver 999 not visible" },
	{ "hidepid: msg sender alive", KIND_MSG, .t_send = T, .lspid = 100,
	  .lrpid = 999, .pol = &hidden, .want = STATE_INUSE,
	  .phrase = "last sender 100 alive" },

	/* a /proc of another pid namespace: nothing is judged dead */
	{ "foreign /proc: shm creator pid reused", KIND_SHM, .t_change = T,
	  .cpid = 300, .pol = &foreign, .want = STATE_UNKNOWN,
	  .phrase = "creator 300 not visible, /proc numbers pids in another "
	  "pid namespace" },
	{ "foreign /proc: shm creator alive", KIND_SHM, .t_change = T,
	  .cpid = 100, .pol = &foreign, .want = STATE_INUSE,
	  .phrase = "creator 100 alive" },
	{ "foreign /proc: sem zombie pid", KIND_SEM, .t_op = T,
	  .sempids = { 400 }, .nsems = 1, .pol = &foreign,
	  .want = STATE_UNKNOWN, .phrase = "last operation by 400 not" },
	{ "foreign /proc: msg dead sender", KIND_MSG, .t_send = T,
	  .lspid = 999, .pol = &foreign, .want = STATE_UNKNOWN,
	  .phrase = "last sender 999 not visible" },
	{ "foreign /proc: pshm no holder (holders are real)", KIND_PSHM,
	  .t_modify = T, .pol = &foreign, .want = STATE_ORPHAN,
	  .phrase = "no holder" },

	/* socket files */
	{ "sockfile binding unknown", KIND_SOCKFILE, .t_modify = T,
	  .binding_unknown = true, .want = STATE_UNKNOWN,
	  .phrase = "connect probe failed" },
	{ "sockfile unbound", KIND_SOCKFILE, .t_modify = T,
	  .want = STATE_ORPHAN,
	  .phrase = "no socket bound to it in any network namespace" },

	/* the sticky bit in a socket dir: kept, and the reason says why
	 * before what the evidence said */
	{ "sticky sockfile unbound", KIND_SOCKFILE, .t_modify = T,
	  .mode = 01755, .want = STATE_UNKNOWN,
	  .phrase = "sticky bit set: kept by convention; no socket bound to "
	  "it in any network namespace; unused for 3h" },
	{ "sticky pshm with no holder", KIND_PSHM, .t_modify = T,
	  .mode = 01600, .want = STATE_UNKNOWN,
	  .phrase = "sticky bit set: kept by convention; no holder" },
	{ "sticky psem with no holder", KIND_PSEM, .t_modify = T,
	  .mode = 01600, .want = STATE_UNKNOWN,
	  .phrase = "sticky bit set: kept by convention; no holder" },
	{ "sticky pshm mapped is in use", KIND_PSHM, .mode = 01600,
	  .holders = { H(100, VIA_MAP) }, .nholders = 1,
	  .want = STATE_INUSE, .phrase = "mapped by 1 process" },
	{ "sticky fifo", KIND_FIFO, .mode = 01644, .want = STATE_UNKNOWN,
	  .phrase = "sticky bit set: kept by convention; nobody has it open" },
	{ "mqueue: the sticky bit means nothing", KIND_MQUEUE, .t_modify = T,
	  .mode = 01600, .want = STATE_ORPHAN, .phrase = "no holder" },
	{ "shm: 01000 is SHM_DEST, not sticky", KIND_SHM, .t_change = T,
	  .cpid = 999, .mode = 01600, .want = STATE_ORPHAN,
	  .phrase = "creator 999 gone" },

	/* podman's lock segments: kept by their exact names; rootless only
	 * when the uid in the name is the file's owner */
#define PODMAN_KEPT ": podman maps it only while a command runs; kept"
	{ "podman libpod_lock with no holder", KIND_PSHM, .t_modify = T,
	  .oname = "libpod_lock", .mode = 0600, .want = STATE_UNKNOWN,
	  .phrase = "podman's lock segment (libpod_lock)" PODMAN_KEPT,
	  .exact = true },
	{ "podman libpod_lock of another owner", KIND_PSHM, .t_modify = T,
	  .oname = "libpod_lock", .uid = 100000, .want = STATE_UNKNOWN,
	  .phrase = "podman's lock segment (libpod_lock)" PODMAN_KEPT,
	  .exact = true },
	{ "podman libpod_lock mapped is in use", KIND_PSHM,
	  .oname = "libpod_lock", .holders = { H(100, VIA_MAP) },
	  .nholders = 1, .want = STATE_INUSE, .phrase = "mapped by 1 process" },
	{ "podman libpod_lock, sticky: podman's reason", KIND_PSHM,
	  .t_modify = T, .oname = "libpod_lock", .mode = 01600,
	  .want = STATE_UNKNOWN,
	  .phrase = "podman's lock segment (libpod_lock)" PODMAN_KEPT,
	  .exact = true },
	{ "podman rootless lock of its uid", KIND_PSHM, .t_modify = T,
	  .oname = "libpod_rootless_lock_1000", .uid = 1000,
	  .want = STATE_UNKNOWN, .phrase = "rootless podman's lock segment "
	  "(libpod_rootless_lock_1000)" PODMAN_KEPT,
	  .exact = true },
	{ "podman rootless lock, uid 4294967294", KIND_PSHM, .t_modify = T,
	  .oname = "libpod_rootless_lock_4294967294", .uid = 4294967294u,
	  .want = STATE_UNKNOWN, .phrase = "rootless podman's lock segment "
	  "(libpod_rootless_lock_4294967294)" PODMAN_KEPT,
	  .exact = true },
	{ "podman rootless lock of another uid", KIND_PSHM, .t_modify = T,
	  .oname = "libpod_rootless_lock_1000", .uid = 1001,
	  .want = STATE_ORPHAN, .phrase = "no holder" },
	{ "podman rootless lock, uid with a leading zero", KIND_PSHM,
	  .t_modify = T, .oname = "libpod_rootless_lock_01000", .uid = 1000,
	  .want = STATE_ORPHAN, .phrase = "no holder" },
	{ "podman rootless lock, uid with a sign", KIND_PSHM, .t_modify = T,
	  .oname = "libpod_rootless_lock_+1000", .uid = 1000,
	  .want = STATE_ORPHAN, .phrase = "no holder" },
	{ "podman rootless lock, no uid", KIND_PSHM, .t_modify = T,
	  .oname = "libpod_rootless_lock_", .want = STATE_ORPHAN,
	  .phrase = "no holder" },
	{ "podman rootless lock, no underscore", KIND_PSHM, .t_modify = T,
	  .oname = "libpod_rootless_lock", .want = STATE_ORPHAN,
	  .phrase = "no holder" },
	{ "podman rootless lock, trailing text", KIND_PSHM, .t_modify = T,
	  .oname = "libpod_rootless_lock_1000.bak", .uid = 1000,
	  .want = STATE_ORPHAN, .phrase = "no holder" },
	{ "near miss: libpod_lock.old", KIND_PSHM, .t_modify = T,
	  .oname = "libpod_lock.old", .want = STATE_ORPHAN,
	  .phrase = "no holder" },
	{ "near miss: libpod_lock_ prefix", KIND_PSHM, .t_modify = T,
	  .oname = "libpod_lock_1000", .uid = 1000, .want = STATE_ORPHAN,
	  .phrase = "no holder" },
	{ "near miss: xlibpod_lock", KIND_PSHM, .t_modify = T,
	  .oname = "xlibpod_lock", .want = STATE_ORPHAN,
	  .phrase = "no holder" },
	{ "near miss: LIBPOD_LOCK", KIND_PSHM, .t_modify = T,
	  .oname = "LIBPOD_LOCK", .want = STATE_ORPHAN,
	  .phrase = "no holder" },
	/* sem.libpod_lock in /dev/shm is a semaphore, not podman's */
	{ "psem libpod_lock is not podman's", KIND_PSEM, .t_modify = T,
	  .oname = "libpod_lock", .want = STATE_ORPHAN,
	  .phrase = "no holder" },
	{ "mqueue libpod_lock is not podman's", KIND_MQUEUE, .t_modify = T,
	  .oname = "libpod_lock", .want = STATE_ORPHAN,
	  .phrase = "no holder" },
};

static void build(const struct ccase *c, struct obj *o, pid_t *pids,
		  struct holder *holders)
{
	memset(o, 0, sizeof(*o));
	o->kind = c->kind;
	o->id = -1;
	o->t_change = c->t_change;
	o->t_attach = c->t_attach;
	o->t_detach = c->t_detach;
	o->t_op = c->t_op;
	o->t_send = c->t_send;
	o->t_recv = c->t_recv;
	o->t_modify = c->t_modify;
	o->cpid = c->cpid;
	o->key = c->key;
	o->mode = c->mode;
	o->name = (char *)c->oname;
	o->uid = c->uid;
	o->holders_incomplete = c->incomplete;
	o->binding_unknown = c->binding_unknown;
	memcpy(holders, c->holders, sizeof(c->holders));
	o->holders = c->nholders ? holders : NULL;
	o->nholders = o->holders_cap = c->nholders;
	switch (c->kind) {
	case KIND_SHM:
		o->id = 1;
		o->u.shm.nattch = c->nattch;
		o->u.shm.lpid = c->lpid;
		o->u.shm.dest = c->dest;
		break;
	case KIND_SEM:
		o->id = 2;
		memcpy(pids, c->sempids, sizeof(c->sempids));
		o->u.sem.nsems = c->nsems;
		o->u.sem.pids = c->pids_unread ? NULL : pids;
		o->u.sem.pids_read = !c->pids_unread;
		o->u.sem.waiters = c->waiters;
		break;
	case KIND_MSG:
		o->id = 3;
		o->u.msg.lspid = c->lspid;
		o->u.msg.lrpid = c->lrpid;
		break;
	case KIND_MQUEUE:
		o->u.mq.notify_pid = c->notify_pid;
		break;
	default:
		break;
	}
}

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ccase *c = &cases[i];
		pid_t pids[3];
		struct holder holders[3];
		struct obj o, before;

		build(c, &o, pids, holders);
		memcpy(&before, &o, sizeof(o));
		o.state = STATE_COUNT;
		classify(&o, c->uninspected ? &pt_bad : &pt_all,
			 c->pol ? c->pol : &full, NOW);
		if (o.state != c->want || !strstr(o.reason, c->phrase) ||
		    (c->exact && strcmp(o.reason, c->phrase)))
			fail_msg("case '%s': got %s \"%s\", want %s \"%s\"",
				 c->name, state_name(o.state), o.reason,
				 state_name(c->want), c->phrase);
		assert_true(strlen(o.reason) < sizeof(o.reason));
		assert_null(strchr(o.reason, '\n'));
		/* nothing but state and reason may change */
		memcpy(before.reason, o.reason, sizeof(o.reason));
		before.state = o.state;
		assert_memory_equal(&before, &o, sizeof(o));
	}
}

static void test_ages(void **state)
{
	static const struct {
		time_t ago;
		const char *want;
	} ages[] = {
		{ 0, "unused for 0s" }, { 45, "unused for 45s" },
		{ 59, "unused for 59s" }, { 60, "unused for 1m" },
		{ 12 * 60 + 30, "unused for 12m" },
		{ 3 * 3600 + 59 * 60, "unused for 3h" },
		{ 2 * 86400 + 5, "unused for 2d" },
	};
	struct obj o;

	(void)state;
	for (size_t i = 0; i < sizeof(ages) / sizeof(ages[0]); i++) {
		memset(&o, 0, sizeof(o));
		o.kind = KIND_PSHM;
		o.t_modify = NOW - ages[i].ago;
		classify(&o, &pt_all, &full, NOW);
		assert_int_equal(o.state, STATE_ORPHAN);
		if (!strstr(o.reason, ages[i].want))
			fail_msg("ago %lld: \"%s\"", (long long)ages[i].ago,
				 o.reason);
	}
	/* no recorded time, or a clock that went backwards: no age claim */
	memset(&o, 0, sizeof(o));
	o.kind = KIND_PSHM;
	classify(&o, &pt_all, &full, NOW);
	assert_string_equal(o.reason, "no holder");
	o.t_modify = NOW + 100;
	classify(&o, &pt_all, &full, NOW);
	assert_string_equal(o.reason, "no holder");
}

/* The pieces a kind's own classifier is made of (classify.h) give the
 * same reasons as the built-in classifiers. */
static void test_helpers(void **state)
{
	struct obj o = { .kind = KIND_PSHM, .t_modify = NOW - 45 };
	char age[48];

	(void)state;
	classify_set(&o, STATE_UNKNOWN, "%d %s", 7, "x");
	assert_int_equal(o.state, STATE_UNKNOWN);
	assert_string_equal(o.reason, "7 x");
	classify_age(&o, NOW, age, sizeof(age));
	assert_string_equal(age, "; unused for 45s");
	obj_add_holder(&o, 100, VIA_FD);
	classify_inuse(&o);
	assert_int_equal(o.state, STATE_INUSE);
	assert_string_equal(o.reason, "open in 1 process");
	free(o.holders);
	classify_uninspected(&o, &pt_bad, "no visible holder; ");
	assert_int_equal(o.state, STATE_UNKNOWN);
	assert_string_equal(o.reason,
			    "no visible holder; 2 processes could not be "
			    "inspected");
	/* 100 started before T: alive; 300 after: a newer process; 999
	 * absent: dead, or not to be judged when pids may be hidden */
	assert_int_equal(classify_pid(&pt_all, &full, 100, T), PID_ALIVE);
	assert_int_equal(classify_pid(&pt_all, &full, 300, T), PID_DEAD);
	assert_int_equal(classify_pid(&pt_all, &full, 999, T), PID_DEAD);
	assert_int_equal(classify_pid(&pt_all, &hidden, 999, T), PID_UNSEEN);
	assert_string_equal(classify_unseen_why(&hidden),
			    "may be a hidden live process");
	assert_string_equal(CLASSIFY_OUTSIDE, OUT);
}

/* Many waiters and long pid lists still give one short line. */
static void test_reason_bounded(void **state)
{
	pid_t pids[64];
	struct obj o;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.kind = KIND_SEM;
	o.t_op = T;
	for (unsigned i = 0; i < 64; i++)
		pids[i] = 2000000000 + (pid_t)i;
	o.u.sem.pids = pids;
	o.u.sem.nsems = 64;
	o.u.sem.pids_read = true;
	classify(&o, &pt_all, &full, NOW);
	assert_int_equal(o.state, STATE_ORPHAN);
	assert_non_null(strstr(o.reason, "+61"));
	assert_true(strlen(o.reason) < sizeof(o.reason));
}

/* An object held by a pid that reuses a recorded creator's number is
 * in use because of the holder, whatever the creator's fate. */
static void test_holder_beats_dead_creator(void **state)
{
	struct holder h = { 300, VIA_ATTACH };
	struct obj o;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.kind = KIND_SHM;
	o.key = 0x1234;
	o.cpid = 300;
	o.t_change = T;
	o.holders = &h;
	o.nholders = 1;
	classify(&o, &pt_all, &full, NOW);
	assert_int_equal(o.state, STATE_INUSE);
}

/*
 * Where the policy comes from: <root>/proc/self/ns/pid read as a link,
 * "pid:[4026531836]" (the initial pid namespace's fixed inode) or not,
 * and --trust-pidns. A link that is missing or reads otherwise is a child
 * pid namespace: it never makes an orphan that a partial view cannot prove.
 */
static void test_policy_pidns(void **state)
{
	static const struct {
		const char *link;	/* NULL: no link at all */
		bool child;
		int err;
		uint64_t ino;
	} links[] = {
		{ "pid:[4026531836]", false, 0, 4026531836u },
		{ "pid:[4026532301]", true, 0, 4026532301u },
		{ "pid:[4026531835]", true, 0, 4026531835u },
		{ NULL, true, -ENOENT, 0 },
		{ "pid:[]", true, -EINVAL, 0 },
		{ "pid:[4026531836", true, -EINVAL, 0 },
		{ "pid:[40265x1836]", true, -EINVAL, 0 },
		{ "ipc:[4026531836]", true, -EINVAL, 0 },
		{ "4026531836", true, -EINVAL, 0 },
	};
	char root[] = "/tmp/ipcscan-test-pidns-XXXXXX";
	char dir[256], link[512];

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(dir, sizeof(dir), "%s/proc/self/ns", root);
	snprintf(link, sizeof(link), "%s/pid", dir);
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		for (int trust = 0; trust < 2; trust++) {
			struct scan_opts so = { .root = root,
						.trust_pidns = trust };
			struct scan_ctx ctx;
			char cmd[512];

			snprintf(cmd, sizeof(cmd), "mkdir -p %s", dir);
			assert_int_equal(system(cmd), 0);
			unlink(link);
			if (links[i].link)
				assert_int_equal(symlink(links[i].link, link),
						 0);
			scan_init(&ctx, &so);
			if (ctx.set.pidns_child != links[i].child ||
			    ctx.set.pidns_err != links[i].err ||
			    ctx.set.own_pidns != links[i].ino ||
			    ctx.policy.outside_unseen !=
			    (links[i].child && !trust) ||
			    ctx.policy.pids_hidden || ctx.policy.pids_foreign)
				fail_msg("link '%s' trust %d: child %d err %d "
					 "ino %llu outside_unseen %d",
					 links[i].link ? links[i].link : "-",
					 trust, ctx.set.pidns_child,
						 ctx.set.pidns_err,
					 (unsigned long long)ctx.set.own_pidns,
					 ctx.policy.outside_unseen);
			scan_free(&ctx);
		}
	}
	unlink(link);
	snprintf(link, sizeof(link), "rm -rf %s", root);
	assert_int_equal(system(link), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_ages),
		cmocka_unit_test(test_reason_bounded),
		cmocka_unit_test(test_helpers),
		cmocka_unit_test(test_holder_beats_dead_creator),
		cmocka_unit_test(test_policy_pidns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
