/* SPDX-License-Identifier: GPL-2.0-or-later */
/* floor - the least work any IPC inventory must do: read each source once. */

/*
 * Usage: floor [-s]
 *
 * One raw pass over every source ipcscan has to read, counting lines and
 * entries and doing nothing else: /proc/sysvipc/{shm,sem,msg},
 * /proc/net/unix, a readdir of /dev/mqueue (when mounted) and of the
 * default socket dirs /run /tmp /var/tmp /dev/shm (depth 4, never following
 * symlinks; /dev/shm is also the POSIX shm dir, read once), and for every
 * process a readdir of /proc/PID/fd with a readlink of each entry and a
 * read of /proc/PID/maps.  With -s it also reads /proc/PID/stat, which an
 * inventory needs for start times but the floor proper leaves out.
 *
 * A correct tool covers every IPC namespace on the host, not only its own,
 * so the floor also pays for finding and reading the others, the way
 * /work/shared/NAMESPACES.md (8 and "Design implications") found cheapest:
 *  - finding them: for every process a stat of /proc/PID/ns/ipc and
 *    /proc/PID/ns/mnt, and of /proc/PID/task, whose link count says whether
 *    there are other threads (then each thread's ns/ipc is stat'ed too);
 *    an fd link of the form "ipc:[...]" also names one (the links are read
 *    anyway).  Each namespace seen for the first time is opened and kept.
 *  - each other IPC namespace: one helper thread setns()es into it, reads
 *    its /proc/sysvipc/{shm,sem,msg}, lists its POSIX queues through a
 *    detached mqueue mount (fsopen + fsmount, no mount namespace change)
 *    and goes back to its own namespace.
 *  - each other mount namespace: a read of its /proc/PID/mountinfo (where
 *    bind-mounted namespaces would be found) and, through /proc/PID/root
 *    with openat2(RESOLVE_IN_ROOT) so container symlinks cannot lead out,
 *    its /run /tmp /var/tmp /dev/shm: each directory whose (dev, inode)
 *    was not walked yet is walked (a container's private /dev/shm tmpfs;
 *    /run and /tmp shared with the host are not walked twice).
 * On a host with one namespace this adds three stats per process.
 *
 * Raw syscalls (openat, getdents64, readlinkat, read) with large static
 * buffers and no allocation, so its time is the kernel's cost of producing
 * the data.  Prints one line of counts.
 */

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define MAX_DEPTH 4
#define MAX_NS 4096
#define MAX_DIRS (4 * MAX_NS)

struct linux_dirent64_hdr {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static char proc_buf[1 << 20];		/* getdents of /proc */
static char fd_buf[1 << 18];		/* getdents of /proc/PID/fd */
static char walk_buf[MAX_DEPTH + 1][1 << 16];
static char read_buf[1 << 20];
static char link_buf[4096];

static unsigned long long n_procs, n_fds, n_links, n_maps, n_stat, n_sysv,
	n_unix, n_entries, n_mountinfo, n_ns_errors;

static const char *const sockdirs[] = {
	"/run", "/tmp", "/var/tmp", "/dev/shm",
};
#define N_SOCKDIRS (sizeof(sockdirs) / sizeof(sockdirs[0]))

/* Namespaces seen, by nsfs inode; ipc ones kept open for the setns pass.
 * Index 0 of each is the floor's own. */
static unsigned long long ipc_ino[MAX_NS], mnt_ino[MAX_NS];
static int ipc_fd[MAX_NS];
static int n_ipc, n_mnt;
/* Directories walked, by (dev, inode). */
static struct { dev_t dev; ino_t ino; } walked[MAX_DIRS];
static int n_walked;

static unsigned long long count_lines(int fd)
{
	unsigned long long n = 0;
	ssize_t r;

	while ((r = read(fd, read_buf, sizeof(read_buf))) > 0) {
		const char *p = read_buf, *end = read_buf + r;

		while ((p = memchr(p, '\n', (size_t)(end - p)))) {
			n++;
			p++;
		}
	}
	return n;
}

static unsigned long long lines_at(int dirfd, const char *path)
{
	unsigned long long n;
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = count_lines(fd);
	close(fd);
	return n;
}

static bool is_dot(const char *s)
{
	return s[0] == '.' && (!s[1] || (s[1] == '.' && !s[2]));
}

/* Count the entries below dirfd; descend into directories on d_type. */
static void walk(int dirfd, int depth)
{
	char *buf = walk_buf[depth];
	long r;

	while ((r = getdents64(dirfd, buf, sizeof(walk_buf[0]))) > 0) {
		for (long off = 0; off < r;) {
			struct linux_dirent64_hdr *d = (void *)(buf + off);
			int sub;

			off += d->d_reclen;
			if (is_dot(d->d_name))
				continue;
			n_entries++;
			if (d->d_type != DT_DIR || depth >= MAX_DEPTH)
				continue;
			sub = openat(dirfd, d->d_name, O_RDONLY | O_DIRECTORY |
				     O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0)
				continue;
			walk(sub, depth + 1);
			close(sub);
		}
	}
}

/* Walk the directory open on fd unless one with its (dev, inode) was
 * walked already; closes fd. */
static void walk_once(int fd)
{
	struct stat st;
	int i;

	if (fstat(fd, &st)) {
		close(fd);
		return;
	}
	for (i = 0; i < n_walked; i++)
		if (walked[i].dev == st.st_dev && walked[i].ino == st.st_ino)
			break;
	if (i == n_walked && n_walked < MAX_DIRS) {
		walked[n_walked].dev = st.st_dev;
		walked[n_walked++].ino = st.st_ino;
		walk(fd, 1);
	}
	close(fd);
}

static void walk_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0)
		walk_once(fd);
}

