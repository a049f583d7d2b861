/* SPDX-License-Identifier: GPL-2.0-or-later */
/* render.h - table (libsmartcols), JSON (cJSON) and Prometheus output. */
#ifndef IPCSCAN_RENDER_H
#define IPCSCAN_RENDER_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "columns.h"
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
/* Append @s as a JSON string spelled as json_bytes() does (NULL: null). */
void json_put_bytes(struct strbuf *sb, const char *s);
/* Add a string that may hold any bytes: valid UTF-8 is kept, anything
 * else is escaped as \xHH so the document stays valid UTF-8. NULL -> null. */
cJSON *json_bytes(const char *s);
/* Print and free @root, with a trailing newline. Returns 0 or -errno. */
int json_print(FILE *out, cJSON *root);
/* An integer as a JSON number (exact, formatted without doubles). */
cJSON *json_int(int64_t v);
cJSON *json_uint(uint64_t v);
/* schema, version, host, time, complete, warnings. */
cJSON *json_doc_header(const struct scan_ctx *ctx);
/* Stream the "list --json" document for @objs. Returns 0 or -errno. */
int json_list_print(FILE *out, struct obj *const *objs, size_t n,
		    const struct render_env *env);

#endif
