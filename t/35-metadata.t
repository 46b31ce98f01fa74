#!/usr/bin/env bash
# t/35-metadata.t: chmod and the utime family beneath -W dirs, made by sandrun itself
# (metadata.c) without --allow-metadata. Judged from outside: the mode and mtime of a
# file inside a -W dir move as asked (minus setuid/setgid), those of a file outside stay,
# whichever way the program names it (absolute, relative, a descriptor, a symlink, a
# path whose components another thread swaps for symlinks).
. t/tap.sh
. t/lib.sh

# as_run_uid COMMAND...: COMMAND outside the sandbox with the run's uid.
as_run_uid() {
	if is_root; then setpriv --reuid="$RUN_UID" --regid="$RUN_UID" --clear-groups "$@"; else "$@"; fi
}
mode_of() { stat -c %a "$1"; }
state_of() { stat -c %a.%u.%Y "$1"; }
rep=$scratch/report.json
field() { python3 "$top/t/jsonget.py" "$rep" "$@" 2>/dev/null; }

w=$(fixture)        # the -W dir
out=$(fixture)      # outside every -W dir, owned by the run's uid all the same
new_file() { echo data >"$1"; chmod 644 "$1"; owned_by_run "$1"; }

# ---- the policy print ----
expect_exit "--print-policy -W exits 0" 0 "$SANDRUN" --print-policy -W "$w"
for c in "chmod  *90" "fchmod  *91" "fchmodat  *268" "fchmodat2  *452" "utimensat  *280"; do
	check "with -W: $c is PROXY(EPERM)" grep -q "^  on  .* $c  *PROXY(EPERM)" "$TMPOUT"
done
check "with -W: chown stays ERRNO(EPERM)" grep -q "^  on  .* chown  *92  *ERRNO(EPERM)" "$TMPOUT"
expect_exit "--print-policy without -W exits 0" 0 "$SANDRUN" --print-policy
check_not "without -W no row is proxied" grep -q "PROXY(" "$TMPOUT"
expect_exit "--print-policy -W --allow-metadata exits 0" 0 "$SANDRUN" --print-policy -W "$w" --allow-metadata
check_not "with --allow-metadata no row is proxied" grep -q "PROXY(" "$TMPOUT"

# ---- chmod: inside works without setuid, outside is refused ----
new_file "$w/f"
expect_exit "chmod 4755 inside -W exits 0" 0 sr -W "$w" -- chmod 4755 "$w/f"
is "chmod 4755 inside: mode 755, no setuid bit (seen from outside)" "$(mode_of "$w/f")" 755
expect_exit "chmod 2775 inside -W exits 0" 0 sr -W "$w" -- chmod 2775 "$w/f"
is "chmod 2775 inside: mode 775, no setgid bit" "$(mode_of "$w/f")" 775
expect_exit "relative chmod from a cwd inside -W" 0 sr -W "$w" -C "$w" -- chmod 700 f
is "relative chmod: mode 700" "$(mode_of "$w/f")" 700
mkdir "$w/sub"; owned_by_run "$w/sub"
expect_exit "chmod of a directory inside -W" 0 sr -W "$w" -- chmod 711 "$w/sub"
is "the directory's mode is 711" "$(mode_of "$w/sub")" 711
expect_exit "chmod of the -W dir itself" 0 sr -W "$w" -- chmod 755 "$w"
new_file "$out/f"
before=$(state_of "$out/f")
expect_exit "chmod outside -W fails" 1 sr -W "$w" -- chmod 777 "$out/f"
check "chmod outside: EPERM" grep -q "Operation not permitted" "$TMPERR"
is "chmod outside: mode unchanged" "$(state_of "$out/f")" "$before"
expect_exit "chmod outside through ../ from inside fails" 1 sr -W "$w" -C "$w" -- chmod 777 "../$(basename "$out")/f"
is "chmod through ../: mode unchanged" "$(state_of "$out/f")" "$before"

# ---- symlinks are never followed ----
ln -s "$out/f" "$w/link"
ln -s "$out" "$w/dirlink"
expect_exit "chmod of a symlink inside -W to an outside file fails" 1 sr -W "$w" -- chmod 777 "$w/link"
expect_exit "chmod through a symlinked dir inside -W fails" 1 sr -W "$w" -- chmod 777 "$w/dirlink/f"
expect_exit "touch through a symlink inside -W fails" 1 sr -W "$w" -- touch -d 2001-01-01 "$w/link"
is "the symlinks' outside target is unchanged" "$(state_of "$out/f")" "$before"
# A hard link would make an outside file an entry of the -W dir: Landlock refuses it.
expect_exit "chmod via a hard link made inside -W fails" 1 sr -W "$w" -- \
	/bin/sh -c "ln '$out/f' '$w/hard' && chmod 777 '$w/hard'"
