#!/usr/bin/env bash
# t/31-filter-attacks.t: the filter rows that protect sandrun itself and what outlives a
# run (filter.c): the scheduling of sandrun, signals to it below Landlock ABI 6, the death
# signal, datagram socketpairs, System V IPC and message queues, terminal state, setuid
# and setgid bits at creation. Each attack is judged from outside: sandrun's scheduling in
# /proc, sandrun still running and the run ending at -t, the program's pid gone after
# sandrun's death, an outside listener that must receive nothing, the IPC objects of the
# run's uid, the terminal's line discipline and exclusive flag, the modes of created files.
. t/tap.sh
. t/lib.sh

# as_run_uid COMMAND...: COMMAND with the run's uid. sandrun started this way shares its
# uid with its program, as for an unprivileged caller: the kernel's own permission checks
# then allow what the filter has to refuse. As root, sandrun would be root and the kernel
# would refuse anyway, which proves nothing about the filter.
as_run_uid() {
	"${run_uid[@]}" "$@"
}
# The same as a prefix, for background jobs: "${run_uid[@]}" CMD & makes $! CMD's own pid
# (setpriv execs it), where a backgrounded function would give a subshell's.
run_uid=()
if is_root; then run_uid=(setpriv --reuid="$RUN_UID" --regid="$RUN_UID" --clear-groups); fi
# wait_for FILE PATTERN: true once PATTERN is in FILE; gives up after about 20 s.
wait_for() {
	local i
	for i in $(seq 200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}
# state PID: the process state letter (R, S, T, Z, ...), empty when PID is gone.
state() { sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null; }
# gone_soon PID: true once PID is gone or a zombie; gives up after about 10 s.
gone_soon() {
	local i s
	for i in $(seq 100); do
		s=$(state "$1"); [ -z "$s" ] || [ "$s" = Z ] && return 0
		sleep 0.1
	done
	return 1
}
# all_denied FILE WANT: every "CALL: answer" line of FILE answers WANT.
all_denied() { ! grep -v "^done$" "$1" | grep -qv ": $2\$"; }
PY=/usr/bin/python3   # not a PATH lookup: a per-user shim (pyenv) is not the run uid's

# ---- #13.3: the scheduling of sandrun (same uid) ----
# sched_of PID: policy and nice (/proc stat fields 41 and 19), cpu affinity, io priority.
sched_of() {
	echo "$(sed 's/.*) //' "/proc/$1/stat" | awk '{print "policy", $39, "nice", $17}')" \
		"affinity $(taskset -p "$1" | sed 's/.*: //')" "io $(ionice -p "$1")"
}
out=$scratch/sched.out
baseline=$(sched_of $$)   # sandrun inherits the test shell's scheduling
"${run_uid[@]}" "$SANDRUN" -t 20 -- "$ATTACK/fa_sched" >"$out" 2>"$scratch/sched.err" &
pid=$!
if wait_for "$out" '^done$'; then
	is "sched: the pid watched is sandrun's" "$(cat /proc/$pid/comm)" "$(basename "$SANDRUN" | cut -c1-15)"
	is "sched: sandrun's policy, nice, affinity and io priority are unchanged" "$(sched_of $pid)" "$baseline"
	check "sched: chrt -p still shows SCHED_OTHER" grep -q SCHED_OTHER <<<"$(chrt -p $pid)"
else
	nok "sched: the attack finished its calls"
fi
kill -TERM $pid 2>/dev/null   # sandrun ends the run and exits
{ wait $pid; } 2>/dev/null
for call in sched_setscheduler sched_setparam sched_setattr sched_setaffinity \
	"setpriority PRIO_PROCESS" "setpriority PRIO_PGRP" "setpriority PRIO_USER" \
	"ioprio_set PROCESS" "ioprio_set PGRP" "ioprio_set USER" prlimit64 migrate_pages move_pages; do
	check "sched: $call of sandrun: EPERM" grep -qx "$call: EPERM" "$out"
done
expect_exit "sched: sched_setaffinity on the program itself still works" 0 \
	sr -- /bin/sh -c 'taskset -p 1 $$ >/dev/null && renice -n 5 -p $$ >/dev/null'
expect_exit "--print-policy shows sandrun's pid read at build" 0 "$SANDRUN" --print-policy
check "--print-policy: sched_setscheduler compares with a number" \
	grep -qE "^  on .* sched_setscheduler .*SUPERVISOR_PID [0-9]+ " "$TMPOUT"
check "--print-policy: setpriority PRIO_USER" grep -qE "^  on .* setpriority .*PRIO_USER" "$TMPOUT"

# ---- #13.4: signals to sandrun below Landlock ABI 6 (same uid) ----
abi5=$top/sandrun-abi5
if [ ! -x "$abi5" ]; then
	skip "sandrun-abi5 not built (make sandrun-abi5): signals below ABI 6 untested"
else
	out=$scratch/signal.out
	"${run_uid[@]}" "$abi5" -t 2 -- "$ATTACK/fa_signal" >"$out" 2>"$scratch/signal.err" &
	pid=$! stopped=no
	wait_for "$out" "^kill SIGSTOP"
	is "abi5 signals: the pid watched is sandrun's" "$(cat /proc/$pid/comm 2>/dev/null)" sandrun-abi5
	for i in $(seq 200); do
		s=$(state $pid); [ -z "$s" ] || [ "$s" = Z ] && break
		[ "$s" = T ] && stopped=yes
		sleep 0.1
	done
	if [ -n "$(state $pid)" ] && [ "$(state $pid)" != Z ]; then
		nok "abi5 signals: the run ended within 20 s"
		kill -CONT $pid; kill -KILL $pid
	fi
	wait $pid
	is "abi5 signals: the run ended at -t (124), sandrun neither killed nor stopped" "$?" 124
	is "abi5 signals: sandrun was never seen stopped" "$stopped" no
	check "abi5 signals: the attack made every call" grep -qx done "$out"
	check "abi5 signals: every route answered EPERM" all_denied "$out" EPERM
	check_not "abi5 signals: no process of the run survives" pgrep -u "$RUN_UID" -f "$ATTACK/fa_signal"
	expect_exit "abi5 --print-policy" 0 "$abi5" --print-policy
	check "abi5 --print-policy: kill of sandrun's pid is on" \
		grep -qE "^  on .* kill .*SUPERVISOR_PID [0-9]+ +Landlock ABI < 6" "$TMPOUT"
	check "abi5 --print-policy: pidfd_send_signal is on" grep -qE "^  on .* pidfd_send_signal " "$TMPOUT"
	expect_exit "abi5: signals inside the run still work" 0 \
		as_run_uid "$abi5" -- /bin/sh -c "sleep 30 & kill \$!; wait \$!; [ \$? -eq 143 ]"
fi
abi=$("$SANDRUN" --version | sed -n 's/^Landlock ABI //p')
if [ "${abi:-0}" -ge 6 ]; then
	expect_exit "--print-policy at ABI $abi" 0 "$SANDRUN" --print-policy
	check "at ABI $abi the signal scope stands in: the kill rows are off" \
		grep -qE "^  off .* kill .*SUPERVISOR_PID" "$TMPOUT"
fi

# ---- #13.5: the death signal cannot be cleared ----
out=$scratch/pdeath.out
"$SANDRUN" ${RUN_USER:+--user "$RUN_USER"} -t 30 -- "$ATTACK/fa_pdeath" >"$out" 2>/dev/null &
pid=$!
if wait_for "$out" '^pid '; then
	child=$(sed -n 's/^pid //p' "$out")
	kill -KILL $pid
	{ wait $pid; } 2>/dev/null
	check "pdeath: the program is gone soon after SIGKILL of sandrun" gone_soon "$child"
	kill -KILL "$child" 2>/dev/null
else
	nok "pdeath: the program started"
	kill -KILL $pid
fi
{ wait $pid; } 2>/dev/null
check "pdeath: prctl(PR_SET_PDEATHSIG, 0) was refused" grep -qx "PR_SET_PDEATHSIG 0: EPERM" "$out"
check "pdeath: prctl(PR_SET_PDEATHSIG, SIGCHLD) was refused" grep -qx "PR_SET_PDEATHSIG SIGCHLD: EPERM" "$out"
check "pdeath: the program still has SIGKILL as its death signal" grep -qx "deathsig 9" "$out"

# ---- #15.1: a datagram socketpair end cannot reach a socket outside ----
if [ ! -x "$PY" ]; then
	skip "$PY not installed: datagram socketpair untested"
else
	fx=$(fixture)
	sock=$fx/listener
	# Bound before the runs; each line on its stdin makes it print how many datagrams
	# wait in its queue (read without blocking), so the test needs no timing.
	coproc LISTENER { "$PY" -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o777); s.setblocking(False)
print("ready", flush=True)
for line in sys.stdin:
    n = 0
    while True:
        try: s.recv(100); n += 1
        except BlockingIOError: break
    print(n, flush=True)
' "$sock"; }
	read -r ready <&"${LISTENER[0]}"
	expect_exit "dgram: without --allow-unix no datagram pair is made" 0 sr -- "$ATTACK/fa_dgram" "$sock"
	check "dgram: socketpair(SOCK_DGRAM) EPERM" grep -qx "socketpair SOCK_DGRAM: EPERM" "$TMPOUT"
	check "dgram: socketpair(SOCK_RAW) EPERM" grep -qx "socketpair SOCK_RAW: EPERM" "$TMPOUT"
	check "dgram: socketpair(SOCK_DGRAM|flags) EPERM" \
		grep -qx "socketpair SOCK_DGRAM|NONBLOCK|CLOEXEC: EPERM" "$TMPOUT"
	check "dgram: stream pairs still carry data" grep -qx "stream pair carries data" "$TMPOUT"
	check "dgram: seqpacket pairs still work" grep -qx "seqpacket pair: ok" "$TMPOUT"
	echo >&"${LISTENER[1]}"; read -r got <&"${LISTENER[0]}"
	is "dgram: the outside listener received nothing" "$got" 0
	as_run_uid "$ATTACK/fa_dgram" "$sock" >/dev/null 2>&1
	echo >&"${LISTENER[1]}"; read -r got <&"${LISTENER[0]}"
	check "dgram: the same attack outside the sandbox reaches it ($got datagrams)" test "$got" -gt 0
	# Port rules lift the plain "no socket()" row for TCP; the datagram pair row stays.
	if "$SANDRUN" --allow-connect 9 --print-policy >/dev/null 2>&1; then
		expect_exit "dgram: with port rules no datagram pair either" 0 \
			sr --allow-connect 9 -- "$ATTACK/fa_dgram" "$sock"
		check "dgram: port rules: socketpair(SOCK_DGRAM) EPERM" \
			grep -qx "socketpair SOCK_DGRAM: EPERM" "$TMPOUT"
		echo >&"${LISTENER[1]}"; read -r got <&"${LISTENER[0]}"
		is "dgram: port rules: the outside listener received nothing" "$got" 0
	else
		for i in 1 2 3; do skip "no port rules on this kernel (Landlock ABI < 4)"; done
	fi
	expect_exit "dgram: with --allow-unix datagram pairs work" 1 sr --allow-unix -- "$ATTACK/fa_dgram" "$sock"
	echo >&"${LISTENER[1]}"; read -r got <&"${LISTENER[0]}"
	exec {LISTENER[1]}>&-
	wait "$LISTENER_PID" 2>/dev/null
	# -W /dev/shm: Queue's lock is a POSIX semaphore, a file there (sem_open).
	expect_exit "dgram: python multiprocessing Pipe and Queue work" 0 sr -W /dev/shm -- "$PY" -c '
import multiprocessing as m
a, b = m.Pipe(); a.send(1); assert b.recv() == 1
q = m.Queue(); q.put(2); assert q.get() == 2
p = m.Process(target=a.send, args=(3,)); p.start(); assert b.recv() == 3; p.join()
print("multiprocessing ok")'
	check "dgram: multiprocessing printed ok" grep -qx "multiprocessing ok" "$TMPOUT"
fi
expect_exit "dgram: a shell pipeline works" 0 sr -- /bin/sh -c 'echo piped | cat | grep -qx piped'

# ---- #15.3: System V IPC and POSIX message queues ----
# ipc_ids: the System V objects the run's uid created, one "kind id" per line.
ipc_ids() {
	local f
	for f in shm msg sem; do
		awk -v u="$RUN_UID" -v k=$f 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "cuid") c = i; next }
			$c == u { print k, $2 }' "/proc/sysvipc/$f"
	done | sort
}
mq=fa_ipc_$$
before=$(ipc_ids)
expect_exit "ipc: every call fails without --allow-ipc" 1 sr --log-denied -- "$ATTACK/fa_ipc" make "$mq"
for call in shmget msgget semget mq_open; do
	check "ipc: $call EPERM" grep -qx "$call: EPERM" "$TMPOUT"
	check "ipc: $call is in the denied log" grep -q "denied $call(" "$TMPERR"
