/* SPDX-License-Identifier: GPL-2.0-or-later */
/* procs.h - the process table (the only libproc2 user). */
#ifndef IPCSCAN_PROCS_H
#define IPCSCAN_PROCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "nsdisc.h"

struct proc {
	pid_t pid;
	uid_t euid;
	time_t start;		/* start time, seconds since the epoch (floor) */
	/* the same in clock ticks since boot (stat field 22), exact: what
	 * saferoot checks a pid against before opening its root; 0 when
	 * unknown */
	unsigned long long start_ticks;
	char comm[16];
	unsigned nlwp;		/* threads; 0 = unknown (walk task/ anyway) */
	char state;		/* stat state letter (R, S, D, ...); 0 = unknown */
	bool inspected;		/* fd and maps could both be read */
	/* Its IPC, mount and network namespaces: inode numbers from the
	 * /proc/PID/ns links, 0 when unreadable (a zombie, another user's
	 * process without root, a fixture that has none). A number only
	 * names a namespace while something holds it: compare these with
	 * the inodes of namespaces held open (struct nsref), not with each
	 * other across scans. */
	uint64_t ipcns, mntns, netns;
};

struct proctab {
	struct proc *v;		/* sorted by pid */
	size_t n;
	unsigned uninspected;	/* processes whose fd/maps could not be read */
	unsigned unparsable;	/* kept with an unknown start: stat unreadable */
	bool hidden;		/* /proc has hidepid= and we are not root:
				 * other users' processes are not even listed */
};

/* Read every process (tasks only) below @root/proc. Live system only uses
 * libproc2; a fixture root reads @root/proc/PID/stat directly.
 * Returns 0 or -errno. */
int proctab_read(const char *root, struct proctab *pt);
void proctab_free(struct proctab *pt);
struct proc *proctab_find(const struct proctab *pt, pid_t pid);

/* Has @p exited? A zombie (state Z, or X) with one thread has: nothing it
 * recorded is alive. A Z leader whose other threads still run (nlwp > 1,
 * its main thread called pthread_exit) is alive, and so is a process whose
 * thread count is unknown (nlwp 0). */
bool proc_exited(const struct proc *p);

/* Is @pid a live process that did not start after @t (the kernel's record
 * of that pid's action)? One second of tolerance covers the rounding of
 * boot time and start ticks: a process that started within a second after
 * @t still counts as alive, so a doubtful reading never makes an orphan.
 * A process that exited (proc_exited: an unreaped zombie) is dead. */
bool pid_alive_at(const struct proctab *pt, pid_t pid, time_t t);

/* The fields we use out of a /proc/PID/stat line. */
struct proc_stat {
	char comm[16];		/* truncated to 15 bytes, NUL-terminated */
	char state;		/* field 3: one letter */
	unsigned num_threads;	/* field 20 */
	unsigned long long start_ticks;	/* field 22 */
};

/* Parse a /proc/PID/stat line. Returns 0 or -EINVAL (a state that is not
 * one letter, a thread count or start time that is not a number); on
 * failure *out is left alone. */
int parse_proc_stat(const char *line, struct proc_stat *out);

/* The inode of a namespace link's text (@len bytes, "ipc:[4026531839]"),
 * if it is one of type @want; 0 for anything else. */
uint64_t proc_ns_ino(const char *link, size_t len, enum nsd_type want);

#endif
