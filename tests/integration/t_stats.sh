#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_stats.sh - stats: exact counts and bytes, kernel limits, Prometheus.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

# Limits are per IPC namespace: ours are fresh, so set values nobody has.
for kv in kernel.shmmni=1234 kernel.msgmni=567 \
	"kernel.sem=250 64000 32 789" fs.mqueue.queues_max=345; do
	sysctl -q -w "$kv" >/dev/null 2>&1 || t_bail "sysctl -w $kv failed"
done

# The population, every number known:
#   shm   in-use 2 (8192 + 12288), orphan 1 (20000), nobody in-use 1 (4096)
#   sem   in-use 1 (3 sems), orphan 1 (2 sems)
#   msg   in-use 1 (5 bytes), orphan 1 (5 bytes), unknown 1 (0 bytes)
#   pshm  in-use 1 (5000), orphan 2 (7000 + 1111), nobody in-use 1 (3000)
#   mq    in-use 1 (0 bytes queued), orphan 1 (one 5-byte message)
#   unix  in-use 1 (listener), sockfile orphan 1, fifo in-use 1, unknown 1
hold a shm,as=s1,size=8192:0x51001 shm,as=s2,size=12288:0x51002 \
	sem,as=m1,n=3:0x52001 msg,as=q1:0x53001 \
	pshm,as=p1,size=5000:held1 mq,as=mq1:mqheld \
	unix,as=u1:/tmp/live.sock fifo,as=f1:/tmp/held.fifo
hold_as nobody n shm,as=ns1:0x51004 pshm,as=np1,size=3000:nobodyheld
leak l shm,as=s3,size=20000:0x51003 sem,as=m2,n=2:0x52002 \
	msg,as=q2:0x53002 msg,as=q3,op=none:0x53003 \
	pshm,as=p2,size=7000:leak1 pshm,as=p3,size=1111:leak2 \
	mq,as=mq2:mqleak unix,as=x1:/tmp/stale.sock fifo,as=x2:/run/idle.fifo
holders_agree

# stats_json FILE [ARGS...]: "stats --json ARGS" into FILE, one TAP line.
stats_json() {
	local out=$1 rc
	shift
	ipcscan stats --json "$@" >"$out" 2>"$T_WORK/stats.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		t_fail "stats --json $*: exit 0" "exit $rc" \
			"$(head -c 2000 "$T_WORK/stats.err")"
		return 1
	fi
	if ! jq -e '.schema == 1 and (.kinds | type) == "object" and
			(.limits | type) == "object"' "$out" >/dev/null 2>&1
	then
		t_fail "stats --json $*: exit 0, a schema 1 document" \
			"$(head -c 1000 "$out")"
		return 1
	fi
	t_pass "stats --json $*: exit 0, a schema 1 document"
}

# kind_is FILE KIND "count in_use orphan unknown bytes orphan_bytes" DESC
kind_is() {
	t_is "$(jq -r --arg k "$2" '.kinds[$k] | [.count, .in_use, .orphan,
		.unknown, .bytes, .orphan_bytes] | map(tostring) | join(" ")' \
		"$1" 2>&1)" "$3" \
		"$4: $2 count in-use orphan unknown bytes orphan-bytes"
}

# limit_is FILE RESOURCE LIMIT USED
limit_is() {
	t_is "$(jq -r --arg r "$2" '.limits[$r] | "\(.limit) \(.used)"' \
		"$1" 2>&1)" "$3 $4" "limits.$2: limit $3, used $4"
}

