/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netns.c - every other network namespace, entered on a runner thread. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/magic.h>

#include "fsutil.h"
#include "hash.h"
#include "netns.h"
#include "nsrun.h"
#include "parse.h"

struct ns_walk {
	const struct source *src;
	const struct proctab *procs;
	netns_fn fn;
	void *arg;
	struct nsrun *runner;	/* made at the first namespace entered */
	struct pairmap seen;	/* (netns inode, 0) */
	bool priv;
	bool incomplete;
};

/* An opened namespace file: run the function in it unless already done.
 * Returns 0 (a namespace that could not be read sets incomplete). */
static int ns_visit(struct ns_walk *nw, int fd)
{
	struct stat st;
	int r;

	if (fstat(fd, &st) || !fd_on_fs(fd, NSFS_MAGIC)) {
		nw->incomplete = true;
		return 0;
	}
	if (pairmap_has(&nw->seen, st.st_ino, 0))
		return 0;
	pairmap_put(&nw->seen, st.st_ino, 0, 0);
	if (!nw->runner)
		nw->runner = nsrun_new();
	r = nsrun_call(nw->runner, fd, CLONE_NEWNET, nw->fn, nw->arg);
	if (r < 0)
		nw->incomplete = true;
	return 0;
}

static int ns_visit_pid(struct ns_walk *nw, pid_t pid)
{
	char rel[64], path[PATH_MAX];
	struct stat st;
	int fd, r;

	snprintf(rel, sizeof(rel), "/proc/%d/ns/net", (int)pid);
	if (root_path(path, sizeof(path), nw->src->root, rel))
		return 0;
	/* stat first: most processes share a netns already done, and a
	 * stat is cheaper than an open */
	if (stat(path, &st)) {
		/* gone is fine; unreadable means a netns we cannot name */
		if (errno != ENOENT && errno != ESRCH)
			nw->incomplete = true;
		return 0;
	}
	if (pairmap_has(&nw->seen, st.st_ino, 0))
		return 0;
	if (!nw->priv) {
		pairmap_put(&nw->seen, st.st_ino, 0, 0);
		nw->incomplete = true;
		return 0;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT && errno != ESRCH)
			nw->incomplete = true;
		return 0;
	}
	/* ns_visit names it by the opened file, so a reused pid cannot
	 * make us skip a namespace */
	r = ns_visit(nw, fd);
	close(fd);
	return r;
}

/* The process table's pids; when it is empty (a caller that did not read
 * it), every /proc/PID: a netns must not go unchecked for that. */
static int ns_visit_pids(struct ns_walk *nw)
{
	const struct proctab *pt = nw->procs;
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (pt->n) {
		for (size_t i = 0; i < pt->n && !r; i++)
			r = ns_visit_pid(nw, pt->v[i].pid);
		return r;
	}
	if (root_path(path, sizeof(path), nw->src->root, "/proc"))
		return 0;
	d = opendir(path);
	if (!d) {
		nw->incomplete = true;
		return 0;
	}
	while (!r && (de = readdir(d))) {
		uint64_t pid;

		if (parse_u64(de->d_name, &pid) || !pid || pid > INT_MAX)
			continue;
		r = ns_visit_pid(nw, (pid_t)pid);
	}
	closedir(d);
	return r;
}

/* Named namespaces (ip netns add) may have no process in them. */
static int ns_visit_run_netns(struct ns_walk *nw)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (root_path(path, sizeof(path), nw->src->root, "/run/netns"))
		return 0;
	d = opendir(path);
	if (!d) {
		if (errno != ENOENT)
			nw->incomplete = true;
		return 0;
	}
	while (!r && (de = readdir(d))) {
		struct stat st;
		int fd;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		/* a bind-mounted nsfs file looks like a regular file */
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(st.st_mode) ||
		    pairmap_has(&nw->seen, st.st_ino, 0))
			continue;
		if (!nw->priv) {
			nw->incomplete = true;
			continue;
		}
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_CLOEXEC |
			    O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
		if (fd < 0) {
			nw->incomplete = true;
			continue;
		}
		r = ns_visit(nw, fd);
		close(fd);
	}
	closedir(d);
	return r;
}

int netns_foreach_other(const struct source *src,
			const struct proctab *procs, bool privileged,
			netns_fn fn, void *arg, bool *incomplete)
{
	struct ns_walk nw = {
		.src = src, .procs = procs, .fn = fn, .arg = arg,
		.priv = privileged || geteuid() == 0,
	};
	uint64_t own = src->net.ino;
	int r;

	if (!src->syscalls) {
		*incomplete = true;
		return 0;
	}
	if (!own) {
		struct stat st;

		if (stat("/proc/self/ns/net", &st) == 0)
			own = st.st_ino;
	}
	if (own)
		pairmap_put(&nw.seen, own, 0, 0);
	r = ns_visit_pids(&nw);
	if (!r)
		r = ns_visit_run_netns(&nw);
	nsrun_free(nw.runner);
	pairmap_free(&nw.seen);
	if (nw.incomplete)
		*incomplete = true;
	return r;
}
