#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_faults.sh - gc when removals fail: ENOENT, EPERM, EACCES, EBUSY,
# EROFS, and objects that change between the scan and the removal. The
# test builds' IPCSCAN_TEST_BEFORE_REAP hook sets each fault up after the
# scan and before the removals.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"
need_hooks

# gc_hook HOOK [PREFIX...]: "gc --min-age 0 --json" with HOOK run between
# scan and removals, under PREFIX (e.g. setpriv); sets GC_RC, output in
# $GC. The hook runs in the same namespaces as the test.
GC=$T_WORK/gc.json
gc_hook() {
	local hook=$1
	shift
	# what a gc without faults would do, with either holder pass
	[ $# -gt 0 ] || hp_gc "" --min-age 0
	env IPCSCAN_TEST_BEFORE_REAP="$hook" "$@" timeout 60 "$IPCSCAN" gc \
		--trust-pidns --min-age 0 --json >"$GC" 2>"$T_WORK/gc.err"
	GC_RC=$?
	if ! jq -e '.schema == 1' "$GC" >/dev/null 2>&1; then
		t_fail "gc --json (hook: $hook): valid JSON" \
			"$(head -c 1000 "$GC")" "$(cat "$T_WORK/gc.err")"
		echo '{"actions":[]}' >"$GC"
	fi
	if grep -q "test hook failed" "$T_WORK/gc.err"; then
		t_fail "the hook ran cleanly: $hook" "$(cat "$T_WORK/gc.err")"
	fi
}

# act WHO: "action: error" of the action whose name or path is WHO, or
# whose "kind:id" is (SysV ids are per kind).
act() {
	jq -r --arg w "$1" '[.actions[] | select(.name == $w or .path == $w
		or "\(.kind):\(.id)" == $w)] | if length == 1 then .[0] |
		"\(.action): \(.error // "")" else "\(length) actions" end' \
		"$GC"
}

# act_is WHO ERE DESC
act_is() {
	t_like "$(act "$1")" "$2" "$3"
}

# order_ok WHO: some object was removed after WHO's action in the run,
# so a failure did not stop the removals that came after it.
order_ok() {
	t_jq_gc "$2" '[.actions[] | .name == $w or .path == $w] |
		index(true) as $i | $i != null and ([$GC_ACTIONS[$i + 1:][] |
		select(.action == "removed")] | length) > 0' --arg w "$1"
}
t_jq_gc() {
	local desc=$1 filter=$2 got
	shift 2
	got=$(jq -c "$@" --slurpfile g "$GC" \
		"(\$g[0].actions) as \$GC_ACTIONS | $filter" "$GC" 2>&1)
	if [ "$got" = true ]; then
		t_pass "$desc"
	else
		t_fail "$desc" "jq: $filter" "got: ${got:0:500}" \
			"actions: $(jq -c '[.actions[] | [.name // .path // .id,
			 .action, .error]]' "$GC" 2>&1 | head -c 1500)"
	fi
}

# clean: after each case, nothing is left for a gc to do.
clean() {
	ipcscan gc --min-age 0 --json >"$T_WORK/clean.json" 2>"$T_WORK/clean.err"
	t_is "$? $(jq -c '[.failed, .skipped]' "$T_WORK/clean.json" 2>&1)" \
		"0 [0,0]" \
		"$1: afterwards a plain gc cleans up, exit 0"
}

# ------------------------------------------------------------ ENOENT
# Gone between scan and removal: "skipped", already gone; exit 0.
leak en pshm,as=p1:enoent_gone pshm,as=p2:enoent_keep \
	shm,as=s1:0x7a001 shm,as=s2:0x7a002 \
	unix,as=u1:/tmp/enoent_gone.sock unix,as=u2:/tmp/enoent_keep.sock
gc_hook "rm /dev/shm/enoent_gone /tmp/enoent_gone.sock &&
	ipcrm -m ${F[s1.id]}"
t_is "$GC_RC" 0 "ENOENT: exit 0"
act_is enoent_gone '^skipped: already gone \(No such file or directory\)$' \
	"ENOENT: pshm removed under gc: skipped, already gone"
act_is /tmp/enoent_gone.sock '^skipped: already gone' \
	"ENOENT: socket file removed under gc: skipped, already gone"
act_is "shm:${F[s1.id]}" \
	'^skipped: already gone \((Invalid argument|Identifier removed)\)$' \
	"ENOENT: shm removed under gc: skipped, already gone (EINVAL)"
for w in enoent_keep /tmp/enoent_keep.sock "shm:${F[s2.id]}"; do
	act_is "$w" '^removed: $' "ENOENT: $w removed in the same run"
done
t_is "$(jq -c '[.removed, .skipped, .failed]' "$GC")" "[3,3,0]" \
	"ENOENT: 3 removed, 3 skipped, 0 failed"
t_is "$(grep -c 'failed to remove' "$T_WORK/gc.err")" 0 \
	"ENOENT: a skipped removal prints no failure line on stderr"
clean ENOENT

