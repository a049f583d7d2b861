/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_render.c - escaping and formatting that every output relies on. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>

#include "columns.h"
#include "jsonw.h"
#include "kinds.h"
#include "parse.h"
#include "procs.h"
#include "render.h"
#include "stats.h"
#include "strbuf.h"
#include "utf8.h"

/* @in through json_put_bytes, parsed back: the string @want, and the
 * text of the document valid UTF-8. */
static void check_bytes(const char *in, const char *want)
{
	struct strbuf sb = { 0 };
	cJSON *j;

	json_put_bytes(&sb, in);
	assert_true(utf8_valid(sb.buf, sb.len));
	j = cJSON_Parse(sb.buf);
	assert_non_null(j);
	assert_true(cJSON_IsString(j));
	assert_string_equal(j->valuestring, want);
	cJSON_Delete(j);
	sb_free(&sb);
}

static void test_json_bytes(void **state)
{
	struct strbuf sb = { 0 };

	(void)state;
	check_bytes("plain", "plain");
	check_bytes("caf\xc3\xa9", "caf\xc3\xa9");
	/* a valid character before a stray continuation byte stays */
	check_bytes("caf\xc3\xa9\x80", "caf\xc3\xa9\\x80");
	/* with escapes in play a literal backslash is doubled */
	check_bytes("a\\b\xff", "a\\\\b\\xff");
	/* valid UTF-8 keeps its backslash as it is (JSON escapes it) */
	check_bytes("a\\b", "a\\b");
	/* overlong encoding and a surrogate are not valid */
	check_bytes("\xc0\xaf", "\\xc0\\xaf");
	check_bytes("\xed\xa0\x80", "\\xed\\xa0\\x80");
	check_bytes("x\ny", "x\ny");
	/* the escapes cJSON uses, spelled as it does */
	json_put_bytes(&sb, "q\"b\\\b\f\n\r\t\x01\x7f");
	assert_string_equal(sb.buf, "\"q\\\"b\\\\\\b\\f\\n\\r\\t\\u0001\x7f\"");
	sb.len = 0;
	json_put_bytes(&sb, NULL);
	assert_string_equal(sb.buf, "null");
	sb_free(&sb);
}

/* Numbers exact at both ends of 64 bits (a double holds 53), members
 * and elements separated by commas, the document ended by a newline. */
static void test_json_writer(void **state)
{
	struct strbuf sb = { 0 };
	struct jw w;

	(void)state;
	jw_init(&w, &sb, NULL);
	jw_open(&w, NULL, '{');
	jw_int(&w, "neg", -5);
	jw_int(&w, "max", INT64_MAX);
	jw_int(&w, "min", INT64_MIN);
	jw_uint(&w, "umax", UINT64_MAX);
	jw_uint(&w, "big", (1ull << 53) + 1);
	jw_uint_or_null(&w, "none", false, 1);
	jw_open(&w, "a", '[');
	for (int i = 0; i < 3; i++) {
		jw_elem(&w);
		jw_put_u64(w.sb, (uint64_t)i);
	}
	jw_close(&w, ']');
	jw_open(&w, "o", '{');
	jw_close(&w, '}');
	jw_bool(&w, "t", true);
	jw_raw(&w, "r", "0.5");
	jw_time(&w, "never", 0);
	jw_time(&w, "when", 86400);
	jw_close(&w, '}');
	assert_string_equal(sb.buf,
		"{\"neg\":-5,\"max\":9223372036854775807,"
		"\"min\":-9223372036854775808,"
		"\"umax\":18446744073709551615,\"big\":9007199254740993,"
		"\"none\":null,\"a\":[0,1,2],\"o\":{},\"t\":true,\"r\":0.5,"
		"\"never\":null,\"when\":\"1970-01-02T00:00:00Z\"}");
	sb_free(&sb);
}

/* Write @o with json_write_object and parse the text back. */
static cJSON *write_parse(const struct obj *o, const struct scan_ctx *ctx)
{
	struct render_env env = { .ctx = ctx };
	struct strbuf sb = { 0 };
	cJSON *j;

	json_write_object(&sb, o, &env);
	assert_non_null(sb.buf);
	/* compact: one object is one line, whatever its names hold */
	assert_null(strchr(sb.buf, '\n'));
	assert_true(utf8_valid(sb.buf, sb.len));
	j = cJSON_Parse(sb.buf);
	assert_non_null(j);
	sb_free(&sb);
	return j;
}

