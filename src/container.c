/* SPDX-License-Identifier: GPL-2.0-or-later */
/* container.c - which container a process is in, from its cgroup path. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "container.h"
#include "fsutil.h"
#include "parse.h"
#include "util.h"

/*
 * Bounds on /proc/PID/cgroup. The kernel formats each path into a
 * PATH_MAX buffer and a name is at most NAME_MAX; a v1 host has about a
 * dozen hierarchies. Anything beyond is not a file the kernel wrote.
 */
#define CG_PATH_MAX	4095
#define CG_SEG_MAX	255
#define CG_CTRL_MAX	255
#define CG_LINES_MAX	64
#define CG_FILE_MAX	(CG_LINES_MAX * (CG_PATH_MAX + CG_CTRL_MAX + 24))

/* The initial cgroup namespace's inode (CGROUP_NS_INIT_INO in the
 * kernel's include/linux/proc_ns.h), fixed like the pid namespace's. */
#define CGROUP_NS_INIT_INO 0xEFFFFFFBull

static void ref_unknown(struct container_ref *ref, const char *why)
{
	memset(ref, 0, sizeof(*ref));
	ref->engine = CT_UNKNOWN;
	ref->why = why;
}

void container_unknown_cgroupns(struct container_ref *ref)
{
	ref_unknown(ref, "ipcscan runs in a cgroup namespace of its own: "
		    "cgroup paths are relative to it");
}

/* ------------------------------------------------------------ validation */

static bool is_lhex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool all_lhex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_lhex(s[i]))
			return false;
	return true;
}

/* A full engine id: exactly CT_ID_LEN lowercase hex digits. */
static bool copy_id(char *out, const char *s, size_t n)
{
	if (n != CT_ID_LEN || !all_lhex(s, n))
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

/*
 * A Kubernetes pod uid: a UUID (8-4-4-4-12 lowercase hex) whose dashes are
 * all '-' or, as kubelet's systemd driver escapes them, all '_'; or the 32
 * hex digits kubelet gives static pods (a hash of the manifest). Written
 * out in the dashed form, which /var/log/pods uses.
 */
static bool copy_uid(char *out, const char *s, size_t n)
{
	char sep;

	if (n == 32) {
		if (!all_lhex(s, n))
			return false;
		memcpy(out, s, n);
		out[n] = '\0';
		return true;
	}
	if (n != CT_UID_LEN)
		return false;
	sep = s[8];
	if (sep != '-' && sep != '_')
		return false;
	for (size_t i = 0; i < n; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != sep : !is_lhex(s[i]))
			return false;
		out[i] = dash ? '-' : s[i];
	}
	out[n] = '\0';
	return true;
}

/* A name for display: 1..CT_NAME_MAX printable ASCII bytes, no blank,
 * no '/', so a column or a JSON string cannot be broken by it. */
static bool name_ok(const char *s, size_t n)
{
	if (!n || n > CT_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~' || s[i] == '/')
			return false;
	return true;
}

static bool copy_name(char *out, const char *s, size_t n)
{
	if (!name_ok(s, n))
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * A unit-name-escaped machine name (systemd's unit_name_escape(): '-'
 * and other bytes become \xNN) back to the name, then validated: an
 * escaped '/' or control byte is refused like a raw one.
 */
static bool copy_unescaped(char *out, const char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\\') {
			int hi, lo;

			if (n - i < 4 || s[i + 1] != 'x')
				return false;
			hi = hexval(s[i + 2]);
			lo = hexval(s[i + 3]);
			if (hi < 0 || lo < 0)
				return false;
			c = (char)(hi << 4 | lo);
			i += 3;
		}
		if (o >= CT_NAME_MAX)
			return false;
		out[o++] = c;
	}
	out[o] = '\0';
	return name_ok(out, o);
}

static bool seg_is(const char *s, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return n == l && !memcmp(s, lit, l);
}

static bool has_prefix(const char *s, size_t n, const char *p)
{
	size_t l = strlen(p);

	return n >= l && !memcmp(s, p, l);
}

static bool has_suffix(const char *s, size_t n, const char *x)
{
	size_t l = strlen(x);

	return n >= l && !memcmp(s + n - l, x, l);
}

/* -------------------------------------------------------------- the walk */

/* One container (or pod) met along a path. */
struct level {
	enum ct_engine engine;
	bool monitor;
	bool open_pod;		/* a pod whose container may follow */
	char id[CT_ID_LEN + 1];
	char name[CT_NAME_MAX + 1];
	char pod_uid[CT_UID_LEN + 1];
	char pod_id[CT_ID_LEN + 1];
};

