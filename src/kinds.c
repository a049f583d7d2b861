/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kinds.c - the one array of kind rows, the groups, and -t parsing. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include <sys/sysmacros.h>

#include "jsonw.h"
#include "kinds.h"

/* Each row lives beside the code of its kind; a kind missing here is a
 * NULL that test_kinds reports. */
const struct kind_ops *const kind_ops[KIND_COUNT] = {
	[KIND_SHM] = &shm_kind,
	[KIND_SEM] = &sem_kind,
	[KIND_MSG] = &msg_kind,
	[KIND_PSHM] = &pshm_kind,
	[KIND_PSEM] = &psem_kind,
	[KIND_MQUEUE] = &mqueue_kind,
	[KIND_UNIX] = &unix_kind,
	[KIND_SOCKFILE] = &sockfile_kind,
	[KIND_FIFO] = &fifo_kind,
};

const struct kind_time file_times[] = {
	{ "changed", (long)offsetof(struct obj, t_change) },
	{ "modified", (long)offsetof(struct obj, t_modify) },
	{ NULL, 0 },
};

void json_detail_file(struct jw *w, const struct obj *o)
{
	jw_key(w, "dev");
	sb_putc(w->sb, '"');
	jw_put_u64(w->sb, major(o->dev));
	sb_putc(w->sb, ':');
	jw_put_u64(w->sb, minor(o->dev));
	sb_putc(w->sb, '"');
	jw_uint(w, "ino", o->ino);
}

static const char *const group_names[GROUP_COUNT] = {
	[GROUP_SYSV] = "sysv",
	[GROUP_POSIX] = "posix",
	[GROUP_SOCKETS] = "sockets",
	[GROUP_ALL] = "all",
};

const char *objns_name(enum obj_ns t)
{
	static const char *const names[OBJNS_COUNT] = {
		[OBJNS_IPC] = "ipc", [OBJNS_MNT] = "mnt", [OBJNS_NET] = "net",
	};

	return (unsigned)t < OBJNS_COUNT ? names[t] : NULL;
}

const char *kind_group_name(enum kind_group g)
{
	return (unsigned)g < GROUP_COUNT ? group_names[g] : NULL;
}

kindmask_t kind_group_mask(enum kind_group g)
{
	kindmask_t m = 0;

	for (int k = 0; k < KIND_COUNT; k++)
		if (kind_ops[k]->groups & GMASK(g))
			m |= KMASK(k);
	return m;
}

kindmask_t kinds_with(unsigned flags)
{
	kindmask_t m = 0;

	for (int k = 0; k < KIND_COUNT; k++)
		if (kind_ops[k]->flags & flags)
			m |= KMASK(k);
	return m;
}

/* A kind's name or a group's, @len bytes at @p, in any case; 0 if none. */
static kindmask_t name_mask(const char *p, size_t len)
{
	for (int k = 0; k < KIND_COUNT; k++)
		if (strlen(kind_ops[k]->name) == len &&
		    !strncasecmp(kind_ops[k]->name, p, len))
			return KMASK(k);
	for (int g = 0; g < GROUP_COUNT; g++)
		if (strlen(group_names[g]) == len &&
		    !strncasecmp(group_names[g], p, len))
			return kind_group_mask((enum kind_group)g);
	return 0;
}

int kinds_parse(const char *list, kindmask_t *mask, const char **bad)
{
	static char badbuf[64];
	kindmask_t m = 0;
	const char *p = list;

	for (;;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		kindmask_t one = name_mask(p, len);

		if (!one) {
			snprintf(badbuf, sizeof(badbuf), "%.*s", (int)len, p);
			if (bad)
				*bad = badbuf;
			return -EINVAL;
		}
		m |= one;
		if (!e)
			break;
		p = e + 1;
	}
	*mask = m;
	return 0;
}
