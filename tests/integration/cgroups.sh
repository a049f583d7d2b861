# SPDX-License-Identifier: GPL-2.0-or-later
# cgroups.sh - processes in cgroup v2 directories named as container
# engines name theirs (NAMESPACES.md 6), for the tests that source it
# after ns_enter (lib.sh): a private cgroup2 mount over /sys/fs/cgroup, one
# directory of the test's own below it ($CGT), killed and removed at exit.
# shellcheck shell=bash disable=SC2034

# The cgroup v2 hierarchy, mounted in this test's mount namespace over
# /sys/fs/cgroup: a pure v2 view also lets crun run (NAMESPACES.md 7).
mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null ||
	t_skip_all "cannot mount cgroup2"
CGT=/sys/fs/cgroup/ipcscan-attrib.$$
mkdir "$CGT" || t_bail "cannot make $CGT"
PIDS=()

cg_cleanup() {
	local p
	if [ -e "$CGT/cgroup.kill" ]; then
		echo 1 >"$CGT/cgroup.kill"
	else
		find "$CGT" -name cgroup.procs -exec cat {} + 2>/dev/null |
			while read -r p; do kill -KILL "$p"; done
	fi
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	for _ in $(seq 50); do
		find "$CGT" -depth -type d -exec rmdir {} + 2>/dev/null
		[ -d "$CGT" ] || return 0
		sleep 0.1
	done
	echo "# could not remove $CGT"
}
trap 'cg_cleanup; _t_exit' EXIT

# in_cg REL CMD...: start CMD in the background in cgroup $CGT/REL;
# its pid in CGPID.
in_cg() {
	local rel=$1
	shift
	mkdir -p "$CGT/$rel" || t_bail "mkdir cgroup $rel"
	"$@" &
	CGPID=$!
	PIDS+=("$CGPID")
	echo "$CGPID" >"$CGT/$rel/cgroup.procs" ||
		t_bail "cannot move $CGPID into $rel"
}

