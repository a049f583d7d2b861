#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_partial_hidepid.sh - hidepid hides live recorded pids (SPEC "What
# ipcscan can and cannot see"): a non-root gc under hidepid cannot see
# root's processes, so a SysV object of its own whose last user is a live
# root process is unknown, not an orphan, and stays; the reason names the
# pid it could not see. Without hidepid the same user proves its leaks.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

need_nobody
HIDDEN="may be a hidden live process"

# nobody makes a segment, a set and a queue, uses them and exits; then a
# root process attaches and detaches the segment, operates on the set and
# sends to the queue, and lives on: the last user of each is root's.
as_nobody "$T_WORK/bin/mkipc" leak shm,as=g:0x7c01 sem,as=e:0x7c02 \
	msg,as=m:0x7c03 >"$T_WORK/n.out" 2>"$T_WORK/n.err" ||
	t_bail "cannot leak objects as nobody" "$(cat "$T_WORK/n.err")"
_load_facts n
hold r shm,as=rg,existing,attach=detach:0x7c01 sem,as=re,existing:0x7c02 \
	msg,as=rm,existing:0x7c03
rpid=${F[r.pid]}

list_json || t_done
find_id shm "${F[g.id]}"
o_ok '.owner.uid == 65534 and .shm.nattch == 0 and .shm.lpid == $p and
	.shm.cpid == $c' "setup: nobody's segment, made by its ${F[n.pid]}, \
not attached, last used by root's $rpid" --argjson p "$rpid" \
	--argjson c "${F[n.pid]}"
o_state in-use "as root: the segment whose last user is alive"

# A procfs of our pid namespace with hidepid, over the one ns_enter made.
mount -t proc -o hidepid=invisible proc /proc 2>"$T_WORK/mnt.err" ||
	t_skip_all "cannot mount proc with hidepid: $(cat "$T_WORK/mnt.err")"
t_ok "setup: nobody cannot see root's $rpid" \
	as_nobody sh -c "! test -e /proc/$rpid"

as_nobody "$IPCSCAN" list --trust-pidns --json >"$T_JSON" \
	2>"$T_WORK/nl.err"
t_is "$?" 0 "hidepid, as nobody: list --json: exit 0"
t_jq "hidepid, as nobody: complete is false" '.complete == false'
find_id shm "${F[g.id]}"
o_state unknown "hidepid, as nobody: the segment last used by a hidden process"
o_is .reason "not attached; creator ${F[n.pid]} and last user $rpid not \
visible, either $HIDDEN" \
	"hidepid, as nobody: shm reason names both pids, either may be hidden"
find_id sem "${F[e.id]}"
o_state unknown "hidepid, as nobody: the set last operated on by a hidden process"
o_is .reason "no waiter; last operation by $rpid not visible, $HIDDEN" \
	"hidepid, as nobody: sem reason names root's $rpid"
find_id msg "${F[m.id]}"
o_state unknown "hidepid, as nobody: the queue last sent to by a hidden process"
o_is .reason "last sender $rpid not visible, $HIDDEN" \
	"hidepid, as nobody: msg reason names root's $rpid"

T_GC=$T_WORK/gc.json
as_nobody "$IPCSCAN" gc --trust-pidns --min-age 0 --json >"$T_GC" \
	2>"$T_GC.err"
t_is "$?" 0 "hidepid, as nobody: gc: exit 0"
t_gjq "hidepid, as nobody: gc acts on nothing" \
	'.actions == [] and .removed == 0'
t_ok "the segment, the set and the queue are still there" sh -c \
	"grep -qE '^ *$((0x7c01)) +${F[g.id]} ' /proc/sysvipc/shm &&
	 grep -qE '^ *$((0x7c02)) +${F[e.id]} ' /proc/sysvipc/sem &&
	 grep -qE '^ *$((0x7c03)) +${F[m.id]} ' /proc/sysvipc/msg"

# Root sees through hidepid: the same objects, in use.
list_json || t_done
find_id shm "${F[g.id]}"
o_state in-use "hidepid, as root: the segment"
o_is .reason "not attached; last user $rpid alive" \
	"hidepid, as root: shm reason: the last user is alive"
umount /proc

# Once root's process is gone and /proc hides nothing, nobody proves its
# leaks: the segment and the set are orphans and go. (root's fds stay
# unreadable to nobody, so the queue, whose waiters could hide there, is
# still unknown.)
stop r
as_nobody "$IPCSCAN" gc --trust-pidns --min-age 0 --json >"$T_GC" \
	2>"$T_GC.err"
t_is "$?" 0 "no hidepid, as nobody: gc: exit 0"
t_gjq "no hidepid, as nobody: the segment and the set are removed" \
	'[.actions[] | select(.action == "removed") | .kind] | sort ==
	 ["sem", "shm"]'
t_gjq "no hidepid, as nobody: the queue is not acted on" \
	'[.actions[] | select(.kind == "msg")] == []'

t_done
