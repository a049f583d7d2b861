/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_nsdisc.c - namespace discovery: link and mountinfo parsers, fixtures, own namespaces. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

#include "nsdisc.h"

static unsigned open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	unsigned n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* Tests run from the top of the tree (tests/run-tests cds there). */
#define ROOT "tests/fixtures/nsdisc/root"

static int link_of(const char *s, enum nsd_type *t, uint64_t *ino)
{
	return nsd_parse_link(s, strlen(s), t, ino);
}

static void test_link_valid(void **state)
{
	enum nsd_type t;
	uint64_t ino;

	(void)state;
	assert_int_equal(link_of("ipc:[4026531839]", &t, &ino), 0);
	assert_int_equal(t, NSD_IPC);
	assert_int_equal(ino, 4026531839u);
	assert_int_equal(link_of("mnt:[4026531832]", &t, &ino), 0);
	assert_int_equal(t, NSD_MNT);
	assert_int_equal(link_of("net:[1]", &t, &ino), 0);
	assert_int_equal(t, NSD_NET);
	assert_int_equal(ino, 1);
	assert_int_equal(link_of("cgroup:[4026531835]", &t, &ino), 0);
	assert_int_equal(t, NSD_CGROUP);
	assert_int_equal(ino, 4026531835u);
	/* only the first @len bytes count */
	assert_int_equal(nsd_parse_link("ipc:[7]garbage", 7, &t, &ino), 0);
	assert_int_equal(ino, 7);
}

static void test_link_malformed(void **state)
{
	static const char *const bad[] = {
		"", "ipc", "ipc:", "ipc:[", "ipc:[]", "ipc:[12", "ipc[12]",
		"ipc:12]", "ipc:[12]x", "ipc:[12] ", " ipc:[12]", "ipc:[-1]",
		"ipc:[+1]", "ipc:[0]", "ipc:[ 12]", "ipc:[0x10]", "ipc:[1 2]",
		"IPC:[12]", "uts:[12]", "pid:[12]", "user:[12]", "ipcx:[12]",
		"xipc:[12]", "socket:[12]", "pipe:[12]", "anon_inode:[ipc]",
		"/proc/1/ns/ipc", "ipc:[[12]]", "net:[12]]",
	};
	enum nsd_type t = NSD_NTYPES;
	uint64_t ino = 42;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = link_of(bad[i], &t, &ino);

		if (r != -EINVAL)
			fail_msg("'%s': %d, expected -EINVAL", bad[i], r);
	}
	assert_int_equal(link_of("ipc:[99999999999999999999999]", &t, &ino),
			 -ERANGE);
	/* untouched on failure */
	assert_int_equal(t, NSD_NTYPES);
	assert_int_equal(ino, 42);
	/* a NUL inside is not a digit */
	assert_int_equal(nsd_parse_link("ipc:[1\0002]", 9, &t, &ino),
			 -EINVAL);
}

static int mi_of(const char *s, struct nsd_mountinfo *mi, char *buf,
		 size_t len)
{
	snprintf(buf, len, "%s", s);
	return nsd_parse_mountinfo(buf, mi);
}

static void test_mountinfo_lines(void **state)
{
	struct nsd_mountinfo mi;
	char buf[512];

	(void)state;
	assert_int_equal(mi_of("67 46 0:4 ipc:[4026532179] /tmp/nsx_b rw - "
			       "nsfs nsfs rw", &mi, buf, sizeof(buf)), 0);
	assert_int_equal(mi.mnt_id, 67);
	assert_int_equal(mi.major, 0);
	assert_int_equal(mi.minor, 4);
	assert_string_equal(mi.root, "ipc:[4026532179]");
	assert_string_equal(mi.mountpoint, "/tmp/nsx_b");
	assert_string_equal(mi.fstype, "nsfs");

	/* escapes: space, tab, newline, backslash */
	assert_int_equal(mi_of("68 46 0:4 net:[4026531833] /tmp/a\\040b/"
			       "x\\011y\\012z\\134w rw - nsfs nsfs rw",
			       &mi, buf, sizeof(buf)), 0);
	assert_string_equal(mi.mountpoint, "/tmp/a b/x\ty\nz\\w");
	assert_string_equal(mi.root, "net:[4026531833]");

	/* optional fields, then mqueue */
	assert_int_equal(mi_of("69 46 0:20 / /dev/mqueue rw,relatime "
			       "shared:12 master:3 propagate_from:2 - mqueue "
			       "mqueue rw", &mi, buf, sizeof(buf)), 0);
	assert_string_equal(mi.fstype, "mqueue");
	assert_string_equal(mi.root, "/");
	assert_int_equal(mi.minor, 20);

	/* big device numbers */
	assert_int_equal(mi_of("4294967296 1 259:1048575 / / rw - ext4 "
			       "/dev/x rw", &mi, buf, sizeof(buf)), 0);
	assert_int_equal(mi.mnt_id, 4294967296ull);
	assert_int_equal(mi.major, 259);
	assert_int_equal(mi.minor, 1048575);
}