done
is "ipc: no System V object of uid $RUN_UID was left" "$(ipc_ids)" "$before"
as_run_uid "$ATTACK/fa_ipc" exists "$mq" >"$scratch/mq" 2>&1
check "ipc: no message queue $mq was created (mq_open outside: ENOENT)" grep -qx "mq_open: ENOENT" "$scratch/mq"
expect_exit "ipc: with --allow-ipc only mq_open fails" 1 sr --allow-ipc -- "$ATTACK/fa_ipc" make "$mq"
made=$(cat "$TMPOUT")
for call in shmget msgget semget; do
	check "ipc: --allow-ipc: $call works" grep -q "^$call: ok id " <<<"$made"
done
check "ipc: --allow-ipc: mq_open is still EPERM (Landlock would refuse the queue)" \
	grep -qx "mq_open: EPERM" <<<"$made"
check "ipc: --allow-ipc: the objects outlive the run" test "$(ipc_ids)" != "$before"
for kind in shm:m msg:q sem:s; do
	id=$(sed -n "s/^${kind%%:*}get: ok id //p" <<<"$made")
	[ -n "$id" ] && ipcrm -"${kind#*:}" "$id"
done
as_run_uid "$ATTACK/fa_ipc" unlink "$mq" >/dev/null 2>&1
is "ipc: the test removed what --allow-ipc made" "$(ipc_ids)" "$before"
expect_exit "ipc: --print-policy --allow-ipc" 0 "$SANDRUN" --print-policy --allow-ipc
check "ipc: shmget row is off with --allow-ipc" grep -qE "^  off .* shmget " "$TMPOUT"
check "ipc: mq_open row is on with --allow-ipc" grep -qE "^  on .* mq_open " "$TMPOUT"

