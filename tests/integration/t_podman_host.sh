#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_podman_host.sh - a real podman host in the test's own namespaces: the
# CVE-2024-3056 shape (a pod sharing IPC whose container is SIGKILLed,
# leaving its objects in the pod's IPC namespace), a live container beside
# it and one with --ipc=host, checked with the modules issue 13 landed
# (nsdisc, container attribution, saferoot) and with ipcs, lsipc and
# nsenter; and what today's ipcscan, which sees its own IPC namespace
# and every /dev/shm tmpfs,
# makes of it.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2317,SC2015
# shellcheck disable=SC2010,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"
# shellcheck source=tests/integration/podman.sh
. "$T_LIBDIR/podman.sh"

for h in nsdisc_dump ctattr saferoot_probe; do
	[ -x "$HELPERS/$h" ] || t_bail "no helper at $HELPERS/$h"
done
command -v lsipc >/dev/null && command -v ipcs >/dev/null &&
	command -v nsenter >/dev/null || t_bail "needs lsipc, ipcs, nsenter"

T0=$(date +%s%N)
ms() { echo $((($(date +%s%N) - T0) / 1000000)); }

pm_setup
echo "# setup (image built and imported): $(ms) ms"

# ------------------------------------------------------------- the host

pm_pod cve
INFRA=${PM_INFRA_PID[cve]}
POD=${PM_POD[cve]}
echo "# pod up: $(ms) ms"
pm_hold leaker --pod cve -- shm,size=65536,as=lshm:0x5151 \
	sem,n=2,as=lsem:0x5152 msg,as=lmsg:0x5153 pshm,as=lpshm:psm_leak \
	psem,as=lpsem:leaksem mq,as=lmq:leakq
pm_hold live --pod cve -- shm,as=vshm:0x6161 pshm,as=vpshm:psm_live \
	mq,as=vmq:liveq
pm_hold hostipc --ipc=host -- shm,as=hshm:0x7171 pshm,as=hpshm:psm_host
echo "# three containers ready: $(ms) ms"
LEAKER=${PM_PID[leaker]}
pm_kill leaker
echo "# leaker killed: $(ms) ms"

SELF_IPC=$(stat -L -c %i /proc/self/ns/ipc)
POD_IPC=$(stat -L -c %i "/proc/$INFRA/ns/ipc")
t_is "$(_pm_nspid "${PM_PID[live]}")" "${PM_PID[live]} 1" \
	"the live container's pid 1 is host pid ${PM_PID[live]} (NSpid)"
t_is "${F[live.pid]}" "${PM_PID[live]}" \
	"mkipc's own pid in the live container, translated, is that pid"
t_is "$(stat -L -c %i "/proc/${PM_PID[live]}/ns/ipc")" "$POD_IPC" \
	"the live container is in the infra's IPC namespace"
t_is "$(stat -L -c %i "/proc/${PM_PID[hostipc]}/ns/ipc")" "$SELF_IPC" \
	"the --ipc=host container is in the test's IPC namespace"
t_like "$POD_IPC" '^[0-9]+$' "the pod has an IPC namespace of its own"
[ "$POD_IPC" != "$SELF_IPC" ] && t_pass "... not the test's" ||
	t_fail "the pod's IPC namespace is not the test's" "both $POD_IPC"
# conmon double-forks: it is the test's pid 1's child now, not a process
# of the host's pid namespace (the test's init reaps it).
t_is "$(awk '$1 == "PPid:" { print $2 }' "/proc/${PM_CONMON[live]}/status")" \
	1 "the live container's conmon is a child of the test's pid 1"
t_is "$([ -e "/proc/$LEAKER" ] && echo alive || echo gone)" gone \
	"the SIGKILLed leaker (host pid $LEAKER) is gone"

# -------------------------------------------------------------- nsdisc

# nsline INO: nsdisc_dump's line for IPC namespace INO.
nsdisc() { "$HELPERS/nsdisc_dump" >"$T_WORK/nsdisc.out" 2>&1; }
nsline() { grep "^ns ipc $1 " "$T_WORK/nsdisc.out"; }
nsfield() { sed -n "s/.* $2=\\([^ ]*\\).*/\\1/p" <<<"$1"; }

