#!/usr/bin/env bash
# t/30-filter.t: the seccomp filter (filter.c). One attack program per rule group, judged
# from outside wherever the call would leave a trace: a loopback listener that must see
# nobody, a file whose mode, owner, times and xattrs must not move, a same-uid process
# that must receive nothing, a terminal on which no injected input may appear. Where a
# call leaves no trace (namespaces, tracing), the same attack runs outside the sandbox
# too and must get a different answer there, so a missing rule fails the test.
. t/tap.sh
. t/lib.sh

# verdict: the last line the attack printed, "CALL: ok" or "CALL: ERRNO".
verdict() { tail -n 1 "$TMPOUT"; }
# as_run_uid COMMAND...: COMMAND outside the sandbox with the run's uid.
as_run_uid() {
	if is_root; then setpriv --reuid="$RUN_UID" --regid="$RUN_UID" --clear-groups "$@"; else "$@"; fi
}
# outside COMMAND...: the verdict of COMMAND run outside the sandbox as the run's uid.
outside() { as_run_uid "$@" 2>/dev/null | tail -n 1; }
# denied NAME WANT [SANDRUN-ARGS] -- ATTACK...: the attack fails (exit 1) with WANT.
denied() {
	local name=$1 verdict_wanted=$2
	shift 2
	expect_exit "$name: the call fails" 1 sr "$@"
	is "$name: $verdict_wanted" "$(verdict)" "$verdict_wanted"
}
# works NAME WANT [SANDRUN-ARGS] -- PROGRAM...: the call succeeds inside the sandbox.
works() {
	local name=$1 verdict_wanted=$2
	shift 2
	expect_exit "$name: the call works" 0 sr "$@"
	is "$name: $verdict_wanted" "$(verdict)" "$verdict_wanted"
}
# differs NAME INSIDE COMMAND...: the call outside does not end as it did inside. A host
# that refuses the call to everybody (a container's own seccomp profile) leaves nothing
# to contrast: that is a skip naming the answer, not a pass.
differs() {
	local name=$1 inside=$2 plain
	shift 2
	plain=$(outside "$@")
	if [ "$plain" != "$inside" ]; then ok "$name: outside the sandbox it gives '$plain'"; else
		skip "$name: this host refuses it outside the sandbox too ('$plain')"
	fi
}

# ---- --print-policy: the table and the program it was built from ----
expect_exit "--print-policy exits 0" 0 "$SANDRUN" --print-policy
policy=$(cat "$TMPOUT")
# The numbers differ by arch below 424 (make check-kernels ARCH=aarch64 runs this on arm64).
case $(uname -m) in
aarch64) nrs="unshare:97 setns:268 ptrace:117 setsid:157 setpgid:154 personality:92" ;;
*) nrs="unshare:272 setns:308 ptrace:101 setsid:112 setpgid:109 personality:135" ;;
esac
rows=()
for nr in $nrs; do rows+=("${nr%:*}  *${nr#*:}"); done
for row in "${rows[@]}" "clone3  *435  ERRNO(ENOSYS)" "fchmodat2  *452" \
	"setxattrat  *463" "removexattrat  *466" "file_setattr  *469" "io_uring_setup  *425" \
	"TIOCSTI" "TIOCLINUX"; do
	check "--print-policy lists $row" grep -q "^  on  .* $row" <<<"$policy"
done
check "--print-policy names the arch check" grep -q "arch != AUDIT_ARCH_.* -> KILL_PROCESS" <<<"$policy"
check "--print-policy names the limit for newer numbers" grep -q "nr > 469 .*ENOSYS" <<<"$policy"
count=$(sed -n 's/^seccomp filter: .* \([0-9][0-9]*\) BPF instructions.*/\1/p' <<<"$policy")
dumped=$(sed -n '/^BPF program/,/^[^ ]/p' <<<"$policy" | grep -c '^ *[0-9][0-9]*: ')
is "--print-policy dumps every one of the $count instructions" "$dumped" "$count"
check "the dump starts with the arch load" grep -q '^ *0: ld   \[4\] .*arch' <<<"$policy"
# aarch64 has neither fork nor chmod: clone and fchmodat are its rows.
case $(uname -m) in
aarch64) fork_row="clone  *220  ERRNO(EAGAIN)" chmod_row="fchmodat  *53" chmod_mode=fchmodat ;;
*) fork_row="fork  *57" chmod_row="chmod  *90" chmod_mode=chmod ;;
esac
check "fork is not limited by default" grep -q "^  off .* ${fork_row%% *} " <<<"$policy"
expect_exit "--print-policy --allow-metadata -p 1" 0 "$SANDRUN" --print-policy --allow-metadata -p 1
check "--allow-metadata turns the ${chmod_row%% *} row off" grep -q "^  off .* $chmod_row " "$TMPOUT"
check "-p 1 turns the ${fork_row%% *} row on" grep -q "^  on  .* $fork_row " "$TMPOUT"
expect_exit "--version exits 0" 0 "$SANDRUN" --version
check "--version lists the seccomp filter" grep -q "seccomp-filter  *active" "$TMPOUT"
if [ "$(uname -m)" = x86_64 ]; then
	check "--version lists x32 killing" grep -q "x32-kill  *active" "$TMPOUT"
