/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sockfiles.c - socket files and FIFOs below the socket dirs: the walk,
 * the connect probe, the remover. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/magic.h>

#include "classify.h"
#include "fsutil.h"
#include "kinds.h"
#include "nsrun.h"
#include "reap.h"
#include "saferoot.h"
#include "sockfiles.h"
#include "strbuf.h"
#include "unix_live.h"
#include "utf8.h"
#include "util.h"

/* Entries at most this many levels below a socket dir (find -maxdepth). */
#define WALK_MAXDEPTH 4

/* --- connect probe ------------------------------------------------------ */

enum probe { PROBE_STALE, PROBE_ALIVE, PROBE_UNKNOWN, PROBE_CHANGED };

/*
 * Is any socket, in any netns, bound to this file? Pathname lookup of a
 * unix socket ignores netns, so connect() answers for all of them. The
 * file is opened O_PATH|O_NOFOLLOW and reached through /proc/self/fd, so
 * a symlink swapped in cannot redirect us.
 *
 * The probe is a SOCK_DGRAM connect, which sends nothing and queues
 * nothing: ECONNREFUSED means no socket has the file; success (a dgram
 * socket), EPROTOTYPE (a socket of another type, listening or not) and
 * EPERM (a dgram socket connected elsewhere, or a security module) all
 * mean one does. A stream or seqpacket connect would put a connection
 * into a listener's backlog.
 *
 * @sock is a dgram socket kept across probes (-1: make one): a refused
 * connect leaves it unconnected and reusable.
 */
static enum probe probe_at(int *sock, int dfd, const char *name,
			   const struct stat *want, int *err)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, e;

	*err = 0;
	fd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		*err = errno;
		return errno == ENOENT ? PROBE_CHANGED : PROBE_UNKNOWN;
	}
	if (fstat(fd, &st) || !S_ISSOCK(st.st_mode) ||
	    st.st_dev != want->st_dev || st.st_ino != want->st_ino) {
		close(fd);
		return PROBE_CHANGED;
	}
	if (*sock < 0)
		*sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK |
			       SOCK_CLOEXEC, 0);
	if (*sock < 0) {
		*err = errno;
		close(fd);
		return PROBE_UNKNOWN;
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "/proc/self/fd/%d", fd);
	e = connect(*sock, (const struct sockaddr *)&sun, sizeof(sun)) ?
		    errno : 0;
	close(fd);
	if (e != ECONNREFUSED) {
		/* connected, or in a state we do not reuse */
		close(*sock);
		*sock = -1;
	}
	if (!e || e == EPROTOTYPE || e == EPERM)
		return PROBE_ALIVE;
	if (e == ECONNREFUSED)
		return PROBE_STALE;
	*err = e;
	return PROBE_UNKNOWN;
}

/* --- safe path handling ------------------------------------------------- */

static void sockdirs_of(const struct scan_settings *set,
			const char *const **dirs, size_t *n)
{
	if (set->sockdirs) {
		*dirs = set->sockdirs;
		*n = set->nsockdirs;
	} else {
		*dirs = default_sockdirs;
		for (*n = 0; default_sockdirs[*n]; (*n)++)
			;
	}
}

/* Length of @dir without trailing slashes ("/" gives 0). */
static size_t dir_len(const char *dir)
{
	size_t n = strlen(dir);

	while (n && dir[n - 1] == '/')
		n--;
	return n;
}

/* @root + the first @l bytes of @dir, with no trailing slash: a trailing
 * slash would make O_NOFOLLOW follow a symlink. */
static int sockdir_path(char *buf, size_t len, const char *root,
			const char *dir, size_t l)
{
	int n = l ? snprintf(buf, len, "%s%.*s", root, (int)l, dir) :
		    snprintf(buf, len, "%s/", root);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* A directory on another st_dev than its parent is a mount point; only a
 * tmpfs is entered. Checked through an O_PATH fd so that an autofs mount
 * point is not triggered. */
static bool mount_ok(int dfd, const char *name)
{
	int fd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = fd_on_fs(fd, TMPFS_MAGIC);
	close(fd);
	return ok;
}

static int open_dir_at(int dfd, const char *name)
{
	return openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		      O_CLOEXEC | O_NONBLOCK);
}

