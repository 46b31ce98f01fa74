#!/usr/bin/env bash
# t/00-cli.t: --help, --version, exit statuses, and a table of bad invocations:
# each bad one exits 125 with exactly one line on stderr, and nothing runs.
. t/tap.sh
. t/lib.sh

expect_exit "--help exits 0" 0 "$SANDRUN" --help
for opt in timeout chdir clean-env env user allow-write deny-read allow-read allow-unix \
	allow-net allow-metadata cpu memory data fsize procs nofile stdin stdout stderr report \
	log-denied print-policy help version tmpdir allow-pty allow-ipc report-fd hide \
	allow-connect allow-bind cgroup cleanup; do
	check "--help lists --$opt" grep -q -- "--$opt " "$TMPOUT"
done
# README's usage block is the --help text: an option added without docs fails here.
help_opts=$(grep -o -- '--[a-z][a-z-]*' "$TMPOUT" | sort -u)
for opt in $help_opts; do
	check "README documents $opt" grep -q -- "$opt" README.md
done
check "--help documents exit status 124-127" grep -q "125 sandrun could not" "$TMPOUT"
expect_exit "--version exits 0" 0 "$SANDRUN" --version
check "--version names the Landlock ABI" grep -q "^Landlock ABI [0-9]" "$TMPOUT"
# Output that could not be written whole is not a success: 125 and one line naming why.
for opt in --help --version; do
	expect_exit "$opt to a full device: exit 125" 125 sh -c '"$1" "$2" >/dev/full' sh "$SANDRUN" "$opt"
	check "$opt to a full device: one line on stderr" one_line "$TMPERR"
done

fx=$(fixture)
canary=$fx/ran
# Each row: a description, then the arguments. Every one must fail before PROGRAM runs.
bad_invocations=(
	"unknown option|--no-such-option"
	"unknown short option|-Z"
	"missing PROGRAM|"
	"missing option value|-t"
	"negative timeout|-t -1"
	"word as timeout|-t abc"
	"exponent timeout|-t 1e999"
	"zero timeout|-t 0"
	"timeout with trailing junk|-t 2s"
	"huge timeout|-t 99999999999999999999"
	"bad uid|-u abc"
	"uid 0|-u 0"
	"gid 0|-u 65534:0"
	"uid with junk gid|-u 65534:x"
	"env without =|-E FOO"
	"env with empty name|-E =x"
	"chdir to a missing dir|-C $fx/missing"
	"chdir to a file|-C /etc/passwd"
	"bad procs|-p 0"
	"empty program|''"
	"flag given a value|--clean-env=1"
	"stdin is a directory|-i /etc"
	"memory in bytes, too small|-m 10"
	"memory 256k, too small|-m 256k"
	"data below 4M|--data 1M"
	"procs past pid_max|-p 99999999"
	"timeout past a year|-t 31536001"
	"cpu past a year|-c 31536001"
	"nofile below what exec needs|-n 3"
	"nofile 15|-n 15"
	"unknown user name|-u no-such-user-here"
	"unknown group name|-u 65534:no-such-group-here"
)
for row in "${bad_invocations[@]}"; do
	what=${row%%|*} args=${row#*|}
	eval "set -- $args"
	if [ "$what" = "empty program" ]; then set -- ""; fi
	if [ "$what" = "missing PROGRAM" ]; then set --; fi
	case $what in missing*|empty*) ;; *) set -- "$@" /bin/sh -c "echo ran > $canary" ;; esac
	expect_exit "$what: exit 125" 125 sr -W "$fx" "$@"
	check "$what: one line on stderr" one_line "$TMPERR"
	check "$what: nothing ran" test ! -e "$canary"
done

if is_root; then
	expect_exit "root without --user: exit 125" 125 "$SANDRUN" -W "$fx" -- /bin/sh -c "echo ran > $canary"
	check "root without --user: says to pass --user" grep -q -- "--user" "$TMPERR"
	check "root without --user: one line" one_line "$TMPERR"
	check "root without --user: nothing ran" test ! -e "$canary"
else
	skip "root without --user: not root"
	skip "root without --user: not root"
	skip "root without --user: not root"
	skip "root without --user: not root"
fi

# Exit statuses.
printf 'not an ELF\n' >"$fx/garbage"; chmod 755 "$fx/garbage"
printf '#!/bin/sh\nexit 0\n' >"$fx/noexec"; chmod 644 "$fx/noexec"
owned_by_run "$fx/garbage" "$fx/noexec"
expect_exit "program's own status" 3 sr -- /bin/sh -c 'exit 3'
expect_exit "killed by SIGSEGV: 128+11" 139 sr -- /bin/sh -c 'kill -SEGV $$'
expect_exit "missing program: 127" 127 sr -- "$fx/missing"
check "missing program: message names it" grep -q "sandrun: $fx/missing: No such file" "$TMPERR"
expect_exit "missing program in PATH: 127" 127 sr --clean-env -- no-such-program-here
expect_exit "not executable: 126" 126 sr -- "$fx/noexec"
check "not executable: Permission denied" grep -q "Permission denied" "$TMPERR"
expect_exit "a directory: 126" 126 sr -- "$fx"
expect_exit "garbage with x bit: 126, no shell fallback" 126 sr -- "$fx/garbage"
expect_exit "options end at PROGRAM" 0 sr -- /bin/echo -t --bogus
is "PROGRAM's arguments are its own" "$(cat "$TMPOUT")" "-t --bogus"
expect_exit "timeout: 124" 124 sr -t 0.2 -- /bin/sleep 5
done_testing
