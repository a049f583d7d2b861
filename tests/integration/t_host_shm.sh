#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_host_shm.sh - the /dev/shm and socket dirs of every mount namespace,
# from the host: a container's own tmpfs is listed and cleaned through the
# kept directory fd (even after the container died), a tmpfs two
# containers share is one scan attributed to both, our own /dev/shm bound
# into a container (--ipc=host) is attributed to it and stays ours, an
# engine's shm mount is the container's namespace (not the host's), stale
# socket files in a container's /run are listed and removed through the
# directories the scan kept (also when the container dies between scan and
# removal, its mount namespace gone or kept only by another holder),
# hostile roots (absolute symlink, ../ escape, a host tmpfs bound in) are
# skipped with the pid and the reason and nothing outside is touched.
# shellcheck source=tests/integration/lib.sh disable=SC2016
. "$(dirname "$0")/lib.sh"
ns_enter "$@"
need_hooks
# shellcheck source=tests/integration/cgroups.sh
. "$(dirname "$0")/cgroups.sh"
export MKIPC

# The test's mount namespace plays the host (its mount table is the one
# ipcscan checks against); containers are made below $W.
W=$T_WORK/hs
mkdir -p "$W" || t_bail "cannot make $W"
ID=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef

# shellcheck source=tests/integration/containers.sh
. "$(dirname "$0")/containers.sh"

mntns() {
	stat -Lc %i "/proc/$1/ns/mnt"
}

# in_docker NAME: container NAME's process into a cgroup named as
# docker's (systemd driver), of id docker-ID_NAME (64 hex digits).
declare -A DID=()
in_docker() {
	local id
	id=$(printf '%s' "$1" | sha256sum | cut -c1-64)
	DID[$1]=$id
	mkdir -p "$CGT/system.slice/docker-$id.scope" &&
		echo "${CT[$1]}" >"$CGT/system.slice/docker-$id.scope/cgroup.procs" ||
		t_bail "cannot move container $1 into a docker cgroup"
}
# cts: the containers of the object found last (OBJ), by name, sorted,
# and how many there are: "d,g/2".
cts() {
	local ids n out=""
	ids=$(jq -r '.containers[]?.id' <<<"$OBJ" | sort)
	for n in $(printf '%s\n' "${!DID[@]}" | sort); do
		grep -qx "${DID[$n]}" <<<"$ids" && out+="${out:+,}$n"
	done
	echo "$out/$(grep -c . <<<"$ids")"
}

# a host directory that must survive
VICTIM=$W/victim
mkdir -p "$VICTIM" && echo precious >"$VICTIM/psm_precious" &&
	touch -d '2 days ago' "$VICTIM/psm_precious" || t_bail "victim"

# (a) /dev/shm an absolute symlink to the victim
newroot "$W/a"
rmdir "$W/a/dev/shm" && ln -s "$VICTIM" "$W/a/dev/shm" || t_bail "root a"
start_ct a "$W/a" "$W/a" :
# (b) a ../ escape from a chroot
newroot "$W/b"
mkdir -p "$W/b/hostdir" "$W/b/jail/usr" "$W/b/jail/dev" &&
	echo precious >"$W/b/hostdir/psm_escaped" &&
	touch -d '2 days ago' "$W/b/hostdir/psm_escaped" &&
	ln -s ../../hostdir "$W/b/jail/dev/shm" &&
	ln -s usr/lib "$W/b/jail/lib" && ln -s usr/lib64 "$W/b/jail/lib64" ||
	t_bail "root b"
start_ct b "$W/b" "$W/b/jail" :
# (c) a host tmpfs (a stand-in for /run) bound over /dev/shm
HOSTRUN=$W/hostrun
mkdir -p "$HOSTRUN" && mount -t tmpfs -o mode=0755,size=1m tmpfs "$HOSTRUN" &&
	echo 4242 >"$HOSTRUN/psm_important" &&
	touch -d '3 days ago' "$HOSTRUN/psm_important" || t_bail "hostrun"
