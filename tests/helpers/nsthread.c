/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsthread - a process one of whose threads alone is in a new IPC namespace. */

/*
 * Usage: nsthread
 *
 * A second thread calls unshare(CLONE_NEWIPC), which moves only that
 * thread; the main thread stays where it was. Prints "pid=PID",
 * "tid=TID" (the thread's id) and "ready", then both sleep until a signal
 * ends the process. Errors: one line on stderr, exit 1.
 */

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int state;	/* 0 starting, 1 ready, -errno failed */
static pid_t tid;

static void *in_new_ns(void *arg)
{
	int r = 0;

	(void)arg;
	if (unshare(CLONE_NEWIPC))
		r = -errno;
	pthread_mutex_lock(&lock);
	tid = (pid_t)syscall(SYS_gettid);
	state = r ? r : 1;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
	for (;;)
		pause();
	return NULL;
}

int main(void)
{
	pthread_t t;
	int r;

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
		fprintf(stderr, "nsthread: unshare(CLONE_NEWIPC): %s\n",
			strerror(-state));
		return 1;
	}
	printf("pid=%d\ntid=%d\nready\n", (int)getpid(), (int)tid);
	fflush(stdout);
	for (;;)
		pause();
}
