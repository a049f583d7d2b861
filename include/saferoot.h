/* SPDX-License-Identifier: GPL-2.0-or-later */
/* saferoot.h - reach a directory below a container's root without trusting it. */
#ifndef IPCSCAN_SAFEROOT_H
#define IPCSCAN_SAFEROOT_H

/*
 * A container's root is hostile ground (NAMESPACES.md 4.2-4.4): its
 * /dev/shm may be a symlink to a host directory, a "../" escape from a
 * chroot, or a bind mount of a host tmpfs; after the container died a
 * new walk from a held root lands on another file system. This module
 * opens a directory below a process's root so that none of that can
 * point ipcscan at a host file, and keeps the open directory so that a
 * removal later acts on the very directory that was scanned.
 *
 * Typical use (the scan opens, gc removes through the same sr_dir):
 *
 *	struct sr_mounts *m;	// the host's mount table, once per run
 *	sr_mounts_load("/proc/self/mountinfo", &m);	// as seen from the
 *						// initial mount namespace
 *	struct sr_root r;
 *	struct sr_dir d;
 *	char why[SR_WHY_MAX];
 *
 *	if (sr_root_open(&r, "/proc", pid, start_ticks, why, sizeof(why)))
 *		report(why);			// gone, reused, no access
 *	else if (sr_dir_open(&r, "dev/shm", SR_USE_SHM, m, &d, why,
 *			     sizeof(why)))
 *		report(why);			// "skipped: " + why
 *	else {
 *		... read entries of d.fd, dedupe the tmpfs by d.dev ...
 *		sr_unlink(&d, name, &as_scanned, why, sizeof(why));
 *		sr_dir_close(&d);
 *	}
 *	sr_root_close(&r);
 *
 * Return convention of every int function below: 0 on success; a
 * positive enum sr_refusal when the target is refused (it is hostile,
 * gone or changed; @why says which, on one line, without a final
 * period); a negative errno when a system call failed for another reason
 * (@why says that too). @why may be NULL. Nothing here prints, and no
 * path that came from inside a container is ever followed: the only
 * paths walked are the caller's @rel, one component at a time, never
 * through a symlink, never up, never out of the root.
 *
 * Kernels: pidfd_open needs 5.3 and openat2 5.6 (Debian 12 has 6.1);
 * without them (ENOSYS, or EPERM from a seccomp filter) the root is
 * bound to its process through the /proc/PID directory fd and the start
 * time only, and the directory is reached by an O_PATH|O_NOFOLLOW walk
 * one component at a time, with the same answers. Test builds
 * (IPCSCAN_TEST_HOOKS) take those paths when IPCSCAN_TEST_NO_PIDFD or
 * IPCSCAN_TEST_NO_OPENAT2 is set in the environment.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Room for any @why line this module writes (longer ones are cut). */
#define SR_WHY_MAX 512
/* The longest directory name sr_dir_open takes ("var/tmp" is 7). */
#define SR_REL_MAX 64

enum sr_refusal {
	SR_SYMLINK = 1,	/* the directory or a component on the way is a
			 * symlink */
	SR_ESCAPE,	/* ... a symlink whose target climbs out of the root */
	SR_NOTDIR,	/* ... not a directory */
	SR_MISSING,	/* ... does not exist */
	SR_FSTYPE,	/* not a file system this use accepts (not a tmpfs) */
	SR_HOSTMOUNT,	/* its device is mounted in the host's mount table
			 * somewhere that is not a shm mount (bind-mount trap),
			 * or that table is unknown */
	SR_GONE,	/* the process is gone, or its pid is another's now */
	SR_CHANGED,	/* different from what was opened or scanned */
};

/* ---- the host's mount table ------------------------------------------- */

/* Where else than in the container a device is mounted, in the host. */
enum sr_hostmnt {
	SR_MNT_NONE,		/* nowhere: the container's own file system */
	SR_MNT_HOST_SHM,	/* only at the host's /dev/shm (--ipc=host, a
				 * hostPath /dev/shm: dedupe with the host) */
	SR_MNT_ENGINE_SHM,	/* only at container engines' shm mounts (a
				 * pod's or shareable container's /dev/shm) */
	SR_MNT_OTHER,		/* somewhere else too: a host file system */
};

struct sr_mounts;

