/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_options.c - the option table: one enum value per row. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <errno.h>
#include <string.h>

#include "cli.h"

/*
 * main() dispatches on o->id with a switch that -Wswitch checks for a case
 * per enum value; what the compiler cannot check is that each row carries
 * its own value. A row copied with its id unchanged would run another
 * option's code.
 */
static void test_one_id_per_row(void **state)
{
	bool seen[OPT_ROOT + 1] = { false };
	size_t rows = 0;

	(void)state;
	for (const struct option_desc *o = option_table; o->lname; o++) {
		assert_true(o->id <= OPT_ROOT);
		assert_false(seen[o->id]);
		seen[o->id] = true;
		rows++;
	}
	/* every value has its row (--root only in test builds) */
#ifdef IPCSCAN_TEST_HOOKS
	assert_int_equal(rows, OPT_ROOT + 1);
#else
	assert_int_equal(rows, OPT_ROOT);
	assert_false(seen[OPT_ROOT]);
#endif
}

/* The enum names the row it belongs to (spot checks, both ends). */
static void test_ids_match_names(void **state)
{
	(void)state;
	for (const struct option_desc *o = option_table; o->lname; o++) {
		if (o->id == OPT_TYPE)
			assert_string_equal(o->lname, "type");
		if (o->id == OPT_MIN_AGE)
			assert_string_equal(o->lname, "min-age");
		if (o->id == OPT_OUTPUT_FILE)
			assert_string_equal(o->lname, "output-file");
		if (o->id == OPT_COMPLETION)
			assert_string_equal(o->lname, "completion");
		if (o->id == OPT_ROOT)
			assert_string_equal(o->lname, "root");
	}
}

/* -N: the words, ids and their link text; the union when repeated; a
 * bad item is named. */
static void test_ns_scope(void **state)
{
	struct ns_scope sc = { 0 };
	const char *bad = NULL;

	(void)state;
	assert_int_equal(ns_scope_parse("self", &sc, &bad), 0);
	assert_true(sc.self);
	assert_false(sc.all);
	assert_int_equal(ns_scope_parse("4026532301,ipc:[4026532302]", &sc,
					&bad), 0);
	assert_int_equal(sc.nids, 2);
	assert_true(sc.ids[0] == 4026532301ull);
	assert_true(sc.ids[1] == 4026532302ull);
	assert_int_equal(ns_scope_parse("all", &sc, &bad), 0);
	assert_true(sc.all && sc.self);
	ns_scope_free(&sc);
	assert_int_equal(sc.nids, 0);

	static const char *const bads[] = {
		"All", "selfish", "0", "ipc:[0]", "ipc:[12", "ipc:12",
		"net:[4026532301]", "4026532301x", "-1", "4294967296",
		"ipc:[]", "99999999999999999999999",
	};
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		bad = NULL;
		assert_int_equal(ns_scope_parse(bads[i], &sc, &bad), -EINVAL);
		assert_string_equal(bad, bads[i]);
	}
	/* the item, not the whole list */
	assert_int_equal(ns_scope_parse("self,nope,all", &sc, &bad), -EINVAL);
	assert_string_equal(bad, "nope");
	ns_scope_free(&sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_id_per_row),
		cmocka_unit_test(test_ids_match_names),
		cmocka_unit_test(test_ns_scope),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
