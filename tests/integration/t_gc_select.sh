#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_gc_select.sh - gc: --dry-run, --min-age, --exclude, --exclude-from,
# -t and -u decide what goes, and a dry run changes nothing.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

mkdir -p /tmp/keep /run/app
leak l shm,as=shm:0x1001 sem,as=sem:0x1002 msg,as=msg:0x1003 pshm,as=p:plain \
	psem,as=ps:plainsem mq,as=q:plainq unix,as=s:/tmp/plain.sock \
	shm,as=kshm:0xabcd0001 pshm,as=k1:keep-a pshm,as=k2:keep-b \
	unix,as=ks:/tmp/keep/k.sock pshm,as=f1:fromfile psem,as=f2:semfile \
	unix,as=f3:/run/app/file.sock msg,as=f4:0x00c0ffee

# Every object as list shows it, without what moves with the clock.
snapshot() {
	# A failed list must never compare equal to another one.
	list_json >/dev/null || { echo "list failed $RANDOM$RANDOM"; return; }
	# Every scan reads each queue's status, which moves its ctime.
	jq -c '[.objects[] | del(.age, .reason) |
		if .kind == "mqueue" then del(.times.changed) else . end] |
		sort_by(.kind, .id, .path)' "$T_JSON"
}
# The raw state of every kind, straight from the kernel and the file
# systems (sizes, inodes, times in ns), to catch what list would not show.
raw_state() {
	cat /proc/sysvipc/shm /proc/sysvipc/sem /proc/sysvipc/msg
	find /dev/shm /tmp /run/app -mindepth 1 \
		-printf '%p %i %y %s %T@ %C@\n' | sort
}

list_json || t_done
t_is "$(jq '[.objects[] | select(.state == "orphan")] | length' "$T_JSON")" \
	15 "setup: 15 orphans"

# Too young: nothing at all is touched, nothing reported.
before=$(snapshot)
gc_json
t_gjq "default --min-age is 1h: fresh orphans are not in the actions" \
	'.min_age == 3600 and .actions == [] and .removed == 0'
gc_json --min-age 1h
t_gjq "--min-age 1h: fresh orphans are not in the actions" \
	'.actions == [] and .removed == 0 and .bytes_freed == 0'
t_is "$(snapshot)" "$before" "--min-age 1h: nothing changed"

# Excludes: on name, on path, on the key; and from a file.
printf '%s\n' '# a comment line' '' 'fromfile' '  sem*file  ' \
	'/run/app/*.sock' '0x00c0ffee' >"$T_WORK/excl"
ex=(--exclude 'keep-*' --exclude '/tmp/keep/*' --exclude '0xabcd*'
	--exclude-from "$T_WORK/excl")

raw_before=$(raw_state)
before=$(snapshot)
gc_json --dry-run --min-age 0 "${ex[@]}"
t_gjq "dry run: dry_run is true, nothing removed, nothing skipped" \
	'.dry_run == true and .removed == 0 and .skipped == 0 and .failed == 0'
t_gjq "dry run: exactly the 7 objects not excluded would go" \
	'[.actions[] | select(.action == "would-remove") | ident] | sort ==
	 (["msg id=\($m) key=0x00001003", "mqueue /dev/mqueue/plainq",
	   "pshm /dev/shm/plain", "psem /dev/shm/sem.plainsem",
	   "sem id=\($s) key=0x00001002", "shm id=\($h) key=0x00001001",
	   "sockfile /tmp/plain.sock"] | sort)' \
	--argjson m "${F[msg.id]}" --argjson s "${F[sem.id]}" \
	--argjson h "${F[shm.id]}"
dry=$(gc_idents would-remove)
dry_bytes=$(jq .bytes_freed "$T_GC")
t_is "$(snapshot)" "$before" "dry run: list is the same afterwards"
t_is "$(raw_state)" "$raw_before" \
	"dry run: /proc/sysvipc and the files (inodes, sizes, times) unchanged"

gc_json --min-age 0 "${ex[@]}"
t_is "$(gc_idents removed)" "$dry" \
	"the real run removes exactly what the dry run listed"
t_gjq "the real run skips and fails nothing" '.skipped == 0 and .failed == 0'
t_gjq "the real run frees what the dry run said it would ($dry_bytes)" \
	'.bytes_freed == $b' --argjson b "$dry_bytes"

list_json
for d in "pshm keep-a" "pshm keep-b" "pshm fromfile" "psem semfile"; do
	t_jq "excluded ${d% *} '${d#* }' (name glob) is kept" \
		'[.objects[] | select(.kind == $k and .name == $n)] |
		 length == 1' \
		--arg k "${d% *}" --arg n "${d#* }"
done
for p in /tmp/keep/k.sock /run/app/file.sock; do
	t_jq "excluded sockfile $p (path glob) is kept" \
		'[.objects[] | select(.kind == "sockfile" and .path == $p)] |
		 length == 1' --arg p "$p"
done
t_jq "excluded shm 0xabcd0001 (key glob) is kept" \
	'[.objects[] | select(.kind == "shm" and .key == "0xabcd0001")] |
	 length == 1'
t_jq "excluded msg 0x00c0ffee (key from the file) is kept" \
	'[.objects[] | select(.kind == "msg" and .key == "0x00c0ffee")] |
	 length == 1'
t_jq "only the 8 excluded objects are left" '.objects | length == 8'

# An exclude that matches nothing here excludes nothing else.
gc_json --dry-run --min-age 0 --exclude 'zzz*' --exclude '0xffff*'
t_gjq "a non-matching exclude: all 8 would go" \
	'.would_remove == 8 and (.actions | length) == 8'

# Common filters: -t takes kinds and groups, -u an owner.
gc_json --min-age 0 -t sysv
t_gjq "-t sysv: only the two SysV objects go" \
	'[.actions[] | select(.action == "removed") | .kind] | sort ==
	 ["msg", "shm"]'
setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$T_WORK/bin/mkipc" leak pshm:nobodys >/dev/null ||
	t_bail "cannot leak a pshm as nobody"
gc_json --min-age 0 -u nobody
t_gjq "-u nobody: only nobody's pshm goes" \
	'[.actions[] | {kind, name, action}] ==
	 [{"kind": "pshm", "name": "nobodys", "action": "removed"}]'
gc_json --min-age 0 -t sockfile
t_gjq "-t sockfile: the two socket files go" \
	'[.actions[] | select(.action == "removed") | .path] | sort ==
	 ["/run/app/file.sock", "/tmp/keep/k.sock"]'

# Age threshold both ways: 3s old goes at --min-age 2s, 0s old stays.
leak o pshm,as=old:old-one
sleep 2.5
leak n pshm,as=new:new-one
gc_json --min-age 2s -t pshm
t_gjq "--min-age 2s: the pshm idle for 2.5s is removed" \
	'[.actions[] | select(.name == "old-one") | .action] == ["removed"]'
t_gjq "--min-age 2s: the fresh pshm is not in the actions" \
	'[.actions[] | select(.name == "new-one")] == []'
t_gjq "--min-age 2s: min_age is 2" '.min_age == 2'
t_ok "the fresh pshm still exists" test -f /dev/shm/new-one

t_done
