#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_list_table.sh - the list table as a person reads it: on a narrow
# terminal (a pty of fixed width through script(1), and COLUMNS) nothing is
# cut and REASON wraps at word boundaries; into a pipe every row is one
# line. The order (by kind, then id or name; --sort COL and -COL), the
# default view without live unix sockets (and the line saying so), AGE of
# objects in use, and the --orphans columns.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

command -v script >/dev/null || t_bail "script(1) is required"

hold h shm,as=s1,size=8192:0x61001 sem,as=m1,n=2:0x62001 \
	pshm,as=p1,size=5000:held-segment mq,as=q1:held-queue \
	unix,as=u1:/tmp/live.sock unixpair fifo,as=f1:/tmp/held.fifo
leak l shm,as=s2,size=20000:0x61002 sem,as=m2:0x62002 \
	msg,as=g1:0x63001 msg,as=g2,op=none:0x63002 \
	pshm,as=p2,size=7000:leaked-segment mq,as=q2:leaked-queue \
	unix,as=x1:/tmp/stale.sock fifo,as=x2:/run/idle.fifo
# Names created out of byte order; eleven more segments, so that ids 9
# and 10 exist (numeric order is not text order).
leak n pshm:zeta pshm:Alpha pshm:beta pshm:_x pshm:10 pshm:9
for k in 1 2 3 4 5 6 7 8 9 10 11; do
	leak "k$k" "shm,size=$((k * 4096)):$((0x64000 + k))"
done

# on_tty COLS CMD...: CMD's output on a pty COLS wide (CR stripped).
on_tty() {
	local cols=$1
	shift
	script -qec "stty cols $cols; $(printf '%q ' "$@")" /dev/null |
		tr -d '\r'
}

# reasons_of COL_AFTER: the REASON cells of a table on stdin, one per
# line, rejoining the lines of a wrapped cell. COL_AFTER is the header of
# the column right of REASON ("" when REASON is last).
reasons_of() {
	awk -v after="$1" '
	NR == 1 { c = index($0, "REASON"); e = after == "" ? 0 : index($0, after); next }
	{
		head = substr($0, 1, c - 1)
		cell = e ? substr($0, c, e - c) : substr($0, c)
		sub(/ +$/, "", cell)
		if (head ~ /^ *$/ && n) { r[n] = r[n] " " cell; next }
		r[++n] = cell
	}
	END { for (i = 1; i <= n; i++) print r[i] }' | norm
}

# Reasons name ages ("unused for 3s"), which move on between two scans.
norm() {
	sed -E 's/unused for [0-9]+[smhdw]/unused for T/'
}

list_json || t_done
want=$(jq -r '.objects[].reason' "$T_JSON" | norm | LC_ALL=C sort)
nobj=$(jq '.objects | length' "$T_JSON")
maxw() { awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }'; }

# An 80-column terminal: the reasons are complete, never cut.
out=$(on_tty 80 "$IPCSCAN" list --trust-pidns -t all -o +REASON)
t_is "$(reasons_of "" <<<"$out" | LC_ALL=C sort)" "$want" \
	"80-column pty, -o +REASON: every reason complete"

# COLUMNS sets the width (as POSIX has it), also on a wider terminal:
# REASON, a middle column here, wraps at blanks within the width.
out=$(COLUMNS=50 on_tty 200 "$IPCSCAN" list --trust-pidns -t all \
	-o KIND,REASON,STATE)
t_is "$(reasons_of STATE <<<"$out" | LC_ALL=C sort)" "$want" \
	"COLUMNS=50 on a 200-column pty: wrapped reasons rejoin exactly"
t_is "$(maxw <<<"$out" | awk '{ print ($1 <= 50) }')" 1 \
	"COLUMNS=50: no line is wider than 50"
[ "$(wc -l <<<"$out")" -gt $((nobj + 1)) ] &&
	t_pass "COLUMNS=50: long reasons take more than one line" ||
	t_fail "COLUMNS=50: long reasons take more than one line" "$out"
t_is "$(awk 'NR > 1 && !/^ / { print $NF }' <<<"$out" |
	grep -cvE '^(in-use|orphan|unknown)$')" 0 \
	"COLUMNS=50: every row ends with its STATE, aligned"