# ---- #15.4: terminal state that outlives the run ----
tty_out=$scratch/tty.out
"$ATTACK/f_ptyrun" "$tty_out" /bin/true >/dev/null 2>&1
if [ $? -ne 0 ]; then
	skip "no pseudo-terminal for the test (f_ptyrun failed)"
else
	"$ATTACK/f_ptyrun" "$tty_out" /bin/sh -c '"$1" ${2:+--user "$2"} -t 10 -- "$3" attack; "$3" check' \
		sh "$SANDRUN" "$RUN_USER" "$ATTACK/fa_tty" >/dev/null 2>&1
	tr -d '\r' <"$tty_out" >"$tty_out.txt"
	grep -q "TCSETS: ok" "$tty_out.txt" || sed "s/^/# /" "$tty_out.txt"
	for call in TIOCSETD TIOCEXCL TIOCCONS TCXONC TIOCSCTTY TIOCVHANGUP; do
		check "tty: $call EPERM" grep -qx "$call: EPERM" "$tty_out.txt"
	done
	for call in TCGETS TIOCGWINSZ TIOCGPGRP TCSETS; do
		check "tty: $call still works" grep -qx "$call: ok" "$tty_out.txt"
	done
	check "tty: after the run the line discipline is N_TTY (0)" grep -qx "ldisc 0" "$tty_out.txt"
	check "tty: after the run the terminal is not exclusive" grep -qx "exclusive 0" "$tty_out.txt"
	check "tty: after the run the terminal reopens" grep -qx "reopen: ok" "$tty_out.txt"
