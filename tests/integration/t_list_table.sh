#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_list_table.sh - the list table as a person reads it: on a narrow
# terminal (a pty of fixed width through script(1), and COLUMNS) nothing is
# cut and REASON wraps at word boundaries; into a pipe every row is one
# line.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

command -v script >/dev/null || t_bail "script(1) is required"

hold h shm,as=s1,size=8192:0x61001 sem,as=m1,n=2:0x62001 \
	pshm,as=p1,size=5000:held-segment mq,as=q1:held-queue \
	unix,as=u1:/tmp/live.sock fifo,as=f1:/tmp/held.fifo
leak l shm,as=s2,size=20000:0x61002 sem,as=m2:0x62002 \
	msg,as=g1:0x63001 msg,as=g2,op=none:0x63002 \
	pshm,as=p2,size=7000:leaked-segment mq,as=q2:leaked-queue \
	unix,as=x1:/tmp/stale.sock fifo,as=x2:/run/idle.fifo

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
out=$(on_tty 80 "$IPCSCAN" list -t all -o +REASON)
t_is "$(reasons_of "" <<<"$out" | LC_ALL=C sort)" "$want" \
	"80-column pty, -o +REASON: every reason complete"

# COLUMNS sets the width (as POSIX has it), also on a wider terminal:
# REASON, a middle column here, wraps at blanks within the width.
out=$(COLUMNS=50 on_tty 200 "$IPCSCAN" list -t all -o KIND,REASON,STATE)
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
out=$(env -u COLUMNS bash -c "$(declare -f on_tty); on_tty 60 \"$IPCSCAN\" list -t all -o KIND,ID/NAME,REASON")
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
out=$(COLUMNS=40 on_tty 40 "$IPCSCAN" list -r -t all -o KIND,REASON)
t_is "$(wc -l <<<"$out")" $((nobj + 1)) "-r on a pty: one line per object"

t_done
