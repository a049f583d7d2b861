/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_sysv.c - /proc/sysvipc parsers, the collector on fixtures, live reap. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sys/shm.h>

#include "fsutil.h"
#include "parse.h"
#include "private_ipc.h"
#include "reap.h"
#include "sysv.h"

#define FIX "tests/fixtures/sysv"

/* Real lines, in the kernel's own column widths (from ipcmk on 6.x). */
#define SHM_REAL " -15196859          0   644                  4096  4180" \
	"     0      0     0     0     0     0          0          0 " \
	"1795702322                     0                     0"
#define SHM_PG "   5432001      32769   600                    56  4211" \
	"  4240      6    26    26    26    26 1795700000 1795700100 " \
	"1795699000                 57344                     0"
#define SEM_REAL " 270383859          0   644          3     0     0" \
	"     0     0          0 1795702322"
#define MSG_LINE "-559038737      65537   620        1024          4" \
	"   777   778  1000   100  1001   101 1795701111 1795701222 1795700333"

static struct obj fresh(enum kind k)
{
	struct obj o;

	memset(&o, 0, sizeof(o));
	o.kind = k;
	o.id = -1;
	return o;
}

/* ------------------------------------------------------------------ */
/* Parsers                                                              */

static void test_parse_shm_real_line(void **state)
{
	struct obj o = fresh(KIND_SHM);

	(void)state;
	assert_int_equal(sysv_parse_shm(SHM_REAL, &o), 0);
	assert_int_equal(o.kind, KIND_SHM);
	assert_int_equal(o.id, 0);
	/* key is printed signed: -15196859 is 0xff181d45 */
	assert_int_equal(o.key, 0xff181d45u);
	assert_int_equal(o.mode, 0644);
	assert_int_equal(o.size, 4096);
	assert_int_equal(o.cpid, 4180);
	assert_int_equal(o.u.shm.lpid, 0);
	assert_int_equal(o.u.shm.nattch, 0);
	assert_int_equal(o.t_change, 1795702322);
	assert_false(o.u.shm.dest);
	assert_false(o.u.shm.locked);
}

static void test_parse_shm_all_fields(void **state)
{
	struct obj o = fresh(KIND_SHM);

	(void)state;
	assert_int_equal(sysv_parse_shm(SHM_PG, &o), 0);
	assert_int_equal(o.key, 0x0052e2c1u);
	assert_int_equal(o.id, 32769);
	assert_int_equal(o.mode, 0600);
	assert_int_equal(o.size, 56);
	assert_int_equal(o.cpid, 4211);
	assert_int_equal(o.u.shm.lpid, 4240);
	assert_int_equal(o.u.shm.nattch, 6);
	assert_int_equal(o.uid, 26);
	assert_int_equal(o.gid, 26);
	assert_int_equal(o.cuid, 26);
	assert_int_equal(o.cgid, 26);
	assert_int_equal(o.t_attach, 1795700000);
	assert_int_equal(o.t_detach, 1795700100);
	assert_int_equal(o.t_change, 1795699000);
	assert_int_equal(o.u.shm.rss, 57344);
	assert_int_equal(o.u.shm.swap, 0);
}

static void test_parse_shm_dest_locked(void **state)
{
	static const struct {
		const char *perms;
		mode_t mode;
		bool dest, locked;
	} cases[] = {
		{ "1600", 01600, true, false },
		{ "2644", 02644, false, true },
		{ "3600", 03600, true, true },
		{ "600", 0600, false, false },
	};
	char line[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct obj o = fresh(KIND_SHM);

		snprintf(line, sizeof(line), "0 7 %s 4096 1 2 0 0 0 0 0 0 0 1"
			 " 0 0", cases[i].perms);
		assert_int_equal(sysv_parse_shm(line, &o), 0);
		assert_int_equal(o.mode, cases[i].mode);
		assert_int_equal(o.u.shm.dest, cases[i].dest);
		assert_int_equal(o.u.shm.locked, cases[i].locked);
	}
}

/* Kernels before 4.1 have no rss/swap columns. */
static void test_parse_shm_old_kernel(void **state)
{
	struct obj o = fresh(KIND_SHM);

	(void)state;
	o.u.shm.rss = 99;
	o.u.shm.swap = 99;
	assert_int_equal(sysv_parse_shm("5 9 600 56 4211 4240 6 26 26 26 26 "
					"100 200 300", &o), 0);
	assert_int_equal(o.id, 9);
	assert_int_equal(o.u.shm.nattch, 6);
	assert_int_equal(o.t_change, 300);
	assert_int_equal(o.u.shm.rss, 0);
	assert_int_equal(o.u.shm.swap, 0);
}

static void test_parse_keys(void **state)
{
	static const struct {
		const char *key;
		int ret;
		uint32_t val;
	} cases[] = {
		{ "-1", 0, 0xffffffffu },
		{ "0", 0, 0 },
		{ "2147483647", 0, 0x7fffffffu },
		{ "-2147483648", 0, 0x80000000u },
		{ "2147483648", -EINVAL, 0 },
		{ "-2147483649", -EINVAL, 0 },
		{ "0x10", -EINVAL, 0 },
		{ "--1", -EINVAL, 0 },
	};
	char line[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct obj o = fresh(KIND_MSG);

		snprintf(line, sizeof(line),
			 "%s 3 600 0 0 0 0 0 0 0 0 0 0 1", cases[i].key);
		assert_int_equal(sysv_parse_msg(line, &o), cases[i].ret);
		if (!cases[i].ret)
			assert_int_equal(o.key, cases[i].val);
	}
}

