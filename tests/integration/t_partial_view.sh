#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_partial_view.sh - a child pid namespace sees only part of the world
# (SPEC "What ipcscan can and cannot see"). Holders in this test's pid
# namespace are invisible from a nested one that shares its IPC and mount
# namespaces (a pod's second container, --ipc=host): from there nothing
# is removed, what is not provably in use is unknown with the documented
# reason, complete is false and a warning names --trust-pidns. Then this
# test's own namespace, itself a child pid namespace, without and with
# --trust-pidns on a real leak.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

OUTSIDE="processes outside this pid namespace are invisible"

# Holders here: a mapped segment, an open queue, a receiver blocked in
# msgrcv, a semaphore set it operated on, a segment it made (not
# attached), a FIFO it has open; and a stale socket file.
hold h pshm,as=pm,via=map:pv-map mq,as=mq:pv-mq msg,as=q,wait:0x7b01 \
	sem,as=e:0x7b02 shm,as=g,attach=no:0x7b03 fifo,as=f:/run/pv.fifo
leak s unix,as=ss:/run/pv-stale.sock

# ---- (a) from a nested pid namespace, without and with --trust-pidns

# In there a process sends to the queue and operates on the set, and
# exits: the last recorded pids are dead pids of that namespace, the only
# ones it can see (the receiver and the holder here are invisible).
B=$T_WORK/nested
mkdir -p "$B"
export MKIPC IPCSCAN B
unshare --pid --fork --mount-proc sh -c '
	"$MKIPC" leak msg,as=qs,existing:0x7b01 sem,as=es,existing:0x7b02 \
		>"$B/leak" 2>&1 || exit 1
	timeout 60 "$IPCSCAN" list --json >"$B/list" 2>"$B/list.err"
	echo $? >"$B/list.rc"
	timeout 60 "$IPCSCAN" gc --min-age 0 --json >"$B/gc" 2>"$B/gc.err"
	echo $? >"$B/gc.rc"
	timeout 60 "$IPCSCAN" gc --trust-pidns --dry-run --min-age 0 --json \
		>"$B/trust" 2>"$B/trust.err"
	echo $? >"$B/trust.rc"
	readlink /proc/self/ns/pid >"$B/pidns"
' || t_bail "the nested pid namespace run failed" "$(cat "$B/leak")"
t_like "$(cat "$B/pidns")" '^pid:\[[0-9]+\]$' \
	"setup: the nested run had a pid namespace of its own"
t_ok "setup: it is not ours" test "$(cat "$B/pidns")" != \
	"$(readlink /proc/self/ns/pid)"

cp "$B/list" "$T_JSON"
t_is "$(cat "$B/list.rc")" 0 "nested: list --json: exit 0"
t_jq "nested: complete is false" '.complete == false'
t_jq "nested: one warning says why and names --trust-pidns" \
	'[.warnings[] | select(test("child pid namespace") and
	 test("--trust-pidns"))] | length == 1'
t_like "$(cat "$B/list.err")" 'warning: running in a child pid namespace' \
	"nested: the warning is on stderr too"
t_jq "nested: no object is an orphan" \
	'[.objects[] | select(.state == "orphan")] == []'
find_name pshm pv-map
o_state unknown "nested: pshm mapped by an invisible process"
o_ok '.reason == "no visible holder; " + $w' \
	"nested: pshm reason: $OUTSIDE" --arg w "$OUTSIDE"
find_name mqueue pv-mq
o_state unknown "nested: mqueue open in an invisible process"
o_ok '.reason == "no visible holder; " + $w' "nested: mqueue reason" \
	--arg w "$OUTSIDE"
find_id msg "${F[q.id]}"
o_ok '.msg.lspid > 0 and .msg.lrpid == 0' \
	"nested: msg: the last sender is the nested one's (dead) child"
o_state unknown "nested: msg with a receiver blocked outside"
o_ok '.reason == "no visible holder or live pid; " + $w' \
	"nested: msg reason: no visible holder or live pid" --arg w "$OUTSIDE"
