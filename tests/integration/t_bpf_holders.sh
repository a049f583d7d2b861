#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_bpf_holders.sh - the BPF-iterator holder pass finds exactly the holders
# the /proc pass finds: attachments (shmid 0 too), files by fd and by
# mapping, queues, sockets, FIFOs, fds past a gap, a process whose main
# thread exited, blocked calls (one of a thread in an IPC namespace of its
# own), a process of another IPC namespace, while
# other processes come and go. The BPF programs must load here: a refusal
# fails the test, it is not a reason to compare the /proc pass with itself.
# shellcheck source=tests/integration/lib.sh disable=SC2016
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

DUMP=$HELPERS/holders_dump
[ -x "$DUMP" ] || t_bail "no helper at $DUMP"
mkdir -p /run/bh /tmp/bh

# bg_hold NAME CMD... : a holder started by CMD (mkipc hold with options
# hold() does not take, or under unshare), ready and its facts loaded.
bg_hold() {
	local name=$1 i
	shift
	"$@" >"$T_WORK/$name.out" 2>"$T_WORK/$name.err" &
	T_PIDS[$name]=$!
	for ((i = 0; i < 500; i++)); do
		grep -qx ready "$T_WORK/$name.out" 2>/dev/null && break
		sleep 0.01
	done
	grep -qx ready "$T_WORK/$name.out" ||
		t_bail "holder $name ($*) not ready" "$(cat "$T_WORK/$name.err")"
	_load_facts "$name"
}

# Everything held by one process: the first segment of this fresh IPC
# namespace has shmid 0.
hold a shm,as=a_shm:private shm,as=a_shm2:0x5b000001 \
	sem,as=a_sem:0x5b000002 msg,as=a_msg:0x5b000003 \
	pshm,as=a_fd:bh_fd pshm,via=map,as=a_map:bh_map \
	pshm,via=both,as=a_both:bh_both psem,as=a_psem:bh_sem \
	mq,as=a_mq:bh_mq unix,as=a_unix:/run/bh/a.sock unixpair,as=a_pair \
	fifo,as=a_fifo:/run/bh/a.fifo pshm,fdnum=900,as=a_gap:bh_gap \
	mq,fdnum=901,as=a_gapmq:bh_gapmq
A=${F[a.pid]}
t_is "${F[a_shm.id]}" 0 "setup: the first segment has shmid 0"
# Its main thread gone (pthread_exit), a second thread holds on.
bg_hold z "$MKIPC" -z hold pshm,as=z_fd:bh_zfd pshm,via=map,as=z_map:bh_zmap \
	shm,as=z_shm:0x5b000004
Z=${F[z.pid]}
# Blocked in semop and msgrcv (children of the holder).
hold w sem,wait,as=w_sem:0x5b000005 msg,wait,as=w_msg:0x5b000006
# A thread alone in a new IPC namespace, blocked in msgrcv on a queue of
# that namespace whose id one of ours has too: its call works in its own
# namespace, so it waits on none of our queues (the main thread's
# namespace is ours).
bg_hold t "$HELPERS/nsthread" --msgwait
T=${F[t.pid]}
TQ=$(sed -n 's/^msqid=//p' "$T_WORK/t.out")
t_is "$TQ" "${F[a_msg.id]}" \
	"setup: the thread's queue has the id of one of ours"
# A process in another network namespace (its socket is not among the
# objects: ipcscan lists the sockets of its own netns; the passes must
# still agree on everything else it holds, which is nothing).
hold n unix,netns=new,as=n_unix:/run/bh/n.sock

# Another IPC namespace: its own shmid 0 (not ours, whatever the id) and
# a /dev/shm file that is the same file as ours.
bg_hold o unshare --ipc "$MKIPC" hold shm,as=o_shm:private \
	pshm,as=o_fd:bh_other
O=${F[o.pid]}
t_is "${F[o_shm.id]}" 0 "setup: the other namespace's segment has shmid 0 too"

