/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_procs.c - /proc/PID/stat parsing, the process table, pid liveness. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "procs.h"

/* Tests run from the top of the tree (tests/run-tests cds there). */
#define ROOT "tests/fixtures/procs/root"
#define BTIME 1764150000

/* A stat line with @comm and start ticks 360050 in field 22. */
#define STAT_TAIL " S 1 42 42 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 " \
	"360050 3133440 386 18446744073709551615 0 0 0\n"

static void test_stat_plain(void **state)
{
	unsigned long long ticks = 0;
	char comm[16];

	(void)state;
	assert_int_equal(parse_proc_stat("42 (bash)" STAT_TAIL, comm, &ticks),
			 0);
	assert_string_equal(comm, "bash");
	assert_int_equal(ticks, 360050);
}

static void test_stat_hostile_comm(void **state)
{
	unsigned long long ticks = 0;
	char comm[16];

	(void)state;
	/* comm ends at the LAST ')', even if it holds ") (" itself. */
	assert_int_equal(parse_proc_stat("42 (a) (b)" STAT_TAIL, comm, &ticks),
			 0);
	assert_string_equal(comm, "a) (b");
	assert_int_equal(ticks, 360050);

	assert_int_equal(parse_proc_stat("7 (my prog 2)" STAT_TAIL, comm,
					 &ticks), 0);
	assert_string_equal(comm, "my prog 2");

	/* A comm that looks like more fields must not shift field 22. */
	assert_int_equal(parse_proc_stat("7 () S 1 2 3 4 5 6 7 8 9 0 1 2 3 4 "
					 "5 6 7 8 9)" STAT_TAIL, comm, &ticks),
			 0);
	assert_int_equal(ticks, 360050);

	assert_int_equal(parse_proc_stat("7 (new\nline)" STAT_TAIL, comm,
					 &ticks), 0);
	assert_string_equal(comm, "new\nline");

	assert_int_equal(parse_proc_stat("7 ()" STAT_TAIL, comm, &ticks), 0);
	assert_string_equal(comm, "");
}

static void test_stat_long_comm_truncated(void **state)
{
	unsigned long long ticks = 0;
	char comm[16];

	(void)state;
	memset(comm, 'X', sizeof(comm));
	assert_int_equal(parse_proc_stat("9 (abcdefghijklmnopqrstuvwxyz)"
					 STAT_TAIL, comm, &ticks), 0);
	assert_string_equal(comm, "abcdefghijklmno");
}

static void test_stat_malformed(void **state)
{
	unsigned long long ticks = 77;
	char comm[16] = "keep";

	(void)state;
	assert_int_equal(parse_proc_stat("", comm, &ticks), -EINVAL);
	assert_int_equal(parse_proc_stat("42 bash S 1", comm, &ticks),
			 -EINVAL);
	assert_int_equal(parse_proc_stat("42 (bash S 1 2 3", comm, &ticks),
			 -EINVAL);
	assert_int_equal(parse_proc_stat("42 )bash( S 1", comm, &ticks),
			 -EINVAL);
	/* truncated before field 22 */
	assert_int_equal(parse_proc_stat("42 (bash) S 1 42 42 0 -1 4194560",
					 comm, &ticks), -EINVAL);
	/* field 22 not a number */
	assert_int_equal(parse_proc_stat("42 (bash) S 1 42 42 0 -1 4194560 "
					 "100 0 0 0 0 0 0 0 20 0 1 0 12x45 1",
					 comm, &ticks), -EINVAL);
	assert_int_equal(parse_proc_stat("42 (bash) S 1 42 42 0 -1 4194560 "
					 "100 0 0 0 0 0 0 0 20 0 1 0 -5 1",
					 comm, &ticks), -EINVAL);
	/* failures leave the outputs alone */
	assert_int_equal(ticks, 77);
	assert_string_equal(comm, "keep");
}

