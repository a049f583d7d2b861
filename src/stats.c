/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stats.c - the kernel limits of an IPC namespace and what uses them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "fsutil.h"
#include "kinds.h"
#include "parse.h"
#include "stats.h"
#include "util.h"

/* Which kinds use a limit is said by the kinds' rows (kinds.h). */
static const struct {
	const char *resource, *help;
} limit_names[LIM_COUNT] = {
	[LIM_SHMMNI] = { "shmmni", "SysV shm segments (kernel.shmmni)" },
	[LIM_SHMALL] = { "shmall_bytes",
			 "SysV shm bytes (kernel.shmall x page size)" },
	[LIM_SHMMAX] = { "shmmax_bytes",
			 "largest SysV shm segment (kernel.shmmax)" },
	[LIM_MSGMNI] = { "msgmni", "SysV message queues (kernel.msgmni)" },
	[LIM_SEMMNI] = { "semmni", "SysV semaphore sets (kernel.sem 4th)" },
	[LIM_SEMMNS] = { "semmns", "SysV semaphores (kernel.sem 2nd)" },
	[LIM_MQUEUES] = { "mqueue_queues",
			  "POSIX queues (fs.mqueue.queues_max)" },
	[LIM_DEVSHM] = { "devshm_bytes", "/dev/shm size (statvfs)" },
};

/* The built-in kinds' contributions to "used" (their rows name them). */
void stats_count_shm(const struct obj *o, struct limit_stat *lim,
		     uint64_t page)
{
	lim[LIM_SHMMNI].used++;
	/* shmall counts whole pages */
	lim[LIM_SHMALL].used = sat_add(lim[LIM_SHMALL].used,
		o->size / page * page + (o->size % page ? page : 0));
	if (o->size > lim[LIM_SHMMAX].used)
		lim[LIM_SHMMAX].used = o->size;
}

void stats_count_msg(const struct obj *o, struct limit_stat *lim,
		     uint64_t page)
{
	(void)o;
	(void)page;
	lim[LIM_MSGMNI].used++;
}

void stats_count_sem(const struct obj *o, struct limit_stat *lim,
		     uint64_t page)
{
	(void)page;
	lim[LIM_SEMMNI].used++;
	lim[LIM_SEMMNS].used = sat_add(lim[LIM_SEMMNS].used, o->u.sem.nsems);
}

void stats_count_mqueue(const struct obj *o, struct limit_stat *lim,
			uint64_t page)
{
	(void)o;
	(void)page;
	lim[LIM_MQUEUES].used++;
}

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

static void ks_add(struct kind_stats *ks, const struct obj *o)
{
	ks->count[o->state]++;
	if (kind_has(o->kind, KF_SIZE))
		ks->bytes[o->state] = sat_add(ks->bytes[o->state], o->size);
}

void stats_count_containers(struct stats *st, const struct obj *o)
{
	const struct attrib *a = st->attrib;
	bool seen[CT_LXC + 1] = { false };

	if (!st->ct && a->n)
		st->ct = xcalloc(a->n, sizeof(*st->ct));
	if (o->ct_unknown) {
		ks_add(&st->unattributed, o);
		ks_add(&st->engine[CT_UNKNOWN], o);
		return;
	}
	if (!o->nct) {
		ks_add(&st->host, o);
		ks_add(&st->engine[CT_NONE], o);
		return;
	}
	for (unsigned i = 0; i < o->nct; i++) {
		enum ct_engine e = a->v[o->ct[i]].ref.engine;

		ks_add(&st->ct[o->ct[i]], o);
		if ((unsigned)e <= CT_LXC && !seen[e]) {
			seen[e] = true;
			ks_add(&st->engine[e], o);
		}
	}
}

bool stats_any_container(const struct stats *st)
{
	for (size_t i = 0; st->ct && i < st->attrib->n; i++)
		for (int s = 0; s < STATE_COUNT; s++)
			if (st->ct[i].count[s])
				return true;
	return false;
}

void stats_free(struct stats *st)
{
	free(st->ct);
	st->ct = NULL;
	free(st->ns);
	st->ns = NULL;
	st->nns = 0;
}

static void set_limit(struct stats *st, enum limit_id l, uint64_t v)
{
	st->lim[l].have_limit = true;
	st->lim[l].limit = v;
}

