#!/usr/bin/env bash
# t/60-denied.t: the log of denied calls (seccomp user notification, filter.c and
# pgroup.c). Judged from outside: the program prints the errno it got and its pid, and
# the report and sandrun's stderr must name exactly those calls with the right counts and
# arguments; a file the program tried to chmod must keep its mode. The errno itself is
# t/30-filter.t's business, which must pass unchanged with the log in place.
. t/tap.sh
. t/lib.sh

have python3 || skip_all "python3 not installed (needed to parse the report)"
calls=$ATTACK/d_calls
loop=$ATTACK/d_loop
fx=$(fixture)
rep=$fx/report.json
mark="sandrun-t60-$$"

# field KEY: a top-level member of the report.
field() { python3 t/jsonget.py "$rep" "$1"; }
# entry SYSCALL KEY: KEY of the report's denied entry for SYSCALL; "none" when absent.
entry() {
	python3 - "$rep" "$1" "$2" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
hits = [e for e in doc["denied"] if e["syscall"] == sys.argv[2]]
print(hits[0][sys.argv[3]] if hits else "none")
PY
}
# denied_names: the syscalls the report lists, in order, space separated.
denied_names() {
	python3 -c 'import json, sys; print(" ".join(e["syscall"] for e in json.load(open(sys.argv[1]))["denied"]))' \
		"$rep" 2>/dev/null || echo "no report"
}
# not_running PID: gone, or a zombie waiting for init (the parent sandrun was SIGKILLed).
not_running() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	stat=${stat##*) }   # the state follows the command name, which may hold ") "
	[ "${stat:0:1}" = Z ]
}
# wait_for COMMAND...: up to 20 s for COMMAND to succeed (a wait, not a timing claim).
wait_for() {
	for _ in $(seq 400); do "$@" && return 0; sleep 0.05; done
	return 1
}

# ---- the option and the policy print ----
expect_exit "--help exits 0" 0 "$SANDRUN" --help
check "--help lists --log-denied" grep -q -- "--log-denied" "$TMPOUT"
expect_exit "--print-policy --log-denied exits 0" 0 "$SANDRUN" --print-policy --log-denied -p 1
for row in "socket  *41  NOTIFY(EPERM)" "unshare  *272  NOTIFY(EPERM)" "ptrace  *101  NOTIFY(EPERM)" \
	"chmod  *90  NOTIFY(EPERM)" "clone3  *435  ERRNO(ENOSYS)" "fork  *57  ERRNO(EAGAIN)"; do
	check "--print-policy --log-denied: $row" grep -q "^  on  .* $row" "$TMPOUT"
done
check "with --log-denied the BPF dump returns USER_NOTIF" grep -q "ret  USER_NOTIF" "$TMPOUT"
expect_exit "--print-policy --report exits 0" 0 "$SANDRUN" --print-policy --report "$fx/r.json"
check "with --report the rows notify too" grep -q "^  on  .* socket  *41  NOTIFY(EPERM)" "$TMPOUT"
expect_exit "--print-policy without a log exits 0" 0 "$SANDRUN" --print-policy
check "without a log the rows answer alone" grep -q "^  on  .* socket  *41  ERRNO(EPERM)" "$TMPOUT"
check_not "without a log no row notifies" grep -q "^  on  .* NOTIFY(\\|ret  USER_NOTIF" "$TMPOUT"

# ---- the listener is held only when a log was asked for ----
# The kernel allows one listener per filter chain, so a program's own request for one
# shows from outside whether sandrun holds it.
expect_exit "no log: a program can hold a listener of its own" 0 sr -- "$calls" listener
check "no log: the program's listener was granted" grep -qx "listener: ok" "$TMPOUT"
expect_exit "--report: a program's own listener is refused" 0 sr --report "$fx/r.json" -- "$calls" listener
check "--report: sandrun holds the listener (EBUSY)" grep -qx "listener: EBUSY" "$TMPOUT"
check "--report: the log is active" grep -q '"denied_log": "active"' "$fx/r.json"
expect_exit "--log-denied: a program's own listener is refused" 0 sr --log-denied -- "$calls" listener
check "--log-denied: sandrun holds the listener (EBUSY)" grep -qx "listener: EBUSY" "$TMPOUT"

# ---- each kind of call: answered with its errno, listed once with count and arguments ----
echo original >"$fx/file"
chmod 644 "$fx/file"
owned_by_run "$fx/file"
before=$(stat -c %a.%u.%Y "$fx/file")
rm -f "$rep"
expect_exit "every call fails inside" 0 sr --log-denied --report "$rep" -- "$calls" \
	socket socket6 socket unshare clone ptrace "chmod=$fx/file" kill ioctl pair
