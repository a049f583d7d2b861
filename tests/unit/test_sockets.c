/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_sockets.c - unix socket parsing, the socket dir walk, sockfile reap. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/unix_diag.h>

#include "fsutil.h"
#include "reap.h"
#include "sockfiles.h"
#include "unix_live.h"

/* What gc gives a remover, for a scan context of a test (no cache). */
#define REAP_ENV(c) (&(const struct reap_env){ .set = &(c)->set, \
	.src = scan_own(c), .procs = &(c)->procs })

#define FIXTURE_ROOT "tests/fixtures/sockets"

/* --- helpers ------------------------------------------------------------ */

static void ctx_init(struct scan_ctx *ctx, const char *root,
		     const char *const *dirs, size_t ndirs, kindmask_t kinds)
{
	struct scan_opts so = { .root = root, .kinds = kinds,
				.sockdirs = dirs, .nsockdirs = ndirs };

	scan_init(ctx, &so);
}

static void ctx_fini(struct scan_ctx *ctx)
{
	scan_free(ctx);
	memset(ctx, 0, sizeof(*ctx));
}

static size_t count_kind(const struct scan_ctx *ctx, enum kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < ctx->objs.n; i++)
		n += ctx->objs.v[i].kind == k;
	return n;
}

static struct obj *find_path(struct scan_ctx *ctx, enum kind k,
			     const char *path)
{
	for (size_t i = 0; i < ctx->objs.n; i++) {
		struct obj *o = &ctx->objs.v[i];

		if (o->kind == k && o->path && !strcmp(o->path, path))
			return o;
	}
	return NULL;
}

static struct obj *find_inode(struct scan_ctx *ctx, uint64_t ino)
{
	for (size_t i = 0; i < ctx->objs.n; i++) {
		struct obj *o = &ctx->objs.v[i];

		if (o->kind == KIND_UNIX && o->inode == ino)
			return o;
	}
	return NULL;
}

static int rm_cb(const char *p, const struct stat *st, int flag,
		 struct FTW *f)
{
	(void)st;
	(void)f;
	return flag == FTW_DP ? rmdir(p) : unlink(p);
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static char *mktemp_dir(void)
{
	char *t = strdup("/tmp/ipcscan-sock-XXXXXX");

	assert_non_null(t);
	assert_non_null(mkdtemp(t));
	return t;
}

static char *join(const char *a, const char *b)
{
	char *s;

	assert_true(asprintf(&s, "%s/%s", a, b) > 0);
	return s;
}

/* A socket bound at @path; listening if @backlog >= 0. */
static int bind_at(const char *path, int type, int backlog)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_true(strlen(path) < sizeof(sun.sun_path));
	strcpy(sun.sun_path, path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	if (backlog >= 0)
		assert_int_equal(listen(fd, backlog), 0);
	return fd;
}

/* A socket file with no socket behind it. */
static void make_stale(const char *path)
{
	close(bind_at(path, SOCK_STREAM, 1));
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static const kindmask_t KALL =
	KMASK(KIND_UNIX) | KMASK(KIND_SOCKFILE) | KMASK(KIND_FIFO);

/* --- /proc/net/unix lines ----------------------------------------------- */

static void test_proc_line_listening_stream(void **state)
{
	struct obj o = { 0 };

	(void)state;
	assert_int_equal(parse_proc_net_unix_line(
		"ffff8881012a4400: 00000002 00000000 00010000 0001 01 "
		"  34567 /run/systemd/private\n", &o), 0);
	assert_int_equal(o.kind, KIND_UNIX);
	assert_int_equal(o.inode, 34567);
	assert_int_equal(o.u.ux.type, SOCK_STREAM);
	assert_true(o.u.ux.listening);
	assert_int_equal(o.u.ux.state, 10);
	assert_string_equal(o.u.ux.addr, "/run/systemd/private");
	assert_false(o.u.ux.has_vfs);
	obj_free(&o);
}

static void test_proc_line_dgram_unbound(void **state)
{
	struct obj o = { 0 };

	(void)state;
	assert_int_equal(parse_proc_net_unix_line(
		"0000000000000000: 00000002 00000000 00000000 0002 01 1678",
		&o), 0);
	assert_int_equal(o.u.ux.type, SOCK_DGRAM);
	assert_false(o.u.ux.listening);
	assert_int_equal(o.u.ux.state, 7);	/* unconnected: TCP_CLOSE */
	assert_null(o.u.ux.addr);
	assert_int_equal(o.inode, 1678);
	obj_free(&o);

	/* connected stream, St 03 -> TCP_ESTABLISHED */
	assert_int_equal(parse_proc_net_unix_line(
		"0000000000000000: 00000003 00000000 00000000 0001 03 99", &o),
		0);
	assert_int_equal(o.u.ux.state, 1);
	obj_free(&o);
}

static void test_proc_line_abstract(void **state)
{
	struct obj o = { 0 };

	(void)state;
	assert_int_equal(parse_proc_net_unix_line(
		"0000000000000000: 00000002 00000000 00010000 0005 01 777 "
		"@/tmp/.X11-unix/X0", &o), 0);
	assert_int_equal(o.u.ux.type, SOCK_SEQPACKET);
	assert_string_equal(o.u.ux.addr, "@/tmp/.X11-unix/X0");
	obj_free(&o);
}

static void test_proc_line_hostile_paths(void **state)
{
	struct obj o = { 0 };

	(void)state;
	assert_int_equal(parse_proc_net_unix_line(
		"0000000000000000: 00000002 00000000 00010000 0001 01 5 "
		"/run/my app/con  trol.sock", &o), 0);
	assert_string_equal(o.u.ux.addr, "/run/my app/con  trol.sock");
	obj_free(&o);

	/* a relative name may start with blanks: one blank separates */
	assert_int_equal(parse_proc_net_unix_line(
		"0000000000000000: 00000002 00000000 00000000 0001 01 6 "
		"  lead", &o), 0);
	assert_string_equal(o.u.ux.addr, "  lead");
	obj_free(&o);

	/* invalid UTF-8 is kept as raw bytes; only a final \n is dropped */
	assert_int_equal(parse_proc_net_unix_line(
		"0000000000000000: 00000002 00000000 00000000 0001 01 7 "
		"/tmp/\xff\xfe\tx \n", &o), 0);
	assert_string_equal(o.u.ux.addr, "/tmp/\xff\xfe\tx ");
	obj_free(&o);
}

static void test_proc_line_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"\n",
		"Num       RefCount Protocol Flags    Type St Inode Path",
		"0000000000000000: 00000002 00000000 00010000 0001 01",
		"0000000000000000: 00000002 00000000 00010000 0001",
		"0000000000000000 00000002 00000000 00010000 0001 01 5 /x",
		"0000000000000000: 0000000g 00000000 00010000 0001 01 5 /x",
		"0000000000000000: 00000002 00000000 00010000 0003 01 5 /x",
		"0000000000000000: 00000002 00000000 00010000 0001 07 5 /x",
		"0000000000000000: 00000002 00000000 00010000 0001 01 5x /x",
		"0000000000000000: 00000002 00000000 00010000 0001 01 -5 /x",
		"0000000000000000: 00000002 00000000 00010000 0001 01 "
		"99999999999999999999999 /x",
		"0000000000000000: 00000002 00000000 00010000 "
		"11111111111111111111 01 5 /x",
		":",
		"garbage",
		"line.sock",
	};
	struct obj o = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse_proc_net_unix_line(bad[i], &o) != -EINVAL)
			fail_msg("accepted: \"%s\"", bad[i]);
		assert_null(o.u.ux.addr);
		assert_int_equal(o.inode, 0);
	}
	assert_int_equal(parse_proc_net_unix_line(NULL, &o), -EINVAL);
	/* a connection pending in a listener's queue: inode 0, the
	 * listener's path; not a socket of its own, and not garbage */
	assert_int_equal(parse_proc_net_unix_line(
		"0000000000000000: 00000002 00000000 00000000 0001 02 0 /x",
		&o), -ENOENT);
	assert_null(o.u.ux.addr);
}

