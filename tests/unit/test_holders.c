/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_holders.c - maps/syscall parsing and the holder pass on a fixture. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "holders.h"
#include "kinds.h"
#include "util.h"

/* Tests run from the top of the tree (tests/run-tests cds there). */
#define FIXTURE "tests/fixtures/holders/root"
#define OWN_IPCNS 4026531839ULL
/* a POSIX name may hold any byte but '/' and NUL */
#define ODD_NAME "odd name\nwith \xff\xfe bytes"

/* ---- parse_maps_line ---------------------------------------------- */

static int parse_str(const char *s, struct maps_entry *e)
{
	return parse_maps_line(s, strlen(s), e);
}

static void assert_path(const struct maps_entry *e, const char *want)
{
	assert_non_null(e->path);
	assert_int_equal(e->pathlen, strlen(want));
	assert_memory_equal(e->path, want, e->pathlen);
}

static void test_maps_normal(void **state)
{
	struct maps_entry e;

	(void)state;
	assert_int_equal(parse_str("55d0c0a00000-55d0c0a21000 r--p 00000000 "
				   "08:01 1310742                    "
				   "/usr/lib/x.so\n", &e), 0);
	assert_int_equal(e.dev_major, 8);
	assert_int_equal(e.dev_minor, 1);
	assert_int_equal(e.inode, 1310742);
	assert_false(e.shared);
	assert_path(&e, "/usr/lib/x.so");	/* no newline */

	assert_int_equal(parse_str("7ffd4c000000-7ffd4c021000 rw-p 00000000 "
				   "00:00 0                          [stack]",
				   &e), 0);
	assert_int_equal(e.inode, 0);
	assert_path(&e, "[stack]");
}

static void test_maps_sysv(void **state)
{
	struct maps_entry e;

	(void)state;
	assert_int_equal(parse_str("7f3a10000000-7f3a18000000 rw-s 00000000 "
				   "00:01 32769                      "
				   "/SYSV0052e2c1 (deleted)", &e), 0);
	assert_true(e.shared);
	assert_int_equal(e.dev_major, 0);
	assert_int_equal(e.dev_minor, 1);
	assert_int_equal(e.inode, 32769);
	assert_path(&e, "/SYSV0052e2c1 (deleted)");
}

static void test_maps_hex_dev(void **state)
{
	struct maps_entry e;

	(void)state;
	assert_int_equal(parse_str("7f00-7f01 r--s 00001000 fd:1a 12 /a", &e),
			 0);
	assert_int_equal(e.dev_major, 0xfd);
	assert_int_equal(e.dev_minor, 0x1a);
	/* wider than two digits when the numbers are large */
	assert_int_equal(parse_str("7f00-7f01 r--s 0 103:2f0 12 /a", &e), 0);
	assert_int_equal(e.dev_major, 0x103);
	assert_int_equal(e.dev_minor, 0x2f0);
	assert_int_equal(parse_str("7f00-7f01 r--s 0 FD:0A 12 /a", &e), 0);
	assert_int_equal(e.dev_major, 0xfd);
	assert_int_equal(e.dev_minor, 0x0a);
}

static void test_maps_spaces_in_path(void **state)
{
	struct maps_entry e;

	(void)state;
	assert_int_equal(parse_str("7f00-7f01 rw-s 00000000 00:1a 4242      "
				   "/dev/shm/my shm  two (deleted)\n", &e), 0);
	assert_int_equal(e.inode, 4242);
	assert_path(&e, "/dev/shm/my shm  two (deleted)");
	/* the kernel escapes a newline in a name as \012 */
	assert_int_equal(parse_str("7f00-7f01 rw-s 0 00:1a 7 /dev/shm/a\\012b",
				   &e), 0);
	assert_path(&e, "/dev/shm/a\\012b");
}