# ------------------------------------------------------------- EPERM
# tmpfs takes chattr +i on this kernel: unlinkat then fails with EPERM.
# It is set before the scan (chattr moves ctime, which the re-check
# rightly takes for a change; that is the second run).
leak ep pshm,as=p1:eperm_immut pshm,as=p2:eperm_ok \
	unix,as=u1:/tmp/eperm_ok.sock
if chattr +i /dev/shm/eperm_immut 2>"$T_WORK/chattr.err"; then
	gc_hook true
	t_is "$GC_RC" 0 "EPERM (immutable): exit 0"
	act_is eperm_immut \
		'^skipped: not permitted \(Operation not permitted\)$' \
		"EPERM (immutable): skipped, not permitted, with the error text"
	act_is eperm_ok '^removed: $' "EPERM: the other pshm is removed"
	act_is /tmp/eperm_ok.sock '^removed: $' \
		"EPERM: the socket file is removed"
	t_ok "EPERM: the immutable file is still there" \
		test -f /dev/shm/eperm_immut
	chattr -i /dev/shm/eperm_immut
	gc_hook "chattr +i /dev/shm/eperm_immut"
	t_is "$GC_RC" 0 "chattr +i in the hook: exit 0"
	# ctime has one-second resolution: "changed" or, within the same
	# second, the EPERM of the unlink; skipped either way.
	act_is eperm_immut '^skipped: (.*changed since scan|not permitted)' \
		"chattr +i after the scan: skipped"
	chattr -i /dev/shm/eperm_immut
else
	echo "# no chattr +i on this tmpfs: $(cat "$T_WORK/chattr.err")"
	t_skip "EPERM (immutable)" "no chattr +i on tmpfs"
	rm -f /dev/shm/eperm_immut
fi
clean "EPERM (immutable)"

# SysV: IPC_RMID of another user's object needs CAP_SYS_ADMIN. root
# without it (CAP_IPC_OWNER kept, so IPC_STAT still works) gets EPERM.
setpriv --reuid=nobody --regid=nogroup --clear-groups "$T_WORK/bin/mkipc" \
	leak shm,as=n1:0x7b001 sem,as=n2:0x7b002 msg,as=n3:0x7b003 \
	>"$T_WORK/nl.out" 2>&1 || t_bail "mkipc leak as nobody" \
	"$(cat "$T_WORK/nl.out")"
NS=$(grep -o '^n1.id=.*' "$T_WORK/nl.out" | cut -d= -f2)
NM=$(grep -o '^n2.id=.*' "$T_WORK/nl.out" | cut -d= -f2)
NQ=$(grep -o '^n3.id=.*' "$T_WORK/nl.out" | cut -d= -f2)
leak rs shm,as=r1:0x7b004
gc_hook true setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin
t_is "$GC_RC" 0 "EPERM (SysV, no CAP_SYS_ADMIN): exit 0"
for id in "shm:$NS" "sem:$NM" "msg:$NQ"; do
	act_is "$id" '^skipped: not permitted \(Operation not permitted\)$' \
		"EPERM (SysV): nobody's object $id: skipped, not permitted"
done
act_is "shm:${F[r1.id]}" '^removed: $' \
	"EPERM (SysV): root's own segment removed"
t_is "$(ipcs -m -i "$NS" >/dev/null 2>&1 && echo there)" there \
	"EPERM (SysV): nobody's segment is still there"
clean "EPERM (SysV)"

# ------------------------------------------------------------ EACCES
# root without CAP_DAC_OVERRIDE in a directory the hook makes read-only
# (0555): unlinkat fails with EACCES.
# shellcheck disable=SC2054
NODAC=(setpriv --bounding-set=-dac_override,-dac_read_search
	--inh-caps=-dac_override,-dac_read_search)
mkdir -p /tmp/eacces
leak ea pshm,as=p1:eacces_a pshm,as=p2:eacces_b \
	unix,as=u1:/tmp/eacces/in.sock unix,as=u2:/run/eacces_ok.sock
gc_hook "chmod 0555 /dev/shm /tmp/eacces" "${NODAC[@]}"
chmod 1777 /dev/shm
chmod 0755 /tmp/eacces
t_is "$GC_RC" 0 "EACCES: exit 0"
for w in eacces_a eacces_b /tmp/eacces/in.sock; do
	act_is "$w" '^skipped: not permitted \(Permission denied\)$' \
		"EACCES: $w: skipped, not permitted, with the error text"
done
act_is /run/eacces_ok.sock '^removed: $' \
	"EACCES: the socket file in another dir is removed in the same run"
t_is "$(jq -c '[.removed, .skipped, .failed]' "$GC")" "[1,3,0]" \
	"EACCES: 1 removed, 3 skipped, 0 failed"
clean EACCES

# ------------------------------------------------------------- EBUSY
# A mount point cannot be unlinked: the hook bind-mounts the file onto
# itself (same inode, so the re-check passes). "failed", exit 1, and
# the rest of the run goes on.
leak eb1 pshm,as=p1:ebusy_other1 pshm,as=p2:ebusy_other2
leak eb2 pshm,as=p3:ebusy_mnt
leak eb3 unix,as=u1:/tmp/ebusy_mnt.sock unix,as=u2:/tmp/ebusy_other.sock \
	shm,as=s1:0x7c001
