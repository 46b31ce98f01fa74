# t/lib.sh: sourced after tap.sh. The suite's view of sandrun, fixtures and process checks.
# Run from the top of the tree (prove t/ does that).
top=$(pwd)
SANDRUN=${SANDRUN:-$top/sandrun}
ATTACK=$top/t/attack
# SANDRUN_TEST_UID: another uid for the run, so that suites run side by side (one per
# developer clone) do not share one uid's process count; 65534 by default, as in CI.
RUN_UID=${SANDRUN_TEST_UID:-65534}
# SANDRUN_TEST_SLOW: a factor for the time bounds of the long-running tests, for machines
# that are slower than the ones the bounds were set on (qemu without kvm: make check-kernels).
SLOW=${SANDRUN_TEST_SLOW:-1}
# --user for direct "$SANDRUN" calls that cannot use sr (background jobs): empty unless root.
RUN_USER=
if [ "$(id -u)" -eq 0 ]; then RUN_USER=$RUN_UID:$RUN_UID; fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/sandrun-t.XXXXXX") || exit 1
chmod 755 "$scratch"
TMPOUT=$scratch/.out TMPERR=$scratch/.err
trap 'rm -rf "$scratch"' EXIT

is_root() { [ "$(id -u)" -eq 0 ]; }
# sr ARGS...: sandrun as the suite's identity; as root the run drops to uid 65534.
sr() {
	if is_root; then "$SANDRUN" --user "$RUN_UID:$RUN_UID" "$@"; else "$SANDRUN" "$@"; fi
}
# fixture: a fresh directory the run's uid owns; removed with the scratch dir.
fixture() {
	d=$(mktemp -d "$scratch/fx.XXXXXX") || return 1
	chmod 755 "$d"
	if is_root; then chown "$RUN_UID:$RUN_UID" "$d"; fi
	echo "$d"
}
# owned_by_run FILE...: hand files made by the test to the run's uid.
owned_by_run() { if is_root; then chown "$RUN_UID:$RUN_UID" "$@"; fi; }
# not_alive PID: true when PID is gone (not even a zombie of ours).
not_alive() { ! kill -0 "$1" 2>/dev/null; }
# pids_matching TAG: pids whose command line contains TAG (a marker the test chose).
pids_matching() { pgrep -f -- "$1"; }
# one_line FILE: true when FILE holds exactly one line starting "sandrun: ".
one_line() { [ "$(wc -l <"$1")" -eq 1 ] && grep -q '^sandrun: ' "$1"; }
have() { command -v "$1" >/dev/null 2>&1; }
