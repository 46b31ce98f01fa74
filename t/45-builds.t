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

done_testing
