#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_hostile_fs.sh - hostile trees: symlink farms and loops, deep trees,
# foreign mounts, FIFOs nobody opens, odd /dev/shm entries.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

SD=/tmp/sd		# the socket dir of the symlink and depth cases
HID=/run/hidden		# outside $SD: reachable only through symlinks
mkdir -p "$SD/real" "$HID" "$SD/farm" || t_bail "mkdir"

# ------------------------------------------------------ symlinks

leak hid "unix,as=hid:$HID/only-via-link.sock" "fifo,as=hf:$HID/hidden.fifo"
leak real "unix,as=r:$SD/real/r.sock"
ln -s "$HID" "$SD/linkdir"
ln -s "$HID/only-via-link.sock" "$SD/link.sock"
ln -s "$HID/hidden.fifo" "$SD/link.fifo"
for ((i = 0; i < 300; i++)); do
	ln -s "$SD/real" "$SD/farm/d$i"
	ln -s "$SD/real/r.sock" "$SD/farm/s$i.sock"
	ln -s "$HID" "$SD/farm/h$i"
done
ln -s loop2 "$SD/loop1"
ln -s loop1 "$SD/loop2"
ln -s . "$SD/self"
ln -s .. "$SD/real/up"
ln -s / "$SD/rootlink"
ln -s "$SD" "$SD/real/back"
ln -s "$SD/real/chain1" "$SD/real/chain0"
for ((i = 1; i < 50; i++)); do
	ln -s "$SD/real/chain$((i + 1))" "$SD/real/chain$i"
done
ln -s "$HID" "$SD/real/chain50"
# A bind mount of the dir inside itself: same tmpfs, same inodes.
mkdir -p "$SD/real/bindloop"
mount --bind "$SD" "$SD/real/bindloop" || t_bail "mount --bind"

list_json --socket-dir "$SD" || t_done
t_jq "symlinks: complete is true" '.complete == true'
find_path sockfile "$SD/real/r.sock"
o_state orphan "the one real stale socket"
obj_none "nothing reached through a symlink or the bind loop is listed" \
	'(.kind == "sockfile" or .kind == "fifo") and .path != $p' \
	--arg p "$SD/real/r.sock"

list_json --socket-dir "$SD/linkdir" || t_done
obj_none "a socket dir that is a symlink is not followed" \
	'.kind == "sockfile" or .kind == "fifo"'
t_like "$(cat "$T_WORK/list.err")" "$SD/linkdir.*symlink" \
	"a socket dir that is a symlink: a warning names it"
list_json --socket-dir "$SD/linkdir/" || t_done
obj_none "... even with a trailing slash" \
	'.kind == "sockfile" or .kind == "fifo"'

ipcscan gc --min-age 0 --socket-dir "$SD" --json >"$T_WORK/gc.json" \
	2>"$T_WORK/gc.err"
t_is "$?" 0 "gc over the symlink farm: exit 0"
t_is "$(jq -c '[.actions[] | [.action, .path]]' "$T_WORK/gc.json" 2>&1)" \
	"[[\"removed\",\"$SD/real/r.sock\"]]" \
	"gc over the symlink farm: only the real stale socket is removed"
t_ok "the hidden socket, the FIFO and every symlink are still there" \
	test -S "$HID/only-via-link.sock" -a -p "$HID/hidden.fifo" \
	-a -L "$SD/link.sock" -a -L "$SD/farm/s299.sock" -a -L "$SD/loop1"
umount "$SD/real/bindloop"

# --------------------------------------------------------- depth

# walk_dir() gets depth 1 for the entries of a socket dir itself and
# enters a directory only while its entries stay at depth <= 4.
mkdir -p "$SD/d1/d2/d3/d4" /tmp/e1/e2/e3/e4
leak dep "unix,as=a1:$SD/at1.sock" "unix,as=a4:$SD/d1/d2/d3/at4.sock" \
	"unix,as=a5:$SD/d1/d2/d3/d4/at5.sock" \
	"fifo,as=f4:$SD/d1/d2/d3/at4.fifo" \
	"fifo,as=f5:$SD/d1/d2/d3/d4/at5.fifo" \
	"unix,as=t4:/tmp/e1/e2/e3/tmp4.sock" \
	"unix,as=t5:/tmp/e1/e2/e3/e4/tmp5.sock"