else
	check_not "--version lists no x32 row off x86_64" grep -q "x32-kill" "$TMPOUT"
fi

# ---- network: a listener outside that must see nothing ----
fx=$(fixture)
start_listener() {
	rm -f "$fx/sock" "$fx/log"
	coproc LISTENER { exec "$ATTACK/f_listen" "$fx"; }
	read -r port4 port6 portu abstract <&"${LISTENER[0]}"
}
# stop_listener: sets arrivals to what reached it ("tcp4 unix ..." sorted), or "failed".
# Not in $(...): only this shell can wait for its coprocess.
stop_listener() {
	arrivals=failed
	if kill -TERM "$LISTENER_PID" && wait "$LISTENER_PID"; then
		arrivals=$(sort "$fx/log" | tr '\n' ' ')
	fi
}

start_listener
check "the listener is up" test -n "$abstract"
denied "tcp4 connect" "socket: EPERM" -- "$ATTACK/f_net" tcp4 "$port4"
if [ "$port6" -ne 0 ]; then
	denied "tcp6 connect" "socket: EPERM" -- "$ATTACK/f_net" tcp6 "$port6"
else
	skip "no IPv6 loopback on this host"
	skip "no IPv6 loopback on this host"
fi
denied "udp4 sendto" "socket: EPERM" -- "$ATTACK/f_net" udp4 "$portu"
denied "netlink" "socket: EPERM" -- "$ATTACK/f_net" netlink
denied "packet" "socket: EPERM" -- "$ATTACK/f_net" packet
denied "unix connect to a pathname socket" "socket: EPERM" -- "$ATTACK/f_net" unix "$fx/sock"
denied "unix connect to an abstract socket" "socket: EPERM" -- "$ATTACK/f_net" abstract "$abstract"
denied "--allow-unix: tcp4" "socket: EPERM" --allow-unix -- "$ATTACK/f_net" tcp4 "$port4"
denied "--allow-unix: tcp4 with bit 32 of the family set" "socket: EPERM" \
	--allow-unix -- "$ATTACK/f_net" tcp4-high "$port4"
denied "--allow-unix: udp4" "socket: EPERM" --allow-unix -- "$ATTACK/f_net" udp4 "$portu"
denied "nested sandrun --allow-net: tcp4" "socket: EPERM" \
	-- "$SANDRUN" --allow-net -- "$ATTACK/f_net" tcp4 "$port4"
stop_listener
is "the listener saw nobody" "$arrivals" ""

# The same attempts reach a listener when allowed: the check above can fail.
start_listener
works "--allow-net: tcp4" "connect: ok" --allow-net -- "$ATTACK/f_net" tcp4 "$port4"
works "--allow-unix: unix pathname" "connect: ok" --allow-unix -- "$ATTACK/f_net" unix "$fx/sock"
sr --allow-unix -- "$ATTACK/f_net" abstract "$abstract" >"$TMPOUT" 2>&1
diag "--allow-unix, abstract socket outside: $(verdict) (Landlock's scope decides, landlock.c)"
want="tcp4 unix "   # the two allowed runs above; the outside ones follow
for m in tcp4:$port4 udp4:$portu unix:$fx/sock abstract:$abstract tcp6:$port6; do
	if [ "$m" = tcp6:0 ]; then continue; fi
	as_run_uid "$ATTACK/f_net" "${m%%:*}" "${m#*:}" >/dev/null
	want="${m%%:*} $want"
done
stop_listener
is "the listener saw the allowed and the outside connections" "$arrivals" \
	"$(tr ' ' '\n' <<<"$want" | sed '/^$/d' | sort | tr '\n' ' ')"