is "the hard link's would-be target is unchanged" "$(state_of "$out/f")" "$before"

# ---- by descriptor: the file a descriptor names decides, not the name given ----
new_file "$w/byfd"
before_fd=$(state_of "$out/f")
expect_exit "fchmodat(dirfd inside -W, name) works" 0 sr -W "$w" -- "$ATTACK/m_fd" dirfd "$w" byfd
is "fchmodat(dirfd inside): mode 777" "$(mode_of "$w/byfd")" 777
expect_exit "fchmodat(dirfd outside -W, name) fails" 1 sr -W "$w" -- "$ATTACK/m_fd" dirfd "$out" f
is "fchmodat(dirfd outside): EPERM" "$(tail -n 1 "$TMPOUT")" "dirfd: EPERM"
expect_exit "fchmodat(dirfd inside -W, ../outside) fails" 1 sr -W "$w" -- \
	"$ATTACK/m_fd" dirfd "$w" "../$(basename "$out")/f"
expect_exit "futimesat(dirfd outside -W, name) fails" 1 sr -W "$w" -- "$ATTACK/m_fd" utimes "$out" f
expect_exit "fchmod(fd of an outside file) fails" 1 sr -W "$w" -- "$ATTACK/m_fd" fd "$out/f"
expect_exit "chmod(/proc/self/fd/N of an outside file) fails" 1 sr -W "$w" -- "$ATTACK/m_fd" proc "$out/f"
is "by descriptor: the outside file is unchanged" "$(state_of "$out/f")" "$before_fd"

# ---- times: touch -d inside works, outside fails ----
new_file "$w/t"
expect_exit "touch -d 2001-01-01 inside -W" 0 sr -W "$w" -- touch -d 2001-01-01 "$w/t"
is "touch inside: mtime is 2001-01-01 (seen from outside)" "$(stat -c %Y "$w/t")" 978307200
expect_exit "touch (now) inside -W" 0 sr -W "$w" -- touch "$w/t"
check "touch inside: mtime moved to now" test "$(stat -c %Y "$w/t")" -gt 978307200
expect_exit "touch -d outside -W fails" 1 sr -W "$w" -- touch -d 2001-01-01 "$out/f"
is "touch outside: mtime unchanged" "$(state_of "$out/f")" "$before"
expect_exit "touch -c of a missing file inside -W exits 0 (ENOENT)" 0 sr -W "$w" -- touch -c "$w/missing"
check "touch -c created nothing" test ! -e "$w/missing"
expect_exit "chmod of a missing file inside -W fails" 1 sr -W "$w" -- chmod 755 "$w/missing"
check "chmod of a missing file: No such file or directory" grep -q "No such file" "$TMPERR"
expect_exit "touch -r (utimensat by path) inside -W" 0 sr -W "$w" -C "$w" -- touch -r f t
is "touch -r: the mtimes match" "$(stat -c %Y "$w/t")" "$(stat -c %Y "$w/f")"

# ---- every proxied call, inside and outside ----
for m in chmod fchmod fchmodat fchmodat2 utimensat futimens utimes utime futimesat; do
	new_file "$w/m-$m"
	as_run_uid "$ATTACK/f_meta" prepare "$w/m-$m" >/dev/null
	before_in=$("$ATTACK/f_meta" show "$w/m-$m")
	sr -W "$w" -- "$ATTACK/f_meta" "$m" "$w/m-$m" >"$TMPOUT" 2>"$TMPERR"
	if [ "$(tail -n 1 "$TMPOUT")" = "$m: unsupported" ]; then
		skip "$m: no such syscall on $(uname -m)"; skip "$m"; skip "$m"; skip "$m"; continue
	fi
	is "$m inside -W: ok" "$(tail -n 1 "$TMPOUT")" "$m: ok"
	check "$m inside -W: the change shows from outside" \
		test "$("$ATTACK/f_meta" show "$w/m-$m")" != "$before_in"
	new_file "$out/m-$m"
	as_run_uid "$ATTACK/f_meta" prepare "$out/m-$m" >/dev/null
	before_out=$("$ATTACK/f_meta" show "$out/m-$m")
	sr -W "$w" -- "$ATTACK/f_meta" "$m" "$out/m-$m" >"$TMPOUT" 2>"$TMPERR"
	is "$m outside -W: EPERM" "$(tail -n 1 "$TMPOUT")" "$m: EPERM"
	is "$m outside -W: unchanged" "$("$ATTACK/f_meta" show "$out/m-$m")" "$before_out"
