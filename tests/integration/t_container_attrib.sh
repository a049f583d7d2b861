#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_container_attrib.sh - container attribution (src/container.c) from
# real /proc/PID/cgroup files: processes placed in cgroup v2 directories
# named exactly as each engine names them (podman gets no cgroup of its
# own on these machines, NAMESPACES.md 7), a cgroup name that forges a
# line, a reader in a cgroup namespace of its own; and names from real
# podman's containers.json (podman 4.3.1: a container, a pod, conmon).
# Every cgroup made here lives below one directory of the test's own,
# removed at the end.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2015,SC2317
. "$(dirname "$0")/lib.sh"
ns_enter "$@"
# shellcheck source=tests/integration/podman.sh
. "$T_LIBDIR/podman.sh"

CTATTR=$HELPERS/ctattr
[ -x "$CTATTR" ] || t_bail "no helper at $CTATTR"

# shellcheck source=tests/integration/cgroups.sh
. "$T_LIBDIR/cgroups.sh"

ID_A=3f2a9c1b0d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef
ID_B=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
UID1=8c5e5a2e-6d1f-4b9a-9f2e-0c6b7a1d2e3f
UID2=11111111-2222-4333-8444-555555555555

# State files of a host with one named pod, below a root of our own.
ROOT=$T_WORK/root
mkdir -p "$ROOT/var/log/pods/default_web-0_$UID1/nginx" &&
	chmod -R 0755 "$ROOT" || t_bail "cannot make $ROOT"

# attr PID [ARGS...]: ctattr's line for PID (the field after the pid
# is the display form), in LINE.
attr() {
	local pid=$1
	shift
	LINE=$("$CTATTR" --root "${ATTR_ROOT:-$ROOT}" "$@" "$pid" |
		grep "^$pid ")
}

# case REL DISPLAY [ENGINE]: a sleeping process in REL is shown as
# DISPLAY (and has engine ENGINE).
case_() {
	local rel=$1 want=$2 engine=${3:-}
	in_cg "$rel" sleep 1000
	attr "$CGPID"
	t_is "$(cut -d' ' -f2 <<<"$LINE")" "$want" "$rel -> $want"
	[ -z "$engine" ] ||
		t_like "$LINE" " engine=$engine " "$rel: engine $engine"
}

t_like "$("$CTATTR" $$ | head -1)" '^cgroupns=(initial|other) ' \
	"ctattr reads its own cgroup namespace"
"$CTATTR" $$ | head -1 | grep -q '^cgroupns=initial ' ||
	t_skip_all "this test does not run in the initial cgroup namespace"

case_ "system.slice/docker-$ID_A.scope" "docker:${ID_A:0:12}" docker
case_ "docker/$ID_B" "docker:${ID_B:0:12}" docker
KS=kubepods.slice/kubepods-burstable.slice/kubepods-burstable
case_ "$KS-pod${UID1//-/_}.slice/cri-containerd-$ID_A.scope" \
	"k8s:default/web-0" containerd
case_ "kubepods/besteffort/pod$UID2/crio-$ID_B" "k8s-pod:$UID2" cri-o
case_ "kubepods/pod$UID1/$ID_B" "k8s:default/web-0" kubernetes
case_ "machine.slice/libpod-$ID_A.scope/container" "podman:${ID_A:0:12}" \
	podman
US=user.slice/user-1000.slice/user@1000.service/user.slice
case_ "$US/libpod-$ID_B.scope" \
	"podman:${ID_B:0:12}" podman
case_ 'machine.slice/machine-my\x2dbox.scope/payload' "nspawn:my-box" nspawn
case_ "machine.slice/systemd-nspawn@web.service/supervisor" "nspawn:web" \
	nspawn
t_like "$LINE" " monitor=1 " "nspawn's supervisor is a monitor"
case_ "lxc.payload.web/system.slice/docker-$ID_B.scope" \
	"lxc:web>docker:${ID_B:0:12}" lxc
t_like "$LINE" " depth=2 inner=docker:$ID_B:- " "docker in lxc: inner kept"
case_ "nowhere-known/$ID_A" "?" unknown

# A cgroup name holding a newline and "0::" would forge a second unified
# line in /proc/PID/cgroup. This kernel refuses such a name (the parser
# refuses two 0:: lines as well, tests/unit/test_container.c); if one
# ever allows it, the forged line must give "unknown".
if mkdir "$CGT/x"$'\n''0::' 2>/dev/null; then
	case_ "x"$'\n'"0::/system.slice/docker-$ID_A.scope" "?" unknown
	t_like "$LINE" "two 0:: lines" "a forged 0:: line: unknown, and why"