/* What the previous segment was, for patterns of two segments. */
enum prev {
	P_OTHER,
	P_DOCKER_DIR,		/* "docker": a cgroupfs id follows */
	P_LXC_DIR,		/* "lxc": an old LXC name follows */
	P_MACHINE_SLICE,	/* "machine.slice" */
	P_MACHINE,		/* machine-NAME.scope: payload/supervisor? */
	P_NSPAWN,		/* systemd-nspawn@NAME.service */
	P_LIBPOD_PARENT,	/* "libpod_parent": podman's cgroupfs parent */
};

struct walk {
	struct level outer, inner;
	unsigned n;		/* levels met */
	struct level *cur;	/* the last one, NULL before the first */
	bool k8s;		/* below kubepods, no pod yet */
	bool engine_dir;	/* a segment only engines make was seen */
	enum prev prev;
	const char *why;	/* set: the path is unattributable */
};

static struct level *level_new(struct walk *w, enum ct_engine e)
{
	struct level *l = w->n ? &w->inner : &w->outer;

	memset(l, 0, sizeof(*l));
	l->engine = e;
	w->n++;
	w->cur = l;
	return l;
}

/* A container segment: fill the open pod it is in, or start a level. */
static void container_seg(struct walk *w, enum ct_engine e, bool monitor,
			  const char *id, size_t idlen)
{
	struct level *l = w->cur;

	if (!l || !l->open_pod) {
		l = level_new(w, e);
	} else if (e != CT_KUBERNETES) {
		/* The runtime named by the segment; a bare id under a k8s pod
		 * keeps CT_KUBERNETES, a podman pod stays podman. */
		l->engine = e;
	}
	l->open_pod = false;
	l->monitor = monitor;
	if (!copy_id(l->id, id, idlen))
		w->why = "a container segment of the cgroup path has a "
			 "malformed id";
	w->k8s = false;
}

/*
 * "PREFIX<id>SUFFIX": the prefix and suffix name the engine beyond doubt,
 * so an id that does not validate makes the path unknown rather than a
 * host path.
 */
static bool id_seg(struct walk *w, const char *s, size_t n, const char *pre,
		   const char *suf, enum ct_engine e, bool monitor)
{
	size_t lp = strlen(pre), ls = strlen(suf);

	if (n <= lp + ls || !has_prefix(s, n, pre) || !has_suffix(s, n, suf))
		return false;
	container_seg(w, e, monitor, s + lp, n - lp - ls);
	return true;
}

/* A Kubernetes pod cgroup (below kubepods): "pod<uid>" with the cgroupfs
 * driver, "kubepods[-QOS]-pod<uid_>.slice" with the systemd driver. */
static bool k8s_pod_seg(struct walk *w, const char *s, size_t n)
{
	const char *uid = NULL;
	size_t ulen = 0;
	struct level *l;

	if (has_prefix(s, n, "kubepods-") && has_suffix(s, n, ".slice")) {
		const char *b = s + 9;
		size_t bl = n - 9 - 6;

		if (has_prefix(b, bl, "burstable-"))
			b += 10, bl -= 10;
		else if (has_prefix(b, bl, "besteffort-"))
			b += 11, bl -= 11;
		if (!has_prefix(b, bl, "pod"))
			return false;	/* kubepods-burstable.slice */
		uid = b + 3;
		ulen = bl - 3;
	} else if (has_prefix(s, n, "pod")) {
		uid = s + 3;
		ulen = n - 3;
	} else {
		return false;
	}
	l = level_new(w, CT_KUBERNETES);
	l->open_pod = true;
	if (!copy_uid(l->pod_uid, uid, ulen))
		w->why = "a Kubernetes pod cgroup has a malformed pod uid";
	w->k8s = false;
	return true;
}

/* "[machine-|user-]libpod_pod_<id>.slice": a podman pod (systemd). */
static bool podman_pod_seg(struct walk *w, const char *s, size_t n)
{
	static const char mid[] = "libpod_pod_";
	const char *p = s;
	size_t pl = n;
	struct level *l;

	if (has_prefix(p, pl, "machine-"))
		p += 8, pl -= 8;
	else if (has_prefix(p, pl, "user-"))
		p += 5, pl -= 5;
	if (!has_prefix(p, pl, mid) || !has_suffix(p, pl, ".slice") ||
	    pl <= sizeof(mid) - 1 + 6)
		return false;
	l = level_new(w, CT_PODMAN);
	l->open_pod = true;
	p += sizeof(mid) - 1;
	pl -= sizeof(mid) - 1;
	if (!copy_id(l->pod_id, p, pl - 6))
		w->why = "a podman pod cgroup has a malformed pod id";
	return true;
}

