#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_host_net.sh - the unix sockets of every network namespace, from the
# host: a listener in a container's network namespace is listed with that
# namespace and its holder, cross-checked per namespace against
# "nsenter --net ss -xpa"; its socket file is still no stale sockfile.
# shellcheck source=tests/integration/lib.sh disable=SC2016
. "$(dirname "$0")/lib.sh"
ns_enter "$@"
command -v nsenter >/dev/null || t_skip_all "needs nsenter"

mkdir -p /run/hn || t_bail "cannot make /run/hn"
hold c unix,netns=new,as=ct:/run/hn/ct.sock \
	unix,netns=new,type=dgram,as=cd:/run/hn/ctd.sock
hold h unix,as=own:/run/hn/own.sock
CP=${F[ct.pid]}
CNS=$(stat -Lc %i "/proc/$CP/ns/net")
OWN=$(stat -Lc %i /proc/self/ns/net)
t_ok "the container's socket is in a network namespace of its own" \
	test "$CNS" != "$OWN"

list_json -N all -t unix,sockfile
find_inode "${F[ct.inode]}"
o_is .unix.listening true "the other netns's listener is listening"
o_is .unix.path /run/hn/ct.sock "its path is as bound"
o_holders "$CP:fd" "held by the process in that netns"
o_state in-use "the other netns's listener"
if jqo -e '.objects[0] | has("namespace")' >/dev/null 2>&1; then
	o_is '"\(.namespace.type):\(.namespace.id)"' "net:$CNS" \
		"its namespace is the container's network namespace"
else
	t_skip "its namespace is the container's network namespace" \
		"no JSON namespace in this build yet"
fi
find_inode "${F[cd.inode]}"
o_holders "${F[cd.pid]}:fd" "the dgram socket of another netns, held there"
find_inode "${F[own.inode]}"
o_state in-use "our own listener, as before"
obj_none "the bound file of the other netns's listener is no sockfile" \
	'.kind == "sockfile" and .path == "/run/hn/ct.sock"'
t_jq "the view is complete" '.complete == true'

# Cross-check per network namespace: every socket ss shows inside is
# listed with the same inode and the same fd holders.
if ! command -v ss >/dev/null; then
	t_skip "ss cross-check" "ss not installed"
else
	for ns in "$CP" "${F[cd.pid]}" self; do
		if [ "$ns" = self ]; then
			ss -xapH >"$T_WORK/ss.out"
		else
			nsenter --net="/proc/$ns/ns/net" ss -xapH >"$T_WORK/ss.out"
		fi
		n=0
		while read -r netid state _ _ local inode _ _ users; do
			n=$((n + 1))
			pids=$(grep -o 'pid=[0-9]*' <<<"$users" | cut -d= -f2 |
				sort -u | tr '\n' ' ')
			got=$(jqo -r --argjson i "$inode" '[.objects[] |
				select(.kind == "unix" and .inode == $i)] |
				if length == 1 then .[0] | [.holders[] |
				select(.via == "fd") | .pid] | unique |
				map(tostring) | join(" ") else
				"listed \(length) times" end')
			t_is "$got" "${pids% }" \
				"ss ($ns) $netid $state $local $inode: listed once, same fd holders"
		done <"$T_WORK/ss.out"
		if [ "$n" -ge 1 ]; then
			t_pass "ss ($ns) shows $n sockets"
		else
			t_fail "ss ($ns) shows the container's sockets" \
				"$(cat "$T_WORK/ss.out")"
		fi
	done
fi
t_done
