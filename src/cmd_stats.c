/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_stats.c - stats: scan -> count -> render (table, JSON, Prometheus). */
#include <errno.h>
#include <fcntl.h>
#include <libsmartcols.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "jsonw.h"
#include "kinds.h"
#include "outstream.h"
#include "render.h"
#include "stats.h"
#include "strbuf.h"

static void kind_totals(const struct kind_stats *ks, uint64_t *count,
			uint64_t *bytes)
{
	*count = *bytes = 0;
	for (int s = 0; s < STATE_COUNT; s++) {
		*count += ks->count[s];
		*bytes = sat_add(*bytes, ks->bytes[s]);
	}
}

static void ks_json(struct jw *w, const struct kind_stats *ks)
{
	uint64_t total, bytes;

	kind_totals(ks, &total, &bytes);
	jw_uint(w, "count", total);
	jw_uint(w, "in_use", ks->count[STATE_INUSE]);
	jw_uint(w, "orphan", ks->count[STATE_ORPHAN]);
	jw_uint(w, "unknown", ks->count[STATE_UNKNOWN]);
	jw_uint(w, "bytes", bytes);
	jw_uint(w, "orphan_bytes", ks->bytes[STATE_ORPHAN]);
}

static bool ks_empty(const struct kind_stats *ks)
{
	for (int s = 0; s < STATE_COUNT; s++)
		if (ks->count[s])
			return false;
	return true;
}

/* Per container: each that can see a selected object, with its
 * identity as list --json gives it; the host's and the unattributed
 * objects beside them. */
