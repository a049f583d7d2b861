#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_mqueue_gone.sh - mqueue mounts whose IPC namespace is gone
# (NAMESPACES.md 1.5): a mount does not pin its namespace, and once the
# namespace is freed its queues can be unlinked but never opened with
# mq_open again. From a complete view (-N all, every task, fd table and
# mount table read, in the initial pid namespace: a test build plays that
# with IPCSCAN_TEST_PIDNS_WHOLE) list shows them as mqueue objects of no
# namespace (NS "gone"), orphans unless a process still has one open,
# with the reason; an empty such mount is a warning; a mount of a live
# namespace that discovery cannot find (kept only by a SysV attachment
# made in it) is not taken for a gone one; gc --dry-run and gc remove
# exactly the orphans, through the mount. From a partial view (our child
# pid namespace as it is, or -N naming namespaces) nothing is claimed.
# shellcheck source=tests/integration/lib.sh disable=SC2016
. "$(dirname "$0")/lib.sh"
need_hooks
ns_enter "$@"

command -v mountpoint >/dev/null || t_skip_all "needs mountpoint(1)"

# Our mount namespace is a private copy: its mqueue mounts of namespaces
# outside this test (the host's /dev/mqueue below lib.sh's cover, or the
# suite's second pass's) are unmounted here, so that the only ones left
# are this test's, and no probe ever reaches a namespace not ours.
for _ in 1 2 3 4 5 6 7 8; do
	mps=$(awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "mqueue")
		print $5 }' /proc/self/mountinfo)
	[ -n "$mps" ] || break
	for mp in $mps; do umount -l "$mp" 2>/dev/null; done
done
[ -z "$(awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "mqueue")
	print $5 }' /proc/self/mountinfo)" ] ||
	t_bail "cannot unmount the outer mqueue mounts"
OWN_MQ=/run/mqown
mkdir -p "$OWN_MQ" && mount -t mqueue none "$OWN_MQ" ||
	t_bail "cannot mount our own mqueue"

# Live ones, each queue held open: ours, and A's (its holder is in it)
# mounted at /run/mqa
hold own mq:ownq
unshare --ipc "$MKIPC" hold mq:aq >"$T_WORK/a.out" 2>&1 &
T_PIDS[a]=$!
A=$!
wait_line "$T_WORK/a.out" ready
NS_A=$(stat -Lc %i "/proc/$A/ns/ipc")
mkdir -p /run/mqa
nsenter -t "$A" -i mount -t mqueue none /run/mqa ||
	t_bail "cannot mount A's mqueue"

# G: a gone namespace's mount with two leftovers and a queue that a
# process of ours still has open (opened through the mount after the
# namespace died: open works, only creating does not).
mkdir -p /run/mqg /run/mqe
unshare --ipc sh -c 'mount -t mqueue none /run/mqg &&
	"$1" leak mq:gq1 mq:gq2 mq:gqheld >/dev/null' sh "$MKIPC" ||
	t_bail "cannot leave an mqueue mount behind"
t_is "$(ls /run/mqg | tr '\n' ' ')" "gq1 gq2 gqheld " \
	"setup: the gone namespace's mount shows its queues"
t_like "$(touch /run/mqg/new 2>&1)" "Permission denied" \
	"setup: no queue can be made in it (its namespace is gone)"
sleep 1000 3</run/mqg/gqheld &
T_PIDS[holder]=$!
HOLDER=$!
# E: a gone namespace's mount with no queue
unshare --ipc mount -t mqueue none /run/mqe ||
	t_bail "cannot leave an empty mqueue mount behind"

# M: a gone namespace's mount in a mount namespace that no task is in
# (kept by a descriptor of a sleeping shell): reached by discovery's child
# inside it, which passes the mount point's descriptor up
unshare --mount --propagation private sh -c 'set -e
	mkdir -p /run/mqm
	unshare --ipc sh -c "mount -t mqueue none /run/mqm &&
		\"\$1\" leak mq:mq_m >/dev/null" sh "$1"
	echo made; exec sleep 1000' sh "$MKIPC" >"$T_WORK/m.out" 2>&1 &
MP=$!
T_PIDS[m_task]=$MP
wait_line "$T_WORK/m.out" made
hold_ns_fd m_fd "/proc/$MP/ns/mnt"
stop m_task
MNS=/proc/${T_PIDS[m_fd]}/fd/3

# L: a live namespace that no task is in and nothing /proc shows keeps
# alive: a process attached a segment in it, then moved to ours.
LIVE=""
if command -v python3 >/dev/null; then
	mkdir -p /run/mql
	start_mover mover /proc/$$/ns/ipc /run/mql
	LIVE=1
fi

# ------------------------------------------------------ a partial view

# As this test runs: a child pid namespace, whose view is partial even
# with --trust-pidns (a namespace outside it may own such a mount).
list_json -N all
t_jq "child pid namespace: no queue of the gone mounts is listed" \
	'[.objects[] | select(.kind == "mqueue" and
	  (.path | startswith("/run/mqg/")))] | length == 0'
t_jq "child pid namespace: no warning about them either" \
	'[.warnings[] | select(test("/run/mq[gel]"))] | length == 0'
gc_json -N all --min-age 0 -t mqueue
t_is "$(ls /run/mqg | tr '\n' ' ')$(nsenter --mount="$MNS" ls /run/mqm)" \
	"gq1 gq2 gqheld mq_m" "child pid namespace: gc removes none of them"