cp "$TMPOUT" "$fx/calls.out"
cp "$TMPERR" "$fx/calls.err"
pid=$(sed -n 's/^pid: //p' "$fx/calls.out")
target=$(sed -n 's/^ptrace target: //p' "$fx/calls.out")
for c in socket socket6 unshare clone ptrace chmod kill ioctl; do
	check "$c: the program got EPERM" grep -qx "$c: EPERM" "$fx/calls.out"
done
check "socketpair(AF_UNIX) still works" grep -qx "pair: ok" "$fx/calls.out"
is "chmod: the file's mode is unchanged, seen from outside" "$(stat -c %a.%u.%Y "$fx/file")" "$before"
is "report: denied_log is active" "$(field denied_log)" "active"
is "report: the denied calls, in order of first denial" "$(denied_names)" \
	"socket unshare clone ptrace chmod kill ioctl"
is "socket: counted 3 (two AF_INET, one AF_INET6)" "$(entry socket count)" 3
is "socket: the first call's family and type" "$(entry socket args)" "AF_INET, SOCK_STREAM"
is "socket: the first pid is the program's" "$(entry socket first_pid)" "$pid"
is "unshare: its flags" "$(entry unshare args)" "CLONE_NEWUSER|CLONE_NEWNET"
is "clone: its flags and exit signal" "$(entry clone args)" "CLONE_NEWUSER|SIGCHLD"
is "ptrace: the request and the target pid" "$(entry ptrace args)" "PTRACE_SEIZE, $target"
is "chmod: the mode (the path pointer is not read)" "$(entry chmod args)" "..., 04777"
is "kill: the target -1 and signal 0" "$(entry kill args)" "-1, 0"
is "ioctl: the descriptor and the command" "$(entry ioctl args)" "-1, TIOCSTI"
for c in unshare clone ptrace chmod kill ioctl; do
	is "$c: counted once" "$(entry "$c" count)" 1
done
is "--log-denied: one stderr line per syscall" "$(grep -c '^sandrun: denied ' "$fx/calls.err")" 7
is "--log-denied: the socket line" \
	"$(grep -c "^sandrun: denied socket(AF_INET, SOCK_STREAM) from pid $pid\$" "$fx/calls.err")" 1
check "--log-denied: the ptrace line" \
	grep -qx "sandrun: denied ptrace(PTRACE_SEIZE, $target) from pid $pid" "$fx/calls.err"
expect_exit "without --log-denied" 0 sr -- "$calls" socket unshare
check_not "without --log-denied: no stderr line" grep -q "^sandrun: denied" "$TMPERR"

# ---- what the filter answers alone: clone3 (libc falls back) and --procs 1 ----
rm -f "$rep"
expect_exit "clone3 fails" 1 sr --report "$rep" -- "$ATTACK/f_ns" clone3
is "clone3: ENOSYS, as before" "$(tail -n 1 "$TMPOUT")" "clone3: ENOSYS"
is "clone3: not logged" "$(denied_names)" ""
rm -f "$rep"
expect_exit "-p 1: fork fails" 1 sr -p 1 --report "$rep" -- "$ATTACK/f_procs" fork
is "-p 1: fork: EAGAIN, as before" "$(tail -n 1 "$TMPOUT")" "fork: EAGAIN"
is "-p 1: fork is not logged" "$(denied_names)" ""

# ---- 1,000,000 denied calls: every one answered EPERM and counted; memory stays bounded ----
# timeout(1) only keeps a hung sandrun from hanging the suite; -t 60 is sandrun's bound
# (times SANDRUN_TEST_SLOW, t/lib.sh).
rm -f "$rep"
expect_exit "a tight loop of 1,000,000 denied calls ends by itself" 0 \
	timeout -s KILL $((300 * SLOW)) "$SANDRUN" ${RUN_USER:+--user "$RUN_USER"} -t $((60 * SLOW)) --report "$rep" -- "$loop" 1000000
is "loop: every call got EPERM" "$(cat "$TMPOUT")" "loop: 1000000 calls, 1000000 EPERM"
is "loop: the run exited (not the timeout)" "$(field status)" exited
is "loop: counted 1000000" "$(entry socket count)" 1000000
is "loop: one entry" "$(denied_names)" socket
rm -f "$rep"
expect_exit "8 threads, 400,000 denied calls between them" 0 \
	timeout -s KILL $((300 * SLOW)) "$SANDRUN" ${RUN_USER:+--user "$RUN_USER"} -t $((60 * SLOW)) --report "$rep" -- "$loop" 400000 8
is "threads: every call got EPERM" "$(cat "$TMPOUT")" "loop: 400000 calls, 400000 EPERM"
is "threads: counted 400000" "$(entry socket count)" 400000