find_id sem "${F[e.id]}"
o_state unknown "nested: sem last operated on by a (dead) nested process"
o_ok '.reason == "no visible waiter or live pid; " + $w' \
	"nested: sem reason" --arg w "$OUTSIDE"
find_id shm "${F[g.id]}"
o_is .shm.cpid 0 "nested: shm: its creator's pid is 0 from there"
o_state unknown "nested: shm made outside"
o_ok '.reason | test("creator pid not visible in this pid namespace")' \
	"nested: shm reason: the creator is not visible"
find_path fifo /run/pv.fifo
o_state unknown "nested: FIFO open outside"
o_ok '.reason == "no visible holder; " + $w' "nested: FIFO reason" \
	--arg w "$OUTSIDE"
find_path sockfile /run/pv-stale.sock
o_state unknown "nested: stale socket file"
o_ok '.reason == "no socket bound to it now; " + $w' \
	"nested: socket file reason" --arg w "$OUTSIDE"

T_GC=$B/gc
t_is "$(cat "$B/gc.rc")" 0 "nested: gc --min-age 0: exit 0"
t_gjq "nested: gc acts on nothing" '.actions == [] and .removed == 0'
t_gjq "nested: gc says complete false, with the warning" \
	'.complete == false and any(.warnings[]; test("--trust-pidns"))'

# --trust-pidns from there states what is false here: the dry run would
# remove what the invisible processes use. That is why it is a statement
# the operator makes, never a default.
T_GC=$B/trust
t_is "$(cat "$B/trust.rc")" 0 "nested --trust-pidns: gc --dry-run: exit 0"
t_gjq "nested --trust-pidns: no warning about the pid namespace" \
	'[.warnings[]? | select(test("pid namespace"))] == []'
t_gjq "nested --trust-pidns: the dry run would remove the objects in use outside" \
	'[.actions[] | select(.action == "would-remove") | ident] | sort ==
	 ["mqueue /dev/mqueue/pv-mq", "msg id=\($q) key=0x00007b01",
	  "pshm /dev/shm/pv-map", "sem id=\($e) key=0x00007b02",
	  "sockfile /run/pv-stale.sock"]' \
	--argjson q "${F[q.id]}" --argjson e "${F[e.id]}"
t_gjq "nested --trust-pidns: the segment of an invisible creator stays unknown" \
	'[.actions[] | select(.kind == "shm")] == []'

t_ok "everything is still there" test -f /dev/shm/pv-map -a \
	-p /run/pv.fifo -a -S /run/pv-stale.sock
t_ok "the queue and the set are still there" sh -c \
	"grep -qE '^ *$((0x7b01)) +${F[q.id]} ' /proc/sysvipc/msg &&
	 grep -qE '^ *$((0x7b02)) +${F[e.id]} ' /proc/sysvipc/sem"
t_is "$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/${F[q.waiter]}/stat")" \
	S "the receiver is still blocked in msgrcv"

# ---- a /proc of another pid namespace: its numbers are not ours

# Nested without --mount-proc: /proc is this namespace's, while the kernel
# reports recorded pids in the nested one's numbers. The creator there is
# dead, but no pid in this /proc can say so.
# (LeakSanitizer cannot stop the world through a /proc whose pids are not
# ours: an ASan build runs these two programs without it.)
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	unshare --pid --fork sh -c '
	"$MKIPC" leak shm,as=fg:0x7b21 >"$B/fleak" 2>&1 || exit 1
	timeout 60 "$IPCSCAN" list --trust-pidns --json >"$B/flist" \
		2>"$B/flist.err"
	echo $? >"$B/flist.rc"
' || t_bail "the nested run without --mount-proc failed" "$(cat "$B/fleak")"
t_is "$(cat "$B/flist.rc")" 0 "foreign /proc: list --json: exit 0"
cp "$B/flist" "$T_JSON"
t_jq "foreign /proc: the warning says recorded pids cannot be judged dead" \
	'.complete == false and any(.warnings[];
	 test("/proc belongs to another pid namespace"))'
