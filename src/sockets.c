/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sockets.c - live unix sockets (sock_diag), stale socket files, FIFOs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/magic.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include "fsutil.h"
#include "netns.h"
#include "parse.h"
#include "reap.h"
#include "sockets.h"
#include "strbuf.h"
#include "utf8.h"
#include "util.h"

/* /proc/net/unix "St" column (enum socket_state). */
#define SS_CONNECTING_ 2
#define SS_CONNECTED_ 3
#define SS_DISCONNECTING_ 4

#define ACCEPTCON_FLAG 0x10000	/* __SO_ACCEPTCON: listening */
/* Entries at most this many levels below a socket dir (find -maxdepth). */
#define WALK_MAXDEPTH 4
/* pairmap value: bound, but no object kept for it */
#define NO_OBJ UINT32_MAX
/* A dump never takes this long; a scan must never hang on one. */
#define DIAG_TIMEOUT_SEC 10

/* --- parsing ------------------------------------------------------------ */

int parse_proc_net_unix_line(const char *line, struct obj *o)
{
	const char *f[7];
	size_t fl[7], len, i, pos = 0;
	uint64_t v[6], ino;
	const char *addr = NULL;
	size_t addrlen = 0;
	int state;

	if (!line || !o)
		return -EINVAL;
	len = strlen(line);
	if (len && line[len - 1] == '\n')
		len--;

	/* Num: RefCount Protocol Flags Type St Inode, blank separated */
	for (i = 0; i < 7; i++) {
		while (pos < len && line[pos] == ' ')
			pos++;
		f[i] = line + pos;
		while (pos < len && line[pos] != ' ')
			pos++;
		fl[i] = (size_t)(line + pos - f[i]);
		if (!fl[i])
			return -EINVAL;
	}
	if (fl[0] < 2 || f[0][fl[0] - 1] != ':')
		return -EINVAL;
	fl[0]--;
	for (i = 0; i < 6; i++)
		if (parse_hex_u64n(f[i], fl[i], &v[i]))
			return -EINVAL;
	if (parse_u64n(f[6], fl[6], &ino))
		return -EINVAL;
	if (v[4] > INT_MAX || !unix_type_name((int)v[4]))
		return -EINVAL;
	if (v[5] > SS_DISCONNECTING_)
		return -EINVAL;
	/* A connection still waiting in a listener's queue has no inode
	 * yet and shows the listener's path: not a socket of its own. */
	if (!ino)
		return -ENOENT;

	/* The kernel prints exactly one blank, then the name unescaped: all
	 * the rest of the line is the address, even leading blanks. */
	if (pos < len) {
		addr = line + pos + 1;
		addrlen = len - pos - 1;
	}

	/* The St column is the socket layer's view; map it back to the
	 * sk_state that sock_diag reports, so both sources agree. */
	if (v[3] & ACCEPTCON_FLAG)
		state = UX_LISTEN;
	else if (v[5] == SS_CONNECTED_ || v[5] == SS_CONNECTING_)
		state = UX_ESTABLISHED;
	else
		state = UX_CLOSE;

	if (o->kind == KIND_UNIX)
		free(o->u.ux.addr);
	memset(&o->u.ux, 0, sizeof(o->u.ux));
	o->kind = KIND_UNIX;
	o->inode = ino;
	o->u.ux.type = (int)v[4];
	o->u.ux.state = state;
	o->u.ux.listening = state == UX_LISTEN;
	o->u.ux.addr = addrlen ? xstrndup(addr, addrlen) : NULL;
	o->uid_unknown = o->gid_unknown = o->mode_unknown = true;
	return 0;
}

/* What one unix_diag_msg says, without allocating (forked children use
 * this too). Pointers point into the message. */
struct diag_info {
	struct unix_diag_msg hdr;
	const unsigned char *name;
	size_t namelen;
	bool has_vfs, has_peer, has_uid;
	struct unix_diag_vfs vfs;
	uint32_t peer, uid;
};

