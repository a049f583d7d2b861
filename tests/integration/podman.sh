# SPDX-License-Identifier: GPL-2.0-or-later
# podman.sh - real podman pods and containers for the integration tests.
#
# Sourced after lib.sh, once ns_enter has run: podman then runs inside the
# test's own pid, mount, IPC and network namespaces, so every process it
# starts (conmon, crun's children, the containers) is visible to the
# test, dies with the test's pid 1 however the test ends, and none of the
# host's namespaces is used. NAMESPACES.md section 7 says why each
# setting is needed on these machines:
#	- /sys/fs/cgroup becomes a cgroup2 mount in the test's mount
#	  namespace: crun refuses the host's hybrid layout;
#	- cgroups = "disabled" (crun cannot load its device filter without
#	  CAP_SYS_RESOURCE), so containers get no cgroup; pm_cgroup puts
#	  their processes where a rootful podman would, for attribution;
#	- nofile/nproc ulimits below the hard limits, no network;
#	- storage, run and tmp dirs of the test's own under $T_WORK (a tmpfs
#	  of the test's mount namespace);
#	- --rootfs (the image argument is a root file system) with /:O:
#	  the host's root as a throwaway overlay lower layer, no image; the
#	  pod's infra runs a one-binary image built here.
#
#	pm_setup			podman, P (podman with our settings)
#	pm_pod POD			a pod sharing IPC, its infra running
#	pm_hold NAME [OPTS...] -- SPEC...
#					a container running "mkipc hold SPEC..."
#					(OPTS: podman run options, --pod POD,
#					--ipc=host); F[NAME.*] as lib.sh's hold
#	pm_kill NAME			SIGKILL it, wait until podman saw it exit
#	pm_pid NAME			its host pid (pid 1 inside: NSpid)
#	pm_hostpid NAME PID		the host pid of its pid PID (NSpid)
#	pm_cgroup NAME			its processes and conmon into podman's
#					cgroup dirs (below a dir of the test's)
#	pm_cleanup			everything away (runs at exit)
#
# After pm_pod POD: PM_POD[POD] the pod id, PM_INFRA[POD] the infra
# container id, PM_INFRA_PID[POD] its host pid. After pm_hold NAME:
# PM_ID[NAME], PM_PID[NAME] (host pid), PM_CONMON[NAME].
#
# Cgroup dirs: each run makes one below $PM_CGBASE and holds a flock on it;
# a dir nobody holds a lock on is a dead run's (a SIGKILLed test cannot
# clean up, NAMESPACES.md 9) and pm_setup removes it.

# shellcheck shell=bash disable=SC2034,SC2016,SC2154
PM_CGBASE=/sys/fs/cgroup/ipcscan-podman
PM_DIR=""
PM_CONF=""
PM_ROOT=""
PM_IMG=localhost/ipcscan-test-pause
PM_CG=""
PM_CGFD=""
PM_SETUP=0
PM_PREV_EXIT=_t_exit
declare -A PM_ID=() PM_PID=() PM_CONMON=() PM_CTPOD=()
declare -A PM_POD=() PM_INFRA=() PM_INFRA_PID=()

# P ARGS... : podman with the test's configuration and storage. Its run
# and tmp dirs are where a rootful podman keeps them, in the test's own
# /run (a private tmpfs, lib.sh): so ipcscan's socket-dir walk meets
# podman's state as on a real host, and skips it as engine state.
P() {
	CONTAINERS_CONF=$PM_CONF timeout 60 podman --root "$PM_ROOT" \
		--runroot /run/containers/storage --tmpdir /run/libpod \
		--cgroup-manager cgroupfs --events-backend none "$@"
}

# shellcheck source=tests/integration/cgrm.sh
. "$T_LIBDIR/cgrm.sh"

