// SPDX-License-Identifier: GPL-2.0-or-later
/* holders.bpf.c - the holder pass in the kernel: fds, mappings, waits. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "holders_bpf.h"

char LICENSE[] SEC("license") = "GPL";

/*
 * Two iterators, each read once per pass by ipcscan (holders_bpf.c): task
 * (every thread: its blocked SysV call, and for the threads whose fd table
 * the /proc pass reads, that table, walked here without taking a
 * reference per file) and task_vma (every address space). Each compares
 * what it visits with the match sets user space filled and writes a struct
 * hb_rec for a match only. The kernel runs one program at a time for one
 * reader, so the .bss state below needs no locking as long as user space
 * reads one iterator at a time (it does).
 */

#define PF_EXITING	0x00000004
#define PF_KTHREAD	0x00200000
#define SOCKFS_MAGIC	0x534F434B
#define TMPFS_MAGIC	0x01021994
#define HUGETLBFS_MAGIC	0x958458f6
#define NSFS_MAGIC	0x6e736673

/* Sized by user space before load (bpf_map__set_max_entries). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, struct hb_file_key);
	__type(value, __u8);
} files SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u64);
	__type(value, __u8);
} socks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, struct hb_sysv_key);
	__type(value, __u8);
} sysv SEC(".maps");

/* The namespaces an nsfs descriptor may name without news for
 * discovery (the ones it found a task in). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, struct hb_ns_key);
	__type(value, __u8);
} nsknown SEC(".maps");

/* Syscall numbers of the running architecture, from user space's
 * <sys/syscall.h>; -1 where it has none. */
const volatile long nr_semop = -1;
const volatile long nr_semtimedop = -1;
const volatile long nr_msgsnd = -1;
const volatile long nr_msgrcv = -1;

/* Set per pass by user space: whether any key of a set is loaded, so a
 * visit skips the lookups that cannot match; sysv_any_ns when our own
 * IPC namespace is unknown (every namespace then counts as ours, as in
 * the /proc pass). */
__u32 have_files, have_socks, have_shm, have_waits, sysv_any_ns;

/* Set per pass by user space: sockfs's s_dev (0: not known, then the
 * superblock's magic says what a socket is), and a one-word Bloom filter
 * of the devices of the file keys (bit hb_dev_bit(dev)): a file on any
 * other device is no match, and most fds cost no lookup. */
__u32 sock_dev;
__u64 dev_bloom;

/* Set per pass by user space: have_ns when the fd walk also reports the
 * nsfs descriptors of namespaces of the types in ns_types (CLONE_NEW*
 * bits) that are not in nsknown; nsfs's s_dev (0: not known, then the
 * superblock's magic says). */
__u32 have_ns, ns_dev, ns_types;

/* Set per pass by user space: the file types (bit mode >> 12) a match
 * can have, those of the file objects and of sockets. */
__u32 file_types;

/* A read that goes on with one task's fd table from fd resume_fd (the
 * last read stopped there with an HB_MORE record): no waits, no checks
 * of whose table it is, those were made. */
__u32 resuming, resume_fd;

struct hb_counts counts;

/* The last mapping matched (consecutive mappings of one file are one
 * holder); reset by user space before each pass. */
__u32 last_tgid;
__u64 last_dev, last_ino;

/* One task's records, written to the seq file at once (the whole of
 * what one visit writes must fit in it: HB_BUDGET records and a marker,
 * within the 32 KiB bpf_seq_read gives one object). */
struct hb_rec pend[HB_BUDGET + 1];

/* Where a namespace's type is: ns_common.ns_type since Linux 6.18, the
 * type of its proc_ns_operations before (both CLONE_NEW* flags). Local
 * shapes, so that this compiles against either kernel's vmlinux.h. */
struct ns_common___new {
	__u32 ns_type;
} __attribute__((preserve_access_index));

struct proc_ns_operations___old {
	int type;
} __attribute__((preserve_access_index));

struct ns_common___old {
	const struct proc_ns_operations___old *ops;
} __attribute__((preserve_access_index));

static __always_inline __u32 dev_bit(__u32 dev)
{
	return (__u32)(((__u64)dev * HB_BLOOM_MUL) >> 58);
}

/* The reader's pid namespace: level and pointer, from the current task
 * (the iterator numbers tasks in the namespace of whoever reads it). */
