#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_nsdisc.sh - namespace discovery (src/nsdisc.c) through its test driver
# nsdisc_dump: every IPC namespace is found exactly once, however it is
# held: by a sleeping task, by a thread alone, by an fd in another
# process, by a bind mount (also one visible only in a private mount
# namespace, and one in a mount namespace that no task is in), plus a
# network namespace made by ip netns add; a zombie is
# no error; an mqueue mount whose IPC namespace is gone is a finding of
# its own, reachable through its descriptor, while mqueue mounts of live
# namespaces are not. lsns sees only the namespaces with processes (not
# even the one a thread alone is in). Churn does not break it.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

DUMP=$HELPERS/nsdisc_dump
NST=$HELPERS/nsthread
if [ ! -x "$DUMP" ] || [ ! -x "$NST" ]; then
	t_bail "no nsdisc_dump/nsthread in $HELPERS"
fi
command -v lsns >/dev/null || t_skip_all "needs lsns(1)"
command -v nsenter >/dev/null || t_skip_all "needs nsenter(1)"

ino_of() {
	stat -L -c %i "$1" 2>/dev/null
}
OWN_IPC=$(ino_of /proc/self/ns/ipc)
OWN_MNT=$(ino_of /proc/self/ns/mnt)

# wait_ns PID OLD : until the IPC namespace of PID is no longer OLD.
wait_ns() {
	local i cur
	for ((i = 0; i < 500; i++)); do
		cur=$(ino_of "/proc/$1/ns/ipc")
		[ -n "$cur" ] && [ "$cur" != "$2" ] && return 0
		sleep 0.01
	done
	t_bail "process $1 did not enter a new IPC namespace"
}


# ------------------------------------------------------------ setup

# A: a sleeping task in an IPC namespace of its own.
unshare --ipc sleep 1000 &
T_PIDS[a]=$!
A=${T_PIDS[a]}
wait_ns "$A" "$OWN_IPC"
A_INO=$(ino_of "/proc/$A/ns/ipc")

# B: only a thread is in it; the process's main thread is in ours.
"$NST" >"$T_WORK/nst.out" 2>&1 &
T_PIDS[b]=$!
wait_line "$T_WORK/nst.out" ready
BP=$(sed -n 's/^pid=//p' "$T_WORK/nst.out")
BT=$(sed -n 's/^tid=//p' "$T_WORK/nst.out")
B_INO=$(ino_of "/proc/$BP/task/$BT/ns/ipc")
t_is "$(ino_of "/proc/$BP/ns/ipc")" "$OWN_IPC" \
	"setup: the thread-only process's main thread is in our namespace"

# C: held only by fd 3 of a process in our namespace; its task is gone.
unshare --ipc sleep 1000 &
X=$!
wait_ns "$X" "$OWN_IPC"
C_INO=$(ino_of "/proc/$X/ns/ipc")
bash -c 'exec 3<"/proc/$1/ns/ipc" && echo held && exec sleep 1000' sh "$X" \
	>"$T_WORK/c.out" &
T_PIDS[c]=$!
H=${T_PIDS[c]}
wait_line "$T_WORK/c.out" held
kill "$X"
wait "$X" 2>/dev/null
t_is "$(readlink "/proc/$H/fd/3")" "ipc:[$C_INO]" \
	"setup: the fd holder keeps the namespace of the reaped task"

# D: held only by a bind mount in our mount namespace, at a path with
# spaces.
if ! { mkdir -p "/run/ns dir" && touch "/run/ns dir/ipc b" &&
	unshare --ipc="/run/ns dir/ipc b" true; }; then
	t_bail "cannot bind an IPC namespace"
fi
D_INO=$(stat -c %i "/run/ns dir/ipc b")

# E: a network namespace the ip netns way.
ip netns add nsdisc_t || t_bail "ip netns add failed"
E_INO=$(stat -c %i /run/netns/nsdisc_t)

# F: a bind mount that only a private mount namespace has.
unshare --mount --propagation private sh -c 'touch /run/ipcpriv &&
	unshare --ipc=/run/ipcpriv true && echo bound && exec sleep 1000' \
	>"$T_WORK/f.out" 2>&1 &
T_PIDS[f]=$!
FP=${T_PIDS[f]}
wait_line "$T_WORK/f.out" bound
F_INO=$(nsenter -t "$FP" -m stat -c %i /run/ipcpriv)
F_MNT=$(ino_of "/proc/$FP/ns/mnt")
t_is "$(stat -c %F /run/ipcpriv)" "regular empty file" \
	"setup: in our mount namespace /run/ipcpriv is a plain file"

