#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_gc_nobody.sh - gc as an unprivileged user: never removes what belongs
# to others, removes its own orphans only where the evidence is complete.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

need_nobody

leak r shm,as=rshm:0x1001 sem,as=rsem:0x1002 msg,as=rmsg:0x1003 \
	pshm,mode=0666,as=rp:rootp psem,mode=0666,as=rps:roots mq,as=rq:rootq \
	unix,as=rs:/tmp/root.sock
as_nobody "$T_WORK/bin/mkipc" leak shm,as=nshm:0x2001 sem,as=nsem:0x2002 \
	msg,as=nmsg:0x2003 pshm,as=np:nobodyp unix,as=ns:/tmp/nobody.sock \
	>"$T_WORK/n.out" 2>"$T_WORK/n.err" ||
	t_bail "cannot leak objects as nobody" "$(cat "$T_WORK/n.err")"
_load_facts n

list_json || t_done
t_is "$(jq '[.objects[] | select(.state == "orphan")] | length' "$T_JSON")" \
	12 "setup: as root, all 12 objects are orphans"
t_jq "setup: 5 of them belong to nobody" \
	'[.objects[] | select(.owner.uid == 65534)] | length == 5'

# What nobody sees: its list, then its gc.
as_nobody "$IPCSCAN" list --trust-pidns --json >"$T_JSON" 2>"$T_WORK/nl.err"
t_is "$?" 0 "list as nobody: exit 0"
t_jq "list as nobody: complete is false (root's processes are opaque)" \
	'.complete == false'
t_jq "list as nobody: no POSIX object is an orphan (holders unprovable)" \
	'[.objects[] | select((.kind == "pshm" or .kind == "psem" or
	 .kind == "mqueue") and .state == "orphan")] == []'

T_GC=$T_WORK/gc.json
as_nobody "$IPCSCAN" gc --trust-pidns --json --min-age 0 >"$T_GC" 2>"$T_GC.err"
t_is "$?" 0 "gc as nobody: exit 0"
t_gjq "gc as nobody: nothing failed" '.failed == 0'
t_gjq "gc as nobody: nothing of root's is removed" \
	'[.actions[] | select(.uid != 65534 and .action != "skipped")] == []'
t_gjq "gc as nobody: root's objects acted on are skipped, not owner" \
	'all(.actions[] | select(.uid != 65534);
	 .error | test("not owner|not permitted"))'
t_like "$(gc_act_of "shm id=${F[rshm.id]} key=0x00001001")" \
	'^skipped: not owner' "root's orphan shm: skipped, not owner"
t_is "$(gc_act_of "shm id=${F[nshm.id]} key=0x00002001")" "removed: " \
	"nobody's own orphan shm (nattch 0, creator gone): removed"
t_is "$(gc_act_of "sem id=${F[nsem.id]} key=0x00002002")" "removed: " \
	"nobody's own orphan sem (kernel counts no waiter): removed"
t_is "$(gc_act_of "msg id=${F[nmsg.id]} key=0x00002003")" "" \
	"nobody's msg (a receiver could be blocked unseen): not acted on"
t_is "$(gc_act_of "pshm /dev/shm/nobodyp")" "" \
	"nobody's pshm (holders unprovable as nobody): not acted on"
t_ok "the lock went to \$XDG_RUNTIME_DIR" test -f "$RUNDIR/ipcscan.lock"
t_ok "no lock in /run was made by nobody" test ! -e /run/ipcscan.lock

list_json
for i in "shm id=${F[rshm.id]} key=0x00001001" \
	"sem id=${F[rsem.id]} key=0x00001002" \
	"msg id=${F[rmsg.id]} key=0x00001003" "pshm /dev/shm/rootp" \
	"psem /dev/shm/sem.roots" "mqueue /dev/mqueue/rootq" \
	"sockfile /tmp/root.sock" "pshm /dev/shm/nobodyp" \
	"msg id=${F[nmsg.id]} key=0x00002003"; do
	t_jq "still there after gc as nobody: $i" \
		"$GC_IDENT"'[.objects[] | select(ident == $i)] | length == 1' \
		--arg i "$i"
done