works "socketpair(AF_UNIX)" "transfer: ok" -- "$ATTACK/f_net" socketpair

py=/usr/bin/python3
if [ -x "$py" ]; then
	expect_exit "python3 socket.socket() raises PermissionError" 0 sr -- "$py" -c '
import socket
try:
    socket.socket()
except PermissionError as e:
    print("PermissionError", e.errno)'
	is "python3: the error is EPERM" "$(cat "$TMPOUT")" "PermissionError 1"
	expect_exit "python3: uncaught, a clean exit 1 (no SIGSYS)" 1 sr -- "$py" -c \
		'import socket; socket.socket()'
	check "python3: the traceback names PermissionError" grep -q PermissionError "$TMPERR"
else
	skip "python3 not installed at $py"; skip "python3 not installed"
	skip "python3 not installed"; skip "python3 not installed"
fi

# ---- namespaces, mounts, chroot ----
userns=$(outside "$ATTACK/f_ns" unshare-user)
for m in unshare-user unshare-net unshare-mount clone-newuser clone-newuser-high; do
	denied "$m" "${m%%-*}: EPERM" -- "$ATTACK/f_ns" "$m"
	if [ "$userns" = "unshare: ok" ]; then
		differs "$m" "${m%%-*}: EPERM" "$ATTACK/f_ns" "$m"
	else
		skip "user namespaces are closed to uid $RUN_UID here ($userns): no outside contrast"
	fi
done
denied "clone3" "clone3: ENOSYS" -- "$ATTACK/f_ns" clone3
differs "clone3" "clone3: ENOSYS" "$ATTACK/f_ns" clone3
for m in setns mount chroot open_tree; do
	denied "$m" "$m: EPERM" -- "$ATTACK/f_ns" "$m"
	differs "$m" "$m: EPERM" "$ATTACK/f_ns" "$m"
done
# glibc falls back from clone3 to clone: threads, fork and posix_spawn keep working.
works "pthread_create" "pthread_create: ok" -- "$ATTACK/f_procs" thread
works "fork" "fork: ok" -- "$ATTACK/f_procs" fork
works "vfork" "vfork: ok" -- "$ATTACK/f_procs" vfork
works "posix_spawn" "posix_spawn: ok" -- "$ATTACK/f_procs" spawn

# ---- --procs 1: no new process, threads still work ----
denied "-p 1: fork" "fork: EAGAIN" -p 1 -- "$ATTACK/f_procs" fork
denied "-p 1: vfork" "vfork: EAGAIN" -p 1 -- "$ATTACK/f_procs" vfork
denied "-p 1: posix_spawn" "posix_spawn: EAGAIN" -p 1 -- "$ATTACK/f_procs" spawn
works "-p 1: pthread_create" "pthread_create: ok" -p 1 -- "$ATTACK/f_procs" thread
sr -p 1 -- /bin/sh -c '/bin/true && echo started' >"$TMPOUT" 2>"$TMPERR"
check_not "-p 1: a shell cannot start a command" grep -q started "$TMPOUT"
check "-p 1: the shell says it could not fork" grep -qi fork "$TMPERR"

# ---- tracing other processes ----
for m in ptrace-parent vm-read-parent; do
	denied "$m (sandrun itself)" "$(case $m in ptrace*) echo ptrace ;; *) echo process_vm_readv ;; esac): EPERM" \
		-- "$ATTACK/f_trace" "$m"
done
for m in ptrace-child:ptrace vm-read-self:process_vm_readv kcmp:kcmp pidfd-getfd:pidfd_getfd; do
	denied "${m%%:*}" "${m#*:}: EPERM" -- "$ATTACK/f_trace" "${m%%:*}"
	differs "${m%%:*}" "${m#*:}: EPERM" "$ATTACK/f_trace" "${m%%:*}"
done

# ---- kernel surface, keyrings, personality, prlimit ----
for m in bpf:bpf perf:perf_event_open io_uring:io_uring_setup io_uring_enter:io_uring_enter \
	userfaultfd:userfaultfd keyctl:keyctl add_key:add_key personality:personality \
	personality-high:personality prlimit-self-pid:prlimit64; do
	denied "${m%%:*}" "${m#*:}: EPERM" -- "$ATTACK/f_kernel" "${m%%:*}"
	differs "${m%%:*}" "${m#*:}: EPERM" "$ATTACK/f_kernel" "${m%%:*}"
