#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_gc_race.sh - gc: objects replaced, removed or taken into use again
# between the scan and the removal are not removed (test builds run
# $IPCSCAN_TEST_BEFORE_REAP at that point); a removal the kernel refuses
# is "failed" with exit 1.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
need_hooks
ns_enter "$@"

# Our IPC namespace's queues, for the hooks and checks; ipcscan itself
# only looks at /dev/mqueue, which stays as it is.
MQ=$T_WORK/mq
mkdir -p "$MQ" || t_bail "cannot make $MQ"
mount -t mqueue mqueue "$MQ" || t_bail "cannot mount mqueue on $MQ"
export MQ

# ---------------------------------------------------------------- replaced
leak l shm,as=s1:0x1111 shm,as=s2:0x3333 sem,as=e1:0x4444 msg,as=m1:0x5555 \
	pshm,as=p1:swap psem,as=ps1:swapsem mq,as=q1:swapq \
	unix,as=u1:/tmp/swap.sock
old_ino=${F[p1.ino]}
old_sock_ino=${F[u1.ino]}
list_json || t_done
t_jq "setup: 8 orphans" '[.objects[] | select(.state == "orphan")] |
	length == 8'

# Same name, new object; SysV ids handed out again via *_next_id (or, for
# s2, the same key and id come back, possibly within the same second).
gc_hooked "replaced" '
ipcrm -m '"${F[s1.id]}"'
echo '"${F[s1.id]}"' >/proc/sys/kernel/shm_next_id
"$MKIPC" leak shm,as=n1:0x2222 >"$T_WORK/n1.out"
ipcrm -m '"${F[s2.id]}"'
echo '"${F[s2.id]}"' >/proc/sys/kernel/shm_next_id
"$MKIPC" leak shm,as=n2:0x3333 >"$T_WORK/n2.out"
ipcrm -s '"${F[e1.id]}"'
echo '"${F[e1.id]}"' >/proc/sys/kernel/sem_next_id
"$MKIPC" leak sem,as=n3:0x4445 >"$T_WORK/n3.out"
ipcrm -q '"${F[m1.id]}"'
echo '"${F[m1.id]}"' >/proc/sys/kernel/msg_next_id
"$MKIPC" leak msg,as=n4:0x5556 >"$T_WORK/n4.out"
rm /dev/shm/swap /dev/shm/sem.swapsem /tmp/swap.sock
"$MKIPC" leak pshm,as=n5:swap psem,as=n6:swapsem \
	unix,as=n7:/tmp/swap.sock >"$T_WORK/n5.out"
rm "$MQ/swapq"
"$MKIPC" leak mq,as=n8:swapq >"$T_WORK/n8.out"'
cat "$T_WORK"/n[1-8].out >"$T_WORK/new.out" 2>/dev/null
_load_facts new
t_is "$GC_RC" 0 "replaced: exit 0"
t_is "${F[n1.id]:-}" "${F[s1.id]}" "setup: the new shm got the old id back"
t_is "${F[n2.id]:-}" "${F[s2.id]}" \
	"setup: the same key came back with the same id"
t_is "${F[n3.id]:-}" "${F[e1.id]}" "setup: the new sem got the old id back"
t_is "${F[n4.id]:-}" "${F[m1.id]}" "setup: the new msg got the old id back"
t_ok "setup: the new pshm has another inode" \
	test "${F[n5.ino]:-$old_ino}" != "$old_ino"
t_ok "setup: the new socket file has another inode" \
	test "${F[n7.ino]:-$old_sock_ino}" != "$old_sock_ino"
for i in "shm id=${F[s1.id]} key=0x00001111" \
	"shm id=${F[s2.id]} key=0x00003333" \
	"sem id=${F[e1.id]} key=0x00004444" \
	"msg id=${F[m1.id]} key=0x00005555" \
	"pshm /dev/shm/swap" "psem /dev/shm/sem.swapsem" \
	"mqueue /dev/mqueue/swapq" "sockfile /tmp/swap.sock"; do
	t_like "$(gc_act_of "$i")" '^skipped: .*(replaced|changed)' \
		"replaced $i: skipped, the error says it changed"
done
t_gjq "replaced: nothing removed, nothing failed" \
	'.removed == 0 and .failed == 0 and .skipped == 8 and
	 .bytes_freed == 0'
want="8738:${F[s1.id]} 13107:${F[s2.id]} 17477:${F[e1.id]} "
want+="21846:${F[m1.id]} "
t_is "$(awk 'FNR > 1 { printf "%s:%s ", $1, $2 }' /proc/sysvipc/shm \
	/proc/sysvipc/sem /proc/sysvipc/msg)" "$want" \
	"the new SysV objects survive under the reused ids"
t_is "$(stat -c %i /dev/shm/swap 2>&1)" "${F[n5.ino]:-?}" \
	"the new pshm survives"
t_is "$(stat -c %i /dev/shm/sem.swapsem 2>&1)" "${F[n6.ino]:-?}" \
	"the new psem survives"
t_is "$(stat -c %i /tmp/swap.sock 2>&1)" "${F[n7.ino]:-?}" \
	"the new socket file survives"
t_is "$(stat -c %i "$MQ/swapq" 2>&1)" "${F[n8.ino]:-?}" \
	"the new queue survives"

# Now they are orphans of their own; clear the slate.
gc_json --min-age 0
t_gjq "setup: the replacements are removed by the next run" '.removed == 8'

