/* SPDX-License-Identifier: GPL-2.0-or-later */
/* columns.h - the one column table: header, help, type, getters. */
#ifndef IPCSCAN_COLUMNS_H
#define IPCSCAN_COLUMNS_H

#include <stdbool.h>
#include <stdint.h>

#include "ipcscan.h"
#include "scan.h"
#include "strbuf.h"

struct render_env {
	const struct scan_ctx *ctx;
	bool bytes;		/* -b: sizes in bytes */
};

enum col_type { COL_STRING, COL_NUMBER, COL_SIZE, COL_TIME };

struct column {
	const char *name;
	const char *help;
	enum col_type type;
	bool right;		/* right-aligned in the table */
	/* Append the cell text (unescaped; renderers escape). Nothing for
	 * an absent value. */
	void (*get)(struct strbuf *sb, const struct obj *o,
		    const struct render_env *env);
	/* For numeric sorting: returns false when the value is absent. */
	bool (*num)(const struct obj *o, int64_t *v);
};

extern const struct column columns[];
extern const size_t ncolumns;
extern const char *const default_columns;	/* comma list */
/* list --orphans: HOLDERS is empty and STATE "orphan" on every row, so
 * REASON takes their place. */
extern const char *const orphan_columns;

/* Look up a column by name (case-insensitive); -1 if unknown. */
int column_find(const char *name);
/* "KIND,STATE" -> indexes; on error -EINVAL and *bad names the column
 * (static buffer). Returns the count. */
int columns_parse(const char *list, int *idx, int max, const char **bad);
/* How many indexes columns_parse() may find in @list (one more than its
 * commas): the size of the array to give it. */
int columns_max(const char *list);

/* Helpers shared by renderers. */
const char *user_name(uid_t uid);	/* NULL if unknown */
const char *group_name(gid_t gid);
void fmt_age(struct strbuf *sb, int64_t secs);	/* 45s 12m 3h 2d */
void fmt_size(struct strbuf *sb, uint64_t bytes, bool exact);
int64_t obj_age(const struct obj *o, time_t now);	/* -1 if unknown */
/* One --sort key: "SIZE" ascending, "-SIZE" descending. */
struct sort_key {
	int col;
	bool desc;
};
/* Parse @spec into @k; -EINVAL (unknown column) otherwise. */
int sort_key_parse(const char *spec, struct sort_key *k);
/* The default order: by kind (in the kind table's order), then by SysV
 * id, then by name, path and socket address (byte order), then inode. */
int obj_cmp_default(const struct obj *a, const struct obj *b);
/* Sort objects by the keys in turn (absent values last, whichever the
 * direction), ties in the default order: deterministic. nkeys 0: the
 * default order alone. */
void objs_sort(struct obj **v, size_t n, const struct sort_key *keys,
	       size_t nkeys, const struct render_env *env);

#endif