/*
 * Open the directory holding @path, component by component from the
 * socket dir that contains it, never following a symlink and never
 * entering a non-tmpfs mount. Returns 0 with *dfdp and *basep (the last
 * component, inside @path), REAP_SKIP with @why, or -errno.
 */
static int open_parent(const struct scan_settings *set,
		       const struct source *src, const char *path,
		       int *dfdp, struct stat *dst, const char **basep,
		       char *why, size_t whylen)
{
	const char *const *dirs;
	char buf[PATH_MAX], comp[NAME_MAX + 1];
	const char *p;
	size_t n, best = 0;
	bool found = false;
	int fd;

	sockdirs_of(set, &dirs, &n);
	for (size_t i = 0; i < n; i++) {
		size_t l = dir_len(dirs[i]);

		if (!strncmp(path, dirs[i], l) && path[l] == '/' &&
		    (!found || l > best)) {
			best = l;
			found = true;
		}
	}
	if (!found) {
		set_why(why, whylen, "not below a socket directory");
		return REAP_SKIP;
	}
	if (sockdir_path(buf, sizeof(buf), src->root, path, best))
		return -ENAMETOOLONG;
	fd = open_dir_at(AT_FDCWD, buf);
	if (fd < 0) {
		if (errno == ELOOP || errno == ENOTDIR) {
			set_why(why, whylen, "socket directory is a symlink");
			return REAP_SKIP;
		}
		return -errno;
	}
	if (fstat(fd, dst)) {
		int e = -errno;

		close(fd);
		return e;
	}
	for (p = path + best + 1;;) {
		const char *slash = strchr(p, '/');
		size_t cl = slash ? (size_t)(slash - p) : strlen(p);
		struct stat st;
		int nfd;

		if (!cl || cl > NAME_MAX || (cl == 1 && p[0] == '.') ||
		    (cl == 2 && p[0] == '.' && p[1] == '.')) {
			close(fd);
			set_why(why, whylen, "unexpected path component");
			return REAP_SKIP;
		}
		if (!slash)
			break;
		memcpy(comp, p, cl);
		comp[cl] = '\0';
		nfd = open_dir_at(fd, comp);
		if (nfd < 0) {
			int e = errno;

			close(fd);
			if (e == ELOOP || e == ENOTDIR) {
				set_why(why, whylen, "a directory on the path "
					"is a symlink or not a directory");
				return REAP_SKIP;
			}
			return -e;
		}
		if (fstat(nfd, &st)) {
			int e = -errno;

			close(nfd);
			close(fd);
			return e;
		}
		if (st.st_dev != dst->st_dev && !fd_on_fs(nfd, TMPFS_MAGIC)) {
			close(nfd);
			close(fd);
			set_why(why, whylen, "path crosses into another "
				"file system");
			return REAP_SKIP;
		}
		close(fd);
		fd = nfd;
		*dst = st;
		p = slash + 1;
	}
	*dfdp = fd;
	*basep = p;
	return 0;
}

/* --- the walk ----------------------------------------------------------- */

struct walk {
	const struct scan_settings *set;
	const struct source *src;
	const struct proctab *procs;	/* for the netns to ask */
	struct objset *out;
	struct diag *d;
	struct own_net *on;
	bool want_fifo, want_sock, match_sock;
	struct pairmap seen;	/* directories visited: (dev_key, ino) */
	struct strbuf path;	/* logical path of the entry at hand */
	unsigned unreadable;	/* directories or entries not read */
	char *first_bad;	/* the first of them, and why */
	int first_err;
	/* socket files bound in no socket of the own netns */
	struct pairmap others;	/* bound in the other netns */
	bool others_read;
	int probe_sock;		/* reused by the probes, -1 if none */
	unsigned unknown;	/* could not be probed */
	unsigned too_deep;	/* directories the depth limit kept out */
	struct strbuf deep;	/* the first few of them, escaped */
	int err;		/* -ENOMEM: stop */
	/* another mount namespace's socket dirs: the directories where
	 * socket files were found are kept here for gc (scan.h) */
	struct kept_dirs *kept;
	/* ... and the bindings of every netns, read once for all of them
	 * (into lazy, on the first socket file that needs them) */
	const struct pairmap *bound;
	struct sock_bindings *lazy;
};