/* Minimum payload of each attribute we read; 0 = no minimum. */
static int diag_attr_check(unsigned type, size_t plen)
{
	switch (type) {
	case UNIX_DIAG_NAME:
		return plen <= sizeof(((struct sockaddr_un *)0)->sun_path) ?
			0 : -EINVAL;
	case UNIX_DIAG_VFS:
		return plen >= sizeof(struct unix_diag_vfs) ? 0 : -EINVAL;
	case UNIX_DIAG_PEER:
	case UNIX_DIAG_UID:
		return plen >= sizeof(uint32_t) ? 0 : -EINVAL;
	case UNIX_DIAG_ICONS:
		return plen % sizeof(uint32_t) ? -EINVAL : 0;
	case UNIX_DIAG_RQLEN:
		return plen >= sizeof(struct unix_diag_rqlen) ? 0 : -EINVAL;
	default:
		return 0;
	}
}

static int diag_walk(const void *msg, size_t len, struct diag_info *di)
{
	const unsigned char *p = msg;
	size_t off;

	memset(di, 0, sizeof(*di));
	if (!msg || len < sizeof(di->hdr))
		return -EINVAL;
	/* memcpy: a fuzzer's buffer need not be aligned */
	memcpy(&di->hdr, p, sizeof(di->hdr));
	if (di->hdr.udiag_family != AF_UNIX)
		return -EINVAL;

	off = NLMSG_ALIGN(sizeof(di->hdr));
	while (off < len) {
		struct nlattr na;
		const unsigned char *pl;
		size_t plen;
		unsigned type;

		if (len - off < sizeof(na))
			return -EINVAL;
		memcpy(&na, p + off, sizeof(na));
		if (na.nla_len < sizeof(na) || na.nla_len > len - off)
			return -EINVAL;
		pl = p + off + sizeof(na);
		plen = na.nla_len - sizeof(na);
		type = na.nla_type & NLA_TYPE_MASK;
		if (diag_attr_check(type, plen))
			return -EINVAL;
		switch (type) {
		case UNIX_DIAG_NAME:
			di->name = pl;
			di->namelen = plen;
			break;
		case UNIX_DIAG_VFS:
			memcpy(&di->vfs, pl, sizeof(di->vfs));
			di->has_vfs = true;
			break;
		case UNIX_DIAG_PEER:
			memcpy(&di->peer, pl, sizeof(di->peer));
			di->has_peer = true;
			break;
		case UNIX_DIAG_UID:
			memcpy(&di->uid, pl, sizeof(di->uid));
			di->has_uid = true;
			break;
		default:
			break;
		}
		off += NLA_ALIGN((size_t)na.nla_len);
	}
	return 0;
}

/* sun_path bytes as we store them: a path up to its NUL; an abstract
 * name as "@" + the rest, inner NULs shown as '@' like /proc/net/unix. */
static char *diag_addr(const unsigned char *name, size_t len)
{
	char *s;

	if (!name || !len)
		return NULL;
	if (name[0]) {
		len = strnlen((const char *)name, len);
		return xstrndup((const char *)name, len);
	}
	s = xmalloc(len + 1);
	s[0] = '@';
	for (size_t i = 1; i < len; i++)
		s[i] = name[i] ? (char)name[i] : '@';
	s[len] = '\0';
	return s;
}

