/* SPDX-License-Identifier: GPL-2.0-or-later */
/* render_json.c - schema 1 JSON: documents built with cJSON; the objects
 * of "list --json" written directly as text (see json_write_object). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "procs.h"
#include "render.h"
#include "strbuf.h"
#include "utf8.h"

/*
 * How a name that may hold any bytes is spelled in JSON: valid UTF-8 as
 * it is; otherwise every valid character is kept, each stray byte becomes
 * \xHH and a literal backslash is doubled, so the spelling stays
 * unambiguous. Appends the spelling (not yet JSON-escaped) to @sb.
 */
static void spell_bytes(struct strbuf *sb, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n;) {
		size_t l = utf8_seq(u + i, n - i);

		if (u[i] == '\\') {
			sb_putn(sb, "\\\\", 2);
			i++;
		} else if (l) {
			sb_putn(sb, s + i, l);
			i += l;
		} else {
			char x[4] = { '\\', 'x', hex[u[i] >> 4], hex[u[i] & 15] };

			sb_putn(sb, x, 4);
			i++;
		}
	}
}

cJSON *json_bytes(const char *s)
{
	struct strbuf sb = { 0 };
	size_t n;
	cJSON *j;

	if (!s)
		return cJSON_CreateNull();
	n = strlen(s);
	if (utf8_valid(s, n))
		return cJSON_CreateString(s);
	spell_bytes(&sb, s, n);
	j = cJSON_CreateString(sb.buf ? sb.buf : "");
	sb_free(&sb);
	return j;
}

cJSON *json_int(int64_t v)
{
	char buf[22];

	/* Raw text: cJSON would format every number with "%1.15g" and
	 * parse it back, which costs more than the rest of the output. */
	buf[0] = '-';
	fmt_u64(buf + (v < 0), v < 0 ? -(uint64_t)v : (uint64_t)v);
	return cJSON_CreateRaw(buf);
}

cJSON *json_uint(uint64_t v)
{
	char buf[21];

	fmt_u64(buf, v);
	return cJSON_CreateRaw(buf);
}

/*
 * The objects of "list --json" are written as text directly: one cJSON
 * tree per object (some 60 allocations, then printing) cost about as
 * much as the whole scan of a host with a few thousand objects. The
 * unit tests and the fuzzer parse what this writes back with cJSON.
 */
struct jw {
	struct strbuf *sb;
	bool comma;		/* a member or element precedes at this level */
};

/* The JSON escape of a control character, quote or backslash @c. */
static void put_escape(struct strbuf *sb, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char e[6] = { '\\', 0, '0', '0', 0, 0 };
	size_t el = 2;

	switch (c) {
	case '"': e[1] = '"'; break;
	case '\\': e[1] = '\\'; break;
	case '\b': e[1] = 'b'; break;
	case '\f': e[1] = 'f'; break;
	case '\n': e[1] = 'n'; break;
	case '\r': e[1] = 'r'; break;
	case '\t': e[1] = 't'; break;
	default:
		e[1] = 'u';
		e[4] = hex[c >> 4];
		e[5] = hex[c & 15];
		el = 6;
		break;
	}
	sb_putn(sb, e, el);
}

/*
 * @s as a JSON string with the escapes cJSON uses, checking in the same
 * pass that it is valid UTF-8. Returns false, with @sb as it was, if it
 * is not.
 */
static bool put_quoted(struct strbuf *sb, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t mark = sb->len, run = 0, i = 0;

	sb_putc(sb, '"');
	while (u[i]) {
		unsigned char c = u[i];
		size_t l;

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80) {
			l = utf8_seq(u + i, strnlen(s + i, 4));
			if (!l) {
				sb->len = mark;
				sb->buf[mark] = '\0';
				return false;
			}
			i += l;
			continue;
		}
		sb_putn(sb, s + run, i - run);
		put_escape(sb, c);
		run = ++i;
	}
	sb_putn(sb, s + run, i - run);
	sb_putc(sb, '"');
	return true;
}

void json_put_bytes(struct strbuf *sb, const char *s)
{
	struct strbuf sp = { 0 };

	if (!s) {
		sb_putn(sb, "null", 4);
		return;
	}
	if (put_quoted(sb, s))
		return;
	spell_bytes(&sp, s, strlen(s));
	put_quoted(sb, sp.buf);	/* the spelling is valid UTF-8 */
	sb_free(&sp);
}

