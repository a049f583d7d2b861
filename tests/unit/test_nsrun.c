/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_nsrun.c - the namespace runner: in, the work, and back. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nsrun.h"

#define NNS 3

static uint64_t ino_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : (uint64_t)st.st_ino;
}

/* What the function saw, from inside. */
struct seen {
	uint64_t net;		/* /proc/thread-self/ns/net */
	uint64_t mnt;
	int calls;
	const char *dir;	/* where the private mount goes */
	pid_t tid;		/* the thread it ran on */
};

static int look(void *arg)
{
	struct seen *s = arg;
	/* not a forked child: the heap is ours */
	char *heap = malloc(1 << 20);

	s->net = ino_of("/proc/thread-self/ns/net");
	s->mnt = ino_of("/proc/thread-self/ns/mnt");
	s->calls++;
	s->tid = gettid();
	free(heap);
	return 7;
}

/* Children parked in network namespaces of their own, and their nsfs
 * files. Returns how many could be made (0 without privilege). */
static int park(pid_t *pids, int *fds, uint64_t *inos)
{
	int n = 0;

	for (int i = 0; i < NNS; i++) {
		int p[2];
		char c, path[64];
		pid_t pid;

		if (pipe(p))
			break;
		pid = fork();
		if (pid == 0) {
			close(p[0]);
			c = unshare(CLONE_NEWNET) ? 'n' : 'y';
			if (write(p[1], &c, 1) != 1)
				_exit(1);
			pause();
			_exit(0);
		}
		close(p[1]);
		if (pid < 0 || read(p[0], &c, 1) != 1 || c != 'y') {
			close(p[0]);
			if (pid > 0) {
				kill(pid, SIGKILL);
				waitpid(pid, NULL, 0);
			}
			break;
		}
		close(p[0]);
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
		pids[n] = pid;
		fds[n] = open(path, O_RDONLY | O_CLOEXEC);
		inos[n] = ino_of(path);
		assert_true(fds[n] >= 0);
		n++;
	}
	return n;
}

static void unpark(pid_t *pids, int *fds, int n)
{
	for (int i = 0; i < n; i++) {
		close(fds[i]);
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
	}
}

/* One runner visits several namespaces in turn; each call sees exactly
 * its namespace, and neither the caller nor the runner stays anywhere
 * but at home between calls. */
static void test_netns_in_and_back(void **state)
{
	uint64_t own = ino_of("/proc/thread-self/ns/net"), inos[NNS];
	int fds[NNS], self, n;
	pid_t pids[NNS];
	struct nsrun *r;
	struct seen s = { 0 };

	(void)state;
	n = park(pids, fds, inos);
	if (!n) {
		print_message("# skipped: cannot make network namespaces\n");
		skip();
	}
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_true(self >= 0);
	r = nsrun_new();
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < n; i++) {
			assert_int_equal(nsrun_call(r, fds[i], CLONE_NEWNET,
						    look, &s), 7);
			assert_true(s.net == inos[i]);
			assert_true(s.net != own);
			assert_true(ino_of("/proc/thread-self/ns/net") == own);
		}
		/* and back at home, the runner sees our own */
		assert_int_equal(nsrun_call(r, self, CLONE_NEWNET, look, &s),
				 7);
		assert_true(s.net == own);
	}
	assert_int_equal(s.calls, 2 * (n + 1));
	/* a file that is no namespace: setns fails, nothing runs */
	assert_true(nsrun_call(r, STDIN_FILENO, CLONE_NEWNET, look, &s) < 0);
	assert_int_equal(s.calls, 2 * (n + 1));
	/* the runner still works after a failed entry */
	assert_int_equal(nsrun_call(r, fds[0], CLONE_NEWNET, look, &s), 7);
	assert_true(s.net == inos[0]);
	nsrun_free(r);
	close(self);
	unpark(pids, fds, n);
}

/* A batch: every job in its own namespace, in order, all on the one
 * runner thread (one hand-over); a job whose file is no namespace fails
 * alone and runs nothing; the caller and the runner end at home. */