# More files than the match sets have room for in round 2 (--hint 0:
# 1024): the pass loads the programs again with bigger maps, and must
# still find the one held.
for ((i = 1; i <= 1100; i++)); do : >"/dev/shm/bh_bulk_$i"; done
sleep infinity 3</dev/shm/bh_bulk_1100 &
T_PIDS[bulk]=$!
# More matching fds in one table than one visit of the task iterator
# writes (512): its walk goes on in further reads of that task alone.
# shellcheck disable=SC2093
(
	ulimit -n 2048 || exit 1
	for ((i = 1; i <= 1100; i++)); do
		exec {fd}</dev/shm/bh_bulk_$i || exit 1
	done
	exec sleep infinity
) &
T_PIDS[many]=$!

# Churn: short-lived processes holding a file of their own by fd and by
# mapping, starting and exiting during every pass.
hold c pshm,as=c_fd:bh_churn
C=${F[c.pid]}
churn() {
	while :; do
		for _ in 1 2 3 4 5 6 7 8; do
			sleep 0.0$((RANDOM % 9 + 1)) 3</dev/shm/bh_churn &
		done
		wait
	done
}
churn &
T_PIDS[churn]=$!
# list_json's differential: the churn file's holders come and go
HP_CHURN='.path == "/dev/shm/bh_churn"'

# A pass's lines without the churn's (their processes may or may not be
# there at the time of either pass); the churn file's first holder stays.
steady() {
	awk -v c="$C" '$4 != "/dev/shm/bh_churn" || $1 == c'
}

# The BPF pass runs twice in one process: the lines are the second run's,
# after it emptied the match sets of the first run's keys and refilled
# them (what a gc re-check does).
run_pass() {
	local pass=$1 out=$2 opts=()
	shift 2
	[ "$pass" = bpf ] && opts=(--repeat 2 "$@")
	if ! "$DUMP" --pass "$pass" "${opts[@]}" >"$out" 2>"$out.err"; then
		t_fail "$pass pass runs" "exit $?" "$(cat "$out.err")"
		return 1
	fi
	return 0
}

P=$T_WORK/proc.txt B=$T_WORK/bpf.txt
exercised=()
for round in 1 2 3; do
	run_pass proc "$P.$round" || continue
	[ $round = 1 ] && exercised+=(proc)
	hint=()
	[ $round = 2 ] && hint=(--hint 0)
	if ! run_pass bpf "$B.$round" "${hint[@]}"; then
		t_diag "the BPF pass is required here (root, kernel with BTF)"
		continue
	fi
	[ $round = 1 ] && exercised+=(bpf)
	if diff <(steady <"$P.$round") <(steady <"$B.$round") \
		>"$T_WORK/diff.$round"; then
		t_pass "round $round: both passes find the same holders" \
			"($(steady <"$B.$round" | wc -l) lines)"
	else
		t_fail "round $round: both passes find the same holders" \
			"$(head -c 3000 "$T_WORK/diff.$round")"
	fi
