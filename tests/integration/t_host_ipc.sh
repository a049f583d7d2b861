#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_host_ipc.sh - the whole host's IPC namespaces (-N): a test host of its
# own (lib.sh's pid, mount, IPC and network namespaces) holding two child
# IPC namespaces, each with a sleeping holder of a shmid 0 (every
# namespace has one: NAMESPACES.md 2.5), leftovers of every SysV kind and
# a queue in one of them, a namespace kept only by a bind mount, and a
# process that attached a segment in one namespace and moved to another.
# list sees each object in its namespace with its own holders, -N selects,
# lsipc/ipcs run inside each namespace agree, and a gc scoped to one
# namespace removes exactly its leftovers, inside it.
# shellcheck source=tests/integration/lib.sh disable=SC2016
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

command -v nsenter >/dev/null || t_skip_all "needs nsenter(1)"
command -v ipcs >/dev/null || t_skip_all "needs ipcs(1)"
command -v lsipc >/dev/null || t_skip_all "needs lsipc(1)"

ns_of() { stat -Lc %i "$1"; }

# mkipc in a new IPC namespace (unshare execs it: the same pid)
cat >"$T_WORK/bin/mkipc-newipc" <<EOF
#!/bin/sh
exec unshare --ipc "$HELPERS/mkipc" "\$@"
EOF
chmod 0755 "$T_WORK/bin/mkipc-newipc"
REAL_MKIPC=$MKIPC
MKIPC=$T_WORK/bin/mkipc-newipc
hold a shm:0x1111
hold b shm:0x2222
MKIPC=$REAL_MKIPC
A=${F[a.pid]}
B=${F[b.pid]}
NS_A=$(ns_of "/proc/$A/ns/ipc")
NS_B=$(ns_of "/proc/$B/ns/ipc")
NS_SELF=$(ns_of /proc/self/ns/ipc)
t_is "${F[o1.id]:-}" 0 "setup: b's segment is shmid 0 of its namespace"

# A's leftovers: made inside it by a process that exits
nsenter --ipc="/proc/$A/ns/ipc" "$MKIPC" leak shm,as=ls:0xa001 \
	sem,as=lsem:0xa002 msg,as=lmsg:0xa003 mq,as=lmq:aleak \
	>"$T_WORK/aleak.out" 2>"$T_WORK/aleak.err" ||
	t_bail "mkipc leak in A failed" "$(cat "$T_WORK/aleak.err")"
# a namespace no task is in, kept by a bind mount, with a leftover
touch "$T_WORK/ipcC"
unshare --ipc="$T_WORK/ipcC" "$MKIPC" leak shm:0xc001 >/dev/null 2>&1 ||
	t_bail "cannot make a bind-mounted IPC namespace"
NS_C=$(stat -c %i "$T_WORK/ipcC")
# ours, which a gc scoped elsewhere must not touch
leak own shm:0x0e01

# A process attaches an IPC_PRIVATE segment (shmid 0) in a namespace of
# its own, then moves into E, whose shmid 0 is another private segment
# that nobody attaches: its maps line names E's shmid 0 too.
touch "$T_WORK/ipcE"
unshare --ipc="$T_WORK/ipcE" "$MKIPC" leak shm:private >/dev/null 2>&1 ||
	t_bail "cannot make namespace E"
NS_E=$(stat -c %i "$T_WORK/ipcE")
MOVER=""
if command -v python3 >/dev/null; then
	start_mover mover "$T_WORK/ipcE"
	MOVER=${T_PIDS[mover]}
	t_is "$(ns_of "/proc/$MOVER/ns/ipc")" "$NS_E" \
		"setup: the mover is in E now"
fi

# ------------------------------------------------------------- list -N all

list_json -N all
cp "$T_JSON" "$T_WORK/all.json"
t_jq "every object has its namespace: type, id and host" \
	'all(.objects[]; (.namespace | keys) == ["host", "id", "type"] and
	 (.namespace.type | IN("ipc", "mnt", "net")))'
t_jq "SysV objects and queues live in an IPC namespace" \
	'all(.objects[] | select(.kind | IN("shm", "sem", "msg", "mqueue"));
	 .namespace.type == "ipc")'