# Without XDG_RUNTIME_DIR (cron, su): /run/user/UID when it is the user's,
# else /tmp/ipcscan-UID (made 0700), never a directory another user could
# have planted. -t fifo: these runs must find nothing to remove.
TMPLOCK=/tmp/ipcscan-65534
# nobody_gc ENV-ARGS... -- GC-ARGS... : gc as nobody, output in $T_WORK.
nobody_gc() {
	local envargs=()
	while [ "$1" != -- ]; do
		envargs+=("$1")
		shift
	done
	shift
	setpriv --reuid=nobody --regid="$NGID" --clear-groups \
		env -u XDG_RUNTIME_DIR "${envargs[@]}" "$IPCSCAN" gc \
		--trust-pidns -t fifo --min-age 0 "$@" >"$T_WORK/out" 2>"$T_WORK/err"
	NRC=$?
}
refused() {
	t_is "$NRC" 1 "$1: exit 1"
	t_is "$(wc -l <"$T_WORK/err")" 1 "$1: one line on stderr"
	t_like "$(cat "$T_WORK/err")" "$2" "$1: says '$2'"
	t_is "$(head -c 200 "$T_WORK/out")" "" "$1: nothing on stdout"
}

rm -f "$RUNDIR/ipcscan.lock"
nobody_gc -- --json
t_is "$NRC" 0 "no XDG_RUNTIME_DIR, /run/user/65534 is nobody's: exit 0"
t_ok "... the lock is in /run/user/65534" test -f "$RUNDIR/ipcscan.lock"
t_ok "... nothing made in /tmp" test ! -e "$TMPLOCK"
rm -f "$RUNDIR/ipcscan.lock"
nobody_gc XDG_RUNTIME_DIR= -- --json
t_is "$NRC" 0 "an empty XDG_RUNTIME_DIR is no XDG_RUNTIME_DIR: exit 0"
t_ok "... the lock is in /run/user/65534" test -f "$RUNDIR/ipcscan.lock"
rm -f "$RUNDIR/ipcscan.lock"

chown root "$RUNDIR"
nobody_gc -- --json
t_is "$NRC" 0 "/run/user/65534 owned by root: exit 0"
t_ok "... the lock is in $TMPLOCK" test -f "$TMPLOCK/ipcscan.lock"
t_is "$(stat -c '%U %a %F' "$TMPLOCK")" "nobody 700 directory" \
	"... $TMPLOCK was made nobody's, mode 0700"
chown nobody "$RUNDIR"
chmod 0777 "$RUNDIR"
rm -rf "$TMPLOCK"
nobody_gc -- --json
t_is "$NRC" 0 "/run/user/65534 writable by others: exit 0"
t_ok "... not used: the lock is in $TMPLOCK" test -f "$TMPLOCK/ipcscan.lock"
t_ok "... and not in /run/user/65534" test ! -e "$RUNDIR/ipcscan.lock"
rm -rf "$RUNDIR" "$TMPLOCK"

# Planted: another user's, a symlink, a mode other than 0700.
mkdir -m 0700 "$TMPLOCK"
nobody_gc -- --json
refused "$TMPLOCK made by root" "owned by another user"
t_ok "... no lock in it" test ! -e "$TMPLOCK/ipcscan.lock"
nobody_gc -- --json --dry-run
t_is "$NRC" 0 "... a dry run needs no lock: exit 0"
t_is "$(jq -c '{dry_run, failed}' "$T_WORK/out")" \
	'{"dry_run":true,"failed":0}' "... and reports as usual"
rmdir "$TMPLOCK"
mkdir -m 0700 /tmp/elsewhere && chown nobody /tmp/elsewhere
ln -s /tmp/elsewhere "$TMPLOCK"
nobody_gc -- --json
refused "$TMPLOCK a symlink to nobody's directory" "symbolic link"
t_ok "... nothing made through it" test ! -e /tmp/elsewhere/ipcscan.lock
rm "$TMPLOCK"
mkdir -m 0755 "$TMPLOCK" && chown nobody "$TMPLOCK"
nobody_gc -- --json
refused "$TMPLOCK nobody's but mode 0755" "mode is not 0700"
rm -rf "$TMPLOCK"

nobody_gc XDG_RUNTIME_DIR=relative/dir -- --json
refused "a relative XDG_RUNTIME_DIR" \
	"XDG_RUNTIME_DIR is not absolute: 'relative/dir'"
nobody_gc XDG_RUNTIME_DIR=relative/dir -- --json -n
t_is "$NRC" 0 "a relative XDG_RUNTIME_DIR, dry run (no lock): exit 0"

# Root may remove everybody's orphans.
gc_json --min-age 0
t_gjq "gc as root: the 9 remaining orphans go, nobody's pshm too" \
	'.removed == 9 and ([.actions[] | select(.path == "/dev/shm/nobodyp")
	 | .action] == ["removed"])'

t_done
