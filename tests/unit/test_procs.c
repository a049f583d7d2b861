/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_procs.c - /proc/PID/stat parsing, the process table, pid liveness. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
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
	struct proc_stat st;

	(void)state;
	assert_int_equal(parse_proc_stat("42 (bash)" STAT_TAIL, &st), 0);
	assert_string_equal(st.comm, "bash");
	assert_int_equal(st.state, 'S');
	assert_int_equal(st.num_threads, 1);
	assert_int_equal(st.start_ticks, 360050);
}

/* State (field 3) and num_threads (field 20) as the zombie rule needs
 * them: a dead zombie, and a leader that called pthread_exit() while two
 * threads run. */
static void test_stat_state_threads(void **state)
{
	struct proc_stat st;

	(void)state;
	assert_int_equal(parse_proc_stat("9 (z) Z 1 9 9 0 -1 4194564 100 0 0 0 "
					 "0 0 0 0 20 0 1 0 7 0 0", &st), 0);
	assert_int_equal(st.state, 'Z');
	assert_int_equal(st.num_threads, 1);
	assert_int_equal(st.start_ticks, 7);
	assert_int_equal(parse_proc_stat("9 (a b) Z 1 9 9 0 -1 4194564 100 0 0 0"
					 " 0 0 0 0 20 0 3 0 8 0 0", &st), 0);
	assert_string_equal(st.comm, "a b");
	assert_int_equal(st.state, 'Z');
	assert_int_equal(st.num_threads, 3);
	assert_int_equal(parse_proc_stat("9 (k) I 2 0 0 0 -1 0 0 0 0 0 0 0 0 0 "
					 "20 0 4294967295 0 8 0", &st), 0);
	assert_int_equal(st.state, 'I');
	assert_int_equal(st.num_threads, 4294967295u);
}

static void test_stat_hostile_comm(void **state)
{
	struct proc_stat st;

	(void)state;
	/* comm ends at the LAST ')', even if it holds ") (" itself. */
	assert_int_equal(parse_proc_stat("42 (a) (b)" STAT_TAIL, &st), 0);
	assert_string_equal(st.comm, "a) (b");
	assert_int_equal(st.start_ticks, 360050);

	assert_int_equal(parse_proc_stat("7 (my prog 2)" STAT_TAIL, &st), 0);
	assert_string_equal(st.comm, "my prog 2");

	/* A comm that looks like more fields must not shift the fields
	 * (Z and 9 inside it are not the state and thread count). */
	assert_int_equal(parse_proc_stat("7 () Z 1 2 3 4 5 6 7 8 9 0 1 2 3 4 "
					 "5 6 7 8 9)" STAT_TAIL, &st), 0);
	assert_int_equal(st.start_ticks, 360050);
	assert_int_equal(st.state, 'S');
	assert_int_equal(st.num_threads, 1);

	assert_int_equal(parse_proc_stat("7 (new\nline)" STAT_TAIL, &st), 0);
	assert_string_equal(st.comm, "new\nline");

	assert_int_equal(parse_proc_stat("7 ()" STAT_TAIL, &st), 0);
	assert_string_equal(st.comm, "");
}

static void test_stat_long_comm_truncated(void **state)
{
	struct proc_stat st;

	(void)state;
	memset(st.comm, 'X', sizeof(st.comm));
	assert_int_equal(parse_proc_stat("9 (abcdefghijklmnopqrstuvwxyz)"
					 STAT_TAIL, &st), 0);
	assert_string_equal(st.comm, "abcdefghijklmno");
}

