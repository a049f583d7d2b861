#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_list_posix.sh - list: POSIX shm, named semaphores and message queues.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

hold h pshm,as=pfd:fdheld pshm,via=map,size=8192,as=pmap:maponly \
	pshm,via=both,as=pboth:both psem,as=semh:semheld \
	mq,as=mqh:mqheld mq,notify,send=2,as=mqn:mqnotify
hold h2 pshm,existing,as=pfd2:fdheld
leak l pshm,as=pleak:leaked psem,as=sleak:semleaked mq,as=mleak:mqleaked
H=${F[h.pid]}
H2=${F[h2.pid]}

list_json || t_done
t_schema_all
t_jq "complete is true as root" '.complete == true'

find_name pshm fdheld
o_is .path /dev/shm/fdheld "pshm held by fd: path"
o_is '[.id, .key, .inode] | map(tostring) | join(",")' null,null,null \
	"pshm: id, key, inode are null"
o_state in-use "pshm held by fd"
o_holders "$H:fd $H2:fd" "pshm held by fd: both holders via fd"
o_is .size 4096 "pshm: size"
o_is .mode 0600 "pshm: mode"
o_is .owner.uid 0 "pshm: owner uid"

find_name pshm maponly
o_state in-use "pshm held only by a mapping"
o_holders "$H:map" "mapped pshm: holder via map"
o_is .size 8192 "mapped pshm: size"

find_name pshm both
o_state in-use "pshm held by fd and mapping"
o_holders "$H:fd $H:map" "pshm with fd and mapping: both vias"

find_name psem semheld
o_is .path /dev/shm/sem.semheld "psem: path keeps the sem. prefix"
o_state in-use "psem held by sem_open"
o_holders "$H:map" "psem: holder via map"
obj_none "no /dev/shm/sem.* file is listed as pshm" \
	'.kind == "pshm" and (.name | startswith("sem."))'

find_name mqueue mqheld
o_ok '.path | endswith("/mqheld")' "mqueue: path ends in the name"
o_state in-use "mqueue held by its descriptor"
o_holders "$H:fd" "mqueue: holder via fd"
o_is .mqueue.maxmsg 8 "mqueue: maxmsg"
o_is .mqueue.msgsize 256 "mqueue: msgsize"
o_is .mqueue.qsize 0 "mqueue: empty queue has qsize 0"

find_name mqueue mqnotify
o_state in-use "mqueue with a notification registered"
o_holders "$H:fd $H:notify" "mqueue: registered process is a holder via notify"
o_is .mqueue.notify_pid "$H" "mqueue: notify_pid"
o_is .mqueue.qsize 10 "mqueue: qsize counts the queued bytes"

find_name pshm leaked
o_is .path /dev/shm/leaked "leaked pshm: path"
o_state orphan "pshm left by an exited process"
o_holders "" "leaked pshm: no holders"

find_name psem semleaked
o_state orphan "psem left by an exited process"
o_holders "" "leaked psem: no holders"

find_name mqueue mqleaked
o_state orphan "mqueue left by an exited process"
o_holders "" "leaked mqueue: no holders"
o_is .mqueue.qsize 5 "leaked mqueue: its message is still queued"

t_is "$(jqo -r '[.objects[] | select(.kind == "pshm")] | length')" 4 \
	"exactly the 4 pshm objects of this namespace"
t_is "$(jqo -r '[.objects[] | select(.kind == "psem")] | length')" 2 \
	"exactly the 2 named semaphores"
t_is "$(jqo -r '[.objects[] | select(.kind == "mqueue")] | length')" 3 \
	"exactly the 3 message queues"

# One holder of the shared pshm goes away: still in use by the other.
stop h2
list_json -t pshm || t_done
find_name pshm fdheld
o_state in-use "pshm still held by the remaining process"
o_holders "$H:fd" "pshm: the exited holder is gone from holders"

# Everything let go: all orphans.
stop h
list_json -t posix || t_done
t_jq "after the holder exits every POSIX object is an orphan" \
	'[.objects[] | .state] | length == 9 and all(. == "orphan")'
t_jq "and none has a holder" 'all(.objects[]; .holders == [])'

# Descriptors past gaps in the table. On Linux 6.2 and later the fd
# directory's size is its number of entries and links are read by number
# from 0; past a gap that must give way to the directory listing.
hold hg pshm,fdnum=40,as=gap1:gap-low mq,fdnum=700,as=gap2:gap-high \
	fifo,fdnum=701,as=gap3:/tmp/gap.fifo
HG=${F[hg.pid]}
list_json || t_done
find_name pshm gap-low
o_holders "$HG:fd" "an fd past a gap in the table (40): holder via fd"
find_name mqueue gap-high
o_holders "$HG:fd" "an fd far past a gap (700): holder via fd"
find_path fifo /tmp/gap.fifo
o_holders "$HG:fd" "the fd right after it (701): holder via fd"

# A file with a second name (a hard link in a subdirectory of /dev/shm),
# held open only by that name: the fd link shows the other name, the
# (dev, ino) is the object's. In use, and gc leaves it alone.
"$MKIPC" leak pshm:hl_obj >/dev/null || t_bail "cannot make hl_obj"
mkdir -p /dev/shm/hl_sub && ln /dev/shm/hl_obj /dev/shm/hl_sub/alias ||
	t_bail "cannot link hl_obj"
bash -c 'exec 3</dev/shm/hl_sub/alias && echo ready && exec sleep 1000' \
	>"$T_WORK/hl.out" &
T_PIDS[hl]=$!
wait_line "$T_WORK/hl.out" ready
list_json -t pshm || t_done
find_name pshm hl_obj
o_holders "${T_PIDS[hl]}:fd" "pshm open only by another name: holder via fd"
o_state in-use "pshm open only by another name"
gc_out=$(ipcscan gc --dry-run --min-age 0 -t pshm 2>&1)
t_is "$(grep -c hl_obj <<<"$gc_out")" 0 \
	"gc --dry-run: a pshm open by another name is not removed"
stop hl
rm -rf /dev/shm/hl_obj /dev/shm/hl_sub

t_done