else
	t_pass "the kernel refuses a cgroup name with a newline"
fi

# Read from a cgroup namespace of its own, the same process's path is
# relative: ctattr must say unknown, not what the path seems to be.
in_cg "system.slice/docker-$ID_B.scope" sleep 1000
target=$CGPID
mkdir -p "$CGT/reader" || t_bail "mkdir reader"
out=$(sh -c 'echo $$ >"$1/cgroup.procs" && exec unshare --cgroup "$2" "$3"' \
	sh "$CGT/reader" "$CTATTR" "$target")
t_like "$out" '^cgroupns=other ' "in a cgroup namespace: seen as such"
t_like "$(grep "^$target " <<<"$out")" \
	"^$target \\? engine=unknown .*why=.*cgroup namespace" \
	"in a cgroup namespace: attribution unknown, and why"

# ----------------------------------------------------------- real podman

podman_tests() {
	# As root with namespaces (ns_enter checked), nothing excuses a
	# skip: .ci/packages-test installs podman, build-essential libc.a.
	command -v podman >/dev/null || {
		t_fail "real podman" "podman is not installed" \
			"(apt-get install podman; .ci/packages-test lists it)"
		return
	}
	local img id pid pod id2 pid2 cpid pm
	# podman.sh: its settings and storage, an image of one static
	# binary (no registry, no mirror), cleanup at exit (before ours).
	pm_setup
	pm=$PM_DIR
	ATTR_ROOT=/
	img=$PM_IMG
	id=$(P run -d --name attrib-one "$img" /pause 2>"$pm/run.err") ||
		t_bail "podman run failed" "$(tail -3 "$pm/run.err")"
	pid=$(P inspect -f '{{.State.Pid}}' attrib-one)
	cpid=$(P inspect -f '{{.State.ConmonPid}}' attrib-one)
	t_like "$id" '^[0-9a-f]{64}$' "podman run gave a full id"
	t_is "$(tr '\0' '\n' </proc/"$pid"/cmdline | head -1)" /pause \
		"the container's process runs"

	# Where a rootful podman with cgroups would put it, then named from
	# podman's own containers.json.
	local ms=$CGT/machine.slice
	mkdir -p "$ms/libpod-$id.scope" "$ms/libpod-conmon-$id.scope" ||
		t_bail "mkdir"
	echo "$pid" >"$ms/libpod-$id.scope/cgroup.procs" &&
		echo "$cpid" >"$ms/libpod-conmon-$id.scope/cgroup.procs" ||
		t_bail "cannot move podman's processes"
	attr "$pid" --podman-storage "$PM_ROOT"
	t_is "$(cut -d' ' -f2 <<<"$LINE")" "podman:attrib-one" \
		"a podman container is named from containers.json"
	t_like "$("$CTATTR" --root / --podman-storage "$PM_ROOT" "$pid" |
		sed -n 2p)" ' podman=1 podman_err=0$' "containers.json read"
	attr "$cpid" --podman-storage "$PM_ROOT"
	t_like "$LINE" \
		"^$cpid podman:attrib-one engine=podman id=$id .*monitor=1 " \
		"its conmon: the same container, as its monitor"
	attr "$pid"
	t_is "$(cut -d' ' -f2 <<<"$LINE")" "podman:${id:0:12}" \
		"without podman's state: the short id"

	# A pod: the infra keeps it, a container in it.
	P pod create --name attrib-pod --network none --share ipc,uts \
		--share-parent=false --infra-image "$img" \
		--infra-command /pause >"$pm/pod.out" 2>&1 ||
		t_bail "podman pod create failed" "$(tail -3 "$pm/pod.out")"
	pod=$(P pod inspect -f '{{.Id}}' attrib-pod)
	id2=$(P run -d --pod attrib-pod --name attrib-two "$img" /pause \
		2>"$pm/run2.err") ||
		t_bail "podman run --pod failed" "$(tail -3 "$pm/run2.err")"
	pid2=$(P inspect -f '{{.State.Pid}}' attrib-two)
	local cg2=$ms/machine-libpod_pod_$pod.slice/libpod-$id2.scope
	mkdir -p "$cg2" && echo "$pid2" >"$cg2/cgroup.procs" ||
		t_bail "cannot move the pod's container"
	attr "$pid2" --podman-storage "$PM_ROOT"
	t_is "$(cut -d' ' -f2 <<<"$LINE")" "podman:${pod:0:12}/attrib-two" \
		"a container in a podman pod: pod id and name"
	t_like "$LINE" " pod_id=$pod " "the full pod id is kept"
}
podman_tests

t_done