/* The fixture tree's /proc/net/unix through the collector. */
static void test_proc_fixture_root(void **state)
{
	static const char *const dirs[] = { NULL };
	struct scan_ctx ctx;
	struct obj *o;

	(void)state;
	/* no socket dir at all: /proc/net/unix alone */
	ctx_init(&ctx, FIXTURE_ROOT, dirs, 0, KMASK(KIND_UNIX));
	assert_int_equal(sockets_collect(&ctx.set, ctx.src,
					 &ctx.procs, &ctx.objs,
					 &ctx.diag), 0);
	assert_int_equal(count_kind(&ctx, KIND_UNIX), 7);
	assert_int_equal(ctx.objs.n, 7);

	o = find_inode(&ctx, 20001);
	assert_non_null(o);
	assert_true(o->u.ux.listening);
	assert_string_equal(o->u.ux.addr, "/run/systemd/private");
	assert_null(o->path);	/* no socket file in the fixture */

	o = find_inode(&ctx, 20004);
	assert_non_null(o);
	assert_int_equal(o->u.ux.type, SOCK_SEQPACKET);
	assert_string_equal(o->u.ux.addr, "/run/my app/con trol.sock");

	/* a name with a newline spans two lines and is put back together */
	o = find_inode(&ctx, 20005);
	assert_non_null(o);
	assert_string_equal(o->u.ux.addr, "/run/new\nline.sock");

	o = find_inode(&ctx, 20006);
	assert_non_null(o);
	assert_string_equal(o->u.ux.addr, "/run/bad-\xff\xfe.sock");

	o = find_inode(&ctx, 20007);
	assert_non_null(o);
	assert_int_equal(o->u.ux.state, 1);
	assert_null(o->u.ux.addr);

	/* the garbage line and the truncated last line are reported */
	assert_int_equal(ctx.diag.nwarnings, 1);
	assert_non_null(strstr(ctx.diag.warnings[0], "2 malformed"));
	/* and the sockets they describe are missing from the view, as the
	 * objects of malformed /proc/sysvipc lines are: not complete */
	assert_false(diag_complete(&ctx.diag));
	ctx_fini(&ctx);
}

/* --- sock_diag messages ------------------------------------------------- */

struct msgbuf {
	unsigned char b[1024];
	size_t len;
	size_t bounds[32];	/* offsets where an attribute ends */
	size_t nbounds;
};

static void msg_start(struct msgbuf *m, uint8_t type, uint8_t state,
		      uint32_t ino)
{
	struct unix_diag_msg h = {
		.udiag_family = AF_UNIX, .udiag_type = type,
		.udiag_state = state, .udiag_ino = ino,
	};

	memset(m, 0, sizeof(*m));
	memcpy(m->b, &h, sizeof(h));
	m->len = sizeof(h);
	m->bounds[m->nbounds++] = m->len;
}

/* Append an attribute whose nla_len says @claimed (0: the real size). */
static void msg_attr(struct msgbuf *m, uint16_t type, const void *data,
		     size_t len, uint16_t claimed)
{
	struct nlattr na = {
		.nla_len = claimed ? claimed : (uint16_t)(NLA_HDRLEN + len),
		.nla_type = type,
	};

	memcpy(m->b + m->len, &na, sizeof(na));
	memcpy(m->b + m->len + NLA_HDRLEN, data, len);
	/* the data is whole even when the padding is cut off */
	m->bounds[m->nbounds++] = m->len + NLA_HDRLEN + len;
	m->len += NLA_ALIGN(NLA_HDRLEN + len);
	m->bounds[m->nbounds++] = m->len;
}

static void build_full(struct msgbuf *m, uint32_t kdev)
{
	struct unix_diag_vfs vfs = { .udiag_vfs_ino = 4242,
				     .udiag_vfs_dev = kdev };
	struct unix_diag_rqlen rq = { 3, 128 };
	uint32_t peer = 0, uid = 1000, icons[3] = { 11, 12, 13 };
	static const char name[] = "/run/test.sock";

	msg_start(m, SOCK_STREAM, 10, 5555);
	msg_attr(m, UNIX_DIAG_NAME, name, sizeof(name), 0);
	msg_attr(m, UNIX_DIAG_VFS, &vfs, sizeof(vfs), 0);
	msg_attr(m, UNIX_DIAG_PEER, &peer, sizeof(peer), 0);
	msg_attr(m, UNIX_DIAG_ICONS, icons, sizeof(icons), 0);
	msg_attr(m, UNIX_DIAG_RQLEN, &rq, sizeof(rq), 0);
	msg_attr(m, UNIX_DIAG_UID, &uid, sizeof(uid), 0);
	msg_attr(m, 99, "ignored", 7, 0);	/* unknown: skipped */
}

static void test_diag_full(void **state)
{
	struct msgbuf m;
	struct obj o = { 0 };

	(void)state;
	build_full(&m, (8u << 20) | 1);
	assert_int_equal(parse_unix_diag_msg(m.b, m.len, &o), 0);
	assert_int_equal(o.kind, KIND_UNIX);
	assert_int_equal(o.inode, 5555);
	assert_int_equal(o.u.ux.type, SOCK_STREAM);
	assert_int_equal(o.u.ux.state, 10);
	assert_true(o.u.ux.listening);
	assert_string_equal(o.u.ux.addr, "/run/test.sock");
	assert_true(o.u.ux.has_vfs);
	assert_int_equal(o.u.ux.vfs_ino, 4242);
	assert_int_equal(o.uid, 1000);
	assert_int_equal(o.u.ux.peer, 0);
	obj_free(&o);

	/* a connected dgram with a peer, unbound, no other attributes */
	msg_start(&m, SOCK_DGRAM, 1, 77);
	{
		uint32_t peer = 78;

		msg_attr(&m, UNIX_DIAG_PEER, &peer, sizeof(peer), 0);
	}
	assert_int_equal(parse_unix_diag_msg(m.b, m.len, &o), 0);
	assert_int_equal(o.u.ux.peer, 78);
	assert_false(o.u.ux.listening);
	assert_false(o.u.ux.has_vfs);
	assert_null(o.u.ux.addr);
	obj_free(&o);
}

