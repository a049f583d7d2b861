/* SPDX-License-Identifier: GPL-2.0-or-later */
/* render_json.c - schema 1 JSON documents, built with cJSON. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "procs.h"
#include "render.h"

cJSON *json_bytes(const char *s)
{
	struct strbuf sb = { 0 };
	const unsigned char *u = (const unsigned char *)s;
	size_t n;
	cJSON *j;

	if (!s)
		return cJSON_CreateNull();
	n = strlen(s);
	if (utf8_valid(s, n))
		return cJSON_CreateString(s);
	/* Keep every valid character, spell each stray byte as \xHH, and
	 * double a literal backslash so the spelling stays unambiguous. */
	for (size_t i = 0; i < n;) {
		size_t l = utf8_seq(u + i, n - i);

		if (u[i] == '\\') {
			sb_puts(&sb, "\\\\");
			i++;
		} else if (l) {
			sb_putn(&sb, s + i, l);
			i += l;
		} else {
			sb_printf(&sb, "\\x%02x", u[i]);
			i++;
		}
	}
	j = cJSON_CreateString(sb.buf ? sb.buf : "");
	sb_free(&sb);
	return j;
}

cJSON *json_int(int64_t v)
{
	char buf[24];

	/* Raw text: cJSON would format every number with "%1.15g" and
	 * parse it back, which costs more than the rest of the output. */
	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	return cJSON_CreateRaw(buf);
}

cJSON *json_uint(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return cJSON_CreateRaw(buf);
}

static void add_int(cJSON *obj, const char *key, int64_t v)
{
	cJSON_AddItemToObject(obj, key, json_int(v));
}

static void add_uint(cJSON *obj, const char *key, uint64_t v)
{
	cJSON_AddItemToObject(obj, key, json_uint(v));
}

static cJSON *num_or_null(bool have, int64_t v)
{
	return have ? json_int(v) : cJSON_CreateNull();
}

static cJSON *unum_or_null(bool have, uint64_t v)
{
	return have ? json_uint(v) : cJSON_CreateNull();
}

static cJSON *time_or_null(time_t t)
{
	char buf[32];

	if (!t || !fmt_iso_time(buf, sizeof(buf), t))
		return cJSON_CreateNull();
	return cJSON_CreateString(buf);
}

static cJSON *name_or_null(const char *name)
{
	return name ? cJSON_CreateString(name) : cJSON_CreateNull();
}

static cJSON *times_of(const struct obj *o)
{
	cJSON *t = cJSON_CreateObject();

	switch (o->kind) {
	case KIND_SHM:
		cJSON_AddItemToObject(t, "changed", time_or_null(o->t_change));
		cJSON_AddItemToObject(t, "attached", time_or_null(o->t_attach));
		cJSON_AddItemToObject(t, "detached", time_or_null(o->t_detach));
		break;
	case KIND_SEM:
		cJSON_AddItemToObject(t, "changed", time_or_null(o->t_change));
		cJSON_AddItemToObject(t, "operated", time_or_null(o->t_op));
		break;
	case KIND_MSG:
		cJSON_AddItemToObject(t, "changed", time_or_null(o->t_change));
		cJSON_AddItemToObject(t, "sent", time_or_null(o->t_send));
		cJSON_AddItemToObject(t, "received", time_or_null(o->t_recv));
		break;
	case KIND_UNIX:
		break;
	default:
		cJSON_AddItemToObject(t, "changed", time_or_null(o->t_change));
		cJSON_AddItemToObject(t, "modified", time_or_null(o->t_modify));
		break;
	}
	return t;
}

static cJSON *creator_of(const struct obj *o, const struct render_env *env)
{
	cJSON *c;

	if (!kind_is_sysv(o->kind))
		return cJSON_CreateNull();
	c = cJSON_CreateObject();
	add_uint(c, "uid", o->cuid);
	cJSON_AddItemToObject(c, "user", name_or_null(user_name(o->cuid)));
	if (o->kind == KIND_SHM && o->cpid > 0) {
		add_int(c, "pid", o->cpid);
		cJSON_AddBoolToObject(c, "alive",
				      pid_alive_at(&env->ctx->procs, o->cpid,
						   o->t_change));
	} else {
		cJSON_AddNullToObject(c, "pid");
		cJSON_AddNullToObject(c, "alive");
	}
	return c;
}

