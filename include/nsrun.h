/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsrun.h - run a function inside another namespace, on a thread. */
#ifndef IPCSCAN_NSRUN_H
#define IPCSCAN_NSRUN_H

/*
 * setns(CLONE_NEWIPC) and setns(CLONE_NEWNET) change only the calling
 * thread, so work in another namespace is done on a thread of ours rather
 * than in a forked child: a fork per namespace cost 320 us here, and 3.2
 * ms with a 32 MiB heap, a thread's setns there and back 30-40 us (see the
 * README). The function runs in the same process, so it may use the heap
 * and hand back its results through @arg. What it opens stays bound to
 * the namespace it was opened in (a netlink socket, /proc/sysvipc, an
 * fsmount), so it must be opened inside the function, and /proc paths
 * that name the namespace must be /proc/thread-self/..., not /proc/self.
 */
struct nsrun;

/* A runner; its thread is started on first use. */
struct nsrun *nsrun_new(void);

/*
 * Run @fn(@arg) on the runner's thread after it entered the namespace of
 * the nsfs file @nsfd (@nstype: CLONE_NEWIPC or CLONE_NEWNET); then the
 * thread enters our own namespace again. The caller waits. Returns what
 * @fn returned, or -errno: setns failed (EPERM without CAP_SYS_ADMIN) or
 * the thread could not be started. A thread that cannot get back into our
 * namespace exits and the next call starts a fresh one, so nothing ever
 * runs in a namespace it was not asked for.
 */
int nsrun_call(struct nsrun *r, int nsfd, int nstype, int (*fn)(void *arg),
	       void *arg);

/* One job of a batch: its namespace, its function, what it returned. */
struct nsrun_job {
	int nsfd;
	int (*fn)(void *arg);
	void *arg;
	int ret;	/* set by nsrun_call_many */
};

/*
 * nsrun_call for each of @n jobs in order, all namespaces of @nstype,
 * handed to the runner's thread at once: one wake-up for the batch
 * instead of one per namespace (each is a pair of context switches, and
 * on a busy machine a wait for the other thread to be scheduled). Each
 * job is run as nsrun_call runs it, entering its namespace and coming
 * back; a thread that cannot come back exits after its job and a fresh
 * one runs the rest. Each job's ret is what nsrun_call would have
 * returned for it. Returns 0, or -errno if no thread could be started
 * (then that is the ret of every job not run).
 */
int nsrun_call_many(struct nsrun *r, int nstype, struct nsrun_job *jobs,
		    size_t n);

/* Stop the thread and free the runner (NULL is fine). */
void nsrun_free(struct nsrun *r);

/*
 * Run @fn(@arg) on a new thread in a mount namespace of its own
 * (unshare(CLONE_NEWNS), allowed in a thread since it unshares only that
 * thread's fs_struct): what it mounts is seen by nobody else and goes
 * away when the thread exits, which it does when @fn returns. The caller
 * waits. Returns what @fn returned, or -errno from unshare or from
 * starting the thread.
 */
int nsrun_private_mounts(int (*fn)(void *arg), void *arg);

#endif
