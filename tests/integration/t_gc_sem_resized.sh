#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_gc_sem_resized.sh - gc: a SysV semaphore set removed between the scan
# and the removal and replaced, under the same id and key, by a smaller
# or a larger set is skipped as "replaced" (not "already gone"), and the
# new set survives (test builds run $IPCSCAN_TEST_BEFORE_REAP there).
# shellcheck source=tests/integration/lib.sh disable=SC2016
. "$(dirname "$0")/lib.sh"
ns_enter "$@"
need_hooks

# resized NAME OLD_N NEW_N KEY: an orphan set of OLD_N semaphores, replaced
# in the hook by one of NEW_N with the same key and id.
resized() {
	local name=$1 old=$2 new=$3 key=$4 id
	leak "$name" "sem,n=$old,as=$name:$key"
	id=${F[$name.id]}
	holders_agree -t sem
	gc_hooked "$name: $old semaphores replaced by $new" '
ipcrm -s '"$id"'
echo '"$id"' >/proc/sys/kernel/sem_next_id
"$MKIPC" leak sem,n='"$new"',as=new:'"$key"' >"$T_WORK/'"$name"'.new"' \
		-t sem
	t_is "$GC_RC" 0 "$name: exit 0"
	t_is "$(sed -n 's/^new\.id=//p' "$T_WORK/$name.new")" "$id" \
		"$name: setup: the new set got the old id back"
	# The set's ctime is the first identity check: when the new set was
	# made in a later second than the old one, that check says
	# "replaced" first; in the same second, the size does.
	t_like "$(gc_act_of "sem id=$id key=$key")" \
		"^skipped: replaced: (nsems $old is now $new|ctime [0-9]+ is now [0-9]+)\$" \
		"$name: skipped as replaced (size or ctime), not already gone"
	t_is "$(awk -v id="$id" 'FNR > 1 && $2 == id { print $4 }' \
		/proc/sysvipc/sem)" "$new" \
		"$name: the new set of $new survives under id $id"
	ipcrm -s "$id" 2>/dev/null
}

resized smaller 3 1 0x00004a01
resized larger 1 4 0x00004a02
t_done