/* Member @k1 of @j, or member @k2 of that when @k2 is given. */
static const cJSON *at(const cJSON *j, const char *k1, const char *k2)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, k1);

	return k2 ? cJSON_GetObjectItemCaseSensitive(v, k2) : v;
}

static const char *str_at(const cJSON *j, const char *k1, const char *k2)
{
	assert_true(cJSON_IsString(at(j, k1, k2)));
	return at(j, k1, k2)->valuestring;
}

static double num_at(const cJSON *j, const char *k1, const char *k2)
{
	assert_true(cJSON_IsNumber(at(j, k1, k2)));
	return at(j, k1, k2)->valuedouble;
}

static bool null_at(const cJSON *j, const char *k1, const char *k2)
{
	return cJSON_IsNull(at(j, k1, k2));
}

/* The header of every document, streamed to a file like list's. */
static void test_json_doc_header(void **state)
{
	struct scan_ctx ctx = { .set.now = 86400 };
	char *warnings[] = { "one", "bad \xff" };
	struct strbuf sb = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct jw w;
	cJSON *j;

	(void)state;
	ctx.diag.warnings = warnings;
	ctx.diag.nwarnings = 2;
	assert_non_null(f);
	jw_init(&w, &sb, f);
	json_doc_header(&w, &ctx);
	jw_uint(&w, "n", 1);
	jw_flush(&w, 1);
	assert_int_equal(sb.len, 0);
	jw_close(&w, '}');
	assert_int_equal(jw_end(&w), 0);
	assert_null(sb.buf);
	fclose(f);
	assert_true(len > 0 && text[len - 1] == '\n');
	assert_non_null(strstr(text, "{\"schema\":1,\"version\":\""));
	j = cJSON_Parse(text);
	assert_non_null(j);
	assert_true(num_at(j, "schema", NULL) == 1);
	assert_string_equal(str_at(j, "time", NULL), "1970-01-02T00:00:00Z");
	assert_true(cJSON_IsString(at(j, "host", NULL)));
	assert_int_equal(cJSON_GetArraySize(at(j, "warnings", NULL)), 2);
	assert_string_equal(cJSON_GetArrayItem(at(j, "warnings", NULL),
					       1)->valuestring, "bad \\xff");
	assert_true(cJSON_IsTrue(at(j, "complete", NULL)));
	assert_true(num_at(j, "n", NULL) == 1);
	cJSON_Delete(j);
	free(text);
}