/* How many of the directories below the depth limit the warning names. */
#define DEEP_NAMED 3

/*
 * The state trees of container engines and OCI runtimes below /run, as
 * every view names them (a container's own /run too): their sockets and
 * FIFOs are the engines' own bookkeeping (conmon's attach socket and ctl
 * FIFO, a runtime's exec.fifo and notify socket), made and removed by
 * them, never an application's leftover, and most of each tree lies below
 * the depth limit, which on a host running containers would otherwise
 * warn on every run. They are not entered, knowingly and silently (the
 * man page lists them), like the depth limit itself: the scan stays
 * complete. A socket dir given as one of them is walked.
 */
static const char *const engine_trees[] = {
	"/run/containers/storage",	/* containers-storage: podman, CRI-O */
	"/run/libpod",			/* podman's tmp dir */
	"/run/crun",			/* OCI runtimes' container state */
	"/run/runc",
	"/run/containerd/io.containerd.runtime.v2.task",  /* shim bundles */
	"/run/docker/containerd",	/* dockerd's container stdio FIFOs */
	"/run/docker/runtime-runc",
	"/run/user/*/containers",	/* the same, rootless */
	"/run/user/*/libpod",
	"/run/user/*/crun",
	"/run/user/*/runc",
};

static bool engine_tree(const char *path)
{
	for (size_t i = 0; i < sizeof(engine_trees) / sizeof(*engine_trees);
	     i++)
		if (!fnmatch(engine_trees[i], path, FNM_PATHNAME | FNM_PERIOD))
			return true;
	return false;
}

static void walk_dir(struct walk *w, int fd, const struct stat *dst,
		     int depth);

/* Something below a socket dir could not be read (w->path, or @name in
 * it): what it holds is missing from the scan. */
static void walk_missed(struct walk *w, const char *name, int err)
{
	if (!w->unreadable++) {
		struct strbuf sb = { 0 };

		sb_puts(&sb, w->path.buf ? w->path.buf : "");
		if (name) {
			sb_putc(&sb, '/');
			sb_puts(&sb, name);
		}
		w->first_bad = sb.buf;
		w->first_err = err;
	}
}

static void add_file_obj(struct objset *out, enum kind kind,
			 const char *path, const struct stat *st,
			 bool binding_unknown)
{
	struct obj *o = objset_add(out, kind);

	o->path = xstrdup(path);
	o->dev = st->st_dev;
	o->ino = st->st_ino;
	o->other_names = st->st_nlink > 1;
	o->uid = st->st_uid;
	o->gid = st->st_gid;
	o->mode = st->st_mode & 07777;
	o->t_change = st->st_ctime;
	o->t_modify = st->st_mtime;
	o->binding_unknown = binding_unknown;
}

/*
 * A socket file that no socket of the own netns has: bound in another
 * netns (their lists spare it the probe), alive by the connect probe, or
 * stale. It is probed right here, through the walk's directory fd, which
 * the walk reached without following a symlink or entering a foreign
 * mount.
 */
/* Keep directory @dfd, whose path is the first @len bytes of w->path,
 * for gc: once, as a descriptor of its own ("." of it: not a walk). */
static void keep_dir(struct walk *w, int dfd, size_t len)
{
	struct kept_dirs *k = w->kept;
	struct kept_dir *kd;
	struct stat st;
	int fd;

	for (size_t i = 0; i < k->n; i++)
		if (strlen(k->v[i].path) == len &&
		    !memcmp(k->v[i].path, w->path.buf, len))
			return;
	fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;		/* gc then skips its files: not reachable */
	if (fstat(fd, &st)) {
		close(fd);
		return;
	}
	k->v = xrealloc(k->v, (k->n + 1) * sizeof(*k->v));
	kd = &k->v[k->n++];
	kd->path = xstrndup(w->path.buf, len);
	kd->fd = fd;
	kd->dev = st.st_dev;
	kd->ino = st.st_ino;
}

/* The bindings of every netns for a kept walk: read once for all
 * sources (a netns that cannot be listed leaves the probe to decide, as
 * in the own walk). 0 or -errno. */