fi

# ---- #15.6: no setuid or setgid bit at creation ----
# no_suid_bits DIR: no file in DIR has S_ISUID or S_ISGID.
no_suid_bits() { [ -z "$(find "$1" -mindepth 1 -perm /6000)" ]; }
fx=$(fixture)
expect_exit "modes: the attack runs" 0 sr -W "$fx" -- "$ATTACK/fa_mode" "$fx"
for call in open openat "openat setgid" creat mknod mknodat mkdir mkdirat; do
	check "modes: $call with setuid/setgid bits: EPERM" grep -qx "$call: EPERM" "$TMPOUT"
done
check "modes: openat2 ENOSYS (mode behind a pointer)" grep -qx "openat2: ENOSYS" "$TMPOUT"
check "modes: no created file has a setuid or setgid bit" no_suid_bits "$fx"
check "modes: a sticky world-writable dir is the program's to make" \
	test "$(stat -c %a "$fx/sticky" 2>/dev/null)" = 1777
check "modes: an ordinary file is created" test "$(stat -c %a "$fx/plain" 2>/dev/null)" = 644
ctl=$(fixture)
as_run_uid "$ATTACK/fa_mode" "$ctl" >/dev/null 2>&1
check_not "modes: outside the sandbox the same attack makes setuid files" no_suid_bits "$ctl"
expect_exit "modes: with --allow-metadata the rows are off" 0 "$SANDRUN" --print-policy --allow-metadata
check "modes: openat row off with --allow-metadata" grep -qE "^  off .* openat .*S_ISUID" "$TMPOUT"

done_testing