static void test_maps_anonymous(void **state)
{
	struct maps_entry e;

	(void)state;
	/* the kernel leaves a blank after the inode of an unnamed mapping */
	assert_int_equal(parse_str("7f3a18200000-7f3a18300000 rw-p 00000000 "
				   "00:00 0 \n", &e), 0);
	assert_null(e.path);
	assert_int_equal(e.inode, 0);
	assert_int_equal(parse_str("7f00-7f01 rw-p 00000000 00:00 0", &e), 0);
	assert_null(e.path);
}

static void test_maps_garbage(void **state)
{
	static const char *const bad[] = {
		"",
		"\n",
		"garbage line that is not a mapping",
		"7f00-7f01 rw-s 0000",			/* truncated */
		"7f00-7f01 rw-s 00000000 00:1",
		"7f00-7f01 rw-s 00000000 00:1a",
		"7f00-7f01 rw-s 00000000 00:1a ",
		"7f00-7f01 rwxq 00000000 00:1a 5 /a",	/* bad perms */
		"7f00-7f01 rw- 00000000 00:1a 5 /a",
		"7f00-7f01 rw-s 00000000 001a 5 /a",	/* no colon */
		"7f00-7f01 rw-s 00000000 00:1a 5x /a",	/* bad inode */
		"7f00-7f01 rw-s 00000000 00:1a -5 /a",
		"zz00-7f01 rw-s 00000000 00:1a 5 /a",
		"7f00 7f01 rw-s 00000000 00:1a 5 /a",
		"7f00-7f01 rw-s 0000g000 00:1a 5 /a",
		"7f00-7f01 rw-s 0 100000000:1a 5 /a",	/* > 32 bits */
		"7f00-7f01 rw-s 00000000 00:1a 99999999999999999999 /a",
		"7f0000001000-7f00000",
	};
	struct maps_entry e;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse_str(bad[i], &e) != -EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
}

/* Only @len bytes are looked at: no NUL needed, none read past. */
static void test_maps_len_bound(void **state)
{
	static const char line[] = "7f00-7f01 rw-s 00000000 00:01 32769 /SYSVx";
	struct maps_entry e;
	char *exact;

	(void)state;
	/* cut inside the inode: the inode is what came before the cut */
	exact = malloc(33);
	memcpy(exact, line, 33);
	assert_int_equal(parse_maps_line(exact, 33, &e), 0);
	assert_int_equal(e.inode, 327);
	assert_null(e.path);
	free(exact);

	exact = malloc(sizeof(line) - 1);
	memcpy(exact, line, sizeof(line) - 1);
	assert_int_equal(parse_maps_line(exact, sizeof(line) - 1, &e), 0);
	assert_path(&e, "/SYSVx");
	free(exact);

	exact = malloc(24);
	memcpy(exact, line, 24);
	assert_int_equal(parse_maps_line(exact, 24, &e), -EINVAL);
	free(exact);
}

/* ---- parse_syscall_line ------------------------------------------- */

static void test_syscall_lines(void **state)
{
	uint64_t arg0 = 0;
	long nr = 0;

	(void)state;
	assert_int_equal(parse_syscall_line("running\n", &nr, &arg0), -EAGAIN);
	assert_int_equal(parse_syscall_line("running", &nr, &arg0), -EAGAIN);

	assert_int_equal(parse_syscall_line("70 0x8001 0x7ffd1234 0x2000 0x0 "
					    "0x0 0x0 0x7ffd0000 0x7f001234\n",
					    &nr, &arg0), 0);
	assert_int_equal(nr, 70);
	assert_int_equal(arg0, 0x8001);

	assert_int_equal(parse_syscall_line("220 0x2a 0x7ffe 0x1 0x0 0x0 0x0 "
					    "0x7ffe 0x7f00", &nr, &arg0), 0);
	assert_int_equal(nr, 220);
	assert_int_equal(arg0, 42);

	/* blocked outside a system call: "-1 sp pc" */
	assert_int_equal(parse_syscall_line("-1 0x7ffd1234 0x7f001234\n", &nr,
					    &arg0), 0);
	assert_int_equal(nr, -1);
}