done
echo "# passes exercised: ${exercised[*]:-none}"
[ ${#exercised[@]} = 2 ] || t_bail "not both passes ran" "$(cat "$B.1.err" 2>/dev/null)"

# What must be there, so that two empty answers cannot agree.
has() {
	if grep -qxF "$1" "$B.1"; then
		t_pass "bpf: $2"
	else
		t_fail "bpf: $2" "no line '$1' in:" "$(cat "$B.1")"
	fi
}
has "$A attach shm 0" "shmid 0 attached"
has "$A attach shm ${F[a_shm2.id]}" "a second segment attached"
has "$A fd pshm /dev/shm/bh_fd" "/dev/shm file by fd"
has "$A map pshm /dev/shm/bh_map" "/dev/shm file only mapped"
has "$A fd pshm /dev/shm/bh_both" "/dev/shm file by fd and mapping (fd)"
has "$A map pshm /dev/shm/bh_both" "/dev/shm file by fd and mapping (map)"
has "$A map psem /dev/shm/sem.bh_sem" "named semaphore (a mapping)"
has "$A fd fifo /run/bh/a.fifo" "FIFO by fd"
has "$A fd pshm /dev/shm/bh_gap" "fd 900, past a gap"
has "$A fd unix ${F[a_unix.inode]}" "listening socket"
has "$A fd unix ${F[a_pair.inode0]}" "socketpair end"
has "$Z fd pshm /dev/shm/bh_zfd" "fd held by a thread whose leader exited"
has "$Z map pshm /dev/shm/bh_zmap" "mapping of a process whose leader exited"
has "$Z attach shm ${F[z_shm.id]}" "attachment of that process"
has "${F[w_sem.waiter]} wait sem ${F[w_sem.id]}" "blocked in semop"
has "${F[w_msg.waiter]} wait msg ${F[w_msg.id]}" "blocked in msgrcv"
has "$O fd pshm /dev/shm/bh_other" "file held from another IPC namespace"
has "${T_PIDS[bulk]} fd pshm /dev/shm/bh_bulk_1100" \
	"one of 1100 more files (the maps grew)"
many=$(grep -c "^${T_PIDS[many]} fd pshm /dev/shm/bh_bulk_" "$B.1")
t_is "$many" 1100 "bpf: all 1100 files of one fd table (three visits)"
if grep -q "^$O attach" "$B.1" "$P.1"; then
	t_fail "another namespace's shmid 0 is not ours" "$(grep "^$O " "$B.1")"
else
	t_pass "another namespace's shmid 0 is not ours (either pass)"
fi
if grep -q "^$T wait" "$B.1" "$P.1"; then
	t_fail "a thread's call in its own IPC namespace waits on none of ours" \
		"$(grep "^$T wait" "$B.1" "$P.1")"
else
	t_pass "a thread's call in its own IPC namespace waits on none of ours" \
		"(either pass)"
fi
mqs=$(grep -c "^$A fd mqueue " "$B.1")
t_is "$mqs" 2 "bpf: both queues by fd (one at fd 901)"
# The load must have been checked by the verifier in this very run.
t_like "$(grep -m1 'pass=bpf load' "$B.1.err")" 'load wall_ms=' \
	"the BPF programs were loaded and verified"

# ---- ipcscan itself: the default pass, the switch, what it reports
# Holders as "KIND IDENT PID VIA" lines, the churn's file left out.
holder_lines() {
	jqo -r '.objects[] | select(.path != "/dev/shm/bh_churn") |
		(.kind + " " + ((.id // .inode // .path // .name) | tostring))
		as $o | .holders[] | "\($o) \(.pid) \(.via)"' | sort
}
if list_json; then
	t_jq "list: with fewer than 1000 processes auto reads /proc, and says why" \
		'.holder_pass == "proc" and (.holder_pass_why |
		 test("^fewer than 1000 processes"))'
fi
if list_json --holders=bpf; then
	t_jq "list --holders=bpf: the BPF pass ran" \
		'.holder_pass == "bpf" and .holder_pass_why == null'
	holder_lines >"$T_WORK/l_bpf"
fi
if list_json --holders=proc; then
	t_jq "list --holders=proc: the /proc pass ran, and says so" \
		'.holder_pass == "proc" and .holder_pass_why == "--holders=proc"'
	holder_lines >"$T_WORK/l_proc"
fi
if diff "$T_WORK/l_proc" "$T_WORK/l_bpf" >"$T_WORK/l_diff"; then
	t_pass "list: the same holders with either pass" \
		"($(wc -l <"$T_WORK/l_bpf") lines)"
else
	t_fail "list: the same holders with either pass" \
		"$(head -c 3000 "$T_WORK/l_diff")"
fi
# With 1000 processes and more, auto loads the BPF programs.
sleepers=()
for ((i = 0; i < 1000; i++)); do
	sleep 600 &
	sleepers+=($!)
done
if list_json; then
	t_jq "list: from 1000 processes on auto runs the BPF pass" \
		'.holder_pass == "bpf" and .holder_pass_why == null'
fi
kill "${sleepers[@]}" 2>/dev/null
wait "${sleepers[@]}" 2>/dev/null

t_like "$(ipcscan stats --holders=bpf --prometheus |
	grep '^ipcscan_holders_bpf ')" '^ipcscan_holders_bpf 1$' \
	"stats --holders=bpf --prometheus: ipcscan_holders_bpf 1"
t_like "$(ipcscan stats --holders=proc --prometheus |
	grep '^ipcscan_holders_bpf ')" '^ipcscan_holders_bpf 0$' \
	"stats --holders=proc --prometheus: ipcscan_holders_bpf 0"
t_usage "--holders=foo" "--holders wants auto, proc or bpf" \
	list --holders=foo

# A FIFO on overlayfs, where stat and the kernel give different device
# numbers: the BPF pass stands aside for /proc, and says why.
mkdir -p /run/bh/l /run/bh/u /run/bh/w /run/bh/ovl
if mount -t overlay overlay -o lowerdir=/run/bh/l,upperdir=/run/bh/u,workdir=/run/bh/w \
	/run/bh/ovl 2>"$T_WORK/ovl.err"; then
	hold ov fifo,as=ov_fifo:/run/bh/ovl/f.fifo
	if list_json --holders=bpf -t fifo --socket-dir /run/bh/ovl; then
		t_jq "FIFO on overlayfs: the /proc pass ran, and says why" \
			'.holder_pass == "proc" and (.holder_pass_why |
			 test("/run/bh/ovl/f.fifo is on overlayfs"))'
		t_jq "FIFO on overlayfs: its holder is found" \
			'[.objects[] | select(.path == "/run/bh/ovl/f.fifo") |
			  .holders[].pid] == [$p]' --argjson p "${F[ov.pid]}"
	fi
	stop ov
	umount /run/bh/ovl
