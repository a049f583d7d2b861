/* SPDX-License-Identifier: GPL-2.0-or-later */
/* columns.c - every output column, once: header, help, JSON key and type,
 * table flags, getter. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "columns.h"
#include "kinds.h"
#include "procs.h"
#include "strbuf.h"
#include "util.h"

/* A small uid/gid -> name cache: hosts have few owners of IPC objects. */
struct idname {
	unsigned id;
	char *name;
};

static const char *cached_name(struct idname **cache, size_t *n, unsigned id,
			       bool group)
{
	const char *name = NULL;

	for (size_t i = 0; i < *n; i++)
		if ((*cache)[i].id == id)
			return (*cache)[i].name;
	if (group) {
		struct group *gr = getgrgid(id);

		name = gr ? gr->gr_name : NULL;
	} else {
		struct passwd *pw = getpwuid(id);

		name = pw ? pw->pw_name : NULL;
	}
	*cache = xrealloc(*cache, (*n + 1) * sizeof(**cache));
	(*cache)[*n].id = id;
	(*cache)[*n].name = name ? xstrdup(name) : NULL;
	return (*cache)[(*n)++].name;
}

const char *user_name(uid_t uid)
{
	static struct idname *cache;
	static size_t n;

	return cached_name(&cache, &n, uid, false);
}

const char *group_name(gid_t gid)
{
	static struct idname *cache;
	static size_t n;

	return cached_name(&cache, &n, gid, true);
}

void fmt_age(struct strbuf *sb, int64_t s)
{
	char buf[32];

	fmt_duration(buf, sizeof(buf), s);
	sb_puts(sb, buf);
}

void fmt_size(struct strbuf *sb, uint64_t bytes, bool exact)
{
	static const char units[] = "BKMGTPE";
	double v = (double)bytes;
	int u = 0;

	if (exact || bytes < 1024) {
		sb_printf(sb, "%llu%s", (unsigned long long)bytes,
			  exact ? "" : "B");
		return;
	}
	while (v >= 1024 && u < 6) {
		v /= 1024;
		u++;
	}
	if (v < 10)
		sb_printf(sb, "%.1f%c", v, units[u]);
	else
		sb_printf(sb, "%.0f%c", v, units[u]);
}

int64_t obj_age(const struct obj *o, time_t now)
{
	time_t t = obj_last_used(o);

	if (!t)
		return -1;
	return t > now ? 0 : (int64_t)(now - t);
}

/* getters ------------------------------------------------------------- */

static void g_kind(struct strbuf *sb, const struct obj *o,
		   const struct render_env *env)
{
	(void)env;
	sb_puts(sb, kind_name(o->kind));
}

static void g_idname(struct strbuf *sb, const struct obj *o,
		     const struct render_env *env)
{
	(void)env;
	if (o->id >= 0)
		sb_printf(sb, "%d", o->id);
	else if (o->name)
		sb_puts(sb, o->name);
	else if (o->path)
		sb_puts(sb, o->path);
	else if (kind_ops[o->kind]->label && kind_ops[o->kind]->label(o))
		sb_puts(sb, kind_ops[o->kind]->label(o));
	else if (o->inode)
		sb_printf(sb, "socket:[%llu]", (unsigned long long)o->inode);
}

static void g_id(struct strbuf *sb, const struct obj *o,
		 const struct render_env *env)
{
	(void)env;
	if (o->id >= 0)
		sb_printf(sb, "%d", o->id);
}

static void g_key(struct strbuf *sb, const struct obj *o,
		  const struct render_env *env)
{
	(void)env;
	sb_printf(sb, "0x%08x", o->key);
}

static void g_name(struct strbuf *sb, const struct obj *o,
		   const struct render_env *env)
{
	(void)env;
	if (o->name)
		sb_puts(sb, o->name);
}

static void g_path(struct strbuf *sb, const struct obj *o,
		   const struct render_env *env)
{
	(void)env;
	if (o->path)
		sb_puts(sb, o->path);
}