/* Remember an IPC namespace by inode; open at (dirfd, path) if new. */
static void note_ipc(int dirfd, const char *path, unsigned long long ino)
{
	int fd;

	for (int i = 0; i < n_ipc; i++)
		if (ipc_ino[i] == ino)
			return;
	if (n_ipc == MAX_NS)
		return;
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		n_ns_errors++;
		return;
	}
	ipc_ino[n_ipc] = ino;
	ipc_fd[n_ipc++] = fd;
}

static void stat_ipc(int dirfd, const char *path)
{
	struct stat st;

	if (!fstatat(dirfd, path, &st, 0))
		note_ipc(dirfd, path, st.st_ino);
}

/* A mount namespace seen for the first time (process pid is in it): its
 * mount table and the socket dirs it sees, through its root. */
static void scan_mnt_ns(int procfd, const char *pid)
{
	struct open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	char path[64];
	int root;

	snprintf(path, sizeof(path), "%s/mountinfo", pid);
	n_mountinfo += lines_at(procfd, path);
	snprintf(path, sizeof(path), "%s/root", pid);
	root = openat(procfd, path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		n_ns_errors++;
		return;
	}
	for (size_t i = 0; i < N_SOCKDIRS; i++) {
		int fd = (int)syscall(SYS_openat2, root, sockdirs[i] + 1,
				      &how, sizeof(how));

		if (fd >= 0)
			walk_once(fd);
	}
	close(root);
}

/* The namespaces of process pid (dir "pid/" under procfd). */
static void scan_ns_of(int procfd, const char *pid)
{
	char path[64], tpath[96];
	struct stat st;
	long r;
	int i, tfd;

	snprintf(path, sizeof(path), "%s/ns/ipc", pid);
	stat_ipc(procfd, path);
	snprintf(path, sizeof(path), "%s/ns/mnt", pid);
	if (!fstatat(procfd, path, &st, 0)) {
		for (i = 0; i < n_mnt; i++)
			if (mnt_ino[i] == st.st_ino)
				break;
		if (i == n_mnt && n_mnt < MAX_NS) {
			mnt_ino[n_mnt++] = st.st_ino;
			scan_mnt_ns(procfd, pid);
		}
	}
	/* /proc/PID/task's link count is 2 + its number of threads. */
	snprintf(path, sizeof(path), "%s/task", pid);
	if (fstatat(procfd, path, &st, 0) || st.st_nlink <= 3)
		return;
	tfd = openat(procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (tfd < 0)
		return;
	while ((r = getdents64(tfd, fd_buf, sizeof(fd_buf))) > 0) {
		for (long off = 0; off < r;) {
			struct linux_dirent64_hdr *d = (void *)(fd_buf + off);

			off += d->d_reclen;
			if (d->d_name[0] == '.' || !strcmp(d->d_name, pid))
				continue;
			snprintf(tpath, sizeof(tpath), "%s/ns/ipc", d->d_name);
			stat_ipc(tfd, tpath);
		}
	}
	close(tfd);
}

/* The helper thread: every IPC namespace but the floor's own, entered
 * with setns, its SysV files read and its queues listed; then back. */
static void *other_ipc_ns(void *arg)
{
	int procfd = *(int *)arg;

	for (int i = 1; i < n_ipc; i++) {
		int fs, mnt;

		if (setns(ipc_fd[i], CLONE_NEWIPC)) {
			n_ns_errors++;
			continue;
		}
		n_sysv += lines_at(procfd, "sysvipc/shm") +
			lines_at(procfd, "sysvipc/sem") +
			lines_at(procfd, "sysvipc/msg");
		/* The mqueue instance is the one of the caller's IPC
		 * namespace at fsopen time. */
		fs = fsopen("mqueue", FSOPEN_CLOEXEC);
		if (fs < 0 ||
		    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) ||
		    (mnt = fsmount(fs, FSMOUNT_CLOEXEC, 0)) < 0) {
			n_ns_errors++;
		} else {
			walk(mnt, 1);
			close(mnt);
		}
		if (fs >= 0)
			close(fs);
	}
	if (n_ipc > 1 && setns(ipc_fd[0], CLONE_NEWIPC))
		n_ns_errors++;
	return NULL;
}

