/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hash.h - open-addressing multimap from a pair of u64 to a u32 index. */
#ifndef IPCSCAN_HASH_H
#define IPCSCAN_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 64-bit FNV-1a of the first @len bytes of @s. */
uint64_t fnv1a(const char *s, size_t len);

struct pairmap {
	struct pairmap_slot {
		uint64_t a, b;
		uint32_t val;
		bool used;
	} *slots;
	size_t cap, n;
};

/* Keys may repeat (hard links): every put adds an entry. */
void pairmap_put(struct pairmap *m, uint64_t a, uint64_t b, uint32_t val);
/* Iterate over all values for (a, b): start with *pos = 0. */
bool pairmap_next(const struct pairmap *m, uint64_t a, uint64_t b,
		  size_t *pos, uint32_t *val);
bool pairmap_has(const struct pairmap *m, uint64_t a, uint64_t b);
void pairmap_free(struct pairmap *m);

/* Set of byte strings (used for candidate basenames). */
struct strset {
	struct strset_slot {
		char *s;
		uint64_t h;
	} *slots;
	size_t cap, n;
};
/* Adds a copy of @s unless the set has it already. */
void strset_add(struct strset *set, const char *s, size_t len);
bool strset_has(const struct strset *set, const char *s, size_t len);
void strset_free(struct strset *set);

#endif