newroot "$W/c"
start_ct c "$W/c" "$W/c" 'mount --bind '"$HOSTRUN"' "$R/dev/shm"'
# (d) a container with a private tmpfs /dev/shm and two leaked files
newroot "$W/d"
# and, in its /run, a stale socket file (one directory down too) and a FIFO
mkdir -p "$W/d/run/app" || t_bail "root d"
leak dsock unix,as=ds:"$W/d/run/d_stale.sock" \
	unix,as=ds2:"$W/d/run/app/d_stale2.sock"
mkfifo "$W/d/run/d.fifo" || t_bail "fifo"
start_ct d "$W/d" "$W/d" 'mount -t tmpfs -o mode=1777,size=1m shm "$R/dev/shm"
	echo x >"$R/dev/shm/psm_d_leak"; echo y >"$R/dev/shm/sem.d_sem"
	touch -d "2 days ago" "$R/dev/shm/psm_d_leak" "$R/dev/shm/sem.d_sem"
	mount --bind /tmp "$R/tmp"'
# (e) another one, which dies between scan and removal; a stale socket
# file and a FIFO in its /run (its root's tmpfs, in the host table)
newroot "$W/e"
start_ct e "$W/e" "$W/e" 'mount -t tmpfs -o mode=1777,size=1m shm "$R/dev/shm"
	echo x >"$R/dev/shm/psm_e_dead"; touch -d "2 days ago" "$R/dev/shm/psm_e_dead"
	"$MKIPC" leak unix:"$R/run/e_stale.sock" >/dev/null; mkfifo "$R/run/e.fifo"'
# (f) one whose /run is a tmpfs of its own mount namespace, with a stale
# socket file and a FIFO; another process keeps that namespace by an fd,
# and the container dies between scan and removal. Our /run has a file of
# the same name, which must stay.
echo decoy >/run/f_stale.sock || t_bail "decoy"
newroot "$W/f"
start_ct f "$W/f" "$W/f" 'mount -t tmpfs -o mode=0755,size=1m run "$R/run"
	"$MKIPC" leak unix:"$R/run/f_stale.sock" >/dev/null; mkfifo "$R/run/f.fifo"'
hold_ns_fd f_keeper "/proc/${CT[f]}/ns/mnt"
# (k) --ipc=host as podman and docker make it: our /dev/shm bound in
newroot "$W/k"
start_ct k "$W/k" "$W/k" 'mount --bind /dev/shm "$R/dev/shm"'
# (g, h) two containers sharing a pod's shm mount (an engine's path)
ESHM=$W/lib/containers/storage/overlay-containers/$ID/userdata/shm
mkdir -p "$ESHM" && mount -t tmpfs -o mode=1777,size=1m shm "$ESHM" &&
	echo p >"$ESHM/psm_pod" && touch -d '2 days ago' "$ESHM/psm_pod" ||
	t_bail "engine shm"
# (g) also has a directory of our /tmp, with a stale socket file, bound
# into its /run: the same file, reached twice, is listed once, as ours
mkdir -p /tmp/shared || t_bail "shared"
leak dup unix,as=dup:/tmp/shared/dup.sock
newroot "$W/g"
mkdir -p "$W/g/run/shared" || t_bail "root g"
start_ct g "$W/g" "$W/g" 'mount --bind '"$ESHM"' "$R/dev/shm"
	mount --bind /tmp/shared "$R/run/shared"'
newroot "$W/h"
start_ct h "$W/h" "$W/h" 'mount --bind '"$ESHM"' "$R/dev/shm"'
# our own /dev/shm has one too, and our /run a stale socket file
echo o >/dev/shm/psm_own && touch -d '2 days ago' /dev/shm/psm_own
leak osock unix,as=os:/run/o_stale.sock
for c in d e f g h k; do in_docker "$c"; done

list_json -t pshm,psem
obj_none "in a child pid namespace the default (-N self) reads our /dev/shm only" \
	'.name == "psm_d_leak" or .name == "psm_pod"'
