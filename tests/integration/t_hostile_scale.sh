#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_hostile_scale.sh - 10,000 objects of every kind: list, gc -n, stats.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

sysctl -q -w kernel.shmmni=8192 >/dev/null 2>&1 ||
	t_bail "sysctl -w kernel.shmmni=8192 failed"

# Orphans, made by a process that then exits: 4,000 pshm files, 2,000
# SysV segments (creator gone, never attached), 1,000 FIFOs and 1,000
# stale socket files.
mkdir -p /tmp/scale /run/scale/a/b
if ! python3 - >"$T_WORK/make.err" 2>&1 <<'EOF'
import ctypes, os, socket
libc = ctypes.CDLL(None, use_errno=True)
for i in range(4000):
    fd = os.open("/dev/shm/scale_%04d" % i, os.O_CREAT | os.O_RDWR, 0o600)
    os.ftruncate(fd, 1024)
    os.close(fd)
for i in range(2000):
    if libc.shmget(0x71000000 + i, 4096, 0o1000 | 0o600) < 0:
        raise OSError(ctypes.get_errno(), "shmget %d" % i)
for i in range(1000):
    os.mkfifo("/tmp/scale/fifo_%04d" % i, 0o600)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    d = "/run/scale/a/b" if i % 2 else "/run/scale"
    s.bind("%s/s_%04d.sock" % (d, i))
    s.listen(1)
    s.close()
EOF
then
	t_bail "cannot make the orphans" "$(cat "$T_WORK/make.err")"
fi

# 2,000 objects held by four processes: 250 pshm, 125 attached SysV
# segments and 125 listening sockets each.
for h in 0 1 2 3; do
	specs=()
	for ((i = 0; i < 250; i++)); do
		specs+=("pshm,as=p${h}_$i,size=2048:held_${h}_$i")
	done
	for ((i = 0; i < 125; i++)); do
		specs+=("shm,as=s${h}_$i:$((0x72000000 + h * 1000 + i))")
		specs+=("unix,as=u${h}_$i:/tmp/scale/l_${h}_$i.sock")
	done
	hold "h$h" "${specs[@]}"
done

# timed WHAT CMD...: run CMD, print its wall time as a TAP comment on
# fd 3 (the TAP stream, whatever CMD's stdout is redirected to).
exec 3>&1
timed() {
	local what=$1 t0 rc
	shift
	t0=${EPOCHREALTIME/[.,]/}
	"$@"
	rc=$?
	echo "# $what: $(( (${EPOCHREALTIME/[.,]/} - t0) / 1000 )) ms wall" >&3
	return $rc
}

timed "list --json, 10,000 objects" ipcscan list --json >/dev/null 2>&1
list_json
t_jq "complete is true" '.complete == true'
t_is "$(jqo '.objects | length')" 10000 "10,000 objects listed"
t_is "$(jqo -c '[.objects[] | "\(.kind) \(.state)"] | group_by(.) |
	map("\(.[0]) \(length)") | join(", ")')" \
	"\"fifo unknown 1000, pshm in-use 1000, pshm orphan 4000,\
 shm in-use 500, shm orphan 2000, sockfile orphan 1000, unix in-use 500\"" \
	"counts per kind and state are exact"
t_is "$(jqo '[.objects[] | select(.kind == "unix") | .holders | length] |
	unique')" "$(jq -n '[1]')" "every listener has its one holder"
t_is "$(jqo '[.objects[] | select(.kind == "pshm" and .state == "in-use")
	| .holders[0].pid] | unique | length')" 4 \
	"held pshm: four distinct holder pids"
t_is "$(jqo '[.objects[] | select(.kind == "sockfile") | .path] |
	map(select(startswith("/run/scale/a/b/"))) | length')" 500 \
	"500 stale sockets found two levels down"
t_schema_all

# -t all: the default table leaves out the live unix sockets.
timed "list -t all -r --noheadings, 10,000 objects" ipcscan list -t all -r \
	--noheadings >"$T_WORK/table.raw" 2>"$T_WORK/table.err"
rc=$?
t_is "$rc" 0 "list -t all -r --noheadings: exit 0"
t_is "$(wc -l <"$T_WORK/table.raw")" 10000 \
	"list -t all -r --noheadings: 10,000 rows"

timed "gc --dry-run, 7,000 orphans" ipcscan gc --dry-run --min-age 0 \
	--json >"$T_WORK/gc.json" \
	2>"$T_WORK/gc.err"
rc=$?
t_is "$rc" 0 "gc --dry-run --min-age 0: exit 0"
t_is "$(jq -c '[.would_remove, .removed, .failed, (.actions | length)]' \
	"$T_WORK/gc.json" 2>&1)" "[7000,0,0,7000]" \
	"gc --dry-run: 7,000 would be removed, nothing else"

timed "stats --json, 10,000 objects" ipcscan stats --json \
	>"$T_WORK/stats.json" 2>"$T_WORK/stats.err"
rc=$?
t_is "$rc" 0 "stats --json: exit 0"
t_is "$(jq -c '[.kinds.pshm.count, .kinds.pshm.orphan, .kinds.shm.count,
	.kinds.sockfile.orphan, .kinds.fifo.unknown, .limits.shmmni.used,
	.limits.shmmni.limit]' "$T_WORK/stats.json" 2>&1)" \
	"[5000,4000,2500,1000,1000,2500,8192]" \
	"stats: counts and shmmni use agree with the list"

timed "gc, 7,000 orphans" ipcscan gc --min-age 0 --json \
	>"$T_WORK/gc2.json" 2>"$T_WORK/gc2.err"
rc=$?
t_is "$rc" 0 "gc --min-age 0: exit 0"
t_is "$(jq -c '[.removed, .failed, .skipped]' "$T_WORK/gc2.json" 2>&1)" \
	"[7000,0,0]" "gc: 7,000 removed, none failed or skipped"
list_json
t_is "$(jqo -c '[.objects[] | "\(.kind) \(.state)"] | group_by(.) |
	map("\(.[0]) \(length)") | join(", ")')" \
	"\"fifo unknown 1000, pshm in-use 1000, shm in-use 500,\
 unix in-use 500\"" \
	"after gc: only the held objects and the FIFOs are left"

t_done