static cJSON *holders_of(const struct obj *o, const struct render_env *env)
{
	cJSON *a = cJSON_CreateArray();

	for (unsigned i = 0; i < o->nholders; i++) {
		const struct holder *h = &o->holders[i];
		const struct proc *p = proctab_find(&env->ctx->procs, h->pid);
		cJSON *j = cJSON_CreateObject();

		add_int(j, "pid", h->pid);
		cJSON_AddItemToObject(j, "comm", p ? json_bytes(p->comm)
						   : cJSON_CreateNull());
		cJSON_AddItemToObject(j, "uid", unum_or_null(p, p ? p->euid : 0));
		cJSON_AddStringToObject(j, "via", via_name(h->via));
		cJSON_AddItemToArray(a, j);
	}
	return a;
}

static const char *unix_state_name(int st)
{
	/* the TCP_* values the kernel reuses for unix sockets */
	switch (st) {
	case 1: return "connected";
	case 7: return "unconnected";
	case 10: return "listening";
	case 2: return "connecting";
	case 4: return "disconnecting";
	default: return "unknown";
	}
}

static const char *unix_type_name(int t)
{
	switch (t) {
	case SOCK_STREAM: return "stream";
	case SOCK_DGRAM: return "dgram";
	case SOCK_SEQPACKET: return "seqpacket";
	default: return "unknown";
	}
}

static cJSON *detail_of(const struct obj *o)
{
	cJSON *d = cJSON_CreateObject();

	switch (o->kind) {
	case KIND_SHM:
		add_uint(d, "nattch", o->u.shm.nattch);
		add_int(d, "cpid", o->cpid);
		add_int(d, "lpid", o->u.shm.lpid);
		add_uint(d, "rss", o->u.shm.rss);
		add_uint(d, "swap", o->u.shm.swap);
		cJSON_AddBoolToObject(d, "dest", o->u.shm.dest);
		cJSON_AddBoolToObject(d, "locked", o->u.shm.locked);
		break;
	case KIND_SEM: {
		cJSON *pids;

		add_int(d, "nsems", o->u.sem.nsems);
		if (o->u.sem.pids_read && o->u.sem.pids) {
			pids = cJSON_CreateArray();
			for (unsigned i = 0; i < o->u.sem.nsems; i++)
				cJSON_AddItemToArray(pids, json_int(o->u.sem.pids[i]));
		} else {
			pids = cJSON_CreateNull();
		}
		cJSON_AddItemToObject(d, "pids", pids);
		add_int(d, "waiters", o->u.sem.waiters);
		break;
	}
	case KIND_MSG:
		add_uint(d, "qnum", o->u.msg.qnum);
		add_uint(d, "cbytes", o->u.msg.cbytes);
		add_int(d, "lspid", o->u.msg.lspid);
		add_int(d, "lrpid", o->u.msg.lrpid);
		break;
	case KIND_MQUEUE:
		add_uint(d, "qsize", o->u.mq.qsize);
		cJSON_AddItemToObject(d, "maxmsg", num_or_null(o->u.mq.maxmsg >= 0,
							      (int64_t)o->u.mq.maxmsg));
		cJSON_AddItemToObject(d, "msgsize", num_or_null(o->u.mq.msgsize >= 0,
							       (int64_t)o->u.mq.msgsize));
		cJSON_AddItemToObject(d, "notify_pid", num_or_null(o->u.mq.notify_pid > 0,
								  o->u.mq.notify_pid));
		break;
	case KIND_UNIX:
		cJSON_AddStringToObject(d, "type", unix_type_name(o->u.ux.type));
		cJSON_AddStringToObject(d, "state", unix_state_name(o->u.ux.state));
		cJSON_AddItemToObject(d, "path", json_bytes(o->u.ux.addr));
		cJSON_AddItemToObject(d, "peer", unum_or_null(o->u.ux.peer,
							     o->u.ux.peer));
		cJSON_AddBoolToObject(d, "listening", o->u.ux.listening);
		break;
	default:
		break;
	}
	if (kind_is_file(o->kind)) {
		char dev[32];

		snprintf(dev, sizeof(dev), "%u:%u", major(o->dev), minor(o->dev));
		cJSON_AddStringToObject(d, "dev", dev);
		add_uint(d, "ino", o->ino);
	}
	return d;
}

