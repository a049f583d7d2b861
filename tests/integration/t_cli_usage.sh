#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_cli_usage.sh - the command line: one meaning per short letter (-n is
# --dry-run), repeated options accumulate or are refused, hints when the
# command is not first, one rule for empty list items, every output path
# reports the real errno of a failed write, help within 80 columns and per
# command.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"


hold a shm,as=ashm:0x5001 pshm,as=apshm:afile
hold_as nobody n pshm,as=npshm:nfile shm,as=nshm:0x7001
leak l pshm,as=lpshm:lfile shm,as=lshm:0x8001
A=${F[a.pid]}
N=${F[n.pid]}

# ------------------------------------------------------- -n: one meaning

t_usage "list -n" "--noheadings" list -n
t_usage "-n without a command (list)" "--noheadings" -n
t_usage "stats -n" "is for gc" stats -n
gc_json -n --min-age 0
t_gjq "gc -n is --dry-run" '.dry_run == true and .removed == 0 and
	.would_remove == 2'
t_ok "gc -n removed nothing" test -f /dev/shm/lfile
ipcscan list --noheadings -o KIND -t shm >"$T_WORK/out" 2>&1
t_is "$(sort -u "$T_WORK/out")" shm "list --noheadings: no header line"

# ------------------------------------------- the command comes first

t_usage "-J stats" "the command comes first ('ipcscan stats" -J stats
t_usage "--dry-run gc" "the command comes first ('ipcscan gc" --dry-run gc
t_usage "--orphans with gc" "is for list, not gc" gc --orphans
t_usage "--version extra" "'extra'" --version extra
t_usage "--help extra" "'extra'" --help extra

# ------------------------------------------------- one rule for lists

t_usage "-t shm," "empty kind at position 2 of 'shm,'" -t shm,
t_usage "-t ,shm" "empty kind at position 1 of ',shm'" -t ,shm
t_usage "-o KIND,,ID" "empty column at position 2 of 'KIND,,ID'" \
	-o KIND,,ID
t_usage "-o +" "empty column at position 1 of '+'" -o +
t_usage "-o KIND," "empty column at position 2 of 'KIND,'" -o KIND,
t_usage "--sort ''" "empty column at position 1" --sort ''
t_usage "gc -t sem,,shm" "empty kind at position 2" gc -t sem,,shm

list_json -t shm,pshm || t_done
cp "$T_JSON" "$T_WORK/lower.json"
list_json -t SHM,PShm || t_done
t_is "$(jqo -c '[.objects[] | [.kind, .name, .id]] | sort')" \
	"$(jq -c '[.objects[] | [.kind, .name, .id]] | sort' "$T_WORK/lower.json")" \
	"-t SHM,PShm is -t shm,pshm (kinds are case-insensitive)"
list_json -t SysV || t_done
t_jq "-t SysV: the group, case-insensitive" \
	'[.objects[].kind] | unique == ["shm"]'

# --------------------------------------------------- repeated options

IDS='[.objects[] | "\(.kind) \(.id) \(.name)"] | sort'
list_json -t shm -t pshm || t_done
t_is "$(jqo -c "$IDS")" "$(jq -c "$IDS" "$T_WORK/lower.json")" \
	"-t shm -t pshm: the union, as -t shm,pshm"
list_json -t pshm -u root -u nobody || t_done
t_is "$(jqo -r '[.objects[].name] | sort | join(" ")')" "afile lfile nfile" \
	"-u root -u nobody: the objects of both"
list_json -t pshm -p "$A" -p "$N" || t_done
t_is "$(jqo -r '[.objects[].name] | sort | join(" ")')" "afile nfile" \
	"-p A -p N: the objects of both processes"
list_json -p "$A" || t_done
t_is "$(jqo -r '[.objects[] | .name // .key] | sort | join(" ")')" \
	"0x00005001 afile" "-p A alone: A's objects only"

ipcscan list -t shm -o KIND -o KEY >"$T_WORK/out" 2>&1
t_like "$(head -1 "$T_WORK/out")" '^KIND +KEY$' \
	"-o KIND -o KEY: both lists, in order"
ipcscan list -t shm -o +KEY -o INODE >"$T_WORK/out" 2>&1
t_like "$(head -1 "$T_WORK/out")" '^KIND +ID/NAME .* AGE +KEY +INODE$' \
	"-o +KEY -o INODE: the default set, then KEY, then INODE"
# -o repeats without a limit: 70 columns (more than the 64 the parser
# once had room for) are 70 columns, not "unknown column"
many=$(printf 'KIND,%.0s' $(seq 69))KIND
ipcscan list -t shm --noheadings --raw -o "$many" >"$T_WORK/out" 2>&1
t_is "$(awk 'NR == 1 { print NF }' "$T_WORK/out")" 70 \
	"-o with 70 columns: all 70 shown"
ipcscan list -t shm --noheadings --raw -o +KEY $(printf -- '-o KEY %.0s' \
	$(seq 69)) >"$T_WORK/out" 2>&1
t_is "$?" 0 "-o +KEY and 69 more -o KEY: accepted"
t_usage "--sort twice" "--sort given twice ('SIZE', then 'KIND')" \
	list --sort SIZE --sort KIND
t_usage "--min-age twice" "--min-age given twice" \
	gc --min-age 1h --min-age 2h
t_usage "--output-file twice" "--output-file given twice" \
	stats --output-file /tmp/a --output-file /tmp/b

# ------------------------------------- named things that do not exist

NOPID=999999
[ -e /proc/$NOPID ] && t_bail "pid $NOPID exists here"
ipcscan list -J -t pshm -p "$A" -p $NOPID >"$T_JSON" 2>"$T_WORK/err"
t_is "$?" 1 "list -p A -p NOPID: exit 1 (as ps -p and lsof)"
t_is "$(cat "$T_WORK/err")" "ipcscan: warning: no process $NOPID (-p)" \
	"list -p NOPID: says so on stderr"