static void test_parse_sem(void **state)
{
	struct obj o = fresh(KIND_SEM);

	(void)state;
	assert_int_equal(sysv_parse_sem(SEM_REAL, &o), 0);
	assert_int_equal(o.key, 270383859u);
	assert_int_equal(o.id, 0);
	assert_int_equal(o.mode, 0644);
	assert_int_equal(o.u.sem.nsems, 3);
	assert_int_equal(o.size, 0);	/* a set has no byte size */
	assert_int_equal(o.t_op, 0);
	assert_int_equal(o.t_change, 1795702322);
	assert_null(o.u.sem.pids);
	assert_false(o.u.sem.pids_read);
}

static void test_parse_msg(void **state)
{
	struct obj o = fresh(KIND_MSG);

	(void)state;
	assert_int_equal(sysv_parse_msg(MSG_LINE, &o), 0);
	assert_int_equal(o.key, 0xdeadbeefu);
	assert_int_equal(o.id, 65537);
	assert_int_equal(o.mode, 0620);
	assert_int_equal(o.u.msg.cbytes, 1024);
	assert_int_equal(o.size, 1024);
	assert_int_equal(o.u.msg.qnum, 4);
	assert_int_equal(o.u.msg.lspid, 777);
	assert_int_equal(o.u.msg.lrpid, 778);
	assert_int_equal(o.uid, 1000);
	assert_int_equal(o.gid, 100);
	assert_int_equal(o.cuid, 1001);
	assert_int_equal(o.cgid, 101);
	assert_int_equal(o.t_send, 1795701111);
	assert_int_equal(o.t_recv, 1795701222);
	assert_int_equal(o.t_change, 1795700333);
}

static int parse_kind(enum kind k, const char *line, struct obj *o)
{
	if (k == KIND_SHM)
		return sysv_parse_shm(line, o);
	if (k == KIND_SEM)
		return sysv_parse_sem(line, o);
	return sysv_parse_msg(line, o);
}

/* Every one of these must be refused and leave the object untouched. */
static void test_parse_rejects(void **state)
{
	static const struct {
		enum kind kind;
		const char *line;
	} bad[] = {
		{ KIND_SHM, "" },
		{ KIND_SHM, "   \t  " },
		/* truncated: 13 fields */
		{ KIND_SHM, "5 9 600 56 4211 4240 6 26 26 26 26 100 200" },
		/* rss without swap: 15 fields */
		{ KIND_SHM, "5 9 600 56 4211 4240 6 26 26 26 26 100 200 300 "
			    "4" },
		/* an extra field */
		{ KIND_SHM, "5 9 600 56 4211 4240 6 26 26 26 26 100 200 300 "
			    "4 0 1" },
		/* the header itself */
		{ KIND_SHM, "key shmid perms size cpid lpid nattch uid gid "
			    "cuid cgid atime dtime ctime rss swap" },
		/* size beyond u64 */
		{ KIND_SHM, "5 9 600 18446744073709551616 1 1 0 0 0 0 0 0 0 1 "
			    "0 0" },
		/* perms not octal, perms beyond 16 bits */
		{ KIND_SHM, "5 9 680 56 1 1 0 0 0 0 0 0 0 1 0 0" },
		{ KIND_SHM, "5 9 200000 56 1 1 0 0 0 0 0 0 0 1 0 0" },
		/* negative id, negative pid, pid beyond pid_t */
		{ KIND_SHM, "5 -9 600 56 1 1 0 0 0 0 0 0 0 1 0 0" },
		{ KIND_SHM, "5 9 600 56 -1 1 0 0 0 0 0 0 0 1 0 0" },
		{ KIND_SHM, "5 9 600 56 2147483648 1 0 0 0 0 0 0 0 1 0 0" },
		/* garbage glued to a number, a CR line end, invalid UTF-8 */
		{ KIND_SHM, "5 9 600 56k 1 1 0 0 0 0 0 0 0 1 0 0" },
		{ KIND_SHM, "5 9 600 56 1 1 0 0 0 0 0 0 0 1 0 0\r" },
		{ KIND_SHM, "5 9 600 \xff\xfe 1 1 0 0 0 0 0 0 0 1 0 0" },
		{ KIND_SEM, "5 9 600 3 0 0 0 0 0" },
		{ KIND_SEM, "5 9 600 3 0 0 0 0 0 1 2" },
		{ KIND_SEM, "5 9 600 4294967296 0 0 0 0 0 1" },
		/* (uid_t)-1 and beyond */
		{ KIND_SEM, "5 9 600 3 4294967295 0 0 0 0 1" },
		{ KIND_SEM, "5 9 600 3 0 4294967296 0 0 0 1" },
		{ KIND_SEM, "5 2147483648 600 3 0 0 0 0 0 1" },
		{ KIND_SEM, "garbage" },
		{ KIND_MSG, "5 9 600 0 0 0 0 0 0 0 0 0 0" },
		/* times beyond time_t and beyond u64 */
		{ KIND_MSG, "5 9 600 0 0 0 0 0 0 0 0 9223372036854775808 0 1" },
		{ KIND_MSG, "5 9 600 0 0 0 0 0 0 0 0 0 0 "
			    "99999999999999999999" },
		{ KIND_MSG, "5 9 600 1O24 0 0 0 0 0 0 0 0 0 1" },
		{ KIND_MSG, "5 9 600 0 0 0 0 0 0 0 0 0 0 1 extra" },
	};
	char longline[700];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct obj o = fresh(bad[i].kind), before;

		o.key = 0x1234;
		o.size = 77;
		before = o;
		if (parse_kind(bad[i].kind, bad[i].line, &o) != -EINVAL)
			fail_msg("accepted bad line %zu: \"%s\"", i,
				 bad[i].line);
		assert_memory_equal(&o, &before, sizeof(o));
	}

	/* A valid line drowned in padding is not what the kernel writes. */
	memset(longline, ' ', sizeof(longline));
	strcpy(longline + sizeof(longline) - sizeof(SEM_REAL), SEM_REAL);
	{
		struct obj o = fresh(KIND_SEM);

		assert_int_equal(sysv_parse_sem(longline, &o), -EINVAL);
	}
}

