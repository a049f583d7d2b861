/* SPDX-License-Identifier: GPL-2.0-or-later */
/* workload - populate a private IPC namespace with holders and objects. */

/*
 * Usage: workload -P PROCS -F FDS -n PER_KIND [-N NAMESPACES [-f]]
 *                 -H HOST_IPCNS_INODE
 *
 * Meant to run inside fresh IPC, mount, network and pid namespaces with
 * private tmpfs on /dev/shm, /tmp and /run and mqueue on /dev/mqueue
 * (tests/bench/run sets these up).  It refuses to run when its IPC
 * namespace is the one whose inode is given with -H (the host's), so it
 * can never fill or tear down the host's objects.
 *
 * It creates PER_KIND objects of each of nine groups: SysV shm, sem, msg,
 * POSIX shm, named semaphores, message queues, socketpairs, path sockets
 * and FIFOs.  Half of each group is held by PROCS holder processes (shm
 * attached, sem/msg last operated on, POSIX shm open and mapped, named
 * semaphores mapped, queues open, socketpairs and listeners open, FIFOs
 * open); the other half was created and used by short-lived processes
 * that exited (so: orphans, stale socket files, FIFOs nobody has open).
 * Socketpairs have no orphan form, so that group is PER_KIND/2 pairs.
 * Each holder then fills its descriptor table up to FDS open descriptors
 * with a pipe, a regular file and duplicates of /dev/null, so the fd
 * count and the object count can be varied independently.
 *
 * With -N K it also starts K namespace processes, each of which enters
 * a new IPC and mount namespace (unshare), mounts its own private tmpfs on
 * /dev/shm and mqueue on /dev/mqueue, and makes two SysV segments (one
 * attached), a semaphore set and a SysV queue (last operated on by it) and
 * two /dev/shm files (one open and mapped), then stays alive: a host with
 * K small containers.  -f (flat) makes the same K processes and objects
 * without any unshare or mount, all in the workload's own namespaces, so
 * the two populations differ only in how many namespaces hold them.
 * PROCS and PER_KIND may be 0 when -N is given.
 *
 * When everything exists it prints one "ready ..." line on stdout and
 * waits for SIGTERM, SIGINT or SIGHUP; then it kills the holders, removes
 * every object it created and exits 0.  Errors: a line on stderr, exit 1.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

enum group {
	G_SHM, G_SEM, G_MSG, G_PSHM, G_PSEM, G_MQ, G_PAIR, G_SOCK, G_FIFO,
	G_COUNT
};

/* Orphans are made in batches, one short-lived process per batch, so
 * the dead creators are many distinct pids as on a real host. */
#define ORPHAN_BATCH 64
#define OBJ_SIZE 4096
#define KEY_BASE 0x42000000
#define SOCK_SUBDIRS 8
#define CAP_SYS_RESOURCE_BIT 24	/* linux/capability.h */
#define QMAX "/proc/sys/fs/mqueue/queues_max"
/* Objects of each namespace process: shm, shm, sem, msg, file, file. */
#define NS_OBJS 6
#define NS_KEY_BASE (KEY_BASE + (G_COUNT << 20))

static int nprocs, nfds, per_kind, nns;
static bool flat;
static int group_n[G_COUNT];	/* objects per group (queues may be capped) */
static pid_t *holders;		/* holders, then namespace processes */

static void die(const char *what)
{
	fprintf(stderr, "workload: %s: %s\n", what, strerror(errno));
	exit(1);
}

static bool parse_int(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > INT_MAX)
		return false;
	*out = (int)v;
	return true;
}

/* Index i of group g: live objects are 0..live-1, orphans live..n-1. */
static int live_count(int g)
{
	return group_n[g] / 2;
}

static key_t sysv_key(enum group g, int i)
{
	return (key_t)(KEY_BASE + ((int)g << 20) + i);
}

static void posix_name(char *buf, size_t len, enum group g, int i)
{
	static const char *const pfx[] = {
		[G_PSHM] = "pshm", [G_PSEM] = "psem", [G_MQ] = "mq",
	};

	snprintf(buf, len, "/bench.%s.%d", pfx[g], i);
}

/* Path sockets and FIFOs are spread over /run and /tmp subdirectories,
 * one and two levels deep, so a socket-dir walker has real work. */