static int kept_bindings(struct walk *w)
{
	struct sock_bindings *b = w->lazy;
	bool incomplete = false;

	if (!b->read) {
		b->read = true;
		b->set = xcalloc(1, sizeof(*b->set));
		b->err = sockets_bound_set(w->set, w->src, w->procs, b->set,
					   &incomplete);
	}
	if (b->err)
		return b->err;
	w->bound = b->set;
	return 0;
}

static void found_sock(struct walk *w, int dfd, const char *name,
		       const struct stat *st, size_t dirlen)
{
	bool incomplete = false;
	enum probe pr;
	int r, e;

	if (!w->match_sock || own_net_match(w->on, w->path.buf, st) ||
	    !w->want_sock || w->err)
		return;
	if (!w->src->syscalls) {
		/* a fixture has no live sockets to ask */
		add_file_obj(w->out, KIND_SOCKFILE, w->path.buf, st, true);
		return;
	}
	if (w->lazy && !w->bound) {
		r = kept_bindings(w);
		if (r < 0) {
			w->err = r;
			return;
		}
	}
	if (!w->others_read) {
		/* A netns that cannot be listed is not fatal: the probe
		 * asks the kernel about every netns at once. */
		w->others_read = true;
		r = sockets_bound_others(w->set, w->src, w->procs,
					 &w->others, &incomplete);
		if (r < 0) {
			w->err = r;
			return;
		}
	}
	if (pairmap_has(w->bound ? w->bound : &w->others,
			dev_key_of(st->st_dev), (uint32_t)st->st_ino))
		return;
	pr = probe_at(&w->probe_sock, dfd, name, st, &e);
	if (pr == PROBE_UNKNOWN)
		w->unknown++;
	if (pr == PROBE_STALE || pr == PROBE_UNKNOWN) {
		add_file_obj(w->out, KIND_SOCKFILE, w->path.buf, st,
			     pr == PROBE_UNKNOWN);
		if (w->kept)
			keep_dir(w, dfd, dirlen);
	}
}

static void enter_dir(struct walk *w, int dfd, const char *name,
		      const struct stat *st, const struct stat *pst,
		      int depth)
{
	struct stat st2;
	int fd;

	if (st->st_dev != pst->st_dev && !mount_ok(dfd, name))
		return;
	fd = open_dir_at(dfd, name);
	if (fd < 0) {
		/* gone, or replaced since the fstatat: nothing missed */
		if (errno != ENOENT && errno != ELOOP && errno != ENOTDIR)
			walk_missed(w, NULL, errno);
		return;
	}
	if (fstat(fd, &st2) || st2.st_dev != st->st_dev ||
	    st2.st_ino != st->st_ino ||
	    pairmap_has(&w->seen, dev_key_of(st2.st_dev), st2.st_ino)) {
		close(fd);
		return;
	}
	pairmap_put(&w->seen, dev_key_of(st2.st_dev), st2.st_ino, 0);
	walk_dir(w, fd, &st2, depth);
}

/* A directory the walk would have entered but for the depth limit (one
 * on a file system it never enters does not count): counted, and the
 * first few named, so that what was not searched is said. */
static void too_deep(struct walk *w, int dfd, const char *name,
		     const struct stat *st, const struct stat *pst)
{
	if (st->st_dev != pst->st_dev && !mount_ok(dfd, name))
		return;
	if (w->too_deep++ < DEEP_NAMED) {
		if (w->deep.len)
			sb_puts(&w->deep, ", ");
		sb_put_escaped(&w->deep, w->path.buf);
	}
}

