/* SPDX-License-Identifier: GPL-2.0-or-later */
/* saferoot.c - reach a directory below a container's root without trusting it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#ifdef SYS_openat2
#include <linux/openat2.h>
#endif

#include "fsutil.h"
#include "parse.h"
#include "saferoot.h"
#include "strbuf.h"
#include "utf8.h"
#include "util.h"

/* ---- small helpers ------------------------------------------------------ */

static void say(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!why || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

/* Test builds can take the paths an older kernel would. */
static bool test_switch(const char *name)
{
#ifdef IPCSCAN_TEST_HOOKS
	return getenv(name) != NULL;
#else
	(void)name;
	return false;
#endif
}

static void close_keep_errno(int fd)
{
	int e = errno;

	if (fd >= 0)
		close(fd);
	errno = e;
}

const char *sr_fstype_name(unsigned long t)
{
	switch (t) {
	case TMPFS_MAGIC:	return "tmpfs";
	case OVERLAYFS_SUPER_MAGIC: return "overlay";
	case EXT4_SUPER_MAGIC:	return "ext2/3/4";
	case XFS_SUPER_MAGIC:	return "xfs";
	case BTRFS_SUPER_MAGIC:	return "btrfs";
	case PROC_SUPER_MAGIC:	return "proc";
	case SYSFS_MAGIC:	return "sysfs";
	case NFS_SUPER_MAGIC:	return "nfs";
	case RAMFS_MAGIC:	return "ramfs";
	case FUSE_SUPER_MAGIC:	return "fuse";
	case SQUASHFS_MAGIC:	return "squashfs";
	}
	return NULL;
}

/* "tmpfs" or "f_type 0x1234" into @buf. */
static const char *fstype_str(unsigned long t, char *buf, size_t len)
{
	const char *n = sr_fstype_name(t);

	if (n)
		return n;
	snprintf(buf, len, "f_type 0x%lx", t);
	return buf;
}

/* ---- the host's mount table --------------------------------------------- */

struct sr_mnt {
	unsigned maj, min;
	char *point;	/* decoded */
	char *fstype;
};

struct sr_mounts {
	struct sr_mnt *v;
	size_t n;
};

/* Undo mountinfo's octal escapes (\040 space, \011 tab, \012 newline,
 * \134 backslash) in place. A backslash not followed by three octal
 * digits stays as it is. */
static void unescape(char *s)
{
	char *w = s;

	for (char *p = s; *p;) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' &&
		    p[2] >= '0' && p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
			char c = (char)(((p[1] - '0') << 6) |
					((p[2] - '0') << 3) | (p[3] - '0'));

			/* a NUL would cut the path: keep the escape text */
			if (!c) {
				memmove(w, p, 4);
				w += 4;
			} else {
				*w++ = c;
			}
			p += 4;
		} else {
			*w++ = *p++;
		}
	}
	*w = '\0';
}

static bool parse_u32(const char *s, size_t n, unsigned *out)
{
	uint64_t v;

	if (!n || parse_u64n(s, n, &v) || v > UINT_MAX)
		return false;
	*out = (unsigned)v;
	return true;
}

/* One line: "ID PARENT MAJ:MIN ROOT POINT OPTS [OPTIONAL...] - FSTYPE
 * SOURCE SUPEROPTS" (proc(5)). */
static int parse_mount_line(char *line, struct sr_mnt *m)
{
	char *f[64];
	int n, sep = -1;
	unsigned u;
	char *colon;

	/* blanks inside paths are escaped as \040 and \011 */
	n = split_fields(line, f, 64);
	if (n > 64)
		return -EBADMSG;
	for (int i = 6; i < n; i++) {
		if (!strcmp(f[i], "-")) {
			sep = i;
			break;
		}
	}
	if (n < 7 || sep < 0 || sep + 1 >= n)
		return -EBADMSG;
	if (!parse_u32(f[0], strlen(f[0]), &u) ||
	    !parse_u32(f[1], strlen(f[1]), &u))
		return -EBADMSG;
	colon = strchr(f[2], ':');
	if (!colon || !parse_u32(f[2], (size_t)(colon - f[2]), &m->maj) ||
	    !parse_u32(colon + 1, strlen(colon + 1), &m->min))
		return -EBADMSG;
	if (f[4][0] != '/')
		return -EBADMSG;
	unescape(f[4]);
	unescape(f[sep + 1]);
	m->point = xstrdup(f[4]);
	m->fstype = xstrdup(f[sep + 1]);
	return 0;
}

