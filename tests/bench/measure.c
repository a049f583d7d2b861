/* SPDX-License-Identifier: GPL-2.0-or-later */
/* measure - run a command once; print its wall time, CPU time and peak RSS. */

/*
 * Usage: measure [-e ERRFILE] -- COMMAND [ARG...]
 *
 * Runs COMMAND with stdout on /dev/null (and stderr appended to ERRFILE
 * when given) and prints one line on stdout:
 *
 *	WALL_SECONDS CPU_SECONDS MAXRSS_KIB STATUS
 *
 * WALL is CLOCK_MONOTONIC from just before fork to the end of wait4.
 * CPU is user + system time and MAXRSS the peak resident set from wait4's
 * rusage, which covers COMMAND and every descendant it waited for: for a
 * shell pipeline, CPU is the sum over all its processes and MAXRSS the
 * largest single one.  STATUS is the exit code, or 128+N after signal N,
 * or 127 when COMMAND could not be run.  This replaces /usr/bin/time so
 * the benchmark needs no extra package.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

static double tv_sec(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	const char *errfile = NULL;
	struct timespec t0, t1;
	struct rusage ru;
	int opt, status, code;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+e:")) != -1) {
		if (opt != 'e')
			goto usage;
		errfile = optarg;
	}
	if (optind >= argc)
		goto usage;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("measure: fork");
		return 1;
	}
	if (pid == 0) {
		int out = open("/dev/null", O_WRONLY | O_CLOEXEC);

		if (out < 0 || dup2(out, 1) < 0)
			_exit(127);
		if (errfile) {
			int err = open(errfile, O_WRONLY | O_CREAT | O_APPEND |
				       O_CLOEXEC, 0644);

			if (err < 0 || dup2(err, 2) < 0)
				_exit(127);
		}
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "measure: %s: %s\n", argv[optind],
			strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("measure: wait4");
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);

	if (WIFEXITED(status))
		code = WEXITSTATUS(status);
	else
		code = 128 + WTERMSIG(status);
	printf("%.6f %.6f %ld %d\n",
	       (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	       tv_sec(ru.ru_utime) + tv_sec(ru.ru_stime), ru.ru_maxrss, code);
	return 0;

usage:
	fprintf(stderr, "usage: measure [-e ERRFILE] -- COMMAND [ARG...]\n");
	return 2;
}