nsdisc || t_fail "nsdisc_dump ran" "$(tail -3 "$T_WORK/nsdisc.out")"
t_is "$(awk '$1 == "ns" && $2 == "ipc" { print $3 }' \
	"$T_WORK/nsdisc.out" | sort -n | tr '\n' ' ')" \
	"$(printf '%s\n' "$SELF_IPC" "$POD_IPC" | sort -n | tr '\n' ' ')" \
	"nsdisc: exactly two IPC namespaces, the test's and the pod's"
L=$(nsline "$POD_IPC")
t_is "$(nsfield "$L" via)" task, "nsdisc: the pod's is held by tasks"
# The infra's pause and the live container's mkipc: the leaker is dead.
t_is "$(nsfield "$L" tasks)" 2 "nsdisc: the pod's has 2 tasks"
t_like "$(nsfield "$L" pid)" "^($INFRA|${PM_PID[live]})\$" \
	"nsdisc: its task is the infra's or the live container's"
t_is "$(nsfield "$L" initial)/$(nsfield "$L" fdok)" 0/1 \
	"nsdisc: not initial, its descriptor still that namespace"
L=$(nsline "$SELF_IPC")
# Every task of the test is there: at least this shell, podman's conmons
# and the --ipc=host container's mkipc.
t_like "$(nsfield "$L" tasks)" '^([3-9]|[1-9][0-9]+)$' \
	"nsdisc: the test's has this shell's, conmons' and mkipc's tasks"
grep -q ' complete=1$' "$T_WORK/nsdisc.out" &&
	t_pass "nsdisc: the view is complete" ||
	t_fail "nsdisc: the view is complete" "$(tail -1 "$T_WORK/nsdisc.out")"

# ------------------------------------------------- ipcs, lsipc, nsenter

# sysv WHO -m|-s|-q : "KEY N" lines from lsipc (N: nattch, nsems or
# messages), in the IPC namespace of pid WHO ("self": the test's).
sysv() {
	local who=$1 col
	case $2 in -m) col=NATTCH ;; -s) col=NSEMS ;; -q) col=MSGS ;; esac
	if [ "$who" = self ]; then
		lsipc "$2" --noheadings -r -o KEY,"$col"
	else
		nsenter -t "$who" -i lsipc "$2" --noheadings -r -o KEY,"$col"
	fi 2>&1 | sort | tr '\n' ' '
}
# The same from ipcs (key in $1; nattch $6, nsems $5, messages $6).
ipcs_of() {
	local f
	case $2 in -m) f=6 ;; -s) f=5 ;; -q) f=6 ;; esac
	if [ "$1" = self ]; then ipcs "$2"; else nsenter -t "$1" -i ipcs "$2"; fi |
		awk -v f="$f" '$1 ~ /^0x/ { print $1, $f }' | sort | tr '\n' ' '
}

t_is "$(sysv "$INFRA" -m)" "0x00005151 0 0x00006161 1 " \
	"lsipc in the pod: the leaker's segment (nattch 0) and the live one"
t_is "$(ipcs_of "$INFRA" -m)" "0x00005151 0 0x00006161 1 " \
	"ipcs in the pod: the same segments"
t_is "$(sysv "$INFRA" -s)" "0x00005152 2 " \
	"lsipc in the pod: the leaker's semaphore set of 2"
t_is "$(ipcs_of "$INFRA" -s)" "0x00005152 2 " "ipcs in the pod: the same"
t_is "$(sysv "$INFRA" -q)" "0x00005153 1 " \
	"lsipc in the pod: the leaker's queue with its message"
t_is "$(ipcs_of "$INFRA" -q)" "0x00005153 1 " "ipcs in the pod: the same"
t_is "$(sysv self -m)" "0x00007171 1 " \
	"lsipc here: only the --ipc=host container's segment"
t_is "$(ipcs_of self -m)$(ipcs_of self -s)$(ipcs_of self -q)" \
	"0x00007171 1 " "ipcs here: the same, no set, no queue"
t_is "$(sysv self -s)$(sysv self -q)" "" "lsipc here: no set, no queue"