/* ------------------------------------------------------------------ */
/* Collector on fixture trees                                           */

/* The three SysV kinds. */
#define SYSV_KINDS (KMASK(KIND_SHM) | KMASK(KIND_SEM) | KMASK(KIND_MSG))

static void ctx_init(struct scan_ctx *ctx, const char *root, kindmask_t kinds)
{
	struct scan_opts so = { .root = root, .kinds = kinds };

	scan_init(ctx, &so);
}

static struct obj *find_obj(struct scan_ctx *ctx, enum kind k, int id)
{
	for (size_t i = 0; i < ctx->objs.n; i++)
		if (ctx->objs.v[i].kind == k && ctx->objs.v[i].id == id)
			return &ctx->objs.v[i];
	return NULL;
}

static size_t count_kind(struct scan_ctx *ctx, enum kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < ctx->objs.n; i++)
		n += ctx->objs.v[i].kind == k;
	return n;
}

static bool has_warning(struct scan_ctx *ctx, const char *needle)
{
	for (size_t i = 0; i < ctx->diag.nwarnings; i++)
		if (strstr(ctx->diag.warnings[i], needle))
			return true;
	return false;
}

static void test_collect_good(void **state)
{
	struct scan_ctx ctx;
	struct obj *o;

	(void)state;
	ctx_init(&ctx, FIX "/good", SYSV_KINDS);
	assert_int_equal(sysv_collect(&ctx.set, ctx.src, &ctx.objs,
				      &ctx.diag), 0);
	assert_int_equal(ctx.diag.nwarnings, 0);
	assert_true(diag_complete(&ctx.diag));
	assert_int_equal(ctx.objs.n, 8);
	assert_int_equal(count_kind(&ctx, KIND_SHM), 4);
	assert_int_equal(count_kind(&ctx, KIND_SEM), 2);
	assert_int_equal(count_kind(&ctx, KIND_MSG), 2);

	o = find_obj(&ctx, KIND_SHM, 32769);
	assert_non_null(o);
	assert_int_equal(o->key, 0x0052e2c1u);
	assert_int_equal(o->u.shm.nattch, 6);
	assert_int_equal(o->u.shm.rss, 57344);

	o = find_obj(&ctx, KIND_SHM, 1);
	assert_non_null(o);
	assert_int_equal(o->key, 0xffffffffu);
	assert_true(o->u.shm.dest);
	assert_false(o->u.shm.locked);
	assert_int_equal(o->u.shm.swap, 8192);

	o = find_obj(&ctx, KIND_SHM, 2);
	assert_non_null(o);
	assert_true(o->u.shm.locked);
	assert_int_equal(o->mode, 02644);

	/* fixture roots never call semctl */
	o = find_obj(&ctx, KIND_SEM, 3);
	assert_non_null(o);
	assert_int_equal(o->u.sem.nsems, 17);
	assert_false(o->u.sem.pids_read);
	assert_null(o->u.sem.pids);
	o = find_obj(&ctx, KIND_SEM, 98304);
	assert_non_null(o);
	assert_int_equal(o->key, 0x80000000u);
	assert_int_equal(o->cuid, 1001);

	o = find_obj(&ctx, KIND_MSG, 65537);
	assert_non_null(o);
	assert_int_equal(o->u.msg.lrpid, 778);
	assert_int_equal(o->t_recv, 1795701222);
	scan_free(&ctx);
}

static void test_collect_kinds_filter(void **state)
{
	struct scan_ctx ctx;

	(void)state;
	ctx_init(&ctx, FIX "/good", KMASK(KIND_MSG));
	assert_int_equal(sysv_collect(&ctx.set, ctx.src, &ctx.objs,
				      &ctx.diag), 0);
	assert_int_equal(ctx.objs.n, 2);
	assert_int_equal(count_kind(&ctx, KIND_MSG), 2);
	scan_free(&ctx);
}

