/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_gc.c - gc: scan -> filter -> verify -> remove -> report. */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <libsmartcols.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "cli.h"
#include "jsonw.h"
#include "kinds.h"
#include "posix.h"
#include "reap.h"
#include "render.h"
#include "scan.h"
#include "strbuf.h"
#include "utf8.h"
#include "util.h"

enum action { ACT_REMOVED, ACT_WOULD, ACT_SKIPPED, ACT_FAILED, ACT_COUNT };
static const char *const action_names[ACT_COUNT] = {
	"removed", "would-remove", "skipped", "failed"
};

struct gc_result {
	const struct obj *o;
	enum action act;
	bool checked;		/* decided before reaping (by the recheck) */
	char error[WHY_LEN];
};

/*
 * The directory that holds the gc lock, opened (O_NOFOLLOW) and checked
 * through the fd: a directory owned by @uid that no group or other user
 * can write to (for @exact: mode exactly 0700, as tmux checks
 * /tmp/tmux-UID). Returns the fd, or -1 with *why set.
 */
static int open_lockdir(const char *dir, uid_t uid, bool exact,
			const char **why)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0) {
		int e = errno;

		/* say what is wrong with it rather than "Permission denied" */
		if (lstat(dir, &st))
			*why = strerror(e);
		else if (S_ISLNK(st.st_mode))
			*why = "a symbolic link";
		else if (!S_ISDIR(st.st_mode))
			*why = "not a directory";
		else if (st.st_uid != uid)
			*why = "owned by another user";
		else
			*why = strerror(e);
		return -1;
	}
	if (fstat(fd, &st)) {
		*why = strerror(errno);
	} else if (st.st_uid != uid) {
		*why = "owned by another user";
	} else if (exact ? (st.st_mode & 07777) != 0700
			 : (st.st_mode & 022) != 0) {
		*why = exact ? "its mode is not 0700"
			     : "writable by group or others";
	} else {
		return fd;
	}
	close(fd);
	return -1;
}

/*
 * Where a gc of this user places its lock: /run for root; otherwise
 * $XDG_RUNTIME_DIR, or without it (cron, su) /run/user/UID when that is the
 * user's, or /tmp/ipcscan-UID, made 0700 if absent and refused unless it
 * is the user's own 0700 directory: a path another user could plant is
 * never used. Returns a directory fd, or -1 after printing why.
 */
static int lock_dir(char *path, size_t len)
{
	uid_t uid = geteuid();
	const char *env = getenv("XDG_RUNTIME_DIR"), *why = NULL;
	bool made = false;
	int fd;

	if (uid == 0) {
		/* as before: the system's /run, whatever its mode */
		snprintf(path, len, "/run");
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		why = fd < 0 ? strerror(errno) : NULL;
	} else if (env && *env) {
		if (env[0] != '/') {
			fprintf(stderr, "ipcscan: XDG_RUNTIME_DIR is not "
				"absolute: '%s'; cannot place the gc lock\n",
				env);
			return -1;
		}
		snprintf(path, len, "%s", env);
		fd = open_lockdir(path, uid, false, &why);
	} else {
		snprintf(path, len, "/run/user/%u", (unsigned)uid);
		fd = open_lockdir(path, uid, false, &why);
		if (fd >= 0)
			return fd;
		snprintf(path, len, "/tmp/ipcscan-%u", (unsigned)uid);
		made = !mkdir(path, 0700);
		fd = open_lockdir(path, uid, !made, &why);
		/* ours, just made: only the umask can have changed it */
		if (fd >= 0 && made && fchmod(fd, 0700)) {
			why = strerror(errno);
			close(fd);
			fd = -1;
		}
	}
	if (fd < 0)
		fprintf(stderr, "ipcscan: cannot place the gc lock in '%s': "
			"%s\n", path, why);
	return fd;
}

/* Take the gc lock; returns the fd (kept open for the run) or -1 after
 * printing why. A dry run takes none (see cmd_gc). */
