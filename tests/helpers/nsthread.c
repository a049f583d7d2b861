/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsthread - a process one of whose threads alone is in a new IPC namespace. */

/*
 * Usage: nsthread [--msgwait]
 *
 * A second thread calls unshare(CLONE_NEWIPC), which moves only that
 * thread; the main thread stays where it was. Prints "pid=PID",
 * "tid=TID" (the thread's id) and "ready", then both sleep until a signal
 * ends the process. With --msgwait the thread makes a SysV queue in its
 * new namespace (printed as "msqid=ID" before "ready") and blocks in
 * msgrcv on it instead of sleeping: a waiter whose call works in another
 * IPC namespace than its main thread's. Errors: one line on stderr,
 * exit 1.
 */

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/syscall.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int state;	/* 0 starting, 1 ready, -errno failed */
static const char *failed = "unshare(CLONE_NEWIPC)";
static pid_t tid;
static int msgwait, msqid = -1;

static void *in_new_ns(void *arg)
{
	int r = 0;

	(void)arg;
	if (unshare(CLONE_NEWIPC))
		r = -errno;
	if (!r && msgwait) {
		msqid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
		if (msqid < 0) {
			r = -errno;
			failed = "msgget";
		}
	}
	pthread_mutex_lock(&lock);
	tid = (pid_t)syscall(SYS_gettid);
	state = r ? r : 1;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
	for (;;) {
		struct {
			long type;
			char text[8];
		} m;

		if (!r && msgwait)
			msgrcv(msqid, &m, sizeof(m.text), 0, 0);
		else
			pause();
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;
	int r;

	if (argc == 2 && !strcmp(argv[1], "--msgwait")) {
		msgwait = 1;
	} else if (argc != 1) {
		fprintf(stderr, "nsthread: bad argument '%s' (usage: nsthread "
			"[--msgwait])\n", argv[1]);
		return 2;
	}

	r = pthread_create(&t, NULL, in_new_ns, NULL);
	if (r) {
		fprintf(stderr, "nsthread: pthread_create: %s\n", strerror(r));
		return 1;
	}
	pthread_mutex_lock(&lock);
	while (!state)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	if (state < 0) {
		fprintf(stderr, "nsthread: %s: %s\n", failed,
			strerror(-state));
		return 1;
	}
	printf("pid=%d\ntid=%d\n", (int)getpid(), (int)tid);
	if (msgwait)
		printf("msqid=%d\n", msqid);
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
