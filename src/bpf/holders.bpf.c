// SPDX-License-Identifier: GPL-2.0-or-later
/* holders.bpf.c - the holder pass in the kernel: fds, mappings, waits. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "holders_bpf.h"

char LICENSE[] SEC("license") = "GPL";

/*
 * Three iterators, each read once per pass by ipcscan (holders_bpf.c):
 * task_file (every fd table), task_vma (every address space) and task
 * (every thread, for blocked SysV calls). Each compares what it visits
 * with the match sets user space filled and writes a struct hb_rec for a
 * match only. The kernel runs one program at a time for one reader, so
 * the .bss state below needs no locking as long as user space reads one
 * iterator at a time (it does).
 */

#define PF_KTHREAD	0x00200000
#define SOCKFS_MAGIC	0x534F434B
#define TMPFS_MAGIC	0x01021994
#define HUGETLBFS_MAGIC	0x958458f6

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

struct hb_counts counts;

/* The last mapping matched (consecutive mappings of one file are one
 * holder); reset by user space before each pass. */
__u32 last_tgid;
__u64 last_dev, last_ino;

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
	unsigned int level;
	void *ns;

	if (reader_pidns(&level, &ns))
		return 0;
	r->tgid = pid_in(t->group_leader->thread_pid, level, ns);
	r->tid = pid_in(t->thread_pid, level, ns);
	if (!r->tgid || !r->tid) {
		counts.nopid++;
		return 0;
	}
	if (r->tgid == r->tid)
		r->flags |= HB_F_LEADER;
	if (bpf_seq_write(seq, r, sizeof(*r))) {
		counts.overflow++;
		return -1;
	}
	counts.emitted++;
	return 0;
}

SEC("iter/task_file")
int hb_files(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct hb_rec r = {};
	struct inode *inode;
	struct super_block *sb;

	if (!task || !file)
		return 0;
	counts.fds++;
	inode = file->f_inode;
	if (!inode)
		return 0;
	sb = inode->i_sb;
	if (!sb)
		return 0;
	r.how = HB_FD;
	if (sb->s_magic == SOCKFS_MAGIC) {
		__u64 ino = inode->i_ino;

		/* the /proc pass reads these as socket:[INODE] */
		if (!have_socks || !bpf_map_lookup_elem(&socks, &ino))
			return 0;
		r.set = HB_SET_SOCK;
		r.b = ino;
	} else {
		struct hb_file_key k = {
			.dev = sb->s_dev,
			.ino = inode->i_ino,
		};

		if (!have_files || !bpf_map_lookup_elem(&files, &k))
			return 0;
		r.set = HB_SET_FILE;
		r.a = k.dev;
		r.b = k.ino;
	}
	emit(ctx->meta->seq, task, &r);
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

	if (!d || !inode || d->d_parent != d)
		return 0;
	magic = inode->i_sb->s_magic;
	if (magic != TMPFS_MAGIC && magic != HUGETLBFS_MAGIC)
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
		if (!k.ino)
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

/*
 * A thread blocked in a SysV call, from the registers it saved on entry,
 * which /proc/PID/syscall reads too. Only a task that is not running and
 * not exiting is looked at; its saved registers stay put until it runs,
 * and a read of them cannot fault the kernel (they are read through
 * bpf_task_pt_regs, as BTF memory the verifier guards). A task that wakes
 * meanwhile was blocked in that call an instant ago, just as a line of
 * /proc/PID/syscall read an instant before.
 */
SEC("iter/task")
int hb_waits(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct hb_rec r = {};
	struct hb_sysv_key k = {};
	struct pt_regs *regs;
	long nr;

	if (!task)
		return 0;
	counts.tasks++;
	if (!have_waits || (task->flags & PF_KTHREAD) || task->exit_state ||
	    !task->mm || task->__state == 0)
		return 0;
	regs = (struct pt_regs *)bpf_task_pt_regs(task);
	if (!regs)
		return 0;
#if defined(__TARGET_ARCH_x86)
	nr = (long)BPF_CORE_READ(regs, orig_ax);
	r.b = BPF_CORE_READ(regs, di);
#elif defined(__TARGET_ARCH_arm64)
	nr = (long)BPF_CORE_READ(regs, syscallno);
	r.b = BPF_CORE_READ(regs, orig_x0);
#else
#error "hb_waits: no saved-register layout for this architecture"
#endif
	if (nr < 0)
		return 0;
	if (nr == nr_semop || nr == nr_semtimedop)
		r.set = HB_SET_SEM;
	else if (nr == nr_msgsnd || nr == nr_msgrcv)
		r.set = HB_SET_MSG;
	else
		return 0;
	if (r.b > 0x7fffffff)
		return 0;
	r.how = HB_WAIT;
	r.a = task_ipcns(task);
	k.ipcns = sysv_any_ns ? 0 : r.a;
	k.id = (__u32)r.b;
	k.set = r.set;
	if (!bpf_map_lookup_elem(&sysv, &k))
		return 0;
	emit(ctx->meta->seq, task, &r);
	return 0;
}
