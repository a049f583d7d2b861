/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diag.c - the diagnostics sink: warnings, and whether the view is whole. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "util.h"

static void add(struct diag *d, const char *fmt, va_list ap)
{
	char *msg;

	if (vasprintf(&msg, fmt, ap) < 0)
		return;
	d->warnings = xrealloc(d->warnings,
			       (d->nwarnings + 1) * sizeof(*d->warnings));
	d->warnings[d->nwarnings++] = msg;
}

void diag_warn(struct diag *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add(d, fmt, ap);
	va_end(ap);
}

void diag_partial(struct diag *d, const char *fmt, ...)
{
	va_list ap;

	d->incomplete = true;
	va_start(ap, fmt);
	add(d, fmt, ap);
	va_end(ap);
}

void diag_move(struct diag *dst, struct diag *src)
{
	if (src->nwarnings) {
		dst->warnings = xrealloc(dst->warnings,
					 (dst->nwarnings + src->nwarnings) *
					 sizeof(*dst->warnings));
		memcpy(dst->warnings + dst->nwarnings, src->warnings,
		       src->nwarnings * sizeof(*src->warnings));
		dst->nwarnings += src->nwarnings;
	}
	if (src->incomplete)
		dst->incomplete = true;
	free(src->warnings);
	memset(src, 0, sizeof(*src));
}

void diag_free(struct diag *d)
{
	for (size_t i = 0; i < d->nwarnings; i++)
		free(d->warnings[i]);
	free(d->warnings);
	memset(d, 0, sizeof(*d));
}