pm_setup() {
	local d cc=${CC:-cc}

	[ "$PM_SETUP" = 0 ] || return 0
	# As root with namespaces (ns_enter checked), nothing excuses a
	# skip: .ci/packages-test installs podman and libc6-dev (libc.a).
	command -v podman >/dev/null ||
		t_bail "podman is not installed" \
			"(apt-get install podman; .ci/packages-test lists it)"
	if [ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" != cgroup2fs ]
	then
		mount -t cgroup2 none /sys/fs/cgroup ||
			t_bail "cannot mount cgroup2 on /sys/fs/cgroup"
	fi
	mkdir -p "$PM_CGBASE" || t_bail "cannot make $PM_CGBASE"
	# Dead runs' dirs: whoever made one holds a lock on it while alive.
	for d in "$PM_CGBASE"/run.*; do
		[ -d "$d" ] || continue
		if flock -n "$d" true 2>/dev/null; then
			echo "# removing a dead run's cgroup dir $d"
			cg_remove "$d"
		fi
	done
	# (another run may rmdir an empty $PM_CGBASE meanwhile: try again)
	for _ in 1 2 3; do
		mkdir -p "$PM_CGBASE" &&
			PM_CG=$(mktemp -d "$PM_CGBASE/run.XXXXXX") && break
	done
	[ -n "$PM_CG" ] || t_bail "cannot make a cgroup dir below $PM_CGBASE"
	exec {PM_CGFD}<"$PM_CG"
	flock -n "$PM_CGFD" || t_bail "cannot lock $PM_CG"

	PM_DIR=$T_WORK/podman
	PM_ROOT=$PM_DIR/root
	PM_CONF=$PM_DIR/containers.conf
	mkdir -p "$PM_DIR/img" "$PM_DIR/x/out" ||
		t_bail "cannot make $PM_DIR"
	chmod 0777 "$PM_DIR/x/out"
	cat >"$PM_CONF" <<-'EOF'
	[containers]
	cgroups = "disabled"
	default_ulimits = ["nofile=1024:1024", "nproc=1000:1000"]
	netns = "none"
	EOF
	# From here on, whatever happens, pm_cleanup runs at exit.
	# The test's own exit trap (lib.sh's _t_exit, or one that calls
	# it) runs after it, with the status the test exited with.
	PM_SETUP=1
	local prev
	eval "prev=($(trap -p EXIT))"
	PM_PREV_EXIT=${prev[2]:-_t_exit}
	trap '_pm_rc=$?; pm_cleanup; (exit $_pm_rc); eval "$PM_PREV_EXIT"' EXIT

	# The infra's image: one static binary that waits (no registry, no
	# mirror; podman's own pause image would be built at every run).
	printf '#include <unistd.h>\nint main(void){for(;;)pause();}\n' \
		>"$PM_DIR/pause.c"
	"$cc" -static -O2 -o "$PM_DIR/img/pause" "$PM_DIR/pause.c" \
		2>"$PM_DIR/cc.err" ||
		t_bail "cannot build a static pause ($cc -static; libc6-dev)" \
			"$(head -3 "$PM_DIR/cc.err")"
	tar -C "$PM_DIR/img" -cf "$PM_DIR/img.tar" . || t_bail "tar image"
	P import "$PM_DIR/img.tar" "$PM_IMG" >"$PM_DIR/import.out" 2>&1 ||
		t_bail "podman import failed" "$(tail -3 "$PM_DIR/import.out")"
	# What the containers run: mkipc, at a path of its own (the rootfs
	# overlay has only the root file system, not $T_WORK's tmpfs).
	install -m 0755 "$MKIPC" "$PM_DIR/x/mkipc" || t_bail "stage mkipc"
}

# _pm_nspid PID : the NSpid line of PID, without its name.
_pm_nspid() {
	awk '$1 == "NSpid:" { $1 = ""; sub(/^ /, ""); print }' \
		"/proc/$1/status" 2>/dev/null
}

# pm_pod POD : a pod whose infra keeps its IPC namespace (and only that),
# started. PM_POD[POD], PM_INFRA[POD], PM_INFRA_PID[POD].
pm_pod() {
	local pod=$1 out=$PM_DIR/pod-$1
	P pod create --name "$pod" --network none --share ipc \
		--share-parent=false --infra-image "$PM_IMG" \
		--infra-command /pause >"$out.create" 2>&1 ||
		t_bail "podman pod create $pod failed" "$(tail -3 "$out.create")"
	P pod start "$pod" >"$out.start" 2>&1 ||
		t_bail "podman pod start $pod failed" "$(tail -3 "$out.start")"
	PM_POD[$pod]=$(P pod inspect -f '{{.Id}}' "$pod")
	PM_INFRA[$pod]=$(P pod inspect -f '{{.InfraContainerID}}' "$pod")
	PM_INFRA_PID[$pod]=$(P inspect -f '{{.State.Pid}}' \
		"${PM_INFRA[$pod]}" 2>/dev/null)
	PM_ID[$pod-infra]=${PM_INFRA[$pod]}
	PM_PID[$pod-infra]=${PM_INFRA_PID[$pod]}
	PM_CONMON[$pod-infra]=$(P inspect -f '{{.State.ConmonPid}}' \
		"${PM_INFRA[$pod]}" 2>/dev/null)
	PM_CTPOD[$pod-infra]=${PM_POD[$pod]}
	[ "$(_pm_nspid "${PM_INFRA_PID[$pod]:-0}")" = \
		"${PM_INFRA_PID[$pod]} 1" ] ||
		t_bail "pod $pod: no infra running" \
			"pid '${PM_INFRA_PID[$pod]}' NSpid" \
			"'$(_pm_nspid "${PM_INFRA_PID[$pod]:-0}")'"
}

# pm_hold NAME [podman run options...] -- SPEC... : a detached container
# NAME whose pid 1 is "mkipc hold SPEC..." (nothing removed on exit), its
# facts in F[] as lib.sh's hold gives them, with F[NAME.pid] (and every
# LABEL.pid) translated to host pids. Bails if it does not get ready.
pm_hold() {
	local name=$1 opts=() out err i st pid line
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	[ "${1:-}" = -- ] || t_bail "pm_hold $name: no -- before the specs"
	shift
	out=$PM_DIR/x/out/$name.out
	err=$PM_DIR/x/out/$name.err
	PM_ID[$name]=$(P run -d --name "$name" --rootfs \
		-v "$PM_DIR/x:/ipcscan-x" "${opts[@]}" /:O \
		sh -c 'exec /ipcscan-x/mkipc hold "$@" \
			>/ipcscan-x/out/"$0".out 2>/ipcscan-x/out/"$0".err' \
		"$name" "$@" 2>"$PM_DIR/run-$name.err") ||
		t_bail "podman run $name failed" \
			"$(tail -3 "$PM_DIR/run-$name.err")"
	for ((i = 0; i < 500; i++)); do
		grep -qx ready "$out" 2>/dev/null && break
		st=$(P inspect -f '{{.State.Status}}' "$name" 2>&1)
		[ "$st" = running ] || [ "$st" = created ] ||
			t_bail "container $name is $st before it was ready" \
				"$(cat "$err" 2>/dev/null)"
		sleep 0.02
	done
	grep -qx ready "$out" 2>/dev/null ||
		t_bail "container $name not ready after 10 s" \
			"$(cat "$err" 2>/dev/null)"
	pid=$(pm_pid "$name") || t_bail "container $name: no host pid"
	PM_PID[$name]=$pid
	PM_CONMON[$name]=$(P inspect -f '{{.State.ConmonPid}}' "$name")
	PM_CTPOD[$name]=$(P inspect -f '{{.Pod}}' "$name")
	while IFS= read -r line; do
		case $line in
		pid=*) F[$name.pid]=$(pm_hostpid "$name" "${line#pid=}") ;;
		*.pid=*|*.cpid=*|*.waiter=*)
			F[${line%%=*}]=$(pm_hostpid "$name" "${line#*=}") ;;
		*.*=*) F[${line%%=*}]=${line#*=} ;;
		esac
	done <"$out"
}

