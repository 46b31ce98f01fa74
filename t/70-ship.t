#!/usr/bin/env bash
# t/70-ship.t: what ships besides the code. sandrun.1 documents exactly the options of
# --help (each with its heading, argument included), every protection --version prints
# (Landlock rows with the ABI --version names), every field of a real report and the
# version; make install/uninstall honour DESTDIR and PREFIX; sandrun-static is static
# (no interpreter, no dynamic section) and the dynamic build needs libc only.
. t/tap.sh
. t/lib.sh

man=$top/sandrun.1
[ -f "$man" ] || skip_all "sandrun.1 missing from the tree"
# The page as text with roff's \- turned into -, so names compare as typed.
page=$scratch/page
sed 's/\\-/-/g' "$man" >"$page"
# has_line TEXT: the page holds TEXT as a whole line (a heading).
has_line() { grep -qxF -- "$1" "$page"; }
# names_bold NAME: the page shows NAME in bold somewhere.
names_bold() { grep -qF -- "\\fB$1\\fR" "$page"; }

# --- the page is well formed ---
if have groff; then
	warnings=$(groff -man -ww -z "$man" 2>&1)
	is "groff -man -ww reports nothing" "$warnings" ""
else
	skip "groff not installed: roff warnings not checked"
fi
for section in NAME SYNOPSIS DESCRIPTION OPTIONS "DEFAULT POLICY" "EXIT STATUS" REPORT \
	"PROTECTIONS BY LANDLOCK ABI" EXAMPLES; do
	check "sandrun.1 has section $section" has_line ".SH $section"
done

# --- the page and --help list the same options ---
expect_exit "--help exits 0" 0 "$SANDRUN" --help
help_re='^  (-([[:alnum:]]), |    )--([a-z][a-z-]*)( ([^ ]+))?  '
headings=()
while IFS= read -r line; do
	[[ $line =~ $help_re ]] || continue
	h=""
	[ -n "${BASH_REMATCH[2]}" ] && h="\\fB-${BASH_REMATCH[2]}\\fR, "
	h="$h\\fB--${BASH_REMATCH[3]}\\fR"
	[ -n "${BASH_REMATCH[5]}" ] && h="$h \\fI${BASH_REMATCH[5]}\\fR"
	headings+=("$h")
	check "sandrun.1 documents --${BASH_REMATCH[3]} as in --help" has_line "$h"
done <"$TMPOUT"
check "--help lists options (parsed ${#headings[@]})" test "${#headings[@]}" -ge 20
# The other way: every option heading of the page is an option of --help.
while IFS= read -r h; do
	found=no
	for want in "${headings[@]}"; do [ "$h" = "$want" ] && found=yes; done
	is "sandrun.1 heading '$h' is an option of --help" "$found" yes
done < <(grep -E '^\\fB--?[[:alnum:]]' "$page")
for status in 124 125 126 127; do
	check "sandrun.1 documents exit status $status" grep -qx "\\.B $status" "$page"
done

# --- the page and --version agree ---
"$SANDRUN" --version >"$TMPOUT" 2>"$TMPERR"
version_status=$?
version=$(head -n 1 "$TMPOUT")
check ".TH carries '$version' from --version" grep -q "^\\.TH SANDRUN 1 [^ ]* \"$version\"" "$page"
if [ "$version_status" -ne 0 ]; then
	skip "--version exits $version_status on this kernel (Landlock below ABI 3): no rows to compare"
else
	rows=0
	while read -r name _state detail; do
		rows=$((rows + 1))
		abi=$(sed -nE 's/.*(\(ABI |needs ABI )([0-9]+).*/\2/p' <<<"$detail")
		if [ -n "$abi" ]; then
			check "sandrun.1: protection $name at ABI $abi" grep -qF -- "\\fB$name\\fR (ABI $abi," "$page"
		else
			check "sandrun.1: protection $name has a heading" grep -q "^\\\\fB$name\\\\fR" "$page"
		fi
	done < <(sed -n '/^protections on this kernel:/,$p' "$TMPOUT" | tail -n +2)
	check "--version printed protection rows ($rows)" test "$rows" -ge 10
fi

