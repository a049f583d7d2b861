/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_posix.c - mqueue status parser, /dev/shm and mqueue collection, reap. */
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
#include <mqueue.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "private_ipc.h"
#include "posix.h"
#include "reap.h"

/* What gc gives a remover, for a scan context of a test (no cache). */
#define REAP_ENV(c) (&(const struct reap_env){ .set = &(c)->set, \
	.src = scan_own(c), .procs = &(c)->procs })

#define FIX "tests/fixtures/posix"
#define NOBODY 65534

/* ------------------------------------------------------------------ */
/* parse_mq_status                                                      */

/* Exactly what the kernel printed for a queue holding 13 bytes. */
#define MQ_IDLE "QSIZE:13         NOTIFY:0     SIGNO:0     NOTIFY_PID:0     \n"

static struct mq_detail mq_sentinel(void)
{
	struct mq_detail mq = { .qsize = 777, .maxmsg = -1, .msgsize = -1,
				.notify_pid = 999 };
	return mq;
}

static void test_parse_mq_fixture_idle(void **state)
{
	struct mq_detail mq = mq_sentinel();
	char *buf;
	ssize_t n = read_file(FIX "/mq_status_idle.txt", &buf);

	(void)state;
	assert_true(n > 0);
	assert_int_equal(parse_mq_status(buf, (size_t)n, &mq), 0);
	assert_int_equal(mq.qsize, 13);
	assert_int_equal(mq.notify_pid, 0);
	free(buf);
}

static void test_parse_mq_fixture_notify(void **state)
{
	struct mq_detail mq = mq_sentinel();
	char *buf;
	ssize_t n = read_file(FIX "/mq_status_notify.txt", &buf);

	(void)state;
	assert_true(n > 0);
	assert_int_equal(parse_mq_status(buf, (size_t)n, &mq), 0);
	assert_int_equal(mq.qsize, 13);
	assert_int_equal(mq.notify_pid, 6704);
	/* the parser fills only what it owns */
	assert_int_equal(mq.maxmsg, -1);
	free(buf);
}

static void test_parse_mq_wide_values(void **state)
{
	static const char s[] = "QSIZE:18446744073709551615 NOTIFY:2     "
				"SIGNO:0     NOTIFY_PID:4194304\n";
	struct mq_detail mq = mq_sentinel();

	(void)state;
	assert_int_equal(parse_mq_status(s, strlen(s), &mq), 0);
	assert_true(mq.qsize == UINT64_MAX);
	assert_int_equal(mq.notify_pid, 4194304);
}

/* Every proper prefix of a real status is rejected, and @mq is left alone. */
static void test_parse_mq_truncated(void **state)
{
	static const char s[] = MQ_IDLE;

	(void)state;
	for (size_t len = 0; len < strlen(s); len++) {
		struct mq_detail mq = mq_sentinel();

		if (parse_mq_status(s, len, &mq) != -EINVAL)
			fail_msg("prefix of %zu bytes accepted", len);
		assert_int_equal(mq.qsize, 777);
		assert_int_equal(mq.notify_pid, 999);
	}
}

static void test_parse_mq_garbage(void **state)
{
	static const char *const bad[] = {
		"",
		"\n",
		"hello world\n",
		"QSIZE: NOTIFY:0 SIGNO:0 NOTIFY_PID:0\n",
		"QSIZE:5x NOTIFY:0 SIGNO:0 NOTIFY_PID:0\n",
		"QSIZE:-5 NOTIFY:0 SIGNO:0 NOTIFY_PID:0\n",
		"QSIZE:5NOTIFY:0 SIGNO:0 NOTIFY_PID:0\n",
		"NOTIFY:0 QSIZE:5 SIGNO:0 NOTIFY_PID:0\n",
		"QSIZE:5 NOTIFY:0 NOTIFY_PID:0\n",
		"QSIZE:5 NOTIFY:0 SIGNO:0 NOTIFY_PID:-1\n",
		"QSIZE:5 NOTIFY:0 SIGNO:0 NOTIFY_PID:2147483648\n",
		"QSIZE:99999999999999999999 NOTIFY:0 SIGNO:0 NOTIFY_PID:0\n",
		"QSIZE:5 NOTIFY:0 SIGNO:0 NOTIFY_PID:0 EXTRA:1\n",
		"QSIZE:5 NOTIFY:0 SIGNO:0 NOTIFY_PID:0\n\n",
		"QSIZE:5\tNOTIFY:0 SIGNO:0 NOTIFY_PID:0\n",
		" QSIZE:5 NOTIFY:0 SIGNO:0 NOTIFY_PID:0\n",
		"qsize:5 notify:0 signo:0 notify_pid:0\n",
		"QSIZE:5 NOTIFY:0 SIGNO:0 NOTIFY_PID:0x10\n",
	};
	/* a NUL inside the text */
	static const char nul[] = "QSIZE:5\0NOTIFY:0 SIGNO:0 NOTIFY_PID:0\n";

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mq_detail mq = mq_sentinel();

		if (parse_mq_status(bad[i], strlen(bad[i]), &mq) != -EINVAL)
			fail_msg("accepted garbage #%zu: %s", i, bad[i]);
		assert_int_equal(mq.qsize, 777);
		assert_int_equal(mq.notify_pid, 999);
	}
	{
		struct mq_detail mq = mq_sentinel();

		assert_int_equal(parse_mq_status(nul, sizeof(nul) - 1, &mq),
				 -EINVAL);
	}
}

/* ------------------------------------------------------------------ */
/* Fixture root                                                         */

struct fixture {
	char root[PATH_MAX];
	char shm[PATH_MAX];
	char name255[256];
	bool have_dev;
};

static void ctx_init(struct scan_ctx *ctx, const char *root, kindmask_t kinds)
{
	struct scan_opts so = { .root = root, .kinds = kinds };

	scan_init(ctx, &so);
}

static void ctx_fini(struct scan_ctx *ctx)
{
	scan_free(ctx);
}

static const struct obj *find_obj(const struct scan_ctx *ctx, enum kind k,
				  const char *name)
{
	const struct obj *found = NULL;

	for (size_t i = 0; i < ctx->objs.n; i++) {
		const struct obj *o = &ctx->objs.v[i];

		if (o->kind == k && o->name && !strcmp(o->name, name)) {
			if (found)
				fail_msg("object listed twice");
			found = o;
		}
	}
	return found;
}

