#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_docs.sh - the man page and the committed completions cannot drift from
# the binary: every option, column, kind and group it knows is documented
# and completed, the man page documents nothing it does not know, and the
# completion files are exactly what the binary generates. Needs no root.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

[ -x "$IPCSCAN" ] || t_bail "no ipcscan binary at $IPCSCAN"
MAN=$T_TOP/man/ipcscan.8
COMP_BASH=$T_TOP/completions/ipcscan.bash
COMP_ZSH=$T_TOP/completions/_ipcscan
COMP_FISH=$T_TOP/completions/ipcscan.fish
for f in "$MAN" "$COMP_BASH" "$COMP_ZSH" "$COMP_FISH"; do
	[ -f "$f" ] || t_bail "missing $f"
done

help=$("$IPCSCAN" --help) || t_bail "ipcscan --help failed"
mapfile -t OPTS < <(grep -oE -- '(^|[ ,])--[a-z][a-z-]*' <<<"$help" |
	sed 's/^[ ,]*--//' | sort -u)
read -r -a KINDS <<<"$(sed -n 's/^Kinds: *//p' <<<"$help")"
read -r -a GROUPS_ <<<"$(sed -n 's/^Groups: *//p' <<<"$help")"
mapfile -t COLS < <("$IPCSCAN" list --list-columns -r)
mapfile -t COLHELP < <("$IPCSCAN" list --list-columns |
	sed -E 's/^[^ ]+ +//')
