/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_mountinfo.c - libFuzzer target: the host mount table saferoot checks against. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "saferoot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sr_mounts *m = NULL;

	if (sr_mounts_parse((const char *)data, size, &m))
		return 0;
	/* a parsed table answers for any device, naming a mount point
	 * exactly when it says "elsewhere" */
	for (unsigned min = 0; min < 128; min++) {
		const char *w = NULL, *t = NULL;
		enum sr_hostmnt h = sr_mounts_where(m, makedev(0, min), &w, &t);

		if ((h == SR_MNT_OTHER) != (w != NULL) || (w && w[0] != '/') ||
		    (h == SR_MNT_OTHER && !t))
			abort();
	}
	sr_mounts_free(m);
	return 0;
}