static void name_level(struct walk *w, enum ct_engine e, bool monitor,
		       const char *s, size_t n, bool escaped)
{
	struct level *l = level_new(w, e);
	bool ok;

	l->monitor = monitor;
	ok = escaped ? copy_unescaped(l->name, s, n) : copy_name(l->name, s, n);
	if (!ok)
		w->why = "a container segment of the cgroup path has a "
			 "malformed name";
	w->k8s = false;
}

static void segment(struct walk *w, const char *s, size_t n)
{
	enum prev prev = w->prev;
	bool in_pod = w->cur && w->cur->open_pod;

	w->prev = P_OTHER;

	/* The second segment of two-segment patterns. */
	if (prev == P_DOCKER_DIR && n == CT_ID_LEN && all_lhex(s, n)) {
		container_seg(w, CT_DOCKER, false, s, n);
		return;
	}
	if (prev == P_LXC_DIR) {
		name_level(w, CT_LXC, false, s, n, false);
		return;
	}
	if (prev == P_LIBPOD_PARENT && n == CT_ID_LEN && all_lhex(s, n)) {
		struct level *l = level_new(w, CT_PODMAN);

		l->open_pod = true;
		copy_id(l->pod_id, s, n);
		return;
	}
	if (prev == P_MACHINE || prev == P_NSPAWN) {
		if (seg_is(s, n, "payload")) {
			w->cur->engine = CT_NSPAWN;
			return;
		}
		if (seg_is(s, n, "supervisor")) {
			w->cur->engine = CT_NSPAWN;
			w->cur->monitor = true;
			return;
		}
	}

	if (seg_is(s, n, "kubepods") || seg_is(s, n, "kubepods.slice")) {
		w->k8s = true;
		w->engine_dir = true;
		return;
	}
	if (w->k8s) {
		if (seg_is(s, n, "burstable") || seg_is(s, n, "besteffort") ||
		    seg_is(s, n, "kubepods-burstable.slice") ||
		    seg_is(s, n, "kubepods-besteffort.slice"))
			return;
		if (k8s_pod_seg(w, s, n))
			return;
	}

	/* systemd scopes: unambiguous wherever they are. conmon before the
	 * container, whose prefix is shorter. */
	if (id_seg(w, s, n, "docker-", ".scope", CT_DOCKER, false) ||
	    id_seg(w, s, n, "cri-containerd-", ".scope", CT_CONTAINERD,
		   false) ||
	    id_seg(w, s, n, "crio-conmon-", ".scope", CT_CRIO, true) ||
	    id_seg(w, s, n, "crio-", ".scope", CT_CRIO, false) ||
	    id_seg(w, s, n, "libpod-conmon-", ".scope", CT_PODMAN, true) ||
	    id_seg(w, s, n, "libpod-", ".scope", CT_PODMAN, false))
		return;
	if (podman_pod_seg(w, s, n))
		return;

	/* cgroupfs drivers: bare names, only where their parent puts them
	 * ("crio-wipe.service" elsewhere is no container). */
	if (in_pod && w->cur->engine == CT_KUBERNETES) {
		if (id_seg(w, s, n, "crio-conmon-", "", CT_CRIO, true) ||
		    id_seg(w, s, n, "crio-", "", CT_CRIO, false))
			return;
		if (n == CT_ID_LEN && all_lhex(s, n)) {
			container_seg(w, CT_KUBERNETES, false, s, n);
			return;
		}
	}
	if (prev == P_LIBPOD_PARENT ||
	    (in_pod && w->cur->engine == CT_PODMAN)) {
		if (id_seg(w, s, n, "libpod-conmon-", "", CT_PODMAN, true) ||
		    id_seg(w, s, n, "libpod-", "", CT_PODMAN, false))
			return;
	}

	if (has_prefix(s, n, "lxc.payload.") && n > 12) {
		name_level(w, CT_LXC, false, s + 12, n - 12, false);
		return;
	}
	if (has_prefix(s, n, "lxc.monitor.") && n > 12) {
		name_level(w, CT_LXC, true, s + 12, n - 12, false);
		return;
	}
	if (prev == P_MACHINE_SLICE && has_prefix(s, n, "machine-") &&
	    has_suffix(s, n, ".scope") && n > 8 + 6) {
		name_level(w, CT_MACHINE, false, s + 8, n - 8 - 6, true);
		w->prev = P_MACHINE;
		return;
	}
	if (has_prefix(s, n, "systemd-nspawn@") && has_suffix(s, n, ".service")
	    && n > 15 + 8) {
		name_level(w, CT_NSPAWN, false, s + 15, n - 15 - 8, true);
		w->prev = P_NSPAWN;
		return;
	}

	if (seg_is(s, n, "docker")) {
		w->prev = P_DOCKER_DIR;
		w->engine_dir = true;
	} else if (seg_is(s, n, "lxc")) {
		w->prev = P_LXC_DIR;
		w->engine_dir = true;
	} else if (seg_is(s, n, "machine.slice")) {
		w->prev = P_MACHINE_SLICE;
		w->engine_dir = true;
	} else if (seg_is(s, n, "libpod_parent")) {
		w->prev = P_LIBPOD_PARENT;
		w->engine_dir = true;
	}
}

