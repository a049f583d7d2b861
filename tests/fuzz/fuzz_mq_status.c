/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_mq_status.c - libFuzzer target: the text of a /dev/mqueue file. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "posix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mq_detail mq;

	/* Not NUL-terminated: the parser is given a length. */
	memset(&mq, 0, sizeof(mq));
	mq.maxmsg = mq.msgsize = -1;
	if (parse_mq_status((const char *)data, size, &mq) == 0 &&
	    mq.notify_pid < 0)
		abort();
	return 0;
}