# --- every field of a real report is documented ---
fx=$(fixture)
# f_net makes a denied socket() call, so the report also holds a "denied" entry.
prog=/bin/true
[ -x "$ATTACK/f_net" ] && prog=$ATTACK/f_net
sr --report "$fx/r.json" -- "$prog" tcp4 >"$TMPOUT" 2>"$TMPERR"
if [ -s "$fx/r.json" ]; then
	fields=$(grep -oE '"[a-z_]+":' "$fx/r.json" | tr -d '":' | sort -u)
	for f in $fields; do
		check "sandrun.1 documents report field $f" names_bold "$f"
	done
else
	nok "a report was written for the field check"
fi

# --- make install / uninstall ---
if have make; then
	dest=$(mktemp -d "$scratch/dest.XXXXXX")
	mk() { make -s -C "$top" INSTALL_BIN="$SANDRUN" DESTDIR="$dest" "$@" >"$TMPOUT" 2>"$TMPERR"; }
	check "make install DESTDIR=... succeeds" mk install
	bin=$dest/usr/local/bin/sandrun page1=$dest/usr/local/share/man/man1/sandrun.1
	check "the binary is installed in PREFIX/bin (default /usr/local)" cmp -s "$SANDRUN" "$bin"
	check "the installed binary is mode 755" test "$(stat -c %a "$bin" 2>/dev/null)" = 755
	check "the man page is installed in PREFIX/share/man/man1" cmp -s "$man" "$page1"
	check "the installed man page is mode 644" test "$(stat -c %a "$page1" 2>/dev/null)" = 644
	check "make uninstall succeeds" mk uninstall
	check "uninstall removes the binary" test ! -e "$bin"
	check "uninstall removes the man page" test ! -e "$page1"
	check "make install PREFIX=/opt/sr succeeds" mk PREFIX=/opt/sr install
	check "PREFIX is honoured" test -x "$dest/opt/sr/bin/sandrun" -a -f "$dest/opt/sr/share/man/man1/sandrun.1"
	mk PREFIX=/opt/sr uninstall
else
	skip "make not installed: install and uninstall not checked"
fi

# --- linkage ---
static=$top/sandrun-static
if ! have readelf; then
	skip "readelf not installed (binutils): linkage not checked"
elif [ ! -x "$static" ]; then
	skip "sandrun-static not built here (make static; make check builds it)"
else
	diag "sandrun-static: $(stat -c %s "$static") bytes"
	check_not "sandrun-static has no program interpreter" grep -q INTERP < <(readelf -lW "$static")
	check "sandrun-static has no dynamic section (no NEEDED)" \
		grep -q "no dynamic section" < <(readelf -d "$static")
	if have file; then
		check "file(1) calls sandrun-static statically linked" grep -q "statically linked" < <(file -b "$static")
	fi
	"$static" --version >"$TMPOUT" 2>"$TMPERR"
	is "sandrun-static --version prints the same version" "$(head -n 1 "$TMPOUT")" "$version"
fi
if have readelf && [ -x "$top/sandrun" ]; then
	readelf -d "$top/sandrun" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' >"$scratch/needed"
	diag "sandrun (dynamic) needs: $(tr '\n' ' ' <"$scratch/needed")"
	check "the dynamic sandrun needs libc" grep -qE '^libc\.' "$scratch/needed"
	check_not "the dynamic sandrun needs nothing else" grep -qvE '^libc\.(so\.[0-9]+|musl-.*)$' "$scratch/needed"
fi
# README's Protections table: every test it names exists, so no claim points at nothing.
while IFS= read -r row; do
	file=$(printf '%s\n' "$row" | grep -o '`t/[0-9a-z-]*\.t`' | tr -d '`')
	names=$(printf '%s\n' "$row" | sed 's/^.*`t\/[0-9a-z-]*\.t`: //' | grep -o '"[^"]*"' | tr -d '"')
	while IFS= read -r name; do
		check "Protections: $file has a test \"$name\"" grep -qF -- "$name" "$file"
	done <<<"$names"
done < <(sed -n '/^## Protections/,/^## /p' README.md | grep '^| .*`t/')
done_testing
