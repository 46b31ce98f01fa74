#!/usr/bin/env bash
# t/45-builds.t: what builds and judges need out of the box (issue 16): --user by name with
# the run user's HOME, USER and LOGNAME; -T's private scratch dir, gone after every run;
# --allow-pty. Judged from outside: files left behind, the identity the program saw.
. t/tap.sh
. t/lib.sh

fx=$(fixture)
idline='echo "$(id -u):$(id -g) HOME=$HOME USER=$USER LOGNAME=$LOGNAME"'

# --- --user NAME[:GROUP], and the identity environment (#16.2) ---
nobody_gid=$(awk -F: '$1 == "nobody" { print $4 }' /etc/passwd)
nobody_home=$(awk -F: '$1 == "nobody" { print $6 }' /etc/passwd)
if is_root && [ -n "$nobody_gid" ]; then
	expect_exit "--user nobody runs" 0 "$SANDRUN" --user nobody -- /bin/sh -c "$idline"
	is "--user nobody: passwd's uid, group, home and name" "$(cat "$TMPOUT")" \
		"65534:$nobody_gid HOME=$nobody_home USER=nobody LOGNAME=nobody"
	expect_exit "--user 65534 (a number) also sets HOME, USER, LOGNAME" 0 \
		"$SANDRUN" --user 65534 -- /bin/sh -c "$idline"
	is "--user 65534: the passwd entry of the uid" "$(cat "$TMPOUT")" \
		"65534:65534 HOME=$nobody_home USER=nobody LOGNAME=nobody"
	expect_exit "-E HOME=x wins over --user's HOME" 0 \
		"$SANDRUN" --user nobody -E HOME=/x -E LOGNAME=y -- /bin/sh -c "$idline"
	is "-E wins" "$(cat "$TMPOUT")" "65534:$nobody_gid HOME=/x USER=nobody LOGNAME=y"
	grp=$(awk -F: '$3 == 65534 { print $1; exit }' /etc/group)
	if [ -n "$grp" ]; then
		expect_exit "--user nobody:$grp (a group name)" 0 "$SANDRUN" --user "nobody:$grp" -- /bin/sh -c 'id -g'
		is "--user nobody:$grp: the group's gid" "$(cat "$TMPOUT")" 65534
	else
		skip "no group with gid 65534 in /etc/group"; skip "no group with gid 65534"
	fi
else
	for i in 1 2 3 4 5 6; do skip "--user nobody needs root and a nobody entry"; done
	skip "--user nobody:GROUP needs root"; skip "--user nobody:GROUP needs root"
fi
# A uid without a passwd entry: the documented fallback HOME=/ and USER=<uid>.
run_uid=$(id -u); if is_root; then run_uid=$RUN_UID; fi
if ! awk -F: -v u="$run_uid" '$3 == u { found = 1 } END { exit !found }' /etc/passwd; then
	expect_exit "--user $run_uid (no passwd entry) runs" 0 "$SANDRUN" --user "$run_uid" -- /bin/sh -c "$idline"
	is "no passwd entry: HOME=/ and USER=LOGNAME=the number" "$(cat "$TMPOUT")" \
		"$run_uid:$run_uid HOME=/ USER=$run_uid LOGNAME=$run_uid"
else
	skip "uid $run_uid has a passwd entry"; skip "uid $run_uid has a passwd entry"
fi
for bad in no-such-user-here "nobody:no-such-group-here" root "nobody:root" "nobody:" ":5"; do
	expect_exit "--user $bad: exit 125" 125 "$SANDRUN" --user "$bad" -- /bin/sh -c "echo ran > $fx/ran"
	check "--user $bad: one line" one_line "$TMPERR"
	check "--user $bad: nothing ran" test ! -e "$fx/ran"
done
# Root of an unprivileged user namespace (a rootless container): setgroups is denied.
if have unshare && unshare -U -r true 2>/dev/null; then
	expect_exit "root in a user namespace, --user: 125" 125 unshare -U -r "$SANDRUN" --user 65534 -- /bin/true
	check "root in a user namespace: one line" one_line "$TMPERR"
	check "root in a user namespace: says CAP_SETGID is missing" grep -q "no CAP_SETGID" "$TMPERR"
