/* SPDX-License-Identifier: GPL-2.0-or-later */
/* posix.h - POSIX shm (/dev/shm), named semaphores, message queues. */
#ifndef IPCSCAN_POSIX_H
#define IPCSCAN_POSIX_H

#include <stdbool.h>
#include <stddef.h>

#include "reap.h"
#include "scan.h"

/* Parse the text of an mqueue file ("QSIZE:... NOTIFY:... SIGNO:...
 * NOTIFY_PID:..."). Returns 0 or -EINVAL. */
int parse_mq_status(const char *buf, size_t len, struct mq_detail *mq);

/* A collector (scan.h): the top-level regular files of the source's
 * /dev/shm (sem.NAME -> psem, else pshm), and the queues of its IPC
 * namespace, from an mqueue instance proven to be that namespace's (live:
 * a detached fsmount, else /dev/mqueue once a probe queue shows it is
 * ours, else as root a private mount on a thread of its own, nsrun.h; a
 * fixture: @root/dev/mqueue if it is an mqueue mount); when none works, a
 * diag_partial. */
int posix_collect(const struct scan_settings *set, const struct source *src,
		  struct objset *out, struct diag *d);

/* The POSIX shm, semaphore and queue remover (the contract: reap.h). */
/*
 * The mqueue instance of the IPC namespace the calling thread is in, as
 * the directory of a detached mount (fsopen/fsmount: the kernel keys the
 * superblock by the caller's namespace), or -errno (-ENOSYS without
 * fsopen, -EPERM without CAP_SYS_ADMIN). The caller closes it.
 */
int posix_mq_instance(void);

int posix_reap(const struct reap_env *env, const struct obj *o,
	       bool dry_run, char *why, size_t whylen);

/* The queue directory (O_RDONLY|O_DIRECTORY) of the mqueue superblock of
 * the calling thread's IPC namespace, through a detached mount that the
 * open directory keeps alive and that no mount table shows; -errno
 * (-ENOSYS without fsopen, or in a test build with IPCSCAN_TEST_NO_FSMOUNT
 * set; -EPERM without CAP_SYS_ADMIN). */
int mq_mount_here(void);

/*
 * Has the mqueue superblock whose directory is @dfd lost its IPC
 * namespace (NAMESPACES.md 1.5)? The kernel refuses to create a queue
 * there (EACCES, which as root no permission check gives): 1. A queue
 * created is a live namespace's: unlinked at once (*@left if that
 * failed), 0; so is one refused for the limits checked only after the
 * namespace (its queues_max, the creator's RLIMIT_MSGQUEUE). -errno
 * when it cannot be told (-EPERM: not root).
 */
int posix_mq_gone(int dfd, bool *left);

#endif