static int take_lock(void)
{
	char dir[4096], path[4200];
	int dfd = lock_dir(dir, sizeof(dir)), fd;

	if (dfd < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/ipcscan.lock", dir);
	fd = openat(dfd, "ipcscan.lock",
		    O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	close(dfd);
	if (fd < 0) {
		fprintf(stderr, "ipcscan: cannot open lock '%s': %s\n", path,
			strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno == EWOULDBLOCK)
			fprintf(stderr, "ipcscan: another gc is running "
					"(lock '%s' is held)\n", path);
		else
			fprintf(stderr, "ipcscan: cannot lock '%s': %s\n",
				path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Does exclude pattern @g match @o's name, path or (SysV) key? A key is
 * a hex number: 0x0052E2C1 is 0x0052e2c1. */
static bool exclude_matches(const char *g, const struct obj *o)
{
	char key[16];

	if ((o->name && !fnmatch(g, o->name, 0)) ||
	    (o->path && !fnmatch(g, o->path, 0)))
		return true;
	if (o->id < 0)
		return false;
	snprintf(key, sizeof(key), "0x%08x", o->key);
	return !fnmatch(g, key, FNM_CASEFOLD);
}

static bool excluded(const struct cli *cli, const struct obj *o)
{
	for (size_t i = 0; i < cli->nexcludes; i++)
		if (exclude_matches(cli->excludes[i], o))
			return true;
	return false;
}

/* A pattern that matches no object the scan saw, in any state, is most
 * likely a typo that protects nothing: one warning per pattern. */
static void warn_unmatched_excludes(const struct cli *cli,
				    struct scan_ctx *ctx)
{
	for (size_t i = 0; i < cli->nexcludes; i++) {
		bool hit = false;

		for (size_t j = 0; j < i && !hit; j++)
			hit = !strcmp(cli->excludes[j], cli->excludes[i]);
		for (size_t j = 0; j < ctx->objs.n && !hit; j++)
			hit = exclude_matches(cli->excludes[i],
					      &ctx->objs.v[j]);
		if (!hit)
			diag_warn(&ctx->diag, "--exclude '%s' matched no "
				  "object", cli->excludes[i]);
	}
}

/* A short printable identity for logs and the table. */
static void identity(struct strbuf *sb, const struct obj *o)
{
	if (o->id >= 0)
		sb_printf(sb, "id=%d key=0x%08x", o->id, o->key);
	else
		sb_put_escaped(sb, o->path ? o->path : o->name ? o->name : "?");
}

/*
 * syslog(3) reports nothing: without a listener on /dev/log every record
 * is dropped in silence. Before the first record, connect to it as glibc
 * does (a datagram socket, then a stream one); if neither connects, warn
 * once, on stderr and in the JSON warnings.
 */
static void check_syslog(struct scan_ctx *ctx)
{
	static bool checked;
	static const int types[] = { SOCK_DGRAM, SOCK_STREAM };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t before = ctx->diag.nwarnings;
	int e = 0;

	if (checked)
		return;
	checked = true;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", _PATH_LOG);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		int fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0);

		if (fd < 0) {
			e = errno;
			continue;
		}
		if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
			close(fd);
			return;
		}
		e = errno;
		close(fd);
	}
	diag_warn(&ctx->diag, "cannot reach the system log at %s (%s): "
		  "removals are not recorded there", _PATH_LOG, strerror(e));
	cli_print_warnings_from(ctx, before);
}

/* The namespace of an object of another source, for the log: the one
 * its kind lives in (SPEC's table), and the process a mount namespace's
 * directories were reached through. */
static void ns_identity(struct strbuf *sb, const struct scan_ctx *ctx,
			const struct obj *o)
{
	const struct source *src = obj_src(ctx, o);
	const char *type = objns_name(kind_ops[o->kind]->ns);

	if (!src || src->own || !type)
		return;
	if (src->ipc_gone && kind_ops[o->kind]->ns == OBJNS_IPC) {
		sb_puts(sb, " namespace=ipc:gone");
		return;
	}
	sb_printf(sb, " namespace=%s:[%llu]", type,
		  (unsigned long long)obj_nsref(ctx, o)->ino);
	if (src->pid)
		sb_printf(sb, " through pid %d", (int)src->pid);
}

/* The containers that could see it (attrib.h), for the log; nothing for
 * a host object. The display forms are validated printable ASCII with no
 * blank (container.h): they need no escaping. */
static void ct_identity(struct strbuf *sb, const struct scan_ctx *ctx,
			const struct obj *o)
{
	if (o->ct_unknown) {
		sb_puts(sb, " container=?");
		return;
	}
	for (unsigned i = 0; i < o->nct; i++)
		sb_printf(sb, "%s%s", i ? "," : " container=",
			  ctx->attrib.v[o->ct[i]].display);
}

static void audit(struct scan_ctx *ctx, const struct obj *o,
		  const struct gc_result *res)
{
	struct strbuf id = { 0 }, why = { 0 };

	check_syslog(ctx);
	identity(&id, o);
	ns_identity(&id, ctx, o);
	ct_identity(&id, ctx, o);
	sb_put_escaped(&why, o->reason);
	if (res->act == ACT_REMOVED)
		syslog(LOG_NOTICE, "removed %s %s owner=%u size=%llu: %s",
		       kind_name(o->kind), id.buf, (unsigned)o->uid,
		       (unsigned long long)o->size, why.buf);
	else
		syslog(LOG_WARNING, "failed to remove %s %s owner=%u: %s",
		       kind_name(o->kind), id.buf, (unsigned)o->uid,
		       res->error);
	sb_free(&id);
	sb_free(&why);
}

/* One line on stderr for every failed removal, whatever the output mode:
 * cron throws stdout away and mails only what reaches stderr. */
static void report_failure(const struct obj *o, const struct gc_result *res)
{
	struct strbuf id = { 0 }, err = { 0 };

	identity(&id, o);
	sb_put_escaped(&err, res->error);
	fprintf(stderr, "ipcscan: failed to remove %s %s: %s\n",
		kind_name(o->kind), id.buf ? id.buf : "",
		err.buf ? err.buf : "");
	sb_free(&id);
	sb_free(&err);
}

static void reap_one(struct scan_ctx *ctx, struct reap_cache *cache,
		     const struct cli *cli, struct gc_result *res)
{
	const struct obj *o = res->o;
	/* NULL for the kinds that are never orphans (KF_NEVER_REMOVED) */
	reap_fn fn = kind_ops[o->kind]->reap;
	const struct reap_env env = {
		.set = &ctx->set, .src = &ctx->src[o->src],
		.procs = &ctx->procs,
		.cache = cache,
	};
	int r;

	if (!fn) {
		res->act = ACT_SKIPPED;
		set_why(res->error, sizeof(res->error), "kind is never removed");
		return;
	}
	r = fn(&env, o, cli->dry_run, res->error, sizeof(res->error));
	if (r == REAP_DONE) {
		res->act = cli->dry_run ? ACT_WOULD : ACT_REMOVED;
		res->error[0] = '\0';
	} else if (r == REAP_SKIP) {
		res->act = ACT_SKIPPED;
	} else if (r == -ENOENT || r == -EINVAL || r == -EIDRM) {
		res->act = ACT_SKIPPED;
		set_why(res->error, sizeof(res->error), "already gone (%s)",
			strerror(-r));
	} else if (r == -EPERM || r == -EACCES) {
		res->act = ACT_SKIPPED;
		set_why(res->error, sizeof(res->error), "not permitted (%s)",
			strerror(-r));
	} else {
		res->act = ACT_FAILED;
		set_why(res->error, sizeof(res->error), "%s",
			strerror(r < 0 ? -r : EIO));
	}
	if (res->act == ACT_REMOVED || res->act == ACT_FAILED)
		audit(ctx, o, res);
	if (res->act == ACT_FAILED)
		report_failure(o, res);
}

#ifdef IPCSCAN_TEST_HOOKS
/* Lets a test change the world between the scan and the verification,
 * deterministically. Compiled into test builds only. */
static void test_hook(void)
{
	const char *cmd = getenv("IPCSCAN_TEST_BEFORE_REAP");

	if (cmd && system(cmd) != 0)
		fprintf(stderr, "ipcscan: test hook failed\n");
}
#else
static void test_hook(void)
{
}
#endif

/*
 * Keep only the warnings from index @from on that say something new: the
 * re-check repeats many of the scan's (the same uninspectable processes),
 * and those were printed already.
 */
static void drop_repeated_warnings(struct scan_ctx *ctx, size_t from)
{
	size_t n = from;

	for (size_t i = from; i < ctx->diag.nwarnings; i++) {
		bool seen = false;

		for (size_t j = 0; j < n && !seen; j++)
			seen = !strcmp(ctx->diag.warnings[j],
				       ctx->diag.warnings[i]);
		if (seen)
			free(ctx->diag.warnings[i]);
		else
			ctx->diag.warnings[n++] = ctx->diag.warnings[i];
	}
	ctx->diag.nwarnings = n;
}

/* A candidate the fresh holder pass no longer calls an orphan is skipped.
 * What the re-check could not see is printed like the scan's warnings
 * and kept in ctx for the JSON document. */
static int recheck(struct scan_ctx *ctx, struct gc_result *res, size_t n)
{
	size_t before = ctx->diag.nwarnings;
	int r = scan_recheck(ctx);

	drop_repeated_warnings(ctx, before);
	cli_print_warnings_from(ctx, before);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		if (res[i].o->state == STATE_ORPHAN)
			continue;
		res[i].act = ACT_SKIPPED;
		res[i].checked = true;
		set_why(res[i].error, sizeof(res[i].error),
			"no longer an orphan: %s", res[i].o->reason);
	}
	return 0;
}

/* What gc did and left, for the table's summary and the JSON counts. */
struct gc_sum {
	unsigned count[ACT_COUNT];
	unsigned held_age;	/* orphans younger than --min-age */
	unsigned held_exclude;	/* orphans an --exclude protects */
	uint64_t freed;		/* in a dry run: what a real run would free */
};

/* The header of every document (complete and warnings: the scan's and
 * the re-check's), then gc's own members. */
static int gc_json(FILE *out, const struct cli *cli,
		   const struct scan_ctx *ctx, const struct gc_result *res,
		   size_t n, const struct gc_sum *sum)
{
	struct strbuf sb = { 0 };
	struct jw w;

	jw_init(&w, &sb, out);
	json_doc_header(&w, ctx);
	jw_bool(&w, "dry_run", cli->dry_run);
	jw_uint(&w, "min_age", cli->min_age);
	jw_open(&w, "actions", '[');
	for (size_t i = 0; i < n; i++) {
		const struct obj *o = res[i].o;
		char key[16];

		jw_open(&w, NULL, '{');
		jw_lit(&w, "kind", kind_name(o->kind));
		jw_str(&w, "name", o->name);
		jw_str(&w, "path", o->path);
		if (o->id >= 0) {
			jw_int(&w, "id", o->id);
			snprintf(key, sizeof(key), "0x%08x", o->key);
			jw_lit(&w, "key", key);
		} else {
			jw_null(&w, "id");
			jw_null(&w, "key");
		}
		jw_uint(&w, "uid", o->uid);
		jw_lit(&w, "action", action_names[res[i].act]);
		jw_str(&w, "reason", o->reason);
		jw_uint_or_null(&w, "size", obj_has_size(o), o->size);
		if (res[i].act == ACT_SKIPPED || res[i].act == ACT_FAILED)
			jw_str(&w, "error", res[i].error);
		jw_close(&w, '}');
		jw_flush(&w, 65536);
	}
	jw_close(&w, ']');
	jw_uint(&w, "removed", sum->count[ACT_REMOVED]);
	jw_uint(&w, "would_remove", sum->count[ACT_WOULD]);
	jw_uint(&w, "skipped", sum->count[ACT_SKIPPED]);
	jw_uint(&w, "failed", sum->count[ACT_FAILED]);
	/* orphans that are not actions: too young, or excluded */
	jw_uint(&w, "held_by_age", sum->held_age);
	jw_uint(&w, "held_by_exclude", sum->held_exclude);
	/* in a dry run: the bytes a real run would free */
	jw_uint(&w, "bytes_freed", sum->freed);
	jw_close(&w, '}');
	return jw_end(&w);
}

static int gc_table(const struct cli *cli, const struct gc_result *res,
		    size_t n, const struct gc_sum *sum)
{
	struct libscols_table *tb = scols_new_table();
	/* KEY: what an --exclude of a SysV object matches */
	static const char *const hdr[] = { "ACTION", "KIND", "ID/NAME", "KEY",
					   "SIZE", "REASON" };
	const unsigned *count = sum->count;
	struct strbuf cell = { 0 };
	int r = 0;

	if (!tb)
		return -ENOMEM;
	for (size_t i = 0; i < 6; i++)
		if (!scols_table_new_column(tb, hdr[i], 0,
					    i == 4 ? SCOLS_FL_RIGHT : 0))
			r = -ENOMEM;
	for (size_t i = 0; i < n && !r; i++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		const struct obj *o = res[i].o;

		if (!ln) {
			r = -ENOMEM;
			break;
		}
		scols_line_set_data(ln, 0, action_names[res[i].act]);
		scols_line_set_data(ln, 1, kind_name(o->kind));
		cell.len = 0;
		if (o->id >= 0)
			sb_printf(&cell, "%d", o->id);
		else	/* libsmartcols escapes what is not printable */
			sb_puts(&cell, o->path ? o->path : o->name);
		scols_line_set_data(ln, 2, cell.buf);
		cell.len = 0;
		if (o->id >= 0)
			sb_printf(&cell, "0x%08x", o->key);
		scols_line_set_data(ln, 3, cell.len ? cell.buf : NULL);
		cell.len = 0;
		if (obj_has_size(o))	/* blank for sem, as in list */
			fmt_size(&cell, o->size, false);
		scols_line_set_data(ln, 4, cell.len ? cell.buf : NULL);
		scols_line_set_data(ln, 5, res[i].error[0] ? res[i].error
							  : o->reason);
	}
	if (!r && n && scols_print_table(tb))
		r = -EIO;
	cell.len = 0;
	fmt_size(&cell, sum->freed, false);
	printf("%s%u removed, %u would be removed, %u skipped, %u failed, "
	       "%s %s; held back: %u by --min-age, %u by --exclude\n",
	       n ? "\n" : "", count[ACT_REMOVED], count[ACT_WOULD],
	       count[ACT_SKIPPED], count[ACT_FAILED], cell.buf,
	       cli->dry_run ? "would be freed" : "freed", sum->held_age,
	       sum->held_exclude);
	sb_free(&cell);
	scols_unref_table(tb);
	return r;
}

static int cmp_results(const void *a, const void *b)
{
	const struct gc_result *ra = a, *rb = b;
	int r = obj_cmp_default(ra->o, rb->o);

	return r ? r : (ra->o < rb->o ? -1 : ra->o > rb->o);
}

int cmd_gc(const struct cli *cli)
{
	struct scan_ctx ctx;
	struct reap_cache cache = { 0 };
	struct gc_result *res;
	struct gc_sum sum = { 0 };
	size_t n = 0;
	int lock, r;

	/* A dry run changes nothing, so it needs no lock: it runs beside a
	 * real gc, and where no lock could be placed (cron without
	 * XDG_RUNTIME_DIR). */
	lock = cli->dry_run ? -1 : take_lock();
	if (lock < 0 && !cli->dry_run)
		return EXIT_RUNTIME;
	if (cli_scan(cli, &ctx)) {
		scan_free(&ctx);
		if (lock >= 0)
			close(lock);
		return EXIT_RUNTIME;
	}
	warn_unmatched_excludes(cli, &ctx);
	cli_print_warnings(&ctx);
	res = xcalloc(ctx.objs.n, sizeof(*res));
	for (size_t i = 0; i < ctx.objs.n; i++) {
		const struct obj *o = &ctx.objs.v[i];
		int64_t age = obj_age(o, ctx.set.now);

		/* The same predicate as list's STATE column, plus the
		 * operator's excludes and age threshold; an orphan they
		 * hold back is counted once, under the exclude first. */
		if (o->state != STATE_ORPHAN || !cli_filter(cli, &ctx, o))
			continue;
		if (excluded(cli, o))
			sum.held_exclude++;
		else if (age < 0 || (uint64_t)age < cli->min_age)
			sum.held_age++;
		else
			res[n++].o = o;
	}
	/* the order of list: by kind, then id or name */
	qsort(res, n, sizeof(*res), cmp_results);
	if (n) {
		test_hook();
		r = recheck(&ctx, res, n);
		if (r < 0) {
			fprintf(stderr, "ipcscan: cannot re-check holders: %s\n",
				strerror(-r));
			free(res);
			scan_free(&ctx);
			if (lock >= 0)
				close(lock);
			return EXIT_RUNTIME;
		}
	}
	openlog("ipcscan", LOG_PID, LOG_DAEMON);
	for (size_t i = 0; i < n; i++) {
		if (!res[i].checked)
			reap_one(&ctx, &cache, cli, &res[i]);
		sum.count[res[i].act]++;
		/* dry runs free nothing; their table shows what would go */
		if (res[i].act == ACT_REMOVED || res[i].act == ACT_WOULD)
			sum.freed += res[i].o->size;
	}
	closelog();
	reap_cache_free(&cache);
	if (cli->json)
		r = gc_json(stdout, cli, &ctx, res, n, &sum);
	else
		r = gc_table(cli, res, n, &sum);
	free(res);
	scan_free(&ctx);
	if (lock >= 0)
		close(lock);
	if (cli_finish_output(stdout, r, NULL))
		return EXIT_RUNTIME;
	return sum.count[ACT_FAILED] ? EXIT_RUNTIME : EXIT_OK;
}