static void test_json_object(void **state)
{
	struct proc pv[] = {
		{ .pid = 42, .euid = 7, .start = 998000, .comm = "pg\"w\\x" },
	};
	struct scan_ctx ctx = { .set.now = 1000000 };
	struct obj shm = { .kind = KIND_SHM, .state = STATE_INUSE, .id = 7,
			   .key = 0x1234, .mode = 0600, .size = 4096,
			   .t_change = 999000, .cpid = 42 };
	struct obj pshm = { .kind = KIND_PSHM, .state = STATE_ORPHAN, .id = -1,
			    .mode = 0644, .size = 10, .t_change = 999990,
			    .t_modify = 999990, .dev = makedev(0, 26),
			    .ino = 99 };
	pid_t pids[] = { 0, 42 };
	struct obj sem = { .kind = KIND_SEM, .state = STATE_UNKNOWN, .id = 0,
			   .key = 0, .u.sem = { .nsems = 2, .pids = pids,
						.pids_read = true } };
	const cJSON *h, *a;
	cJSON *j;

	(void)state;
	ctx.procs.v = pv;
	ctx.procs.n = 1;
	snprintf(shm.reason, sizeof(shm.reason), "attached by 1");
	shm.u.shm.nattch = 1;
	obj_add_holder(&shm, 42, VIA_ATTACH);
	j = write_parse(&shm, &ctx);
	assert_string_equal(str_at(j, "kind", NULL), "shm");
	assert_true(num_at(j, "id", NULL) == 7);
	assert_string_equal(str_at(j, "key", NULL), "0x00001234");
	assert_true(null_at(j, "name", NULL) && null_at(j, "path", NULL));
	assert_true(num_at(j, "creator", "pid") == 42);
	assert_true(cJSON_IsTrue(at(j, "creator", "alive")));
	assert_string_equal(str_at(j, "mode", NULL), "0600");
	assert_true(num_at(j, "size", NULL) == 4096);
	assert_true(num_at(j, "age", NULL) == 1000);
	assert_string_equal(str_at(j, "times", "changed"),
			    "1970-01-12T13:30:00Z");
	assert_true(null_at(j, "times", "attached"));
	h = cJSON_GetObjectItemCaseSensitive(j, "holders");
	assert_int_equal(cJSON_GetArraySize(h), 1);
	h = cJSON_GetArrayItem(h, 0);
	assert_true(num_at(h, "pid", NULL) == 42);
	assert_string_equal(str_at(h, "comm", NULL), "pg\"w\\x");
	assert_true(num_at(h, "uid", NULL) == 7);
	assert_string_equal(str_at(h, "via", NULL), "attach");
	assert_string_equal(str_at(j, "state", NULL), "in-use");
	assert_string_equal(str_at(j, "reason", NULL), "attached by 1");
	assert_true(num_at(j, "shm", "nattch") == 1);
	cJSON_Delete(j);
	obj_free(&shm);

	/* hostile name: spelled as json_put_bytes does */
	pshm.name = "a\\b\xff\n\x01";
	pshm.path = "/dev/shm/a\\b\xff\n\x01";
	j = write_parse(&pshm, &ctx);
	assert_string_equal(str_at(j, "name", NULL), "a\\\\b\\xff\n\x01");
	assert_string_equal(str_at(j, "path", NULL),
			    "/dev/shm/a\\\\b\\xff\n\x01");
	assert_true(null_at(j, "key", NULL) && null_at(j, "id", NULL));
	assert_true(null_at(j, "creator", NULL));
	assert_string_equal(str_at(j, "pshm", "dev"), "0:26");
	assert_true(num_at(j, "pshm", "ino") == 99);
	assert_true(num_at(j, "age", NULL) == 10);
	assert_int_equal(cJSON_GetArraySize(
		cJSON_GetObjectItemCaseSensitive(j, "holders")), 0);
	cJSON_Delete(j);

	j = write_parse(&sem, &ctx);
	assert_true(null_at(j, "size", NULL));
	assert_true(null_at(j, "creator", "pid"));
	a = at(j, "sem", "pids");
	assert_int_equal(cJSON_GetArraySize(a), 2);
	assert_true(cJSON_GetArrayItem(a, 1)->valuedouble == 42);
	assert_string_equal(str_at(j, "state", NULL), "unknown");
	cJSON_Delete(j);
}

/* The hand-made ISO 8601 formatter against strftime. */
static void test_iso_time(void **state)
{
	static const time_t ts[] = { 1, 59, 951782400 /* 2000-02-29 */,
				     1700000000, 4102444799 /* 2099-12-31 */,
				     253402300799 /* 9999-12-31T23:59:59 */ };
	char buf[32], want[32];
	struct tm tm;

	(void)state;
	for (size_t i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
		assert_true(fmt_iso_time(buf, sizeof(buf), ts[i]));
		gmtime_r(&ts[i], &tm);
		strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm);
		assert_string_equal(buf, want);
	}
	/* year 10000, before the epoch, a buffer too small: nothing */
	assert_false(fmt_iso_time(buf, sizeof(buf), 253402300800));
	assert_string_equal(buf, "");
	assert_false(fmt_iso_time(buf, sizeof(buf), -1));
	assert_false(fmt_iso_time(buf, 20, 1));
	assert_string_equal(buf, "");
}

static void test_prom_escape(void **state)
{
	struct strbuf sb = { 0 };

	(void)state;
	prom_escape(&sb, "a\"b\\c\nd");
	assert_string_equal(sb.buf, "a\\\"b\\\\c\\nd");
	sb_free(&sb);
}

