# SPDX-License-Identifier: GPL-2.0-or-later
# cgrm.sh - cg_remove, which takes the tests' cgroup dirs away (sourced by
# cgroups.sh and podman.sh).
# shellcheck shell=bash

# cg_remove DIR [PID...] : kill every process in the cgroup tree DIR,
# reap the PIDs (children of this shell), and rmdir the tree depth first,
# again while a killed process has not left its cgroup yet (<= 5 s).
# 1, with a line saying so, if DIR stays.
cg_remove() {
	local dir=$1 p
	shift
	[ -d "$dir" ] || return 0
	if [ -e "$dir/cgroup.kill" ]; then
		echo 1 >"$dir/cgroup.kill" 2>/dev/null
	else
		find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null |
			while read -r p; do kill -KILL "$p" 2>/dev/null; done
	fi
	for p in "$@"; do
		wait "$p" 2>/dev/null
	done
	for _ in $(seq 50); do
		find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
		[ -d "$dir" ] || return 0
		sleep 0.1
	done
	echo "# could not remove cgroup dir $dir"
	return 1
}
