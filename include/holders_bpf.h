/* SPDX-License-Identifier: GPL-2.0-or-later */
/* holders_bpf.h - the holder pass on BPF task iterators (no /proc text). */
#ifndef IPCSCAN_HOLDERS_BPF_H
#define IPCSCAN_HOLDERS_BPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ipcscan.h"

struct scan_ctx;

/* Which match set a key or a match belongs to (the values of enum hb_set
 * in src/bpf/holders_bpf.h). */
enum hbpf_set {
	HBPF_FILE = 1,	/* a: kernel dev (major << 20 | minor), b: inode */
	HBPF_SOCK,	/* b: socket inode */
	HBPF_SHM,	/* a: IPC namespace inode (0 any), b: shmid */
	HBPF_SEM,	/* a: IPC namespace inode (0 any), b: semid */
	HBPF_MSG,	/* a: IPC namespace inode (0 any), b: msqid */
};

struct hbpf_key {
	enum hbpf_set set;
	uint64_t a, b;
};

/* One match, in the order the iterators found them (pid order within
 * each of fds, mappings, waits). */
struct hbpf_match {
	pid_t pid;		/* thread group, in our pid namespace */
	pid_t tid;		/* the thread seen */
	enum via via;		/* VIA_FD, VIA_MAP, VIA_ATTACH or VIA_WAIT */
	enum hbpf_set set;
	uint64_t a, b;		/* as in the key; for SysV, a is the task's
				 * IPC namespace even when the key's is 0 */
	bool has_key;		/* attach: sysv_key is the segment file's */
	uint32_t sysv_key;
	uint64_t seg_ns;	/* attach: the segment's IPC namespace, 0 unknown */
};

/* What the programs visited in the last run. */
struct hbpf_counts {
	uint64_t fds, vmas, tasks, matches;
};

/* A namespace by its type (CLONE_NEWIPC, CLONE_NEWNS, CLONE_NEWNET,
 * CLONE_NEWCGROUP) and inode number. */
struct hbpf_ns {
	uint32_t type;
	uint64_t ino;
};

/*
 * What the fd walk tells discovery (scan_ctx.ns_tasked): @known, the
 * namespaces discovery found a task in; @types, the CLONE_NEW* types it
 * looks for. On return @missed says whether some process's descriptor
 * names a namespace of those types not in @known, and @missed_pid is
 * the first such process (ours excepted: its descriptors are not read).
 */
struct hbpf_nsq {
	const struct hbpf_ns *known;
	size_t nknown;
	uint32_t types;
	pid_t unread;		/* whose descriptors count for nothing here
				 * (a test build's hidden table); 0: none */
	bool missed;
	pid_t missed_pid;
};

struct holders_bpf;

/* --holders=auto uses the BPF pass from this many processes on. */
#define HOLDERS_BPF_MIN_PROCS 1000

/* Kernel dev in the encoding s_dev uses, from a user-space dev_t. */
uint32_t hbpf_kdev(dev_t d);

/*
 * Load and check the programs (CO-RE against the running kernel's BTF),
 * with match sets of room for @nkeys keys each (a run with more loads
 * them again, bigger). NULL when the pass cannot be used here, with why
 * (one line, for a warning or a JSON field) in @why: not root or no
 * CAP_BPF and CAP_PERFMON, no kernel BTF, the verifier or the kernel
 * refusing the programs, no task iterators.
 */
struct holders_bpf *holders_bpf_open(size_t nkeys, char *why, size_t whylen);

/*
 * One pass: load @keys into the match sets (replacing the last run's),
 * read every iterator once, return the matches in *out (caller frees).
 * @waits: also look for blocked SysV calls. @nsq (NULL: not asked): also
 * check every nsfs descriptor against it (see there). Returns 0, or
 * -errno with why in @why (an iterator that fails midway fails the pass:
 * nothing is returned that could be only part of the truth).
 */
int holders_bpf_run(struct holders_bpf *hb, const struct hbpf_key *keys,
		    size_t nkeys, bool waits, struct hbpf_nsq *nsq,
		    struct hbpf_match **out, size_t *nout, char *why,
		    size_t whylen);

void holders_bpf_counts(const struct holders_bpf *hb,
			struct hbpf_counts *c);
void holders_bpf_close(struct holders_bpf *hb);

/* Can the BPF pass stand for the /proc walk of @ctx at all (a live
 * system, pids of our own namespace)? 0, or -EOPNOTSUPP with why. */
int holders_bpf_applies(const struct scan_ctx *ctx, char *why,
			size_t whylen);

/*
 * The walk of the holder pass (what holders_scan does over /proc) from
 * the iterators: the same objects, the same matching rules, holders added
 * to ctx->objs in the order one walk in pid order gives. Only processes
 * in ctx->procs count. With ctx->ns_tasked it also does what the /proc
 * pass does for discovery: an nsfs descriptor of a namespace of the types
 * in ctx->ns_types that is not in ns_tasked sets ctx->ns_missed. Returns
 * 0, or -errno with why in @why when this pass cannot run here (nothing
 * has been added then: use /proc).
 */
int holders_bpf_walk(struct scan_ctx *ctx, struct holders_bpf *hb,
		     char *why, size_t whylen);

#endif