static void test_diag_names(void **state)
{
	struct msgbuf m;
	struct obj o = { 0 };

	(void)state;
	/* abstract: leading NUL -> '@'; inner NUL shown as '@' too */
	msg_start(&m, SOCK_STREAM, 10, 1);
	msg_attr(&m, UNIX_DIAG_NAME, "\0dbus\0x\xff", 8, 0);
	assert_int_equal(parse_unix_diag_msg(m.b, m.len, &o), 0);
	assert_string_equal(o.u.ux.addr, "@dbus@x\xff");
	obj_free(&o);

	/* a path ends at its NUL, whatever follows */
	msg_start(&m, SOCK_STREAM, 10, 2);
	msg_attr(&m, UNIX_DIAG_NAME, "/tmp/a b\nc\0junk", 15, 0);
	assert_int_equal(parse_unix_diag_msg(m.b, m.len, &o), 0);
	assert_string_equal(o.u.ux.addr, "/tmp/a b\nc");
	obj_free(&o);

	/* a path without NUL terminator (108 bytes, full sun_path) */
	{
		char full[108];

		memset(full, 'p', sizeof(full));
		full[0] = '/';
		msg_start(&m, SOCK_DGRAM, 7, 3);
		msg_attr(&m, UNIX_DIAG_NAME, full, sizeof(full), 0);
		assert_int_equal(parse_unix_diag_msg(m.b, m.len, &o), 0);
		assert_int_equal(strlen(o.u.ux.addr), 108);
		obj_free(&o);
	}

	/* an empty name is no address */
	msg_start(&m, SOCK_DGRAM, 7, 4);
	msg_attr(&m, UNIX_DIAG_NAME, "", 0, 0);
	assert_int_equal(parse_unix_diag_msg(m.b, m.len, &o), 0);
	assert_null(o.u.ux.addr);
	obj_free(&o);
}

/* udiag_vfs_dev is the kernel's dev encoding, not glibc's dev_t. */
static void test_diag_vfs_dev(void **state)
{
	static const unsigned devs[][2] = {
		{ 8, 1 }, { 259, 3 }, { 0, 27 }, { 8, 300 }, { 4095, 0xfffff },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		unsigned maj = devs[i][0], min = devs[i][1];
		struct msgbuf m;
		struct obj o = { 0 };

		build_full(&m, (maj << 20) | min);
		assert_int_equal(parse_unix_diag_msg(m.b, m.len, &o), 0);
		assert_int_equal(o.u.ux.vfs_dev, (maj << 20) | min);
		assert_true(kdev_key(o.u.ux.vfs_dev) ==
			    dev_key_of(makedev(maj, min)));
		assert_true(kdev_key(o.u.ux.vfs_dev) == dev_key(maj, min));
		obj_free(&o);
	}
}

/* Every prefix of a valid message: only attribute boundaries parse, and
 * nothing is read past the end (ASan sees an exact-size heap copy). */
static void test_diag_truncated(void **state)
{
	struct msgbuf m;

	(void)state;
	build_full(&m, (8u << 20) | 1);
	for (size_t len = 0; len <= m.len; len++) {
		unsigned char *copy = malloc(len ? len : 1);
		struct obj o = { 0 };
		bool boundary = false;
		int r;

		memcpy(copy, m.b, len);
		for (size_t i = 0; i < m.nbounds; i++)
			boundary |= m.bounds[i] == len;
		r = parse_unix_diag_msg(copy, len, &o);
		if (boundary)
			assert_int_equal(r, 0);
		else if (r != -EINVAL)
			fail_msg("length %zu: %d", len, r);
		if (r)
			assert_null(o.u.ux.addr);
		obj_free(&o);
		free(copy);
	}
	assert_int_equal(parse_unix_diag_msg(NULL, 100, &(struct obj){ 0 }),
			 -EINVAL);
}

static void expect_bad(struct msgbuf *m)
{
	unsigned char *copy = malloc(m->len);
	struct obj o = { 0 };

	memcpy(copy, m->b, m->len);
	assert_int_equal(parse_unix_diag_msg(copy, m->len, &o), -EINVAL);
	assert_null(o.u.ux.addr);
	assert_int_equal(o.inode, 0);
	free(copy);
}

static void test_diag_bad_attrs(void **state)
{
	uint32_t u = 1;
	char name[120];
	struct msgbuf m;

	(void)state;
	/* each attribute shorter than its type needs */
	msg_start(&m, SOCK_STREAM, 10, 1);
	msg_attr(&m, UNIX_DIAG_VFS, &u, 4, 0);
	expect_bad(&m);
	msg_start(&m, SOCK_STREAM, 10, 1);
	msg_attr(&m, UNIX_DIAG_PEER, &u, 2, 0);
	expect_bad(&m);
	msg_start(&m, SOCK_STREAM, 10, 1);
	msg_attr(&m, UNIX_DIAG_UID, &u, 3, 0);
	expect_bad(&m);
	msg_start(&m, SOCK_STREAM, 10, 1);
	msg_attr(&m, UNIX_DIAG_RQLEN, &u, 4, 0);
	expect_bad(&m);
	msg_start(&m, SOCK_STREAM, 10, 1);
	msg_attr(&m, UNIX_DIAG_ICONS, name, 6, 0);
	expect_bad(&m);
	/* a name longer than sun_path */
	memset(name, 'a', sizeof(name));
	msg_start(&m, SOCK_STREAM, 10, 1);
	msg_attr(&m, UNIX_DIAG_NAME, name, 109, 0);
	expect_bad(&m);
	/* nla_len beyond the message, and below the header size */
	msg_start(&m, SOCK_STREAM, 10, 1);
	msg_attr(&m, UNIX_DIAG_NAME, "/x", 3, 200);
	expect_bad(&m);
	msg_start(&m, SOCK_STREAM, 10, 1);
	msg_attr(&m, UNIX_DIAG_NAME, "/x", 3, 2);
	expect_bad(&m);
	/* a good name followed by a bad attribute: no leak, no address */
	msg_start(&m, SOCK_STREAM, 10, 1);
	msg_attr(&m, UNIX_DIAG_NAME, "/x", 3, 0);
	msg_attr(&m, UNIX_DIAG_VFS, &u, 1, 0);
	expect_bad(&m);
	/* 2 stray bytes after the last attribute */
	msg_start(&m, SOCK_STREAM, 10, 1);
	msg_attr(&m, UNIX_DIAG_UID, &u, 4, 0);
	m.len += 2;
	expect_bad(&m);
	/* not AF_UNIX */
	msg_start(&m, SOCK_STREAM, 10, 1);
	m.b[0] = AF_INET;
	expect_bad(&m);
}

