/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_unix_diag.c - libFuzzer target: one sock_diag unix_diag_msg reply. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "ipcscan.h"
#include "unix_live.h"

#define SUN_PATH_MAX sizeof(((struct sockaddr_un *)0)->sun_path)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct obj o;

	/* The message as the kernel would hand it over, attributes and all;
	 * libFuzzer's buffer is exactly @size bytes, so ASan catches a read
	 * past the end. */
	memset(&o, 0, sizeof(o));
	o.kind = KIND_UNIX;
	o.id = -1;
	if (parse_unix_diag_msg(data, size, &o) == 0) {
		/* a name never outgrows sun_path (plus the '@' of abstract) */
		if (o.kind != KIND_UNIX ||
		    (o.u.ux.addr && strlen(o.u.ux.addr) > SUN_PATH_MAX))
			abort();
	}
	(void)parse_unix_diag_msg(data, size, &o);
	obj_free(&o);
	return 0;
}
