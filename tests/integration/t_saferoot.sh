#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_saferoot.sh - the saferoot module on hostile container roots: an
# absolute-symlink /dev/shm, a "../" escape from a chroot, a bind mount of
# a host tmpfs are refused and nothing outside is touched; a normal
# container's /dev/shm is used through its kept fd, even after it died;
# the openat2 and pidfd fallbacks give the same answers.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2015
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

PROBE=$HELPERS/saferoot_probe
[ -x "$PROBE" ] || t_bail "no helper at $PROBE"
hooks=1
"$IPCSCAN" --root / --version >/dev/null 2>&1 || hooks=0

# Everything lives below $W, on the test's own /run tmpfs. The test's
# mount namespace plays the host: the probe checks against its mountinfo.
W=$T_WORK/sr
mkdir -p "$W" || t_bail "cannot make $W"
ID=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef

devof() {
	mountpoint -d "$1"
}

# shellcheck source=tests/integration/containers.sh
. "$(dirname "$0")/containers.sh"

# probe ARGS...: the probe's output in OUT, its status in RC.
probe() {
	OUT=$(timeout 20 "$PROBE" "$@" 2>&1)
	RC=$?
}

# both DESC EXPECT-RC ARGS...: the probe with openat2 and pidfds, then
# (test builds) with neither: the same status and the same lines, but
# for "via", which must say the walk was taken. The first output stays
# in OUT.
both() {
	local desc=$1 want=$2 out1 rc1
	shift 2
	probe "$@"
	t_is "$RC" "$want" "$desc: exit $want"
	[ "$RC" = 0 ] && t_like "$OUT" $'\nvia=openat2(\n|$)' "$desc: via openat2"
	out1=$OUT rc1=$RC
	if [ "$hooks" = 0 ]; then
		t_skip "$desc: the fallbacks agree" "needs a TEST_HOOKS build"
		return
	fi
	OUT=$(IPCSCAN_TEST_NO_OPENAT2=1 IPCSCAN_TEST_NO_PIDFD=1 \
		timeout 20 "$PROBE" "$@" 2>&1)
	RC=$?
	[ "$rc1" = 0 ] && t_like "$OUT" $'\nvia=walk(\n|$)' "$desc: fallback walks"
	t_is "$RC:${OUT//via=walk/via=}" "$rc1:${out1//via=openat2/via=}" \
		"$desc: the fallback (no openat2, no pidfd) answers the same"
	OUT=$out1 RC=$rc1
}

# probe_bg NAME ARGS...: the probe with -w in the background, until it
# says "waiting" (what it printed so far is in OUT); probe_go NAME lets
# it go on and puts all it printed in OUT.
probe_bg() {
	local name=$1 i
	shift
	rm -f "$W/$name.ctl" && mkfifo "$W/$name.ctl" || t_bail "mkfifo"
	timeout 20 "$PROBE" -w "$@" <"$W/$name.ctl" >"$W/$name.out" 2>&1 &
	BG_PID=$!
	exec {BG_CTL}>"$W/$name.ctl"
	for ((i = 0; i < 1000; i++)); do
		grep -qx waiting "$W/$name.out" 2>/dev/null && break
		[ -d "/proc/$BG_PID" ] || break
		sleep 0.01
	done
	OUT=$(cat "$W/$name.out")
}

probe_go() {
	echo go >&"$BG_CTL"
	exec {BG_CTL}>&-
	wait "$BG_PID"
	OUT=$(cat "$W/$1.out")
}

# A host directory with a file that must survive: /etc, say.
VICTIM=$W/victim
mkdir -p "$VICTIM" && echo precious >"$VICTIM/psm_precious" &&
	touch -d '2 days ago' "$VICTIM/psm_precious" || t_bail "victim"

# ---- (a) /dev/shm is an absolute symlink to a host directory
newroot "$W/a"
rmdir "$W/a/dev/shm" && ln -s "$VICTIM" "$W/a/dev/shm" || t_bail "root a"
start_ct a "$W/a" "$W/a" :
pa=${CT[a]}
# the trap is real: the naive path lists the host's file
t_like "$(ls "/proc/$pa/root/dev/shm/" 2>&1)" psm_precious \
	"(a) the naive /proc/PID/root/dev/shm reaches the host directory"
both "(a) absolute symlink" 3 "$pa" dev/shm
t_like "$OUT" "^root dev=$(devof "$W/a") ino=[0-9]+"$'\n'"skipped: /dev/shm of pid $pa is a symlink\$" \
	"(a) refused: is a symlink"
both "(a) as a socket dir" 3 -s "$pa" dev/shm
t_like "$OUT" "skipped: /dev/shm of pid $pa is a symlink\$" \
	"(a) refused as a socket dir too"
both "(a) below the symlink" 3 -s "$pa" dev/shm/x
t_like "$OUT" "skipped: /dev/shm/x of pid $pa is below a symlink \\(/dev/shm\\)\$" \
	"(a) a path below the symlink is refused, naming it"
t_ok "(a) the host's file is still there" test -f "$VICTIM/psm_precious"