static __always_inline int reader_pidns(unsigned int *level, void **ns)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	struct pid *p = cur->thread_pid;
	struct upid up;
	unsigned int lvl;

	if (!p)
		return -1;
	lvl = p->level;
	if (lvl > 32)
		return -1;
	if (bpf_probe_read_kernel(&up, sizeof(up), (void *)p +
				  bpf_core_field_offset(struct pid, numbers) +
				  lvl * sizeof(struct upid)))
		return -1;
	*level = lvl;
	*ns = up.ns;
	return 0;
}

/* The number of @p in the namespace at @level, which must be @ns; 0 if
 * it has none there. */
static __always_inline __u32 pid_in(struct pid *p, unsigned int level,
				    void *ns)
{
	struct upid up;

	if (!p || BPF_CORE_READ(p, level) < level)
		return 0;
	if (bpf_probe_read_kernel(&up, sizeof(up), (void *)p +
				  bpf_core_field_offset(struct pid, numbers) +
				  level * sizeof(struct upid)))
		return 0;
	return up.ns == ns && up.nr > 0 ? (__u32)up.nr : 0;
}

/* Our numbers of @t and its thread group: 0 when either has none. */
static __always_inline int task_ids(struct task_struct *t, __u32 *tgid,
				    __u32 *tid)
{
	unsigned int level;
	void *ns;

	if (reader_pidns(&level, &ns))
		return -1;
	*tgid = pid_in(t->group_leader->thread_pid, level, ns);
	*tid = pid_in(t->thread_pid, level, ns);
	if (!*tgid || !*tid) {
		counts.nopid++;
		return -1;
	}
	return 0;
}

static __always_inline __u64 task_ipcns(struct task_struct *t)
{
	struct nsproxy *nsp = t->nsproxy;

	/* an exiting task has let go of its namespaces (after its files
	 * and memory, so nothing it holds is lost here) */
	if (!nsp || !nsp->ipc_ns)
		return 0;
	return nsp->ipc_ns->ns.inum;
}

/* Fill the pids of @r from @t and write it. Returns 0 when written, -1
 * when the seq file is full (the kernel runs this object again). */
static __always_inline int emit(struct seq_file *seq, struct task_struct *t,
				struct hb_rec *r)
{
	if (task_ids(t, &r->tgid, &r->tid))
		return 0;
	if (r->tgid == r->tid)
		r->flags |= HB_F_LEADER;
	if (bpf_seq_write(seq, r, sizeof(*r))) {
		counts.overflow++;
		return -1;
	}
	counts.emitted++;
	return 0;
}

/* The walk of one fd table, one bpf_loop step per eight descriptor
 * numbers (a byte of the open_fds bitmap; a table has room for a
 * multiple of 64). Its state is in .bss rather than on the stack: the
 * verifier then knows none of its values and checks fd_step() once, not
 * once per count of records a visit could have reached. */
struct {
	__u64 fds;		/* struct file ** of the table */
	__u64 open;		/* its open_fds bitmap */
	__u32 from;		/* the first fd number walked */
	__u32 n;		/* records in pend[] */
	__u32 stop;		/* fd to go on from (more set) */
	__u32 more;
} wk;

/* The task being visited, in the reader's pid namespace. */
__u32 cur_tgid, cur_tid;

/* Record @n of pend[], for the task being visited. A global function,
 * checked once by the verifier. */
__noinline int put(__u32 n, __u32 how, __u32 set, __u64 a, __u64 b)
{
	struct hb_rec *r;

	if (n >= HB_BUDGET + 1)
		return -1;
	r = &pend[n];
	r->tgid = cur_tgid;
	r->tid = cur_tid;
	r->how = how;
	r->set = set;
	r->a = a;
	r->b = b;
	r->sysv_key = 0;
	r->flags = cur_tgid == cur_tid ? HB_F_LEADER : 0;
	r->seg_ns = 0;
	return 0;
}

/* What fd_match() found. */
struct {
	__u32 set, dev;
	__u64 ino;
} fm;

/* The nsfs inode @inode (number @ino): 1 when it names a namespace of a
 * type asked that is not in nsknown (then in fm). nsfs keeps the
 * namespace in i_private. */
static __always_inline int ns_match(struct inode *inode, __u64 ino)
{
	struct hb_ns_key k = { .ino = ino };
	void *ns = BPF_CORE_READ(inode, i_private);

	if (!ns)
		return 0;
	if (bpf_core_field_exists(struct ns_common___new, ns_type)) {
		k.type = BPF_CORE_READ((struct ns_common___new *)ns, ns_type);
	} else if (bpf_core_field_exists(struct proc_ns_operations___old,
					 type)) {
		const struct proc_ns_operations___old *ops =
			BPF_CORE_READ((struct ns_common___old *)ns, ops);

		if (!ops)
			return 0;
		k.type = (__u32)BPF_CORE_READ(ops, type);
	} else {
		/* no type to tell: every such fd is news */
		k.type = 0;
	}
	if ((k.type && !(k.type & ns_types)) ||
	    (k.type && bpf_map_lookup_elem(&nsknown, &k)))
		return 0;
	fm.set = HB_SET_NS;
	fm.dev = k.type;
	fm.ino = ino;
	return 1;
}

