/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_kinds.c - libFuzzer target: the -t/--type kind list. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipcscan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	kindmask_t mask = 0;
	const char *bad = NULL;

	memcpy(s, data, size);
	s[size] = '\0';
	if (kinds_parse(s, &mask, &bad) == 0) {
		if (!mask || (mask & ~KMASK_ALL))
			abort();
	} else if (!bad || strlen(bad) > size) {
		/* the message must be able to name the bad element */
		abort();
	}
	free(s);
	return 0;
}
