/* SPDX-License-Identifier: GPL-2.0-or-later */
/* attrib.c - which containers can see each object: processes to containers
 * (by cgroup text, once per distinct path), objects by namespace. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attrib.h"
#include "fsutil.h"
#include "hash.h"
#include "kinds.h"
#include "procs.h"
#include "scan.h"
#include "util.h"

/* ---------------------------------------------------------- entries */

static bool same_ct(const struct container_ref *a,
		    const struct container_ref *b)
{
	if (a->engine != b->engine)
		return false;
	if (a->engine == CT_UNKNOWN)
		return true;	/* one "?", whatever the reason */
	return a->depth == b->depth && a->inner_engine == b->inner_engine &&
	       !strcmp(a->id, b->id) && !strcmp(a->name, b->name) &&
	       !strcmp(a->pod_uid, b->pod_uid) &&
	       !strcmp(a->pod_id, b->pod_id) &&
	       !strcmp(a->inner_id, b->inner_id) &&
	       !strcmp(a->inner_name, b->inner_name) &&
	       !strcmp(a->inner_pod_uid, b->inner_pod_uid);
}

int attrib_add(struct attrib *a, const struct container_ref *ref)
{
	struct ct_entry *e;

	for (size_t i = 0; i < a->n; i++)
		if (same_ct(&a->v[i].ref, ref))
			return (int)i;
	a->v = xrealloc(a->v, (a->n + 1) * sizeof(*a->v));
	e = &a->v[a->n];
	e->ref = *ref;
	/* a monitor is never an entry (the caller skips it): shown as the
	 * container it watches, had it been one */
	e->ref.monitor = false;
	if (ref->engine == CT_UNKNOWN)
		snprintf(e->display, sizeof(e->display), "?");
	else
		container_display(&e->ref, e->display, sizeof(e->display));
	return (int)a->n++;
}

int attrib_proc_ct(struct attrib *a, const struct container_ref *ref)
{
	if (ref->monitor)
		return CT_IDX_SKIP;
	if (ref->engine == CT_NONE)
		return CT_IDX_NONE;
	return attrib_add(a, ref);
}

bool attrib_proc_placeable(struct attrib *a, const struct proc *p)
{
	if (proc_exited(p))
		return false;	/* a zombie is in no namespace */
	if (!p->ipcns && !p->mntns && !p->netns) {
		a->ns_unread++;
		return false;
	}
	return true;
}

void attrib_free(struct attrib *a)
{
	free(a->v);
	free(a->pct);
	memset(a, 0, sizeof(*a));
}

/* ------------------------------------------------ objects by namespace */

uint64_t attrib_obj_ns(const struct scan_ctx *ctx, const struct obj *o,
		       const char **type)
{
	const struct source *src = obj_src(ctx, o);

	switch (o->kind) {
	case KIND_PSHM:
	case KIND_PSEM:
	case KIND_SOCKFILE:
	case KIND_FIFO:
		/* the tmpfs or socket dir as seen from the mount namespace
		 * it was found through */
		*type = "mnt";
		return src->mnt.ino;
	case KIND_UNIX:
		*type = "net";
		return src->net.ino;
	default:
		if (src->ipc_gone) {
			/* no task can be in a gone IPC namespace: the queues
			 * are seen through their mount, from its mount
			 * namespace */
			*type = "mnt";
			return src->mnt.ino;
		}
		*type = "ipc";
		return src->ipc.ino;
	}
}

/* A (namespace inode, entry) pair of a process. */
struct nspair {
	uint64_t ino;
	int ct;
};

static int cmp_pair(const void *x, const void *y)
{
	const struct nspair *a = x, *b = y;

	if (a->ino != b->ino)
		return a->ino < b->ino ? -1 : 1;
	return (a->ct > b->ct) - (a->ct < b->ct);
}

static int cmp_display(const void *x, const void *y, void *arg)
{
	const struct attrib *a = arg;
	int i = *(const int *)x, j = *(const int *)y;

	return strcmp(a->v[i].display, a->v[j].display);
}

/* Entries in display order (so every list is), pct remapped. */
static void sort_entries(struct attrib *a)
{
	int *order, *where;
	struct ct_entry *v;

	if (a->n < 2)
		return;
	order = xmalloc(a->n * sizeof(*order));
	where = xmalloc(a->n * sizeof(*where));
	for (size_t i = 0; i < a->n; i++)
		order[i] = (int)i;
	qsort_r(order, a->n, sizeof(*order), cmp_display, a);
	v = xmalloc(a->n * sizeof(*v));
	for (size_t i = 0; i < a->n; i++) {
		v[i] = a->v[order[i]];
		where[order[i]] = (int)i;
	}
	for (size_t i = 0; i < a->npct; i++)
		if (a->pct[i] >= 0)
			a->pct[i] = where[a->pct[i]];
	free(a->v);
	a->v = v;
	free(order);
	free(where);
}

