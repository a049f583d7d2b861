/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_maps.c - libFuzzer target: one /proc/PID/maps line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "holders.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data;
	struct maps_entry e;

	/* Deliberately not NUL-terminated: the parser gets a length and must
	 * stay inside it. */
	memset(&e, 0, sizeof(e));
	if (parse_maps_line(line, size, &e) == 0) {
		if (e.path && (e.path < line || e.pathlen == 0 ||
			       e.pathlen > size ||
			       e.path + e.pathlen > line + size))
			abort();
		if (!e.path && e.pathlen)
			abort();
	}
	return 0;
}
