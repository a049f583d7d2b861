#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_list_hostile.sh - list: names with spaces, newlines, tabs, bad UTF-8.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

sp='with space'
nl=$'new\nline'
tab=$'tab\tname'
utf=$'h\xc3\xa9llo'	# valid UTF-8 "héllo"
bad=$'bad\xffname'
bad2=$'trunc\xc3('
quote='q"uote\\back'
hold h "pshm,as=p1:$sp" "pshm,as=p2:$nl" "pshm,as=p3:$tab" \
	"pshm,as=p4:$utf" "pshm,via=map,as=p5:$bad" "pshm,as=p6:$bad2" \
	"pshm,as=p7:$quote" "psem,as=s1:$nl" "mq,as=m1:$sp" \
	"unix,as=u1:/tmp/$sp.sock" "unix,as=u2:/tmp/$nl.sock" \
	"unix,as=u3:/tmp/$bad.sock" "fifo,as=f1:/tmp/$tab.fifo"
leak l "unix,as=x1:/tmp/stale $nl.sock" "unix,as=x2:/tmp/stale$bad.sock" \
	"pshm,as=x3:leaked$nl$bad" "fifo,as=x4:/run/$bad.fifo"
H=${F[h.pid]}

list_json || t_done
t_schema_all
t_jq "every name and path is a JSON string or null" \
	'all(.objects[]; (.name == null or (.name | type) == "string") and
	 (.path == null or (.path | type) == "string"))'

# Valid UTF-8, however odd, comes back byte for byte.
for n in "$sp" "$nl" "$tab" "$utf" "$quote"; do
	find_name pshm "$n"
	o_is .path "/dev/shm/$n" "pshm '$n': path is exact"
	o_state in-use "pshm '$n'"
	o_holders "$H:fd" "pshm '$n': holder via fd"
done
find_name psem "$nl"
o_holders "$H:map" "psem with a newline: holder via map"
find_name mqueue "$sp"
o_holders "$H:fd" "mqueue with a space: holder via fd"

find_inode "${F[u1.inode]}"
o_is .unix.path "/tmp/$sp.sock" "listener path with a space is exact"
o_holders "$H:fd" "listener with a space: holder via fd"
find_inode "${F[u2.inode]}"
o_is .unix.path "/tmp/$nl.sock" "listener path with a newline is exact"
o_holders "$H:fd" "listener with a newline: holder via fd"
find_inode "${F[u3.inode]}"
o_ok '.unix.path | startswith("/tmp/bad") and endswith("name.sock")' \
	"listener path with a non-UTF-8 byte: escaped, rest kept"
o_holders "$H:fd" "listener with a non-UTF-8 path: holder via fd"
obj_none "no live listener shows up as a sockfile" \
	'.kind == "sockfile" and (.path | startswith("/tmp/stale") | not)'

find_path fifo "/tmp/$tab.fifo"
o_state in-use "FIFO with a tab"

find_path sockfile "/tmp/stale $nl.sock"
o_state orphan "stale socket file with space and newline"

# Bytes that are not UTF-8 cannot come back verbatim: the object is
# still there, matched by what is left of its name.
for pre in bad trunc; do
	obj_find "pshm with invalid UTF-8 ($pre...) is listed once" \
		'.kind == "pshm" and (.name | startswith($p)) and
		 (.path | startswith("/dev/shm/" + $p))' --arg p "$pre"
done
obj_find "pshm with invalid UTF-8, mapped only: holder via map" \
	'.kind == "pshm" and (.name | startswith("bad")) and
	 .holders == [{"pid": $h, "comm": .holders[0].comm,
	 "uid": .holders[0].uid, "via": "map"}]' --argjson h "$H"
obj_find "leaked pshm with newline and bad byte: orphan" \
	'.kind == "pshm" and (.name | startswith("leakednew\nline")) and
	 .state == "orphan"'
obj_find "stale socket file with a bad byte: orphan" \
	'.kind == "sockfile" and (.path | startswith("/tmp/stalebad")) and
	 .state == "orphan"'
obj_find "FIFO with a bad byte: unknown, nobody has it open" \
	'.kind == "fifo" and (.path | startswith("/run/bad")) and
	 .state == "unknown"'
t_is "$(jqo -r '[.objects[] | select(.kind == "pshm")] | length')" 8 \
	"all 8 pshm objects are listed"

# One object, one table row, whatever the names hold (-t all: the
# default table leaves out the live unix sockets, JSON does not).
count=$(jqo '.objects | length')
ipcscan list -t all -r --noheadings >"$T_WORK/table.raw" 2>"$T_WORK/table.err"
rc=$?
t_is "$rc" 0 "list -t all -r --noheadings: exit 0"
t_is "$(wc -l <"$T_WORK/table.raw")" "$count" \
	"list -t all -r --noheadings: one line per object ($count)"
ipcscan list -t all --noheadings >"$T_WORK/table.txt" 2>/dev/null
t_is "$(wc -l <"$T_WORK/table.txt")" "$count" \
	"list -t all --noheadings: one line per object ($count)"
t_ok "list -r --noheadings: no raw tab from a name" \
	bash -c "! grep -q \$'\\t' '$T_WORK/table.raw'"
for t in raw txt; do
	t_ok "table ($t): valid UTF-8" \
		iconv -f UTF-8 -t UTF-8 -o /dev/null "$T_WORK/table.$t"
done

t_done
