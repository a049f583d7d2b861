/* SPDX-License-Identifier: GPL-2.0-or-later */
/* columns.h - the one column table: header, help, JSON key and type, table
 * flags, getters. */
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

/* A column's value as list --json types it (--list-columns -J says it):
 * the table may spell it otherwise (SIZE 1.0M, AGE 3h, PERMS rw-------). */
enum col_type { COL_STRING, COL_NUMBER, COL_ARRAY };

/* How the table treats a column (bits of struct column's flags). */
enum col_flag {
	COLF_RIGHT = 1 << 0,	/* right-aligned */
	/* Free text: word-wrapped to the width the others leave it on a
	 * narrow terminal, rather than truncated (see render_table.c). */
	COLF_WRAP = 1 << 1,
	/* Sorted by the SysV id as a number where both objects have one
	 * (9 before 10), else by its text. */
	COLF_SORT_ID = 1 << 2,
};

struct column {
	const char *name;
	const char *help;
	enum col_type type;
	/* Where each object of list --json has the value: a member, or a
	 * dotted path ("owner.uid", "shm.nattch"); NULL when no one member
	 * holds it (ID/NAME, NHOLDERS, ...). */
	const char *key;
	unsigned flags;		/* enum col_flag */
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

/* "string", "number" or "array". */
const char *col_type_name(enum col_type t);
/* The kinds whose objects have a value in column @col (kinds.h: the
 * rows' columns), and the getters through it: nothing, or false, for an
 * object of any other kind. */
kindmask_t column_kinds(int col);
void column_get(int col, struct strbuf *sb, const struct obj *o,
		const struct render_env *env);
bool column_num(int col, const struct obj *o, int64_t *v);

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