static void test_collect_malformed(void **state)
{
	static const char *const dropped[] = {
		FIX "/malformed/proc/sysvipc/shm:3:",
		FIX "/malformed/proc/sysvipc/shm:4:",
		FIX "/malformed/proc/sysvipc/shm:5:",
		FIX "/malformed/proc/sysvipc/shm:6:",
		FIX "/malformed/proc/sysvipc/shm:7:",
		FIX "/malformed/proc/sysvipc/shm:8:",
		FIX "/malformed/proc/sysvipc/sem:3:",
		FIX "/malformed/proc/sysvipc/sem:4:",
		FIX "/malformed/proc/sysvipc/sem:5:",
		FIX "/malformed/proc/sysvipc/sem:6:",
		FIX "/malformed/proc/sysvipc/sem:7:",
		FIX "/malformed/proc/sysvipc/msg:3:",
		FIX "/malformed/proc/sysvipc/msg:4:",
		FIX "/malformed/proc/sysvipc/msg:5:",
		FIX "/malformed/proc/sysvipc/msg:6:",
		FIX "/malformed/proc/sysvipc/msg:7:",
	};
	struct scan_ctx ctx;
	struct obj *o;

	(void)state;
	ctx_init(&ctx, FIX "/malformed", SYSV_KINDS);
	assert_int_equal(sysv_collect(&ctx.set, ctx.src, &ctx.objs,
				      &ctx.diag), 0);
	assert_false(diag_complete(&ctx.diag));
	for (size_t i = 0; i < sizeof(dropped) / sizeof(dropped[0]); i++)
		if (!has_warning(&ctx, dropped[i]))
			fail_msg("no warning for %s", dropped[i]);
	assert_int_equal(ctx.diag.nwarnings, 16);
	assert_false(has_warning(&ctx, "shm:2:"));
	assert_false(has_warning(&ctx, "shm:9:"));

	/* the good lines around the bad ones survive, nothing half-filled */
	assert_int_equal(count_kind(&ctx, KIND_SHM), 2);
	assert_int_equal(count_kind(&ctx, KIND_SEM), 2);
	assert_int_equal(count_kind(&ctx, KIND_MSG), 2);
	assert_non_null(find_obj(&ctx, KIND_SHM, 32769));
	o = find_obj(&ctx, KIND_SHM, 0);
	assert_non_null(o);
	assert_int_equal(o->key, 0xff181d45u);
	assert_int_equal(o->mode, 0644);
	assert_non_null(find_obj(&ctx, KIND_SEM, 3));
	assert_non_null(find_obj(&ctx, KIND_SEM, 98304));
	assert_non_null(find_obj(&ctx, KIND_MSG, 0));
	o = find_obj(&ctx, KIND_MSG, 65537);
	assert_non_null(o);
	assert_int_equal(o->t_send, 1795701111);
	assert_int_equal(o->u.msg.lspid, 777);
	for (size_t i = 0; i < ctx.objs.n; i++)
		assert_true(ctx.objs.v[i].id >= 0);
	scan_free(&ctx);
}

static void test_collect_no_header(void **state)
{
	struct scan_ctx ctx;

	(void)state;
	ctx_init(&ctx, FIX "/noheader", SYSV_KINDS);
	assert_int_equal(sysv_collect(&ctx.set, ctx.src, &ctx.objs,
				      &ctx.diag), 0);
	assert_int_equal(ctx.diag.nwarnings, 3);
	assert_true(has_warning(&ctx, FIX "/noheader/proc/sysvipc/shm: "
				"unexpected header"));
	assert_true(has_warning(&ctx, "sysvipc/sem: unexpected header"));
	assert_true(has_warning(&ctx, "sysvipc/msg: unexpected header"));
	/* the first line is data and is kept */
	assert_int_equal(count_kind(&ctx, KIND_SHM), 2);
	assert_non_null(find_obj(&ctx, KIND_SHM, 32769));
	assert_non_null(find_obj(&ctx, KIND_SHM, 0));
	assert_non_null(find_obj(&ctx, KIND_SEM, 3));
	assert_non_null(find_obj(&ctx, KIND_MSG, 65537));
	scan_free(&ctx);
}

static void test_collect_old_kernel(void **state)
{
	struct scan_ctx ctx;
	struct obj *o;

	(void)state;
	/* only shm: the missing sem/msg files must not even be looked at */
	ctx_init(&ctx, FIX "/oldkernel", KMASK(KIND_SHM));
	assert_int_equal(sysv_collect(&ctx.set, ctx.src, &ctx.objs,
				      &ctx.diag), 0);
	assert_int_equal(ctx.diag.nwarnings, 0);
	assert_int_equal(ctx.objs.n, 1);
	o = find_obj(&ctx, KIND_SHM, 32769);
	assert_non_null(o);
	assert_int_equal(o->u.shm.nattch, 6);
	assert_int_equal(o->u.shm.rss, 0);
	scan_free(&ctx);
}