# ---- (b) a "../" escape from a chroot
newroot "$W/b"
mkdir -p "$W/b/hostdir" "$W/b/jail/usr" "$W/b/jail/dev" &&
	echo precious >"$W/b/hostdir/precious" &&
	ln -s ../../hostdir "$W/b/jail/dev/shm" &&
	ln -s usr/lib "$W/b/jail/lib" && ln -s usr/lib64 "$W/b/jail/lib64" ||
	t_bail "root b"
start_ct b "$W/b" "$W/b/jail" :
pb=${CT[b]}
t_is "$(stat -c %i "/proc/$pb/root/")" "$(stat -c %i "$W/b/jail")" \
	"(b) the task's root is the chroot, a subdirectory"
t_like "$(ls "/proc/$pb/root/dev/shm/" 2>&1)" precious \
	"(b) the naive path escapes the chroot"
both "(b) ../ escape" 3 "$pb" dev/shm
t_like "$OUT" "skipped: /dev/shm of pid $pb escapes its root \\(through a symlink at /dev/shm\\)\$" \
	"(b) refused: escapes its root"
t_ok "(b) the file outside the chroot is still there" \
	test -f "$W/b/hostdir/precious"

# ---- (c) a bind mount of a host tmpfs over /dev/shm
HOSTRUN=$W/hostrun
mkdir -p "$HOSTRUN" && mount -t tmpfs -o mode=0755,size=1m tmpfs "$HOSTRUN" &&
	echo 4242 >"$HOSTRUN/important.pid" &&
	touch -d '3 days ago' "$HOSTRUN/important.pid" || t_bail "hostrun"
newroot "$W/c"
start_ct c "$W/c" "$W/c" 'mount --bind '"$HOSTRUN"' "$R/dev/shm"'
pc=${CT[c]}
both "(c) bind mount of a host tmpfs" 3 "$pc" dev/shm
t_like "$OUT" "skipped: /dev/shm of pid $pc is a bind mount of the host's $HOSTRUN tmpfs \\(dev $(devof "$HOSTRUN")\\)\$" \
	"(c) refused: a bind mount of the host's tmpfs, named with its dev"
both "(c) as a socket dir" 3 -s "$pc" dev/shm
t_like "$OUT" "is a bind mount of the host's $HOSTRUN tmpfs" \
	"(c) refused as a socket dir too"
# the host's /tmp (a tmpfs in the test) bound over /dev/shm, and a
# mount point with a blank and a newline (mountinfo escapes them)
echo old >/tmp/sr-old && touch -d '3 days ago' /tmp/sr-old
export ODD=$W/"odd dir"$'\n'x
mkdir -p "$ODD" && mount -t tmpfs -o size=1m tmpfs "$ODD" &&
	echo old >"$ODD/f" || t_bail "odd mount"
newroot "$W/c2"
mkdir -p "$W/c2/odd"
start_ct c2 "$W/c2" "$W/c2" 'mount --bind /tmp "$R/dev/shm"
	mount --bind "$ODD" "$R/odd"'
pc2=${CT[c2]}
both "(c) the host's /tmp bound in" 3 "$pc2" dev/shm
t_like "$OUT" "skipped: /dev/shm of pid $pc2 is a bind mount of the host's /tmp tmpfs \\(dev $(devof /tmp)\\)\$" \
	"(c) refused: a bind mount of the host's /tmp tmpfs"
both "(c) an odd host mount point bound in" 3 "$pc2" odd
t_like "$OUT" "skipped: /odd of pid $pc2 is a bind mount of the host's $W/odd dir\\\\nx tmpfs" \
	"(c) the odd mount point is decoded and said on one line"
t_is "$(cat "$HOSTRUN/important.pid" /tmp/sr-old "$ODD/f")" $'4242\nold\nold' \
	"(c) the host's files are still there"

# ---- (d) a normal container with a tmpfs /dev/shm of its own
newroot "$W/d"
start_ct d "$W/d" "$W/d" 'mount -t tmpfs -o mode=1777,size=1m shm "$R/dev/shm"
	echo x >"$R/dev/shm/psm_leak"; echo y >"$R/dev/shm/psm_two"
	echo z >"$R/dev/shm/psm_swap"; mount --bind /tmp "$R/tmp"'
pd=${CT[d]}
both "(d) own tmpfs" 0 "$pd" dev/shm
t_like "$OUT" $'\ndir dev=[0-9]+:[0-9]+ ino=[0-9]+ fs=tmpfs host=none\n' \
	"(d) accepted: a tmpfs that is no host mount"
t_like "$OUT" $'\nentry psm_leak\nentry psm_swap\nentry psm_two$' \
	"(d) its files are listed"
[[ $OUT =~ dir\ dev=([0-9:]+) ]] && ddev=${BASH_REMATCH[1]}
t_is "${ddev:-}" "$(stat -c '%Hd:%Ld' "/proc/$pd/root/dev/shm/")" \
	"(d) it is the container's tmpfs"