void sr_mounts_free(struct sr_mounts *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].point);
		free(m->v[i].fstype);
	}
	free(m->v);
	free(m);
}

int sr_mounts_parse(const char *text, size_t len, struct sr_mounts **out)
{
	struct sr_mounts *m;
	char *buf, *line, *next;
	size_t cap = 0;

	if (memchr(text, '\0', len) || (len && text[len - 1] != '\n'))
		return -EBADMSG;	/* a NUL, or a last line cut short */
	buf = xstrndup(text, len);
	m = xcalloc(1, sizeof(*m));
	for (line = buf; *line; line = next) {
		struct sr_mnt e = { 0 };

		next = strchr(line, '\n');
		*next++ = '\0';
		if (parse_mount_line(line, &e)) {
			free(buf);
			sr_mounts_free(m);
			return -EBADMSG;
		}
		if (m->n == cap) {
			cap = cap ? 2 * cap : 64;
			m->v = xrealloc(m->v, cap * sizeof(*m->v));
		}
		m->v[m->n++] = e;
	}
	free(buf);
	if (!m->n) {
		/* every process has a root mount: this is no mount table */
		sr_mounts_free(m);
		return -EBADMSG;
	}
	*out = m;
	return 0;
}

int sr_mounts_load(const char *path, struct sr_mounts **out)
{
	char *buf;
	ssize_t len = read_file(path, &buf);
	int r;

	if (len < 0)
		return (int)len;
	r = sr_mounts_parse(buf, (size_t)len, out);
	free(buf);
	return r;
}

static bool is_hex64(const char *s, size_t n)
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
						       s[i] <= 'f')))
			return false;
	return true;
}

/* The last up to @max components of absolute path @p, last first. */
struct comp {
	const char *s;
	size_t n;
};

static size_t last_comps(const char *p, struct comp *c, size_t max)
{
	size_t k = 0;
	const char *end = p + strlen(p);

	while (k < max && end > p) {
		const char *s = end;

		while (s > p && s[-1] != '/')
			s--;
		if (s < end) {
			c[k].s = s;
			c[k].n = (size_t)(end - s);
			k++;
		}
		end = s > p ? s - 1 : p;
	}
	return k;
}

static bool comp_is(const struct comp *c, const char *s)
{
	return c->n == strlen(s) && !memcmp(c->s, s, c->n);
}

/* A container engine's shm mount point (see saferoot.h for the sources). */
static bool engine_shm(const char *point)
{
	static const char suffix[] = "-containers";
	const size_t sl = sizeof(suffix) - 1;
	struct comp c[5];
	size_t k = last_comps(point, c, 5);

	if (k < 3 || !comp_is(&c[0], "shm"))
		return false;
	/* containerd CRI: .../sandboxes/ID/shm */
	if (is_hex64(c[1].s, c[1].n) && comp_is(&c[2], "sandboxes"))
		return true;
	if (k < 4 || !is_hex64(c[2].s, c[2].n))
		return false;
	/* docker: .../containers/ID/mounts/shm */
	if (comp_is(&c[1], "mounts") && comp_is(&c[3], "containers"))
		return true;
	/* containers/storage (podman, cri-o): .../DRIVER-containers/ID/
	 * userdata/shm, DRIVER a storage driver name (overlay, vfs, btrfs) */
	if (comp_is(&c[1], "userdata") && c[3].n > sl &&
	    !memcmp(c[3].s + c[3].n - sl, suffix, sl)) {
		for (size_t i = 0; i < c[3].n - sl; i++) {
			char ch = c[3].s[i];

			if (!((ch >= 'a' && ch <= 'z') ||
			      (ch >= '0' && ch <= '9')))
				return false;
		}
		return true;
	}
	return false;
}