int parse_unix_diag_msg(const void *msg, size_t len, struct obj *o)
{
	struct diag_info di;
	int r;

	if (!o)
		return -EINVAL;
	r = diag_walk(msg, len, &di);
	if (r)
		return r;

	if (o->kind == KIND_UNIX)
		free(o->u.ux.addr);
	memset(&o->u.ux, 0, sizeof(o->u.ux));
	o->kind = KIND_UNIX;
	o->inode = di.hdr.udiag_ino;
	o->u.ux.type = di.hdr.udiag_type;
	o->u.ux.state = di.hdr.udiag_state;
	o->u.ux.listening = di.hdr.udiag_state == UX_LISTEN;
	o->u.ux.addr = diag_addr(di.name, di.namelen);
	if (di.has_peer)
		o->u.ux.peer = di.peer;
	if (di.has_vfs) {
		o->u.ux.has_vfs = true;
		o->u.ux.vfs_ino = di.vfs.udiag_vfs_ino;
		o->u.ux.vfs_dev = di.vfs.udiag_vfs_dev;
	}
	o->uid = di.has_uid ? di.uid : 0;
	o->uid_unknown = !di.has_uid;
	o->gid_unknown = o->mode_unknown = true;	/* never in sock_diag */
	return 0;
}

/* --- sock_diag ---------------------------------------------------------- */

typedef int (*diag_cb)(const void *msg, size_t len, void *arg);

/*
 * Dump every unix socket of the caller's network namespace and call @cb
 * with each unix_diag_msg. No allocation: forked children run this.
 * Returns 0, a negative value from @cb, or -errno.
 */
static int unix_diag_dump(uint32_t show, diag_cb cb, void *arg)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} rq;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = DIAG_TIMEOUT_SEC };
	static const uint32_t seq = 0x1c5c;
	uint32_t buf[8192];	/* 32 KiB, aligned for nlmsghdr */
	int fd, err = 0;
	bool done = false;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -errno;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

	memset(&rq, 0, sizeof(rq));
	rq.nlh.nlmsg_len = sizeof(rq);
	rq.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	rq.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rq.nlh.nlmsg_seq = seq;
	rq.req.sdiag_family = AF_UNIX;
	rq.req.udiag_states = UINT32_MAX;
	rq.req.udiag_show = show;
	if (sendto(fd, &rq, sizeof(rq), 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0) {
		err = -errno;
		goto out;
	}

	while (!done) {
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = {
			.msg_name = &sa, .msg_namelen = sizeof(sa),
			.msg_iov = &iov, .msg_iovlen = 1,
		};
		ssize_t n = recvmsg(fd, &mh, 0);
		size_t off = 0;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = errno == EAGAIN ? -ETIMEDOUT : -errno;
			goto out;
		}
		if (mh.msg_flags & MSG_TRUNC) {
			err = -EMSGSIZE;
			goto out;
		}
		if (n == 0) {
			err = -EIO;
			goto out;
		}
		if (sa.nl_pid != 0)	/* not from the kernel */
			continue;
		while (!done && (size_t)n - off >= sizeof(struct nlmsghdr)) {
			const struct nlmsghdr *h =
				(const void *)((const char *)buf + off);
			size_t hl = h->nlmsg_len;

			if (hl < sizeof(*h) || hl > (size_t)n - off) {
				err = -EBADMSG;
				goto out;
			}
			if (h->nlmsg_seq != seq) {
				/* not ours */
			} else if (h->nlmsg_type == NLMSG_DONE) {
				int e = 0;

				if (hl >= NLMSG_HDRLEN + sizeof(int))
					memcpy(&e, NLMSG_DATA(h), sizeof(int));
				err = e < 0 ? e : 0;
				done = true;
			} else if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr ne;

				err = -EIO;
				if (hl >= NLMSG_HDRLEN + sizeof(ne)) {
					memcpy(&ne, NLMSG_DATA(h), sizeof(ne));
					if (ne.error < 0)
						err = ne.error;
				}
				goto out;
			} else if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY) {
				int r = cb(NLMSG_DATA(h), hl - NLMSG_HDRLEN,
					   arg);
				if (r < 0) {
					err = r;
					goto out;
				}
			}
			off += NLMSG_ALIGN(hl);
		}
	}
out:
	close(fd);
	return err;
}