# 300 levels, a socket at the bottom.
deep=$SD/deep
for ((i = 0; i < 300; i++)); do deep+=/d; done
if ! mkdir -p "$deep" ||
	! (cd "$deep" && "$MKIPC" leak unix:bottom.sock >/dev/null 2>&1); then
	t_bail "cannot make the deep tree"
fi

list_json --socket-dir "$SD" || t_done
find_path sockfile "$SD/at1.sock"
find_path sockfile "$SD/d1/d2/d3/at4.sock"
o_state orphan "stale socket at depth 4"
find_path fifo "$SD/d1/d2/d3/at4.fifo"
obj_none "nothing at depth 5 is listed" '.path != null and
	(.path | startswith($p + "/d1/d2/d3/d4/"))' --arg p "$SD"
obj_none "nothing from the 300-level tree below depth 4" \
	'.path != null and (.path | startswith($p + "/deep/d/d/d/d"))' \
	--arg p "$SD"
list_json || t_done
find_path sockfile /tmp/e1/e2/e3/tmp4.sock
obj_none "default dirs: /tmp/e1/e2/e3/e4/tmp5.sock (depth 5) not listed" \
	'.path == "/tmp/e1/e2/e3/e4/tmp5.sock"'
obj_none "default dirs: nothing from the 300-level tree below depth 4" \
	'.path != null and (.path | startswith("/tmp/sd/deep/d/d/d"))'

# ------------------------------------------------- foreign mounts

# Only a tmpfs mounted below a socket dir is entered.
mkdir -p "$SD/ramfs" "$SD/tmpfs2"
mount -t ramfs ramfs "$SD/ramfs" || t_bail "mount ramfs"
mount -t tmpfs tmpfs "$SD/tmpfs2" || t_bail "mount tmpfs"
leak mnt "unix,as=rf:$SD/ramfs/in-ramfs.sock" \
	"unix,as=tf:$SD/tmpfs2/in-tmpfs.sock"
list_json --socket-dir "$SD" || t_done
find_path sockfile "$SD/tmpfs2/in-tmpfs.sock"
obj_none "a stale socket on a ramfs below the socket dir is not listed" \
	'.path == $p' --arg p "$SD/ramfs/in-ramfs.sock"
ipcscan gc --min-age 0 --socket-dir "$SD" >/dev/null 2>&1
t_ok "gc leaves the socket on the ramfs alone" \
	test -S "$SD/ramfs/in-ramfs.sock"
umount "$SD/ramfs" "$SD/tmpfs2"

# ---------------------------------------------------------- FIFOs

# Nobody on them, one with a writer blocked in open(): a scan neither
# opens nor blocks on any of them.
mkdir -p /var/tmp/fifos
for ((i = 0; i < 500; i++)); do mkfifo "/var/tmp/fifos/f$i"; done
bash -c 'exec 3>/var/tmp/fifos/f0; sleep 100' &
blocked=$!
T_PIDS[blocked]=$blocked
mkfifo /dev/shm/shm.fifo
sleep 0.2
t0=${EPOCHREALTIME/[.,]/}
timeout 10 "$IPCSCAN" list --trust-pidns --json >"$T_JSON" 2>"$T_WORK/list.err"
rc=$?
t1=${EPOCHREALTIME/[.,]/}
echo "# list with 500 idle FIFOs: $(( (t1 - t0) / 1000 )) ms wall"
t_is "$rc" 0 "idle FIFOs: list finishes under timeout 10 with exit 0"
t_is "$(jqo '[.objects[] | select(.kind == "fifo" and
	(.path | startswith("/var/tmp/fifos/")) and .state == "unknown" and
	(.reason | test("nobody has it open")))] | length' 2>&1)" 500 \
	"500 idle FIFOs listed as unknown, nobody has it open"
find_path fifo /dev/shm/shm.fifo
obj_none "a FIFO in /dev/shm is no pshm" '.kind == "pshm" and
	.path == "/dev/shm/shm.fifo"'
