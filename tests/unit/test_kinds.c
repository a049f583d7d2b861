/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_kinds.c - the kind table's self-check: no row lacks an entry. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <ctype.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "classify.h"
#include "columns.h"
#include "kinds.h"
#include "render.h"
#include "stats.h"
#include "strbuf.h"

static const char *group(int g)
{
	return kind_group_name((enum kind_group)g);
}

/* The enum, the array and the rows agree: one row per value, each at
 * its own index, and a mask has a bit for every kind. */
static void test_array(void **state)
{
	(void)state;
	assert_true(KIND_COUNT <= 8 * sizeof(kindmask_t));
	for (int k = 0; k < KIND_COUNT; k++) {
		assert_non_null(kind_ops[k]);
		assert_int_equal(kind_ops[k]->kind, k);
		/* the namespace its objects live in (JSON, NS): a row
		 * that forgets it has OBJNS_NONE, which has no name */
		assert_non_null(objns_name(kind_ops[k]->ns));
	}
	assert_null(objns_name(OBJNS_NONE));
	assert_string_equal(objns_name(kind_ops[KIND_SHM]->ns), "ipc");
	assert_string_equal(objns_name(kind_ops[KIND_MQUEUE]->ns), "ipc");
	assert_string_equal(objns_name(kind_ops[KIND_PSHM]->ns), "mnt");
	assert_string_equal(objns_name(kind_ops[KIND_UNIX]->ns), "net");
}

/* Names and help: present, unique among kinds and groups, and what -t
 * takes (in any case). */
static void test_names(void **state)
{
	(void)state;
	for (int k = 0; k < KIND_COUNT; k++) {
		const struct kind_ops *ko = kind_ops[k];
		char upper[32];
		kindmask_t m = 0;
		const char *bad;

		assert_non_null(ko->name);
		assert_true(ko->name[0]);
		assert_non_null(ko->help);
		assert_true(ko->help[0]);
		/* a comma would split it in -t, and --help lists them */
		assert_null(strpbrk(ko->name, ", \t"));
		for (int j = 0; j < k; j++)
			assert_string_not_equal(ko->name, kind_ops[j]->name);
		for (int g = 0; g < GROUP_COUNT; g++)
			assert_string_not_equal(ko->name, group(g));
		assert_int_equal(kinds_parse(ko->name, &m, &bad), 0);
		assert_int_equal(m, KMASK(k));
		assert_true(strlen(ko->name) < sizeof(upper));
		for (size_t i = 0; i <= strlen(ko->name); i++)
			upper[i] = (char)toupper((unsigned char)ko->name[i]);
		assert_int_equal(kinds_parse(upper, &m, &bad), 0);
		assert_int_equal(m, KMASK(k));
	}
}

/* Every kind is in a group and in "all"; every group has members, and
 * -t takes its name for exactly them. */
static void test_groups(void **state)
{
	(void)state;
	assert_int_equal(kind_group_mask(GROUP_ALL), KMASK_ALL);
	for (int k = 0; k < KIND_COUNT; k++) {
		assert_true(kind_ops[k]->groups & GMASK(GROUP_ALL));
		assert_int_equal(kind_ops[k]->groups &
				 ~(GMASK(GROUP_COUNT) - 1), 0);
	}
	for (int g = 0; g < GROUP_COUNT; g++) {
		const char *name = group(g);
		kindmask_t m = 0;
		const char *bad;

		assert_non_null(name);
		assert_true(name[0]);
		for (int h = 0; h < g; h++)
			assert_string_not_equal(name, group(h));
		assert_int_not_equal(kind_group_mask((enum kind_group)g), 0);
		assert_int_equal(kinds_parse(name, &m, &bad), 0);
		assert_int_equal(m, kind_group_mask((enum kind_group)g));
	}
	assert_null(kind_group_name(GROUP_COUNT));
}

/* A collector, and keys for the holder pass: a kind that the classifier
 * knows but the holder pass does not index gets no holders, so every
 * object of it would be an orphan that gc removes. */
static void test_collect_and_holders(void **state)
{
	(void)state;
	for (int k = 0; k < KIND_COUNT; k++) {
		const struct kind_ops *ko = kind_ops[k];
		unsigned keys = ko->holder_keys;

		assert_non_null(ko->collector);
		assert_non_null(ko->collector->name);
		/* one way to be called: with the process table or not */
		assert_true(!ko->collector->collect !=
			    !ko->collector->collect_procs);
		assert_int_not_equal(keys, 0);
		/* "held by nothing" is said alone */
		if (keys & HK_UNHELD)
			assert_int_equal(keys, HK_UNHELD);
		/* ids belong to SysV objects, (dev, ino) to files */
		if (keys & (HK_SYSV_MAP | HK_SYSV_WAIT))
			assert_true(ko->flags & KF_SYSV);
		if (keys & HK_FILE)
			assert_true(ko->flags & KF_FILE);
		if (keys & HK_SYSV_WAIT)
			assert_true(ko->wait_calls[0] >= 0 ||
				    ko->wait_calls[1] >= 0);
		else
			assert_null(ko->may_wait);
		if (keys & HK_NOTIFY)
			assert_non_null(ko->notify_pid);
		else
			assert_null(ko->notify_pid);
		if (!(keys & HK_FILE))
			assert_null(ko->fd_name);
	}
}

