#!/usr/bin/env bash
# t/50-report.t: the JSON report agrees with the exit status for every outcome, parses
# with a real JSON parser whatever bytes the paths hold, and is written atomically.
. t/tap.sh
. t/lib.sh

have python3 || skip_all "python3 not installed (needed to parse the report)"
hog=$ATTACK/hog
rdir=$(mktemp -d "$scratch/reports.XXXXXX")
rep=$rdir/report.json
get() { python3 t/jsonget.py "$rep" "$@"; }

# Each row: name|expected exit|expected status|sandrun arguments (eval'd).
rows=(
	"exits 3|3|exited|-- $hog exit 3"
	"segfault|139|signaled|-- $hog segv"
	"sleeps past -t|124|timeout|-t 0.3 -- /bin/sleep 10"
	"spins past -c|124|cpu-limit|-t 20 -c 1 -- $hog spin"
	"writes past -f|153|output-limit|-f 1K -- $hog write 5000"
	"allocates past -m|1|memory-limit|--cgroup off -t 20 -m 64M -- $hog alloc 512"
	"fork bomb under -p|124|timeout|-t 1 -p 30 -- $ATTACK/spawner forkbomb sandrun-t50-$$"
	"missing program|127|exec-error|-- $scratch/no-such-program"
	"not executable|126|exec-error|-- /etc/passwd"
	"bad option|125|setup-error|--no-such-option -- /bin/true"
	"bad value|125|setup-error|-t abc -- /bin/true"
)
for row in "${rows[@]}"; do
	IFS='|' read -r name want_exit want_status args <<<"$row"
	rm -f "$rep"
	eval "set -- $args"
	expect_exit "$name: exit $want_exit" "$want_exit" sr --report "$rep" -o "$scratch/out" "$@"
	check "$name: report is valid JSON" get
	is "$name: status $want_status" "$(get status)" "$want_status"
	is "$name: sandrun_exit agrees with the exit status" "$(get sandrun_exit)" "$want_exit"
done
check "fork bomb: nothing left" test -z "$(pids_matching "sandrun-t50-$$")"

rm -f "$rep"
sr --report "$rep" -- "$hog" exit 0 >/dev/null 2>&1
for field in status exit_code signal wall_ms cpu_user_ms cpu_sys_ms max_rss_kb landlock_abi \
	killed_group sandrun_exit message limits protections; do
	check "report has $field" get "$field"
done
is "exited normally: exit_code 0" "$(get exit_code)" 0
is "exited normally: killed_group false" "$(get killed_group)" false
check "landlock_abi is a number >= 3" test "$(get landlock_abi)" -ge 3
check "protections name the filter" grep -q '"seccomp' "$rep"
sr --report "$rep" -t 0.3 -- "$ATTACK/spawner" grandchildren "sandrun-t50b-$$" >/dev/null 2>&1
is "timeout: killed_group true" "$(get killed_group)" true
is "timeout: limits carry the timeout" "$(get limits.timeout_ms)" 300
sr --report "$rep" -m 64M -c 2 -f 1M -n 64 -- /bin/true >/dev/null 2>&1
is "limits in force are reported" "$(get limits.memory_bytes limits.cpu_sec limits.fsize_bytes limits.nofile | tr '\n' ' ')" \
	"67108864 2 1048576 64 "

# Awkward bytes in what the report quotes: quotes, backslashes, control bytes, bad UTF-8.
awkward=$scratch/$'we"ird\\na\tme\x01\xff\xc3(\xed\xa0\x80 \xe2\x82\xac'
rm -f "$rep"
expect_exit "awkward program path: 127" 127 sr --report "$rep" -- "$awkward"
check "awkward path: report still parses" get
check "awkward path: message keeps the printable parts" sh -c "python3 t/jsonget.py '$rep' message | grep -q 'we\"ird'"
check "awkward path: UTF-8 that was valid survives" sh -c "python3 t/jsonget.py '$rep' program | grep -q '€'"

# Nested: the inner sandrun writes its report under the outer filter (no fchmod needed).
nest=$(fixture)
expect_exit "nested run writes its report" 0 sr -W "$nest" -- "$SANDRUN" --report "$nest/inner.json" -- /bin/true
check "nested report parses" python3 t/jsonget.py "$nest/inner.json" status
is "nested report: status exited" "$(python3 t/jsonget.py "$nest/inner.json" status)" exited

# Atomic: no temporary file is left beside the report.
is "no temporary files left beside the report" "$(find "$rdir" -name '*sandrun-*' | wc -l)" 0
expect_exit "report in a missing directory: 125 before running" 125 \
	sr --report "$scratch/missing/r.json" -- /bin/sh -c "echo ran > $rdir/ran"
check "report in a missing directory: nothing ran" test ! -e "$rdir/ran"
check "report in a missing directory: one line" one_line "$TMPERR"
done_testing