/*
 * Parse a mountinfo file, normally /proc/self/mountinfo of a process in
 * the host's initial mount namespace (root-prefixed for fixtures). The
 * whole table is refused (-EBADMSG) if a line cannot be parsed, or if
 * it has none: a line skipped could be the one that shows a host mount. -errno if it cannot
 * be read. *out is untouched on failure; free with sr_mounts_free.
 */
int sr_mounts_load(const char *path, struct sr_mounts **out);
/* The same for the text of such a file (@len bytes, no NUL needed). */
int sr_mounts_parse(const char *text, size_t len, struct sr_mounts **out);
void sr_mounts_free(struct sr_mounts *m);

/*
 * Where the host mounts device @dev. The engine shm mounts accepted are
 * the mount points ending in (each ID 64 hex digits; the data roots in
 * front are configurable, so only the tail is matched):
 *	/<driver>-containers/ID/userdata/shm	podman (graph root) and
 *		cri-o (run root, e.g. /run/containers/storage/overlay-...),
 *		containers/storage's ContainerDirectory/ContainerRunDirectory
 *	/containers/ID/mounts/shm	docker (moby ShmResourcePath)
 *	/sandboxes/ID/shm		containerd CRI (getSandboxDevShm)
 * A device is SR_MNT_HOST_SHM or SR_MNT_ENGINE_SHM only if *every* host
 * mount of it is such a mount: a host tmpfs that is also mounted at an
 * engine-like path is still a host tmpfs. For SR_MNT_OTHER, *where and
 * *fstype (if not NULL) get the first other mount point (decoded: the
 * \040-style escapes of mountinfo undone) and its file system type,
 * valid until sr_mounts_free.
 */
enum sr_hostmnt sr_mounts_where(const struct sr_mounts *m, dev_t dev,
				const char **where, const char **fstype);

/* ---- a process's root --------------------------------------------------- */

struct sr_root {
	int fd;		/* O_PATH|O_DIRECTORY of /proc/PID/root, or -1 */
	int pidfd;	/* the pidfd it was checked with, or -1 */
	pid_t pid;	/* for messages: "... of pid PID" */
	dev_t dev;	/* fstat of fd */
	ino_t ino;
};

/*
 * Open the root of process @pid, as @proc (normally "/proc") shows it:
 * pidfd_open(@pid), open @proc/PID, check its start time (field 22 of
 * stat, clock ticks since boot) against @start unless @start is 0, open
 * "root" from there with O_PATH|O_DIRECTORY, and only then check through
 * the pidfd that the process has not died: the root is that process's,
 * not a later one's that got the same pid. SR_GONE if the process is
 * gone (or a zombie, which has no root) or @start does not match;
 * -EACCES etc. otherwise. On success close with sr_root_close. @pid is
 * a process (thread group leader): a thread that did not share its
 * fs_struct (clone without CLONE_FS) may have chrooted elsewhere, which
 * /proc/PID/root does not show; such threads are not covered here.
 */
int sr_root_open(struct sr_root *r, const char *proc, pid_t pid,
		 uint64_t start, char *why, size_t whylen);

/*
 * A root from a directory fd the caller already trusts to be one (a test
 * fixture, a root held from an earlier scan): @fd is duplicated as
 * O_PATH; @pid only labels messages. 0 or -errno.
 */
int sr_root_from_fd(struct sr_root *r, int fd, pid_t pid);

void sr_root_close(struct sr_root *r);

/* ---- a directory below it ---------------------------------------------- */

enum sr_use {
	/*
	 * POSIX shm and named semaphores: the directory must be a tmpfs
	 * (TMPFS_MAGIC) and must not be a host mount other than the host's
	 * /dev/shm or an engine's shm mount (SR_MNT_NONE, _HOST_SHM and
	 * _ENGINE_SHM are accepted; @mounts must be known).
	 */
	SR_USE_SHM,
	/*
	 * Socket dirs (run, tmp, var/tmp, dev/shm): the directory is on the
	 * root's own file system (overlay, ext4, ...: the container's root,
	 * whatever its type), or a tmpfs accepted as for SR_USE_SHM. A
	 * directory on any other file system (a volume, a bind mount of a
	 * host directory) is refused as SR_FSTYPE, a host tmpfs (the host's
	 * /run bound in) as SR_HOSTMOUNT.
	 */
	SR_USE_SOCKDIR,
};