static void file_path(char *buf, size_t len, enum group g, int i)
{
	const char *top = (i & 1) ? "/tmp/bench" : "/run/bench";

	if (g == G_SOCK)
		snprintf(buf, len, "%s/d%d/s%d.sock", top,
			 i % SOCK_SUBDIRS, i);
	else
		snprintf(buf, len, "%s/d%d/f/f%d.fifo", top,
			 i % SOCK_SUBDIRS, i);
}

static int make_dirs(void)
{
	static const char *const tops[] = { "/run/bench", "/tmp/bench" };
	char p[PATH_MAX];

	for (size_t t = 0; t < 2; t++) {
		if (mkdir(tops[t], 0755) && errno != EEXIST)
			return -1;
		for (int d = 0; d < SOCK_SUBDIRS; d++) {
			snprintf(p, sizeof(p), "%s/d%d", tops[t], d);
			if (mkdir(p, 0755) && errno != EEXIST)
				return -1;
			snprintf(p, sizeof(p), "%s/d%d/f", tops[t], d);
			if (mkdir(p, 0755) && errno != EEXIST)
				return -1;
		}
	}
	return 0;
}

static int bind_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 4)) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/*
 * Create object i of group g.  keep: the calling process stays alive and
 * holds it (fds and mappings are deliberately leaked into the process);
 * otherwise it is used and let go, and the caller exits soon after.
 */
static int make_object(enum group g, int i, bool keep)
{
	char name[PATH_MAX];
	struct sembuf op = { .sem_num = 0, .sem_op = 1, .sem_flg = 0 };
	struct { long mtype; char mtext[16]; } msg = { 1, "bench" };
	struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 64 };
	int id, fd, sv[2];
	void *p;
	sem_t *s;
	mqd_t q;

	switch (g) {
	case G_SHM:
		id = shmget(sysv_key(g, i), OBJ_SIZE, IPC_CREAT | IPC_EXCL | 0600);
		if (id < 0 || (p = shmat(id, NULL, 0)) == (void *)-1)
			return -1;
		*(volatile char *)p = 1;
		if (!keep && shmdt(p))
			return -1;
		return 0;
	case G_SEM:
		id = semget(sysv_key(g, i), 1, IPC_CREAT | IPC_EXCL | 0600);
		if (id < 0 || semop(id, &op, 1))
			return -1;
		return 0;
	case G_MSG:
		id = msgget(sysv_key(g, i), IPC_CREAT | IPC_EXCL | 0600);
		if (id < 0 || msgsnd(id, &msg, sizeof(msg.mtext), IPC_NOWAIT))
			return -1;
		return 0;
	case G_PSHM:
		posix_name(name, sizeof(name), g, i);
		fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
		if (fd < 0 || ftruncate(fd, OBJ_SIZE))
			return -1;
		if (!keep)
			return close(fd);
		p = mmap(NULL, OBJ_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			 fd, 0);
		if (p == MAP_FAILED)
			return -1;
		*(volatile char *)p = 1;
		return 0;
	case G_PSEM:
		posix_name(name, sizeof(name), g, i);
		s = sem_open(name, O_CREAT | O_EXCL, 0600, 1);
		if (s == SEM_FAILED)
			return -1;
		return keep ? 0 : sem_close(s);
	case G_MQ:
		posix_name(name, sizeof(name), g, i);
		q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
		if (q == (mqd_t)-1)
			return -1;
		return keep ? 0 : mq_close(q);
	case G_PAIR:
		return socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	case G_SOCK:
		file_path(name, sizeof(name), g, i);
		fd = bind_unix(name);
		if (fd < 0)
			return -1;
		return keep ? 0 : close(fd);
	case G_FIFO:
		file_path(name, sizeof(name), g, i);
		if (mkfifo(name, 0600))
			return -1;
		if (!keep)
			return 0;
		/* O_RDWR on a FIFO does not block waiting for a peer. */
		return open(name, O_RDWR) < 0 ? -1 : 0;
	default:
		errno = EINVAL;
		return -1;
	}
}

static const char *const group_name[G_COUNT] = {
	"shm", "sem", "msg", "pshm", "psem", "mqueue", "socketpair",
	"pathsock", "fifo",
};

