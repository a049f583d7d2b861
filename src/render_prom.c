/* SPDX-License-Identifier: GPL-2.0-or-later */
/* render_prom.c - stats in the Prometheus text exposition format. */
#include <errno.h>

#include "kinds.h"
#include "stats.h"
#include "strbuf.h"

void prom_escape(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			sb_puts(sb, "\\\\");
		else if (*s == '"')
			sb_puts(sb, "\\\"");
		else if (*s == '\n')
			sb_puts(sb, "\\n");
		else
			sb_putc(sb, *s);
	}
}

static void family(struct strbuf *sb, const char *name, const char *help)
{
	sb_printf(sb, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static void label(struct strbuf *sb, const char *key, const char *val,
		  bool first)
{
	sb_printf(sb, "%s%s=\"", first ? "{" : ",", key);
	prom_escape(sb, val);
	sb_putc(sb, '"');
}

/*
 * Attribution at a bounded cardinality: per engine always (a dozen
 * engines, "host" for objects no container sees, "unknown"), per
 * container only where it can see orphans, so the series grow with the
 * leaks to look at, not with the containers a host runs.
 */
static void containers_prom(struct strbuf *sb, const struct stats *st)
{
	const struct attrib *a = st->attrib;

	family(sb, "ipcscan_engine_objects",
	       "IPC objects that containers of an engine can see, by state "
	       "(engine host: no container).");
	for (int e = 0; e <= CT_LXC; e++) {
		const struct kind_stats *ks = &st->engine[e];
		bool any = e == CT_NONE;

		for (int s = 0; s < STATE_COUNT; s++)
			any = any || ks->count[s];
		for (int s = 0; s < STATE_COUNT && any; s++) {
			sb_puts(sb, "ipcscan_engine_objects");
			label(sb, "engine", e == CT_NONE ? "host" :
			      ct_engine_name((enum ct_engine)e), true);
			label(sb, "state", state_name((enum state)s), false);
			sb_printf(sb, "} %llu\n",
				  (unsigned long long)ks->count[s]);
		}
	}
	family(sb, "ipcscan_container_orphans",
	       "Orphans a container can see (only containers that see one).");
	for (size_t i = 0; a && st->ct && i < a->n; i++) {
		if (!st->ct[i].count[STATE_ORPHAN])
			continue;
		sb_puts(sb, "ipcscan_container_orphans");
		label(sb, "engine", ct_engine_name(a->v[i].ref.engine), true);
		label(sb, "container", a->v[i].display, false);
		sb_printf(sb, "} %llu\n",
			  (unsigned long long)st->ct[i].count[STATE_ORPHAN]);
	}
	family(sb, "ipcscan_container_orphan_bytes",
	       "Bytes of the orphans a container can see (only containers "
	       "that see one).");
	for (size_t i = 0; a && st->ct && i < a->n; i++) {
		if (!st->ct[i].count[STATE_ORPHAN])
			continue;
		sb_puts(sb, "ipcscan_container_orphan_bytes");
		label(sb, "engine", ct_engine_name(a->v[i].ref.engine), true);
		label(sb, "container", a->v[i].display, false);
		sb_printf(sb, "} %llu\n",
			  (unsigned long long)st->ct[i].bytes[STATE_ORPHAN]);
	}
}

static void ns_label(struct strbuf *sb, const char *metric,
		     const struct ns_stats *ns)
{
	sb_printf(sb, "%s{namespace=\"%llu\"", metric,
		  (unsigned long long)ns->id);
}

static void ns_series(struct strbuf *sb, const struct stats *st)
{
	static const char *const names[] = { "ipcscan_namespace_orphans",
		"ipcscan_namespace_limit", "ipcscan_namespace_used" };
	static const char *const helps[] = {
		"Orphans of another IPC namespace that has some.",
		"Kernel limit of an IPC resource in another IPC namespace "
		"with orphans.",
		"Use of an IPC resource in another IPC namespace with "
		"orphans." };
	bool any = false;

	for (size_t i = 1; i < st->nns; i++)
		any |= st->ns[i].orphans > 0;
	if (!any)
		return;
	for (int m = 0; m < 3; m++) {
		family(sb, names[m], helps[m]);
		for (size_t i = 1; i < st->nns; i++) {
			const struct ns_stats *ns = &st->ns[i];

			if (!ns->orphans)
				continue;
			if (m == 0) {
				ns_label(sb, names[m], ns);
				sb_printf(sb, "} %llu\n",
					  (unsigned long long)ns->orphans);
				continue;
			}
			for (int l = 0; l < LIM_COUNT; l++) {
				const struct limit_stat *ls = &ns->lim[l];

				if (l == LIM_DEVSHM ||
				    !stats_show_limit(st, (enum limit_id)l) ||
				    (m == 1 && !ls->have_limit))
					continue;
				ns_label(sb, names[m], ns);
				sb_printf(sb, ",resource=\"%s\"} %llu\n",
					  ls->resource, (unsigned long long)
					  (m == 1 ? ls->limit : ls->used));
			}
		}
	}
}

int render_prometheus(FILE *out, const struct stats *st)
{
	struct strbuf sb = { 0 };
	int r = 0;

	char dur[32];

	family(&sb, "ipcscan_objects", "IPC objects by kind and state.");
	for (int k = 0; k < KIND_COUNT; k++)
		for (int s = 0; s < STATE_COUNT && (st->kinds & KMASK(k)); s++) {
			sb_puts(&sb, "ipcscan_objects");
			label(&sb, "kind", kind_name(k), true);
			label(&sb, "state", state_name((enum state)s), false);
			sb_printf(&sb, "} %llu\n",
				  (unsigned long long)st->kind[k].count[s]);
		}
	/* no series for a kind that has no byte size (sem, unix) */
	family(&sb, "ipcscan_bytes",
	       "Bytes held by IPC objects by kind and state.");
	for (int k = 0; k < KIND_COUNT; k++)
		for (int s = 0; s < STATE_COUNT && (st->kinds & KMASK(k)) &&
			     kind_has((enum kind)k, KF_SIZE); s++) {
			sb_puts(&sb, "ipcscan_bytes");
			label(&sb, "kind", kind_name(k), true);
			label(&sb, "state", state_name((enum state)s), false);
			sb_printf(&sb, "} %llu\n",
				  (unsigned long long)st->kind[k].bytes[s]);
		}
	containers_prom(&sb, st);
	family(&sb, "ipcscan_limit", "Kernel limit of an IPC resource.");
	for (int l = 0; l < LIM_COUNT; l++) {
		if (!st->lim[l].have_limit ||
		    !stats_show_limit(st, (enum limit_id)l))
			continue;
		sb_puts(&sb, "ipcscan_limit");
		label(&sb, "resource", st->lim[l].resource, true);
		sb_printf(&sb, "} %llu\n",
			  (unsigned long long)st->lim[l].limit);
	}
	family(&sb, "ipcscan_used", "Current use of an IPC resource.");
	for (int l = 0; l < LIM_COUNT; l++) {
		if (!stats_show_limit(st, (enum limit_id)l))
			continue;
		sb_puts(&sb, "ipcscan_used");
		label(&sb, "resource", st->lim[l].resource, true);
		sb_printf(&sb, "} %llu\n", (unsigned long long)st->lim[l].used);
	}
	/*
	 * Other IPC namespaces: how many, and series labelled by namespace
	 * only for those with orphans (a leak to act on), so that a host
	 * with a thousand quiet containers adds no thousand series. Ours
	 * is the unlabelled ipcscan_limit and ipcscan_used above.
	 */
	family(&sb, "ipcscan_ipc_namespaces",
	       "IPC namespaces scanned (1: only ipcscan's own).");
	sb_printf(&sb, "ipcscan_ipc_namespaces %zu\n", st->nns ? st->nns : 1);
	ns_series(&sb, st);
	family(&sb, "ipcscan_holders_bpf",
	       "1 if holders were found by BPF task iterators, 0 if in /proc.");
	sb_printf(&sb, "ipcscan_holders_bpf %d\n", st->holders_bpf ? 1 : 0);
	family(&sb, "ipcscan_scan_duration_seconds",
	       "Wall time the scan took.");
	fmt_seconds(dur, sizeof(dur), st->duration);
	sb_printf(&sb, "ipcscan_scan_duration_seconds %s\n", dur);
	family(&sb, "ipcscan_scan_complete",
	       "1 if every process and source could be inspected, else 0.");
	sb_printf(&sb, "ipcscan_scan_complete %d\n", st->complete ? 1 : 0);
	if (fwrite(sb.buf, 1, sb.len, out) != sb.len)
		r = -EIO;
	sb_free(&sb);
	return r;
}
