#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_list_sysv.sh - list: SysV shm, sem and msg in every state, vs lsipc.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

hold h shm,as=held:0x1001 shm,creator=dead,as=adopted:0x1002 \
	sem,n=3,as=semheld:0x2001 sem,wait,as=semwait:0x2002 \
	msg,as=msgheld:0x3001 msg,wait,as=msgwait:0x3002
leak l shm,size=8192,as=shmleak:0x1003 sem,as=semleak:0x2003 \
	msg,as=msgleak:0x3003 sem,op=none,as=semnever:0x2004 \
	msg,op=none,as=msgnever:0x3004
H=${F[h.pid]}
L=${F[l.pid]}

list_json || t_done
t_schema_all
t_jq "complete is true as root" '.complete == true'

# shm attached by its live creator
find_id shm "${F[held.id]}"
o_is .key 0x00001001 "held shm: key"
o_is '[.name, .path, .inode] | map(tostring) | join(",")' null,null,null \
	"held shm: name, path, inode are null"
o_state in-use "held shm"
o_holders "$H:attach" "held shm: holder is the attacher, via attach"
o_is .shm.nattch 1 "held shm: nattch 1"
o_is .shm.cpid "$H" "held shm: cpid"
o_is .creator.pid "$H" "held shm: creator pid"
o_is .creator.alive true "held shm: creator alive"
o_is .size 4096 "held shm: size"
o_is .mode 0600 "held shm: mode"
o_is '"\(.owner.uid):\(.owner.user)"' 0:root "held shm: owner"

# shm whose creator exited; a live process attached afterwards
find_id shm "${F[adopted.id]}"
o_state in-use "shm attached after its creator died"
o_holders "$H:attach" "adopted shm: holder via attach"
o_is .shm.nattch 1 "adopted shm: nattch 1"
o_is .creator.pid "${F[adopted.cpid]}" \
	"adopted shm: creator pid is the dead one"
o_is .creator.alive false "adopted shm: creator not alive"

# shm leaked by an exited process
find_id shm "${F[shmleak.id]}"
o_is .key 0x00001003 "leaked shm: key"
o_state orphan "leaked shm"
o_holders "" "leaked shm: no holders"
o_is .shm.nattch 0 "leaked shm: nattch 0"
o_is .creator.pid "$L" "leaked shm: creator pid"
o_is .creator.alive false "leaked shm: creator dead"
o_is .size 8192 "leaked shm: size"

# semaphores
find_id sem "${F[semheld.id]}"
o_is .key 0x00002001 "held sem: key"
o_state in-use "sem last operated by a live process"
o_holders "" "held sem: a recorded pid is not a holder"
o_ok '(.sem | type) == "object"' "sem detail under key 'sem'"

find_id sem "${F[semwait.id]}"
o_state in-use "sem with a process blocked in semop"
o_holders "${F[semwait.waiter]}:wait" "sem waiter: holder via wait"

find_id sem "${F[semleak.id]}"
o_state orphan "sem operated on, then leaked"
o_holders "" "leaked sem: no holders"

find_id sem "${F[semnever.id]}"
o_is .key 0x00002004 "never-operated sem: key"
o_state unknown "sem never operated on"
o_holders "" "never-operated sem: no holders"

# message queues
find_id msg "${F[msgheld.id]}"
o_is .key 0x00003001 "held msg: key"
o_state in-use "msg sent to by a live process"
o_holders "" "held msg: a recorded pid is not a holder"
o_ok '(.msg | type) == "object"' "msg detail under key 'msg'"

find_id msg "${F[msgwait.id]}"
o_state in-use "msg with a process blocked in msgrcv"
o_holders "${F[msgwait.waiter]}:wait" "msg waiter: holder via wait"

find_id msg "${F[msgleak.id]}"
o_state orphan "msg sent to, then leaked"
o_holders "" "leaked msg: no holders"

find_id msg "${F[msgnever.id]}"
o_state unknown "msg never operated on"
o_holders "" "never-operated msg: no holders"

t_is "$(jqo -r '[.objects[] | select(.kind == "shm")] | length')" 3 \
	"exactly the 3 shm segments of this namespace"
t_is "$(jqo -r '[.objects[] | select(.kind == "sem")] | length')" 4 \
	"exactly the 4 semaphore sets"
t_is "$(jqo -r '[.objects[] | select(.kind == "msg")] | length')" 4 \
	"exactly the 4 message queues"

# The holder goes away: its segment loses the attachment, sem and msg
# keep only dead recorded pids.
stop h
list_json -t sysv || t_done
find_id shm "${F[held.id]}"
o_state orphan "held shm after its holder exited"
find_id sem "${F[semheld.id]}"
o_state orphan "held sem after its operator exited"
find_id msg "${F[msgheld.id]}"
o_state orphan "held msg after its sender exited"
find_id msg "${F[msgwait.id]}"
o_state unknown "msg whose only waiter is gone and nobody sent"

# Cross-check with lsipc in the same namespaces: ids, keys and owners.
if ! command -v lsipc >/dev/null; then
	t_skip "lsipc cross-check" "lsipc not installed"
else
	for opt in m:shm s:sem q:msg; do
		kind=${opt#*:}
		lsipc -"${opt%%:*}" --json -o KEY,ID,OWNER >"$T_WORK/lsipc.json"
		want=$(jq -r '[.[][] | "\(.id) \(.key) \(.owner)"] |
			sort | .[]' "$T_WORK/lsipc.json")
		got=$(jqo -r --arg k "$kind" '[.objects[] |
			select(.kind == $k) |
			"\(.id) \(.key) \(.owner.user // .owner.uid)"] |
			sort | .[]')
		t_is "$got" "$want" \
			"$kind: ids, keys and owners agree with lsipc"
	done
fi

t_done