done
works "personality query" "personality: ok" -- "$ATTACK/f_kernel" personality-query
works "prlimit64 on pid 0 (setrlimit, ulimit)" "prlimit64: ok" -- "$ATTACK/f_kernel" prlimit-zero

# ---- the process group ----
for m in setsid setpgid setpgid-other; do
	denied "$m" "${m%%-*}: EPERM" -- "$ATTACK/f_pgrp" "$m"
	differs "$m" "${m%%-*}: EPERM" "$ATTACK/f_pgrp" "$m"
done

# ---- kill(-1): a same-uid process outside must receive nothing ----
# start_victim FILE: f_kill victim as the run's uid; SIGURG leaves a line in FILE.
start_victim() {
	if is_root; then
		coproc VICTIM { exec setpriv --reuid="$RUN_UID" --regid="$RUN_UID" --clear-groups \
			"$ATTACK/f_kill" victim "$1"; }
	else
		coproc VICTIM { exec "$ATTACK/f_kill" victim "$1"; }
	fi
	read -r _ <&"${VICTIM[0]}"
}
start_victim "$fx/urg"
denied "kill(-1)" "kill: EPERM" -- "$ATTACK/f_kill" all
denied "kill(-1) with bit 32 set" "kill: EPERM" -- "$ATTACK/f_kill" all-high
denied "tgkill(-1)" "tgkill: EPERM" -- "$ATTACK/f_kill" tgkill-all
check "the same-uid process outside survived" kill -0 "$VICTIM_PID"
kill -TERM "$VICTIM_PID" && wait "$VICTIM_PID"
is "the same-uid process outside got no signal" "$(cat "$fx/urg" 2>/dev/null)" ""
start_victim "$fx/urg2"
as_run_uid "$ATTACK/f_kill" pid "$VICTIM_PID" >/dev/null
kill -TERM "$VICTIM_PID" && wait "$VICTIM_PID"
is "a direct signal from outside does reach it" "$(cat "$fx/urg2" 2>/dev/null)" "SIGURG"

# ---- metadata: mode, owner, xattrs, inode flags, times ----
n_file=0
# target: a fresh file owned by the run's uid, setuid, with the xattr user.keep.
target() {
	n_file=$((n_file + 1))
	f=$fx/target$n_file
	echo data >"$f"
	owned_by_run "$f"
	as_run_uid "$ATTACK/f_meta" prepare "$f" >/dev/null
}
target
xattrs_work=$("$ATTACK/f_meta" show "$f" | grep -c 'user.keep' || true)
for m in chmod fchmod fchmodat fchmodat2 chown fchown lchown fchownat setxattr fsetxattr \
	setxattrat removexattr removexattrat file_setattr setflags utimensat futimens utimes \
	utime futimesat; do
	case $m in *xattr*) [ "$xattrs_work" -eq 1 ] || { skip "$m: no user xattrs on $fx"; continue; } ;; esac
	want="$m: EPERM"
	[ "$m" = setflags ] && want="FS_IOC_SETFLAGS: EPERM"
	[ "$m" = file_setattr ] && want="file_setattr: EPERM"
	target
	before=$("$ATTACK/f_meta" show "$f")
	sr -- "$ATTACK/f_meta" "$m" "$f" >"$TMPOUT" 2>"$TMPERR"
	case $(verdict) in
	"$m: unsupported") skip "$m: no such syscall on $(uname -m)"; continue ;;
	"file_getattr: ENOSYS") skip "$m: this kernel ($(uname -r)) lacks file_getattr"; continue ;;
	esac
	is "$m: $want" "$(verdict)" "$want"
	is "$m: the file is unchanged, seen from outside" "$("$ATTACK/f_meta" show "$f")" "$before"
	# The control: --allow-metadata lifts the rule, and the same change shows.
	target
	before=$("$ATTACK/f_meta" show "$f")
	sr --allow-metadata -- "$ATTACK/f_meta" "$m" "$f" >"$TMPOUT" 2>"$TMPERR"
	case $(verdict) in
	*ENOSYS) skip "$m: this kernel ($(uname -r)) lacks the call: no contrast" ;;
	*) check "$m: with --allow-metadata the change happens" \
		test "$("$ATTACK/f_meta" show "$f")" != "$before" ;;
	esac
done

# ---- terminal: TIOCSTI on the terminal sandrun was started from ----
tty_out=$scratch/tty.out
mark=QZXJ-injected
if [ "$(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null)" = 0 ]; then
	legacy=no
