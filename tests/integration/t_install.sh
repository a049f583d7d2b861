#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_install.sh - "make install DESTDIR=... PREFIX=/usr" installs exactly the
# expected files with the right modes and contents, and "make uninstall"
# with the same DESTDIR removes every one of them. Uses the build that
# holds $IPCSCAN and never rebuilds it. Needs no root.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

[ -x "$IPCSCAN" ] || t_bail "no ipcscan binary at $IPCSCAN"
command -v make >/dev/null || t_skip_all "make is not installed"
BIN=$(readlink -f "$IPCSCAN")
BUILD=$(dirname "$BIN")
[ "$(basename "$BIN")" = ipcscan ] || t_bail "$IPCSCAN is not named ipcscan"

dest=$(mktemp -d) || t_bail "mktemp failed"
trap 'rm -rf "$dest"' EXIT
# make runs as the checkout's owner (tests/as-owner), so what it writes
# in the build directory stays the owner's: DESTDIR must be theirs too.
if [ "$(id -u)" = 0 ]; then
	chown "$(stat -c %u:%g "$T_TOP")" "$dest" || t_bail "cannot chown $dest"
fi

# make in the repository with the build of $IPCSCAN; -o: never remake the
# binary (a sanitizer build must stay what it is). Run outside any outer
# make's jobserver.
mk() {
	env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS "$T_TOP/tests/as-owner" \
		make -s -C "$T_TOP" BUILD="$BUILD" -o "$BUILD/ipcscan" \
		PREFIX=/usr DESTDIR="$dest" "$@"
}

# ---------------------------------------------------------------- install

if out=$(mk install 2>&1); then
	t_pass "make install DESTDIR=... PREFIX=/usr succeeds"
else
	t_fail "make install DESTDIR=... PREFIX=/usr succeeds" "$out"
fi

expected="usr/lib/systemd/system/ipcscan-gc.service
usr/lib/systemd/system/ipcscan-gc.timer
usr/sbin/ipcscan
usr/share/bash-completion/completions/ipcscan
usr/share/fish/vendor_completions.d/ipcscan.fish
usr/share/man/man8/ipcscan.8
usr/share/zsh/site-functions/_ipcscan"
got=$(cd "$dest" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort)
t_is "$got" "$expected" "install produces exactly the expected files"

# same SRC DEST DESC : installed file DEST is byte-identical to SRC.
same() {
	if cmp -s "$1" "$dest/$2"; then
		t_pass "$3"
	else
		t_fail "$3" "$dest/$2 differs from $1"
	fi
}
same "$BIN" usr/sbin/ipcscan "the installed binary is the tested build"
# The examples name the installed binary: /usr/local/sbin in the tree
# (the default PREFIX), the SBINDIR of this install in the installed page.
t_is "$(sed 's|/usr/local/sbin/ipcscan|/usr/sbin/ipcscan|g' \
	"$T_TOP/man/ipcscan.8" | cmp - "$dest/usr/share/man/man8/ipcscan.8" &&
	echo same)" same "man page ipcscan(8), with SBINDIR in its examples"
t_is "$(grep -c '/usr/local/sbin' "$dest/usr/share/man/man8/ipcscan.8")" 0 \
	"the installed man page names no /usr/local/sbin"
t_like "$(grep -F 'root /usr/sbin/ipcscan gc' \
	"$dest/usr/share/man/man8/ipcscan.8")" "/usr/sbin/ipcscan gc" \
	"the installed man page's cron example runs /usr/sbin/ipcscan"
t_is "$(grep -E '(^|[^/a-z])/usr/s?bin/ipcscan' "$T_TOP/man/ipcscan.8")" "" \
	"the man page in the tree names the default /usr/local/sbin only"
same "$T_TOP/completions/ipcscan.bash" \
	usr/share/bash-completion/completions/ipcscan "bash completion"
same "$T_TOP/completions/_ipcscan" usr/share/zsh/site-functions/_ipcscan \
	"zsh completion"
same "$T_TOP/completions/ipcscan.fish" \
	usr/share/fish/vendor_completions.d/ipcscan.fish "fish completion"
same "$T_TOP/contrib/systemd/ipcscan-gc.timer" \
	usr/lib/systemd/system/ipcscan-gc.timer "systemd timer"

modes=$(cd "$dest" && find . ! -type d -printf '%m %P\n' | LC_ALL=C sort -k2)
want_modes=$(while IFS= read -r f; do
	case $f in
	usr/sbin/*) echo "755 $f" ;;
	*) echo "644 $f" ;;
	esac
done <<<"$expected")
t_is "$modes" "$want_modes" "the binary is 0755, everything else 0644"

unit=$dest/usr/lib/systemd/system/ipcscan-gc.service
if [ -f "$unit" ]; then
	t_is "$(grep -c '@[A-Z]*@' "$unit")" 0 "the service has no @...@ left"
	t_is "$(grep '^ExecStart=.' "$unit")" \
		"ExecStart=/usr/sbin/ipcscan gc --min-age 1h" \
		"the service runs /usr/sbin/ipcscan gc --min-age 1h"
	t_is "$(sed 's|@SBINDIR@|/usr/sbin|g' \
		"$T_TOP/contrib/systemd/ipcscan-gc.service.in" | cmp - "$unit" &&
		echo same)" same "the service is the template with SBINDIR filled in"
else
	t_fail "the installed service exists" "no $unit"
fi
if command -v systemd-analyze >/dev/null; then
	# verify needs the ExecStart binary at its real path: check a copy
	# of the units that points at the installed one.
	vdir=$(mktemp -d)
	sed "s|^ExecStart=/usr/sbin/ipcscan|ExecStart=$dest/usr/sbin/ipcscan|" \
		"$unit" >"$vdir/ipcscan-gc.service"
	cp "$dest/usr/lib/systemd/system/ipcscan-gc.timer" "$vdir/"
	out=$(cd "$vdir" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify \
		--man=no ./ipcscan-gc.service ./ipcscan-gc.timer 2>&1 |
		grep -v -e 'is masked' -e 'not found' -e 'Failed to .*bus' \
			-e 'Failed to prepare filename' -e 'Unit .* not found')
	t_is "$out" "" "systemd-analyze verify has no complaint about the units"
	rm -rf "$vdir"
else
	t_skip "systemd-analyze verify has no complaint about the units" \
		"systemd-analyze is not installed"
fi

# ------------------------------------------------------ install is rerunnable

if out=$(mk install 2>&1); then
	t_pass "a second make install over the first succeeds"
else
	t_fail "a second make install over the first succeeds" "$out"
fi

# -------------------------------------------------------------- uninstall

if out=$(mk uninstall 2>&1); then
	t_pass "make uninstall with the same DESTDIR succeeds"
else
	t_fail "make uninstall with the same DESTDIR succeeds" "$out"
fi
left=$(cd "$dest" && find . ! -type d | sed 's|^\./||')
t_is "$left" "" "make uninstall leaves no files behind"
if out=$(mk uninstall 2>&1); then
	t_pass "make uninstall on an empty DESTDIR succeeds"
else
	t_fail "make uninstall on an empty DESTDIR succeeds" "$out"
fi

t_done
