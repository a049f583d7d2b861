/* SPDX-License-Identifier: GPL-2.0-or-later */
/* holders_bpf.c - the holder pass on BPF task iterators: load, fill, read. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "fsutil.h"
#include "hash.h"
#include "holders.h"
#include "holders_bpf.h"
#include "kinds.h"
#include "nsdisc.h"
#include "saferoot.h"
#include "scan.h"
#include "util.h"

#include "bpf/holders_bpf.h"
#include "holders.skel.h"	/* generated in the build dir */

#define BTF_PATH "/sys/kernel/btf/vmlinux"

/* Smallest map size; a pass with more keys of a set reloads bigger. */
#define MIN_CAP 1024

struct keyset {
	void *keys;		/* this run's keys, of @size bytes each */
	size_t n, cap, size;
	void *old;		/* what the map holds from the last run */
	size_t nold, capold;
};

struct holders_bpf {
	struct holders_bpf_skel *skel;	/* see holders.skel.h */
	struct bpf_link *ltasks, *lmaps;
	size_t cap;			/* max_entries of every map */
	uint32_t sock_dev;		/* sockfs's, kernel encoding; 0 unknown */
	uint32_t ns_dev;		/* nsfs's, the same; 0 unknown */
	struct keyset files, socks, sysv, nsk;
	struct hbpf_counts counts;
};

/* libbpf's messages, kept (not printed) so that a refusal can say why:
 * the last line it logged at warning level. */
static char last_msg[256];

static int keep_msg(enum libbpf_print_level level, const char *fmt,
		    va_list ap)
{
	char line[sizeof(last_msg)];
	size_t n;

	if (level != LIBBPF_WARN)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == ' '))
		line[--n] = '\0';
	if (n)
		memcpy(last_msg, line, n + 1);
	return 0;
}

uint32_t hbpf_kdev(dev_t d)
{
	return (uint32_t)(major(d) << 20 | (minor(d) & 0xfffff));
}

/* The program's dev_bit(): where a device sits in the Bloom filter. */
static unsigned hbpf_dev_bit(uint32_t dev)
{
	return (unsigned)(((uint64_t)dev * HB_BLOOM_MUL) >> 58);
}

/* CAP_BPF with CAP_PERFMON (Linux 5.8), or CAP_SYS_ADMIN, effective. */
static bool may_load(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2] = { { 0 } };
	uint64_t eff;

	if (syscall(SYS_capget, &h, d))
		return geteuid() == 0;
	eff = (uint64_t)d[1].effective << 32 | d[0].effective;
#define HAS(c) ((eff >> (c)) & 1)
	return HAS(21 /* CAP_SYS_ADMIN */) ||
	       (HAS(39 /* CAP_BPF */) && HAS(38 /* CAP_PERFMON */));
#undef HAS
}

static void unload(struct holders_bpf *hb)
{
	bpf_link__destroy(hb->ltasks);
	bpf_link__destroy(hb->lmaps);
	holders_bpf_skel__destroy(hb->skel);
	hb->ltasks = hb->lmaps = NULL;
	hb->skel = NULL;
	/* new maps start empty */
	hb->files.nold = hb->socks.nold = hb->sysv.nold = hb->nsk.nold = 0;
}

static void load_why(char *why, size_t len, const char *what, int err)
{
	if (last_msg[0])
		snprintf(why, len, "%s: %s", what, last_msg);
	else
		snprintf(why, len, "%s: %s", what, strerror(err));
}

/* Open, size, verify and attach the programs; maps of @cap entries. */
static int load(struct holders_bpf *hb, size_t cap, char *why, size_t len)
{
	libbpf_print_fn_t old = libbpf_set_print(keep_msg);
	struct holders_bpf_skel *s;
	int err;

	last_msg[0] = '\0';
	s = holders_bpf_skel__open();
	if (!s) {
		err = errno ? errno : EINVAL;
		load_why(why, len, "cannot open the BPF programs", err);
		goto fail;
	}
	hb->skel = s;
	s->rodata->nr_semop = SYS_semop;
	s->rodata->nr_semtimedop = SYS_semtimedop;
	s->rodata->nr_msgsnd = SYS_msgsnd;
	s->rodata->nr_msgrcv = SYS_msgrcv;
	bpf_map__set_max_entries(s->maps.files, (uint32_t)cap);
	bpf_map__set_max_entries(s->maps.socks, (uint32_t)cap);
	bpf_map__set_max_entries(s->maps.sysv, (uint32_t)cap);
	bpf_map__set_max_entries(s->maps.nsknown, (uint32_t)cap);
	err = holders_bpf_skel__load(s);
	if (err) {
		err = -err;
		load_why(why, len, "the kernel refused the BPF programs", err);
		goto fail;
	}
	hb->ltasks = bpf_program__attach_iter(s->progs.hb_tasks, NULL);
	hb->lmaps = hb->ltasks ?
		bpf_program__attach_iter(s->progs.hb_maps, NULL) : NULL;
	if (!hb->lmaps) {
		err = errno ? errno : EINVAL;
		load_why(why, len, "no BPF task iterators here", err);
		goto fail;
	}
	hb->cap = cap;
	libbpf_set_print(old);
	return 0;
fail:
	unload(hb);
	libbpf_set_print(old);
	return -err;
}

