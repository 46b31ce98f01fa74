#!/usr/bin/env bash
# t/kernels/run.sh [ARCH]: make check-kernels. Boots each of Debian's kernels in $KERNELS
# (below) in qemu, with an initramfs holding the static sandrun, the static attack
# programs, the TAP scripts in $GUEST_TESTS and a small Debian userland for them (bash,
# coreutils, findutils, procps, util-linux, python3 minimal; busybox for the rest), runs
# each test file inside as root (the tests use --user) and as an unprivileged uid, and
# judges the TAP the guest prints on its serial console. A boot that prints no plan, a
# test file that exits non-zero, a "not ok" line or a missing end marker fail the run:
# a broken boot is never a green run.
#
# Everything is fetched with apt-get download through a private apt configuration (its
# own sources.list, state and cache under $KERNELS_CACHE, default .cache/kernels in the
# tree, which make clean leaves alone). The host's apt sources are never changed and no
# kernel is installed: only ./boot/vmlinuz-* and ./boot/config-* (or, in the newer split
# packages, /usr/lib/modules/VERSION/{vmlinuz,config}) are unpacked.
#
# Environment: ARCH (x86_64 or aarch64), KERNELS (list of SUITE:FLAVOUR:EXPECT, EXPECT
# "run" for kernels with Landlock ABI >= 3, "refuse" for those below), GUEST_TESTS,
# MIRROR (default: the host's Debian mirror), BOOT_TIMEOUT (seconds, default 1800),
# QEMU_ACCEL (tcg, kvm or auto; default tcg), KERNELS_CACHE. Without
# kvm the guest's time bounds are stretched (SANDRUN_TEST_SLOW=10, t/lib.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$(pwd)
arch=${1:-${ARCH:-x86_64}}
cache=${KERNELS_CACHE:-$top/.cache/kernels}
case $cache in /*) ;; *) cache=$top/$cache ;; esac
timeout_s=${BOOT_TIMEOUT:-1800}
# tcg (software) by default: this host has a /dev/kvm on which qemu hangs before the
# firmware prints anything. QEMU_ACCEL=kvm where kvm works; auto picks it when /dev/kvm opens.
accel=${QEMU_ACCEL:-tcg}
uid=${SANDRUN_TEST_UID:-65534}

# The guest's test files, run in this order, each as root and then as $uid. The merger
# adds new .t files here. Not here: t/21-landlock-abi.t (needs the sandrun-abiN builds,
# which cap the ABI on the host's newer kernel; here the kernels themselves are the older
# ABIs), t/70-ship.t (needs make, groff and the source tree: it tests the shipping, not
# the kernel).
ALL_TESTS="t/00-cli.t t/10-pgroup.t t/20-landlock.t t/30-filter.t t/40-limits.t t/50-report.t t/60-denied.t t/80-cgroup.t t/kernels/guest.t"
# On aarch64 (much slower under tcg) the filter and Landlock tests.
ARM_TESTS="t/20-landlock.t t/30-filter.t t/kernels/guest.t"
# On a kernel below Landlock ABI 3 every run is refused: only this file runs there.
REFUSE_TESTS=${REFUSE_TESTS:-t/kernels/abi-below-3.t}

# Debian suites and the flavour of linux-image-FLAVOUR they take the kernel from, and
# what sandrun must do there. Debian 12 (6.1, Landlock ABI 2), Debian 13 (6.12, ABI 6)
# and the newest Debian offers (trixie-backports).
case $arch in
x86_64)
	darch=amd64 qemu=qemu-system-x86_64 console=ttyS0
	qemu_args=(-M q35 -cpu max)
	KERNELS=${KERNELS:-bookworm:cloud-amd64:refuse trixie:cloud-amd64:run trixie-backports:cloud-amd64:run}
	cross=
	GUEST_TESTS=${GUEST_TESTS:-$ALL_TESTS}
	;;
aarch64)
	darch=arm64 qemu=qemu-system-aarch64 console=ttyAMA0
	qemu_args=(-M virt -cpu max)
	KERNELS=${KERNELS:-bookworm:cloud-arm64:refuse trixie:cloud-arm64:run}
	cross=aarch64-linux-gnu-
	GUEST_TESTS=${GUEST_TESTS:-$ARM_TESTS}
	;;
*) echo "check-kernels: unknown ARCH '$arch' (x86_64 or aarch64)" >&2; exit 2 ;;
esac
if [ "$accel" = auto ]; then
	accel=tcg
	[ "$arch" = "$(uname -m)" ] && [ -r /dev/kvm ] && [ -w /dev/kvm ] && accel=kvm
fi
slow=1
if [ "$accel" = kvm ]; then qemu_args=(-M "${qemu_args[1]}",accel=kvm -cpu host); else slow=10; fi

# The guest's userland: these Debian packages (bookworm, the guest's arch) and what they
# need, without the ones listed in skip_pkgs (maintainer-script tooling, perl, other awks).
USERLAND="bash coreutils findutils grep sed procps util-linux setpriv python3-minimal libpython3.11-stdlib busybox-static"
skip_pkgs='^(debconf|cdebconf|perl.*|lib.*-perl|libperl.*|dpkg|install-info|init-system-helpers|libelogind0|gawk|original-awk|mailcap|media-types|mime-support|usrmerge|usr-is-merged|base-files|libdebian-installer4|libnewt.*|libslang2|libtextwrap1|libgdbm.*|libsigsegv2|libmpfr6|libgmp10|tar|readline-common|libtirpc-common)$'

# The mirror the host's apt uses (deb.debian.org by default).
host_mirror() {
	local m
	m=$(grep -hoE 'https?://[^ ]*debian\.org/debian/?' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null |
		grep -v security | head -n 1) || true
	echo "${m:-http://deb.debian.org/debian}"
}
mirror=${MIRROR:-$(host_mirror)}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

say() { printf '# check-kernels: %s\n' "$*"; }
die() { printf 'check-kernels: FAIL: %s\n' "$*" >&2; exit 1; }
now() { date +%s; }
t_start=$(now)

# apt_for SUITE: sets apt_opts to a private configuration for SUITE and $darch and
# refreshes its index once a day.
apt_for() {
	local c=$cache/apt/$1-$darch
	mkdir -p "$c/etc/parts" "$c/state/lists/partial" "$c/cache/archives/partial"
	echo "deb [signed-by=$keyring] $mirror $1 main" >"$c/etc/sources.list"
	apt_opts=(-o "Dir::Etc::sourcelist=$c/etc/sources.list" -o "Dir::Etc::sourceparts=$c/etc/parts"
		-o "Dir::State=$c/state" -o "Dir::State::status=/dev/null" -o "Dir::Cache=$c/cache"
		-o "APT::Architecture=$darch" -o "APT::Architectures=$darch" -o Acquire::Languages=none
		-o Debug::NoLocking=1)
	# as root, apt would try to drop to _apt, who cannot write the cache in the tree
	[ "$(id -u)" -ne 0 ] || apt_opts+=(-o APT::Sandbox::User=root)
	if [ -z "$(find "$c/state" -name updated -mtime -1 2>/dev/null)" ]; then
		say "apt-get update ($1, $darch, $mirror)"
		apt-get "${apt_opts[@]}" -qq update || die "apt-get update for $1 failed"
		touch "$c/state/updated"
	fi
}
# fetch DIR PKG...: apt-get download into DIR (cached: a .deb already there is kept).
fetch() {
	local dir=$1
	shift
	mkdir -p "$dir"
	(cd "$dir" && apt-get "${apt_opts[@]}" -qq download "$@") || die "apt-get download $* failed"
}

# ---- the static binaries ----
say "building sandrun-static and the static attack programs for $arch"
make -s static-kernels CROSS="$cross" >/dev/null || die "make static-kernels CROSS=$cross failed"

# ---- the guest's userland (bookworm, the guest's arch) ----
apt_for bookworm
debs=$cache/debs/bookworm-$darch
mapfile -t pkgs < <(apt-cache "${apt_opts[@]}" depends --recurse --no-recommends --no-suggests \
	--no-conflicts --no-breaks --no-replaces --no-enhances $USERLAND |
	grep -v '^[ <]' | sort -u | grep -vE "$skip_pkgs")
[ "${#pkgs[@]}" -gt 5 ] || die "no userland packages resolved"
missing=()
for p in "${pkgs[@]}"; do compgen -G "$debs/${p}_*.deb" >/dev/null || missing+=("$p"); done
[ "${#missing[@]}" -eq 0 ] || { say "downloading ${#missing[@]} userland packages"; fetch "$debs" "${missing[@]}"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/check-kernels.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"
# merged /usr, as in Debian 12 and later images: -A /usr covers every program.
mkdir -p "$root/usr/bin" "$root/usr/sbin" "$root/usr/lib" "$root/usr/lib64"
for d in bin sbin lib lib64; do ln -s "usr/$d" "$root/$d"; done
for p in "${pkgs[@]}"; do
	for d in "$debs/${p}"_*.deb; do
		dpkg-deb --fsys-tarfile "$d" | tar -x --keep-directory-symlink -C "$root" || die "unpacking $d failed"
	done
done
rm -rf "$root/usr/share/doc" "$root/usr/share/man" "$root/usr/share/locale" "$root/usr/share/info"
# busybox for every command the packages do not bring (mount, poweroff, ...): /init
# runs busybox --install -s, which leaves the packages' own commands in place.
bb=$root/bin/busybox
[ -x "$bb" ] || die "busybox-static did not unpack"
ln -sf busybox "$root/bin/sh"
mkdir -p "$root"/{proc,sys,dev,tmp,run,etc,src/t/attack,src/t/kernels}
cat >"$root/etc/passwd" <<EOF
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/sh
run:x:$uid:$uid:test uid:/nonexistent:/bin/sh
EOF
cat >"$root/etc/group" <<EOF
root:x:0:
nogroup:x:65534:
run:x:$uid:
EOF
cp sandrun-static-kernels "$root/src/sandrun"
for f in t/attack/*.kstatic; do cp "$f" "$root/src/t/attack/$(basename "$f" .kstatic)"; done
cp t/kernels/kabi.kstatic "$root/src/t/kernels/kabi"
cp t/tap.sh t/lib.sh t/jsonget.py "$root/src/t/"
cp README.md sandrun.1 "$root/src/"  # t/00-cli.t reads them
for f in $GUEST_TESTS $REFUSE_TESTS; do mkdir -p "$root/src/$(dirname "$f")"; cp "$f" "$root/src/$f"; done
cp t/kernels/init "$root/init"
chmod 755 "$root/init"

# ---- one boot per kernel ----
status=0
summary=()
for entry in $KERNELS; do
	IFS=: read -r suite flavour expect <<<"$entry"
	apt_for "$suite"
	image=$(apt-cache "${apt_opts[@]}" depends "linux-image-$flavour" |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
	[ -n "$image" ] || die "$suite: no linux-image-$flavour"
	kdir=$cache/kernel/$image
	if [ ! -s "$kdir/vmlinuz" ]; then
		# Newer Debian kernels split linux-image-V-F into linux-binary-V-F (vmlinuz),
		# linux-modules-V-F and linux-base-V-F (config), under /usr/lib/modules/V-F/
		# instead of /boot: only those two members are unpacked, from where they are.
		mkdir -p "$kdir"
		ver=${image#linux-image-}
		for pkg in "$image" "linux-binary-$ver" "linux-base-$ver"; do
			[ -s "$kdir/vmlinuz" ] && [ -s "$kdir/config" ] && break
			apt-cache "${apt_opts[@]}" show "$pkg" >/dev/null 2>&1 || continue
			say "$suite: downloading $pkg"
			fetch "$cache/debs/$suite-$darch" "$pkg"
			deb=$(ls "$cache/debs/$suite-$darch/${pkg}"_*.deb | head -n 1)
			list=$(dpkg-deb -c "$deb" | awk '{ print $NF }')
			for want in vmlinuz config; do
				member=$(grep -m1 -E "^\./boot/$want-|^\./usr/lib/modules/[^/]+/$want\$" <<<"$list" || true)
				[ -n "$member" ] && [ ! -s "$kdir/$want" ] || continue
				dpkg-deb --fsys-tarfile "$deb" | tar -xO "$member" >"$kdir/$want.part"
				mv "$kdir/$want.part" "$kdir/$want"
			done
		done
		[ -s "$kdir/vmlinuz" ] || { rm -rf "$kdir"; die "$suite: no ./boot/vmlinuz-* in $image or its parts"; }
	fi
	# Debian's CONFIG_LSM since 5.13 (used when the package has no config file).
	[ -s "$kdir/config" ] || echo 'CONFIG_LSM="landlock,lockdown,yama,loadpin,safesetid,integrity,apparmor,selinux,smack,tomoyo,bpf"' >"$kdir/config"
	lsm=$(sed -n 's/^CONFIG_LSM="\(.*\)"$/\1/p' "$kdir/config" 2>/dev/null || true)
	case ",$lsm," in *,landlock,*) ;; *) lsm=${lsm:+$lsm,}landlock ;; esac
	case $expect in
	refuse) tests=$REFUSE_TESTS ;;
	*) tests=$GUEST_TESTS ;;
	esac
	initrd=$work/initrd-$suite.gz
	printf '%s\n' "$tests" >"$root/src/tests"
	echo "$uid" >"$root/src/uid"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$initrd"
	log=$cache/log/$arch-$suite.log
	mkdir -p "$(dirname "$log")"
	say "$suite: booting $image ($arch, $accel, lsm=$lsm, initrd $(du -k "$initrd" | cut -f1) KB), log $log"
	t0=$(now)
	rc=0
	timeout "$timeout_s" "$qemu" "${qemu_args[@]}" -m 1G -smp 2 -nographic -no-reboot \
		-kernel "$kdir/vmlinuz" -initrd "$initrd" -monitor none -serial stdio \
		-append "console=$console panic=-1 quiet loglevel=1 lsm=$lsm sandrun.slow=$slow" </dev/null 2>&1 |
		tr -d '\r' >"$log" || rc=$?
	t1=$(now)
	# judge the console output
	verdict=ok
	bad=()
	grep -q 'KERNELS-BEGIN' "$log" || bad+=("the guest never started its tests (no KERNELS-BEGIN)")
	grep -q '^KERNELS-END' "$log" || bad+=("no KERNELS-END marker (boot, crash or timeout: qemu rc $rc)")
	for t in $tests; do
		for who in root "uid $uid"; do
			sect=$(awk -v b="KTEST-BEGIN $who $t" -v e="KTEST-END $who $t " \
				'$0 == b { on = 1 } on { print } on && index($0, e) == 1 { on = 0 }' "$log")
			if [ -z "$sect" ]; then bad+=("$who $t: no output"); continue; fi
			plan=$(grep -m1 -E '^1\.\.[0-9]+' <<<"$sect" || true)
			nplan=${plan#1..}
			nplan=${nplan%% *}
			nran=$(grep -cE '^(not )?ok [0-9]+' <<<"$sect" || true)
			nfail=$(grep -cE '^not ok [0-9]+' <<<"$sect" || true)
			nskip=$(grep -cE '^ok [0-9]+ # SKIP' <<<"$sect" || true)
			tstatus=$(sed -n "s|^KTEST-END $who $t status=\([0-9]*\)$|\1|p" <<<"$sect")
			[ -n "$plan" ] || bad+=("$who $t: no TAP plan")
			[ -z "$plan" ] || [ "$nplan" = "$nran" ] || [ "${nplan:-0}" -eq 0 ] || bad+=("$who $t: plan $plan, $nran ran")
			[ "$nfail" -eq 0 ] || bad+=("$who $t: $nfail not ok: $(grep -E '^not ok' <<<"$sect" | head -n 5 | tr '\n' ';')")
			[ "$tstatus" = 0 ] || bad+=("$who $t: exit status ${tstatus:-missing}")
			say "$suite $who $t: ${nran} tests, ${nfail} failed, ${nskip} skipped, plan ${plan:-NONE}"
		done
	done
	abi_line=$(grep -m1 '^# kernel Landlock ABI' "$log" || true)
	if [ "${#bad[@]}" -gt 0 ]; then
		verdict=FAIL
		status=1
		for b in "${bad[@]}"; do echo "check-kernels: FAIL: $suite ($image): $b" >&2; done
	fi
	summary+=("$verdict $arch $suite $image: ${abi_line#\# }, $((t1 - t0)) s")
	say "$suite: $verdict in $((t1 - t0)) s"
done
for s in "${summary[@]}"; do say "$s"; done
say "total $(($(now) - t_start)) s"
[ "$status" -eq 0 ] || die "see the logs under $cache/log"
