#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_gc_usage.sh - gc: exit status 0 with nothing to do, 2 for bad usage
# (one line on stderr naming the bad value, nothing on stdout, nothing
# removed).
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2119
. "$(dirname "$0")/lib.sh"
ns_enter "$@"

# An empty namespace: nothing to do is success.
gc_json
t_gjq "empty: no actions, every count 0" \
	'.actions == [] and .removed == 0 and .would_remove == 0 and
	 .skipped == 0 and .failed == 0 and .bytes_freed == 0 and
	 .dry_run == false and .min_age == 3600'
gc_json --min-age 0 --dry-run
t_gjq "empty dry run: no actions, dry_run true" \
	'.actions == [] and .dry_run == true and .would_remove == 0'
ipcscan gc --min-age 0 >"$T_WORK/out" 2>"$T_WORK/err"
t_is "$?" 0 "empty, table output: exit 0"
t_like "$(cat "$T_WORK/out")" '^0 removed, .*0 failed' \
	"empty, table output: a summary line with zero counts"
t_is "$(cat "$T_WORK/err")" "" "empty: nothing on stderr"

# Durations: units w d h m s, concatenated largest first, 0 allowed.
for d in 0:0 0s:0 90s:90 90:90 15m:900 2h:7200 2d:172800 1w:604800 \
	1h30m:5400 1w2d3h4m5s:788645 2d12h:216000 0h0m:0; do
	gc_json --min-age "${d%%:*}"
	t_gjq "--min-age ${d%%:*} is ${d#*:} seconds" '.min_age == $s' \
		--argjson s "${d#*:}"
done

leak l pshm,as=p:survivor shm,as=s:0x1234
rm -f /run/ipcscan.lock

t_usage "--min-age bogus" bogus gc --json --min-age bogus
t_usage "--min-age -5" -5 gc --json --min-age -5
t_usage "--min-age=-5" -5 gc --json --min-age=-5
t_usage "--frobnicate" --frobnicate gc --json --frobnicate
t_usage "--min-age 5x" 5x gc --min-age 5x
t_usage "--min-age 1h30 (a bare number after a unit)" "'1h30'" \
	gc --min-age 1h30
t_usage "--min-age 30m1h (units out of order)" 30m1h gc --min-age 30m1h
t_usage "--min-age 1h1h (a unit twice)" 1h1h gc --min-age 1h1h
t_usage "--min-age 1y" "'1y'" gc --min-age 1y
t_usage "--min-age 1h-5m" 1h-5m gc --min-age 1h-5m
t_usage "--min-age h" "'h'" gc --min-age h
t_usage "--min-age with a space" "' 5'" gc --min-age ' 5'
t_usage "--min-age 99999999999999999999d (overflow)" \
	"duration '99999999999999999999d' is too large" \
	gc --min-age 99999999999999999999d
t_usage "--min-age 60000w (past the limit)" "duration '60000w' is too large" \
	gc --min-age 60000w
t_usage "--min-age 56000w99999999999d (the sum overflows)" "too large" \
	gc --min-age 56000w99999999999d
t_usage "--min-age 0x10" 0x10 gc --min-age 0x10
t_usage "-t bogus" bogus gc --min-age 0 -t bogus
t_usage "-u nosuchuser" nosuchuser gc --min-age 0 -u nosuchuser
t_usage "--exclude-from a missing file" /nonexistent/excl \
	gc --min-age 0 --exclude-from /nonexistent/excl
t_usage "a stray argument" stray gc --min-age 0 stray
t_usage "--min-age without a value" --min-age gc --min-age
t_usage "a list-only option" --orphans gc --min-age 0 --orphans

t_ok "bad usage removed nothing: the pshm orphan is still there" \
	test -f /dev/shm/survivor
t_ok "bad usage removed nothing: the shm orphan is still there" \
	grep -qE "^ *4660 +${F[s.id]} " /proc/sysvipc/shm
t_ok "bad usage took no lock file" test ! -e /run/ipcscan.lock

gc_json --min-age 0
t_gjq "a good run afterwards removes both" '.removed == 2'

t_done
