/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_excludes.c - the --exclude-from file parser. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "excludes.h"

/* Parse a C string literal (sizeof - 1 keeps inner NULs) into a fresh
 * array; returns the parser's result. */
#define PARSE(lit, v, n) excludes_parse((lit), sizeof(lit) - 1, (v), (n))

static void test_comments_and_blank_lines(void **state)
{
	char **v = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(PARSE("# keep these\n\npsm_*\n\n\n# sem.pg*\n"
			       "sem.app\n", &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0], "psm_*");
	assert_string_equal(v[1], "sem.app");
	excludes_free(v, n);
}

static void test_indented_comment_and_inner_hash(void **state)
{
	char **v = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(PARSE("   # indented comment\n\t#tab\nfoo#bar\n",
			       &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0], "foo#bar");
	excludes_free(v, n);
}

static void test_crlf(void **state)
{
	char **v = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(PARSE("a*\r\n\r\n0x0052e2c1\r\n", &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0], "a*");
	assert_string_equal(v[1], "0x0052e2c1");
	excludes_free(v, n);
}

static void test_blanks_trimmed_inner_kept(void **state)
{
	char **v = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(PARSE("  my queue \t\n \t \n\tx y\r \n", &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0], "my queue");
	assert_string_equal(v[1], "x y");
	excludes_free(v, n);
}

static void test_no_final_newline(void **state)
{
	char **v = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(PARSE("one\ntwo", &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[1], "two");
	excludes_free(v, n);
}

static void test_nul_byte_rejected(void **state)
{
	char **v = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(PARSE("good\nba\0d\n", &v, &n), -EINVAL);
	/* nothing appended, not even the line before the NUL */
	assert_int_equal(n, 0);
	assert_null(v);
}

static void test_appends_to_existing(void **state)
{
	char **v = malloc(sizeof(*v));
	size_t n = 1;

	(void)state;
	v[0] = strdup("from-command-line");
	assert_int_equal(PARSE("from-file\n", &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0], "from-command-line");
	assert_string_equal(v[1], "from-file");
	excludes_free(v, n);
}

static void test_reads_only_len_bytes(void **state)
{
	/* Not NUL-terminated where @len ends: "abc" must not run into "XYZ". */
	const char buf[] = { 'a', 'b', 'c', 'X', 'Y', 'Z' };
	char **v = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(excludes_parse(buf, 3, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0], "abc");
	excludes_free(v, n);
}

static void test_empty_and_blank_only(void **state)
{
	char **v = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(excludes_parse(NULL, 0, &v, &n), 0);
	assert_int_equal(PARSE("\n \n\t\r\n\r", &v, &n), 0);
	assert_int_equal(n, 0);
	assert_null(v);
}

static void test_non_utf8_kept_raw(void **state)
{
	char **v = NULL;
	size_t n = 0;

	(void)state;
	/* globs match raw file names, which may be any bytes */
	assert_int_equal(PARSE("caf\xe9*\n\xff\xfe\n", &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0], "caf\xe9*");
	assert_string_equal(v[1], "\xff\xfe");
	excludes_free(v, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_comments_and_blank_lines),
		cmocka_unit_test(test_indented_comment_and_inner_hash),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_blanks_trimmed_inner_kept),
		cmocka_unit_test(test_no_final_newline),
		cmocka_unit_test(test_nul_byte_rejected),
		cmocka_unit_test(test_appends_to_existing),
		cmocka_unit_test(test_reads_only_len_bytes),
		cmocka_unit_test(test_empty_and_blank_only),
		cmocka_unit_test(test_non_utf8_kept_raw),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