static void level_out(const struct level *l, struct container_ref *ref)
{
	ref->engine = l->engine;
	ref->monitor = l->monitor;
	memcpy(ref->id, l->id, sizeof(ref->id));
	memcpy(ref->name, l->name, sizeof(ref->name));
	memcpy(ref->pod_uid, l->pod_uid, sizeof(ref->pod_uid));
	memcpy(ref->pod_id, l->pod_id, sizeof(ref->pod_id));
}

/* The first segment of a host process's path: systemd's own slices and
 * scope; "/" itself is handled by the caller. */
static bool host_root(const char *s, size_t n)
{
	return seg_is(s, n, "init.scope") || seg_is(s, n, "system.slice") ||
	       seg_is(s, n, "user.slice");
}

/* One cgroup path (not NUL-terminated) to *@ref. */
static void attrib_path(const char *p, size_t len, struct container_ref *ref)
{
	struct walk w;
	const char *first = NULL;
	size_t first_len = 0;

	memset(&w, 0, sizeof(w));
	if (!len || p[0] != '/') {
		ref_unknown(ref, "the cgroup path is not absolute");
		return;
	}
	if (len > CG_PATH_MAX) {
		ref_unknown(ref, "the cgroup path is too long");
		return;
	}
	if (memchr(p, '\0', len)) {
		ref_unknown(ref, "the cgroup path holds a NUL byte");
		return;
	}
	if (len == 1) {
		memset(ref, 0, sizeof(*ref));
		ref->engine = CT_NONE;
		return;
	}
	for (size_t i = 1; i <= len;) {
		const char *s = p + i, *e = memchr(s, '/', len - i);
		size_t n = e ? (size_t)(e - s) : len - i;

		if (!n) {
			ref_unknown(ref, "the cgroup path has an empty "
				    "segment");
			return;
		}
		if (seg_is(s, n, ".") || seg_is(s, n, "..")) {
			ref_unknown(ref, "the cgroup path is relative to "
				    "another cgroup namespace");
			return;
		}
		if (n > CG_SEG_MAX) {
			ref_unknown(ref, "a cgroup path segment is too long");
			return;
		}
		if (!first) {
			first = s;
			first_len = n;
		}
		segment(&w, s, n);
		if (w.why) {
			ref_unknown(ref, w.why);
			return;
		}
		i += n + 1;
	}

	memset(ref, 0, sizeof(*ref));
	if (!w.n) {
		if (!w.engine_dir && host_root(first, first_len)) {
			ref->engine = CT_NONE;
			return;
		}
		ref_unknown(ref, w.engine_dir ?
			    "a container engine's cgroup holds no container "
			    "this version knows" :
			    "the cgroup is neither a host slice nor a "
			    "container this version knows");
		return;
	}
	level_out(&w.outer, ref);
	ref->depth = w.n;
	if (w.n > 1) {
		ref->inner_engine = w.inner.engine;
		memcpy(ref->inner_id, w.inner.id, sizeof(ref->inner_id));
		memcpy(ref->inner_name, w.inner.name, sizeof(ref->inner_name));
		memcpy(ref->inner_pod_uid, w.inner.pod_uid,
		       sizeof(ref->inner_pod_uid));
	}
}

static bool is_container(const struct container_ref *r)
{
	return r->engine != CT_NONE && r->engine != CT_UNKNOWN;
}

