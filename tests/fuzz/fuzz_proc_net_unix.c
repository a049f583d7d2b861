/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_proc_net_unix.c - libFuzzer target: one /proc/net/unix line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipcscan.h"
#include "unix_live.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	struct obj o;

	memcpy(line, data, size);
	line[size] = '\0';
	memset(&o, 0, sizeof(o));
	o.kind = KIND_UNIX;
	o.id = -1;
	if (parse_proc_net_unix_line(line, &o) == 0) {
		/* the address is a piece of the line, never more */
		if (o.kind != KIND_UNIX ||
		    (o.u.ux.addr && strlen(o.u.ux.addr) > size))
			abort();
	}
	/* a second parse into the same object must not leak the first */
	(void)parse_proc_net_unix_line(line, &o);
	obj_free(&o);
	free(line);
	return 0;
}