list_json -N all -t pshm,psem
find_name pshm psm_d_leak
o_is .state orphan "(d) the container's leaked file is an orphan"
o_is .path /dev/shm/psm_d_leak "(d) its path is the container's"
o_is .pshm.dev "$(stat -c '%Hd:%Ld' "/proc/${CT[d]}/root/dev/shm/psm_d_leak")" \
	"(d) it is the file in the container's tmpfs"
if jqo -e '.objects[0] | has("namespace")' >/dev/null 2>&1; then
	o_is '"\(.namespace.type):\(.namespace.id)"' "mnt:$(mntns "${CT[d]}")" \
		"(d) its namespace is the container's mount namespace"
else
	t_skip "(d) its namespace is the container's mount namespace" \
		"no JSON namespace in this build yet"
fi
find_name psem d_sem
find_name pshm psm_e_dead
find_name pshm psm_own
o_is .state orphan "our own /dev/shm is listed as before"
obj_find "(g, h) the tmpfs two containers share is scanned once" \
	'.name == "psm_pod"'
t_is "$(cts)" "g,h/2" "(g, h) its file is attributed to both containers"
LOW=$(( CT[g] < CT[h] ? CT[g] : CT[h] ))
o_is '"\(.namespace.type):\(.namespace.id):\(.namespace.host)"' \
	"mnt:$(mntns "$LOW"):false" \
	"(g, h) an engine's shm mount lives in the mount namespace of the lowest pid that sees it, not the host's"
find_name pshm psm_own
t_is "$(cts)" "k/1" \
	"(k) our /dev/shm bound into a container: its files are attributed to it"
o_is '"\(.namespace.type):\(.namespace.id)"' "mnt:$(mntns $$)" \
	"(k) ... and still live in our mount namespace"
find_name pshm psm_d_leak
t_is "$(cts)" "d/1" "(d) a container's own tmpfs: only that container"
obj_none "(a) nothing of the symlinked host directory" '.name == "psm_precious"'
obj_none "(b) nothing beyond the ../ escape" '.name == "psm_escaped"'
obj_none "(c) nothing of the bound host tmpfs" '.name == "psm_important"'
err=$(cat "$T_WORK/list.err")
t_like "$err" "skipped: /dev/shm of pid ${CT[a]} is a symlink \\(mount namespace mnt:\\[$(mntns "${CT[a]}")\\]\\): its files are not listed" \
	"(a) a warning names the pid and why"
t_like "$err" "skipped: /dev/shm of pid ${CT[b]} escapes its root" \
	"(b) a warning names the pid and why"
t_like "$err" "skipped: /dev/shm of pid ${CT[c]} is a bind mount of the host's $HOSTRUN tmpfs" \
	"(c) a warning names the pid and why"
t_jq "refused /dev/shm directories leave the view complete" '.complete == true'

# socket dirs below every root, through saferoot
list_json -N all -t sockfile,fifo
find_path sockfile /run/d_stale.sock
o_is .sockfile.dev "$(stat -c '%Hd:%Ld' "$W/d/run/d_stale.sock")" \
	"(d) the stale socket file in the container's /run is listed"
o_state orphan "(d) /run/d_stale.sock"
t_is "$(cts)" "d/1" "(d) it is attributed to that container"
find_path sockfile /run/app/d_stale2.sock
find_path fifo /run/d.fifo
t_is "$(cts)" "d/1" "(d) its FIFO too"
obj_find "(g) a socket file of ours bound into a container is listed once" \
	'.kind == "sockfile" and .sockfile.ino == $i' \
	--argjson i "$(stat -c %i /tmp/shared/dup.sock)"
o_is .path /tmp/shared/dup.sock "(g) ... by our path"
o_is '"\(.namespace.type):\(.namespace.id)"' "mnt:$(mntns $$)" \
	"(g) ... in our mount namespace"
t_is "$(cts)" "d,g/2" \
	"(d, g) ... attributed to the container it is bound into and to the one our /tmp is bound into"