# pm_pid NAME : the host pid of NAME's pid 1, checked through NSpid (the
# pid podman reports is one in podman's pid namespace, the test's).
pm_pid() {
	local pid
	pid=$(P inspect -f '{{.State.Pid}}' "${PM_ID[$1]:-$1}" 2>/dev/null)
	[ -n "$pid" ] && [ "$pid" != 0 ] || return 1
	[ "$(_pm_nspid "$pid")" = "$pid 1" ] || return 1
	echo "$pid"
}

# pm_hostpid NAME PID : the host pid of the process that is PID inside
# NAME's pid namespace (its NSpid line ends in PID).
pm_hostpid() {
	local init ns p nspid
	init=${PM_PID[$1]:-$(pm_pid "$1")} || return 1
	ns=$(readlink "/proc/$init/ns/pid") || return 1
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$ns" ] || continue
		nspid=$(_pm_nspid "${p#/proc/}")
		if [ "${nspid##* }" = "$2" ]; then
			echo "${p#/proc/}"
			return 0
		fi
	done
	return 1
}

# pm_kill NAME : SIGKILL NAME (the CVE-2024-3056 shape when it is in a
# pod: what it made stays in the pod's IPC namespace), and wait until
# its processes are gone and podman has seen it exit.
pm_kill() {
	local name=$1 pid=${PM_PID[$1]:-} st i
	P kill -s KILL "$name" >/dev/null 2>"$PM_DIR/kill-$name.err" ||
		t_bail "podman kill $name failed" \
			"$(cat "$PM_DIR/kill-$name.err")"
	for ((i = 0; i < 500; i++)); do
		st=$(P inspect -f '{{.State.Status}}' "$name" 2>&1)
		if [ "$st" = exited ] && { [ -z "$pid" ] ||
			[ ! -e "/proc/$pid" ]; }; then
			return 0
		fi
		sleep 0.02
	done
	t_bail "container $name still $st 10 s after SIGKILL"
}

