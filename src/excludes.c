/* SPDX-License-Identifier: GPL-2.0-or-later */
/* excludes.c - split an --exclude-from file into globs, one per line. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "excludes.h"
#include "util.h"

static int is_lead(char c)
{
	return c == ' ' || c == '\t';
}

/* A CR before the newline comes from files edited on other systems. */
static int is_trail(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int excludes_parse(const char *buf, size_t len, char ***out, size_t *n)
{
	size_t pos = 0;

	/* A NUL cannot be part of a glob: the file is not what the user
	 * thinks it is, so refuse it rather than drop half a line. */
	if (len && memchr(buf, '\0', len))
		return -EINVAL;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;
		size_t s = pos, e = end;

		while (s < e && is_lead(buf[s]))
			s++;
		while (e > s && is_trail(buf[e - 1]))
			e--;
		if (e > s && buf[s] != '#') {
			*out = xrealloc(*out, (*n + 1) * sizeof(**out));
			(*out)[(*n)++] = xstrndup(buf + s, e - s);
		}
		pos = end + 1;
	}
	return 0;
}

void excludes_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
