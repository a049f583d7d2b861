# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh - shared setup for integration scripts: namespaces, TAP, holders.
#
# A script starts with
#	. "$(dirname "$0")/lib.sh"
#	ns_enter "$@"
# which re-executes it as root inside fresh IPC, mount, network and pid
# namespaces with private tmpfs on /dev/shm /tmp /run /var/tmp, so the
# host's objects are never seen or touched, and ends with t_done.
#
# Environment: IPCSCAN (binary under test), HELPERS (dir with mkipc).
# TAP: "ok - DESC", "not ok - DESC" with "# " diagnostics, "ok - DESC #
# SKIP why"; exit 77 when the whole file is skipped (the skip line is
# printed first, so it is always visible).

# jq programs are single-quoted on purpose: their $vars are jq's; F is
# for the scripts that source this file.
# shellcheck disable=SC2016,SC2034

set -u

T_FILE=$(basename "$0")
T_LIBDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
T_TOP=$(cd "$T_LIBDIR/../.." && pwd)
: "${IPCSCAN:=$T_TOP/build/ipcscan}"
: "${HELPERS:=$T_TOP/build/helpers}"

T_PASSED=0
T_FAILED=0
T_SKIPPED=0
T_FINISHED=0
T_WORK=""
T_JSON=""
OBJ=null
declare -A F=()		# facts from mkipc: F[LABEL.FIELD], F[NAME.pid]
declare -A T_PIDS=()	# running holders by name

# ---------------------------------------------------------------- TAP

