/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_excludes.c - libFuzzer target: the --exclude-from file. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "excludes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	char **v = NULL;
	size_t n = 0;
	int r;

	/* Not NUL-terminated: the parser is given a length. */
	r = excludes_parse(buf, size, &v, &n);
	if (r == -EINVAL) {
		if (!memchr(buf, '\0', size) || n || v)
			abort();
		return 0;
	}
	if (r != 0 || memchr(buf, '\0', size))
		abort();
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(v[i]);

		/* trimmed, one line, not a comment */
		if (!l || l > size || strchr(v[i], '\n') || v[i][0] == '#' ||
		    v[i][0] == ' ' || v[i][0] == '\t' || v[i][l - 1] == ' ' ||
		    v[i][l - 1] == '\t' || v[i][l - 1] == '\r')
			abort();
	}
	excludes_free(v, n);
	return 0;
}