/* The device of sockfs, the one superblock of every socket (stat of a
 * socket gives it, as for any file system without a getattr of its
 * own); 0 when no socket can be made, and the program then asks each
 * superblock's magic. */
static uint32_t sockfs_dev(void)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct stat st;
	uint32_t d = 0;

	if (fd < 0)
		return 0;
	if (!fstat(fd, &st) && S_ISSOCK(st.st_mode))
		d = hbpf_kdev(st.st_dev);
	close(fd);
	return d;
}

/* The device of nsfs, the one superblock of every namespace file. */
static uint32_t nsfs_dev(void)
{
	struct stat st;

	return stat("/proc/self/ns/ipc", &st) ? 0 : hbpf_kdev(st.st_dev);
}

struct holders_bpf *holders_bpf_open(size_t nkeys, char *why, size_t whylen)
{
	struct holders_bpf *hb;
	size_t cap = MIN_CAP;

	if (!may_load()) {
		snprintf(why, whylen, "not root: loading BPF programs needs "
			 "CAP_BPF and CAP_PERFMON");
		return NULL;
	}
	if (access(BTF_PATH, R_OK)) {
		snprintf(why, whylen, "no kernel BTF (%s: %s)", BTF_PATH,
			 strerror(errno));
		return NULL;
	}
	hb = xcalloc(1, sizeof(*hb));
	hb->files.size = sizeof(struct hb_file_key);
	hb->socks.size = sizeof(__u64);
	hb->sysv.size = sizeof(struct hb_sysv_key);
	hb->nsk.size = sizeof(struct hb_ns_key);
	while (cap < nkeys)
		cap *= 2;
	hb->sock_dev = sockfs_dev();
	hb->ns_dev = nsfs_dev();
	if (load(hb, cap, why, whylen)) {
		free(hb);
		return NULL;
	}
	return hb;
}

void holders_bpf_close(struct holders_bpf *hb)
{
	if (!hb)
		return;
	unload(hb);
	free(hb->files.keys);
	free(hb->socks.keys);
	free(hb->sysv.keys);
	free(hb->nsk.keys);
	free(hb->files.old);
	free(hb->socks.old);
	free(hb->sysv.old);
	free(hb->nsk.old);
	free(hb);
}

void holders_bpf_counts(const struct holders_bpf *hb, struct hbpf_counts *c)
{
	*c = hb->counts;
}

static void *ks_slot(struct keyset *ks)
{
	if (ks->n == ks->cap) {
		ks->cap = ks->cap ? ks->cap * 2 : 256;
		ks->keys = xrealloc(ks->keys, ks->cap * ks->size);
	}
	return (char *)ks->keys + ks->n++ * ks->size;
}

/* Delete @n keys of @ks->size bytes at @keys from @fd: in batches, one
 * key at a time where there are none (before 5.6); a key that is not
 * there (a repeated key: hard links share one) is stepped over. */
static int delete_keys(int fd, const struct keyset *ks, const char *keys,
		       size_t n)
{
	size_t i = 0;

	while (i < n) {
		__u32 count = (__u32)(n - i);
		int r = bpf_map_delete_batch(fd, keys + i * ks->size, &count,
					     NULL);

		if (!r)
			return 0;
		if (errno == ENOENT) {
			i += count + 1;
			continue;
		}
		if (errno != EINVAL && errno != ENOTSUP && errno != EOPNOTSUPP)
			return -errno;
		for (; i < n; i++)
			if (bpf_map_delete_elem(fd, keys + i * ks->size) &&
			    errno != ENOENT)
				return -errno;
	}
	return 0;
}

