#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_valgrind.sh - memcheck of list --json, gc --dry-run and stats on a host
# with one object of most kinds, in fresh ipc/mount/net/pid namespaces
# (tmpfs on /dev/shm, /tmp and /run): no memory error, nothing definitely
# lost. Skips when not root, without valgrind, or on a sanitizer build
# (which tests/run-tests does not run it against).
# run-tests: no-sanitizer
set -u
cd "$(dirname "$0")/../.." || exit 1
IPCSCAN=${IPCSCAN:-$PWD/build/ipcscan}
HELPERS=${HELPERS:-$PWD/build/helpers}

skip() {
	echo "ok - valgrind memcheck # SKIP $*"
	exit 77
}

[ "$(id -u)" -eq 0 ] || skip "needs root for namespaces"
command -v valgrind >/dev/null 2>&1 || skip "valgrind not installed"
command -v unshare >/dev/null 2>&1 || skip "unshare not installed"
[ -x "$IPCSCAN" ] || skip "no binary at $IPCSCAN"
# ASan/UBSan runtimes and valgrind cannot share a process.
if ldd "$IPCSCAN" 2>/dev/null | grep -Eq 'lib(asan|ubsan|tsan)' ||
   nm "$IPCSCAN" 2>/dev/null | grep -Eq '__(asan|ubsan|tsan)_'; then
	skip "$IPCSCAN is a sanitizer build"
fi
# As root this must work (lib.sh's ns_enter says the same).
if ! err=$(unshare --ipc --mount --net --pid --fork --mount-proc true 2>&1)
then
	echo "not ok - valgrind memcheck: root cannot create namespaces here"
	echo "#   unshare: $err"
	echo "#   (in a chroot, its / must be a mount point: mount --bind DIR DIR)"
	exit 1
fi

tmp=$(mktemp -d) || exit 1
[ -z "${KEEP_TMP:-}" ] || echo "# logs in $tmp"
[ -n "${KEEP_TMP:-}" ] || trap 'rm -rf "$tmp"' EXIT