static void g_inode(struct strbuf *sb, const struct obj *o,
		    const struct render_env *env)
{
	(void)env;
	if (o->inode)
		sb_printf(sb, "%llu", (unsigned long long)o->inode);
	else if (o->ino && !kind_has(o->kind, KF_SYSV))
		sb_printf(sb, "%llu", (unsigned long long)o->ino);
}

/* The namespace it lives in: "host" for the initial one, else its id. */
static void g_ns(struct strbuf *sb, const struct obj *o,
		 const struct render_env *env)
{
	const struct nsref *ns = obj_nsref(env->ctx, o);
	const struct source *src = obj_src(env->ctx, o);

	/* src: NULL in a context made without sources (the unit tests) */
	if (src && src->ipc_gone && kind_ops[o->kind]->ns == OBJNS_IPC)
		sb_puts(sb, "gone");
	else if (ns->initial)
		sb_puts(sb, "host");
	else if (ns->ino)
		sb_printf(sb, "%llu", (unsigned long long)ns->ino);
}

static void g_owner(struct strbuf *sb, const struct obj *o,
		    const struct render_env *env)
{
	const char *n;

	(void)env;
	if (o->uid_unknown)
		return;
	n = user_name(o->uid);
	if (n)
		sb_puts(sb, n);
	else
		sb_printf(sb, "%u", (unsigned)o->uid);
}

static void g_uid(struct strbuf *sb, const struct obj *o,
		  const struct render_env *env)
{
	(void)env;
	if (!o->uid_unknown)
		sb_printf(sb, "%u", (unsigned)o->uid);
}

static void g_group(struct strbuf *sb, const struct obj *o,
		    const struct render_env *env)
{
	const char *n;

	(void)env;
	if (o->gid_unknown)
		return;
	n = group_name(o->gid);
	if (n)
		sb_puts(sb, n);
	else
		sb_printf(sb, "%u", (unsigned)o->gid);
}

static void g_perms(struct strbuf *sb, const struct obj *o,
		    const struct render_env *env)
{
	static const char rwx[] = "rwxrwxrwx";

	(void)env;
	if (o->mode_unknown)	/* sock_diag has no mode */
		return;
	for (int i = 0; i < 9; i++)
		sb_putc(sb, (o->mode & (0400 >> i)) ? rwx[i] : '-');
}

static void g_mode(struct strbuf *sb, const struct obj *o,
		   const struct render_env *env)
{
	(void)env;
	if (!o->mode_unknown)
		sb_printf(sb, "%04o", (unsigned)(o->mode & 07777));
}

static void g_size(struct strbuf *sb, const struct obj *o,
		   const struct render_env *env)
{
	if (obj_has_size(o))
		fmt_size(sb, o->size, env->bytes);
}

/* Distinct holder pids, in order of first appearance. */
static unsigned holder_pids(const struct obj *o, pid_t *out, unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < o->nholders; i++) {
		bool seen = false;

		for (unsigned j = 0; j < n && !seen; j++)
			seen = out[j] == o->holders[i].pid;
		if (!seen) {
			if (n == max)
				return max + 1;
			out[n++] = o->holders[i].pid;
		}
	}
	return n;
}

static unsigned count_holder_pids(const struct obj *o)
{
	unsigned n = 0;

	for (unsigned i = 0; i < o->nholders; i++) {
		bool seen = false;

		for (unsigned j = 0; j < i && !seen; j++)
			seen = o->holders[j].pid == o->holders[i].pid;
		n += !seen;
	}
	return n;
}

static void g_holders(struct strbuf *sb, const struct obj *o,
		      const struct render_env *env)
{
	pid_t pids[2];
	unsigned shown = holder_pids(o, pids, 2), total;

	if (shown > 2)
		shown = 2;
	for (unsigned i = 0; i < shown; i++) {
		const struct proc *p = proctab_find(&env->ctx->procs, pids[i]);

		sb_printf(sb, "%s%s(%d)", i ? "," : "", p ? p->comm : "?",
			  (int)pids[i]);
	}
	total = count_holder_pids(o);
	if (total > shown)
		sb_printf(sb, "+%u", total - shown);
}

