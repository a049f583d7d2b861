/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netns.c - every other network namespace, entered in a throwaway child. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/magic.h>

#include "fsutil.h"
#include "hash.h"
#include "netns.h"
#include "parse.h"

/* Exit codes of the child, to tell the parent why it failed. */
#define CHILD_EPERM 2
#define CHILD_FAILED 3

struct netns_out {
	int fd;
	size_t n;
	uint64_t rec[256][2];
};

/* The child's buffer: static so the child needs no heap and little stack;
 * the parent never touches it. */
static struct netns_out child_out;

static int out_flush(struct netns_out *out)
{
	ssize_t r = write_full(out->fd, out->rec,
			       out->n * sizeof(out->rec[0]));

	out->n = 0;
	return r < 0 ? (int)r : 0;
}

int netns_emit(struct netns_out *out, uint64_t a, uint64_t b)
{
	out->rec[out->n][0] = a;
	out->rec[out->n][1] = b;
	if (++out->n == sizeof(out->rec) / sizeof(out->rec[0]))
		return out_flush(out);
	return 0;
}

/* Read the records a child sends until EOF. */
static int read_records(int fd, netns_rec_fn rec, void *arg)
{
	uint64_t r2[2];
	char buf[4096];
	size_t have = 0;
	int err = 0;

	for (;;) {
		ssize_t n = read(fd, buf + have, sizeof(buf) - have);
		size_t off = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err ? err : -errno;
		if (n == 0)
			break;
		have += (size_t)n;
		for (; have - off >= sizeof(r2); off += sizeof(r2)) {
			memcpy(r2, buf + off, sizeof(r2));
			if (!err)
				err = rec(r2[0], r2[1], arg);
		}
		memmove(buf, buf + off, have - off);
		have -= off;
	}
	if (err)
		return err;
	return have ? -EIO : 0;	/* a torn record: the child died */
}

/* setns() only ever happens in a process that is thrown away: the caller
 * stays in its own namespace whatever goes wrong. */
static int run_in_netns(int nsfd, netns_child_fn child, void *carg,
			netns_rec_fn rec, void *rarg)
{
	int pfd[2], status, err;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(pfd[0]);
		close(pfd[1]);
		return err;
	}
	if (pid == 0) {
		close(pfd[0]);
		if (setns(nsfd, CLONE_NEWNET))
			_exit(errno == EPERM ? CHILD_EPERM : CHILD_FAILED);
		child_out.fd = pfd[1];
		child_out.n = 0;
		if (child(&child_out, carg) || out_flush(&child_out))
			_exit(CHILD_FAILED);
		_exit(0);
	}
	close(pfd[1]);
	err = read_records(pfd[0], rec, rarg);
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return err ? err : -errno;
	if (err)
		return err;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return WIFEXITED(status) && WEXITSTATUS(status) == CHILD_EPERM ?
			-EPERM : -EIO;
	return 0;
}

struct ns_walk {
	const struct source *src;
	const struct proctab *procs;
	netns_child_fn child;
	void *carg;
	netns_rec_fn rec;
	void *rarg;
	struct pairmap seen;	/* (netns inode, 0) */
	bool priv;
	bool incomplete;
};

/* An opened namespace file: run the child in it unless already done.
 * Returns 0 or a fatal -errno from the record callback. */
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
	r = run_in_netns(fd, nw->child, nw->carg, nw->rec, nw->rarg);
	if (r == -ENOMEM)
		return r;
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
			netns_child_fn child, void *carg, netns_rec_fn rec,
			void *rarg, bool *incomplete)
{
	struct ns_walk nw = {
		.src = src, .procs = procs, .child = child, .carg = carg,
		.rec = rec, .rarg = rarg,
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
	pairmap_free(&nw.seen);
	if (nw.incomplete)
		*incomplete = true;
	return r;
}
