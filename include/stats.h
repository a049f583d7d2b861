/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stats.h - per-kind counts and kernel limits, and their renderers. */
#ifndef IPCSCAN_STATS_H
#define IPCSCAN_STATS_H

#include <stdio.h>

#include "scan.h"
#include "strbuf.h"

struct kind_stats {
	uint64_t count[STATE_COUNT];
	uint64_t bytes[STATE_COUNT];
};

enum limit_id {
	LIM_SHMMNI, LIM_SHMALL, LIM_SHMMAX, LIM_MSGMNI, LIM_SEMMNI,
	LIM_SEMMNS, LIM_MQUEUES, LIM_DEVSHM, LIM_COUNT
};

struct limit_stat {
	const char *resource;
	const char *help;
	kindmask_t kinds;	/* the kinds whose objects use it */
	bool have_limit;
	uint64_t limit;
	uint64_t used;
};

/* One IPC namespace of the scan: its objects and its own limits. */
struct ns_stats {
	uint64_t id;		/* nsfs inode, 0 unknown */
	bool host;		/* the initial IPC namespace */
	bool own;		/* the one ipcscan runs in */
	uint64_t objects, orphans;	/* its SysV objects and queues */
	struct limit_stat lim[LIM_COUNT];	/* no LIM_DEVSHM */
};

/* Per container (attrib.h): an object counts once in each container
 * that can see it, and once per engine; bytes of the sized kinds. */
struct stats {
	kindmask_t kinds;	/* the kinds selected (-t): only these are shown */
	/* every IPC namespace scanned, ours first (owned) */
	struct ns_stats *ns;
	size_t nns;
	struct kind_stats kind[KIND_COUNT];
	const struct attrib *attrib;	/* the scan's entries */
	struct kind_stats *ct;	/* per entry of attrib->v, owned */
	struct kind_stats host;	/* objects no container sees */
	struct kind_stats unattributed;	/* attribution unknown */
	/* per engine (CT_NONE: the host's; CT_UNKNOWN: unknown and the
	 * "?" entries together) */
	struct kind_stats engine[CT_LXC + 1];
	struct limit_stat lim[LIM_COUNT];
	bool complete;
	bool holders_bpf;	/* the holder pass ran on BPF iterators */
	double duration;
	time_t now;
};

/* Sizes come from the kernel: saturate rather than wrap. */
static inline uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* The built-in kinds' count_limits (kinds.h): add @o to the "used" of
 * the limits it takes from (@page: the page size). */
void stats_count_shm(const struct obj *o, struct limit_stat *lim,
		     uint64_t page);
void stats_count_msg(const struct obj *o, struct limit_stat *lim,
		     uint64_t page);
void stats_count_sem(const struct obj *o, struct limit_stat *lim,
		     uint64_t page);
void stats_count_mqueue(const struct obj *o, struct limit_stat *lim,
			uint64_t page);

/* Read the kernel limits of our IPC namespace below @root and statvfs of
 * @root/dev/shm; "used" comes from the objects of our own namespaces
 * (unfiltered), those of another IPC namespace count against its limits
 * (stats_namespaces). */
void stats_limits(const char *root, const struct objset *objs,
		  struct stats *st);
/* The IPC sysctl limits of the IPC namespace the calling thread is in
 * (below @root), into @lim (LIM_COUNT entries): names and limits. */
void stats_read_ipc_limits(const char *root, struct limit_stat *lim);
/* st->ns: each IPC namespace of @ctx with its objects, orphans, limits
 * (read at the scan, inside it) and their use. */
void stats_namespaces(const struct scan_ctx *ctx, struct stats *st);

/* Count @o (of the scan whose attribution st->attrib is) in its
 * containers' and engines' rows; stats_free frees the rows. */
void stats_count_containers(struct stats *st, const struct obj *o);
void stats_free(struct stats *st);
/* Does any container row count an object? */
bool stats_any_container(const struct stats *st);

/* Is the limit relevant to the kinds shown? */
static inline bool stats_show_limit(const struct stats *st, enum limit_id l)
{
	return (st->lim[l].kinds & st->kinds) != 0;
}

/* Seconds rounded to microseconds, as text ("0.007837"). */
void fmt_seconds(char *buf, size_t len, double secs);

/* Prometheus text exposition format. Returns 0 or -errno. */
int render_prometheus(FILE *out, const struct stats *st);
/* Escape a label value (backslash, double quote, newline). */
void prom_escape(struct strbuf *sb, const char *s);

#endif