static void test_collect_missing_files(void **state)
{
	struct scan_ctx ctx;

	(void)state;
	ctx_init(&ctx, FIX "/does-not-exist", SYSV_KINDS);
	assert_int_equal(sysv_collect(&ctx.set, ctx.src, &ctx.objs,
				      &ctx.diag), 0);
	assert_int_equal(ctx.objs.n, 0);
	assert_int_equal(ctx.diag.nwarnings, 3);
	assert_true(has_warning(&ctx, "does-not-exist/proc/sysvipc/shm"));
	assert_true(has_warning(&ctx, "does-not-exist/proc/sysvipc/sem"));
	assert_true(has_warning(&ctx, "does-not-exist/proc/sysvipc/msg"));
	scan_free(&ctx);
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/*
 * Collect @kind from a temporary root whose /proc/sysvipc file of that
 * kind holds exactly @len bytes of @data; the tree is gone on return.
 */
static void collect_data(struct scan_ctx *ctx, enum kind kind,
			 const char *data, size_t len)
{
	static const char *const files[] = {
		[KIND_SHM] = "shm", [KIND_SEM] = "sem", [KIND_MSG] = "msg",
	};
	char dir[] = "/tmp/test_sysv.XXXXXX", path[256];

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/proc", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/proc/sysvipc", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/proc/sysvipc/%s", dir, files[kind]);
	write_file(path, data, len);

	ctx_init(ctx, dir, KMASK(kind));
	assert_int_equal(sysv_collect(&ctx->set, ctx->src,
				      &ctx->objs, &ctx->diag), 0);
	unlink(path);
	snprintf(path, sizeof(path), "%s/proc/sysvipc", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/proc", dir);
	rmdir(path);
	rmdir(dir);
}

#define SHM_HEADER "key shmid perms size cpid lpid nattch uid gid cuid " \
	"cgid atime dtime ctime rss swap\n"
#define SHM_HEADER_OLD "key shmid perms size cpid lpid nattch uid gid " \
	"cuid cgid atime dtime ctime\n"

/* A NUL byte must not let a truncated prefix pass as a whole line. */
static void test_collect_nul_byte(void **state)
{
	static const char data[] =
		SHM_HEADER
		"5 9 600 56 1 1 0 0 0 0 0 0 0 1\0 0 0\n"
		"5 10 600 56 1 1 0 0 0 0 0 0 0 1 0 0\n";
	struct scan_ctx ctx;

	(void)state;
	collect_data(&ctx, KIND_SHM, data, sizeof(data) - 1);
	assert_int_equal(ctx.objs.n, 1);
	assert_int_equal(ctx.objs.v[0].id, 10);
	assert_int_equal(ctx.diag.nwarnings, 1);
	assert_true(has_warning(&ctx, "shm:2:"));
	assert_false(diag_complete(&ctx.diag));
	scan_free(&ctx);
}

/*
 * The header says whether rss and swap are there: a line with the other
 * count is a line cut short (or padded), not an older kernel's line.
 */
static void test_collect_header_decides_columns(void **state)
{
	static const char with_rss[] =
		SHM_HEADER
		"5 9 600 56 100 0 0 0 0 0 0 0 0 1700005000 0 0\n"
		/* cut after ctime: 14 columns */
		"5 10 600 56 100 0 0 0 0 0 0 0 0 1700005000\n"
		"5 11 600 56 100 0 0 0 0 0 0 0 0 1700005000 4096 0\n";
	static const char without_rss[] =
		SHM_HEADER_OLD
		"5 9 600 56 100 0 0 0 0 0 0 0 0 1700005000\n"
		/* 16 columns under a 14-column header */
		"5 10 600 56 100 0 0 0 0 0 0 0 0 1700005000 4096 0\n";
	struct scan_ctx ctx;

	(void)state;
	collect_data(&ctx, KIND_SHM, with_rss, sizeof(with_rss) - 1);
	assert_int_equal(ctx.objs.n, 2);
	assert_non_null(find_obj(&ctx, KIND_SHM, 9));
	assert_null(find_obj(&ctx, KIND_SHM, 10));
	assert_int_equal(find_obj(&ctx, KIND_SHM, 11)->u.shm.rss, 4096);
	assert_int_equal(ctx.diag.nwarnings, 1);
	assert_true(has_warning(&ctx, "shm:3: malformed line"));
	assert_false(diag_complete(&ctx.diag));
	scan_free(&ctx);

	collect_data(&ctx, KIND_SHM, without_rss, sizeof(without_rss) - 1);
	assert_int_equal(ctx.objs.n, 1);
	assert_int_equal(find_obj(&ctx, KIND_SHM, 9)->t_change, 1700005000);
	assert_int_equal(ctx.diag.nwarnings, 1);
	assert_true(has_warning(&ctx, "shm:3: malformed line"));
	assert_false(diag_complete(&ctx.diag));
	scan_free(&ctx);
}

/* A header of unknown shape: warned, then either count is accepted. */
static void test_collect_unknown_header(void **state)
{
	static const char *const headers[] = {
		/* an extra column */
		"key shmid perms size cpid lpid nattch uid gid cuid cgid "
		"atime dtime ctime rss swap pss\n",
		/* a renamed one */
		"key shmid perms size cpid lpid nattch uid gid cuid cgid "
		"atime dtime ctime rss swp\n",
		/* nothing but the first two */
		"key shmid\n",
	};
	static const char lines[] =
		"5 9 600 56 100 0 0 0 0 0 0 0 0 1700005000\n"
		"5 10 600 56 100 0 0 0 0 0 0 0 0 1700005000 4096 0\n";
	char data[512];
	struct scan_ctx ctx;

	(void)state;
	for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		int len = snprintf(data, sizeof(data), "%s%s", headers[i],
				   lines);

		collect_data(&ctx, KIND_SHM, data, (size_t)len);
		if (ctx.diag.nwarnings != 1 ||
		    !has_warning(&ctx, "shm: unrecognised header"))
			fail_msg("header %zu: %zu warnings, first \"%s\"", i,
				 ctx.diag.nwarnings,
				 ctx.diag.nwarnings ?
				 ctx.diag.warnings[0] : "");
		/* the header line is no object, both data lines are */
		assert_int_equal(ctx.objs.n, 2);
		assert_non_null(find_obj(&ctx, KIND_SHM, 9));
		assert_non_null(find_obj(&ctx, KIND_SHM, 10));
		scan_free(&ctx);
	}
}

/*
 * /proc ends every line with a newline: a last line without one is a
 * read cut short. Cut inside ctime ("17" of 1700005000) under a header
 * without rss/swap, it still has 14 valid numbers and a ctime far in
 * the past, which would make the live creator look like a reused pid.
 */
static void test_collect_truncated_last_line(void **state)
{
	static const char shm[] =
		SHM_HEADER_OLD
		"5 9 600 56 100 0 0 0 0 0 0 0 0 1700005000\n"
		"5 10 600 56 100 0 0 0 0 0 0 0 0 17";
	static const char sem[] =
		"key semid perms nsems uid gid cuid cgid otime ctime\n"
		"5 3 600 1 0 0 0 0 0 1700000000";
	static const char header_only[] =
		"key msqid perms cbytes qnum lspid lrpid uid gid cuid cgid "
		"stime rtime ctime";
	struct scan_ctx ctx;

	(void)state;
	collect_data(&ctx, KIND_SHM, shm, sizeof(shm) - 1);
	assert_int_equal(ctx.objs.n, 1);
	assert_non_null(find_obj(&ctx, KIND_SHM, 9));
	assert_int_equal(ctx.diag.nwarnings, 1);
	assert_true(has_warning(&ctx, "shm:3: malformed line"));
	assert_true(has_warning(&ctx, "no newline"));
	assert_false(diag_complete(&ctx.diag));
	scan_free(&ctx);

	/* even a line that would parse whole is not trusted */
	collect_data(&ctx, KIND_SEM, sem, sizeof(sem) - 1);
	assert_int_equal(ctx.objs.n, 0);
	assert_int_equal(ctx.diag.nwarnings, 1);
	assert_true(has_warning(&ctx, "sem:2: malformed line"));
	assert_false(diag_complete(&ctx.diag));
	scan_free(&ctx);

	collect_data(&ctx, KIND_MSG, header_only, sizeof(header_only) - 1);
	assert_int_equal(ctx.objs.n, 0);
	assert_int_equal(ctx.diag.nwarnings, 1);
	assert_true(has_warning(&ctx, "msg:1: malformed line"));
	assert_false(diag_complete(&ctx.diag));
	scan_free(&ctx);
}

/* The kernel always writes the header: an empty file is a failed read. */
static void test_collect_empty_file(void **state)
{
	static const enum kind kinds[] = { KIND_SHM, KIND_SEM, KIND_MSG };
	static const char *const names[] = {
		"sysvipc/shm is empty: no header",
		"sysvipc/sem is empty: no header",
		"sysvipc/msg is empty: no header",
	};
	struct scan_ctx ctx;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		collect_data(&ctx, kinds[i], "", 0);
		assert_int_equal(ctx.objs.n, 0);
		assert_int_equal(ctx.diag.nwarnings, 1);
		if (!has_warning(&ctx, names[i]))
			fail_msg("no \"%s\" warning", names[i]);
		assert_false(diag_complete(&ctx.diag));
		scan_free(&ctx);
	}

	/* a header and nothing else is a host without objects */
	collect_data(&ctx, KIND_SHM, SHM_HEADER, sizeof(SHM_HEADER) - 1);
	assert_int_equal(ctx.objs.n, 0);
	assert_int_equal(ctx.diag.nwarnings, 0);
	assert_true(diag_complete(&ctx.diag));
	scan_free(&ctx);
}

