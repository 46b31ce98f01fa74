#!/bin/sh
# Runs the TAP suite from a world-readable copy of the built tree: first as the
# current user, then, when that is root, again as uid 65534 (SANDRUN_TEST_UID) through setpriv, so the
# paths without --user are tested too. A checkout under root's home would not be
# reachable by uid 65534, hence the copy. SANDRUN names the binary under test, a path
# relative to the tree (default sandrun) or absolute; both runs get it from here, as
# setpriv --reset-env drops the environment.
set -eu
prove=${1:-prove}
bin=${SANDRUN:-sandrun}
uid=${SANDRUN_TEST_UID:-65534}   # t/lib.sh says why it can change
copy=$(mktemp -d /tmp/sandrun-suite.XXXXXX)
trap 'rm -rf "$copy"' EXIT
chmod 755 "$copy"
tar --exclude=.git -cf - . | tar -C "$copy" -xf -
cd "$copy"
case $bin in /*) ;; *) bin=$copy/$bin ;; esac
echo "# suite as $(id -un) (uid $(id -u)), SANDRUN=$bin"
status=0
SANDRUN=$bin $prove t/ || status=1
if [ "$(id -u)" -eq 0 ]; then
	chown -R "$uid:$uid" "$copy"
	echo "# suite again as uid $uid (setpriv)"
	setpriv --reuid="$uid" --regid="$uid" --clear-groups --reset-env env SANDRUN="$bin" SANDRUN_TEST_UID="$uid" $prove t/ || status=1
fi
exit $status