/* "@dir/@name" into @buf; the test fails if it does not fit. */
static void pjoin(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= len)
		fail_msg("path too long: %s/%s", dir, name);
}

static void copy_name(char *dst, size_t len, const char *src)
{
	if (strlen(src) >= len)
		fail_msg("name too long");
	memcpy(dst, src, strlen(src) + 1);
}

static void put_file(const char *dir, const char *name, const char *data)
{
	char p[PATH_MAX];
	int fd;

	pjoin(p, sizeof(p), dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, strlen(data)), (ssize_t)strlen(data));
	close(fd);
}

static bool exists_at(const char *dir, const char *name, struct stat *st)
{
	char p[PATH_MAX];
	struct stat tmp;

	pjoin(p, sizeof(p), dir, name);
	return lstat(p, st ? st : &tmp) == 0;
}

static int rm_one(const char *p, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(p) : unlink(p);
}

/* The regular files, with the objects they must become. */
static const struct {
	const char *file;
	enum kind kind;
	const char *name;
} fix_objs[] = {
	{ "plain", KIND_PSHM, "plain" },
	{ "with space", KIND_PSHM, "with space" },
	{ "new\nline", KIND_PSHM, "new\nline" },
	{ "tab\there", KIND_PSHM, "tab\there" },
	{ "bad\xff" "byte", KIND_PSHM, "bad\xff" "byte" },
	{ "sem", KIND_PSHM, "sem" },
	{ "sem.", KIND_PSHM, "sem." },		/* no valid semaphore name */
	{ "sem.jobs", KIND_PSEM, "jobs" },
	{ "sem.x y\n\xff", KIND_PSEM, "x y\n\xff" },
};
#define NFIX (sizeof(fix_objs) / sizeof(fix_objs[0]))

static int fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char p[PATH_MAX];
	int s;

	if (!f)
		return -1;
	snprintf(f->root, sizeof(f->root), "/tmp/ipcscan-posix.XXXXXX");
	if (!mkdtemp(f->root))
		return -1;
	pjoin(p, sizeof(p), f->root, "dev");
	if (mkdir(p, 0755))
		return -1;
	pjoin(f->shm, sizeof(f->shm), f->root, "dev/shm");
	if (mkdir(f->shm, 0755) || chmod(f->shm, 01777))
		return -1;
	*state = f;

	for (size_t i = 0; i < NFIX; i++)
		put_file(f->shm, fix_objs[i].file, "data");
	memset(f->name255, 'L', 255);
	put_file(f->shm, f->name255, "x");

	/* none of these is a POSIX shm object */
	pjoin(p, sizeof(p), f->shm, "subdir");
	if (mkdir(p, 0700))
		return -1;
	put_file(p, "inner", "not top level");
	pjoin(p, sizeof(p), f->shm, "link");
	if (symlink("plain", p))
		return -1;
	pjoin(p, sizeof(p), f->shm, "dangling");
	if (symlink("/nonexistent/target", p))
		return -1;
	pjoin(p, sizeof(p), f->shm, "fifo");
	if (mkfifo(p, 0600))
		return -1;
	pjoin(sa.sun_path, sizeof(sa.sun_path), f->shm, "sock");
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	close(s);
	pjoin(p, sizeof(p), f->shm, "chardev");
	f->have_dev = mknod(p, S_IFCHR | 0600, makedev(1, 3)) == 0;
	return 0;
}

