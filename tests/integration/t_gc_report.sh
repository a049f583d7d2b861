#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_gc_report.sh - what gc tells about its own view: "complete" and
# "warnings" in its JSON as in list's, and what the pre-removal re-check
# could not see is printed (stderr, and the JSON warnings) and makes the
# run incomplete.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
need_hooks
ns_enter "$@"

command -v setpriv >/dev/null || t_skip_all "needs setpriv(1)"
id nobody >/dev/null 2>&1 || t_skip_all "needs a user 'nobody'"
NGID=$(id -g nobody)

# A complete view: gc says so, with the same warnings as list.
leak a pshm,as=p1:rep_a
list_json || t_done
LIST=$(jq -c '{complete, warnings}' "$T_JSON")
gc_json --dry-run --min-age 0
t_is "$(jq -c '{complete, warnings}' "$T_GC")" "$LIST" \
	"gc --json: complete and warnings are list's for the same view"
t_gjq "gc --json: a complete view here" '.complete == true'

# Root without CAP_SYS_PTRACE cannot read the descriptors of another
# user's process (nor of a process with more capabilities, hence a pid
# namespace of its own in which every process has the same ones). No
# process of nobody exists at the scan; the hook starts one, holding the
# orphan open, between the scan and the re-check, which then cannot prove
# the orphan unheld.
PIDS=$T_WORK/late.pids
# The pid namespace is the test's own, nothing outside it shares /dev/shm.
# The blind spot is the /proc pass's: the BPF task iterators see every
# process's descriptors whatever ptrace would allow (--holders=proc).
TRUST="--trust-pidns --holders=proc"
cat >"$T_WORK/blind.sh" <<EOS
trap 'while read -r p; do kill "\$p"; done <$PIDS' EXIT
: >$PIDS
ps -e -o uid= | grep -c '^ *65534\$' >$T_WORK/nobody.count
hook='setpriv --reuid=nobody --regid=$NGID --clear-groups sleep 300 \
3</dev/shm/rep_a & echo \$! >>$PIDS; sleep 0.3'
IPCSCAN_TEST_BEFORE_REAP=\$hook timeout 60 "$IPCSCAN" gc $TRUST --json \
	--min-age 0 >$T_WORK/gc.json 2>$T_WORK/gc.err
echo \$? >$T_WORK/gc.rc
while read -r p; do kill "\$p"; done <$PIDS
: >$PIDS
sleep 0.2
IPCSCAN_TEST_BEFORE_REAP=\$hook timeout 60 "$IPCSCAN" gc $TRUST \
	--min-age 0 >$T_WORK/gc.txt 2>$T_WORK/gc.txt.err
echo \$? >$T_WORK/gc.txt.rc
EOS
unshare --pid --fork --mount --mount-proc \
	setpriv --bounding-set=-sys_ptrace --inh-caps=-sys_ptrace \
	bash "$T_WORK/blind.sh" || t_bail "the capability-less namespace failed"
t_is "$(cat "$T_WORK/nobody.count")" 0 \
	"setup: no process of nobody before the scan"
T_GC=$T_WORK/gc.json
t_is "$(cat "$T_WORK/gc.rc")" 0 "re-check blind spot (JSON): exit 0"
t_gjq "re-check blind spot (JSON): complete is false" '.complete == false'
t_gjq "re-check blind spot (JSON): the re-check's warning is in warnings" \
	'any(.warnings[]; test("1 process could not be inspected"))'
t_gjq "re-check blind spot (JSON): the scan itself had no warning" \
	'(.warnings | length) == 1'
t_gjq "re-check blind spot (JSON): the orphan is skipped, not removed" \
	'[.actions[] | select(.path == "/dev/shm/rep_a") | .action] ==
	 ["skipped"]'
t_like "$(cat "$T_WORK/gc.err")" "^ipcscan: warning: 1 process could not be \
inspected \(fd or maps unreadable\): [0-9]+ \(sleep\); holders may be missing\$" \
	"re-check blind spot (JSON): the warning, naming pid and comm, is on stderr too"
t_is "$(cat "$T_WORK/gc.txt.rc")" 0 "re-check blind spot (table): exit 0"
t_like "$(cat "$T_WORK/gc.txt.err")" "^ipcscan: warning: 1 process could not be \
inspected \(fd or maps unreadable\): [0-9]+ \(sleep\); holders may be missing\$" \
	"re-check blind spot (table): its warning on stderr"
t_like "$(grep rep_a "$T_WORK/gc.txt")" '^skipped .*no longer an orphan' \
	"re-check blind spot (table): the row says skipped and why"
t_ok "re-check blind spot: the file is still there" test -f /dev/shm/rep_a

# A warning that the scan and the re-check both give is printed once.
unshare --pid --fork --mount --mount-proc \
	setpriv --bounding-set=-sys_ptrace --inh-caps=-sys_ptrace \
	bash -c 'setpriv --reuid=nobody --regid='"$NGID"' --clear-groups \
	sleep 300 & s=$!; sleep 0.2
	IPCSCAN_TEST_BEFORE_REAP=true timeout 60 "$0" gc $2 --json --min-age 0 \
	>"$1/gc.json" 2>"$1/gc.err"; kill $s' "$IPCSCAN" "$T_WORK" "$TRUST"
t_is "$(grep -c 'could not be inspected' "$T_WORK/gc.err")" 1 \
	"a warning both the scan and the re-check give is printed once"
t_gjq "... and is in warnings once" \
	'[.warnings[] | select(test("could not be inspected"))] | length == 1'

t_done