/* The pairs of one namespace type, sorted and without repeats. */
static size_t pairs_of(const struct scan_ctx *ctx, int t, struct nspair *out)
{
	const struct attrib *a = &ctx->attrib;
	size_t n = 0, w = 0;

	for (size_t i = 0; i < ctx->procs.n && i < a->npct; i++) {
		const struct proc *p = &ctx->procs.v[i];
		uint64_t ino = t == 0 ? p->ipcns : t == 1 ? p->mntns : p->netns;

		if (a->pct[i] < 0 || !ino)
			continue;
		out[n++] = (struct nspair){ ino, a->pct[i] };
	}
	qsort(out, n, sizeof(*out), cmp_pair);
	for (size_t i = 0; i < n; i++)
		if (!w || cmp_pair(&out[w - 1], &out[i]))
			out[w++] = out[i];
	return w;
}

/* A list of entries (indexes into attrib.v). */
struct ctlist {
	int *v;
	unsigned n;
};

/* The entries of the pairs for namespace @ino, appended to @l. */
static void take_ns(struct ctlist *l, const struct nspair *p, size_t n,
		    uint64_t ino)
{
	size_t lo = 0, hi = n, j;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p[mid].ino < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (j = lo; j < n && p[j].ino == ino; j++)
		;
	if (j == lo)
		return;
	l->v = xrealloc(l->v, (l->n + (j - lo)) * sizeof(*l->v));
	for (size_t k = lo; k < j; k++)
		l->v[l->n++] = p[k].ct;
}

static int cmp_int(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y;

	return (a > b) - (a < b);
}

/* Each entry once, in display order (entries are sorted by display, so
 * by index). */
static void ctlist_unique(struct ctlist *l)
{
	unsigned w = 0;

	if (l->n < 2)
		return;
	qsort(l->v, l->n, sizeof(*l->v), cmp_int);
	for (unsigned i = 0; i < l->n; i++)
		if (!w || l->v[w - 1] != l->v[i])
			l->v[w++] = l->v[i];
	l->n = w;
}

/* The containers of each view set (scan.h, file_views), once each. */
static struct ctlist *sets_ct(const struct file_views *fv,
			      const struct nspair *p, size_t n)
{
	struct ctlist *sc = xcalloc(fv->nsets + 1, sizeof(*sc));

	for (size_t i = 0; i < fv->nsets; i++) {
		for (size_t k = 0; k < fv->sets[i].n; k++)
			take_ns(&sc[i], p, n, fv->sets[i].mnt[k]);
		ctlist_unique(&sc[i]);
	}
	return sc;
}

/*
 * A file that other mount namespaces see too: the containers of those
 * as well (@sc: each set's, from sets_ct), once each, in display order.
 */
static void take_views(struct ctlist *l, const struct obj *o,
		       const struct file_views *fv, const struct ctlist *sc)
{
	size_t pos = 0;
	unsigned n0 = l->n;
	uint32_t val;

	if (!kind_has(o->kind, KF_FILE))
		return;
	while (pairmap_next(&fv->map, dev_key_of(o->dev), o->ino, &pos, &val)) {
		if (val >= fv->nsets || !sc[val].n)
			continue;
		l->v = xrealloc(l->v, (l->n + sc[val].n) * sizeof(*l->v));
		memcpy(l->v + l->n, sc[val].v, sc[val].n * sizeof(*l->v));
		l->n += sc[val].n;
	}
	if (l->n != n0)
		ctlist_unique(l);
}

void attrib_objects(struct scan_ctx *ctx)
{
	struct attrib *a = &ctx->attrib;
	struct nspair *pairs[3];
	struct ctlist *sc = NULL;
	size_t npairs[3];

	a->ran = true;
	sort_entries(a);
	for (int t = 0; t < 3; t++) {
		pairs[t] = xmalloc((ctx->procs.n + 1) * sizeof(*pairs[t]));
		npairs[t] = a->unknown ? 0 : pairs_of(ctx, t, pairs[t]);
	}
	if (ctx->views.nsets)
		sc = sets_ct(&ctx->views, pairs[1], npairs[1]);
	for (size_t i = 0; i < ctx->objs.n; i++) {
		struct obj *o = &ctx->objs.v[i];
		const char *type;
		uint64_t ino = attrib_obj_ns(ctx, o, &type);
		int t = type[0] == 'i' ? 0 : type[0] == 'm' ? 1 : 2;
		struct ctlist l = { NULL, 0 };

		free(o->ct);
		o->ct = NULL;
		o->nct = 0;
		o->ct_unknown = a->unknown || !ino;
		if (o->ct_unknown)
			continue;
		/* pairs sort by entry within an inode: display order */
		take_ns(&l, pairs[t], npairs[t], ino);
		if (t == 1 && sc)
			take_views(&l, o, &ctx->views, sc);
		o->ct = l.v;
		o->nct = l.n;
	}
	for (size_t i = 0; sc && i < ctx->views.nsets; i++)
		free(sc[i].v);
	free(sc);
	for (int t = 0; t < 3; t++)
		free(pairs[t]);
}

/* ------------------------------------------------------ the processes */