/*
 * One open fd, the struct file at @fp: 1 when it is a match (then in
 * fm). A global function, so the verifier checks it once, not at each
 * of the eight places fd_step() calls it.
 */
__noinline int fd_match(__u64 fp)
{
	struct file *f = (struct file *)fp;
	__u32 om = bpf_core_field_offset(struct inode, i_mode);
	__u32 os = bpf_core_field_offset(struct inode, i_sb);
	__u32 oi = bpf_core_field_offset(struct inode, i_ino);
	struct super_block *sb;
	struct inode *inode;
	__u64 head[9], ino;
	__u16 mode;
	__u32 d;

	counts.fds++;
	inode = BPF_CORE_READ(f, f_inode);
	if (!inode)
		return 0;
	/* mode, superblock and inode number in one read where they lie
	 * in the inode's first 72 bytes (they do, since Linux 2.6) */
	if (om + 2 <= 8 && os / 8 < 9 && oi / 8 < 9 && !(os & 7) &&
	    !(oi & 7)) {
		if (bpf_probe_read_kernel(head, sizeof(head), inode))
			return 0;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		mode = (__u16)(head[0] >> (om * 8));
#else
		mode = (__u16)(head[0] >> (48 - om * 8));
#endif
		sb = (struct super_block *)head[os / 8];
		ino = head[oi / 8];
	} else {
		mode = BPF_CORE_READ(inode, i_mode);
		sb = BPF_CORE_READ(inode, i_sb);
		ino = BPF_CORE_READ(inode, i_ino);
	}
	/* a character device, a directory, an anonymous inode...: no
	 * object is one (user space says which types can be) */
	if (!((file_types >> ((mode >> 12) & 15)) & 1) || !sb)
		return 0;
	d = BPF_CORE_READ(sb, s_dev);
	if (have_ns && (ns_dev ? d == ns_dev :
		       BPF_CORE_READ(sb, s_magic) == NSFS_MAGIC))
		return ns_match(inode, ino);
	if (sock_dev ? d == sock_dev :
		       BPF_CORE_READ(sb, s_magic) == SOCKFS_MAGIC) {
		/* the /proc pass reads these as socket:[INODE] */
		if (!have_socks || !bpf_map_lookup_elem(&socks, &ino))
			return 0;
		fm.set = HB_SET_SOCK;
		fm.dev = 0;
		fm.ino = ino;
		return 1;
	} else {
		struct hb_file_key k = { .dev = d, .ino = ino };

		if (!have_files || !((dev_bloom >> dev_bit(d)) & 1) ||
		    !bpf_map_lookup_elem(&files, &k))
			return 0;
		fm.set = HB_SET_FILE;
		fm.dev = d;
		fm.ino = ino;
		return 1;
	}
}

static long fd_step(__u32 i, void *unused)
{
	__u32 g = wk.from / 8 + i;
	__u64 ptr[8];
	__u8 bits;

	if (bpf_probe_read_kernel(&bits, 1, (void *)(wk.open + g)))
		return 1;
	if (!bits)
		return 0;
	if (bpf_probe_read_kernel(ptr, sizeof(ptr), (void *)(wk.fds + g * 64)))
		return 1;
	for (int j = 0; j < 8; j++) {
		__u32 fd = g * 8 + j, n;

		if (!((bits >> j) & 1) || fd < wk.from || !ptr[j])
			continue;
		if (!fd_match(ptr[j]))
			continue;
		n = wk.n;
		if (n >= HB_BUDGET) {
			/* no room in this visit: the next read goes on here */
			wk.stop = fd;
			wk.more = 1;
			return 1;
		}
		put(n, HB_FD, fm.set, fm.dev, fm.ino);
		wk.n = n + 1;
	}
	return 0;
}