/* --- the walk ----------------------------------------------------------- */

static void mkfifo_at(const char *dir, const char *rel)
{
	char *p = join(dir, rel);

	assert_int_equal(mkfifo(p, 0640), 0);
	free(p);
}

static void mkdir_at(const char *dir, const char *rel)
{
	char *p = join(dir, rel);

	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
}

static void test_walk_tree(void **state)
{
	static const char weird[] = "we ird\n\xff name";
	char *t = mktemp_dir(), *outside = mktemp_dir(), *p;
	const char *dirs[2] = { t, NULL };
	struct scan_ctx ctx;
	struct stat st;
	struct obj *o;
	int fd;

	(void)state;
	mkfifo_at(t, "f1");
	mkdir_at(t, "a");
	mkdir_at(t, "a/b");
	mkdir_at(t, "a/b/c");
	mkdir_at(t, "a/b/c/d");
	mkfifo_at(t, "a/b/c/f4");	/* depth 4: found */
	mkfifo_at(t, "a/b/c/d/f5");	/* depth 5: beyond the limit */
	mkfifo_at(t, weird);
	mkfifo_at(outside, "elsewhere");
	p = join(t, "link");	/* a symlink to a dir: not followed */
	assert_int_equal(symlink(outside, p), 0);
	free(p);
	p = join(t, "a/loop");		/* a symlink loop */
	assert_int_equal(symlink(t, p), 0);
	free(p);
	p = join(t, "a/fifolink");	/* a symlink to a FIFO is no FIFO */
	assert_int_equal(symlink("../f1", p), 0);
	free(p);
	p = join(t, "regular");
	fd = open(p, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	free(p);

	/* a FIFO nobody has open would block a reader: alarm() in main
	 * turns a hang into a failure */
	ctx_init(&ctx, "", dirs, 1, KMASK(KIND_FIFO));
	assert_int_equal(sockets_collect(&ctx.set, ctx.src,
					 &ctx.procs, &ctx.objs,
					 &ctx.diag), 0);
	assert_int_equal(ctx.objs.n, 3);
	assert_int_equal(count_kind(&ctx, KIND_FIFO), 3);

	p = join(t, "f1");
	o = find_path(&ctx, KIND_FIFO, p);
	assert_non_null(o);
	assert_int_equal(lstat(p, &st), 0);
	assert_true(o->dev == st.st_dev);
	assert_true(o->ino == st.st_ino);
	assert_int_equal(o->uid, st.st_uid);
	assert_int_equal(o->gid, st.st_gid);
	assert_int_equal(o->mode, st.st_mode & 07777);
	assert_int_equal(o->t_modify, st.st_mtime);
	assert_int_equal(o->t_change, st.st_ctime);
	assert_null(o->name);
	free(p);
	p = join(t, "a/b/c/f4");
	assert_non_null(find_path(&ctx, KIND_FIFO, p));
	free(p);
	p = join(t, weird);
	assert_non_null(find_path(&ctx, KIND_FIFO, p));
	free(p);
	ctx_fini(&ctx);

	/* overlapping socket dirs: nothing is reported twice */
	p = join(t, "a/b");
	dirs[1] = p;
	ctx_init(&ctx, "", dirs, 2, KMASK(KIND_FIFO));
	assert_int_equal(sockets_collect(&ctx.set, ctx.src,
					 &ctx.procs, &ctx.objs,
					 &ctx.diag), 0);
	assert_int_equal(ctx.objs.n, 3);
	ctx_fini(&ctx);
	/* the other order: depth counts from the nested dir, so f5 is now
	 * at depth 3 and found; a/b is not walked again from t */
	dirs[0] = p;
	dirs[1] = t;
	ctx_init(&ctx, "", dirs, 2, KMASK(KIND_FIFO));
	assert_int_equal(sockets_collect(&ctx.set, ctx.src,
					 &ctx.procs, &ctx.objs,
					 &ctx.diag), 0);
	assert_int_equal(ctx.objs.n, 4);
	free(p);
	p = join(t, "a/b/c/d/f5");
	assert_non_null(find_path(&ctx, KIND_FIFO, p));
	ctx_fini(&ctx);
	free(p);

	/* a symlink as the socket dir itself is refused with a warning */
	p = join(t, "link");
	dirs[0] = p;
	ctx_init(&ctx, "", dirs, 1, KMASK(KIND_FIFO));
	assert_int_equal(sockets_collect(&ctx.set, ctx.src,
					 &ctx.procs, &ctx.objs,
					 &ctx.diag), 0);
	assert_int_equal(ctx.objs.n, 0);
	assert_int_equal(ctx.diag.nwarnings, 1);
	ctx_fini(&ctx);
	free(p);

	rm_tree(t);
	rm_tree(outside);
	free(t);
	free(outside);
}

/* Mounts below a socket dir: tmpfs entered, others not, bind loops once.
 * Needs a private mount namespace (root). */
static void test_walk_mounts(void **state)
{
	char *t, *p;
	const char *dirs[1];
	struct scan_ctx ctx;

	(void)state;
	if (unshare(CLONE_NEWNS) ||
	    mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL))
		skip();
	t = mktemp_dir();
	dirs[0] = t;
	mkdir_at(t, "tmpfs");
	mkdir_at(t, "ramfs");
	mkdir_at(t, "x");
	mkdir_at(t, "x/bind");
	p = join(t, "tmpfs");
	assert_int_equal(mount("none", p, "tmpfs", 0, "size=1m"), 0);
	mkfifo_at(p, "in-tmpfs");
	free(p);
	p = join(t, "ramfs");
	if (mount("none", p, "ramfs", 0, NULL) == 0)
		mkfifo_at(p, "in-ramfs");
	free(p);
	mkfifo_at(t, "top");
	p = join(t, "x/bind");		/* t mounted inside itself */
	assert_int_equal(mount(t, p, NULL, MS_BIND, NULL), 0);
	free(p);

	ctx_init(&ctx, "", dirs, 1, KMASK(KIND_FIFO));
	assert_int_equal(sockets_collect(&ctx.set, ctx.src,
					 &ctx.procs, &ctx.objs,
					 &ctx.diag), 0);
	p = join(t, "tmpfs/in-tmpfs");
	assert_non_null(find_path(&ctx, KIND_FIFO, p));
	free(p);
	p = join(t, "top");
	assert_non_null(find_path(&ctx, KIND_FIFO, p));
	free(p);
	/* no ramfs FIFO, no second "top" through the bind mount */
	assert_int_equal(ctx.objs.n, 2);
	ctx_fini(&ctx);

	p = join(t, "x/bind");
	umount2(p, MNT_DETACH);
	free(p);
	p = join(t, "ramfs");
	umount2(p, MNT_DETACH);
	free(p);
	p = join(t, "tmpfs");
	umount2(p, MNT_DETACH);
	free(p);
	rm_tree(t);
	free(t);
}