enum sr_hostmnt sr_mounts_where(const struct sr_mounts *m, dev_t dev,
				const char **where, const char **fstype)
{
	bool host_shm = false, engine = false;

	for (size_t i = 0; i < m->n; i++) {
		const struct sr_mnt *e = &m->v[i];

		if (e->maj != major(dev) || e->min != minor(dev))
			continue;
		if (!strcmp(e->point, "/dev/shm")) {
			host_shm = true;
		} else if (engine_shm(e->point)) {
			engine = true;
		} else {
			if (where)
				*where = e->point;
			if (fstype)
				*fstype = e->fstype;
			return SR_MNT_OTHER;
		}
	}
	if (host_shm)
		return SR_MNT_HOST_SHM;
	return engine ? SR_MNT_ENGINE_SHM : SR_MNT_NONE;
}

/* ---- a process's root --------------------------------------------------- */

static int pidfd_open_(pid_t pid)
{
#ifdef SYS_pidfd_open
	if (!test_switch("IPCSCAN_TEST_NO_PIDFD"))
		return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
#endif
	errno = ENOSYS;
	return -1;
}

/* 0 if the pidfd's process has not been reaped (a zombie still holds
 * its pid, so the pid cannot have been reused), -errno otherwise. */
static int pidfd_alive(int pidfd)
{
#ifdef SYS_pidfd_send_signal
	if (!syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) ||
	    errno == EPERM)
		return 0;
	return -errno;
#else
	(void)pidfd;
	return 0;
#endif
}

/* Start time (clock ticks since boot, stat field 22) through the
 * /proc/PID directory fd @procfd. */
static int read_start(int procfd, uint64_t *start)
{
	char *buf, *p, *f[20];
	ssize_t n = read_file_at(procfd, "stat", &buf);
	int r = -EBADMSG;

	if (n < 0)
		return (int)n;
	/* comm may hold anything, ")" too: fields start after the last */
	p = strrchr(buf, ')');
	if (p && p[1] == ' ' && split_fields(p + 2, f, 20) >= 20 &&
	    !parse_u64(f[19], start))
		r = 0;
	free(buf);
	return r;
}

void sr_root_close(struct sr_root *r)
{
	if (r->fd >= 0)
		close(r->fd);
	if (r->pidfd >= 0)
		close(r->pidfd);
	r->fd = r->pidfd = -1;
}

