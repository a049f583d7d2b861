#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_churn.sh - list and gc back to back for 15 s while writers create and
# destroy processes and objects of every kind; sentinels held for the
# whole run must never be called orphan or removed.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

DUR=${CHURN_SECONDS:-15}
NWRITERS=3
for kv in kernel.shmmni=32768 kernel.msgmni=32000 \
	fs.mqueue.queues_max=4096; do
	sysctl -q -w "$kv" >/dev/null 2>&1 || t_bail "sysctl -w $kv failed"
done
# small queues (maxmsg=1, msgsize=16) stay far below RLIMIT_MSGQUEUE
mkdir -p /tmp/churn /run/churn /var/tmp/churn/a/b

# The sentinels: one of every kind, held by one process all along.
hold s shm,as=s_shm:0x5e000001 sem,as=s_sem:0x5e000002 \
	msg,as=s_msg:0x5e000003 pshm,as=s_pshm:sentinel_fd \
	pshm,via=map,as=s_map:sentinel_map psem,as=s_psem:sentinel_sem \
	mq,as=s_mq:sentinel_mq unix,as=s_unix:/tmp/churn/sentinel.sock \
	fifo,as=s_fifo:/run/churn/sentinel.fifo
S=${F[s.pid]}
SENT_KEYS='["0x5e000001","0x5e000002","0x5e000003"]'
SENT_NAMES='["sentinel_fd","sentinel_map","sentinel_sem","sentinel_mq"]'
SENT_PATHS='["/tmp/churn/sentinel.sock","/run/churn/sentinel.fifo"]'
# jq: is this object (or gc action) a sentinel? Needs --argjson k n p i.
SENT_DEF='def sentinel: (.key as $x | $k | index($x)) or
	(.name as $x | $n | index($x)) or (.path as $x | $p | index($x)) or
	(.inode != null and .inode == $i);'
# jqs FILTER FILE: FILTER with the sentinel definition and its arguments.
jqs() {
	jq -c --argjson k "$SENT_KEYS" --argjson n "$SENT_NAMES" \
		--argjson p "$SENT_PATHS" --argjson i "${F[s_unix.inode]:-0}" \
		"$SENT_DEF $1" "$2"
}
ID_OF='[.objects[] | select(sentinel) | [.kind, .key // .name // .path //
	.inode, .id // .inode // (.[.kind].ino)]] | sort'
# Identities at the start: SysV key -> id, files -> inode.
# The sentinels' holders (pid:via), the same in every run of either pass.
HELD_OF='[.objects[] | select(sentinel) | [.kind, .key // .name // .path //
	.inode, ([.holders[] | "\(.pid):\(.via)"] | sort)]] | sort'
list_json || t_bail "first list failed"
SENT0=$(jqs "$ID_OF" "$T_JSON")
HELD0=$(jqs "$HELD_OF" "$T_JSON")
t_is "$(jq length <<<"$SENT0")" 9 "all 9 sentinels are listed at the start"

# A writer: leaks of every kind, short-lived holders killed mid-life,
# and some of its own older files removed again (they vanish mid-scan).
writer() {
	local w=$1 i=0 n=0 procs=0 end=$((SECONDS + DUR)) hp k
	while [ $SECONDS -lt "$end" ]; do
		i=$((i + 1))
		k=$((0x40000000 + w * 0x1000000 + i * 4))
		if "$MKIPC" leak "pshm:w${w}_$i" "shm:$k" "sem:$((k + 1))" \
			"msg:$((k + 2))" "psem:w${w}_$i" \
			"mq,maxmsg=1,msgsize=16:w${w}_$i" \
			"unix:/tmp/churn/w${w}_$i.sock" \
			"unix:/var/tmp/churn/a/b/w${w}_$i.sock" \
			"fifo:/run/churn/w${w}_$i.fifo" >/dev/null 2>&1
		then
			n=$((n + 9))
		fi
		"$MKIPC" hold "pshm:h${w}_$i" "shm:$((k + 3))" \
			"unix:/run/churn/h${w}_$i.sock" >/dev/null 2>&1 &
		hp=$!
		sleep 0.0$((RANDOM % 5))
		# KILL, not TERM: a TERM that lands between fork and exec is
		# eaten by this shell's handlers (the EXIT trap), and the
		# holder would then wait for it forever.
		kill -KILL "$hp" 2>/dev/null
		wait "$hp" 2>/dev/null
		n=$((n + 3))
		procs=$((procs + 2))
		rm -f "/run/churn/w${w}_$((i - 2)).fifo" \
			"/tmp/churn/w${w}_$((i - 1)).sock" \
			"/dev/shm/w${w}_$((i - 1))"
	done
	echo "$n $procs" >"$T_WORK/writer$w.count"
}

for ((w = 1; w <= NWRITERS; w++)); do
	writer "$w" &
	T_PIDS[writer$w]=$!
done