/* One distinct cgroup file text and what it gave. */
struct cg_seen {
	uint64_t hash;
	char *text;
	size_t len;
	int ct;		/* entry, CT_IDX_NONE or CT_IDX_SKIP (monitor) */
};

static int proc_ct(struct attrib *a, struct cg_seen **seen, size_t *nseen,
		   const struct ct_names *names, const char *text, size_t len)
{
	uint64_t h = fnv1a(text, len);
	struct container_ref ref;
	struct cg_seen *s;

	for (size_t i = 0; i < *nseen; i++) {
		s = &(*seen)[i];
		if (s->hash == h && s->len == len && !memcmp(s->text, text, len))
			return s->ct;
	}
	container_parse_cgroup(text, len, &ref);
	container_name(names, &ref);
	*seen = xrealloc(*seen, (*nseen + 1) * sizeof(**seen));
	s = &(*seen)[(*nseen)++];
	s->hash = h;
	s->text = xmalloc(len + 1);
	memcpy(s->text, text, len);
	s->text[len] = '\0';
	s->len = len;
	s->ct = attrib_proc_ct(a, &ref);
	return s->ct;
}

void attrib_run(struct scan_ctx *ctx)
{
	struct attrib *a = &ctx->attrib;
	const char *root = ctx->set.root;
	struct cg_seen *seen = NULL;
	struct ct_names *names;
	size_t nseen = 0;
	uint64_t cgns;
	int r;

	attrib_free(a);
	if (ctx->procs_failed) {
		/* no process is known to be anywhere: that proves no host
		 * object (the scan has warned) */
		a->unknown = true;
		attrib_objects(ctx);
		return;
	}
	r = container_cgroupns_initial(root, &cgns);
	if (r != 1) {
		a->unknown = true;
		if (r == 0)
			diag_warn(&ctx->diag, "container attribution unknown: "
				  "ipcscan runs in a cgroup namespace "
				  "(cgroup:[%llu]) other than the initial "
				  "one, where cgroup paths are relative",
				  (unsigned long long)cgns);
		else
			diag_warn(&ctx->diag, "container attribution unknown: "
				  "cannot tell ipcscan's cgroup namespace: %s",
				  strerror(-r));
		attrib_objects(ctx);
		return;
	}
	names = ct_names_load(root, NULL);
	a->npct = ctx->procs.n;
	a->pct = xmalloc((a->npct + 1) * sizeof(*a->pct));
	for (size_t i = 0; i < ctx->procs.n; i++) {
		const struct proc *p = &ctx->procs.v[i];
		char path[4096], rel[48], *buf;
		ssize_t n;

		a->pct[i] = CT_IDX_SKIP;
		if (!attrib_proc_placeable(a, p))
			continue;
		snprintf(rel, sizeof(rel), "/proc/%d/cgroup", (int)p->pid);
		if (root_path(path, sizeof(path), root, rel))
			continue;
		n = read_file(path, &buf);
		if (n < 0) {
			/* gone meanwhile: it sees nothing now; else it is
			 * a process we cannot place */
			if (n != -ENOENT && n != -ESRCH) {
				struct container_ref u;

				container_parse_cgroup("", 0, &u);
				a->pct[i] = attrib_add(a, &u);
			}
			continue;
		}
		a->pct[i] = proc_ct(a, &seen, &nseen, names, buf, (size_t)n);
		free(buf);
	}
	for (size_t i = 0; i < nseen; i++)
		free(seen[i].text);
	free(seen);
	ct_names_free(names);
	attrib_objects(ctx);
}

/* ---------------------------------------------------------------- -C */

static bool is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

int attrib_what_check(const char *what)
{
	size_t n = strlen(what);

	if (!n || n > CT_K8S_NAME_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)what[i] <= ' ' ||
		    (unsigned char)what[i] >= 0x7f)
			return -EINVAL;
	return 0;
}

static bool prefix_of(const char *what, size_t n, const char *id)
{
	return n >= 4 && *id && !strncmp(id, what, n);
}

static bool ref_match(const struct container_ref *r, const char *what)
{
	size_t n = strlen(what);
	bool hex = is_hex(what, n);

	if (r->engine == CT_UNKNOWN)
		return false;
	if (hex && (prefix_of(what, n, r->id) || prefix_of(what, n, r->pod_id)
		    || prefix_of(what, n, r->inner_id)))
		return true;
	return (*r->name && !strcmp(r->name, what)) ||
	       (*r->inner_name && !strcmp(r->inner_name, what)) ||
	       (*r->pod_name && !strcmp(r->pod_name, what)) ||
	       (*r->pod_uid && !strcmp(r->pod_uid, what)) ||
	       (*r->inner_pod_uid && !strcmp(r->inner_pod_uid, what));
}

bool attrib_match(const struct attrib *a, const struct obj *o,
		  const char *what)
{
	if (o->ct_unknown || !a->ran)
		return false;
	if (!strcmp(what, "host"))
		return o->nct == 0;
	for (unsigned i = 0; i < o->nct; i++)
		if (ref_match(&a->v[o->ct[i]].ref, what))
			return true;
	return false;
}