else
	legacy=yes
fi
"$ATTACK/f_ptyrun" "$tty_out" /bin/true >/dev/null 2>&1
pty_status=$?
for m in sti sti-high; do
	if [ "$pty_status" -ne 0 ]; then skip "no pseudo-terminal for the test (f_ptyrun: $pty_status)"; continue; fi
	expect_exit "$m: the run fails" 1 "$ATTACK/f_ptyrun" "$tty_out" \
		"$SANDRUN" ${RUN_USER:+--user "$RUN_USER"} -- "$ATTACK/f_tty" "$m" 0
	check "$m: TIOCSTI was refused" grep -q "TIOCSTI: EPERM" "$tty_out"
	check_not "$m: nothing was typed into the terminal" grep -q "$mark" "$tty_out"
done
for m in linux linux-high; do
	if [ "$pty_status" -ne 0 ]; then skip "no pseudo-terminal for the test"; continue; fi
	"$ATTACK/f_ptyrun" "$tty_out" "$SANDRUN" ${RUN_USER:+--user "$RUN_USER"} -- \
		"$ATTACK/f_tty" "$m" 0 >/dev/null 2>&1
	check "$m: TIOCLINUX was refused by the filter" grep -q "TIOCLINUX: EPERM" "$tty_out"
done
# The contrast, outside the sandbox with the run's uid: the same calls reach the terminal.
if [ "$pty_status" -ne 0 ]; then
	skip "no pseudo-terminal for the test"; skip "no pseudo-terminal for the test"
else
	plain_out=$fx/tty-outside.out   # written by the run's uid
	if [ "$legacy" = yes ]; then
		as_run_uid "$ATTACK/f_ptyrun" "$plain_out" "$ATTACK/f_tty" sti 0 >/dev/null 2>&1
		check "outside the sandbox TIOCSTI does type into the terminal" grep -q "$mark" "$plain_out"
	else
		skip "dev.tty.legacy_tiocsti=0: the kernel refuses TIOCSTI to everybody here"
	fi
	as_run_uid "$ATTACK/f_ptyrun" "$plain_out" "$ATTACK/f_tty" linux 0 >/dev/null 2>&1
	check "outside the sandbox TIOCLINUX reaches the terminal driver" \
		grep -q "TIOCLINUX: ENOTTY" "$plain_out"
fi

# ---- other syscall ABIs: killed by SIGSYS (128 + 31) ----
# Outside, x32 answers ENOSYS (compiled out) or runs, and int $0x80 runs unshare: only
# the filter kills. Without ia32 emulation int $0x80 never reaches seccomp at all.
if [ "$(uname -m)" = x86_64 ]; then
	for m in x32 int80 int80-getpid; do
		plain=$(outside "$ATTACK/f_x32" "$m")
		case $plain in
		result:*) ;;
		*) skip "$m: killed even outside the sandbox ($plain): no ia32/x32 entry here"; continue ;;
		esac
		expect_exit "$m: killed with SIGSYS" 159 sr -- "$ATTACK/f_x32" "$m"
		is "$m: killed at the call (outside: '$plain')" "$(cat "$TMPOUT")" "trying $m"
	done
else
	skip "x32 and int \$0x80 exist on x86_64 only"
fi

# ---- nested: sandrun inside sandrun runs, and the inner run is at least as confined ----
expect_exit "nested sandrun runs a program" 0 sr -- "$SANDRUN" -- /bin/echo nested
is "nested sandrun: its output" "$(cat "$TMPOUT")" "nested"
filters() { sed -n 's/^Seccomp_filters:[[:space:]]*//p' "$TMPOUT"; }
expect_exit "one run: its filters" 0 sr -- /bin/grep Seccomp_filters /proc/self/status
one=$(filters)
expect_exit "nested run: its filters" 0 sr -- "$SANDRUN" -- /bin/grep Seccomp_filters /proc/self/status
is "nested sandrun stacks its filter on the outer one" "$(filters)" "$((one + 1))"
denied "nested sandrun --allow-metadata: $chmod_mode" "$chmod_mode: EPERM" \
	-- "$SANDRUN" --allow-metadata -- "$ATTACK/f_meta" "$chmod_mode" "$f"
denied "nested sandrun: unshare" "unshare: EPERM" -- "$SANDRUN" -- "$ATTACK/f_ns" unshare-user

done_testing
