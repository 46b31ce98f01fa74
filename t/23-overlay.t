#!/usr/bin/env bash
# t/23-overlay.t: a -R dir seen again through an overlayfs (landlock.c, refuse_overlay_views).
# overlayfs shows its layers under its own device number, so only mountinfo's super options
# (lowerdir=, upperdir=, workdir=) reveal that merged/secret is lower/secret. A -R of the
# layer's dir alone must be refused (125, naming the overlay's place); with the merged place
# denied too the run goes ahead and the secret stays unreadable at both places. The rule is
# symmetric, as for bind mounts: a dir denied in the merged view must be denied in each
# layer where it exists.
# The overlay is mounted inside "unshare -m": it lives in a private mount namespace that
# goes away with the last process in it, so even a killed test leaves no mount behind.
. t/tap.sh
. t/lib.sh

fsop=$ATTACK/ll_fsop
if ! is_root; then skip_all "mounting an overlay needs root (the root pass runs this)"; fi
if ! unshare -m true 2>/dev/null; then skip_all "unshare -m (a private mount namespace) is unavailable"; fi
if ! grep -qw overlay /proc/filesystems; then skip_all "this kernel has no overlayfs"; fi

fx=$(fixture)
mkdir -p "$fx/lower/secret" "$fx/upper" "$fx/work" "$fx/merged" "$fx/lower2/other"
echo "OVERLAY-SECRET-$$" >"$fx/lower/secret/key"
owned_by_run "$fx/lower" "$fx/lower/secret" "$fx/lower/secret/key"
# ovl OPTIONS CMD...: CMD runs where an overlay with OPTIONS is mounted at merged; its
# umount is the trap of the shell holding the namespace.
# shellcheck disable=SC2016 # $1.. belong to the inner sh
ovl() {
	unshare -m /bin/sh -c 'mount -t overlay -o "$1" overlay "$2" || exit 99
		trap "umount \"$2\"" EXIT; shift 2; "$@"' sh "$@"
}
opts="lowerdir=$fx/lower2:$fx/lower,upperdir=$fx/upper,workdir=$fx/work"

expect_exit "control: the secret is readable through the overlay" 0 \
	ovl "$opts" "$fx/merged" "$SANDRUN" --user "$RUN_UID:$RUN_UID" -- "$fsop" read "$fx/merged/secret/key"
check "control: the secret came out at merged/secret" grep -qF "OVERLAY-SECRET-$$" "$TMPOUT"

expect_exit "-R lower/secret with the overlay mounted: 125" 125 \
	ovl "$opts" "$fx/merged" "$SANDRUN" --user "$RUN_UID:$RUN_UID" -R "$fx/lower/secret" -- \
	"$fsop" read "$fx/merged/secret/key"
check "overlay -R: one line" one_line "$TMPERR"
check "overlay -R: it names the place in the overlay" grep -qF "visible at $fx/merged/secret through the overlay" "$TMPERR"
check_not "overlay -R: the secret did not come out" grep -qF "OVERLAY-SECRET-$$" "$TMPOUT"

expect_exit "-R lower/secret and -R merged/secret: runs, and denies" 1 \
	ovl "$opts" "$fx/merged" "$SANDRUN" --user "$RUN_UID:$RUN_UID" -R "$fx/lower/secret" \
	-R "$fx/merged/secret" -- "$fsop" read "$fx/merged/secret/key" read "$fx/lower/secret/key"
check_not "both denied: the secret did not come out" grep -qF "OVERLAY-SECRET-$$" "$TMPOUT"
check "both denied: the read failed EACCES" grep -q "EACCES" "$TMPOUT"

# A layer inside a -R dir: the whole merged view is the dir's content.
expect_exit "-R of a dir holding a layer: 125" 125 \
	ovl "$opts" "$fx/merged" "$SANDRUN" --user "$RUN_UID:$RUN_UID" -R "$fx/lower" -- /bin/true
check "layer inside -R: it names the mount point" grep -qF "visible at $fx/merged through the overlay" "$TMPERR"
# Denying the merged view denies the other layers' content too: each must be denied.
expect_exit "-R lower and -R merged: the other layers show merged's content: 125" 125 \
	ovl "$opts" "$fx/merged" "$SANDRUN" --user "$RUN_UID:$RUN_UID" -R "$fx/lower" -R "$fx/merged" -- /bin/true
check "-R merged: it names another layer" grep -qF "also visible at $fx/lower2, a layer of the overlay" "$TMPERR"
expect_exit "-R merged and every layer: runs" 0 \
	ovl "$opts" "$fx/merged" "$SANDRUN" --user "$RUN_UID:$RUN_UID" -R "$fx/lower" -R "$fx/merged" \
	-R "$fx/lower2" -R "$fx/upper" -R "$fx/work" -- /bin/true

# Escaped layer paths: a space (\040 in mountinfo) and a colon ("\:" in the option).
mkdir -p "$fx/odd dir:x/secret"
echo "OVERLAY-SECRET-$$" >"$fx/odd dir:x/secret/key"
odd="lowerdir=$fx/odd dir\\:x,upperdir=$fx/upper,workdir=$fx/work"
if ovl "$odd" "$fx/merged" true 2>/dev/null; then
	expect_exit "a layer with a space and a colon: -R inside it is refused" 125 \
		ovl "$odd" "$fx/merged" "$SANDRUN" --user "$RUN_UID:$RUN_UID" -R "$fx/odd dir:x/secret" -- /bin/true
	check "escaped layer: it names the place in the overlay" grep -qF "visible at $fx/merged/secret " "$TMPERR"
else
	skip "this kernel's overlay refuses a lowerdir with an escaped colon"
	skip "this kernel's overlay refuses a lowerdir with an escaped colon"
fi
done_testing