# The terminal's own width when COLUMNS is not set.
out=$(env -u COLUMNS bash -c "$(declare -f on_tty); on_tty 60 \"$IPCSCAN\" list --trust-pidns -t all -o KIND,ID/NAME,REASON")
t_is "$(reasons_of "" <<<"$out" | LC_ALL=C sort)" "$want" \
	"60-column pty: every reason complete"
t_is "$(maxw <<<"$out" | awk '{ print ($1 <= 60) }')" 1 \
	"60-column pty: REASON wraps within 60 columns"

# Not a terminal (a pipe, -r): one line per object, whatever COLUMNS says.
out=$(COLUMNS=40 ipcscan list -t all -o KIND,REASON,STATE)
t_is "$(wc -l <<<"$out")" $((nobj + 1)) \
	"into a pipe: one line per object, COLUMNS or not"
t_is "$(reasons_of STATE <<<"$out" | LC_ALL=C sort)" "$want" \
	"into a pipe: every reason complete"
out=$(COLUMNS=40 on_tty 40 "$IPCSCAN" list --trust-pidns -r -t all \
	-o KIND,REASON)
t_is "$(wc -l <<<"$out")" $((nobj + 1)) "-r on a pty: one line per object"

# ------------------------------------------------------------------ order

# The default order, in JSON as in the table: kinds in the kind table's
# order, then SysV ids numerically, then names and paths in byte order.
kinds_order=$(jq -r '.objects[].kind' "$T_JSON" | uniq | tr '\n' ' ')
t_is "$kinds_order" "shm sem msg pshm mqueue unix sockfile fifo " \
	"JSON: each kind one run, kinds in the kind table's order"
t_is "$(jq -c '[.objects[] | select(.kind == "shm") | .id]' "$T_JSON")" \
	"$(jq -c '[.objects[] | select(.kind == "shm") | .id] | sort' "$T_JSON")" \
	"JSON: shm ids ascending, numerically"
t_like "$(jq -c '[.objects[] | select(.kind == "shm") | .id]' "$T_JSON")" \
	',9,10[],]' "(the segments include ids 9 and 10, in that order)"
t_is "$(jq -r '.objects[] | select(.kind == "pshm") | .name' "$T_JSON" |
	tr '\n' ' ')" "10 9 Alpha _x beta held-segment leaked-segment zeta " \
	"JSON: pshm names in byte order"
tab=$(ipcscan list --raw --noheadings -o KIND,ID/NAME 2>/dev/null)
t_is "$(awk '$1 == "pshm" { print $2 }' <<<"$tab" | tr '\n' ' ')" \
	"10 9 Alpha _x beta held-segment leaked-segment zeta " \
	"table: pshm names in byte order"
t_is "$(awk '$1 == "shm" { print $2 }' <<<"$tab" | tr '\n' ' ')" \
	"$(jq -r '.objects[] | select(.kind == "shm") | .id' "$T_JSON" |
	tr '\n' ' ')" "table: shm in the same order as JSON"
# One clock for both runs (a test build's IPCSCAN_TEST_NOW): an AGE or a
# reason's "3m ago" must not tick over between them.
now=$(date +%s)
t_is "$(IPCSCAN_TEST_NOW=$now ipcscan list --raw -t all 2>&1 | md5sum)" \
	"$(IPCSCAN_TEST_NOW=$now ipcscan list --raw -t all 2>&1 | md5sum)" \
	"two runs print the same table"

# --sort COL ascending, --sort -COL descending; objects with no value
# (sem has no size) last either way; ties in the default order.
sizes() { awk '{ print $1 ":" $3 }' | tr '\n' ' '; }
up=$(ipcscan list --raw --noheadings -b -t shm,sem -o KIND,ID,SIZE \
	--sort SIZE 2>/dev/null)
down=$(ipcscan list --raw --noheadings -b -t shm,sem -o KIND,ID,SIZE \
	--sort -SIZE 2>/dev/null)
t_is "$(awk 'NF == 3 { print $3 }' <<<"$up" | tr '\n' ' ')" \
	"$(awk 'NF == 3 { print $3 }' <<<"$up" | sort -n | tr '\n' ' ')" \
	"--sort SIZE: ascending"
