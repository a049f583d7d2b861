/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hostsrc.c - the file side of the whole host: a source per /dev/shm tmpfs. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostsrc.h"
#include "kinds.h"
#include "posix.h"
#include "saferoot.h"
#include "util.h"

void hostsrc_on_mount(const struct nsd_mountinfo *mi, ino_t mntns,
		      pid_t pid, pid_t tid, void *arg)
{
	struct hostsrc *h = arg;

	(void)mi;
	(void)tid;
	/* called per line: the lines of one reader come in a row */
	if (h->n && h->v[h->n - 1].mntns == mntns && h->v[h->n - 1].pid == pid)
		return;
	for (size_t i = 0; i < h->n; i++)
		if (h->v[i].mntns == mntns && h->v[i].pid == pid)
			return;
	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 16;
		h->v = xrealloc(h->v, h->cap * sizeof(*h->v));
	}
	h->v[h->n].mntns = mntns;
	h->v[h->n].pid = pid;
	h->n++;
}

void hostsrc_free(struct hostsrc *h)
{
	for (size_t i = 0; i < h->nsrc; i++)
		source_free(&h->src[i]);
	free(h->src);
	free(h->v);
	memset(h, 0, sizeof(*h));
}

static int by_pid(const void *a, const void *b)
{
	const struct hostsrc_view *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* The directories already taken, by (dev, ino): one source each. */
struct seen {
	struct { dev_t dev; ino_t ino; } *v;
	size_t n;
};

static bool seen_add(struct seen *s, dev_t dev, ino_t ino)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].dev == dev && s->v[i].ino == ino)
			return false;
	s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	s->v[s->n].dev = dev;
	s->v[s->n].ino = ino;
	s->n++;
	return true;
}

static struct source *add_source(struct hostsrc *h)
{
	struct source *s;

	h->src = xrealloc(h->src, (h->nsrc + 1) * sizeof(*h->src));
	s = &h->src[h->nsrc++];
	memset(s, 0, sizeof(*s));
	s->ipc.fd = s->mnt.fd = s->net.fd = -1;
	return s;
}

/* One view's /dev/shm: a new source, a duplicate (nothing), or refused
 * (a warning, or a partial view). */
static void view_shm(struct hostsrc *h, const struct nsd_result *res,
		     const struct sr_mounts *mounts,
		     const struct hostsrc_view *v, struct seen *seen,
		     struct diag *dg)
{
	char why[SR_WHY_MAX];
	const struct nsd_ns *ns;
	struct sr_root root;
	struct sr_dir d, *kept;
	struct source *s;
	int r;

	r = sr_root_open(&root, "/proc", v->pid, 0, why, sizeof(why));
	if (r) {
		/* its view may still be some other task's: cannot tell */
		diag_partial(dg, "/dev/shm of mount namespace "
			     "mnt:[%llu] not read: %s",
			     (unsigned long long)v->mntns, why);
		return;
	}
	r = sr_dir_open(&root, "dev/shm", SR_USE_SHM, mounts, &d, why,
			sizeof(why));
	sr_root_close(&root);
	if (r == SR_MISSING)
		return;		/* no /dev/shm there: shm_open cannot work */
	if (r < 0 || r == SR_GONE || !mounts) {
		diag_partial(dg, "/dev/shm of mount namespace "
			     "mnt:[%llu] not read: %s",
			     (unsigned long long)v->mntns, why);
		return;
	}
	if (r) {
		/* not a shm directory: nothing in it is a POSIX object */
		diag_warn(dg, "skipped: %s (mount namespace "
			  "mnt:[%llu]): its files are not listed", why,
			  (unsigned long long)v->mntns);
		return;
	}
	if (!seen_add(seen, d.dev, d.ino)) {
		sr_dir_close(&d);
		return;
	}
	s = add_source(h);
	s->root = "";
	s->syscalls = true;
	s->shm_dir = "/dev/shm";
	s->pid = v->pid;
	s->mnt.ino = v->mntns;
	ns = nsd_find(res, NSD_MNT, v->mntns);
	if (ns && ns->fd >= 0)
		s->mnt.fd = fcntl(ns->fd, F_DUPFD_CLOEXEC, 3);
	kept = xmalloc(sizeof(*kept));
	*kept = d;
	s->shm = kept;
}

void hostsrc_add_shm(struct hostsrc *h, const struct nsd_result *res,
		     struct diag *dg)
{
	struct sr_mounts *mounts = NULL;
	struct seen seen = { 0 };
	struct stat st;
	int r;

	/* ours: read by path by the own source */
	if (!stat("/dev/shm", &st))
		seen_add(&seen, st.st_dev, st.st_ino);
	r = sr_mounts_load("/proc/self/mountinfo", &mounts);
	if (r < 0) {
		diag_partial(dg, "the /dev/shm of other mount "
			     "namespaces not read: our mount table "
			     "(/proc/self/mountinfo): %s", strerror(-r));
		free(seen.v);
		return;
	}
	qsort(h->v, h->n, sizeof(*h->v), by_pid);
	for (size_t i = 0; i < h->n; i++)
		view_shm(h, res, mounts, &h->v[i], &seen, dg);
	sr_mounts_free(mounts);
	free(seen.v);
}

void hostsrc_collect_shm(struct hostsrc *h, const struct scan_settings *set,
			 struct objset *out, struct diag *dg)
{
	struct scan_settings shm = *set;

	shm.kinds &= KMASK(KIND_PSHM) | KMASK(KIND_PSEM);
	for (size_t i = 0; i < h->nsrc; i++) {
		size_t n0 = out->n;

		if (!h->src[i].shm)
			continue;
		posix_collect(&shm, &h->src[i], out, dg);
		for (size_t j = n0; j < out->n; j++)
			out->v[j].src = (uint32_t)i;
	}
}

void hostsrc_merge(struct scan_ctx *ctx, struct hostsrc *h,
		   struct objset *objs)
{
	size_t base = ctx->nsrc;

	for (size_t j = 0; j < objs->n; j++)
		objs->v[j].src += (uint32_t)base;
	objset_move(&ctx->objs, objs);
	if (!h->nsrc)
		return;
	ctx->src = xrealloc(ctx->src,
			    (ctx->nsrc + h->nsrc) * sizeof(*ctx->src));
	memcpy(ctx->src + ctx->nsrc, h->src, h->nsrc * sizeof(*h->src));
	ctx->nsrc += h->nsrc;
	free(h->src);
	h->src = NULL;
	h->nsrc = 0;
}
