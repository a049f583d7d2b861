/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_proc_stat.c - libFuzzer target: a /proc/PID/stat line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "procs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	char comm[16];
	unsigned long long ticks;

	memcpy(line, data, size);
	line[size] = '\0';
	memset(comm, 'Z', sizeof(comm));
	if (parse_proc_stat(line, comm, &ticks) == 0 &&
	    !memchr(comm, '\0', sizeof(comm)))
		abort();	/* comm must come back NUL-terminated */
	free(line);
	return 0;
}