S=$T_WORK/stats.json
if stats_json "$S"; then
	t_jq_s() { local T_JSON=$S; t_jq "$@"; }
	t_jq_s "complete is true as root" '.complete == true'
	kind_is "$S" shm "4 3 1 0 44576 20000" "all"
	# semaphore sets and live sockets have no byte size: null
	t_is "$(jq -c '[.kinds.sem.bytes, .kinds.sem.orphan_bytes,
		.kinds.unix.bytes, .kinds.unix.orphan_bytes]' "$S")" \
		"[null,null,null,null]" "sem and unix bytes are null"
	kind_is "$S" sem "2 1 1 0 null null" "all"
	kind_is "$S" msg "3 1 1 1 10 5" "all"
	kind_is "$S" pshm "4 2 2 0 16111 8111" "all"
	kind_is "$S" mqueue "2 1 1 0 5 5" "all"
	kind_is "$S" unix "1 1 0 0 null null" "all"
	kind_is "$S" sockfile "1 0 1 0 0 0" "all"
	kind_is "$S" fifo "2 1 0 1 0 0" "all"
	t_jq_s "every kind has a row, and count = in_use + orphan + unknown" \
		'(.kinds | keys | sort) == ["fifo","mqueue","msg","psem","pshm",
		 "sem","shm","sockfile","unix"] and all(.kinds[]; .count ==
		 .in_use + .orphan + .unknown and
		 (.bytes == null or .orphan_bytes <= .bytes))'
	t_jq_s "scan_duration is rounded to microseconds" \
		'.scan_duration >= 0 and
		 (.scan_duration * 1000000 | (. - round) | fabs < 0.001)'
	t_like "$(grep -o '"scan_duration":[^,]*' "$S")" \
		'^"scan_duration":[0-9]+\.[0-9]{6}$' \
		"scan_duration has six decimals in the text"

	# The limits we set inside this IPC namespace, and their use.
	limit_is "$S" shmmni 1234 4
	limit_is "$S" msgmni 567 3
	limit_is "$S" semmni 789 2
	limit_is "$S" semmns 64000 5
	limit_is "$S" mqueue_queues 345 2
	t_is "$(jq -r '.limits.shmmax_bytes.used' "$S")" 20000 \
		"limits.shmmax_bytes: used is the largest segment"
	pg=$(getconf PAGESIZE)
	want=0
	for sz in 8192 12288 20000 4096; do
		want=$((want + (sz + pg - 1) / pg * pg))
	done
	t_is "$(jq -r '.limits.shmall_bytes.used' "$S")" "$want" \
		"limits.shmall_bytes: used is the whole pages of all segments"
	shmall=$(python3 -c 'import sys
print(min(int(open("/proc/sys/kernel/shmall").read()) * int(sys.argv[1]),
	  2**64 - 1))' "$pg")
	t_jq_s "limits.shmall_bytes: kernel.shmall x page size (saturated)" \
		'.limits.shmall_bytes.limit == $v' --argjson v "$shmall"
	# the pshm files are sparse: used is what df says, not their sizes
	t_jq_s "limits.devshm_bytes: our 64m /dev/shm tmpfs and its use" \
		'.limits.devshm_bytes.limit == 67108864 and
		 .limits.devshm_bytes.used == $u' \
		--argjson u "$(df -B1 --output=used /dev/shm | tail -1)"
fi

# -t shows only the kinds it selects, and the limits those kinds use;
# -u counts only what it selects; "used" stays whole-namespace.
S2=$T_WORK/stats-t.json
if stats_json "$S2" -t shm,pshm; then
	kind_is "$S2" shm "4 3 1 0 44576 20000" "-t shm,pshm"
	kind_is "$S2" pshm "4 2 2 0 16111 8111" "-t shm,pshm"
	t_is "$(jq -c '.kinds | keys' "$S2")" '["pshm","shm"]' \
		"-t shm,pshm: only shm and pshm are in kinds"
	t_is "$(jq -c '.limits | keys' "$S2")" \
		'["devshm_bytes","shmall_bytes","shmmax_bytes","shmmni"]' \
		"-t shm,pshm: only the shm and /dev/shm limits"
	# stats.h: "used" counts every object, whatever the filters
	limit_is "$S2" shmmni 1234 4
fi
if stats_json "$S2" -t sysv; then
	kind_is "$S2" msg "3 1 1 1 10 5" "-t sysv"
	t_is "$(jq -c '[(.kinds | keys), (.limits | keys)]' "$S2")" \
		'[["msg","sem","shm"],["msgmni","semmni","semmns","shmall_bytes","shmmax_bytes","shmmni"]]' \
		"-t sysv: the SysV kinds and their limits only"
	limit_is "$S2" semmns 64000 5
fi
if stats_json "$S2" -t fifo; then
	t_is "$(jq -c '[(.kinds | keys), .limits]' "$S2")" '[["fifo"],{}]' \
		"-t fifo: one kind, no kernel limit applies"
fi
out=$(ipcscan stats -t shm 2>&1)
t_is "$(awk 'NF && $1 != "KIND" && $1 != "RESOURCE" { print $1 }' <<<"$out" | tr '\n' ' ')" \
	"shm shmmni shmall_bytes shmmax_bytes " \
	"stats -t shm: the shm row and the shm limits, nothing else"
out=$(ipcscan stats -t sem,unix,shm 2>&1)
t_is "$(awk '$1 == "sem" || $1 == "unix" { print NF }' <<<"$out" |
	tr '\n' ' ')" "5 5 " \
	"stats table: sem and unix have blank BYTES and ORPHAN-BYTES"
