# quality.mk, included by the Makefile: the checks that prove sandrun's own code sound.
#   make check-asan       the whole TAP suite against sandrun-asan (ASan + UBSan)
#   make analyze          gcc -fanalyzer, cppcheck and clang-tidy: zero findings
#   make fuzz             each libFuzzer harness of t/fuzz for FUZZ_SECONDS (default 60)
#   make check-valgrind   sandrun's own process under memcheck: no error, no definite leak
# .ci/run runs all four after `make check`. Objects and fuzzer binaries go to .obj/.

.PHONY: check-asan analyze analyze-gcc analyze-cppcheck analyze-tidy fuzz fuzz-bin \
	fuzz-merge check-valgrind clean-quality
clean: clean-quality

SRC = $(OBJ:.o=.c)

# ---- sanitizers ----
# clang, as for the fuzzers; its runtime is linked in statically, so t/sanitize/report.t
# can preload a fault without the dynamic runtime gcc's would need first.
SAN_CC   ?= clang
# No _FORTIFY_SOURCE here: its checked libc calls would bypass ASan's interceptors.
SANITIZE  = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_OBJ   = $(OBJ:%=.obj/asan/%)

.obj/asan/%.o: %.c sandrun.h
	@mkdir -p $(@D)
	$(SAN_CC) $(WARN) $(SANITIZE) -O1 -g -c -o $@ $<

.obj/asan/landlock-abi%.o: landlock.c sandrun.h
	@mkdir -p $(@D)
	$(SAN_CC) $(WARN) $(SANITIZE) -O1 -g -DSANDRUN_MAX_ABI=$* -c -o $@ $<

# Built-in sanitizer options (status 86 for every report) and the nested-leak rule.
.obj/asan/hooks.o: t/sanitize/hooks.c
	@mkdir -p $(@D)
	$(SAN_CC) $(WARN) -O1 -g -c -o $@ $<

sandrun-asan: $(SAN_OBJ) .obj/asan/hooks.o
	$(SAN_CC) $(SANITIZE) -o $@ $^

# t/21-landlock-abi.t runs "$SANDRUN-abiN": the capped Landlock paths run under ASan too.
sandrun-asan-abi%: $(filter-out .obj/asan/landlock.o,$(SAN_OBJ)) .obj/asan/landlock-abi%.o \
		.obj/asan/hooks.o
	$(SAN_CC) $(SANITIZE) -o $@ $^

# A deliberate report, preloaded by t/sanitize/report.t; it uses the binary's runtime.
.obj/asan/fault.so: t/sanitize/fault.c
	@mkdir -p $(@D)
	$(SAN_CC) $(WARN) $(SANITIZE) -fPIC -shared -O0 -g -o $@ $<

# First proof that a report in sandrun or in its child before exec fails the run, then
# the whole suite, both modes (t/run-suite.sh), with every sanitizer report fatal.
check-asan: sandrun-asan $(ABI_CAPS:%=sandrun-asan-abi%) .obj/asan/fault.so test-bin
	$(PROVE) t/sanitize/
	SANDRUN=sandrun-asan sh t/run-suite.sh $(PROVE)

# ---- static analysis: every finding fails; a false positive is silenced at its site,
# with the reason, or by a check disabled (with its reason) in .clang-tidy ----
# gcc 12's -Wanalyzer-malloc-leak loses track of pointers stored in realloc'd or heap
# arrays reachable from file-scope state (landlock.c's ll, read_mounts' rows) and calls
# them leaked; every other analyzer warning stays on. Leaks are checked where they can be
# seen: LeakSanitizer over the whole suite (check-asan) and memcheck (check-valgrind).
ANALYZER = -fanalyzer -Wno-analyzer-malloc-leak
# cppcheck 2.10 does not know C11's _Noreturn (die() would seem to return) nor which
# architecture this is (filter.c has a table per architecture).
CPPCHECK = cppcheck --enable=warning,portability --error-exitcode=1 --inline-suppr --quiet \
	--std=c11 -D_GNU_SOURCE -D__x86_64__ '-D_Noreturn=__attribute__((noreturn))'

analyze: analyze-gcc analyze-cppcheck analyze-tidy

analyze-gcc:
	for f in $(SRC); do gcc $(WARN) $(ANALYZER) -Werror -O1 -c -o /dev/null $$f || exit 1; done