timeout 10 "$IPCSCAN" gc --trust-pidns --min-age 0 --json >"$T_WORK/gc.json" 2>&1
t_is "$?" 0 "idle FIFOs: gc finishes under timeout 10 with exit 0"
t_is "$(find /var/tmp/fifos -type p | wc -l)" 500 "gc never removes a FIFO"
stop blocked

# ------------------------------------------------------ /dev/shm

mkdir /dev/shm/adir && : >/dev/shm/adir/inner
mknod /dev/shm/nulldev c 1 3 || t_bail "mknod c 1 3"
mknod /dev/shm/blkdev b 7 200 || t_bail "mknod b 7 200"
echo secret >/run/target
ln -s /run/target /dev/shm/symlink
ln -s /etc/passwd /dev/shm/sem.evil
leak ho pshm,as=ho,size=4096:hl_orphan
ln /dev/shm/hl_orphan /dev/shm/hl_orphan2
hold hh pshm,as=hh,size=8192:hl_held
ln /dev/shm/hl_held /dev/shm/hl_held2
leak sk "unix,as=sk:/dev/shm/stale.sock"

list_json || t_done
obj_none "directories, devices and symlinks in /dev/shm are not pshm/psem" \
	'(.kind == "pshm" or .kind == "psem") and (.name | IN("adir",
	 "inner", "nulldev", "blkdev", "symlink", "evil"))'
obj_none "... nor anything else" '.path != null and (.path |
	IN("/dev/shm/adir", "/dev/shm/adir/inner", "/dev/shm/nulldev",
	"/dev/shm/blkdev", "/dev/shm/symlink", "/dev/shm/sem.evil"))'
find_path sockfile /dev/shm/stale.sock
obj_none "a socket file in /dev/shm is no pshm" \
	'.kind == "pshm" and .name == "stale.sock"'
for n in hl_orphan hl_orphan2 hl_held hl_held2; do
	find_name pshm "$n"
done
t_jq "hard links: two names of one inode, dev and ino equal" \
	'[.objects[] | select(.kind == "pshm" and (.name |
	 startswith("hl_"))) | .pshm] | group_by(.ino) |
	 map(length == 2 and .[0].dev == .[1].dev) == [true, true]'
t_jq "hard links of a held file: both names in use, same holder" \
	'[.objects[] | select(.kind == "pshm" and (.name |
	 startswith("hl_held"))) | [.state, (.holders | map(.pid))]] ==
	 [["in-use", [$h]], ["in-use", [$h]]]' --argjson h "${F[hh.pid]}"
t_jq "hard links of a leaked file: both names orphan" \
	'[.objects[] | select(.kind == "pshm" and (.name |
	 startswith("hl_orphan"))) | .state] == ["orphan", "orphan"]'

ipcscan gc --min-age 0 --json >"$T_WORK/gc.json" 2>"$T_WORK/gc.err"
t_is "$?" 0 "gc with odd /dev/shm entries: exit 0"
t_is "$(jq '.failed' "$T_WORK/gc.json" 2>&1)" 0 "gc: nothing failed"
t_ok "gc left the directory, the devices, the symlinks and the target" \
	test -d /dev/shm/adir -a -f /dev/shm/adir/inner \
	-a -c /dev/shm/nulldev -a -b /dev/shm/blkdev \
	-a -L /dev/shm/symlink -a -L /dev/shm/sem.evil -a -f /run/target
t_ok "gc left the held hard links" test -f /dev/shm/hl_held -a \
	-f /dev/shm/hl_held2
# Unlinking one name moves the inode's ctime, so the other name may be
# skipped as "changed since scan" and go in the next run.
t_like "$(jq -c '[.actions[] | select(.name != null and (.name |
	startswith("hl_orphan"))) | .action] | sort' "$T_WORK/gc.json")" \
	'^\["removed","(removed|skipped)"\]$' \
	"gc removed the orphaned hard link (the second name maybe next run)"
ipcscan gc --min-age 0 >/dev/null 2>&1
t_ok "a second gc leaves no name of the orphaned hard link" \
	test ! -e /dev/shm/hl_orphan -a ! -e /dev/shm/hl_orphan2

t_done