# Runs inside the namespaces. The logs go out through inherited fds 3-8,
# because the tmpfs mounts hide this test's own temporary directory.
# shellcheck disable=SC2317  # called through "bash -c inner"
inner() {
	local top=$PWD keep
	exec {keep}<"$top"
	mount --make-rprivate / || exit 1
	mount -t tmpfs tmpfs /dev/shm || exit 1
	mount -t tmpfs tmpfs /tmp || exit 1
	mount -t tmpfs tmpfs /run || exit 1
	# a checkout under /tmp or /run stays reachable at its path
	case "$top/" in
	/tmp/*|/run/*|/dev/shm/*)
		mkdir -p "$top" && mount --no-canonicalize --bind \
			"/proc/$$/fd/$keep" "$top" || exit 1 ;;
	esac
	exec {keep}<&-
	# An inherited mqueue mount shows the outer namespace's queues:
	# cover it with our IPC namespace's own (lib.sh does the same).
	if mountpoint -q /dev/mqueue 2>/dev/null; then
		mount -t mqueue mqueue /dev/mqueue || exit 1
	fi
	ipcmk -M 4096 >/dev/null && ipcmk -S 2 >/dev/null &&
		ipcmk -Q >/dev/null || exit 1
	python3 -c 'import os
from multiprocessing import shared_memory as s
from multiprocessing import resource_tracker
x = s.SharedMemory(create=True, size=4096)
# as if killed: nobody unlinks it, not even the resource tracker
resource_tracker.unregister(x._name, "shared_memory")
os._exit(0)' || exit 1
	if [ -x "$HELPERS/mkipc" ]; then
		# objects in use, so the holder pass has something to find
		"$HELPERS/mkipc" -c hold shm:0x7e57 sem,wait:0x7e58 \
			msg,wait:0x7e59 pshm,via=both:held psem:held \
			mq,notify:held unix:/tmp/held.sock \
			unix,netns=new:/tmp/ns.sock fifo:/tmp/held.fifo \
			>/tmp/mkipc.out 2>&1 &
		for _ in $(seq 100); do
			grep -q '^ready' /tmp/mkipc.out 2>/dev/null && break
			sleep 0.1
		done
		"$HELPERS/mkipc" leak pshm:psm_leaked unix:/tmp/stale.sock \
			>/dev/null 2>&1
	fi
	# This valgrind checks mount()'s type argument even with MS_PRIVATE,
	# where the kernel ignores it and NULL is what the man page says.
	# Its bpf() wrapper also checks two BPF_PROG_LOAD fields of
	# BPF_MAP_CREATE calls, past the attr size libbpf passes and zeroes.
	cat >/run/mount.supp <<'EOS'
{
   mount-type-may-be-null
   Memcheck:Param
   mount(type)
   fun:mount
}
{
   bpf-map-create-checked-as-prog-load-1
   Memcheck:Param
   bpf(attr->expected_attach_type)
   fun:syscall
   obj:*/libbpf.so*
}
{
   bpf-map-create-checked-as-prog-load-2
   Memcheck:Param
   bpf(attr->prog_ifindex)
   fun:syscall
   obj:*/libbpf.so*
}
EOS
	local vg="valgrind --error-exitcode=99 --leak-check=full
		--errors-for-leak-kinds=definite --show-leak-kinds=definite
		--suppressions=/run/mount.supp --num-callers=30 --vgdb=no"
	# shellcheck disable=SC2086
	$vg --log-fd=3 "$IPCSCAN" list --trust-pidns --json >&6 2>/dev/null
	echo "list $?" >&9
	# shellcheck disable=SC2086
	$vg --log-fd=4 "$IPCSCAN" gc --trust-pidns --dry-run --min-age 0 >&7 2>/dev/null
	echo "gc $?" >&9
	# shellcheck disable=SC2086
	$vg --log-fd=5 "$IPCSCAN" stats --trust-pidns >&8 2>/dev/null
	echo "stats $?" >&9
}
export IPCSCAN HELPERS
export -f inner
unshare --ipc --mount --net --pid --fork --mount-proc bash -c inner \
	3>"$tmp/vg.list" 4>"$tmp/vg.gc" 5>"$tmp/vg.stats" \
	6>"$tmp/out.list" 7>"$tmp/out.gc" 8>"$tmp/out.stats" 9>"$tmp/rc"

fail=0
for c in list gc stats; do
	log="$tmp/vg.$c"
	rc=$(sed -n "s/^$c //p" "$tmp/rc")
	# one summary per process in the log (ipcscan no longer forks, but
	# a log with several is still added up right)
	errs=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$log" |
		awk '{ s += $1; n++ } END { if (n) print s }')
	lost=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$log" |
		tr -d , | awk '{ s += $1 } END { print s + 0 }')
	if [ "$rc" = 0 ] && [ "$errs" = 0 ] && [ "$lost" = 0 ]; then
		echo "ok - valgrind $c: 0 errors, 0 bytes definitely lost"
	else
		echo "not ok - valgrind $c: exit ${rc:-none}," \
			"${errs:-?} errors, $lost bytes definitely lost"
		grep -E -A8 'Invalid|uninit|definitely lost in|Syscall param' \
			"$log" | head -40 | sed 's/^/# /'
		fail=1
	fi
done

# Under valgrind the document is still whole, and the threads that enter
# other namespaces (the private mqueue mount) still worked.
want="shm sem msg pshm"
[ -x "$HELPERS/mkipc" ] && want="$want psem mqueue"
if python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
kinds = {o["kind"] for o in d["objects"]}
sys.exit(0 if set(sys.argv[2].split()) <= kinds else 1)' \
	"$tmp/out.list" "$want" 2>/dev/null; then
	echo "ok - list --json under valgrind lists $want"
else
	echo "not ok - list --json under valgrind lists $want"
	head -c 600 "$tmp/out.list" | sed 's/^/# /'
	fail=1
fi
exit $fail