int sr_root_open(struct sr_root *r, const char *proc, pid_t pid,
		 uint64_t start, char *why, size_t whylen)
{
	char path[PATH_MAX];
	struct stat st;
	uint64_t now;
	int procfd, e;

	r->fd = r->pidfd = -1;
	r->pid = pid;
	if (pid <= 0 || snprintf(path, sizeof(path), "%s/%d", proc,
				 (int)pid) >= (int)sizeof(path)) {
		say(why, whylen, "pid %d: bad pid or /proc path", (int)pid);
		return -EINVAL;
	}
	r->pidfd = pidfd_open_(pid);
	if (r->pidfd < 0) {
		e = errno;
		if (e == ESRCH) {
			say(why, whylen, "pid %d is gone", (int)pid);
			return SR_GONE;
		}
		/* no pidfds here: the /proc/PID fd and the start time bind
		 * the root to its process on their own */
		if (e != ENOSYS && e != EPERM) {
			say(why, whylen, "pid %d: pidfd_open: %s", (int)pid,
			    strerror(e));
			return -e;
		}
	}
	procfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0) {
		e = errno;
		sr_root_close(r);
		if (e == ENOENT || e == ESRCH) {
			say(why, whylen, "pid %d is gone", (int)pid);
			return SR_GONE;
		}
		say(why, whylen, "cannot open %s: %s", path, strerror(e));
		return -e;
	}
	if (start) {
		e = read_start(procfd, &now);
		if (e == -ESRCH || e == -ENOENT) {
			close(procfd);
			sr_root_close(r);
			say(why, whylen, "pid %d is gone", (int)pid);
			return SR_GONE;
		}
		if (e) {
			close(procfd);
			sr_root_close(r);
			say(why, whylen, "cannot read %s/stat: %s", path,
			    strerror(-e));
			return e;
		}
		if (now != start) {
			close(procfd);
			sr_root_close(r);
			say(why, whylen, "pid %d is another process now "
			    "(started at tick %llu, not %llu)", (int)pid,
			    (unsigned long long)now,
			    (unsigned long long)start);
			return SR_GONE;
		}
	}
	/* the kernel's own link to the process's root: the only link ever
	 * followed here */
	r->fd = openat(procfd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	e = errno;
	close(procfd);
	if (r->fd < 0) {
		sr_root_close(r);
		if (e == ENOENT || e == ESRCH) {
			say(why, whylen, "pid %d has exited (its root is gone)",
			    (int)pid);
			return SR_GONE;
		}
		say(why, whylen, "cannot open the root of pid %d: %s",
		    (int)pid, strerror(e));
		return -e;
	}
	if (r->pidfd >= 0) {
		e = pidfd_alive(r->pidfd);
		if (e) {
			sr_root_close(r);
			if (e == -ESRCH) {
				say(why, whylen, "pid %d exited while its root "
				    "was opened", (int)pid);
				return SR_GONE;
			}
			say(why, whylen, "pid %d: pidfd_send_signal: %s",
			    (int)pid, strerror(-e));
			return e;
		}
	}
	if (fstat(r->fd, &st)) {
		e = errno;
		sr_root_close(r);
		say(why, whylen, "cannot stat the root of pid %d: %s",
		    (int)pid, strerror(e));
		return -e;
	}
	r->dev = st.st_dev;
	r->ino = st.st_ino;
	return 0;
}

