#!/usr/bin/env bash
# t/sanitize/report.t: run by `make check-asan` before the suite. A sanitizer report
# must fail the run wherever it happens: in sandrun, and in its child between fork and
# execve, which is still sandrun-asan, after Landlock, the rlimits and the seccomp filter.
# t/sanitize/fault.c, preloaded, makes one (SANDRUN_FAULT says where); the status must be
# 86 (t/sanitize/hooks.c), which no test of the suite expects, and stderr must show it.
. t/tap.sh
SANDRUN=${SANDRUN:-$(pwd)/sandrun-asan}
. t/lib.sh

fault=$top/.obj/asan/fault.so
if [ ! -x "$SANDRUN" ] || [ ! -f "$fault" ]; then
	skip_all "sandrun-asan or .obj/asan/fault.so not built (make check-asan builds them)"
fi
# symbolize=0: the symbolizer would inherit the preload and fail to start.
export ASAN_OPTIONS=symbolize=0
# faulty MODE ARGS...: sandrun-asan, as sr runs it, with the fault preloaded into it
# alone; --clean-env keeps the preload out of PROGRAM.
faulty() {
	local mode=$1
	shift
	if is_root; then set -- --user "$RUN_UID:$RUN_UID" "$@"; fi
	SANDRUN_FAULT=$mode LD_PRELOAD=$fault "$SANDRUN" --clean-env "$@"
}

expect_exit "the preload alone changes nothing" 0 faulty none -- /bin/true
expect_exit "heap overflow in sandrun: 86" 86 faulty parent -- /bin/true
check "heap overflow in sandrun: reported" grep -q 'ERROR: AddressSanitizer: heap-buffer-overflow' "$TMPERR"
expect_exit "leak in sandrun: 86" 86 faulty leak -- /bin/true
check "leak in sandrun: reported" grep -q 'ERROR: LeakSanitizer: detected memory leaks' "$TMPERR"
expect_exit "heap overflow in the child at execve: 86" 86 faulty exec-asan -- /bin/true
check "heap overflow in the child: reported" grep -q 'ERROR: AddressSanitizer: heap-buffer-overflow' "$TMPERR"
expect_exit "signed overflow in the child at execve: 86" 86 faulty exec-ubsan -- /bin/true
check "signed overflow in the child: reported" grep -q 'runtime error: signed integer overflow' "$TMPERR"
# Under -m the report may not fit below RLIMIT_AS (ASan then says it failed to map
# memory), but the status still tells.
expect_exit "heap overflow in the child under -m 64M: 86" 86 faulty exec-asan -m 64M -- /bin/true
expect_exit "heap overflow in the child under -p 1: 86" 86 faulty exec-asan -p 1 -- /bin/true
# Nested in a sandbox LeakSanitizer cannot work (ptrace is denied) and is turned off.
expect_exit "sandrun-asan inside a sandbox exits 0" 0 sr -- "$SANDRUN" -- /bin/true
done_testing