/* Tell the parent (one 'E' byte) and stderr why this child gives up. */
static void child_fail(int ready_fd, const char *what, int i)
{
	fprintf(stderr, "workload: %s #%d: %s\n", what, i, strerror(errno));
	if (write(ready_fd, "E", 1) < 0)
		_exit(1);
	_exit(1);
}

static void child_setup(int ready_fd)
{
	int devnull;

	/* Never outlive the workload, even if it is killed. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	devnull = open("/dev/null", O_RDWR);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0)
		_exit(1);
	/* Keep stderr (for error lines) and the ready pipe: move the pipe
	 * to fd 3 and drop everything else inherited. */
	if (ready_fd != 3 && dup2(ready_fd, 3) < 0)
		_exit(1);
	close_range(4, ~0U, 0);
}

/* A holder owns the live objects whose running index is h modulo P. */
static void holder_main(int h, int ready_fd)
{
	int idx = 0, fd, pfd[2];

	child_setup(ready_fd);
	ready_fd = 3;
	for (int g = 0; g < G_COUNT; g++) {
		for (int i = 0; i < live_count(g); i++, idx++) {
			if (idx % nprocs != h)
				continue;
			if (make_object((enum group)g, i, true))
				child_fail(ready_fd, group_name[g], i);
		}
	}
	/* Ordinary descriptors every process has: a pipe, a file, and
	 * /dev/null, up to nfds open in total (fd 3 closes below). */
	if (pipe(pfd))
		child_fail(ready_fd, "pipe in holder", h);
	fd = open("/run/bench/data", O_RDONLY);
	if (fd < 0)
		child_fail(ready_fd, "open /run/bench/data in holder", h);
	for (;;) {
		int n = dup(0);

		if (n < 0)
			child_fail(ready_fd, "dup in holder", h);
		if (n >= nfds) {
			close(n);
			break;
		}
	}
	if (write(ready_fd, "R", 1) != 1)
		_exit(1);
	/* Reuse the ready pipe's slot so exactly nfds stay open. */
	if (dup2(0, ready_fd) < 0)
		_exit(1);
	for (;;)
		pause();
}

/* Make orphans [first, first+count) of the running orphan index and exit:
 * the objects outlive their creator. */
static void orphan_main(int first, int count, int ready_fd)
{
	int idx = 0;

	child_setup(ready_fd);
	ready_fd = 3;
	for (int g = 0; g < G_COUNT; g++) {
		if (g == G_PAIR)
			continue;
		for (int i = live_count(g); i < group_n[g]; i++, idx++) {
			if (idx < first || idx >= first + count)
				continue;
			if (make_object((enum group)g, i, false))
				child_fail(ready_fd, group_name[g], i);
		}
	}
	if (write(ready_fd, "R", 1) != 1)
		_exit(1);
	_exit(0);
}

static key_t ns_key(int k, int j)
{
	return (key_t)(NS_KEY_BASE + k * 4 + j);
}

static void ns_file_name(char *buf, size_t len, int k, int j)
{
	snprintf(buf, len, "/bench.ns%d.%d", k, j);
}

/*
 * Namespace process k: unless flat, a new IPC and mount namespace with its
 * own /dev/shm tmpfs and mqueue mount, as a container runtime makes them;
 * then its objects, which it holds (segment 0 attached, the semaphore and
 * the queue last touched by it, file 0 open and mapped) or not (segment 1,
 * file 1), until it is killed.  In its own namespace the keys could be
 * anything; they differ per k so the flat twin can use the same ones.
 */
