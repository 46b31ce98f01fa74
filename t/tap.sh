# t/tap.sh: a tiny TAP producer, sourced by every t/*.t (prove reads the output).
n=0 failed=0
ok()   { n=$((n + 1)); echo "ok $n - $1"; }
nok()  { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
# check NAME COMMAND...: ok when COMMAND succeeds.
check() { t=$1; shift; if "$@"; then ok "$t"; else nok "$t"; fi; }
# check_not NAME COMMAND...: ok when COMMAND fails.
check_not() { t=$1; shift; if "$@"; then nok "$t"; else ok "$t"; fi; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
skip_all() { echo "1..0 # SKIP $1"; exit 0; }
diag() { printf '# %s\n' "$@"; }
# is NAME GOT WANT: string equality, with a diagnostic on failure.
is() {
	if [ "$2" = "$3" ]; then ok "$1"; else nok "$1"; diag "got:  '$2'" "want: '$3'"; fi
}
# expect_exit NAME CODE COMMAND...: runs COMMAND (stdout/stderr to $out/$err files).
expect_exit() {
	t=$1 want=$2; shift 2
	"$@" >"$TMPOUT" 2>"$TMPERR"; got=$?
	if [ "$got" -eq "$want" ]; then ok "$t"; else
		nok "$t"; diag "exit $got, want $want; stderr:"; sed 's/^/#   /' "$TMPERR"
	fi
}
done_testing() { echo "1..$n"; [ "$failed" -eq 0 ]; }