/* Replace what @map holds (the last run's keys) with @ks's keys. */
static int fill(struct bpf_map *map, struct keyset *ks)
{
	int fd = bpf_map__fd(map);
	char *k = ks->keys;
	__u8 one = 1;
	__u32 count;
	uint8_t *vals;
	size_t c;
	void *t;
	int r;

	/* a gc re-check runs the pass again on the same objects: most
	 * keys come straight back, but the map has room for one set */
	r = delete_keys(fd, ks, ks->old, ks->nold);
	if (r)
		return r;
	ks->nold = 0;
	if (ks->n) {
		count = (__u32)ks->n;
		vals = xmalloc(ks->n);
		memset(vals, one, ks->n);
		r = bpf_map_update_batch(fd, k, vals, &count, NULL);
		free(vals);
		/* no batch operations (before 5.6): one at a time */
		for (size_t i = 0; r && i < ks->n; i++)
			if (bpf_map_update_elem(fd, k + i * ks->size, &one,
						BPF_ANY))
				return -errno;
	}
	/* what the map holds now is what the next run deletes */
	t = ks->old;
	ks->old = ks->keys;
	ks->keys = t;
	ks->nold = ks->n;
	c = ks->capold;
	ks->capold = ks->cap;
	ks->cap = c;
	return 0;
}

struct rdbuf {
	char *p;
	size_t n, cap;
};

/* Read one iterator to its end. */
static int read_iter(struct bpf_link *link, struct rdbuf *b)
{
	int fd = bpf_iter_create(bpf_link__fd(link));
	int err = 0;

	if (fd < 0)
		return fd;
	for (;;) {
		ssize_t n;

		if (b->cap - b->n < 65536) {
			b->cap = b->cap ? b->cap * 2 : 1 << 17;
			b->p = xrealloc(b->p, b->cap);
		}
		n = read(fd, b->p + b->n, b->cap - b->n);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		if (!n)
			break;
		b->n += (size_t)n;
	}
	close(fd);
	return err;
}

/* A task whose fd table a visit could not walk to its end: the next
 * read takes it alone, from fd @fd on. */
struct more {
	uint32_t tid, fd;
};

struct morev {
	struct more *v;
	size_t n, cap;
};

/* One task's fd table from fd @m.fd on: the task program, in resume
 * mode, on an iterator of that task alone (Linux 6.1). */
static int resume(struct holders_bpf *hb, struct more m, struct rdbuf *b)
{
	DECLARE_LIBBPF_OPTS(bpf_iter_attach_opts, opts);
	union bpf_iter_link_info li = { 0 };
	struct bpf_link *link;
	int r;

	li.task.tid = m.tid;
	opts.link_info = &li;
	opts.link_info_len = sizeof(li);
	link = bpf_program__attach_iter(hb->skel->progs.hb_tasks, &opts);
	if (!link)
		return errno ? -errno : -EINVAL;
	hb->skel->bss->resuming = 1;
	hb->skel->bss->resume_fd = m.fd;
	r = read_iter(link, b);
	hb->skel->bss->resuming = 0;
	bpf_link__destroy(link);
	return r;
}

static const enum via how_via[] = {
	[HB_FD] = VIA_FD,
	[HB_MAP] = VIA_MAP,
	[HB_ATTACH] = VIA_ATTACH,
	[HB_WAIT] = VIA_WAIT,
};

/* Records of @b from @from on into matches; HB_MORE records into @more,
 * HB_SET_NS ones into @nsq (the first process in pid order). */
static void take(const struct rdbuf *b, size_t from, struct hbpf_match **out,
		 size_t *n, size_t *cap, struct morev *more,
		 struct hbpf_nsq *nsq)
{
	for (size_t off = from; off + sizeof(struct hb_rec) <= b->n;
	     off += sizeof(struct hb_rec)) {
		struct hb_rec r;
		struct hbpf_match *m;

		memcpy(&r, b->p + off, sizeof(r));
		if (r.how == HB_MORE) {
			if (more->n == more->cap) {
				more->cap = more->cap ? more->cap * 2 : 16;
				more->v = xrealloc(more->v, more->cap *
						   sizeof(*more->v));
			}
			more->v[more->n++] = (struct more){ r.tid,
							    (uint32_t)r.b };
			continue;
		}
		if (r.set == HB_SET_NS) {
			if (nsq && (pid_t)r.tgid != nsq->unread &&
			    (!nsq->missed ||
				    (pid_t)r.tgid < nsq->missed_pid)) {
				nsq->missed = true;
				nsq->missed_pid = (pid_t)r.tgid;
			}
			continue;
		}
		if (r.how < HB_FD || r.how > HB_WAIT || r.set < HB_SET_FILE ||
		    r.set > HB_SET_MSG)
			continue;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 256;
			*out = xrealloc(*out, *cap * sizeof(**out));
		}
		m = &(*out)[(*n)++];
		*m = (struct hbpf_match){
			.pid = (pid_t)r.tgid,
			.tid = (pid_t)r.tid,
			.via = how_via[r.how],
			.set = (enum hbpf_set)r.set,
			.a = r.a,
			.b = r.b,
			.has_key = r.flags & HB_F_KEY,
			.sysv_key = r.sysv_key,
			.seg_ns = r.seg_ns,
		};
	}
}

