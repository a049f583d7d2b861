/* SPDX-License-Identifier: GPL-2.0-or-later */
/* outstream.c - output streams that remember why a write failed. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "fsutil.h"
#include "outstream.h"

struct ostream {
	FILE *f;
	int fd;
	int err;		/* errno of the first failed write, 0 if none */
};

/* stdout and an --output-file at most: a fixed table of open streams. */
static struct ostream streams[4];

static ssize_t os_write(void *cookie, const char *buf, size_t len)
{
	struct ostream *os = cookie;
	ssize_t r = write_full(os->fd, buf, len);

	if (r >= 0)
		return r;
	if (!os->err)
		os->err = (int)-r;
	/* fopencookie(3): 0 reports the error, never a negative count */
	return 0;
}

FILE *outstream_open(int fd)
{
	cookie_io_functions_t io = { .write = os_write };

	for (size_t i = 0; i < sizeof(streams) / sizeof(streams[0]); i++) {
		struct ostream *os = &streams[i];

		if (os->f)
			continue;
		os->fd = fd;
		os->err = 0;
		os->f = fopencookie(os, "w", io);
		return os->f;
	}
	errno = EMFILE;
	return NULL;
}

static struct ostream *find(FILE *f)
{
	for (size_t i = 0; i < sizeof(streams) / sizeof(streams[0]); i++)
		if (streams[i].f && streams[i].f == f)
			return &streams[i];
	return NULL;
}

int outstream_fileno(FILE *f)
{
	struct ostream *os = find(f);

	return os ? os->fd : fileno(f);
}

int outstream_flush(FILE *f)
{
	struct ostream *os = find(f);
	int r = fflush(f) ? -(errno ? errno : EIO) : 0;

	if (os && os->err)
		return -os->err;
	if (!r && ferror(f))
		r = -EIO;
	return r;
}

int outstream_close(FILE *f)
{
	struct ostream *os = find(f);
	int r = outstream_flush(f);

	if (os) {
		os->f = NULL;
		fclose(f);
		if (os->fd > STDERR_FILENO && close(os->fd) && !r)
			r = -errno;
	} else if (fclose(f) && !r) {
		r = -errno;
	}
	return r;
}
