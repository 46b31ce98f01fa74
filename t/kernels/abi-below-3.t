#!/usr/bin/env bash
# t/kernels/abi-below-3.t: on a kernel whose Landlock ABI is below 3 (Debian 12's 6.1 has
# ABI 2) sandrun refuses every run: exit 125, one stderr line naming the ABI found and the
# minimum, and nothing runs. Run by t/kernels/run.sh in the guest (make check-kernels),
# as root and as an unprivileged uid; the kernel's own answer comes from t/kernels/kabi.
. t/tap.sh
. t/lib.sh

kabi=$(t/kernels/kabi)
kabi=${kabi%% *}
diag "kernel Landlock ABI: $kabi ($(uname -r))"
[ "$kabi" -lt 3 ] || skip_all "this kernel has Landlock ABI $kabi: nothing to refuse"
check "this kernel's Landlock ABI is below 3" test "$kabi" -lt 3

fsop=$ATTACK/ll_fsop
fx=$(fixture)
canary=$fx/canary
# refused NAME ARGS...: sandrun ARGS exits 125, one line naming ABI $kabi and the minimum.
refused() {
	local name=$1
	shift
	expect_exit "$name: refused with 125" 125 "$SANDRUN" "$@"
	check "$name: one stderr line" one_line "$TMPERR"
	if [ "$kabi" -gt 0 ]; then
		check "$name: it names ABI $kabi and the minimum" grep -q "ABI $kabi found.*needs ABI 3" "$TMPERR"
	else
		check "$name: it says Landlock is missing and names the minimum" grep -qi "landlock.*ABI 3" "$TMPERR"
	fi
	check "$name: nothing ran" test ! -e "$canary"
}
user_opt=()
if is_root; then user_opt=(--user "$RUN_UID:$RUN_UID"); fi
refused "a plain run" "${user_opt[@]}" -- "$fsop" create "$canary"
refused "a run with -W" "${user_opt[@]}" -W "$fx" -- "$fsop" create "$canary"
refused "a run with --allow-net --allow-metadata" "${user_opt[@]}" --allow-net --allow-metadata -W "$fx" -- "$fsop" create "$canary"
refused "a shell" "${user_opt[@]}" -W "$fx" -- /bin/sh -c "echo ran > $canary"
refused "--version" --version
refused "--print-policy" --print-policy
expect_exit "--help still works" 0 "$SANDRUN" --help
done_testing
