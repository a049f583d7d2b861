/* SPDX-License-Identifier: GPL-2.0-or-later */
/* helper.c - one helper thread that stays awake between jobs. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "helper.h"

/* How long a waiter polls before it sleeps: about the gap between the
 * helper's two jobs in a scan, well below what a wake-up costs. */
#define POLL_NS 3000000L

enum { IDLE, QUEUED, QUIT };

struct helper {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	atomic_int state;	/* IDLE, QUEUED (a job to run), QUIT */
	void (*fn)(void *arg);
	void *arg;
};

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* Wait until @pred(state) holds: poll first, then sleep on the cond. */
static int await(struct helper *h, bool (*pred)(int state))
{
	long long end = mono_ns() + POLL_NS;
	unsigned n = 0;
	int s;

	while (!pred(s = atomic_load_explicit(&h->state,
					     memory_order_acquire))) {
		if (++n % 256 == 0 && mono_ns() > end) {
			pthread_mutex_lock(&h->lock);
			while (!pred(s = atomic_load(&h->state)))
				pthread_cond_wait(&h->cond, &h->lock);
			pthread_mutex_unlock(&h->lock);
			return s;
		}
		relax();
	}
	return s;
}

static void set_state(struct helper *h, int s)
{
	pthread_mutex_lock(&h->lock);
	atomic_store_explicit(&h->state, s, memory_order_release);
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
}

static bool has_work(int s)
{
	return s != IDLE;
}

static bool is_idle(int s)
{
	return s == IDLE;
}

static void *helper_main(void *arg)
{
	struct helper *h = arg;

	while (await(h, has_work) == QUEUED) {
		h->fn(h->arg);
		set_state(h, IDLE);
	}
	return NULL;
}

struct helper *helper_start(void)
{
	struct helper *h;
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) || CPU_COUNT(&set) < 2)
		return NULL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->cond, NULL);
	atomic_init(&h->state, IDLE);
	if (pthread_create(&h->thread, NULL, helper_main, h)) {
		pthread_cond_destroy(&h->cond);
		pthread_mutex_destroy(&h->lock);
		free(h);
		return NULL;
	}
	return h;
}

void helper_run(struct helper *h, void (*fn)(void *arg), void *arg)
{
	h->fn = fn;
	h->arg = arg;
	set_state(h, QUEUED);
}

void helper_wait(struct helper *h)
{
	await(h, is_idle);
}

void helper_stop(struct helper *h)
{
	if (!h)
		return;
	helper_wait(h);
	set_state(h, QUIT);
	pthread_join(h->thread, NULL);
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->lock);
	free(h);
}