/* ------------------------------------------------------------------ */
/* Live reap on the test's own IPC_PRIVATE objects                      */

/* Real objects are made, scanned and removed only in an IPC namespace of
 * our own (private_ipc.h), never the host's: as root; else skipped. */
#define enter_private_ipc()						\
	do {								\
		const char *st_;					\
		int e_ = private_ipc(false, &st_);			\
									\
		if (e_) {						\
			print_message("# skipped: no IPC namespace of "	\
				      "our own for real objects: %s: "	\
				      "%s\n", st_, strerror(e_));	\
			skip();						\
		}							\
	} while (0)

/* Everything created here, removed by the teardown even after a failure. */
static struct {
	enum kind kind;
	int id;
} created[16];
static size_t ncreated;

static int track(enum kind k, int id)
{
	if (id >= 0 && ncreated < sizeof(created) / sizeof(created[0]))
		created[ncreated++] = (typeof(created[0])){ k, id };
	return id;
}

static int remove_created(void **state)
{
	(void)state;
	/* A failed assertion may have left us in check_common's seteuid. */
	if (getuid() == 0 && geteuid() != 0 && seteuid(0) < 0)
		return -1;
	for (size_t i = 0; i < ncreated; i++) {
		switch (created[i].kind) {
		case KIND_SHM:
			shmctl(created[i].id, IPC_RMID, NULL);
			break;
		case KIND_SEM:
			semctl(created[i].id, 0, IPC_RMID);
			break;
		default:
			msgctl(created[i].id, IPC_RMID, NULL);
			break;
		}
	}
	ncreated = 0;
	return 0;
}

static bool exists(enum kind k, int id)
{
	struct shmid_ds shm;
	struct msqid_ds msg;

	switch (k) {
	case KIND_SHM:
		return shmctl(id, IPC_STAT, &shm) == 0;
	case KIND_SEM:
		return semctl(id, 0, GETPID) >= 0;
	default:
		return msgctl(id, IPC_STAT, &msg) == 0;
	}
}