t_like "$(awk '$1 == "shm" && NF == 7 { print $6 }' <<<"$out")" '^44K$' \
	"stats table: shm BYTES shown"
if stats_json "$S2" -u nobody; then
	kind_is "$S2" shm "1 1 0 0 4096 0" "-u nobody"
	kind_is "$S2" pshm "1 1 0 0 3000 0" "-u nobody"
	t_is "$(jq '[.kinds[].count] | add' "$S2")" 2 \
		"-u nobody: nothing else is counted"
fi
if stats_json "$S2" -u 0 -t pshm; then
	kind_is "$S2" pshm "3 1 2 0 13111 8111" "-u 0 -t pshm"
fi

# --------------------------------------------------------- Prometheus

# prom_check FILE: every line is a comment or a valid sample; every family
# has HELP and TYPE before its first sample; every name starts ipcscan_.
prom_check() {
	local f=$1 line name n=0 bad="" lineno=0
	local name_re='[a-zA-Z_:][a-zA-Z0-9_:]*'
	local label_re='[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?'
	local re_sample="^($name_re)(\\{($label_re)*\\})? "
	re_sample+='(-?[0-9.eE+-]+|NaN|[+-]Inf)$'
	local re_help="^# HELP ($name_re) .*\$"
	local re_type="^# TYPE ($name_re) "
	re_type+='(counter|gauge|histogram|summary|untyped)$'
	declare -A help=() type=() seen=()
	while IFS= read -r line; do
		lineno=$((lineno + 1))
		if [[ $line =~ $re_help ]]; then
			name=${BASH_REMATCH[1]}
			[ -z "${seen[$name]:-}" ] ||
				bad+="$lineno: HELP after samples of $name; "
			[ -z "${help[$name]:-}" ] ||
				bad+="line $lineno: second HELP for $name; "
			help[$name]=1
		elif [[ $line =~ $re_type ]]; then
			name=${BASH_REMATCH[1]}
			[ -z "${seen[$name]:-}" ] ||
				bad+="$lineno: TYPE after samples of $name; "
			[ -z "${type[$name]:-}" ] ||
				bad+="line $lineno: second TYPE for $name; "
			type[$name]=1
		elif [[ $line =~ ^# ]]; then
			:
		elif [[ $line =~ $re_sample ]]; then
			name=${BASH_REMATCH[1]}
			n=$((n + 1))
			seen[$name]=1
			[ -n "${help[$name]:-}" ] &&
				[ -n "${type[$name]:-}" ] ||
				bad+="$lineno: no HELP/TYPE before $name; "
			[[ $name == ipcscan_* ]] ||
				bad+="$lineno: $name lacks ipcscan_; "
		else
			bad+="line $lineno: not exposition syntax: '$line'; "
		fi
	done <"$f"
	[ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" = '\n' ] ||
		bad+="no final newline; "
	[ $n -gt 0 ] || bad+="no samples; "
	if [ -z "$bad" ]; then
		t_pass "prometheus: $n samples, all valid, HELP and TYPE first"
	else
		t_fail "prometheus: exposition syntax" "${bad:0:3000}"
	fi
	local dup
	dup=$(grep -v '^#' "$f" | sed 's/ [^ ]*$//' | sort | uniq -d)
	t_is "$dup" "" "prometheus: no sample (name and labels) twice"
}

# prom_val FILE SERIES: the value of one exact series ("" if absent).
prom_val() {
	awk -v s="$2" 'substr($0, 1, length(s) + 1) == s " " {
		print substr($0, length(s) + 2) }' "$1"
}

P=$T_WORK/stats.prom
ipcscan stats --prometheus >"$P" 2>"$T_WORK/prom.err"
t_is "$?" 0 "stats --prometheus: exit 0"
prom_check "$P"
t_is "$(prom_val "$P" 'ipcscan_objects{kind="shm",state="orphan"}')" \
	"$(jq '.kinds.shm.orphan' "$S")" \
	'ipcscan_objects{kind="shm",state="orphan"} equals the JSON count'
t_is "$(prom_val "$P" 'ipcscan_objects{kind="pshm",state="in-use"}')" 2 \
	'ipcscan_objects{kind="pshm",state="in-use"} is 2'
t_is "$(prom_val "$P" 'ipcscan_bytes{kind="pshm",state="orphan"}')" 8111 \
	'ipcscan_bytes{kind="pshm",state="orphan"} is 8111'
t_is "$(prom_val "$P" 'ipcscan_objects{kind="fifo",state="unknown"}')" 1 \
	'ipcscan_objects{kind="fifo",state="unknown"} is 1'
t_is "$(prom_val "$P" 'ipcscan_limit{resource="shmmni"}')" 1234 \
	'ipcscan_limit{resource="shmmni"} is the namespace value 1234'
t_is "$(prom_val "$P" 'ipcscan_limit{resource="mqueue_queues"}')" 345 \
	'ipcscan_limit{resource="mqueue_queues"} is 345'
t_is "$(prom_val "$P" 'ipcscan_used{resource="semmns"}')" 5 \
	'ipcscan_used{resource="semmns"} is 5'
t_is "$(prom_val "$P" ipcscan_scan_complete)" 1 \
	"ipcscan_scan_complete is 1 as root"
t_like "$(prom_val "$P" ipcscan_scan_duration_seconds)" '^[0-9]+(\.[0-9]+)?$' \
	"ipcscan_scan_duration_seconds is a plain number"
# JSON and Prometheus agree on every object count.
mism=""
for k in $(jq -r '.kinds | keys[]' "$S"); do
	for st in in-use:in_use orphan:orphan unknown:unknown; do
		pv=$(prom_val "$P" \
			"ipcscan_objects{kind=\"$k\",state=\"${st%%:*}\"}")
		jv=$(jq --arg k "$k" --arg s "${st#*:}" '.kinds[$k][$s]' "$S")
		[ "$pv" = "$jv" ] ||
			mism+="$k/${st%%:*}: prom '$pv' json '$jv'; "
	done
done
t_is "$mism" "" "every ipcscan_objects sample equals the JSON count"
t_is "$(grep -c 'ipcscan_bytes{kind="\(sem\|unix\)"' "$P")" 0 \
	"prometheus: no bytes series for sem and unix (no byte size)"
t_like "$(prom_val "$P" ipcscan_scan_duration_seconds)" '^[0-9]+\.[0-9]{6}$' \
	"ipcscan_scan_duration_seconds has six decimals"
ipcscan stats --prometheus -t pshm >"$T_WORK/t.prom" 2>/dev/null
t_is "$(prom_val "$T_WORK/t.prom" \
	'ipcscan_objects{kind="pshm",state="orphan"}')" \
	"2" "--prometheus -t pshm: pshm orphans 2"
t_is "$(grep -v '^#' "$T_WORK/t.prom" | grep -o '{kind="[a-z]*"' |
	sort -u | tr '\n' ' ')" '{kind="pshm" ' \
	"--prometheus -t pshm: series for pshm only"
t_is "$(grep -o '{resource="[a-z_]*"' "$T_WORK/t.prom" | sort -u |
	tr '\n' ' ')" '{resource="devshm_bytes" ' \
	"--prometheus -t pshm: only the /dev/shm limit"

