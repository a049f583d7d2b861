/* SPDX-License-Identifier: GPL-2.0-or-later */
/* utf8.h - UTF-8 checks and escaping text for one printable line. */
#ifndef IPCSCAN_UTF8_H
#define IPCSCAN_UTF8_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/* Make @s printable on one line: control bytes, backslash and invalid UTF-8
 * become \xHH (newline \n, tab \t). Appends to @sb. */
void sb_put_escaped(struct strbuf *sb, const char *s);

/* Length of the valid UTF-8 sequence at @s (at most @n bytes), 0 if the
 * bytes there are not one. */
size_t utf8_seq(const unsigned char *s, size_t n);

/* Is @s valid UTF-8 without NULs? */
bool utf8_valid(const char *s, size_t len);

#endif