/* Collects (dev_key, ino) of every bound socket into a pairmap. */
static int pair_cb(const void *msg, size_t len, void *arg)
{
	struct diag_info di;

	if (diag_walk(msg, len, &di) == 0 && di.has_vfs)
		pairmap_put(arg, kdev_key(di.vfs.udiag_vfs_dev),
			    di.vfs.udiag_vfs_ino, NO_OBJ);
	return 0;
}

/* --- the own network namespace ------------------------------------------ */

struct own_net {
	struct objset *set;	/* ctx->objs, or local if unix not wanted */
	struct objset local;
	uint64_t netns;
	struct pairmap vfs;	/* (dev_key, ino) -> index in set */
	bool vfs_ok;		/* sock_diag answered: vfs is the truth */
	struct pairmap byname;	/* fallback: (hash(addr), 0) -> index */
	unsigned bad;		/* malformed messages or lines */
};

static int own_diag_cb(const void *msg, size_t len, void *arg)
{
	struct own_net *on = arg;
	size_t idx = on->set->n;
	struct obj *o = objset_add(on->set, KIND_UNIX);

	if (parse_unix_diag_msg(msg, len, o)) {
		/* nothing was allocated for it */
		on->set->n--;
		on->bad++;
		return 0;
	}
	o->u.ux.netns = on->netns;
	if (o->u.ux.has_vfs)
		pairmap_put(&on->vfs, kdev_key(o->u.ux.vfs_dev),
			    o->u.ux.vfs_ino, (uint32_t)idx);
	return 0;
}

static void objset_truncate(struct objset *set, size_t n)
{
	while (set->n > n)
		obj_free(&set->v[--set->n]);
}

/* /proc/net/unix of the own netns: no (dev, ino), so bound files can only
 * be matched by path. A name with a newline spills onto the next line,
 * which then does not parse: it is glued back onto the previous name.
 * The kernel never writes a NUL byte (abstract names show '@' for it):
 * a line holding one is malformed, and the lines after it still count. */
static int own_from_proc(struct scan_ctx *ctx, struct own_net *on)
{
	char path[PATH_MAX];
	char *buf, *line, *next;
	size_t mark = on->set->n;
	ssize_t n;
	bool first = true;
	int r;

	if (root_path(path, sizeof(path), ctx->root, "/proc/net/unix"))
		return -ENAMETOOLONG;
	n = read_file(path, &buf);
	if (n < 0)
		return (int)n;
	for (line = buf; line < buf + n; line = next) {
		size_t len;
		struct obj *o;

		next = memchr(line, '\n', (size_t)(buf + n - line));
		len = (size_t)((next ? next : buf + n) - line);
		if (next)
			*next++ = '\0';
		else
			next = buf + n;
		if (memchr(line, '\0', len)) {
			/* a NUL before the line's end: never the kernel's */
			on->bad++;
			first = false;
			continue;
		}
		o = objset_add(on->set, KIND_UNIX);
		r = parse_proc_net_unix_line(line, o);
		if (r == 0) {
			o->u.ux.netns = on->netns;
			first = false;
			continue;
		}
		on->set->n--;
		if (r == -ENOENT)	/* pending connection */
			continue;
		if (first) {	/* the header */
			first = false;
			continue;
		}
		if (on->set->n > mark && on->set->v[on->set->n - 1].u.ux.addr) {
			struct obj *prev = &on->set->v[on->set->n - 1];
			struct strbuf sb = { 0 };

			sb_puts(&sb, prev->u.ux.addr);
			sb_putc(&sb, '\n');
			sb_puts(&sb, line);
			free(prev->u.ux.addr);
			prev->u.ux.addr = sb.buf;
		} else {
			on->bad++;
		}
	}
	free(buf);
	for (size_t i = mark; i < on->set->n; i++) {
		const char *a = on->set->v[i].u.ux.addr;

		if (a && a[0] == '/')
			pairmap_put(&on->byname, fnv1a(a, strlen(a)), 0,
				    (uint32_t)i);
	}
	return 0;
}