# ---- the deadline fires while notifications keep arriving ----
# 3 processes of 4 threads call socket() without pause: when the run is killed at its
# timeout, calls are waiting on sandrun. sandrun must still end with 124, nothing left.
for i in 1 2 3 4 5; do
	rm -f "$rep"
	expect_exit "flood $i: killed at the timeout, exit 124" 124 \
		timeout -s KILL 60 "$SANDRUN" ${RUN_USER:+--user "$RUN_USER"} -t 0.5 --report "$rep" -- \
		"$loop" flood 3 4 "$mark-flood"
	is "flood $i: report says timeout" "$(field status)" timeout
	check "flood $i: calls were logged" test "$(entry socket count)" -gt 0
	check "flood $i: no process left" test -z "$(pids_matching "$mark-flood")"
done

# ---- sandrun SIGKILLed while a call waits on it: the call fails, nothing stays ----
# sandrun is stopped first, so the grandchild's socket() must wait for an answer; then
# sandrun dies. The kernel fails the waiting call (ENOSYS: no listener left), PDEATHSIG
# kills the direct child, and the grandchild exits after writing what it got.
pd=$(fixture)
"$SANDRUN" ${RUN_USER:+--user "$RUN_USER"} --log-denied -W "$pd" -t 120 -- "$ATTACK/d_pending" "$pd" \
	>"$pd/out" 2>&1 &
srpid=$!
check "pending: the run started" wait_for test -s "$pd/ready" -a -s "$pd/gpid"
child=$(pgrep -P "$srpid" | head -n 1)
gpid=$(cat "$pd/gpid")
kill -STOP "$srpid"
: >"$pd/go"
in_socket() { [ "$(cut -d ' ' -f 1 "/proc/$gpid/syscall" 2>/dev/null)" = 41 ]; }
check "pending: socket() waits on the stopped sandrun" wait_for in_socket
check_not "pending: no answer while sandrun is stopped" test -e "$pd/result"
# Braced, so bash's own "Killed" notice for the job goes to /dev/null too.
{ kill -KILL "$srpid"; wait "$srpid"; status=$?; } 2>/dev/null
is "pending: sandrun died by SIGKILL" "$status" 137
check "pending: the grandchild's call returned" wait_for test -s "$pd/result"
is "pending: the call failed, it did not run" "$(cat "$pd/result" 2>/dev/null)" "socket: ENOSYS"
check "pending: the direct child is gone (PDEATHSIG)" wait_for not_running "$child"
check "pending: the grandchild is gone" wait_for not_running "$gpid"
check "pending: no process of the run left" wait_for test -z "$(pids_matching "$pd")"

# ---- nested: the inner sandrun cannot have a listener, denies the same, says so ----
# --allow-metadata on the outer run only lets the inner sandrun fchmod its report file.
nf=$(fixture)
rep=$nf/inner.json
expect_exit "nested: every call fails" 0 sr --allow-metadata -W "$nf" --report "$nf/outer.json" -- \
	"$SANDRUN" --log-denied --report "$rep" -- "$calls" socket unshare ptrace
for c in socket unshare ptrace; do
	check "nested: $c: EPERM" grep -qx "$c: EPERM" "$TMPOUT"
done
check "nested: the inner sandrun's report exists" test -s "$rep"
is "nested: denied_log says why there is no log" "$(field denied_log)" "unavailable: nested listener"
is "nested: nothing listed" "$(denied_names)" ""
check "nested: --log-denied says the log is unavailable" \
	grep -q "^sandrun: --log-denied: no log, another seccomp listener" "$TMPERR"
rep=$nf/outer.json
is "nested: the outer log is active" "$(field denied_log)" active
is "nested: the inner filter answered socket itself (its ERRNO outranks USER_NOTIF)" \
	"$(entry socket count)" none

# An outer run without a log holds no listener, so the inner one gets its own; but the
# outer filter's ERRNO outranks the inner USER_NOTIF, and the report says so.
rep=$nf/inner2.json
expect_exit "nested, outer without a log: every call fails" 0 sr --allow-metadata -W "$nf" -- \
	"$SANDRUN" --report "$rep" -- "$calls" socket unshare
check "nested, outer without a log: socket: EPERM" grep -qx "socket: EPERM" "$TMPOUT"
is "nested, outer without a log: the inner log says the outer filter answers first" \
	"$(field denied_log)" "partial: an outer seccomp filter answers first for the calls it denies"
is "nested, outer without a log: the outer's answers are not listed" "$(denied_names)" ""

# ---- a run that never reached its filter ----
rep=$fx/setup.json
rm -f "$rep"
expect_exit "setup error before the filter" 125 sr --report "$rep" -C "$fx/missing" -- /bin/true
check "setup error: denied_log says the filter was not installed" \
	grep -q '"denied_log": "not started' "$rep"
is "setup error: nothing listed" "$(denied_names)" ""

done_testing