/* A fixture root: /proc/net/unix only, matched by path; every other
 * socket file is a candidate whose binding is unknown. */
static void test_fixture_root_sockfiles(void **state)
{
	static const char *const dirs[] = { "/run" };
	char *t = mktemp_dir(), *p, *buf;
	struct scan_ctx ctx;
	struct obj *o;
	ssize_t n;
	int fd;

	(void)state;
	mkdir_at(t, "proc");
	mkdir_at(t, "proc/net");
	mkdir_at(t, "run");
	mkdir_at(t, "run/systemd");
	n = read_file(FIXTURE_ROOT "/proc/net/unix", &buf);
	assert_true(n > 0);
	p = join(t, "proc/net/unix");
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, (size_t)n), n);
	close(fd);
	free(p);
	free(buf);
	p = join(t, "run/systemd/private");
	make_stale(p);
	free(p);
	p = join(t, "run/new\nline.sock");
	make_stale(p);
	free(p);
	p = join(t, "run/stale.sock");
	make_stale(p);
	free(p);

	ctx_init(&ctx, t, dirs, 1, KALL);
	ctx.src->syscalls = false;
	assert_int_equal(sockets_collect(&ctx.set, ctx.src,
					 &ctx.procs, &ctx.objs,
					 &ctx.diag), 0);
	o = find_inode(&ctx, 20001);
	assert_non_null(o);
	assert_non_null(o->path);
	assert_string_equal(o->path, "/run/systemd/private");
	o = find_inode(&ctx, 20005);
	assert_non_null(o);
	assert_non_null(o->path);
	assert_string_equal(o->path, "/run/new\nline.sock");
	assert_int_equal(count_kind(&ctx, KIND_SOCKFILE), 1);
	o = find_path(&ctx, KIND_SOCKFILE, "/run/stale.sock");
	assert_non_null(o);
	assert_true(o->binding_unknown);
	ctx_fini(&ctx);
	rm_tree(t);
	free(t);
}

/* How many warnings of @ctx contain @s. */
static size_t warned(const struct scan_ctx *ctx, const char *s)
{
	size_t n = 0;

	for (size_t i = 0; i < ctx->diag.nwarnings; i++)
		n += strstr(ctx->diag.warnings[i], s) != NULL;
	return n;
}

/*
 * A socket dir that cannot be walked makes the scan incomplete, with a
 * warning: one that is a file or a symlink, one the operator named that
 * does not exist, a directory or an entry below that cannot be read. A
 * default dir the system lacks is no loss.
 */
static void test_walk_unwalkable(void **state)
{
	static const char *const dirs[] = { "/run", "/tmp", "/var/tmp",
					    "/missing" };
	char *t = mktemp_dir(), *p;
	struct scan_ctx ctx;

	(void)state;
	mkdir_at(t, "proc");
	mkdir_at(t, "proc/net");
	p = join(t, "proc/net/unix");
	close(open(p, O_CREAT | O_WRONLY, 0644));
	free(p);
	mkdir_at(t, "run");
	mkdir_at(t, "run/app");
	p = join(t, "run/app/stale.sock");
	make_stale(p);
	free(p);
	p = join(t, "run/ok.sock");
	make_stale(p);
	free(p);
	p = join(t, "tmp");
	close(open(p, O_CREAT | O_WRONLY, 0644));	/* a file */
	free(p);
	mkdir_at(t, "var");
	p = join(t, "var/tmp");
	assert_int_equal(symlink("/tmp", p), 0);
	free(p);

	/* every one readable but /tmp, /var/tmp and /missing */
	ctx_init(&ctx, t, dirs, 4, KMASK(KIND_SOCKFILE) | KMASK(KIND_FIFO));
	ctx.src->syscalls = false;
	assert_int_equal(sockets_collect(&ctx.set, ctx.src,
					 &ctx.procs, &ctx.objs,
					 &ctx.diag), 0);
	assert_false(diag_complete(&ctx.diag));
	assert_int_equal(ctx.diag.nwarnings, 3);
	assert_int_equal(warned(&ctx, "socket dir /tmp is a symlink or not a "
				"directory"), 1);
	assert_int_equal(warned(&ctx, "socket dir /var/tmp is a symlink or "
				"not a directory"), 1);
	assert_int_equal(warned(&ctx, "socket dir /missing does not exist"),
			 1);
	assert_non_null(find_path(&ctx, KIND_SOCKFILE, "/run/app/stale.sock"));
	ctx_fini(&ctx);

	/* the defaults: missing ones are nothing to report */
	ctx_init(&ctx, t, NULL, 0, KMASK(KIND_SOCKFILE));
	ctx.src->syscalls = false;
	p = join(t, "tmp");
	assert_int_equal(unlink(p), 0);
	free(p);
	p = join(t, "var/tmp");
	assert_int_equal(unlink(p), 0);
	free(p);
	assert_int_equal(sockets_collect(&ctx.set, ctx.src,
					 &ctx.procs, &ctx.objs,
					 &ctx.diag), 0);
	assert_true(diag_complete(&ctx.diag));
	assert_int_equal(ctx.diag.nwarnings, 0);
	assert_int_equal(count_kind(&ctx, KIND_SOCKFILE), 2);
	ctx_fini(&ctx);

	/* a directory below that cannot be read (as nobody) */
	if (geteuid() == 0) {
		assert_int_equal(chmod(t, 0755), 0);
		p = join(t, "run/app");
		assert_int_equal(chmod(p, 0700), 0);
		free(p);
		ctx_init(&ctx, t, NULL, 0, KMASK(KIND_SOCKFILE));
		ctx.src->syscalls = false;
		assert_int_equal(seteuid(65534), 0);
		assert_int_equal(sockets_collect(&ctx.set, ctx.src,
					 &ctx.procs, &ctx.objs,
					 &ctx.diag), 0);
		assert_int_equal(seteuid(0), 0);
		assert_false(diag_complete(&ctx.diag));
		assert_int_equal(ctx.diag.nwarnings, 1);
		assert_int_equal(warned(&ctx, "socket dirs: 1 directory or "
					"entry could not be read (/run/app: "
					"Permission denied)"), 1);
		assert_non_null(find_path(&ctx, KIND_SOCKFILE, "/run/ok.sock"));
		assert_null(find_path(&ctx, KIND_SOCKFILE,
				      "/run/app/stale.sock"));
		ctx_fini(&ctx);
		/* readable but not searchable: it lists, but its entries
		 * cannot be looked at */
		p = join(t, "run/app");
		assert_int_equal(chmod(p, 0744), 0);
		free(p);
		ctx_init(&ctx, t, NULL, 0, KMASK(KIND_SOCKFILE));
		ctx.src->syscalls = false;
		assert_int_equal(seteuid(65534), 0);
		assert_int_equal(sockets_collect(&ctx.set, ctx.src,
					 &ctx.procs, &ctx.objs,
					 &ctx.diag), 0);
		assert_int_equal(seteuid(0), 0);
		assert_false(diag_complete(&ctx.diag));
		assert_int_equal(warned(&ctx, "socket dirs: 1 directory or "
					"entry could not be read "
					"(/run/app/stale.sock: Permission "
					"denied)"), 1);
		ctx_fini(&ctx);
	}
	rm_tree(t);
	free(t);
}

