#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_gc_pidreuse.sh - gc: a SysV segment whose creator pid now belongs to a
# newer, unrelated process is still an orphan, and is removed.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

[ -w /proc/sys/kernel/ns_last_pid ] ||
	t_skip_all "/proc/sys/kernel/ns_last_pid is not writable"

# The creator attaches, writes, detaches and exits: cpid = lpid = its pid.
leak l shm,as=s:0x5151 msg,as=m:0x5152 sem,as=e:0x5153
dead=${F[l.pid]}
last_act=$(date +%s)	# no recorded time of these objects is later

# Kernel times have one-second resolution and a tie counts as alive, and
# ipcscan reckons a start time as btime + start ticks, both rounded down,
# with a second of tolerance (procs.h). Wait until a process started now
# reckons as two seconds after the last recorded act: then it is
# "started later" under either rule, however the roundings fall.
btime=$(awk '$1 == "btime" { print $2 }' /proc/stat)
for _ in $(seq 500); do
	read -r up _ </proc/uptime
	[ $((btime + ${up%.*})) -ge $((last_act + 2)) ] && break
	sleep 0.01
done

# Hand the dead creator's pid to a new process. Only builtins run between
# the write and the fork, so nothing else can take that pid first.
echo $((dead - 1)) >/proc/sys/kernel/ns_last_pid
sleep 60 &
reuse=$!
T_PIDS[reuse]=$reuse
t_is "$reuse" "$dead" "setup: the new sleep got the dead creator's pid $dead"
for _ in $(seq 500); do
	[ "$(cat "/proc/$reuse/comm" 2>/dev/null)" = sleep ] && break
	sleep 0.01	# the child has forked but not yet exec'd
done
t_is "$(cat "/proc/$reuse/comm" 2>/dev/null)" sleep \
	"setup: pid $dead is now a running sleep"
hz=$(getconf CLK_TCK)
ticks=$(awk '{ sub(/.*\) /, ""); print $20 }' "/proc/$reuse/stat")
t_ok "setup: the sleep started at least 2s (as reckoned) after the last act" \
	test $((btime + ticks / hz)) -ge $((last_act + 2))

list_json || t_done
find_id shm "${F[s.id]}"
o_is .shm.cpid "$dead" "shm: cpid is the reused pid"
o_is .creator.alive false \
	"shm: creator is not alive (pid reused by a later process)"
o_state orphan "shm whose creator pid was reused"
find_id msg "${F[m.id]}"
o_state orphan "msg whose last sender pid was reused"
find_id sem "${F[e.id]}"
o_state orphan "sem whose last operating pid was reused"

gc_json --min-age 0
t_gjq "the segment is removed" \
	'[.actions[] | select(.kind == "shm" and .key == "0x00005151") |
	 .action] == ["removed"]'
t_gjq "the queue and the semaphore set are removed" \
	'[.actions[] | select(.kind == "msg" or .kind == "sem") | .action] ==
	 ["removed", "removed"]'
t_is "$(awk 'FNR > 1' /proc/sysvipc/shm /proc/sysvipc/msg /proc/sysvipc/sem |
	wc -l)" 0 "no SysV object is left"
t_ok "the process that got the pid is untouched" kill -0 "$reuse"

# The opposite: a creator pid whose process is still the creator stays.
hold h shm,as=alive,attach=no:0x5154
list_json || t_done
find_id shm "${F[alive.id]}"
o_state in-use "shm whose creator is alive (not attached)"
gc_json --min-age 0
t_gjq "a shm with a live creator is not removed" '.actions == []'

t_done
