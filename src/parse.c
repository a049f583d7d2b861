/* SPDX-License-Identifier: GPL-2.0-or-later */
/* parse.c - checked parsing: numbers, users, durations, fields. */
#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int parse_u64n(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (!len)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int parse_i64n(const char *s, size_t len, int64_t *out)
{
	uint64_t v;
	bool neg = false;
	int r;

	if (len && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		s++;
		len--;
	}
	r = parse_u64n(s, len, &v);
	if (r)
		return r;
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return -ERANGE;
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	} else {
		if (v > INT64_MAX)
			return -ERANGE;
		*out = (int64_t)v;
	}
	return 0;
}

int parse_hex_u64n(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		len -= 2;
	}
	if (!len)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned d;
		char c = s[i];

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -EINVAL;
		if (v >> 60)
			return -ERANGE;
		v = (v << 4) | d;
	}
	*out = v;
	return 0;
}

int parse_u64(const char *s, uint64_t *out)
{
	return parse_u64n(s, strlen(s), out);
}

int parse_i64(const char *s, int64_t *out)
{
	return parse_i64n(s, strlen(s), out);
}

int parse_user(const char *s, uid_t *uid)
{
	struct passwd *pw;
	uint64_t v;

	/* An empty name or one with a NUL inside cannot be a user. */
	if (!*s)
		return -EINVAL;
	pw = getpwnam(s);
	if (pw) {
		*uid = pw->pw_uid;
		return 0;
	}
	/* A number is a uid, whether or not the passwd database knows it
	 * (objects of deleted users are exactly what gc is for); -1 is not
	 * a uid. */
	if (!parse_u64(s, &v) && v < (uid_t)-1) {
		*uid = (uid_t)v;
		return 0;
	}
	return -EINVAL;
}

/* Keep a duration representable as a (signed, 32-bit based) time
 * difference: about 1088 years. */
#define DURATION_MAX ((uint64_t)INT32_MAX * 16)

int parse_duration(const char *s, uint64_t *secs)
{
	static const struct {
		char unit;
		uint64_t mult;
	} units[] = { { 'w', 604800 }, { 'd', 86400 }, { 'h', 3600 },
		      { 'm', 60 }, { 's', 1 } };
	const size_t nunits = sizeof(units) / sizeof(units[0]);
	uint64_t total = 0;
	size_t next = 0;	/* units go from large to small, each once */
	bool range = false;

	if (!*s)
		return -EINVAL;
	while (*s) {
		size_t len = strspn(s, "0123456789"), u;
		uint64_t v;
		int r = parse_u64n(s, len, &v);

		if (r == -ERANGE)
			range = true;
		else if (r)
			return r;
		s += len;
		if (!*s) {
			/* a bare number is seconds, but only on its own:
			 * "1h30" could mean minutes */
			if (next)
				return -EINVAL;
			u = nunits - 1;
		} else {
			for (u = next; u < nunits && units[u].unit != *s; u++)
				;
			if (u == nunits)
				return -EINVAL;
			s++;
		}
		next = u + 1;
		if (range || v > DURATION_MAX / units[u].mult ||
		    total + v * units[u].mult > DURATION_MAX)
			range = true;
		else
			total += v * units[u].mult;
	}
	/* the syntax is checked to the end before "too large" */
	if (range)
		return -ERANGE;
	*secs = total;
	return 0;
}

int split_fields(char *line, char **fields, int max)
{
	int n = 0;
	char *p = line;

	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		if (n == max)
			return max + 1;	/* more fields than asked for */
		fields[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
		if (*p)
			*p++ = '\0';
	}
	return n;
}
