/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unix_live.c - live unix sockets: sock_diag or /proc/net/unix, and the
 * socket files bound in every network namespace. */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include "classify.h"
#include "fsutil.h"
#include "kinds.h"
#include "netns.h"
#include "sockfiles.h"
#include "parse.h"
#include "jsonw.h"
#include "strbuf.h"
#include "nsrun.h"
#include "unix_live.h"
#include "util.h"

/* /proc/net/unix "St" column (enum socket_state). */
#define SS_CONNECTING_ 2
#define SS_CONNECTED_ 3
#define SS_DISCONNECTING_ 4

#define ACCEPTCON_FLAG 0x10000	/* __SO_ACCEPTCON: listening */
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

/* What one unix_diag_msg says. Pointers point into the message. */
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
 * with each unix_diag_msg (in whatever netns the calling thread is).
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
static int own_from_proc(const struct source *src, struct own_net *on)
{
	char path[PATH_MAX];
	char *buf, *line, *next;
	size_t mark = on->set->n;
	ssize_t n;
	bool first = true;
	int r;

	if (root_path(path, sizeof(path), src->root, "/proc/net/unix"))
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

void own_net_collect(const struct source *src, struct objset *out,
		     struct diag *d, struct own_net *on, bool want_unix)
{
	int r = -EOPNOTSUPP;

	on->set = want_unix ? out : &on->local;
	on->netns = src->net.ino;
	if (src->syscalls) {
		size_t mark = on->set->n;

		r = unix_diag_dump(UDIAG_SHOW_NAME | UDIAG_SHOW_VFS |
				   UDIAG_SHOW_PEER | UDIAG_SHOW_ICONS |
				   UDIAG_SHOW_RQLEN | UDIAG_SHOW_UID,
				   own_diag_cb, on);
		if (r == 0) {
			on->vfs_ok = true;
			/* the sockets they describe are not listed */
			if (on->bad)
				diag_partial(d, "sock_diag: %u malformed "
					     "messages skipped", on->bad);
			return;
		}
		/* a half dump is worse than none: start over from /proc */
		objset_truncate(on->set, mark);
		pairmap_free(&on->vfs);
		on->bad = 0;
		diag_warn(d, "unix sockets: sock_diag failed (%s), "
			  "reading /proc/net/unix", strerror(-r));
	}
	r = own_from_proc(src, on);
	if (r < 0) {
		diag_partial(d, "cannot read %s/proc/net/unix: %s",
			     src->root, strerror(-r));
	} else if (on->bad) {
		/* as a malformed /proc/sysvipc line: not listed */
		diag_partial(d, "%s/proc/net/unix: %u malformed lines "
			     "skipped", src->root, on->bad);
	}
}

/* Is the socket file at @path with @st the file of a socket of the own
 * netns? If so, the socket object learns its path. */
bool own_net_match(struct own_net *on, const char *path,
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

void own_net_free(struct own_net *on)
{
	objset_free(&on->local);
	pairmap_free(&on->vfs);
	pairmap_free(&on->byname);
}

/* --- every network namespace ------------------------------------------- */

struct net_dump {
	struct objset *set;
	uint64_t netns;
	unsigned bad;
};

static int other_diag_cb(const void *msg, size_t len, void *arg)
{
	struct net_dump *nd = arg;
	struct obj *o = objset_add(nd->set, KIND_UNIX);

	if (parse_unix_diag_msg(msg, len, o)) {
		nd->set->n--;
		nd->bad++;
		return 0;
	}
	o->u.ux.netns = nd->netns;
	return 0;
}

/* On the runner thread inside the namespace: the netlink socket is
 * opened there, so it dumps that namespace's sockets. */
static int dump_sockets(void *arg)
{
	return unix_diag_dump(UDIAG_SHOW_NAME | UDIAG_SHOW_VFS |
			      UDIAG_SHOW_PEER | UDIAG_SHOW_ICONS |
			      UDIAG_SHOW_RQLEN | UDIAG_SHOW_UID,
			      other_diag_cb, arg);
}

int unix_collect_netns(struct nsrun *r, int nsfd, uint64_t netns,
		       struct objset *out, unsigned *bad)
{
	struct net_dump nd = { .set = out, .netns = netns };
	size_t mark = out->n;
	int e;

	e = nsrun_call(r, nsfd, CLONE_NEWNET, dump_sockets, &nd);
	if (e < 0)
		objset_truncate(out, mark);	/* a half dump is none */
	*bad = nd.bad;
	return e < 0 ? e : 0;
}

/* On the runner thread inside another netns: its bound (dev_key, ino)
 * into the caller's pairmap (the caller waits meanwhile). */
static int dump_pairs(void *bound)
{
	return unix_diag_dump(UDIAG_SHOW_VFS, pair_cb, bound);
}

static int bound_set(const struct scan_settings *set,
		     const struct source *src, const struct proctab *procs,
		     struct pairmap *bound, bool *incomplete, bool with_own)
{
	int r;

	if (!src->syscalls) {
		/* a fixture tree has no sockets to ask */
		*incomplete = true;
		return 0;
	}
	if (with_own) {
		r = unix_diag_dump(UDIAG_SHOW_VFS, pair_cb, bound);
		if (r < 0)
			*incomplete = true;
	}
	return netns_foreach_other(src, procs, set->privileged, dump_pairs,
				   bound, incomplete);
}

int sockets_bound_set(const struct scan_settings *set,
		      const struct source *src, const struct proctab *procs,
		      struct pairmap *bound, bool *incomplete)
{
	return bound_set(set, src, procs, bound, incomplete, true);
}

int sockets_bound_others(const struct scan_settings *set,
			 const struct source *src,
			 const struct proctab *procs, struct pairmap *bound,
			 bool *incomplete)
{
	return bound_set(set, src, procs, bound, incomplete, false);
}

/* ------------------------------------------------------------------ */
/* The row (kinds.h)                                                    */

static const char *unix_label(const struct obj *o)
{
	return o->u.ux.addr;
}

static void unix_free(struct obj *o)
{
	free(o->u.ux.addr);
}

/* A name from the tables, or "unknown" for a value without one. */
static const char *or_unknown(const char *name)
{
	return name ? name : "unknown";
}

static void unix_json(struct jw *w, const struct obj *o)
{
	jw_lit(w, "type", or_unknown(unix_type_name(o->u.ux.type)));
	jw_lit(w, "state", or_unknown(unix_state_name(o->u.ux.state)));
	jw_str(w, "path", o->u.ux.addr);
	jw_uint_or_null(w, "peer", o->u.ux.peer, o->u.ux.peer);
	jw_bool(w, "listening", o->u.ux.listening);
}

static const char *const unix_columns[] = { "TYPE", "PEER", NULL };
static const struct kind_time unix_times[] = { { NULL, 0 } };

const struct kind_ops unix_kind = {
	.kind = KIND_UNIX,
	.name = "unix",
	.help = "live Unix domain socket",
	.groups = GMASK(GROUP_SOCKETS) | GMASK(GROUP_ALL),
	/* a live socket is never an orphan (classify_unix) */
	.flags = KF_NEVER_REMOVED | KF_HIDDEN,
	.ns = OBJNS_NET,
	.collector = &sockets_collector,
	.holder_keys = HK_SOCKET,
	.classify = classify_unix,
	.json_detail = unix_json,
	.times = unix_times,
	.columns = unix_columns,
	.label = unix_label,
	.free = unix_free,
};
