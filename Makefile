# sandrun: plain C, libc only. `make` builds ./sandrun; `make check` runs the TAP suite.
CC       ?= cc
CFLAGS   ?= -O2 -g
WARN     = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wformat=2 -Wvla -Wmissing-prototypes
HARDEN   = -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fstack-clash-protection
LDHARDEN = -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack
OBJ      = runner.o landlock.o filter.o pgroup.o guard.o outputs.o caps.o account.o scratch.o metadata.o cgroup.o
PROVE    ?= prove

# Attack and helper programs for the tests: one escape attempt or probe per file.
ATTACK_SRC = $(wildcard t/attack/*.c)
ATTACK_BIN = $(ATTACK_SRC:.c=)
# The benchmark's timer, syscall loop and floor launcher (t/bench.sh); not tests.
BENCH_BIN  = t/bench/timerun t/bench/sysloop t/bench/floor

.PHONY: all bench check check-kernels check-static clean install static static-kernels test-bin uninstall

all: sandrun

sandrun: $(OBJ)
	$(CC) $(LDHARDEN) $(LDFLAGS) -o $@ $(OBJ)

%.o: %.c sandrun.h
	$(CC) $(WARN) $(HARDEN) -fPIE $(CFLAGS) -c -o $@ $<

# sandrun-abiN: Landlock capped at ABI N (-DSANDRUN_MAX_ABI), so the tests exercise the
# older-ABI paths on a newer kernel: t/21-landlock-abi.t runs 3..6, 2 must refuse (125).
ABI_CAPS = 2 3 4 5 6
sandrun-abi%: $(filter-out landlock.o,$(OBJ)) landlock-abi%.o
	$(CC) $(LDHARDEN) $(LDFLAGS) -o $@ $^

landlock-abi%.o: landlock.c sandrun.h
	$(CC) $(WARN) $(HARDEN) -fPIE $(CFLAGS) -DSANDRUN_MAX_ABI=$* -c -o $@ $<

# make static: sandrun-static, stripped and fully static, for scratch images and judge
# appliances. musl-gcc when installed (about 89 KB), static glibc otherwise (about 740 KB).
# -static, not -static-pie: Debian's musl-gcc turns -static-pie into a binary that still
# asks for /lib/ld-musl-x86_64.so.1. musl-gcc's specs pass -nostdinc, so the kernel's UAPI
# headers (<linux/landlock.h>, <linux/seccomp.h>, <asm/unistd.h>) are not found; they do
# not depend on the libc, so the system include dir and its multiarch subdir (for asm/)
# come back with -idirafter, searched after musl's own, so musl's libc headers still win.
STATIC_CC  = $(shell command -v musl-gcc >/dev/null 2>&1 && echo musl-gcc || echo $(CC))
SYSINC     = /usr/include
STATIC_INC = $(if $(filter musl-gcc,$(STATIC_CC)),-idirafter $(SYSINC) -idirafter $(SYSINC)/$(shell gcc -print-multiarch))
STATIC_OPT = -Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables
STATIC_LD  = -static -s -Wl,--gc-sections -Wl,--build-id=none -Wl,-z,relro,-z,now -Wl,-z,noexecstack

static: sandrun-static

sandrun-static: $(OBJ:.o=.static.o)
	$(STATIC_CC) $(STATIC_LD) $(LDFLAGS) -o $@ $^

%.static.o: %.c sandrun.h
	$(STATIC_CC) $(WARN) $(HARDEN) $(STATIC_INC) $(CFLAGS) $(STATIC_OPT) -c -o $@ $<

# make static CROSS=aarch64-linux-gnu-: the same for arm64 with Debian's cross gcc, linked
# against static glibc (Debian has no musl for the cross toolchain); its sysroot brings the
# UAPI headers. CROSS also switches make static-kernels below.
ifneq ($(CROSS),)
STATIC_CC  = $(CROSS)gcc
STATIC_INC =
endif

# make check-kernels [ARCH=aarch64]: boots Debian's kernels (6.1, 6.12, the newest) in
# qemu and runs the suite inside (t/kernels/run.sh; downloads cached in .cache/kernels,
# which make clean leaves alone). static-kernels builds what the guest gets: sandrun,
# the attack programs and t/kernels/kabi, all static (attack programs: static glibc), as NAME.kstatic (and
# sandrun-static-kernels), so a CROSS build never mixes with the host's binaries.
ARCH ?= x86_64
KSTATIC_BIN = $(ATTACK_SRC:.c=.kstatic) t/kernels/kabi.kstatic

check-kernels:
	bash t/kernels/run.sh $(ARCH)

static-kernels:
	rm -f sandrun-static-kernels $(KSTATIC_BIN) *.kstatic.o
	$(MAKE) sandrun-static-kernels $(KSTATIC_BIN)

sandrun-static-kernels: $(OBJ:.o=.kstatic.o)
	$(STATIC_CC) $(STATIC_LD) $(LDFLAGS) -o $@ $^

%.kstatic.o: %.c sandrun.h
	$(STATIC_CC) $(WARN) $(HARDEN) $(STATIC_INC) $(CFLAGS) $(STATIC_OPT) -c -o $@ $<

# The attack programs use glibc's strerrorname_np (musl has none): static glibc.
%.kstatic: %.c
	$(CROSS)gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O1 -static -o $@ $< -lpthread

# make install [PREFIX=/usr/local] [DESTDIR=] [INSTALL_BIN=sandrun-static]
PREFIX      ?= /usr/local
INSTALL_BIN ?= sandrun
BINDIR      = $(DESTDIR)$(PREFIX)/bin
MAN1DIR     = $(DESTDIR)$(PREFIX)/share/man/man1

install: $(INSTALL_BIN) sandrun.1
	install -d $(BINDIR) $(MAN1DIR)
	install -m 755 $(INSTALL_BIN) $(BINDIR)/sandrun
	install -m 644 sandrun.1 $(MAN1DIR)/sandrun.1

uninstall:
	rm -f $(BINDIR)/sandrun $(MAN1DIR)/sandrun.1

t/attack/%: t/attack/%.c t/attack/attack.h
	$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O1 -o $@ $< -lpthread

test-bin: $(ATTACK_BIN)

# -Werror here only, so a newer compiler's new warning never breaks a user's plain `make`.
check:
	$(MAKE) clean
	$(MAKE) CFLAGS="$(CFLAGS) -Werror" sandrun $(ABI_CAPS:%=sandrun-abi%) sandrun-static test-bin
	sh t/run-suite.sh $(PROVE)
	$(MAKE) CFLAGS="$(CFLAGS) -Werror" check-static

# The whole suite again, both modes, against the static binary.
check-static: sandrun-static test-bin
	SANDRUN=sandrun-static sh t/run-suite.sh $(PROVE)

# make bench: sandrun and sandrun-static against bare runs and bubblewrap; prints figures,
# asserts nothing. Takes a few minutes; root runs use --user 65534:65534.
bench: sandrun sandrun-static $(BENCH_BIN)
	bash t/bench.sh

t/bench/%: t/bench/%.c t/bench/clock.h
	$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -o $@ $<

# The floor is read against sandrun-static, so it is linked the same way: a dynamic
# loader (or static glibc's larger image) would cost more than sandrun's own share.
t/bench/floor: t/bench/floor.c
	$(STATIC_CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 $(STATIC_INC) -static -o $@ $<

clean:
	rm -f sandrun $(OBJ) $(ATTACK_BIN) $(BENCH_BIN) sandrun-abi* landlock-abi*.o sandrun-static *.static.o \
		sandrun-static-kernels *.kstatic.o $(KSTATIC_BIN)

# Sanitizers, static analysis, fuzzing and valgrind: make check-asan, analyze, fuzz, check-valgrind.
include quality.mk
