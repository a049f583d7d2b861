#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_sockdir_walk.sh - a socket dir that cannot be walked makes the scan
# incomplete, with a warning that names it: a socket dir that is a file or
# a symlink, a directory below one that cannot be read. A default socket
# dir the system does not have is no loss. The container engines' state
# trees below /run are not walked, knowingly: no warning, complete.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

command -v setpriv >/dev/null || t_skip_all "needs setpriv(1)"
id nobody >/dev/null 2>&1 || t_skip_all "needs a user 'nobody'"
# The pid namespaces run_nodac makes are the test's own.
TRUST=--trust-pidns

leak a unix,as=s1:/run/ok.sock
# A complete view first: nothing in the default dirs is unreadable.
list_json
t_jq "default dirs, all readable: complete" '.complete == true'
t_jq "default dirs: no warning" '.warnings == []'

# A socket dir that is a file, and one that is a symlink.
: >/run/afile
ln -s /run /tmp/alink
list_json --socket-dir /run --socket-dir /run/afile --socket-dir /tmp/alink
t_jq "a socket dir that is a file or a symlink: complete is false" \
	'.complete == false'
t_jq "... the warnings name both" '(.warnings | sort) == [
	"socket dir /run/afile is a symlink or not a directory: skipped",
	"socket dir /tmp/alink is a symlink or not a directory: skipped"]'
find_path sockfile /run/ok.sock
o_state orphan "the stale socket file in the readable dir"
gc_json --dry-run --min-age 0 --socket-dir /run --socket-dir /run/afile
t_gjq "gc --json: complete is false there too" '.complete == false'
t_gjq "gc --json: with the warning" '.warnings ==
	["socket dir /run/afile is a symlink or not a directory: skipped"]'

# A directory below a socket dir that cannot be read: root without
# CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, in a pid namespace of its own
# in which every process has the same capabilities (so that the processes
# stay inspectable and only the directory is missed).
mkdir -p /tmp/locked
leak b unix,as=s2:/tmp/locked/hidden.sock
chown nobody /tmp/locked
chmod 0700 /tmp/locked
# shellcheck disable=SC2054
NODAC=(setpriv --bounding-set=-dac_override,-dac_read_search
	--inh-caps=-dac_override,-dac_read_search)
run_nodac() {
	unshare --pid --fork --mount --mount-proc "${NODAC[@]}" \
		timeout 60 "$IPCSCAN" "$@"
}
run_nodac list --json $TRUST -t sockfile >"$T_JSON" 2>"$T_WORK/err"
t_is "$?" 0 "unreadable directory below /tmp: exit 0"
t_jq "unreadable directory below /tmp: complete is false" \
	'.complete == false'
t_jq "... one warning, naming it and saying what is missing" \
	'.warnings == ["socket dirs: 1 directory or entry could not be read
	 (/tmp/locked: Permission denied); socket files and FIFOs there are
	 not listed" | gsub("\n\t "; " ")]'
t_like "$(cat "$T_WORK/err")" 'warning: socket dirs: 1 directory' \
	"... also on stderr"
obj_none "the socket file in it is not listed" \
	'.path == "/tmp/locked/hidden.sock"'
find_path sockfile /run/ok.sock
run_nodac gc --json $TRUST --min-age 0 -t sockfile >"$T_WORK/gc.json" \
	2>"$T_WORK/err"
T_GC=$T_WORK/gc.json
t_gjq "gc: complete is false, with the warning" '.complete == false and
	any(.warnings[]; startswith("socket dirs: 1 directory"))'
t_gjq "gc: the readable dir's orphan is removed all the same" \
	'[.actions[] | "\(.action) \(.path)"] == ["removed /run/ok.sock"]'
t_ok "the socket file in the unreadable dir is still there" \
	test -S /tmp/locked/hidden.sock


# ------------------------------------------- container engines' state

# podman's storage and tmp dir, the OCI runtimes' state, rootless podman's
# storage: their sockets and FIFOs (within the depth limit too) are not
# listed, nothing in them is removed, the directories below the limit in
# them are not warned about, and the scan stays complete. A look-alike
# beside them is walked as before, and its deep directories are warned
# about; a socket dir given as one of them is walked.
mkdir -p /run/containers/storage/overlay-containers/c1/userdata \
	/run/containers/storage/overlay-layers/l1/diff \
	/run/libpod/socket/c1 /run/crun/c1/notify /run/runc/c2 \
	/run/user/1000/containers/overlay-containers/c3/userdata \
	/run/containers/other/a/b/c /run/libpodx
leak en unix:/run/libpod/socket/c1/attach unix:/run/crun/c1/notify/notify \
	unix:/run/containers/storage/s.sock \
	unix:/run/user/1000/containers/s.sock fifo:/run/runc/c2/exec.fifo \
	unix:/run/containers/other/stale.sock unix:/run/libpodx/stale.sock
list_json -t sockfile,fifo
obj_none "nothing listed from the engines' state trees" \
	'.path | test("^/run/(containers/storage|libpod|crun|runc|user/1000/containers)/")'
find_path sockfile /run/containers/other/stale.sock
find_path sockfile /run/libpodx/stale.sock
t_jq "engine trees: complete stays true" '.complete == true'
t_jq "... and one depth warning, for the look-alike's deep directory only" \
	'.warnings == ["socket dirs: 1 directory below depth 4 not searched for socket files and FIFOs: /run/containers/other/a/b"]'
gc_json --min-age 0 -t sockfile,fifo --socket-dir /run
t_gjq "gc: only the look-alikes' stale sockets are removed" \
	'[.actions[] | "\(.action) \(.path)"] | sort ==
	 ["removed /run/containers/other/stale.sock",
	  "removed /run/libpodx/stale.sock"]'
for f in /run/libpod/socket/c1/attach /run/crun/c1/notify/notify \
	/run/containers/storage/s.sock /run/user/1000/containers/s.sock; do
	t_ok "gc left $f" test -S "$f"
done
t_ok "gc left /run/runc/c2/exec.fifo" test -p /run/runc/c2/exec.fifo
list_json -t sockfile --socket-dir /run/crun
find_path sockfile /run/crun/c1/notify/notify
rm -rf /run/containers /run/libpod /run/crun /run/runc /run/user /run/libpodx

t_done
