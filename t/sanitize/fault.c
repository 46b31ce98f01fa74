/*
 * t/sanitize/fault.c: a deliberate sanitizer report, preloaded into sandrun-asan by
 * t/sanitize/report.t to prove such a report fails the run wherever it happens.
 * SANDRUN_FAULT=parent: a heap overflow in sandrun itself, before main; leak: a block
 * sandrun allocates and loses, found at its exit.
 * SANDRUN_FAULT=exec-asan or exec-ubsan: a heap overflow or a signed overflow in the
 * child's last step, its execve call, so after Landlock, rlimits and the seccomp filter.
 * Built with the same sanitizers; its checks run in the binary's own runtime.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int execve(const char *path, char *const argv[], char *const envp[]);

static int mode_is(const char *want)
{
	const char *mode = getenv("SANDRUN_FAULT");

	return mode && strcmp(mode, want) == 0;
}

static int overflow_heap(void)
{
	char *buf = malloc(8);
	volatile int i = 8;   /* volatile: the compiler must not see the index */
	int c = buf ? buf[i] : 0;

	free(buf);
	return c;
}

static int overflow_int(void)
{
	volatile int big = INT_MAX;

	return big + 1;
}

static char *volatile lost_block;

__attribute__((constructor)) static void fault_in_parent(void)
{
	if (mode_is("parent"))
		(void)overflow_heap();
	if (mode_is("leak")) {
		lost_block = malloc(64);
		lost_block = NULL;   /* the only pointer is gone: a definite leak */
	}
}

int execve(const char *path, char *const argv[], char *const envp[])
{
	int (*real)(const char *, char *const[], char *const[]) =
		(int (*)(const char *, char *const[], char *const[]))dlsym(RTLD_NEXT, "execve");

	if (mode_is("exec-asan"))
		(void)overflow_heap();
	if (mode_is("exec-ubsan"))
		(void)overflow_int();
	return real(path, argv, envp);
}
