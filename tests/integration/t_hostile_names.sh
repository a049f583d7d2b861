#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_hostile_names.sh - hostile names in /dev/shm, /dev/mqueue and the
# socket dirs: control bytes, quotes, invalid UTF-8, 255-byte names.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

rep() {	# rep STRING N: STRING N times
	local s="" i
	for ((i = 0; i < $2; i++)); do s+=$1; done
	printf '%s' "$s"
}

# Names that are valid UTF-8 come back byte for byte.
good=(
	'with space' $'new\nline' $'tab\there' 'dq"uote' "sq'uote"
	'back\slash' $'ctl\x01\x02\x1b[31mred' $'del\x7fete' $'cr\rret'
	'-rf' '  lead and trail  ' 'uni ☃ snow' $'\u202eevil' '$(id)`id`'
	"$(rep L 255)" "$(rep é 127)x"
)
# Names that are not: each is listed once, with a valid UTF-8 spelling.
bad=(
	$'bad\xff\xfe' $'over\xc0\xaflong' $'surr\xed\xa0\x80ogate'
	"$(rep é 127)"$'\xc3' $'\x80lead' "$(rep M 254)"$'\xff'
)
ngood=${#good[@]}
nbad=${#bad[@]}

# pshm: the odd ones orphaned, the even ones held; the same names as
# FIFOs (no one on them) and as stale socket files in /tmp, and a few as
# semaphores and queues.
specs=()
lspecs=()
i=0
for n in "${good[@]}" "${bad[@]}"; do
	if ((i % 2)); then
		lspecs+=("pshm,as=p$i:$n")
	else
		specs+=("pshm,as=p$i:$n")
	fi
	lspecs+=("fifo,as=f$i:/tmp/$n")
	i=$((i + 1))
done
specs+=("psem,as=sem1:${good[1]}" "psem,as=sem2:${bad[0]}"
	"psem,as=sem3:$(rep S 251)" "mq,as=mq1:${good[5]}"
	"mq,as=mq2:${bad[1]}" "mq,as=mq3:$(rep Q 255)")
hold h "${specs[@]}"
leak l "${lspecs[@]}" "psem,as=sem4:${good[6]}" "mq,as=mq4:${good[7]}"
H=${F[h.pid]}

# Stale socket files: bound under a short name, then renamed (a bind
# path is at most 107 bytes; a file name is up to 255).
mkdir -p /tmp/sockets
i=0
for n in "${good[@]}" "${bad[@]}"; do
	leak "s$i" "unix,as=s$i:/tmp/sockets/tmp$i.sock"
	mv "/tmp/sockets/tmp$i.sock" "/tmp/sockets/$n" ||
		t_bail "cannot rename a socket file to a hostile name"
	i=$((i + 1))
done
# Directories with hostile names hold a stale socket each.
for n in $'dir\nnl' $'dir\xffbad' "$(rep D 255)"; do
	mkdir -p "/run/$n" || t_bail "mkdir a hostile directory name"
	leak d "unix,as=d:/run/sub.sock"
	mv /run/sub.sock "/run/$n/in.sock"
done
nall=$((ngood + nbad))

list_json || t_done
t_schema_all
t_jq "complete is true" '.complete == true'
t_jq "every name and path is a JSON string or null" \
	'all(.objects[]; (.name == null or (.name | type) == "string") and
	 (.path == null or (.path | type) == "string"))'
t_is "$(jqo -c '[.objects[] | .kind] | group_by(.) |
	map("\(.[0])=\(length)") | join(" ")')" \
	"\"fifo=$nall mqueue=4 psem=4 pshm=$nall sockfile=$((nall + 3))\"" \
	"every object is listed once per kind"

i=0
for n in "${good[@]}"; do
	show=$(_t_line "${n:0:40}")
	find_name pshm "$n"
	o_is .path "/dev/shm/$n" "pshm '$show': path is exact"
	if ((i % 2)); then
		o_state orphan "leaked pshm '$show'"
	else
		o_state in-use "held pshm '$show'"
		o_holders "$H:fd" "pshm '$show': holder via fd"
	fi
	find_path fifo "/tmp/$n"
	o_state unknown "FIFO '$show'"
	find_path sockfile "/tmp/sockets/$n"
	o_state orphan "stale socket file '$show'"
	i=$((i + 1))
done
find_name pshm "$(rep L 255)"
o_ok '(.name | length) == 255 and (.path | length) == 264' \
	"255-byte pshm name: name and path complete"
find_name psem "$(rep S 251)"
o_is .path "/dev/shm/sem.$(rep S 251)" "psem with a 255-byte file name"
find_name mqueue "$(rep Q 255)"
o_holders "$H:fd" "mqueue with a 255-byte name: holder via fd"
find_name psem "${good[1]}"
o_holders "$H:map" "psem with a newline: holder via map"
find_name mqueue "${good[5]}"
o_holders "$H:fd" "mqueue with a backslash: holder via fd"
find_name psem "${good[6]}"
o_state orphan "leaked psem with control bytes"
find_name mqueue "${good[7]}"
o_state orphan "leaked mqueue with DEL"

# Invalid UTF-8: escaped, so each still comes out as one valid string
# that keeps the valid part of the name.
for pre in bad over surr; do
	for k in pshm fifo sockfile; do
		obj_find "$k with invalid UTF-8 ($pre...) is listed once" \
			'.kind == $k and ((.name // (.path | sub(".*/"; "")))
			 | startswith($p))' --arg k "$k" --arg p "$pre"
	done
