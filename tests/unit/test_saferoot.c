/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_saferoot.c - host mount table verdicts, the safe walk, re-check and unlink. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fsutil.h"
#include "parse.h"
#include "saferoot.h"

#define FIX "tests/fixtures/saferoot"
#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define TMPFS_MAGIC 0x01021994

/* ------------------------------------------------------------------ */
/* the host's mount table                                               */

static struct sr_mounts *load(const char *name)
{
	struct sr_mounts *m = NULL;
	char p[PATH_MAX];

	snprintf(p, sizeof(p), FIX "/%s", name);
	assert_int_equal(sr_mounts_load(p, &m), 0);
	assert_non_null(m);
	return m;
}

static enum sr_hostmnt where(const struct sr_mounts *m, unsigned maj,
			     unsigned min, const char **w, const char **t)
{
	*w = *t = NULL;
	return sr_mounts_where(m, makedev(maj, min), w, t);
}

static void test_mounts_host(void **state)
{
	struct sr_mounts *m = load("host.mountinfo");
	const char *w, *t;

	(void)state;
	/* the host's own /dev/shm, also at a docker path: still host shm */
	assert_int_equal(where(m, 0, 24, &w, &t), SR_MNT_HOST_SHM);
	assert_null(w);
	/* podman (graph root), docker, containerd, cri-o (run root), and
	 * docker under a data root with a blank in it */
	assert_int_equal(where(m, 0, 77, &w, &t), SR_MNT_ENGINE_SHM);
	assert_int_equal(where(m, 0, 78, &w, &t), SR_MNT_ENGINE_SHM);
	assert_int_equal(where(m, 0, 79, &w, &t), SR_MNT_ENGINE_SHM);
	assert_int_equal(where(m, 0, 80, &w, &t), SR_MNT_ENGINE_SHM);
	assert_int_equal(where(m, 0, 81, &w, &t), SR_MNT_ENGINE_SHM);
	/* a device the host does not mount: the container's own */
	assert_int_equal(where(m, 0, 99, &w, &t), SR_MNT_NONE);
	assert_null(w);
	/* the host's /tmp tmpfs (also bound at /mnt/tmpsub) */
	assert_int_equal(where(m, 0, 45, &w, &t), SR_MNT_OTHER);
	assert_string_equal(w, "/tmp");
	assert_string_equal(t, "tmpfs");
	assert_int_equal(where(m, 0, 25, &w, &t), SR_MNT_OTHER);
	assert_string_equal(w, "/run");
	/* a container's overlay root, the host's root fs and devtmpfs */
	assert_int_equal(where(m, 0, 63, &w, &t), SR_MNT_OTHER);
	assert_string_equal(t, "overlay");
	assert_string_equal(w, "/var/lib/docker/overlay2/7a1c0e5d9f/merged");
	assert_int_equal(where(m, 254, 1, &w, &t), SR_MNT_OTHER);
	assert_string_equal(w, "/");
	assert_int_equal(where(m, 0, 5, &w, &t), SR_MNT_OTHER);
	assert_string_equal(w, "/dev");
	/* escapes decoded: blank, newline, backslash, in the type too */
	assert_int_equal(where(m, 0, 82, &w, &t), SR_MNT_OTHER);
	assert_string_equal(w, "/mnt/my disk\nx\\y");
	assert_string_equal(t, "tmp fs");
	/* look-alikes: a 63-digit id, a capital driver name, upper-case
	 * hex, a path below the shm mount, a bare /shm */
	assert_int_equal(where(m, 0, 83, &w, &t), SR_MNT_OTHER);
	assert_int_equal(where(m, 0, 84, &w, &t), SR_MNT_OTHER);
	assert_int_equal(where(m, 0, 86, &w, &t), SR_MNT_OTHER);
	assert_int_equal(where(m, 0, 87, &w, &t), SR_MNT_OTHER);
	assert_int_equal(where(m, 0, 88, &w, &t), SR_MNT_OTHER);
	assert_string_equal(w, "/shm");
	/* an engine's shm mount that the host also mounts elsewhere */
	assert_int_equal(where(m, 0, 85, &w, &t), SR_MNT_OTHER);
	assert_string_equal(w, "/opt/elsewhere");
	/* nsfs: the root field is not a path, and that is fine */
	assert_int_equal(where(m, 0, 4, &w, &t), SR_MNT_OTHER);
	assert_string_equal(w, "/run/netns/test");
	assert_string_equal(t, "nsfs");
	sr_mounts_free(m);
}

