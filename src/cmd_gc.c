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
#include <syslog.h>
#include <unistd.h>

#include "cli.h"
#include "reap.h"
#include "render.h"
#include "scan.h"

enum action { ACT_REMOVED, ACT_WOULD, ACT_SKIPPED, ACT_FAILED, ACT_COUNT };
static const char *const action_names[ACT_COUNT] = {
	"removed", "would-remove", "skipped", "failed"
};

struct gc_result {
	const struct obj *o;
	enum action act;
	bool checked;		/* decided before reaping (by the recheck) */
	char error[192];
};

static reap_fn reaper_of(enum kind k)
{
	switch (k) {
	case KIND_SHM:
	case KIND_SEM:
	case KIND_MSG:
		return sysv_reap;
	case KIND_PSHM:
	case KIND_PSEM:
	case KIND_MQUEUE:
		return posix_reap;
	case KIND_SOCKFILE:
		return sockets_reap;
	default:
		return NULL;	/* unix and fifo are never orphans */
	}
}

/* Take the gc lock; returns the fd (kept open for the run) or -1 after
 * printing why. */
static int take_lock(void)
{
	char path[4096];
	const char *dir = "/run";
	int fd;

	if (geteuid() != 0) {
		dir = getenv("XDG_RUNTIME_DIR");
		if (!dir || dir[0] != '/') {
			fprintf(stderr, "ipcscan: XDG_RUNTIME_DIR is not set; "
					"cannot place the gc lock\n");
			return -1;
		}
	}
	snprintf(path, sizeof(path), "%s/ipcscan.lock", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
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

static bool excluded(const struct cli *cli, const struct obj *o)
{
	char key[16];

	snprintf(key, sizeof(key), "0x%08x", o->key);
	for (size_t i = 0; i < cli->nexcludes; i++) {
		const char *g = cli->excludes[i];

		if ((o->name && !fnmatch(g, o->name, 0)) ||
		    (o->path && !fnmatch(g, o->path, 0)) ||
		    (o->id >= 0 && !fnmatch(g, key, 0)))
			return true;
	}
	return false;
}

/* A short printable identity for logs and the table. */
static void identity(struct strbuf *sb, const struct obj *o)
{
	if (o->id >= 0)
		sb_printf(sb, "id=%d key=0x%08x", o->id, o->key);
	else
		sb_put_escaped(sb, o->path ? o->path : o->name ? o->name : "?");
}

static void audit(const struct obj *o, const struct gc_result *res)
{
	struct strbuf id = { 0 }, why = { 0 };

	identity(&id, o);
	sb_put_escaped(&why, o->reason);
	if (res->act == ACT_REMOVED)
		syslog(LOG_NOTICE, "removed %s %s owner=%u size=%llu: %s",
		       kind_table[o->kind].name, id.buf, (unsigned)o->uid,
		       (unsigned long long)o->size, why.buf);
	else
		syslog(LOG_WARNING, "failed to remove %s %s owner=%u: %s",
		       kind_table[o->kind].name, id.buf, (unsigned)o->uid,
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
		kind_table[o->kind].name, id.buf ? id.buf : "",
		err.buf ? err.buf : "");
	sb_free(&id);
	sb_free(&err);
}

static void reap_one(struct scan_ctx *ctx, const struct cli *cli,
		     struct gc_result *res)
{
	const struct obj *o = res->o;
	reap_fn fn = reaper_of(o->kind);
	int r;

	if (!fn) {
		res->act = ACT_SKIPPED;
		snprintf(res->error, sizeof(res->error), "kind is never removed");
		return;
	}
	r = fn(ctx, o, cli->dry_run, res->error, sizeof(res->error));
	if (r == REAP_DONE) {
		res->act = cli->dry_run ? ACT_WOULD : ACT_REMOVED;
		res->error[0] = '\0';
	} else if (r == REAP_SKIP) {
		res->act = ACT_SKIPPED;
	} else if (r == -ENOENT || r == -EINVAL || r == -EIDRM) {
		res->act = ACT_SKIPPED;
		snprintf(res->error, sizeof(res->error), "already gone (%s)",
			 strerror(-r));
	} else if (r == -EPERM || r == -EACCES) {
		res->act = ACT_SKIPPED;
		snprintf(res->error, sizeof(res->error), "not permitted (%s)",
			 strerror(-r));
	} else {
		res->act = ACT_FAILED;
		snprintf(res->error, sizeof(res->error), "%s",
			 strerror(r < 0 ? -r : EIO));
	}
	if (res->act == ACT_REMOVED || res->act == ACT_FAILED)
		audit(o, res);
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

	for (size_t i = from; i < ctx->nwarnings; i++) {
		bool seen = false;

		for (size_t j = 0; j < n && !seen; j++)
			seen = !strcmp(ctx->warnings[j], ctx->warnings[i]);
		if (seen)
			free(ctx->warnings[i]);
		else
			ctx->warnings[n++] = ctx->warnings[i];
	}
	ctx->nwarnings = n;
}

/* A candidate the fresh holder pass no longer calls an orphan is skipped.
 * What the re-check could not see is printed like the scan's warnings
 * and kept in ctx for the JSON document. */
static int recheck(struct scan_ctx *ctx, struct gc_result *res, size_t n)
{
	size_t before = ctx->nwarnings;
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
		snprintf(res[i].error, sizeof(res[i].error),
			 "no longer an orphan: %s", res[i].o->reason);
	}
	return 0;
}

static cJSON *gc_json(const struct cli *cli, const struct scan_ctx *ctx,
		      const struct gc_result *res, size_t n,
		      const unsigned *count, uint64_t freed)
{
	cJSON *doc = cJSON_CreateObject(), *arr;

	cJSON_AddNumberToObject(doc, "schema", IPCSCAN_SCHEMA);
	cJSON_AddBoolToObject(doc, "dry_run", cli->dry_run);
	cJSON_AddNumberToObject(doc, "min_age", (double)cli->min_age);
	/* as in list: the scan's and the re-check's */
	cJSON_AddBoolToObject(doc, "complete", ctx->complete);
	arr = cJSON_AddArrayToObject(doc, "warnings");
	for (size_t i = 0; i < ctx->nwarnings; i++)
		cJSON_AddItemToArray(arr, json_bytes(ctx->warnings[i]));
	arr = cJSON_AddArrayToObject(doc, "actions");
	for (size_t i = 0; i < n; i++) {
		const struct obj *o = res[i].o;
		cJSON *a = cJSON_CreateObject();
		char key[16];

		cJSON_AddStringToObject(a, "kind", kind_table[o->kind].name);
		cJSON_AddItemToObject(a, "name", json_bytes(o->name));
		cJSON_AddItemToObject(a, "path", json_bytes(o->path));
		if (o->id >= 0) {
			cJSON_AddItemToObject(a, "id", json_int(o->id));
			snprintf(key, sizeof(key), "0x%08x", o->key);
			cJSON_AddStringToObject(a, "key", key);
		} else {
			cJSON_AddNullToObject(a, "id");
			cJSON_AddNullToObject(a, "key");
		}
		cJSON_AddItemToObject(a, "uid", json_uint(o->uid));
		cJSON_AddStringToObject(a, "action", action_names[res[i].act]);
		cJSON_AddItemToObject(a, "reason", json_bytes(o->reason));
		cJSON_AddItemToObject(a, "size", obj_has_size(o) ?
				      json_uint(o->size) : cJSON_CreateNull());
		if (res[i].act == ACT_SKIPPED || res[i].act == ACT_FAILED)
			cJSON_AddItemToObject(a, "error",
					      json_bytes(res[i].error));
		cJSON_AddItemToArray(arr, a);
	}
	cJSON_AddNumberToObject(doc, "removed", count[ACT_REMOVED]);
	cJSON_AddNumberToObject(doc, "would_remove", count[ACT_WOULD]);
	cJSON_AddNumberToObject(doc, "skipped", count[ACT_SKIPPED]);
	cJSON_AddNumberToObject(doc, "failed", count[ACT_FAILED]);
	/* in a dry run: the bytes a real run would free */
	cJSON_AddNumberToObject(doc, "bytes_freed", (double)freed);
	return doc;
}

static int gc_table(const struct gc_result *res, size_t n,
		    const unsigned *count, uint64_t freed)
{
	struct libscols_table *tb = scols_new_table();
	static const char *const hdr[] = { "ACTION", "KIND", "ID/NAME",
					   "SIZE", "REASON" };
	struct strbuf cell = { 0 };
	int r = 0;

	if (!tb)
		return -ENOMEM;
	for (size_t i = 0; i < 5; i++)
		if (!scols_table_new_column(tb, hdr[i], 0,
					    i == 3 ? SCOLS_FL_RIGHT : 0))
			r = -ENOMEM;
	for (size_t i = 0; i < n && !r; i++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		const struct obj *o = res[i].o;

		if (!ln) {
			r = -ENOMEM;
			break;
		}
		scols_line_set_data(ln, 0, action_names[res[i].act]);
		scols_line_set_data(ln, 1, kind_table[o->kind].name);
		cell.len = 0;
		if (o->id >= 0)
			sb_printf(&cell, "%d", o->id);
		else	/* libsmartcols escapes what is not printable */
			sb_puts(&cell, o->path ? o->path : o->name);
		scols_line_set_data(ln, 2, cell.buf);
		cell.len = 0;
		if (obj_has_size(o))	/* blank for sem, as in list */
			fmt_size(&cell, o->size, false);
		scols_line_set_data(ln, 3, cell.len ? cell.buf : NULL);
		scols_line_set_data(ln, 4, res[i].error[0] ? res[i].error
							  : o->reason);
	}
	if (!r && n && scols_print_table(tb))
		r = -EIO;
	cell.len = 0;
	fmt_size(&cell, freed, false);
	printf("%s%u removed, %u would be removed, %u skipped, %u failed, "
	       "%s %s\n", n ? "\n" : "", count[ACT_REMOVED],
	       count[ACT_WOULD], count[ACT_SKIPPED], count[ACT_FAILED],
	       cell.buf, count[ACT_WOULD] ? "would be freed" : "freed");
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
	struct gc_result *res;
	unsigned count[ACT_COUNT] = { 0 };
	uint64_t freed = 0;
	size_t n = 0;
	int lock, r;

	lock = take_lock();
	if (lock < 0)
		return EXIT_RUNTIME;
	if (cli_scan(cli, &ctx)) {
		scan_free(&ctx);
		close(lock);
		return EXIT_RUNTIME;
	}
	cli_print_warnings(&ctx);
	res = xcalloc(ctx.objs.n, sizeof(*res));
	for (size_t i = 0; i < ctx.objs.n; i++) {
		const struct obj *o = &ctx.objs.v[i];
		int64_t age = obj_age(o, ctx.now);

		/* The same predicate as list's STATE column, plus the
		 * operator's age threshold and excludes. */
		if (o->state != STATE_ORPHAN || !cli_filter(cli, &ctx, o) ||
		    age < 0 || (uint64_t)age < cli->min_age || excluded(cli, o))
			continue;
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
			close(lock);
			return EXIT_RUNTIME;
		}
	}
	openlog("ipcscan", LOG_PID, LOG_DAEMON);
	for (size_t i = 0; i < n; i++) {
		if (!res[i].checked)
			reap_one(&ctx, cli, &res[i]);
		count[res[i].act]++;
		/* dry runs free nothing; their table shows what would go */
		if (res[i].act == ACT_REMOVED || res[i].act == ACT_WOULD)
			freed += res[i].o->size;
	}
	closelog();
	if (cli->json)
		r = json_print(stdout, gc_json(cli, &ctx, res, n, count, freed));
	else
		r = gc_table(res, n, count, freed);
	free(res);
	scan_free(&ctx);
	close(lock);
	if (cli_finish_output(stdout, r, NULL))
		return EXIT_RUNTIME;
	return count[ACT_FAILED] ? EXIT_RUNTIME : EXIT_OK;
}