int holders_bpf_run(struct holders_bpf *hb, const struct hbpf_key *keys,
		    size_t nkeys, bool waits, struct hbpf_nsq *nsq,
		    struct hbpf_match **out, size_t *nout, char *why,
		    size_t whylen)
{
	struct keyset *ks[] = { &hb->files, &hb->socks, &hb->sysv, &hb->nsk };
	struct bpf_link *links[2];
	struct morev more = { 0 };
	size_t need = 0, n = 0, cap = 0;
	struct holders_bpf_skel__bss *bss;
	bool any_wait = false;
	struct rdbuf b = { 0 };
	int r = 0;

	*out = NULL;
	*nout = 0;
	for (int i = 0; i < 4; i++)
		ks[i]->n = 0;
	if (nsq) {
		nsq->missed = false;
		nsq->missed_pid = 0;
		for (size_t i = 0; i < nsq->nknown; i++)
			*(struct hb_ns_key *)ks_slot(&hb->nsk) =
				(struct hb_ns_key){ .ino = nsq->known[i].ino,
						    .type = nsq->known[i].type };
	}
	for (size_t i = 0; i < nkeys; i++) {
		const struct hbpf_key *k = &keys[i];

		switch (k->set) {
		case HBPF_FILE: {
			struct hb_file_key *f = ks_slot(&hb->files);

			*f = (struct hb_file_key){ .dev = (__u32)k->a,
						   .ino = k->b };
			break;
		}
		case HBPF_SOCK:
			*(__u64 *)ks_slot(&hb->socks) = k->b;
			break;
		case HBPF_SHM:
		case HBPF_SEM:
		case HBPF_MSG: {
			struct hb_sysv_key *s = ks_slot(&hb->sysv);

			*s = (struct hb_sysv_key){ .ipcns = k->a,
						   .id = (__u32)k->b,
						   .set = k->set };
			any_wait |= k->set != HBPF_SHM;
			break;
		}
		}
	}
	for (int i = 0; i < 4; i++)
		need = ks[i]->n > need ? ks[i]->n : need;
	if (need > hb->cap) {
		size_t c = hb->cap;

		while (c < need)
			c *= 2;
		unload(hb);
		r = load(hb, c, why, whylen);
		if (r)
			return r;
	}
	if ((r = fill(hb->skel->maps.files, &hb->files)) ||
	    (r = fill(hb->skel->maps.socks, &hb->socks)) ||
	    (r = fill(hb->skel->maps.sysv, &hb->sysv)) ||
	    (r = fill(hb->skel->maps.nsknown, &hb->nsk))) {
		snprintf(why, whylen, "cannot fill the BPF match sets: %s",
			 strerror(-r));
		return r;
	}
	bss = hb->skel->bss;
	bss->have_files = hb->files.n > 0;
	bss->have_socks = hb->socks.n > 0;
	bss->have_shm = hb->sysv.n > 0;
	bss->have_waits = waits && any_wait;
	bss->sysv_any_ns = 0;
	for (size_t i = 0; i < hb->sysv.n; i++)
		if (!((struct hb_sysv_key *)hb->sysv.old)[i].ipcns)
			bss->sysv_any_ns = 1;
	bss->last_tgid = 0;
	bss->last_dev = bss->last_ino = 0;
	bss->sock_dev = hb->sock_dev;
	bss->dev_bloom = 0;
	for (size_t i = 0; i < hb->files.n; i++)
		bss->dev_bloom |= 1ull << hbpf_dev_bit(
			((struct hb_file_key *)hb->files.old)[i].dev);
	/* the types of the HK_FILE kinds' objects (kinds.h) and of
	 * sockets: fds of other files (ttys, /dev/null, directories,
	 * anonymous inodes) cannot match and are not looked up */
	bss->file_types = 1u << (S_IFREG >> 12) | 1u << (S_IFIFO >> 12) |
			  1u << (S_IFSOCK >> 12);
	bss->have_ns = nsq != NULL;
	bss->ns_dev = hb->ns_dev;
	bss->ns_types = nsq ? nsq->types : 0;
	bss->resuming = 0;
	memset(&bss->counts, 0, sizeof(bss->counts));

	links[0] = (hb->files.n || hb->socks.n || bss->have_waits || nsq) ?
		   hb->ltasks : NULL;
	links[1] = (hb->files.n || hb->sysv.n) ? hb->lmaps : NULL;
	for (int i = 0; i < 2 && !r; i++) {
		if (!links[i])
			continue;
		r = read_iter(links[i], &b);
		if (r) {
			snprintf(why, whylen, "reading a BPF iterator "
				 "failed: %s", strerror(-r));
			break;
		}
		take(&b, 0, out, &n, &cap, &more, nsq);
		b.n = 0;	/* taken: the buffer is reused */
	}
	/* fd tables too big for one visit, each read again alone from
	 * where the last visit stopped (which may stop again, further on) */
	for (size_t i = 0; i < more.n && !r; i++) {
		r = resume(hb, more.v[i], &b);
		if (r) {
			snprintf(why, whylen, "reading the rest of the fd "
				 "table of task %u failed: %s", more.v[i].tid,
				 strerror(-r));
			break;
		}
		take(&b, 0, out, &n, &cap, &more, nsq);
		b.n = 0;
	}
	free(more.v);
	free(b.p);
	hb->counts = (struct hbpf_counts){
		.fds = bss->counts.fds,
		.vmas = bss->counts.vmas,
		.tasks = bss->counts.tasks,
		.matches = n,
	};
	if (r) {
		free(*out);
		*out = NULL;
		return r;
	}
	*nout = n;
	return 0;
}