struct sr_dir {
	int fd;			/* O_RDONLY|O_DIRECTORY|O_CLOEXEC: read it,
				 * and remove through it (sr_unlink) */
	dev_t dev;		/* fstat/fstatfs of fd when opened */
	ino_t ino;
	unsigned long fstype;	/* statfs f_type */
	enum sr_hostmnt host;	/* where the host also mounts dev (for a
				 * socket dir on the root's own file system
				 * only informative: an overlay root is
				 * mounted in the host, SR_MNT_OTHER) */
	bool by_walk;		/* reached by the component walk, not openat2
				 * (diagnostics and tests) */
	pid_t pid;		/* from the root, for messages */
	char label[96];		/* "/dev/shm of pid 1234", for messages */
};

/*
 * Open directory @rel below @r ("dev/shm", "run", "var/tmp": relative,
 * at most SR_REL_MAX bytes, no "." or ".." component, no empty one;
 * -EINVAL otherwise). No
 * symlink is followed anywhere on the way and nothing leaves the root
 * (openat2 RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS|RESOLVE_NO_MAGICLINKS, or
 * the walk); the result must be a directory, and after opening, its
 * device and file system type are checked for @use (see enum sr_use;
 * @mounts is the host's table, NULL if unknown). Refusals name the
 * reason, e.g. "/dev/shm of pid 1234 is a symlink", "... escapes its
 * root (through a symlink at /dev/shm)", "... is not a tmpfs (ext2/3/4,
 * dev 254:1)", "... is a bind mount of the host's /tmp tmpfs (dev
 * 0:45)". On success close with sr_dir_close. Refused as SR_FSTYPE or
 * SR_HOSTMOUNT, d->dev and d->ino still name the directory refused (fd
 * -1), so that a caller can tell one it reads another way (the host's
 * own /tmp bound into a container) from a hostile one. Nothing is cached: a walk
 * from a root whose process died reaches whatever lies below the
 * detached mounts, and the checks decide on that.
 */
int sr_dir_open(const struct sr_root *r, const char *rel, enum sr_use use,
		const struct sr_mounts *mounts, struct sr_dir *d,
		char *why, size_t whylen);

/*
 * The directory @src (open, accepted by sr_dir_open) as another sr_dir
 * @d with a descriptor of its own: "." opened through @src->fd (no walk,
 * no lookup of any name; its own read offset, so either may be read or
 * closed without the other), then checked to be the same directory
 * (device and inode); the verdict and label are @src's. For a caller
 * that needs one directory for two uses (a tmpfs /dev/shm accepted for
 * SR_USE_SHM is also accepted as a socket dir: sr_dir_open would walk,
 * stat and judge it again to the same answer). 0, SR_CHANGED or -errno,
 * with @why; d->fd is -1 on failure.
 */
int sr_dir_reopen(const struct sr_dir *src, struct sr_dir *d, char *why,
		  size_t whylen);

/*
 * Is the kept fd still the directory that was opened: same device,
 * inode, type (a directory) and file system type? Never walks: after
 * the container died the kept fd is the only way left to its tmpfs
 * (NAMESPACES.md 4.3). 0 or SR_CHANGED.
 */
int sr_dir_recheck(const struct sr_dir *d, char *why, size_t whylen);

/* An entry as the scan saw it (fstatat through the kept fd). */
struct sr_entry {
	dev_t dev;
	ino_t ino;
	uid_t uid;
	mode_t mode;	/* only the file type (S_IFMT bits) is compared */
};

/* Fill @e from fstatat(d->fd, @name, AT_SYMLINK_NOFOLLOW). 0 or -errno. */
int sr_entry_stat(const struct sr_dir *d, const char *name,
		  struct sr_entry *e);

/*
 * Remove entry @name (one component: no slash, not "." or "..": -EINVAL)
 * of the kept directory, right after sr_dir_recheck and a re-stat of the
 * entry through the same fd: its device (also the directory's), inode,
 * owner and file type must equal @want, or SR_CHANGED and nothing is
 * removed. Directories are never removed (-EISDIR). -ENOENT if it is
 * already gone. unlinkat on the kept fd never follows a symlink; what
 * remains is the race of FIELD-NOTES "Safe file removal" (an entry
 * swapped between fstatat and unlinkat is still one of the same
 * directory, NAMESPACES.md 4.4).
 */
int sr_unlink(const struct sr_dir *d, const char *name,
	      const struct sr_entry *want, char *why, size_t whylen);

void sr_dir_close(struct sr_dir *d);

/* A short name of a statfs f_type for messages ("tmpfs", "overlay",
 * "ext2/3/4"; NULL if not known). */
const char *sr_fstype_name(unsigned long f_type);

#endif