/* Fill @o from the live /proc/sysvipc line for @id. */
static void live_parse(enum kind k, int id, struct obj *o)
{
	static const char *const files[] = {
		[KIND_SHM] = "/proc/sysvipc/shm",
		[KIND_SEM] = "/proc/sysvipc/sem",
		[KIND_MSG] = "/proc/sysvipc/msg",
	};
	char *buf, *line, *save = NULL, want[16];
	bool found = false;

	assert_true(read_file(files[k], &buf) > 0);
	snprintf(want, sizeof(want), "%d", id);
	for (line = strtok_r(buf, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		char copy[512], *f[3];

		snprintf(copy, sizeof(copy), "%s", line);
		if (split_fields(copy, f, 2) < 2 || strcmp(f[1], want))
			continue;
		*o = fresh(k);
		assert_int_equal(parse_kind(k, line, o), 0);
		found = true;
	}
	free(buf);
	if (!found)
		fail_msg("id %d not in %s", id, files[k]);
	assert_int_equal(o->id, id);
}

static const struct source live_src = {
	.root = "", .syscalls = true, .own = true,
	.ipc = { -1, 0 }, .mnt = { -1, 0 }, .net = { -1, 0 },
};
static const struct reap_env live_env = { .src = &live_src };

static void assert_gone_now(struct obj *o)
{
	char why[WHY_LEN];
	int r;

	assert_false(exists(o->kind, o->id));
	r = sysv_reap(&live_env, o, false, why, sizeof(why));
	if (r != -EINVAL && r != -EIDRM)
		fail_msg("second reap of %d returned %d", o->id, r);
}

static void assert_skip(struct obj *o, const char *reason)
{
	char why[WHY_LEN] = "";

	assert_int_equal(sysv_reap(&live_env, o, false, why, sizeof(why)),
			 REAP_SKIP);
	if (!strstr(why, reason))
		fail_msg("why \"%s\" lacks \"%s\"", why, reason);
	assert_true(exists(o->kind, o->id));
}

/* Checks every kind shares: identity, ownership, fixture scans. */
static void check_common(struct obj *o)
{
	const struct source fixture_src = {
		.root = FIX "/good",
		.ipc = { -1, 0 }, .mnt = { -1, 0 }, .net = { -1, 0 },
	};
	const struct reap_env fixture = { .src = &fixture_src };
	struct obj copy;
	char why[WHY_LEN] = "";

	assert_int_equal(sysv_reap(&live_env, o, true, why, sizeof(why)),
			 REAP_DONE);
	assert_true(exists(o->kind, o->id));

	copy = *o;
	copy.t_change--;
	assert_skip(&copy, "replaced: ctime");
	copy = *o;
	copy.key ^= 1;
	assert_skip(&copy, "replaced: key");
	copy = *o;
	copy.cuid ^= 1;
	copy.uid = copy.cuid;
	if (geteuid() == 0)
		assert_skip(&copy, "replaced: creator uid");

	assert_int_equal(sysv_reap(&fixture, o, false, why, sizeof(why)),
			 REAP_SKIP);
	assert_true(exists(o->kind, o->id));

	if (geteuid() == 0) {
		/* Somebody else's object: refused before any syscall. */
		assert_int_equal(seteuid(65534), 0);
		why[0] = '\0';
		assert_int_equal(sysv_reap(&live_env, o, false, why,
					   sizeof(why)), REAP_SKIP);
		assert_string_equal(why, "not owner");
		/* Claiming to own it does not help: IPC_STAT says no. */
		copy = *o;
		copy.uid = 65534;
		assert_int_equal(sysv_reap(&live_env, &copy, false, why,
					   sizeof(why)), -EACCES);
		assert_int_equal(seteuid(0), 0);
		assert_true(exists(o->kind, o->id));
	}
}

static void test_reap_shm(void **state)
{
	int id;
	struct obj o, copy;
	char why[WHY_LEN];
	void *p;

	(void)state;
	enter_private_ipc();
	id = track(KIND_SHM, shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600));
	if (id < 0)
		skip();
	live_parse(KIND_SHM, id, &o);
	assert_int_equal(o.key, 0);
	assert_int_equal(o.size, 4096);
	assert_int_equal(o.cpid, getpid());
	assert_int_equal(o.u.shm.nattch, 0);
	check_common(&o);

	copy = o;
	copy.cpid++;
	assert_skip(&copy, "creator pid");

	p = shmat(id, NULL, 0);
	assert_true(p != (void *)-1);
	assert_skip(&o, "attached by 1");
	assert_int_equal(shmdt(p), 0);
	/* nattch is 0 again, but somebody used it since the scan */
	assert_skip(&o, "attached since scan");

	live_parse(KIND_SHM, id, &o);
	assert_int_equal(o.u.shm.lpid, getpid());
	copy = o;
	copy.t_detach = 0;
	assert_skip(&copy, "detached since scan");
	copy = o;
	copy.u.shm.lpid = 0;
	assert_skip(&copy, "last attach/detach pid 0");

	assert_int_equal(sysv_reap(&live_env, &o, false, why, sizeof(why)),
			 REAP_DONE);
	assert_gone_now(&o);
}