static void test_mountinfo_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"67",
		"67 46 0:4 / /x rw",			/* no separator */
		"67 46 0:4 / /x rw shared:1",		/* no separator */
		"67 46 0:4 / /x rw -",			/* no fstype */
		"67 46 0:4 / /x rw - nsfs",		/* no source */
		"67  46 0:4 / /x rw - nsfs nsfs rw",	/* empty field */
		"x 46 0:4 / /x rw - nsfs nsfs rw",
		"67 46 04 / /x rw - nsfs nsfs rw",
		"67 46 0: / /x rw - nsfs nsfs rw",
		":4 46 0:4 / /x rw - nsfs nsfs rw",
		"67 46 0:4294967296 / /x rw - nsfs nsfs rw",
		"67 46 0:4 / /a\\000b rw - nsfs nsfs rw",	/* a NUL */
		"67 46 0:4 / /a\\ rw - nsfs nsfs rw",	/* bare backslash */
		"67 46 0:4 / /a\\04 rw - nsfs nsfs rw",
		"67 46 0:4 / /a\\400 rw - nsfs nsfs rw",	/* > 255 */
		"67 46 0:4 / /a\\08x rw - nsfs nsfs rw",
		"67 46 0:4 ipc:[1]\\ /x rw - nsfs nsfs rw",
		"67 46 0:4 / /x rw a b c d e f g h i j k l m n o p q - x y z",
	};
	struct nsd_mountinfo mi;
	char buf[512];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (mi_of(bad[i], &mi, buf, sizeof(buf)) != -EINVAL)
			fail_msg("accepted: '%s'", bad[i]);
}

struct mi_count {
	unsigned lines, nsfs, mqueue;
	char last_mp[64];
};

static void count_line(const struct nsd_mountinfo *mi, void *arg)
{
	struct mi_count *c = arg;

	c->lines++;
	c->nsfs += !strcmp(mi->fstype, "nsfs");
	c->mqueue += !strcmp(mi->fstype, "mqueue");
	snprintf(c->last_mp, sizeof(c->last_mp), "%s", mi->mountpoint);
}

/* A mountinfo much bigger than the buffer, with a line too long for it,
 * a malformed one, and a last line without a newline. */
static void test_mountinfo_file(void **state)
{
	char path[] = "/tmp/test_nsdisc.XXXXXX";
	struct mi_count c = { 0 };
	unsigned skipped = 0;
	char buf[4096];
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	f = fdopen(dup(fd), "w");
	assert_non_null(f);
	for (int i = 0; i < 20000; i++)
		fprintf(f, "%d 1 0:%d / /m/%d rw - tmpfs t rw\n", i + 100,
			i, i);
	fprintf(f, "9 1 0:4 ipc:[4026532301] /run/a\\040b rw - nsfs nsfs rw\n");
	fputs("10 1 0:4 / /", f);
	for (int i = 0; i < 10000; i++)
		fputs("long", f);
	fputs(" rw - nsfs nsfs rw\n", f);
	fputs("garbage line\n", f);
	fputs("11 1 0:20 / /dev/mqueue rw - mqueue mqueue rw", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);

	assert_int_equal(nsd_read_mountinfo(fd, buf, sizeof(buf), count_line,
					    &c, &skipped), 0);
	close(fd);
	assert_int_equal(c.lines, 20002);
	assert_int_equal(c.nsfs, 1);
	assert_int_equal(c.mqueue, 1);
	assert_int_equal(skipped, 2);
	assert_string_equal(c.last_mp, "/dev/mqueue");
}

/* A fixture tree: its "ns" files are regular files and its fd link
 * dangles, so nothing may be found, and what was not verifiable is
 * counted. A link's number alone never names a namespace. */
static void test_fixture_nothing_trusted(void **state)
{
	struct nsd_opts o = { .root = ROOT };
	struct nsd_result res;

	(void)state;
	assert_int_equal(nsd_discover(&o, &res), 0);
	assert_int_equal(res.n, 0);
	assert_int_equal(res.nprocs, 2);
	assert_int_equal(res.ntasks, 0);
	assert_int_equal(res.tasks_unverified, 1);	/* pid 100 */
	assert_int_equal(res.tasks_denied, 0);		/* 101: "zombie" */
	assert_int_equal(res.nmq, 0);
	assert_false(nsd_complete(&res));
	assert_null(nsd_find(&res, NSD_IPC, 4026532999u));
	nsd_result_free(&res);
	nsd_result_free(&res);	/* an empty result is fine */

	o.root = ROOT "/none";
	assert_int_equal(nsd_discover(&o, &res), -ENOENT);
	assert_int_equal(res.n, 0);
}

/* The live system, as whoever runs the tests: our own namespaces are
 * found by our task, each once, with a descriptor that is that namespace;
 * an fd we hold of our IPC namespace makes it "fd" too. */
