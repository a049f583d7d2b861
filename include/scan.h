/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scan.h - the pipeline: collectors -> processes -> holders -> classify. */
#ifndef IPCSCAN_SCAN_H
#define IPCSCAN_SCAN_H

#include "classify.h"
#include "ipcscan.h"
#include "procs.h"

struct pairmap;

struct scan_opts {
	const char *root;	/* "" = live system; else a fixture tree prefix */
	kindmask_t kinds;
	const char *const *sockdirs;	/* NULL = defaults */
	size_t nsockdirs;
	/* --trust-pidns: nothing outside our pid namespace shares its IPC
	 * namespace, /dev/shm, /dev/mqueue or socket dirs */
	bool trust_pidns;
};

/* What collectors and passes share. Library code never prints: it adds
 * warnings here and the command layer shows them. */
struct scan_ctx {
	const char *root;
	bool live;		/* root == "": semctl, sock_diag, setns allowed */
	bool privileged;	/* euid 0 */
	kindmask_t kinds;
	const char *const *sockdirs;
	size_t nsockdirs;
	time_t now;
	uint64_t own_ipcns, own_netns, own_mntns;	/* inode of /proc/self/ns/... */

	/* Where we run (scan_init), and what the classifier may take as
	 * proven from it (set_policy in scan.c: scan_run, scan_recheck). */
	bool trust_pidns;	/* scan_opts.trust_pidns */
	bool pidns_child;	/* not the initial pid namespace, or unknown */
	int pidns_err;		/* 0, or why the pid namespace is unknown */
	uint64_t own_pidns;	/* inode of our pid namespace, 0 unknown */
	bool procs_foreign;	/* /proc numbers pids in another pid ns */
	bool procs_failed;	/* the process list could not be read */
	struct classify_policy policy;

	struct objset objs;
	struct proctab procs;

	/* gc: (dev_key, ino) of every socket file bound in any netns, read
	 * once before the first socket file is removed (sockfiles.c) */
	struct pairmap *sock_bound;

	bool complete;		/* false when some process/source could not be read */
	char **warnings;
	size_t nwarnings;
	double duration;	/* seconds the scan took */
};

extern const char *const default_sockdirs[];	/* NULL-terminated */

void scan_warn(struct scan_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Run the whole pipeline. Returns 0 or -errno (only for fatal failures,
 * e.g. ENOMEM); partial failures become warnings and complete = false. */
int scan_run(const struct scan_opts *opts, struct scan_ctx *ctx);
/* The settings part of scan_run: an empty context for @opts (the
 * collectors can then be run on it one by one). */
void scan_init(struct scan_ctx *ctx, const struct scan_opts *opts);
/*
 * Right before gc removes anything: read the process list and the holders
 * once more and classify every object again with the same rules, since a
 * process may have opened, mapped or started waiting on an object after
 * the scan (the kernel records none of that for POSIX objects). Evidence
 * flags only ever become more cautious. Returns 0 or -errno.
 */
int scan_recheck(struct scan_ctx *ctx);
void scan_free(struct scan_ctx *ctx);

#endif
