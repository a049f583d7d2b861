#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_hostile_nobody.sh - a scan that cannot read every /proc/PID (not
# root, hidepid): incomplete, and nothing unprovable is called orphan.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

# Root's processes hold one object of every kind; root's leaks are
# there too, and so are nobody's.
hold r pshm,as=rp:rootheld psem,as=rs:rootsem mq,as=rq:rootmq \
	shm,as=rh:0x61001 sem,as=rm:0x61002 msg,as=rg:0x61003 \
	unix,as=ru:/tmp/root.sock fifo,as=rf:/tmp/root.fifo \
	pshm,via=map,as=rpm:rootmapped
leak rl pshm,as=lp:rootleak shm,as=lh:0x62001 \
	unix,as=lu:/tmp/rootstale.sock fifo,as=lf:/tmp/rootidle.fifo
hold_as nobody n pshm,as=np:nobodyheld
# nobody's file, but a root process has it open: only an inspection of
# that process can tell it is in use.
NRH=0
nobody_file_root_held() {
	[ -e /dev/shm/nobodyfile_rootheld ] && return
	NRH=$((NRH + 1))
	hold "rn$NRH" pshm,as=rn$NRH,mode=0666:nobodyfile_rootheld
	chown nobody /dev/shm/nobodyfile_rootheld || t_bail chown
}
nobody_file_root_held
XDG=/run/user-nobody
mkdir -p "$XDG" && chown nobody "$XDG" && chmod 0700 "$XDG"

# nobody's leaks, made again for each case below (a gc may take them).
nobody_leaks() {
	nobody_file_root_held
	[ -e /dev/shm/nobodyleak ] && [ -e /tmp/nobodystale.sock ] && return
	rm -f /dev/shm/nobodyleak /tmp/nobodystale.sock
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$T_WORK/bin/mkipc" leak pshm:nobodyleak \
		unix:/tmp/nobodystale.sock >/dev/null 2>&1 ||
		t_bail "mkipc leak as nobody failed"
}
as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		env XDG_RUNTIME_DIR="$XDG" timeout 60 "$IPCSCAN" "$@"
}

# list_as_nobody WHAT: list --json as nobody into $T_JSON, one TAP line.
list_as_nobody() {
	local rc
	nobody_leaks
	as_nobody list --trust-pidns --json >"$T_JSON" 2>"$T_WORK/list.err"
	rc=$?
	if [ $rc -eq 0 ] && jq -e '.schema == 1' "$T_JSON" >/dev/null 2>&1
	then
		t_pass "$1: list --json as nobody: exit 0, valid JSON"
		return 0
	fi
	t_fail "$1: list --json as nobody: exit 0, valid JSON" "exit $rc" \
		"$(head -c 1000 "$T_WORK/list.err")"
	echo '{"schema":1,"objects":[]}' >"$T_JSON"
	return 1
}

# checks WHAT: what must hold whenever root's processes are not seen.
checks() {
	local what=$1
	t_jq "$what: complete is false" '.complete == false'
	t_like "$(cat "$T_WORK/list.err")" \
		"warning: .*(inspect|hidden|hidepid)" \
		"$what: a warning says processes could not be inspected"
	obj_none "$what: no POSIX, unix socket or FIFO object is an orphan" \
		'.state == "orphan" and (.kind | IN("pshm", "psem", "mqueue",
		 "unix", "fifo"))'
	# A socket file is decided by a connect probe, which needs write
	# permission on it: root's cannot be probed by nobody.
	obj_none "$what: no socket file nobody cannot probe is an orphan" \
		'.state == "orphan" and .kind == "sockfile" and
		 .owner.uid != 65534'
	find_path sockfile /tmp/rootstale.sock
	o_state unknown "$what: root's stale socket file"
	find_name pshm rootheld
	o_state unknown "$what: root's held pshm"
	find_name pshm rootmapped
	o_state unknown "$what: root's mapped-only pshm"
	find_name psem rootsem
	o_state unknown "$what: root's named semaphore"
	find_name pshm rootleak
	o_state unknown "$what: root's leaked pshm (unprovable as nobody)"
	find_name pshm nobodyleak
	o_state unknown "$what: nobody's leaked pshm (root could hold it)"
	find_name pshm nobodyfile_rootheld
	o_state unknown "$what: nobody's pshm that a root process holds"
	find_name pshm nobodyheld
	o_state in-use "$what: nobody's held pshm (its holder is visible)"
	o_holders "${F[n.pid]}:fd" "$what: nobody's pshm: holder via fd"
	obj_none "$what: a live listener's file is no sockfile" \
		'.kind == "sockfile" and .path == "/tmp/root.sock"'
	find_id shm "${F[rh.id]}"
	o_state in-use "$what: attached shm (nattch is visible to all)"
	find_id shm "${F[lh.id]}"
	t_jq "$what: the leaked shm is never in-use" \
		'.objects[] | select(.kind == "shm" and .id == $i) | .state !=
		 "in-use"' --argjson i "${F[lh.id]}"

	as_nobody gc --trust-pidns --min-age 0 --json >"$T_WORK/gc.json" 2>"$T_WORK/gc.err"
	t_is "$?" 0 "$what: gc as nobody: exit 0"
	t_is "$(jq -c '[.actions[] | select(.action == "removed") |
		.name // .path // .id] - ["/tmp/nobodystale.sock"]' \
		"$T_WORK/gc.json" 2>&1)" '[]' \
		"$what: gc as nobody removes nothing it cannot prove"
	t_ok "$what: every pshm file and root's socket files are still there" \
		test -f /dev/shm/rootheld -a -f /dev/shm/rootleak \
		-a -f /dev/shm/nobodyleak -a -f /dev/shm/nobodyheld \
		-a -f /dev/shm/nobodyfile_rootheld \
		-a -S /tmp/rootstale.sock -a -S /tmp/root.sock
}

# 1. Plain /proc: root's /proc/PID/fd and maps are unreadable.
if list_as_nobody "unreadable /proc/PID"; then
	checks "unreadable /proc/PID"
	for k in unix fifo; do
		t_jq "unreadable /proc/PID: no $k object is an orphan" \
			'all(.objects[] | select(.kind == $k);
			 .state != "orphan")' \
			--arg k "$k"
	done
fi

# 2. hidepid: root's processes are not even listed. A procfs of our own
# pid namespace with the option, over the one ns_enter mounted.
for opt in noaccess invisible; do
	if ! mount -t proc -o "hidepid=$opt" proc /proc 2>"$T_WORK/mnt.err"
	then
		t_skip "hidepid=$opt" \
			"cannot mount proc: $(cat "$T_WORK/mnt.err")"
		continue
	fi
	if [ "$opt" = invisible ]; then
		t_is "$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
			ls /proc | grep -c '^[0-9]')" 2 \
			"hidepid=$opt: nobody sees its holder and itself only"
	fi
	if list_as_nobody "hidepid=$opt"; then
		checks "hidepid=$opt"
	fi
	umount /proc
done

# Root still sees it all: the same objects, decided.
nobody_leaks
list_json || t_done
t_jq "as root: complete is true" '.complete == true'
find_name pshm rootleak
o_state orphan "as root: root's leaked pshm"
find_name pshm nobodyleak
o_state orphan "as root: nobody's leaked pshm"

t_done
