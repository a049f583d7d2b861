/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_syscall.c - libFuzzer target: one /proc/PID/syscall line. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "holders.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	long nr = -2;
	uint64_t arg0 = 0;
	int r;

	memcpy(line, data, size);
	line[size] = '\0';
	r = parse_syscall_line(line, &nr, &arg0);
	/* only the three documented results; -1 is "no syscall" */
	if (r != 0 && r != -EAGAIN && r != -EINVAL)
		abort();
	if (r == 0 && nr < -1)
		abort();
	free(line);
	return 0;
}