/* The kernel never writes a NUL byte into /proc/net/unix: a line holding
 * one is malformed, neither cut at the NUL nor glued onto the name before
 * it, and the lines after it are still read. */
static void test_proc_nul_bytes(void **state)
{
	static const char data[] =
		"Num       RefCount Protocol Flags    Type St Inode Path\n"
		"0000000000000000: 00000002 00000000 00010000 0001 01 30001 "
		"/run/good.sock\n"
		"\0\1\2\xff\xfe\n"
		"0000000000000000: 00000002 00000000 00010000 0001 01 30002 "
		"/run/cut\0.sock\n"
		"0000000000000000: 00000002 00000000 00000000 0001 01 30005 "
		"@abstract\n"
		"0000000000000000: 00000002 00000000 00000000 0002 01 30006 "
		"/run/last\0";
	static const char *const dirs[] = { NULL };
	char *t = mktemp_dir(), *p;
	struct scan_ctx ctx;
	struct obj *o;
	int fd;

	(void)state;
	mkdir_at(t, "proc");
	mkdir_at(t, "proc/net");
	p = join(t, "proc/net/unix");
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, sizeof(data) - 1),
			 (ssize_t)sizeof(data) - 1);
	close(fd);
	free(p);

	ctx_init(&ctx, t, dirs, 0, KMASK(KIND_UNIX));
	ctx.src->syscalls = false;
	assert_int_equal(sockets_collect(&ctx.set, ctx.src,
					 &ctx.procs, &ctx.objs,
					 &ctx.diag), 0);
	rm_tree(t);
	free(t);

	assert_int_equal(count_kind(&ctx, KIND_UNIX), 2);
	o = find_inode(&ctx, 30001);
	assert_non_null(o);
	assert_string_equal(o->u.ux.addr, "/run/good.sock");
	o = find_inode(&ctx, 30005);
	assert_non_null(o);
	assert_string_equal(o->u.ux.addr, "@abstract");
	/* not listed under a name cut at the NUL */
	assert_null(find_inode(&ctx, 30002));
	assert_null(find_inode(&ctx, 30006));
	assert_int_equal(ctx.diag.nwarnings, 1);
	if (!strstr(ctx.diag.warnings[0], "proc/net/unix: 3 malformed"))
		fail_msg("warning: \"%s\"", ctx.diag.warnings[0]);
	assert_false(diag_complete(&ctx.diag));
	ctx_fini(&ctx);
}

/* --- live sockets ------------------------------------------------------- */

static void test_live_bound_not_sockfile(void **state)
{
	char *t = mktemp_dir();
	const char *dirs[] = { t };
	char *sp = join(t, "live.sock"), *dp = join(t, "d gram.sock");
	struct scan_ctx ctx;
	struct stat sst, fst;
	struct obj *o;
	int s = bind_at(sp, SOCK_STREAM, 4), d = bind_at(dp, SOCK_DGRAM, -1);

	(void)state;
	ctx_init(&ctx, "", dirs, 1, KALL);
	assert_int_equal(sockets_collect(&ctx.set, ctx.src,
					 &ctx.procs, &ctx.objs,
					 &ctx.diag), 0);
	assert_int_equal(count_kind(&ctx, KIND_SOCKFILE), 0);

	assert_int_equal(fstat(s, &sst), 0);
	assert_int_equal(stat(sp, &fst), 0);
	o = find_inode(&ctx, sst.st_ino);
	if (!o)
		skip();	/* sock_diag unavailable: /proc fallback */
	assert_true(o->u.ux.listening);
	assert_int_equal(o->u.ux.type, SOCK_STREAM);
	assert_string_equal(o->u.ux.addr, sp);
	assert_non_null(o->path);
	assert_string_equal(o->path, sp);
	assert_true(o->dev == fst.st_dev && o->ino == fst.st_ino);
	assert_true(o->u.ux.has_vfs);
	assert_true(kdev_key(o->u.ux.vfs_dev) == dev_key_of(fst.st_dev));
	assert_int_equal(o->u.ux.vfs_ino, (uint32_t)fst.st_ino);
	assert_int_equal(o->uid, geteuid());
	{
		struct stat ns;

		if (stat("/proc/self/ns/net", &ns) == 0)
			assert_int_equal(o->u.ux.netns, ns.st_ino);
	}
	assert_int_equal(fstat(d, &sst), 0);
	o = find_inode(&ctx, sst.st_ino);
	assert_non_null(o);
	assert_int_equal(o->u.ux.type, SOCK_DGRAM);
	assert_string_equal(o->path, dp);
	ctx_fini(&ctx);

	/* unix not asked for: the socket file is still known as live */
	ctx_init(&ctx, "", dirs, 1, KMASK(KIND_SOCKFILE));
	assert_int_equal(sockets_collect(&ctx.set, ctx.src,
					 &ctx.procs, &ctx.objs,
					 &ctx.diag), 0);
	assert_int_equal(ctx.objs.n, 0);
	ctx_fini(&ctx);

	close(s);
	close(d);
	rm_tree(t);
	free(sp);
	free(dp);
	free(t);
}

static struct obj *scan_one_sockfile(struct scan_ctx *ctx, const char *t,
				     const char *const *dirs, const char *path)
{
	struct obj *o;

	(void)t;
	ctx_init(ctx, "", dirs, 1, KALL);
	assert_int_equal(sockets_collect(&ctx->set, ctx->src,
					 &ctx->procs, &ctx->objs,
					 &ctx->diag), 0);
	o = find_path(ctx, KIND_SOCKFILE, path);
	assert_non_null(o);
	return o;
}

