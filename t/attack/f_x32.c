/*
 * t/attack/f_x32.c: reach a denied call through another syscall ABI of x86_64.
 * Usage: f_x32 MODE
 *   x32      unshare(CLONE_NEWUSER) by its x32 number (272 | 0x40000000)
 *   int80    unshare(CLONE_NEWUSER) through int $0x80, by its i386 number (310)
 *   int80-getpid   an allowed call (i386 getpid, 20) through int $0x80: the ABI alone kills
 * Under the filter each ends the process with SIGSYS before anything prints "result".
 * Elsewhere than x86_64 it prints "unsupported" and exits 3.
 */
#include "attack.h"
#include <sched.h>
#include <unistd.h>

#if defined(__x86_64__)
#include <sys/syscall.h>

/* The i386 entry: number in eax, first argument in ebx, -errno back in eax. */
static long int80(long nr, long arg1)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(arg1) : "memory");
	if (ret < 0 && ret > -4096) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	long rc;

	printf("trying %s\n", mode);
	fflush(stdout);
	if (!strcmp(mode, "x32"))
		rc = syscall(0x40000000L | SYS_unshare, CLONE_NEWUSER);
	else if (!strcmp(mode, "int80"))
		rc = int80(310, CLONE_NEWUSER);
	else if (!strcmp(mode, "int80-getpid"))
		rc = int80(20, 0);
	else
		return fprintf(stderr, "f_x32: unknown mode '%s'\n", mode), 2;
	return report("result", rc);
}
#else
int main(void)
{
	printf("unsupported\n");
	return 3;
}
#endif
