/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsdisc_dump - print what namespace discovery finds, one line each, for the tests. */

/*
 * Usage: nsdisc_dump [--no-mq-check] [--time N]
 *
 * Lines (fields separated by single spaces, paths escaped as in
 * sb_put_escaped: never a space or a newline inside a field):
 *
 *   ns TYPE INO via=task,fd,bind tasks=N pid=P tid=T holder=P/T
 *      initial=0|1 fd_pid=P bind=MNTNS:TID:PATH mq_dev=MAJ:MIN fdok=0|1
 *   mqorphan MAJ:MIN mounts=N mntns=INO tid=T path=PATH fd=0|1 queues=N
 *   summary ns=N tasks=N procs=N readers=N tasks_denied=N
 *      tasks_unverified=N fdtabs_denied=N mntns_unread=N
 *      mntns_taskless=N binds_unreached=N ipcns_unchecked=N
 *      lines_skipped=N truncated=0|1 mq_rule=checked|partial|untold|caller
 *      init=ipc:RULE,mnt:RULE,net:RULE,cgroup:RULE complete=0|1
 *
 * fdok says the namespace's descriptor is still that namespace (fstat),
 * queues counts the entries read through an orphan mount's descriptor.
 * With --time N discovery runs N times more and a last line
 * "time runs=N best_us=B median_us=M" follows. Exit 0, or 1 if discovery
 * failed.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "nsdisc.h"
#include "strbuf.h"
#include "utf8.h"

static const char *path_text(struct strbuf *sb, const char *s)
{
	sb->len = 0;
	sb_puts(sb, "");
	for (; *s; s++) {
		/* a space would split the field */
		if (*s == ' ')
			sb_puts(sb, "\\x20");
		else {
			char c[2] = { *s, 0 };

			sb_put_escaped(sb, c);
		}
	}
	return sb->buf;
}

static unsigned count_entries(int pathfd)
{
	struct dirwalk w;
	_Alignas(8) char buf[4096];
	unsigned n = 0;
	int fd, err = 0;

	fd = openat(pathfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	dir_start(&w, fd, buf, sizeof(buf));
	while (dir_next(&w, &err))
		n++;
	close(fd);
	return n;
}

static const char *init_name(enum nsd_init_rule r)
{
	switch (r) {
	case NSD_INIT_STATIC: return "static";
	case NSD_INIT_PID1: return "pid1";
	case NSD_INIT_SELF: return "self";
	default: return "none";
	}
}

static void dump(const struct nsd_result *res)
{
	static const char *const rules[] = {
		[NSD_MQ_CHECKED] = "checked", [NSD_MQ_PARTIAL] = "partial",
		[NSD_MQ_UNTOLD] = "untold", [NSD_MQ_CALLER] = "caller",
	};
	struct strbuf sb = { 0 };

	for (size_t i = 0; i < res->n; i++) {
		const struct nsd_ns *ns = &res->ns[i];
		struct stat st;
		bool ok = !fstat(ns->fd, &st) && st.st_ino == ns->ino &&
			st.st_dev == ns->dev;

		printf("ns %s %llu via=%s%s%s tasks=%u pid=%d tid=%d "
		       "holder=%d/%d initial=%d fd_pid=%d ",
		       nsd_type_name(ns->type), (unsigned long long)ns->ino,
		       ns->via & NSD_VIA_TASK ? "task," : "",
		       ns->via & NSD_VIA_FD ? "fd," : "",
		       ns->via & NSD_VIA_BIND ? "bind," : "",
		       ns->ntasks, (int)ns->pid, (int)ns->tid,
		       (int)ns->holder_pid, (int)ns->holder_tid,
		       ns->initial, (int)ns->fd_pid);
		if (ns->bind_path)
			printf("bind=%llu:%d:%s ",
			       (unsigned long long)ns->bind_mntns,
			       (int)ns->bind_tid, path_text(&sb, ns->bind_path));
		else
			printf("bind=- ");
		printf("mq_dev=%u:%u fdok=%d\n", major(ns->mq_dev),
		       minor(ns->mq_dev), ok);
	}
	for (size_t i = 0; i < res->nmq; i++) {
		const struct nsd_mq_orphan *o = &res->mq[i];

		printf("mqorphan %u:%u mounts=%u mntns=%llu tid=%d path=%s "
		       "fd=%d queues=%u\n", major(o->dev), minor(o->dev),
		       o->nmounts, (unsigned long long)o->mntns, (int)o->tid,
		       path_text(&sb, o->path), o->fd >= 0,
		       o->fd >= 0 ? count_entries(o->fd) : 0);
	}
	printf("summary ns=%zu tasks=%u procs=%u readers=%u tasks_denied=%u "
	       "tasks_unverified=%u fdtabs_denied=%u mntns_unread=%u "
	       "mntns_taskless=%u binds_unreached=%u ipcns_unchecked=%u "
	       "lines_skipped=%u truncated=%d mq_rule=%s "
	       "init=ipc:%s,mnt:%s,net:%s,cgroup:%s complete=%d\n",
	       res->n, res->ntasks, res->nprocs, res->nreaders,
	       res->tasks_denied, res->tasks_unverified, res->fdtabs_denied,
	       res->mntns_unread, res->mntns_taskless, res->binds_unreached,
	       res->ipcns_unchecked, res->lines_skipped, res->truncated,
	       rules[res->mq_rule], init_name(res->init_rule[NSD_IPC]),
	       init_name(res->init_rule[NSD_MNT]),
	       init_name(res->init_rule[NSD_NET]),
	       init_name(res->init_rule[NSD_CGROUP]), nsd_complete(res));
	sb_free(&sb);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct nsd_opts opts = { 0 };
	struct nsd_result res;
	struct rlimit rl;
	unsigned long runs = 0;
	int r;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--no-mq-check")) {
			opts.no_mq_check = true;
		} else if (!strcmp(argv[i], "--time") && i + 1 < argc) {
			runs = strtoul(argv[++i], NULL, 10);
		} else {
			fprintf(stderr, "usage: nsdisc_dump [--no-mq-check] "
				"[--time N]\n");
			return 2;
		}
	}
	/* one descriptor per namespace: as the header asks of callers */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	r = nsd_discover(&opts, &res);
	if (r) {
		fprintf(stderr, "nsdisc_dump: discovery failed: %s\n",
			strerror(-r));
		return 1;
	}
	dump(&res);
	nsd_result_free(&res);
	if (runs) {
		uint64_t *us = calloc(runs, sizeof(*us));

		if (!us)
			return 1;
		for (unsigned long k = 0; k < runs; k++) {
			struct timespec a, b;

			clock_gettime(CLOCK_MONOTONIC, &a);
			r = nsd_discover(&opts, &res);
			clock_gettime(CLOCK_MONOTONIC, &b);
			if (r)
				return 1;
			nsd_result_free(&res);
			us[k] = (uint64_t)(b.tv_sec - a.tv_sec) * 1000000 +
				(uint64_t)(b.tv_nsec - a.tv_nsec) / 1000;
		}
		qsort(us, runs, sizeof(*us), cmp_u64);
		printf("time runs=%lu best_us=%llu median_us=%llu\n", runs,
		       (unsigned long long)us[0],
		       (unsigned long long)us[runs / 2]);
		free(us);
	}
	return 0;
}
