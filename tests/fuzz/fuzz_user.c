/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_user.c - libFuzzer target: the -u/--user argument. */
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	uid_t uid;
	uint64_t v;

	memcpy(s, data, size);
	s[size] = '\0';
	if (parse_user(s, &uid) == 0) {
		/* Oracle: a known name, or the number itself. */
		struct passwd *pw = getpwnam(s);

		if (pw ? pw->pw_uid != uid
		       : (parse_u64(s, &v) || v != uid || uid == (uid_t)-1))
			abort();
	}
	free(s);
	return 0;
}