else
	for i in 1 2 3; do skip "unshare -U -r not available here"; done
fi

# --- -T: the private scratch dir (#16.1) ---
# sandrun makes it beneath its own $TMPDIR: a parent of the test's own, checked empty after.
tp=$fx/tp; mkdir "$tp"; chmod 755 "$tp"
empty() { [ -z "$(ls -A "$tp")" ]; }
st() { TMPDIR=$tp sr "$@"; }
want_owner="$(id -u):$(id -g)"; if is_root; then want_owner=$RUN_UID:$RUN_UID; fi

expect_exit "-T: the program sees TMPDIR, TMP and TEMP" 0 st -T -- /bin/sh -c \
	'echo "$TMPDIR" > "$TMPDIR/../../seen" 2>/dev/null; [ "$TMP" = "$TMPDIR" ] && [ "$TEMP" = "$TMPDIR" ] && echo "$TMPDIR"'
dir=$(cat "$TMPOUT")
case $dir in "$(realpath "$tp")"/sandrun-*) ok "-T: the dir is \$TMPDIR/sandrun-RANDOM" ;;
	*) nok "-T: the dir is \$TMPDIR/sandrun-RANDOM"; diag "got '$dir'" ;; esac
check "-T: the dir is gone after a normal exit" test ! -e "$dir"
check "-T: nothing left in \$TMPDIR" empty
expect_exit "-T: writable by the program" 0 st -T -- /bin/sh -c 'echo x > "$TMPDIR/f" && mkdir "$TMPDIR/d"'
expect_exit "-T: mode and owner seen from inside" 0 st -T -- "$ATTACK/b_scratch" stat
is "-T: mode 0700, owned by the run's uid" "$(cat "$TMPOUT")" "700 $want_owner"
expect_exit "-E TMPDIR wins over -T" 0 st -T -E TMPDIR=/elsewhere -- /bin/sh -c 'echo "$TMPDIR $TMP"'
case $(cat "$TMPOUT") in "/elsewhere $(realpath "$tp")"/sandrun-*) ok "-E TMPDIR=/elsewhere: TMPDIR is it, TMP still -T's" ;;
	*) nok "-E TMPDIR wins"; diag "got '$(cat "$TMPOUT")'" ;; esac
check "-T with -E: nothing left" empty
if is_root; then
	expect_exit "-T --user: HOME is the scratch dir" 0 st -T -- /bin/sh -c '[ "$HOME" = "$TMPDIR" ]'
else
	skip "-T --user: HOME needs root"
fi

# Gone whatever the outcome: a timeout, SIGTERM to sandrun, a setup error after creation.
expect_exit "-T with -t: timeout 124" 124 st -T -t 0.3 -- /bin/sh -c 'mkdir "$TMPDIR/d"; : > "$TMPDIR/d/f"; sleep 30 & sleep 30'
check "-T: gone after a timeout" empty
TMPDIR=$tp "$SANDRUN" ${RUN_USER:+--user "$RUN_USER"} -T -- /bin/sh -c ': > "$TMPDIR/f"; exec sleep 30' >/dev/null 2>&1 &
srpid=$!
for i in $(seq 50); do [ -n "$(ls -A "$tp")" ] && [ -n "$(find "$tp" -name f)" ] && break; sleep 0.1; done
kill -TERM "$srpid"; wait "$srpid"; rc=$?
is "-T: SIGTERM to sandrun: 143" "$rc" 143
check "-T: gone after SIGTERM to sandrun" empty
expect_exit "-T with -R over it: setup error 125" 125 st -T -R "$tp" -- /bin/true
check "-T: gone after a setup error in sandrun" empty
# As root the dir is root's own (mode 0700); unprivileged, mode 0 stops its owner too.
mkdir "$fx/closed"; if is_root; then chmod 700 "$fx/closed"; else chmod 000 "$fx/closed"; fi
expect_exit "-T, -C into a dir the run cannot enter: 125" 125 st -T -C "$fx/closed" -- /bin/true
check "-T: gone after a setup error in the child" empty