static void scan_fds(int procfd, const char *pid)
{
	char path[64];
	size_t len = strlen(pid);
	long r;
	int dfd;

	if (len > sizeof(path) - 8)
		return;
	memcpy(path, pid, len);
	memcpy(path + len, "/fd", 4);
	dfd = openat(procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	while ((r = getdents64(dfd, fd_buf, sizeof(fd_buf))) > 0) {
		for (long off = 0; off < r;) {
			struct linux_dirent64_hdr *d = (void *)(fd_buf + off);

			off += d->d_reclen;
			if (d->d_name[0] == '.')
				continue;
			n_fds++;
			if (readlinkat(dfd, d->d_name, link_buf,
				       sizeof(link_buf)) > 0) {
				n_links++;
				/* A held IPC namespace: "ipc:[INODE]". */
				if (!memcmp(link_buf, "ipc:[", 5))
					stat_ipc(dfd, d->d_name);
			}
		}
	}
	close(dfd);

	memcpy(path + len, "/maps", 6);
	n_maps += lines_at(procfd, path);
}

static void scan_procs(int procfd, bool with_stat)
{
	char path[64];
	long r;

	while ((r = getdents64(procfd, proc_buf, sizeof(proc_buf))) > 0) {
		for (long off = 0; off < r;) {
			struct linux_dirent64_hdr *d = (void *)(proc_buf + off);
			size_t len;

			off += d->d_reclen;
			if (d->d_name[0] < '1' || d->d_name[0] > '9')
				continue;
			n_procs++;
			scan_fds(procfd, d->d_name);
			scan_ns_of(procfd, d->d_name);
			len = strlen(d->d_name);
			if (!with_stat || len > sizeof(path) - 8)
				continue;
			memcpy(path, d->d_name, len);
			memcpy(path + len, "/stat", 6);
			n_stat += lines_at(procfd, path);
		}
	}
}

int main(int argc, char **argv)
{
	bool with_stat = argc > 1 && !strcmp(argv[1], "-s");
	struct stat st;
	pthread_t th;
	int procfd;

	if (argc > 2 || (argc == 2 && !with_stat)) {
		fprintf(stderr, "usage: floor [-s]\n");
		return 2;
	}
	procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0) {
		perror("floor: /proc");
		return 1;
	}
	n_sysv = lines_at(procfd, "sysvipc/shm") +
		lines_at(procfd, "sysvipc/sem") +
		lines_at(procfd, "sysvipc/msg");
	n_unix = lines_at(procfd, "net/unix");
	walk_path("/dev/mqueue");
	for (size_t i = 0; i < N_SOCKDIRS; i++)
		walk_path(sockdirs[i]);
	/* Our own namespaces are read above, through our own paths. */
	stat_ipc(procfd, "thread-self/ns/ipc");
	if (!stat("/proc/self/ns/mnt", &st))
		mnt_ino[n_mnt++] = st.st_ino;
	scan_procs(procfd, with_stat);
	if (n_ipc > 1) {
		if (pthread_create(&th, NULL, other_ipc_ns, &procfd) ||
		    pthread_join(th, NULL))
			n_ns_errors++;
	}
	close(procfd);

	printf("procs=%llu fds=%llu links=%llu maps_lines=%llu "
	       "stat_lines=%llu sysv_lines=%llu unix_lines=%llu "
	       "dir_entries=%llu ipc_ns_seen=%d mnt_ns_seen=%d "
	       "mountinfo_lines=%llu ns_errors=%llu\n", n_procs, n_fds,
	       n_links, n_maps, n_stat, n_sysv, n_unix, n_entries, n_ipc,
	       n_mnt, n_mountinfo, n_ns_errors);
	return 0;
}
