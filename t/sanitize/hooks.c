/*
 * t/sanitize/hooks.c: linked into sandrun-asan only (make check-asan), never into sandrun.
 *
 * Guarantees: every sanitizer report ends the process that hit it with status 86, a
 * status no test expects: in sandrun itself, and in its child between fork and execve
 * (still this binary), so the test that ran it fails. The options are built in, so they
 * hold whatever the environment says, also for a sandrun run inside a sandbox with
 * --clean-env; ASAN_OPTIONS and UBSAN_OPTIONS still override them for debugging.
 * Does not: check leaks in a sandrun that runs inside a sandrun sandbox. LeakSanitizer
 * stops the process's threads with ptrace, which the outer filter denies (filter.c), so
 * it would only report its own failure; the same code runs unnested in the rest of the
 * suite, where leaks are checked, and `make check-valgrind` checks them again.
 */
#include <sys/prctl.h>

/* The sanitizer runtimes look these up by name; the prototypes keep -Wmissing-prototypes quiet. */
const char *__asan_default_options(void);
const char *__ubsan_default_options(void);
int __lsan_is_turned_off(void);

const char *__asan_default_options(void)
{
	return "halt_on_error=1:exitcode=86:detect_leaks=1:strict_string_checks=1:"
	       "detect_stack_use_after_return=1";
}

const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:exitcode=86:print_stacktrace=1";
}

int __lsan_is_turned_off(void)
{
	/* 2 = SECCOMP_MODE_FILTER: inside a sandbox, where ptrace is denied. */
	return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2;
}
