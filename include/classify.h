/* SPDX-License-Identifier: GPL-2.0-or-later */
/* classify.h - pure: (object, processes) -> state + reason. */
#ifndef IPCSCAN_CLASSIFY_H
#define IPCSCAN_CLASSIFY_H

#include "ipcscan.h"
#include "procs.h"

/* Set o->state and o->reason from the object's own evidence (holders,
 * recorded pids and times, flags) and the process table. @now is used for
 * ages in reasons. Never touches anything but o->state and o->reason. */
void classify(struct obj *o, const struct proctab *pt, time_t now);

#endif