# As nobody some processes cannot be inspected: complete is 0.
setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$IPCSCAN" stats --trust-pidns --prometheus >"$T_WORK/nobody.prom" 2>/dev/null
t_is "$?" 0 "stats --prometheus as nobody: exit 0"
prom_check "$T_WORK/nobody.prom"
t_is "$(prom_val "$T_WORK/nobody.prom" ipcscan_scan_complete)" 0 \
	"ipcscan_scan_complete is 0 as nobody (root processes unreadable)"

# ------------------------------------------------------- --output-file

D=$T_WORK/textfile
mkdir -p "$D"
OUT=$D/ipcscan.prom
echo "old content" >"$OUT"
ino_before=$(stat -c %i "$OUT")
(umask 077 && timeout 60 "$IPCSCAN" stats --trust-pidns --prometheus \
	--output-file "$OUT" >"$T_WORK/of.stdout" 2>"$T_WORK/of.err")
t_is "$?" 0 "--output-file: exit 0"
t_is "$(stat -c %a "$OUT")" 644 "--output-file: mode 0644 even under umask 077"
t_is "$(wc -c <"$T_WORK/of.stdout")" 0 "--output-file: nothing on stdout"
t_is "$(ls -A "$D")" ipcscan.prom "--output-file: no temp file left in the dir"
t_ok "--output-file: the file was replaced by rename (new inode)" \
	test "$(stat -c %i "$OUT")" != "$ino_before"
