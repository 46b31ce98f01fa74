#!/usr/bin/env bash
# t/11-supervisor.t: the program attacks sandrun itself through what they share: a
# stderr it stalls (terminal flow control, a full pipe) or whose reader it outlives
# (SIGPIPE), the process count (fork bomb without -p), the terminal's settings. Judged
# from outside: sandrun's exit status under an outer `timeout -s KILL` (137 would mean
# sandrun hung), the report, the process table, the terminal after the run.
. t/tap.sh
. t/lib.sh

have python3 || skip_all "python3 not installed (needed to parse the report)"
have timeout || skip_all "timeout (coreutils) not installed"
fx=$(fixture)
mark() { echo "sandrun-t11-$$-$1"; }
field() { python3 t/jsonget.py "$1" "$2"; }
none_left() {
	left=$(pids_matching "$1")
	if [ -n "$left" ]; then diag "left alive: $left"; return 1; fi
}
# bounded: sandrun under an outer bound far above -t; KILL, so a hang shows as 137.
bounded() { timeout -s KILL 10 "$SANDRUN" ${RUN_USER:+--user $RUN_USER} "$@"; }

# ---- #13.1: a stalled stderr delays neither the deadline nor the report ----
# On a terminal whose output is stopped: the program tries tcflow(TCOOFF) itself (the
# filter refuses it now: TCXONC, filter.c), so the test stops the terminal from outside
# first, as a user's ^S would, then the program makes denied calls that --log-denied
# reports on that terminal. --foreground: sandrun stays in the terminal's foreground
# group, as when typed at a shell.
m=$(mark tty) rep=$fx/tty.json
rm -f "$rep"
timeout -s KILL 30 "$ATTACK/f_ptyrun" "$fx/tty.pty" /bin/sh -c \
	'python3 -c "import termios; termios.tcflow(2, termios.TCOOFF)"
	timeout --foreground -s KILL 10 "$@" >"$0.out"; echo $? >"$0.status"' "$fx/tty" \
	"$SANDRUN" ${RUN_USER:+--user $RUN_USER} --log-denied -t 1 --report "$rep" -- \
	"$ATTACK/sv_stall" tty "$m" >/dev/null 2>&1
diag "$(tr '\n' ' ' <"$fx/tty.out" 2>/dev/null)"
is "tty TCOOFF: sandrun exits 124 at -t, not held by its log lines" "$(cat "$fx/tty.status" 2>/dev/null)" 124
is "tty TCOOFF: the report says timeout" "$(field "$rep" status 2>/dev/null)" timeout
check "tty TCOOFF: the report counts dropped stderr lines" \
	test "$(field "$rep" stderr_dropped.lines 2>/dev/null)" -ge 1
check "tty TCOOFF: no process of the run is left" none_left "$m"

# On a pipe: the program fills the pipe its stderr shares with sandrun's (a reader that
# never reads holds it open), then makes denied calls.
m=$(mark pipe) rep=$fx/pipe.json fifo=$fx/fifo
mkfifo "$fifo" && chmod 666 "$fifo"
sleep 30 <"$fifo" &
holder=$!
bounded --log-denied -t 1 --report "$rep" -- "$ATTACK/sv_stall" pipe "$m" >"$fx/pipe.out" 2>"$fifo"
is "full pipe: sandrun exits 124 at -t" "$?" 124
diag "$(tr '\n' ' ' <"$fx/pipe.out")"
is "full pipe: the report says timeout" "$(field "$rep" status 2>/dev/null)" timeout
check "full pipe: the report counts dropped stderr lines" \
	test "$(field "$rep" stderr_dropped.lines 2>/dev/null)" -ge 1
check "full pipe: no process of the run is left" none_left "$m"
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null

# ---- #13.2: a reader that went away: EPIPE, never SIGPIPE ----
# sandrun's own stderr goes to a FIFO whose reader takes 100 bytes and exits; the program
# fills it until EPIPE and makes denied calls. With and without --log-denied (without, the
# verdict line is the write that meets the closed pipe).
for log in --log-denied ""; do
	name=${log:-no-log}
	m=$(mark "sigpipe$name") rep=$fx/sigpipe$name.json
	head -c 100 "$fifo" >/dev/null &
	reader=$!
	bounded $log -t 2 --report "$rep" -- "$ATTACK/sv_pipe" "$m" >"$fx/sigpipe.out" 2>"$fifo"
	is "$name: sandrun exits 124 (timeout), not 141 (SIGPIPE)" "$?" 124
	wait "$reader"
	is "$name: the report is written and says timeout" "$(field "$rep" status 2>/dev/null)" timeout
	check "$name: no process of the run is left" none_left "$m"
	check "$name: the program met EPIPE on stderr" grep -q "stderr: EPIPE" "$fx/sigpipe.out"
done
for sig in SIGPIPE SIGTTOU SIGTTIN; do
	check "the program starts with $sig at its default" grep -qx "$sig: default" "$fx/sigpipe.out"