static bool same_container(const struct container_ref *a,
			   const struct container_ref *b)
{
	return a->engine == b->engine && !strcmp(a->id, b->id) &&
	       !strcmp(a->name, b->name) && !strcmp(a->pod_uid, b->pod_uid) &&
	       !strcmp(a->pod_id, b->pod_id);
}

void container_parse_cgroup(const char *text, size_t len,
			    struct container_ref *ref)
{
	struct container_ref v2, v1, tmp;
	bool have_v2 = false, have_v1 = false, v1_conflict = false;
	bool v1_unknown = false;
	unsigned lines = 0;
	size_t i = 0;

	if (!len) {
		ref_unknown(ref, "the cgroup file is empty");
		return;
	}
	if (len > CG_FILE_MAX) {
		ref_unknown(ref, "the cgroup file is too long");
		return;
	}
	memset(&v1, 0, sizeof(v1));
	memset(&v2, 0, sizeof(v2));
	while (i < len) {
		const char *l = text + i, *nl = memchr(l, '\n', len - i);
		size_t n = nl ? (size_t)(nl - l) : len - i;
		const char *c1, *c2;
		uint64_t hid;
		size_t ctl;

		i += n + 1;
		if (++lines > CG_LINES_MAX) {
			ref_unknown(ref, "the cgroup file has too many lines");
			return;
		}
		c1 = memchr(l, ':', n);
		c2 = c1 ? memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - l)) : NULL;
		if (!c2 || parse_u64n(l, (size_t)(c1 - l), &hid)) {
			/* Also an empty line inside the file: a cgroup name
			 * with a newline can only make lines like these. */
			ref_unknown(ref, "the cgroup file has a line that is "
				    "not N:CONTROLLERS:PATH");
			return;
		}
		ctl = (size_t)(c2 - c1 - 1);
		if ((hid == 0) != (ctl == 0) || ctl > CG_CTRL_MAX) {
			ref_unknown(ref, "the cgroup file has a line that is "
				    "not N:CONTROLLERS:PATH");
			return;
		}
		attrib_path(c2 + 1, n - (size_t)(c2 + 1 - l), &tmp);
		if (hid == 0) {
			/* Two unified lines: one of them was forged by a
			 * cgroup name holding "\n0::". */
			if (have_v2) {
				ref_unknown(ref, "the cgroup file has two "
					    "0:: lines");
				return;
			}
			have_v2 = true;
			v2 = tmp;
		} else if (is_container(&tmp)) {
			if (!have_v1)
				v1 = tmp;
			else if (!same_container(&v1, &tmp))
				v1_conflict = true;
			have_v1 = true;
		} else if (tmp.engine == CT_UNKNOWN) {
			v1_unknown = true;
		}
	}

	if (have_v2 && (is_container(&v2) || v2.engine == CT_UNKNOWN)) {
		*ref = v2;
	} else if (v1_conflict) {
		ref_unknown(ref, "the cgroup v1 hierarchies name different "
			    "containers");
	} else if (have_v1) {
		*ref = v1;
	} else if (have_v2) {
		*ref = v2;
	} else if (v1_unknown) {
		ref_unknown(ref, "the cgroup v1 paths are neither host slices "
			    "nor containers this version knows");
	} else {
		memset(ref, 0, sizeof(*ref));
		ref->engine = CT_NONE;
	}
}

/* ---------------------------------------------------- live and fixtures */

int container_cgroupns_initial(const char *root, uint64_t *ino)
{
	char path[4096], link[64];
	uint64_t v;
	ssize_t n;

	*ino = 0;
	if (root_path(path, sizeof(path), root, "/proc/self/ns/cgroup"))
		return -ENAMETOOLONG;
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = '\0';
	if (n < 10 || strncmp(link, "cgroup:[", 8) || link[n - 1] != ']' ||
	    parse_u64n(link + 8, (size_t)n - 9, &v))
		return -EINVAL;
	*ino = v;
	return v == CGROUP_NS_INIT_INO;
}

