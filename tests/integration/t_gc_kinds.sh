#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_gc_kinds.sh - gc: one leaked orphan of every removable kind goes; what
# is held, unknown, live or a FIFO stays.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

nl=$'new\nline'
bad=$'bad\xffname'

# Orphans: every removable kind, two of them with hostile names.
leak l shm,size=8192,as=shm:0x1001 sem,n=3,as=sem:0x1002 \
	msg,as=msg:0x1003 pshm,size=12288,as=pshm:leaked \
	psem,as=psem:semleaked mq,send=3,as=mq:mqleaked \
	unix,as=sock:/tmp/stale.sock "pshm,as=hpshm:odd $nl$bad" \
	"unix,as=hsock:/run/stale $nl$bad.sock"
# Not orphans, or not removable: held by fd, held only by a mapping,
# attached, waited on, recently used by a live process, live sockets (one
# bound in another network namespace), FIFOs, never-used SysV objects.
hold h pshm,as=pfd:byfd pshm,via=map,size=8192,as=pmap:bymap \
	psem,as=psh:semheld mq,as=mqh:mqheld \
	shm,creator=dead,as=shmatt:0x2001 sem,wait,as=semw:0x2002 \
	msg,as=msgl:0x2003 unix,as=live:/tmp/live.sock \
	unix,type=dgram,as=dg:/var/tmp/dgram.sock \
	unix,netns=new,as=nsl:/tmp/otherns.sock fifo,as=fh:/tmp/held.fifo
leak u sem,op=none,as=semu:0x3001 msg,op=none,as=msgu:0x3002 \
	fifo,as=fu:/tmp/nobody.fifo
# Created by a process of this pid namespace: a scan from a nested pid
# namespace sees its creator pid as 0.
leak c shm,as=shmc:0x4001

list_json || t_done
orphans=(
	"shm id=${F[shm.id]} key=0x00001001"
	"sem id=${F[sem.id]} key=0x00001002"
	"msg id=${F[msg.id]} key=0x00001003"
	"pshm /dev/shm/leaked"
	"psem /dev/shm/sem.semleaked"
	"mqueue /dev/mqueue/mqleaked"
	"sockfile /tmp/stale.sock"
)
for o in "${orphans[@]}"; do
	t_jq "setup: $o is listed as an orphan" \
		"$GC_IDENT"'[.objects[] | select(ident == $i) | .state] ==
		 ["orphan"]' --arg i "$o"
done
t_jq "setup: the hostile pshm and socket file are orphans" \
	'[.objects[] | select((.kind == "pshm" and (.name | startswith("odd")))
	 or (.kind == "sockfile" and (.path | startswith("/run/stale"))))
	 | .state] == ["orphan", "orphan"]'
kept_before=$(jq -c "$GC_IDENT"'[.objects[] | select(.state != "orphan") |
	{i: ident, state}] | sort_by(.i)' "$T_JSON")
want_bytes=$(jq '[.objects[] | select(.state == "orphan") | .size // 0] |
	add' "$T_JSON")

# From a nested pid namespace every creator is invisible (cpid 0): the
# SysV segments there are unknown or attached, never removable.
T_GC=$T_WORK/gc.json
unshare --pid --fork --mount-proc "$IPCSCAN" gc --json --min-age 0 -t shm \
	>"$T_GC" 2>"$T_WORK/nested.err"
t_is "$?" 0 "gc from a nested pid namespace: exit 0"
t_gjq "gc from a nested pid ns: creator pid 0 is unknown, no shm removed" \
	'.actions == [] and .removed == 0'
t_ok "shm 0x4001 (creator not visible from there) still exists" \
	grep -qE "^ *16385 +${F[shmc.id]} " /proc/sysvipc/shm

# One size convention everywhere: a semaphore set has no byte size, so its
# SIZE cell is blank in the gc table as in list (and null in JSON).
out=$(ipcscan gc --dry-run --min-age 0 -t sem,shm 2>&1)
t_like "$(grep -E '^would-remove +sem ' <<<"$out")" "^would-remove +sem " \
	"gc --dry-run table: the orphaned semaphore set is listed"
t_is "$(grep -E '^would-remove +sem ' <<<"$out" | grep -cE ' [0-9.]+[BKMG] ')" \
	0 "gc table: a semaphore set's SIZE is blank, not 0B"
t_like "$(grep -E '^would-remove +shm .* 8\.0K ' <<<"$out")" "shm" \
	"gc table: the segment's SIZE is shown (8.0K)"

gc_json --min-age 0
for o in "${orphans[@]}"; do
	t_gjq "$o: removed" \
		'[.actions[] | select(ident == $i) | .action] == ["removed"]' \
		--arg i "$o"
done
t_gjq "pshm with a newline and a non-UTF-8 byte: removed" \
	'[.actions[] | select(.kind == "pshm" and (.name | startswith("odd")))
	 | .action] == ["removed"]'
