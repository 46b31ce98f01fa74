#!/usr/bin/env bash
# t/55-files.t: files sandrun opens for the run (-i, -o, -e, --report, --report-fd) follow
# no link the program planted; the report cannot be sabotaged into 125; verdicts come from
# what was measured; the program starts with no capability (outputs.c, caps.c, runner.c).
# Judged from outside: a secret file's hash and mtime, where the report lands, exit status.
. t/tap.sh
. t/lib.sh

have python3 || skip_all "python3 not installed (needed to parse the report)"
rf=$ATTACK/r_files
# The secret: a 0600 file the test made (root's when root), in a dir the run cannot write.
secret=$scratch/secret
echo "top secret content" >"$secret"
chmod 600 "$secret"
locked=$scratch/locked
mkdir "$locked" && chmod 700 "$locked"
stamp() { sha256sum <"$secret" | cut -c1-64; stat -c %Y.%s "$secret"; }
before=$(stamp)
unchanged() { [ "$(stamp)" = "$before" ]; }
parses() { python3 t/jsonget.py "$1" status >/dev/null; }   # one whole JSON object

# ---- planted symlinks at -o, -e, -i, and on the way ----
fx=$(fixture)
expect_exit "a run plants W/out -> secret" 0 sr -W "$fx" -o /dev/null -- "$rf" plant "$fx/out" "$secret"
check "the link is there" test -L "$fx/out"
expect_exit "-o on a planted symlink: 125" 125 sr -W "$fx" -o "$fx/out" -- /bin/echo overwritten
check "-o symlink: one line naming the path" sh -c "grep -q -- '$fx/out' '$TMPERR' && [ \$(wc -l <'$TMPERR') -eq 1 ]"
check "-o symlink: secret unchanged (hash, size, mtime)" unchanged
expect_exit "-e on a planted symlink: 125" 125 sr -W "$fx" -e "$fx/out" -- /bin/echo overwritten
check "-e symlink: secret unchanged" unchanged
expect_exit "-i on a planted symlink: 125" 125 sr -W "$fx" -i "$fx/out" -o "$fx/got" -- /bin/cat
check "-i symlink: nothing of the secret reached the program" \
	sh -c "! grep -qs secret '$fx/got' '$TMPOUT'"
check "-i symlink: one line" one_line "$TMPERR"
# A directory on the way that is a link (W/d -> locked): refused, nothing created there.
sr -W "$fx" -o /dev/null -- "$rf" plant "$fx/d" "$locked" >/dev/null 2>&1
expect_exit "-o through a symlinked directory: 125" 125 sr -W "$fx" -o "$fx/d/new" -- /bin/echo x
check "nothing created in the link's target" test ! -e "$locked/new"
expect_exit "--report through a symlinked directory: 125" 125 sr -W "$fx" --report "$fx/d/r.json" -- /bin/true
check "no report in the link's target" test -z "$(ls -A "$locked")"
# Nested: the outer filter answers openat2 with ENOSYS, so the inner sandrun walks the
# path itself (outputs.c); the same links must be refused there.
expect_exit "nested: -o on a plain file works" 0 sr -W "$fx" -- "$SANDRUN" -o "$fx/plain" -- /bin/echo nested
is "nested: the plain file got the output" "$(cat "$fx/plain" 2>/dev/null)" nested
expect_exit "nested: -o on the planted symlink: 125" 125 sr -W "$fx" -- "$SANDRUN" -o "$fx/out" -- /bin/echo overwritten
check "nested -o symlink: secret unchanged" unchanged
expect_exit "nested: -o through a symlinked directory: 125" 125 sr -W "$fx" -- "$SANDRUN" -o "$fx/d/new" -- /bin/echo x
check "nested: nothing created in the link's target" test ! -e "$locked/new"
expect_exit "nested: -i on the planted symlink: 125" 125 sr -W "$fx" -- "$SANDRUN" -i "$fx/out" -- /bin/cat
check "nested -i symlink: nothing of the secret reached the program" sh -c "! grep -qs secret '$TMPOUT'"
# A hard link to the secret (as if fs.protected_hardlinks were off): truncating it would
# write through; refused. Only root can make one to a root file here.
if is_root; then
	ln "$secret" "$fx/hard"
	expect_exit "-o on a hard link to the secret: 125" 125 sr -W "$fx" -o "$fx/hard" -- /bin/echo overwritten
	check "hard link: secret unchanged" unchanged
	rm -f "$fx/hard"
else
	skip "hard link to a root file: needs root to make"
