/* SPDX-License-Identifier: GPL-2.0-or-later */
/* private_ipc.h - the live unit tests' IPC namespace of their own. */
#ifndef IPCSCAN_TEST_PRIVATE_IPC_H
#define IPCSCAN_TEST_PRIVATE_IPC_H

#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/mount.h>
#include <sys/vfs.h>
#include <unistd.h>

#ifndef MQUEUE_MAGIC
#define MQUEUE_MAGIC 0x19800202	/* linux/magic.h has none on older kernels */
#endif

/*
 * A unit test that makes, scans or removes real IPC objects never does it
 * in the host's IPC namespace (the unit tests run outside the integration
 * tests' namespaces): it calls private_ipc() first, which moves this
 * process into an IPC namespace of its own on the first call (the
 * following calls find it done). With @mqueue, also into a mount
 * namespace of its own with private propagation, where /dev/mqueue, if
 * it is an mqueue mount, is replaced by one of the new IPC namespace's
 * instance, so a scan sees /dev/mqueue mounted or not as before, but
 * ours. Returns 0, or the errno of the refused step with *@step naming it
 * (EPERM, "not root": only root may unshare these).
 */
static inline int private_ipc(bool mqueue, const char **step)
{
	static bool ipc_done, mnt_done;
	bool was_mounted = false;
	struct statfs sfs;

	*step = "";
	if (geteuid() != 0) {
		*step = "not root";
		return EPERM;
	}
	if (!ipc_done) {
		if (unshare(CLONE_NEWIPC)) {
			*step = "unshare(CLONE_NEWIPC)";
			return errno;
		}
		ipc_done = true;
	}
	if (!mqueue || mnt_done)
		return 0;
	if (unshare(CLONE_NEWNS)) {
		*step = "unshare(CLONE_NEWNS)";
		return errno;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		*step = "making / private";
		return errno;
	}
	/* the host's, however many are stacked there */
	while (statfs("/dev/mqueue", &sfs) == 0 &&
	       (unsigned long)sfs.f_type == MQUEUE_MAGIC) {
		if (umount2("/dev/mqueue", MNT_DETACH)) {
			*step = "unmounting the host's /dev/mqueue";
			return errno;
		}
		was_mounted = true;
	}
	if (was_mounted) {
		if (mount("mqueue", "/dev/mqueue", "mqueue",
			  MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)) {
			*step = "mounting our mqueue on /dev/mqueue";
			return errno;
		}
	}
	mnt_done = true;
	return 0;
}

#endif