static void g_nholders(struct strbuf *sb, const struct obj *o,
		       const struct render_env *env)
{
	(void)env;
	sb_printf(sb, "%u", count_holder_pids(o));
}

static void g_state(struct strbuf *sb, const struct obj *o,
		    const struct render_env *env)
{
	(void)env;
	sb_puts(sb, state_name(o->state));
}

static void g_reason(struct strbuf *sb, const struct obj *o,
		     const struct render_env *env)
{
	(void)env;
	sb_puts(sb, o->reason);
}

static void g_age(struct strbuf *sb, const struct obj *o,
		  const struct render_env *env)
{
	int64_t a = obj_age(o, env->ctx->set.now);

	/* The kernel's times say when an object was last changed or
	 * operated on, not whether it is idle: for one in use right now
	 * that time is not an idle time, so none is shown. */
	if (o->state == STATE_INUSE)
		sb_putc(sb, '-');
	else if (a >= 0)
		fmt_age(sb, a);
}

static void put_time(struct strbuf *sb, time_t t)
{
	char buf[32];

	if (!t)
		return;
	fmt_iso_time(buf, sizeof(buf), t);
	sb_puts(sb, buf);
}

/* A queue's ctime moves whenever its status is read (by every scan):
 * it is not shown as a time of change. */
static bool has_change_time(const struct obj *o)
{
	return o->t_change && !kind_has(o->kind, KF_CTIME_READ);
}

static void g_changed(struct strbuf *sb, const struct obj *o,
		      const struct render_env *env)
{
	(void)env;
	if (has_change_time(o))
		put_time(sb, o->t_change);
}

static void g_used(struct strbuf *sb, const struct obj *o,
		   const struct render_env *env)
{
	(void)env;
	put_time(sb, obj_last_used(o));
}

static void g_cpid(struct strbuf *sb, const struct obj *o,
		   const struct render_env *env)
{
	(void)env;
	sb_printf(sb, "%d", (int)o->cpid);
}

static void g_lpid(struct strbuf *sb, const struct obj *o,
		   const struct render_env *env)
{
	(void)env;
	/* The rows of shm and msg name LPID; each keeps its pids in its
	 * own detail. */
	if (o->kind == KIND_SHM)
		sb_printf(sb, "%d", (int)o->u.shm.lpid);
	else
		sb_printf(sb, "%d/%d", (int)o->u.msg.lspid,
			  (int)o->u.msg.lrpid);
}

static void g_nattch(struct strbuf *sb, const struct obj *o,
		     const struct render_env *env)
{
	(void)env;
	sb_printf(sb, "%lu", o->u.shm.nattch);
}

static void g_nsems(struct strbuf *sb, const struct obj *o,
		    const struct render_env *env)
{
	(void)env;
	sb_printf(sb, "%u", o->u.sem.nsems);
}

static void g_msgs(struct strbuf *sb, const struct obj *o,
		   const struct render_env *env)
{
	(void)env;
	/* A POSIX queue's status gives bytes queued (its SIZE), not a
	 * message count: that would need mq_open and mq_getattr. */
	sb_printf(sb, "%llu", (unsigned long long)o->u.msg.qnum);
}

static void g_socktype(struct strbuf *sb, const struct obj *o,
		       const struct render_env *env)
{
	const char *name = unix_type_name(o->u.ux.type);

	(void)env;
	sb_puts(sb, name ? name : "?");
}

static void g_peer(struct strbuf *sb, const struct obj *o,
		   const struct render_env *env)
{
	(void)env;
	if (o->u.ux.peer)
		sb_printf(sb, "%llu", (unsigned long long)o->u.ux.peer);
}

static void g_container(struct strbuf *sb, const struct obj *o,
			const struct render_env *env)
{
	if (o->ct_unknown) {
		sb_putc(sb, '?');
		return;
	}
	if (!o->nct) {
		sb_putc(sb, '-');
		return;
	}
	for (unsigned i = 0; i < o->nct; i++)
		sb_printf(sb, "%s%s", i ? "," : "",
			  env->ctx->attrib.v[o->ct[i]].display);
}