find_path sockfile /run/o_stale.sock
o_is .sockfile.ino "$(stat -c %i /run/o_stale.sock)" \
	"our own stale socket file, as before"
t_is "$(cts)" "/0" "our /run is in no container: a host object"
obj_find "(f) the stale socket file in a container's private /run is listed" \
	'.kind == "sockfile" and .sockfile.ino == $i' \
	--argjson i "$(stat -c %i "/proc/${CT[f]}/root/run/f_stale.sock")"
o_is '"\(.path):\(.state):\(.namespace.id)"' \
	"/run/f_stale.sock:orphan:$(mntns "${CT[f]}")" \
	"(f) ... by its path there, an orphan, in its mount namespace"
find_path sockfile /run/e_stale.sock
o_state orphan "(e) /run/e_stale.sock"
err=$(cat "$T_WORK/list.err")
t_is "$(grep -c "/tmp of pid ${CT[d]}" <<<"$err")" 0 \
	"(d) its /tmp is our own /tmp bound in: walked once, as ours, no warning"
t_like "$err" "skipped: /dev/shm of pid ${CT[c]} is a bind mount of the host's $HOSTRUN tmpfs \\(dev [0-9:]+\\) \\(mount namespace mnt:\\[[0-9]+\\]\\): socket files and FIFOs there are not listed" \
	"(c) a host tmpfs bound over /dev/shm is no socket dir either"
t_like "$err" "skipped: /dev/shm of pid ${CT[a]} is a symlink \\(mount namespace mnt:\\[[0-9]+\\]\\): socket files and FIFOs there are not listed" \
	"(a) the symlinked /dev/shm is no socket dir either"
t_jq "the view is complete" '.complete == true'

# a pid reused between the process list and the root's open: played by
# a start time one tick off the table's; each root is then refused, the
# files of no view are listed, and the view is incomplete
IPCSCAN_TEST_START_SKEW=1 list_json -N all -t pshm,psem
obj_none "a reused pid: none of the containers' files are listed" \
	'.name == "psm_d_leak" or .name == "psm_pod" or .name == "psm_e_dead"'
find_name pshm psm_own
t_jq "a reused pid: the view is incomplete" '.complete == false'
t_like "$(cat "$T_WORK/list.err")" "mount namespace mnt:\\[$(mntns "${CT[d]}")\\] not read: pid ${CT[d]} is another process now \\(started at tick [0-9]+, not [0-9]+\\)" \
	"(d) a reused pid: a warning names the namespace, the pid and why"

# gc: the container's leftovers go, through the kept fd; (e) and (f) die
# after the scan: (e)'s kept fd still removes from its detached tmpfs and
# from its /run, (f)'s from the /run of a namespace another process keeps
pe=${CT[e]} pf=${CT[f]}
fns=$(mntns "$pf")
gc_hooked "gc as (e) and (f) die" 'kill -KILL '"$pe $pf"'
	while [ -e /proc/'"$pe"' ] || [ -e /proc/'"$pf"' ]; do sleep 0.01; done' \
	-N all -t pshm,psem,sockfile,fifo
unset 'T_PIDS[ct_e]' 'T_PIDS[ct_f]'
t_is "$GC_RC" 0 "gc: exit 0"
t_gjq "(d) its leaked file is removed" \
	'[.actions[] | select(.name == "psm_d_leak") | .action] == ["removed"]'
t_gjq "(d) its semaphore is removed" \
	'[.actions[] | select(.name == "d_sem") | .action] == ["removed"]'
t_gjq "(e) the dead container's file is removed through the kept fd" \
	'[.actions[] | select(.name == "psm_e_dead") | .action] == ["removed"]'
t_gjq "(g, h) the pod's file is acted on once" \
	'[.actions[] | select(.name == "psm_pod") | .action] == ["removed"]'
t_gjq "nothing of the hostile roots is acted on" \
	'[.actions[] | select((.name // .path) | test("precious|escaped|important"))] == []'