static void test_live_stale_and_reap(void **state)
{
	char *t = mktemp_dir(), *p = join(t, "stale.sock"), why[WHY_LEN];
	const char *dirs[] = { t };
	struct scan_ctx ctx;
	struct stat st;
	struct obj *o;

	(void)state;
	make_stale(p);
	assert_int_equal(lstat(p, &st), 0);
	o = scan_one_sockfile(&ctx, t, dirs, p);
	if (geteuid() == 0)
		assert_false(o->binding_unknown);
	assert_true(o->dev == st.st_dev && o->ino == st.st_ino);
	assert_int_equal(o->uid, st.st_uid);
	assert_int_equal(o->mode, st.st_mode & 07777);
	assert_int_equal(count_kind(&ctx, KIND_SOCKFILE), 1);
	if (o->binding_unknown)
		skip();		/* not root: cannot prove it stale */

	assert_int_equal(sockfiles_reap(REAP_ENV(&ctx), o, true, why,
					sizeof(why)),
			 REAP_DONE);
	assert_true(exists(p));
	assert_int_equal(sockfiles_reap(REAP_ENV(&ctx), o, false, why,
					sizeof(why)),
			 REAP_DONE);
	assert_false(exists(p));
	assert_int_equal(sockfiles_reap(REAP_ENV(&ctx), o, false, why,
					sizeof(why)),
			 -ENOENT);
	ctx_fini(&ctx);
	rm_tree(t);
	free(p);
	free(t);
}

static void test_reap_replaced(void **state)
{
	char *t = mktemp_dir(), *p = join(t, "s.sock");
	char *keep = join(t, "s.keep"), why[WHY_LEN];
	const char *dirs[] = { t };
	struct scan_ctx ctx;
	struct obj *o;
	int fd;

	(void)state;
	make_stale(p);
	o = scan_one_sockfile(&ctx, t, dirs, p);
	/* the hard link keeps the inode number from being reused */
	assert_int_equal(link(p, keep), 0);
	assert_int_equal(unlink(p), 0);
	make_stale(p);
	assert_int_equal(sockfiles_reap(REAP_ENV(&ctx), o, false, why,
					sizeof(why)),
			 REAP_SKIP);
	assert_true(exists(p));
	assert_non_null(strstr(why, "replaced"));

	/* a regular file in its place */
	assert_int_equal(unlink(p), 0);
	fd = open(p, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(sockfiles_reap(REAP_ENV(&ctx), o, true, why,
					sizeof(why)),
			 REAP_SKIP);
	assert_int_equal(sockfiles_reap(REAP_ENV(&ctx), o, false, why,
					sizeof(why)),
			 REAP_SKIP);
	assert_true(exists(p));
	ctx_fini(&ctx);
	rm_tree(t);
	free(keep);
	free(p);
	free(t);
}

static void test_reap_symlinked_parent(void **state)
{
	char *t = mktemp_dir(), *real = join(t, "real");
	char *moved = join(t, "moved"), *p = join(t, "real/s.sock");
	char *mp = join(t, "moved/s.sock"), *ln = join(t, "ln"), why[WHY_LEN];
	const char *dirs[] = { t };
	struct scan_ctx ctx;
	struct obj *o, fake;

	(void)state;
	assert_int_equal(mkdir(real, 0755), 0);
	make_stale(p);
	o = scan_one_sockfile(&ctx, t, dirs, p);
	/* the directory is swapped for a symlink to where it went */
	assert_int_equal(rename(real, moved), 0);
	assert_int_equal(symlink("moved", real), 0);
	assert_int_equal(sockfiles_reap(REAP_ENV(&ctx), o, false, why,
					sizeof(why)),
			 REAP_SKIP);
	assert_true(exists(mp));

	/* a path through a symlink, built by hand */
	assert_int_equal(symlink(moved, ln), 0);
	fake = *o;
	fake.path = join(t, "ln/s.sock");
	assert_int_equal(sockfiles_reap(REAP_ENV(&ctx), &fake, false, why,
					sizeof(why)),
			 REAP_SKIP);
	assert_true(exists(mp));
	free(fake.path);

	/* a path outside every socket dir */
	fake.path = mp + strlen(t);
	assert_int_equal(sockfiles_reap(REAP_ENV(&ctx), &fake, false, why,
					sizeof(why)),
			 REAP_SKIP);
	/* and a ".." escape */
	fake.path = join(t, "moved/../moved/s.sock");
	assert_int_equal(sockfiles_reap(REAP_ENV(&ctx), &fake, false, why,
					sizeof(why)),
			 REAP_SKIP);
	assert_true(exists(mp));
	free(fake.path);

	ctx_fini(&ctx);
	rm_tree(t);
	free(real);
	free(moved);
	free(p);
	free(mp);
	free(ln);
	free(t);
}

/* An object that claims a live socket's file is stale: the re-check
 * before removal must refuse it. */
static void test_reap_bound_again(void **state)
{
	char *t = mktemp_dir(), *p = join(t, "live.sock"), why[WHY_LEN];
	const char *dirs[] = { t };
	struct scan_ctx ctx;
	struct obj o = { .kind = KIND_SOCKFILE };
	struct stat st;
	int s = bind_at(p, SOCK_SEQPACKET, 1);

	(void)state;
	assert_int_equal(lstat(p, &st), 0);
	o.path = p;
	o.dev = st.st_dev;
	o.ino = st.st_ino;
	o.uid = st.st_uid;
	ctx_init(&ctx, "", dirs, 1, KALL);
	assert_int_equal(sockfiles_reap(REAP_ENV(&ctx), &o, false, why,
					sizeof(why)),
			 REAP_SKIP);
	assert_true(exists(p));
	assert_int_equal(sockfiles_reap(REAP_ENV(&ctx), &o, true, why,
					sizeof(why)),
			 REAP_SKIP);
	close(s);
	ctx_fini(&ctx);
	rm_tree(t);
	free(p);
	free(t);
}

static void test_reap_not_owner(void **state)
{
	char *t = mktemp_dir(), *p = join(t, "root.sock"), why[WHY_LEN];
	const char *dirs[] = { t };
	struct scan_ctx ctx;
	struct obj o = { .kind = KIND_SOCKFILE };
	struct stat st;
	int r;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(chmod(t, 0755), 0);
	make_stale(p);
	assert_int_equal(lstat(p, &st), 0);
	o.path = p;
	o.dev = st.st_dev;
	o.ino = st.st_ino;
	o.uid = st.st_uid;
	ctx_init(&ctx, "", dirs, 1, KALL);
	assert_int_equal(seteuid(65534), 0);
	r = sockfiles_reap(REAP_ENV(&ctx), &o, false, why, sizeof(why));
	assert_int_equal(seteuid(0), 0);
	assert_int_equal(r, REAP_SKIP);
	assert_string_equal(why, "not owner");
	assert_true(exists(p));
	ctx_fini(&ctx);
	rm_tree(t);
	free(p);
	free(t);
}

static void test_reap_wrong_kind(void **state)
{
	struct scan_ctx ctx;
	struct obj o = { .kind = KIND_UNIX, .path = (char *)"/tmp/x" };
	char why[WHY_LEN];

	(void)state;
	ctx_init(&ctx, "", NULL, 0, KALL);
	assert_int_equal(sockfiles_reap(REAP_ENV(&ctx), &o, false, why,
					sizeof(why)),
			 -EINVAL);
	o.kind = KIND_FIFO;
	assert_int_equal(sockfiles_reap(REAP_ENV(&ctx), &o, false, why,
					sizeof(why)),
			 -EINVAL);
	ctx_fini(&ctx);
	/* a fixture root cannot prove anything stale */
	ctx_init(&ctx, FIXTURE_ROOT, NULL, 0, KALL);
	o.kind = KIND_SOCKFILE;
	assert_int_equal(sockfiles_reap(REAP_ENV(&ctx), &o, false, why,
					sizeof(why)),
			 REAP_SKIP);
	ctx_fini(&ctx);
}

/*
 * A child binds a socket in a new netns. With @leave, it goes back to
 * the original netns first: the socket then lives in a netns no process
 * is in, and only the connect probe can see it.
 */
static pid_t netns_child(const char *path, int type, bool listening,
			 bool leave)
{
	int pfd[2], orig;
	pid_t pid;
	char c;

	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		int s;

		close(pfd[0]);
		/* never outlive a test that failed half way */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() == 1)
			_exit(1);
		orig = open("/proc/self/ns/net", O_RDONLY);
		if (orig < 0 || unshare(CLONE_NEWNET))
			_exit(1);
		s = socket(AF_UNIX, type, 0);
		strcpy(sun.sun_path, path);
		if (s < 0 || bind(s, (struct sockaddr *)&sun, sizeof(sun)))
			_exit(1);
		if (listening && listen(s, 1))
			_exit(1);
		if (leave && setns(orig, CLONE_NEWNET))
			_exit(1);
		if (write(pfd[1], "k", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], &c, 1) != 1) {
		close(pfd[0]);
		waitpid(pid, NULL, 0);
		return -1;
	}
	close(pfd[0]);
	return pid;
}