int container_of_pid(const char *root, int pid, struct container_ref *ref)
{
	char path[4096], rel[64], small[4096];
	char *buf = small;
	ssize_t n;
	int fd;

	ref_unknown(ref, "the process's cgroup file cannot be read");
	snprintf(rel, sizeof(rel), "/proc/%d/cgroup", pid);
	if (pid <= 0 || root_path(path, sizeof(path), root, rel))
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	/* Most files are a line or a dozen; a full buffer reads on into a
	 * large one, up to one byte more than a kernel-made file holds. */
	n = read_full(fd, small, sizeof(small));
	if (n == (ssize_t)sizeof(small)) {
		ssize_t m;

		buf = xmalloc(CG_FILE_MAX + 1);
		memcpy(buf, small, sizeof(small));
		m = read_full(fd, buf + n, CG_FILE_MAX + 1 - (size_t)n);
		n = m < 0 ? m : n + m;
	}
	close(fd);
	if (n >= 0)
		container_parse_cgroup(buf, (size_t)n, ref);
	if (buf != small)
		free(buf);
	return n < 0 ? (int)n : 0;
}

/* ----------------------------------------------------------- host names */

struct pod_name {
	char uid[CT_UID_LEN + 1];
	char ns[CT_K8S_NS_MAX + 1];
	char name[CT_K8S_NAME_MAX + 1];
};

struct podman_name {
	char id[CT_ID_LEN + 1];
	char name[CT_NAME_MAX + 1];
};

struct ct_names {
	struct pod_name *pods;
	size_t npods;
	struct podman_name *podman;
	size_t npodman;
	int pods_err, podman_err;
};

/* Upper bound on /var/log/pods entries kept: a node runs ~110 pods. */
#define PODS_MAX 65536

/*
 * Open @rel (relative, no "." or "..") below @root one component at a
 * time, never following a symlink, ending in a directory (@dir) or a
 * regular file, neither writable by group or others. fd or -errno.
 */
static int open_below(const char *root, const char *rel, bool dir)
{
	char comp[256];
	struct stat st;
	int dfd, fd;

	dfd = open(root && *root ? root : "/",
		   O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	while (*rel) {
		const char *e = strchr(rel, '/');
		size_t n = e ? (size_t)(e - rel) : strlen(rel);
		bool last = !e || !e[1];
		int flags = O_CLOEXEC | O_NOFOLLOW;

		if (!n || n >= sizeof(comp)) {
			close(dfd);
			return -EINVAL;
		}
		memcpy(comp, rel, n);
		comp[n] = '\0';
		rel += n + (e ? 1 : 0);
		if (!last)
			flags |= O_PATH | O_DIRECTORY;
		else if (dir)
			flags |= O_RDONLY | O_DIRECTORY;
		else
			flags |= O_RDONLY | O_NONBLOCK | O_NOCTTY;
		fd = openat(dfd, comp, flags);
		close(dfd);
		if (fd < 0)
			return -errno;
		dfd = fd;
		/* A directory others may write to lets them swap what
		 * lies below it. */
		if (fstat(dfd, &st)) {
			int r = -errno;

			close(dfd);
			return r;
		}
		if (st.st_mode & (S_IWGRP | S_IWOTH)) {
			close(dfd);
			return -EPERM;
		}
	}
	if (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
		close(dfd);
		return dir ? -ENOTDIR : -EINVAL;
	}
	return dfd;
}

static bool dns_char(char c, bool dot)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
	       (dot && c == '.');
}

/* A DNS label (namespaces, @dot false) or subdomain (pod names): lower
 * case alphanumerics, '-' (and '.'), alphanumeric at both ends. */
static bool dns_ok(const char *s, size_t n, size_t max, bool dot)
{
	if (!n || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!dns_char(s[i], dot))
			return false;
	return dns_char(s[0], false) && s[0] != '-' &&
	       dns_char(s[n - 1], false) && s[n - 1] != '-';
}

int k8s_pod_dirname_parse(const char *s, size_t len, char *ns, char *name,
			  char *uid)
{
	const char *u1 = memchr(s, '_', len), *u2;

	if (!u1)
		return -EINVAL;
	u2 = memchr(u1 + 1, '_', len - (size_t)(u1 + 1 - s));
	if (!u2 || memchr(u2 + 1, '_', len - (size_t)(u2 + 1 - s)))
		return -EINVAL;
	if (!dns_ok(s, (size_t)(u1 - s), CT_K8S_NS_MAX, false) ||
	    !dns_ok(u1 + 1, (size_t)(u2 - u1 - 1), CT_K8S_NAME_MAX, true))
		return -EINVAL;
	/* The uid: the dashed form only (the '_' one would have been split). */
	if (!copy_uid(uid, u2 + 1, len - (size_t)(u2 + 1 - s)))
		return -EINVAL;
	memcpy(ns, s, (size_t)(u1 - s));
	ns[u1 - s] = '\0';
	memcpy(name, u1 + 1, (size_t)(u2 - u1 - 1));
	name[u2 - u1 - 1] = '\0';
	return 0;
}