static void put_u64(struct strbuf *sb, uint64_t v)
{
	char buf[21];

	sb_putn(sb, buf, fmt_u64(buf, v));
}

static void put_i64(struct strbuf *sb, int64_t v)
{
	if (v < 0) {
		sb_putc(sb, '-');
		put_u64(sb, -(uint64_t)v);
	} else {
		put_u64(sb, (uint64_t)v);
	}
}

/* `"key":` after a comma when a member precedes. Inlined, so that the
 * length of a literal key is known when compiling. */
static inline __attribute__((always_inline)) void jw_key(struct jw *w,
							  const char *key)
{
	size_t n = strlen(key);
	char *p;

	sb_reserve(w->sb, n + 4);
	p = w->sb->buf + w->sb->len;
	if (w->comma)
		*p++ = ',';
	*p++ = '"';
	memcpy(p, key, n);
	p += n;
	*p++ = '"';
	*p++ = ':';
	*p = '\0';
	w->sb->len = (size_t)(p - w->sb->buf);
	w->comma = true;
}

/* Start an object or array member (@key NULL: an array element). */
static void jw_open(struct jw *w, const char *key, char bracket)
{
	if (key)
		jw_key(w, key);
	else if (w->comma)
		sb_putc(w->sb, ',');
	sb_putc(w->sb, bracket);
	w->comma = false;
}

static void jw_close(struct jw *w, char bracket)
{
	sb_putc(w->sb, bracket);
	w->comma = true;
}

static void jw_str(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	json_put_bytes(w->sb, s);
}

/* A string known to need no escaping (our own names and numbers). */
static void jw_lit(struct jw *w, const char *key, const char *s)
{
	size_t n = strlen(s);

	jw_key(w, key);
	sb_reserve(w->sb, n + 2);
	w->sb->buf[w->sb->len++] = '"';
	memcpy(w->sb->buf + w->sb->len, s, n);
	w->sb->len += n;
	w->sb->buf[w->sb->len++] = '"';
	w->sb->buf[w->sb->len] = '\0';
}

static void jw_null(struct jw *w, const char *key)
{
	jw_key(w, key);
	sb_putn(w->sb, "null", 4);
}

static void jw_bool(struct jw *w, const char *key, bool v)
{
	jw_key(w, key);
	sb_puts(w->sb, v ? "true" : "false");
}

static void jw_int(struct jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	put_i64(w->sb, v);
}

static void jw_uint(struct jw *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	put_u64(w->sb, v);
}

static void jw_int_or_null(struct jw *w, const char *key, bool have,
			   int64_t v)
{
	if (have)
		jw_int(w, key, v);
	else
		jw_null(w, key);
}

static void jw_uint_or_null(struct jw *w, const char *key, bool have,
			    uint64_t v)
{
	if (have)
		jw_uint(w, key, v);
	else
		jw_null(w, key);
}

static void jw_time(struct jw *w, const char *key, time_t t)
{
	char buf[32];

	if (!t || !fmt_iso_time(buf, sizeof(buf), t))
		jw_null(w, key);
	else
		jw_lit(w, key, buf);
}

static void put_times(struct jw *w, const struct obj *o)
{
	jw_open(w, "times", '{');
	switch (o->kind) {
	case KIND_SHM:
		jw_time(w, "changed", o->t_change);
		jw_time(w, "attached", o->t_attach);
		jw_time(w, "detached", o->t_detach);
		break;
	case KIND_SEM:
		jw_time(w, "changed", o->t_change);
		jw_time(w, "operated", o->t_op);
		break;
	case KIND_MSG:
		jw_time(w, "changed", o->t_change);
		jw_time(w, "sent", o->t_send);
		jw_time(w, "received", o->t_recv);
		break;
	case KIND_UNIX:
		break;
	case KIND_MQUEUE:
		/* Reading a queue's status, as every scan does (and any
		 * reader of /dev/mqueue), sets its ctime: it is no time of
		 * change anybody could act on. */
		jw_null(w, "changed");
		jw_time(w, "modified", o->t_modify);
		break;
	default:
		jw_time(w, "changed", o->t_change);
		jw_time(w, "modified", o->t_modify);
		break;
	}
	jw_close(w, '}');
}

