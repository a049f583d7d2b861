#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_gc_symlink.sh - gc: symlinks planted in /dev/shm and in socket dirs,
# before the scan or between scan and removal, and mounts below a socket
# dir, never lead it to remove anything outside.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"
need_hooks

# /mnt is outside every socket dir and /dev/shm: a tmpfs of our own.
mount -t tmpfs -o mode=0755 tmpfs /mnt || t_bail "cannot mount /mnt"
mkdir -p /mnt/target /mnt/sockdir /mnt/swapdir
echo precious >/mnt/target/file
echo precious >/mnt/target/victim
echo precious >/mnt/target/semvictim
leak t unix,as=ms:/mnt/sockdir/stale.sock unix,as=mw:/mnt/swapdir/s.sock

# Planted before the scan.
ln -s /mnt/target/file /dev/shm/evil
ln -s /mnt/target/file /dev/shm/sem.evil
ln -s /mnt/target /dev/shm/dirlink
ln -s /nonexistent /dev/shm/dangling
ln -s /mnt/sockdir /tmp/link
mkdir -p /run/app && ln -s /mnt/sockdir /run/app/link
ln -s /mnt/sockdir/stale.sock /var/tmp/stale-link.sock
# A ramfs below a socket dir is another file system, and not a tmpfs: not
# entered. A tmpfs there is.
mkdir -p /tmp/ram /tmp/tsub
mount -t ramfs ramfs /tmp/ram || t_bail "cannot mount a ramfs"
mount -t tmpfs tmpfs /tmp/tsub || t_bail "cannot mount a tmpfs on /tmp/tsub"
leak r unix,as=ram:/tmp/ram/stale.sock unix,as=tsub:/tmp/tsub/stale.sock

# Orphans that will be swapped for symlinks between scan and removal.
mkdir -p /tmp/d /tmp/e
leak l pshm,as=p:swapme psem,as=ps:swapsem unix,as=s:/tmp/d/s.sock \
	unix,as=e:/tmp/e/s.sock

files_state() {
	find /mnt /dev/shm /tmp/ram -printf '%p %y %i %s %l\n' | sort
	md5sum /mnt/target/*
}

list_json || t_done
obj_none "no object is listed under /mnt" '(.path // "") | startswith("/mnt")'
obj_none "no symlink in /dev/shm is listed" \
	'.path == "/dev/shm/evil" or .path == "/dev/shm/sem.evil" or
	 .path == "/dev/shm/dirlink" or .path == "/dev/shm/dangling"'
obj_none "nothing is listed through a symlinked directory" \
	'(.path // "") | test("/link|stale-link")'
obj_none "nothing is listed on the ramfs below /tmp" \
	'(.path // "") | startswith("/tmp/ram/")'
find_path sockfile /tmp/tsub/stale.sock
o_state orphan "stale socket on a tmpfs mounted below /tmp"

before=$(files_state)
gc_json --min-age 0 -t pshm,psem,sockfile --exclude '/tmp/[de]/*' \
	--exclude swapme --exclude swapsem
t_gjq "planted symlinks: only the socket file on the tmpfs below /tmp goes" \
	'[.actions[] | {path, action}] ==
	 [{"path": "/tmp/tsub/stale.sock", "action": "removed"}]'
t_is "$(files_state)" "$before" \
	"targets, symlinks, the ramfs and /mnt are untouched"
t_ok "the stale socket behind /tmp/link is still there" \
	test -S /mnt/sockdir/stale.sock
t_ok "the stale socket on the ramfs is still there" test -S /tmp/ram/stale.sock

# Between scan and removal each orphan becomes a symlink to a file
# outside, or its directory becomes a symlink to (or a non-tmpfs mount
# holding) a stale socket of the same name.
before=$(find /mnt -printf '%p %y %i %s\n' | sort; md5sum /mnt/target/*)
gc_hooked "swapped for symlinks" '
rm /dev/shm/swapme /dev/shm/sem.swapsem
ln -s /mnt/target/victim /dev/shm/swapme
ln -s /mnt/target/semvictim /dev/shm/sem.swapsem
mv /tmp/d /tmp/d.old
ln -s /mnt/swapdir /tmp/d
mount -t ramfs ramfs /tmp/e
"$MKIPC" leak unix:/tmp/e/s.sock >/dev/null'
t_is "$GC_RC" 0 "swapped for symlinks: exit 0"
t_like "$(gc_act_of "pshm /dev/shm/swapme")" '^skipped: .*symlink' \
	"pshm swapped for a symlink: skipped, the error says symlink"
t_like "$(gc_act_of "psem /dev/shm/sem.swapsem")" '^skipped: .*symlink' \
	"psem swapped for a symlink: skipped, the error says symlink"
t_like "$(gc_act_of "sockfile /tmp/d/s.sock")" '^skipped: .*symlink' \
	"socket dir swapped for a symlink: skipped, the error says symlink"
t_like "$(gc_act_of "sockfile /tmp/e/s.sock")" '^skipped: ' \
	"socket dir covered by a ramfs: skipped"
t_is "$(find /mnt -printf '%p %y %i %s\n' | sort; md5sum /mnt/target/*)" \
	"$before" "nothing under /mnt changed"
t_ok "the symlink /dev/shm/swapme is left alone" test -L /dev/shm/swapme
t_ok "the stale socket in the symlinked-to dir is still there" \
	test -S /mnt/swapdir/s.sock
t_ok "the stale socket on the ramfs is still there" test -S /tmp/e/s.sock
t_ok "the moved-away original is still there (never reached)" \
	test -S /tmp/d.old/s.sock

t_done