done
t_jq "the 255-byte name cut inside a UTF-8 sequence: one pshm, escaped" \
	'[.objects[] | select(.kind == "pshm" and (.name |
	 startswith("ééé")) and (.name | endswith("x") | not))] |
	 length == 1'
t_jq "no two objects of a kind share an identity" \
	'[.objects[] | [.kind, .name, .path, .id, .inode]] | length ==
	 (unique | length)'
for n in $'dir\nnl' "$(rep D 255)"; do
	find_path sockfile "/run/$n/in.sock"
	o_state orphan \
		"stale socket in a directory named '$(_t_line "${n:0:20}")'"
done
obj_find "stale socket in a directory with a bad byte: listed once" \
	'.kind == "sockfile" and (.path | startswith("/run/dir")) and
	 (.path | endswith("/in.sock")) and (.path | test("\n") | not)'

# Tables: one row per object, and no raw control byte reaches a terminal.
count=$(jqo '.objects | length')
ctl=$'[\x01-\x09\x0b-\x1f\x7f]'
for args in "-r --noheadings" "--noheadings" \
	"--noheadings -o KIND,NAME,PATH,STATE,HOLDERS"; do
	# shellcheck disable=SC2086
	ipcscan list $args >"$T_WORK/t.out" 2>"$T_WORK/t.err"
	rc=$?
	t_is "$rc" 0 "list $args: exit 0"
	t_is "$(wc -l <"$T_WORK/t.out")" "$count" \
		"list $args: one line per object ($count)"
	t_is "$(LC_ALL=C grep -c "$ctl" "$T_WORK/t.out")" 0 \
		"list $args: no raw control byte or tab"
	t_ok "list $args: valid UTF-8" \
		iconv -f UTF-8 -t UTF-8 -o /dev/null "$T_WORK/t.out"
done

# gc: a dry run names them all in valid JSON; the real run removes
# exactly the orphans, whatever their names.
norph=$(jqo '[.objects[] | select(.state == "orphan")] | length')
ipcscan gc --dry-run --min-age 0 --json >"$T_WORK/gc.json" 2>"$T_WORK/gc.err"
t_is "$?" 0 "gc --dry-run: exit 0"
t_ok "gc --dry-run --json: valid UTF-8" \
	iconv -f UTF-8 -t UTF-8 -o /dev/null "$T_WORK/gc.json"
t_is "$(jq '.would_remove' "$T_WORK/gc.json" 2>&1)" "$norph" \
	"gc --dry-run: every orphan ($norph) would be removed"
ipcscan gc --dry-run --min-age 0 >"$T_WORK/gc.txt" 2>&1
t_is "$(LC_ALL=C grep -c "$ctl" "$T_WORK/gc.txt")" 0 \
	"gc --dry-run table: no raw control byte or tab"
ipcscan gc --min-age 0 --json >"$T_WORK/gc2.json" 2>"$T_WORK/gc2.err"
t_is "$?" 0 "gc: exit 0"
t_is "$(jq -c '[.removed, .failed, .skipped]' "$T_WORK/gc2.json" 2>&1)" \
	"[$norph,0,0]" "gc: removed $norph, none failed or skipped"
t_is "$(LC_ALL=C grep -c "$ctl" "$T_WORK/gc2.err")" 0 \
	"gc: no raw control byte on stderr"
list_json
t_is "$(jqo '[.objects[] | select(.state == "orphan")] | length')" 0 \
	"after gc: no orphan left"
t_is "$(jqo '[.objects[] | select(.kind == "pshm")] | length')" \
	$(((nall + 1) / 2)) \
	"after gc: the held pshm objects are all still there"
i=0
missing=""
for n in "${good[@]}" "${bad[@]}"; do
	if ((i % 2 == 0)) && [ ! -f "/dev/shm/$n" ]; then
		missing+="$(_t_line "$n") "
	fi
	[ -p "/tmp/$n" ] || missing+="fifo:$(_t_line "$n") "
	i=$((i + 1))
done
t_is "$missing" "" "after gc: held pshm files and the FIFOs are untouched"

t_done
