#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_gc_lock.sh - gc: two runs never overlap; the second exits 1 with one
# line on stderr and removes nothing.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"
need_hooks

LOCK=/run/ipcscan.lock
command -v flock >/dev/null || t_skip_all "needs flock(1)"

leak l pshm,as=p:victim shm,as=s:0x1234

# wait_locked : until somebody holds an exclusive lock on $LOCK.
wait_locked() {
	local i
	for ((i = 0; i < 500; i++)); do
		[ -e "$LOCK" ] && ! flock -n "$LOCK" true && return 0
		sleep 0.01
	done
	return 1
}

# gc_blocked DESC [gc args] : gc runs while the lock is held elsewhere.
gc_blocked() {
	local desc=$1 rc out
	shift
	ipcscan gc --min-age 0 "$@" >"$T_WORK/out" 2>"$T_WORK/err"
	rc=$?
	t_is "$rc" 1 "$desc: exit 1"
	t_is "$(wc -l <"$T_WORK/err")" 1 "$desc: exactly one line on stderr"
	t_like "$(cat "$T_WORK/err")" 'lock' \
		"$desc: the message mentions the lock"
	t_is "$(head -c 300 "$T_WORK/out")" "" "$desc: nothing on stdout"
	t_ok "$desc: the pshm orphan is still there" test -f /dev/shm/victim
	t_ok "$desc: the shm orphan is still there" \
		grep -qE "^ *4660 +${F[s.id]} " /proc/sysvipc/shm
}

# The lock held by flock(1), as another gc would hold it.
flock "$LOCK" sleep 30 &
fpid=$!
T_PIDS[flock]=$fpid
wait_locked || t_bail "flock(1) did not take $LOCK"
gc_blocked "lock held by flock(1)" --json
gc_blocked "lock held, table output"
# A dry run changes nothing and takes no lock: it runs beside a real gc.
ipcscan gc --min-age 0 --dry-run --json >"$T_WORK/out" 2>"$T_WORK/err"
t_is "$?" 0 "lock held, dry run: exit 0 (a dry run takes no lock)"
t_is "$(jq -c '{dry_run, would_remove, removed}' "$T_WORK/out")" \
	'{"dry_run":true,"would_remove":2,"removed":0}' \
	"lock held, dry run: reports what a real run would remove"
t_ok "lock held, dry run: the pshm orphan is still there" \
	test -f /dev/shm/victim
# flock(1) passes the locked descriptor on to its command: stop both.
read -r -a kids <"/proc/$fpid/task/$fpid/children"
kill -TERM "${kids[@]}" "$fpid" 2>/dev/null
wait "$fpid" 2>/dev/null
unset "T_PIDS[flock]"
for ((i = 0; i < 500; i++)); do
	flock -n "$LOCK" true && break
	sleep 0.01
done

# The lock held by a real gc, kept busy by the test hook.
(IPCSCAN_TEST_BEFORE_REAP="touch $T_WORK/first.busy; sleep 3" \
	ipcscan gc --json --min-age 0 -t shm >"$T_WORK/first.json" \
	2>"$T_WORK/first.err") &
first=$!
for ((i = 0; i < 500; i++)); do
	[ -e "$T_WORK/first.busy" ] && break
	sleep 0.01
done
if [ -e "$T_WORK/first.busy" ]; then
	gc_blocked "lock held by another gc" --json -t pshm
else
	t_fail "a first gc reached its hook (needs a TEST_HOOKS build)"
fi
wait "$first"
t_is "$?" 0 "the first gc finishes with exit 0"
t_is "$(jq -c '[.actions[] | {kind, action}]' "$T_WORK/first.json")" \
	'[{"kind":"shm","action":"removed"}]' "the first gc removed the shm"

# Free again: a run works and removes the orphan.
gc_json --min-age 0
t_gjq "lock released: the pshm orphan is removed" \
	'[.actions[] | select(.path == "/dev/shm/victim") | .action] ==
	 ["removed"]'
t_ok "the lock file is a regular file owned by root, not world-writable" \
	test -f "$LOCK" -a -O "$LOCK" -a \
	"$(( 0$(stat -c %a "$LOCK") & 02 ))" = 0

# A symlink planted where the lock goes is not followed.
rm -f "$LOCK"
ln -s /tmp/lock-target "$LOCK"
leak m pshm,as=p2:victim2
ipcscan gc --min-age 0 --json >"$T_WORK/out" 2>"$T_WORK/err"
t_is "$?" 1 "lock path is a symlink: exit 1"
t_like "$(cat "$T_WORK/err")" 'lock' "lock path is a symlink: says so"
t_ok "lock path is a symlink: its target is not created" \
	test ! -e /tmp/lock-target
t_ok "lock path is a symlink: nothing removed" test -f /dev/shm/victim2

t_done