static void ns_main(int k, int ready_fd)
{
	struct sembuf op = { .sem_num = 0, .sem_op = 1, .sem_flg = 0 };
	struct { long mtype; char mtext[16]; } msg = { 1, "bench" };
	char name[64];
	int id, fd;
	void *p;

	child_setup(ready_fd);
	ready_fd = 3;
	if (!flat) {
		if (unshare(CLONE_NEWIPC | CLONE_NEWNS))
			child_fail(ready_fd, "unshare in ns process", k);
		/* Our mounts must not reach the bench's namespace. */
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			child_fail(ready_fd, "make / private in ns process", k);
		if (mount("tmpfs", "/dev/shm", "tmpfs",
			  MS_NOSUID | MS_NODEV, "mode=1777,size=1m"))
			child_fail(ready_fd, "mount /dev/shm in ns process", k);
		if (mount("mqueue", "/dev/mqueue", "mqueue",
			  MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
			child_fail(ready_fd, "mount mqueue in ns process", k);
	}
	for (int j = 0; j < 2; j++) {
		id = shmget(ns_key(k, j), OBJ_SIZE,
			    IPC_CREAT | IPC_EXCL | 0600);
		if (id < 0)
			child_fail(ready_fd, "shmget in ns process", k);
		if (j == 0) {
			p = shmat(id, NULL, 0);
			if (p == (void *)-1)
				child_fail(ready_fd, "shmat in ns process", k);
			*(volatile char *)p = 1;
		}
	}
	id = semget(ns_key(k, 2), 1, IPC_CREAT | IPC_EXCL | 0600);
	if (id < 0 || semop(id, &op, 1))
		child_fail(ready_fd, "sem in ns process", k);
	id = msgget(ns_key(k, 3), IPC_CREAT | IPC_EXCL | 0600);
	if (id < 0 || msgsnd(id, &msg, sizeof(msg.mtext), IPC_NOWAIT))
		child_fail(ready_fd, "msg in ns process", k);
	for (int j = 0; j < 2; j++) {
		ns_file_name(name, sizeof(name), k, j);
		fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
		if (fd < 0 || ftruncate(fd, OBJ_SIZE))
			child_fail(ready_fd, "shm_open in ns process", k);
		if (j == 1) {
			close(fd);
			continue;
		}
		p = mmap(NULL, OBJ_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			 fd, 0);
		if (p == MAP_FAILED)
			child_fail(ready_fd, "mmap in ns process", k);
		*(volatile char *)p = 1;
	}
	if (write(ready_fd, "R", 1) != 1)
		_exit(1);
	close(ready_fd);
	for (;;)
		pause();
}

static void write_sysctl(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");

	/* Best effort: as root in a new IPC namespace these are writable;
	 * if not, creating objects fails later with a clear error. */
	if (!f)
		return;
	fputs(val, f);
	if (fclose(f))
		fprintf(stderr, "workload: cannot set %s: %s\n", path,
			strerror(errno));
}

static int read_sysctl(const char *path)
{
	char buf[64];
	FILE *f = fopen(path, "r");
	int v = -1;

	if (f && fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = 0;
		if (!parse_int(buf, &v))
			v = -1;
	}
	if (f)
		fclose(f);
	return v;
}

static bool has_sys_resource(void)
{
	char line[256];
	unsigned long long caps = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "CapEff:", 7)) {
			caps = strtoull(line + 7, NULL, 16);
			break;
		}
	}
	fclose(f);
	return caps & (1ULL << CAP_SYS_RESOURCE_BIT);
}

static void raise_limits(void)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	char buf[128];
	int need = per_kind + 64;

	/* Queues are small (about 150 bytes each against the per-user
	 * budget, default 800 KiB); lift the budget if we may
	 * (CAP_SYS_RESOURCE), else live with it. */
	setrlimit(RLIMIT_MSGQUEUE, &rl);
	if (getrlimit(RLIMIT_NOFILE, &rl))
		die("getrlimit(RLIMIT_NOFILE)");
	if (rl.rlim_cur < (rlim_t)nfds + 64) {
		rl.rlim_cur = (rlim_t)nfds + 64;
		if (rl.rlim_max < rl.rlim_cur)
			rl.rlim_max = rl.rlim_cur;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			die("setrlimit(RLIMIT_NOFILE)");
	}
	if (need > 32000)
		need = 32000;
	snprintf(buf, sizeof(buf), "%d\n", need > 4096 ? need : 4096);
	write_sysctl("/proc/sys/kernel/shmmni", buf);
	snprintf(buf, sizeof(buf), "%d\n", need > 32000 ? need : 32000);
	write_sysctl("/proc/sys/kernel/msgmni", buf);
	snprintf(buf, sizeof(buf), "250 %d 32 %d\n", need * 250, need);
	write_sysctl("/proc/sys/kernel/sem", buf);
	snprintf(buf, sizeof(buf), "%d\n", need);
	if (read_sysctl(QMAX) < need) {
		write_sysctl(QMAX, need > 1024 && !has_sys_resource() ?
			     "1024\n" : buf);
	}

	for (int g = 0; g < G_COUNT; g++)
		group_n[g] = per_kind;
	/* Without CAP_SYS_RESOURCE queues_max is the ceiling, and the
	 * sysctl itself stops at 1024 (HARD_QUEUESMAX). */
	if (!has_sys_resource()) {
		int qmax = read_sysctl(QMAX);

		if (qmax >= 0 && qmax < group_n[G_MQ]) {
			fprintf(stderr, "workload: queues_max is %d: making "
				"%d message queues, not %d\n", qmax, qmax,
				group_n[G_MQ]);
			group_n[G_MQ] = qmax;
		}
	}
}