cJSON *json_object_of(const struct obj *o, const struct render_env *env)
{
	cJSON *j = cJSON_CreateObject(), *owner = cJSON_CreateObject();
	char buf[32];
	int64_t age = obj_age(o, env->ctx->now);

	cJSON_AddStringToObject(j, "kind", kind_table[o->kind].name);
	cJSON_AddItemToObject(j, "id", num_or_null(o->id >= 0, o->id));
	if (kind_is_sysv(o->kind)) {
		snprintf(buf, sizeof(buf), "0x%08x", o->key);
		cJSON_AddStringToObject(j, "key", buf);
	} else {
		cJSON_AddNullToObject(j, "key");
	}
	cJSON_AddItemToObject(j, "name", json_bytes(o->name));
	cJSON_AddItemToObject(j, "path", json_bytes(o->path));
	cJSON_AddItemToObject(j, "inode", unum_or_null(o->inode, o->inode));

	add_uint(owner, "uid", o->uid);
	cJSON_AddItemToObject(owner, "user", name_or_null(user_name(o->uid)));
	add_uint(owner, "gid", o->gid);
	cJSON_AddItemToObject(owner, "group", name_or_null(group_name(o->gid)));
	cJSON_AddItemToObject(j, "owner", owner);
	cJSON_AddItemToObject(j, "creator", creator_of(o, env));

	snprintf(buf, sizeof(buf), "%04o", (unsigned)(o->mode & 07777));
	cJSON_AddStringToObject(j, "mode", buf);
	cJSON_AddItemToObject(j, "size", unum_or_null(obj_has_size(o),
						     o->size));
	cJSON_AddItemToObject(j, "age", num_or_null(age >= 0, (int64_t)age));
	cJSON_AddItemToObject(j, "times", times_of(o));
	cJSON_AddItemToObject(j, "holders", holders_of(o, env));
	cJSON_AddStringToObject(j, "state", state_name(o->state));
	cJSON_AddItemToObject(j, "reason", json_bytes(o->reason));
	cJSON_AddItemToObject(j, kind_table[o->kind].name, detail_of(o));
	return j;
}

cJSON *json_doc_header(const struct scan_ctx *ctx)
{
	cJSON *doc = cJSON_CreateObject(), *warn;
	char host[256] = "", when[32];

	gethostname(host, sizeof(host) - 1);
	fmt_iso_time(when, sizeof(when), ctx->now);
	add_int(doc, "schema", IPCSCAN_SCHEMA);
	cJSON_AddStringToObject(doc, "version", IPCSCAN_VERSION);
	cJSON_AddItemToObject(doc, "host", json_bytes(host));
	cJSON_AddStringToObject(doc, "time", when);
	cJSON_AddBoolToObject(doc, "complete", ctx->complete);
	warn = cJSON_AddArrayToObject(doc, "warnings");
	for (size_t i = 0; i < ctx->nwarnings; i++)
		cJSON_AddItemToArray(warn, json_bytes(ctx->warnings[i]));
	return doc;
}

/* Print @item into the reusable buffer *buf (grown as needed). */
static const char *print_into(cJSON *item, char **buf, size_t *cap)
{
	while (!cJSON_PrintPreallocated(item, *buf, (int)*cap, 0)) {
		*cap = *cap ? *cap * 2 : 4096;
		*buf = xrealloc(*buf, *cap);
	}
	return *buf;
}

int json_list_print(FILE *out, struct obj *const *objs, size_t n,
		    const struct render_env *env)
{
	cJSON *doc = json_doc_header(env->ctx);
	size_t cap = 4096, len;
	char *buf = xmalloc(cap);
	int r = 0;

	/* Stream one object at a time: memory stays that of one object,
	 * however many there are. The header is printed without its
	 * closing brace and the array follows, one object per line. */
	print_into(doc, &buf, &cap);
	cJSON_Delete(doc);
	len = strlen(buf);
	buf[len - 1] = '\0';
	fprintf(out, "%s,\"objects\":[", buf);
	for (size_t i = 0; i < n; i++) {
		cJSON *o = json_object_of(objs[i], env);

		fprintf(out, "%s\n%s", i ? "," : "", print_into(o, &buf, &cap));
		cJSON_Delete(o);
	}
	if (fputs("\n]}\n", out) == EOF || ferror(out))
		r = -EIO;
	free(buf);
	return r;
}

int json_print(FILE *out, cJSON *root)
{
	char *s = cJSON_PrintUnformatted(root);
	int r = 0;

	cJSON_Delete(root);
	if (!s)
		return -ENOMEM;
	if (fputs(s, out) == EOF || fputc('\n', out) == EOF)
		r = -EIO;
	free(s);
	return r;
}
