/* SPDX-License-Identifier: GPL-2.0-or-later */
/* posix.h - POSIX shm (/dev/shm), named semaphores, message queues. */
#ifndef IPCSCAN_POSIX_H
#define IPCSCAN_POSIX_H

#include "scan.h"

/* Parse the text of an mqueue file ("QSIZE:... NOTIFY:... SIGNO:...
 * NOTIFY_PID:..."). Returns 0 or -EINVAL. */
int parse_mq_status(const char *buf, size_t len, struct mq_info *mq);

/* Top-level regular files of @root/dev/shm (sem.NAME -> psem, else pshm),
 * and the queues of the caller's IPC namespace: from @root/dev/mqueue when
 * mounted, else (live, root) through a private mqueue mount in a forked
 * child; when neither works, a warning and complete = false. */
int posix_collect(struct scan_ctx *ctx);

#endif