gc_hook "mount --bind /dev/shm/ebusy_mnt /dev/shm/ebusy_mnt &&
	mount --bind /tmp/ebusy_mnt.sock /tmp/ebusy_mnt.sock"
t_is "$GC_RC" 1 "EBUSY: exit 1"
act_is ebusy_mnt '^failed: Device or resource busy$' \
	"EBUSY: pshm mount point: failed, with the error text"
act_is /tmp/ebusy_mnt.sock '^failed: Device or resource busy$' \
	"EBUSY: socket file mount point: failed, with the error text"
for w in ebusy_other1 ebusy_other2 /tmp/ebusy_other.sock "shm:${F[s1.id]}"; do
	act_is "$w" '^removed: $' "EBUSY: $w removed in the same run"
done
order_ok ebusy_mnt "EBUSY: removals after the failure went on"
t_is "$(jq -c '[.removed, .skipped, .failed]' "$GC")" "[4,0,2]" \
	"EBUSY: 4 removed, 0 skipped, 2 failed"
t_ok "EBUSY: the mount points are still there" \
	test -f /dev/shm/ebusy_mnt -a -S /tmp/ebusy_mnt.sock
# Cron drops stdout: every failure is also one line on stderr, in JSON
# mode as in table mode, and nothing else is said there about removals.
EBUSY_ERR="ipcscan: failed to remove pshm /dev/shm/ebusy_mnt: Device or \
resource busy
ipcscan: failed to remove sockfile /tmp/ebusy_mnt.sock: Device or resource \
busy"
t_is "$(grep -v ': warning: ' "$T_WORK/gc.err" | sort)" "$EBUSY_ERR" \
	"EBUSY (JSON): one line on stderr per failed removal, with the error"
# The table says the same, and so does the exit status.
IPCSCAN_TEST_BEFORE_REAP=true timeout 60 "$IPCSCAN" gc --trust-pidns \
	--min-age 0 >"$T_WORK/gc.txt" 2>"$T_WORK/gc.err"
t_is "$?" 1 "EBUSY (table): exit 1"
t_like "$(tail -1 "$T_WORK/gc.txt")" '0 removed.* 2 failed' \
	"EBUSY (table): the summary counts 2 failed"
t_like "$(grep ebusy_mnt "$T_WORK/gc.txt")" '^failed .*busy' \
	"EBUSY (table): the row says failed and why"
t_is "$(grep -v ': warning: ' "$T_WORK/gc.err" | sort)" "$EBUSY_ERR" \
	"EBUSY (table): one line on stderr per failed removal, with the error"
umount /dev/shm/ebusy_mnt /tmp/ebusy_mnt.sock
clean EBUSY

# ------------------------------------------------------------- EROFS
leak er pshm,as=p1:erofs_a unix,as=u1:/tmp/erofs_ok.sock
gc_hook "mount -o remount,ro /dev/shm"
mount -o remount,rw /dev/shm
t_is "$GC_RC" 1 "EROFS: exit 1"
act_is erofs_a '^failed: Read-only file system$' \
	"EROFS: pshm on a read-only /dev/shm: failed, with the error text"
act_is /tmp/erofs_ok.sock '^removed: $' \
	"EROFS: the socket file in /tmp is removed in the same run"
clean EROFS

# ---------------------------------------------- changed since the scan
leak ch pshm,as=p1:chg_touched pshm,as=p2:chg_replaced pshm,as=p3:chg_held \
	shm,as=s1:0x7d001 unix,as=u1:/tmp/chg_replaced.sock
HELD_PIDS=$T_WORK/held.pids
gc_hook "sleep 1.1; touch /dev/shm/chg_touched &&
	rm /dev/shm/chg_replaced && : >/dev/shm/chg_replaced &&
	rm /tmp/chg_replaced.sock && mkfifo /tmp/chg_replaced.sock &&
	{ sleep 300 3</dev/shm/chg_held & echo \$! >>$HELD_PIDS; } &&
	{ $MKIPC hold shm,existing:0x7d001 >/dev/null 2>&1 &
	  echo \$! >>$HELD_PIDS; } && sleep 0.5"
t_is "$GC_RC" 0 "changed since scan: exit 0"
act_is chg_touched '^skipped: modified since scan$' \
	"a pshm written to after the scan: skipped"
act_is chg_replaced '^skipped: replaced since scan' \
	"a pshm replaced by another file after the scan: skipped"
act_is /tmp/chg_replaced.sock '^skipped: .*replaced' \
	"a socket file replaced by a FIFO after the scan: skipped"
act_is "shm:${F[s1.id]}" '^skipped: .*attached' \
	"a segment attached after the scan: skipped"
# SPEC: removed only if "still an orphan": a process that opened the
# file after the scan holds it now.
act_is chg_held '^skipped' "a pshm opened by a process after the scan: skipped"
t_ok "the pshm opened after the scan is still there" test -f /dev/shm/chg_held
while read -r p; do kill "$p" 2>/dev/null; done <"$HELD_PIDS"
sleep 0.2
clean "changed since scan"

t_done