else
	t_fail "overlayfs mounts in the test's namespace" "$(cat "$T_WORK/ovl.err")"
fi

# The same in another mount namespace (a container whose root is an
# overlay of ours, as podman --rootfs /:O makes it): its FIFO's path is
# valid only there, so the BPF pass asks about the socket dir it scanned,
# never that path in ours, and stands aside for /proc too.
mkdir -p /run/bh/u2/ipcscan-t /run/bh/w2 /run/bh/r2
cp "$MKIPC" /run/bh/u2/ipcscan-t/mkipc
bg_hold ovc unshare --mount --propagation private sh -c \
	'mount -t overlay overlay -o lowerdir=/,upperdir=/run/bh/u2,workdir=/run/bh/w2 /run/bh/r2 &&
	 exec chroot /run/bh/r2 /ipcscan-t/mkipc hold fifo,as=ovc_fifo:/var/tmp/c.fifo'
mkfifo /var/tmp/c.fifo	# ours, of the same name, on our own tmpfs
if list_json -N all --holders=bpf -t fifo; then
	t_jq "container FIFO on overlayfs: the /proc pass ran, and says why" \
		'.holder_pass == "proc" and (.holder_pass_why |
		 test("FIFOs in pid [0-9]+.s /var/tmp are on overlayfs"))'
	t_jq "container FIFO on overlayfs: listed with its holder" \
		'[.objects[] | select(.path == "/var/tmp/c.fifo" and
		  .namespace.host == false) | .holders[].pid] == [$p]' \
		--argjson p "${F[ovc.pid]}"
	t_jq "container FIFO on overlayfs: ours of the same name is apart" \
		'[.objects[] | select(.path == "/var/tmp/c.fifo")] | length == 2'
fi
if list_json -N all --holders=bpf -t pshm; then
	t_jq "no FIFO asked for: the BPF pass runs beside that container" \
		'.holder_pass == "bpf"'
fi
stop ovc
rm -f /var/tmp/c.fifo

# Where it cannot load (not root), auto falls back quietly and bpf says
# why: the /proc pass ran, with the reason in JSON.
need_nobody
as_nobody "$IPCSCAN" list --trust-pidns -t pshm >/dev/null 2>"$T_WORK/nb.err"
t_is "$(grep -c 'BPF holder pass' "$T_WORK/nb.err")" 0 \
	"not root, --holders=auto: no warning"
out=$(as_nobody "$IPCSCAN" list --trust-pidns --holders=bpf --json -t pshm \
	2>/dev/null)
t_is "$(jq -r '.holder_pass + ": " + .holder_pass_why' <<<"$out")" \
	"proc: not root: loading BPF programs needs CAP_BPF and CAP_PERFMON" \
	"not root: the /proc pass, and why in JSON"
as_nobody "$IPCSCAN" list --trust-pidns --holders=bpf -t pshm \
	>/dev/null 2>"$T_WORK/nb.err"
t_like "$(cat "$T_WORK/nb.err")" \
	'warning: the BPF holder pass was not used: not root' \
	"not root, --holders=bpf: a warning says why"

stop churn
t_done
