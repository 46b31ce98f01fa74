#!/usr/bin/env bash
# t/20-landlock.t: the filesystem policy (landlock.c), judged from outside: after each
# attempt the test compares the outside files' type, size, mtime, inode, link count and
# checksum with a snapshot, or looks for a secret in what the attack printed. Every
# attack has a control run where it is allowed, so a broken attack cannot pass as denied.
# Fixtures are owned by the run's uid: DAC would allow every attempt, only Landlock stops it.
# t/21-landlock-abi3.t runs this file again against sandrun-abi3 (Landlock capped at 3);
# the ABI-dependent claims are checked both ways from the ABI sandrun reports.
. t/tap.sh
. t/lib.sh

fsop=$ATTACK/ll_fsop
sock=$ATTACK/ll_sock
user_opt=()
if is_root; then user_opt=(--user "$RUN_UID:$RUN_UID"); fi

expect_exit "--version runs" 0 "$SANDRUN" --version
abi=$(sed -n 's/^Landlock ABI \([0-9]*\)$/\1/p' "$TMPOUT")
diag "Landlock ABI in use: $abi ($SANDRUN)"
check "--version names an ABI of at least 3" test "${abi:-0}" -ge 3

# state PATH...: one line per entry beneath PATH (type, size, mtime, inode, links) and
# the checksum of every regular file: equal snapshots mean nothing was touched.
state() {
	find "$@" -printf '%p %y %s %T@ %i %n\n' | sort
	find "$@" -type f -exec cksum {} + | sort
}
# put FILE TEXT / mkd DIR: made by the test, owned by the run's uid.
put() { printf '%s\n' "$2" >"$1" && owned_by_run "$1"; }
mkd() { mkdir "$1" && owned_by_run "$1"; }
# in_out TEXT: the last run printed TEXT on stdout.
in_out() { grep -qF -- "$1" "$TMPOUT"; }
# outside_world DIR: the files an attack targets.
outside_world() {
	put "$1/keep" "original content"
	mkd "$1/empty"
	mkd "$1/sub"
	put "$1/sub/file" "in sub"
}