/* @fd is consumed. Entries of this directory are at @depth. */
static void walk_dir(struct walk *w, int fd, const struct stat *dst,
		     int depth)
{
	struct dirent *de;
	DIR *d = fdopendir(fd);

	if (!d) {
		walk_missed(w, NULL, errno);
		close(fd);
		return;
	}
	for (;;) {
		const char *name;
		size_t mark = w->path.len;
		struct stat st;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				walk_missed(w, NULL, errno);
			break;
		}
		name = de->d_name;
		if (!strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		/* d_type spares a stat for the common boring entries */
		if (de->d_type == DT_REG || de->d_type == DT_LNK ||
		    de->d_type == DT_CHR || de->d_type == DT_BLK)
			continue;
		if (fstatat(dirfd(d), name, &st,
			    AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT)) {
			if (errno != ENOENT)
				walk_missed(w, name, errno);
			continue;
		}
		sb_putc(&w->path, '/');
		sb_puts(&w->path, name);
		if (S_ISDIR(st.st_mode) && engine_tree(w->path.buf))
			;	/* an engine's state: not entered, not counted */
		else if (S_ISDIR(st.st_mode) && depth < WALK_MAXDEPTH)
			enter_dir(w, dirfd(d), name, &st, dst, depth + 1);
		else if (S_ISDIR(st.st_mode))
			too_deep(w, dirfd(d), name, &st, dst);
		else if (S_ISFIFO(st.st_mode) && w->want_fifo)
			add_file_obj(w->out, KIND_FIFO, w->path.buf, &st,
				     false);
		else if (S_ISSOCK(st.st_mode))
			found_sock(w, dirfd(d), name, &st, mark);
		w->path.len = mark;
		w->path.buf[mark] = '\0';
	}
	closedir(d);
}

static void walk_sockdir(struct walk *w, const char *dir)
{
	char buf[PATH_MAX];
	size_t l = dir_len(dir);
	struct stat st;
	int fd;

	if (sockdir_path(buf, sizeof(buf), w->src->root, dir, l)) {
		diag_partial(w->d, "socket dir %s: %s", dir,
			     strerror(ENAMETOOLONG));
		return;
	}
	fd = open_dir_at(AT_FDCWD, buf);
	if (fd < 0) {
		/* A default dir the system does not have holds nothing; one
		 * the operator named is reported (the command layer decides
		 * what else to make of it). */
		if (errno == ENOENT && w->set->sockdirs == default_sockdirs)
			return;
		if (errno == ELOOP || errno == ENOTDIR)
			diag_partial(w->d, "socket dir %s is a symlink or not "
				     "a directory: skipped", dir);
		else if (errno == ENOENT)
			diag_partial(w->d, "socket dir %s does not exist",
				     dir);
		else
			diag_partial(w->d, "cannot open socket dir %s: %s",
				     dir, strerror(errno));
		return;
	}
	if (fstat(fd, &st) ||
	    pairmap_has(&w->seen, dev_key_of(st.st_dev), st.st_ino)) {
		close(fd);
		return;
	}
	pairmap_put(&w->seen, dev_key_of(st.st_dev), st.st_ino, 0);
	w->path.len = 0;
	sb_putn(&w->path, dir, l);
	walk_dir(w, fd, &st, 1);
}

/* What a walk could not do, said once per walk to its sink: directories
 * or entries not read (the view is incomplete), directories below the
 * depth limit, socket files not probed (@why). @who follows "socket dirs"
 * and "socket files" ("" for our own, " of pid N" for a container's). */
static void walk_report(struct walk *w, const char *who, const char *why)
{
	if (w->unreadable) {
		struct strbuf sb = { 0 };

		sb_put_escaped(&sb, w->first_bad ? w->first_bad : "");
		diag_partial(w->d, "socket dirs%s: %u director%s or entr%s "
			     "could not be read (%s: %s); socket files and "
			     "FIFOs there are not listed", who, w->unreadable,
			     w->unreadable == 1 ? "y" : "ies",
			     w->unreadable == 1 ? "y" : "ies",
			     sb.buf ? sb.buf : "", strerror(w->first_err));
		sb_free(&sb);
	}
	free(w->first_bad);
	w->first_bad = NULL;
	/* The limit is by design and proves nothing wrong about what was
	 * found (a socket file's state never depends on the walk), so the
	 * scan stays complete: only what is deeper is not listed. */
	if (w->too_deep)
		diag_warn(w->d, "socket dirs%s: %u director%s below depth %d "
			  "not searched for socket files and FIFOs: %s%s",
			  who, w->too_deep, w->too_deep == 1 ? "y" : "ies",
			  WALK_MAXDEPTH, w->deep.buf ? w->deep.buf : "",
			  w->too_deep > DEEP_NAMED ? " ..." : "");
	sb_free(&w->deep);
	if (w->unknown)
		diag_warn(w->d, "socket files%s: %u could not be probed (%s)",
			  who, w->unknown, why);
}