static void test_formats(void **state)
{
	struct strbuf sb = { 0 };

	(void)state;
	fmt_age(&sb, 45);
	sb_putc(&sb, ' ');
	fmt_age(&sb, 12 * 60);
	sb_putc(&sb, ' ');
	fmt_age(&sb, 3 * 3600);
	sb_putc(&sb, ' ');
	fmt_age(&sb, 2 * 86400);
	assert_string_equal(sb.buf, "45s 12m 3h 2d");
	sb.len = 0;
	fmt_size(&sb, 1048576, false);
	sb_putc(&sb, ' ');
	fmt_size(&sb, 1048576, true);
	sb_putc(&sb, ' ');
	fmt_size(&sb, 56, false);
	assert_string_equal(sb.buf, "1.0M 1048576 56B");
	sb_free(&sb);
}

/* Member @path ("owner.uid") of @j; NULL if some part is missing. */
static const cJSON *at_path(const cJSON *j, const char *path)
{
	char buf[64], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, ".", &save); k && j;
	     k = strtok_r(NULL, ".", &save))
		j = cJSON_GetObjectItemCaseSensitive(j, k);
	return j;
}

static bool json_type_is(const cJSON *v, enum col_type t)
{
	switch (t) {
	case COL_STRING:
		return cJSON_IsString(v);
	case COL_NUMBER:
		return cJSON_IsNumber(v);
	case COL_ARRAY:
		return cJSON_IsArray(v);
	}
	return false;
}

/*
 * The column table against the JSON writer: for an object of every kind,
 * each column's key names a member of its JSON wherever the column shows
 * something, and a member with a value has the column's type and a cell
 * in the table. A column or detail member renamed on one side only fails.
 */
static void test_columns_json(void **state)
{
	struct proc pv[] = { { .pid = 42, .euid = 0, .comm = "app" } };
	struct scan_ctx ctx = { .set.now = 1000000 };
	struct render_env env = { .ctx = &ctx, .bytes = true };
	pid_t pids[] = { 0, 42 };
	char addr[] = "/run/app.sock";
	struct obj o[KIND_COUNT];
	bool *key_seen = calloc(ncolumns, sizeof(*key_seen));

	(void)state;
	ctx.procs.v = pv;
	ctx.procs.n = 1;
	for (int k = 0; k < KIND_COUNT; k++) {
		o[k] = (struct obj){ .kind = (enum kind)k, .id = -1,
				     .state = STATE_ORPHAN, .mode = 0600,
				     .size = 10, .t_change = 999000,
				     .t_modify = 999000 };
		snprintf(o[k].reason, sizeof(o[k].reason), "no holder");
		if (kind_has((enum kind)k, KF_SYSV)) {
			o[k].id = k + 1;
			o[k].key = 0x1234;
		}
		if (kind_has((enum kind)k, KF_FILE)) {
			o[k].path = "/dev/shm/x";
			o[k].name = "x";
			o[k].dev = makedev(0, 26);
			o[k].ino = 99;
		}
	}
	o[KIND_SHM].cpid = 42;
	o[KIND_SHM].u.shm.nattch = 1;
	o[KIND_SHM].state = STATE_INUSE;
	obj_add_holder(&o[KIND_SHM], 42, VIA_ATTACH);
	o[KIND_SEM].u.sem = (struct sem_detail){ .nsems = 2, .pids = pids,
						 .pids_read = true };
	o[KIND_MSG].u.msg = (struct msg_detail){ .qnum = 3, .lspid = 42 };
	o[KIND_MQUEUE].u.mq = (struct mq_detail){ .maxmsg = 10,
						  .msgsize = 8192 };
	o[KIND_UNIX].inode = 1234;
	o[KIND_UNIX].mode_unknown = o[KIND_UNIX].gid_unknown = true;
	o[KIND_UNIX].t_change = o[KIND_UNIX].t_modify = 0;
	o[KIND_UNIX].u.ux = (struct unix_detail){ .type = SOCK_STREAM,
						  .state = UX_LISTEN,
						  .addr = addr, .peer = 5,
						  .listening = true };

	for (int k = 0; k < KIND_COUNT; k++) {
		cJSON *j = write_parse(&o[k], &ctx);

		for (size_t c = 0; c < ncolumns; c++) {
			const struct column *col = &columns[c];
			struct strbuf cell = { 0 };
			const cJSON *v;

			if (!col->key)
				continue;
			column_get((int)c, &cell, &o[k], &env);
			v = at_path(j, col->key);
			key_seen[c] |= v != NULL;
			if (cell.len && !v)
				fail_msg("%s: %s shows '%s', JSON has no %s",
					 kind_name(k), col->name,
					 cell.buf, col->key);
			if (v && !cJSON_IsNull(v) &&
			    !(cJSON_IsArray(v) && !cJSON_GetArraySize(v))) {
				if (!json_type_is(v, col->type))
					fail_msg("%s: %s is a %s, JSON %s is not",
						 kind_name(k), col->name,
						 col_type_name(col->type),
						 col->key);
				if (!cell.len)
					fail_msg("%s: JSON %s has a value, %s "
						 "is blank", kind_name(k),
						 col->key, col->name);
			}
			sb_free(&cell);
		}
		cJSON_Delete(j);
	}
	/* and every key is a member of some kind's JSON */
	for (size_t c = 0; c < ncolumns; c++)
		if (columns[c].key && !key_seen[c])
			fail_msg("%s: no JSON has %s", columns[c].name,
				 columns[c].key);
	free(key_seen);
	free(o[KIND_SHM].holders);
}

