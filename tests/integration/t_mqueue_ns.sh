#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_mqueue_ns.sh - /dev/mqueue is used only once proven to be the mqueue
# of the IPC namespace being scanned. A process that unshared only its IPC
# namespace still sees the old namespace's mount there: it must neither
# list nor remove those queues. As root it reaches its own namespace's
# queues (a detached fsmount, or on kernels without one a private mount
# made on a thread in a mount namespace of its own); without root it says
# that queues could not be listed and the view is incomplete. No probe
# queue is ever left behind.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
need_hooks
ns_enter "$@"

command -v nsenter >/dev/null || t_skip_all "needs nsenter(1)"
command -v setpriv >/dev/null || t_skip_all "needs setpriv(1)"
id nobody >/dev/null 2>&1 || t_skip_all "needs a user 'nobody'"
NGID=$(id -g nobody)
RUNDIR=/run/user/65534
mkdir -p "$RUNDIR" && chown nobody:"$NGID" "$RUNDIR" ||
	t_bail "cannot make $RUNDIR"
# The pid namespace is this test's own: nothing outside it uses ours.
TRUST=--trust-pidns

# A private /dev (this mount namespace only) with a /dev/mqueue directory:
# the host's /dev may have none, and must not get one.
ND=/run/newdev
mkdir -p "$ND" && mount -t tmpfs -o mode=0755 tmpfs "$ND" ||
	t_bail "cannot mount a tmpfs for a private /dev"
for n in null zero full random urandom tty; do
	[ -e "/dev/$n" ] || continue
	touch "$ND/$n" && mount --bind "/dev/$n" "$ND/$n" ||
		t_bail "cannot bind /dev/$n"
done
mkdir -p "$ND/shm" "$ND/mqueue" "$ND/pts"
mount --move /dev/shm "$ND/shm" || t_bail "cannot move /dev/shm"
ln -s /proc/self/fd "$ND/fd"
mount --move "$ND" /dev || t_bail "cannot move the private /dev over /dev"
mount -t mqueue mqueue /dev/mqueue || t_bail "cannot mount mqueue"

NOBODY=(setpriv --reuid=nobody --regid="$NGID" --clear-groups
	env XDG_RUNTIME_DIR="$RUNDIR")

# run OUT [PREFIX...] -- CMD ARGS : ipcscan ARGS, stdout in
# OUT, stderr in OUT.err, status in RC. The prefix runs it elsewhere.
run() {
	local out=$1
	shift
	local pre=()
	while [ "$1" != -- ]; do
		pre+=("$1")
		shift
	done
	shift
	local cmd=$1
	shift
	"${pre[@]}" timeout 60 "$IPCSCAN" "$cmd" $TRUST "$@" >"$out" \
		2>"$out.err"
	RC=$?
}

# mq_names FILE : the sorted names of the queues of a list document.
mq_names() {
	jq -c '[.objects[] | select(.kind == "mqueue") | .name] | sort' "$1"
}
# mq_warnings FILE : its warnings about reaching the queues at all (one
# about a queue of root's that nobody cannot read is not one of them).
mq_warnings() {
	jq -c '[.warnings[] | select(test("queues not listed|probe"))]' "$1"
}

# ------------------------------------------- our own namespace (A)
leak a mq,as=q1:outer_root
"${NOBODY[@]}" "$T_WORK/bin/mkipc" leak mq,as=q2:outer_nobody \
	>"$T_WORK/n.out" 2>&1 || t_bail "mkipc leak as nobody" \
	"$(cat "$T_WORK/n.out")"
OUTER='["outer_nobody","outer_root"]'
holders_agree -t mqueue
L=$T_JSON
run "$L" -- list --json -t mqueue
t_is "$RC $(mq_names "$L") $(mq_warnings "$L")" "0 $OUTER []" \
	"A, root: both queues of A, no warning about queues"
run "$L" env IPCSCAN_TEST_NO_FSMOUNT=1 -- list --json -t mqueue
t_is "$RC $(mq_names "$L") $(mq_warnings "$L")" "0 $OUTER []" \
	"A, root without fsmount: /dev/mqueue proven ours by a probe queue"
run "$L" "${NOBODY[@]}" -- list --json -t mqueue
t_is "$RC $(mq_names "$L") $(mq_warnings "$L")" "0 $OUTER []" \
	"A, nobody: /dev/mqueue proven ours by a probe queue, both listed"
t_is "$(ls -A /dev/mqueue | tr '\n' ' ')" "outer_nobody outer_root " \
	"A: no probe queue left behind"

