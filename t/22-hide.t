#!/usr/bin/env bash
# t/22-hide.t: -H/--hide DIR (landlock.c, keeps_listing): DIR's content cannot be read,
# written, executed, created or removed, while DIR's parents keep their listing (and, in a
# -W dir, their sub-dirs stay writable). Judged from outside: the secret must not appear
# in what the run printed, the files must be unchanged, and the listings must show names.
# What -H does not hide, on purpose: the names beneath DIR (Landlock's READ_DIR granted
# on a parent reaches everything below it). -R is the mode that hides names too.
. t/tap.sh
. t/lib.sh

fsop=$ATTACK/ll_fsop
in_out() { grep -qF -- "$1" "$TMPOUT"; }
state() { find "$@" -printf '%p %y %s %T@ %i %n\n' | sort; find "$@" -type f -exec cksum {} + | sort; }

fx=$(fixture)
mkdir -p "$fx/proj/secrets/sub" "$fx/proj/src"
echo "HIDDEN-SECRET-$$" >"$fx/proj/secrets/key"
echo "HIDDEN-SECRET-$$" >"$fx/proj/secrets/sub/deeper"
printf '#!/bin/sh\necho HIDDEN-RAN-%s\n' "$$" >"$fx/proj/secrets/run.sh"
chmod 755 "$fx/proj/secrets/run.sh"
echo "plain" >"$fx/proj/src/file"
if is_root; then chown -R "$RUN_UID:$RUN_UID" "$fx/proj"; fi
sec=$fx/proj/secrets

# ---- control: without -H everything is readable ----
expect_exit "control: without -H the secret is readable" 0 sr -- "$fsop" read "$sec/key"
check "control: the secret came out" in_out "HIDDEN-SECRET-$$"

# ---- content: unreadable, unexecutable, unwritable ----
expect_exit "-H: reading a file inside fails" 1 sr -H "$sec" -- "$fsop" read "$sec/key" read "$sec/sub/deeper"
check_not "-H: the secret did not come out" in_out "HIDDEN-SECRET-$$"
check "-H: the read failed EACCES" in_out "read: EACCES"
expect_exit "-H: a program inside cannot be executed" 126 sr -H "$sec" -- "$sec/run.sh"
check_not "-H: the program did not run" in_out "HIDDEN-RAN-$$"
before=$(state "$sec")
expect_exit "-H inside -W: write, truncate, create, unlink, mkdir, rename all fail" 1 \
	sr -W "$fx/proj" -H "$sec" -- "$fsop" write "$sec/key" otrunc "$sec/key" create "$sec/new" \
	unlink "$sec/key" mkdir "$sec/newdir" rename "$sec/key" "$fx/proj/src/stolen"
is "-H inside -W: the hidden files are unchanged" "$(state "$sec")" "$before"
check "-H inside -W: nothing was moved out" test ! -e "$fx/proj/src/stolen"

# ---- parents keep their rights ----
expect_exit "-H: the parent and grandparent can be listed" 0 sr -H "$sec" -- "$fsop" list "$fx/proj" list "$fx"
check "-H: the parent's listing shows the hidden dir's name" in_out "secrets"
check "-H: the parent's listing shows its other entries" in_out "src"
expect_exit "-H: a sibling stays readable" 0 sr -H "$sec" -- "$fsop" read "$fx/proj/src/file"
expect_exit "-W proj -H proj/secrets: files can be created in proj's sub-dirs" 0 \
	sr -W "$fx/proj" -H "$sec" -- "$fsop" create "$fx/proj/src/new" list "$fx/proj"
check "-W proj -H proj/secrets: the new file exists outside" test -e "$fx/proj/src/new"
# Documented deviation: no right but READ_DIR may sit on a parent (it would reach DIR).
expect_exit "-W proj -H proj/secrets: creating directly in proj fails (documented)" 1 \
	sr -W "$fx/proj" -H "$sec" -- "$fsop" create "$fx/proj/direct"
check "documented deviation: nothing was created in proj" test ! -e "$fx/proj/direct"
if [ -d /etc/ssh ]; then
	expect_exit "-H /etc/ssh: ls / and ls /etc work" 0 sr -H /etc/ssh -- "$fsop" list / list /etc
else
	skip "no /etc/ssh on this system"
fi
# The names beneath DIR stay visible: what -H does not hide, said in README.
expect_exit "-H: the hidden dir's names can be listed (documented)" 0 sr -H "$sec" -- "$fsop" list "$sec"
check "-H: its listing shows names only" in_out "key"

# ---- -R in comparison, and the rules between the two ----
expect_exit "-R: the parent cannot be listed" 1 sr -R "$sec" -- "$fsop" list "$fx/proj"
expect_exit "-H and a -R beneath the same parent: the parent is not listable" 1 \
	sr -H "$sec" -R "$fx/proj/src" -- "$fsop" list "$fx/proj"
expect_exit "-H and -R: the -R dir stays unlistable" 1 sr -H "$sec" -R "$fx/proj/src" -- "$fsop" list "$fx/proj/src"
expect_exit "-W inside -H: 125" 125 sr -H "$fx/proj" -W "$sec" -- /bin/true
check "-W inside -H: one line naming --hide" grep -q "inside --hide" "$TMPERR"
expect_exit "-H on a file: 125" 125 sr -H "$fx/proj/src/file" -- /bin/true
expect_exit "-H on a missing dir: 125" 125 sr -H "$fx/nope" -- /bin/true
expect_exit "--print-policy with -H" 0 "$SANDRUN" -H "$sec" --print-policy
check "--print-policy: the parent has a READ_DIR-only rule" grep -qx "landlock: rule $fx/proj: read_dir" "$TMPOUT"
done_testing
