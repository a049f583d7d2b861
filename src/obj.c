/* SPDX-License-Identifier: GPL-2.0-or-later */
/* obj.c - the object set, and the tables of states, vias and unix socket
 * types and states. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ipcscan.h"
#include "kinds.h"
#include "util.h"

static const char *const state_names[STATE_COUNT] = {
	[STATE_INUSE] = "in-use",
	[STATE_ORPHAN] = "orphan",
	[STATE_UNKNOWN] = "unknown",
};

static const char *const via_names[VIA_COUNT] = {
	[VIA_ATTACH] = "attach",
	[VIA_FD] = "fd",
	[VIA_MAP] = "map",
	[VIA_NOTIFY] = "notify",
	[VIA_WAIT] = "wait",
};

static const char *const unix_type_names[] = {
	[SOCK_STREAM] = "stream",
	[SOCK_DGRAM] = "dgram",
	[SOCK_SEQPACKET] = "seqpacket",
};

static const char *const unix_state_names[] = {
	[UX_ESTABLISHED] = "connected",
	[UX_SYN_SENT] = "connecting",
	[UX_FIN_WAIT1] = "disconnecting",
	[UX_CLOSE] = "unconnected",
	[UX_LISTEN] = "listening",
};

#define NAME_OF(table, i) \
	((unsigned)(i) < sizeof(table) / sizeof((table)[0]) ? (table)[i] : NULL)

const char *unix_type_name(int type)
{
	return NAME_OF(unix_type_names, type);
}

const char *unix_state_name(int state)
{
	return NAME_OF(unix_state_names, state);
}

const char *state_name(enum state s)
{
	return (unsigned)s < STATE_COUNT ? state_names[s] : "?";
}

const char *via_name(enum via v)
{
	return (unsigned)v < VIA_COUNT ? via_names[v] : "?";
}

struct obj *objset_add(struct objset *set, enum kind kind)
{
	struct obj *o;

	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 64;
		set->v = xrealloc(set->v, set->cap * sizeof(*set->v));
	}
	o = &set->v[set->n++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->id = -1;
	o->state = STATE_UNKNOWN;
	if (kind_ops[kind]->init)
		kind_ops[kind]->init(o);
	return o;
}

void obj_free(struct obj *o)
{
	if (!o)
		return;
	free(o->name);
	free(o->path);
	free(o->holders);
	free(o->ct);
	if (kind_ops[o->kind]->free)
		kind_ops[o->kind]->free(o);
	memset(o, 0, sizeof(*o));
	o->id = -1;
}

void objset_free(struct objset *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		obj_free(&set->v[i]);
	free(set->v);
	memset(set, 0, sizeof(*set));
}

void objset_move(struct objset *dst, struct objset *src)
{
	if (!src->n) {
		objset_free(src);
		return;
	}
	if (!dst->n) {
		/* take the array as it is: no copy, no fresh pages */
		objset_free(dst);
		*dst = *src;
		memset(src, 0, sizeof(*src));
		return;
	}
	if (dst->n + src->n > dst->cap) {
		dst->cap = dst->n + src->n;
		dst->v = xrealloc(dst->v, dst->cap * sizeof(*dst->v));
	}
	memcpy(dst->v + dst->n, src->v, src->n * sizeof(*src->v));
	dst->n += src->n;
	free(src->v);
	memset(src, 0, sizeof(*src));
}

void obj_add_holder(struct obj *o, pid_t pid, enum via via)
{
	/* The holder pass visits one process at a time, so a duplicate can
	 * only sit in the run of entries for the same pid at the tail:
	 * checking just that run keeps heavily shared objects linear. */
	for (unsigned i = o->nholders; i-- > 0 && o->holders[i].pid == pid;)
		if (o->holders[i].via == via)
			return;
	if (o->nholders == o->holders_cap) {
		o->holders_cap = o->holders_cap ? o->holders_cap * 2 : 4;
		o->holders = xrealloc(o->holders,
				      o->holders_cap * sizeof(*o->holders));
	}
	o->holders[o->nholders++] = (struct holder){ pid, via };
}

time_t obj_last_used(const struct obj *o)
{
	/* Reading a queue's status (as every scan does) bumps its ctime:
	 * only mtime, the last send or receive, says when it was used. */
	time_t t = kind_has(o->kind, KF_CTIME_READ) ? 0 : o->t_change;

	t = tmax(t, o->t_attach);
	t = tmax(t, o->t_detach);
	t = tmax(t, o->t_op);
	t = tmax(t, o->t_send);
	t = tmax(t, o->t_recv);
	return tmax(t, o->t_modify);
}

void vset_why(char *buf, size_t len, const char *fmt, va_list ap)
{
	if (!buf || !len)
		return;
	vsnprintf(buf, len, fmt, ap);
}

void set_why(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset_why(buf, len, fmt, ap);
	va_end(ap);
}