static void containers_json(struct jw *w, const struct stats *st)
{
	const struct attrib *a = st->attrib;

	jw_open(w, "containers", '[');
	for (size_t i = 0; st->ct && i < a->n; i++) {
		if (ks_empty(&st->ct[i]))
			continue;
		jw_open(w, NULL, '{');
		jw_str(w, "container", a->v[i].display);
		json_container_members(w, &a->v[i].ref);
		ks_json(w, &st->ct[i]);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_open(w, "host", '{');
	ks_json(w, &st->host);
	jw_close(w, '}');
	jw_open(w, "unattributed", '{');
	ks_json(w, &st->unattributed);
	jw_close(w, '}');
}

/* Kind and resource names are our own: they need no escaping as keys. */
static int stats_json(FILE *out, const struct stats *st,
		      const struct scan_ctx *ctx)
{
	struct strbuf sb = { 0 };
	struct jw w;
	char dur[32];

	jw_init(&w, &sb, out);
	json_doc_header(&w, ctx);
	fmt_seconds(dur, sizeof(dur), st->duration);
	jw_raw(&w, "scan_duration", dur);
	jw_open(&w, "kinds", '{');
	for (int k = 0; k < KIND_COUNT; k++) {
		const struct kind_stats *ks = &st->kind[k];
		uint64_t total, bytes;
		bool sized = kind_has((enum kind)k, KF_SIZE);

		if (!(st->kinds & KMASK(k)))
			continue;
		jw_open(&w, kind_name(k), '{');
		kind_totals(ks, &total, &bytes);
		jw_uint(&w, "count", total);
		jw_uint(&w, "in_use", ks->count[STATE_INUSE]);
		jw_uint(&w, "orphan", ks->count[STATE_ORPHAN]);
		jw_uint(&w, "unknown", ks->count[STATE_UNKNOWN]);
		jw_uint_or_null(&w, "bytes", sized, bytes);
		jw_uint_or_null(&w, "orphan_bytes", sized,
				ks->bytes[STATE_ORPHAN]);
		jw_close(&w, '}');
	}
	jw_close(&w, '}');
	containers_json(&w, st);
	jw_open(&w, "limits", '{');
	for (int l = 0; l < LIM_COUNT; l++) {
		const struct limit_stat *ls = &st->lim[l];

		if (!stats_show_limit(st, (enum limit_id)l))
			continue;
		jw_open(&w, ls->resource, '{');
		jw_uint_or_null(&w, "limit", ls->have_limit, ls->limit);
		jw_uint(&w, "used", ls->used);
		jw_close(&w, '}');
	}
	jw_close(&w, '}');
	/* every IPC namespace with its own limits, ours first */
	jw_open(&w, "namespaces", '[');
	for (size_t i = 0; i < st->nns; i++) {
		const struct ns_stats *ns = &st->ns[i];

		jw_open(&w, NULL, '{');
		jw_lit(&w, "type", "ipc");
		jw_uint_or_null(&w, "id", ns->id, ns->id);
		jw_bool(&w, "host", ns->host);
		jw_uint(&w, "objects", ns->objects);
		jw_uint(&w, "orphans", ns->orphans);
		jw_open(&w, "limits", '{');
		for (int l = 0; l < LIM_COUNT; l++) {
			const struct limit_stat *ls = &ns->lim[l];

			if (l == LIM_DEVSHM ||
			    !stats_show_limit(st, (enum limit_id)l))
				continue;
			jw_open(&w, ls->resource, '{');
			jw_uint_or_null(&w, "limit", ls->have_limit,
					ls->limit);
			jw_uint(&w, "used", ls->used);
			jw_close(&w, '}');
		}
		jw_close(&w, '}');
		jw_close(&w, '}');
	}
	jw_close(&w, ']');
	jw_close(&w, '}');
	return jw_end(&w);
}

/* One row of counts, in the kind table or the per-container table: @name,
 * then COUNT IN-USE ORPHAN UNKNOWN BYTES ORPHAN-BYTES; the byte columns are
 * blank unless @sized (a kind without sizes, as in list). False when the
 * line could not be made. */
static bool counts_row(struct libscols_table *t, const char *name,
		       const struct kind_stats *ks, bool sized,
		       struct strbuf *c)
{
	struct libscols_line *ln = scols_table_new_line(t, NULL);
	uint64_t total, bytes, v[6];

	if (!ln)
		return false;
	kind_totals(ks, &total, &bytes);
	v[0] = total;
	v[1] = ks->count[STATE_INUSE];
	v[2] = ks->count[STATE_ORPHAN];
	v[3] = ks->count[STATE_UNKNOWN];
	v[4] = bytes;
	v[5] = ks->bytes[STATE_ORPHAN];
	scols_line_set_data(ln, 0, name);
	for (int i = 0; i < 6; i++) {
		c->len = 0;
		if (i >= 4 && !sized)
			continue;
		if (i >= 4)
			fmt_size(c, v[i], false);
		else
			sb_printf(c, "%llu", (unsigned long long)v[i]);
		scols_line_set_data(ln, (size_t)i + 1, c->buf);
	}
	return true;
}

/* LIMIT USED USE% of one resource, from column @col of @ln on. */
static void limit_cells(struct libscols_line *ln, size_t col,
			const struct limit_stat *ls, struct strbuf *c)
{
	bool bytes = strstr(ls->resource, "bytes") != NULL;

	c->len = 0;
	if (!ls->have_limit)
		sb_puts(c, "-");
	else if (bytes)
		fmt_size(c, ls->limit, false);
	else
		sb_printf(c, "%llu", (unsigned long long)ls->limit);
	scols_line_set_data(ln, col, c->buf);
	c->len = 0;
	if (bytes)
		fmt_size(c, ls->used, false);
	else
		sb_printf(c, "%llu", (unsigned long long)ls->used);
	scols_line_set_data(ln, col + 1, c->buf);
	c->len = 0;
	if (ls->have_limit && ls->limit)
		sb_printf(c, "%.1f%%",
			  100.0 * (double)ls->used / (double)ls->limit);
	else
		sb_puts(c, "-");
	scols_line_set_data(ln, col + 2, c->buf);
}

/* After the totals: each container that can see a selected object (an
 * object seen by two counts in both), then the host's ("-") and the
 * unattributed ("?") objects. */
static int containers_table(FILE *out, const struct stats *st)
{
	static const char *const h[] = { "CONTAINER", "COUNT", "IN-USE",
					 "ORPHAN", "UNKNOWN", "BYTES",
					 "ORPHAN-BYTES" };
	struct libscols_table *t = scols_new_table();
	const struct attrib *a = st->attrib;
	struct strbuf c = { 0 };
	int r = 0;

	if (!t)
		return -ENOMEM;
	scols_table_set_stream(t, out);
	for (int i = 0; i < 7; i++)
		scols_table_new_column(t, h[i], 0, i ? SCOLS_FL_RIGHT : 0);
	for (size_t i = 0; i < a->n; i++)
		if (!ks_empty(&st->ct[i]))
			counts_row(t, a->v[i].display, &st->ct[i], true, &c);
	counts_row(t, "-", &st->host, true, &c);
	if (!ks_empty(&st->unattributed))
		counts_row(t, "?", &st->unattributed, true, &c);
	if (scols_print_table(t))
		r = -EIO;
	sb_free(&c);
	scols_unref_table(t);
	return r;
}

/* A host-wide scan: the limits of every IPC namespace, one line per
 * namespace and resource. */
static int ns_table(FILE *out, const struct stats *st)
{
	static const char *const h[] = { "NS", "RESOURCE", "LIMIT", "USED",
					 "USE%" };
	struct libscols_table *t = scols_new_table();
	struct strbuf c = { 0 };
	int r = 0;

	if (!t)
		return -ENOMEM;
	scols_table_set_stream(t, out);
	for (int i = 0; i < 5; i++)
		scols_table_new_column(t, h[i], 0, i > 1 ? SCOLS_FL_RIGHT : 0);
	for (size_t n = 0; n < st->nns; n++) {
		const struct ns_stats *ns = &st->ns[n];

		for (int l = 0; l < LIM_COUNT; l++) {
			const struct limit_stat *ls = &ns->lim[l];
			struct libscols_line *ln;

			if (l == LIM_DEVSHM ||
			    !stats_show_limit(st, (enum limit_id)l))
				continue;
			ln = scols_table_new_line(t, NULL);
			if (!ln)
				break;
			c.len = 0;
			if (ns->host)
				sb_puts(&c, "host");
			else
				sb_printf(&c, "%llu",
					  (unsigned long long)ns->id);
			scols_line_set_data(ln, 0, c.buf);
			scols_line_set_data(ln, 1, ls->resource);
			limit_cells(ln, 2, ls, &c);
		}
	}
	if (fputc('\n', out) == EOF || scols_print_table(t))
		r = -EIO;
	sb_free(&c);
	scols_unref_table(t);
	return r;
}

static int stats_table(FILE *out, const struct stats *st)
{
	struct libscols_table *tb = scols_new_table();
	struct libscols_table *lt = scols_new_table();
	static const char *const kh[] = { "KIND", "COUNT", "IN-USE", "ORPHAN",
					  "UNKNOWN", "BYTES", "ORPHAN-BYTES" };
	static const char *const lh[] = { "RESOURCE", "LIMIT", "USED", "USE%" };
	struct strbuf c = { 0 };
	bool any_limit = false;
	int r = 0;

	if (!tb || !lt) {
		scols_unref_table(tb);
		scols_unref_table(lt);
		return -ENOMEM;
	}
	scols_table_set_stream(tb, out);
	scols_table_set_stream(lt, out);
	for (int i = 0; i < 7; i++)
		scols_table_new_column(tb, kh[i], 0, i ? SCOLS_FL_RIGHT : 0);
	for (int i = 0; i < 4; i++)
		scols_table_new_column(lt, lh[i], 0, i ? SCOLS_FL_RIGHT : 0);
	for (int k = 0; k < KIND_COUNT; k++)
		if ((st->kinds & KMASK(k)) &&
		    !counts_row(tb, kind_name(k), &st->kind[k],
				kind_has((enum kind)k, KF_SIZE), &c))
			break;
	for (int l = 0; l < LIM_COUNT; l++) {
		const struct limit_stat *ls = &st->lim[l];
		struct libscols_line *ln;

		if (!stats_show_limit(st, (enum limit_id)l))
			continue;
		any_limit = true;
		ln = scols_table_new_line(lt, NULL);
		if (!ln)
			break;
		scols_line_set_data(ln, 0, ls->resource);
		limit_cells(ln, 1, ls, &c);
	}
	if (scols_print_table(tb) ||
	    (any_limit && (fputc('\n', out) == EOF || scols_print_table(lt))))
		r = -EIO;
	if (!r && st->nns > 1 && any_limit)
		r = ns_table(out, st);
	if (!r && stats_any_container(st) &&
	    (fputc('\n', out) == EOF || containers_table(out, st)))
		r = -EIO;
	sb_free(&c);
	scols_unref_table(tb);
	scols_unref_table(lt);
	return r;
}

/*
 * Write to a temp file beside @path, then rename: a textfile collector
 * never reads a half-written file. @path is only read (it is the user's
 * argument, renamed to as given), and must name a file: a trailing slash,
 * "." or ".." as its last part is EISDIR. Returns the fd, or -1 with errno.
 */
static int open_atomic(const char *path, char **tmp)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	int dirlen = slash ? (int)(slash - path) + 1 : 0;
	int fd;

	*tmp = NULL;
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) {
		errno = EISDIR;
		return -1;
	}
	/* the directory part as given, slash included ("" for none) */
	if (asprintf(tmp, "%.*s.%s.XXXXXX", dirlen, path, base) < 0) {
		*tmp = NULL;
		errno = ENOMEM;
		return -1;
	}
	fd = mkostemp(*tmp, O_CLOEXEC);
	if (fd >= 0)
		fchmod(fd, 0644);
	return fd;
}