static void put_creator(struct jw *w, const struct obj *o,
			const struct render_env *env)
{
	if (!kind_is_sysv(o->kind)) {
		jw_null(w, "creator");
		return;
	}
	jw_open(w, "creator", '{');
	jw_uint(w, "uid", o->cuid);
	jw_str(w, "user", user_name(o->cuid));
	if (o->kind == KIND_SHM && o->cpid > 0) {
		jw_int(w, "pid", o->cpid);
		jw_bool(w, "alive", pid_alive_at(&env->ctx->procs, o->cpid,
						 o->t_change));
	} else {
		jw_null(w, "pid");
		jw_null(w, "alive");
	}
	jw_close(w, '}');
}

static void put_holders(struct jw *w, const struct obj *o,
			const struct render_env *env)
{
	jw_open(w, "holders", '[');
	for (unsigned i = 0; i < o->nholders; i++) {
		const struct holder *h = &o->holders[i];
		const struct proc *p = proctab_find(&env->ctx->procs, h->pid);

		jw_open(w, NULL, '{');
		jw_int(w, "pid", h->pid);
		jw_str(w, "comm", p ? p->comm : NULL);
		jw_uint_or_null(w, "uid", p, p ? p->euid : 0);
		jw_lit(w, "via", via_name(h->via));
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

/* A name from the tables, or "unknown" for a value without one. */
static const char *or_unknown(const char *name)
{
	return name ? name : "unknown";
}

static void put_detail(struct jw *w, const struct obj *o)
{
	jw_open(w, kind_table[o->kind].name, '{');
	switch (o->kind) {
	case KIND_SHM:
		jw_uint(w, "nattch", o->u.shm.nattch);
		jw_int(w, "cpid", o->cpid);
		jw_int(w, "lpid", o->u.shm.lpid);
		jw_uint(w, "rss", o->u.shm.rss);
		jw_uint(w, "swap", o->u.shm.swap);
		jw_bool(w, "dest", o->u.shm.dest);
		jw_bool(w, "locked", o->u.shm.locked);
		break;
	case KIND_SEM:
		jw_int(w, "nsems", o->u.sem.nsems);
		if (o->u.sem.pids_read && o->u.sem.pids) {
			jw_open(w, "pids", '[');
			for (unsigned i = 0; i < o->u.sem.nsems; i++) {
				if (i)
					sb_putc(w->sb, ',');
				put_i64(w->sb, o->u.sem.pids[i]);
			}
			jw_close(w, ']');
		} else {
			jw_null(w, "pids");
		}
		jw_int(w, "waiters", o->u.sem.waiters);
		break;
	case KIND_MSG:
		jw_uint(w, "qnum", o->u.msg.qnum);
		jw_uint(w, "cbytes", o->u.msg.cbytes);
		jw_int(w, "lspid", o->u.msg.lspid);
		jw_int(w, "lrpid", o->u.msg.lrpid);
		break;
	case KIND_MQUEUE:
		jw_uint_or_null(w, "qsize", !o->size_unknown, o->u.mq.qsize);
		jw_int_or_null(w, "maxmsg", o->u.mq.maxmsg >= 0,
			       (int64_t)o->u.mq.maxmsg);
		jw_int_or_null(w, "msgsize", o->u.mq.msgsize >= 0,
			       (int64_t)o->u.mq.msgsize);
		jw_int_or_null(w, "notify_pid", o->u.mq.notify_pid > 0,
			       o->u.mq.notify_pid);
		break;
	case KIND_UNIX:
		jw_lit(w, "type", or_unknown(unix_type_name(o->u.ux.type)));
		jw_lit(w, "state",
		       or_unknown(unix_state_name(o->u.ux.state)));
		jw_str(w, "path", o->u.ux.addr);
		jw_uint_or_null(w, "peer", o->u.ux.peer, o->u.ux.peer);
		jw_bool(w, "listening", o->u.ux.listening);
		break;
	default:
		break;
	}
	if (kind_is_file(o->kind)) {
		jw_key(w, "dev");
		sb_putc(w->sb, '"');
		put_u64(w->sb, major(o->dev));
		sb_putc(w->sb, ':');
		put_u64(w->sb, minor(o->dev));
		sb_putc(w->sb, '"');
		jw_uint(w, "ino", o->ino);
	}
	jw_close(w, '}');
}

void json_write_object(struct strbuf *sb, const struct obj *o,
		       const struct render_env *env)
{
	static const char hex[] = "0123456789abcdef";
	struct jw w = { .sb = sb };
	char buf[16];
	int64_t age = obj_age(o, env->ctx->set.now);

	jw_open(&w, NULL, '{');
	jw_lit(&w, "kind", kind_table[o->kind].name);
	jw_int_or_null(&w, "id", o->id >= 0, o->id);
	if (kind_is_sysv(o->kind)) {
		/* "0x%08x", without printf's cost on every object */
		buf[0] = '0';
		buf[1] = 'x';
		for (int i = 0; i < 8; i++)
			buf[2 + i] = hex[(o->key >> (28 - 4 * i)) & 15];
		buf[10] = '\0';
		jw_lit(&w, "key", buf);
	} else {
		jw_null(&w, "key");
	}
	jw_str(&w, "name", o->name);
	jw_str(&w, "path", o->path);
	jw_uint_or_null(&w, "inode", o->inode, o->inode);

	jw_open(&w, "owner", '{');
	jw_uint_or_null(&w, "uid", !o->uid_unknown, o->uid);
	jw_str(&w, "user", o->uid_unknown ? NULL : user_name(o->uid));
	jw_uint_or_null(&w, "gid", !o->gid_unknown, o->gid);
	jw_str(&w, "group", o->gid_unknown ? NULL : group_name(o->gid));
	jw_close(&w, '}');
	put_creator(&w, o, env);

	for (int i = 0; i < 4; i++)	/* "%04o" */
		buf[i] = (char)('0' + ((o->mode >> (9 - 3 * i)) & 7));
	buf[4] = '\0';
	if (o->mode_unknown)
		jw_null(&w, "mode");
	else
		jw_lit(&w, "mode", buf);
	jw_uint_or_null(&w, "size", obj_has_size(o), o->size);
	jw_int_or_null(&w, "age", age >= 0, (int64_t)age);
	put_times(&w, o);
	put_holders(&w, o, env);
	jw_lit(&w, "state", state_name(o->state));
	jw_str(&w, "reason", o->reason);
	put_detail(&w, o);
	jw_close(&w, '}');
}

cJSON *json_doc_header(const struct scan_ctx *ctx)
{
	cJSON *doc = cJSON_CreateObject(), *warn;
	char host[256] = "", when[32];

	gethostname(host, sizeof(host) - 1);
#ifdef IPCSCAN_TEST_HOOKS
	/* tests/golden: a document that does not name the machine */
	if (getenv("IPCSCAN_TEST_HOST"))
		snprintf(host, sizeof(host), "%s", getenv("IPCSCAN_TEST_HOST"));
#endif
	fmt_iso_time(when, sizeof(when), ctx->set.now);
	cJSON_AddItemToObject(doc, "schema", json_int(IPCSCAN_SCHEMA));
	cJSON_AddStringToObject(doc, "version", IPCSCAN_VERSION);
	cJSON_AddItemToObject(doc, "host", json_bytes(host));
	cJSON_AddStringToObject(doc, "time", when);
	cJSON_AddBoolToObject(doc, "complete", diag_complete(&ctx->diag));
	warn = cJSON_AddArrayToObject(doc, "warnings");
	for (size_t i = 0; i < ctx->diag.nwarnings; i++)
		cJSON_AddItemToArray(warn, json_bytes(ctx->diag.warnings[i]));
	return doc;
}

int json_list_print(FILE *out, struct obj *const *objs, size_t n,
		    const struct render_env *env)
{
	cJSON *doc = json_doc_header(env->ctx);
	struct strbuf sb = { 0 };
	char *head = cJSON_PrintUnformatted(doc);
	int r = 0;

	cJSON_Delete(doc);
	if (!head)
		return -ENOMEM;
	/* Stream: the header without its closing brace, then the array,
	 * one object per line, written out in pieces of about 64 KiB, so
	 * memory stays that of a few objects however many there are. */
	head[strlen(head) - 1] = '\0';
	sb_puts(&sb, head);
	free(head);
	sb_puts(&sb, ",\"objects\":[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_putc(&sb, ',');
		sb_putc(&sb, '\n');
		json_write_object(&sb, objs[i], env);
		if (sb.len >= 65536) {
			if (fwrite(sb.buf, 1, sb.len, out) != sb.len)
				r = -EIO;
			sb.len = 0;
		}
	}
	sb_puts(&sb, "\n]}\n");
	if (fwrite(sb.buf, 1, sb.len, out) != sb.len || ferror(out))
		r = -EIO;
	sb_free(&sb);
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