static void teardown(void)
{
	char name[PATH_MAX];
	int id;

	for (int h = 0; h < nprocs + nns; h++)
		if (holders[h] > 0)
			kill(holders[h], SIGKILL);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	/* A namespace's objects went with its last process; the flat
	 * twin's are ours to remove. */
	for (int k = 0; flat && k < nns; k++) {
		for (int j = 0; j < 2; j++) {
			if ((id = shmget(ns_key(k, j), 0, 0)) >= 0)
				shmctl(id, IPC_RMID, NULL);
			ns_file_name(name, sizeof(name), k, j);
			shm_unlink(name);
		}
		if ((id = semget(ns_key(k, 2), 0, 0)) >= 0)
			semctl(id, 0, IPC_RMID);
		if ((id = msgget(ns_key(k, 3), 0)) >= 0)
			msgctl(id, IPC_RMID, NULL);
	}
	for (int i = 0; i < per_kind; i++) {
		if ((id = shmget(sysv_key(G_SHM, i), 0, 0)) >= 0)
			shmctl(id, IPC_RMID, NULL);
		if ((id = semget(sysv_key(G_SEM, i), 0, 0)) >= 0)
			semctl(id, 0, IPC_RMID);
		if ((id = msgget(sysv_key(G_MSG, i), 0)) >= 0)
			msgctl(id, IPC_RMID, NULL);
		posix_name(name, sizeof(name), G_PSHM, i);
		shm_unlink(name);
		posix_name(name, sizeof(name), G_PSEM, i);
		sem_unlink(name);
		posix_name(name, sizeof(name), G_MQ, i);
		mq_unlink(name);
		file_path(name, sizeof(name), G_SOCK, i);
		unlink(name);
		file_path(name, sizeof(name), G_FIFO, i);
		unlink(name);
	}
	unlink("/run/bench/data");
	for (int t = 0; t < 2; t++) {
		const char *top = t ? "/tmp/bench" : "/run/bench";

		for (int d = 0; d < SOCK_SUBDIRS; d++) {
			snprintf(name, sizeof(name), "%s/d%d/f", top, d);
			rmdir(name);
			snprintf(name, sizeof(name), "%s/d%d", top, d);
			rmdir(name);
		}
		rmdir(top);
	}
}

/* Wait for n one-byte reports; false if any child failed. */
static bool collect(int rfd, int n)
{
	bool ok = true;
	char c;

	while (n > 0) {
		ssize_t r = read(rfd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r != 1)
			return false;	/* every writer died without a word */
		if (c != 'R')
			ok = false;
		n--;
	}
	return ok;
}

