#!/usr/bin/env bash
# t/valgrind/memcheck.t: run by `make check-valgrind`. sandrun's own process under
# valgrind's memcheck, for a normal run, a timeout, setup errors (in sandrun and in its
# child) and other endings: each exits as it should and no process of sandrun (sandrun,
# or its child before execve) reports a memory error or a definitely lost block. The
# program itself runs natively (--trace-children=no). sandrun-valgrind answers the
# system calls valgrind 3.19 does not know (t/valgrind/kernel-stub.c): it confines
# nothing and is for this check only.
. t/tap.sh
SANDRUN=${SANDRUN:-$(pwd)/sandrun-valgrind}
. t/lib.sh

have valgrind || skip_all "valgrind not installed"
[ -x "$SANDRUN" ] || skip_all "sandrun-valgrind not built (make check-valgrind builds it)"
logs=$(mktemp -d "$scratch/valgrind.XXXXXX")

# One log per process (%p): the child's, when it exits under valgrind, is checked too.
memcheck=(valgrind --error-exitcode=86 --leak-check=full --errors-for-leak-kinds=definite
	--trace-children=no --log-file="$logs/%p")
# no_errors: every log that reached its summary says 0 errors (definite leaks count).
no_errors() {
	local summaries
	summaries=$(cat "$logs"/* | grep -c 'ERROR SUMMARY:')
	[ "$summaries" -gt 0 ] && ! grep -q 'ERROR SUMMARY: [1-9]' "$logs"/*
}
# vg NAME WANT ARGS...: sandrun ARGS under memcheck (as sr runs it) exits WANT, cleanly.
vg() {
	local name=$1 want=$2
	shift 2
	rm -f "$logs"/*
	if is_root; then set -- --user "$RUN_UID:$RUN_UID" "$@"; fi
	expect_exit "$name: exit $want" "$want" "${memcheck[@]}" "$SANDRUN" "$@"
	if no_errors; then ok "$name: no memory error, no definite leak"; else
		nok "$name: no memory error, no definite leak"
		grep -h -B2 -A12 -E '(Invalid|uninitialised|definitely lost in)' "$logs"/* | sed 's/^/# /'
	fi
}

fx=$(fixture)
mkdir "$fx/secret" "$fx/work"
owned_by_run "$fx/secret" "$fx/work"
vg "normal run" 0 -E SANDRUN_T=1 -W "$fx/work" -R "$fx/secret" --report "$fx/report.json" \
	-o "$fx/out" -- /bin/echo hello
is "normal run: the program ran" "$(cat "$fx/out")" hello
vg "timeout" 124 -t 0.5 -- /bin/sleep 10
vg "--report-fd to a file, report name made a directory" 123 --report-fd 3 -W "$fx/work" \
	--report "$fx/work/r3.json" -- /bin/mkdir "$fx/work/r3.json" 3>"$fx/fd.json"
vg "setup error in sandrun: missing -W dir" 125 -W "$fx/nonexistent" -- /bin/true
vg "setup error in sandrun: bad value" 125 --report "$fx/r2.json" -t abc -- /bin/true
if is_root; then
	mkdir -m 700 "$fx/closed"
	vg "setup error in the child: --chdir it cannot enter" 125 -C "$fx/closed" -- /bin/true
else
	skip "setup error in the child needs root (a dir closed to the run's uid)"
	skip "setup error in the child needs root (a dir closed to the run's uid)"
fi
vg "program not found" 127 -- "$fx/no-such-program"
vg "program killed by a signal" 139 -- /bin/sh -c 'kill -SEGV $$'
vg "--print-policy with a -R dir" 0 --print-policy -R "$fx/secret"
done_testing