static void test_stat_malformed(void **state)
{
	struct proc_stat st = { .comm = "keep", .state = 'k',
				.num_threads = 5, .start_ticks = 77 };

	(void)state;
	assert_int_equal(parse_proc_stat("", &st), -EINVAL);
	assert_int_equal(parse_proc_stat("42 bash S 1", &st), -EINVAL);
	assert_int_equal(parse_proc_stat("42 (bash S 1 2 3", &st), -EINVAL);
	assert_int_equal(parse_proc_stat("42 )bash( S 1", &st), -EINVAL);
	/* truncated before field 22 */
	assert_int_equal(parse_proc_stat("42 (bash) S 1 42 42 0 -1 4194560",
					 &st), -EINVAL);
	/* field 22 not a number */
	assert_int_equal(parse_proc_stat("42 (bash) S 1 42 42 0 -1 4194560 "
					 "100 0 0 0 0 0 0 0 20 0 1 0 12x45 1",
					 &st), -EINVAL);
	assert_int_equal(parse_proc_stat("42 (bash) S 1 42 42 0 -1 4194560 "
					 "100 0 0 0 0 0 0 0 20 0 1 0 -5 1",
					 &st), -EINVAL);
	/* state not one letter */
	assert_int_equal(parse_proc_stat("42 (bash) SZ 1 42 42 0 -1 4194560 "
					 "100 0 0 0 0 0 0 0 20 0 1 0 5 1",
					 &st), -EINVAL);
	assert_int_equal(parse_proc_stat("42 (bash) 1 42 42 0 -1 4194560 "
					 "100 0 0 0 0 0 0 0 20 0 1 0 5 1 2",
					 &st), -EINVAL);
	/* num_threads not a number, or out of range */
	assert_int_equal(parse_proc_stat("42 (bash) Z 1 42 42 0 -1 4194560 "
					 "100 0 0 0 0 0 0 0 20 0 one 0 5 1",
					 &st), -EINVAL);
	assert_int_equal(parse_proc_stat("42 (bash) Z 1 42 42 0 -1 4194560 "
					 "100 0 0 0 0 0 0 0 20 0 -1 0 5 1",
					 &st), -EINVAL);
	assert_int_equal(parse_proc_stat("42 (bash) Z 1 42 42 0 -1 4194560 "
					 "100 0 0 0 0 0 0 0 20 0 4294967296 0 "
					 "5 1", &st), -EINVAL);
	/* failures leave the outputs alone */
	assert_int_equal(st.start_ticks, 77);
	assert_int_equal(st.state, 'k');
	assert_int_equal(st.num_threads, 5);
	assert_string_equal(st.comm, "keep");
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
	assert_int_equal(pt.n, 6);
	assert_int_equal(pt.v[0].pid, 1);
	assert_int_equal(pt.v[1].pid, 42);
	assert_int_equal(pt.v[2].pid, 77);
	assert_int_equal(pt.v[3].pid, 300);
	assert_int_equal(pt.v[4].pid, 500);
	assert_int_equal(pt.v[5].pid, 501);
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
	assert_int_equal(p->state, 'S');
	assert_int_equal(p->nlwp, 1);

	/* the fixture reader fills state and threads as libproc2 does: an
	 * unreaped zombie is dead, a Z leader with live threads is not */
	p = proctab_find(&pt, 500);
	assert_non_null(p);
	assert_int_equal(p->state, 'Z');
	assert_int_equal(p->nlwp, 1);
	assert_true(proc_exited(p));
	assert_false(pid_alive_at(&pt, 500, BTIME + 10));
	assert_false(pid_alive_at(&pt, 500, 0));
	p = proctab_find(&pt, 501);
	assert_non_null(p);
	assert_int_equal(p->state, 'Z');
	assert_int_equal(p->nlwp, 3);
	assert_false(proc_exited(p));
	assert_true(pid_alive_at(&pt, 501, BTIME + 10));

	/* namespaces from the ns links; a link of the wrong type (300's
	 * ipc reads net:[...]), a malformed one, or none at all: 0 */
	p = proctab_find(&pt, 42);
	assert_int_equal(p->ipcns, 4026532301ull);
	assert_int_equal(p->mntns, 4026532299ull);
	assert_int_equal(p->netns, 4026532304ull);
	p = proctab_find(&pt, 1);
	assert_int_equal(p->ipcns, 4026531839ull);
	assert_int_equal(p->mntns, 4026531841ull);
	assert_int_equal(p->netns, 4026531840ull);
	p = proctab_find(&pt, 300);
	assert_int_equal(p->ipcns, 0);
	assert_int_equal(p->mntns, 0);
	assert_int_equal(p->netns, 0);
	p = proctab_find(&pt, 500);
	assert_int_equal(p->ipcns, 0);

	/* unknown start: alive whatever the recorded time */
	p = proctab_find(&pt, 77);
	assert_non_null(p);
	assert_int_equal(p->start, 0);
	assert_true(pid_alive_at(&pt, 77, 1));
	assert_int_equal(p->state, 0);	/* unknown: not a zombie */
	assert_false(proc_exited(p));
	assert_null(proctab_find(&pt, 5));
	assert_null(proctab_find(&pt, 123));
	assert_null(proctab_find(&pt, 0));
	proctab_free(&pt);
	assert_null(pt.v);
	assert_int_equal(pt.n, 0);
	proctab_free(&pt);	/* twice is harmless */
}

static uint64_t ns_ino(const char *s, enum nsd_type want)
{
	return proc_ns_ino(s, strlen(s), want);
}

