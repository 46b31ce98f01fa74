#!/usr/bin/env bash
# t/80-cgroup.t: the run's cgroup v2 (cgroup.c), judged from outside: verdicts and counters
# in the report, processes left (pgrep), cgroup directories left. Where sandrun can have a
# cgroup (root with cgroup2 and memory+pids: the guests of make check-kernels) the cgroup
# half runs; elsewhere (cgroup v1 hosts, an undelegated uid) the rlimit fallback and the
# refusal of --cgroup on are checked instead. Both halves always check the option itself.
. t/tap.sh
. t/lib.sh

probe=$ATTACK/cg_probe
rep=$scratch/report.json
field() { python3 t/jsonget.py "$rep" "$1"; }
limit() { python3 t/jsonget.py "$rep" "limits.$1"; }
cgroot=/sys/fs/cgroup
# run_dirs: run cgroups of sandrun (as root) still present.
# alive MARK: a process whose command line holds MARK (not this shell: its own has no MARK).
alive() { pgrep -f -- "$1" >/dev/null; }
run_dirs() { ls "$cgroot/sandrun" 2>/dev/null | grep '^run-' || true; }

expect_exit "--cgroup bogus: 125" 125 "$SANDRUN" --cgroup bogus true
check "--cgroup bogus: one line" one_line "$TMPERR"
check "--cgroup bogus: naming the option" grep -q '^sandrun: --cgroup bogus' "$TMPERR"
expect_exit "--cgroup off: runs with rlimits" 0 sr --cgroup off --report "$rep" -m 64M -- true
is "--cgroup off: report says no cgroup" "$(field cgroup)" false
is "--cgroup off: memory by rlimit" "$(limit memory_by)" rlimit

expect_cg=no
if is_root && [ "$(stat -f -c %T $cgroot 2>/dev/null)" = cgroup2fs ] &&
	grep -qw memory $cgroot/cgroup.controllers && grep -qw pids $cgroot/cgroup.controllers; then
	expect_cg=yes
fi
if "$SANDRUN" --version | grep -qE '^  cgroup +active'; then have_cg=yes; else have_cg=no; fi
if is_root; then
	is "--version: cgroup row active exactly when cgroup2 with memory+pids is there" "$have_cg" "$expect_cg"
fi
diag "cgroup for runs: $have_cg ($(stat -f -c %T $cgroot 2>/dev/null))"

if [ "$have_cg" = no ]; then
	# ---- no cgroup here: the rlimits, and on refuses ----
	expect_exit "--cgroup on without a usable cgroup: 125" 125 sr --cgroup on -- true
	check "--cgroup on: one line naming what is missing" one_line "$TMPERR"
	check "--cgroup on: the line says cgroup" grep -qE 'cgroup on: .*(cgroup v2 is not mounted|controllers are not available|not delegated|delegated parent|not in /proc/self/cgroup)' "$TMPERR"
	diag "$(cat "$TMPERR")"
	expect_exit "auto: -m 64M and 512 MiB: the rlimit stops it, exit 1" 1 \
		sr --report "$rep" -t 30 -m 64M -- "$probe" hog 512
	is "auto: verdict memory-limit" "$(field status)" memory-limit
	is "auto: report says no cgroup" "$(field cgroup)" false
	is "auto: memory by rlimit" "$(limit memory_by)" rlimit
	check "auto: memory_rlimit_bytes set" test "$(limit memory_rlimit_bytes)" != null
	is "auto: memory_peak_bytes null" "$(field memory_peak_bytes)" null
	check "auto: --print-policy names the rlimit" sh -c "'$SANDRUN' --print-policy | grep -qE '^  cgroup-memory +NOT +rlimit'"
	expect_exit "--cleanup without a cgroup: 125" 125 "$SANDRUN" --cleanup
	check "--cleanup: one line" one_line "$TMPERR"
	done_testing
	exit
fi

# ---- one cgroup per run ----
check "--print-policy: cgroup-memory row active" sh -c "'$SANDRUN' --print-policy | grep -qE '^  cgroup-memory +active'"

expect_exit "-m 64M, touching 512 MiB: OOM-killed (137)" 137 \
	sr --report "$rep" -t 60 -m 64M -- "$probe" hog 512
is "memory hog: verdict memory-limit" "$(field status)" memory-limit
is "memory hog: report says cgroup" "$(field cgroup)" true
is "memory hog: memory by cgroup" "$(limit memory_by)" cgroup
is "memory hog: no address-space rlimit" "$(limit memory_rlimit_bytes)" null
check "memory hog: an oom_kill counted" test "$(field oom_kills)" -ge 1
peak=$(field memory_peak_bytes)
check "memory hog: memory.peak near 64 MiB ($peak)" test "$peak" -ge $((56 << 20)) -a "$peak" -le $((64 << 20))

# 768 MiB, not 1 GiB: the guest has 1 GiB of RAM, and overcommit's heuristic refuses a
# single allocation larger than RAM + swap.
expect_exit "-m 256M, one 768 MiB malloc touched: OOM-killed" 137 \
	sr --report "$rep" -t 60 -m 256M -- "$probe" big 768
is "768 MiB malloc: verdict memory-limit" "$(field status)" memory-limit
diag "768 MiB: $(cat "$TMPOUT"), peak $(field memory_peak_bytes), oom_kills $(field oom_kills)"