static void test_columns_parse(void **state)
{
	int idx[9];
	const char *bad = NULL;

	(void)state;
	assert_int_equal(columns_parse("kind,State,ID/NAME", idx, 9, &bad), 3);
	assert_string_equal(columns[idx[1]].name, "STATE");
	assert_int_equal(columns_parse("KIND,NOPE", idx, 9, &bad), -EINVAL);
	assert_string_equal(bad, "NOPE");
	assert_int_equal(columns_parse("", idx, 9, &bad), -EINVAL);
	/* the default sets name columns of the table, NS among them */
	assert_int_equal(columns_parse(default_columns, idx, 9, &bad), 9);
	assert_string_equal(columns[idx[2]].name, "NS");
	assert_int_equal(columns_parse(orphan_columns, idx, 9, &bad), 8);
	assert_true(columns[idx[7]].flags & COLF_WRAP);
}

static void test_sort(void **state)
{
	struct scan_ctx ctx = { .set.now = 1000 };
	struct render_env env = { .ctx = &ctx };
	char a[] = "/run/a.sock", b[] = "@b";
	struct obj o[] = {
		{ .kind = KIND_UNIX, .id = -1, .inode = 9 },
		{ .kind = KIND_PSHM, .id = -1, .name = "beta", .size = 5 },
		{ .kind = KIND_SEM, .id = 3 },
		{ .kind = KIND_UNIX, .id = -1, .inode = 7, .u.ux.addr = b },
		{ .kind = KIND_SHM, .id = 10, .size = 5 },
		{ .kind = KIND_PSHM, .id = -1, .name = "Zed", .size = 50 },
		{ .kind = KIND_SHM, .id = 9, .size = 7 },
		{ .kind = KIND_UNIX, .id = -1, .inode = 8, .u.ux.addr = a },
		{ .kind = KIND_UNIX, .id = -1, .inode = 2 },
	};
	/* the default order */
	static const int want[] = { 6, 4, 2, 5, 1, 7, 3, 8, 0 };
	/* -SIZE: biggest first, equal sizes in the default order, the
	 * kinds without a size (sem, unix) last, in the default order */
	static const int want_size[] = { 5, 6, 4, 1, 2, 7, 3, 8, 0 };
	struct obj *v[9];
	struct sort_key k;

	(void)state;
	for (int i = 0; i < 9; i++)
		v[i] = &o[8 - i];
	objs_sort(v, 9, NULL, 0, &env);
	for (int i = 0; i < 9; i++)
		assert_ptr_equal(v[i], &o[want[i]]);
	assert_int_equal(sort_key_parse("-size", &k), 0);
	assert_true(k.desc);
	assert_string_equal(columns[k.col].name, "SIZE");
	objs_sort(v, 9, &k, 1, &env);
	for (int i = 0; i < 9; i++)
		assert_ptr_equal(v[i], &o[want_size[i]]);
	/* ID/NAME: ids by number (9 before 10), not as text */
	assert_int_equal(sort_key_parse("ID/NAME", &k), 0);
	assert_false(k.desc);
	assert_int_equal(sort_key_parse("-", &k), -EINVAL);
	assert_int_equal(sort_key_parse("--SIZE", &k), -EINVAL);
	assert_int_equal(sort_key_parse("+SIZE", &k), -EINVAL);
	v[0] = &o[4];
	v[1] = &o[6];
	assert_int_equal(sort_key_parse("ID/NAME", &k), 0);
	objs_sort(v, 2, &k, 1, &env);
	assert_ptr_equal(v[0], &o[6]);
	assert_ptr_equal(v[1], &o[4]);
}