# The POSIX objects, seen from inside the live container.
t_is "$(nsenter -t "${PM_PID[live]}" -m ls -A /dev/shm | tr '\n' ' ')" \
	"psm_leak psm_live sem.leaksem " \
	"the pod's /dev/shm: the leaker's files and the live one's"
t_is "$(nsenter -t "${PM_PID[live]}" -m ls -A /dev/mqueue | tr '\n' ' ')" \
	"leakq liveq " "the pod's /dev/mqueue: both queues"
# shellcheck disable=SC2012
t_is "$(ls -A /dev/shm | tr '\n' ' ')" "libpod_lock psm_host " \
	"the test's /dev/shm: podman's lock file, the --ipc=host container's"

# ------------------------------------------------------ attribution

pm_cgroup cve-infra
pm_cgroup live
pm_cgroup hostipc
attr() {
	"$HELPERS/ctattr" --root / --podman-storage "$PM_ROOT" "$1" |
		grep "^$1 "
}
P12=${POD:0:12}
L=$(attr "$INFRA")
t_is "$(cut -d' ' -f2-5 <<<"$L")" \
	"podman:$P12/$P12-infra engine=podman id=${PM_INFRA[cve]} name=$P12-infra" \
	"ctattr: the infra is the pod's infra container"
t_like "$L" " pod_id=$POD .* monitor=0 " "ctattr: the infra: pod id, payload"
L=$(attr "${PM_PID[live]}")
t_is "$(cut -d' ' -f2-5 <<<"$L")" \
	"podman:$P12/live engine=podman id=${PM_ID[live]} name=live" \
	"ctattr: the live container, by name, in the pod"
t_like "$L" " pod_id=$POD .* monitor=0 " "ctattr: live: pod id, payload"
L=$(attr "${PM_CONMON[live]}")
t_is "$(cut -d' ' -f2-5 <<<"$L")" \
	"podman:$P12/live engine=podman id=${PM_ID[live]} name=live" \
	"ctattr: the live container's conmon: the same container"
t_like "$L" " monitor=1 " "ctattr: conmon is its monitor"
t_is "$(tr '\0' ' ' <"/proc/${PM_CONMON[live]}/cmdline" | cut -d' ' -f1)" \
	/usr/bin/conmon "the monitor pid is conmon's"

# ---------------------------------------------------------- saferoot

"$HELPERS/saferoot_probe" "$INFRA" dev/shm >"$T_WORK/sr.out" 2>&1
t_like "$(sed -n 2p "$T_WORK/sr.out")" ' fs=tmpfs host=engine-shm$' \
	"saferoot: the pod's /dev/shm is podman's shm mount"
t_is "$(sed -n 's/^entry //p' "$T_WORK/sr.out" | tr '\n' ' ')" \
	"psm_leak psm_live sem.leaksem " "saferoot: the leftovers are listed"
MP=$(findmnt -rn -o TARGET |
	grep "/overlay-containers/${PM_INFRA[cve]}/userdata/shm\$")
t_is "$(sed -n 's/^dir dev=\([0-9:]*\) .*/\1/p' "$T_WORK/sr.out")" \
	"$(stat -c %Hd:%Ld "$MP" 2>&1)" \
	"saferoot: the directory reached is the infra's userdata/shm"
"$HELPERS/saferoot_probe" "${PM_PID[hostipc]}" dev/shm >"$T_WORK/sr.out" 2>&1
t_like "$(sed -n 2p "$T_WORK/sr.out")" ' fs=tmpfs host=host-shm$' \
	"saferoot: the --ipc=host container's /dev/shm is the host's"

# ----------------------------------------------------- today's ipcscan

# The pod's objects: its SysV objects and queues in the pod's IPC
# namespace, its /dev/shm files on a tmpfs of the pod's own (seen by the
# infra and both containers). The test's pid namespace is not the initial
# one, so the default scope is -N self (the 0.1 view): none of them is
# listed or removed. -N all makes every namespace a source: the leaker's
# are orphans, the live container's in use, and gc removes exactly the
# leaker's.
POD_SEL='((.kind == "shm" or .kind == "sem" or .kind == "msg") and
	(.key | IN("0x00005151", "0x00005152", "0x00005153", "0x00006161"))) or
	(.kind == "mqueue" and (.name | IN("leakq", "liveq")))'
