/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_proc_stat.c - libFuzzer target: a /proc/PID/stat line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_letter(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1), again[128];
	struct proc_stat st, st2;

	memcpy(line, data, size);
	line[size] = '\0';
	memset(&st, 'Z', sizeof(st));
	memcpy(&st2, &st, sizeof(st));
	if (parse_proc_stat(line, &st) == 0) {
		/* comm must come back NUL-terminated, the state a letter
		 * (the zombie rule reads it) */
		if (!memchr(st.comm, '\0', sizeof(st.comm)) ||
		    !is_letter(st.state))
			abort();
		/* what was parsed reads back the same from a clean line */
		snprintf(again, sizeof(again), "1 (%s) %c 1 1 1 0 -1 0 0 0 0 "
			 "0 0 0 0 0 20 0 %u 0 %llu 0\n", st.comm, st.state,
			 st.num_threads, st.start_ticks);
		if (parse_proc_stat(again, &st2) ||
		    strcmp(st.comm, st2.comm) || st.state != st2.state ||
		    st.num_threads != st2.num_threads ||
		    st.start_ticks != st2.start_ticks)
			abort();
	} else if (memcmp(&st, &st2, sizeof(st))) {
		abort();	/* a failed parse leaves the output alone */
	}
	free(line);
	return 0;
}
