#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_list_sockets.sh - list: unix sockets, stale socket files, FIFOs, vs ss.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

mkdir -p /run/app/sub /var/tmp/deep/a/b/c/d
hold h unix,as=lst:/tmp/listen.sock unix,type=dgram,as=dg:/run/dgram.sock \
	unix,type=seqpacket,as=abs:@abstract-name unixpair,as=pair \
	fifo,as=fifoh:/tmp/held.fifo unix,netns=new,as=nsl:/tmp/netns.sock \
	unix,netns=hidden,as=hst:/tmp/hid-stream.sock \
	unix,netns=hidden,type=seqpacket,as=hsq:/tmp/hid-seqpacket.sock \
	unix,netns=hidden,type=dgram,as=hdg:/tmp/hid-dgram.sock \
	unix,netns=hidden,type=dgram,selfpeer,as=hdp:/tmp/hid-peered.sock
leak l unix,as=stale:/tmp/stale.sock unix,as=stale2:/run/app/sub/stale2.sock \
	unix,as=deep:/var/tmp/deep/a/b/c/d/too-deep.sock \
	fifo,as=fifon:/var/tmp/nobody.fifo
H=${F[h.pid]}

list_json || t_done
t_schema_all
t_jq "complete is true as root" '.complete == true'

find_inode "${F[lst.inode]}"
o_state in-use "listening stream socket"
o_holders "$H:fd" "listener: holder via fd"
o_is .unix.listening true "listener: listening"
o_is .unix.path /tmp/listen.sock "listener: bound path"
o_is '[.id, .key, .name] | map(tostring) | join(",")' null,null,null \
	"unix: id, key, name are null"
obj_none "a live listener's file is not a sockfile" \
	'.kind == "sockfile" and .path == "/tmp/listen.sock"'

find_inode "${F[dg.inode]}"
o_state in-use "bound datagram socket"
o_holders "$H:fd" "datagram socket: holder via fd"
o_is .unix.listening false "datagram socket: not listening"
o_is .unix.path /run/dgram.sock "datagram socket: bound path"
obj_none "a live datagram socket's file is not a sockfile" \
	'.kind == "sockfile" and .path == "/run/dgram.sock"'

find_inode "${F[abs.inode]}"
o_state in-use "abstract seqpacket listener"
o_holders "$H:fd" "abstract socket: holder via fd"
o_is .unix.path @abstract-name "abstract socket: name starts with @"

find_inode "${F[pair.inode0]}"
o_state in-use "socketpair end 0"
o_holders "$H:fd" "socketpair end 0: holder via fd"
o_is .unix.peer "${F[pair.inode1]}" "socketpair end 0: peer is end 1"
find_inode "${F[pair.inode1]}"
o_is .unix.peer "${F[pair.inode0]}" "socketpair end 1: peer is end 0"
o_holders "$H:fd" "socketpair end 1: holder via fd"

for s in stale:/tmp/stale.sock stale2:/run/app/sub/stale2.sock; do
	p=${s#*:}
	find_path sockfile "$p"
	o_state orphan "socket file of an exited listener ($p)"
	o_holders "" "stale socket file $p: no holders"
	o_is '[.id, .key, .inode] | map(tostring) | join(",")' null,null,null \
		"sockfile: id, key, inode are null"
done
obj_none "a socket file deeper than 4 levels is not walked" \
	'.path == "/var/tmp/deep/a/b/c/d/too-deep.sock"'

# Bound by a process in another network namespace: alive, so the file
# is not stale, though this netns's socket table does not show it.
obj_none "a listener in another netns: its file is not a sockfile" \
	'.kind == "sockfile" and .path == "/tmp/netns.sock"'
obj_none "a listener in another netns: nothing about it is an orphan" \
	'.state == "orphan" and (.path == "/tmp/netns.sock" or
	 (.unix.path? // "") == "/tmp/netns.sock")'

# Bound in a network namespace that no process is in: no socket table we
# can read shows them, only the connect probe (EPROTOTYPE for stream and
# seqpacket listeners, success for a dgram socket, EPERM for a dgram
# socket connected elsewhere) proves them alive.
for s in stream seqpacket dgram peered; do
	obj_none "bound in a netns without processes ($s): not a sockfile" \
		".kind == \"sockfile\" and .path == \"/tmp/hid-$s.sock\""
done

find_path fifo /tmp/held.fifo
o_state in-use "FIFO opened by a process"
o_holders "$H:fd" "held FIFO: holder via fd"
find_path fifo /var/tmp/nobody.fifo
o_state unknown "FIFO nobody has open"
o_holders "" "unused FIFO: no holders"

t_is "$(jqo -r '[.objects[] | select(.kind == "sockfile")] | length')" 2 \
	"exactly the 2 stale socket files"
t_is "$(jqo -r '[.objects[] | select(.kind == "fifo")] | length')" 2 \
	"exactly the 2 FIFOs"

# The netns listener exits: now its file is stale.
kill -KILL "${F[nsl.pid]}"
for _ in $(seq 100); do [ -d "/proc/${F[nsl.pid]}" ] || break; sleep 0.01; done
list_json -t sockets || t_done
find_path sockfile /tmp/netns.sock
o_state orphan "socket file of the exited netns listener"

# Cross-check with ss in the same namespaces: every socket ss shows is
# listed with the same inode, its processes as fd holders, and listeners
# as listening.
if ! command -v ss >/dev/null; then
	t_skip "ss cross-check" "ss not installed"
else
	ss -xapH >"$T_WORK/ss.out"
	n=0
	while read -r netid state _ _ local inode _ _ users; do
		n=$((n + 1))
		pids=$(grep -o 'pid=[0-9]*' <<<"$users" | cut -d= -f2 |
			sort -u | tr '\n' ' ')
		got=$(jqo -r --argjson i "$inode" '.objects[] |
			select(.kind == "unix" and .inode == $i) |
			[.holders[] | select(.via == "fd") | .pid] | unique |
			map(tostring) | join(" ")')
		t_is "$got" "${pids% }" \
			"ss $netid $state $local $inode: same fd holders"
		if [ "$state" = LISTEN ]; then
			t_is "$(jqo -r --argjson i "$inode" '.objects[] |
				select(.kind == "unix" and .inode == $i) |
				.unix.listening')" true \
				"ss listener $local $inode: listening"
		fi
	done <"$T_WORK/ss.out"
	if [ "$n" -ge 5 ]; then
		t_pass "ss shows our $n sockets"
	else
		t_fail "ss shows our sockets" "$(cat "$T_WORK/ss.out")"
	fi
fi

t_done
