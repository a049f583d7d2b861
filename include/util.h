/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util.h - memory that is there or an exit; tmax. */
#ifndef IPCSCAN_UTIL_H
#define IPCSCAN_UTIL_H

#include <stddef.h>
#include <time.h>

/* The x*alloc family never returns NULL: out of memory, they say so
 * and abort. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

static inline time_t tmax(time_t a, time_t b)
{
	return a > b ? a : b;
}

#endif
