#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_sticky.sh - the sticky bit on a file in a socket dir says "keep me"
# (systemd-tmpfiles, XDG runtime dir): a sticky stale socket file, FIFO or
# /dev/shm file (POSIX shm, semaphore) is unknown, never orphan, with the
# reason "sticky bit set: kept by convention; <what the evidence says>";
# gc never removes it, and the remover keeps a file that became sticky
# after the scan. A sticky file in use stays in-use.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
need_hooks
ns_enter "$@"

KEEP="sticky bit set: kept by convention"
leak a pshm,as=p1:keep_p psem,as=s1:keep_s unix,as=u1:/run/keep.sock \
	fifo,as=f1:/tmp/keep.fifo pshm,as=p2:plain_p unix,as=u2:/run/plain.sock
hold h pshm,via=map:keep_held
chmod +t /dev/shm/keep_p /dev/shm/sem.keep_s /run/keep.sock \
	/tmp/keep.fifo /dev/shm/keep_held || t_bail "chmod +t failed"

list_json
find_path pshm /dev/shm/keep_p
o_state unknown "sticky orphan-looking pshm"
o_ok '.reason | test("^sticky bit set: kept by convention; no holder;
	unused for [0-9]+s$" | gsub("\n\t"; " "))' \
	"sticky pshm: the reason says why, then what the evidence said"
o_is .mode 1600 "sticky pshm: the mode shows the bit"
find_name psem keep_s
o_state unknown "sticky orphan-looking named semaphore"
o_ok '.reason | startswith("sticky bit set: kept by convention; no holder")' \
	"sticky psem: the reason"
find_path sockfile /run/keep.sock
o_state unknown "sticky stale socket file"
o_ok '.reason | startswith("sticky bit set: kept by convention; no socket
	bound to it in any network namespace" | gsub("\n\t"; " "))' \
	"sticky socket file: the reason"
find_path fifo /tmp/keep.fifo
o_state unknown "sticky FIFO"
o_ok '.reason | startswith("sticky bit set: kept by convention; nobody has
	it open" | gsub("\n\t"; " "))' "sticky FIFO: the reason"
find_path pshm /dev/shm/keep_held
o_state in-use "sticky pshm mapped by a live process"
o_is .reason "mapped by 1 process" "sticky pshm in use: the holders decide"
find_path pshm /dev/shm/plain_p
o_state orphan "the same without the bit"

gc_json --min-age 0
t_gjq "gc removes the files without the bit, nothing sticky" \
	'[.actions[] | "\(.action) \(.path)"] | sort ==
	 ["removed /dev/shm/plain_p", "removed /run/plain.sock"]'
for f in /dev/shm/keep_p /dev/shm/sem.keep_s /run/keep.sock \
	/tmp/keep.fifo /dev/shm/keep_held; do
	t_ok "still there after gc: $f" test -e "$f"
done

# The bit set between the scan and the removal: the remover sees it.
leak b pshm,as=p3:late_p psem,as=s3:late_s unix,as=u3:/run/late.sock
gc_hooked "sticky after the scan" \
	'chmod +t /dev/shm/late_p /dev/shm/sem.late_s /run/late.sock'
t_is "$GC_RC" 0 "sticky after the scan: exit 0"
for i in "pshm /dev/shm/late_p" "psem /dev/shm/sem.late_s" \
	"sockfile /run/late.sock"; do
	t_is "$(gc_act_of "$i")" "skipped: $KEEP" \
		"sticky after the scan: $i skipped, the reason says why"
done
for f in /dev/shm/late_p /dev/shm/sem.late_s /run/late.sock; do
	t_ok "still there: $f" test -e "$f"
done

t_done
