/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_helper.c - the helper thread: jobs run one at a time, in order,
 * whether it was polling or asleep when the job came. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "helper.h"

struct job {
	atomic_int runs;
	pthread_t ran_on;
	int order[8];
	int n;
};

static void count_job(void *arg)
{
	struct job *j = arg;

	j->ran_on = pthread_self();
	j->order[j->n++] = atomic_fetch_add(&j->runs, 1);
}

static void test_helper_jobs(void **state)
{
	struct helper *h = helper_start();
	struct job j = { .n = 0 };
	cpu_set_t set;

	(void)state;
	if (sched_getaffinity(0, sizeof(set), &set) || CPU_COUNT(&set) < 2) {
		/* one CPU: no helper, the scan runs everything in line */
		assert_null(h);
		skip();
	}
	assert_non_null(h);
	atomic_init(&j.runs, 0);
	/* back to back: the helper is still polling */
	for (int i = 0; i < 4; i++) {
		helper_run(h, count_job, &j);
		helper_wait(h);
		assert_int_equal(atomic_load(&j.runs), i + 1);
	}
	assert_false(pthread_equal(j.ran_on, pthread_self()));
	/* after a pause longer than the polling: the helper was asleep */
	usleep(20000);
	helper_run(h, count_job, &j);
	helper_wait(h);
	assert_int_equal(atomic_load(&j.runs), 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(j.order[i], i);
	/* a job still running when stopped is finished first */
	helper_run(h, count_job, &j);
	helper_stop(h);
	assert_int_equal(atomic_load(&j.runs), 6);
	helper_stop(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_helper_jobs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