fi
mkfifo "$fx/fifo"
expect_exit "-o on a FIFO without a reader: 125, no hang" 125 timeout 20 "$SANDRUN" ${RUN_USER:+--user "$RUN_USER"} -o "$fx/fifo" -- /bin/true
expect_exit "-o on a directory: 125" 125 sr -o "$fx" -- /bin/true
expect_exit "-o /dev/null still works" 0 sr -o /dev/null -- /bin/echo hi
echo "old old old old" >"$fx/plain"
owned_by_run "$fx/plain"
expect_exit "-o on a regular file: truncated and written" 0 sr -o "$fx/plain" -e "$fx/plain" -- /bin/echo new
is "-o regular file holds the new output only" "$(cat "$fx/plain")" new

# ---- the report's directory swapped during the run ----
mkdir "$fx/rep"
owned_by_run "$fx/rep"
expect_exit "swap the report dir for a link during the run: exit 0" 0 \
	sr -W "$fx" --report "$fx/rep/r.json" -- "$rf" swapdir "$fx/rep" "$locked"
check "the program did swap it" test -L "$fx/rep"
check "no report where the link points" test ! -e "$locked/r.json"
check "the report is in the directory held from the start" parses "$fx/rep.moved/r.json"
check "no temporary file left there" test -z "$(find "$fx/rep.moved" "$locked" -name '.sandrun-*')"

# ---- --report on something that is not a regular file ----
mkdir -m 755 "$scratch/dev"
ln -s /proc/self/fd/1 "$scratch/dev/stdout"
expect_exit "--report on a symlink (a /dev/stdout of our own): 125" 125 sr --report "$scratch/dev/stdout" -- /bin/true
check "that symlink is untouched" test -L "$scratch/dev/stdout"
if [ -L /dev/stdout ] && [ ! -L "$scratch/dev/stdout" ]; then
	skip "--report /dev/stdout: not tried, the same case on our own link failed"
elif [ -L /dev/stdout ]; then
	expect_exit "--report /dev/stdout: 125 before running" 125 sr --report /dev/stdout -- /bin/true
	check "--report /dev/stdout: the message names --report-fd" grep -q -- '--report-fd' "$TMPERR"
	check "/dev/stdout is still a symlink" test -L /dev/stdout
else
	skip "/dev/stdout is not a symlink here"
fi
mkfifo "$fx/rfifo"
expect_exit "--report on a FIFO: 125" 125 timeout 20 "$SANDRUN" ${RUN_USER:+--user "$RUN_USER"} --report "$fx/rfifo" -- /bin/true
check "the FIFO stays a FIFO" test -p "$fx/rfifo"

# ---- report sabotage: the program makes the report's name a directory ----
rm -f "$fx/r.json"
expect_exit "report name made a directory: exit 123" 123 \
	sr -W "$fx" --report "$fx/r.json" -- "$rf" mkdir "$fx/r.json"
check "stderr names the report" grep -q -- "--report $fx/r.json" "$TMPERR"
check "the directory was not replaced" test -d "$fx/r.json"
rmdir "$fx/r.json"
expect_exit "the same after a timeout: 123, not 125" 123 \
	sr -W "$fx" -t 0.5 --report "$fx/r.json" -- /bin/sh -c "mkdir '$fx/r.json'; sleep 10"
check "the timeout is still said on stderr" grep -q 'time limit' "$TMPERR"
rmdir "$fx/r.json"

# ---- verdicts from what was measured ----
rep=$fx/v.json
expect_exit "raise(SIGXCPU) without -c: 152" 152 sr --report "$rep" -- "$rf" raise XCPU
is "raise(SIGXCPU) without -c: signaled" "$(python3 t/jsonget.py "$rep" status)" signaled
expect_exit "raise(SIGXCPU) with -c 5 and no CPU used: 152" 152 sr -c 5 --report "$rep" -- "$rf" raise XCPU
is "raise(SIGXCPU) with -c but no CPU: signaled" "$(python3 t/jsonget.py "$rep" status)" signaled
expect_exit "raise(SIGXFSZ) without -f: 153" 153 sr --report "$rep" -- "$rf" raise XFSZ
is "raise(SIGXFSZ) without -f: signaled" "$(python3 t/jsonget.py "$rep" status)" signaled
expect_exit "a real -c hit is still 124" 124 sr -t 20 -c 1 --report "$rep" -- "$ATTACK/hog" spin
is "a real -c hit: cpu-limit" "$(python3 t/jsonget.py "$rep" status)" cpu-limit