t_is "$(awk 'NF == 3 { print $3 }' <<<"$down" | tr '\n' ' ')" \
	"$(awk 'NF == 3 { print $3 }' <<<"$down" | sort -rn | tr '\n' ' ')" \
	"--sort -SIZE: descending, biggest first"
t_is "$(head -1 <<<"$down" | awk '{ print $3 }')" 45056 \
	"--sort -SIZE: the biggest segment (11 x 4096) first"
t_is "$(tail -2 <<<"$down" | awk '{ print $1 "/" NF }' | tr '\n' ' ')" \
	"sem/2 sem/2 " "--sort -SIZE: the sets with no size last"
t_is "$(tail -2 <<<"$up" | awk '{ print $1 "/" NF }' | tr '\n' ' ')" \
	"sem/2 sem/2 " "--sort SIZE: the sets with no size last too"
t_is "$(tail -2 <<<"$down" | awk '{ print $2 }' | tr '\n' ' ')" \
	"$(tail -2 <<<"$up" | awk '{ print $2 }' | tr '\n' ' ')" \
	"--sort -SIZE: ties keep the default order (not reversed)"
out=$(ipcscan list --sort -bogus 2>&1 >/dev/null)
t_is "$?" 2 "--sort -bogus: usage error"
t_like "$out" "unknown column 'bogus'" "--sort -bogus: names the column"
ipcscan list --sort -size >/dev/null 2>&1
t_is "$?" 0 "--sort -size: column names in any case"

# -------------------------------------------------- live unix sockets

nunix=$(jq '[.objects[] | select(.kind == "unix")] | length' "$T_JSON")
t_like "$nunix" '^[1-9]' "setup: live unix sockets exist ($nunix)"
ipcscan list >"$T_WORK/def.out" 2>"$T_WORK/def.err"
t_is "$?" 0 "list: exit 0"
t_is "$(grep -c '^unix ' "$T_WORK/def.out")" 0 \
	"list: the default table leaves out live unix sockets"
t_is "$(cat "$T_WORK/def.err")" \
	"ipcscan: $nunix live unix sockets not shown (-t unix or -t all lists them)" \
	"list: one line on stderr says how many and how to see them"
t_is "$(grep -c '^sockfile ' "$T_WORK/def.out")" 1 \
	"list: stale socket files are still shown"
for t in unix sockets all; do
	ipcscan list -t "$t" >"$T_WORK/t.out" 2>"$T_WORK/t.err"
	t_is "$(grep -c '^unix ' "$T_WORK/t.out") $(wc -c <"$T_WORK/t.err")" \
		"$nunix 0" "list -t $t: every live unix socket, no note"
done
ipcscan list -p "${F[h.pid]}" >"$T_WORK/t.out" 2>"$T_WORK/t.err"
t_is "$(grep -c '^unix ' "$T_WORK/t.out") $(wc -c <"$T_WORK/t.err")" \
	"$(jq --argjson p "${F[h.pid]}" '[.objects[] | select(.kind == "unix"
	 and any(.holders[]; .pid == $p))] | length' "$T_JSON") 0" \
	"list -p PID: the sockets PID holds, no note"
ipcscan list --orphans >/dev/null 2>"$T_WORK/t.err"
t_is "$(wc -c <"$T_WORK/t.err")" 0 \
	"list --orphans: no note (no unix socket is ever an orphan)"
t_is "$(ipcscan list --json 2>/dev/null |
	jq '[.objects[] | select(.kind == "unix")] | length')" "$nunix" \
	"list --json: keeps every live unix socket"
t_is "$(ipcscan stats --json 2>/dev/null | jq .kinds.unix.count)" \
	"$nunix" "stats: counts every live unix socket"

# ------------------------------------------------ AGE and --orphans

ipcscan list -t all --raw -o KIND,STATE,AGE >"$T_WORK/age.out" 2>/dev/null
t_is "$(awk '$2 == "in-use" && $3 != "-"' "$T_WORK/age.out")" "" \
	"AGE of an object in use is '-', not a time since a kernel record"
t_is "$(awk '$2 == "orphan" && $3 !~ /^[0-9]+[smhdw]$/' "$T_WORK/age.out")" "" \
	"AGE of an orphan is its time since last use"
t_jq "JSON age stays the time since the newest recorded use (SPEC)" \
	'[.objects[] | select(.state == "in-use" and .kind == "shm") |
	 .age | type] | unique == ["number"]'