static void test_mounts_stacked(void **state)
{
	struct sr_mounts *m = load("stacked.mountinfo");
	const char *w, *t;

	(void)state;
	/* the host's /dev/shm tmpfs, also mounted elsewhere */
	assert_int_equal(where(m, 0, 24, &w, &t), SR_MNT_OTHER);
	assert_string_equal(w, "/mnt/shmcopy");
	sr_mounts_free(m);
}

static void test_mounts_bad(void **state)
{
	static const char *const bad[] = {
		"nosep.mountinfo", "baddev.mountinfo", "truncated.mountinfo",
		"relative.mountinfo", "nofstype.mountinfo", "empty.mountinfo",
	};
	struct sr_mounts *m = (struct sr_mounts *)&bad;	/* untouched */
	char p[PATH_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(p, sizeof(p), FIX "/%s", bad[i]);
		assert_int_equal(sr_mounts_load(p, &m), -EBADMSG);
		assert_ptr_equal(m, (struct sr_mounts *)&bad);
	}
	assert_int_equal(sr_mounts_load(FIX "/none", &m), -ENOENT);
	sr_mounts_free(NULL);
}

static void test_mounts_parse(void **state)
{
	static const char t[] = "22 1 254:1 / / rw - ext4 /dev/vda1 rw\n"
				"25 22 0:24 / /dev/shm rw - tmpfs tmpfs rw\n";
	struct sr_mounts *m = NULL;
	const char *w, *ty;

	(void)state;
	/* a length, no NUL needed; cut inside the last line: refused */
	assert_int_equal(sr_mounts_parse(t, sizeof(t) - 1, &m), 0);
	assert_int_equal(where(m, 0, 24, &w, &ty), SR_MNT_HOST_SHM);
	sr_mounts_free(m);
	m = NULL;
	assert_int_equal(sr_mounts_parse(t, sizeof(t) - 2, &m), -EBADMSG);
	assert_int_equal(sr_mounts_parse(t, sizeof(t), &m), -EBADMSG);
	assert_null(m);
}

/* ------------------------------------------------------------------ */
/* a scratch root                                                       */

struct fx {
	char root[64];
	int rootfd;
	struct sr_root r;
	bool tmpfs;	/* the scratch dir is on a tmpfs (CI may have one) */
};

static void mk(const char *root, const char *rel, bool dir)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	if (dir) {
		assert_int_equal(mkdir(p, 0755), 0);
	} else {
		int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);

		assert_true(fd >= 0);
		close(fd);
	}
}

static void ln(const char *root, const char *target, const char *rel)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	assert_int_equal(symlink(target, p), 0);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct statfs sf;

	if (!f)
		return -1;
	snprintf(f->root, sizeof(f->root), "/tmp/ipcscan-saferoot.XXXXXX");
	if (!mkdtemp(f->root))
		return -1;
	mk(f->root, "dev", true);
	mk(f->root, "dev/shm", true);
	mk(f->root, "dev/shm/psm_a", false);
	mk(f->root, "deep", true);
	mk(f->root, "deep/a", true);
	mk(f->root, "file", false);
	ln(f->root, "/etc", "abs");
	ln(f->root, "../../x", "rel");
	ln(f->root, "dev", "inner");
	ln(f->root, "../etc", "deep/up");	/* climbs, but stays inside */
	ln(f->root, "../../../../etc", "deep/a/out");
	f->rootfd = open(f->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (f->rootfd < 0 || sr_root_from_fd(&f->r, f->rootfd, 4242))
		return -1;
	f->tmpfs = !statfs(f->root, &sf) &&
		   (unsigned long)sf.f_type == TMPFS_MAGIC;
	*state = f;
	return 0;
}