probe -u psm_leak "$pd" dev/shm
t_like "$OUT" $'\nunlink psm_leak: removed$' "(d) re-check + unlink removes"
t_ok "(d) the file is gone" test ! -e "/proc/$pd/root/dev/shm/psm_leak"
if [ "$hooks" = 1 ]; then
	probe_env() { IPCSCAN_TEST_NO_OPENAT2=1 IPCSCAN_TEST_NO_PIDFD=1 "$@"; }
	OUT=$(probe_env timeout 20 "$PROBE" -u psm_two "$pd" dev/shm 2>&1)
	t_like "$OUT" $'\nvia=walk\n.*\nunlink psm_two: removed$' \
		"(f) the fallback walk's kept fd removes as well"
else
	t_skip "(f) the fallback walk's kept fd removes as well" \
		"needs a TEST_HOOKS build"
fi
# an entry swapped between scan and removal is left alone
probe_bg swap -u psm_swap "$pd" dev/shm
rm "/proc/$pd/root/dev/shm/psm_swap" &&
	echo new >"/proc/$pd/root/dev/shm/psm_swap"
probe_go swap
t_like "$OUT" "unlink psm_swap: refused: the entry in /dev/shm of pid $pd changed since the scan" \
	"(d) a swapped entry is refused"
t_is "$(cat "/proc/$pd/root/dev/shm/psm_swap")" new "(d) and kept"
# socket dirs: the root's own file system is accepted, a host tmpfs is not
both "(d) run, on the root's own fs" 0 -s "$pd" run
t_like "$OUT" $'\ndir dev='"$(devof "$W/d")"$' ino=[0-9]+ fs=tmpfs host=other\nvia=' \
	"(d) run as a socket dir: the root's fs, accepted"
both "(d) tmp, the host's /tmp" 3 -s "$pd" tmp
t_like "$OUT" "skipped: /tmp of pid $pd is a bind mount of the host's /tmp tmpfs" \
	"(d) tmp as a socket dir: the host's /tmp, refused"
both "(d) run for shm" 3 "$pd" run
t_like "$OUT" "skipped: /run of pid $pd is a bind mount of the host's $W/d tmpfs" \
	"(d) run for shm: the root's tmpfs is a host mount, refused"

# ---- the host's /dev/shm bound in (--ipc=host), an engine's shm mount
newroot "$W/g"
start_ct g "$W/g" "$W/g" 'mount --bind /dev/shm "$R/dev/shm"'
both "(g) the host's /dev/shm" 0 "${CT[g]}" dev/shm
t_like "$OUT" "fs=tmpfs host=host-shm" "(g) accepted as the host's /dev/shm"
ESHM=$W/lib/containers/storage/overlay-containers/$ID/userdata/shm
mkdir -p "$ESHM" && mount -t tmpfs -o mode=1777,size=1m shm "$ESHM" &&
	echo p >"$ESHM/psm_pod" || t_bail "engine shm"
newroot "$W/h"
start_ct h "$W/h" "$W/h" 'mount --bind '"$ESHM"' "$R/dev/shm"'
both "(h) a podman pod's shm mount" 0 "${CT[h]}" dev/shm
t_like "$OUT" $'host=engine-shm\n.*entry psm_pod' \
	"(h) accepted as an engine's shm mount"
probe -M - "${CT[h]}" dev/shm
t_like "$OUT" "skipped: /dev/shm of pid ${CT[h]} cannot be checked: the host's mount table is unknown" \
	"(h) without the host's mount table: refused"

# ---- (e) the container dies between open and removal
newroot "$W/e"
start_ct e "$W/e" "$W/e" 'mount -t tmpfs -o mode=1777,size=1m shm "$R/dev/shm"
	echo x >"$R/dev/shm/psm_dead"'
pe=${CT[e]}
probe_bg die -u psm_dead "$pe" dev/shm
t_like "$OUT" $'\nentry psm_dead\nwaiting' "(e) opened while the container lives"
kill -KILL "$pe"
wait "$pe" 2>/dev/null
unset 'T_PIDS[ct_e]'
t_ok "(e) the container is gone" test ! -e "/proc/$pe"
probe_go die
t_like "$OUT" $'\nwaiting\nrecheck: ok\n' "(e) the kept fd passes its re-check"
t_like "$OUT" $'\nagain-held: skipped: /dev/shm of pid '"$pe"' is a bind mount of the host'"'"'s '"$W"'/e tmpfs' \
	"(e) a new walk from the held root lands elsewhere, and is refused"
t_like "$OUT" $'\nagain-fresh: skipped: pid '"$pe"$' is gone\nunlink' \
	"(e) a fresh root cannot be had"
t_like "$OUT" $'\nunlink psm_dead: removed$' \
	"(e) the kept fd still removes from the detached tmpfs"

# ---- a pid that is not there
probe 999999 dev/shm
t_is "$RC:$OUT" "3:skipped: pid 999999 is gone" "a pid that does not exist"

t_ok "the host's file is still there at the end" \
	test -f "$VICTIM/psm_precious"
t_done