hdr=$(ipcscan list --orphans 2>/dev/null | head -1 | tr -s ' ')
t_is "$hdr" "KIND ID/NAME NS OWNER PERMS SIZE AGE REASON" \
	"--orphans: REASON instead of the always empty HOLDERS and STATE"
hdr=$(ipcscan list --orphans -o +REASON,HOLDERS 2>/dev/null | head -1 |
	tr -s ' ')
t_is "$hdr" "KIND ID/NAME NS OWNER PERMS SIZE AGE REASON HOLDERS" \
	"--orphans -o +REASON,HOLDERS: adds HOLDERS, REASON not twice"
hdr=$(ipcscan list -o +REASON 2>/dev/null | head -1 | tr -s ' ')
t_is "$hdr" "KIND ID/NAME NS OWNER PERMS SIZE HOLDERS STATE AGE REASON" \
	"-o +REASON: the default columns, then REASON"

# ------------------------------------------------ values nobody gave

# sock_diag gives a socket's owner, never a group or mode: those come only
# from the very file it is bound to (matched by dev/ino in the walk), and
# are otherwise null, not root and 0000.
chgrp nogroup /tmp/live.sock && chmod 0751 /tmp/live.sock ||
	t_bail "cannot chgrp/chmod /tmp/live.sock"
list_json -t unix
obj_find "the bound listener is listed once" \
	'.kind == "unix" and .unix.path == "/tmp/live.sock"'
o_is '[.owner.uid, .owner.group, .mode] | map(tostring) | join(" ")' \
	"0 nogroup 0751" "bound socket: group and mode of its own file"
t_jq "unbound sockets (socketpair): group and mode null, owner from sock_diag" \
	'[.objects[] | select(.kind == "unix" and .unix.path == null)] as $u |
	 ($u | length) == 2 and all($u[]; .owner.gid == null and
	 .owner.group == null and .mode == null and .owner.uid == 0 and
	 .owner.user == "root")'
tab=$(ipcscan list -t unix --raw -o INODE,OWNER,GROUP,MODE,PERMS 2>/dev/null)
for i in "${F[o8.inode0]:-}" "${F[o8.inode1]:-}"; do
	[ -n "$i" ] || continue
	t_is "$(awk -v i="$i" '$1 == i { print NF }' <<<"$tab")" 2 \
		"table: socketpair end $i has no GROUP, MODE or PERMS"
done
t_is "$(awk '$4 == "0000"' <<<"$tab")" "" "table: no unix socket shows 0000"

# A queue's ctime moves whenever its status is read, by this very scan
# too: it is no time of change, so JSON says null and CHANGED is blank.
list_json -t mqueue
t_jq "mqueue: times.changed is null, times.modified a time" \
	'[.objects[] | select(.kind == "mqueue")] as $q | ($q | length) == 2 and
	 all($q[]; .times.changed == null and (.times.modified | type) ==
	 "string")'
t_is "$(ipcscan list -t mqueue --raw --noheadings -o NAME,CHANGED 2>/dev/null |
	awk 'NF != 1')" "" "mqueue: the CHANGED column is blank"
t_like "$(ipcscan list -t pshm --raw --noheadings -o NAME,CHANGED 2>/dev/null |
	awk 'NF == 2 { print $2 }' | head -1)" '^20[0-9]{2}-' \
	"(pshm: CHANGED is shown)"

# A queue whose status cannot be read has an unknown size: null, not 0.
# Root without the DAC capabilities cannot open nobody's queue of mode
# 0600 (it still mounts its own mqueue file system).
hold_as nobody nq mq,mode=0600,send=1:nobody-queue
setpriv --bounding-set=-dac_override,-dac_read_search \
	--inh-caps=-dac_override,-dac_read_search \
	timeout 60 "$IPCSCAN" list --json -t mqueue >"$T_JSON" 2>"$T_WORK/nq.err"
t_jq "a queue whose status is unreadable: size and qsize null" \
	'[.objects[] | select(.name == "nobody-queue")] as $q |
	 ($q | length) == 1 and $q[0].size == null and
	 $q[0].mqueue.qsize == null'
t_jq "(a readable queue still has its size)" \
	'[.objects[] | select(.name == "leaked-queue") | .size] == [5]'
