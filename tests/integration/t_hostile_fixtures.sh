#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_hostile_fixtures.sh - broken /proc files (fixture trees under
# tests/fixtures/hostile/, read with the test builds' --root): truncated,
# garbage, huge numbers, no header, empty; /proc/net/unix garbage; odd
# and unparsable /proc/PID/stat. Each: a warning, exit 0, valid JSON, and
# no orphan that the fixture does not prove.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

FX=$T_TOP/tests/fixtures/hostile
[ -d "$FX" ] || t_bail "no fixtures at $FX"
# --root is hidden from --help: a build without it says "unknown option".
if "$IPCSCAN" list --root "$FX/sysv_empty" 2>&1 >/dev/null |
	grep -q "unknown option"; then
	t_skip_all "this build has no --root (build with TEST_HOOKS=1)"
fi

CASE=""
# fx CASE: list --json --root over the case into $T_JSON (one TAP line),
# then table, stats and gc --dry-run over it (exit 0, nothing removable).
fx() {
	local rc
	CASE=$1
	ROOT=$FX/$CASE
	ipcscan list --json --root "$ROOT" >"$T_JSON" 2>"$T_WORK/list.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		t_fail "$CASE: list --json: exit 0" "exit $rc" \
			"$(head -c 2000 "$T_WORK/list.err")"
		echo '{"schema":1,"objects":[]}' >"$T_JSON"
	elif ! iconv -f UTF-8 -t UTF-8 "$T_JSON" >/dev/null 2>&1 ||
		! jq -e '.schema == 1 and (.objects | type) == "array"' \
			"$T_JSON" >/dev/null 2>&1; then
		t_fail "$CASE: list --json: valid UTF-8 JSON" \
			"$(head -c 1000 "$T_JSON")"
		echo '{"schema":1,"objects":[]}' >"$T_JSON"
	else
		t_pass "$CASE: list --json: exit 0, valid UTF-8 JSON"
	fi
	ipcscan list -t all --noheadings --root "$ROOT" >"$T_WORK/fx.table" 2>/dev/null
	rc=$?
	t_is "$rc $(wc -l <"$T_WORK/fx.table")" "0 $(jqo '.objects | length')" \
		"$CASE: table: exit 0, one row per object"
	t_is "$(LC_ALL=C grep -c $'[\x01-\x09\x0b-\x1f\x7f]' \
		"$T_WORK/fx.table" "$T_WORK/list.err" | sed 's/.*://' |
		awk '{ s += $1 } END { print s + 0 }')" 0 \
		"$CASE: no raw control byte in the table or on stderr"
	ipcscan stats --json --root "$ROOT" >"$T_WORK/fx.stats" 2>/dev/null
	rc=$?
	t_is "$rc $(jq '[.kinds[].count] | add' "$T_WORK/fx.stats" 2>&1)" \
		"0 $(jqo '.objects | length')" \
		"$CASE: stats --json: exit 0, counts every listed object"
	ipcscan stats --prometheus --root "$ROOT" >/dev/null 2>&1
	t_is "$?" 0 "$CASE: stats --prometheus: exit 0"
	ipcscan gc --dry-run --min-age 0 --json --root "$ROOT" \
		>"$T_WORK/fx.gc" 2>/dev/null
	rc=$?
	t_is "$rc $(jq -c '[.would_remove, .removed]' "$T_WORK/fx.gc" 2>&1)" \
		"0 [0,0]" \
		"$CASE: gc --dry-run: exit 0, nothing of a fixture removable"
}

# warned ERE DESC: a warning on stderr matches ERE.
warned() {
	if grep -qE "^ipcscan: warning: .*$1" "$T_WORK/list.err"; then
		t_pass "$CASE: warning: $2"
	else
		t_fail "$CASE: warning: $2" "no warning matching: $1" \
			"stderr: $(head -c 1500 "$T_WORK/list.err")"
	fi
}

# orphans "kind:id ...": exactly these objects are orphans.
orphans() {
	t_is "$(jqo -r '[.objects[] | select(.state == "orphan") |
		"\(.kind):\(.id // .name // .path // .inode)"] | sort |
		join(" ")')" "$(tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort |
		paste -sd' ')" "$CASE: the orphans are exactly: ${1:-none}"
}

# ids KIND "id ...": the listed ids of KIND, sorted numerically.
ids() {
	t_is "$(jqo -r --arg k "$1" '[.objects[] | select(.kind == $k) |
		.id] | sort | map(tostring) | join(" ")')" "$2" \
		"$CASE: $1 ids listed: ${2:-none}"
}

# ------------------------------------------------------- truncated
fx sysv_truncated
warned 'sysvipc/shm' "names /proc/sysvipc/shm"
warned 'sysvipc/sem' "names /proc/sysvipc/sem"
warned 'sysvipc/msg' "names /proc/sysvipc/msg"
t_jq "$CASE: complete is false" '.complete == false'
find_id shm 1
o_state orphan "$CASE: a whole line whose creator is gone"
find_id shm 2
o_state in-use "$CASE: a whole line whose creator (pid 100) is alive"
obj_none "$CASE: the line cut after lpid (id 3) is not listed" \
	'.kind == "shm" and .id == 3'
