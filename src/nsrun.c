/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsrun.c - run a function inside another namespace, on a thread. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "nsrun.h"
#include "util.h"

struct nsrun {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool started;		/* a thread was created and not joined */
	bool alive;		/* it takes jobs (false: exited, or exiting) */
	bool queued, done, quit;
	int nstype;
	struct nsrun_job *jobs;	/* the batch handed over */
	size_t njobs, next;	/* next: the first not yet run */
};

/* Our own namespace of @nstype, as the thread has it when it starts. */
static int open_own(int nstype)
{
	const char *p = nstype == CLONE_NEWIPC ? "/proc/thread-self/ns/ipc"
					       : "/proc/thread-self/ns/net";
	int fd = open(p, O_RDONLY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* One job: enter, run, come back. *@lost when coming back failed. */
static int run_job(int nstype, const struct nsrun_job *j, const int own[2],
		   bool *lost)
{
	int back = own[nstype == CLONE_NEWIPC ? 0 : 1], ret;

	*lost = false;
	if (nstype != CLONE_NEWIPC && nstype != CLONE_NEWNET)
		return -EINVAL;
	/* no way back, no way in */
	if (back < 0)
		return back;
	if (setns(j->nsfd, nstype))
		return -errno;
	ret = j->fn(j->arg);
	if (setns(back, nstype))
		*lost = true;
	return ret;
}

static void *runner_main(void *p)
{
	struct nsrun *r = p;
	int own[2] = { open_own(CLONE_NEWIPC), open_own(CLONE_NEWNET) };
	bool lost = false;

	pthread_mutex_lock(&r->lock);
	while (!lost) {
		while (!r->queued && !r->quit)
			pthread_cond_wait(&r->cond, &r->lock);
		if (r->quit)
			break;
		r->queued = false;
		pthread_mutex_unlock(&r->lock);
		/* the whole batch in one hand-over: the caller waits for
		 * all of it, so the jobs are read and written unlocked */
		while (r->next < r->njobs && !lost) {
			struct nsrun_job *j = &r->jobs[r->next++];

			j->ret = run_job(r->nstype, j, own, &lost);
		}
		pthread_mutex_lock(&r->lock);
		r->done = true;
		/* stuck in a foreign namespace: this thread takes no more
		 * work, it exits (the caller starts a fresh one for the
		 * rest of the batch) */
		if (lost)
			r->alive = false;
		pthread_cond_broadcast(&r->cond);
	}
	pthread_mutex_unlock(&r->lock);
	for (int i = 0; i < 2; i++)
		if (own[i] >= 0)
			close(own[i]);
	return NULL;
}

struct nsrun *nsrun_new(void)
{
	struct nsrun *r = xcalloc(1, sizeof(*r));

	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	return r;
}

/* A thread that takes jobs: the old one, or a new one if it exited. */
static int ensure_thread(struct nsrun *r)
{
	int e;

	if (r->started && r->alive)
		return 0;
	if (r->started) {
		pthread_join(r->thread, NULL);
		r->started = false;
	}
	r->alive = true;
	r->quit = false;
	e = pthread_create(&r->thread, NULL, runner_main, r);
	if (e) {
		r->alive = false;
		return -e;
	}
	r->started = true;
	return 0;
}

int nsrun_call_many(struct nsrun *r, int nstype, struct nsrun_job *jobs,
		    size_t n)
{
	int ret = 0;

	pthread_mutex_lock(&r->lock);
	r->nstype = nstype;
	r->jobs = jobs;
	r->njobs = n;
	r->next = 0;
	/* a thread that got lost ran its job and exited: a fresh one
	 * takes the rest */
	while (r->next < n) {
		ret = ensure_thread(r);
		if (ret)
			break;
		r->done = false;
		r->queued = true;
		pthread_cond_broadcast(&r->cond);
		while (!r->done)
			pthread_cond_wait(&r->cond, &r->lock);
	}
	for (size_t i = r->next; i < n; i++)
		jobs[i].ret = ret;
	r->jobs = NULL;
	r->njobs = r->next = 0;
	pthread_mutex_unlock(&r->lock);
	return ret;
}

int nsrun_call(struct nsrun *r, int nsfd, int nstype, int (*fn)(void *arg),
	       void *arg)
{
	struct nsrun_job j = { .nsfd = nsfd, .fn = fn, .arg = arg };
	int ret = nsrun_call_many(r, nstype, &j, 1);

	return ret ? ret : j.ret;
}

void nsrun_free(struct nsrun *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->quit = true;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	if (r->started)
		pthread_join(r->thread, NULL);
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

struct private_job {
	int (*fn)(void *arg);
	void *arg;
	int ret;
};

static void *private_main(void *p)
{
	struct private_job *j = p;

	/* the thread's own fs_struct and mount namespace; it never goes
	 * back, it ends */
	if (unshare(CLONE_NEWNS))
		j->ret = -errno;
	else
		j->ret = j->fn(j->arg);
	return NULL;
}

int nsrun_private_mounts(int (*fn)(void *arg), void *arg)
{
	struct private_job j = { fn, arg, 0 };
	pthread_t t;
	int e = pthread_create(&t, NULL, private_main, &j);

	if (e)
		return -e;
	pthread_join(t, NULL);
	return j.ret;
}
