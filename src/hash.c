/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hash.c - open addressing maps: (u64, u64) -> index, and a string set. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "util.h"

static uint64_t mix64(uint64_t x)
{
	/* splitmix64 finaliser: cheap and spreads sequential inodes well */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static size_t pair_slot(const struct pairmap *m, uint64_t a, uint64_t b)
{
	return (size_t)(mix64(a * 31 + mix64(b))) & (m->cap - 1);
}

static void pairmap_grow(struct pairmap *m)
{
	struct pairmap old = *m;

	m->cap = old.cap ? old.cap * 2 : 64;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	m->n = 0;
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].used)
			pairmap_put(m, old.slots[i].a, old.slots[i].b,
				    old.slots[i].val);
	free(old.slots);
}

void pairmap_put(struct pairmap *m, uint64_t a, uint64_t b, uint32_t val)
{
	size_t i;

	if ((m->n + 1) * 4 > m->cap * 3)
		pairmap_grow(m);
	i = pair_slot(m, a, b);
	while (m->slots[i].used)
		i = (i + 1) & (m->cap - 1);
	m->slots[i] = (struct pairmap_slot){ a, b, val, true };
	m->n++;
}

bool pairmap_next(const struct pairmap *m, uint64_t a, uint64_t b,
		  size_t *pos, uint32_t *val)
{
	size_t i;

	if (!m->cap)
		return false;
	/* *pos counts probes already done from the home slot. */
	for (i = (pair_slot(m, a, b) + *pos) & (m->cap - 1);
	     m->slots[i].used && *pos < m->cap; i = (i + 1) & (m->cap - 1)) {
		(*pos)++;
		if (m->slots[i].a == a && m->slots[i].b == b) {
			*val = m->slots[i].val;
			return true;
		}
	}
	return false;
}

bool pairmap_has(const struct pairmap *m, uint64_t a, uint64_t b)
{
	size_t pos = 0;
	uint32_t v;

	return pairmap_next(m, a, b, &pos, &v);
}

void pairmap_free(struct pairmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

uint64_t fnv1a(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static bool strset_slot_eq(const struct strset_slot *sl, uint64_t h,
			   const char *s, size_t len)
{
	return sl->h == h && strlen(sl->s) == len && !memcmp(sl->s, s, len);
}

void strset_add(struct strset *set, const char *s, size_t len)
{
	uint64_t h = fnv1a(s, len);
	size_t i;

	if ((set->n + 1) * 4 > set->cap * 3) {
		struct strset old = *set;

		set->cap = old.cap ? old.cap * 2 : 64;
		set->slots = xcalloc(set->cap, sizeof(*set->slots));
		set->n = 0;
		for (size_t j = 0; j < old.cap; j++) {
			struct strset_slot *o = &old.slots[j];

			if (!o->s)
				continue;
			i = (size_t)o->h & (set->cap - 1);
			while (set->slots[i].s)
				i = (i + 1) & (set->cap - 1);
			set->slots[i] = *o;
			set->n++;
		}
		free(old.slots);
	}
	for (i = (size_t)h & (set->cap - 1); set->slots[i].s;
	     i = (i + 1) & (set->cap - 1))
		if (strset_slot_eq(&set->slots[i], h, s, len))
			return;
	set->slots[i].s = xstrndup(s, len);
	set->slots[i].h = h;
	set->n++;
}

bool strset_has(const struct strset *set, const char *s, size_t len)
{
	uint64_t h;

	if (!set->cap)
		return false;
	h = fnv1a(s, len);
	for (size_t i = (size_t)h & (set->cap - 1); set->slots[i].s;
	     i = (i + 1) & (set->cap - 1))
		if (strset_slot_eq(&set->slots[i], h, s, len))
			return true;
	return false;
}

void strset_free(struct strset *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->slots[i].s);
	free(set->slots);
	memset(set, 0, sizeof(*set));
}