t_gjq "the stale socket files are removed, each once" \
	'[.actions[] | select(.kind == "sockfile") | "\(.path):\(.action)"] |
	 sort == ["/run/app/d_stale2.sock:removed", "/run/d_stale.sock:removed",
		  "/run/e_stale.sock:removed", "/run/f_stale.sock:removed",
		  "/run/o_stale.sock:removed", "/tmp/shared/dup.sock:removed"]'
t_gjq "no FIFO is acted on" '[.actions[] | select(.kind == "fifo")] == []'
t_ok "(e) its socket file is gone from its /run, after it died" \
	test ! -e "$W/e/run/e_stale.sock"
t_ok "(e) its FIFO stays" test -p "$W/e/run/e.fifo"
t_is "$(stat -Lc %i "/proc/${T_PIDS[f_keeper]}/fd/3" 2>&1)" "$fns" \
	"(f) its mount namespace is still kept, by the other process"
# (setns lands on the namespace's root, not the chroot: its /run is at
# $W/f/run there)
t_is "$(nsenter --mount="/proc/${T_PIDS[f_keeper]}/fd/3" ls -A "$W/f/run" 2>&1)" \
	"f.fifo" "(f) its socket file is gone from its /run, its FIFO stays"
t_is "$(cat /run/f_stale.sock)" decoy \
	"(f) our own /run file of the same name is untouched"
stop f_keeper
t_ok "(d) the socket files are gone from the container's /run" \
	test ! -e "$W/d/run/d_stale.sock" -a ! -e "$W/d/run/app/d_stale2.sock"
t_ok "(d) its FIFO stays" test -p "$W/d/run/d.fifo"
t_ok "(d) the file is gone from the container's tmpfs" \
	test ! -e "/proc/${CT[d]}/root/dev/shm/psm_d_leak"
t_ok "(g) the pod's file is gone" test ! -e "$ESHM/psm_pod"
t_is "$(cat "$VICTIM/psm_precious" "$W/b/hostdir/psm_escaped" \
	"$HOSTRUN/psm_important")" $'precious\nprecious\n4242' \
	"the host's files are all still there"
t_like "$(cat "$T_GC.err")" "skipped: /dev/shm of pid ${CT[c]} is a bind mount" \
	"gc says what it skipped"
# a mount namespace that no task is in, kept by a descriptor: a shell
# opens its ns file while its task lives, that task exits, the shell
# sleeps on (a bind mount of a mount namespace file fails with EINVAL
# about half the time on these kernels: an fd is the steady way). It has
# a /dev/shm and a /tmp of its own, with a leaked file and a stale socket
# file: read through the namespace's own root (a thread enters it).
unshare --mount --propagation private sh -c 'set -e
	mount -t tmpfs -o mode=1777 tmpfs /dev/shm
	mount -t tmpfs -o mode=1777 tmpfs /tmp
	echo x >/dev/shm/psm_tl_leak
	touch -d "2 days ago" /dev/shm/psm_tl_leak
	"$1" leak unix,as=tl:/tmp/tl_stale.sock >/dev/null
	mkdir -p /tmp/d1/d2/d3/d4
	exec sleep 1000' sh "$MKIPC" &
pu=$!
T_PIDS[tl_task]=$pu
for _ in $(seq 500); do
	[ "$(cat "/proc/$pu/comm" 2>/dev/null)" = sleep ] && break
	sleep 0.01
done
t_is "$(cat "/proc/$pu/comm" 2>/dev/null)" sleep \
	"setup: the taskless namespace's files are made"
tl=$(mntns "$pu") || t_bail "taskless: no namespace"
[ "$tl" != "$(mntns $$)" ] || t_bail "taskless: unshare did not take"
hold_ns_fd tl_fd "/proc/$pu/ns/mnt"
t_is "$(stat -Lc %i "/proc/${T_PIDS[tl_fd]}/fd/3" 2>/dev/null)" "$tl" \
	"taskless: a shell holds the mount namespace by an fd"