t_gjq "socket file with a newline and a non-UTF-8 byte: removed" \
	'[.actions[] | select(.kind == "sockfile" and
	 (.path | startswith("/run/stale"))) | .action] == ["removed"]'
t_gjq "the shm with a creator out of sight there is an orphan here: removed" \
	'[.actions[] | select(.kind == "shm" and .key == "0x00004001") |
	 .action] == ["removed"]'
t_gjq "exactly the 10 orphans are acted on, all removed" \
	'.removed == 10 and (.actions | length) == 10 and .skipped == 0 and
	 .failed == 0'
t_gjq "bytes_freed is the sum of the orphans' listed sizes ($want_bytes)" \
	'.bytes_freed == $b' --argjson b "$want_bytes"
t_gjq "sizes: shm 8192, pshm 12288, msg and mqueue count queued bytes" \
	'[.actions[] | select(.kind == "shm" and .key == "0x00001001" or
	 .kind == "pshm" and .name == "leaked" or .kind == "msg" or
	 .kind == "mqueue") | .size] | sort == [5, 15, 8192, 12288]'
t_gjq "every action has kind action reason size and its identity keys" \
	'all(.actions[]; has("kind") and has("action") and has("reason") and
	 ((.size | type) == "number" or (.kind == "sem" and .size == null)) and has("id") and has("name") and
	 has("path"))'
t_gjq "min_age is 0 and dry_run false" '.min_age == 0 and .dry_run == false'

# The kernel and the file systems agree.
t_is "$(awk 'NR > 1 { print $1 }' /proc/sysvipc/shm | sort -n | tr '\n' ' ')" \
	"8193 " "only the attached shm (key 0x2001) remains"
t_is "$(awk 'NR > 1 { print $1 }' /proc/sysvipc/sem | sort -n | tr '\n' ' ')" \
	"8194 12289 " "semaphores left: the waited-on one and the unused one"
t_is "$(awk 'NR > 1 { print $1 }' /proc/sysvipc/msg | sort -n | tr '\n' ' ')" \
	"8195 12290 " "queues left: the live sender's and the unused one"
t_is "$(cd /dev/shm && printf '%s/' * | sort)" "byfd/bymap/sem.semheld/" \
	"/dev/shm: only the held objects remain"
t_ok "live listener file is still there" test -S /tmp/live.sock
t_ok "live datagram socket file is still there" test -S /var/tmp/dgram.sock
t_ok "socket bound in another network namespace is still there" \
	test -S /tmp/otherns.sock
t_ok "held FIFO is still there" test -p /tmp/held.fifo
t_ok "FIFO nobody has open is still there" test -p /tmp/nobody.fifo
t_ok "stale socket file is gone" test ! -e /tmp/stale.sock
t_is "$(find /run -maxdepth 1 -name 'stale*' | wc -l)" 0 \
	"hostile stale socket file is gone"

list_json
for o in "${orphans[@]}"; do
	t_jq "$o: no longer listed" \
		"$GC_IDENT"'[.objects[] | select(ident == $i)] == []' \
		--arg i "$o"
done
t_is "$(jq -c "$GC_IDENT"'[.objects[] | select(.state != "orphan") |
	{i: ident, state}] | sort_by(.i)' "$T_JSON")" "$kept_before" \
	"everything that was not an orphan is still listed, in the same state"
t_jq "no orphan is left" '[.objects[] | select(.state == "orphan")] == []'
t_jq "the unused sem and msg are unknown, and kept" \
	'[.objects[] | select(.key == "0x00003001" or .key == "0x00003002") |
	 .state] == ["unknown", "unknown"]'
t_jq "live sockets of this netns are listed as unix, FIFOs as fifo" \
	'[.objects[] | select(.kind == "unix" or .kind == "fifo") | .path] |
	 map(select(. != null)) | sort == ["/tmp/held.fifo", "/tmp/live.sock",
	 "/tmp/nobody.fifo", "/var/tmp/dgram.sock"]'
t_jq "the file bound in another netns is no sockfile" \
	'[.objects[] | select(.path == "/tmp/otherns.sock")] == []'

# Nothing left to do: an empty run, exit 0.
gc_json --min-age 0
t_gjq "second run: no actions, all counts 0" \
	'.actions == [] and .removed == 0 and .would_remove == 0 and
	 .skipped == 0 and .failed == 0 and .bytes_freed == 0'

t_done