/* classify and reap (or an explicit "never removed"). */
static void test_classify_reap(void **state)
{
	struct proctab pt = { 0 };
	struct classify_policy pol = { 0 };

	(void)state;
	for (int k = 0; k < KIND_COUNT; k++) {
		const struct kind_ops *ko = kind_ops[k];
		struct objset set = { 0 };
		struct obj *o = objset_add(&set, (enum kind)k);

		assert_non_null(ko->classify);
		if (ko->flags & KF_NEVER_REMOVED)
			assert_null(ko->reap);
		else
			assert_non_null(ko->reap);
		/* the row's classifier, through classify(): a reason */
		classify(o, &pt, &pol, 1000);
		assert_true(o->reason[0]);
		assert_int_not_equal(strcmp(o->reason, "unknown kind"), 0);
		/* a kind never removed is never called an orphan */
		if (ko->flags & KF_NEVER_REMOVED)
			assert_int_not_equal(o->state, STATE_ORPHAN);
		objset_free(&set);
	}
}

/* The JSON of an object of each kind has the row's detail object (with
 * dev and ino for a file) and exactly the row's times. */
static void test_json(void **state)
{
	struct scan_ctx ctx = { .set.now = 1000 };
	struct render_env env = { .ctx = &ctx };

	(void)state;
	for (int k = 0; k < KIND_COUNT; k++) {
		const struct kind_ops *ko = kind_ops[k];
		struct objset set = { 0 };
		struct obj *o = objset_add(&set, (enum kind)k);
		struct strbuf sb = { 0 };
		const cJSON *d, *t;
		cJSON *j;
		int n = 0;

		assert_non_null(ko->json_detail);
		assert_non_null(ko->times);
		for (const struct kind_time *kt = ko->times; kt->key; kt++) {
			assert_true(kt->key[0]);
			assert_true(kt->off == KT_NULL ||
				    (kt->off >= 0 &&
				     (size_t)kt->off + sizeof(time_t) <=
				     sizeof(struct obj)));
			n++;
		}
		o->t_change = o->t_modify = o->t_attach = 500;
		json_write_object(&sb, o, &env);
		j = cJSON_Parse(sb.buf);
		assert_non_null(j);
		assert_string_equal(cJSON_GetObjectItem(j, "kind")->valuestring,
				    ko->name);
		d = cJSON_GetObjectItem(j, ko->name);
		assert_true(cJSON_IsObject(d));
		assert_int_equal(!!cJSON_GetObjectItem(d, "dev"),
				 !!(ko->flags & KF_FILE));
		assert_int_equal(!!cJSON_GetObjectItem(d, "ino"),
				 !!(ko->flags & KF_FILE));
		assert_int_equal(cJSON_IsNull(cJSON_GetObjectItem(j, "size")),
				 !(ko->flags & KF_SIZE));
		assert_int_equal(cJSON_IsNull(cJSON_GetObjectItem(j, "key")),
				 !(ko->flags & KF_SYSV));
		t = cJSON_GetObjectItem(j, "times");
		assert_int_equal(cJSON_GetArraySize(t), n);
		for (const struct kind_time *kt = ko->times; kt->key; kt++)
			assert_non_null(cJSON_GetObjectItem(t, kt->key));
		cJSON_Delete(j);
		sb_free(&sb);
		objset_free(&set);
	}
}

/* Every column a row names exists and is shown for it; a column no row
 * names is every kind's. */
static void test_columns(void **state)
{
	(void)state;
	for (int k = 0; k < KIND_COUNT; k++) {
		const char *const *c = kind_ops[k]->columns;

		for (; c && *c; c++) {
			int col = column_find(*c);

			assert_true(col >= 0);
			assert_true(column_kinds(col) & KMASK(k));
			assert_int_not_equal(column_kinds(col), KMASK_ALL);
		}
	}
	assert_int_equal(column_kinds(column_find("KIND")), KMASK_ALL);
	/* the KIND column's help lists the kinds, in order, by hand */
	{
		const char *help = columns[column_find("KIND")].help;
		const char *p = strchr(help, '(');

		assert_non_null(p);
		for (int k = 0; k < KIND_COUNT; k++) {
			size_t n = strlen(kind_ops[k]->name);

			p++;
			if (strncmp(p, kind_ops[k]->name, n) ||
			    (p[n] != ' ' && p[n] != ')'))
				fail_msg("KIND's help does not list %s next",
					 kind_ops[k]->name);
			p += n;
		}
		assert_string_equal(p, ")");
	}
	/* as before the table: the key is SysV's, NATTCH shm's */
	assert_int_equal(column_kinds(column_find("KEY")),
			 KMASK(KIND_SHM) | KMASK(KIND_SEM) | KMASK(KIND_MSG));
	assert_int_equal(column_kinds(column_find("NATTCH")), KMASK(KIND_SHM));
}

/* Limits: only known ones, and a counter only with a limit to count. */
static void test_limits(void **state)
{
	(void)state;
	for (int k = 0; k < KIND_COUNT; k++) {
		const struct kind_ops *ko = kind_ops[k];

		assert_int_equal(ko->limits & ~((1u << LIM_COUNT) - 1), 0);
		if (ko->count_limits)
			assert_int_not_equal(ko->limits, 0);
	}
	/* every limit is some kind's */
	for (int l = 0; l < LIM_COUNT; l++) {
		bool used = false;

		for (int k = 0; k < KIND_COUNT; k++)
			used |= (kind_ops[k]->limits & (1u << l)) != 0;
		assert_true(used);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_array),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_collect_and_holders),
		cmocka_unit_test(test_classify_reap),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