# ----------------------------------------------------------------- vanished
leak v shm,as=s1:0x6001 sem,as=e1:0x6002 msg,as=m1:0x6003 pshm,as=p1:gone \
	psem,as=ps1:gonesem mq,as=q1:goneq unix,as=u1:/tmp/gone.sock
gc_hooked "vanished" '
ipcrm -m '"${F[s1.id]}"' -s '"${F[e1.id]}"' -q '"${F[m1.id]}"'
rm /dev/shm/gone /dev/shm/sem.gonesem /tmp/gone.sock
rm "$MQ/goneq"'
t_is "$GC_RC" 0 "vanished: exit 0"
t_gjq "vanished: all 7 skipped, none failed or removed" \
	'.skipped == 7 and .failed == 0 and .removed == 0 and
	 (.actions | length) == 7'
t_gjq "vanished: every error says already gone" \
	'all(.actions[]; .action == "skipped" and
	 (.error | test("already gone")))'
t_is "$(head -c 500 "$T_GC.err")" "" "vanished: nothing on stderr"

# ------------------------------------------------------------ in use again
# Between scan and removal a process opens, maps, attaches or uses each
# orphan. SPEC: gc "removes it only if it is still the same object ...
# and still an orphan"; with a holder it is not, so nothing may go. (SysV
# objects show it in nattch, times and pids; POSIX objects only in the
# holders' /proc/PID/fd and maps, which must be looked at again.)
# Both holder passes: the re-check runs the pass of the scan (BPF as
# root with kernel BTF, /proc otherwise or with --holders=proc).
for hp in proc bpf; do
	leak w shm,as=s1:0x7001 sem,as=e1:0x7002 msg,as=m1:0x7003 \
		pshm,as=p1:again psem,as=ps1:againsem mq,as=q1:againq
	gc_hooked "in use again ($hp)" '
"$MKIPC" hold shm,existing:0x7001 sem,existing:0x7002 msg,existing:0x7003 \
	pshm,existing:again psem,existing:againsem mq,existing:againq \
	>"$T_WORK/again.out" 2>&1 </dev/null &
for i in $(seq 500); do
	grep -qx ready "$T_WORK/again.out" && break
	sleep 0.01
done
grep -qx ready "$T_WORK/again.out"' --holders="$hp"
	_load_facts again
	[ -n "${F[again.pid]:-}" ] && T_PIDS[again]=${F[again.pid]}
	t_is "$GC_RC" 0 "in use again ($hp): exit 0"
	if [ "$hp" = proc ] || hp_bpf_here; then
		t_gjq "in use again ($hp): scan and re-check ran the $hp pass" \
			'.holder_pass == $p' --arg p "$hp"
	else
		t_skip "in use again (bpf): the BPF pass ran" \
			"BPF not available: $(jq -r .holder_pass_why "$T_GC")"
	fi
	for i in "shm id=${F[s1.id]} key=0x00007001" \
		"sem id=${F[e1.id]} key=0x00007002" \
		"msg id=${F[m1.id]} key=0x00007003" "pshm /dev/shm/again" \
		"psem /dev/shm/sem.againsem" "mqueue /dev/mqueue/againq"; do
		t_like "$(gc_act_of "$i")" '^skipped: ' \
			"in use again ($hp) $i: skipped, not removed"
	done
	t_is "$(awk 'FNR > 1 { printf "%s ", $1 }' /proc/sysvipc/shm \
		/proc/sysvipc/sem /proc/sysvipc/msg)" "28673 28674 28675 " \
		"the SysV objects taken into use survive ($hp)"
	t_ok "the pshm taken into use survives ($hp)" test -f /dev/shm/again
	t_ok "the psem taken into use survives ($hp)" \
		test -f /dev/shm/sem.againsem
	t_ok "the queue taken into use survives ($hp)" test -e "$MQ/againq"
	# Not our child (its shell is gone): stop it and wait until it is.
	if [ -n "${F[again.pid]:-}" ]; then
		kill -TERM "${F[again.pid]}" 2>/dev/null
		for _ in $(seq 500); do
			[ -d "/proc/${F[again.pid]}" ] || break
			sleep 0.01
		done
		unset "T_PIDS[again]"
	fi
	# The survivors are orphans again; the next case counts only its own.
	rm -f /dev/shm/again /dev/shm/sem.againsem "$MQ/againq"
	ipcrm -m "${F[s1.id]}" -s "${F[e1.id]}" -q "${F[m1.id]}" 2>/dev/null
done

# ------------------------------------------------------------------ failed
# The file system turns read-only: unlinkat fails with EROFS.
leak f pshm,as=p1:stuck unix,as=u1:/var/tmp/stuck.sock
gc_hooked "read-only" 'mount -o remount,ro /dev/shm
mount -o remount,ro /var/tmp' -t pshm,sockfile
mount -o remount,rw /dev/shm
mount -o remount,rw /var/tmp
t_is "$GC_RC" 1 "a removal that fails: exit 1"
t_like "$(gc_act_of "pshm /dev/shm/stuck")" '^failed: .*[Rr]ead-only' \
	"pshm on a read-only fs: failed, the error says why"
t_like "$(gc_act_of "sockfile /var/tmp/stuck.sock")" '^failed: .*[Rr]ead-only' \
	"socket file on a read-only fs: failed, the error says why"
t_gjq "read-only: failed 2, removed 0, bytes_freed 0" \
	'.failed == 2 and .removed == 0 and .bytes_freed == 0'
t_ok "the pshm is still there" test -f /dev/shm/stuck
t_ok "the socket file is still there" test -S /var/tmp/stuck.sock

t_done