t_like "$(cat "$T_WORK/nq.err")" "status not readable" \
	"the unreadable status is a warning"
setpriv --bounding-set=-dac_override,-dac_read_search \
	--inh-caps=-dac_override,-dac_read_search \
	timeout 60 "$IPCSCAN" list --raw --noheadings -t mqueue \
	-o NAME,SIZE,MSGS >"$T_WORK/nq.out" 2>/dev/null
t_is "$(awk '$1 == "nobody-queue" { print NF }' "$T_WORK/nq.out")" 1 \
	"table: the unreadable queue's SIZE and MSGS are blank"
stop nq

# ------------------------------------------------------ the depth limit

# Socket dirs are walked to depth 4: what lies deeper is not listed, and a
# warning counts and names the directories that were not searched. It is
# by design and makes no listed object wrong: complete stays true.
mkdir -p /run/deep/a/b/c/d /run/deep/a/b/e /run/deep/a/b/f/g /run/deep/a/b/h \
	/run/deep/a/x
leak dp unix:/run/deep/a/b/c/d/too-deep.sock unix:/run/deep/a/x/found.sock
list_json -t sockfile
t_jq "a socket file at depth 4 is listed" \
	'any(.objects[]; .path == "/run/deep/a/x/found.sock")'
t_jq "one deeper is not" \
	'all(.objects[]; .path != "/run/deep/a/b/c/d/too-deep.sock")'
t_jq "the depth limit leaves complete true" '.complete == true'
# (in directory order, which is the file system's)
t_jq "a warning counts the directories not searched and names the first three" \
	'[.warnings[] | select(test("below depth"))] | length == 1 and
	 (.[0] | test("^socket dirs: 4 directories below depth 4 not searched for socket files and FIFOs: (/run/deep/a/b/[cefh], ){2}/run/deep/a/b/[cefh] \\.\\.\\.$"))'
t_like "$(ipcscan list -t fifo 2>&1 >/dev/null)" \
	'^ipcscan: warning: socket dirs: 4 directories below depth 4 not searched' \
	"the warning on stderr"
list_json -t sockfile --socket-dir /run/deep/a/b
t_jq "--socket-dir deeper down finds it" \
	'any(.objects[]; .path == "/run/deep/a/b/c/d/too-deep.sock") and
	 ([.warnings[] | select(test("below depth"))] | length) == 0'
rm -rf /run/deep

# ------------------------------------------- who could not be inspected

# As nobody, root's processes cannot be inspected: the warning names the
# first five by pid and comm (ascending pid) and says there are more.
sleeps=()
for _ in 1 2 3 4 5 6; do
	sleep 300 &
	sleeps+=("$!")
done
err=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
	timeout 60 "$IPCSCAN" list --json 2>&1 >/dev/null)
kill "${sleeps[@]}" 2>/dev/null
wait "${sleeps[@]}" 2>/dev/null
line=$(grep 'could not be inspected' <<<"$err")
t_like "$line" '^ipcscan: warning: [0-9]+ processes could not be inspected \(fd or maps unreadable\): [0-9]+ \([^)]+\)(, [0-9]+ \([^)]+\)){4} \.\.\.; holders may be missing$' \
	"as nobody: the warning names five processes, pid (comm), then ..."
named=$(grep -oE '[0-9]+ \([^)]+\)' <<<"$line" | awk '{ print $1 }')
first=$(head -1 <<<"$named")
t_is "$named" "$(sort -n <<<"$named")" "the named processes in pid order"
t_is "$(cat "/proc/$first/comm" 2>&1)" \
	"$(grep -oE "(^|: )$first \([^)]+\)" <<<"$line" | sed -E 's/.*\((.*)\)/\1/')" \
	"the comm shown is the process's own"

# An empty selection still prints the header line (a new user's first
# "ipcscan list" on a quiet host must not look like a failure), and
# nothing with --noheadings.
t_is "$(ipcscan list -u 4242 2>/dev/null)" \
	"KIND ID/NAME NS OWNER PERMS SIZE HOLDERS STATE AGE" \
	"an empty table prints its header line"
t_is "$(ipcscan list -u 4242 --noheadings 2>/dev/null | wc -c)" 0 \
	"an empty table with --noheadings prints nothing"

t_done