expect_exit "-m 256M: an 8 GiB PROT_NONE reservation works with the cgroup" 0 \
	sr --report "$rep" -t 60 -m 256M -- "$probe" reserve 8
is "reservation: verdict exited" "$(field status)" exited
expect_exit "-m 256M --cgroup off: the same reservation fails (RLIMIT_AS)" 1 \
	sr --cgroup off -t 60 -m 256M -- "$probe" reserve 8

expect_exit "-m 64M: 16 MiB is fine" 0 sr --report "$rep" -m 64M -- "$probe" hog 16
is "16 MiB: verdict exited" "$(field status)" exited

expect_exit "-p 50: a fork bomb of 200 ends" 0 sr --report "$rep" -t 60 -p 50 -- "$probe" forkbomb 200
forked=$(sed -n 's/^forked //p' "$TMPOUT")
check "-p 50: pids.max held (forked ${forked:-?} < 50)" test "${forked:-99}" -lt 50 -a "${forked:-0}" -ge 40
is "-p 50: procs by cgroup" "$(limit procs_by)" cgroup
check "-p 50: pids.events max counted" test "$(field pids_max_hits)" -ge 1
expect_exit "-p 20: threads count" 0 sr -t 60 -p 20 -- "$probe" threads 100
threads=$(sed -n 's/^threads //p' "$TMPOUT")
check "-p 20: at most 19 threads (${threads:-?})" test "${threads:-99}" -lt 20

expect_exit "-c 1: cpu-limit" 124 sr --report "$rep" -t 30 -c 1 -- "$ATTACK/hog" spin
is "-c 1: verdict cpu-limit" "$(field status)" cpu-limit
is "-c 1: cpu by rlimit (per process)" "$(limit cpu_by)" rlimit
check "-c 1: cgroup_cpu_usec counts the run ($(field cgroup_cpu_usec))" test "$(field cgroup_cpu_usec)" -ge 700000

mark=cgorphan$$
expect_exit "an orphaned grandchild: run ends" 0 sr -t 30 -- "$probe" orphan "$mark"
check_not "orphan: killed at the end" alive "$mark"
is "no run cgroup left after the runs" "$(run_dirs)" ""

# SIGKILL of sandrun: its direct child dies (PDEATHSIG), the grandchild stays in the cgroup.
linger() {
	"$SANDRUN" ${RUN_USER:+--user "$RUN_USER"} -t 120 -- "$probe" linger "$1" >"$scratch/linger.out" 2>&1 &
	spid=$!
	for _ in $(seq 100); do grep -q 'grandchild running' "$scratch/linger.out" && break; sleep 0.1; done
	kill -KILL "$spid"
	wait "$spid" 2>/dev/null
	sleep 0.3
}
mark=cglinger$$
linger "$mark"
check "SIGKILL of sandrun: the grandchild outlived it" alive "$mark"
check "SIGKILL of sandrun: its run cgroup is left" sh -c "ls $cgroot/sandrun | grep -q '^run-$spid-'"
expect_exit "--cleanup: exit 0" 0 "$SANDRUN" --cleanup
check "--cleanup: says it removed one" grep -q "1 leftover run cgroup removed" "$TMPERR"
check_not "--cleanup: the grandchild is dead" alive "$mark"
is "--cleanup: no run cgroup left" "$(run_dirs)" ""

mark=cgnext$$
linger "$mark"
expect_exit "the next run after a SIGKILLed one" 0 sr -- true
check_not "next run: the leftover grandchild is dead" alive "$mark"
is "next run: no run cgroup left" "$(run_dirs)" ""

# A delegated subtree, as systemd gives a user: a parent the uid owns, with memory and pids
# enabled for its children, and a shell of that uid in one of them. sandrun as that uid
# makes its run cgroup beside its own.
deleg=$cgroot/t80-deleg.$$
# bash, not sh: busybox's sh would run its own setpriv applet, which has no --reuid.
if setpriv --help 2>&1 | grep -q -- --reuid && mkdir "$deleg" 2>/dev/null; then
	fx=$(fixture)
	echo "+memory +pids" >"$deleg/cgroup.subtree_control" && mkdir "$deleg/shell" &&
		chown "$RUN_UID:$RUN_UID" "$deleg" "$deleg/cgroup.procs" "$deleg/shell" "$deleg/shell/cgroup.procs"
	expect_exit "delegated subtree: a uid's run is OOM-killed under -m 64M (--cgroup on)" 137 \
		bash -c 'echo $$ >"$1/shell/cgroup.procs" && shift && exec "$@"' bash "$deleg" \
		setpriv --reuid="$RUN_UID" --regid="$RUN_UID" --clear-groups \
		"$SANDRUN" --cgroup on --report "$fx/r.json" -t 60 -m 64M -- "$probe" hog 512
	rep=$fx/r.json
	is "delegated: verdict memory-limit" "$(field status)" memory-limit
	is "delegated: memory by cgroup" "$(limit memory_by)" cgroup
	check "delegated: the run's cgroup was beside sandrun's" grep -q "t80-deleg.$$" "$rep"
	is "delegated: no run cgroup left" "$(ls "$deleg" | grep '^sandrun-run-' || true)" ""
	rmdir "$deleg/shell" "$deleg" || diag "could not remove $deleg"
else
	skip "delegated subtree: needs util-linux setpriv and mkdir in $cgroot"
	for _ in 1 2 3 4; do skip "delegated subtree"; done
fi

done_testing