int sr_root_from_fd(struct sr_root *r, int fd, pid_t pid)
{
	struct stat st;

	r->pidfd = -1;
	r->pid = pid;
	r->fd = openat(fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (r->fd < 0)
		return -errno;
	if (fstat(r->fd, &st)) {
		int e = -errno;

		sr_root_close(r);
		return e;
	}
	r->dev = st.st_dev;
	r->ino = st.st_ino;
	return 0;
}

/* ---- a directory below it ---------------------------------------------- */

/* @rel: relative, components neither empty nor "." nor "..". */
static bool rel_ok(const char *rel)
{
	size_t len = strlen(rel);

	if (!len || len > SR_REL_MAX || rel[0] == '/')
		return false;
	for (const char *p = rel; *p;) {
		const char *s = strchr(p, '/');
		size_t n = s ? (size_t)(s - p) : strlen(p);

		if (!n || n > NAME_MAX || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (!s)
			break;
		p = s + 1;
		if (!*p)
			return false;	/* trailing slash */
	}
	return true;
}

/*
 * Does symlink target @t, found at depth @depth (the number of
 * components above it, below the root), climb out of the root if read
 * lexically? An absolute target does not climb: it is "just" a symlink
 * (resolved against the walker's root, so just as bad for a naive walk,
 * but not an escape of the container's own tree).
 */
static bool climbs_out(const char *t, int depth)
{
	if (t[0] == '/')
		return false;
	for (const char *p = t; *p;) {
		const char *s = strchr(p, '/');
		size_t n = s ? (size_t)(s - p) : strlen(p);

		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (--depth < 0)
				return true;
		} else if (n && !(n == 1 && p[0] == '.')) {
			depth++;
		}
		if (!s)
			break;
		p = s + 1;
	}
	return false;
}

/*
 * The component walk: from the root, openat(O_PATH|O_NOFOLLOW) one
 * component at a time; each must be a directory. Also the diagnosis when
 * openat2 refused, so that both paths give the same answer. Returns 0
 * with *out (an O_PATH fd), or a refusal, or -errno.
 */
static int walk(const struct sr_root *r, const char *rel, const char *label,
		int *out, char *why, size_t whylen)
{
	int cur = r->fd, depth = 0;
	const char *p = rel;

	for (;;) {
		const char *s = strchr(p, '/');
		size_t n = s ? (size_t)(s - p) : strlen(p);
		/* the path so far, for messages: ours, not the container's */
		int upto = (int)(p - rel + n);
		char comp[NAME_MAX + 1], t[PATH_MAX];
		struct stat st;
		int fd, e;

		memcpy(comp, p, n);
		comp[n] = '\0';
		fd = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		e = errno;
		if (cur != r->fd)
			close(cur);
		if (fd < 0) {
			if (e == ENOENT && !s) {
				say(why, whylen, "%s does not exist", label);
				return SR_MISSING;
			}
			if (e == ENOENT) {
				say(why, whylen, "%s does not exist (no /%.*s)",
				    label, upto, rel);
				return SR_MISSING;
			}
			say(why, whylen, "cannot open %s (at /%.*s): %s",
			    label, upto, rel, strerror(e));
			return -e;
		}
		if (fstat(fd, &st)) {
			e = errno;
			close(fd);
			say(why, whylen, "cannot stat %s (at /%.*s): %s",
			    label, upto, rel, strerror(e));
			return -e;
		}
		if (S_ISLNK(st.st_mode)) {
			/* read, never followed: only to say which trap */
			ssize_t tl = readlinkat(fd, "", t, sizeof(t) - 1);

			close(fd);
			t[tl > 0 ? tl : 0] = '\0';
			if (tl > 0 && climbs_out(t, depth)) {
				say(why, whylen, "%s escapes its root (through "
				    "a symlink at /%.*s)", label, upto, rel);
				return SR_ESCAPE;
			}
			if (!s)
				say(why, whylen, "%s is a symlink", label);
			else
				say(why, whylen, "%s is below a symlink (/%.*s)",
				    label, upto, rel);
			return SR_SYMLINK;
		}
		if (!S_ISDIR(st.st_mode)) {
			close(fd);
			if (!s)
				say(why, whylen, "%s is not a directory", label);
			else
				say(why, whylen, "%s is below something that is "
				    "not a directory (/%.*s)", label, upto, rel);
			return SR_NOTDIR;
		}
		if (!s) {
			*out = fd;
			return 0;
		}
		cur = fd;
		depth++;
		p = s + 1;
	}
}

/* openat2 from the root: -ENOSYS where the kernel (or a seccomp filter)
 * does not have it. */
static int open_beneath(int rootfd, const char *rel)
{
#ifdef SYS_openat2
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	if (test_switch("IPCSCAN_TEST_NO_OPENAT2"))
		return -ENOSYS;
	fd = (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
	if (fd >= 0)
		return fd;
	return errno == EPERM ? -ENOSYS : -errno;
#else
	(void)rootfd;
	(void)rel;
	return -ENOSYS;
#endif
}

/* The host-mount verdict on a tmpfs @dev: 0, or SR_HOSTMOUNT with @why. */
static int host_check(const struct sr_mounts *m, dev_t dev,
		      const char *label, enum sr_hostmnt *host, char *why,
		      size_t whylen)
{
	const char *where = "", *fstype = "";
	struct strbuf sb = { 0 };

	if (!m) {
		say(why, whylen, "%s cannot be checked: the host's mount table "
		    "is unknown", label);
		return SR_HOSTMOUNT;
	}
	*host = sr_mounts_where(m, dev, &where, &fstype);
	if (*host != SR_MNT_OTHER)
		return 0;
	/* host paths may hold any byte: keep the line one line */
	sb_put_escaped(&sb, where);
	sb_putc(&sb, ' ');
	sb_put_escaped(&sb, fstype);
	say(why, whylen, "%s is a bind mount of the host's %s (dev %u:%u)",
	    label, sb.buf, major(dev), minor(dev));
	sb_free(&sb);
	return SR_HOSTMOUNT;
}

int sr_dir_open(const struct sr_root *r, const char *rel, enum sr_use use,
		const struct sr_mounts *mounts, struct sr_dir *d,
		char *why, size_t whylen)
{
	char label[sizeof(d->label)], tb[32];
	struct stat st, st2;
	struct statfs sf;
	enum sr_hostmnt host = SR_MNT_NONE;
	bool by_walk = false, tmpfs;
	int pfd, fd, ret;

	d->fd = -1;
	if (!rel_ok(rel)) {
		say(why, whylen, "bad directory name for pid %d", (int)r->pid);
		return -EINVAL;
	}
	if (r->pid)
		snprintf(label, sizeof(label), "/%.64s of pid %d", rel,
			 (int)r->pid);
	else	/* a root not of a process: a mount namespace's own */
		snprintf(label, sizeof(label), "/%.64s of its root", rel);

	pfd = open_beneath(r->fd, rel);
	if (pfd == -ENOSYS) {
		by_walk = true;
		ret = walk(r, rel, label, &pfd, why, whylen);
		if (ret)
			return ret;
	} else if (pfd == -ELOOP || pfd == -EXDEV || pfd == -ENOTDIR ||
		   pfd == -ENOENT) {
		/* refused: let the walk say why, in the same words */
		ret = walk(r, rel, label, &pfd, why, whylen);
		if (!ret) {
			close(pfd);
			say(why, whylen, "%s changed while being opened", label);
			return SR_CHANGED;
		}
		return ret;
	} else if (pfd < 0) {
		say(why, whylen, "cannot open %s: %s", label, strerror(-pfd));
		return pfd;
	}

	/*
	 * Only the directory reached is judged by its device and type: the
	 * mounts on the way are the container's own business (a tmpfs /dev,
	 * then a tmpfs /dev/shm), and what is read and removed is this
	 * directory alone. The way itself had no symlink and no "..".
	 */
	if (fstat(pfd, &st) || fstatfs(pfd, &sf)) {
		ret = -errno;
		close(pfd);
		say(why, whylen, "cannot stat %s: %s", label, strerror(-ret));
		return ret;
	}
	if (!S_ISDIR(st.st_mode)) {	/* O_DIRECTORY and the walk say so */
		close(pfd);
		say(why, whylen, "%s is not a directory", label);
		return SR_NOTDIR;
	}
	tmpfs = (unsigned long)sf.f_type == TMPFS_MAGIC;
	ret = 0;
	if (use == SR_USE_SHM && !tmpfs) {
		say(why, whylen, "%s is not a tmpfs (%s, dev %u:%u)", label,
		    fstype_str((unsigned long)sf.f_type, tb, sizeof(tb)),
		    major(st.st_dev), minor(st.st_dev));
		ret = SR_FSTYPE;
	} else if (use == SR_USE_SOCKDIR && st.st_dev == r->dev) {
		/* the container's own root file system */
		if (mounts)
			host = sr_mounts_where(mounts, st.st_dev, NULL, NULL);
	} else if (use == SR_USE_SOCKDIR && !tmpfs) {
		say(why, whylen, "%s is on another file system than its root "
		    "(%s, dev %u:%u)", label,
		    fstype_str((unsigned long)sf.f_type, tb, sizeof(tb)),
		    major(st.st_dev), minor(st.st_dev));
		ret = SR_FSTYPE;
	} else {
		ret = host_check(mounts, st.st_dev, label, &host, why,
				 whylen);
	}
	if (ret) {
		/* which directory was refused: the caller may have it
		 * already (the host's /tmp bound into a container) */
		d->dev = st.st_dev;
		d->ino = st.st_ino;
		close(pfd);
		return ret;
	}

	/* the O_PATH fd becomes a readable one without another lookup */
	fd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		close(pfd);
		say(why, whylen, "cannot open %s: %s", label, strerror(-ret));
		return ret;
	}
	close(pfd);
	if (fstat(fd, &st2) || st2.st_dev != st.st_dev ||
	    st2.st_ino != st.st_ino) {
		close_keep_errno(fd);
		say(why, whylen, "%s changed while being opened", label);
		return SR_CHANGED;
	}
	d->fd = fd;
	d->dev = st.st_dev;
	d->ino = st.st_ino;
	d->fstype = (unsigned long)sf.f_type;
	d->host = host;
	d->by_walk = by_walk;
	d->pid = r->pid;
	memcpy(d->label, label, sizeof(label));
	return 0;
}

int sr_dir_reopen(const struct sr_dir *src, struct sr_dir *d, char *why,
		  size_t whylen)
{
	struct stat st;
	int fd, ret;

	d->fd = -1;
	if (src->fd < 0) {
		say(why, whylen, "%s is not open", src->label);
		return -EBADF;
	}
	fd = openat(src->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		say(why, whylen, "cannot open %s: %s", src->label,
		    strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st) || !S_ISDIR(st.st_mode) ||
	    st.st_dev != src->dev || st.st_ino != src->ino) {
		close_keep_errno(fd);
		say(why, whylen, "%s changed while being opened", src->label);
		return SR_CHANGED;
	}
	*d = *src;
	d->fd = fd;
	return 0;
}

int sr_dir_recheck(const struct sr_dir *d, char *why, size_t whylen)
{
	struct stat st;
	struct statfs sf;

	if (d->fd < 0 || fstat(d->fd, &st) || fstatfs(d->fd, &sf) ||
	    !S_ISDIR(st.st_mode) || st.st_dev != d->dev ||
	    st.st_ino != d->ino || (unsigned long)sf.f_type != d->fstype) {
		say(why, whylen, "%s is not the directory that was scanned",
		    d->label);
		return SR_CHANGED;
	}
	return 0;
}

static bool name_ok(const char *name)
{
	return *name && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..");
}

int sr_entry_stat(const struct sr_dir *d, const char *name,
		  struct sr_entry *e)
{
	struct stat st;

	if (!name_ok(name))
		return -EINVAL;
	if (fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW))
		return -errno;
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	e->uid = st.st_uid;
	e->mode = st.st_mode;
	return 0;
}