t_jq "nothing here is the host's IPC namespace" \
	'all(.objects[] | select(.namespace.type == "ipc");
	 .namespace.host == false)'

sel='.kind == $k and .key == $key and .namespace.id == ($ns | tonumber)'
obj_find "A's held shmid 0 is listed once, in A" "$sel" \
	--arg k shm --arg key 0x00001111 --arg ns "$NS_A"
o_is .id 0 "A's held segment is shmid 0"
o_state in-use "A's held segment"
o_holders "$A:attach" "A's shmid 0 is held by A's holder only"
obj_find "B's held shmid 0 is listed once, in B" "$sel" \
	--arg k shm --arg key 0x00002222 --arg ns "$NS_B"
o_state in-use "B's held segment"
o_holders "$B:attach" "B's shmid 0 is held by B's holder only (not A's)"

for leftover in shm:0x0000a001 sem:0x0000a002 msg:0x0000a003; do
	obj_find "A's leaked ${leftover%%:*} is listed once, in A" "$sel" \
		--arg k "${leftover%%:*}" --arg key "${leftover#*:}" \
		--arg ns "$NS_A"
	o_state orphan "A's leaked ${leftover%%:*}"
	o_ok '.holders == []' "A's leaked ${leftover%%:*} has no holder"
done
obj_find "A's leaked queue is listed once, in A" \
	'.kind == "mqueue" and .name == "aleak" and
	 .namespace.id == ($ns | tonumber)' --arg ns "$NS_A"
o_state orphan "A's leaked queue"
obj_none "A's queue is not listed in any other namespace" \
	'.kind == "mqueue" and .name == "aleak" and
	 .namespace.id != ($ns | tonumber)' --arg ns "$NS_A"

obj_find "C's leftover is listed, in C" "$sel" \
	--arg k shm --arg key 0x0000c001 --arg ns "$NS_C"
o_state orphan "C's leftover (creator dead, nothing attached)"
o_ok '.reason | test("namespace has no process")' \
	"C's leftover says its namespace has no process"
obj_find "our own leftover is listed, in our namespace" "$sel" \
	--arg k shm --arg key 0x00000e01 --arg ns "$NS_SELF"
o_ok '.reason | test("namespace has no process") | not' \
	"a namespace with a task does not say it has none"
if [ -n "$MOVER" ]; then
	# The BPF pass reads the attachment's own namespace (kept with the
	# mapping): not E's segment, which is then judged as unattached.
	if [ "$(jq -r .holder_pass "$T_JSON")" = bpf ]; then
		obj_find "E's private shmid 0 is listed, in E" \
			"$sel and .id == 0" --arg k shm --arg key 0x00000000 \
			--arg ns "$NS_E"
		o_state orphan "E's shmid 0 (BPF: the mover's attachment is D's)"
		o_holders "" "E's shmid 0 is not held by the mover (BPF)"
	fi
	# /proc shows the maps line and the mover's namespace only: "shmid
	# 0, key 0" of E, which nattch 0 contradicts
	list_json -N all --holders proc
	obj_find "E's private shmid 0 is listed, in E (--holders proc)" \
		"$sel and .id == 0" --arg k shm --arg key 0x00000000 \
		--arg ns "$NS_E"
	o_state unknown "E's shmid 0, which the mover's old attachment names"
	o_ok '.reason | test("another IPC namespace")' \
		"E's shmid 0 says the attachment may be another namespace's"
	cp "$T_WORK/all.json" "$T_JSON"
fi

