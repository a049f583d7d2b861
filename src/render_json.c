/* SPDX-License-Identifier: GPL-2.0-or-later */
/* render_json.c - schema 1 JSON: the document header every document
 * shares, the objects of "list --json", and that document (jsonw.h). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "jsonw.h"
#include "kinds.h"
#include "procs.h"
#include "render.h"
#include "strbuf.h"

/* The row's list of times, in its order. */
static void put_times(struct jw *w, const struct obj *o)
{
	const struct kind_time *t = kind_ops[o->kind]->times;

	jw_open(w, "times", '{');
	for (; t && t->key; t++) {
		if (t->off == KT_NULL)
			jw_null(w, t->key);
		else
			jw_time(w, t->key,
				*(const time_t *)((const char *)o + t->off));
	}
	jw_close(w, '}');
}

static void put_creator(struct jw *w, const struct obj *o,
			const struct render_env *env)
{
	if (!kind_has(o->kind, KF_SYSV)) {
		jw_null(w, "creator");
		return;
	}
	jw_open(w, "creator", '{');
	jw_uint(w, "uid", o->cuid);
	jw_str(w, "user", user_name(o->cuid));
	/* only a shm segment records its creator's pid (cpid) */
	if (o->cpid > 0) {
		jw_int(w, "pid", o->cpid);
		jw_bool(w, "alive", pid_alive_at(&env->ctx->procs, o->cpid,
						 o->t_change));
	} else {
		jw_null(w, "pid");
		jw_null(w, "alive");
	}
	jw_close(w, '}');
}

/* Where it lives (SPEC: its row's type of namespace). */
static void put_namespace(struct jw *w, const struct obj *o,
			  const struct render_env *env)
{
	const struct nsref *ns = obj_nsref(env->ctx, o);

	jw_open(w, "namespace", '{');
	jw_lit(w, "type", objns_name(kind_ops[o->kind]->ns));
	jw_uint_or_null(w, "id", ns->ino, ns->ino);
	jw_bool(w, "host", ns->initial);
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

void json_container_members(struct jw *w, const struct container_ref *r)
{
	const char *pod_id = *r->pod_uid ? r->pod_uid : r->pod_id;

	jw_lit(w, "engine", ct_engine_name(r->engine));
	jw_str(w, "id", *r->id ? r->id : NULL);
	jw_str(w, "name", *r->name ? r->name : NULL);
	jw_str(w, "pod", *r->pod_name ? r->pod_name : NULL);
	jw_str(w, "pod_id", *pod_id ? pod_id : NULL);
	jw_str(w, "pod_namespace", *r->pod_ns ? r->pod_ns : NULL);
}

/* The containers that can see @o (attrib.h); null when that cannot be
 * told. */
static void put_containers(struct jw *w, const struct obj *o,
			   const struct render_env *env)
{
	if (o->ct_unknown) {
		jw_null(w, "containers");
		return;
	}
	jw_open(w, "containers", '[');
	for (unsigned i = 0; i < o->nct; i++) {
		jw_open(w, NULL, '{');
		json_container_members(w, &env->ctx->attrib.v[o->ct[i]].ref);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void put_detail(struct jw *w, const struct obj *o)
{
	jw_open(w, kind_name(o->kind), '{');
	kind_ops[o->kind]->json_detail(w, o);
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
	jw_lit(&w, "kind", kind_name(o->kind));
	jw_int_or_null(&w, "id", o->id >= 0, o->id);
	if (kind_has(o->kind, KF_SYSV)) {
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
	put_namespace(&w, o, env);

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
	put_containers(&w, o, env);
	jw_lit(&w, "state", state_name(o->state));
	jw_str(&w, "reason", o->reason);
	put_detail(&w, o);
	jw_close(&w, '}');
}

void json_doc_header(struct jw *w, const struct scan_ctx *ctx)
{
	char host[256] = "", when[32];

	gethostname(host, sizeof(host) - 1);
#ifdef IPCSCAN_TEST_HOOKS
	/* tests/golden: a document that does not name the machine */
	if (getenv("IPCSCAN_TEST_HOST"))
		snprintf(host, sizeof(host), "%s", getenv("IPCSCAN_TEST_HOST"));
#endif
	fmt_iso_time(when, sizeof(when), ctx->set.now);
	jw_open(w, NULL, '{');
	jw_int(w, "schema", IPCSCAN_SCHEMA);
	jw_lit(w, "version", IPCSCAN_VERSION);
	jw_str(w, "host", host);
	jw_lit(w, "time", when);
	jw_bool(w, "complete", diag_complete(&ctx->diag));
	/* which holder pass ran, and why not the BPF one */
	jw_lit(w, "holder_pass", ctx->holders_bpf ? "bpf" : "proc");
	if (ctx->holders_bpf || !ctx->hb_why[0])
		jw_null(w, "holder_pass_why");
	else
		jw_str(w, "holder_pass_why", ctx->hb_why);
	jw_open(w, "warnings", '[');
	for (size_t i = 0; i < ctx->diag.nwarnings; i++) {
		jw_elem(w);
		json_put_bytes(w->sb, ctx->diag.warnings[i]);
	}
	jw_close(w, ']');
}

int json_list_print(FILE *out, struct obj *const *objs, size_t n,
		    const struct render_env *env)
{
	struct strbuf sb = { 0 };
	struct jw w;

	/* Stream: the header, then the array, one object per line,
	 * written out in pieces of about 64 KiB, so memory stays that of
	 * a few objects however many there are. */
	jw_init(&w, &sb, out);
	json_doc_header(&w, env->ctx);
	jw_open(&w, "objects", '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_putc(&sb, ',');
		sb_putc(&sb, '\n');
		json_write_object(&sb, objs[i], env);
		jw_flush(&w, 65536);
	}
	sb_putc(&sb, '\n');
	jw_close(&w, ']');
	jw_close(&w, '}');
	return jw_end(&w);
}
