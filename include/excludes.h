/* SPDX-License-Identifier: GPL-2.0-or-later */
/* excludes.h - the --exclude-from file: one glob per line. */
#ifndef IPCSCAN_EXCLUDES_H
#define IPCSCAN_EXCLUDES_H

#include <stddef.h>

/*
 * Split the @len bytes at @buf (no NUL terminator needed) into exclude
 * globs, one per line. Leading blanks and trailing blanks and CRs are
 * dropped; empty lines and lines starting with '#' are skipped. Each glob
 * is appended, as a malloc'd string, to the malloc'd array *@out of *@n
 * entries (NULL and 0 to start a new one).
 * Returns 0, or -EINVAL if @buf holds a NUL byte (nothing is appended).
 */
int excludes_parse(const char *buf, size_t len, char ***out, size_t *n);

/* Free an array filled by excludes_parse(). */
void excludes_free(char **v, size_t n);

#endif