/*
 * A thread blocked in a SysV call, from the registers it saved on entry,
 * which /proc/PID/syscall reads too. Only a task that is not running and
 * not exiting is looked at; its saved registers stay put until it runs,
 * and a read of them cannot fault the kernel (they are read through
 * bpf_task_pt_regs, as BTF memory the verifier guards). A task that wakes
 * meanwhile was blocked in that call an instant ago, just as a line of
 * /proc/PID/syscall read an instant before. The call works in the
 * thread's own IPC namespace (which may not be its leader's): that is
 * the one recorded. Returns 1 (and fills @r) for a match.
 */
static __always_inline int task_wait(struct task_struct *task)
{
	struct hb_sysv_key k = {};
	struct pt_regs *regs;
	__u64 id, ns;
	long nr;

	if ((task->flags & PF_KTHREAD) || task->exit_state || !task->mm ||
	    task->__state == 0)
		return 0;
	regs = (struct pt_regs *)bpf_task_pt_regs(task);
	if (!regs)
		return 0;
#if defined(__TARGET_ARCH_x86)
	nr = (long)BPF_CORE_READ(regs, orig_ax);
	id = BPF_CORE_READ(regs, di);
#elif defined(__TARGET_ARCH_arm64)
	nr = (long)BPF_CORE_READ(regs, syscallno);
	id = BPF_CORE_READ(regs, orig_x0);
#else
#error "task_wait: no saved-register layout for this architecture"
#endif
	if (nr < 0)
		return 0;
	if (nr == nr_semop || nr == nr_semtimedop)
		k.set = HB_SET_SEM;
	else if (nr == nr_msgsnd || nr == nr_msgrcv)
		k.set = HB_SET_MSG;
	else
		return 0;
	if (id > 0x7fffffff)
		return 0;
	ns = task_ipcns(task);
	k.ipcns = sysv_any_ns ? 0 : ns;
	k.id = (__u32)id;
	if (!bpf_map_lookup_elem(&sysv, &k))
		return 0;
	put(0, HB_WAIT, k.set, ns, id);
	return 1;
}

/*
 * Whose fd table the /proc pass reads: the main thread's (/proc/PID/fd),
 * or, once it has exited and let go of it, every other thread's
 * (/proc/PID/task/TID/fd). A task on its way out is skipped: its table
 * may be freed under us (the /proc pass would find it gone as well).
 */
static __always_inline struct files_struct *fd_table(struct task_struct *t)
{
	struct task_struct *leader = t->group_leader;

	if (t->flags & PF_EXITING)
		return NULL;
	/* ipcscan's own (the reader's): it holds no object, and the
	 * namespaces it keeps open are no news to discovery */
	if (t->tgid == (pid_t)(bpf_get_current_pid_tgid() >> 32))
		return NULL;
	if (t != leader && leader->files)
		return NULL;
	return t->files;
}

SEC("iter/task")
int hb_tasks(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct files_struct *files;
	struct fdtable *fdt;
	__u32 max, n;
	__u64 len;
	int noid;

	if (!task)
		return 0;
	wk.n = wk.more = wk.stop = wk.from = 0;
	/* a task the reader's pid namespace cannot name has no record */
	noid = task_ids(task, &cur_tgid, &cur_tid);
	if (!resuming) {
		counts.tasks++;
		if (noid)
			return 0;
		if (have_waits && task_wait(task))
			wk.n = 1;
		if (!have_files && !have_socks && !have_ns)
			goto out;
		files = fd_table(task);
	} else {
		if (noid)
			return 0;
		files = task->flags & PF_EXITING ? NULL : task->files;
		wk.from = resume_fd;
	}
	if (!files)
		goto out;
	fdt = files->fdt;
	if (!fdt)
		goto out;
	max = fdt->max_fds;
	wk.fds = (__u64)fdt->fd;
	wk.open = (__u64)fdt->open_fds;
	if (!wk.fds || !wk.open || wk.from >= max)
		goto out;
	/* steps of eight fds, from the one wk.from is in */
	max = (max + 7) / 8 - wk.from / 8;
	if (max > HB_LOOP_MAX) {
		/* more than one bpf_loop may take: the rest comes in the
		 * next read */
		bpf_loop(HB_LOOP_MAX, fd_step, NULL, 0);
		if (!wk.more) {
			wk.more = 1;
			wk.stop = (wk.from / 8 + HB_LOOP_MAX) * 8;
		}
	} else {
		bpf_loop(max, fd_step, NULL, 0);
	}
out:
	n = wk.n;
	if (wk.more && n <= HB_BUDGET)
		put(n++, HB_MORE, 0, 0, wk.stop);
	if (!n)
		return 0;
	len = (__u64)n * sizeof(pend[0]);
	barrier_var(len);
	if (len > sizeof(pend))
		return 0;
	if (bpf_seq_write(ctx->meta->seq, pend, len)) {
		counts.overflow++;
		return 0;
	}
	counts.emitted += n;
	return 0;
}