static int fixture_teardown(void **state)
{
	struct fixture *f = *state;

	if (!f)
		return 0;
	nftw(f->root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* ------------------------------------------------------------------ */
/* posix_collect on the fixture                                         */

static void test_collect_fixture(void **state)
{
	struct fixture *f = *state;
	struct scan_ctx ctx;

	ctx_init(&ctx, f->root, KMASK(KIND_PSHM) | KMASK(KIND_PSEM));
	assert_int_equal(posix_collect(&ctx.set, ctx.src, &ctx.objs,
				      &ctx.diag), 0);
	assert_int_equal(ctx.diag.nwarnings, 0);
	assert_true(diag_complete(&ctx.diag));
	/* exactly the regular files, nothing else */
	assert_int_equal(ctx.objs.n, NFIX + 1);
	for (size_t i = 0; i < NFIX; i++) {
		const struct obj *o = find_obj(&ctx, fix_objs[i].kind,
					       fix_objs[i].name);
		char path[PATH_MAX];
		struct stat st;

		if (!o)
			fail_msg("missing object for file #%zu", i);
		pjoin(path, sizeof(path), "/dev/shm", fix_objs[i].file);
		assert_string_equal(o->path, path);
		assert_true(exists_at(f->shm, fix_objs[i].file, &st));
		assert_true(o->dev == st.st_dev);
		assert_true(o->ino == st.st_ino);
		assert_int_equal(o->uid, st.st_uid);
		assert_int_equal(o->gid, st.st_gid);
		assert_int_equal(o->mode, 0600);
		assert_int_equal(o->size, 4);
		assert_int_equal(o->t_change, st.st_ctime);
		assert_int_equal(o->t_modify, st.st_mtime);
		assert_int_equal(o->id, -1);
	}
	{
		const struct obj *o = find_obj(&ctx, KIND_PSHM, f->name255);
		char path[PATH_MAX];

		assert_non_null(o);
		assert_int_equal(strlen(o->name), 255);
		pjoin(path, sizeof(path), "/dev/shm", f->name255);
		assert_string_equal(o->path, path);
		assert_int_equal(o->size, 1);
	}
	for (size_t i = 0; i < ctx.objs.n; i++) {
		const char *n = ctx.objs.v[i].name;

		assert_string_not_equal(n, "subdir");
		assert_string_not_equal(n, "inner");
		assert_string_not_equal(n, "link");
		assert_string_not_equal(n, "dangling");
		assert_string_not_equal(n, "fifo");
		assert_string_not_equal(n, "sock");
		assert_string_not_equal(n, "chardev");
	}
	ctx_fini(&ctx);
}

static void test_collect_kind_filter(void **state)
{
	struct fixture *f = *state;
	struct scan_ctx ctx;

	ctx_init(&ctx, f->root, KMASK(KIND_PSEM));
	assert_int_equal(posix_collect(&ctx.set, ctx.src, &ctx.objs,
				      &ctx.diag), 0);
	assert_int_equal(ctx.objs.n, 2);
	assert_non_null(find_obj(&ctx, KIND_PSEM, "jobs"));
	assert_non_null(find_obj(&ctx, KIND_PSEM, "x y\n\xff"));
	ctx_fini(&ctx);

	ctx_init(&ctx, f->root, KMASK(KIND_PSHM));
	assert_int_equal(posix_collect(&ctx.set, ctx.src, &ctx.objs,
				      &ctx.diag), 0);
	assert_int_equal(ctx.objs.n, NFIX + 1 - 2);
	assert_null(find_obj(&ctx, KIND_PSEM, "jobs"));
	assert_non_null(find_obj(&ctx, KIND_PSHM, "sem."));
	ctx_fini(&ctx);
}

/* No /dev/shm at all: nothing to list, and nothing is missing. */
static void test_collect_no_shm_dir(void **state)
{
	struct fixture *f = *state;
	char root[PATH_MAX];
	struct scan_ctx ctx;

	pjoin(root, sizeof(root), f->root, "empty");
	assert_int_equal(mkdir(root, 0700), 0);
	ctx_init(&ctx, root, KMASK(KIND_PSHM) | KMASK(KIND_PSEM));
	assert_int_equal(posix_collect(&ctx.set, ctx.src, &ctx.objs,
				      &ctx.diag), 0);
	assert_int_equal(ctx.objs.n, 0);
	assert_int_equal(ctx.diag.nwarnings, 0);
	assert_true(diag_complete(&ctx.diag));
	ctx_fini(&ctx);
}

/* /dev/shm replaced by a symlink: not followed, and said so. */
static void test_collect_shm_dir_symlink(void **state)
{
	struct fixture *f = *state;
	char root[PATH_MAX], p[PATH_MAX];
	struct scan_ctx ctx;

	pjoin(root, sizeof(root), f->root, "evil");
	assert_int_equal(mkdir(root, 0700), 0);
	pjoin(p, sizeof(p), root, "dev");
	assert_int_equal(mkdir(p, 0700), 0);
	pjoin(p, sizeof(p), root, "dev/shm");
	assert_int_equal(symlink(f->shm, p), 0);
	ctx_init(&ctx, root, KMASK(KIND_PSHM) | KMASK(KIND_PSEM));
	assert_int_equal(posix_collect(&ctx.set, ctx.src, &ctx.objs,
				      &ctx.diag), 0);
	assert_int_equal(ctx.objs.n, 0);
	assert_false(diag_complete(&ctx.diag));
	assert_int_equal(ctx.diag.nwarnings, 1);
	assert_non_null(strstr(ctx.diag.warnings[0], "/dev/shm"));
	assert_non_null(strstr(ctx.diag.warnings[0], strerror(ELOOP)));
	ctx_fini(&ctx);
}

/* A fixture has no mqueue mount and may not fork one: a warning. */
static void test_collect_mqueue_fixture_unmounted(void **state)
{
	struct fixture *f = *state;
	struct scan_ctx ctx;

	ctx_init(&ctx, f->root, KMASK(KIND_MQUEUE));
	assert_int_equal(posix_collect(&ctx.set, ctx.src, &ctx.objs,
				      &ctx.diag), 0);
	assert_int_equal(ctx.objs.n, 0);
	assert_false(diag_complete(&ctx.diag));
	assert_int_equal(ctx.diag.nwarnings, 1);
	assert_non_null(strstr(ctx.diag.warnings[0],
			       "POSIX message queues not listed"));
	ctx_fini(&ctx);
}

/* ------------------------------------------------------------------ */
/* posix_reap on the fixture                                            */

/* Scan the fixture and copy out the object for @file. */
static struct obj scan_one(struct fixture *f, enum kind k, const char *name,
			   struct scan_ctx *ctx)
{
	const struct obj *o;

	ctx_init(ctx, f->root, KMASK(KIND_PSHM) | KMASK(KIND_PSEM));
	assert_int_equal(posix_collect(&ctx->set, ctx->src,
				      &ctx->objs, &ctx->diag), 0);
	o = find_obj(ctx, k, name);
	assert_non_null(o);
	return *o;	/* strings stay owned by ctx */
}

static void test_reap_dry_run_then_real(void **state)
{
	struct fixture *f = *state;
	struct scan_ctx ctx;
	struct obj o = scan_one(f, KIND_PSHM, "with space", &ctx);
	char why[WHY_LEN] = "stale";

	assert_int_equal(posix_reap(REAP_ENV(&ctx), &o, true, why, sizeof(why)),
			 REAP_DONE);
	assert_true(exists_at(f->shm, "with space", NULL));
	assert_int_equal(posix_reap(REAP_ENV(&ctx), &o, false, why,
				    sizeof(why)),
			 REAP_DONE);
	assert_false(exists_at(f->shm, "with space", NULL));
	/* gone now */
	assert_int_equal(posix_reap(REAP_ENV(&ctx), &o, false, why,
				    sizeof(why)),
			 -ENOENT);
	/* the neighbours are untouched */
	assert_true(exists_at(f->shm, "plain", NULL));
	ctx_fini(&ctx);
}

static void test_reap_psem_and_hostile_names(void **state)
{
	struct fixture *f = *state;
	struct scan_ctx ctx;
	char why[WHY_LEN];

	ctx_init(&ctx, f->root, KMASK(KIND_PSHM) | KMASK(KIND_PSEM));
	assert_int_equal(posix_collect(&ctx.set, ctx.src, &ctx.objs,
				      &ctx.diag), 0);
	for (size_t i = 0; i < ctx.objs.n; i++) {
		const struct obj *o = &ctx.objs.v[i];

		if (posix_reap(REAP_ENV(&ctx), o, false, why,
			       sizeof(why)) != REAP_DONE)
			fail_msg("object %zu not removed: %s", i, why);
	}
	for (size_t i = 0; i < NFIX; i++)
		assert_false(exists_at(f->shm, fix_objs[i].file, NULL));
	assert_false(exists_at(f->shm, f->name255, NULL));
	/* what was never an object is still there */
	assert_true(exists_at(f->shm, "subdir/inner", NULL));
	assert_true(exists_at(f->shm, "link", NULL));
	assert_true(exists_at(f->shm, "fifo", NULL));
	assert_true(exists_at(f->shm, "sock", NULL));
	ctx_fini(&ctx);
}

static void test_reap_replaced_file(void **state)
{
	struct fixture *f = *state;
	struct scan_ctx ctx;
	struct obj o = scan_one(f, KIND_PSHM, "new\nline", &ctx);
	char why[WHY_LEN], from[PATH_MAX], to[PATH_MAX];
	struct stat st;

	/* a new file renamed over the old name: surely a new inode */
	put_file(f->shm, "fresh", "new");
	pjoin(from, sizeof(from), f->shm, "fresh");
	pjoin(to, sizeof(to), f->shm, "new\nline");
	assert_int_equal(rename(from, to), 0);
	assert_int_equal(posix_reap(REAP_ENV(&ctx), &o, false, why,
				    sizeof(why)),
			 REAP_SKIP);
	assert_non_null(strstr(why, "replaced since scan (inode changed)"));
	assert_true(exists_at(f->shm, "new\nline", &st));
	assert_int_equal(st.st_size, 3);
	ctx_fini(&ctx);
}

static void test_reap_obj_ino_changed(void **state)
{
	struct fixture *f = *state;
	struct scan_ctx ctx;
	struct obj o = scan_one(f, KIND_PSEM, "jobs", &ctx);
	char why[WHY_LEN];

	o.ino++;
	assert_int_equal(posix_reap(REAP_ENV(&ctx), &o, false, why,
				    sizeof(why)),
			 REAP_SKIP);
	assert_non_null(strstr(why, "inode changed"));
	assert_true(exists_at(f->shm, "sem.jobs", NULL));
	ctx_fini(&ctx);
}

/* The scanned inode moved aside and a symlink to it planted in its place:
 * the link is not followed and the target survives. */
static void test_reap_symlink_not_followed(void **state)
{
	struct fixture *f = *state;
	struct scan_ctx ctx;
	struct obj o = scan_one(f, KIND_PSHM, "tab\there", &ctx);
	char why[WHY_LEN], from[PATH_MAX], to[PATH_MAX];
	struct stat st;

	pjoin(from, sizeof(from), f->shm, "tab\there");
	pjoin(to, sizeof(to), f->shm, "subdir/moved");
	assert_int_equal(rename(from, to), 0);
	assert_int_equal(symlink(to, from), 0);
	for (int dry = 1; dry >= 0; dry--) {
		assert_int_equal(posix_reap(REAP_ENV(&ctx), &o, dry, why,
					    sizeof(why)),
				 REAP_SKIP);
		assert_non_null(strstr(why, "symlink"));
	}
	assert_true(exists_at(f->shm, "subdir/moved", &st));
	assert_true(st.st_ino == o.ino);
	assert_true(exists_at(f->shm, "tab\there", &st));
	assert_true(S_ISLNK(st.st_mode));
	ctx_fini(&ctx);
}

static void test_reap_modified_since_scan(void **state)
{
	struct fixture *f = *state;
	struct scan_ctx ctx;
	struct obj o = scan_one(f, KIND_PSHM, "plain", &ctx);
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { 0, 0 } };
	char why[WHY_LEN];

	ts[1].tv_sec = o.t_modify + 60;
	{
		char p[PATH_MAX];

		pjoin(p, sizeof(p), f->shm, "plain");
		assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
	}
	assert_int_equal(posix_reap(REAP_ENV(&ctx), &o, false, why,
				    sizeof(why)),
			 REAP_SKIP);
	assert_non_null(strstr(why, "modified since scan"));
	assert_true(exists_at(f->shm, "plain", NULL));
	ctx_fini(&ctx);
}

/* The sticky bit set after the scan (which would have kept the file):
 * the remover keeps it too, for shm and semaphores alike. */
static void test_reap_sticky_since_scan(void **state)
{
	struct fixture *f = *state;
	static const struct {
		enum kind k;
		const char *name, *file;
	} c[] = {
		{ KIND_PSHM, "plain", "plain" },
		{ KIND_PSEM, "jobs", "sem.jobs" },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct scan_ctx ctx;
		struct obj o = scan_one(f, c[i].k, c[i].name, &ctx);
		char p[PATH_MAX], why[WHY_LEN];
		struct stat st;

		pjoin(p, sizeof(p), f->shm, c[i].file);
		assert_int_equal(stat(p, &st), 0);
		assert_int_equal(chmod(p, (st.st_mode & 07777) | S_ISVTX), 0);
		assert_int_equal(posix_reap(REAP_ENV(&ctx), &o, true, why,
					    sizeof(why)),
				 REAP_SKIP);
		assert_string_equal(why, STICKY_REASON);
		assert_int_equal(posix_reap(REAP_ENV(&ctx), &o, false, why,
					    sizeof(why)), REAP_SKIP);
		assert_string_equal(why, STICKY_REASON);
		assert_true(exists_at(f->shm, c[i].file, NULL));
		ctx_fini(&ctx);
	}
}

/* Like systemd-tmpfiles: a file somebody holds a flock on stays. */
static void test_reap_locked_pshm(void **state)
{
	struct fixture *f = *state;
	struct scan_ctx ctx;
	struct obj o = scan_one(f, KIND_PSHM, "plain", &ctx);
	char why[WHY_LEN], p[PATH_MAX];
	int fd;

	pjoin(p, sizeof(p), f->shm, "plain");
	fd = open(p, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_SH), 0);
	assert_int_equal(posix_reap(REAP_ENV(&ctx), &o, false, why,
				    sizeof(why)),
			 REAP_SKIP);
	assert_non_null(strstr(why, "locked"));
	assert_true(exists_at(f->shm, "plain", NULL));
	close(fd);
	assert_int_equal(posix_reap(REAP_ENV(&ctx), &o, false, why,
				    sizeof(why)),
			 REAP_DONE);
	assert_false(exists_at(f->shm, "plain", NULL));
	ctx_fini(&ctx);
}

