#!/usr/bin/env bash
# t/21-landlock-abi3.t: t/20-landlock.t again, against sandrun-abi3 (built by make check
# with -DSANDRUN_MAX_ABI=3), so the older-ABI code paths run on this newer kernel and
# each per-ABI claim is checked on both sides: denied where the ABI allows it, NOT
# denied (and said so by --print-policy) where it does not.
if [ ! -x sandrun-abi3 ]; then
	echo "1..0 # SKIP sandrun-abi3 not built (make check builds it)"
	exit 0
fi
SANDRUN=$(pwd)/sandrun-abi3
export SANDRUN
exec bash t/20-landlock.t