static void limit_names_of(struct limit_stat *lim)
{
	for (int l = 0; l < LIM_COUNT; l++) {
		lim[l].resource = limit_names[l].resource;
		lim[l].help = limit_names[l].help;
		lim[l].kinds = 0;
		for (int k = 0; k < KIND_COUNT; k++)
			if (kind_ops[k]->limits & (1u << l))
				lim[l].kinds |= KMASK(k);
	}
}

void stats_read_ipc_limits(const char *root, struct limit_stat *lim)
{
	struct stats st = { 0 };
	uint64_t v[4];
	long page = sysconf(_SC_PAGESIZE);

	limit_names_of(st.lim);
	if (read_sysctl(root, "/proc/sys/kernel/shmmni", v, 1) == 1)
		set_limit(&st, LIM_SHMMNI, v[0]);
	/* saturate: the default shmall is near 2^64 / page size */
	if (read_sysctl(root, "/proc/sys/kernel/shmall", v, 1) == 1)
		set_limit(&st, LIM_SHMALL, v[0] > UINT64_MAX / (uint64_t)page ?
			  UINT64_MAX : v[0] * (uint64_t)page);
	if (read_sysctl(root, "/proc/sys/kernel/shmmax", v, 1) == 1)
		set_limit(&st, LIM_SHMMAX, v[0]);
	if (read_sysctl(root, "/proc/sys/kernel/msgmni", v, 1) == 1)
		set_limit(&st, LIM_MSGMNI, v[0]);
	if (read_sysctl(root, "/proc/sys/kernel/sem", v, 4) == 4) {
		set_limit(&st, LIM_SEMMNS, v[1]);
		set_limit(&st, LIM_SEMMNI, v[3]);
	}
	if (read_sysctl(root, "/proc/sys/fs/mqueue/queues_max", v, 1) == 1)
		set_limit(&st, LIM_MQUEUES, v[0]);
	memcpy(lim, st.lim, sizeof(st.lim));
}

void stats_limits(const char *root, const struct objset *objs,
		  struct stats *st)
{
	struct statvfs sv;
	char path[4096];
	long page = sysconf(_SC_PAGESIZE);

	stats_read_ipc_limits(root, st->lim);
	for (size_t i = 0; i < objs->n; i++) {
		const struct kind_ops *ko = kind_ops[objs->v[i].kind];

		/* another IPC namespace's objects use its own limits */
		if (ko->count_limits && !objs->v[i].src)
			ko->count_limits(&objs->v[i], st->lim, (uint64_t)page);
	}
	if (!root_path(path, sizeof(path), root, "/dev/shm") &&
	    !statvfs(path, &sv)) {
		set_limit(st, LIM_DEVSHM, (uint64_t)sv.f_blocks * sv.f_frsize);
		st->lim[LIM_DEVSHM].used = (uint64_t)(sv.f_blocks - sv.f_bfree) *
					   sv.f_frsize;
	}
}

void stats_namespaces(const struct scan_ctx *ctx, struct stats *st)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t n = 1 + ctx->nsrc_ipc;

	st->ns = xcalloc(n, sizeof(*st->ns));
	st->nns = n;
	for (size_t i = 0; i < n; i++) {
		const struct source *src = &ctx->src[i];
		struct ns_stats *ns = &st->ns[i];

		ns->id = src->ipc.ino;
		ns->host = src->ipc.initial;
		ns->own = i == 0;
		if (i == 0)
			stats_read_ipc_limits(ctx->set.root, ns->lim);
		else if (src->lim)
			memcpy(ns->lim, src->lim, sizeof(ns->lim));
		else
			limit_names_of(ns->lim);
		ns->lim[LIM_DEVSHM].have_limit = false;
	}
	for (size_t i = 0; i < ctx->objs.n; i++) {
		const struct obj *o = &ctx->objs.v[i];
		const struct kind_ops *ko = kind_ops[o->kind];
		struct ns_stats *ns;

		if (ko->ns != OBJNS_IPC || o->src >= n)
			continue;
		ns = &st->ns[o->src];
		ns->objects++;
		ns->orphans += o->state == STATE_ORPHAN;
		if (ko->count_limits)
			ko->count_limits(o, ns->lim, (uint64_t)page);
	}
}