static int cmp_pod(const void *a, const void *b)
{
	return strcmp(((const struct pod_name *)a)->uid,
		      ((const struct pod_name *)b)->uid);
}

static int cmp_podman(const void *a, const void *b)
{
	return strcmp(((const struct podman_name *)a)->id,
		      ((const struct podman_name *)b)->id);
}

static int load_pods(struct ct_names *nm, const char *root)
{
	size_t cap = 0;
	struct dirent *de;
	DIR *d;
	int fd;

	fd = open_below(root, "var/log/pods", true);
	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		int r = -errno;

		close(fd);
		return r;
	}
	while ((de = readdir(d)) && nm->npods < PODS_MAX) {
		struct pod_name p;
		struct stat st;

		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		if (de->d_type == DT_UNKNOWN &&
		    (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		     !S_ISDIR(st.st_mode)))
			continue;
		if (k8s_pod_dirname_parse(de->d_name, strlen(de->d_name),
					  p.ns, p.name, p.uid))
			continue;
		if (nm->npods == cap) {
			cap = cap ? 2 * cap : 16;
			nm->pods = xrealloc(nm->pods, cap * sizeof(*nm->pods));
		}
		nm->pods[nm->npods++] = p;
	}
	closedir(d);
	if (nm->npods > 1)
		qsort(nm->pods, nm->npods, sizeof(*nm->pods), cmp_pod);
	return 0;
}

/* podman's own rule for container names ([a-zA-Z0-9][a-zA-Z0-9_.-]*),
 * so nothing else passes for one. */
static bool podman_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > CT_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
			return false;
	}
	return true;
}

static int read_bounded(int fd, size_t max, char **out, size_t *len)
{
	struct stat st;
	char *buf;
	ssize_t n;

	if (fstat(fd, &st))
		return -errno;
	if (st.st_size < 0 || (uint64_t)st.st_size > max)
		return -EFBIG;
	/* The size may grow under us: read at most one byte beyond it. */
	buf = xmalloc(max + 1);
	n = read_full(fd, buf, max + 1);
	if (n < 0) {
		free(buf);
		return (int)n;
	}
	if ((size_t)n > max) {
		free(buf);
		return -EFBIG;
	}
	*out = buf;
	*len = (size_t)n;
	return 0;
}

static int load_podman(struct ct_names *nm, const char *root,
		       const char *storage)
{
	char rel[4096];
	const cJSON *it;
	cJSON *js;
	size_t len = 0, cap = 0;
	char *buf = NULL;
	int fd, r;

	if (!storage)
		storage = "/var/lib/containers/storage";
	while (*storage == '/')
		storage++;
	if (snprintf(rel, sizeof(rel), "%s/overlay-containers/containers.json",
		     storage) >= (int)sizeof(rel))
		return -ENAMETOOLONG;
	fd = open_below(root, rel, false);
	if (fd < 0)
		return fd;
	r = read_bounded(fd, CT_STATE_MAX, &buf, &len);
	close(fd);
	if (r)
		return r;
	js = cJSON_ParseWithLength(buf, len);
	free(buf);
	if (!cJSON_IsArray(js)) {
		cJSON_Delete(js);
		return -EINVAL;
	}
	cJSON_ArrayForEach(it, js) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
		const cJSON *names = cJSON_GetObjectItemCaseSensitive(it,
								      "names");
		const cJSON *first = cJSON_IsArray(names) ? names->child : NULL;
		struct podman_name p;

		if (!cJSON_IsString(id) || !cJSON_IsString(first) ||
		    !copy_id(p.id, id->valuestring, strlen(id->valuestring)) ||
		    !podman_name_ok(first->valuestring))
			continue;
		strcpy(p.name, first->valuestring);
		if (nm->npodman == cap) {
			cap = cap ? 2 * cap : 16;
			nm->podman = xrealloc(nm->podman,
					      cap * sizeof(*nm->podman));
		}
		nm->podman[nm->npodman++] = p;
	}
	cJSON_Delete(js);
	if (nm->npodman > 1)
		qsort(nm->podman, nm->npodman, sizeof(*nm->podman),
		      cmp_podman);
	return 0;
}

struct ct_names *ct_names_load(const char *root, const char *podman_storage)
{
	struct ct_names *nm = xcalloc(1, sizeof(*nm));

	nm->pods_err = load_pods(nm, root);
	nm->podman_err = load_podman(nm, root, podman_storage);
	return nm;
}