static int rm_one(const char *p, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int teardown(void **state)
{
	struct fx *f = *state;

	sr_root_close(&f->r);
	close(f->rootfd);
	nftw(f->root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* Both ways in: openat2, then (test builds) the component walk. */
static int nmodes(void)
{
#ifdef IPCSCAN_TEST_HOOKS
	return 2;
#else
	return 1;
#endif
}

static void mode(int i)
{
	if (i)
		setenv("IPCSCAN_TEST_NO_OPENAT2", "1", 1);
	else
		unsetenv("IPCSCAN_TEST_NO_OPENAT2");
}

/* sr_dir_open must refuse @rel with @want and say exactly @text. */
static void refused(struct fx *f, const char *rel, enum sr_use use,
		    int want, const char *text)
{
	for (int i = 0; i < nmodes(); i++) {
		struct sr_dir d = { .fd = 12345 };
		char why[SR_WHY_MAX] = "";

		mode(i);
		assert_int_equal(sr_dir_open(&f->r, rel, use, NULL, &d, why,
					     sizeof(why)), want);
		assert_int_equal(d.fd, -1);
		if (text)
			assert_string_equal(why, text);
		assert_null(strchr(why, '\n'));
	}
	mode(0);
}

static void test_walk_refusals(void **state)
{
	struct fx *f = *state;

	refused(f, "abs", SR_USE_SOCKDIR, SR_SYMLINK,
		"/abs of pid 4242 is a symlink");
	refused(f, "rel", SR_USE_SOCKDIR, SR_ESCAPE,
		"/rel of pid 4242 escapes its root (through a symlink at /rel)");
	refused(f, "inner/shm", SR_USE_SHM, SR_SYMLINK,
		"/inner/shm of pid 4242 is below a symlink (/inner)");
	refused(f, "deep/up", SR_USE_SOCKDIR, SR_SYMLINK,
		"/deep/up of pid 4242 is a symlink");
	refused(f, "deep/a/out/x", SR_USE_SOCKDIR, SR_ESCAPE,
		"/deep/a/out/x of pid 4242 escapes its root (through a "
		"symlink at /deep/a/out)");
	refused(f, "file", SR_USE_SOCKDIR, SR_NOTDIR,
		"/file of pid 4242 is not a directory");
	refused(f, "file/x", SR_USE_SOCKDIR, SR_NOTDIR,
		"/file/x of pid 4242 is below something that is not a "
		"directory (/file)");
	refused(f, "nope", SR_USE_SOCKDIR, SR_MISSING,
		"/nope of pid 4242 does not exist");
	refused(f, "deep/nope/x", SR_USE_SOCKDIR, SR_MISSING,
		"/deep/nope/x of pid 4242 does not exist (no /deep/nope)");
	refused(f, "dev/shm/psm_a", SR_USE_SOCKDIR, SR_NOTDIR, NULL);
}

static void test_walk_bad_names(void **state)
{
	static const char *const bad[] = {
		"", "/dev/shm", "../dev", "dev/../dev", "./dev", "dev/.",
		"dev//shm", "dev/", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		"xxxxxxxxxxxxxxxxxxxxxxxxx",
	};
	struct fx *f = *state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refused(f, bad[i], SR_USE_SOCKDIR, -EINVAL, NULL);
}

static void test_walk_shm_not_tmpfs(void **state)
{
	struct fx *f = *state;
	struct sr_dir d;
	char why[SR_WHY_MAX], want[SR_WHY_MAX];
	struct stat st;

	assert_int_equal(fstat(f->rootfd, &st), 0);
	if (f->tmpfs) {
		/* a tmpfs, but the mount table is unknown */
		refused(f, "dev/shm", SR_USE_SHM, SR_HOSTMOUNT,
			"/dev/shm of pid 4242 cannot be checked: the host's "
			"mount table is unknown");
		return;
	}
	snprintf(want, sizeof(want), "/dev/shm of pid 4242 is not a tmpfs "
		 "(%%s, dev %u:%u)", major(st.st_dev), minor(st.st_dev));
	for (int i = 0; i < nmodes(); i++) {
		mode(i);
		assert_int_equal(sr_dir_open(&f->r, "dev/shm", SR_USE_SHM,
					     NULL, &d, why, sizeof(why)),
				 SR_FSTYPE);
		assert_non_null(strstr(why, "is not a tmpfs ("));
		assert_non_null(strstr(why, strchr(want, ',')));
	}
	mode(0);
}

/* A socket dir on the root's own file system: accepted, kept, used. */
static void test_sockdir_keep_unlink(void **state)
{
	struct fx *f = *state;
	char why[SR_WHY_MAX], p[PATH_MAX], q[PATH_MAX];

	for (int i = 0; i < nmodes(); i++) {
		struct sr_entry e, e2;
		struct sr_dir d, dx;
		struct stat st;

		mode(i);
		assert_int_equal(sr_dir_open(&f->r, "dev/shm", SR_USE_SOCKDIR,
					     NULL, &d, why, sizeof(why)), 0);
		assert_int_equal(d.by_walk, i == 1);
		assert_string_equal(d.label, "/dev/shm of pid 4242");
		snprintf(p, sizeof(p), "%s/dev/shm", f->root);
		assert_int_equal(stat(p, &st), 0);
		assert_true(d.dev == st.st_dev && d.ino == st.st_ino);
		assert_int_equal(d.dev, f->r.dev);
		assert_int_equal(fcntl(d.fd, F_GETFL) & O_ACCMODE, O_RDONLY);
		assert_int_equal(sr_dir_recheck(&d, why, sizeof(why)), 0);

		/* a directory that is not the one opened */
		dx = d;
		dx.ino++;
		assert_int_equal(sr_dir_recheck(&dx, why, sizeof(why)),
				 SR_CHANGED);
		assert_string_equal(why, "/dev/shm of pid 4242 is not the "
				    "directory that was scanned");
		assert_int_equal(sr_entry_stat(&d, "psm_a", &e), 0);
		dx = d;
		dx.fstype ^= 1;
		assert_int_equal(sr_unlink(&dx, "psm_a", &e, why, sizeof(why)),
				 SR_CHANGED);

		/* an entry swapped after the scan is left alone */
		/* renamed over it: the old inode lives on, the new differs */
		mk(f->root, "dev/shm/psm_new", false);
		snprintf(p, sizeof(p), "%s/dev/shm/psm_a", f->root);
		snprintf(q, sizeof(q), "%s/dev/shm/psm_new", f->root);
		assert_int_equal(rename(q, p), 0);
		assert_int_equal(sr_entry_stat(&d, "psm_a", &e2), 0);
		assert_true(e2.ino != e.ino);
		assert_int_equal(sr_unlink(&d, "psm_a", &e, why, sizeof(why)),
				 SR_CHANGED);
		assert_string_equal(why, "the entry in /dev/shm of pid 4242 "
				    "changed since the scan");
		assert_int_equal(access(p, F_OK), 0);
		/* another owner, another type */
		e = e2;
		e.uid++;
		assert_int_equal(sr_unlink(&d, "psm_a", &e, why, sizeof(why)),
				 SR_CHANGED);
		e = e2;
		e.mode = S_IFSOCK | 0600;
		assert_int_equal(sr_unlink(&d, "psm_a", &e, why, sizeof(why)),
				 SR_CHANGED);
		assert_int_equal(access(p, F_OK), 0);
		/* names that are not one entry, directories */
		assert_int_equal(sr_unlink(&d, "../file", &e2, why,
					   sizeof(why)), -EINVAL);
		assert_int_equal(sr_unlink(&d, "..", &e2, why, sizeof(why)),
				 -EINVAL);
		assert_int_equal(sr_unlink(&d, "", &e2, why, sizeof(why)),
				 -EINVAL);
		assert_int_equal(sr_entry_stat(&d, "a/b", &e), -EINVAL);
		e = e2;
		e.mode = S_IFDIR | 0755;
		assert_int_equal(sr_unlink(&d, "psm_a", &e, why, sizeof(why)),
				 -EISDIR);
		snprintf(p, sizeof(p), "%s/file", f->root);
		assert_int_equal(access(p, F_OK), 0);

		/* as scanned: removed; then gone */
		assert_int_equal(sr_unlink(&d, "psm_a", &e2, why, sizeof(why)),
				 0);
		snprintf(p, sizeof(p), "%s/dev/shm/psm_a", f->root);
		assert_int_equal(access(p, F_OK), -1);
		assert_int_equal(sr_unlink(&d, "psm_a", &e2, why, sizeof(why)),
				 -ENOENT);
		assert_string_equal(why, "the entry in /dev/shm of pid 4242 "
				    "is already gone");
		sr_dir_close(&d);
		assert_int_equal(d.fd, -1);
		sr_dir_close(&d);	/* twice is harmless */
		mk(f->root, "dev/shm/psm_a", false);	/* for the next mode */
	}
	mode(0);
}

/* ------------------------------------------------------------------ */
/* a process's root                                                     */

static uint64_t start_of(pid_t pid)
{
	char p[64], *buf, *s, *fl[20];
	uint64_t v = 0;

	snprintf(p, sizeof(p), "/proc/%d/stat", (int)pid);
	assert_true(read_file(p, &buf) > 0);
	s = strrchr(buf, ')');
	assert_non_null(s);
	assert_true(split_fields(s + 2, fl, 20) >= 20);
	assert_int_equal(parse_u64(fl[19], &v), 0);
	free(buf);
	return v;
}

static void test_root_open(void **state)
{
	char why[SR_WHY_MAX];
	struct sr_root r;
	struct stat st;
	uint64_t start = start_of(getpid());
	pid_t child;
	int status;

	(void)state;
	for (int i = 0; i < nmodes(); i++) {
		if (i)
			setenv("IPCSCAN_TEST_NO_PIDFD", "1", 1);
		assert_int_equal(sr_root_open(&r, "/proc", getpid(), start,
					      why, sizeof(why)), 0);
		assert_int_equal(stat("/", &st), 0);
		assert_true(r.dev == st.st_dev && r.ino == st.st_ino);
		assert_true(i ? r.pidfd == -1 : r.pidfd >= 0);
		assert_int_equal(r.pid, getpid());
		sr_root_close(&r);
		assert_int_equal(r.fd, -1);

		/* another start time: another process */
		assert_int_equal(sr_root_open(&r, "/proc", getpid(), start + 1,
					      why, sizeof(why)), SR_GONE);
		assert_int_equal(r.fd, -1);
		assert_non_null(strstr(why, "is another process now"));

		/* a zombie has no root; a reaped pid is gone */
		child = fork();
		assert_true(child >= 0);
		if (!child)
			_exit(0);
		for (int n = 0; n < 1000; n++) {
			char p[64], *buf;
			bool z;

			snprintf(p, sizeof(p), "/proc/%d/stat", (int)child);
			assert_true(read_file(p, &buf) > 0);
			z = strstr(buf, ") Z ") != NULL;
			free(buf);
			if (z)
				break;
			usleep(1000);
		}
		assert_int_equal(sr_root_open(&r, "/proc", child, 0, why,
					      sizeof(why)), SR_GONE);
		assert_int_equal(waitpid(child, &status, 0), child);
		assert_int_equal(sr_root_open(&r, "/proc", child, 0, why,
					      sizeof(why)), SR_GONE);
		assert_int_equal(r.fd, -1);
		assert_int_equal(sr_root_open(&r, "/proc", 0, 0, why,
					      sizeof(why)), -EINVAL);
	}
	unsetenv("IPCSCAN_TEST_NO_PIDFD");
}

/* A second descriptor of an accepted directory: the same verdict, its
 * own read offset, checked to be the same directory. */
static void test_dir_reopen(void **state)
{
	struct fx *f = *state;
	char why[SR_WHY_MAX];
	struct sr_dir d, c, dx;
	struct sr_entry e;
	struct dirent *de;
	DIR *dir;
	int n = 0;

	assert_int_equal(sr_dir_open(&f->r, "dev/shm", SR_USE_SOCKDIR, NULL,
				     &d, why, sizeof(why)), 0);
	assert_int_equal(sr_dir_reopen(&d, &c, why, sizeof(why)), 0);
	assert_true(c.fd >= 0 && c.fd != d.fd);
	assert_true(c.dev == d.dev && c.ino == d.ino);
	assert_true(c.fstype == d.fstype && c.host == d.host);
	assert_true(c.by_walk == d.by_walk && c.pid == d.pid);
	assert_string_equal(c.label, d.label);
	assert_int_equal(fcntl(c.fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	assert_true(fcntl(c.fd, F_GETFD) & FD_CLOEXEC);
	/* reading the first to its end leaves the copy at its start */
	dir = fdopendir(dup(d.fd));
	assert_non_null(dir);
	while ((de = readdir(dir)))
		n++;
	closedir(dir);
	assert_true(n >= 3);
	assert_true(lseek(d.fd, 0, SEEK_CUR) != 0);
	assert_int_equal(lseek(c.fd, 0, SEEK_CUR), 0);
	/* either may go first */
	sr_dir_close(&d);
	assert_int_equal(sr_dir_recheck(&c, why, sizeof(why)), 0);
	assert_int_equal(sr_entry_stat(&c, "psm_a", &e), 0);

	/* not the directory it claims to be: refused, nothing open */
	dx = c;
	dx.ino++;
	assert_int_equal(sr_dir_reopen(&dx, &d, why, sizeof(why)),
			 SR_CHANGED);
	assert_string_equal(why, "/dev/shm of pid 4242 changed while being "
			    "opened");
	assert_int_equal(d.fd, -1);
	sr_dir_close(&c);
	assert_int_equal(sr_dir_reopen(&c, &d, why, sizeof(why)), -EBADF);
	assert_string_equal(why, "/dev/shm of pid 4242 is not open");
	assert_int_equal(d.fd, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mounts_host),
		cmocka_unit_test(test_mounts_stacked),
		cmocka_unit_test(test_mounts_bad),
		cmocka_unit_test(test_mounts_parse),
		cmocka_unit_test_setup_teardown(test_walk_refusals, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_walk_bad_names, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_walk_shm_not_tmpfs, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sockdir_keep_unlink, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dir_reopen, setup,
						teardown),
		cmocka_unit_test(test_root_open),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
