# SPDX-License-Identifier: GPL-2.0-or-later
# containers.sh - "containers" made with unshare and chroot for the tests
# of container roots (t_saferoot, t_host_shm): sourced after lib.sh and
# ns_enter; $W is the test's work directory.

# newroot DIR: a container root that is a mount of its own in the host
# table (as an engine's overlay "merged" directory is), with the host's
# /usr bound in later, from inside the container, to run sleep.
newroot() {
	mkdir -p "$1" && mount -t tmpfs -o mode=0755,size=8m tmpfs "$1" &&
		mkdir -p "$1/usr" "$1/dev/shm" "$1/run" "$1/tmp" &&
		ln -s usr/bin "$1/bin" && ln -s usr/lib "$1/lib" &&
		ln -s usr/lib64 "$1/lib64" || t_bail "cannot make root $1"
}

declare -A CT=()
# start_ct NAME ROOT CHROOT SETUP: a "container": a mount namespace of its
# own where the shell code SETUP runs ($R is ROOT), then a sleep chrooted
# into CHROOT. Its pid goes to CT[NAME] (and T_PIDS, so it is stopped).
start_ct() {
	local name=$1 root=$2 chr=$3 setup=$4 pid i
	R=$root C=$chr S=$setup unshare --mount --propagation private \
		sh -c 'set -e; eval "$S"
			mount --bind /usr "$C/usr"
			exec chroot "$C" /usr/bin/sleep 600' \
		</dev/null >"$W/$name.log" 2>&1 &
	pid=$!
	for ((i = 0; i < 500; i++)); do
		if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sleep ]; then
			CT[$name]=$pid
			T_PIDS[ct_$name]=$pid
			return 0
		fi
		[ -d "/proc/$pid" ] || break
		sleep 0.01
	done
	t_bail "container $name did not start" "$(cat "$W/$name.log")"
}