/* A path that does not agree with the name is refused. */
static void test_reap_bad_object(void **state)
{
	struct fixture *f = *state;
	struct scan_ctx ctx;
	struct obj o = scan_one(f, KIND_PSHM, "plain", &ctx);
	char why[WHY_LEN], badpath[] = "/dev/shm/../shm/plain";
	char other[] = "/dev/shm/sem";

	o.path = badpath;
	assert_int_equal(posix_reap(REAP_ENV(&ctx), &o, false, why,
				    sizeof(why)),
			 REAP_SKIP);
	o.path = other;
	assert_int_equal(posix_reap(REAP_ENV(&ctx), &o, false, why,
				    sizeof(why)),
			 REAP_SKIP);
	o.kind = KIND_SHM;
	assert_int_equal(posix_reap(REAP_ENV(&ctx), &o, false, why,
				    sizeof(why)),
			 REAP_SKIP);
	assert_true(exists_at(f->shm, "plain", NULL));
	assert_true(exists_at(f->shm, "sem", NULL));
	ctx_fini(&ctx);
}

/* /dev/shm swapped for a symlink after the scan: never followed. */
static void test_reap_shm_dir_symlink(void **state)
{
	struct fixture *f = *state;
	struct scan_ctx ctx;
	struct obj o = scan_one(f, KIND_PSHM, "plain", &ctx);
	char moved[PATH_MAX], why[WHY_LEN];

	pjoin(moved, sizeof(moved), f->root, "dev/real-shm");
	assert_int_equal(rename(f->shm, moved), 0);
	assert_int_equal(symlink("real-shm", f->shm), 0);
	assert_int_equal(posix_reap(REAP_ENV(&ctx), &o, false, why,
				    sizeof(why)),
			 -ELOOP);
	assert_true(exists_at(moved, "plain", NULL));
	assert_int_equal(unlink(f->shm), 0);
	assert_int_equal(rename(moved, f->shm), 0);
	ctx_fini(&ctx);
}