/* numeric keys for sorting ------------------------------------------- */

static bool n_id(const struct obj *o, int64_t *v)
{
	*v = o->id;
	return o->id >= 0;
}

static bool n_key(const struct obj *o, int64_t *v)
{
	*v = o->key;
	return true;
}

static bool n_inode(const struct obj *o, int64_t *v)
{
	*v = (int64_t)(o->inode ? o->inode : (uint64_t)o->ino);
	return *v != 0;
}

static bool n_uid(const struct obj *o, int64_t *v)
{
	*v = o->uid;
	return !o->uid_unknown;
}

static bool n_size(const struct obj *o, int64_t *v)
{
	*v = (int64_t)o->size;
	return obj_has_size(o);
}

static bool n_holders(const struct obj *o, int64_t *v)
{
	*v = count_holder_pids(o);
	return true;
}

static bool n_state(const struct obj *o, int64_t *v)
{
	*v = o->state;
	return true;
}

static bool n_kind(const struct obj *o, int64_t *v)
{
	*v = o->kind;
	return true;
}

static bool n_used(const struct obj *o, int64_t *v)
{
	*v = obj_last_used(o);
	return *v != 0;
}

static bool n_age(const struct obj *o, int64_t *v)
{
	/* older = larger age = smaller last-used time; in use = used now */
	time_t t = obj_last_used(o);

	if (o->state == STATE_INUSE) {
		*v = INT64_MIN;
		return true;
	}
	*v = -(int64_t)t;
	return t != 0;
}

static bool n_changed(const struct obj *o, int64_t *v)
{
	*v = o->t_change;
	return has_change_time(o);
}

static bool n_cpid(const struct obj *o, int64_t *v)
{
	*v = o->cpid;
	return true;
}

static bool n_nattch(const struct obj *o, int64_t *v)
{
	*v = (int64_t)o->u.shm.nattch;
	return true;
}

static bool n_nsems(const struct obj *o, int64_t *v)
{
	*v = o->u.sem.nsems;
	return true;
}

static bool n_msgs(const struct obj *o, int64_t *v)
{
	*v = (int64_t)o->u.msg.qnum;
	return true;
}

static bool n_peer(const struct obj *o, int64_t *v)
{
	*v = (int64_t)o->u.ux.peer;
	return o->u.ux.peer != 0;
}