[ ${#OPTS[@]} -ge 10 ] || t_bail "found only ${#OPTS[@]} options in --help"
if [ ${#KINDS[@]} -eq 0 ] || [ ${#GROUPS_[@]} -eq 0 ] || [ ${#COLS[@]} -eq 0 ]
then
	t_bail "cannot read kinds, groups and columns from the binary"
fi
[ ${#COLHELP[@]} -eq ${#COLS[@]} ] || t_bail "--list-columns: names and help differ"

# The man page as the reader sees the words: "\-" is a plain "-".
man_plain=$(sed 's/\\-/-/g' "$MAN")
# section NAME: the plain text of one .SH section
section() {
	awk -v s=".SH $1" '$0 == s { on = 1; next } /^\.SH / { on = 0 } on' \
		<<<"$man_plain"
}

# report DESC MISSING... : pass when nothing is missing.
report() {
	local desc=$1
	shift
	if [ $# -eq 0 ]; then
		t_pass "$desc"
	else
		t_fail "$desc" "missing: $*"
	fi
}

# ------------------------------------------------------------------ groff

if command -v groff >/dev/null; then
	out=$(groff -man -ww -z "$MAN" 2>&1)
	t_is "$out" "" "groff -man -ww -z man/ipcscan.8 prints nothing"
else
	t_skip "groff -man -ww -z man/ipcscan.8 prints nothing" \
		"groff is not installed"
fi

# ---------------------------------------------------------------- options

# "--name" not followed by more of a longer name ("--exclude" is not
# satisfied by "--exclude-from").
has_opt() {
	grep -qE -- "--$1([^a-z-]|\$)" <<<"$2"
}

options=$(section OPTIONS)
missing=()
for o in "${OPTS[@]}"; do
	has_opt "$o" "$options" || missing+=("--$o")
done
report "every long option of --help is described under OPTIONS" "${missing[@]}"

# Every ".TP" entry of OPTIONS names a long option the binary has.
missing=()
while IFS= read -r o; do
	printf '%s\n' "${OPTS[@]}" | grep -qxF -- "${o#--}" || missing+=("$o")
done < <(awk '/^\.TP/ { getline; print }' <<<"$options" |
	grep -oE -- '--[a-z][a-z-]*')
report "OPTIONS describes no option the binary does not have" "${missing[@]}"

# Short forms: "-t, --type" in --help is "-t", "--type" in the man page.
missing=()
while IFS= read -r pair; do
	s=${pair%% *}
	l=${pair##* }
	grep -qE -- "^\.BR $s \", \" $l( |\$)" <<<"$options" ||
		missing+=("$s/$l")
done < <(grep -oE -- '^ +-[a-zA-Z], --[a-z][a-z-]*' <<<"$help" |
	sed -E 's/^ +(-[a-zA-Z]), (--[a-z-]+)/\1 \2/')
report "every short form of --help is given with its long option" "${missing[@]}"

for f in "$COMP_BASH" "$COMP_ZSH"; do
	missing=()
	body=$(<"$f")
	for o in "${OPTS[@]}"; do
		has_opt "$o" "$body" || missing+=("--$o")
	done
	report "every long option of --help is in $(basename "$f")" "${missing[@]}"
done
missing=()
for o in "${OPTS[@]}"; do
	grep -qE -- "-l $o( |\$)" "$COMP_FISH" || missing+=("--$o")
done
report "every long option of --help is in ipcscan.fish" "${missing[@]}"

# ---------------------------------------------------- commands and kinds

missing=()
for c in list gc stats; do
	section COMMANDS | grep -qx "\.B $c" || missing+=("$c")
done
report "every command is described under COMMANDS" "${missing[@]}"

kinds=$(section KINDS)
missing=()
for k in "${KINDS[@]}" "${GROUPS_[@]}"; do
	grep -qE "^\.BR? ([a-z, \"]*)?$k([ \"]|\$)" <<<"$kinds" || missing+=("$k")
done
report "every kind and group has an entry under KINDS" "${missing[@]}"

missing=()
while IFS= read -r k; do
	printf '%s\n' "${KINDS[@]}" "${GROUPS_[@]}" | grep -qxF -- "$k" ||
		missing+=("$k")
done < <(awk '/^\.TP/ { getline; print }' <<<"$kinds" |
	sed -nE 's/^\.BR? ([a-z]+)$/\1/p')
report "KINDS describes no kind the binary does not have" "${missing[@]}"

for f in "$COMP_BASH" "$COMP_ZSH" "$COMP_FISH"; do
	missing=()
	for w in "${KINDS[@]}" "${GROUPS_[@]}" "${COLS[@]}"; do
		grep -qE -- "(^|[ '(\"])$w([ ')\"]|\$)" "$f" || missing+=("$w")
	done
	report "every kind, group and column is in $(basename "$f")" \
		"${missing[@]}"
done

# ---------------------------------------------------------------- columns

columns=$(section COLUMNS)
missing=()
for i in "${!COLS[@]}"; do
	c=${COLS[$i]}
	h=${COLHELP[$i]}
	if ! grep -qxF ".B $c" <<<"$columns"; then
		missing+=("$c")
	elif ! grep -A1 -xF ".B $c" <<<"$columns" | tail -1 |
		grep -qF -- "$h"; then
		missing+=("$c (help text '$h')")
	fi
done
report "every column is under COLUMNS with its help text" "${missing[@]}"

missing=()
while IFS= read -r c; do
	printf '%s\n' "${COLS[@]}" | grep -qxF -- "$c" || missing+=("$c")
done < <(awk '/^\.TP/ { getline; print }' <<<"$columns" |
	sed -nE 's/^\.B (.+)$/\1/p')
report "COLUMNS describes no column the binary does not have" "${missing[@]}"

# ------------------------------------------------------------ the rest

missing=()
for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS KINDS COLUMNS STATES \
	SAFETY "JSON OUTPUT" "EXIT STATUS" ENVIRONMENT FILES EXAMPLES \
	"SEE ALSO"; do
	grep -qxE "\.SH \"?$s\"?" "$MAN" || missing+=("$s")
done
report "the man page has every section" "${missing[@]}"

# ------------------------------------------------ generated completions

tmp=$(mktemp) || t_bail "mktemp failed"
for sh in bash zsh fish; do
	case $sh in
	bash) f=$COMP_BASH ;;
	zsh) f=$COMP_ZSH ;;
	fish) f=$COMP_FISH ;;
	esac
	if "$IPCSCAN" --completion "$sh" >"$tmp" &&
		cmp -s "$tmp" "$f"; then
		t_pass "completions/$(basename "$f") is 'ipcscan --completion $sh'"
	else
		t_fail "completions/$(basename "$f") is 'ipcscan --completion $sh'" \
			"run 'make completions' and commit the result" \
			"$(diff "$f" "$tmp" | head -20)"
	fi
done
rm -f "$tmp"

out=$("$IPCSCAN" --completion tcsh 2>&1 >/dev/null)
rc=$?
t_is "$rc" 2 "--completion with an unknown shell is a usage error (2)"
t_like "$out" "tcsh" "the usage error names the unknown shell"

# ------------------------------------------------------ README quick start

# The README's two quick-start commands are what a new user types first:
# they install from the package lists CI uses, as root without sudo, and
# the test command is exactly what .ci/run runs.
mapfile -t QS < <(awk '/^## Quick start/ { q = 1 } q && /^```sh/ { c = 1;
	next } c && /^```/ { exit } c' "$T_TOP/README.md")
t_is "${#QS[@]}" 2 "README quick start: two commands"
t_like "${QS[0]:-}" '^apt-get update && apt-get install -y --no-install-recommends \$\(cat \.ci/packages-build\) && make && build/ipcscan list$' \
	"README quick start: build deps from .ci/packages-build, make, list"
t_like "${QS[1]:-}" '^apt-get install -y --no-install-recommends \$\(cat \.ci/packages-test\) && make check$' \
	"README quick start: test deps from .ci/packages-test, make check"
t_ok "README quick start: the test command is what .ci/run runs" \
	grep -qxF -- "${QS[1]:-no command}" "$T_TOP/.ci/run"
missing=()
for f in packages-build packages-test; do
	[ -s "$T_TOP/.ci/$f" ] && grep -q -- "\.ci/$f" "$T_TOP/.ci/run" ||
		missing+=(".ci/$f")
done
report "both package lists exist and .ci/run installs them" "${missing[@]}"

t_done