# M: a mount namespace that no task is in, held by an fd of ours (binding
# a mount namespace file fails half of the time on 6.18 here: EINVAL);
# only it has a bind mount of an IPC namespace, and an mqueue mount of a
# gone one.
unshare --mount --propagation private sh -c '
	touch /run/ipcinm && unshare --ipc=/run/ipcinm true &&
	mkdir -p /run/mqm && unshare --ipc sh -c "mount -t mqueue none \
	/run/mqm && \"\$1\" leak mq:mq2 >/dev/null" sh "$1" &&
	echo made && exec sleep 1000' sh "$MKIPC" >"$T_WORK/m.out" 2>&1 &
MP=$!
wait_line "$T_WORK/m.out" made
exec {MFD}<"/proc/$MP/ns/mnt"
M_MNT=$(ino_of "/proc/$MP/ns/mnt")
M_INO=$(nsenter --mount="/proc/$$/fd/$MFD" stat -c %i /run/ipcinm)
M_MQDEV=$(nsenter --mount="/proc/$$/fd/$MFD" mountpoint -d /run/mqm)
kill "$MP"
wait "$MP" 2>/dev/null

# G: an mqueue mount whose IPC namespace is gone, with a queue in it;
# mqueue mounts of our namespace and of A's, which are alive.
mkdir -p /run/mqorph /run/mqlive /run/mqa
unshare --ipc sh -c 'mount -t mqueue none /run/mqorph &&
	"$1" leak mq:orphq >/dev/null' sh "$MKIPC" ||
	t_bail "cannot leave an mqueue mount behind"
G_DEV=$(mountpoint -d /run/mqorph)
mount -t mqueue none /run/mqlive || t_bail "cannot mount our mqueue"
nsenter -t "$A" -i mount -t mqueue none /run/mqa ||
	t_bail "cannot mount A's mqueue"
t_is "$(ls /run/mqorph)" "orphq" "setup: the orphaned mount shows its queue"

# Z: a zombie that was in an IPC namespace of its own.
sh -c 'unshare --ipc true & exec sleep 1000' &
T_PIDS[z]=$!
for _ in $(seq 500); do
	Z=$(ps -o pid=,stat= --ppid "${T_PIDS[z]}" | awk '$2 ~ /^Z/ {print $1}')
	[ -n "$Z" ] && break
	sleep 0.01
done
t_like "${Z:-}" '^[0-9]+$' "setup: an unreaped zombie"

# ------------------------------------------------------- discovery

OUT=$T_WORK/dump.out
"$DUMP" >"$OUT" 2>"$OUT.err"
t_is "$?" 0 "nsdisc_dump exits 0"

# line TYPE INO : the ns lines of that namespace.
line() {
	grep "^ns $1 $2 " "$OUT"
}
# field LINE NAME : the value of NAME= in LINE.
field() {
	tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"
}

t_is "$(awk '$1 == "ns" {print $2, $3}' "$OUT" | sort | uniq -d)" "" \
	"no namespace is listed twice"
t_is "$(grep -c ' fdok=0' "$OUT")" 0 \
	"every descriptor kept is still its namespace"

# check NAME TYPE INO VIA TASKS : found once, with how and how many tasks.
check() {
	local l
	l=$(line "$2" "$3")
	t_is "$(grep -c . <<<"$l")" 1 "$1: $2 namespace $3 found once"
	t_is "$(field "$l" via) $(field "$l" tasks)" "$4 $5" \
		"$1: found by $4 with $5 task(s)"
	LINE=$l
}

check "sleeping task" ipc "$A_INO" task, 1
t_is "$(field "$LINE" pid)/$(field "$LINE" tid) $(field "$LINE" holder)" \
	"$A/$A $A/$A" "sleeping task: its pid, and it is the holder"
t_is "$(field "$LINE" mq_dev)" "$(mountpoint -d /run/mqa)" \
	"sleeping task: its mqueue device is that of its mount"

check "thread only" ipc "$B_INO" task, 1
t_is "$(field "$LINE" pid)/$(field "$LINE" tid) $(field "$LINE" holder)" \
	"$BP/$BT $BP/$BT" "thread only: the process and its thread"

check "fd only" ipc "$C_INO" fd, 0
t_is "$(field "$LINE" fd_pid) $(field "$LINE" holder)" "$H 0/0" \
	"fd only: the fd holder is named, no task holder"

check "bind mount" ipc "$D_INO" bind, 0
B=$(field "$LINE" bind)
t_is "${B%%:*} ${B#*:*:}" "$OWN_MNT /run/ns\\x20dir/ipc\\x20b" \
	"bind mount: its mount namespace and decoded path"

check "private bind mount" ipc "$F_INO" bind, 0
B=$(field "$LINE" bind)
t_is "${B%%:*} ${B#*:*:}" "$F_MNT /run/ipcpriv" \
	"private bind mount: found in the private mount namespace"

check "ip netns add" net "$E_INO" bind, 0

check "taskless mount namespace" mnt "$M_MNT" fd, 0
check "bind in a taskless mount namespace" ipc "$M_INO" bind, 0
t_is "$(field "$LINE" bind)" "$M_MNT:0:/run/ipcinm" \
	"bind in a taskless mount namespace: read by entering it"

