/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_columns.c - libFuzzer target: the -o/--output column list. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "columns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int idx[8], max, n;
	const char *bad = NULL;
	char *s;

	/* The first byte picks the room the caller has, so the "too many
	 * columns" path is fuzzed too; a canary sits past it. */
	if (!size)
		return 0;
	max = data[0] % 7;
	s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	idx[max] = -12345;
	n = columns_parse(s, idx, max, &bad);
	if (idx[max] != -12345)
		abort();
	if (n >= 0) {
		if (n == 0 || n > max)
			abort();
		for (int i = 0; i < n; i++)
			if (idx[i] < 0 || (size_t)idx[i] >= ncolumns)
				abort();
	} else if (!bad) {
		abort();
	}
	free(s);
	return 0;
}
