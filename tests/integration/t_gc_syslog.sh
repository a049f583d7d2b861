#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_gc_syslog.sh - gc: every removal (and every failed one) is logged to
# syslog with ident "ipcscan", facility daemon, naming kind and identity
# (and the namespace and containers of an object not of ours).
# /dev/log is intercepted by a listener of our own on a private /dev.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"
need_hooks

command -v python3 >/dev/null || t_skip_all "needs python3 for the listener"
python3 -c 'import socket' 2>/dev/null || t_skip_all "python3 does not run"

# A private /dev: a tmpfs with the few nodes and mounts a process expects,
# moved over /dev in this mount namespace only, so /dev/log is ours.
ND=/run/newdev
mkdir -p "$ND" || t_bail "cannot make $ND"
mount -t tmpfs -o mode=0755 tmpfs "$ND" ||
	t_bail "cannot mount a tmpfs for a private /dev"
for n in null zero full random urandom tty; do
	[ -e "/dev/$n" ] || continue
	touch "$ND/$n" || t_bail "cannot make $ND/$n"
	mount --bind "/dev/$n" "$ND/$n" || t_bail "cannot bind /dev/$n"
done
mkdir -p "$ND/shm" "$ND/mqueue" "$ND/pts"
mount --move /dev/shm "$ND/shm" || t_bail "cannot move /dev/shm"
ln -s /proc/self/fd "$ND/fd"
for i in 0:stdin 1:stdout 2:stderr; do
	ln -s "/proc/self/fd/${i%%:*}" "$ND/${i#*:}"
done
mount --move "$ND" /dev || t_bail "cannot move the private /dev over /dev"

# The listener: one JSON line per datagram, bytes as latin-1 code points.
LOG=$T_WORK/syslog.jsonl
python3 -c '
import json, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
os.chmod("/dev/log", 0o666)
out = open(sys.argv[1], "a")
open(sys.argv[2], "w").close()
while True:
	d = s.recv(65536)
	out.write(json.dumps({"msg": d.decode("latin-1")}) + "\n")
	out.flush()
' "$LOG" "$T_WORK/listening" >"$T_WORK/listener.err" 2>&1 &
T_PIDS[listener]=$!
for ((i = 0; i < 500; i++)); do
	[ -e "$T_WORK/listening" ] && break
	sleep 0.01
done
[ -S /dev/log ] || t_bail "the /dev/log listener did not start" \
	"$(cat "$T_WORK/listener.err")"
: >"$LOG"
logger -t probe -p daemon.notice hello 2>/dev/null

# wait_lines N : until the log holds N lines (2s at most).
wait_lines() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ "$(wc -l <"$LOG")" -ge "$1" ] && return 0
		sleep 0.01
	done
	return 1
}
if wait_lines 1 && grep -q probe "$LOG"; then
	t_pass "setup: logger(1) reaches the listener on /dev/log"
else
	t_fail "setup: logger(1) reaches the listener on /dev/log" \
		"$(cat "$LOG")"
fi
: >"$LOG"

nl=$'new\nline'
leak l shm,as=s:0x00c0ffee pshm,size=8192,as=p:logged \
	"pshm,as=h:odd$nl" unix,as=u:/tmp/logged.sock

gc_json --min-age 0 --dry-run
sleep 0.2
t_is "$(wc -l <"$LOG")" 0 "a dry run logs nothing"

gc_json --min-age 0
t_gjq "setup: 4 removed" '.removed == 4'
wait_lines 4
t_is "$(wc -l <"$LOG")" 4 "one syslog message per removal"
t_jq_log() {
	local got
	got=$(jq -sc "$2" "$LOG" 2>&1)
	if [ "$got" = true ]; then
		t_pass "$1"
	else
		t_fail "$1" "jq: $2" "log: $(head -c 2000 "$LOG")"
	fi
}
t_jq_log "every message is <29> (daemon.notice) from ipcscan[PID]" \
	'all(.[]; .msg | test("^<29>.*ipcscan\\[[0-9]+\\]: "))'
t_jq_log "the shm removal names kind, id and key" \
	'any(.[]; .msg | test("removed shm id='"${F[s.id]}"' key=0x00c0ffee"))'
t_jq_log "the pshm removal names kind and path" \
	'any(.[]; .msg | test("removed pshm /dev/shm/logged "))'
t_jq_log "the socket file removal names kind and path" \
	'any(.[]; .msg | test("removed sockfile /tmp/logged.sock "))'
t_jq_log "a newline in a name is escaped, the message is one line" \
	'any(.[]; .msg | test("removed pshm /dev/shm/odd")) and
	 all(.[]; .msg | test("\n") | not)'

