#!/usr/bin/env bash
# t/kernels/guest.t: what only a real kernel of each version can show, run in the guest of
# make check-kernels (t/kernels/run.sh): the ABI sandrun uses is the kernel's own answer
# (t/kernels/kabi), every protection row of --version is active exactly when the kernel's
# ABI brings it (so ABI 7 rows are NOT active on 6.12's ABI 6), the seccomp arch check
# names this machine's arch (x86_64 or aarch64; the x32 kill only on x86_64), cgroup2 is
# mounted for the cgroup tests, and a sandboxed run works.
. t/tap.sh
. t/lib.sh

kabi=$(t/kernels/kabi)
kabi=${kabi%% *}
diag "kernel Landlock ABI $kabi on $(uname -r) $(uname -m)"
check "the kernel has Landlock ABI 3 or newer" test "$kabi" -ge 3
expect_exit "--version exits 0" 0 "$SANDRUN" --version
abi=$(sed -n 's/^Landlock ABI \([0-9]*\)$/\1/p' "$TMPOUT")
is "--version names the kernel's ABI" "$abi" "$kabi"
rows=0
while read -r name state need; do
	rows=$((rows + 1))
	if [ "$abi" -ge "$need" ]; then want=active; else want=NOT; fi
	is "--version: $name (ABI $need) is $want at ABI $abi" "$state" "$want"
done < <(sed -nE 's/^ +(landlock-[a-z-]+) +(active|NOT) .*\(ABI ([0-9]+)[,)].*/\1 \2 \3/p' "$TMPOUT")
check "--version lists at least 6 Landlock rows ($rows)" test "$rows" -ge 6

expect_exit "--print-policy exits 0" 0 "$SANDRUN" --print-policy
case $(uname -m) in
x86_64)
	check "--print-policy checks AUDIT_ARCH_X86_64" grep -q "arch != AUDIT_ARCH_X86_64 .*-> KILL_PROCESS" "$TMPOUT"
	check "--print-policy kills x32" grep -q "x32" "$TMPOUT"
	;;
aarch64)
	check "--print-policy checks AUDIT_ARCH_AARCH64" grep -q "arch != AUDIT_ARCH_AARCH64 .*-> KILL_PROCESS" "$TMPOUT"
	check_not "--print-policy has no x32 row on aarch64" grep -qi "x32" "$TMPOUT"
	;;
*) skip "no arch check known for $(uname -m)"; skip "no arch check known for $(uname -m)" ;;
esac

check "cgroup2 is mounted on /sys/fs/cgroup" grep -q '^cgroup2 /sys/fs/cgroup cgroup2 ' /proc/mounts
fx=$(fixture)
expect_exit "a sandboxed run works" 0 sr -W "$fx" -- /bin/sh -c "echo in > $fx/out"
is "it wrote its output in the -W dir" "$(cat "$fx/out" 2>/dev/null)" in
expect_exit "a write outside -W fails" 1 sr -- "$ATTACK/ll_fsop" create "$fx/no"
check "nothing was created" test ! -e "$fx/no"
done_testing
