#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_zombie.sh - a zombie is dead (SPEC "What ipcscan can and cannot see"):
# objects whose recorded pids belong to an unreaped zombie are orphans and
# gc removes them; a process whose main thread called pthread_exit() while
# another thread runs also shows state Z, and it is alive: what it holds or
# last used stays in use, and gc leaves it alone.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

# stat_field PID N : field N of /proc/PID/stat (comm may hold spaces).
stat_field() {
	awk -v n="$2" '{ sub(/.*\) /, ""); print $(n - 2) }' \
		"/proc/$1/stat" 2>/dev/null
}

# wait_state PID STATE : until /proc/PID/stat shows STATE (5 s at most).
wait_state() {
	for _ in $(seq 500); do
		[ "$(stat_field "$1" 3)" = "$2" ] && return 0
		sleep 0.01
	done
	return 1
}

# ---- a zombie sender, creator and semaphore user

# The creator attaches, sends, operates and exits, but its parent is a
# sleep that never waits: it stays a zombie, its pid in every record.
sh -c '"$1" leak shm,as=s:0x7a01 msg,as=m:0x7a02 sem,as=e:0x7a03 >"$2" \
	2>"$2.err" & exec sleep 600' sh "$MKIPC" "$T_WORK/z.out" &
T_PIDS[reaper]=$!
for _ in $(seq 500); do
	grep -q '^e.id=' "$T_WORK/z.out" 2>/dev/null && break
	sleep 0.01
done
_load_facts z
zpid=${F[z.pid]:-}
[ -n "$zpid" ] || t_bail "the leaking child printed no pid" \
	"$(cat "$T_WORK/z.out.err")"
wait_state "$zpid" Z
t_is "$(stat_field "$zpid" 3) $(stat_field "$zpid" 20)" "Z 1" \
	"setup: the creator $zpid is an unreaped zombie with one thread"

list_json || t_done
find_id msg "${F[m.id]}"
o_is .msg.lspid "$zpid" "msg: the last sender is the zombie"
o_state orphan "msg whose last sender is a zombie"
o_ok '.reason | test("last sender [0-9]+ gone")' \
	"msg reason: the last sender is gone, not alive"
find_id shm "${F[s.id]}"
o_is .shm.cpid "$zpid" "shm: the creator is the zombie"
o_is .creator.alive false "shm: a zombie creator is not alive"
o_state orphan "shm whose creator and last user is a zombie"
find_id sem "${F[e.id]}"
o_state orphan "sem whose last operation was by a zombie"

gc_json --min-age 0
t_gjq "gc removes the three objects of the zombie" \
	'[.actions[] | select(.kind == "shm" or .kind == "msg" or
	 .kind == "sem") | .action] == ["removed", "removed", "removed"]'
t_is "$(awk 'FNR > 1' /proc/sysvipc/shm /proc/sysvipc/msg /proc/sysvipc/sem |
	wc -l)" 0 "no SysV object of the zombie is left"
t_is "$(stat_field "$zpid" 3)" Z "the zombie is still unreaped (not touched)"
stop reaper

# ---- a main thread that exited while another thread holds on

# mkipc -z: the objects are made and used by the main thread, which then
# calls pthread_exit(); a second thread keeps holding them.
"$MKIPC" -z hold msg,as=q:0x7a11 shm,as=g,attach=no:0x7a12 \
	sem,as=f:0x7a13 pshm,as=pf:zl-fd pshm,as=pm,via=map:zl-map \
	mq,as=mq:zl-mq >"$T_WORK/zl.out" 2>"$T_WORK/zl.err" &
T_PIDS[zl]=$!
for _ in $(seq 500); do
	grep -qx ready "$T_WORK/zl.out" 2>/dev/null && break
	sleep 0.01
done
grep -qx ready "$T_WORK/zl.out" ||
	t_bail "mkipc -z hold not ready" "$(cat "$T_WORK/zl.err")"
_load_facts zl
lpid=${F[zl.pid]}
wait_state "$lpid" Z
t_is "$(stat_field "$lpid" 3) $(stat_field "$lpid" 20)" "Z 2" \
	"setup: the holder $lpid shows Z with 2 threads (leader exited)"

list_json || t_done
find_id msg "${F[q.id]}"
o_is .msg.lspid "$lpid" "msg: the last sender is the exited leader"
o_state in-use "msg whose last sender's leader exited but a thread runs"
o_ok '.reason | test("last sender [0-9]+ alive")' \
	"msg reason: the last sender is alive"
find_id shm "${F[g.id]}"
o_state in-use "shm (not attached) whose creator's leader exited"
o_is .creator.alive true "shm: that creator is alive"
find_id sem "${F[f.id]}"
o_state in-use "sem last operated by the exited leader"
find_name pshm zl-fd
o_state in-use "pshm open in the live thread"
o_holders "$lpid:fd" "pshm: the fd of the live thread is found, under $lpid"
find_name pshm zl-map
o_state in-use "pshm mapped by the live thread"
o_holders "$lpid:map" "pshm: the mapping of the live thread is found"
find_name mqueue zl-mq
o_state in-use "mqueue open in the live thread"

gc_json --min-age 0
t_gjq "gc removes nothing of a process whose leader exited" \
	'.actions == [] and .removed == 0'
t_ok "its message queue still exists" \
	grep -qE "^ *$((0x7a11)) +${F[q.id]} " /proc/sysvipc/msg
t_ok "its POSIX segments still exist" \
	test -e /dev/shm/zl-fd -a -e /dev/shm/zl-map

t_done
