#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_fuzz_smoke.sh - replay every fuzz target's seed corpus once (no fuzzing),
# so a parser change that crashes on a known input fails 'make check' fast.
# Skips when clang or its libFuzzer runtime is missing.
set -u
cd "$(dirname "$0")/../.." || exit 1

skip() {
	echo "ok - fuzz seed replay # SKIP $*"
	exit 77
}

CC=${FUZZ_CC:-clang}
command -v "$CC" >/dev/null 2>&1 || skip "$CC not installed"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/probe.c" <<'EOC'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	(void)d;
	(void)n;
	return 0;
}
EOC
"$CC" -fsanitize=fuzzer,address,undefined -o "$tmp/probe" "$tmp/probe.c" \
	>/dev/null 2>&1 || skip "no libFuzzer runtime for $CC (libclang-rt-dev)"

bdir=build/fuzz
fail=0
# built as the checkout's owner: nothing of root's is left in a user's tree
if tests/as-owner tests/fuzz/run --build-only --build-dir "$bdir" \
	>"$tmp/build.log" 2>&1
then
	echo "ok - fuzz targets build"
else
	echo "not ok - fuzz targets build"
	sed 's/^/# /' "$tmp/build.log" | tail -20
	exit 1
fi

for src in tests/fuzz/fuzz_*.c; do
	t=${src#tests/fuzz/fuzz_}
	t=${t%.c}
	seeds=(tests/fuzz/corpus/"$t"/*)
	if [ ! -e "${seeds[0]}" ]; then
		echo "not ok - $t has no seed corpus"
		fail=1
		continue
	fi
	# Given files (not a directory), libFuzzer runs each once and exits.
	if "$bdir/fuzz_$t" -runs=0 "${seeds[@]}" >"$tmp/$t.log" 2>&1; then
		echo "ok - $t replays its ${#seeds[@]} seeds"
	else
		echo "not ok - $t crashes on a seed"
		grep -E -m5 'ERROR|runtime error|Running:|deadly|abort' \
			"$tmp/$t.log" | sed 's/^/# /'
		fail=1
	fi
done
exit $fail