# ------------------- a new IPC namespace (B) under A's /dev/mqueue
NSB=/run/ipcns-b
touch "$NSB" && unshare --ipc="$NSB" true ||
	t_bail "cannot make a persistent IPC namespace"
inb() {
	nsenter --ipc="$NSB" "$@"
}
# B's own queues, seen through a private mount of B's instance.
MQB=/run/mq-b
mkdir -p "$MQB"
b_queues() {
	inb unshare --mount sh -c 'mount -t mqueue mqueue "$1" &&
		ls -A "$1" | tr "\n" " "' sh "$MQB"
}
inb "$MKIPC" leak mq,as=q3:inner_root >"$T_WORK/b.out" 2>&1 ||
	t_bail "mkipc leak in B" "$(cat "$T_WORK/b.out")"
t_is "$(b_queues)" "inner_root " "setup: B has its own queue"
t_is "$(inb sh -c 'ls -A /dev/mqueue | tr "\n" " "')" \
	"outer_nobody outer_root " "setup: B sees A's queues at /dev/mqueue"

for how in fsmount private-mount; do
	pre=(inb)
	[ $how = private-mount ] && pre=(inb env IPCSCAN_TEST_NO_FSMOUNT=1)
	run "$L" "${pre[@]}" -- list --json -t mqueue
	t_is "$RC $(mq_names "$L")" '0 ["inner_root"]' \
		"B, root ($how): only B's own queue, none of A's"
	t_is "$(mq_warnings "$L")" "[]" "B, root ($how): no queue warning"
	t_jq "B, root ($how): its path is the logical /dev/mqueue one" \
		'[.objects[] | select(.kind == "mqueue") | .path] ==
		 ["/dev/mqueue/inner_root"]'
	run "$L" "${pre[@]}" -- gc --json --dry-run --min-age 0 -t mqueue
	t_is "$RC $(jq -c '[.actions[] | "\(.action) \(.name)"]' "$L")" \
		'0 ["would-remove inner_root"]' \
		"B, root ($how): gc would remove B's orphan, nothing of A's"
done

run "$L" inb "${NOBODY[@]}" -- list --json -t mqueue
t_is "$RC $(mq_names "$L")" "0 []" "B, nobody: no queue listed"
t_jq "B, nobody: complete is false" '.complete == false'
t_like "$(mq_warnings "$L")" "POSIX message queues not listed: /dev/mqueue \
is the mqueue of another IPC namespace and reading them needs root" \
	"B, nobody: the warning says why queues are not listed"
t_like "$(cat "$L.err")" "warning: POSIX message queues not listed" \
	"B, nobody: the warning is on stderr"
run "$L" inb "${NOBODY[@]}" -- gc --json --min-age 0 -t mqueue
t_is "$RC $(jq -c '[.actions, .complete]' "$L")" "0 [[],false]" \
	"B, nobody: gc acts on no queue, complete false"
t_like "$(mq_warnings "$L")" "another IPC namespace" \
	"B, nobody: gc's warnings say why"
t_is "$(b_queues)" "inner_root " "B: no probe queue left behind by nobody"

run "$L" inb -- gc --json --min-age 0 -t mqueue
t_is "$RC $(jq -c '[.actions[] | "\(.action) \(.name)"]' "$L")" \
	'0 ["removed inner_root"]' "B, root (fsmount): gc removes B's orphan"
t_is "$(b_queues)" "" "B: the queue is gone from B's instance"
inb "$MKIPC" leak mq,as=q4:inner_private >"$T_WORK/b.out" 2>&1 ||
	t_bail "mkipc leak in B" "$(cat "$T_WORK/b.out")"
run "$L" inb env IPCSCAN_TEST_NO_FSMOUNT=1 -- gc --json --min-age 0 -t mqueue
t_is "$RC $(jq -c '[.actions[] | "\(.action) \(.name)"]' "$L")" \
	'0 ["removed inner_private"]' \
	"B, root (private mount): gc removes B's orphan"
t_is "$(b_queues)" "" "B: that queue is gone from B's instance too"
t_is "$(ls -A /dev/mqueue | tr '\n' ' ')" "outer_nobody outer_root " \
	"A: both queues survived every gc in B; no probe left"

# ------------------------ back in A: removal through a proven mount
run "$L" env IPCSCAN_TEST_NO_FSMOUNT=1 -- gc --json --min-age 0 -t mqueue
t_is "$RC $(jq -c '[.actions[] | "\(.action) \(.name)"] | sort' "$L")" \
	'0 ["removed outer_nobody","removed outer_root"]' \
	"A, root without fsmount: gc removes through the proven /dev/mqueue"
t_is "$(ls -A /dev/mqueue)" "" "A: nothing left, no probe either"

t_done
