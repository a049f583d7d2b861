/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_render.c - escaping and formatting that every output relies on. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "render.h"
#include "stats.h"

static void check_bytes(const char *in, const char *want)
{
	cJSON *j = json_bytes(in);

	assert_non_null(j);
	assert_true(cJSON_IsString(j));
	assert_string_equal(j->valuestring, want);
	assert_true(utf8_valid(j->valuestring, strlen(j->valuestring)));
	cJSON_Delete(j);
}

static void test_json_bytes(void **state)
{
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
	{
		cJSON *n = json_bytes(NULL);

		assert_true(cJSON_IsNull(n));
		cJSON_Delete(n);
	}
}

static void test_json_int(void **state)
{
	char *s;
	cJSON *a = cJSON_CreateArray();

	(void)state;
	cJSON_AddItemToArray(a, json_int(-5));
	cJSON_AddItemToArray(a, json_int(INT64_MAX));
	cJSON_AddItemToArray(a, json_uint(UINT64_MAX));
	s = cJSON_PrintUnformatted(a);
	assert_string_equal(s, "[-5,9223372036854775807,18446744073709551615]");
	free(s);
	cJSON_Delete(a);
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

static void test_columns_parse(void **state)
{
	int idx[8];
	const char *bad = NULL;

	(void)state;
	assert_int_equal(columns_parse("kind,State,ID/NAME", idx, 8, &bad), 3);
	assert_string_equal(columns[idx[1]].name, "STATE");
	assert_int_equal(columns_parse("KIND,NOPE", idx, 8, &bad), -EINVAL);
	assert_string_equal(bad, "NOPE");
	assert_int_equal(columns_parse("", idx, 8, &bad), -EINVAL);
}

static void test_kinds_parse(void **state)
{
	kindmask_t m = 0;
	const char *bad = NULL;

	(void)state;
	assert_int_equal(kinds_parse("shm,posix", &m, &bad), 0);
	assert_int_equal(m, KMASK(KIND_SHM) | KMASK_POSIX);
	assert_int_equal(kinds_parse("all", &m, &bad), 0);
	assert_int_equal(m, KMASK_ALL);
	assert_int_equal(kinds_parse("shm,bogus", &m, &bad), -EINVAL);
	assert_string_equal(bad, "bogus");
	assert_int_equal(kinds_parse("shm,", &m, &bad), -EINVAL);
	assert_string_equal(bad, "");
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
	assert_int_equal(parse_duration("1h30m", &s), -EINVAL);
	assert_int_equal(parse_duration("h", &s), -EINVAL);
	assert_int_equal(parse_duration("", &s), -EINVAL);
	assert_int_equal(parse_duration("99999999999999999999", &s), -ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_bytes),
		cmocka_unit_test(test_json_int),
		cmocka_unit_test(test_prom_escape),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_columns_parse),
		cmocka_unit_test(test_kinds_parse),
		cmocka_unit_test(test_duration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