# Each namespace as lsipc and ipcs see it from inside: the same ids.
cross() {
	local what=$1 path=$2 ns=$3 t opt mine theirs
	for t in shm:m sem:s msg:q; do
		opt=${t#*:}
		mine=$(jq -r --arg k "${t%%:*}" --arg ns "$ns" \
			'[.objects[] | select(.kind == $k and
			 .namespace.id == ($ns | tonumber)) | .id] | sort |
			 join(" ")' "$T_JSON")
		theirs=$(nsenter --ipc="$path" ipcs -"$opt" |
			awk '$2 ~ /^[0-9]+$/ { print $2 }' | sort -n |
			tr '\n' ' ' | sed 's/ $//')
		t_is "$mine" "$theirs" "$what: ${t%%:*} ids as ipcs -$opt inside"
	done
	theirs=$(nsenter --ipc="$path" lsipc -m --noheadings -o ID | tr -d " " | sort -n |
		tr '\n' ' ' | sed 's/ $//')
	mine=$(jq -r --arg ns "$ns" '[.objects[] | select(.kind == "shm" and
		 .namespace.id == ($ns | tonumber)) | .id] | sort |
		 join(" ")' "$T_JSON")
	t_is "$mine" "$theirs" "$what: shm ids as lsipc -m inside"
}
cross A "/proc/$A/ns/ipc" "$NS_A"
cross B "/proc/$B/ns/ipc" "$NS_B"
cross C "$T_WORK/ipcC" "$NS_C"
cross E "$T_WORK/ipcE" "$NS_E"
cross "our own" /proc/self/ns/ipc "$NS_SELF"

# --------------------------------------------------------------- -N scope

list_json
t_jq "default in a child pid namespace: our own namespaces only" \
	'all(.objects[] | select(.namespace.type == "ipc");
	 .namespace.id == ($ns | tonumber))' --arg ns "$NS_SELF"
t_is "$(grep -c . "$T_WORK/list.err")" 0 "the default says nothing on stderr"
list_json -N self
t_jq "-N self: our own namespaces only" \
	'all(.objects[] | select(.namespace.type == "ipc");
	 .namespace.id == ($ns | tonumber))' --arg ns "$NS_SELF"
for spec in "$NS_A" "ipc:[$NS_A]"; do
	list_json -N "$spec"
	t_jq "-N $spec: exactly A's five objects" \
		'(.objects | length) == 5 and all(.objects[];
		 .namespace.id == ($ns | tonumber))' --arg ns "$NS_A"
done
list_json -N "$NS_A" -N "$NS_B"
t_jq "-N A -N B: the union, six objects" \
	'(.objects | length) == 6 and
	 ([.objects[].namespace.id] | unique) == ([$a, $b | tonumber] | sort)' \
	--arg a "$NS_A" --arg b "$NS_B"
list_json -N "$NS_C,self" -t shm
t_jq "-N C,self -t shm: C's and ours" \
	'([.objects[].namespace.id] | unique) ==
	 ([$c, $s | tonumber] | sort)' --arg c "$NS_C" --arg s "$NS_SELF"
t_usage "-N with an unknown word" "bogus" list -N bogus
t_usage "-N 0" "'0'" list -N 0
t_usage "-N with an id of another type's link" "net:[1]" list -N "net:[1]"
t_usage "-N with an empty item" "empty namespace" list -N "self,"

# ------------------------------------------------------------------ stats

# A's own limit, set inside it: the sysctls are per IPC namespace
nsenter --ipc="/proc/$A/ns/ipc" sh -c 'echo 123 >/proc/sys/kernel/shmmni' ||
	t_bail "cannot set kernel.shmmni in A"
own_shmmni=$(cat /proc/sys/kernel/shmmni)
ipcscan stats --json -N all >"$T_WORK/stats.json" 2>"$T_WORK/stats.err"
t_is "$?" 0 "stats --json -N all: exit 0"
sjq() { jq -c --arg a "$NS_A" --arg s "$NS_SELF" --arg c "$NS_C" "$1" \
	"$T_WORK/stats.json" 2>&1; }
t_is "$(sjq '[.namespaces[].id] | length')" 5 \
	"stats: every IPC namespace has its entry (ours, A, B, C, E)"
t_is "$(sjq '.namespaces[0].id == ($s | tonumber)')" true \
	"stats: ours comes first"
t_is "$(sjq '.namespaces[] | select(.id == ($a | tonumber)) |
	[.objects, .orphans, .limits.shmmni.limit, .limits.shmmni.used,
	 .limits.msgmni.used, .limits.semmni.used, .limits.mqueue_queues.used]')" \
	"[5,4,123,2,1,1,1]" \
	"stats: A's objects, orphans and limits, read inside A (shmmni 123)"
