/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_sysv.h - the body of the three /proc/sysvipc line targets: define
 * SYSV_KIND and SYSV_PARSE, then include this. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipcscan.h"
#include "sysv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The parser takes a C string: an exact-size copy lets ASan see a
	 * read past its NUL. */
	char *line = malloc(size + 1);
	struct obj o;

	memcpy(line, data, size);
	line[size] = '\0';
	memset(&o, 0, sizeof(o));
	o.kind = SYSV_KIND;
	o.id = -1;
	if (SYSV_PARSE(line, &o) == 0) {
		/* ids and modes the kernel can print */
		if (o.id < 0 || (o.mode & ~07777u) || o.kind != SYSV_KIND)
			abort();
	}
	obj_free(&o);
	free(line);
	return 0;
}