# A planted symlink (to a file, to a dir) or hard link: removal never follows it.
echo original > "$fx/keep"; owned_by_run "$fx/keep"
expect_exit "-T: links planted inside" 0 st -T -- "$ATTACK/b_scratch" plant "$fx/keep"
diag "$(tr '\n' ' ' < "$TMPOUT")"
is "-T: the outside file is intact after removal" "$(cat "$fx/keep" 2>&1)" original
check "-T: the outside dir still holds it" test -d "$fx/closed"
check "-T: planted links removed" empty
# Deeper than PATH_MAX and than the descriptors removal holds: renamed up, still removed.
expect_exit "-T: 3000 nested dirs" 0 st -T -- "$ATTACK/b_scratch" deep 3000
check "-T: a 3000-deep tree is removed" empty

# The job -T exists for: gcc needs a writable TMPDIR for its temporary files. The linker's
# chmod +x there is made by sandrun (metadata.c: the scratch dir is a -W dir), so the
# output runs as it is.
if have gcc; then
	printf '#include <stdio.h>\nint main(void) { puts("built"); return 0; }\n' > "$fx/hello.c"
	owned_by_run "$fx/hello.c"
	expect_exit "-T: gcc compiles and links in the scratch dir" 0 st -T -- /bin/sh -c \
		'cd "$TMPDIR" && gcc -o hello '"$fx"'/hello.c && ./hello'
	is "-T: the built program ran" "$(cat "$TMPOUT")" built
	check "-T: gcc's files removed" empty
else
	for i in 1 2 3; do skip "gcc not installed"; done
fi

# --- --allow-pty: new pseudo-terminals of the run's own (#16.5) ---
expect_exit "no --allow-pty: a new pty is refused" 1 sr -- "$ATTACK/b_pty"
is "no --allow-pty: posix_openpt EACCES" "$(head -n 1 "$TMPOUT")" "posix_openpt: EACCES"
expect_exit "--allow-pty: a new pty works end to end" 0 sr --allow-pty -- "$ATTACK/b_pty"
check "--allow-pty: a line went through it" grep -q "^read: hi" "$TMPOUT"
check "--allow-pty: /dev/tty stays unavailable" grep -Eq "^open /dev/tty: (EACCES|ENXIO)" "$TMPOUT"
if have python3; then
	expect_exit "--allow-pty: python3 os.openpty() works" 0 sr --allow-pty -- python3 -c 'import os; os.openpty()'
	expect_exit "no --allow-pty: python3 os.openpty() fails" 1 sr -- python3 -c \
		'import os, sys
try:
    os.openpty()
except PermissionError:
    sys.exit(1)'
else
	skip "python3 not installed"; skip "python3 not installed"
fi
for abi in 3 5; do
	if [ -x "$top/sandrun-abi$abi" ]; then
		expect_exit "--allow-pty at Landlock ABI $abi" 0 env SANDRUN="$top/sandrun-abi$abi" \
			bash -c '. t/lib.sh; sr --allow-pty -- "$ATTACK/b_pty"'
	else
		skip "sandrun-abi$abi not built (make check builds it)"
	fi
done
expect_exit "--allow-pty with -R /dev: 125" 125 sr --allow-pty -R /dev -- /bin/true
check "--allow-pty with -R /dev: one line" one_line "$TMPERR"
# A terminal that is not the run's own and belongs to another uid: DAC keeps it closed.
if is_root && have python3; then
	python3 -c 'import os, time
m, s = os.openpty(); print(os.ttyname(s), flush=True); time.sleep(20)' >"$fx/ptyname" &
	holder=$!
	for i in $(seq 50); do [ -s "$fx/ptyname" ] && break; sleep 0.1; done
	other=$(cat "$fx/ptyname")
	expect_exit "--allow-pty: root's terminal $other stays closed to the run's uid" 2 \
		sr --allow-pty -- /bin/sh -c "echo x > $other"
	kill "$holder"; wait "$holder" 2>/dev/null
else
	skip "another uid's terminal needs root and python3"
fi

done_testing