# The scanner: list and gc back to back until the writers are done, the
# /proc and the BPF holder pass in turn.
runs=0 bad=0 lists=0 gcs=0 removed=0 orphaned=0 missing=0 hp=bpf
declare -A held_bad=([proc]=0 [bpf]=0) hp_runs=([proc]=0 [bpf]=0)
declare -A hp_wrong=([proc]=0 [bpf]=0)
want_pass() {	# want_pass FILE PASS: count a run of the other pass
	[ "$2" = proc ] || hp_bpf_here || return 0
	[ "$(jq -r .holder_pass "$1")" = "$2" ] ||
		hp_wrong[$2]=$((hp_wrong[$2] + 1))
}
R=$T_WORK/runs
mkdir -p "$R"
end=$((SECONDS + DUR))
check_run() {	# check_run FILE RC WHAT
	if [ "$2" -ne 0 ] ||
		! jq -e '.schema == 1' "$1" >/dev/null 2>&1 ||
		! iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1; then
		bad=$((bad + 1))
		[ $bad -gt 3 ] || t_diag "bad $3 run (exit $2): $(head -c 300 \
			"$1") $(head -c 500 "$1.err")"
		return 1
	fi
}
while [ $SECONDS -lt $end ]; do
	[ $hp = bpf ] && hp=proc || hp=bpf
	hp_runs[$hp]=$((hp_runs[$hp] + 1))
	runs=$((runs + 1))
	f=$R/list$runs.json
	timeout 60 "$IPCSCAN" list --trust-pidns --json --holders=$hp \
		>"$f" 2>"$f.err"
	if check_run "$f" $? list; then
		lists=$((lists + 1))
		want_pass "$f" $hp
		[ "$(jqs "$HELD_OF" "$f")" = "$HELD0" ] ||
			held_bad[$hp]=$((held_bad[$hp] + 1))
		# every sentinel present and never called orphan
		r=$(jqs '[.objects[] | select(sentinel)] | [length,
			([.[] | select(.state == "orphan")] | length)]' "$f")
		[ "${r%%,*}" = "[9" ] || missing=$((missing + 1))
		[ "${r##*,}" = "0]" ] || orphaned=$((orphaned + 1))
	fi
	runs=$((runs + 1))
	f=$R/gc$runs.json
	timeout 60 "$IPCSCAN" gc --trust-pidns --min-age 0 --json \
		--holders=$hp >"$f" 2>"$f.err"
	if check_run "$f" $? gc; then
		gcs=$((gcs + 1))
		want_pass "$f" $hp
		removed=$((removed + $(jq '.removed' "$f")))
	fi
done
for ((w = 1; w <= NWRITERS; w++)); do
	wait "${T_PIDS[writer$w]}"
	unset "T_PIDS[writer$w]"
done
created=0 procs=0
for ((w = 1; w <= NWRITERS; w++)); do
	read -r a b <"$T_WORK/writer$w.count"
	created=$((created + a))
	procs=$((procs + b))
done

echo "# churn: ${DUR}s, $runs runs ($lists list, $gcs gc), $bad bad"
echo "# churn: writers created $created objects and $procs processes;" \
	"gc removed $removed"
t_is "$bad" 0 "every list and gc run: exit 0, valid UTF-8 JSON ($runs runs)"
t_ok "at least 10 runs in ${DUR}s" test "$runs" -ge 10
t_ok "the writers made at least 500 objects" test "$created" -ge 500
t_is "$missing" 0 "every list run shows all 9 sentinels"
t_is "$orphaned" 0 "no list run calls a sentinel orphan"
for hp in proc bpf; do
	if [ $hp = bpf ] && ! hp_bpf_here; then
		t_skip "bpf runs: the BPF pass ran" "BPF not available here"
	else
		t_is "${hp_wrong[$hp]}" 0 \
			"$hp runs: each ran the $hp pass (${hp_runs[$hp]} rounds)"
	fi
	t_is "${held_bad[$hp]}" 0 \
		"$hp runs: every list run has the sentinels' holders exactly"
done
t_is "$(cat "$R"/gc*.json | jqs '.actions[] | select(sentinel)' - 2>&1 |
	head -5)" "" "no gc run has an action on a sentinel"
t_is "$(cat "$R"/gc*.json | jqs '.actions[] | select(sentinel and
	.action == "removed")' - 2>&1 | head -5)" "" \
	"no gc run removed a sentinel"
t_ok "the sentinel holder is alive" kill -0 "$S"

# At the end: the same sentinels, same ids and inodes.
list_json || t_done
SENT1=$(jqs "$ID_OF" "$T_JSON")
t_is "$SENT1" "$SENT0" "every sentinel is still there, same id or inode"
t_is "$(jqs '[.objects[] | select(sentinel) | .state] | unique' \
	"$T_JSON")" '["in-use"]' "every sentinel is in use at the end"
t_ok "sentinel files are still there" test -f /dev/shm/sentinel_fd -a \
	-f /dev/shm/sentinel_map -a -f /dev/shm/sem.sentinel_sem -a \
	-S /tmp/churn/sentinel.sock -a -p /run/churn/sentinel.fifo

t_done