obj_find "foreign /proc: the segment made there is listed" \
	'.kind == "shm" and .key == "0x00007b21"'
o_state unknown "foreign /proc: a segment whose creator (there) is dead"
o_ok '.reason | test("/proc numbers pids in another pid namespace")' \
	"foreign /proc: the reason says why"
t_ok "cleanup: the segment is removed (ipcrm)" ipcrm -M 0x7b21

# ---- (d) this test's own pid namespace is a child one too

# A real leak: the creator made and used it and was reaped.
leak l pshm,as=lp:pv-leak msg,as=lm:0x7b11 sem,as=le:0x7b12 \
	shm,as=lg:0x7b13
timeout 60 "$IPCSCAN" list --json >"$T_JSON" 2>"$T_WORK/own.err"
t_is "$?" 0 "own pid ns, no --trust-pidns: list --json: exit 0"
t_jq "own pid ns, no --trust-pidns: complete is false, the warning is there" \
	'.complete == false and any(.warnings[]; test("child pid namespace"))'
find_name pshm pv-leak
o_state unknown "own pid ns, no --trust-pidns: the leaked pshm"
o_ok '.reason == "no visible holder; " + $w' \
	"own pid ns, no --trust-pidns: pshm reason" --arg w "$OUTSIDE"
find_id msg "${F[lm.id]}"
o_state unknown "own pid ns, no --trust-pidns: the leaked msg"
find_id sem "${F[le.id]}"
o_state unknown "own pid ns, no --trust-pidns: the leaked sem"
# nattch counts attachments in every pid namespace, and the creator's
# and last user's pids are visible and dead: the SysV rule needs no more
find_id shm "${F[lg.id]}"
o_state orphan "own pid ns, no --trust-pidns: the leaked shm (pids seen dead)"
find_name pshm pv-map
o_state in-use "own pid ns: the pshm mapped here"

T_GC=$T_WORK/own-gc.json
timeout 60 "$IPCSCAN" gc --min-age 0 --json >"$T_GC" 2>"$T_GC.err"
t_is "$?" 0 "own pid ns, no --trust-pidns: gc: exit 0"
t_gjq "own pid ns, no --trust-pidns: gc removes only the provable segment" \
	'[.actions[] | {i: ident, action}] ==
	 [{i: "shm id=\($g) key=0x00007b13", action: "removed"}]' \
	--argjson g "${F[lg.id]}"
t_ok "own pid ns, no --trust-pidns: the leaked pshm is still there" \
	test -f /dev/shm/pv-leak

# The set the holder operated on was last operated on by the nested
# namespace's dead child: seen from here, every recorded pid is dead.
gc_json --min-age 0
t_gjq "--trust-pidns: the leaks, the stale socket file and that set go" \
	'[.actions[] | select(.action == "removed") | ident] | sort ==
	 ["msg id=\($m) key=0x00007b11", "pshm /dev/shm/pv-leak",
	  "sem id=\($e0) key=0x00007b02", "sem id=\($e) key=0x00007b12",
	  "sockfile /run/pv-stale.sock"]' \
	--argjson m "${F[lm.id]}" --argjson e "${F[le.id]}" \
	--argjson e0 "${F[e.id]}"
t_gjq "--trust-pidns: nothing else is acted on" \
	'.removed == 5 and (.actions | length) == 5'
t_gjq "--trust-pidns: complete, no pid namespace warning" \
	'[.warnings[]? | select(test("pid namespace"))] == []'
list_json || t_done
find_name pshm pv-map
o_state in-use "--trust-pidns: the pshm mapped here"
find_name mqueue pv-mq
o_state in-use "--trust-pidns: the queue open here"
find_id msg "${F[q.id]}"
o_state in-use "--trust-pidns: the queue whose receiver is blocked here"
o_holders "${F[q.waiter]}:wait" "--trust-pidns: the receiver is its holder"

t_done