t_is "$(sjq '.namespaces[0].limits.shmmni | [.limit, .used]')" \
	"[$own_shmmni,1]" "stats: our own limit and use, not A's"
t_is "$(sjq '.limits.shmmni | [.limit, .used]')" "[$own_shmmni,1]" \
	"stats: the top-level limits are our own namespace's"
t_is "$(sjq '.kinds.shm.count')" \
	"$(jq '[.objects[] | select(.kind == "shm")] | length' "$T_WORK/all.json")" \
	"stats: the per-kind counts are the whole host's"
ipcscan stats --prometheus -N all >"$T_WORK/stats.prom" 2>/dev/null
t_is "$(grep -c '^ipcscan_namespace_orphans{' "$T_WORK/stats.prom")" \
	"$(sjq '[.namespaces[1:][] | select(.orphans > 0)] | length')" \
	"prometheus: per-namespace series only for namespaces with orphans"
t_like "$(grep "^ipcscan_namespace_limit{namespace=\"$NS_A\",resource=\"shmmni\"}" \
	"$T_WORK/stats.prom")" ' 123$' "prometheus: A's shmmni limit"
t_is "$(grep -c "namespace=\"$NS_B\"" "$T_WORK/stats.prom")" 0 \
	"prometheus: no series for B, which has no orphan"
t_like "$(grep '^ipcscan_ipc_namespaces ' "$T_WORK/stats.prom")" ' 5$' \
	"prometheus: five IPC namespaces scanned"
ipcscan stats -N all >"$T_WORK/stats.txt" 2>/dev/null
t_like "$(grep -E "^$NS_A +shmmni " "$T_WORK/stats.txt")" \
	"^$NS_A +shmmni +123 +2 " "stats table: A's shmmni line"

# ---------------------------------------------------------------- gc -N A

gc_json -N "$NS_A" --min-age 0 --dry-run
t_gjq "gc -N A --dry-run: would remove A's four leftovers" \
	'[.actions[] | select(.action == "would-remove") |
	 .key // .name] | sort == ["0x0000a001", "0x0000a002", "0x0000a003",
	 "aleak"]'
gc_json -N "$NS_A" --min-age 0
t_gjq "gc -N A: removed A's four leftovers, nothing else" \
	'([.actions[] | select(.action == "removed") | .key // .name] |
	 sort) == ["0x0000a001", "0x0000a002", "0x0000a003", "aleak"] and
	 .removed == 4 and .failed == 0'

keys_in() {
	nsenter --ipc="$1" ipcs -"$2" | awk '$1 ~ /^0x/ { print $1 }' |
		sort | tr '\n' ' ' | sed 's/ $//'
}
t_is "$(keys_in "/proc/$A/ns/ipc" m)" 0x00001111 \
	"A: the held segment survives, the leaked one is gone (ipcs inside)"
t_is "$(keys_in "/proc/$A/ns/ipc" s)$(keys_in "/proc/$A/ns/ipc" q)" "" \
	"A: the leaked semaphore set and queue are gone (ipcs inside)"
t_is "$(keys_in "/proc/$B/ns/ipc" m)" 0x00002222 "B is untouched"
t_is "$(keys_in "$T_WORK/ipcC" m)" 0x0000c001 \
	"C's leftover survives (another namespace)"
t_is "$(keys_in "$T_WORK/ipcE" m)" 0x00000000 "E is untouched"
t_is "$(keys_in /proc/self/ns/ipc m)" 0x00000e01 \
	"our own leftover survives a gc of another namespace"
list_json -N "$NS_A"
obj_none "A's queue is gone" '.kind == "mqueue"'
t_jq "A keeps its held segment only" \
	'[.objects[] | .key] == ["0x00001111"]'

# ------------------------------------------- a namespace kept by an fd only

# D: no task, no bind mount, only a descriptor of a sleeping shell. With
# few processes the holder pass reads /proc, and discovery leaves the fd
# tables to it: the nsfs link it finds there must still bring D in.
unshare --ipc sh -c '"$1" leak shm:0xd001 >/dev/null 2>&1 || exit 1
	exec sleep 1000' sh "$MKIPC" &
