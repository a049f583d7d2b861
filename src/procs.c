/* SPDX-License-Identifier: GPL-2.0-or-later */
/* procs.c - the process table: pid, euid, comm, start time, state, threads
 * (libproc2). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libproc2/pids.h>

#include "fsutil.h"
#include "parse.h"
#include "procs.h"
#include "util.h"

/*
 * PIDS_VAL() takes (rel, type, stack, info) in procps-ng 4.0.2 and
 * (rel, type, stack) from 4.0.5 on, and the headers carry no version macro
 * to tell them apart. Both expand to the same member access, so spell that
 * out once here instead of calling either form.
 */
#define PROC_VAL(rel, type, stack) ((stack)->head[(rel)].result.type)

/* Positions in the item array below; PROC_VAL indexes by position. */
enum { I_TGID, I_EUID, I_CMD, I_BEGAN, I_NLWP, I_STATE, I_COUNT };

static int cmp_proc(const void *a, const void *b)
{
	const struct proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

int parse_proc_stat(const char *line, struct proc_stat *out)
{
	const char *open, *close, *p;
	uint64_t ticks = 0, threads = 0;
	char state = 0;
	size_t n;
	int field;

	/* comm may hold spaces and parentheses of its own: it runs from
	 * the first '(' to the last ')'. */
	open = strchr(line, '(');
	close = strrchr(line, ')');
	if (!open || !close || close < open)
		return -EINVAL;

	/* Field 3 (state) follows ")"; num_threads is field 20, the start
	 * time field 22. */
	p = close + 1;
	for (field = 3; ; field++) {
		const char *tok;
		size_t len;

		while (is_blank(*p))
			p++;
		if (!*p)
			return -EINVAL;
		tok = p;
		while (*p && !is_blank(*p))
			p++;
		len = (size_t)(p - tok);
		if (field == 3) {
			/* one letter: R S D Z T t X I ... */
			if (len != 1 || !((*tok >= 'A' && *tok <= 'Z') ||
					  (*tok >= 'a' && *tok <= 'z')))
				return -EINVAL;
			state = *tok;
		} else if (field == 20) {
			if (parse_u64n(tok, len, &threads) ||
			    threads > UINT32_MAX)
				return -EINVAL;
		} else if (field == 22) {
			if (parse_u64n(tok, len, &ticks))
				return -EINVAL;
			break;
		}
	}

	n = (size_t)(close - open - 1);
	if (n > 15)
		n = 15;
	memcpy(out->comm, open + 1, n);
	out->comm[n] = '\0';
	out->state = state;
	out->num_threads = (unsigned)threads;
	out->start_ticks = ticks;
	return 0;
}

uint64_t proc_ns_ino(const char *link, size_t len, enum nsd_type want)
{
	enum nsd_type type;
	uint64_t ino;

	if (nsd_parse_link(link, len, &type, &ino) || type != want)
		return 0;
	return ino;
}

/* Boot time (seconds since the epoch) from @root/proc/stat. */
static int read_btime(const char *root, time_t *btime)
{
	char path[4096], *buf, *line;
	ssize_t len;
	int r = -EINVAL;

	if (root_path(path, sizeof(path), root, "/proc/stat"))
		return -ENAMETOOLONG;
	len = read_file(path, &buf);
	if (len < 0)
		return (int)len;
	for (line = buf; line && *line; ) {
		char *nl = strchr(line, '\n');
		size_t ll = nl ? (size_t)(nl - line) : strlen(line);
		uint64_t v;

		if (ll > 6 && !strncmp(line, "btime ", 6)) {
			if (!parse_u64n(line + 6, ll - 6, &v) &&
			    v <= INT64_MAX) {
				*btime = (time_t)v;
				r = 0;
			}
			break;
		}
		line = nl ? nl + 1 : NULL;
	}
	free(buf);
	return r;
}

static time_t start_of(time_t btime, unsigned long long ticks, long hz)
{
	return btime + (time_t)(ticks / (unsigned long long)hz);
}

static void tab_push(struct proctab *pt, size_t *cap, const struct proc *p)
{
	if (pt->n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		pt->v = xrealloc(pt->v, *cap * sizeof(*pt->v));
	}
	pt->v[pt->n++] = *p;
}

/*
 * Only items libproc2 takes from /proc/PID/stat (and the stat() of
 * /proc/PID it does anyway, which gives EUID): one more item that lives
 * in status, such as the real uid, would add a file read per process.
 */
static int read_live(struct proctab *pt, time_t btime, long hz)
{
	enum pids_item items[I_COUNT] = {
		[I_TGID] = PIDS_ID_TGID,
		[I_EUID] = PIDS_ID_EUID,
		[I_CMD] = PIDS_CMD,
		[I_BEGAN] = PIDS_TICS_BEGAN,
		[I_NLWP] = PIDS_NLWP,
		[I_STATE] = PIDS_STATE,
	};
	struct pids_info *info = NULL;
	struct pids_fetch *f;
	size_t cap = 0;
	int r;

	r = procps_pids_new(&info, items, I_COUNT);
	if (r < 0)
		return r;
	errno = 0;
	f = procps_pids_reap(info, PIDS_FETCH_TASKS_ONLY);
	if (!f) {
		r = errno ? -errno : -EIO;
		procps_pids_unref(&info);
		return r;
	}
	/* Stacks die with the next reap or unref: copy out what we keep. */
	for (int i = 0; i < f->counts->total; i++) {
		struct pids_stack *s = f->stacks[i];
		const char *cmd = PROC_VAL(I_CMD, str, s);
		struct proc p = { .inspected = true };
		int nlwp = PROC_VAL(I_NLWP, s_int, s);

		p.pid = PROC_VAL(I_TGID, s_int, s);
		p.nlwp = nlwp > 0 ? (unsigned)nlwp : 0;
		p.state = PROC_VAL(I_STATE, s_ch, s);
		p.euid = PROC_VAL(I_EUID, u_int, s);
		p.start_ticks = PROC_VAL(I_BEGAN, ull_int, s);
		p.start = start_of(btime, p.start_ticks, hz);
		if (cmd) {
			strncpy(p.comm, cmd, sizeof(p.comm) - 1);
			p.comm[sizeof(p.comm) - 1] = '\0';
		}
		if (p.pid > 0)
			tab_push(pt, &cap, &p);
	}
	procps_pids_unref(&info);
	return 0;
}

/* Effective uid: the second value of the "Uid:" line of a status file. */
static int parse_status_euid(const char *buf, uid_t *euid)
{
	const char *line = buf;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		const char *end = nl ? nl : line + strlen(line);

		if (!strncmp(line, "Uid:", 4)) {
			const char *p = line + 4, *tok = p;
			uint64_t v;

			for (int f = 0; f < 2; f++) {
				while (p < end && (*p == ' ' || *p == '\t'))
					p++;
				tok = p;
				while (p < end && *p != ' ' && *p != '\t')
					p++;
			}
			if (parse_u64n(tok, (size_t)(p - tok), &v) ||
			    v > UINT32_MAX)
				return -EINVAL;
			*euid = (uid_t)v;
			return 0;
		}
		line = nl ? nl + 1 : NULL;
	}
	return -EINVAL;
}