static void test_kinds_parse(void **state)
{
	kindmask_t m = 0;
	const char *bad = NULL;

	(void)state;
	assert_int_equal(kinds_parse("shm,posix", &m, &bad), 0);
	assert_int_equal(m, KMASK(KIND_SHM) | KMASK(KIND_PSHM) |
			    KMASK(KIND_PSEM) | KMASK(KIND_MQUEUE));
	assert_int_equal(kinds_parse("all", &m, &bad), 0);
	assert_int_equal(m, KMASK_ALL);
	assert_int_equal(kinds_parse("shm,bogus", &m, &bad), -EINVAL);
	assert_string_equal(bad, "bogus");
	assert_int_equal(kinds_parse("shm,", &m, &bad), -EINVAL);
	assert_string_equal(bad, "");
	/* case-insensitive, like the columns */
	assert_int_equal(kinds_parse("SHM,Posix", &m, &bad), 0);
	assert_int_equal(m, KMASK(KIND_SHM) | KMASK(KIND_PSHM) |
			    KMASK(KIND_PSEM) | KMASK(KIND_MQUEUE));
}

static void test_duration(void **state)
{
	uint64_t s;

	(void)state;
	assert_int_equal(parse_duration("0", &s), 0);
	assert_int_equal(s, 0);
	assert_int_equal(parse_duration("90s", &s), 0);
	assert_int_equal(s, 90);
	assert_int_equal(parse_duration("15m", &s), 0);
	assert_int_equal(s, 900);
	assert_int_equal(parse_duration("2d", &s), 0);
	assert_int_equal(s, 172800);
	assert_int_equal(parse_duration("-5", &s), -EINVAL);
	assert_int_equal(parse_duration("1h30m", &s), 0);
	assert_int_equal(s, 5400);
	assert_int_equal(parse_duration("1w", &s), 0);
	assert_int_equal(s, 604800);
	assert_int_equal(parse_duration("1w2d3h4m5s", &s), 0);
	assert_int_equal(s, 604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5);
	/* failures leave *s alone */
	s = 7;
	assert_int_equal(parse_duration("1h30", &s), -EINVAL);
	assert_int_equal(parse_duration("30m1h", &s), -EINVAL);
	assert_int_equal(parse_duration("1m1m", &s), -EINVAL);
	assert_int_equal(parse_duration("1y", &s), -EINVAL);
	assert_int_equal(parse_duration("h", &s), -EINVAL);
	assert_int_equal(parse_duration("", &s), -EINVAL);
	assert_int_equal(parse_duration("99999999999999999999", &s), -ERANGE);
	assert_int_equal(parse_duration("60000w", &s), -ERANGE);
	/* the syntax is checked before the size */
	assert_int_equal(parse_duration("99999999999999999999x", &s), -EINVAL);
	assert_int_equal(s, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_bytes),
		cmocka_unit_test(test_json_writer),
		cmocka_unit_test(test_json_doc_header),
		cmocka_unit_test(test_json_object),
		cmocka_unit_test(test_iso_time),
		cmocka_unit_test(test_prom_escape),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_columns_parse),
		cmocka_unit_test(test_columns_json),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_kinds_parse),
		cmocka_unit_test(test_duration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
