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
# A name of its own: $$ is the same in every test's pid namespace, and
# the hierarchy is the machine's, shared with tests running beside this.
CGT=$(mktemp -d /sys/fs/cgroup/ipcscan-attrib.XXXXXX) ||
	t_bail "cannot make a cgroup dir below /sys/fs/cgroup"
PIDS=()

# shellcheck source=tests/integration/cgrm.sh
. "$T_LIBDIR/cgrm.sh"
cg_cleanup() {
	cg_remove "$CGT" "${PIDS[@]}"
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

