/* SPDX-License-Identifier: GPL-2.0-or-later */
/* render.h - table (libsmartcols) and JSON output. */
#ifndef IPCSCAN_RENDER_H
#define IPCSCAN_RENDER_H

#include <stdio.h>

#include "columns.h"
#include "jsonw.h"
#include "strbuf.h"

struct table_opts {
	const int *cols;
	int ncols;
	bool noheadings;
	bool raw;
};

/* Print @objs as a table. Returns 0 or -errno. */
int render_table(FILE *out, struct obj *const *objs, size_t n,
		 const struct table_opts *topts, const struct render_env *env);

/* Append the JSON text of one object (schema 1, compact) to @sb. */
void json_write_object(struct strbuf *sb, const struct obj *o,
		       const struct render_env *env);
/* Open a document ('{') with the members every one starts with: schema,
 * version, host, time, complete, warnings. The caller adds its own and
 * closes it. */
void json_doc_header(struct jw *w, const struct scan_ctx *ctx);
/* The members of one "containers" entry (engine, id, name, pod, pod_id,
 * pod_namespace; unknown ones null): list's objects and stats' per-
 * container counts write the same. */
struct container_ref;
void json_container_members(struct jw *w, const struct container_ref *r);
/* Stream the "list --json" document for @objs. Returns 0 or -errno. */
int json_list_print(FILE *out, struct obj *const *objs, size_t n,
		    const struct render_env *env);

#endif
