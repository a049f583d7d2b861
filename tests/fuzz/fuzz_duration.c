/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_duration.c - libFuzzer target: the --min-age argument. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Oracle, written differently: a grammar walk with 128-bit sums. The
 * string is NUMBER alone, or (NUMBER UNIT)+ with units from "wdhms" in
 * that order, each at most once. Returns 0 with the seconds, -EINVAL, or
 * -ERANGE when the syntax is right but the sum passes the limit.
 */
static int oracle(const char *s, size_t n, unsigned __int128 *out)
{
	static const char order[] = "wdhms";
	static const unsigned __int128 mult[] = { 604800, 86400, 3600, 60, 1 };
	unsigned __int128 sum = 0, big = (unsigned __int128)1 << 100;
	int last = -1;
	size_t i = 0;

	if (!n)
		return -EINVAL;
	while (i < n) {
		unsigned __int128 v = 0;
		size_t start = i;
		const char *u;

		while (i < n && s[i] >= '0' && s[i] <= '9') {
			if (v < big)
				v = v * 10 + (unsigned)(s[i] - '0');
			i++;
		}
		if (i == start)
			return -EINVAL;
		if (i == n) {
			if (last >= 0)
				return -EINVAL;
			sum = v;
			break;
		}
		u = s[i] ? strchr(order, s[i]) : NULL;
		if (!u || (int)(u - order) <= last)
			return -EINVAL;
		last = (int)(u - order);
		if (sum < big)
			sum += v * mult[last];
		i++;
	}
	*out = sum;
	return sum > (unsigned __int128)INT32_MAX * 16 ? -ERANGE : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	unsigned __int128 want = 0;
	uint64_t secs = 12345;
	int r, w;

	memcpy(s, data, size);
	s[size] = '\0';
	r = parse_duration(s, &secs);
	/* an inner NUL ends the C string: the oracle sees what C sees */
	w = oracle(s, strlen(s), &want);
	if (r != w)
		abort();
	if (!r && (unsigned __int128)secs != want)
		abort();
	if (r && secs != 12345)	/* untouched on failure */
		abort();
	free(s);
	return 0;
}
