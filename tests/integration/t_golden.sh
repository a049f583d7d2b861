#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_golden.sh - golden outputs: fixture trees rendered by list (table, raw,
# JSON, every column), gc --dry-run (table, JSON) and stats (table, JSON,
# Prometheus), compared byte for byte with tests/golden/expected/. One TAP
# line per case. GOLDEN_UPDATE=1 (tests/golden/run --update) rewrites the
# expected files instead; review the diff before committing it.
#
# What does not depend on ipcscan is made fixed, and nothing else: a test
# build's IPCSCAN_TEST_NOW and IPCSCAN_TEST_HOST fix the clock and the host
# name; /etc/passwd, group and nsswitch.conf are bound (in the test's own
# mount namespace) to tests/golden/etc, so owner names are the same on
# every machine; fixtures are staged at one path under /run, each on its
# own tmpfs, so inode numbers follow the order a setup creates files in.
# Then the output is normalised in exactly these ways: the version string
# becomes @VERSION@, the measured scan duration @DURATION@, a time stamp
# of a second of this run (a ctime: nobody can set it, and an mqueue's is
# bumped by every read) ####-##-##T##:##:##Z, and the values a setup
# declares volatile (an mqueue inode number, the device numbers of the
# mounts it makes) @NAME@.
# shellcheck source=tests/integration/lib.sh disable=SC2016,SC2031
. "$(dirname "$0")/lib.sh"
ns_enter "$@"
need_hooks

G=$T_TOP/tests/golden
FX=$T_TOP/tests/fixtures
EXP=$G/expected
STAGE=/run/ipcscan-golden
UPDATE=${GOLDEN_UPDATE:-0}

for f in passwd group nsswitch.conf; do
	[ -e "/etc/$f" ] || continue
	mount --bind "$G/etc/$f" "/etc/$f" || t_bail "cannot bind /etc/$f"
done
export IPCSCAN_TEST_HOST=golden.example
VERSION=$("$IPCSCAN" --version | awk '{print $2}')
COLS=$("$IPCSCAN" list --list-columns | awk '{print $1}' | paste -sd,)
if [ -z "$VERSION" ] || [ -z "$COLS" ]; then
	t_bail "no version or column list"
fi

# Every case: NAME SOURCE NOW. SOURCE is a directory under tests/golden/
# fixtures (with an optional NAME.setup next to it) or under tests/
# fixtures; NOW the fixed clock, a little after the fixture's times.
CASES=(
	"all golden:all 4102444800"
	"sysv-good fixtures:sysv/good 1795710000"
	"sysv-oldkernel fixtures:sysv/oldkernel 1795710000"
	"sysv-malformed fixtures:sysv/malformed 1795710000"
	"sysv-noheader fixtures:sysv/noheader 1795710000"
	"sockets fixtures:sockets 1795710000"
	"hostile-sysv_empty fixtures:hostile/sysv_empty 1795710000"
	"hostile-sysv_garbage fixtures:hostile/sysv_garbage 1795710000"
	"hostile-sysv_truncated fixtures:hostile/sysv_truncated 1795710000"
	"hostile-sysv_noheader fixtures:hostile/sysv_noheader 1795710000"
	"hostile-sysv_huge fixtures:hostile/sysv_huge 1795710000"
	"hostile-net_unix_garbage fixtures:hostile/net_unix_garbage 1795710000"
	"hostile-proc_comm fixtures:hostile/proc_comm 1795710000"
)

# Every command: SUFFIX ARGS (ALLCOLS is the full column list).
CMDS=(
	"list list"
	"list-raw list -r"
	"list-json list --json"
	"list-allcols list -t all -o ALLCOLS"
	"list-allcols-bytes list -b -r -o ALLCOLS"
	"gc-dry gc --dry-run --min-age 0"
	"gc-dry-json gc --dry-run --min-age 0 --json"
	"stats stats"
	"stats-json stats --json"
	"stats-prom stats --prometheus"
)

# Stage SOURCE at $STAGE/NAME (fresh) and run its setup.
stage() {
	local name=$1 src=$2 dir
	if mountpoint -q "$ROOT" 2>/dev/null; then
		umount -R "$ROOT" || return 1
	fi
	rm -rf "$ROOT" "$ROOT.volatile"
	mkdir -p "$ROOT" || return 1
	# its own tmpfs: the mounts a setup makes go away with it
	mount -t tmpfs -o mode=0755 tmpfs "$ROOT" || return 1
	case $src in
	golden:*) dir=$G/fixtures/${src#golden:} ;;
	fixtures:*) dir=$FX/${src#fixtures:} ;;
	esac
	[ -d "$dir" ] || { echo "no fixture $dir"; return 1; }
	cp -a "$dir/." "$ROOT/" || return 1
	if [ -f "$dir.setup" ]; then
		# shellcheck disable=SC1090
		# volatile WHAT VALUE NAME: a value the run cannot fix, to
		# be replaced by @NAME@ (WHAT: ino or dev)
		# shellcheck disable=SC2317
		volatile() { echo "$*" >>"$ROOT.volatile"; }
		(set -e; . "$dir.setup") || return 1
	fi
	return 0
}