/* ---- the walk of the holder pass, from the iterators ---- */

/* The objects the /proc pass matches, as lookup tables and keys, by
 * the holder keys of their rows (kinds.h), as holders.c indexes them. */
struct wlook {
	struct pairmap files;	/* (dev_key, ino) */
	struct pairmap ids;	/* (kind, SysV id or socket inode) */
	struct hbpf_key *keys;
	size_t nkeys, cap;
	kindmask_t set_kinds[HBPF_MSG + 1];	/* the kinds in each set */
	kindmask_t waits;	/* kinds some object of may have a waiter */
	bool wait_threads;	/* one of them counts no waiters */
	/* a kind waits in calls the BPF program does not watch */
	const char *unwatched;
};

static void add_key(struct wlook *w, enum hbpf_set set, uint64_t a,
		    uint64_t b)
{
	if (w->nkeys == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->keys = xrealloc(w->keys, w->cap * sizeof(*w->keys));
	}
	w->keys[w->nkeys++] = (struct hbpf_key){ set, a, b };
}

/* The set the BPF program reports a kind's blocked calls in: it sorts
 * them by the call numbers load() gives it. 0 if it watches none. */
static enum hbpf_set wait_set(const struct kind_ops *ko)
{
	for (size_t c = 0; c < WAIT_CALLS; c++) {
		long nr = ko->wait_calls[c];

		if (nr < 0)
			continue;
		if (nr == SYS_semop || nr == SYS_semtimedop)
			return HBPF_SEM;
		if (nr == SYS_msgrcv || nr == SYS_msgsnd)
			return HBPF_MSG;
	}
	return 0;
}

static void wlook_build(struct wlook *w, const struct scan_ctx *ctx)
{
	for (size_t i = 0; i < ctx->objs.n; i++) {
		const struct obj *o = &ctx->objs.v[i];
		const struct kind_ops *ko = kind_ops[o->kind];
		unsigned keys = ko->holder_keys;
		uint32_t idx = (uint32_t)i;
		/* ids are per IPC namespace: the object's own */
		uint64_t ipcns = ctx->src[o->src].ipc.ino;

		if ((keys & (HK_SYSV_MAP | HK_SYSV_WAIT)) && o->id >= 0) {
			pairmap_put(&w->ids,
				    holders_sysv_a(o->kind, o->src),
				    (uint32_t)o->id, idx);
			if (keys & HK_SYSV_MAP) {
				add_key(w, HBPF_SHM, ipcns, (uint32_t)o->id);
				w->set_kinds[HBPF_SHM] |= KMASK(o->kind);
			}
		}
		if ((keys & HK_SYSV_WAIT) && o->id >= 0) {
			enum hbpf_set s = wait_set(ko);

			if (!s) {
				w->unwatched = ko->name;
			} else {
				add_key(w, s, ipcns, (uint32_t)o->id);
				w->set_kinds[s] |= KMASK(o->kind);
			}
			/* GETNCNT/GETZCNT said nobody waits (holders.c) */
			if (!ko->may_wait || ko->may_wait(o)) {
				w->waits |= KMASK(o->kind);
				w->wait_threads |= (ko->flags &
						    KF_UNCOUNTED) != 0;
			}
		}
		if ((keys & HK_SOCKET) && o->inode) {
			pairmap_put(&w->ids, o->kind, o->inode, idx);
			add_key(w, HBPF_SOCK, 0, o->inode);
			w->set_kinds[HBPF_SOCK] |= KMASK(o->kind);
		}
		if (keys & HK_FILE) {
			pairmap_put(&w->files, dev_key_of(o->dev), o->ino, idx);
			add_key(w, HBPF_FILE, hbpf_kdev(o->dev), o->ino);
		}
	}
}