t_is "$(jqo -r '[.objects[].name] | join(" ")')" afile \
	"list -p A -p NOPID: A's objects are still listed"
t_jq "list -p NOPID: the warning is in the JSON" \
	'any(.warnings[]; . == "no process 999999 (-p)")'
ipcscan stats -p $NOPID >"$T_WORK/out" 2>"$T_WORK/err"
t_is "$?" 1 "stats -p NOPID: exit 1"
t_ok "stats -p NOPID: the table is printed" grep -q '^KIND' "$T_WORK/out"
T_GC=$T_WORK/gc.json
ipcscan gc --json --min-age 0 -p $NOPID >"$T_GC" 2>"$T_GC.err"
t_is "$?" 1 "gc -p NOPID: exit 1"
t_gjq "gc -p NOPID: nothing acted on" '.actions == [] and .removed == 0'
t_ok "gc -p NOPID: the orphans are still there" test -f /dev/shm/lfile
t_is "$(grep -c "no process $NOPID" "$T_GC.err")" 1 "gc -p NOPID: says so"

mkdir -p /tmp/sd && "$MKIPC" leak unix,as=sd:/tmp/sd/x.sock >/dev/null ||
	t_bail "cannot leak a socket file"
ipcscan list -J -t sockfile --socket-dir /nonexistent --socket-dir /tmp/sd \
	>"$T_JSON" 2>"$T_WORK/err"
t_is "$?" 1 "--socket-dir /nonexistent: exit 1"
t_like "$(cat "$T_WORK/err")" "/nonexistent does not exist" \
	"--socket-dir /nonexistent: says so on stderr"
t_is "$(jqo -r '[.objects[].path] | join(" ")')" /tmp/sd/x.sock \
	"--socket-dir /nonexistent: the other directory is still walked"
ipcscan list -t shm --socket-dir /nonexistent >/dev/null 2>"$T_WORK/err"
t_is "$?:$(cat "$T_WORK/err")" "0:" \
	"--socket-dir /nonexistent with -t shm (no walk): exit 0, silent"

# ----------------------------------------------------------- help

for h in "--help" "list --help" "gc --help" "stats --help"; do
	# shellcheck disable=SC2086
	ipcscan $h >"$T_WORK/help" 2>&1
	t_is "$?" 0 "ipcscan $h: exit 0"
	t_is "$(awk 'length($0) > 80' "$T_WORK/help")" "" \
		"ipcscan $h: no line wider than 80 columns"
done
ipcscan gc --help >"$T_WORK/help"
t_ok "gc --help: gc's options" grep -qE -- '--min-age|--dry-run' "$T_WORK/help"
t_ok "gc --help: the common options" grep -qF -- '--type' "$T_WORK/help"
t_ok "gc --help: gc's usage line" grep -qx ' ipcscan gc \[options\]' \
	"$T_WORK/help"
t_is "$(grep -cE -- '--orphans|--prometheus|--sort|^Columns|ipcscan stats' \
	"$T_WORK/help")" 0 "gc --help: nothing of list or stats"
ipcscan stats --help >"$T_WORK/help"
t_is "$(grep -cE -- '--orphans|--dry-run|^Columns' "$T_WORK/help")" 0 \
	"stats --help: nothing of list or gc"
ipcscan list --help >"$T_WORK/help"
t_ok "list --help: the columns" grep -q '^Columns' "$T_WORK/help"
ipcscan --help >"$T_WORK/help"
t_is "$(grep -c '^Options for ' "$T_WORK/help")" 3 \
	"ipcscan --help: the options of every command"

# --------------------------------------------------------- write errors

# full DESC ARGS... : stdout on /dev/full: exit 1, the real reason.
full() {
	local desc=$1 rc
	shift
	ipcscan "$@" >/dev/full 2>"$T_WORK/err"
	rc=$?
	t_is "$rc" 1 "$desc >/dev/full: exit 1"
	if grep -qx 'ipcscan: cannot write output: No space left on device' \
		"$T_WORK/err"; then
		t_pass "$desc >/dev/full: says ENOSPC"
	else
		t_fail "$desc >/dev/full: says ENOSPC" "$(cat "$T_WORK/err")"
	fi
}
full "list" list
full "list -J" list -J
full "list -r" list -r
full "list --list-columns" list --list-columns
full "list --list-columns -J" list --list-columns -J
full "gc -n" gc -n --min-age 0
full "gc -n -J" gc -n -J --min-age 0
full "stats" stats
full "stats -J" stats -J
full "stats --prometheus" stats --prometheus
full "--help" --help
full "gc --help" gc --help
full "--version" --version
full "--completion bash" --completion bash
t_ok "the write errors removed nothing" test -f /dev/shm/lfile

# --output-file on a file system that is full: ENOSPC, named, no file.
mkdir -p /tmp/small && mount -t tmpfs -o size=4k tmpfs /tmp/small ||
	t_bail "cannot mount a small tmpfs"
head -c 4096 /dev/zero >/tmp/small/fill 2>/dev/null
ipcscan stats --prometheus --output-file /tmp/small/ipcscan.prom \
	>"$T_WORK/out" 2>"$T_WORK/err"
t_is "$?" 1 "stats --output-file on a full file system: exit 1"
t_like "$(cat "$T_WORK/err")" \
	"cannot write output to /tmp/small/ipcscan.prom: No space left on device" \
	"stats --output-file on a full file system: says ENOSPC and the path"
t_is "$(ls -A /tmp/small)" fill \
	"stats --output-file on a full file system: no file, no temp file"
umount /tmp/small

t_done