/* Not root and not the owner: skipped without trying; the owner may. */
static void test_reap_not_owner(void **state)
{
	struct fixture *f = *state;
	struct scan_ctx ctx;
	struct obj mine, theirs;
	char why1[WHY_LEN] = "", why2[WHY_LEN] = "", p[PATH_MAX];
	int r1, r2;

	if (geteuid() != 0)
		skip();
	pjoin(p, sizeof(p), f->shm, "sem.jobs");
	assert_int_equal(chown(p, NOBODY, NOBODY), 0);
	assert_int_equal(chmod(f->root, 0755), 0);
	theirs = scan_one(f, KIND_PSHM, "plain", &ctx);
	mine = *find_obj(&ctx, KIND_PSEM, "jobs");
	assert_int_equal(mine.uid, NOBODY);

	assert_int_equal(seteuid(NOBODY), 0);
	r1 = posix_reap(REAP_ENV(&ctx), &theirs, false, why1, sizeof(why1));
	r2 = posix_reap(REAP_ENV(&ctx), &mine, false, why2, sizeof(why2));
	assert_int_equal(seteuid(0), 0);

	assert_int_equal(r1, REAP_SKIP);
	assert_string_equal(why1, "not owner");
	assert_true(exists_at(f->shm, "plain", NULL));
	assert_int_equal(r2, REAP_DONE);
	assert_false(exists_at(f->shm, "sem.jobs", NULL));
	ctx_fini(&ctx);
}

/* ------------------------------------------------------------------ */
/* Message queues, live (root only)                                     */

/* How many mqueue file systems this process's mount namespace has. */
static int mqueue_mounts(void)
{
	char *buf, *p;
	int n = 0;

	if (read_file("/proc/self/mountinfo", &buf) < 0)
		fail_msg("cannot read mountinfo");
	for (p = buf; (p = strstr(p, " - mqueue ")); p++)
		n++;
	free(buf);
	return n;
}

/* /dev/mqueue is an mqueue mount here (as on a booted system). */
static bool dev_mqueue_mounted(void)
{
	struct statfs sfs;

	return statfs("/dev/mqueue", &sfs) == 0 &&
	       (unsigned long)sfs.f_type == MQUEUE_MAGIC;
}

/* Where the kernel refuses what a test needs, say why and skip. */
#define skip_because(...)						\
	do {								\
		print_message("# skipped: " __VA_ARGS__);		\
		print_message("\n");					\
		skip();							\
	} while (0)

/* Real queues are made and scanned only in an IPC namespace of our own
 * (private_ipc.h), with /dev/mqueue mounted there if it was here. */
#define enter_private_ipc()						\
	do {								\
		const char *st_;					\
		int e_ = private_ipc(true, &st_);			\
									\
		if (e_)							\
			skip_because("no IPC namespace of our own for "	\
				     "real queues: %s: %s", st_,	\
				     strerror(e_));			\
	} while (0)

/*
 * Whether this process could make what an unmounted scan needs: its own
 * mount namespace with private propagation (EINVAL where / is not a mount
 * point, as in a plain chroot) and an mqueue mount in it. Tried in a
 * child, so nothing here changes. 0, or the errno of the refused step
 * with *step naming it.
 */
static int private_mqueue_refused(const char **step)
{
	int fds[2], err = 0;
	pid_t pid;

	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int e = 0, at = 0;

		if (unshare(CLONE_NEWNS))
			e = errno, at = 1;
		else if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			e = errno, at = 2;
		else if (mount("tmpfs", "/tmp", "tmpfs", 0, "size=4k"))
			e = errno, at = 3;
		else if (mkdir("/tmp/mq", 0700) ||
			 mount("mqueue", "/tmp/mq", "mqueue", 0, NULL))
			e = errno, at = 4;
		e = e * 8 + at;
		if (write(fds[1], &e, sizeof(e)) != (ssize_t)sizeof(e))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &err, sizeof(err)) != (ssize_t)sizeof(err))
		err = EIO * 8 + 1;
	close(fds[0]);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	*step = (const char *[]){ "", "unshare(CLONE_NEWNS)",
				  "making / private", "mounting a tmpfs",
				  "mounting mqueue" }[err % 8];
	return err / 8;
}

/* The queue a test created, removed by mq_teardown even if it fails. */
static char test_mq[128];
/* The process holding a notification registration for a test. */
static pid_t test_mq_child;

static void mq_name(char *buf, size_t len, const char *tag)
{
	/* hostile on purpose: a blank, a newline, a non-UTF-8 byte */
	snprintf(buf, len, "/ipcscan-test %s\n\xff.%d", tag, (int)getpid());
	copy_name(test_mq, sizeof(test_mq), buf);
}

