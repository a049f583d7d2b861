#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_gc_held.sh - gc says what it held back (by --min-age, by --exclude) in
# the table's summary and in JSON; "would be freed" in every dry run; the
# table shows SysV keys, which --exclude matches in any case; an exclude
# that matched nothing is a warning, once per pattern.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

leak l shm,as=s:0x0052e2c1 sem,as=e:0x00001234 pshm,size=8192,as=p:young \
	pshm,as=q:other

# All four are orphans of age 0: a dry run with the default 1h holds all.
gc_json --dry-run
t_gjq "default --min-age 1h: nothing would be removed" \
	'.would_remove == 0 and .actions == []'
t_gjq "... 4 held back by age, 0 by exclude" \
	'.held_by_age == 4 and .held_by_exclude == 0'
ipcscan gc --dry-run >"$T_WORK/out" 2>"$T_WORK/err"
t_is "$(tail -1 "$T_WORK/out")" "0 removed, 0 would be removed, 0 skipped, \
0 failed, 0B would be freed; held back: 4 by --min-age, 0 by --exclude" \
	"table: the summary says what was held back, and 'would be freed'"
ipcscan gc -t fifo >"$T_WORK/out" 2>"$T_WORK/err"
t_is "$(tail -1 "$T_WORK/out")" "0 removed, 0 would be removed, 0 skipped, \
0 failed, 0B freed; held back: 0 by --min-age, 0 by --exclude" \
	"a real run with nothing to do: 'freed'"

# Excludes: a key in upper case matches the kernel's lower-case key.
gc_json --dry-run --min-age 0 --exclude 0x0052E2C1 --exclude 'oth*'
t_gjq "--exclude 0x0052E2C1 and 'oth*': 2 held by exclude, 0 by age" \
	'.held_by_exclude == 2 and .held_by_age == 0'
t_gjq "... the other two would be removed" \
	'([.actions[] | .name // .key] | sort) == ["0x00001234", "young"] and
	 all(.actions[]; .action == "would-remove")'
gc_json --dry-run --min-age 0 --exclude '0X0052e2C?'
t_gjq "--exclude '0X0052e2C?' matches the key in any case" \
	'.held_by_exclude == 1 and all(.actions[]; .key != "0x0052e2c1")'
# Young and excluded: counted once, under the exclude.
gc_json --dry-run --exclude young
t_gjq "young and excluded: once, under exclude (1 + 3 by age)" \
	'.held_by_exclude == 1 and .held_by_age == 3'

# The table shows the key of a SysV object.
ipcscan gc --dry-run --min-age 0 -t sysv >"$T_WORK/out" 2>"$T_WORK/err"
t_like "$(head -1 "$T_WORK/out")" '^ACTION +KIND +ID/NAME +KEY +SIZE +REASON' \
	"table: a KEY column"
t_like "$(grep '^would-remove *shm' "$T_WORK/out")" \
	"^would-remove +shm +${F[s.id]} +0x0052e2c1 " \
	"table: the shm row shows id and key"

# An exclude that matched nothing: one warning per pattern, exit 0.
gc_json --dry-run --min-age 0 --exclude 'nosuch*' --exclude 'nosuch*' \
	--exclude young --exclude 0x99
t_is "$(grep -c "ipcscan: warning: --exclude 'nosuch\*' matched no object" \
	"$T_GC.err")" 1 "'nosuch*' given twice matched nothing: one warning"
t_is "$(grep -c "ipcscan: warning: --exclude '0x99' matched no object" \
	"$T_GC.err")" 1 "'0x99' matched nothing: a warning"
t_is "$(grep -c "'young'" "$T_GC.err")" 0 "'young' matched: no warning"
t_gjq "the warnings are in the JSON warnings too" \
	'[.warnings[] | select(test("matched no object"))] | length == 2'
# A pattern that matches an object that is not an orphan protects it:
# no warning.
hold h pshm,as=h:held
gc_json --dry-run --min-age 0 --exclude held
t_is "$(grep -c 'matched no object' "$T_GC.err")" 0 \
	"an exclude that matches an in-use object: no warning"
stop h
rm /dev/shm/held

# A real run: what went is "freed"; held counts as in the dry run.
gc_json --min-age 0 --exclude 0x0052E2C1
t_gjq "real run: 3 removed, the excluded shm held" \
	'.removed == 3 and .held_by_exclude == 1 and .held_by_age == 0'
t_ok "the excluded shm is still there" \
	grep -qE "^ *5432001 +${F[s.id]} " /proc/sysvipc/shm

t_done