static void test_syscall_garbage(void **state)
{
	static const char *const bad[] = {
		"", "\n", "abc", "70", "70 ", "70\n", "70 8001 0x1",
		"70 0x", "70 0xzz 0x1", "70x 0x1", "0x46 0x1",
		"99999999999999999999 0x1", "-2 0x1", "--1 0x1",
		"running now", "runningX", " 70 0x1", "70 0x1x 0x2",
	};
	uint64_t arg0 = 7;
	long nr = 7;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse_syscall_line(bad[i], &nr, &arg0) != -EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
	assert_int_equal(nr, 7);
	assert_int_equal(arg0, 7);
}

/* ---- holders_scan on a fixture tree -------------------------------- */

static char tmp[64];

static void run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void run(const char *fmt, ...)
{
	char cmd[3 * PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
}

static void put(const char *rel, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void link_at(const char *target, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	if (symlink(target, path))
		fail_msg("symlink %s: %s", path, strerror(errno));
}

/* A file under tmp/files; returns its stat. */
static struct stat make_file(const char *name, bool fifo)
{
	char path[PATH_MAX];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/files/%s", tmp, name);
	if (fifo) {
		assert_int_equal(mkfifo(path, 0600), 0);
	} else {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		assert_true(fd >= 0);
		close(fd);
	}
	assert_int_equal(stat(path, &st), 0);
	return st;
}

static void fd_link(const char *pid, const char *fd, const char *target)
{
	char rel[256], t[PATH_MAX];

	snprintf(rel, sizeof(rel), "proc/%s/fd/%s", pid, fd);
	if (target[0] == '@')	/* a file under tmp/files */
		snprintf(t, sizeof(t), "%s/files/%s", tmp, target + 1);
	else
		snprintf(t, sizeof(t), "%s", target);
	link_at(t, rel);
}

static void syscall_file(const char *pid, long nr, unsigned id)
{
	char rel[256], text[128];

	snprintf(rel, sizeof(rel), "proc/%s/syscall", pid);
	snprintf(text, sizeof(text),
		 "%ld 0x%x 0x7ffd1000 0x1 0x0 0x0 0x0 0x7ffd0ff0 0x7f0012\n",
		 nr, id);
	put(rel, text);
}

enum {
	O_SHM, O_SEM, O_MSG, O_PSHM_MAP, O_PSHM_HEX, O_PSHM_FD, O_PSHM_B,
	O_PSEM, O_MQ1, O_MQ2, O_UNIX, O_FIFO, O_SHM_IDLE, O_PSHM_ODD,
	O_PSHM_DEL, O_COUNT
};

static struct scan_ctx ctx;

static struct obj *add(enum kind kind)
{
	struct obj *o = objset_add(&ctx.objs, kind);

	assert_non_null(o);
	return o;
}

static void add_file_obj(enum kind kind, const char *name, const char *path,
			 dev_t dev, ino_t ino)
{
	struct obj *o = add(kind);

	o->name = name ? xstrdup(name) : NULL;
	o->path = xstrdup(path);
	o->dev = dev;
	o->ino = ino;
}

/* Build the tmp tree and the object set; @drop_hidden removes pid 1004. */
static void setup_scan(bool drop_hidden)
{
	static const char *const pids[] = { "1001", "1002", "1003", "1005",
					    "1006", "1008" };
	struct stat fd_st, b_st, other_st, sem_st, mq_st, fifo_st, odd_st,
		del_st;
	struct obj *o;
	char path[PATH_MAX];

	memset(&ctx, 0, sizeof(ctx));
	snprintf(tmp, sizeof(tmp), "/tmp/test_holders.XXXXXX");
	assert_non_null(mkdtemp(tmp));
	run("cp -R '%s/.' '%s/'", FIXTURE, tmp);
	run("mkdir '%s/files'", tmp);
	/* git keeps no empty dirs: every process gets an fd dir here */
	for (size_t i = 0; i < sizeof(pids) / sizeof(pids[0]); i++)
		run("mkdir -p '%s/proc/%s/fd'", tmp, pids[i]);
	if (drop_hidden)
		run("rm -r '%s/proc/1004'", tmp);

	/* /proc/PID/ns/ipc reads back as "ipc:[INODE]" */
	run("mkdir '%s/proc/1001/ns' '%s/proc/1002/ns' '%s/proc/1003/ns' "
	    "'%s/proc/1005/ns'", tmp, tmp, tmp, tmp);
	link_at("ipc:[4026531839]", "proc/1001/ns/ipc");
	link_at("ipc:[4026531839]", "proc/1002/ns/ipc");
	link_at("ipc:[4026531839]", "proc/1003/ns/ipc");
	link_at("ipc:[4026532999]", "proc/1005/ns/ipc"); /* a container */

#ifdef SYS_semtimedop
	syscall_file("1002", SYS_semtimedop, 32770);
	syscall_file("1005", SYS_semtimedop, 32770);
#endif
#ifdef SYS_msgrcv
	syscall_file("1003", SYS_msgrcv, 32771);
#endif

	fd_st = make_file("psm_fd", false);
	b_st = make_file("psm_b", false);
	other_st = make_file("psm_other", false);
	sem_st = make_file("sem.jobs", false);
	mq_st = make_file("q1", false);
	fifo_st = make_file("my fifo", true);
	odd_st = make_file(ODD_NAME, false);
	del_st = make_file("x (deleted)", false);
	(void)b_st;

	/* pid 1006: real holders, duplicates, non-files, a stale name */
	fd_link("1006", "0", "/dev/null");
	fd_link("1006", "3", "@psm_fd");
	fd_link("1006", "4", "@psm_fd");		/* same object twice */
	fd_link("1006", "5", "@psm_b");	/* same name, other inode */
	fd_link("1006", "6", "@sem.jobs");
	fd_link("1006", "7", "@q1");
	fd_link("1006", "8", "socket:[77777]");
	fd_link("1006", "9", "socket:[88888]");	/* not one of ours */
	fd_link("1006", "10", "pipe:[12345]");
	fd_link("1006", "11", "anon_inode:[eventfd]");
	fd_link("1006", "12", "@my fifo");
	fd_link("1006", "13", "/nonexistent/psm_fd (deleted)");
	fd_link("1006", "14", "socket:[777x]");
	fd_link("1006", "15", "@" ODD_NAME);
	/* a live file whose name merely ends like an unlinked one */
	fd_link("1006", "16", "@x (deleted)");

	scan_init(&ctx, &(struct scan_opts){ .root = tmp });
	ctx.set.now = 1764160000;
	ctx.src->ipc.ino = OWN_IPCNS;

	o = add(KIND_SHM);
	o->id = 32769;
	o = add(KIND_SEM);
	o->id = 32770;
	o = add(KIND_MSG);
	o->id = 32771;
	add_file_obj(KIND_PSHM, "psm_map", "/dev/shm/psm_map",
		     makedev(0, 0x1a), 4242);
	add_file_obj(KIND_PSHM, "psm hex", "/dev/shm/psm hex",
		     makedev(0xfd, 0x01), 555);
	add_file_obj(KIND_PSHM, "psm_fd", "/dev/shm/psm_fd", fd_st.st_dev,
		     fd_st.st_ino);
	/* same name and device as the file 1006 has open, another inode;
	 * also a maps line of 1006 names /dev/shm/psm_b with inode 31337 */
	add_file_obj(KIND_PSHM, "psm_b", "/dev/shm/psm_b", other_st.st_dev,
		     other_st.st_ino);
	add_file_obj(KIND_PSEM, "jobs", "/dev/shm/sem.jobs", sem_st.st_dev,
		     sem_st.st_ino);
	add_file_obj(KIND_MQUEUE, "q1", "/dev/mqueue/q1", mq_st.st_dev,
		     mq_st.st_ino);
	ctx.objs.v[O_MQ1].u.mq.notify_pid = 1001;
	add_file_obj(KIND_MQUEUE, "q2", "/dev/mqueue/q2", mq_st.st_dev,
		     mq_st.st_ino + 100000);
	ctx.objs.v[O_MQ2].u.mq.notify_pid = 4444;	/* no such process */
	o = add(KIND_UNIX);
	o->inode = 77777;
	snprintf(path, sizeof(path), "%s/files/my fifo", tmp);
	add_file_obj(KIND_FIFO, NULL, path, fifo_st.st_dev, fifo_st.st_ino);
	o = add(KIND_SHM);
	o->id = 40000;
	add_file_obj(KIND_PSHM, ODD_NAME, "/dev/shm/" ODD_NAME, odd_st.st_dev,
		     odd_st.st_ino);
	add_file_obj(KIND_PSHM, "x (deleted)", "/dev/shm/x (deleted)",
		     del_st.st_dev, del_st.st_ino);
	assert_int_equal(ctx.objs.n, O_COUNT);

	assert_int_equal(proctab_read(tmp, &ctx.procs), 0);
	/* 1008 exits between the process list and the holder pass */
	assert_non_null(proctab_find(&ctx.procs, 1008));
	run("rm -r '%s/proc/1008'", tmp);
}

static int setup_with_hidden(void **state)
{
	(void)state;
	setup_scan(false);
	return 0;
}

static int setup_all_visible(void **state)
{
	(void)state;
	setup_scan(true);
	return 0;
}

/* Runs even when a test fails, so no tmp tree is left behind. */
static int teardown_scan(void **state)
{
	(void)state;
	scan_free(&ctx);
	if (tmp[0])
		run("rm -rf '%s'", tmp);
	tmp[0] = '\0';
	return 0;
}

static bool has(int idx, pid_t pid, enum via via)
{
	const struct obj *o = &ctx.objs.v[idx];

	for (unsigned i = 0; i < o->nholders; i++)
		if (o->holders[i].pid == pid && o->holders[i].via == via)
			return true;
	return false;
}

static void test_scan_fixture(void **state)
{
	struct obj *v;

	(void)state;
	holders_scan(&ctx);
	v = ctx.objs.v;

	/* SysV attach from maps, only in our IPC namespace (not 1005) */
	assert_true(has(O_SHM, 1001, VIA_ATTACH));
	assert_int_equal(v[O_SHM].nholders, 1);
	assert_int_equal(v[O_SHM_IDLE].nholders, 0);

#if defined(SYS_semtimedop) && defined(SYS_msgrcv)
	/* blocked callers, again only in our IPC namespace */
	assert_true(has(O_SEM, 1002, VIA_WAIT));
	assert_int_equal(v[O_SEM].nholders, 1);
	assert_true(has(O_MSG, 1003, VIA_WAIT));
	assert_int_equal(v[O_MSG].nholders, 1);
#endif

	/* maps by (dev, ino), decimal inode and hex major:minor; 1004's
	 * fd dir is unreadable but its maps still count */
	assert_true(has(O_PSHM_MAP, 1001, VIA_MAP));
	assert_true(has(O_PSHM_MAP, 1004, VIA_MAP));
	assert_int_equal(v[O_PSHM_MAP].nholders, 2);
	assert_true(has(O_PSHM_HEX, 1001, VIA_MAP));
	assert_int_equal(v[O_PSHM_HEX].nholders, 1);

	/* fds by (dev, ino), once per (pid, via) */
	assert_true(has(O_PSHM_FD, 1006, VIA_FD));
	assert_int_equal(v[O_PSHM_FD].nholders, 1);
	assert_true(has(O_PSEM, 1006, VIA_FD));
	assert_int_equal(v[O_PSEM].nholders, 1);
	assert_true(has(O_MQ1, 1006, VIA_FD));
	assert_true(has(O_MQ1, 1001, VIA_NOTIFY));
	assert_int_equal(v[O_MQ1].nholders, 2);
	assert_int_equal(v[O_MQ2].nholders, 0);
	assert_true(has(O_UNIX, 1006, VIA_FD));
	assert_int_equal(v[O_UNIX].nholders, 1);
	assert_true(has(O_FIFO, 1006, VIA_FD));
	assert_int_equal(v[O_FIFO].nholders, 1);

	/* hostile names are matched like any other */
	assert_true(has(O_PSHM_ODD, 1006, VIA_FD));
	assert_true(has(O_PSHM_DEL, 1006, VIA_FD));

	/* a path or name match with another inode is no holder */
	assert_int_equal(v[O_PSHM_B].nholders, 0);

	/* 1004 could not be inspected; 1008 is merely gone */
	assert_false(proctab_find(&ctx.procs, 1004)->inspected);
	assert_true(proctab_find(&ctx.procs, 1008)->inspected);
	assert_true(proctab_find(&ctx.procs, 1006)->inspected);
	assert_int_equal(ctx.procs.uninspected, 1);
	assert_false(diag_complete(&ctx.diag));
	assert_int_equal(ctx.diag.nwarnings, 1);
	assert_non_null(strstr(ctx.diag.warnings[0], "1 process could not be"));
	/* it is named, pid and comm, with nothing after it left out */
	assert_non_null(strstr(ctx.diag.warnings[0],
			       "unreadable): 1004 (hidden); "));
	for (int i = 0; i < O_COUNT; i++) {
		bool want = v[i].kind == KIND_PSHM || v[i].kind == KIND_PSEM ||
			    v[i].kind == KIND_MQUEUE ||
			    v[i].kind == KIND_FIFO || v[i].kind == KIND_MSG;

		if (v[i].holders_incomplete != want)
			fail_msg("object %d (%s): holders_incomplete %d", i,
				 kind_name(v[i].kind),
				 v[i].holders_incomplete);
	}
}

static void test_scan_complete(void **state)
{
	(void)state;
	holders_scan(&ctx);
	assert_true(diag_complete(&ctx.diag));
	assert_int_equal(ctx.diag.nwarnings, 0);
	assert_int_equal(ctx.procs.uninspected, 0);
	for (int i = 0; i < O_COUNT; i++)
		assert_false(ctx.objs.v[i].holders_incomplete);
	assert_true(has(O_SHM, 1001, VIA_ATTACH));
	assert_true(has(O_PSHM_MAP, 1001, VIA_MAP));
	assert_int_equal(ctx.objs.v[O_PSHM_MAP].nholders, 1);
}

/*
 * A reader blocked in a second thread shows only in task/TID/syscall: a
 * threaded process must have its threads read when queues exist.
 */
static void test_scan_thread_waiter(void **state)
{
	struct proc *p;

	(void)state;
#ifdef SYS_msgrcv
	run("mkdir -p '%s/proc/1001/task/1001' '%s/proc/1001/task/1010' "
	    "'%s/proc/1001/task/1011'", tmp, tmp, tmp);
	put("proc/1001/task/1001/syscall", "running\n");
	put("proc/1001/task/1011/syscall", "running\n");
	syscall_file("1001/task/1010", SYS_msgrcv, 32771);
	p = proctab_find(&ctx.procs, 1001);
	assert_non_null(p);
	p->nlwp = 3;
	p->state = 'S';
	holders_scan(&ctx);
	assert_true(has(O_MSG, 1001, VIA_WAIT));
	assert_true(has(O_MSG, 1003, VIA_WAIT));
	assert_int_equal(ctx.objs.v[O_MSG].nholders, 2);
	/* the main thread's own file says "running": no other holders */
	assert_true(has(O_SHM, 1001, VIA_ATTACH));
	assert_int_equal(ctx.objs.v[O_SHM].nholders, 1);
#else
	(void)p;
	skip();
#endif
}

/*
 * Many processes (enough for the walk to be shared out): every one is
 * found once per way it holds, and holders are listed in pid order.
 */
#define MANY 70

static int setup_many(void **state)
{
	struct stat st;
	char rel[64], text[256];

	(void)state;
	memset(&ctx, 0, sizeof(ctx));
	snprintf(tmp, sizeof(tmp), "/tmp/test_holders.XXXXXX");
	assert_non_null(mkdtemp(tmp));
	run("mkdir -p '%s/proc' '%s/files'", tmp, tmp);
	run("cp '%s/proc/stat' '%s/proc/stat'", FIXTURE, tmp);
	st = make_file("psm_fd", false);
	/* pids from 3000 down, so the directory order is not pid order */
	for (int i = 0; i < MANY; i++) {
		int pid = 3000 + (i * 37) % MANY;

		run("mkdir -p '%s/proc/%d/fd'", tmp, pid);
		snprintf(rel, sizeof(rel), "proc/%d/stat", pid);
		snprintf(text, sizeof(text), "%d (w%d) S 1 1 1 0 -1 0 0 0 0 0 "
			 "0 0 0 0 20 0 1 0 100 0 0 0 0 0 0\n", pid, pid);
		put(rel, text);
		snprintf(rel, sizeof(rel), "proc/%d/maps", pid);
		put(rel, "7f3a18000000-7f3a18100000 rw-s 00000000 00:1a 4242"
		    "                       /dev/shm/psm_map\n");
		snprintf(rel, sizeof(rel), "%d", pid);
		fd_link(rel, "3", "@psm_fd");
	}
	scan_init(&ctx, &(struct scan_opts){ .root = tmp });
	add_file_obj(KIND_PSHM, "psm_map", "/dev/shm/psm_map",
		     makedev(0, 0x1a), 4242);
	add_file_obj(KIND_PSHM, "psm_fd", "/dev/shm/psm_fd", st.st_dev,
		     st.st_ino);
	assert_int_equal(proctab_read(tmp, &ctx.procs), 0);
	assert_int_equal(ctx.procs.n, MANY);
	return 0;
}

static void test_scan_many_in_order(void **state)
{
	/* shared out among the pass's own worker threads (none on a
	 * single CPU) */
	(void)state;
	holders_scan(&ctx);
	for (int k = 0; k < 2; k++) {
		const struct obj *o = &ctx.objs.v[k];

		assert_int_equal(o->nholders, MANY);
		for (unsigned i = 0; i < o->nholders; i++) {
			assert_int_equal(o->holders[i].pid, 3000 + (pid_t)i);
			assert_int_equal(o->holders[i].via,
					 k ? VIA_FD : VIA_MAP);
		}
	}
	assert_true(diag_complete(&ctx.diag));
	assert_int_equal(ctx.procs.uninspected, 0);
}

/* No objects: nothing to look for, nothing read, nothing marked. */
static void test_scan_empty(void **state)
{
	struct scan_ctx c;

	(void)state;
	scan_init(&c, &(struct scan_opts){ .root = FIXTURE });
	assert_int_equal(proctab_read(FIXTURE, &c.procs), 0);
	holders_scan(&c);
	assert_true(diag_complete(&c.diag));
	assert_int_equal(c.procs.uninspected, 0);
	scan_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_maps_normal),
		cmocka_unit_test(test_maps_sysv),
		cmocka_unit_test(test_maps_hex_dev),
		cmocka_unit_test(test_maps_spaces_in_path),
		cmocka_unit_test(test_maps_anonymous),
		cmocka_unit_test(test_maps_garbage),
		cmocka_unit_test(test_maps_len_bound),
		cmocka_unit_test(test_syscall_lines),
		cmocka_unit_test(test_syscall_garbage),
		cmocka_unit_test_setup_teardown(test_scan_fixture,
						setup_with_hidden,
						teardown_scan),
		cmocka_unit_test_setup_teardown(test_scan_thread_waiter,
						setup_all_visible,
						teardown_scan),
		cmocka_unit_test_setup_teardown(test_scan_many_in_order,
						setup_many, teardown_scan),
		cmocka_unit_test_setup_teardown(test_scan_complete,
						setup_all_visible,
						teardown_scan),
		cmocka_unit_test(test_scan_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