export IPCSCAN_TEST_PIDNS_WHOLE=1
NS_SELF=$(stat -Lc %i /proc/self/ns/ipc)
list_json -N "$NS_SELF"
t_jq "-N naming a namespace: none of them is listed" \
	'[.objects[] | select(.kind == "mqueue" and
	  (.path | startswith("/run/mqg/")))] | length == 0'
list_json -N all -t shm
t_jq "-t shm: none of them is listed" \
	'([.objects[] | select(.kind == "mqueue")] | length == 0) and
	 ([.warnings[] | select(test("/run/mq[gel]"))] | length == 0)'

# ------------------------------------------------------ a complete view

list_json -N all
cp "$T_JSON" "$T_WORK/all.json"
for q in gq1 gq2; do
	obj_find "$q is listed once, at its mount" \
		'.kind == "mqueue" and .path == $p' --arg p "/run/mqg/$q"
	o_is .name "$q" "$q: its name"
	o_state orphan "$q"
	o_ok '.reason | test("IPC namespace is gone: it can never be opened again")' \
		"$q: the reason says its namespace is gone"
	o_ok '.namespace == {"type": "ipc", "id": null, "host": false}' \
		"$q: no namespace (JSON id null)"
	o_ok '.holders == []' "$q: no holder"
	o_ok '.containers == []' \
		"$q: no container (its mount is in ours, the test's host)"
done
obj_find "mq_m (a mount in a mount namespace of no task) is listed once" \
	'.kind == "mqueue" and .path == "/run/mqm/mq_m"'
o_state orphan "mq_m"
o_ok '.namespace.id == null' "mq_m: no namespace"
obj_find "gqheld is listed once" '.kind == "mqueue" and .path == $p' \
	--arg p /run/mqg/gqheld
o_state in-use "gqheld (a process has it open)"
o_holders "$HOLDER:fd" "gqheld: held by the sleeper's descriptor"
o_ok '.reason | test("IPC namespace is gone")' \
	"gqheld: the reason says its namespace is gone too"
t_jq "the empty gone mount is one warning" \
	'[.warnings[] | select(test("mqueue mount at /run/mqe .*belongs to an IPC namespace that is gone: it holds no queue"))] |
	 length == 1'
t_jq "the mounts of live namespaces are no finding" \
	'([.objects[] | select(.kind == "mqueue" and
	  (.path | test("^/run/mq(own|a)/")))] | length == 0) and
	 ([.warnings[] | select(test("/run/mq(own|a)"))] | length == 0)'
obj_find "our queue is listed once, ours" \
	'.kind == "mqueue" and .name == "ownq" and .namespace.id != null'
obj_find "A's queue is listed once, in A" \
	'.kind == "mqueue" and .name == "aq" and
	 .namespace.id == ($a | tonumber)' --arg a "$NS_A"
if [ -n "$LIVE" ]; then
	t_jq "a live namespace that discovery cannot find is not gone: the view is incomplete, and says why" \
		'.complete == false and
		 ([.warnings[] | select(test("mqueue mount at /run/mql .*belongs to a live IPC namespace that was not found"))] |
		  length == 1) and
		 ([.objects[] | select(.path // "" | startswith("/run/mql"))] |
		  length == 0)'
	t_is "$(ls -A /run/mql)" "" "the probe left nothing in the live mount"
else
	t_skip "a live namespace that discovery cannot find" "needs python3"
fi

ipcscan list -N all -t mqueue -o KIND,ID/NAME,NS,STATE \
	>"$T_WORK/table" 2>"$T_WORK/table.err"
t_is "$(awk '$2 ~ /^gq/ { print $2, $3, $4 }' "$T_WORK/table" | sort |
	tr '\n' ' ')" "gq1 gone orphan gq2 gone orphan gqheld gone in-use " \
	"table: NS says gone"
ipcscan stats -N all --json >"$T_WORK/stats.json" 2>/dev/null
t_is "$(jq '.kinds.mqueue.orphan' \
	"$T_WORK/stats.json" 2>&1)" \
	"$(jq '[.objects[] | select(.kind == "mqueue" and .state == "orphan")] |
	  length' "$T_WORK/all.json")" \
	"stats: the gone mount's orphans are counted with the queues"

# ------------------------------------------------------------------- gc

gc_json -N all --min-age 0 -t mqueue --dry-run
t_is "$(gc_idents would-remove)" \
	'["mqueue /run/mqg/gq1","mqueue /run/mqg/gq2","mqueue /run/mqm/mq_m"]' \
	"gc --dry-run: would remove exactly the three orphans"
t_is "$(ls /run/mqg | tr '\n' ' ')" "gq1 gq2 gqheld " \
	"gc --dry-run: removes nothing"
gc_json -N all --min-age 0 -t mqueue
t_is "$(gc_idents removed)" \
	'["mqueue /run/mqg/gq1","mqueue /run/mqg/gq2","mqueue /run/mqm/mq_m"]' \
	"gc: removes exactly the three orphans"
t_is "$(nsenter --mount="$MNS" ls -A /run/mqm)" "" \
	"gc: the queue in the taskless mount namespace is gone too"
t_is "$(ls /run/mqg | tr '\n' ' ')" "gqheld " \
	"gc: unlinked through the mount; the held queue stays"
t_gjq "gc: the held queue is not even a candidate" \
	'[.actions[] | select(.path == "/run/mqg/gqheld")] | length == 0'

stop holder
umount /run/mqg /run/mqe /run/mqa "$OWN_MQ"
[ -z "$LIVE" ] || umount /run/mql
t_done
