# sandrun: plain C, libc only. `make` builds ./sandrun; `make check` runs the TAP suite.
CC       ?= cc
CFLAGS   ?= -O2 -g
WARN     = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wformat=2 -Wvla -Wmissing-prototypes
HARDEN   = -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fstack-clash-protection
LDHARDEN = -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack
OBJ      = runner.o landlock.o filter.o pgroup.o
PROVE    ?= prove

# Attack and helper programs for the tests: one escape attempt or probe per file.
ATTACK_SRC = $(wildcard t/attack/*.c)
ATTACK_BIN = $(ATTACK_SRC:.c=)

.PHONY: all check clean test-bin

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

t/attack/%: t/attack/%.c t/attack/attack.h
	$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O1 -o $@ $< -lpthread

test-bin: $(ATTACK_BIN)

# -Werror here only, so a newer compiler's new warning never breaks a user's plain `make`.
check:
	$(MAKE) clean
	$(MAKE) CFLAGS="$(CFLAGS) -Werror" sandrun $(ABI_CAPS:%=sandrun-abi%) test-bin
	sh t/run-suite.sh $(PROVE)

clean:
	rm -f sandrun $(OBJ) $(ATTACK_BIN) sandrun-abi* landlock-abi*.o