/* A walk (zeroed by the caller) for @src's objects into @out, asking
 * which sockets are ours through @on; the kinds it looks for are the
 * scan's (sockets_collect also matches files for the unix kind). */
static void walk_start(struct walk *w, const struct scan_settings *set,
		       const struct source *src, const struct proctab *procs,
		       struct objset *out, struct diag *d, struct own_net *on)
{
	w->set = set;
	w->src = src;
	w->procs = procs;
	w->out = out;
	w->d = d;
	w->on = on;
	w->probe_sock = -1;
	w->want_fifo = set->kinds & KMASK(KIND_FIFO);
	w->want_sock = set->kinds & KMASK(KIND_SOCKFILE);
}

/* Its report (walk_report), and all it holds freed; its error. */
static int walk_finish(struct walk *w, const char *who, const char *why)
{
	int r = w->err;

	walk_report(w, who, why);
	if (w->probe_sock >= 0)
		close(w->probe_sock);
	pairmap_free(&w->others);
	sb_free(&w->path);
	pairmap_free(&w->seen);
	own_net_free(w->on);
	return r;
}

int sockets_collect(const struct scan_settings *set,
		    const struct source *src, const struct proctab *procs,
		    struct objset *out, struct diag *d)
{
	bool want_unix = set->kinds & KMASK(KIND_UNIX);
	bool want_sock = set->kinds & KMASK(KIND_SOCKFILE);
	bool want_fifo = set->kinds & KMASK(KIND_FIFO);
	struct own_net on = { 0 };
	struct walk w = { 0 };
	const char *const *dirs;
	size_t ndirs;

	if (!want_unix && !want_sock && !want_fifo)
		return 0;
	if (want_unix || want_sock)
		own_net_collect(src, out, d, &on, want_unix);

	walk_start(&w, set, src, procs, out, d, &on);
	w.match_sock = want_unix || want_sock;
	sockdirs_of(set, &dirs, &ndirs);
	for (size_t i = 0; i < ndirs; i++)
		if (dirs[i])
			walk_sockdir(&w, dirs[i]);
	return walk_finish(&w, "", set->privileged ? "connect failed" :
			   "not root");
}

int sockfiles_collect_kept(const struct scan_settings *set,
			   const struct source *src,
			   const struct proctab *procs,
			   struct sock_bindings *bound, struct objset *out,
			   struct diag *d)
{
	/* no socket of ours is bound to a file below another root that
	 * we would name by that path: the bindings of every netns decide */
	struct own_net on = { .vfs_ok = true };
	struct walk w = { 0 };
	char who[64];

	walk_start(&w, set, src, procs, out, d, &on);
	w.match_sock = w.want_sock;
	w.kept = src->kept;
	w.lazy = bound;
	w.bound = bound->read && !bound->err ? bound->set : NULL;
	w.others_read = true;
	for (size_t i = 0; i < src->nsockdirs && !w.err; i++) {
		const struct sr_dir *sd = &src->sockdirs[i];
		struct stat st;
		int fd;

		/* a fresh open of the kept directory itself, not a walk:
		 * the readdir offset is its own */
		fd = openat(sd->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) || st.st_dev != sd->dev ||
		    st.st_ino != sd->ino) {
			diag_partial(d, "cannot read %s: %s", sd->label,
				     strerror(fd < 0 ? errno : ESTALE));
			if (fd >= 0)
				close(fd);
			continue;
		}
		if (pairmap_has(&w.seen, dev_key_of(st.st_dev), st.st_ino)) {
			close(fd);
			continue;
		}
		pairmap_put(&w.seen, dev_key_of(st.st_dev), st.st_ino, 0);
		w.path.len = 0;
		sb_puts(&w.path, src->sockdir_paths[i]);
		walk_dir(&w, fd, &st, 1);
	}
	/* a mount namespace that no task is in was reached by entering it
	 * (hostsrc.c): name the namespace, there is no pid */
	if (src->pid > 0)
		snprintf(who, sizeof(who), " of pid %d", (int)src->pid);
	else
		snprintf(who, sizeof(who), " of mount namespace mnt:[%llu]",
			 (unsigned long long)src->mnt.ino);
	return walk_finish(&w, who, "connect failed");
}