int sr_unlink(const struct sr_dir *d, const char *name,
	      const struct sr_entry *want, char *why, size_t whylen)
{
	struct sr_entry now;
	int r;

	if (!name_ok(name)) {
		say(why, whylen, "bad entry name in %s", d->label);
		return -EINVAL;
	}
	if (S_ISDIR(want->mode)) {
		say(why, whylen, "a directory in %s is never removed", d->label);
		return -EISDIR;
	}
	r = sr_dir_recheck(d, why, whylen);
	if (r)
		return r;
	r = sr_entry_stat(d, name, &now);
	if (r == -ENOENT) {
		say(why, whylen, "the entry in %s is already gone", d->label);
		return r;
	}
	if (r) {
		say(why, whylen, "cannot stat an entry of %s: %s", d->label,
		    strerror(-r));
		return r;
	}
	if (now.dev != d->dev || now.dev != want->dev ||
	    now.ino != want->ino || now.uid != want->uid ||
	    (now.mode & S_IFMT) != (want->mode & S_IFMT)) {
		say(why, whylen, "the entry in %s changed since the scan",
		    d->label);
		return SR_CHANGED;
	}
	if (unlinkat(d->fd, name, 0)) {
		r = -errno;
		if (r == -ENOENT)
			say(why, whylen, "the entry in %s is already gone",
			    d->label);
		else
			say(why, whylen, "cannot remove an entry of %s: %s",
			    d->label, strerror(-r));
		return r;
	}
	return 0;
}

void sr_dir_close(struct sr_dir *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}