# One TAP line per assertion: descriptions are flattened to one line.
_t_line() {
	local s=$1
	s=${s//\\/\\\\}
	s=${s//$'\n'/\\n}
	s=${s//$'\t'/\\t}
	s=${s//$'\r'/\\r}
	s=${s//#/\\#}
	printf '%s\n' "$s"
}

t_diag() {
	local line
	while IFS= read -r line; do
		printf '#   %s\n' "$line"
	done <<<"$*"
}

t_pass() {
	T_PASSED=$((T_PASSED + 1))
	echo "ok - $(_t_line "$1")"
}

# t_fail DESC [DIAG...]
t_fail() {
	local desc=$1
	shift
	T_FAILED=$((T_FAILED + 1))
	echo "not ok - $(_t_line "$desc")"
	local d
	for d in "$@"; do
		t_diag "$d"
	done
}

t_skip() {
	T_SKIPPED=$((T_SKIPPED + 1))
	echo "ok - $(_t_line "$1") # SKIP $(_t_line "$2")"
}

# t_ok DESC CMD... : passes if CMD exits 0.
t_ok() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		t_pass "$desc"
	else
		t_fail "$desc" "command failed: $*" "$out"
	fi
}

# t_is GOT EXPECTED DESC
t_is() {
	if [ "$1" == "$2" ]; then
		t_pass "$3"
	else
		t_fail "$3" "got:      '$1'" "expected: '$2'"
	fi
}

# t_like GOT ERE DESC
t_like() {
	if [[ $1 =~ $2 ]]; then
		t_pass "$3"
	else
		t_fail "$3" "got:      '$1'" "expected to match: $2"
	fi
}

# Whole-file skip: visible line, then 77 for the runner.
t_skip_all() {
	echo "ok - $T_FILE # SKIP $(_t_line "$1")"
	T_FINISHED=1
	exit 77
}

# Setup failed: nothing after this would mean anything.
t_bail() {
	local desc=$1
	shift
	t_fail "$T_FILE: $desc" "$@"
	T_FINISHED=1
	exit 1
}

t_done() {
	hp_summary
	echo "# $T_FILE: $T_PASSED passed, $T_FAILED failed, $T_SKIPPED skipped"
	T_FINISHED=1
	[ "$T_FAILED" -eq 0 ] && exit 0
	exit 1
}

# ---------------------------------------------------------- namespaces

_ns_hidden() {
	case "$1/" in
	/tmp/*|/run/*|/var/tmp/*|/dev/shm/*) return 0 ;;
	esac
	return 1
}

# Re-exec inside the namespaces (outer half), or set them up (inner half).
ns_enter() {
	if [ "${IPCSCAN_T_INNER:-}" != 1 ]; then
		[ "$(id -u)" = 0 ] || t_skip_all "needs root (unshare)"
		command -v unshare >/dev/null || t_bail "needs unshare(1)"
		# As root this must work: a run that skipped every test here
		# would pass having tested nothing.
		local err
		if ! err=$(unshare --ipc --mount --net --pid --fork \
				--mount-proc true 2>&1); then
			t_bail "root cannot create namespaces here" \
				"unshare --ipc --mount --net --pid --fork --mount-proc: $err" \
				"(in a chroot, its / must be a mount point: mount --bind DIR DIR)"
		fi
		command -v jq >/dev/null || t_bail "jq is required"
		command -v iconv >/dev/null || t_bail "iconv is required"
		[ -x "$IPCSCAN" ] || t_bail "no ipcscan binary at $IPCSCAN"
		[ -x "$HELPERS/mkipc" ] || t_bail "no helper at $HELPERS/mkipc"
		IPCSCAN=$(readlink -f "$IPCSCAN")
		HELPERS=$(readlink -f "$HELPERS")
		export IPCSCAN HELPERS IPCSCAN_T_INNER=1
		# shellcheck disable=SC2093
		exec unshare --ipc --mount --net --pid --fork --mount-proc \
			bash "$0" "$@"
		t_bail "exec unshare failed"
	fi

	# Inner half: pid 1 of a new pid namespace; everything we start dies
	# with us. The binaries are staged under $T_WORK below: the fresh
	# tmpfs mounts may hide them, and the tests that run as another user
	# may not reach a checkout in a 0700 home directory.
	local fd_bin="" fd_help="" fd_top="" top d
	exec {fd_bin}<"$IPCSCAN" {fd_help}<"$HELPERS"
	# A checkout under /tmp (CI clones anywhere) would vanish too: keep
	# the whole tree at its path with a bind mount of the old directory.
	top=$(cd "$(dirname "$0")/../.." && pwd -P)
	if _ns_hidden "$top"; then exec {fd_top}<"$top"; fi

	mount --make-rprivate / || t_bail "mount --make-rprivate / failed"
	for d in /dev/shm /tmp /var/tmp; do
		[ -d "$d" ] || continue
		mount -t tmpfs -o mode=1777,size=64m tmpfs "$d" ||
			t_bail "cannot mount a tmpfs on $d"
	done
	mount -t tmpfs -o mode=0755,size=64m tmpfs /run ||
		t_bail "cannot mount a tmpfs on /run"
	if [ -n "$fd_top" ]; then
		mkdir -p "$top" &&
			mount --no-canonicalize --bind \
				"/proc/$$/fd/$fd_top" "$top" ||
			t_bail "cannot keep $top reachable"
		exec {fd_top}<&-
		cd "$top" || t_bail "cannot enter $top"
	fi
	# A host mqueue mount would show the host's queues: cover it with
	# the (empty) one of our IPC namespace. Without one, ipcscan mounts
	# its own, which is part of what is tested.
	if mountpoint -q /dev/mqueue 2>/dev/null; then
		mount -t mqueue mqueue /dev/mqueue ||
			t_bail "cannot mount mqueue on /dev/mqueue"
	fi
	if command -v ip >/dev/null; then
		ip link set lo up 2>/dev/null ||
			echo "# ip link set lo up failed"
	fi

	T_WORK=/run/ipcscan-test
	if ! mkdir -p "$T_WORK/bin" || ! chmod 0755 "$T_WORK" "$T_WORK/bin"
	then
		t_bail "cannot make $T_WORK"
	fi
	T_JSON=$T_WORK/list.json
	# Copies everybody may run, at paths everybody may reach.
	install -m 0755 "/proc/$$/fd/$fd_bin" "$T_WORK/bin/ipcscan" ||
		t_bail "cannot stage $IPCSCAN in $T_WORK/bin"
	IPCSCAN=$T_WORK/bin/ipcscan
	mkdir -p "$T_WORK/helpers" &&
		cp -r "/proc/$$/fd/$fd_help/." "$T_WORK/helpers/" &&
		chmod -R a+rX "$T_WORK/helpers" ||
		t_bail "cannot stage $HELPERS in $T_WORK/helpers"
	HELPERS=$T_WORK/helpers
	exec {fd_bin}<&- {fd_help}<&-
	MKIPC=$HELPERS/mkipc
	install -m 0755 "$MKIPC" "$T_WORK/bin/mkipc" || t_bail "stage mkipc"
	trap _t_exit EXIT
}

_t_exit() {
	local rc=$?
	stop_all
	if [ "$T_FINISHED" != 1 ]; then
		echo "not ok - $T_FILE stopped early (exit $rc) after" \
			"$T_PASSED passed, $T_FAILED failed"
		exit 1
	fi
}

# --------------------------------------------------------------- mkipc

# Facts of run NAME into F[]: "pid=" becomes F[NAME.pid].
_load_facts() {
	local name=$1 line
	while IFS= read -r line; do
		case $line in
		pid=*) F[$name.pid]=${line#pid=} ;;
		*.*=*) F[${line%%=*}]=${line#*=} ;;
		esac
	done <"$T_WORK/$name.out"
}

# hold_as USER NAME SPEC... : "mkipc hold" in the background (as USER
# unless it is "-"), wait for "ready", load its facts. Bails on failure.
hold_as() {
	local user=$1 name=$2 pid i state
	shift 2
	[ -z "${T_PIDS[$name]:-}" ] || t_bail "holder name $name reused"
	if [ "$user" = - ]; then
		"$MKIPC" hold "$@" >"$T_WORK/$name.out" 2>"$T_WORK/$name.err" &
	else
		setpriv --reuid="$user" --regid="$(id -g "$user")" \
			--clear-groups "$T_WORK/bin/mkipc" hold "$@" \
			>"$T_WORK/$name.out" 2>"$T_WORK/$name.err" &
	fi
	pid=$!
	T_PIDS[$name]=$pid
	for ((i = 0; i < 1000; i++)); do
		if grep -qx ready "$T_WORK/$name.out" 2>/dev/null; then
			_load_facts "$name"
			return 0
		fi
		state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)
		if [ -z "$state" ] || [ "$state" = Z ]; then
			wait "$pid" 2>/dev/null
			unset "T_PIDS[$name]"
			t_bail "holder $name (mkipc hold $*) died" \
				"$(cat "$T_WORK/$name.err")"
		fi
		sleep 0.01
	done
	t_bail "holder $name not ready after 10s" "$(cat "$T_WORK/$name.err")"
}

hold() {
	hold_as - "$@"
}

# leak NAME SPEC... : "mkipc leak", which exits leaving the objects.
leak() {
	local name=$1
	shift
	if ! "$MKIPC" leak "$@" >"$T_WORK/$name.out" 2>"$T_WORK/$name.err"
	then
		t_bail "mkipc leak $* failed" "$(cat "$T_WORK/$name.err")"
	fi
	_load_facts "$name"
}

# stop NAME: SIGTERM the holder and reap it (reaped, so its pid is gone).
stop() {
	local pid=${T_PIDS[$1]:-}
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	unset "T_PIDS[$1]"
}

stop_all() {
	local n pid
	for n in "${!T_PIDS[@]}"; do
		kill -TERM "${T_PIDS[$n]}" 2>/dev/null
	done
	for n in "${!T_PIDS[@]}"; do
		pid=${T_PIDS[$n]}
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			[ -d "/proc/$pid" ] || break
			[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" \
				!= Z ] || break
			sleep 0.05
		done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		unset "T_PIDS[$n]"
	done
}

# ------------------------------------------------------------- ipcscan

# ipcscan ARGS... : the binary under test, never hanging the suite.
# ns_enter's namespaces share their IPC namespace, /dev/shm, /dev/mqueue
# and socket dirs with no process outside their pid namespace, which is
# what --trust-pidns states: list, gc and stats get it (t_partial_view
# runs without it, to check the cautious result).
ipcscan() {
	case ${1:-} in
	list|gc|stats) timeout 60 "$IPCSCAN" "$1" --trust-pidns "${@:2}" ;;
	*) timeout 60 "$IPCSCAN" "$@" ;;
	esac
}

# list_json [ARGS...] : "ipcscan list --json ARGS" into $T_JSON; one TAP
# line: exit 0, nothing on stderr that is fatal, valid UTF-8, valid JSON
# of schema 1. Returns 1 (and leaves an empty document) on failure.
list_json() {
	local rc desc="list --json${*:+ $*}: exit 0, valid UTF-8 JSON, schema 1"
	ipcscan list --json "$@" >"$T_JSON" 2>"$T_WORK/list.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		t_fail "$desc" "exit status $rc" \
			"$(head -c 2000 "$T_WORK/list.err")"
	elif ! iconv -f UTF-8 -t UTF-8 "$T_JSON" >/dev/null 2>&1; then
		t_fail "$desc" "output is not valid UTF-8"
	elif [ "$(jq '.schema == 1 and (.objects | type) == "array"' \
			"$T_JSON" 2>"$T_WORK/jq.err")" != true ]; then
		t_fail "$desc" "not a schema 1 document:" \
			"$(head -c 600 "$T_JSON")" "$(cat "$T_WORK/jq.err")"
	else
		t_pass "$desc"
		hp_list "$T_JSON" "$@"
		return 0
	fi
	echo '{"schema":1,"objects":[]}' >"$T_JSON"
	return 1
}

# jqo [jq options] FILTER : run FILTER over the last list output.
jqo() {
	jq "$@" "$T_JSON"
}

# t_jq DESC FILTER [jq args...] : passes if FILTER over the last list
# output is true.
t_jq() {
	local desc=$1 filter=$2 got
	shift 2
	got=$(jq -c "$@" "$filter" "$T_JSON" 2>&1)
	if [ "$got" = true ]; then
		t_pass "$desc"
	else
		t_fail "$desc" "jq: $filter" "got: ${got:0:2000}"
	fi
}

# obj_find DESC COND [jq args...] : exactly one object satisfies COND (a
# jq boolean over an object); it is left in OBJ for the o_* checks.
obj_find() {
	local desc=$1 cond=$2 m n
	shift 2
	m=$(jq -c "$@" "[.objects[] | select($cond)]" "$T_JSON" 2>&1)
	n=$(jq 'length' <<<"$m" 2>/dev/null)
	if [ "$n" = 1 ]; then
		OBJ=$(jq -c '.[0]' <<<"$m")
		t_pass "$desc"
		return 0
	fi
	OBJ=null
	t_fail "$desc" "objects matching ($cond): ${n:-?}" "${m:0:2000}"
	return 1
}

# obj_none DESC COND [jq args...] : no object satisfies COND.
obj_none() {
	local desc=$1 cond=$2 m
	shift 2
	m=$(jq -c "$@" "[.objects[] | select($cond)]" "$T_JSON" 2>&1)
	if [ "$m" = "[]" ]; then
		t_pass "$desc"
	else
		t_fail "$desc" "unexpected: ${m:0:2000}"
	fi
}

find_id() {
	obj_find "$1 id $2 is listed once" '.kind == $k and .id == $id' \
		--arg k "$1" --argjson id "$2"
}

find_name() {
	obj_find "$1 '$2' is listed once" '.kind == $k and .name == $n' \
		--arg k "$1" --arg n "$2"
}

find_path() {
	obj_find "$1 $2 is listed once" '.kind == $k and .path == $p' \
		--arg k "$1" --arg p "$2"
}

find_inode() {
	obj_find "unix socket inode $1 is listed once" \
		'.kind == "unix" and .inode == $i' --argjson i "$1"
}

# o_is JQEXPR EXPECTED DESC : jq -r JQEXPR over OBJ equals EXPECTED.
o_is() {
	local got
	got=$(jq -r "$1" <<<"$OBJ" 2>&1)
	if [ "$got" == "$2" ]; then
		t_pass "$3"
	else
		t_fail "$3" "$1: got '$got', expected '$2'" \
			"object: ${OBJ:0:2000}"
	fi
}

# o_ok JQBOOL DESC [jq args...] : JQBOOL over OBJ is true.
o_ok() {
	local expr=$1 desc=$2 got
	shift 2
	got=$(jq -c "$@" "$expr" <<<"$OBJ" 2>&1)
	if [ "$got" = true ]; then
		t_pass "$desc"
	else
		t_fail "$desc" "$expr: $got" "object: ${OBJ:0:2000}"
	fi
}

# o_holders "PID:VIA ..." DESC : the holder set of OBJ is exactly this.
o_holders() {
	local want got
	want=$(tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -u | tr '\n' ' ')
	got=$(jq -r '.holders[]? | "\(.pid):\(.via)"' <<<"$OBJ" 2>/dev/null |
		sort -u | tr '\n' ' ')
	if [ "$got" == "$want" ]; then
		t_pass "$2"
	else
		t_fail "$2" "holders got:      '$got'" \
			"holders expected: '$want'" "object: ${OBJ:0:2000}"
	fi
}

# o_state STATE WHAT : state is STATE and the reason is one non-empty line.
o_state() {
	o_is .state "$1" "$2 is $1"
	o_ok '(.reason | type) == "string" and (.reason | length) > 0 and
		(.reason | test("\n") | not)' "$2 has a one-line reason"
}

# The checks every object gets, whatever its kind (SPEC "JSON").
t_schema_all() {
	t_jq "every object has kind state reason owner mode size age holders" \
		'all(.objects[]; has("kind") and has("state") and
		 has("reason") and has("owner") and has("mode") and
		 has("size") and has("age") and has("holders") and has("id")
		 and has("key") and has("name") and has("path") and
		 has("inode"))'
	t_jq "every state is in-use, orphan or unknown" \
		'all(.objects[]; .state == "in-use" or .state == "orphan" or
		 .state == "unknown")'
	t_jq "every holder has pid comm uid via, via from the SPEC list" \
		'all(.objects[].holders[]; (.pid | type) == "number" and
		 has("comm") and has("uid") and
		 (.via | IN("attach", "fd", "map", "notify", "wait")))'
	t_jq "ids, sizes and ages are JSON numbers (or null)" \
		'all(.objects[]; (.size == null or (.size | type) == "number")
		 and (.age == null or (.age | type) == "number") and
		 (.id == null or (.id | type) == "number"))'
}

# ------------------------------------------------------------------- gc

# jq definition of an object's or a gc action's identity, one JSON string:
# "KIND id=ID key=KEY" for SysV, "KIND PATH" otherwise.
GC_IDENT='def ident: if .id != null then "\(.kind) id=\(.id) key=\(.key)"
	else "\(.kind) \(.path)" end;'

# The invariants of every gc document: counts agree with the actions,
# bytes_freed is the size of what went (or would go in a dry run),
# exactly the skipped and failed actions carry an error, and complete and
# warnings are there as in list's.
GC_CONSISTENT='
(.complete | type) == "boolean" and (.warnings | type) == "array" and
all(.warnings[]; type == "string") and
def n(a): [.actions[] | select(.action == a)] | length;
def sz: [.actions[] | select(.action == "removed" or
	.action == "would-remove") | .size // 0] | add // 0;
(.removed == n("removed")) and (.would_remove == n("would-remove")) and
(.skipped == n("skipped")) and (.failed == n("failed")) and
(n("removed") + n("would-remove") + n("skipped") + n("failed") ==
 (.actions | length)) and
(.bytes_freed == sz) and
(if .dry_run then .removed == 0 else .would_remove == 0 end) and
all(.actions[]; (.action == "skipped" or .action == "failed") ==
	has("error"))'

# gc_json [ARGS...] : "ipcscan gc --json ARGS" into $T_GC (stderr in
# $T_GC.err, status in GC_RC). Two TAP lines: exit 0 with a valid UTF-8
# schema-1 document, and GC_CONSISTENT. Returns 1 (and leaves an empty
# document) on failure.
gc_json() {
	local desc="gc --json${*:+ $*}" why="" a dry=0
	T_GC=$T_WORK/gc.json
	for a in "$@"; do
		case $a in -n|--dry-run) dry=1 ;; esac
	done
	# a gc that removes is compared with both passes before, dry
	[ $dry = 1 ] || hp_gc "" "$@"
	ipcscan gc --json "$@" >"$T_GC" 2>"$T_GC.err"
	GC_RC=$?
	if [ "$GC_RC" -ne 0 ]; then
		why="exit status $GC_RC"
	elif ! iconv -f UTF-8 -t UTF-8 "$T_GC" >/dev/null 2>&1; then
		why="output is not valid UTF-8"
	elif [ "$(jq '.schema == 1 and (.actions | type) == "array"' \
			"$T_GC" 2>&1)" != true ]; then
		why="not a schema 1 gc document"
	fi
	if [ -n "$why" ]; then
		t_fail "$desc: exit 0, valid UTF-8 JSON, schema 1" "$why" \
			"$(head -c 2000 "$T_GC.err")" "$(head -c 2000 "$T_GC")"
		echo '{"schema":1,"actions":[]}' >"$T_GC"
		return 1
	fi
	t_pass "$desc: exit 0, valid UTF-8 JSON, schema 1"
	desc="$desc: counts and bytes_freed agree with actions; complete and"
	desc="$desc warnings are there"
	if [ "$(jq "$GC_CONSISTENT" "$T_GC" 2>&1)" = true ]; then
		t_pass "$desc"
	else
		t_fail "$desc" \
			"$(jq -c '{removed, would_remove, skipped, failed,
			bytes_freed, complete, warnings, actions: [.actions[] |
			{kind, action, size, error}]}' "$T_GC" 2>&1 |
			head -c 2000)"
	fi
	[ $dry = 0 ] || hp_gc "$T_GC" "$@"
	return 0
}

# t_gjq DESC FILTER [jq args...] : FILTER over the last gc output is true.
t_gjq() {
	local desc=$1 filter=$2 got
	shift 2
	got=$(jq -c "$@" "$GC_IDENT $filter" "$T_GC" 2>&1)
	if [ "$got" = true ]; then
		t_pass "$desc"
	else
		t_fail "$desc" "jq: $filter" "got: ${got:0:2000}" \
			"gc: $(jq -c '.actions' "$T_GC" 2>&1 | head -c 2000)"
	fi
}

# gc_idents [ACTION] : the sorted identities (one JSON array) of the last
# gc output's actions, of ACTION only if given.
gc_idents() {
	jq -c --arg a "${1:-}" "$GC_IDENT"'[.actions[] |
		select($a == "" or .action == $a) | ident] | sort' "$T_GC"
}

# gc_hooked DESC SCRIPT [gc args...] : "gc --json --min-age 0 ARGS" with
# the shell SCRIPT run (set -e, by a test build's IPCSCAN_TEST_BEFORE_REAP)
# between the scan and the removals; MKIPC and T_WORK are in its
# environment. One TAP line: the hook ran to its end. The output is in
# $T_GC (an empty document if it is not JSON), the status in GC_RC.
gc_hooked() {
	local desc=$1 hook=$T_WORK/hook.sh
	shift
	printf '%s\n' 'set -e' "$1" ': >"$T_WORK/hook.ran"' >"$hook"
	shift
	rm -f "$T_WORK/hook.ran"
	T_GC=$T_WORK/gc.json
	export MKIPC T_WORK
	IPCSCAN_TEST_BEFORE_REAP="sh $hook >$T_WORK/hook.out 2>&1" \
		ipcscan gc --json --min-age 0 "$@" >"$T_GC" 2>"$T_GC.err"
	GC_RC=$?
	if [ -e "$T_WORK/hook.ran" ]; then
		t_pass "$desc: the hook ran between scan and removal"
	else
		t_fail "$desc: the hook ran between scan and removal" \
			"(needs a build with TEST_HOOKS=1)" \
			"$(cat "$T_WORK/hook.out")" "$(cat "$T_GC.err")"
	fi
	jq -e . "$T_GC" >/dev/null 2>&1 ||
		echo '{"schema":1,"actions":[]}' >"$T_GC"
}

# gc_act_of IDENT : "ACTION: ERROR" of the actions with that identity (see
# GC_IDENT) in the last gc output, joined by " | "; empty if none.
gc_act_of() {
	jq -r --arg i "$1" "$GC_IDENT"'[.actions[] | select(ident == $i) |
		"\(.action): \(.error // "")"] | join(" | ")' "$T_GC"
}

# t_usage DESC WANT ARGS... : "ipcscan ARGS" is a usage error: exit 2,
# one line on stderr containing WANT (the bad value), nothing on stdout.
t_usage() {
	local desc=$1 want=$2 rc
	shift 2
	ipcscan "$@" >"$T_WORK/out" 2>"$T_WORK/err"
	rc=$?
	t_is "$rc" 2 "$desc: exit 2"
	t_is "$(wc -l <"$T_WORK/err")" 1 "$desc: one line on stderr"
	if grep -qF -- "$want" "$T_WORK/err"; then
		t_pass "$desc: the message names '$want'"
	else
		t_fail "$desc: the message names '$want'" \
			"stderr: $(head -c 500 "$T_WORK/err")"
	fi
	t_is "$(head -c 300 "$T_WORK/out")" "" "$desc: nothing on stdout"
}

# wait_line FILE LINE : until FILE has LINE (5 s), else bail out.
wait_line() {
	local i
	for ((i = 0; i < 500; i++)); do
		grep -qx "$2" "$1" 2>/dev/null && return 0
		sleep 0.01
	done
	t_bail "no '$2' in $1" "$(cat "$1" 2>&1)"
}

# hold_ns_fd NAME NSFILE : a shell (T_PIDS[NAME]) that keeps the namespace
# NSFILE open as its fd 3 and nothing else, ready when this returns:
# /proc/${T_PIDS[NAME]}/fd/3 is then that namespace.
hold_ns_fd() {
	local name=$1 ino i
	ino=$(stat -Lc %i "$2") || t_bail "$name: no namespace at $2"
	bash -c 'exec 3<"$1" || exit 1; exec sleep 1000' sh "$2" &
	T_PIDS[$name]=$!
	for ((i = 0; i < 200; i++)); do
		[ "$(stat -Lc %i "/proc/$!/fd/3" 2>/dev/null)" = "$ino" ] &&
			return 0
		sleep 0.01
	done
	t_bail "$name: the shell does not hold $2"
}

# start_mover NAME NSFILE [MQDIR] : a process (T_PIDS[NAME]) of a new IPC
# namespace that mounts that namespace's mqueue on MQDIR (if given),
# makes and attaches a segment there (key 0), then moves to the IPC
# namespace NSFILE: the attachment pins the old namespace, which /proc
# then names nowhere. Ready when this returns. Needs python3.
start_mover() {
	local name=$1
	cat >"$T_WORK/mover.py" <<'PY'
import ctypes, os, signal, subprocess, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
if len(sys.argv) > 2:
    subprocess.run(["mount", "-t", "mqueue", "none", sys.argv[2]], check=True)
sid = libc.shmget(0, 4096, 0o1600)
if sid < 0 or libc.shmat(sid, None, 0) in (None, ctypes.c_void_p(-1).value):
    sys.exit("shm: %s" % os.strerror(ctypes.get_errno()))
fd = os.open(sys.argv[1], os.O_RDONLY)
if libc.setns(fd, 0x08000000):
    sys.exit("setns: %s" % os.strerror(ctypes.get_errno()))
print("ready", flush=True)
signal.pause()
PY
	unshare --ipc python3 "$T_WORK/mover.py" "${@:2}" \
		>"$T_WORK/$name.out" 2>&1 &
	T_PIDS[$name]=$!
	wait_line "$T_WORK/$name.out" ready
}

# need_nobody: the user nobody with a runtime directory of its own
# (RUNDIR) and as_nobody CMD... to run CMD as nobody; skips the file
# where setpriv or the user is missing.
need_nobody() {
	command -v setpriv >/dev/null || t_skip_all "needs setpriv(1)"
	id nobody >/dev/null 2>&1 || t_skip_all "needs a user 'nobody'"
	NGID=$(id -g nobody)
	RUNDIR=/run/user/65534
	if ! { mkdir -p "$RUNDIR" && chown nobody:"$NGID" "$RUNDIR" &&
		chmod 0700 "$RUNDIR"; }; then
		t_bail "cannot make $RUNDIR"
	fi
}

as_nobody() {
	: >"$T_WORK/hp.nobody"
	setpriv --reuid=nobody --regid="$NGID" --clear-groups \
		env XDG_RUNTIME_DIR="$RUNDIR" "$@"
}

# need_hooks: skip the whole file unless $IPCSCAN is a test build
# (TEST_HOOKS=1: the hidden --root option and the gc hook exist).
need_hooks() {
	"$IPCSCAN" --root / --version >/dev/null 2>&1 ||
		t_skip_all "needs a build with TEST_HOOKS=1 (make check builds one)"
}

# ------------------------------------------------ the holder differential
# Two implementations of one holder pass (issue 14): /proc and the BPF
# task iterators. list_json and gc_json run every workload's scan again
# with --holders=proc and --holders=bpf, one right after the other, and
# compare what a user sees: per object (kind, identity, namespace) its
# holders (pid, comm, uid, via), state, reason and containers, and the
# document's complete and warnings; for gc, the actions (would-remove,
# skipped, ...) of a dry run. One TAP line per comparison. A difference
# is tried again (a workload with churn: processes and objects come and
# go between the two runs) and fails only if every try differs.
#
# Where BPF is not there (not root, no kernel BTF) only the /proc pass
# runs, and the file says so with a SKIP line; as root with BTF present
# a BPF pass that does not load is a failure. Where it does not apply to
# the run (a fixture root, pids of another namespace, a FIFO on overlayfs
# or btrfs, blocked calls it does not watch: ipcscan itself falls back to
# /proc there) the file says so in a diagnostic line.

HP_TRIES=4
T_HP_RUNS=0		# comparisons made
T_HP_NA=0 T_HP_NA_WHY=""	# runs where BPF does not apply, why (first)
T_HP_SKIP=""		# why BPF is not available here (first)
T_HP_BROKEN=""		# why BPF did not load although it must

# Durations in reasons and errors ("unused for 3s") tick between runs.
HP_NORM='def norm: if type == "string" then
	gsub("\\b[0-9]+[smhd]\\b"; "<t>") else . end;
def warns: [.warnings[] | norm |
	select(test("BPF holder pass was not used") | not)] | sort;'
# A list document as records {o: identity, ...}. An object for which the
# file's HP_CHURN (a jq boolean over an object) is true has holders that
# come and go all the time (t_bpf_holders' churn): only its state counts.
HP_CHURN=false
HP_LIST_CANON="$HP_NORM"'
def canon: [{o: ["document"], complete, warnings: warns},
	(.objects[] | {o: [.kind, .id, .key, .name, .path, .inode,
	.namespace.id]} + if churn then {state} else
	{holders: (.holders | sort), state, reason: (.reason | norm),
	containers} end)];
def count: "\(.objects | length) objects, \([.objects[] | .holders[]] |
	length) holders";'
# A gc document likewise: the actions and what was held back.
HP_GC_CANON="$HP_NORM $GC_IDENT"'
def canon: [{o: ["document"], complete, held_by_age, held_by_exclude,
	warnings: warns}, (.actions[] | {o: [ident, .namespace.id], action,
	reason: (.reason | norm), error: (.error | norm)})];
def count: "\(.actions | length) actions";'
# The comparison of the /proc ($p) and the BPF ($b) pass's documents
# (slurped), with CANON's definitions before it. The first line is
# "bad\tPASS" (that run made no JSON document), "why\tWHY" (the BPF pass
# did not run: holder_pass_why) or "cmp\tCOUNT\tDIFFERENT\tKNOWN", then
# for each identity whose records differ: it and both records, first the
# differences that are not known, then the known ones.
# Known: a process that attached a SysV segment in one IPC namespace and
# moved to another maps "/SYSV" and an id that its new namespace may use
# for another segment. BPF reads the attachment's namespace from the
# mapping; /proc cannot, and where nattch contradicts the mapping it
# calls the segment unknown (t_host_ipc's mover): the one allowed case,
# where the /proc pass has every holder BPF has and more attachers.
HP_KNOWN=", known difference: /proc cannot place the attachment of a"
HP_KNOWN+=" process that moved to another IPC namespace"
HP_CMP='def idx: map({key: (.o | tojson), value: del(.o)}) | from_entries;
def known($k; $p; $b): ($k | fromjson | .[0] == "shm") and $p != null and
	$b != null and $p.state == "unknown" and
	($p.reason | test("attached in another IPC namespace\\?$")) and
	($b.holders - $p.holders) == [] and
	all($p.holders - $b.holders | .[]; .via == "attach");
def show($k; $P; $B): "\($k)\n  proc: \($P[$k] // "(not listed)" |
	tojson)\n  bpf:  \($B[$k] // "(not listed)" | tojson)";
$p[0] as $pd | $b[0] as $bd |
if ($pd.schema // 0) != 1 then "bad\tproc"
elif ($bd.schema // 0) != 1 then "bad\tbpf"
elif $bd.holder_pass != "bpf" then
	"why\t\($bd.holder_pass_why // "no reason given")"
else ($pd | canon | idx) as $P | ($bd | canon | idx) as $B |
	[([$P, $B | keys[]] | unique)[] as $k | select($P[$k] != $B[$k]) |
	 {k: $k, known: known($k; $P[$k]; $B[$k])}] as $d |
	([$d[] | select(.known | not)]) as $u |
	([$d[] | select(.known)]) as $n |
	"cmp\t\($bd | count)\t\($u | length)\t\($n | length)",
	($u[], $n[] | show(.k; $P; $B))
end'

# hp_wanted ARGS... : the run does not choose a pass itself.
hp_wanted() {
	local a
	for a in "$@"; do
		case $a in --holders|--holders=*) return 1 ;; esac
	done
	[ -z "$T_HP_BROKEN" ] && [ -z "$T_HP_SKIP" ]
}

# hp_run PASS OUT CMD ARGS... : "ipcscan CMD --json ARGS --holders=PASS"
# into OUT (stderr in OUT.err).
hp_run() {
	local pass=$1 out=$2 cmd=$3
	shift 3
	ipcscan "$cmd" --json "$@" --holders="$pass" >"$out" 2>"$out.err"
}

# hp_why_class WHY : why the BPF pass did not run, as "na" (it does not
# apply to this run: ipcscan itself falls back to /proc there), "skip"
# (not available here) or "fail" (it should have loaded).
hp_why_class() {
	case $1 in
	"not a live system"*|"/proc numbers pids in another pid namespace"*|\
	*", where stat and the kernel give different device numbers"|\
	"the BPF program does not watch the blocked calls"*)
		echo na ;;
	*)
		if hp_bpf_here; then echo fail; else echo skip; fi ;;
	esac
}

# hp_bpf_here: the BPF pass must load here (root, kernel BTF).
hp_bpf_here() {
	[ "$(id -u)" = 0 ] && [ -r /sys/kernel/btf/vmlinux ]
}

# hp_compare WHAT CANON FIRST CMD ARGS... : the differential of one run.
# FIRST is the /proc pass's document for the first try, or "" to run it.
hp_compare() {
	local what=$1 canon=$2 first=$3 cmd=$4
	shift 4
	local p=$T_WORK/hp.proc.json b=$T_WORK/hp.bpf.json try out res
	local rcp rcb
	local desc="holders: the /proc and BPF passes agree ($what)"
	for ((try = 1; try <= HP_TRIES; try++)); do
		# the caller's own run is the first /proc document; its exit
		# status is the caller's to check
		rcp=""
		if [ "$try" = 1 ] && [ -n "$first" ]; then
			cp "$first" "$p"
		else
			hp_run proc "$p" "$cmd" "$@"
			rcp=$?
		fi
		hp_run bpf "$b" "$cmd" "$@"
		rcb=$?
		out=$(jq -nr --slurpfile p "$p" --slurpfile b "$b" \
			"def churn: $HP_CHURN; $canon $HP_CMP" 2>&1)
		IFS=$'\t' read -r -a res <<<"${out%%$'\n'*}"
		# the same evidence must give the same exit status
		if [ "${res[0]}" = cmp ] && [ "${res[2]}" = 0 ] &&
		   [ -n "$rcp" ] && [ "$rcp" != "$rcb" ]; then
			res[2]=1
			out="cmp"$'\n'"exit status: /proc pass $rcp, BPF pass $rcb"
		fi
		case ${res[0]} in
		bad)
			t_fail "$desc" "$cmd --holders=${res[1]}: no JSON document" \
				"$(head -c 1000 "$T_WORK/hp.${res[1]}.json.err")"
			return ;;
		why)
			case $(hp_why_class "${res[1]}") in
			na)
				T_HP_NA=$((T_HP_NA + 1))
				: "${T_HP_NA_WHY:=${res[1]}}" ;;
			skip)
				T_HP_SKIP=${res[1]} ;;
			*)
				T_HP_BROKEN=${res[1]}
				t_fail "$desc: the BPF pass must load here (root, kernel BTF)" \
					"holder_pass_why: ${res[1]}" \
					"$(head -c 1000 "$b.err")" ;;
			esac
			return ;;
		cmp) ;;
		*)
			t_fail "$desc" "jq: ${out:0:2000}"
			return ;;
		esac
		if [ "${res[2]}" = 0 ]; then
			T_HP_RUNS=$((T_HP_RUNS + 1))
			t_pass "$desc: ${res[1]}$([ "$try" = 1 ] ||
				echo ", try $try")$([ "${res[3]}" = 0 ] ||
				echo "$HP_KNOWN")"
			[ "${res[3]}" = 0 ] || t_diag "${out#*$'\n'}"
			return
		fi
		sleep 0.$((try * 2))
	done
	t_fail "$desc" "they differ in all $HP_TRIES tries; the last:" \
		"${out#*$'\n'}"
}

# hp_list DOC ARGS... : list_json's differential; DOC is its output.
hp_list() {
	local doc=$1 first=""
	shift
	hp_wanted "$@" || return 0
	# auto chose /proc: the run just made is the /proc pass's first try
	grep -qF '"holder_pass":"proc"' "$doc" && first=$doc
	hp_compare "list${*:+ $*}" "$HP_LIST_CANON" "$first" list "$@"
}

# holders_agree [ARGS...] : the differential of "list ARGS" alone, for a
# workload that is not listed through list_json.
holders_agree() {
	hp_wanted "$@" || return 0
	hp_compare "list${*:+ $*}" "$HP_LIST_CANON" "" list "$@"
}

# hp_gc DOC ARGS... : gc_json's differential, as dry runs. DOC is the
# output of gc ARGS, the first try's /proc document if ARGS are a dry run
# where auto chose /proc; a gc that removes is compared (before it runs)
# as a dry run. Not where a hook runs between scan and removal.
hp_gc() {
	local doc=$1 first="" a dry=0
	shift
	hp_wanted "$@" || return 0
	[ -z "${IPCSCAN_TEST_BEFORE_REAP:-}" ] || return 0
	for a in "$@"; do
		case $a in -n|--dry-run) dry=1 ;; esac
	done
	if [ $dry = 1 ]; then
		[ -n "$doc" ] && grep -qF '"holder_pass":"proc"' "$doc" &&
			first=$doc
		hp_compare "gc${*:+ $*}" "$HP_GC_CANON" "$first" gc "$@"
	else
		hp_compare "gc --dry-run${*:+ $*}" "$HP_GC_CANON" "" gc \
			--dry-run "$@"
	fi
}

# Which passes this file's runs exercised, at its end.
hp_summary() {
	if [ -n "$T_HP_BROKEN" ]; then
		echo "# holder passes: the BPF pass did not load: $T_HP_BROKEN"
	elif [ -n "$T_HP_SKIP" ]; then
		t_skip "holders: the /proc and BPF passes agree" \
			"BPF not available: $T_HP_SKIP; only the /proc pass ran"
	elif [ "$T_HP_RUNS" -gt 0 ]; then
		echo "# holder passes compared: proc and bpf ($T_HP_RUNS runs)"
	elif [ "$T_HP_NA" = 0 ]; then
		echo "# holder passes: no list or gc run here was compared"
	fi
	[ "$T_HP_NA" = 0 ] ||
		echo "# holder passes: BPF does not apply to $T_HP_NA runs" \
			"($T_HP_NA_WHY): only the /proc pass ran there"
	[ ! -e "$T_WORK/hp.nobody" ] ||
		echo "# runs as nobody exercised the /proc pass only (BPF" \
			"needs root)"
}