static void test_live_own(void **state)
{
	static const char *const names[] = { "ipc", "mnt", "net", "cgroup" };
	struct nsd_result res;
	unsigned fds;
	int held;

	(void)state;

	held = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
	assert_true(held >= 0);
	fds = open_fds();
	assert_int_equal(nsd_discover(NULL, &res), 0);
	/* one descriptor per namespace (and mqueue finding), no other */
	assert_int_equal(open_fds(), fds + res.n + res.nmq);
	for (unsigned t = 0; t < NSD_NTYPES; t++) {
		const struct nsd_ns *ns;
		char path[64];
		struct stat st, fst;

		snprintf(path, sizeof(path), "/proc/self/ns/%s", names[t]);
		assert_int_equal(stat(path, &st), 0);
		ns = nsd_find(&res, (enum nsd_type)t, st.st_ino);
		if (!ns)
			fail_msg("own %s namespace %llu not found", names[t],
				 (unsigned long long)st.st_ino);
		assert_string_equal(nsd_type_name(ns->type), names[t]);
		assert_true(ns->via & NSD_VIA_TASK);
		assert_true(ns->ntasks >= 1);
		assert_true(ns->pid > 0 && ns->pid <= getpid());
		assert_int_equal(fstat(ns->fd, &fst), 0);
		assert_int_equal(fst.st_ino, st.st_ino);
		assert_int_equal(fst.st_dev, st.st_dev);
		assert_int_equal(ns->dev, st.st_dev);
		if (t == NSD_IPC) {
			assert_true(ns->via & NSD_VIA_FD);
			assert_true(ns->fd_pid > 0 && ns->fd_pid <= getpid());
			assert_true(ns->holder_pid > 0);
		} else {
			assert_int_equal(ns->holder_pid, 0);
		}
	}
	/* sorted by type, then inode, and so no namespace twice */
	for (size_t i = 1; i < res.n; i++) {
		const struct nsd_ns *a = &res.ns[i - 1], *b = &res.ns[i];

		assert_true(a->type < b->type ||
			    (a->type == b->type && a->ino < b->ino));
	}
	/* the static initial inodes, where present, are marked */
	for (size_t i = 0; i < res.n; i++)
		if (res.ns[i].ino < 0xF0000000u)
			assert_true(res.ns[i].initial);
	assert_int_equal(res.tasks_unverified, 0);
	nsd_result_free(&res);
	assert_int_equal(open_fds(), fds);
	close(held);
}

struct seen_mounts {
	ino_t own;
	unsigned lines, own_lines, wrong;
};

static void on_mount(const struct nsd_mountinfo *mi, ino_t mntns, pid_t pid,
		     pid_t tid, void *arg)
{
	struct seen_mounts *m = arg;
	char path[64];
	struct stat st;

	assert_non_null(mi->fstype);
	m->lines++;
	m->own_lines += mntns == m->own;
	/* the task it was read through is in that mount namespace */
	snprintf(path, sizeof(path), "/proc/%d/task/%d/ns/mnt", (int)pid,
		 (int)tid);
	if (!stat(path, &st) && st.st_ino != mntns)
		m->wrong++;
}

/* Only the types asked for (and mount namespaces, always); every line of
 * the mountinfo read goes to the caller's callback, with the namespace
 * and the task it was read through. */
static void test_live_types_and_mounts(void **state)
{
	struct seen_mounts m = { 0 };
	struct nsd_opts o = {
		.types = 1u << NSD_NET, .on_mount = on_mount,
		.on_mount_arg = &m,
	};
	struct nsd_result res;
	struct stat net, mnt;

	(void)state;
	assert_int_equal(stat("/proc/self/ns/net", &net), 0);
	assert_int_equal(stat("/proc/self/ns/mnt", &mnt), 0);
	m.own = mnt.st_ino;
	assert_int_equal(nsd_discover(&o, &res), 0);
	for (size_t i = 0; i < res.n; i++)
		assert_true(res.ns[i].type == NSD_NET ||
			    res.ns[i].type == NSD_MNT);
	assert_non_null(nsd_find(&res, NSD_NET, net.st_ino));
	assert_non_null(nsd_find(&res, NSD_MNT, mnt.st_ino));
	assert_int_equal(res.mq_rule, NSD_MQ_UNTOLD);
	assert_int_equal(res.nmq, 0);
	assert_true(res.nreaders >= 1);
	assert_true(m.own_lines >= 1);	/* at least "/" */
	assert_true(m.lines >= m.own_lines);
	assert_int_equal(m.wrong, 0);
	nsd_result_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_valid),
		cmocka_unit_test(test_link_malformed),
		cmocka_unit_test(test_mountinfo_lines),
		cmocka_unit_test(test_mountinfo_malformed),
		cmocka_unit_test(test_mountinfo_file),
		cmocka_unit_test(test_fixture_nothing_trusted),
		cmocka_unit_test(test_live_own),
		cmocka_unit_test(test_live_types_and_mounts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