static void test_netns_batch(void **state)
{
	uint64_t own = ino_of("/proc/thread-self/ns/net"), inos[NNS];
	struct nsrun_job jobs[NNS + 2];
	struct seen s[NNS + 2];
	int fds[NNS], self, n, nj = 0, bad = -1;
	pid_t pids[NNS];
	struct nsrun *r;

	(void)state;
	n = park(pids, fds, inos);
	if (!n) {
		print_message("# skipped: cannot make network namespaces\n");
		skip();
	}
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_true(self >= 0);
	memset(s, 0, sizeof(s));
	for (int i = 0; i < n; i++) {
		if (i == 1) {
			bad = nj;
			jobs[nj] = (struct nsrun_job){ STDIN_FILENO, look,
						       &s[nj], 0 };
			nj++;
		}
		jobs[nj] = (struct nsrun_job){ fds[i], look, &s[nj], 0 };
		nj++;
	}
	if (n == 1) {
		bad = nj;
		jobs[nj] = (struct nsrun_job){ STDIN_FILENO, look, &s[nj], 0 };
		nj++;
	}
	jobs[nj] = (struct nsrun_job){ self, look, &s[nj], 0 };
	nj++;
	r = nsrun_new();
	for (int round = 0; round < 2; round++) {
		int k = 0;

		for (int j = 0; j < nj; j++)
			s[j].calls = 0;
		assert_int_equal(nsrun_call_many(r, CLONE_NEWNET, jobs,
						 (size_t)nj), 0);
		for (int j = 0; j < nj; j++) {
			if (j == bad) {
				assert_true(jobs[j].ret < 0);
				assert_int_equal(s[j].calls, 0);
				continue;
			}
			assert_int_equal(jobs[j].ret, 7);
			assert_int_equal(s[j].calls, 1);
			assert_true(s[j].tid != gettid());
			assert_true(s[j].tid == s[0].tid);
			if (j == nj - 1)
				assert_true(s[j].net == own);
			else
				assert_true(s[j].net == inos[k++]);
		}
		assert_int_equal(k, n);
		assert_true(ino_of("/proc/thread-self/ns/net") == own);
	}
	/* an empty batch runs nothing and says so by no error */
	assert_int_equal(nsrun_call_many(r, CLONE_NEWNET, jobs, 0), 0);
	/* and single calls still work on the same runner */
	assert_int_equal(nsrun_call(r, fds[0], CLONE_NEWNET, look, &s[0]), 7);
	assert_true(s[0].net == inos[0]);
	nsrun_free(r);
	close(self);
	unpark(pids, fds, n);
}

/* A thread may unshare its mount namespace; its mounts are nobody
 * else's and end with it. */
static int private_mount(void *arg)
{
	struct seen *s = arg;

	look(s);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", s->dir, "tmpfs", 0, "size=64k"))
		return -errno;
	return 0;
}

static void test_private_mounts(void **state)
{
	uint64_t own = ino_of("/proc/thread-self/ns/mnt");
	char dir[] = "/tmp/test_nsrun.XXXXXX";
	struct stat before, after;
	struct seen s = { .dir = dir };
	int r;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(stat(dir, &before), 0);
	r = nsrun_private_mounts(private_mount, &s);
	if (r == -EPERM) {
		rmdir(dir);
		print_message("# skipped: unshare(CLONE_NEWNS): %s\n",
			      strerror(-r));
		skip();
	}
	assert_int_equal(r, 0);
	assert_int_equal(s.calls, 1);
	assert_true(s.mnt != own);
	assert_true(ino_of("/proc/thread-self/ns/mnt") == own);
	/* the tmpfs was the thread's only */
	assert_int_equal(stat(dir, &after), 0);
	assert_true(before.st_dev == after.st_dev);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_netns_in_and_back),
		cmocka_unit_test(test_netns_batch),
		cmocka_unit_test(test_private_mounts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