const struct column columns[] = {
	{ "KIND", "object kind (shm sem msg pshm psem mqueue unix sockfile fifo)", COL_STRING, "kind", 0, g_kind, n_kind },
	{ "ID/NAME", "SysV id, POSIX name, file path or socket address", COL_STRING, NULL, COLF_SORT_ID, g_idname, NULL },
	{ "ID", "SysV id", COL_NUMBER, "id", COLF_RIGHT, g_id, n_id },
	{ "KEY", "SysV key as 0x%08x", COL_STRING, "key", 0, g_key, n_key },
	{ "NAME", "POSIX name (without the leading slash or sem. prefix)", COL_STRING, "name", 0, g_name, NULL },
	{ "PATH", "absolute path of a file object", COL_STRING, "path", 0, g_path, NULL },
	{ "INODE", "socket inode, or file inode", COL_NUMBER, "inode", COLF_RIGHT, g_inode, n_inode },
	{ "NS", "namespace it lives in: id, host, or gone", COL_NUMBER, "namespace.id", COLF_RIGHT, g_ns, NULL },
	{ "OWNER", "owner user name", COL_STRING, "owner.user", 0, g_owner, n_uid },
	{ "UID", "owner user id", COL_NUMBER, "owner.uid", COLF_RIGHT, g_uid, n_uid },
	{ "GROUP", "owner group name", COL_STRING, "owner.group", 0, g_group, NULL },
	{ "PERMS", "permissions, rwx style", COL_STRING, "mode", 0, g_perms, NULL },
	{ "MODE", "permissions and special bits, octal", COL_STRING, "mode", 0, g_mode, NULL },
	{ "SIZE", "size (bytes with -b)", COL_NUMBER, "size", COLF_RIGHT, g_size, n_size },
	{ "HOLDERS", "processes that hold it, comm(pid),...+N", COL_ARRAY, "holders", 0, g_holders, n_holders },
	{ "NHOLDERS", "number of holding processes", COL_NUMBER, NULL, COLF_RIGHT, g_nholders, n_holders },
	{ "STATE", "in-use, orphan or unknown", COL_STRING, "state", 0, g_state, n_state },
	{ "REASON", "why it has that state", COL_STRING, "reason", COLF_WRAP, g_reason, NULL },
	{ "AGE", "time since last use (- while in use)", COL_NUMBER, "age", COLF_RIGHT, g_age, n_age },
	{ "USED", "time of last use (UTC)", COL_STRING, NULL, 0, g_used, n_used },
	{ "CHANGED", "time of last change (UTC)", COL_STRING, "times.changed", 0, g_changed, n_changed },
	{ "CPID", "shm creator pid", COL_NUMBER, "shm.cpid", COLF_RIGHT, g_cpid, n_cpid },
	{ "LPID", "shm last attach/detach pid; msg last send/receive pids", COL_STRING, NULL, COLF_RIGHT, g_lpid, NULL },
	{ "NATTCH", "shm attach count", COL_NUMBER, "shm.nattch", COLF_RIGHT, g_nattch, n_nattch },
	{ "NSEMS", "semaphores in a set", COL_NUMBER, "sem.nsems", COLF_RIGHT, g_nsems, n_nsems },
	{ "MSGS", "messages queued (msg; a queue's bytes are its SIZE)", COL_NUMBER, "msg.qnum", COLF_RIGHT, g_msgs, n_msgs },
	{ "TYPE", "unix socket type", COL_STRING, "unix.type", 0, g_socktype, NULL },
	{ "CONTAINER", "containers that can see it: engine:name-or-short-id, pod/container (- none, ? unknown)", COL_ARRAY, "containers", 0, g_container, NULL },
	{ "PEER", "unix socket peer inode", COL_NUMBER, "unix.peer", COLF_RIGHT, g_peer, n_peer },
};

const size_t ncolumns = sizeof(columns) / sizeof(columns[0]);

/*
 * The kinds that fill column @col: those whose rows name it (kinds.h),
 * or every kind when no row does. The getters of such a column are only
 * called for those kinds. Worked out once, on first use.
 */
kindmask_t column_kinds(int col)
{
	static kindmask_t kinds[sizeof(columns) / sizeof(columns[0])];
	static bool ready;

	if (!ready) {
		for (size_t i = 0; i < ncolumns; i++) {
			for (int k = 0; k < KIND_COUNT; k++) {
				const char *const *c = kind_ops[k]->columns;

				for (; c && *c; c++)
					if (!strcasecmp(*c, columns[i].name))
						kinds[i] |= KMASK(k);
			}
			if (!kinds[i])
				kinds[i] = KMASK_ALL;
		}
		ready = true;
	}
	return kinds[col];
}

void column_get(int col, struct strbuf *sb, const struct obj *o,
		const struct render_env *env)
{
	if (column_kinds(col) & KMASK(o->kind))
		columns[col].get(sb, o, env);
}

bool column_num(int col, const struct obj *o, int64_t *v)
{
	*v = 0;
	return (column_kinds(col) & KMASK(o->kind)) && columns[col].num(o, v);
}
const char *const default_columns =
	"KIND,ID/NAME,NS,OWNER,PERMS,SIZE,HOLDERS,STATE,AGE";
const char *const orphan_columns =
	"KIND,ID/NAME,NS,OWNER,PERMS,SIZE,AGE,REASON";