void sock_bindings_free(struct sock_bindings *b)
{
	if (b->set) {
		pairmap_free(b->set);
		free(b->set);
	}
	memset(b, 0, sizeof(*b));
}

/* --- removal ------------------------------------------------------------ */

/* Is @st still the socket file the scan saw, on the directory's fs? */
static bool same_socket_file(const struct stat *st, const struct obj *o,
			     const struct stat *dst)
{
	return S_ISSOCK(st->st_mode) && st->st_dev == o->dev &&
	       st->st_ino == o->ino && st->st_uid == o->uid &&
	       st->st_dev == dst->st_dev;
}

/* Is the socket file still bound nowhere? REAP_DONE if so. */
static int recheck_binding(const struct reap_env *env, int dfd,
			   const char *base, const struct stat *st,
			   char *why, size_t whylen)
{
	struct reap_cache none = { 0 };
	struct reap_cache *cache = env->cache ? env->cache : &none;
	bool incomplete = false;
	enum probe pr;
	int r, e, sock = -1;

	/* The bindings of every netns are read once per run, right before
	 * the first socket file goes (one dump per file would make a run
	 * quadratic); the probe below is fresh for each file and asks the
	 * kernel about every netns at once, so a netns that could not be
	 * listed (incomplete) does not stop us either. */
	if (!cache->sock_bound) {
		cache->sock_bound = xcalloc(1, sizeof(*cache->sock_bound));
		r = sockets_bound_set(env->set, env->src, env->procs,
				      cache->sock_bound, &incomplete);
		if (r < 0) {
			pairmap_free(cache->sock_bound);
			free(cache->sock_bound);
			cache->sock_bound = NULL;
			set_why(why, whylen, "cannot read socket bindings: %s",
				strerror(-r));
			return REAP_SKIP;
		}
	}
	r = pairmap_has(cache->sock_bound, dev_key_of(st->st_dev),
			(uint32_t)st->st_ino);
	if (cache == &none)
		reap_cache_free(cache);
	if (r) {
		set_why(why, whylen, "socket is bound again");
		return REAP_SKIP;
	}
	pr = probe_at(&sock, dfd, base, st, &e);
	if (sock >= 0)
		close(sock);
	switch (pr) {
	case PROBE_STALE:
		return REAP_DONE;
	case PROBE_ALIVE:
		set_why(why, whylen, "socket is bound again "
			"(connect probe)");
		return REAP_SKIP;
	case PROBE_CHANGED:
		set_why(why, whylen, "socket file was replaced");
		return REAP_SKIP;
	default:
		set_why(why, whylen, "connect probe failed: %s",
			strerror(e));
		return REAP_SKIP;
	}
}

/* Is @base in @dfd still the scanned socket file? REAP_DONE, REAP_SKIP
 * with a reason, or -errno (ENOENT: gone). Fills *st. */
static int still_same(int dfd, const char *base, const struct obj *o,
		      const struct stat *dst, struct stat *st, char *why,
		      size_t whylen)
{
	if (fstatat(dfd, base, st, AT_SYMLINK_NOFOLLOW))
		return -errno;
	if (!same_socket_file(st, o, dst)) {
		set_why(why, whylen, "socket file was replaced");
		return REAP_SKIP;
	}
	if (st->st_mode & S_ISVTX) {
		/* set since the scan, which would have kept it */
		set_why(why, whylen, STICKY_REASON);
		return REAP_SKIP;
	}
	return REAP_DONE;
}

/*
 * Another mount namespace's socket file: its directory is one the scan
 * kept open (found by the path it showed), checked to be the same
 * directory still; never reached by a new walk. The fd returned is a dup.
 */
