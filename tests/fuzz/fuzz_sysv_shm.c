/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_sysv_shm.c - libFuzzer target: one /proc/sysvipc/shm line. */
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
	o.kind = KIND_SHM;
	o.id = -1;
	if (sysv_parse_shm(line, &o) == 0) {
		/* ids and modes the kernel can print */
		if (o.id < 0 || (o.mode & ~07777u) || o.kind != KIND_SHM)
			abort();
	}
	obj_free(&o);
	free(line);
	return 0;
}