static int mq_teardown(void **state)
{
	if (test_mq_child > 0) {
		kill(test_mq_child, SIGKILL);
		waitpid(test_mq_child, NULL, 0);
	}
	test_mq_child = 0;
	if (test_mq[0])
		mq_unlink(test_mq);
	test_mq[0] = '\0';
	return fixture_teardown(state);	/* no fixture: nothing */
}

/*
 * A child that registers for notification on @q and keeps the
 * registration until *@release is closed. Another process, because the
 * kernel drops a process's own registration when that process closes any
 * descriptor of the queue, as a scan reading /dev/mqueue does.
 */
static pid_t mq_notify_child(mqd_t q, int *release)
{
	struct sigevent sev = { .sigev_notify = SIGEV_NONE };
	int ready[2], hold[2], err = -1;
	pid_t pid;

	assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
	assert_int_equal(pipe2(hold, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char c;

		close(ready[0]);
		close(hold[1]);
		err = mq_notify(q, &sev) ? errno : 0;
		if (write(ready[1], &err, sizeof(err)) != (ssize_t)sizeof(err))
			_exit(1);
		/* until the parent closes its end (or dies) */
		while (read(hold[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	test_mq_child = pid;
	close(ready[1]);
	close(hold[0]);
	if (read(ready[0], &err, sizeof(err)) != (ssize_t)sizeof(err))
		err = -1;
	close(ready[0]);
	assert_int_equal(err, 0);
	*release = hold[1];
	return pid;
}

/* Ends the child of mq_notify_child, which drops its registration. */
static void mq_notify_release(pid_t pid, int release)
{
	int status;

	close(release);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	test_mq_child = 0;
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_mqueue_live(void **state)
{
	struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 64 };
	int had_mounts, release;
	bool mounted;
	char name[128], why[WHY_LEN];
	struct scan_ctx ctx;
	const struct obj *po;
	const char *step;
	struct obj o;
	struct stat st;
	pid_t child;
	mqd_t q;
	int err;

	(void)state;
	enter_private_ipc();
	had_mounts = mqueue_mounts();
	mounted = dev_mqueue_mounted();
	mq_name(name, sizeof(name), "live");
	q = mq_open(name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0640, &attr);
	assert_true(q != (mqd_t)-1);
	/* a message first: one arriving later would fire the notification */
	assert_int_equal(mq_send(q, "hello", 5, 0), 0);
	child = mq_notify_child(q, &release);
	assert_int_equal(fstat(q, &st), 0);

	ctx_init(&ctx, "", KMASK(KIND_MQUEUE));
	assert_int_equal(posix_collect(&ctx.set, ctx.src, &ctx.objs,
				      &ctx.diag), 0);
	/* Without a detached mount (fsmount) and with /dev/mqueue not
	 * mounted, the scan needs a private mount the kernel may refuse:
	 * EINVAL where / is not a mount point, as in a plain chroot. */
	if (ctx.diag.nwarnings && !mounted &&
	    (err = private_mqueue_refused(&step))) {
		ctx_fini(&ctx);
		skip_because("no mqueue mount possible here: %s: %s", step,
			     strerror(err));
	}
	if (ctx.diag.nwarnings)
		fail_msg("warning: %s", ctx.diag.warnings[0]);
	assert_true(diag_complete(&ctx.diag));
	/* the child's private mount did not leak into our namespace */
	assert_int_equal(mqueue_mounts(), had_mounts);
	po = find_obj(&ctx, KIND_MQUEUE, name + 1);
	assert_non_null(po);
	o = *po;
	assert_true(o.dev == st.st_dev);
	assert_true(o.ino == st.st_ino);
	assert_int_equal(o.uid, 0);
	assert_int_equal(o.mode, 0640);
	assert_int_equal(o.u.mq.qsize, 5);
	assert_int_equal(o.size, 5);
	assert_int_equal(o.u.mq.maxmsg, 4);
	assert_int_equal(o.u.mq.msgsize, 64);
	/* the scan's own reads left the other process's registration */
	assert_int_equal(o.u.mq.notify_pid, child);
	assert_false(o.holders_incomplete);
	{
		char path[160];

		pjoin(path, sizeof(path), "/dev/mqueue", name + 1);
		assert_string_equal(o.path, path);
	}

	/* a registered notification is a holder: not removed */
	assert_int_equal(posix_reap(REAP_ENV(&ctx), &o, false, why,
				    sizeof(why)),
			 REAP_SKIP);
	assert_non_null(strstr(why, "notification"));
	mq_notify_release(child, release);

	assert_int_equal(posix_reap(REAP_ENV(&ctx), &o, true, why, sizeof(why)),
			 REAP_DONE);
	o.ino++;
	assert_int_equal(posix_reap(REAP_ENV(&ctx), &o, false, why,
				    sizeof(why)),
			 REAP_SKIP);
	assert_non_null(strstr(why, "inode changed"));
	o.ino--;
	{
		mqd_t q2 = mq_open(name, O_RDONLY | O_CLOEXEC);

		assert_true(q2 != (mqd_t)-1);
		mq_close(q2);
	}
	assert_int_equal(posix_reap(REAP_ENV(&ctx), &o, false, why,
				    sizeof(why)),
			 REAP_DONE);
	errno = 0;
	assert_true(mq_open(name, O_RDONLY | O_CLOEXEC) == (mqd_t)-1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(posix_reap(REAP_ENV(&ctx), &o, false, why,
				    sizeof(why)),
			 -ENOENT);
	mq_close(q);
	mq_unlink(name);
	ctx_fini(&ctx);
}

/*
 * Not mounted and not root: a warning, not silence. Where /dev/mqueue is
 * mounted, it is unmounted in a mount namespace of this process's own
 * (so this runs after the tests that need the host's view).
 */
static void test_mqueue_not_root_warns(void **state)
{
	struct scan_ctx ctx;
	int r;

	(void)state;
	enter_private_ipc();	/* needs root to become nobody too */
	if (dev_mqueue_mounted()) {
		if (unshare(CLONE_NEWNS))
			skip_because("unshare(CLONE_NEWNS): %s",
				     strerror(errno));
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			skip_because("making / private: %s", strerror(errno));
		assert_int_equal(umount2("/dev/mqueue", MNT_DETACH), 0);
		assert_false(dev_mqueue_mounted());
	}
	ctx_init(&ctx, "", KMASK(KIND_MQUEUE));
	assert_int_equal(seteuid(NOBODY), 0);
	r = posix_collect(&ctx.set, ctx.src, &ctx.objs,
				      &ctx.diag);
	assert_int_equal(seteuid(0), 0);
	assert_int_equal(r, 0);
	assert_false(diag_complete(&ctx.diag));
	assert_int_equal(ctx.diag.nwarnings, 1);
	assert_string_equal(ctx.diag.warnings[0],
			    "POSIX message queues not listed: /dev/mqueue is "
			    "not mounted and reading them needs root");
	ctx_fini(&ctx);
}

/*
 * Mounted path: mqueue mounted at <fixture>/dev/mqueue in a mount
 * namespace of this test process's own; also a file mounted over a
 * /dev/shm entry, which reap must not cross into.
 */
static void test_mqueue_mounted_and_mountpoint(void **state)
{
	struct fixture *f = *state;
	struct mq_attr attr = { .mq_maxmsg = 2, .mq_msgsize = 16 };
	char dir[PATH_MAX], p[PATH_MAX], name[128], why[WHY_LEN];
	struct scan_ctx ctx;
	const struct obj *po;
	struct obj o;
	struct stat st;
	mqd_t q;

	enter_private_ipc();
	if (unshare(CLONE_NEWNS))
		skip_because("unshare(CLONE_NEWNS): %s", strerror(errno));
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		skip_because("making / private: %s", strerror(errno));
	pjoin(dir, sizeof(dir), f->root, "dev/mqueue");
	assert_int_equal(mkdir(dir, 0755), 0);
	if (mount("mqueue", dir, "mqueue", 0, NULL))
		skip_because("mounting mqueue: %s", strerror(errno));

	mq_name(name, sizeof(name), "mounted");
	q = mq_open(name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600, &attr);
	assert_true(q != (mqd_t)-1);
	assert_int_equal(fstat(q, &st), 0);
	ctx_init(&ctx, f->root, KMASK(KIND_MQUEUE));
	assert_int_equal(posix_collect(&ctx.set, ctx.src, &ctx.objs,
				      &ctx.diag), 0);
	assert_int_equal(ctx.diag.nwarnings, 0);
	po = find_obj(&ctx, KIND_MQUEUE, name + 1);
	assert_non_null(po);
	o = *po;
	assert_true(o.dev == st.st_dev && o.ino == st.st_ino);
	assert_int_equal(o.u.mq.maxmsg, 2);
	assert_int_equal(o.u.mq.notify_pid, 0);
	assert_int_equal(posix_reap(REAP_ENV(&ctx), &o, false, why,
				    sizeof(why)),
			 REAP_DONE);
	errno = 0;
	assert_true(mq_open(name, O_RDONLY | O_CLOEXEC) == (mqd_t)-1);
	assert_int_equal(errno, ENOENT);
	mq_close(q);
	ctx_fini(&ctx);
	assert_int_equal(umount(dir), 0);

	/* a tmpfs file bind-mounted over /dev/shm/plain */
	pjoin(dir, sizeof(dir), f->root, "other");
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(mount("tmpfs", dir, "tmpfs", 0, "size=64k"), 0);
	put_file(dir, "file", "elsewhere");
	pjoin(p, sizeof(p), dir, "file");
	{
		char target[PATH_MAX], plain[] = "plain";
		char plain_path[] = "/dev/shm/plain";

		pjoin(target, sizeof(target), f->shm, "plain");
		assert_int_equal(mount(p, target, NULL, MS_BIND, NULL), 0);
		o = scan_one(f, KIND_PSHM, "with space", &ctx);
		/* not listed: it is not on /dev/shm's file system */
		assert_null(find_obj(&ctx, KIND_PSHM, "plain"));
		assert_int_equal(stat(target, &st), 0);
		o.name = plain;
		o.path = plain_path;
		o.dev = st.st_dev;
		o.ino = st.st_ino;
		o.t_change = st.st_ctime;
		o.t_modify = st.st_mtime;
		assert_int_equal(posix_reap(REAP_ENV(&ctx), &o, false, why,
					    sizeof(why)), REAP_SKIP);
		assert_non_null(strstr(why, "another file system"));
		assert_int_equal(umount(target), 0);
	}
	assert_true(exists_at(f->shm, "plain", NULL));
	assert_true(exists_at(dir, "file", NULL));
	assert_int_equal(umount(dir), 0);
	ctx_fini(&ctx);
}

/* Names in the mqueue directory @dfd that ipcscan's probes use. */
static unsigned probes_in(int dfd)
{
	struct dirent *de;
	unsigned n = 0;
	DIR *d = fdopendir(dup(dfd));

	assert_non_null(d);
	while ((de = readdir(d)))
		n += !strncmp(de->d_name, ".ipcscan-probe-", 15);
	closedir(d);
	return n;
}

static const struct obj *collect_mq(struct scan_ctx *ctx, const char *name)
{
	ctx_init(ctx, "", KMASK(KIND_MQUEUE));
	assert_int_equal(posix_collect(&ctx->set, ctx->src,
				      &ctx->objs, &ctx->diag), 0);
	return find_obj(ctx, KIND_MQUEUE, name);
}

/*
 * A new IPC namespace under the old one's /dev/mqueue mount: that mount
 * is never read or written through. Root reaches its own namespace's
 * queues anyway; without root, a probe queue tells the mount is foreign
 * (and is unlinked), and nothing is listed or removed. Once the mount is
 * of our namespace, the probe proves it and it is used. Moves this
 * process into namespaces of its own: the last test.
 */
static void test_mqueue_foreign_mount(void **state)
{
	struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 8 };
	char name[128], why[WHY_LEN];
	struct scan_ctx ctx;
	const struct obj *po;
	struct obj o;
	struct stat st;
	int outer;
	mqd_t q;

	(void)state;
	enter_private_ipc();
	/* a /dev of our own, with the outer namespace's mqueue on it */
	if (unshare(CLONE_NEWNS))
		skip_because("unshare(CLONE_NEWNS): %s", strerror(errno));
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		skip_because("making / private: %s", strerror(errno));
	if (mount("tmpfs", "/dev", "tmpfs", 0, "mode=0755"))
		skip_because("mounting a tmpfs on /dev: %s", strerror(errno));
	assert_int_equal(mkdir("/dev/mqueue", 0755), 0);
	assert_int_equal(mount("mqueue", "/dev/mqueue", "mqueue", 0, NULL), 0);
	outer = open("/dev/mqueue", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(outer >= 0);
	assert_int_equal(unshare(CLONE_NEWIPC), 0);

	/* a queue of nobody's in the new namespace */
	mq_name(name, sizeof(name), "foreign");
	assert_int_equal(seteuid(NOBODY), 0);
	q = mq_open(name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600, &attr);
	assert_int_equal(seteuid(0), 0);
	assert_true(q != (mqd_t)-1);
	assert_int_equal(fstat(q, &st), 0);

	/* root: the new namespace's queue, by fsmount or by a child */
	po = collect_mq(&ctx, name + 1);
	assert_non_null(po);
	assert_true(po->dev == st.st_dev && po->ino == st.st_ino);
	assert_int_equal(ctx.diag.nwarnings, 0);
	ctx_fini(&ctx);
#ifdef IPCSCAN_TEST_HOOKS
	setenv("IPCSCAN_TEST_NO_FSMOUNT", "1", 1);
	po = collect_mq(&ctx, name + 1);
	assert_non_null(po);
	assert_true(po->dev == st.st_dev && po->ino == st.st_ino);
	assert_int_equal(ctx.diag.nwarnings, 0);
	ctx_fini(&ctx);
	unsetenv("IPCSCAN_TEST_NO_FSMOUNT");
#endif

	/* nobody: not listed, said so, and not removed either */
	assert_int_equal(seteuid(NOBODY), 0);
	ctx_init(&ctx, "", KMASK(KIND_MQUEUE));
	assert_int_equal(posix_collect(&ctx.set, ctx.src, &ctx.objs,
				      &ctx.diag), 0);
	assert_int_equal(seteuid(0), 0);
	assert_int_equal(ctx.objs.n, 0);
	assert_false(diag_complete(&ctx.diag));
	assert_int_equal(ctx.diag.nwarnings, 1);
	assert_string_equal(ctx.diag.warnings[0],
			    "POSIX message queues not listed: /dev/mqueue is "
			    "the mqueue of another IPC namespace and reading "
			    "them needs root");
	ctx_fini(&ctx);
	assert_int_equal(probes_in(outer), 0);

	po = collect_mq(&ctx, name + 1);	/* as root, for the object */
	assert_non_null(po);
	o = *po;
	assert_int_equal(seteuid(NOBODY), 0);
	assert_int_equal(posix_reap(REAP_ENV(&ctx), &o, false, why,
				    sizeof(why)),
			 REAP_SKIP);
	assert_int_equal(seteuid(0), 0);
	assert_non_null(strstr(why, "another IPC namespace"));
	assert_true(mq_open(name, O_RDONLY | O_CLOEXEC) != (mqd_t)-1);

	/* our own namespace's mqueue over it: proven, used, removed from */
	assert_int_equal(mount("mqueue", "/dev/mqueue", "mqueue", 0, NULL), 0);
	assert_int_equal(seteuid(NOBODY), 0);
	{
		struct scan_ctx c2;
		const struct obj *p2 = collect_mq(&c2, name + 1);

		assert_non_null(p2);
		assert_true(p2->dev == st.st_dev && p2->ino == st.st_ino);
		assert_int_equal(c2.diag.nwarnings, 0);
		assert_true(diag_complete(&c2.diag));
		ctx_fini(&c2);
	}
	assert_int_equal(posix_reap(REAP_ENV(&ctx), &o, false, why,
				    sizeof(why)),
			 REAP_DONE);
	assert_int_equal(seteuid(0), 0);
	errno = 0;
	assert_true(mq_open(name, O_RDONLY | O_CLOEXEC) == (mqd_t)-1);
	assert_int_equal(errno, ENOENT);
	{
		int own = open("/dev/mqueue", O_RDONLY | O_DIRECTORY |
			       O_CLOEXEC);

		assert_true(own >= 0);
		assert_int_equal(probes_in(own), 0);
		close(own);
	}
	assert_int_equal(probes_in(outer), 0);
	mq_close(q);
	close(outer);
	ctx_fini(&ctx);
	test_mq[0] = '\0';	/* gone, and in a namespace of its own */
}

int main(void)
{
#define FX(t) cmocka_unit_test_setup_teardown(t, fixture_setup, \
					      fixture_teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_mq_fixture_idle),
		cmocka_unit_test(test_parse_mq_fixture_notify),
		cmocka_unit_test(test_parse_mq_wide_values),
		cmocka_unit_test(test_parse_mq_truncated),
		cmocka_unit_test(test_parse_mq_garbage),
		FX(test_collect_fixture),
		FX(test_collect_kind_filter),
		FX(test_collect_no_shm_dir),
		FX(test_collect_shm_dir_symlink),
		FX(test_collect_mqueue_fixture_unmounted),
		FX(test_reap_dry_run_then_real),
		FX(test_reap_psem_and_hostile_names),
		FX(test_reap_replaced_file),
		FX(test_reap_obj_ino_changed),
		FX(test_reap_symlink_not_followed),
		FX(test_reap_modified_since_scan),
		FX(test_reap_sticky_since_scan),
		FX(test_reap_locked_pshm),
		FX(test_reap_bad_object),
		FX(test_reap_shm_dir_symlink),
		FX(test_reap_not_owner),
		/* the first test with real queues moves this process into
		 * an IPC namespace of its own (enter_private_ipc) */
		cmocka_unit_test_teardown(test_mqueue_live, mq_teardown),
		/* these move it into mount namespaces of its own too: after
		 * every test that needs /dev/mqueue as it was */
		cmocka_unit_test(test_mqueue_not_root_warns),
		cmocka_unit_test_setup_teardown(
			test_mqueue_mounted_and_mountpoint, fixture_setup,
			mq_teardown),
		/* after that: it also takes a new IPC namespace */
		cmocka_unit_test_teardown(test_mqueue_foreign_mount,
					  mq_teardown),
	};
#undef FX
	return cmocka_run_group_tests(tests, NULL, NULL);
}