# pm_cgroup NAME : NAME's processes (all of its pid namespace) and its
# conmon into the cgroup dirs a rootful podman with the systemd driver
# makes, below the test's own dir: machine.slice/libpod-ID.scope and
# libpod-conmon-ID.scope, in machine-libpod_pod_POD.slice for a pod's
# container (NAMESPACES.md 6; podman here gets no cgroup, section 7).
pm_cgroup() {
	local name=$1 id=${PM_ID[$1]} pod=${PM_CTPOD[$1]:-} dir init ns p
	dir=$PM_CG/machine.slice
	[ -z "$pod" ] || [ "$pod" = "<no value>" ] ||
		dir=$dir/machine-libpod_pod_$pod.slice
	mkdir -p "$dir/libpod-$id.scope" "$dir/libpod-conmon-$id.scope" ||
		t_bail "pm_cgroup $name: mkdir"
	init=${PM_PID[$name]}
	ns=$(readlink "/proc/$init/ns/pid") || t_bail "pm_cgroup $name: gone"
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$ns" ] || continue
		echo "${p#/proc/}" >"$dir/libpod-$id.scope/cgroup.procs" ||
			t_bail "pm_cgroup $name: cannot move ${p#/proc/}"
	done
	echo "${PM_CONMON[$name]}" >"$dir/libpod-conmon-$id.scope/cgroup.procs" ||
		t_bail "pm_cgroup $name: cannot move conmon ${PM_CONMON[$name]}"
}

# pm_cleanup : every container and pod (no grace period: the pause and
# mkipc ignore or outlive SIGTERM, and -t 0 saves podman's 10 s wait), the
# images and storage, the test's cgroup dir. Each step runs whatever the
# one before did.
pm_cleanup() {
	local m t i
	[ "$PM_SETUP" = 1 ] || return 0
	PM_SETUP=2
	P pod rm -f -t 0 -a >/dev/null 2>&1
	P rm -f -t 0 -a >/dev/null 2>&1
	P rmi -f -a >/dev/null 2>&1
	# conmon starts "podman container cleanup" when a container exits,
	# which may still be unmounting: wait (5 s at most) until no podman
	# or conmon runs in the test's pid namespace.
	for ((i = 0; i < 100; i++)); do
		pgrep -x 'podman|conmon' >/dev/null 2>&1 || break
		sleep 0.05
	done
	# Mounts podman left (a podman killed half way): deepest first, again
	# while any appear.
	for ((i = 0; i < 20; i++)); do
		m=$(findmnt -rn -o TARGET | grep "^$PM_DIR/" | sort -r)
		[ -n "$m" ] || break
		while read -r t; do umount -l "$t" 2>/dev/null; done <<<"$m"
		sleep 0.05
	done
	for ((i = 0; i < 20; i++)); do
		rm -rf "$PM_DIR" 2>/dev/null && break
		sleep 0.05
	done
	[ ! -e "$PM_DIR" ] || echo "# could not remove all of $PM_DIR"
	[ -z "$PM_CG" ] || cg_remove "$PM_CG"
	[ -z "$PM_CGFD" ] || exec {PM_CGFD}<&-
	rmdir "$PM_CGBASE" 2>/dev/null	# unless another run uses it
	# podman's lock file is in /dev/shm: the test's own tmpfs, gone with
	# the test's mount namespace.
}
