#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# readme_host.sh - the scratch host of README's "What the host looks like",
# made and shown: not a test (run-tests runs t_*.sh only), a generator of
# real output. As root, from the top of a built checkout:
#
#	tests/integration/readme_host.sh [IPCSCAN-ARGS...]
#
# It makes what podman.sh and cgroups.sh make for the tests (private IPC,
# mount, pid and network namespaces, a cgroup2 mount of their own, real
# podman inside them): a pod sharing its IPC namespace, its infra running
# pause; the pod's container "leaker", which makes a 64K SysV segment, a set
# of 2 semaphores, a queue holding a message, /dev/shm/psm_leak and a POSIX
# queue leakq and is killed with SIGKILL; the pod's container "live", which
# holds a segment, psm_live and liveq; and a docker-style container (a
# process in system.slice/docker-3f2a9c1b0d4e....scope with IPC and mount
# namespaces of its own and a tmpfs on /dev/shm) that holds one segment
# and left another behind. podman's storage is bound at
# /var/lib/containers/storage so that ipcscan finds the containers' names.
# Then it prints the namespaces' ids and the output (stderr too) of
#	ipcscan list --trust-pidns -N all -o +CONTAINER
#	ipcscan gc --dry-run --trust-pidns -N all --min-age 0
#	ipcscan stats --trust-pidns -N all
# each command with IPCSCAN-ARGS appended; with READMEHOST_GC=1 then
#	ipcscan gc --trust-pidns -N all --min-age 0
#	ipcscan list --trust-pidns -N all -o +CONTAINER
# (a real removal, and what is left). Everything goes with the
# namespaces at exit. IPCSCAN and HELPERS as for the tests (default
# build/ipcscan and build/helpers).
# shellcheck source=tests/integration/lib.sh disable=SC2016
. "$(dirname "$0")/lib.sh"
ns_enter "$@"
# shellcheck source=tests/integration/cgroups.sh
. "$T_LIBDIR/cgroups.sh"
# shellcheck source=tests/integration/podman.sh
. "$T_LIBDIR/podman.sh"

DOCKER_ID=3f2a9c1b0d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef

pm_setup
pm_pod web
pm_hold leaker --pod web -- shm,size=65536,as=lshm:0x5151 \
	sem,n=2,as=lsem:0x5152 msg,as=lmsg:0x5153 pshm,as=lpshm:psm_leak \
	mq,as=lmq:leakq
pm_hold live --pod web -- shm,as=vshm:0x6161 pshm,as=vpshm:psm_live \
	mq,as=vmq:liveq
pm_kill leaker
pm_cgroup web-infra
pm_cgroup live

# The docker-style container: leaks a segment, then holds another.
DOUT=$T_WORK/docker.out
in_cg "system.slice/docker-$DOCKER_ID.scope" \
	unshare --ipc --mount --propagation private sh -c '
		mount -t tmpfs -o mode=1777,size=1m shm /dev/shm &&
		"$0" leak shm:0xd0c1 >/dev/null &&
		exec "$0" hold shm:0xd0c2' "$MKIPC" >"$DOUT" 2>&1
for ((i = 0; i < 500; i++)); do
	grep -qx ready "$DOUT" 2>/dev/null && break
	sleep 0.02
done
grep -qx ready "$DOUT" || t_bail "the docker-style container did not start" \
	"$(cat "$DOUT")"

# podman's storage where rootful podman keeps it: containers.json names
# the containers.
mount -t tmpfs -o mode=0700 none /var/lib/containers 2>/dev/null ||
	{ mkdir -p /var/lib/containers &&
		mount -t tmpfs -o mode=0700 none /var/lib/containers; } ||
	t_bail "cannot mount a tmpfs on /var/lib/containers"
if ! mkdir -p /var/lib/containers/storage ||
	! mount --bind "$PM_ROOT" /var/lib/containers/storage; then
	t_bail "cannot bind podman's storage at /var/lib/containers/storage"
fi

INFRA=${PM_INFRA_PID[web]}
echo "# ipcscan's own: ipc $(stat -L -c %i /proc/self/ns/ipc)," \
	"mnt $(stat -L -c %i /proc/self/ns/mnt)"
echo "# the pod ($(cut -c1-12 <<<"${PM_POD[web]}")): ipc" \
	"$(stat -L -c %i "/proc/$INFRA/ns/ipc"), infra mnt" \
	"$(stat -L -c %i "/proc/$INFRA/ns/mnt") (pid $INFRA), live mnt" \
	"$(stat -L -c %i "/proc/${PM_PID[live]}/ns/mnt") (pid ${PM_PID[live]})"
echo "# the docker-style container: ipc $(stat -L -c %i "/proc/$CGPID/ns/ipc")," \
	"mnt $(stat -L -c %i "/proc/$CGPID/ns/mnt")"
# The commands, as the README shows them; stderr too (the warnings).
show() {
	echo
	echo "\$ ipcscan $*"
	"$IPCSCAN" "$@" 2>&1
}
show list --trust-pidns -N all -o +CONTAINER "${@}"
show gc --dry-run --trust-pidns -N all --min-age 0 "${@}"
show stats --trust-pidns -N all "${@}"
if [ "${READMEHOST_GC:-}" = 1 ]; then
	show gc --trust-pidns -N all --min-age 0 "${@}"
	show list --trust-pidns -N all -o +CONTAINER "${@}"
fi
T_FINISHED=1
