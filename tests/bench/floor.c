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
 * Raw syscalls (openat, getdents64, readlinkat, read) with large static
 * buffers and no allocation, so its time is the kernel's cost of producing
 * the data.  Prints one line of counts.
 */

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_DEPTH 4

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
	n_unix, n_entries;

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

static void walk_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return;
	walk(fd, 1);
	close(fd);
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
				       sizeof(link_buf)) > 0)
				n_links++;
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
	static const char *const sockdirs[] = {
		"/run", "/tmp", "/var/tmp", "/dev/shm",
	};
	bool with_stat = argc > 1 && !strcmp(argv[1], "-s");
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
	for (size_t i = 0; i < sizeof(sockdirs) / sizeof(sockdirs[0]); i++)
		walk_path(sockdirs[i]);
	scan_procs(procfd, with_stat);
	close(procfd);

	printf("procs=%llu fds=%llu links=%llu maps_lines=%llu "
	       "stat_lines=%llu sysv_lines=%llu unix_lines=%llu "
	       "dir_entries=%llu\n", n_procs, n_fds, n_links, n_maps, n_stat,
	       n_sysv, n_unix, n_entries);
	return 0;
}