static void test_reap_msg(void **state)
{
	int id;
	struct {
		long mtype;
		char text[8];
	} m = { 1, "hello" };
	struct obj o, copy;
	char why[WHY_LEN];

	(void)state;
	enter_private_ipc();
	id = track(KIND_MSG, msgget(IPC_PRIVATE, IPC_CREAT | 0600));
	if (id < 0)
		skip();
	live_parse(KIND_MSG, id, &o);
	assert_int_equal(o.u.msg.qnum, 0);
	check_common(&o);

	assert_int_equal(msgsnd(id, &m, sizeof(m.text), IPC_NOWAIT), 0);
	assert_skip(&o, "message sent since scan");
	live_parse(KIND_MSG, id, &o);
	assert_int_equal(o.u.msg.lspid, getpid());
	assert_int_equal(o.u.msg.qnum, 1);
	assert_int_equal(o.size, sizeof(m.text));
	/* either half of the evidence is enough */
	copy = o;
	copy.t_send = 0;
	assert_skip(&copy, "message sent since scan");
	copy = o;
	copy.u.msg.lspid = 0;
	assert_skip(&copy, "message sent since scan");

	assert_int_equal(msgrcv(id, &m, sizeof(m.text), 0, IPC_NOWAIT),
			 (ssize_t)sizeof(m.text));
	assert_skip(&o, "message received since scan");
	live_parse(KIND_MSG, id, &o);
	assert_int_equal(o.u.msg.lrpid, getpid());
	copy = o;
	copy.t_recv = 0;
	assert_skip(&copy, "message received since scan");
	copy = o;
	copy.u.msg.lrpid = 0;
	assert_skip(&copy, "message received since scan");

	assert_int_equal(sysv_reap(&live_env, &o, false, why, sizeof(why)),
			 REAP_DONE);
	assert_gone_now(&o);
}

/* The live collector reads pids and waiters with semctl. */
static struct obj *sem_collect(struct scan_ctx *ctx, int id)
{
	struct obj *o;

	scan_free(ctx);
	ctx_init(ctx, "", KMASK(KIND_SEM));
	assert_int_equal(sysv_collect(&ctx->set, ctx->src,
				      &ctx->objs, &ctx->diag), 0);
	o = find_obj(ctx, KIND_SEM, id);
	assert_non_null(o);
	assert_true(o->u.sem.pids_read);
	assert_non_null(o->u.sem.pids);
	return o;
}

static void test_reap_sem(void **state)
{
	int id;
	struct sembuf down = { 0, -1, 0 }, up = { 1, 1, 0 };
	struct scan_ctx ctx;
	struct obj *o, parsed;
	char why[WHY_LEN];
	pid_t child, was;

	(void)state;
	enter_private_ipc();
	id = track(KIND_SEM, semget(IPC_PRIVATE, 2, IPC_CREAT | 0600));
	if (id < 0)
		skip();
	memset(&ctx, 0, sizeof(ctx));
	o = sem_collect(&ctx, id);
	assert_int_equal(o->u.sem.nsems, 2);
	assert_int_equal(o->u.sem.pids[0], 0);
	assert_int_equal(o->u.sem.pids[1], 0);
	assert_int_equal(o->u.sem.waiters, 0);
	check_common(o);
	o->u.sem.nsems = 1;
	assert_skip(o, "replaced: nsems 1 is now 2");
	o->u.sem.nsems = 2;

	/* Parsed from /proc alone, the pids are unknown: never removed. */
	live_parse(KIND_SEM, id, &parsed);
	assert_skip(&parsed, "pids were not read");

	/* A child blocked in semop is a waiter. */
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		semop(id, &down, 1);
		_exit(0);
	}
	for (int i = 0; i < 500 && semctl(id, 0, GETNCNT) < 1; i++)
		usleep(10000);
	assert_int_equal(semctl(id, 0, GETNCNT), 1);
	assert_skip(o, "1 process(es) waiting");
	kill(child, SIGKILL);
	assert_int_equal(waitpid(child, NULL, 0), child);
	for (int i = 0; i < 500 && semctl(id, 0, GETNCNT) > 0; i++)
		usleep(10000);
	assert_int_equal(sysv_reap(&live_env, o, true, why, sizeof(why)),
			 REAP_DONE);

	assert_int_equal(semop(id, &up, 1), 0);
	assert_skip(o, "operated on since scan");
	o = sem_collect(&ctx, id);
	assert_int_equal(o->u.sem.pids[1], getpid());
	assert_true(o->t_op > 0);
	was = o->u.sem.pids[1];
	o->u.sem.pids[1] = was + 1;
	assert_skip(o, "semaphore 1 last operated by pid");
	o->u.sem.pids[1] = was;

	assert_int_equal(sysv_reap(&live_env, o, false, why, sizeof(why)),
			 REAP_DONE);
	assert_gone_now(o);
	scan_free(&ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_shm_real_line),
		cmocka_unit_test(test_parse_shm_all_fields),
		cmocka_unit_test(test_parse_shm_dest_locked),
		cmocka_unit_test(test_parse_shm_old_kernel),
		cmocka_unit_test(test_parse_keys),
		cmocka_unit_test(test_parse_sem),
		cmocka_unit_test(test_parse_msg),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_collect_good),
		cmocka_unit_test(test_collect_kinds_filter),
		cmocka_unit_test(test_collect_malformed),
		cmocka_unit_test(test_collect_no_header),
		cmocka_unit_test(test_collect_old_kernel),
		cmocka_unit_test(test_collect_missing_files),
		cmocka_unit_test(test_collect_nul_byte),
		cmocka_unit_test(test_collect_header_decides_columns),
		cmocka_unit_test(test_collect_unknown_header),
		cmocka_unit_test(test_collect_truncated_last_line),
		cmocka_unit_test(test_collect_empty_file),
		cmocka_unit_test_teardown(test_reap_shm, remove_created),
		cmocka_unit_test_teardown(test_reap_msg, remove_created),
		cmocka_unit_test_teardown(test_reap_sem, remove_created),
	};
	int r = cmocka_run_group_tests(tests, NULL, remove_created);

	remove_created(NULL);
	return r;
}
