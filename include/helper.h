/* SPDX-License-Identifier: GPL-2.0-or-later */
/* helper.h - one helper thread that stays awake between jobs. */
#ifndef IPCSCAN_HELPER_H
#define IPCSCAN_HELPER_H

/*
 * The scan hands a second thread first the SysV and POSIX collectors and
 * then its share of the holder pass. A thread that has just been created,
 * or that went to sleep, can take milliseconds to run when its CPU was
 * idle (a virtual CPU has to be woken by the hypervisor), which is a good
 * part of a scan of a few thousand objects. So the helper is created once
 * and, between jobs, polls for the next one for a short while before it
 * sleeps; the thread waiting for a job's end does the same.
 */
struct helper;

/* A helper, or NULL when fewer than two CPUs are usable (polling would
 * only take the CPU from the thread it waits for) or on failure. */
struct helper *helper_start(void);
/* Run @fn(@arg) on the helper, which must be idle. */
void helper_run(struct helper *h, void (*fn)(void *arg), void *arg);
/* Wait until the job given last is done. */
void helper_wait(struct helper *h);
/* Stop and free it (NULL is fine); an unfinished job is waited for. */
void helper_stop(struct helper *h);

#endif
