/* SPDX-License-Identifier: GPL-2.0-or-later */
/* holders_bpf.h - what the holder iterators and user space exchange. */
#ifndef IPCSCAN_BPF_HOLDERS_H
#define IPCSCAN_BPF_HOLDERS_H

/*
 * Shared by src/bpf/holders.bpf.c (with vmlinux.h types) and
 * src/holders_bpf.c (with <linux/types.h>): fixed-size fields only, laid
 * out without holes, so both compilers agree on every offset.
 */

/* How a task holds what it holds. */
enum hb_how {
	HB_FD = 1,	/* an open file descriptor */
	HB_MAP,		/* a mapping of a file */
	HB_ATTACH,	/* a mapping of a SysV segment */
	HB_WAIT,	/* blocked in semop/semtimedop/msgrcv/msgsnd */
	HB_MORE,	/* not a match: this task's fd table goes on from fd
			 * b, in a read of the task alone (resume_fd) */
};

/* Which match set the key is from. */
enum hb_set {
	HB_SET_FILE = 1,	/* (dev, ino) */
	HB_SET_SOCK,		/* socket inode */
	HB_SET_SHM,		/* (ipcns, shmid) */
	HB_SET_SEM,		/* (ipcns, semid) */
	HB_SET_MSG,		/* (ipcns, msqid) */
	HB_SET_NS,		/* not a match: an nsfs fd of a namespace
				 * not in nsknown (a: its CLONE_NEW* type,
				 * b: its inode), for discovery (scan.h
				 * ns_tasked) */
};

/* Key of the files map: the superblock's s_dev in the kernel's own
 * encoding (major << 20 | minor) and the inode number. */
struct hb_file_key {
	__u32 dev;
	__u32 pad;
	__u64 ino;
};

/* Key of the SysV map: the IPC namespace (0 when user space could not
 * tell its own: then every namespace counts), the id and which set. */
struct hb_sysv_key {
	__u64 ipcns;
	__u32 id;
	__u32 set;
};

/* Key of the nsknown map: a namespace by its inode number and its type
 * (CLONE_NEWIPC, CLONE_NEWNS...). */
struct hb_ns_key {
	__u64 ino;
	__u32 type;
	__u32 pad;
};

/* One match, written to the iterator's seq file. */
struct hb_rec {
	__u32 tgid;	/* in the reader's pid namespace */
	__u32 tid;	/* the task the program ran on, same namespace */
	__u32 how;	/* enum hb_how */
	__u32 set;	/* enum hb_set */
	__u64 a;	/* file: dev; sysv: the task's IPC namespace */
	__u64 b;	/* file: ino; sock: inode; sysv: id */
	__u32 sysv_key;	/* attach: the key in the segment's SYSV name */
	__u32 flags;	/* HB_F_* */
	__u64 seg_ns;	/* attach: the segment's own IPC namespace, or 0 */
};

/* Records one visit of the task iterator writes at most: the seq file
 * holds 32 KiB for one object (the marker record comes on top). */
#define HB_BUDGET	512

/* Steps of eight fd numbers one visit walks at most (bpf_loop's limit is
 * 1 << 23). */
#define HB_LOOP_MAX	(1u << 22)

/* The Bloom filter of file devices: bit (dev * HB_BLOOM_MUL) >> 58. */
#define HB_BLOOM_MUL	0x9E3779B97F4A7C15ull

#define HB_F_KEY	1u	/* sysv_key was read from the name */
#define HB_F_LEADER	2u	/* tid == tgid */

/* Counters the programs keep in .bss, for the stats and the tests. */
struct hb_counts {
	__u64 fds, vmas, tasks;
	__u64 emitted;
	__u64 overflow;	/* records the seq file refused (written again) */
	__u64 nopid;	/* matches of tasks the reader's pid ns cannot name */
};

#endif