done
rm -f "$fifo"

# ---- #13.6: without -p a fork bomb meets a default process cap ----
# sv_bomb forks until fork fails or 3000 children exist. RLIMIT_NPROC counts the run's uid:
# as root that is the --user uid of the run alone; unprivileged, the suite's own
# processes count too, so the bomb stops a little earlier.
bomb_count() { sed -n 's/^fork: EAGAIN after \([0-9]*\)$/\1/p' "$1"; }
m=$(mark bomb) rep=$fx/bomb.json out=$fx/bomb.out
if is_root; then
	# In the background, to fork from outside while the bomb holds its processes.
	"$SANDRUN" --user "$RUN_USER" -t 5 --report "$rep" -- "$ATTACK/sv_bomb" 3000 "$m" >"$out" 2>/dev/null &
	srpid=$!
	for _ in $(seq 100); do grep -q "^fork:" "$out" && break; sleep 0.1; done
	check "default cap: root can still fork while the bomb runs" /bin/true
	wait "$srpid"; status=$?
else
	# The suite shares the run's uid here: it could not fork while the bomb runs.
	"$SANDRUN" -t 5 --report "$rep" -- "$ATTACK/sv_bomb" 3000 "$m" >"$out" 2>/dev/null
	status=$?
fi
diag "$(cat "$out")"
is "default cap: the bomb ends at -t (124)" "$status" 124
count=$(bomb_count "$out")
check "default cap: fork failed EAGAIN inside, below 1024" \
	test -n "$count" -a "${count:-0}" -lt 1024 -a "${count:-0}" -ge 100
is "default cap: the report's limits say procs 1024" "$(field "$rep" limits.procs)" 1024
is "default cap: ... from the default" "$(field "$rep" limits.procs_source)" default
check "default cap: no process of the bomb is left" none_left "$m"

m=$(mark bomb50) rep=$fx/bomb50.json out=$fx/bomb50.out
sr -t 2 -p 50 --report "$rep" -- "$ATTACK/sv_bomb" 3000 "$m" >"$out" 2>/dev/null
is "-p 50 overrides the default: the bomb ends at -t (124)" "$?" 124
count=$(bomb_count "$out")
check "-p 50: fork failed EAGAIN at or below 49 children" test -n "$count" -a "${count:-99}" -le 49
is "-p 50: the report's limits say procs 50" "$(field "$rep" limits.procs)" 50
is "-p 50: ... from the option" "$(field "$rep" limits.procs_source)" option
check "-p 50: no process of the bomb is left" none_left "$m"

# ---- Also: the terminal is left as found, however the run ends ----
# Under a pty, the shell saves `stty -g` and `stty size`, runs sandrun, whose program puts
# the terminal raw and resizes it, and saves them again. Ends: the program's own exit, the
# deadline, SIGTERM to sandrun.
for end in exit timeout sigterm; do
	m=$(mark "tty$end") d=$fx/tty-$end
	mkdir -p "$d"
	case $end in
	exit) mode=exit limit=10 ;;
	timeout) mode=hang limit=1 ;;
	sigterm) mode=hang limit=30 ;;
	esac
	timeout -s KILL 30 "$ATTACK/f_ptyrun" "$d/pty" /bin/sh -c '
		d=$1 end=$2; shift 2
		{ stty -g; stty size; } >"$d/before"
		exec 3<&0   # an asynchronous list would get /dev/null as stdin otherwise
		"$@" <&3 3<&- >"$d/out" 2>"$d/err" &
		pid=$!
		if [ "$end" = sigterm ]; then
			for _ in $(seq 100); do grep -q ready "$d/out" && break; sleep 0.1; done
			kill -TERM "$pid"
		fi
		wait "$pid"; echo $? >"$d/status"
		{ stty -g; stty size; } >"$d/after"' sh "$d" "$end" \
		"$SANDRUN" ${RUN_USER:+--user $RUN_USER} -t "$limit" -- "$ATTACK/sv_tty" "$mode" "$m" \
		>/dev/null 2>&1
	diag "$end: $(tr '\n' ' ' <"$d/out" 2>/dev/null) status $(cat "$d/status" 2>/dev/null)"
	check "terminal ($end): the program changed it inside" grep -q "raw: ok" "$d/out"
	check "terminal ($end): termios and window size are back after the run" \
		cmp -s "$d/before" "$d/after"
	check "terminal ($end): no process of the run is left" none_left "$m"
done
is "terminal: the program's own exit gives 0" "$(cat "$fx/tty-exit/status" 2>/dev/null)" 0
is "terminal: the deadline gives 124" "$(cat "$fx/tty-timeout/status" 2>/dev/null)" 124
is "terminal: SIGTERM to sandrun gives 143" "$(cat "$fx/tty-sigterm/status" 2>/dev/null)" 143

done_testing