done
is "chmod inside masked the prepared setuid bit" "$(mode_of "$w/m-chmod")" 600

# ---- cp -p and install: their ACL step gets EOPNOTSUPP, then fchmod does the job ----
new_file "$w/src"; chmod 750 "$w/src"; touch -d 2001-01-01 "$w/src"
expect_exit "cp -p inside -W exits 0" 0 sr -W "$w" -C "$w" -- cp -p src copy
is "cp -p: mode and mtime preserved" "$(stat -c %a.%Y "$w/copy")" 750.978307200
expect_exit "install -m 755 inside -W exits 0" 0 sr -W "$w" -C "$w" -- install -m 755 src inst
is "install -m 755: mode 755" "$(mode_of "$w/inst")" 755
expect_exit "setfattr of a user xattr stays refused" 1 sr -W "$w" -- "$ATTACK/f_meta" setxattr "$w/src"
is "setxattr (user.*) inside -W: EPERM" "$(tail -n 1 "$TMPOUT")" "setxattr: EPERM"

# ---- -R inside -W: the denied dir stays out of reach ----
mkdir "$w/secret"; new_file "$w/secret/key"; owned_by_run "$w/secret"
before_key=$(state_of "$w/secret/key")
expect_exit "chmod in a -R dir inside -W fails" 1 sr -W "$w" -R "$w/secret" -- chmod 777 "$w/secret/key"
expect_exit "touch in a -R dir inside -W fails" 1 sr -W "$w" -R "$w/secret" -- touch -d 2001-01-01 "$w/secret/key"
is "the -R file is unchanged" "$(state_of "$w/secret/key")" "$before_key"

# ---- the race: components swapped for symlinks while chmod and utimes run ----
race=$(fixture)
new_file "$out/racef"
mkdir -p "$out/race"; new_file "$out/race/f"; owned_by_run "$out/race"
before_race=$(state_of "$out/race/f")
expect_exit "m_race runs" 0 sr -t 120 -W "$race" -- "$ATTACK/m_race" "$race" "$out/race" 4000
cp "$TMPOUT" "$scratch/race.out"
diag "$(cat "$scratch/race.out")"
is "m_race: the outside file is unchanged" "$(state_of "$out/race/f")" "$before_race"
check "m_race: some chmods inside did succeed" grep -q "^chmod ok [1-9]" "$scratch/race.out"
check "m_race: some chmods were refused" grep -q "^chmod ok .*, refused [1-9]" "$scratch/race.out"

# ---- the report counts what sandrun did, and lists what it refused ----
new_file "$w/r"
if have python3; then
	expect_exit "report: one chmod inside, one outside" 0 sr -W "$w" --report "$rep" -- \
		/bin/sh -c "chmod 755 '$w/r' && ! chmod 777 '$out/f' 2>/dev/null"
	is "report: metadata_performed is 1" "$(field metadata_performed)" 1
	check "report: the refused chmod is in denied" grep -q '"syscall": "fchmodat"' "$rep"
else
	skip "python3 not installed"; skip "python3 not installed"; skip "python3 not installed"
fi

# ---- a real build: gcc compiles and links, the binary is executable and runs ----
cc_bin=$(PATH=/usr/local/bin:/usr/bin:/bin command -v gcc)
if [ -n "$cc_bin" ]; then
	printf '#include <stdio.h>\nint main(void) { puts("built inside"); return 0; }\n' >"$w/hello.c"
	owned_by_run "$w/hello.c"
	expect_exit "gcc compiles and links in a -W dir" 0 sr -t 60 -W "$w" -C "$w" -E TMPDIR="$w" -- \
		"$cc_bin" -o hello hello.c
	check "the binary is executable (seen from outside)" test -x "$w/hello"
	expect_exit "the binary runs" 0 sr -- "$w/hello"
	check "it printed its line" grep -qx "built inside" "$TMPOUT"
else
	skip "gcc not installed"; skip "gcc not installed"; skip "gcc not installed"; skip "gcc not installed"
fi

done_testing