/* One fixture process; returns false if it should be left out. */
static bool read_fixture_proc(int procfd, const char *name, time_t btime,
			      long hz, struct proc *p, unsigned *unparsable)
{
	char rel[64], *buf;
	struct proc_stat st;
	uint64_t pid;
	ssize_t n;
	int r;

	if (parse_u64(name, &pid) || pid == 0 || pid > INT32_MAX)
		return false;
	snprintf(rel, sizeof(rel), "%llu/stat", (unsigned long long)pid);
	n = read_file_at(procfd, rel, &buf);
	if (n == -ENOENT || n == -ESRCH)
		return false;	/* exited meanwhile */
	r = n < 0 ? (int)n : parse_proc_stat(buf, &st);
	if (n >= 0)
		free(buf);
	p->pid = (pid_t)pid;
	if (r) {
		/* It exists: it may be the creator of something. Keep it with
		 * an unknown start, which pid_alive_at counts as alive. */
		snprintf(p->comm, sizeof(p->comm), "?");
		p->start = 0;
		p->start_ticks = 0;
		(*unparsable)++;
	} else {
		/* state and threads as libproc2 gives them on a live system,
		 * so zombies are judged alike in both */
		memcpy(p->comm, st.comm, sizeof(p->comm));
		p->state = st.state;
		p->nlwp = st.num_threads;
		p->start_ticks = st.start_ticks;
		p->start = start_of(btime, st.start_ticks, hz);
	}
	p->inspected = true;
	/* No status: keep the process (it may still hold things) with an
	 * euid that matches no user. */
	p->euid = (uid_t)-1;
	snprintf(rel, sizeof(rel), "%llu/status", (unsigned long long)pid);
	if (read_file_at(procfd, rel, &buf) >= 0) {
		if (parse_status_euid(buf, &p->euid))
			p->euid = (uid_t)-1;
		free(buf);
	}
	return true;
}