# The last line ends inside its ctime column ("17" of 1700005000), with
# no newline, while the header announces rss and swap: as read, pid 100
# would have started after the segment's ctime, i.e. be a reused pid.
obj_none "$CASE: the last line, cut inside ctime, is no orphan" \
	'.kind == "shm" and .id == 4 and .state == "orphan"'
orphans "shm:1"
ids sem 10
ids msg ""

# --------------------------------------------------------- garbage
fx sysv_garbage
warned 'sysvipc/shm' "names /proc/sysvipc/shm"
warned 'sysvipc/sem' "names /proc/sysvipc/sem"
warned 'sysvipc/msg' "names /proc/sysvipc/msg"
ids shm 7
ids sem 17
ids msg 27
find_id shm 7
o_is '[.key, .size, .shm.cpid, .shm.nattch] | map(tostring) | join(" ")' \
	"0x00007007 4096 4242 0" \
	"$CASE: the good line after the garbage is read right"
orphans "shm:7 msg:27"

# ------------------------------------------------------------ huge
fx sysv_huge
warned 'sysvipc/shm' "names /proc/sysvipc/shm"
warned 'sysvipc/sem' "names /proc/sysvipc/sem"
warned 'sysvipc/msg' "names /proc/sysvipc/msg"
ids shm "9 10 11 12 2147483647"
ids sem ""
ids msg ""
find_id shm 2147483647
o_is .key 0x80000000 "$CASE: key -2147483648 prints as 0x80000000"
find_id shm 11
o_state in-use "$CASE: nattch 2^64-1"
o_ok '.shm.nattch == 18446744073709551615' \
	"$CASE: nattch 2^64-1 is printed as such"
t_jq "$CASE: no size or count is negative" 'all(.objects[]; .size >= 0 and
	 .shm.nattch >= 0 and .shm.rss >= 0 and .shm.swap >= 0)'
find_id shm 9
o_ok '.size == 9223372036854775808' "$CASE: a 2^63-byte segment keeps its size"
t_jq "$CASE: every time is ISO 8601 UTC or null" \
	'all(.objects[].times[]; . == null or
	 test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"))'
t_jq "$CASE: every age is a number >= 0 or null" \
	'all(.objects[]; .age == null or .age >= 0)'
T_JSON_SAVE=$T_JSON
T_JSON=$T_WORK/fx.stats
t_jq "$CASE: stats bytes do not wrap around (2 x 2^63 + 3 x 4096)" \
	'.kinds.shm.bytes >= 18446744073709551616 and
	 .kinds.shm.orphan_bytes >= 18446744073709551616'
T_JSON=$T_JSON_SAVE
orphans "shm:9 shm:10 shm:12 shm:2147483647"

# -------------------------------------------------------- noheader
fx sysv_noheader
warned 'sysvipc/shm.*header' "the missing header"
find_id shm 9
o_is '[.key, .size, .shm.cpid, .shm.nattch] | map(tostring) | join(" ")' \
	"0x00007201 8192 4242 0" "$CASE: the first line is read as data, right"

# ----------------------------------------------------------- empty
fx sysv_empty
warned 'sysvipc/(shm|sem|msg)' "an empty /proc/sysvipc file (no header)"
t_is "$(jqo '.objects | length')" 0 "$CASE: no object"

# ------------------------------------------------ /proc/net/unix
fx net_unix_garbage
warned 'proc/net/unix.*malformed' "names /proc/net/unix"
find_inode 30001
o_is '[.unix.path, .unix.listening] | map(tostring) | join(" ")' \
	"/run/good.sock true" "$CASE: the good listener is read right"
find_inode 30002
# A NUL byte in a line must not hide the lines after it.
find_inode 30005
o_is .unix.path @abstract "$CASE: the socket after a NUL byte is read right"
obj_none "$CASE: no socket from a malformed line" \
	'.kind == "unix" and (.inode | IN(30003, 30004) or . > 4294967295)'
orphans ""

# ------------------------------------------------ /proc/PID/stat
fx proc_comm
find_id shm 5
o_holders "200:attach" "$CASE: comm ') (evil) 1 2': holder via attach"
o_is '.holders[0].comm' ') (evil) 1 2' "$CASE: comm with parentheses is exact"
find_id shm 8
o_is '.holders[0].comm' $'sp ace\nnl' "$CASE: comm with a newline is exact"
find_id shm 6
o_holders "201:attach" "$CASE: comm with bad bytes and ESC: holder via attach"
o_ok '.holders[0].comm | type == "string"' "$CASE: that comm is a string"
find_id shm 10
o_state orphan "$CASE: creator 4001 has no /proc entry"
# /proc/202 and /proc/203 exist but their stat does not parse: their
# start time is unknown, so they cannot be called gone.
warned '(202|203)' "names the process whose stat does not parse"
for id in 7 9; do
	obj_none "$CASE: shm $id (creator's stat unparsable) is no orphan" \
		'.kind == "shm" and .id == $i and .state == "orphan"' \
		--argjson i "$id"
done
orphans "shm:10"

t_done
