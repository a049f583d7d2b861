#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_list_filters.sh - list: -t, -u, -p, --orphans, bad usage, complete.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

hold a shm,as=ashm:0x5001 sem,as=asem:0x5002 msg,as=amsg:0x5003 \
	pshm,as=apshm:afile psem,as=apsem:asem mq,as=amq:amq \
	fifo,as=afifo:/tmp/a.fifo unix,as=asock:/tmp/a.sock
hold b shm,as=bshm:0x6001 pshm,as=bpshm:bfile unix,as=bsock:/tmp/b.sock
hold_as nobody n pshm,as=npshm:nfile shm,as=nshm:0x7001 \
	fifo,as=nfifo:/tmp/n.fifo unix,as=nsock:/tmp/n.sock
leak l pshm,as=lpshm:lfile shm,as=lshm:0x8001 unix,as=lsock:/tmp/l.sock
A=${F[a.pid]}
B=${F[b.pid]}

list_json || t_done
t_jq "complete is true as root in the namespace" '.complete == true'
cp "$T_JSON" "$T_WORK/all.json"
t_jq "every kind is present without -t" \
	'[.objects[].kind] | unique == ["fifo","mqueue","msg","psem","pshm",
	 "sem","shm","sockfile","unix"]'

# One line per object that says which one it is, sorted.
IDS='[.objects[] | "\(.kind) \(.id) \(.name) \(.path) \(.inode)"] | sort'

# -t: the listed objects are exactly those of the chosen kinds.
kinds_of() {
	jq -c --arg ks "$1" '.objects |= map(select(.kind as $k |
		$ks | split(",") | index($k)))'" | $IDS" "$T_WORK/all.json"
}
for t in shm:shm sysv:msg,sem,shm posix:mqueue,psem,pshm \
	sockets:sockfile,unix fifo,msg:fifo,msg sem:sem all:"$(jq -r \
	'[.objects[].kind] | unique | join(",")' "$T_WORK/all.json")"; do
	arg=${t%%:*}
	want=${t#*:}
	list_json -t "$arg" || continue
	t_is "$(jqo -r '[.objects[].kind] | unique | join(",")')" "$want" \
		"-t $arg: only and all of the kinds $want"
	t_is "$(jqo -c "$IDS")" "$(kinds_of "$want")" \
		"-t $arg: the same objects as the full list"
done
list_json --type=pshm,shm || t_done
t_is "$(jqo -r '[.objects[].kind] | unique | join(",")')" pshm,shm \
	"--type=pshm,shm (long form)"

# -u: owner filter, by name and by uid.
list_json -u nobody || t_done
t_jq "-u nobody: every object is owned by uid 65534" \
	'all(.objects[]; .owner.uid == 65534)'
t_jq "-u nobody: its pshm, shm, FIFO and socket are listed" \
	'[.objects[].kind] | sort == ["fifo","pshm","shm","unix"]'
find_inode "${F[nsock.inode]}"
o_holders "${F[n.pid]}:fd" "-u nobody: the socket's holder is nobody's process"
o_is '.holders[0].uid' 65534 "-u nobody: holder uid"
cp "$T_JSON" "$T_WORK/nobody.json"
list_json -u 65534 || t_done
t_is "$(jqo -c "$IDS")" "$(jq -c "$IDS" "$T_WORK/nobody.json")" \
	"-u 65534 lists the same as -u nobody"
list_json -u root || t_done
t_jq "-u root: no object of nobody" 'all(.objects[]; .owner.uid == 0)'
t_jq "-u root: root's objects are there" \
	'[.objects[] | select(.kind == "shm") | .key] | sort ==
	 ["0x00005001","0x00006001","0x00008001"]'

# -p: objects that PID holds or created.
list_json -p "$A" || t_done
t_jq "-p A: each object is held or created by A" \
	'all(.objects[]; any(.holders[]; .pid == $p) or .creator.pid? == $p)' \
	--argjson p "$A"
find_id shm "${F[ashm.id]}"
find_name pshm afile
find_name psem asem
find_name mqueue amq
find_path fifo /tmp/a.fifo
find_inode "${F[asock.inode]}"
obj_none "-p A: B's objects are not listed" \
	'.id == $b or .name == "bfile" or .inode == $bs' \
	--argjson b "${F[bshm.id]}" --argjson bs "${F[bsock.inode]}"
list_json -p "$B" || t_done
t_is "$(jqo -r '[.objects[] | "\(.kind):\(.name // .id // .inode)"] |
	sort | join(" ")')" \
	"pshm:bfile shm:${F[bshm.id]} unix:${F[bsock.inode]}" \
	"-p B: exactly B's three objects"

# --orphans
list_json --orphans || t_done
t_jq "--orphans: every object is an orphan" \
	'all(.objects[]; .state == "orphan")'
t_is "$(jqo -r '[.objects[] | "\(.kind):\(.name // .key // .path)"] |
	sort | join(" ")')" \
	"pshm:lfile shm:0x00008001 sockfile:/tmp/l.sock" \
	"--orphans: exactly the leaked pshm, shm and socket file"
list_json --orphans -t shm || t_done
t_is "$(jqo -r '[.objects[] | .key] | join(" ")')" 0x00008001 \
	"--orphans -t shm: only the leaked segment"

# Bad usage: exit 2, one line on stderr naming the bad value, no stdout.
bad_usage() {
	local bad=$1 rc
	shift
	ipcscan "$@" >"$T_WORK/bad.out" 2>"$T_WORK/bad.err"
	rc=$?
	t_is "$rc" 2 "ipcscan $*: exit 2"
	t_is "$(wc -c <"$T_WORK/bad.out")" 0 "ipcscan $*: nothing on stdout"
	t_is "$(wc -l <"$T_WORK/bad.err")" 1 "ipcscan $*: one line on stderr"
	t_ok "ipcscan $*: the message names '$bad'" \
		grep -qF -- "$bad" "$T_WORK/bad.err"
}
bad_usage bogus list -t bogus
bad_usage bogus list --json -t shm,bogus
bad_usage frobnicate list --frobnicate
bad_usage frobnicate --frobnicate
bad_usage nosuchuser list -u nosuchuser
bad_usage nosuchuser list --json --user=nosuchuser

t_done
