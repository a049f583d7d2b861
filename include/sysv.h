/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sysv.h - SysV shm, sem and msg: parsers, collector, remover. */
#ifndef IPCSCAN_SYSV_H
#define IPCSCAN_SYSV_H

#include <stdbool.h>
#include <stddef.h>

#include "reap.h"
#include "scan.h"

/* Parse one data line of /proc/sysvipc/{shm,sem,msg} into @o (whose kind is
 * already set). Returns 0 or -EINVAL (wrong field count, bad number). */
int sysv_parse_shm(const char *line, struct obj *o);
int sysv_parse_sem(const char *line, struct obj *o);
int sysv_parse_msg(const char *line, struct obj *o);

/* A collector (scan.h): @src's /proc/sysvipc/{shm,sem,msg} for the kinds
 * in set->kinds; when the source allows syscalls also the per-semaphore
 * GETPID/GETNCNT/GETZCNT. Malformed lines and unreadable files go to @d;
 * returns 0. */
int sysv_collect(const struct scan_settings *set, const struct source *src,
		 struct objset *out, struct diag *d);

/* The SysV remover (the contract: reap.h). */
int sysv_reap(const struct reap_env *env, const struct obj *o,
	      bool dry_run, char *why, size_t whylen);

#endif