/* "SYSV" and eight hex digits, the name ipc/shm.c gives every segment's
 * file; *key gets the digits. */
static __always_inline int sysv_name(struct dentry *d, __u32 *key)
{
	unsigned char name[12];
	__u32 v = 0;

	if (bpf_probe_read_kernel(name, sizeof(name), d->d_name.name))
		return -1;
	if (name[0] != 'S' || name[1] != 'Y' || name[2] != 'S' ||
	    name[3] != 'V')
		return -1;
	for (int i = 4; i < 12; i++) {
		unsigned char c = name[i];

		if (c >= '0' && c <= '9')
			v = v << 4 | (c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (c - 'a' + 10);
		else
			return -1;
	}
	*key = v;
	return 0;
}

/*
 * A SysV attachment: a shared mapping whose file is a clone of the
 * segment's internal shmem (or hugetlbfs) file, named SYSV%08x, whose
 * inode number is the shmid. That file's dentry is a pseudo one, its own
 * parent: a file a user named /SYSV... somewhere has a real parent.
 * Returns 1 (and fills @r) for one.
 */
static __always_inline int sysv_attach(struct vm_area_struct *vma,
				       struct file *file, struct hb_rec *r)
{
	struct dentry *d = file->f_path.dentry;
	struct inode *inode = file->f_inode;
	struct shm_file_data *sfd;
	unsigned long magic;
	__u32 key;

	if (!d || !inode)
		return 0;
	magic = inode->i_sb->s_magic;
	if ((magic != TMPFS_MAGIC && magic != HUGETLBFS_MAGIC) ||
	    d->d_parent != d)
		return 0;
	if (sysv_name(d, &key))
		return 0;
	r->how = HB_ATTACH;
	r->set = HB_SET_SHM;
	r->b = inode->i_ino;
	r->sysv_key = key;
	r->flags |= HB_F_KEY;
	/* The attachment's own namespace, whatever the task moved to since:
	 * ipc/shm.c keeps it in the file's private data. */
	sfd = BPF_CORE_READ(file, private_data);
	if (sfd && bpf_core_type_exists(struct shm_file_data)) {
		struct ipc_namespace *ns = BPF_CORE_READ(sfd, ns);

		if (ns)
			r->seg_ns = BPF_CORE_READ(ns, ns.inum);
	}
	return 1;
}

SEC("iter/task_vma")
int hb_maps(struct bpf_iter__task_vma *ctx)
{
	struct task_struct *task = ctx->task;
	struct vm_area_struct *vma = ctx->vma;
	struct hb_rec r = {};
	struct inode *inode;
	struct file *file;

	if (!task || !vma)
		return 0;
	counts.vmas++;
	/* the maps the /proc pass reads: the main thread's, or once it has
	 * let go of its address space, every other thread's */
	if (task != task->group_leader && task->group_leader->mm)
		return 0;
	file = vma->vm_file;
	if (!file)
		return 0;
	if (sysv_attach(vma, file, &r)) {
		struct hb_sysv_key k = { .id = (__u32)r.b, .set = HB_SET_SHM };

		if (!have_shm || r.b > 0x7fffffff)
			return 0;
		r.a = task_ipcns(task);
		k.ipcns = sysv_any_ns ? 0 : r.a;
		if (!bpf_map_lookup_elem(&sysv, &k))
			return 0;
		emit(ctx->meta->seq, task, &r);
		return 0;
	}
	inode = file->f_inode;
	if (!have_files || !inode)
		return 0;
	{
		struct hb_file_key k = {
			.dev = inode->i_sb->s_dev,
			.ino = inode->i_ino,
		};
		__u32 tgid = task->tgid;

		/* maps shows an inode of 0 as no file */
		if (!k.ino || !((dev_bloom >> dev_bit(k.dev)) & 1))
			return 0;
		/* a mapped file usually spans several adjacent mappings */
		if (tgid == last_tgid && k.dev == last_dev && k.ino == last_ino)
			return 0;
		if (!bpf_map_lookup_elem(&files, &k))
			return 0;
		r.how = HB_MAP;
		r.set = HB_SET_FILE;
		r.a = k.dev;
		r.b = k.ino;
		if (emit(ctx->meta->seq, task, &r))
			return 0;	/* not written: this vma comes again */
		last_tgid = tgid;
		last_dev = k.dev;
		last_ino = k.ino;
	}
	return 0;
}