static void test_proctab_fixture(void **state)
{
	long hz = sysconf(_SC_CLK_TCK);
	struct proctab pt;
	struct proc *p;

	(void)state;
	assert_int_equal(proctab_read(ROOT, &pt), 0);
	/* "notapid" and "0123" are not pids; 77's stat is truncated: it
	 * exists, so it stays, with an unknown start */
	assert_int_equal(pt.n, 4);
	assert_int_equal(pt.v[0].pid, 1);
	assert_int_equal(pt.v[1].pid, 42);
	assert_int_equal(pt.v[2].pid, 77);
	assert_int_equal(pt.v[3].pid, 300);
	assert_int_equal(pt.uninspected, 0);
	assert_int_equal(pt.unparsable, 1);

	p = proctab_find(&pt, 42);
	assert_non_null(p);
	assert_string_equal(p->comm, "a) (b c");
	assert_int_equal(p->euid, 26);	/* effective, not real (1000) */
	assert_int_equal(p->start, BTIME + 360050 / hz);
	assert_true(p->inspected);

	p = proctab_find(&pt, 1);
	assert_non_null(p);
	assert_string_equal(p->comm, "systemd");
	assert_int_equal(p->euid, 0);
	assert_int_equal(p->start, BTIME + 5 / hz);

	/* no status file: kept, with an euid that is nobody's */
	p = proctab_find(&pt, 300);
	assert_non_null(p);
	assert_int_equal(p->euid, (uid_t)-1);
	assert_int_equal(p->start, BTIME + 199 / hz);	/* floored */

	/* unknown start: alive whatever the recorded time */
	p = proctab_find(&pt, 77);
	assert_non_null(p);
	assert_int_equal(p->start, 0);
	assert_true(pid_alive_at(&pt, 77, 1));
	assert_null(proctab_find(&pt, 5));
	assert_null(proctab_find(&pt, 123));
	assert_null(proctab_find(&pt, 0));
	proctab_free(&pt);
	assert_null(pt.v);
	assert_int_equal(pt.n, 0);
	proctab_free(&pt);	/* twice is harmless */
}

static void test_proctab_missing_root(void **state)
{
	struct proctab pt;

	(void)state;
	assert_true(proctab_read("tests/fixtures/procs/no-such-root", &pt) < 0);
	assert_int_equal(pt.n, 0);
	assert_null(proctab_find(&pt, 1));
}

/* The live path goes through libproc2: we must find ourselves. */
static void test_proctab_live(void **state)
{
	struct proctab pt;
	struct proc *p;
	time_t now = time(NULL);

	(void)state;
	assert_int_equal(proctab_read("", &pt), 0);
	assert_true(pt.n >= 1);
	for (size_t i = 1; i < pt.n; i++)
		assert_true(pt.v[i - 1].pid < pt.v[i].pid);
	p = proctab_find(&pt, getpid());
	assert_non_null(p);
	assert_int_equal(p->euid, geteuid());
	assert_true(p->start <= now);
	assert_true(p->start > now - 3600);
	assert_true(strncmp(p->comm, "test_procs", 10) == 0);
	/* the holder pass reads task/ only for threaded processes and
	 * skips the syscall file of running ones: both must be right */
	assert_int_equal(p->nlwp, 1);
	assert_int_equal(p->state, 'R');
	proctab_free(&pt);
}

static void test_alive_edges(void **state)
{
	struct proc v[] = {
		{ .pid = 10, .start = 1000 },
		{ .pid = 20, .start = 2000 },
	};
	struct proctab pt = { .v = v, .n = 2 };

	(void)state;
	assert_true(pid_alive_at(&pt, 10, 1000));	/* same second */
	assert_true(pid_alive_at(&pt, 10, 999));	/* 1 s tolerance */
	assert_false(pid_alive_at(&pt, 10, 998));	/* started later */
	assert_false(pid_alive_at(&pt, 10, 995));
	assert_true(pid_alive_at(&pt, 10, 5000));	/* started before */
	assert_true(pid_alive_at(&pt, 10, 0));	/* no time: present */
	assert_false(pid_alive_at(&pt, 30, 0));		/* absent */
	assert_false(pid_alive_at(&pt, 30, 5000));
	assert_false(pid_alive_at(&pt, 0, 5000));	/* 0 is not a pid */
	assert_false(pid_alive_at(&pt, -1, 0));
	assert_false(pid_alive_at(&pt, 20, 1));
	assert_true(pid_alive_at(&pt, 20, 1999));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stat_plain),
		cmocka_unit_test(test_stat_hostile_comm),
		cmocka_unit_test(test_stat_long_comm_truncated),
		cmocka_unit_test(test_stat_malformed),
		cmocka_unit_test(test_proctab_fixture),
		cmocka_unit_test(test_proctab_missing_root),
		cmocka_unit_test(test_proctab_live),
		cmocka_unit_test(test_alive_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
