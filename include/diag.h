/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diag.h - the diagnostics sink: warnings, and whether the view is whole. */
#ifndef IPCSCAN_DIAG_H
#define IPCSCAN_DIAG_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Library code never prints: it tells a sink, and the command layer shows
 * the warnings and reports completeness. "This makes the view incomplete"
 * always comes with the warning that says why, so both are one call
 * (diag_partial); diag_warn is for what leaves the view whole (a fallback
 * that worked, a limit by design). A zeroed sink is empty and complete.
 */
struct diag {
	char **warnings;
	size_t nwarnings;
	bool incomplete;	/* something could not be read */
};

void diag_warn(struct diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void diag_partial(struct diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline bool diag_complete(const struct diag *d)
{
	return !d->incomplete;
}

/* Append @src's warnings (in order) and incompleteness to @dst; @src is
 * left empty and complete. */
void diag_move(struct diag *dst, struct diag *src);
void diag_free(struct diag *d);

#endif