check "our own" ipc "$OWN_IPC" task, "$(field "$(line ipc "$OWN_IPC")" tasks)"
t_is "$(field "$LINE" mq_dev)" "$(mountpoint -d /run/mqlive)" \
	"our own: its mqueue device is that of our mount"

# Only the test's own mounts count: one inherited from outside (the
# suite's second pass mounts an mqueue of its own IPC namespace on
# /dev/mqueue) belongs to a namespace whose tasks this pid namespace
# cannot see, so it rightly looks gone from here.
t_is "$(grep '^mqorphan ' "$OUT" | grep -o ' path=/run/mq[^ ]*' | sort |
	tr '\n' ' ')" " path=/run/mqm  path=/run/mqorph " \
	"two mqueue mounts of gone namespaces (not ours, not A's)"
L=$(grep '^mqorphan .* path=/run/mqorph ' "$OUT")
t_is "$(awk '{print $2}' <<<"$L") $(field "$L" mntns)" "$G_DEV $OWN_MNT" \
	"orphaned mqueue: device and mount namespace"
t_is "$(field "$L" fd) $(field "$L" queues) $(field "$L" mounts)" "1 1 1" \
	"orphaned mqueue: reached through its descriptor, its queue in it"
L=$(grep '^mqorphan .* path=/run/mqm ' "$OUT")
t_is "$(awk '{print $2}' <<<"$L") $(field "$L" mntns) $(field "$L" tid)" \
	"$M_MQDEV $M_MNT 0" "orphaned mqueue in a taskless mount namespace"
t_is "$(field "$L" fd) $(field "$L" queues)" "1 1" \
	"orphaned mqueue in a taskless mount namespace: its descriptor works"

S=$(grep '^summary ' "$OUT")
t_is "$(field "$S" complete) $(field "$S" mq_rule)" "1 checked" \
	"complete as root in our own pid namespace (the zombie is no error)"
t_is "$(field "$S" tasks_denied) $(field "$S" fdtabs_denied)" "0 0" \
	"nothing denied"
t_is "$(field "$S" mntns_taskless) $(field "$S" mntns_unread)" "0 0" \
	"every mount namespace's mountinfo was read"
t_is "$(awk '$1 == "ns" && $2 != "cgroup" && / initial=1/' "$OUT")" "" \
	"no ipc, mnt or net namespace here is the initial one"
t_is "$(awk '$1 == "ns" && $3 < 4026531840 && !/ initial=1/' "$OUT")" "" \
	"every namespace with a fixed initial inode is marked initial"

# lsns finds namespaces through processes only.
lsns -t ipc -n -o NS | sort -u >"$T_WORK/lsns"
awk '$1 == "ns" && $2 == "ipc" && !/ tasks=0 /{print $3}' "$OUT" |
	sort -u >"$T_WORK/mine"
t_is "$(comm -13 "$T_WORK/mine" "$T_WORK/lsns" | tr '\n' ' ')" "" \
	"lsns lists no IPC namespace that discovery misses"
t_is "$(comm -23 "$T_WORK/mine" "$T_WORK/lsns" | tr '\n' ' ')" "$B_INO " \
	"of those with tasks, lsns misses only the thread-only one"
for n in "$B_INO thread-only" "$C_INO fd-held" "$D_INO bind-mounted" \
	"$F_INO privately-bind-mounted" "$M_INO taskless-mount-ns-bound"; do
	grep -qx "${n% *}" "$T_WORK/lsns" ||
		echo "# lsns misses the ${n#* } namespace ${n% *}"
done

# ------------------------------------------------------------ churn

# Tasks that come and go, in new namespaces and threads, while
# discovery runs: never a failure, never a duplicate, the steady ones
# always there.
( while :; do unshare --ipc true; "$NST" >/dev/null & p=$!; kill $p
	wait $p 2>/dev/null; done ) 2>/dev/null &
CH=$!
bad=""
for i in $(seq 15); do
	if ! "$DUMP" >"$OUT" 2>"$OUT.err"; then
		bad+="run $i: exit $? $(cat "$OUT.err"); "
		continue
	fi
	d=$(awk '$1 == "ns" {print $2, $3}' "$OUT" | sort | uniq -d)
	[ -z "$d" ] || bad+="run $i: twice: $d; "
	for n in "$A_INO" "$B_INO" "$C_INO" "$D_INO" "$F_INO" "$M_INO"; do
		line ipc "$n" >/dev/null || bad+="run $i: ipc $n missing; "
	done
	line net "$E_INO" >/dev/null || bad+="run $i: net $E_INO missing; "
done
kill "$CH"
wait "$CH" 2>/dev/null
t_is "$bad" "" "15 runs under churn: exit 0, no duplicate, nothing lost"

umount /run/mqorph /run/mqlive /run/mqa "/run/ns dir/ipc b"
ip netns delete nsdisc_t
t_done