static int own_collect(struct scan_ctx *ctx, struct own_net *on,
		       bool want_unix)
{
	int r = -EOPNOTSUPP;

	on->set = want_unix ? &ctx->objs : &on->local;
	on->netns = ctx->own_netns;
	if (ctx->live) {
		size_t mark = on->set->n;

		r = unix_diag_dump(UDIAG_SHOW_NAME | UDIAG_SHOW_VFS |
				   UDIAG_SHOW_PEER | UDIAG_SHOW_ICONS |
				   UDIAG_SHOW_RQLEN | UDIAG_SHOW_UID,
				   own_diag_cb, on);
		if (r == 0) {
			on->vfs_ok = true;
			if (on->bad)
				scan_warn(ctx, "sock_diag: %u malformed "
					  "messages skipped", on->bad);
			return 0;
		}
		if (r == -ENOMEM)
			return r;
		/* a half dump is worse than none: start over from /proc */
		objset_truncate(on->set, mark);
		pairmap_free(&on->vfs);
		on->bad = 0;
		scan_warn(ctx, "unix sockets: sock_diag failed (%s), "
			  "reading /proc/net/unix", strerror(-r));
	}
	r = own_from_proc(ctx, on);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		scan_warn(ctx, "cannot read %s/proc/net/unix: %s", ctx->root,
			  strerror(-r));
		ctx->complete = false;
	} else if (on->bad) {
		scan_warn(ctx, "%s/proc/net/unix: %u malformed lines skipped",
			  ctx->root, on->bad);
	}
	return 0;
}

/* Is the socket file at @path with @st the file of a socket of the own
 * netns? If so, the socket object learns its path. */
static bool own_match(struct own_net *on, const char *path,
		      const struct stat *st)
{
	bool hit = false;
	size_t pos = 0;
	uint32_t idx;

	if (on->vfs_ok) {
		hit = pairmap_next(&on->vfs, dev_key_of(st->st_dev),
				   (uint32_t)st->st_ino, &pos, &idx);
	} else {
		uint64_t h = fnv1a(path, strlen(path));

		while (!hit && pairmap_next(&on->byname, h, 0, &pos, &idx)) {
			const char *a = on->set->v[idx].u.ux.addr;

			hit = a && !strcmp(a, path);
		}
	}
	if (!hit)
		return false;
	if (idx != NO_OBJ && !on->set->v[idx].path) {
		struct obj *o = &on->set->v[idx];

		o->path = xstrdup(path);
		o->dev = st->st_dev;
		o->ino = st->st_ino;
		/* Matched by the socket's own (dev, ino): this file is the
		 * one it is bound to, so its group and mode are the
		 * socket's. A match by path alone (/proc/net/unix) may be
		 * another mount namespace's file: nothing is taken from it. */
		if (on->vfs_ok) {
			o->gid = st->st_gid;
			o->mode = st->st_mode & 07777;
			o->gid_unknown = o->mode_unknown = false;
			if (o->uid_unknown) {
				o->uid = st->st_uid;
				o->uid_unknown = false;
			}
		}
	}
	return true;
}

static void own_free(struct own_net *on)
{
	objset_free(&on->local);
	pairmap_free(&on->vfs);
	pairmap_free(&on->byname);
}

/* --- every network namespace ------------------------------------------- */

/* In a child inside another netns: send back its bound (dev_key, ino). */
static int child_diag_cb(const void *msg, size_t len, void *arg)
{
	struct diag_info di;

	if (diag_walk(msg, len, &di) || !di.has_vfs)
		return 0;
	return netns_emit(arg, kdev_key(di.vfs.udiag_vfs_dev),
			  di.vfs.udiag_vfs_ino);
}

static int child_dump(struct netns_out *out, void *arg)
{
	(void)arg;
	return unix_diag_dump(UDIAG_SHOW_VFS, child_diag_cb, out);
}