# ---- writes outside -W: each denied without -W, and works with -W (control) ----
write_attacks=(
	"write keep" "create new" "mkdir newdir" "unlink keep" "rmdir empty"
	"rename keep moved" "rename sub/file keep" "truncate keep" "otrunc keep"
	"mkfifo fifo" "symlink /etc/passwd sl" "link keep hard"
)
for row in "${write_attacks[@]}"; do
	fx=$(fixture)
	outside_world "$fx"
	read -r -a words <<<"$row"
	args=("${words[0]}")
	for w in "${words[@]:1}"; do
		case $w in /*) args+=("$w") ;; *) args+=("$fx/$w") ;; esac
	done
	before=$(state "$fx")
	expect_exit "$row: fails outside -W" 1 sr -- "$fsop" "${args[@]}"
	is "$row: outside files untouched" "$(state "$fx")" "$before"
	expect_exit "$row: control, works under -W" 0 sr -W "$fx" -- "$fsop" "${args[@]}"
	check_not "$row: control changed the files" test "$(state "$fx")" = "$before"
done

# ---- across the -W boundary, both directions ----
fx=$(fixture)
mkd "$fx/w"
mkd "$fx/w/sub"
mkd "$fx/out"
put "$fx/w/f" "inside"
put "$fx/out/g" "outside"
before=$(state "$fx")
for row in "rename w/f out/f" "rename out/g w/g" "link w/f out/l" "link out/g w/l"; do
	read -r op from to <<<"$row"
	expect_exit "$row across the -W boundary fails" 1 sr -W "$fx/w" -- "$fsop" "$op" "$fx/$from" "$fx/$to"
	is "$row: nothing moved or linked" "$(state "$fx")" "$before"
done
expect_exit "control: rename and link between sub-dirs of one -W dir work" 0 \
	sr -W "$fx/w" -- "$fsop" link "$fx/w/f" "$fx/w/sub/l" rename "$fx/w/f" "$fx/w/sub/f"
check "control: the renamed file arrived" test -f "$fx/w/sub/f"

# ---- a symlink planted in a -W dir that points outside ----
before=$(state "$fx/out")
expect_exit "write through a planted symlink fails" 1 \
	sr -W "$fx/w" -- "$fsop" symlink "$fx/out/g" "$fx/w/abs" write "$fx/w/abs"
check "the planted absolute symlink exists (the attack got that far)" test -L "$fx/w/abs"
expect_exit "truncate through a planted relative symlink fails" 1 \
	sr -W "$fx/w" -- "$fsop" symlink ../out/g "$fx/w/rel" otrunc "$fx/w/rel"
is "the symlink targets are untouched" "$(state "$fx/out")" "$before"

# ---- shared writable places: /dev/shm and /tmp ----
for dir in /dev/shm /tmp; do
	[ -d "$dir" ] || { skip "$dir does not exist"; continue; }
	target=$dir/sandrun-t20-$$
	expect_exit "create in $dir fails" 1 sr -- "$fsop" create "$target"
	check "nothing appeared in $dir" test ! -e "$target"
	rm -f "$target"
done

# ---- the three harmless devices ----
expect_exit "sh: > /dev/null works" 0 sr -- /bin/sh -c 'echo x > /dev/null && echo y >> /dev/null'
expect_exit "write /dev/zero works" 0 sr -- "$fsop" write /dev/zero
expect_exit "write /dev/full opens (and fails ENOSPC)" 1 sr -- "$fsop" write /dev/full
check "/dev/full: the error is ENOSPC, not a denial" in_out "write: ENOSPC"

# ---- -R: nothing beneath it can be read, listed or executed ----
fx=$(fixture)
mkd "$fx/secret"
mkd "$fx/w"
put "$fx/plain" "plain-content"
put "$fx/secret/hidden-name" "TOPSECRET-$$"
cp "$fsop" "$fx/secret/prog" && owned_by_run "$fx/secret/prog"
ln -s "$fx/secret/hidden-name" "$fx/link-in"

expect_exit "read under -R fails" 1 sr -R "$fx/secret" -- "$fsop" read "$fx/secret/hidden-name"
check_not "read under -R: the secret did not come out" in_out "TOPSECRET-$$"
expect_exit "control: read without -R works" 0 sr -- "$fsop" read "$fx/secret/hidden-name"
check "control: the secret came out" in_out "TOPSECRET-$$"

expect_exit "list under -R fails" 1 sr -R "$fx/secret" -- "$fsop" list "$fx/secret"
check_not "list under -R: no name came out" in_out "hidden-name"
expect_exit "control: list without -R works" 0 sr -- "$fsop" list "$fx/secret"
check "control: the name came out" in_out "hidden-name"

expect_exit "read through a symlink into -R fails" 1 sr -R "$fx/secret" -- "$fsop" read "$fx/link-in"
check_not "symlink into -R: the secret did not come out" in_out "TOPSECRET-$$"

expect_exit "exec a program under -R: 126" 126 \
	sr -R "$fx/secret" -W "$fx/w" -- "$fx/secret/prog" create "$fx/w/marker"
check "exec under -R: the program did not run" test ! -e "$fx/w/marker"
loader=$(sed -n 's/.*interpreter: \(.*\)\]/\1/p' < <(readelf -l "$fsop" 2>/dev/null))
if [ -n "$loader" ] && [ -x "$loader" ]; then
	expect_exit "exec under -R through the ELF loader fails" 127 \
		sr -R "$fx/secret" -W "$fx/w" -- "$loader" "$fx/secret/prog" create "$fx/w/marker"
	check "loader route: the program did not run" test ! -e "$fx/w/marker"
else
	skip "readelf missing or no ELF interpreter: loader route not tested"
	skip "readelf missing or no ELF interpreter: loader route not tested"
fi
expect_exit "control: exec without -R works" 0 sr -W "$fx/w" -- "$fx/secret/prog" create "$fx/w/marker"
check "control: the program ran" test -e "$fx/w/marker"

expect_exit "beside -R, a sibling file stays readable" 0 sr -R "$fx/secret" -- "$fsop" read "$fx/plain"
check "beside -R: the sibling's content came out" in_out "plain-content"
expect_exit "beside -R, programs still run" 0 sr -R "$fx/secret" -- /bin/sh -c 'ls /usr >/dev/null'

# ---- a -R dir visible elsewhere through a mount: refused unless that place is denied ----
if is_root && unshare -m true 2>/dev/null; then
	mkd "$fx/alias"
	# In a private mount namespace: bind the secret dir at alias, then run the rest.
	# shellcheck disable=SC2016 # $1.. belong to the inner sh
	bound() { unshare -m /bin/sh -c 'mount --bind "$1" "$2" || exit 99; shift 2; exec "$@"' sh "$@"; }
	expect_exit "-R dir bind-mounted elsewhere: 125" 125 bound "$fx/secret" "$fx/alias" \
		"$SANDRUN" "${user_opt[@]}" -R "$fx/secret" -- "$fsop" read "$fx/alias/hidden-name"
	check "bind-mounted -R: one line" one_line "$TMPERR"
	check "bind-mounted -R: it names the other place" grep -qF "visible at $fx/alias " "$TMPERR"
	check_not "bind-mounted -R: the secret did not come out" in_out "TOPSECRET-$$"
	expect_exit "bind-mounted -R: denying both places runs, and denies" 1 bound "$fx/secret" "$fx/alias" \
		"$SANDRUN" "${user_opt[@]}" -R "$fx/secret" -R "$fx/alias" -- "$fsop" read "$fx/alias/hidden-name"
	check_not "bind-mounted -R, both denied: the secret did not come out" in_out "TOPSECRET-$$"
	expect_exit "control: through the bind mount without -R the secret is readable" 0 \
		bound "$fx/secret" "$fx/alias" "$SANDRUN" "${user_opt[@]}" -- "$fsop" read "$fx/alias/hidden-name"
	check "control: the secret came out through the bind mount" in_out "TOPSECRET-$$"
else
	for _ in 1 2 3 4 5 6 7 8; do skip "bind mounts need root and unshare -m (mount namespace)"; done
fi

# ---- -R inside -W: deny wins, the rest of the -W dir stays writable ----
put "$fx/w/other" "other"
mkd "$fx/w/secret"
mkd "$fx/w/open"
put "$fx/w/secret/s" "W-SECRET-$$"
before=$(state "$fx/w/secret")
for op in "write s" "create new" "unlink s" "mkdir d" "truncate s" "otrunc s"; do
	read -r o a <<<"$op"
	expect_exit "-R inside -W: $o fails" 1 sr -W "$fx/w" -R "$fx/w/secret" -- "$fsop" "$o" "$fx/w/secret/$a"
done
expect_exit "-R inside -W: moving the secret out fails" 1 \
	sr -W "$fx/w" -R "$fx/w/secret" -- "$fsop" rename "$fx/w/secret/s" "$fx/w/open/s"
expect_exit "-R inside -W: read fails" 1 sr -W "$fx/w" -R "$fx/w/secret" -- "$fsop" read "$fx/w/secret/s"
check_not "-R inside -W: the secret did not come out" in_out "W-SECRET-$$"
is "-R inside -W: the denied dir is untouched" "$(state "$fx/w/secret")" "$before"
expect_exit "-R inside -W: a sibling dir is still writable" 0 \
	sr -W "$fx/w" -R "$fx/w/secret" -- "$fsop" create "$fx/w/open/new" write "$fx/w/other"
check "-R inside -W: the sibling write arrived" test -s "$fx/w/open/new"

# ---- nested, overlapping and many -R dirs ----
fx=$(fixture)
for d in a a/b c e; do mkd "$fx/$d"; done
put "$fx/a/x" "NESTED-A"
put "$fx/a/b/y" "NESTED-B"
put "$fx/c/z" "MULTI-C"
put "$fx/e/v" "OPEN-E"
expect_exit "nested -R: outer file denied" 1 \
	sr -R "$fx/a" -R "$fx/a/b" -R "$fx/a/" -- "$fsop" read "$fx/a/x" read "$fx/a/b/y"
check_not "nested -R: nothing came out" grep -q "NESTED" "$TMPOUT"
expect_exit "nested -R given inner first: denied too" 1 sr -R "$fx/a/b" -R "$fx/a" -- "$fsop" read "$fx/a/x"
check_not "nested -R inner first: nothing came out" in_out "NESTED-A"
expect_exit "several -R: each denied" 1 sr -R "$fx/a" -R "$fx/c" -- "$fsop" read "$fx/c/z"
check_not "several -R: nothing came out" in_out "MULTI-C"
expect_exit "several -R: the other sibling is readable" 0 sr -R "$fx/a" -R "$fx/c" -- "$fsop" read "$fx/e/v"
check "several -R: its content came out" in_out "OPEN-E"

big=$fx/big
mkd "$big"
(cd "$big" && seq -f 'f%g' 5000 | xargs touch)
mkd "$big/d"
put "$big/d/s" "BIG-SECRET"
put "$big/f5000" "BIG-OPEN"
expect_exit "-R in a dir of 5000 entries: the secret is denied" 1 sr -R "$big/d" -- "$fsop" read "$big/d/s"
check_not "5000 entries: the secret did not come out" in_out "BIG-SECRET"
expect_exit "-R in a dir of 5000 entries: a sibling is readable" 0 sr -R "$big/d" -- "$fsop" read "$big/f5000"
check "5000 entries: the sibling's content came out" in_out "BIG-OPEN"

# ---- strict mode: -A reads only what it lists ----
fx=$(fixture)
for d in allowed other w; do mkd "$fx/$d"; done
put "$fx/allowed/f" "ALLOWED-CONTENT"
put "$fx/other/f" "OTHER-CONTENT"
strict=(-A /usr -A "$ATTACK" -A "$fx/allowed")
expect_exit "strict: a listed path is readable" 0 sr "${strict[@]}" -- "$fsop" read "$fx/allowed/f"
check "strict: its content came out" in_out "ALLOWED-CONTENT"
expect_exit "strict: an unlisted file is denied" 1 sr "${strict[@]}" -- "$fsop" read "$fx/other/f"
check_not "strict: the unlisted content did not come out" in_out "OTHER-CONTENT"
expect_exit "strict: /etc/passwd is denied" 1 sr "${strict[@]}" -- "$fsop" read /etc/passwd
check_not "strict: no passwd line came out" in_out "root:"
expect_exit "control: default mode reads /etc/passwd" 0 sr -- "$fsop" read /etc/passwd
check "control: a passwd line came out" in_out "root:"
expect_exit "strict: a dynamically linked program runs with -A /usr" 0 sr -A /usr -- /bin/ls /usr
expect_exit "strict: -W dirs are writable and readable" 0 \
	sr -A /usr -W "$fx/w" -- /bin/sh -c "echo strict-ok > $fx/w/out && cat $fx/w/out"
check "strict: the -W write arrived" grep -q strict-ok "$fx/w/out"
expect_exit "strict: -R inside -A is denied" 1 \
	sr -A /usr -A "$ATTACK" -A "$fx" -R "$fx/other" -- "$fsop" read "$fx/other/f"
check_not "strict -R inside -A: nothing came out" in_out "OTHER-CONTENT"

# ---- ordinary programs under the default policy ----
fx=$(fixture)
mkd "$fx/w"
expect_exit "a dynamically linked program runs" 0 sr -- /bin/ls /
check "ls / printed /usr" grep -qx usr "$TMPOUT"
cat >"$fx/script.sh" <<'EOF'
#!/bin/sh
echo script-ran > "$1"
EOF
chmod 755 "$fx/script.sh"
expect_exit "a shell script runs" 0 sr -W "$fx/w" -- "$fx/script.sh" "$fx/w/out"
check "the script wrote its output" grep -qx script-ran "$fx/w/out"
py=$(PATH=/usr/local/bin:/usr/bin:/bin command -v python3)
if [ -n "$py" ]; then
	expect_exit "python3 runs" 0 sr -W "$fx/w" -- "$py" -c \
		'import sys, tempfile; open(sys.argv[1], "w").write("python-ran\n")' "$fx/w/py"
	check "python3 wrote its output" grep -qx python-ran "$fx/w/py"
else
	skip "python3 not installed"
	skip "python3 not installed"
fi
cc_bin=$(PATH=/usr/local/bin:/usr/bin:/bin command -v gcc)
if [ -n "$cc_bin" ]; then
	put "$fx/w/hello.c" '#include <stdio.h>
int main(void) { puts("hello from gcc"); return 0; }'
	expect_exit "gcc compiles into a -W dir (TMPDIR there)" 0 \
		sr -W "$fx/w" -E TMPDIR="$fx/w" -- "$cc_bin" -o "$fx/w/hello" "$fx/w/hello.c"
	check "gcc's output is an ELF file" grep -q ELF "$fx/w/hello"
	# ld's chmod +x may be refused by the seccomp filter (metadata): that is filter.c's
	# business, so the x bit is set from outside before the run.
	chmod 755 "$fx/w/hello"
	expect_exit "the compiled program runs" 0 sr -- "$fx/w/hello"
	check "it printed its greeting" in_out "hello from gcc"
else
	skip "gcc not installed"
	skip "gcc not installed"
	skip "gcc not installed"
	skip "gcc not installed"
fi

# ---- bad paths: 125, one line naming the path, nothing runs ----
fx=$(fixture)
mkd "$fx/w"
put "$fx/file" "a file"
canary=$fx/w/ran
bad_paths=(
	"-W|$fx/missing" "-W|" "-W|$fx/file" "-R|$fx/missing" "-R|" "-R|$fx/file"
	"-A|$fx/missing" "-A|"
)
for row in "${bad_paths[@]}"; do
	opt=${row%%|*} path=${row#*|}
	expect_exit "bad path $opt '$path': 125" 125 sr -W "$fx/w" "$opt" "$path" -- "$fsop" create "$canary"
	check "bad path $opt '$path': one stderr line" one_line "$TMPERR"
	check "bad path $opt '$path': it names the path" grep -qF -- "${path:-empty path}" "$TMPERR"
	check "bad path $opt '$path': nothing ran" test ! -e "$canary"
done
mkd "$fx/d"
mkd "$fx/d/in"
for opt in -W -A; do
	expect_exit "$opt inside -R: 125" 125 sr -W "$fx/w" -R "$fx/d" "$opt" "$fx/d/in" -- "$fsop" create "$canary"
	check "$opt inside -R: one line" one_line "$TMPERR"
	check "$opt inside -R: it names both paths" grep -qF "$fx/d/in is inside --deny-read $fx/d:" "$TMPERR"
	check "$opt inside -R: nothing ran" test ! -e "$canary"
done
expect_exit "--print-policy with a bad path: 125" 125 sr --print-policy -W "$fx/missing"

# ---- below ABI 3 nothing runs (sandrun-abi2 is built by make check) ----
if [ -x "$top/sandrun-abi2" ]; then
	expect_exit "ABI 2: refused with 125" 125 "$top/sandrun-abi2" "${user_opt[@]}" -W "$fx/w" -- "$fsop" create "$canary"
	check "ABI 2: one line" one_line "$TMPERR"
	check "ABI 2: it names the ABI found and the minimum" grep -q "ABI 2.*needs ABI 3" "$TMPERR"
	check "ABI 2: nothing ran" test ! -e "$canary"
else
	skip "sandrun-abi2 not built (make check builds it)"
	skip "sandrun-abi2 not built (make check builds it)"
	skip "sandrun-abi2 not built (make check builds it)"
fi

# ---- --print-policy: ABI, rules, and one row per protection, true to this ABI ----
fx=$(fixture)
mkd "$fx/w"
mkd "$fx/w/secret"
put "$fx/w/open" "beside the -R dir"
expect_exit "--print-policy exits 0" 0 sr --print-policy -W "$fx/w" -R "$fx/w/secret"
check "--print-policy names the ABI in use" grep -q "^landlock: ABI $abi in use" "$TMPOUT"
check "--print-policy lists a rule beside the -R dir with write rights" \
	grep -qE "^landlock: rule $fx/w/[^:]*:.* write_file" "$TMPOUT"
check_not "--print-policy has no rule at or beneath the -R dir" grep -qF "rule $fx/w/secret" "$TMPOUT"
check "--print-policy grants /dev/null read and write" grep -qx "landlock: rule /dev/null: write_file read_file" "$TMPOUT"
for row in landlock-truncate:3 landlock-tcp:4 landlock-ioctl-dev:5 \
	landlock-abstract-unix-scope:6 landlock-signal-scope:6; do
	name=${row%:*} need=${row#*:}
	if [ "$abi" -ge "$need" ]; then want=active; else want=NOT; fi
	check "--print-policy: $name is $want at ABI $abi" grep -qE "^ +$name +$want " "$TMPOUT"
done
expect_exit "--print-policy --allow-net exits 0" 0 sr --print-policy --allow-net
check "--allow-net: TCP is not handled by Landlock" grep -qE "^ +landlock-tcp +NOT " "$TMPOUT"

# ---- TCP (ABI 4), abstract unix sockets and signals (ABI 6): each claim holds ----
# The socket comes from outside as stdin, so only Landlock can stop the attempt.
in_sandbox=("$SANDRUN" "${user_opt[@]}")
for row in "tcp-connect:4:connected:connect-tcp ADDR" "tcp-bind:4:bound:bind-tcp" \
	"abstract-connect:6:connected:connect-abstract ADDR"; do
	IFS=: read -r kind need reached words <<<"$row"
	read -r -a inner <<<"$words"
	expect_exit "$kind: control without sandbox" 0 "$sock" outer "$kind" "$sock" "${inner[@]}"
	check "$kind: control reached the peer" in_out "peer: $reached"
	expect_exit "$kind from the sandbox: outer helper ran" 0 \
		"$sock" outer "$kind" "${in_sandbox[@]}" -- "$sock" "${inner[@]}"
	if [ "$abi" -ge "$need" ]; then
		check_not "$kind is stopped at ABI $abi" in_out "peer: $reached"
	else
		check "$kind is NOT stopped at ABI $abi, as --print-policy says" in_out "peer: $reached"
	fi
done
expect_exit "tcp-connect with --allow-net: outer helper ran" 0 \
	"$sock" outer tcp-connect "${in_sandbox[@]}" --allow-net -- "$sock" connect-tcp ADDR
check "tcp-connect with --allow-net reaches the peer" in_out "peer: connected"

if is_root; then
	setpriv --reuid="$RUN_UID" --regid="$RUN_UID" --clear-groups sleep 300 &
else
	sleep 300 &
fi
victim=$!
# running PID: PID is alive and not a zombie (a killed child of ours stays one until waited).
running() { [ "$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null)" != Z ] && kill -0 "$1"; }
if [ "$abi" -ge 6 ]; then
	expect_exit "signal a same-uid process outside: kill fails" 1 sr -- "$ATTACK/ll_signal" "$victim"
	check "signal scope: the outside process is still running" running "$victim"
	kill "$victim"
	wait "$victim"
else
	expect_exit "signal a same-uid process outside: kill works at ABI $abi" 0 \
		sr -- "$ATTACK/ll_signal" "$victim"
	wait "$victim"
	is "no signal scope at ABI $abi, as --print-policy says: SIGTERM killed it" "$?" 143
fi
expect_exit "signals inside the sandbox still work" 0 \
	sr -- /bin/sh -c "sleep 30 & kill \$!; wait \$!; [ \$? -eq 143 ]"

expect_exit "ioctl on a device opened inside: the call fails" 1 sr -- "$fsop" ioctl /dev/zero
if [ "$abi" -ge 5 ]; then
	check "ioctl on a fresh device is denied at ABI $abi" in_out "ioctl: EACCES"
else
	check "ioctl on a fresh device is NOT denied at ABI $abi" in_out "ioctl: ENOTTY"
fi

done_testing