stop tl_task
TLNS=/proc/${T_PIDS[tl_fd]}/fd/3
list_json -N all -t pshm,psem,sockfile,fifo
t_jq "taskless: the mount namespace is read, the view complete" \
	'.complete == true' --arg n "$tl"
t_jq "taskless: its one warning (a directory too deep) names the namespace, no pid" \
	'[.warnings[] | select(test("mnt:\\[" + $n + "\\]"))] == ["socket dirs of mount namespace mnt:[" + $n + "]: 1 directory below depth 4 not searched for socket files and FIFOs: /tmp/d1/d2/d3/d4"]' \
	--arg n "$tl"
obj_find "taskless: its leaked /dev/shm file is listed, in it" \
	'.kind == "pshm" and .name == "psm_tl_leak" and
	 .namespace.id == ($n | tonumber)' --arg n "$tl"
o_is .path /dev/shm/psm_tl_leak "taskless: the file's path is the namespace's"
o_state orphan "taskless: the leaked file"
o_is .pshm.dev "$(nsenter --mount="$TLNS" stat -c '%Hd:%Ld' \
	/dev/shm/psm_tl_leak)" "taskless: the file is its tmpfs's"
obj_find "taskless: its stale socket file is listed, in it" \
	'.kind == "sockfile" and .path == "/tmp/tl_stale.sock" and
	 .namespace.id == ($n | tonumber)' --arg n "$tl"
o_state orphan "taskless: the stale socket file"
# the same with the BPF holder pass: its fd walk meets the shell's nsfs
# file, which discovery (leaving the fd tables to it) had not seen
list_json -N all --holders=bpf -t pshm,psem,sockfile,fifo
t_is "$(jq -c '[.holder_pass, .holder_pass_why]' "$T_JSON")" \
	'["bpf",null]' "taskless (bpf): the BPF holder pass ran"
t_jq "taskless (bpf): the mount namespace is read, the view complete" \
	'.complete == true'
t_jq "taskless (bpf): its one warning is the directory too deep" \
	'[.warnings[] | select(test("mnt:\\[" + $n + "\\]"))] == ["socket dirs of mount namespace mnt:[" + $n + "]: 1 directory below depth 4 not searched for socket files and FIFOs: /tmp/d1/d2/d3/d4"]' \
	--arg n "$tl"
obj_find "taskless (bpf): its leaked /dev/shm file is listed, in it" \
	'.kind == "pshm" and .name == "psm_tl_leak" and
	 .namespace.id == ($n | tonumber)' --arg n "$tl"
gc_json -N all --min-age 0 -t pshm,sockfile
t_gjq "taskless: gc removes both, through the directories it scanned" \
	'[.actions[] | select(.action == "removed" and
	  (.path | IN("/dev/shm/psm_tl_leak", "/tmp/tl_stale.sock")))] |
	 length == 2'
t_is "$(nsenter --mount="$TLNS" sh -c \
	'ls -A /dev/shm; rm -r /tmp/d1; ls -A /tmp')" "" \
	"taskless: its /dev/shm and /tmp are empty now"
# the same namespace when it cannot be entered (a test build refuses the
# setns): not read, the view is incomplete, one warning names it, what
# holds it and why
IPCSCAN_TEST_NO_MNT_SETNS=1 list_json -N all -t pshm,psem,sockfile,fifo
t_jq "taskless, not entered: the view is incomplete" '.complete == false'
t_jq "taskless, not entered: one warning names the namespace and why" \
	'[.warnings[] | select(test("mnt:\\[" + $n + "\\]"))] | length == 1 and
	 (.[0] | test("not read: no process is in it \\(held only by a descriptor of pid " + $p + "\\), and its root cannot be reached: setns: "))' \
	--arg n "$tl" --arg p "${T_PIDS[tl_fd]}"
stop tl_fd
list_json -N all -t pshm,psem,sockfile,fifo
t_jq "taskless: once it is gone, the view is complete again" \
	'.complete == true'
t_done
