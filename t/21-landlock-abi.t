#!/usr/bin/env bash
# t/21-landlock-abi.t: t/20-landlock.t again against each sandrun-abiN that make check
# builds with -DSANDRUN_MAX_ABI=N (N = 3..6), so every older-ABI code path runs on this
# newer kernel and each per-ABI claim is checked on both sides: denied from the ABI
# that brings it, NOT denied (and said so by --print-policy) below it. Each inner test
# is repeated here under an "ABI N:" prefix.
. t/tap.sh

# relay N: reads one run's TAP on stdin and repeats its results with the prefix.
relay() {
	while IFS= read -r line; do
		case $line in
		"not ok "*) nok "ABI $1: ${line#not ok * - }" ;;
		"ok "*" # SKIP "*) skip "ABI $1: ${line#* # SKIP }" ;;
		"ok "*) ok "ABI $1: ${line#ok * - }" ;;
		"#"*) echo "$line" ;;
		esac
	done
}

built=0
for cap in 3 4 5 6; do
	# make check-asan builds "$SANDRUN-abiN" (sandrun-asan-abiN); other builds use the tree's.
	bin=${SANDRUN:-$(pwd)/sandrun}-abi$cap
	[ -x "$bin" ] || bin=$(pwd)/sandrun-abi$cap
	[ -x "$bin" ] || continue
	built=$((built + 1))
	out=$(mktemp) || exit 1
	SANDRUN=$bin bash t/20-landlock.t >"$out" 2>&1
	status=$?
	relay "$cap" <"$out"
	# A crash or an early exit shows here even when no "not ok" line was printed.
	check "ABI $cap: t/20-landlock.t exited 0 with a plan" \
		test "$status" -eq 0 -a -n "$(grep -m1 '^1\.\.[0-9]' "$out")"
	rm -f "$out"
done
[ "$built" -gt 0 ] || skip_all "no sandrun-abiN built (make check builds them)"
done_testing