const char *col_type_name(enum col_type t)
{
	static const char *const names[] = {
		[COL_STRING] = "string",
		[COL_NUMBER] = "number",
		[COL_ARRAY] = "array",
	};

	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

int column_find(const char *name)
{
	for (size_t i = 0; i < ncolumns; i++)
		if (!strcasecmp(columns[i].name, name))
			return (int)i;
	return -1;
}

int columns_parse(const char *list, int *idx, int max, const char **bad)
{
	static char badbuf[64];
	char *copy = xstrdup(list), *save = NULL, *tok;
	int n = 0;

	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		int c = column_find(tok);

		if (c < 0 || n == max) {
			snprintf(badbuf, sizeof(badbuf), "%s", tok);
			*bad = badbuf;
			free(copy);
			return -EINVAL;
		}
		idx[n++] = c;
	}
	free(copy);
	if (!n) {
		snprintf(badbuf, sizeof(badbuf), "%s", list);
		*bad = badbuf;
		return -EINVAL;
	}
	return n;
}

int columns_max(const char *list)
{
	int n = 1;

	for (const char *p = list; *p; p++)
		n += *p == ',';
	return n;
}

int sort_key_parse(const char *spec, struct sort_key *k)
{
	k->desc = spec[0] == '-';
	k->col = column_find(spec + k->desc);
	return k->col < 0 ? -EINVAL : 0;
}

/* Byte order (strcmp compares as unsigned char); absent last. */
static int cmp_str(const char *a, const char *b)
{
	if (!a != !b)
		return a ? -1 : 1;
	return a ? strcmp(a, b) : 0;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

int obj_cmp_default(const struct obj *a, const struct obj *b)
{
	int r;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if ((a->id >= 0) != (b->id >= 0))
		return a->id >= 0 ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	if ((r = cmp_str(a->name, b->name)) || (r = cmp_str(a->path, b->path)))
		return r;
	/* the same kind: the same label, if any (a unix address) */
	if (kind_ops[a->kind]->label &&
	    (r = cmp_str(kind_ops[a->kind]->label(a),
			 kind_ops[b->kind]->label(b))))
		return r;
	if ((r = cmp_u64(a->inode, b->inode)))
		return r;
	return cmp_u64((uint64_t)a->ino, (uint64_t)b->ino);
}

/* What objs_sort hands its comparator through qsort_r. */
struct sort_by {
	const struct sort_key *keys;
	size_t nkeys;
	const struct render_env *env;
};

/* One key: <0, 0, >0; absent values after present ones in both
 * directions. */
static int cmp_key(const struct obj *a, const struct obj *b,
		   const struct sort_key *k, const struct render_env *env)
{
	const struct column *c = &columns[k->col];
	int r = 0;

	if (c->num) {
		int64_t va, vb;
		bool ha = column_num(k->col, a, &va);
		bool hb = column_num(k->col, b, &vb);

		if (ha != hb)
			return ha ? -1 : 1;
		if (ha)
			r = va < vb ? -1 : va > vb;
	} else if ((c->flags & COLF_SORT_ID) && a->id >= 0 && b->id >= 0) {
		r = a->id < b->id ? -1 : a->id > b->id;	/* 9 before 10 */
	} else {
		struct strbuf sa = { 0 }, sb = { 0 };
		bool absent;

		column_get(k->col, &sa, a, env);
		column_get(k->col, &sb, b, env);
		absent = !sa.len != !sb.len;
		if (absent)
			r = sa.len ? -1 : 1;
		else if (sa.len)
			r = strcmp(sa.buf, sb.buf);
		sb_free(&sa);
		sb_free(&sb);
		if (absent)
			return r;	/* absent last, not reversed */
	}
	return k->desc ? -r : r;
}

static int cmp_objs(const void *pa, const void *pb, void *arg)
{
	const struct obj *a = *(struct obj *const *)pa;
	const struct obj *b = *(struct obj *const *)pb;
	const struct sort_by *by = arg;
	int r = 0;

	for (size_t i = 0; i < by->nkeys && !r; i++)
		r = cmp_key(a, b, &by->keys[i], by->env);
	if (!r)
		r = obj_cmp_default(a, b);
	if (!r)	/* the same identity twice: keep scan order */
		r = a < b ? -1 : a > b;
	return r;
}

void objs_sort(struct obj **v, size_t n, const struct sort_key *keys,
	       size_t nkeys, const struct render_env *env)
{
	struct sort_by by = { keys, nkeys, env };

	qsort_r(v, n, sizeof(*v), cmp_objs, &by);
}
