/* SPDX-License-Identifier: GPL-2.0-or-later */
/* outstream.h - output streams that remember why a write failed. */
#ifndef IPCSCAN_OUTSTREAM_H
#define IPCSCAN_OUTSTREAM_H

#include <stdio.h>

/*
 * stdio keeps only an error flag, and errno is long gone by the time a
 * command checks ferror() or fflush(): "Input/output error" for a full
 * disk. A stream from outstream_open() writes to @fd itself and keeps the
 * errno of its first failed write(2).
 */
FILE *outstream_open(int fd);
/* The fd below @f: fileno(3) knows none for such a stream. */
int outstream_fileno(FILE *f);
/* Flush @f: 0, or -errno of the first failed write since it was opened
 * (-EIO for a stream not from outstream_open whose error flag is set). */
int outstream_flush(FILE *f);
/* Flush and close @f (not the fd for stdout): 0 or -errno as above, or
 * that of close(2). */
int outstream_close(FILE *f);

#endif