static void usage(void)
{
	fprintf(stderr, "usage: workload -P PROCS -F FDS -n PER_KIND "
		"[-N NAMESPACES [-f]] -H HOST_IPCNS_INODE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long long host_ns = 0;
	struct stat st;
	sigset_t set;
	char *end;
	int opt, sig, pfd[2], norphans, nobjs, nbatches, nheld = 0, fd;
	bool ok;

	while ((opt = getopt(argc, argv, "P:F:n:N:fH:")) != -1) {
		switch (opt) {
		case 'P':
			if (!parse_int(optarg, &nprocs))
				usage();
			break;
		case 'F':
			if (!parse_int(optarg, &nfds))
				usage();
			break;
		case 'n':
			if (!parse_int(optarg, &per_kind))
				usage();
			break;
		case 'N':
			if (!parse_int(optarg, &nns) || nns > 100000)
				usage();
			break;
		case 'f':
			flat = true;
			break;
		case 'H':
			errno = 0;
			host_ns = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end)
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind != argc || nfds < 8 || !host_ns || (flat && !nns) ||
	    (!nns && (nprocs < 1 || per_kind < 2)) ||
	    (per_kind == 1 || (per_kind && !nprocs)))
		usage();
	if (stat("/proc/self/ns/ipc", &st))
		die("stat /proc/self/ns/ipc");
	if ((unsigned long long)st.st_ino == host_ns) {
		fprintf(stderr, "workload: refusing to run in the host's IPC "
			"namespace\n");
		return 1;
	}
	holders = calloc((size_t)nprocs + (size_t)nns + 1, sizeof(*holders));
	if (!holders)
		die("calloc");

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise_limits();
	if (make_dirs())
		die("mkdir /run/bench, /tmp/bench");
	fd = open("/run/bench/data", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "bench\n", 6) != 6 || close(fd))
		die("/run/bench/data");
	/* Orphans first, so their creators' pids are long gone (and not
	 * reused) by the time anyone looks.  Each phase has its own pipe,
	 * closed here after the forks, so a child that dies without a word
	 * ends the wait instead of hanging it. */
	norphans = 0;
	nobjs = 2 * live_count(G_PAIR);
	for (int g = 0; g < G_COUNT; g++) {
		if (g == G_PAIR)
			continue;
		norphans += group_n[g] - live_count(g);
		nobjs += group_n[g];
	}
	nbatches = (norphans + ORPHAN_BATCH - 1) / ORPHAN_BATCH;
	if (pipe(pfd))
		die("pipe");
	for (int b = 0; b < nbatches; b++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			close(pfd[0]);
			orphan_main(b * ORPHAN_BATCH, ORPHAN_BATCH, pfd[1]);
		}
	}
	close(pfd[1]);
	ok = collect(pfd[0], nbatches);
	close(pfd[0]);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	if (ok && pipe(pfd))
		die("pipe");
	for (int h = 0; ok && h < nprocs; h++) {
		pid_t pid = fork();

		if (pid < 0) {
			fprintf(stderr, "workload: fork: %s\n",
				strerror(errno));
			ok = false;
			break;
		}
		if (pid == 0) {
			close(pfd[0]);
			holder_main(h, pfd[1]);
		}
		holders[h] = pid;
		nheld++;
	}
	if (nheld) {
		close(pfd[1]);
		ok = collect(pfd[0], nheld) && ok;
		close(pfd[0]);
	}
	/* Namespace processes last; they count as holders for teardown. */
	if (ok && nns && pipe(pfd))
		die("pipe");
	for (int k = 0, started = 0; ok && k < nns; k++) {
		pid_t pid = fork();

		if (pid < 0) {
			fprintf(stderr, "workload: fork: %s\n",
				strerror(errno));
			ok = false;
		} else if (pid == 0) {
			close(pfd[0]);
			ns_main(k, pfd[1]);
		} else {
			holders[nprocs + k] = pid;
			started++;
		}
		if (k == nns - 1 || !ok) {
			close(pfd[1]);
			ok = collect(pfd[0], started) && ok;
			close(pfd[0]);
		}
	}
	if (!ok) {
		fprintf(stderr, "workload: setup failed, tearing down\n");
		teardown();
		return 1;
	}
	/* Counted as ipcscan counts: each end of a socketpair is one
	 * live unix socket. */
	/* ipc_ns: the IPC namespaces the objects are in, ours included.
	 * Of a namespace process's objects, /dev/shm file 1 is the one
	 * nobody holds (segment 1's creator is alive). */
	nobjs += NS_OBJS * nns;
	norphans += nns;
	printf("ready pid=%d holders=%d fds_per_holder=%d per_kind=%d "
	       "ns_procs=%d ipc_ns=%d objects=%d live=%d orphans=%d\n",
	       (int)getpid(), nprocs, nfds, per_kind, nns,
	       flat ? 1 : nns + 1, nobjs, nobjs - norphans, norphans);
	fflush(stdout);

	do {
		if (sigwait(&set, &sig))
			die("sigwait");
	} while (sig != SIGTERM && sig != SIGINT && sig != SIGHUP);
	teardown();
	printf("torn down\n");
	return 0;
}