/* A holder found, with where it goes in the order of one /proc walk:
 * process by process (pid order), within one fds, then maps, then
 * blocked calls, each in the order the kernel gave them. */
struct wrec {
	pid_t pid;
	unsigned phase;
	size_t seq;
	uint32_t idx;
	enum via via;
};

static int wrec_cmp(const void *pa, const void *pb)
{
	const struct wrec *a = pa, *b = pb;

	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	if (a->phase != b->phase)
		return a->phase < b->phase ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* As in holders.c: a main thread that is running or dead is blocked in
 * no call, and the /proc pass does not ask it. */
static bool may_wait(char state)
{
	return state != 'R' && state != 'Z' && state != 'X';
}

/* Would the /proc pass have seen match @m of process @p? */
static bool proc_pass_sees(const struct wlook *w, const struct proc *p,
			   const struct hbpf_match *m)
{
	if (proc_exited(p))
		return false;
	if (m->via != VIA_WAIT)
		return true;
	if (!w->waits)
		return false;
	if (m->tid == m->pid)
		return may_wait(p->state);
	/* other threads are read only when queues exist */
	return w->wait_threads && p->nlwp != 1;
}

/* A copy of @rec for each object under (a, b) of @pm. */
static void add_recs(const struct pairmap *pm, uint64_t a, uint64_t b,
		     struct wrec *rec, struct wrec **v, size_t *nv,
		     size_t *cap)
{
	size_t pos = 0;

	while (pairmap_next(pm, a, b, &pos, &rec->idx)) {
		if (*nv == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			*v = xrealloc(*v, *cap * sizeof(**v));
		}
		(*v)[(*nv)++] = *rec;
	}
}

/* btrfs and overlayfs: stat gives another device than the superblock's,
 * which is what the kernel side compares (see comparable_files). */
#define BTRFS_MAGIC		0x9123683e
#define OVERLAYFS_MAGIC		0x794c7630

/*
 * A file object of another namespace's source: its path is valid only in
 * that mount namespace, so it is never opened here. Its /dev/shm is a
 * tmpfs and its queues are on mqueue (both checked when the source was
 * made), and the socket-dir walk enters no mount but a tmpfs, so only a
 * FIFO in a socket dir on the container's own root file system (an
 * overlay, often) can be on a file system the iterators would not match:
 * then the pass is not comparable, as for one of ours (a FIFO on a tmpfs
 * mounted below that dir is taken to be there too: the cautious side).
 */
static int foreign_comparable(const struct source *src, const struct obj *o,
			      char *why, size_t whylen)
{
	if (o->kind != KIND_FIFO)
		return 0;
	for (size_t i = 0; i < src->nsockdirs && o->path; i++) {
		unsigned long t = src->sockdirs[i].fstype;
		size_t l = strlen(src->sockdir_paths[i]);

		if ((t != BTRFS_MAGIC && t != OVERLAYFS_MAGIC) ||
		    strncmp(o->path, src->sockdir_paths[i], l) ||
		    o->path[l] != '/')
			continue;
		snprintf(why, whylen, "FIFOs in pid %d's %s are on %s, where "
			 "stat and the kernel give different device numbers",
			 (int)src->pid, src->sockdir_paths[i],
			 t == BTRFS_MAGIC ? "btrfs" : "overlayfs");
		return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * The iterators match a file by its superblock's s_dev, the /proc pass
 * and the collectors by stat's st_dev. Those agree on tmpfs, mqueue and
 * every file system whose getattr keeps the generic device, not on btrfs
 * (a device per subvolume) or overlayfs (the device of a layer): a FIFO
 * there would lose its holders. Each file object's file system is
 * looked at once per device, through the entry itself (O_PATH, never
 * following a link), and must still be the file that was collected.
 * Returns 0, or -EOPNOTSUPP with why.
 */
static int comparable_files(const struct scan_ctx *ctx, char *why,
			    size_t whylen)
{
	dev_t seen[16];
	size_t nseen = 0;
	int r;

	for (size_t i = 0; i < ctx->objs.n; i++) {
		const struct obj *o = &ctx->objs.v[i];
		struct statfs sf;
		struct stat st;
		bool known = false;
		int fd;

		if (!(kind_ops[o->kind]->holder_keys & HK_FILE))
			continue;
		if (o->src < ctx->nsrc && !ctx->src[o->src].own) {
			r = foreign_comparable(&ctx->src[o->src], o, why,
					       whylen);
			if (r)
				return r;
			continue;
		}
		for (size_t k = 0; k < nseen && !known; k++)
			known = seen[k] == o->dev;
		if (known)
			continue;
		fd = o->path ? open(o->path, O_PATH | O_NOFOLLOW | O_CLOEXEC) :
			       -1;
		if (fd < 0 || fstat(fd, &st) || st.st_dev != o->dev ||
		    st.st_ino != o->ino || fstatfs(fd, &sf)) {
			/* gone or replaced since the scan: gc's check of
			 * the entry before removal fails as well */
			if (fd >= 0)
				close(fd);
			continue;
		}
		close(fd);
		if (sf.f_type == BTRFS_MAGIC || sf.f_type == OVERLAYFS_MAGIC) {
			snprintf(why, whylen, "%s is on %s, where stat and the "
				 "kernel give different device numbers",
				 o->path, sf.f_type == BTRFS_MAGIC ? "btrfs" :
				 "overlayfs");
			return -EOPNOTSUPP;
		}
		if (nseen < sizeof(seen) / sizeof(seen[0]))
			seen[nseen++] = o->dev;
	}
	return 0;
}

/*
 * A SysV match, in the namespace it belongs to: an attachment's own
 * (ipc/shm.c keeps it with the mapping, whatever the task moved to since)
 * when the program could read it, else the task's; every source when
 * neither is known. A key in the segment file's name that differs from
 * the object's is another segment (of a namespace we did not scan).
 */
static void add_sysv_recs(const struct scan_ctx *ctx,
			  const struct pairmap *pm, enum kind kind,
			  const struct hbpf_match *m, struct wrec *rec,
			  struct wrec **v, size_t *nv, size_t *cap)
{
	uint64_t ns = m->seg_ns ? m->seg_ns : m->a;
	size_t from = 0, to = ctx->nsrc;
	int si = scan_ipc_source(ctx, ns);

	if (ns && scan_own(ctx)->ipc.ino) {
		if (si < 0)
			return;
		from = (size_t)si;
		to = from + 1;
	}
	for (size_t s = from; s < to; s++) {
		size_t n0 = *nv, keep = n0;

		add_recs(pm, holders_sysv_a(kind, s), m->b, rec, v, nv, cap);
		for (size_t j = n0; j < *nv; j++) {
			uint32_t key = ctx->objs.v[(*v)[j].idx].key;

			if (m->has_key && m->sysv_key && key &&
			    key != m->sysv_key)
				continue;
			(*v)[keep++] = (*v)[j];
		}
		*nv = keep;
	}
}

int holders_bpf_applies(const struct scan_ctx *ctx, char *why,
			size_t whylen)
{
	if (!scan_own(ctx)->syscalls) {
		snprintf(why, whylen, "not a live system (a fixture root)");
		return -EOPNOTSUPP;
	}
	/* the iterators number tasks in our pid namespace */
	if (ctx->set.procs_foreign) {
		snprintf(why, whylen, "/proc numbers pids in another pid "
			 "namespace than ours");
		return -EOPNOTSUPP;
	}
	return comparable_files(ctx, why, whylen);
}

/* CLONE_NEW* of a discovery type (what the program reads a namespace's
 * type as). */
static uint32_t clone_type(enum nsd_type t)
{
	switch (t) {
	case NSD_IPC:
		return CLONE_NEWIPC;
	case NSD_MNT:
		return CLONE_NEWNS;
	case NSD_NET:
		return CLONE_NEWNET;
	case NSD_CGROUP:
		return CLONE_NEWCGROUP;
	case NSD_NTYPES:
		break;
	}
	return 0;
}

/*
 * Discovery's question to the fd walk (scan_ctx.ns_tasked), in the
 * program's terms. In test builds the fd table of the process
 * IPCSCAN_TEST_FD_DENIED_PID names is taken as unread, as the /proc pass
 * takes it: counted, and its descriptors not looked at for discovery.
 */
static struct hbpf_ns *nsq_build(struct scan_ctx *ctx, struct hbpf_nsq *q)
{
	const struct pairmap *pm = ctx->ns_tasked;
	struct hbpf_ns *v = xcalloc(pm->n + 1, sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; i < pm->cap; i++)
		if (pm->slots[i].used && pm->slots[i].a < NSD_NTYPES)
			v[n++] = (struct hbpf_ns){
				clone_type((enum nsd_type)pm->slots[i].a),
				pm->slots[i].b };
	*q = (struct hbpf_nsq){ .known = v, .nknown = n };
	for (unsigned t = 0; t < NSD_NTYPES; t++)
		if (ctx->ns_types & 1u << t)
			q->types |= clone_type((enum nsd_type)t);
#ifdef IPCSCAN_TEST_HOOKS
	for (size_t i = 0; i < ctx->procs.n; i++)
		if (ctx->procs.v[i].pid != getpid() &&
		    nsd_test_fd_denied(ctx->procs.v[i].pid)) {
			q->unread = ctx->procs.v[i].pid;
			break;
		}
#endif
	return v;
}

int holders_bpf_walk(struct scan_ctx *ctx, struct holders_bpf *hb,
		     char *why, size_t whylen)
{
	struct hbpf_nsq nsq = { 0 };
	struct hbpf_ns *known = NULL;
	struct wlook w = { 0 };
	struct hbpf_match *m = NULL;
	struct wrec *v = NULL;
	size_t nm = 0, nv = 0, cap = 0;
	pid_t self = getpid();
	int r;

	r = holders_bpf_applies(ctx, why, whylen);
	if (r)
		return r;
	wlook_build(&w, ctx);
	if (w.unwatched) {
		snprintf(why, whylen, "the BPF program does not watch the "
			 "blocked calls of %s", w.unwatched);
		r = -EOPNOTSUPP;
		goto out;
	}
	if (ctx->ns_tasked)
		known = nsq_build(ctx, &nsq);
	r = holders_bpf_run(hb, w.keys, w.nkeys, w.waits != 0,
			    ctx->ns_tasked ? &nsq : NULL, &m, &nm, why,
			    whylen);
	if (r)
		goto out;
	if (nsq.missed)
		ctx->ns_missed = true;
	if (nsq.unread)
		ctx->ns_fdtabs_denied++;
	for (size_t i = 0; i < nm; i++) {
		const struct proc *p = proctab_find(&ctx->procs, m[i].pid);
		struct wrec rec = {
			.pid = m[i].pid,
			.phase = m[i].via == VIA_FD ? 0 :
				 m[i].via == VIA_WAIT ? 2 : 1,
			.seq = i,
			.via = m[i].via,
		};
		kindmask_t kinds;

		/* ipcscan holds no object (holders.c does not walk it) */
		if (!p || p->pid == self || !proc_pass_sees(&w, p, &m[i]))
			continue;
		if (m[i].set == HBPF_FILE) {
			uint64_t dk = dev_key((unsigned)(m[i].a >> 20),
					      (unsigned)(m[i].a & 0xfffff));

			add_recs(&w.files, dk, m[i].b, &rec, &v, &nv, &cap);
			continue;
		}
		/* an id or socket inode: of each kind in the set */
		kinds = m[i].set <= HBPF_MSG ? w.set_kinds[m[i].set] : 0;
		if (m[i].set == HBPF_SOCK) {
			for (int k = 0; k < KIND_COUNT; k++)
				if (kinds & KMASK(k))
					add_recs(&w.ids, (uint64_t)k, m[i].b,
						 &rec, &v, &nv, &cap);
			continue;
		}
		for (int k = 0; k < KIND_COUNT; k++)
			if (kinds & KMASK(k))
				add_sysv_recs(ctx, &w.ids, (enum kind)k,
					      &m[i], &rec, &v, &nv, &cap);
	}
	/* no match at all leaves v NULL, which qsort may not be given */
	if (nv)
		qsort(v, nv, sizeof(*v), wrec_cmp);
	for (size_t i = 0; i < nv; i++)
		obj_add_holder(&ctx->objs.v[v[i].idx], v[i].pid, v[i].via);
out:
	free(known);
	free(v);
	free(m);
	free(w.keys);
	pairmap_free(&w.files);
	pairmap_free(&w.ids);
	return r;
}