static void test_live_other_netns(void **state)
{
	static const struct {
		const char *name;
		int type;
		bool listening, leave;
	} cases[] = {
		{ "in-ns.sock", SOCK_STREAM, true, false },
		{ "in-ns-dgram.sock", SOCK_DGRAM, false, false },
		{ "lonely.sock", SOCK_STREAM, true, true },
		{ "lonely-seq.sock", SOCK_SEQPACKET, true, true },
		{ "lonely-dgram.sock", SOCK_DGRAM, false, true },
		/* a SEQPACKET connect is refused by it: only the DGRAM
		 * probe sees that it is bound */
		{ "lonely-seq-idle.sock", SOCK_SEQPACKET, false, true },
	};
	enum { N = sizeof(cases) / sizeof(cases[0]) };
	char *t = mktemp_dir(), *paths[N], *stale = join(t, "stale.sock");
	const char *dirs[] = { t };
	struct scan_ctx ctx;
	pid_t pids[N];

	(void)state;
	if (geteuid() != 0)
		skip();
	for (size_t i = 0; i < N; i++) {
		paths[i] = join(t, cases[i].name);
		pids[i] = netns_child(paths[i], cases[i].type,
				      cases[i].listening, cases[i].leave);
		if (pids[i] < 0)
			skip();	/* no unshare here */
	}
	make_stale(stale);
	ctx_init(&ctx, "", dirs, 1, KALL);
	assert_int_equal(sockets_collect(&ctx.set, ctx.src,
					 &ctx.procs, &ctx.objs,
					 &ctx.diag), 0);
	for (size_t i = 0; i < N; i++) {
		struct stat st;
		char why[WHY_LEN];
		struct obj o = { .kind = KIND_SOCKFILE, .path = paths[i] };

		if (find_path(&ctx, KIND_SOCKFILE, paths[i]))
			fail_msg("%s reported stale", cases[i].name);
		/* and the reaper refuses it */
		assert_int_equal(lstat(paths[i], &st), 0);
		o.dev = st.st_dev;
		o.ino = st.st_ino;
		o.uid = st.st_uid;
		assert_int_equal(sockfiles_reap(REAP_ENV(&ctx), &o, false, why,
					      sizeof(why)), REAP_SKIP);
		assert_true(exists(paths[i]));
	}
	/* the control: a truly stale file next to them */
	assert_non_null(find_path(&ctx, KIND_SOCKFILE, stale));
	assert_int_equal(count_kind(&ctx, KIND_SOCKFILE), 1);
	ctx_fini(&ctx);

	/* the bound set itself: the children's netns are reached through
	 * the process table, the lonely ones through nothing */
	{
		struct proc procs[N];
		struct pairmap bound = { 0 };
		bool incomplete = false;

		memset(procs, 0, sizeof(procs));
		for (size_t i = 0; i < N; i++)
			procs[i].pid = pids[i];
		ctx_init(&ctx, "", dirs, 1, KALL);
		ctx.procs.v = procs;
		ctx.procs.n = N;
		assert_int_equal(sockets_bound_set(&ctx.set, ctx.src,
						   &ctx.procs, &bound,
						   &incomplete), 0);
		assert_false(incomplete);
		for (size_t i = 0; i < N; i++) {
			struct stat st;

			assert_int_equal(lstat(paths[i], &st), 0);
			if (pairmap_has(&bound, dev_key_of(st.st_dev),
					(uint32_t)st.st_ino) == cases[i].leave)
				fail_msg("%s: wrong bound-set answer",
					 cases[i].name);
		}
		pairmap_free(&bound);
		ctx.procs.v = NULL;
		ctx.procs.n = 0;
		ctx_fini(&ctx);
	}

	for (size_t i = 0; i < N; i++) {
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
		free(paths[i]);
	}
	rm_tree(t);
	free(stale);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proc_line_listening_stream),
		cmocka_unit_test(test_proc_line_dgram_unbound),
		cmocka_unit_test(test_proc_line_abstract),
		cmocka_unit_test(test_proc_line_hostile_paths),
		cmocka_unit_test(test_proc_line_malformed),
		cmocka_unit_test(test_proc_fixture_root),
		cmocka_unit_test(test_diag_full),
		cmocka_unit_test(test_diag_names),
		cmocka_unit_test(test_diag_vfs_dev),
		cmocka_unit_test(test_diag_truncated),
		cmocka_unit_test(test_diag_bad_attrs),
		cmocka_unit_test(test_walk_tree),
		cmocka_unit_test(test_fixture_root_sockfiles),
		cmocka_unit_test(test_walk_unwalkable),
		cmocka_unit_test(test_proc_nul_bytes),
		cmocka_unit_test(test_live_bound_not_sockfile),
		cmocka_unit_test(test_live_stale_and_reap),
		cmocka_unit_test(test_reap_replaced),
		cmocka_unit_test(test_reap_symlinked_parent),
		cmocka_unit_test(test_reap_bound_again),
		cmocka_unit_test(test_reap_not_owner),
		cmocka_unit_test(test_reap_wrong_kind),
		cmocka_unit_test(test_live_other_netns),
		/* last: it moves this process into a private mount ns */
		cmocka_unit_test(test_walk_mounts),
	};

	/* a scan must never block: a hang is a failure, not a stuck run */
	alarm(120);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