/* "ipc:[N]" and its kin, as readlink gives them (no NUL counted). */
static void test_ns_link(void **state)
{
	(void)state;
	assert_int_equal(ns_ino("ipc:[4026531839]", NSD_IPC), 4026531839ull);
	assert_int_equal(ns_ino("mnt:[4026531841]", NSD_MNT), 4026531841ull);
	assert_int_equal(ns_ino("net:[4026531840]", NSD_NET), 4026531840ull);
	assert_int_equal(ns_ino("ipc:[18446744073709551615]", NSD_IPC),
			 UINT64_MAX);
	/* only the type asked for */
	assert_int_equal(ns_ino("net:[4026531840]", NSD_IPC), 0);
	assert_int_equal(ns_ino("ipc:[4026531839]", NSD_MNT), 0);
	/* not a namespace link, or not a whole one */
	assert_int_equal(ns_ino("", NSD_IPC), 0);
	assert_int_equal(ns_ino("ipc:[]", NSD_IPC), 0);
	assert_int_equal(ns_ino("ipc:[0]", NSD_IPC), 0);
	assert_int_equal(ns_ino("ipc:[12x]", NSD_IPC), 0);
	assert_int_equal(ns_ino("ipc:[-1]", NSD_IPC), 0);
	assert_int_equal(ns_ino("ipc:4026531839", NSD_IPC), 0);
	assert_int_equal(ns_ino("ipc:[4026531839", NSD_IPC), 0);
	assert_int_equal(ns_ino("ipc:[4026531839]x", NSD_IPC), 0);
	assert_int_equal(ns_ino(" ipc:[4026531839]", NSD_IPC), 0);
	assert_int_equal(ns_ino("ipc:[18446744073709551616]", NSD_IPC), 0);
	assert_int_equal(ns_ino("socket:[4026531839]", NSD_IPC), 0);
	assert_int_equal(ns_ino("/proc/1/ns/ipc", NSD_IPC), 0);
	/* the length decides, not a NUL */
	assert_int_equal(proc_ns_ino("ipc:[7]garbage", 7, NSD_IPC), 7);
	assert_int_equal(proc_ns_ino("ipc:[7]", 6, NSD_IPC), 0);
}

static void test_proctab_missing_root(void **state)
{
	struct proctab pt;

	(void)state;
	assert_true(proctab_read("tests/fixtures/procs/no-such-root", &pt) < 0);
	assert_int_equal(pt.n, 0);
	assert_null(proctab_find(&pt, 1));
}

static uint64_t self_ns(const char *name)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	if (stat(path, &st))
		return 0;
	return st.st_ino;
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
	/* our own namespaces, as /proc/self/ns names them */
	assert_int_equal(p->ipcns, self_ns("ipc"));
	assert_int_equal(p->mntns, self_ns("mnt"));
	assert_int_equal(p->netns, self_ns("net"));
	assert_true(p->ipcns != 0);
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

/* Zombies: dead for every recorded-pid check, whatever the times say;
 * a Z leader with other threads (or an unknown thread count) is alive. */
static void test_alive_zombies(void **state)
{
	static const struct {
		char st;
		unsigned nlwp;
		bool alive;
	} cases[] = {
		{ 'Z', 1, false }, { 'X', 1, false }, { 'Z', 2, true },
		{ 'Z', 40, true }, { 'Z', 0, true }, { 'S', 1, true },
		{ 'D', 1, true }, { 'R', 3, true }, { 0, 0, true },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct proc v[] = { { .pid = 10, .start = 1000,
				      .state = cases[i].st,
				      .nlwp = cases[i].nlwp } };
		struct proctab pt = { .v = v, .n = 1 };

		if (pid_alive_at(&pt, 10, 1000) != cases[i].alive ||
		    pid_alive_at(&pt, 10, 0) != cases[i].alive ||
		    pid_alive_at(&pt, 10, 5000) != cases[i].alive ||
		    proc_exited(&v[0]) == cases[i].alive)
			fail_msg("state '%c' nlwp %u: want %s",
				 cases[i].st ? cases[i].st : '0',
				 cases[i].nlwp,
				 cases[i].alive ? "alive" : "dead");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stat_plain),
		cmocka_unit_test(test_stat_state_threads),
		cmocka_unit_test(test_stat_hostile_comm),
		cmocka_unit_test(test_stat_long_comm_truncated),
		cmocka_unit_test(test_stat_malformed),
		cmocka_unit_test(test_ns_link),
		cmocka_unit_test(test_proctab_fixture),
		cmocka_unit_test(test_proctab_missing_root),
		cmocka_unit_test(test_proctab_live),
		cmocka_unit_test(test_alive_edges),
		cmocka_unit_test(test_alive_zombies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