analyze-cppcheck:
	$(CPPCHECK) $(SRC)

# One file per run: clang-tidy 14 carries its va_list model from one file to the next
# and then reports a va_list it just saw initialized as uninitialized.
# Its "N warnings generated" counts the system headers' warnings it hid: left out.
analyze-tidy:
	@for f in $(SRC); do \
		echo "clang-tidy $$f"; \
		out=$$(clang-tidy --quiet $$f -- $(WARN) 2>&1); status=$$?; \
		printf '%s\n' "$$out" | grep -v '^[0-9]* warnings\? generated\.$$'; \
		[ $$status -eq 0 ] || exit 1; \
	done

# ---- fuzzing (libFuzzer, clang) ----
# Each harness #includes the file whose static parsers it tests and links the other
# objects; runner.c's main is renamed, as libFuzzer brings its own (t/fuzz/fuzz.h, forced
# into every file, declares it).
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS    = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
		-O1 -g -Dmain=sandrun_main -include t/fuzz/fuzz.h
FUZZERS       = seconds size count user env json format paths
# These include runner.c; paths includes landlock.c.
FUZZ_RUNNER   = seconds size count user env json format

.obj/fuzz/%.o: %.c sandrun.h t/fuzz/fuzz.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_RUNNER:%=.obj/fuzz/bin/%): .obj/fuzz/bin/%: t/fuzz/%.c t/fuzz/fuzz.h runner.c \
		$(filter-out .obj/fuzz/runner.o,$(OBJ:%=.obj/fuzz/%))
	@mkdir -p $(@D)
	$(FUZZ_CC) $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer -I. -It/fuzz -o $@ $< \
		$(filter-out .obj/fuzz/runner.o,$(OBJ:%=.obj/fuzz/%))

.obj/fuzz/bin/paths: t/fuzz/paths.c t/fuzz/fuzz.h landlock.c \
		$(filter-out .obj/fuzz/landlock.o,$(OBJ:%=.obj/fuzz/%))
	@mkdir -p $(@D)
	$(FUZZ_CC) $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer -I. -It/fuzz -o $@ $< \
		$(filter-out .obj/fuzz/landlock.o,$(OBJ:%=.obj/fuzz/%))

fuzz-bin: $(FUZZERS:%=.obj/fuzz/bin/%)

# Each harness replays its corpus (t/fuzz/corpus/NAME) and then mutates for FUZZ_SECONDS;
# new inputs go to .obj/fuzz/work/NAME, a failing one to .obj/fuzz/NAME-crash-*.
# -max_len 8192: past PATH_MAX, where is_plain_absolute changes its answer.
fuzz: fuzz-bin
	@for f in $(FUZZERS); do \
		mkdir -p .obj/fuzz/work/$$f; \
		echo "# fuzz $$f: $(FUZZ_SECONDS) s"; \
		.obj/fuzz/bin/$$f -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -timeout=10 \
			-artifact_prefix=.obj/fuzz/$$f- .obj/fuzz/work/$$f t/fuzz/corpus/$$f \
			>.obj/fuzz/$$f.log 2>&1 || { tail -n 40 .obj/fuzz/$$f.log; exit 1; }; \
		grep -h '^Done' .obj/fuzz/$$f.log | sed 's/^/#   /'; \
	done

# Keeps what a long local run found: the inputs that add coverage join t/fuzz/corpus.
fuzz-merge: fuzz-bin
	for f in $(FUZZERS); do \
		.obj/fuzz/bin/$$f -merge=1 t/fuzz/corpus/$$f .obj/fuzz/work/$$f || exit 1; done

# ---- valgrind ----
.obj/valgrind/kernel-stub.o: t/valgrind/kernel-stub.c
	@mkdir -p $(@D)
	$(CC) $(WARN) -O1 -g -c -o $@ $<

# sandrun's own objects; --wrap=syscall sends its syscall(2) calls to the stub first.
sandrun-valgrind: $(OBJ) .obj/valgrind/kernel-stub.o
	$(CC) -Wl,--wrap=syscall $(LDFLAGS) -o $@ $^

check-valgrind: sandrun-valgrind test-bin
	$(PROVE) t/valgrind/

clean-quality:
	rm -rf .obj sandrun-asan sandrun-asan-abi* sandrun-valgrind