POD_FILES='(.kind == "pshm" or .kind == "psem") and
	(.name | IN("psm_leak", "leaksem", "psm_live"))'
list_json -N all
t_jq "list -N all: the pod's 6 SysV objects and queues, the leaker's 4 orphans" \
	"[.objects[] | select($POD_SEL)] | length == 6 and
	 ([.[] | select(.state == \"orphan\")] | length == 4)"
t_jq "list -N all: the pod's 3 /dev/shm files, once each, the leaker's 2 orphans" \
	"[.objects[] | select($POD_FILES)] | length == 3 and
	 ([.[] | select(.state == \"orphan\")] | length == 2) and
	 ([.[] | select(.name == \"psm_live\")][0].state == \"in-use\")"
t_jq "list -N all: the pod's objects are in namespaces that are not the host's" \
	"[.objects[] | select(($POD_SEL) or ($POD_FILES)) |
	  .namespace.host] | unique == [false]"
# The pod's /dev/shm is one tmpfs that the infra and the live container
# both see (podman's userdata/shm bound into each): every file of it is
# attributed to both, as its SysV objects are, wherever it was found.
PODCTS=$(printf '%s\n' "${PM_INFRA[cve]}" "${PM_ID[live]}" | sort |
	jq -R . | jq -sc .)
t_jq "list -N all: the pod's /dev/shm files are attributed to the infra and the live container" \
	"[.objects[] | select($POD_FILES) | [.containers[].id] | sort] |
	 unique == [$PODCTS]"
t_jq "list -N all: so are its SysV objects and queues" \
	"[.objects[] | select($POD_SEL) | [.containers[].id] | sort] |
	 unique == [$PODCTS]"
# --ipc=host binds the test's /dev/shm into the container: its files stay
# the test's (our mount namespace) and are attributed to that container,
# as the SysV objects of our IPC namespace are.
HOSTCT='["'${PM_ID[hostipc]}'"]'
t_jq "list -N all: psm_host, in our /dev/shm, is attributed to the --ipc=host container" \
	"[.objects[] | select(.kind == \"pshm\" and .name == \"psm_host\") |
	  [([.containers[].id] == $HOSTCT), .namespace.id]] ==
	 [[true, $(stat -L -c %i /proc/self/ns/mnt)]]"
t_jq "list -N all: so is its segment in our IPC namespace" \
	"[.objects[] | select(.kind == \"shm\" and .key == \"0x00007171\") |
	  [.containers[].id] == $HOSTCT] == [true]"
list_json
obj_none "list: in a child pid namespace the default (-N self) lists none of
	the pod's SysV objects and queues" "$POD_SEL"
obj_none "list: in a child pid namespace the default (-N self) lists none of
	the pod's /dev/shm files" "$POD_FILES"
# What is the test's own is listed, held by the --ipc=host container's
# process under its host pid.
# (SysV ids are per IPC namespace: the pod's namespace has a shmid 0 too)
if obj_find "shm id ${F[hshm.id]} of our IPC namespace is listed once" \
	'.kind == "shm" and .id == $id and .namespace.id == $ns' \
	--argjson id "${F[hshm.id]}" \
	--argjson ns "$(stat -L -c %i /proc/self/ns/ipc)"; then
	o_is .key "${F[hshm.key]}" "the --ipc=host segment's key"
	o_state in-use "the --ipc=host segment"
	o_holders "${F[hostipc.pid]}:attach" "it is held by the container's mkipc"
fi
if find_name pshm psm_host; then
	o_state in-use "/dev/shm/psm_host"
	o_holders "${F[hostipc.pid]}:fd" "it is held by the container's mkipc"
fi

# podman's lock segment is in the test's /dev/shm, made by pm_setup's
# first podman command as root, mode 0600. No podman process maps it
# between commands (conmon does not, nor the containers): it is podman's
# state all the same, every container's lock number is in it, so it is
# kept by its name, and the gc below leaves it.
LOCK_INO=$(stat -c %i /dev/shm/libpod_lock 2>&1)
t_is "$(stat -c '%U %a %F' /dev/shm/libpod_lock 2>&1)" \
	"root 600 regular file" "podman made /dev/shm/libpod_lock: root, 0600"
t_is "$(for p in /proc/[0-9]*; do
	grep -l ' /dev/shm/libpod_lock$' "$p/maps" 2>/dev/null
	ls -l "$p/fd" 2>/dev/null | grep -q ' /dev/shm/libpod_lock$' &&
		echo "$p"
done)" "" "no process maps or opens libpod_lock between podman commands"
if find_name pshm libpod_lock; then
	o_is '"\(.state): \(.reason)"' "unknown: podman's lock segment \
(libpod_lock): podman maps it only while a command runs; kept" \
		"list: libpod_lock is unknown, kept as podman's lock segment"
	o_holders "" "list: libpod_lock has no holder"
fi
gc_json --min-age 0
t_gjq "gc: by default no action on the pod's SysV objects and queues" \
	"[.actions[] | select($POD_SEL)] == []"
t_gjq "gc: by default no action on the pod's /dev/shm files" \
	"[.actions[] | select($POD_FILES)] == []"
t_gjq "gc: no action on libpod_lock" \
	'[.actions[] | select(.name == "libpod_lock")] == []'
gc_json --min-age 0 -N all
t_gjq "gc -N all: the leaker's 4 SysV objects and queues removed, nothing else" \
	"[.actions[] | select($POD_SEL)] | length == 4 and
	 all(.[]; .action == \"removed\")"
t_gjq "gc -N all: the leaker's 2 /dev/shm files removed, nothing else of the pod's" \
	"[.actions[] | select($POD_FILES) | \"\\(.name):\\(.action)\"] | sort ==
	 [\"leaksem:removed\", \"psm_leak:removed\"]"
t_gjq "gc -N all: no action on libpod_lock" \
	'[.actions[] | select(.name == "libpod_lock")] == []'
t_is "$(stat -c %i /dev/shm/libpod_lock 2>&1)" "$LOCK_INO" \
	"after gc: /dev/shm/libpod_lock is there, the same inode"
want="0x00006161 1 "
want2="/dev/mqueue: liveq  /dev/shm: psm_live "
what="only the live container's left"
t_is "$(sysv "$INFRA" -m)$(sysv "$INFRA" -s)$(sysv "$INFRA" -q)" \
	"$want" "after gc: the pod's SysV objects: $what"
t_is "$(nsenter -t "${PM_PID[live]}" -m ls -A /dev/shm /dev/mqueue |
	tr '\n' ' ')" "$want2" \
	"after gc: the pod's queues: $what; its files: only the live one's"
t_is "$(sysv self -m)" "0x00007171 1 " "after gc: the host segment is there"
t_is "$(_pm_nspid "$INFRA")/$(_pm_nspid "${PM_PID[live]}")" \
	"$INFRA 1/${PM_PID[live]} 1" \
	"after gc: the infra and the live container still run"

# The live container goes: the infra alone keeps the namespace.
P rm -f -t 0 live >/dev/null 2>&1
nsdisc
L=$(nsline "$POD_IPC")
t_is "$(nsfield "$L" tasks) $(nsfield "$L" pid)" "1 $INFRA" \
	"nsdisc: with the live container gone, the infra is the one task"
want="0x00006161 0 "
t_is "$(sysv "$INFRA" -m)" "$want" \
	"the live container's segment stays, now unattached"

echo "# checks done: $(ms) ms"

# Cleanup, as at exit, checked: nothing of podman's runs or stays mounted.
pm_cleanup
echo "# cleaned up: $(ms) ms"
left=$(for p in /proc/[0-9]*; do
	c=$(cat "$p/comm" 2>/dev/null) || continue
	case $c in conmon|pause|mkipc|podman|crun) echo "${p#/proc/}:$c" ;; esac
done)
t_is "$left" "" "after pm_cleanup: no conmon, pause, mkipc, podman left"
t_is "$(findmnt -rn -o TARGET | grep -c "^$PM_DIR/")" 0 \
	"after pm_cleanup: nothing mounted below $PM_DIR"
t_is "$([ -e "$PM_DIR" ] || [ -e "$PM_CG" ] && echo left || echo gone)" \
	gone "after pm_cleanup: storage and cgroup dirs are gone"
t_done