static int add_pair(uint64_t dev, uint64_t ino, void *arg)
{
	if (ino <= UINT32_MAX)
		pairmap_put(arg, dev, ino, NO_OBJ);
	return 0;
}

static int bound_set(struct scan_ctx *ctx, struct pairmap *bound,
		     bool *incomplete, bool with_own)
{
	int r;

	if (!ctx->live) {
		/* a fixture tree has no sockets to ask */
		*incomplete = true;
		return 0;
	}
	if (with_own) {
		r = unix_diag_dump(UDIAG_SHOW_VFS, pair_cb, bound);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			*incomplete = true;
	}
	return netns_foreach_other(ctx, child_dump, NULL, add_pair, bound,
				   incomplete);
}

int sockets_bound_set(struct scan_ctx *ctx, struct pairmap *bound,
		      bool *incomplete)
{
	return bound_set(ctx, bound, incomplete, true);
}

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

static void sockdirs_of(const struct scan_ctx *ctx,
			const char *const **dirs, size_t *n)
{
	if (ctx->sockdirs) {
		*dirs = ctx->sockdirs;
		*n = ctx->nsockdirs;
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
static int open_parent(const struct scan_ctx *ctx, const char *path,
		       int *dfdp, struct stat *dst, const char **basep,
		       char *why, size_t whylen)
{
	const char *const *dirs;
	char buf[PATH_MAX], comp[NAME_MAX + 1];
	const char *p;
	size_t n, best = 0;
	bool found = false;
	int fd;

	sockdirs_of(ctx, &dirs, &n);
	for (size_t i = 0; i < n; i++) {
		size_t l = dir_len(dirs[i]);

		if (!strncmp(path, dirs[i], l) && path[l] == '/' &&
		    (!found || l > best)) {
			best = l;
			found = true;
		}
	}
	if (!found) {
		snprintf(why, whylen, "not below a socket directory");
		return REAP_SKIP;
	}
	if (sockdir_path(buf, sizeof(buf), ctx->root, path, best))
		return -ENAMETOOLONG;
	fd = open_dir_at(AT_FDCWD, buf);
	if (fd < 0) {
		if (errno == ELOOP || errno == ENOTDIR) {
			snprintf(why, whylen, "socket directory is a symlink");
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
			snprintf(why, whylen, "unexpected path component");
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
				snprintf(why, whylen, "a directory on the path "
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
			snprintf(why, whylen, "path crosses into another "
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
	struct scan_ctx *ctx;
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
};

/* How many of the directories below the depth limit the warning names. */
#define DEEP_NAMED 3

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

static void add_file_obj(struct scan_ctx *ctx, enum kind kind,
			 const char *path, const struct stat *st,
			 bool binding_unknown)
{
	struct obj *o = objset_add(&ctx->objs, kind);

	o->path = xstrdup(path);
	o->dev = st->st_dev;
	o->ino = st->st_ino;
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
static void found_sock(struct walk *w, int dfd, const char *name,
		       const struct stat *st)
{
	struct scan_ctx *ctx = w->ctx;
	bool incomplete = false;
	enum probe pr;
	int r, e;

	if (!w->match_sock || own_match(w->on, w->path.buf, st) ||
	    !w->want_sock || w->err)
		return;
	if (!ctx->live) {
		/* a fixture has no live sockets to ask */
		add_file_obj(ctx, KIND_SOCKFILE, w->path.buf, st, true);
		return;
	}
	if (!w->others_read) {
		/* A netns that cannot be listed is not fatal: the probe
		 * asks the kernel about every netns at once. */
		w->others_read = true;
		r = bound_set(ctx, &w->others, &incomplete, false);
		if (r < 0) {
			w->err = r;
			return;
		}
	}
	if (pairmap_has(&w->others, dev_key_of(st->st_dev),
			(uint32_t)st->st_ino))
		return;
	pr = probe_at(&w->probe_sock, dfd, name, st, &e);
	if (pr == PROBE_UNKNOWN)
		w->unknown++;
	if (pr == PROBE_STALE || pr == PROBE_UNKNOWN)
		add_file_obj(ctx, KIND_SOCKFILE, w->path.buf, st,
			     pr == PROBE_UNKNOWN);
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
		if (S_ISDIR(st.st_mode) && depth < WALK_MAXDEPTH)
			enter_dir(w, dirfd(d), name, &st, dst, depth + 1);
		else if (S_ISDIR(st.st_mode))
			too_deep(w, dirfd(d), name, &st, dst);
		else if (S_ISFIFO(st.st_mode) && w->want_fifo)
			add_file_obj(w->ctx, KIND_FIFO, w->path.buf, &st,
				     false);
		else if (S_ISSOCK(st.st_mode))
			found_sock(w, dirfd(d), name, &st);
		w->path.len = mark;
		w->path.buf[mark] = '\0';
	}
	closedir(d);
}

static void walk_sockdir(struct walk *w, const char *dir)
{
	struct scan_ctx *ctx = w->ctx;
	char buf[PATH_MAX];
	size_t l = dir_len(dir);
	struct stat st;
	int fd;

	if (sockdir_path(buf, sizeof(buf), ctx->root, dir, l)) {
		scan_warn(ctx, "socket dir %s: %s", dir,
			  strerror(ENAMETOOLONG));
		ctx->complete = false;
		return;
	}
	fd = open_dir_at(AT_FDCWD, buf);
	if (fd < 0) {
		/* A default dir the system does not have holds nothing; one
		 * the operator named is reported (the command layer decides
		 * what else to make of it). */
		if (errno == ENOENT && ctx->sockdirs == default_sockdirs)
			return;
		if (errno == ELOOP || errno == ENOTDIR)
			scan_warn(ctx, "socket dir %s is a symlink or not a "
				  "directory: skipped", dir);
		else if (errno == ENOENT)
			scan_warn(ctx, "socket dir %s does not exist", dir);
		else
			scan_warn(ctx, "cannot open socket dir %s: %s", dir,
				  strerror(errno));
		ctx->complete = false;
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

int sockets_collect(struct scan_ctx *ctx)
{
	bool want_unix = ctx->kinds & KMASK(KIND_UNIX);
	bool want_sock = ctx->kinds & KMASK(KIND_SOCKFILE);
	bool want_fifo = ctx->kinds & KMASK(KIND_FIFO);
	struct own_net on = { 0 };
	struct walk w = { 0 };
	const char *const *dirs;
	size_t ndirs;
	int r = 0;

	if (!want_unix && !want_sock && !want_fifo)
		return 0;
	if (want_unix || want_sock) {
		r = own_collect(ctx, &on, want_unix);
		if (r < 0)
			goto out;
	}

	w.ctx = ctx;
	w.on = &on;
	w.probe_sock = -1;
	w.want_fifo = want_fifo;
	w.want_sock = want_sock;
	w.match_sock = want_unix || want_sock;
	sockdirs_of(ctx, &dirs, &ndirs);
	for (size_t i = 0; i < ndirs; i++)
		if (dirs[i])
			walk_sockdir(&w, dirs[i]);
	if (w.unreadable) {
		struct strbuf sb = { 0 };

		sb_put_escaped(&sb, w.first_bad ? w.first_bad : "");
		scan_warn(ctx, "socket dirs: %u director%s or entr%s could not "
			  "be read (%s: %s); socket files and FIFOs there are "
			  "not listed", w.unreadable,
			  w.unreadable == 1 ? "y" : "ies",
			  w.unreadable == 1 ? "y" : "ies",
			  sb.buf ? sb.buf : "", strerror(w.first_err));
		sb_free(&sb);
		ctx->complete = false;
	}
	free(w.first_bad);
	/* The limit is by design and proves nothing wrong about what was
	 * found (a socket file's state never depends on the walk), so the
	 * scan stays complete: only what is deeper is not listed. */
	if (w.too_deep)
		scan_warn(ctx, "socket dirs: %u director%s below depth %d not "
			  "searched for socket files and FIFOs: %s%s",
			  w.too_deep, w.too_deep == 1 ? "y" : "ies",
			  WALK_MAXDEPTH, w.deep.buf ? w.deep.buf : "",
			  w.too_deep > DEEP_NAMED ? " ..." : "");
	sb_free(&w.deep);
	if (w.unknown)
		scan_warn(ctx, "socket files: %u could not be probed (%s)",
			  w.unknown, ctx->privileged ? "connect failed" :
			  "not root");
	r = w.err;
	if (w.probe_sock >= 0)
		close(w.probe_sock);
	pairmap_free(&w.others);
	sb_free(&w.path);
	pairmap_free(&w.seen);
out:
	own_free(&on);
	return r;
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
static int recheck_binding(struct scan_ctx *ctx, int dfd, const char *base,
			   const struct stat *st, char *why, size_t whylen)
{
	bool incomplete = false;
	enum probe pr;
	int r, e, sock = -1;

	/* The bindings of every netns are read once per run, right before
	 * the first socket file goes (one dump per file would make a run
	 * quadratic); the probe below is fresh for each file and asks the
	 * kernel about every netns at once, so a netns that could not be
	 * listed (incomplete) does not stop us either. */
	if (!ctx->sock_bound) {
		ctx->sock_bound = xcalloc(1, sizeof(*ctx->sock_bound));
		r = sockets_bound_set(ctx, ctx->sock_bound, &incomplete);
		if (r < 0) {
			pairmap_free(ctx->sock_bound);
			free(ctx->sock_bound);
			ctx->sock_bound = NULL;
			snprintf(why, whylen, "cannot read socket bindings: %s",
				 strerror(-r));
			return REAP_SKIP;
		}
	}
	if (pairmap_has(ctx->sock_bound, dev_key_of(st->st_dev),
			(uint32_t)st->st_ino)) {
		snprintf(why, whylen, "socket is bound again");
		return REAP_SKIP;
	}
	pr = probe_at(&sock, dfd, base, st, &e);
	if (sock >= 0)
		close(sock);
	switch (pr) {
	case PROBE_STALE:
		return REAP_DONE;
	case PROBE_ALIVE:
		snprintf(why, whylen, "socket is bound again "
			 "(connect probe)");
		return REAP_SKIP;
	case PROBE_CHANGED:
		snprintf(why, whylen, "socket file was replaced");
		return REAP_SKIP;
	default:
		snprintf(why, whylen, "connect probe failed: %s",
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
		snprintf(why, whylen, "socket file was replaced");
		return REAP_SKIP;
	}
	if (st->st_mode & S_ISVTX) {
		/* set since the scan, which would have kept it */
		snprintf(why, whylen, STICKY_REASON);
		return REAP_SKIP;
	}
	return REAP_DONE;
}

int sockets_reap(struct scan_ctx *ctx, const struct obj *o, bool dry_run,
		 char *why, size_t whylen)
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
	if (!ctx || !o || o->kind != KIND_SOCKFILE || !o->path)
		return -EINVAL;
	if (!ctx->live) {
		snprintf(why, whylen, "socket bindings can only be checked "
			 "on the live system");
		return REAP_SKIP;
	}
	r = open_parent(ctx, o->path, &dfd, &dst, &base, why, whylen);
	if (r)
		return r;
	/* Owner of the file or of its directory, or root: nobody else may
	 * remove it, so nothing else is tried. */
	if (euid != 0 && euid != o->uid && euid != dst.st_uid) {
		snprintf(why, whylen, "not owner");
		r = REAP_SKIP;
		goto out;
	}
	r = still_same(dfd, base, o, &dst, &st, why, whylen);
	if (r == REAP_DONE)
		r = recheck_binding(ctx, dfd, base, &st, why, whylen);
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