void ct_names_free(struct ct_names *names)
{
	if (!names)
		return;
	free(names->pods);
	free(names->podman);
	free(names);
}

void ct_names_status(const struct ct_names *names, struct ct_names_status *st)
{
	st->pods = names->npods;
	st->podman = names->npodman;
	st->pods_err = names->pods_err;
	st->podman_err = names->podman_err;
}

void container_name(const struct ct_names *names, struct container_ref *ref)
{
	if (!names || !is_container(ref))
		return;
	if (ref->pod_uid[0] && !ref->pod_name[0] && names->npods) {
		struct pod_name key, *p;

		memcpy(key.uid, ref->pod_uid, sizeof(key.uid));
		p = bsearch(&key, names->pods, names->npods,
			    sizeof(*names->pods), cmp_pod);
		if (p) {
			memcpy(ref->pod_ns, p->ns, sizeof(ref->pod_ns));
			memcpy(ref->pod_name, p->name, sizeof(ref->pod_name));
		}
	}
	if (ref->engine == CT_PODMAN && ref->id[0] && !ref->name[0] &&
	    names->npodman) {
		struct podman_name key, *p;

		memcpy(key.id, ref->id, sizeof(key.id));
		p = bsearch(&key, names->podman, names->npodman,
			    sizeof(*names->podman), cmp_podman);
		if (p)
			memcpy(ref->name, p->name, sizeof(ref->name));
	}
}

/* --------------------------------------------------------------- display */

const char *ct_engine_name(enum ct_engine e)
{
	switch (e) {
	case CT_NONE:
		return "none";
	case CT_UNKNOWN:
		return "unknown";
	case CT_DOCKER:
		return "docker";
	case CT_CONTAINERD:
		return "containerd";
	case CT_CRIO:
		return "cri-o";
	case CT_PODMAN:
		return "podman";
	case CT_KUBERNETES:
		return "kubernetes";
	case CT_NSPAWN:
		return "nspawn";
	case CT_MACHINE:
		return "machine";
	case CT_LXC:
		return "lxc";
	}
	return "unknown";
}

/* The display form of one container, appended at @buf + *@off. */
static void disp_one(char *buf, size_t *off, enum ct_engine e,
		     const char *id, const char *name, const char *pod_uid,
		     const char *pod_id, const char *pod_ns,
		     const char *pod_name)
{
	size_t room = CT_DISPLAY_MAX - *off;
	char *p = buf + *off;
	int n;

	if (pod_uid[0] && pod_name[0])
		n = snprintf(p, room, "k8s:%s/%s", pod_ns, pod_name);
	else if (pod_uid[0])
		n = snprintf(p, room, "k8s-pod:%s", pod_uid);
	else if (e == CT_PODMAN && pod_id[0])
		n = snprintf(p, room, "podman:%.*s/%.*s", CT_SHORT_ID, pod_id,
			     name[0] ? CT_NAME_MAX : CT_SHORT_ID,
			     name[0] ? name : id[0] ? id : "?");
	else if (name[0])
		n = snprintf(p, room, "%s:%s", ct_engine_name(e), name);
	else
		n = snprintf(p, room, "%s:%.*s", ct_engine_name(e), CT_SHORT_ID,
			     id[0] ? id : "?");
	if (n > 0)
		*off += (size_t)n < room ? (size_t)n : room - 1;
}

size_t container_display(const struct container_ref *ref, char *buf,
			 size_t len)
{
	char tmp[CT_DISPLAY_MAX];
	size_t off = 0;

	if (ref->engine == CT_NONE)
		off = (size_t)snprintf(tmp, sizeof(tmp), "-");
	else if (ref->engine == CT_UNKNOWN)
		off = (size_t)snprintf(tmp, sizeof(tmp), "?");
	else {
		disp_one(tmp, &off, ref->engine, ref->id, ref->name,
			 ref->pod_uid, ref->pod_id, ref->pod_ns,
			 ref->pod_name);
		/* The sizes make room for both forms; check anyway. */
		if (ref->depth > 1 && off + 2 < sizeof(tmp)) {
			tmp[off++] = '>';
			tmp[off] = '\0';
			disp_one(tmp, &off, ref->inner_engine, ref->inner_id,
				 ref->inner_name, ref->inner_pod_uid, "", "",
				 "");
		}
	}
	if (len) {
		size_t c = off < len ? off : len - 1;

		memcpy(buf, tmp, c);
		buf[c] = '\0';
	}
	return off;
}