static int read_fixture(const char *root, struct proctab *pt, time_t btime,
			long hz)
{
	char path[4096];
	struct dirent *de;
	size_t cap = 0;
	DIR *d;

	if (root_path(path, sizeof(path), root, "/proc"))
		return -ENAMETOOLONG;
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct proc p = { 0 };

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		if (read_fixture_proc(dirfd(d), de->d_name, btime, hz, &p,
				      &pt->unparsable))
			tab_push(pt, &cap, &p);
	}
	closedir(d);
	return 0;
}

/*
 * Each process's IPC, mount and network namespace, by readlink of its
 * /proc/PID/ns links (no stat: following an ns link costs more, and the
 * text has the inode). The links need ptrace read access, so without
 * root other users' processes keep 0. Only the leader's links are read:
 * a thread that unshared its own namespace is not seen here (namespace
 * discovery walks the threads).
 */
static uint64_t ns_link(int procfd, pid_t pid, const char *name,
			enum nsd_type type)
{
	char rel[48], link[64];
	ssize_t n;

	snprintf(rel, sizeof(rel), "%d/ns/%s", (int)pid, name);
	n = readlinkat(procfd, rel, link, sizeof(link));
	if (n <= 0 || (size_t)n >= sizeof(link))
		return 0;
	return proc_ns_ino(link, (size_t)n, type);
}

static void read_ns(const char *root, struct proctab *pt)
{
	char path[4096];
	int dfd;

	if (root_path(path, sizeof(path), root, "/proc"))
		return;
	dfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	for (size_t i = 0; i < pt->n; i++) {
		struct proc *p = &pt->v[i];

		p->ipcns = ns_link(dfd, p->pid, "ipc", NSD_IPC);
		p->mntns = ns_link(dfd, p->pid, "mnt", NSD_MNT);
		p->netns = ns_link(dfd, p->pid, "net", NSD_NET);
	}
	close(dfd);
}

/*
 * Is @root/proc mounted with hidepid= (other users' processes unlisted)?
 * Read from our own mountinfo: the last proc mount on /proc wins. When
 * in doubt (unreadable), say yes: it only makes evidence incomplete.
 */
static bool proc_hidepid(const char *root)
{
	char path[4096], *buf, *line, *next;
	bool hidden = false;
	ssize_t n;

	if (root_path(path, sizeof(path), root, "/proc/self/mountinfo"))
		return true;
	n = read_file(path, &buf);
	if (n < 0)
		return true;
	for (line = buf; line && *line; line = next) {
		char *f[6], *sep, *opts;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		/* id parent maj:min root mountpoint ... - fstype source opts */
		sep = strstr(line, " - ");
		if (!sep || split_fields(line, f, 5) < 5)
			continue;
		if (strcmp(f[4], "/proc") || strncmp(sep + 3, "proc ", 5))
			continue;
		opts = strrchr(sep + 3, ' ');
		hidden = opts && (strstr(opts, "hidepid=") &&
				  !strstr(opts, "hidepid=0") &&
				  !strstr(opts, "hidepid=off"));
	}
	free(buf);
	return hidden;
}

int proctab_read(const char *root, struct proctab *pt)
{
	long hz = sysconf(_SC_CLK_TCK);
	time_t btime;
	int r;

	memset(pt, 0, sizeof(*pt));
	if (!root)
		root = "";
	if (hz <= 0)
		hz = 100;
	r = read_btime(root, &btime);
	if (r)
		return r;
	r = *root ? read_fixture(root, pt, btime, hz)
		  : read_live(pt, btime, hz);
	if (r) {
		proctab_free(pt);
		return r;
	}
	qsort(pt->v, pt->n, sizeof(*pt->v), cmp_proc);
	read_ns(root, pt);
	pt->hidden = geteuid() != 0 && proc_hidepid(root);
	return 0;
}

void proctab_free(struct proctab *pt)
{
	if (!pt)
		return;
	free(pt->v);
	memset(pt, 0, sizeof(*pt));
}

struct proc *proctab_find(const struct proctab *pt, pid_t pid)
{
	size_t lo = 0, hi;

	if (!pt || !pt->v)
		return NULL;
	hi = pt->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pt->v[mid].pid == pid)
			return &pt->v[mid];
		if (pt->v[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool proc_exited(const struct proc *p)
{
	/* A leader that called pthread_exit() shows Z too while its other
	 * threads run: then num_threads counts them. Unknown (0): alive. */
	return (p->state == 'Z' || p->state == 'X') && p->nlwp == 1;
}

bool pid_alive_at(const struct proctab *pt, pid_t pid, time_t t)
{
	const struct proc *p;

	if (pid <= 0)
		return false;
	p = proctab_find(pt, pid);
	if (!p || proc_exited(p))
		return false;
	/* No recorded time, or no known start: presence is all we can go
	 * on, and presence counts as alive. */
	if (t == 0 || p->start == 0)
		return true;
	return p->start <= t + 1;
}