int cmd_stats(const struct cli *cli)
{
	struct scan_ctx ctx;
	struct stats st = { 0 };
	FILE *out = stdout;
	char *tmp = NULL;
	int fd = -1, r, e;

	struct cli all = *cli;

	st.attrib = &ctx.attrib;

	/* Kernel-limit use counts every object, whatever -t selects. */
	all.kinds = KMASK_ALL;
	/* and each IPC namespace has limits of its own */
	all.ipc_limits = true;
	if (cli_scan(&all, &ctx)) {
		scan_free(&ctx);
		return EXIT_RUNTIME;
	}
	cli_print_warnings(&ctx);
	for (size_t i = 0; i < ctx.objs.n; i++) {
		const struct obj *o = &ctx.objs.v[i];
		uint64_t *b = &st.kind[o->kind].bytes[o->state];

		if (!cli_filter(cli, &ctx, o))
			continue;
		st.kind[o->kind].count[o->state]++;
		*b = sat_add(*b, o->size);
		stats_count_containers(&st, o);
	}
	stats_limits(ctx.set.root, &ctx.objs, &st);
	stats_namespaces(&ctx, &st);
	st.kinds = cli->kinds;
	st.complete = diag_complete(&ctx.diag);
	st.holders_bpf = ctx.holders_bpf;
	st.duration = ctx.duration;
	st.now = ctx.set.now;

	if (cli->output_file) {
		fd = open_atomic(cli->output_file, &tmp);
		out = fd < 0 ? NULL : outstream_open(fd);
		if (!out) {
			if (fd >= 0) {
				unlink(tmp);
				close(fd);
			}
			fprintf(stderr, "ipcscan: cannot create a temp file for "
				"'%s': %s\n", cli->output_file, strerror(errno));
			free(tmp);
			stats_free(&st);
			scan_free(&ctx);
			return EXIT_RUNTIME;
		}
	}
	if (cli->prometheus)
		r = render_prometheus(out, &st);
	else if (cli->json)
		r = stats_json(out, &st, &ctx);
	else
		r = stats_table(out, &st);
	stats_free(&st);
	scan_free(&ctx);
	if (!cli->output_file)
		return cli_finish_output(stdout, r, NULL);
	/* the errno of a failed write beats a renderer's -EIO */
	e = outstream_flush(out);
	if (e || r)
		r = e ? e : r;
	else if (fsync(fd))
		r = -errno;
	e = outstream_close(out);	/* closes fd */
	if (!r && e)
		r = e;
	if (!r && rename(tmp, cli->output_file))
		r = -errno;
	if (r)
		unlink(tmp);
	free(tmp);
	return cli_finish_output(stdout, r, r ? cli->output_file : NULL);
}
