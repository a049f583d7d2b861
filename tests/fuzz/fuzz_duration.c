/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_duration.c - libFuzzer target: the --min-age argument. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	uint64_t secs, v, mult = 1;
	size_t len;

	memcpy(s, data, size);
	s[size] = '\0';
	if (parse_duration(s, &secs) == 0) {
		/* Oracle: digits times the unit, with no wrap-around. */
		len = strlen(s);
		switch (len ? s[len - 1] : 0) {
		case 's': mult = 1; len--; break;
		case 'm': mult = 60; len--; break;
		case 'h': mult = 3600; len--; break;
		case 'd': mult = 86400; len--; break;
		}
		if (parse_u64n(s, len, &v) || v > UINT64_MAX / mult ||
		    v * mult != secs || secs > INT64_MAX)
			abort();
	}
	free(s);
	return 0;
}
