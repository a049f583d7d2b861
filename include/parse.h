/* SPDX-License-Identifier: GPL-2.0-or-later */
/* parse.h - checked parsing: numbers, users, durations, fields. */
#ifndef IPCSCAN_PARSE_H
#define IPCSCAN_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Parse a whole decimal number (leading/trailing blanks not allowed).
 * Return 0 or -EINVAL / -ERANGE; *out is untouched on failure. */
int parse_u64(const char *s, uint64_t *out);
int parse_i64(const char *s, int64_t *out);
/* Like parse_u64 but for the first @len bytes of @s. */
int parse_u64n(const char *s, size_t len, uint64_t *out);
int parse_i64n(const char *s, size_t len, int64_t *out);
int parse_hex_u64n(const char *s, size_t len, uint64_t *out);

/* A user name, or a uid as a decimal number -> uid. -EINVAL if neither. */
int parse_user(const char *s, uid_t *uid);

/* Duration -> seconds: a bare number of seconds ("90"), or numbers with
 * units w d h m s, each at most once and largest first ("15m", "1h30m",
 * "1w2d"). -EINVAL for bad syntax, -ERANGE beyond about 1088 years. */
int parse_duration(const char *s, uint64_t *secs);

/* Split @line on blanks into at most @max fields (in place: NULs are
 * written). Returns the number of fields found. */
int split_fields(char *line, char **fields, int max);

#endif
