#!/usr/bin/env bash
# t/40-limits.t: rlimits, redirections and judge-style runs, checked from outside:
# file sizes on disk, the processes left, the report's verdict.
. t/tap.sh
. t/lib.sh

hog=$ATTACK/hog
fx=$(fixture)
rep=$scratch/report.json
verdict() { python3 t/jsonget.py "$rep" status; }

expect_exit "--cpu 1 on a spinning program: 124" 124 sr --report "$rep" -t 30 -c 1 -- "$hog" spin
is "--cpu: report says cpu-limit" "$(verdict)" cpu-limit
check "--cpu: CPU used (user+sys) came near the limit" \
	test $(( $(python3 t/jsonget.py "$rep" cpu_user_ms) + $(python3 t/jsonget.py "$rep" cpu_sys_ms) )) -ge 700

# --cgroup off: these are the rlimit's rules; t/80-cgroup.t has the cgroup's.
expect_exit "--memory 64M: allocating 512 MiB fails inside, program exits 1" 1 \
	sr --cgroup off --report "$rep" -t 30 -m 64M -- "$hog" alloc 512
is "--memory: report says memory-limit" "$(verdict)" memory-limit
check "--memory: the program saw the failure" grep -q "alloc failed" "$TMPOUT"
rss=$(python3 t/jsonget.py "$rep" max_rss_kb)
check "--memory: peak RSS reached the limit but stayed near it ($rss KiB)" \
	test "$rss" -ge 65536 -a "$rss" -lt 131072
expect_exit "--memory 64M: 16 MiB is fine" 0 sr --report "$rep" -m 64M -- "$hog" alloc 16
is "--memory: under the limit the verdict is exited" "$(verdict)" exited
expect_exit "--memory 64M: a 1 GiB reservation fails" 1 sr --cgroup off -m 64M -- "$hog" reserve
expect_exit "--data 64M: a 1 GiB reservation works" 0 sr --report "$rep" --data 64M -- "$hog" reserve
expect_exit "--data 64M: allocating 512 MiB fails" 1 sr --report "$rep" -t 30 --data 64M -- "$hog" alloc 512
is "--data: report says memory-limit" "$(verdict)" memory-limit

out=$fx/out.bin
expect_exit "--fsize 1K: writing 5000 bytes is killed by SIGXFSZ: 153" 153 \
	sr --report "$rep" -W "$fx" -f 1K -- "$hog" write 5000 "$out"
is "--fsize: report says output-limit" "$(verdict)" output-limit
is "--fsize: the file on disk stopped at 1024 bytes" "$(stat -c %s "$out")" 1024
expect_exit "--fsize also bounds the --stdout file" 153 sr -f 1K -o "$scratch/o.txt" -- "$hog" write 5000
is "--fsize: --stdout file stopped at 1024 bytes" "$(stat -c %s "$scratch/o.txt")" 1024

expect_exit "--nofile 16: opening stops" 0 sr -n 16 -- "$hog" files
is "--nofile 16: 13 more after 0-2" "$(cat "$TMPOUT")" "opened 13 more"

m=sandrun-t40-$$-procs
expect_exit "--procs 30: a fork bomb ends at the timeout" 124 sr -t 1 -p 30 -- "$ATTACK/spawner" forkbomb "$m"
check "--procs 30: nothing left of the bomb" test -z "$(pids_matching "$m")"

cwd=$(fixture)
expect_exit "a segfault in a writable cwd" 139 sr -W "$cwd" -C "$cwd" -- "$hog" segv
check "core dumps are off: no core file" test -z "$(ls "$cwd")"

# Redirections: sandrun opens the files, so they work where the program cannot write.
printf 'line one\nline two\n' >"$scratch/in.txt"
ro=$(fixture)
expect_exit "--stdin/--stdout" 0 sr -i "$scratch/in.txt" -o "$ro/out.txt" -- /bin/cat
is "--stdin to --stdout copies the file" "$(cat "$ro/out.txt")" "$(cat "$scratch/in.txt")"
expect_exit "--stdout and --stderr to one file" 0 sr -o "$ro/both.txt" -e "$ro/both.txt" -- \
	/bin/sh -c 'echo out; echo err >&2; echo out2'
is "one file for both keeps every line" "$(cat "$ro/both.txt")" "out
err
out2"
expect_exit "--stderr alone" 0 sr -e "$ro/err.txt" -- /bin/sh -c 'echo to-err >&2'
is "--stderr file holds stderr" "$(cat "$ro/err.txt")" to-err
check "--stdout file is mode 0644" test "$(stat -c %a "$ro/out.txt")" = 644
expect_exit "program cannot write beside its own --stdout file" 0 sr -o "$ro/out2.txt" -- \
	/bin/sh -c "echo ok; echo x > $ro/sneaky 2>/dev/null; true"
check "no file appeared beside it" test ! -e "$ro/sneaky"
expect_exit "--stdin missing file: 125" 125 sr -i "$scratch/none" -- /bin/cat
check "--stdin missing: one line naming it" grep -q "^sandrun: --stdin $scratch/none: No such file" "$TMPERR"
expect_exit "--stdout in a missing dir: 125" 125 sr -o "$scratch/none/out" -- /bin/true
expect_exit "bad size: 125" 125 sr -m 12Q -- /bin/true
expect_exit "size overflow: 125" 125 sr -m 99999999999999G -- /bin/true
expect_exit "cpu with junk: 125" 125 sr -c 1.5 -- /bin/true
check "cpu with junk: one line" one_line "$TMPERR"

# A judge's day: compile a solution with gcc in a write dir, run it with files.
work=$(fixture)
cat >"$work/sol.c" <<'C'
#include <stdio.h>
int main(void) { long a, b; if (scanf("%ld %ld", &a, &b) != 2) return 1; printf("%ld\n", a + b); return 0; }
C
printf '2 40\n' >"$work/input.txt"
owned_by_run "$work/sol.c" "$work/input.txt"
if have gcc; then
	# --allow-metadata: the linker chmods its output to make it executable.
	expect_exit "judge: gcc compiles inside a -W dir" 0 sr -t 60 -W "$work" -C "$work" --allow-metadata \
		-E TMPDIR="$work" -- gcc -O2 -o sol sol.c
	expect_exit "judge: solution runs with files" 0 sr -t 5 -c 2 -m 256M -i "$work/input.txt" \
		-o "$work/output.txt" --report "$rep" -- "$work/sol"
	is "judge: output is right" "$(cat "$work/output.txt")" 42
	is "judge: verdict exited" "$(verdict)" exited
else
	skip "gcc not installed"; skip "gcc not installed"; skip "gcc not installed"; skip "gcc not installed"
fi
printf 'import sys\na, b = map(int, sys.stdin.read().split())\nprint(a * b)\n' >"$work/sol.py"
owned_by_run "$work/sol.py"
if have python3; then
	expect_exit "judge: python3 solution" 0 sr -t 10 -m 512M -i "$work/input.txt" \
		-o "$work/py.txt" -- python3 "$work/sol.py"
	is "judge: python3 output" "$(cat "$work/py.txt")" 80
else
	skip "python3 not installed"; skip "python3 not installed"
fi
done_testing