# ---- --report-fd ----
# pipe_run ARGS...: sandrun with its report on a pipe (@FD@ in ARGS is the write end);
# prints the exit status, the report's status and sandrun_exit, parsed from all it read.
pipe_run() {
	python3 - "$@" <<'EOF'
import json, os, subprocess, sys
r, w = os.pipe()
args = [a.replace("@FD@", str(w)) for a in sys.argv[1:]]
p = subprocess.Popen(args, pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.close(w)
data = b""
while True:
    chunk = os.read(r, 65536)
    if not chunk:
        break
    data += chunk
rc = p.wait()
doc = json.loads(data.decode())
print(rc, doc["status"], doc["sandrun_exit"])
EOF
}
sr_args=()
if is_root; then sr_args=(--user "$RUN_UID:$RUN_UID"); fi
got=$(pipe_run "$SANDRUN" "${sr_args[@]}" --report-fd @FD@ -- "$ATTACK/hog" exit 3)
is "--report-fd on a pipe: the whole JSON, once, agreeing with the exit" "$got" "3 exited 3"
got=$(pipe_run "$SANDRUN" "${sr_args[@]}" --report-fd @FD@ -t 0.3 -- /bin/sleep 10)
is "--report-fd on a pipe: timeout" "$got" "124 timeout 124"
expect_exit "--report-fd: the program does not hold it" 0 sr --report-fd 3 -- "$rf" fd 3 3>"$fx/fdrep"
is "--report-fd 3 is closed in the program" "$(cat "$TMPOUT")" "fd 3: closed"
check "--report-fd to a file: valid JSON" parses "$fx/fdrep"
expect_exit "--report-fd 1: report on sandrun's stdout" 0 sr --report-fd 1 -o /dev/null -- /bin/true
check "--report-fd 1: stdout is the JSON" parses "$TMPOUT"
expect_exit "--report-fd on a closed descriptor: 125" 125 sr --report-fd 9 -- /bin/sh -c "echo ran >'$fx/ran'" 9>&-
check "closed --report-fd: one line" one_line "$TMPERR"
expect_exit "--report-fd read-only: 125" 125 sr --report-fd 9 -- /bin/sh -c "echo ran >'$fx/ran'" 9</dev/null
expect_exit "--report-fd 0: 125" 125 sr --report-fd 0 -- /bin/sh -c "echo ran >'$fx/ran'"
expect_exit "--report-fd abc: 125" 125 sr --report-fd abc -- /bin/sh -c "echo ran >'$fx/ran'"
check "bad --report-fd: nothing ran" test ! -e "$fx/ran"

# ---- capabilities: an ambient CAP_DAC_READ_SEARCH of the caller never reaches the program ----
capzero() {   # capzero FILE: CapInh/CapPrm/CapEff/CapAmb all zero
	for set in CapInh CapPrm CapEff CapAmb; do
		grep -q "^$set:[[:space:]]*0000000000000000$" "$1" || return 1
	done
}
unread() { grep -q '^read file: EACCES' "$1" && ! grep -q secret "$1"; }
expect_exit "a plain run" 0 sr -o "$fx/caps0" -- "$rf" caps "$secret"
check "a plain run: no capability" capzero "$fx/caps0"
if is_root; then
	check "as root with --user: the root-only secret is unread" unread "$fx/caps0"
	check "as root with --user: bounding set emptied" grep -q '^CapBnd:[[:space:]]*0000000000000000$' "$fx/caps0"
fi
if ! is_root; then
	skip "ambient capabilities: setpriv needs root to grant them"
	skip "ambient capabilities with --user: needs root"
elif ! have setpriv; then
	skip "setpriv not installed (util-linux)"
	skip "setpriv not installed (util-linux)"
elif ! setpriv --reuid="$RUN_UID" --regid="$RUN_UID" --clear-groups test -x "$SANDRUN"; then
	skip "uid $RUN_UID cannot reach $SANDRUN (run the suite from a world-readable copy)"
	skip "uid $RUN_UID cannot reach $SANDRUN"
else
	amb() { setpriv --reuid="$RUN_UID" --regid="$RUN_UID" --clear-groups \
		--inh-caps +dac_read_search --ambient-caps +dac_read_search "$@"; }
	chmod 755 "$fx"
	amb "$rf" caps "$secret" >"$fx/caps-bare" 2>&1
	check "precondition: the ambient cap reads the secret without sandrun" grep -q 'content: top secret' "$fx/caps-bare"
	expect_exit "ambient cap, no --user: runs" 0 amb "$SANDRUN" -o "$fx/caps1" -W "$fx" -- "$rf" caps "$secret"
	check "ambient cap, no --user: every set empty" capzero "$fx/caps1"
	check "ambient cap, no --user: secret unread" unread "$fx/caps1"
	expect_exit "ambient cap, --user to the same uid: runs" 0 amb "$SANDRUN" --user "$RUN_UID:$RUN_UID" -o "$fx/caps2" -W "$fx" -- "$rf" caps "$secret"
	check "ambient cap, --user: every set empty" capzero "$fx/caps2"
	check "ambient cap, --user: secret unread" unread "$fx/caps2"
fi
check "the secret is unchanged at the end" unchanged
done_testing
