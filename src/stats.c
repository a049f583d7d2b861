/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stats.c - the kernel limits of an IPC namespace and what uses them. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "fsutil.h"
#include "parse.h"
#include "stats.h"

static const struct {
	const char *resource, *help;
	kindmask_t kinds;
} limit_names[LIM_COUNT] = {
	[LIM_SHMMNI] = { "shmmni", "SysV shm segments (kernel.shmmni)",
			 KMASK(KIND_SHM) },
	[LIM_SHMALL] = { "shmall_bytes",
			 "SysV shm bytes (kernel.shmall x page size)",
			 KMASK(KIND_SHM) },
	[LIM_SHMMAX] = { "shmmax_bytes",
			 "largest SysV shm segment (kernel.shmmax)",
			 KMASK(KIND_SHM) },
	[LIM_MSGMNI] = { "msgmni", "SysV message queues (kernel.msgmni)",
			 KMASK(KIND_MSG) },
	[LIM_SEMMNI] = { "semmni", "SysV semaphore sets (kernel.sem 4th)",
			 KMASK(KIND_SEM) },
	[LIM_SEMMNS] = { "semmns", "SysV semaphores (kernel.sem 2nd)",
			 KMASK(KIND_SEM) },
	[LIM_MQUEUES] = { "mqueue_queues",
			  "POSIX queues (fs.mqueue.queues_max)",
			  KMASK(KIND_MQUEUE) },
	[LIM_DEVSHM] = { "devshm_bytes", "/dev/shm size (statvfs)",
			 KMASK(KIND_PSHM) | KMASK(KIND_PSEM) },
};

void fmt_seconds(char *buf, size_t len, double secs)
{
	snprintf(buf, len, "%.6f", secs < 0 ? 0.0 : secs);
}

/* Read one or more numbers from a /proc/sys file. */
static int read_sysctl(const char *root, const char *rel, uint64_t *v, int max)
{
	char path[4096], *buf, *f[8];
	int n, got = 0;

	if (root_path(path, sizeof(path), root, rel) || read_file(path, &buf) < 0)
		return -1;
	n = split_fields(buf, f, 8);
	for (int i = 0; i < n && i < max; i++) {
		if (parse_u64(f[i], &v[i]))
			break;
		got++;
	}
	free(buf);
	return got;
}

static void set_limit(struct stats *st, enum limit_id l, uint64_t v)
{
	st->lim[l].have_limit = true;
	st->lim[l].limit = v;
}

void stats_limits(const char *root, const struct objset *objs,
		  struct stats *st)
{
	uint64_t v[4];
	struct statvfs sv;
	char path[4096];
	long page = sysconf(_SC_PAGESIZE);

	for (int l = 0; l < LIM_COUNT; l++) {
		st->lim[l].resource = limit_names[l].resource;
		st->lim[l].help = limit_names[l].help;
		st->lim[l].kinds = limit_names[l].kinds;
	}
	for (size_t i = 0; i < objs->n; i++) {
		const struct obj *o = &objs->v[i];

		switch (o->kind) {
		case KIND_SHM:
			st->lim[LIM_SHMMNI].used++;
			/* shmall counts whole pages */
			st->lim[LIM_SHMALL].used = sat_add(st->lim[LIM_SHMALL].used,
				o->size / (uint64_t)page * (uint64_t)page +
				(o->size % (uint64_t)page ? (uint64_t)page : 0));
			if (o->size > st->lim[LIM_SHMMAX].used)
				st->lim[LIM_SHMMAX].used = o->size;
			break;
		case KIND_MSG:
			st->lim[LIM_MSGMNI].used++;
			break;
		case KIND_SEM:
			st->lim[LIM_SEMMNI].used++;
			st->lim[LIM_SEMMNS].used = sat_add(
				st->lim[LIM_SEMMNS].used, o->u.sem.nsems);
			break;
		case KIND_MQUEUE:
			st->lim[LIM_MQUEUES].used++;
			break;
		default:
			break;
		}
	}
	if (read_sysctl(root, "/proc/sys/kernel/shmmni", v, 1) == 1)
		set_limit(st, LIM_SHMMNI, v[0]);
	/* saturate: the default shmall is near 2^64 / page size */
	if (read_sysctl(root, "/proc/sys/kernel/shmall", v, 1) == 1)
		set_limit(st, LIM_SHMALL, v[0] > UINT64_MAX / (uint64_t)page ?
			  UINT64_MAX : v[0] * (uint64_t)page);
	if (read_sysctl(root, "/proc/sys/kernel/shmmax", v, 1) == 1)
		set_limit(st, LIM_SHMMAX, v[0]);
	if (read_sysctl(root, "/proc/sys/kernel/msgmni", v, 1) == 1)
		set_limit(st, LIM_MSGMNI, v[0]);
	if (read_sysctl(root, "/proc/sys/kernel/sem", v, 4) == 4) {
		set_limit(st, LIM_SEMMNS, v[1]);
		set_limit(st, LIM_SEMMNI, v[3]);
	}
	if (read_sysctl(root, "/proc/sys/fs/mqueue/queues_max", v, 1) == 1)
		set_limit(st, LIM_MQUEUES, v[0]);
	if (!root_path(path, sizeof(path), root, "/dev/shm") &&
	    !statvfs(path, &sv)) {
		set_limit(st, LIM_DEVSHM, (uint64_t)sv.f_blocks * sv.f_frsize);
		st->lim[LIM_DEVSHM].used = (uint64_t)(sv.f_blocks - sv.f_bfree) *
					   sv.f_frsize;
	}
}