T_PIDS[d_task]=$!
for _ in $(seq 200); do
	[ "$(ns_of "/proc/${T_PIDS[d_task]}/ns/ipc" 2>/dev/null)" != "$NS_SELF" ] &&
		[ "$(keys_in "/proc/${T_PIDS[d_task]}/ns/ipc" m 2>/dev/null)" = \
		  0x0000d001 ] && break
	sleep 0.01
done
NS_D=$(ns_of "/proc/${T_PIDS[d_task]}/ns/ipc") || t_bail "D: no namespace"
[ "$NS_D" != "$NS_SELF" ] || t_bail "D: unshare did not take"
hold_ns_fd d_fd "/proc/${T_PIDS[d_task]}/ns/ipc"
t_is "$(stat -Lc %i "/proc/${T_PIDS[d_fd]}/fd/3" 2>/dev/null)" "$NS_D" \
	"setup: a shell holds D by an fd"
stop d_task
# Either holder pass leaves the fd tables out of discovery (/proc: it
# reads every fd link anyway; BPF: its fd walk in the kernel), and the
# nsfs file it meets there must bring D in.
for hp in proc bpf; do
	if [ "$hp" = proc ]; then
		list_json -N all	# auto: /proc, under 1,000 processes
	else
		list_json -N all --holders=bpf
	fi
	t_jq "D ($hp): that holder pass ran (so discovery skipped the fd tables)" \
		'.holder_pass == $p' --arg p "$hp"
	obj_find "D ($hp): D's leftover is listed, in D (found through the fd only)" \
		"$sel" --arg k shm --arg key 0x0000d001 --arg ns "$NS_D"
	o_ok '.reason | test("namespace has no process")' \
		"D ($hp): D's leftover says its namespace has no process"
	t_jq "D ($hp): the objects of the other namespaces are all still listed" \
		'[.objects[] | select(.kind == "shm") | .key] | index("0x00001111")
		 and index("0x0000c001")'
done
# Who opened /proc/PID/fd directories (discovery does, by "PID/fd" from
# its /proc descriptor; neither holder pass does so with --holders=bpf):
# with D held the scan runs again with them read, without D not at all.
fd_walks() {
	# (LeakSanitizer cannot run under ptrace: an ASan build leaves it out)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	strace -f -qq -e trace=openat -o "$T_WORK/fdw.strace" \
		"$IPCSCAN" list --trust-pidns --json -N all --holders=bpf \
		-t shm,sem,msg >/dev/null 2>&1 || { echo "ipcscan failed"; return; }
	grep -cE 'openat\([0-9]+, "[0-9]+/fd",' "$T_WORK/fdw.strace"
}
if command -v strace >/dev/null; then
	n=$(fd_walks)
	t_ok "D (bpf): held by an fd only, discovery reads the fd tables ($n)" \
		test "$n" -gt 0
	stop d_fd
	t_is "$(fd_walks)" 0 \
		"without D, discovery leaves every fd table to the BPF pass"
else
	t_skip "without D, discovery leaves every fd table to the BPF pass" \
		"needs strace(1)"
	stop d_fd
fi

# An fd table that cannot be read (hidden from root by a security module;
# a test hook plays it for A's holder): a namespace it keeps might be
# missed, and the warning says so the same whether discovery read the fd
# tables (--holders=bpf) or left them to the /proc holder pass.
export IPCSCAN_TEST_FD_DENIED_PID=$A
for pass in proc bpf; do
	list_json -N all --holders=$pass
	t_jq "fd table unread ($pass): the first warning counts it" \
		'.warnings[0] | test("^some IPC namespaces may be missed: 0 tasks. namespaces, 1 fd table and 0 mount tables could not be read")'
	t_jq "fd table unread ($pass): the view is incomplete" \
		'.complete == false'
	obj_find "fd table unread ($pass): A's held segment is still listed" \
		"$sel" --arg k shm --arg key 0x00001111 --arg ns "$NS_A"
done
unset IPCSCAN_TEST_FD_DENIED_PID

t_done