# normalise T0 T1 < raw > normalised (ROOT.volatile: see stage)
normalise() {
	local t run=""

	# the seconds of this run, as the ISO times ipcscan writes
	for ((t = $1 - 2; t <= $2 + 2; t++)); do
		run+=" $(date -u -d "@$t" +%Y-%m-%dT%H:%M:%SZ)"
	done
	RUN=$run V=$VERSION VOL=$ROOT.volatile perl -pe '
		BEGIN {
			if (open(my $f, "<", $ENV{VOL})) {
				while (<$f>) {
					my ($what, $v, $name) = split " ";
					push @{$vol{$what}}, [$v, $name];
				}
			}
		}
		for my $e (@{$vol{dev}}) {
			my ($v, $name) = @$e;
			s/"dev":"\Q$v\E"/"dev":"\@$name\@"/g;
		}
		for my $e (@{$vol{ino}}) {
			my ($n, $name) = @$e;
			s/("(?:ino|inode)":)$n\b/$1"\@$name\@"/g;
			# A table cell keeps its width: the fixture has a wider
			# inode (the live socket @wide-inode, listed with -t
			# all), so the column width never depends on $n.
			s{^(mqueue .*?)( +)$n\b}{
				my $w = length($2) + length($n);
				my $t = "\@$name\@";
				$1 . (length($2) == 1 ? " " :
				      " " x ($w > length($t) ? $w - length($t) : 1))
				   . $t
			}e;
		}
		s/("version":)"\Q$ENV{V}\E"/$1"\@VERSION\@"/g;
		s/ipcscan \Q$ENV{V}\E\b/ipcscan \@VERSION\@/g;
		s/("scan_duration":)[0-9.eE+-]+/$1"\@DURATION\@"/g;
		s/^(ipcscan_scan_duration_seconds) [0-9]+\.[0-9]{6}$/$1 \@DURATION\@/;
		s{\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ}{
			index(" $ENV{RUN} ", " $& ") >= 0 ?
				"####-##-##T##:##:##Z" : $&
		}ge;'
}

# run_case NAME SOURCE NOW: every command over the staged tree.
run_case() {
	local name=$1 src=$2 now=$3 c suffix args out got t0 t1 rc
	t0=$(date +%s)
	ROOT=$STAGE/$name
	if ! out=$(stage "$name" "$src" 2>&1); then
		t_fail "$name: staging $src" "$out"
		return
	fi
	for c in "${CMDS[@]}"; do
		suffix=${c%% *}
		args=${c#* }
		args=${args//ALLCOLS/$COLS}
		got=$T_WORK/golden.out
		# shellcheck disable=SC2086
		IPCSCAN_TEST_NOW=$now timeout 60 "$IPCSCAN" $args --root "$ROOT" \
			>"$T_WORK/g.stdout" 2>"$T_WORK/g.stderr"
		rc=$?
		t1=$(date +%s)
		{
			echo "\$ ipcscan $args --root /run/ipcscan-golden/$name"
			cat "$T_WORK/g.stdout"
			echo "[stderr]"
			cat "$T_WORK/g.stderr"
			echo "[exit $rc]"
		} | normalise "$t0" "$t1" >"$got"
		exp=$EXP/$name.$suffix.out
		if [ "$UPDATE" = 1 ]; then
			mkdir -p "$EXP"
			if cmp -s "$got" "$exp"; then
				t_pass "$name.$suffix: unchanged"
			else
				cp "$got" "$exp"
				t_pass "$name.$suffix: updated $exp"
			fi
		elif [ ! -f "$exp" ]; then
			t_fail "$name.$suffix: no expected output $exp" \
				"(tests/golden/run --update writes it)"
		elif cmp -s "$got" "$exp"; then
			t_pass "$name.$suffix: output as expected"
		else
			t_fail "$name.$suffix: output differs from $exp" \
				"$(diff -u "$exp" "$got" | head -40)"
		fi
	done
	umount -R "$ROOT" 2>/dev/null
}

for c in "${CASES[@]}"; do
	# shellcheck disable=SC2086
	run_case $c
done

# An expected file no case writes is a case lost, not a pass.
for f in "$EXP"/*.out; do
	[ -e "$f" ] || continue
	b=${f##*/}
	b=${b%.out}
	found=0
	for c in "${CASES[@]}"; do
		for m in "${CMDS[@]}"; do
			[ "$b" = "${c%% *}.${m%% *}" ] && found=1
		done
	done
	if [ $found = 0 ]; then
		if [ "$UPDATE" = 1 ]; then
			rm -f "$f"
			t_pass "removed stale $f"
		else
			t_fail "stale expected file $f (no case writes it)"
		fi
	fi
done
t_done