static int kept_parent(const struct kept_dirs *k, const char *path,
		       int *dfdp, struct stat *dst, const char **basep,
		       char *why, size_t whylen)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : 0;

	if (!slash || !slash[1]) {
		set_why(why, whylen, "bad socket file path");
		return REAP_SKIP;
	}
	for (size_t i = 0; i < k->n; i++) {
		const struct kept_dir *kd = &k->v[i];

		if (strlen(kd->path) != len || memcmp(kd->path, path, len))
			continue;
		if (fstat(kd->fd, dst) || !S_ISDIR(dst->st_mode) ||
		    dst->st_dev != kd->dev || dst->st_ino != kd->ino) {
			set_why(why, whylen, "its directory is not the one "
				"that was scanned");
			return REAP_SKIP;
		}
		*dfdp = fcntl(kd->fd, F_DUPFD_CLOEXEC, 3);
		if (*dfdp < 0)
			return -errno;
		*basep = slash + 1;
		return 0;
	}
	set_why(why, whylen, "its directory was not kept by the scan");
	return REAP_SKIP;
}

int sockfiles_reap(const struct reap_env *env, const struct obj *o,
		   bool dry_run, char *why, size_t whylen)
{
	char dummy[1];
	const char *base;
	struct stat dst, st;
	uid_t euid = geteuid();
	int dfd, r;

	if (!why || !whylen) {
		why = dummy;
		whylen = sizeof(dummy);
	}
	why[0] = '\0';
	if (!env || !o || o->kind != KIND_SOCKFILE || !o->path)
		return -EINVAL;
	if (!env->src->syscalls) {
		set_why(why, whylen, "socket bindings can only be checked "
			"on the live system");
		return REAP_SKIP;
	}
	if (env->src->kept) {
		r = kept_parent(env->src->kept, o->path, &dfd, &dst, &base,
				why, whylen);
		if (r)
			return r;
	} else {
		r = open_parent(env->set, env->src, o->path, &dfd, &dst,
				&base, why, whylen);
		if (r)
			return r;
	}
	/* Owner of the file or of its directory, or root: nobody else may
	 * remove it, so nothing else is tried. */
	if (euid != 0 && euid != o->uid && euid != dst.st_uid) {
		set_why(why, whylen, "not owner");
		r = REAP_SKIP;
		goto out;
	}
	r = still_same(dfd, base, o, &dst, &st, why, whylen);
	if (r == REAP_DONE)
		r = recheck_binding(env, dfd, base, &st, why, whylen);
	if (r != REAP_DONE || dry_run)
		goto out;
	/* the last look before the unlink, as close to it as we can */
	r = still_same(dfd, base, o, &dst, &st, why, whylen);
	if (r != REAP_DONE)
		goto out;
	r = unlinkat(dfd, base, 0) ? -errno : REAP_DONE;
out:
	close(dfd);
	return r;
}

void reap_cache_free(struct reap_cache *c)
{
	if (c->sock_bound) {
		pairmap_free(c->sock_bound);
		free(c->sock_bound);
		c->sock_bound = NULL;
	}
	nsrun_free(c->runner);
	c->runner = NULL;
}

/* ------------------------------------------------------------------ */
/* The rows (kinds.h)                                                   */

const struct collector sockets_collector = {
	.name = "sockets",
	/* the network namespaces come from the processes */
	.collect_procs = sockets_collect,
};

const struct kind_ops sockfile_kind = {
	.kind = KIND_SOCKFILE,
	.name = "sockfile",
	.help = "socket file with no live socket bound",
	.groups = GMASK(GROUP_SOCKETS) | GMASK(GROUP_ALL),
	.flags = KF_FILE | KF_SIZE | KF_STICKY | KF_SOCKDIR,
	.ns = OBJNS_MNT,
	.collector = &sockets_collector,
	/* bound or not is what counts, not who has it open */
	.holder_keys = HK_UNHELD,
	.classify = classify_sockfile,
	.reap = sockfiles_reap,
	.json_detail = json_detail_file,
	.times = file_times,
};

const struct kind_ops fifo_kind = {
	.kind = KIND_FIFO,
	.name = "fifo",
	.help = "named pipe (FIFO) under the socket dirs",
	.groups = GMASK(GROUP_ALL),
	/* never an orphan (classify_fifo): nothing to remove */
	.flags = KF_FILE | KF_SIZE | KF_STICKY | KF_UNCOUNTED | KF_SOCKDIR |
		 KF_NEVER_REMOVED,
	.ns = OBJNS_MNT,
	.collector = &sockets_collector,
	.holder_keys = HK_FILE,
	.classify = classify_fifo,
	.json_detail = json_detail_file,
	.times = file_times,
};