# An object of another IPC namespace (one that no task is in, kept by a
# bind mount) removed by gc -N all: its line names that namespace, and an
# object of ours removed in the same run names none.
touch "$T_WORK/ipcO" || t_bail "cannot make the bind target"
unshare --ipc="$T_WORK/ipcO" "$MKIPC" leak shm:0x00c0ff01 \
	>"$T_WORK/ipcO.out" 2>&1 ||
	t_bail "cannot make a bind-mounted IPC namespace" "$(cat "$T_WORK/ipcO.out")"
NS_O=$(stat -c %i "$T_WORK/ipcO")
leak own shm,as=own:0x00c0ff02
: >"$LOG"
gc_json --min-age 0 -N all -t shm
t_gjq "setup: gc -N all removes the other namespace's segment and ours" \
	'[.actions[] | select(.action == "removed") | .key] | sort ==
	 ["0x00c0ff01", "0x00c0ff02"]'
wait_lines 2
t_jq_log "the removal in another IPC namespace names that namespace" \
	'[.[] | select(.msg | test("removed shm id=[0-9]+ key=0x00c0ff01 "))] |
	 length == 1 and (.[0].msg | test(" namespace=ipc:\\['"$NS_O"'\\]"))'
t_jq_log "the removal in our own namespace names none" \
	'[.[] | select(.msg | test("removed shm id='"${F[own.id]}"' key=0x00c0ff02 "))] |
	 length == 1 and (.[0].msg | test("namespace=") | not)'
umount "$T_WORK/ipcO" 2>/dev/null

# A removal names the containers that could see the object: a process
# in a docker-named cgroup shares our IPC namespace (cgroups.sh, which
# skips the rest of the test where cgroup2 cannot be mounted: only where
# the kernel has it).
grep -qw cgroup2 /proc/filesystems ||
	t_skip_all "no cgroup2 for the container case"
# shellcheck source=tests/integration/cgroups.sh
. "$T_LIBDIR/cgroups.sh"
ID=3f2a9c1b0d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef
in_cg "system.slice/docker-$ID.scope" sleep 1000
: >"$LOG"
leak c shm,as=c:0x00c0ffef
gc_json --min-age 0 -t shm
wait_lines 1
t_jq_log "the removal names the container that could see it" \
	"any(.[]; .msg | test(\"removed shm id=${F[c.id]} key=0x00c0ffef \
container=docker:${ID:0:12} \"))"

# A removal that fails is logged too, as daemon.warning.
: >"$LOG"
leak f pshm,as=f:stuck
gc_hooked "read-only /dev/shm" 'mount -o remount,ro /dev/shm' -t pshm
mount -o remount,rw /dev/shm
t_is "$GC_RC" 1 "setup: the removal failed (exit 1)"
wait_lines 1
t_jq_log "a failed removal: one <28> (daemon.warning) message naming it" \
	'length == 1 and (.[0].msg |
	 test("^<28>.*ipcscan\\[[0-9]+\\]: .*pshm /dev/shm/stuck"))'
t_is "$(grep -c 'system log' "$T_GC.err")" 0 \
	"with a listener on /dev/log: no syslog warning"

# No listener: syslog(3) would drop every record in silence; gc warns once.
# no_syslog DESC : two orphans removed, one warning (stderr and JSON).
no_syslog() {
	leak n pshm,as=n1:unlogged1 pshm,as=n2:unlogged2
	gc_json --min-age 0 -t pshm
	t_gjq "$1: both removed" '[.actions[] | select(.name // "" |
		startswith("unlogged")) | .action] == ["removed", "removed"]'
	t_is "$(grep -c 'ipcscan: warning: cannot reach the system log at /dev/log' \
		"$T_GC.err")" 1 "$1: one warning on stderr, for two removals"
	t_gjq "$1: the warning is in the JSON warnings" \
		'[.warnings[] | select(test("cannot reach the system log"))] |
		 length == 1'
	ipcscan gc --min-age 0 -t pshm >"$T_WORK/out" 2>"$T_WORK/err"
	t_is "$(grep -c 'system log' "$T_WORK/err")" 0 \
		"$1: nothing removed, no warning"
}
stop listener
no_syslog "/dev/log left by a dead listener"
rm -f /dev/log
no_syslog "no /dev/log"
leak d pshm,as=d1:dry
gc_json --min-age 0 --dry-run -t pshm
t_is "$(grep -c 'system log' "$T_GC.err")" 0 \
	"no /dev/log, dry run (nothing to record): no warning"

t_done