prom_check "$OUT"
t_is "$(grep -v duration_seconds "$OUT")" "$(grep -v duration_seconds "$P")" \
	"--output-file: the same content as stdout (but the duration)"

# A reader never sees a partial file while it is rewritten.
torn=$T_WORK/torn
: >"$torn"
(
	end=$((SECONDS + 30))
	while [ ! -e "$T_WORK/stop-reader" ] && [ $SECONDS -lt $end ]; do
		if ! c=$(cat "$OUT" 2>/dev/null); then
			echo "missing" >>"$torn"
			continue
		fi
		[[ $c == *$'\nipcscan_scan_complete '[01] ]] ||
			printf 'partial: %s\n' "${c: -80}" >>"$torn"
	done
) &
reader=$!
fails=0
for _ in $(seq 15); do
	timeout 60 "$IPCSCAN" stats --trust-pidns --prometheus --output-file "$OUT" \
		2>/dev/null || fails=$((fails + 1))
done
touch "$T_WORK/stop-reader"
wait "$reader"
t_is "$fails" 0 "--output-file: 15 rewrites exit 0"
t_is "$(head -3 "$torn")" "" \
	"--output-file: a concurrent reader never saw a missing or partial file"
t_is "$(ls -A "$D")" ipcscan.prom \
	"--output-file: still no temp file after 15 runs"

ipcscan stats --json --output-file "$D/stats.json" >/dev/null 2>&1
t_is "$?" 0 "--output-file with --json: exit 0"
t_ok "--output-file with --json: valid JSON with the same counts" \
	jq -e --slurpfile s "$S" '.kinds == $s[0].kinds' "$D/stats.json"
ipcscan stats --prometheus --output-file /nonexistent/dir/x.prom \
	>"$T_WORK/bad.out" 2>"$T_WORK/bad.err"
t_is "$?" 1 "--output-file in a missing dir: exit 1"
t_like "$(cat "$T_WORK/bad.err")" 'nonexistent' \
	"--output-file in a missing dir: the message names the path"

# The path is used as given: relative to the working directory, and a
# name ending in a slash (or . or ..) names no file and writes none (a
# POSIX basename() of it cut the slash off the argument itself, and the
# rename then made the file "new.prom").
(cd "$D" && timeout 60 "$IPCSCAN" stats --trust-pidns --prometheus \
	--output-file rel.prom \
	>/dev/null 2>"$T_WORK/rel.err")
t_is "$?" 0 "--output-file relative to the working directory: exit 0"
prom_check "$D/rel.prom"
for bad in "$D/new.prom/" "$D/." "$D/.."; do
	ipcscan stats --prometheus --output-file "$bad" >/dev/null \
		2>"$T_WORK/bad.err"
	t_is "$?" 1 "--output-file '$bad': exit 1"
	t_is "$(cat "$T_WORK/bad.err")" \
		"ipcscan: cannot create a temp file for '$bad': Is a directory" \
		"--output-file '$bad': one line naming the path as given"
done
t_is "$(ls -A "$D" | paste -sd' ')" "ipcscan.prom rel.prom stats.json" \
	"--output-file: no new.prom, no temp file left by the refused paths"
t_is "$(ls -A "$T_WORK" | grep -c '^\.')" 0 \
	"--output-file: no temp file beside the directory either"

# ------------------------------------------------------------- table

ipcscan stats >"$T_WORK/stats.txt" 2>"$T_WORK/stats-t.err"
t_is "$?" 0 "stats (table): exit 0"
t_like "$(cat "$T_WORK/stats.txt")" $'KIND.*COUNT.*ORPHAN' \
	"stats (table): a header with KIND COUNT ORPHAN"
t_like "$(grep -E '^pshm ' "$T_WORK/stats.txt")" '^pshm +4 +2 +2 +0 ' \
	"stats (table): pshm row 4 2 2 0"
t_like "$(grep -E '^shmmni ' "$T_WORK/stats.txt")" '^shmmni +1234 +4 ' \
	"stats (table): shmmni 1234, used 4"

t_done
