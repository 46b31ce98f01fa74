#!/usr/bin/env bash
# t/10-pgroup.t: the process group, the wall-clock timeout and cleanup, judged from
# outside: after sandrun returns, no process carrying the test's marker may be alive.
. t/tap.sh
. t/lib.sh

spawner=$ATTACK/spawner
mark() { echo "sandrun-t10-$$-$1"; }
# none_left MARK: no process with MARK in its command line (retries briefly: a SIGKILLed
# process leaves /proc asynchronously, but sandrun has reaped it before exiting).
none_left() {
	left=$(pids_matching "$1")
	if [ -n "$left" ]; then diag "left alive: $left"; return 1; fi
}

for mode in grandchildren setsid setpgid ignore-term stop-self forkbomb; do
	m=$(mark "$mode")
	expect_exit "$mode: timeout exits 124" 124 sr -t 1 -- "$spawner" "$mode" "$m"
	check "$mode: no process of the run is left" none_left "$m"
	check "$mode: stderr says the time limit expired" grep -q "time limit" "$TMPERR"
done

m=$(mark daemon)
expect_exit "double-fork daemon: main's status 0" 0 sr -t 30 -- "$spawner" daemon "$m"
check "double-fork daemon: killed when main exits" none_left "$m"

m=$(mark quick)
expect_exit "children left by a quick exit are killed" 0 \
	sr -t 30 -- /bin/sh -c "$spawner grandchildren $m & sleep 0.2; exit 0"
check "quick exit: no process left" none_left "$m"

# Signals to sandrun kill the whole run; sandrun exits 128+N.
for sig in TERM INT HUP; do
	m=$(mark "sig$sig")
	out=$scratch/sig$sig.out
	"$SANDRUN" ${RUN_USER:+--user $RUN_USER} -t 60 -- "$spawner" ignore-term "$m" >"$out" 2>&1 &
	srpid=$!
	for _ in $(seq 100); do grep -q ready "$out" && break; sleep 0.1; done
	kill -"$sig" "$srpid"
	wait "$srpid"; status=$?
	want=$((128 + $(kill -l "$sig")))
	is "SIG$sig to sandrun: exits $want" "$status" "$want"
	check "SIG$sig to sandrun: no process left" none_left "$m"
done

# Orphans that exit mid-run are reaped at once, not left as zombies of sandrun.
m=$(mark orphans)
out=$scratch/orphans.out
"$SANDRUN" ${RUN_USER:+--user $RUN_USER} -t 60 -- "$spawner" orphans "$m" >"$out" 2>&1 &
srpid=$!
for _ in $(seq 100); do grep -q ready "$out" && break; sleep 0.1; done
zombies() { ps -o stat= --ppid "$srpid" | grep -c '^Z'; }
for _ in $(seq 50); do [ "$(zombies)" -eq 0 ] && break; sleep 0.1; done
is "exited orphans are reaped during the run" "$(zombies)" 0
kill -TERM "$srpid"; wait "$srpid"
check "orphans: no process left" none_left "$m"

# Descriptors, environment, directory, identity.
exec 7</dev/null 8>"$scratch/fd8"
expect_exit "fds run" 0 sr -- "$spawner" fds x
is "only fds 0-2 reach the program" "$(cat "$TMPOUT")" "0 1 2 "
exec 7<&- 8>&-

expect_exit "--clean-env run" 0 sr --clean-env -E FOO=bar -E X=1 -E X=2 -- /usr/bin/env
# As root, sr's --user adds HOME, USER and LOGNAME of the run user (t/45-builds.t).
is "--clean-env: only PATH and --env values" "$(grep -Ev '^(HOME|USER|LOGNAME)=' "$TMPOUT" | sort | tr '\n' ' ')" \
	"FOO=bar PATH=/usr/local/bin:/usr/bin:/bin X=2 "
export SANDRUN_T_INHERITED=yes SANDRUN_T_OVER=old
expect_exit "--env run" 0 sr -E SANDRUN_T_OVER=new -- /usr/bin/env
check "environment is inherited without --clean-env" grep -qx SANDRUN_T_INHERITED=yes "$TMPOUT"
check "--env overrides an inherited value" grep -qx SANDRUN_T_OVER=new "$TMPOUT"
check_not "--env leaves no old value" grep -qx SANDRUN_T_OVER=old "$TMPOUT"

fx=$(fixture)
expect_exit "--chdir run" 0 sr -C "$fx" -- /bin/pwd
is "--chdir: program starts in DIR" "$(cat "$TMPOUT")" "$fx"

expect_exit "no_new_privs status line" 0 sr -- /bin/grep NoNewPrivs /proc/self/status
check "no_new_privs is always set" grep -q "NoNewPrivs:.1" "$TMPOUT"

if is_root; then
	expect_exit "--user run" 0 "$SANDRUN" -u 65534:65534 -- /usr/bin/id
	is "--user drops uid, gid and groups" "$(cat "$TMPOUT")" \
		"uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)"
	expect_exit "--user: status line" 0 "$SANDRUN" -u 65534:65534 -- /bin/grep -E '^(Uid|Gid|Groups|CapEff|NoNewPrivs):' /proc/self/status
	check "--user: no capabilities left" grep -q "CapEff:.0000000000000000" "$TMPOUT"
	check "--user: no_new_privs set" grep -q "NoNewPrivs:.1" "$TMPOUT"
	expect_exit "--user without GID uses the uid's number" 0 "$SANDRUN" -u 4242 -- /usr/bin/id -g
	is "--user 4242: gid 4242" "$(cat "$TMPOUT")" 4242
else
	expect_exit "--user with one's own uid works unprivileged" 0 \
		"$SANDRUN" -u "$(id -u):$(id -g)" -- /usr/bin/id -u
	is "--user own uid: id" "$(cat "$TMPOUT")" "$(id -u)"
	expect_exit "--user with another uid fails unprivileged: 125" 125 "$SANDRUN" -u 4242 -- /bin/true
	check "--user another uid: one line" one_line "$TMPERR"
	skip "root-only: capabilities after --user"
	skip "root-only: no_new_privs after --user"
	skip "root-only: gid default"
	skip "root-only: gid default value"
fi
done_testing
