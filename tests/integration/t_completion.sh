#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_completion.sh - the committed bash completion offers what the binary
# accepts: kinds and groups after -t, columns after -o and --sort, each
# command's own options, commands only as the first word. Needs no root.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

[ -x "$IPCSCAN" ] || t_bail "no ipcscan binary at $IPCSCAN"
BASHCOMP=$T_TOP/completions/ipcscan.bash
[ -f "$BASHCOMP" ] || t_bail "no $BASHCOMP (run 'make completions')"

# The expected words come from the binary, not from this file.
help=$("$IPCSCAN" --help) || t_bail "ipcscan --help failed"
read -r -a KINDS <<<"$(sed -n 's/^Kinds: *//p' <<<"$help")"
read -r -a GROUPS_ <<<"$(sed -n 's/^Groups: *//p' <<<"$help")"
mapfile -t COLS < <("$IPCSCAN" list --list-columns -r)
mapfile -t COLHELP < <("$IPCSCAN" list --list-columns |
	sed -E 's/^[^ ]+ +//')
if [ ${#KINDS[@]} -eq 0 ] || [ ${#GROUPS_[@]} -eq 0 ] || [ ${#COLS[@]} -eq 0 ]
then
	t_bail "cannot read kinds, groups and columns from the binary"
fi

# complete WORD... : the words offered for the last WORD, one per line,
# sorted, from _ipcscan in a clean non-interactive bash.
complete_words() {
	bash --norc --noprofile -c '
		. "$1" || exit 3
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		COMPREPLY=()
		_ipcscan ipcscan "${COMP_WORDS[COMP_CWORD]}" \
			"${COMP_WORDS[COMP_CWORD-1]}" || exit 4
		printf "%s\n" "${COMPREPLY[@]}"' complete "$BASHCOMP" "$@" |
		sed '/^$/d' | LC_ALL=C sort
}

# has_all DESC GOT WORD... : every WORD is a line of GOT.
has_all() {
	local desc=$1 got=$2 w missing=()
	shift 2
	for w in "$@"; do
		grep -qxF -- "$w" <<<"$got" || missing+=("$w")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		t_pass "$desc"
	else
		t_fail "$desc" "missing: ${missing[*]}" "offered: $(tr '\n' ' ' <<<"$got")"
	fi
}

# has_none DESC GOT WORD... : no WORD is a line of GOT.
has_none() {
	local desc=$1 got=$2 w extra=()
	shift 2
	for w in "$@"; do
		! grep -qxF -- "$w" <<<"$got" || extra+=("$w")
	done
	if [ ${#extra[@]} -eq 0 ]; then
		t_pass "$desc"
	else
		t_fail "$desc" "offered but must not be: ${extra[*]}"
	fi
}

# --------------------------------------------------------------- loading

got=$(bash --norc --noprofile -c '. "$1" && complete -p ipcscan' x "$BASHCOMP" 2>&1)
t_is "$got" "complete -F _ipcscan ipcscan" \
	"sourcing ipcscan.bash registers _ipcscan for ipcscan"
got=$(bash --norc --noprofile -c 'set -u; . "$1"' x "$BASHCOMP" 2>&1)
t_is "$got" "" "sourcing ipcscan.bash prints nothing (also under set -u)"

# ----------------------------------------------------------------- kinds

got=$(complete_words ipcscan list -t "")
has_all "list -t offers every kind and group" "$got" "${KINDS[@]}" "${GROUPS_[@]}"
t_is "$(wc -l <<<"$got")" "$(( ${#KINDS[@]} + ${#GROUPS_[@]} ))" \
	"list -t offers nothing but kinds and groups"
got=$(complete_words ipcscan gc --type "")
has_all "gc --type offers every kind and group" "$got" "${KINDS[@]}" "${GROUPS_[@]}"
got=$(complete_words ipcscan stats -t "")
has_all "stats -t offers every kind and group" "$got" "${KINDS[@]}" "${GROUPS_[@]}"
got=$(complete_words ipcscan -t "")
has_all "-t without a command offers every kind" "$got" "${KINDS[@]}"
got=$(complete_words ipcscan list -t shm,p)
t_is "$(tr '\n' ' ' <<<"$got")" "shm,posix shm,psem shm,pshm " \
	"-t shm,p completes the element after the comma"

# --------------------------------------------------------------- columns

got=$(complete_words ipcscan list -o "")
has_all "list -o offers every column" "$got" "${COLS[@]}"
t_is "$(wc -l <<<"$got")" "${#COLS[@]}" "list -o offers nothing but columns"
got=$(complete_words ipcscan list --sort "")
has_all "list --sort offers every column" "$got" "${COLS[@]}"
got=$(complete_words ipcscan list -o KIND,S)
has_all "-o KIND,S completes the element after the comma" "$got" \
	"KIND,SIZE" "KIND,STATE"
got=$(complete_words ipcscan list -o +RE)
t_is "$(tr '\n' ' ' <<<"$got")" "+REASON " \
	"-o +RE keeps the '+' (add to the default columns)"

# Comma lists: any case, no item twice, the --opt=VALUE form.
got=$(complete_words ipcscan list -o kind,s)
t_is "$(tr '\n' ' ' <<<"$got")" "kind,SIZE kind,STATE " \
	"-o kind,s: column names in any case, the list kept as typed"
got=$(complete_words ipcscan list -o KIND,K)
t_is "$(tr '\n' ' ' <<<"$got")" "KIND,KEY " \
	"-o KIND,K: KIND is not offered again"
got=$(complete_words ipcscan list -o KIND,STATE,)
has_none "-o KIND,STATE,: neither column again" "$got" KIND,STATE,KIND \
	KIND,STATE,STATE
t_is "$(wc -l <<<"$got")" "$(( ${#COLS[@]} - 2 ))" \
	"-o KIND,STATE,: every other column"
got=$(complete_words ipcscan list -t SHM,s)
has_none "-t SHM,s: shm is not offered again (any case)" "$got" SHM,shm
has_all "-t SHM,s: the other kinds that start with s" "$got" SHM,sem \
	SHM,sockfile SHM,sysv SHM,sockets
got=$(complete_words ipcscan list --output=KI)
t_is "$(tr '\n' ' ' <<<"$got")" "--output=KIND " \
	"--output=KI (one word): completes the value, keeps --output="
got=$(complete_words ipcscan list --output = KI)
t_is "$(tr '\n' ' ' <<<"$got")" "KIND " \
	"--output = KI (split at '=' by COMP_WORDBREAKS): completes the value"
got=$(complete_words ipcscan list --output =)
t_is "$(wc -l <<<"$got")" "${#COLS[@]}" \
	"--output= with nothing after it: every column"
got=$(complete_words ipcscan --type=shm,ms)
t_is "$(tr '\n' ' ' <<<"$got")" "--type=shm,msg " "--type=shm,ms: msg"
got=$(complete_words ipcscan list --sort -SI)
t_is "$(tr '\n' ' ' <<<"$got")" "-SIZE " "--sort -SI: descending, -SIZE"
got=$(complete_words ipcscan list --sort=-SI)
t_is "$(tr '\n' ' ' <<<"$got")" "--sort=-SIZE " "--sort=-SI: --sort=-SIZE"

# --------------------------------------------------------------- options

got=$(complete_words ipcscan gc --)
has_all "gc -- offers --dry-run and --min-age" "$got" --dry-run --min-age \
	--exclude --exclude-from --type --json
has_none "gc -- does not offer list or stats options" "$got" \
	--orphans --output --sort --prometheus --output-file
got=$(complete_words ipcscan stats --)
has_all "stats -- offers --prometheus and --output-file" "$got" \
	--prometheus --output-file
has_none "stats -- does not offer gc or list options" "$got" \
	--dry-run --min-age --orphans
got=$(complete_words ipcscan list --)
has_all "list -- offers the list options" "$got" --orphans --output \
	--list-columns --noheadings --raw --bytes --sort
has_none "list -- does not offer gc options" "$got" --dry-run --min-age
got=$(complete_words ipcscan --)
has_all "no command: the list options (list is the default)" "$got" --orphans
has_none "no hidden option is offered" "$(complete_words ipcscan list --)" \
	--completion --root

# Every long option of each command's --help section is offered.
for cmd in list gc stats; do
	want=$(awk -v c="Options for $cmd:" '
		/^Common options:/ || $0 == c { on = 1; next }
		/^$/ { on = 0 }
		on' <<<"$help" | grep -oE -- '--[a-z][a-z-]*' | sort -u)
	# shellcheck disable=SC2086
	has_all "$cmd: every option of --help is offered" \
		"$(complete_words ipcscan "$cmd" --)" $want
done

# -------------------------------------------------------------- commands

got=$(complete_words ipcscan "")
t_is "$(tr '\n' ' ' <<<"$got")" "gc list stats " \
	"the first word offers the commands"
got=$(complete_words ipcscan -J "")
t_is "$got" "" "commands are not offered after an option (only first)"
got=$(complete_words ipcscan gc "")
t_is "$got" "" "nothing is offered after a command but options"
got=$(complete_words ipcscan gc --min-age "")
t_is "$got" "" "--min-age takes a duration: nothing offered"

# ------------------------------------------------------------- arguments

got=$(complete_words ipcscan list -u ro)
has_all "-u completes user names" "$got" root
got=$(complete_words ipcscan list -p "$$")
has_all "-p completes pids" "$got" "$$"
d=$(mktemp -d) || t_bail "mktemp failed"
mkdir "$d/sockdir" && : >"$d/somefile"
got=$(cd "$d" && complete_words ipcscan --socket-dir so)
t_is "$(tr '\n' ' ' <<<"$got")" "sockdir " "--socket-dir completes directories only"
got=$(cd "$d" && complete_words ipcscan gc --exclude-from some)
t_is "$(tr '\n' ' ' <<<"$got")" "somefile " "--exclude-from completes files"
rm -rf "$d"

# ------------------------------------------------------------ zsh and fish

# zsh_words LINE : what zsh offers for LINE (sorted words), from an
# interactive zsh on a pseudo-terminal (zpty) whose compadd records every
# word the completion adds. Waits until something was offered (<= 10 s).
zsh_words() {
	local d=$ZDIR
	: >"$d/cap"
	zsh -f -c '
		zmodload zsh/zpty || exit 3
		zpty z zsh -f -i
		zpty -w z "PS1=; fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D"
		zpty -w z "compadd() { local -a r; builtin compadd -O r \"\$@\"; print -rl -- \$r >>$1/cap; builtin compadd \"\$@\"; }"
		zpty -w -n z "$2"$'"'"'\t'"'"'
		for i in {1..100}; do
			[[ -s $1/cap ]] && break
			sleep 0.1
		done
		sleep 0.3
		zpty -d z' zsh_words "$d" "$1" >/dev/null 2>&1
	sed '/^$/d' "$d/cap" | LC_ALL=C sort -u
}

if command -v zsh >/dev/null; then
	t_ok "zsh parses _ipcscan" zsh -n "$T_TOP/completions/_ipcscan"
	ZDIR=$(mktemp -d) || t_bail "mktemp failed"
	cp "$T_TOP/completions/_ipcscan" "$ZDIR/"
	got=$(zsh_words "ipcscan ")
	has_all "zsh: the first word offers the commands" "$got" list gc stats
	got=$(zsh_words "ipcscan -J ")
	has_all "zsh: after an option, list options" "$got" --orphans --sort
	has_none "zsh: commands are not offered after an option" "$got" \
		list gc stats
	got=$(zsh_words "ipcscan list ")
	has_all "zsh: list offers its options (empty word kept)" "$got" \
		--orphans --output
	has_none "zsh: list does not offer the commands again" "$got" gc stats
	got=$(zsh_words "ipcscan list -t ")
	want=$(printf '%s\n' "${KINDS[@]}" "${GROUPS_[@]}" | LC_ALL=C sort)
	t_is "$got" "$want" "zsh: -t offers exactly the kinds and groups"
	got=$(zsh_words "ipcscan list -o ")
	has_all "zsh: -o offers every column" "$got" "${COLS[@]}"
	got=$(zsh_words "ipcscan gc --")
	has_all "zsh: gc -- offers --dry-run and --min-age" "$got" \
		--dry-run --min-age
	has_none "zsh: gc -- does not offer --orphans" "$got" --orphans
	got=$(zsh_words "ipcscan list --output=")
	has_all "zsh: --output= offers every column" "$got" "${COLS[@]}"
	got=$(zsh_words "ipcscan list -o KIND,")
	has_none "zsh: -o KIND, does not offer KIND again" "$got" KIND
	has_all "zsh: -o KIND, offers the others" "$got" STATE SIZE
	got=$(zsh_words "ipcscan list -o ki")
	t_is "$got" KIND "zsh: -o ki offers KIND (any case)"
	got=$(zsh_words "ipcscan list -t SH")
	t_is "$got" shm "zsh: -t SH offers shm (any case)"
	got=$(zsh_words "ipcscan list --sort -SI")
	t_is "$got" SIZE "zsh: --sort -SI offers SIZE after the kept '-'"
	got=$(zsh_words "ipcscan list --sort=-si")
	t_is "$got" SIZE "zsh: --sort=-si offers SIZE (any case)"
	got=$(zsh_words "ipcscan stats --")
	has_all "zsh: stats -- offers --prometheus" "$got" --prometheus
	has_none "zsh: stats -- does not offer --dry-run" "$got" --dry-run
	rm -rf "$ZDIR"
else
	t_skip "zsh completion works" "zsh is not installed"
fi

FISHCOMP=$T_TOP/completions/ipcscan.fish
# fish_words LINE : what fish offers for LINE, one word per line, sorted.
fish_words() {
	# shellcheck disable=SC2016 # $argv is fish's
	fish --no-config -c 'source $argv[1]; complete -C $argv[2]' \
		"$FISHCOMP" "$1" 2>&1 | cut -f1 | LC_ALL=C sort
}
if command -v fish >/dev/null; then
	t_ok "fish parses ipcscan.fish" fish -n "$FISHCOMP"
	d=$(mktemp -d) || t_bail "mktemp failed"
	: >"$d/a-file"
	got=$(cd "$d" && fish_words "ipcscan list -t ")
	want=$(printf '%s\n' "${KINDS[@]}" "${GROUPS_[@]}" | LC_ALL=C sort)
	t_is "$got" "$want" "fish: -t offers exactly the kinds and groups"
	got=$(cd "$d" && fish_words "ipcscan list -o ")
	want=$(printf '%s\n' "${COLS[@]}" | LC_ALL=C sort)
	t_is "$got" "$want" "fish: -o offers exactly the columns"
	# fish shows each column with its help text
	fish --no-config -c 'source $argv[1]; complete -C $argv[2]' \
		"$FISHCOMP" "ipcscan list -o " 2>&1 | LC_ALL=C sort >"$d/desc"
	want=$(paste <(printf '%s\n' "${COLS[@]}") <(printf '%s\n' "${COLHELP[@]}") |
		LC_ALL=C sort)
	t_is "$(cat "$d/desc")" "$want" \
		"fish: -o offers each column with its --list-columns help"
	got=$(cd "$d" && fish_words "ipcscan list -o KIND,S")
	t_is "$(tr '\n' ' ' <<<"$got")" "KIND,SIZE KIND,STATE " \
		"fish: -o KIND,S completes the item after the comma"
	got=$(cd "$d" && fish_words "ipcscan list -o kind,STATE,")
	has_none "fish: -o kind,STATE, offers neither again" "$got" \
		kind,STATE,KIND kind,STATE,STATE
	got=$(cd "$d" && fish_words "ipcscan list --output=KI")
	t_is "$got" "--output=KIND" "fish: --output=KI completes the value"
	got=$(cd "$d" && fish_words "ipcscan list -t shm,p")
	t_is "$(tr '\n' ' ' <<<"$got")" "shm,posix shm,psem shm,pshm " \
		"fish: -t shm,p completes the kind after the comma"
	got=$(cd "$d" && fish_words "ipcscan list --sort SI")
	t_is "$got" SIZE "fish: --sort SI offers SIZE"
	got=$(cd "$d" && fish_words "ipcscan list --sort -SI")
	t_is "$got" -SIZE "fish: --sort -SI offers -SIZE (descending)"
	got=$(cd "$d" && fish_words "ipcscan list --sort=-SI")
	t_is "$got" --sort=-SIZE "fish: --sort=-SI offers --sort=-SIZE"
	got=$(cd "$d" && fish_words "ipcscan list --sort -")
	has_all "fish: --sort - offers every column descending" "$got" \
		"${COLS[@]/#/-}"
	got=$(cd "$d" && fish_words "ipcscan list --sort -SIZE,")
	t_is "$got" "" "fish: --sort takes one column: nothing after a comma"
	got=$(cd "$d" && fish_words "ipcscan gc --")
	has_all "fish: gc -- offers --dry-run and --min-age" "$got" \
		--dry-run --min-age
	has_none "fish: gc -- does not offer --orphans" "$got" --orphans
	got=$(cd "$d" && fish_words "ipcscan ")
	has_all "fish: the first word offers the commands" "$got" list gc stats
	got=$(cd "$d" && fish_words "ipcscan gc --exclude-from a")
	t_is "$got" "a-file" "fish: --exclude-from completes files"
	rm -rf "$d"
else
	t_skip "fish completion works" "fish is not installed"
fi

t_done
