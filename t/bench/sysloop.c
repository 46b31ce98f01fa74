/*
 * t/bench/sysloop.c: per-syscall cost for `make bench` (t/bench.sh). Not a test.
 *
 *   sysloop getppid N   N raw getppid() calls (no libc caching: syscall(2) directly)
 *   sysloop read N      N one-byte read()s from /dev/zero
 *   sysloop openat N    N openat("/dev/null") + close() pairs: openat's row tests its mode
 *                       argument (no setuid/setgid bits, filter.c), getppid's tests nothing
 *
 * Prints the mean nanoseconds per call, timed with CLOCK_MONOTONIC around the loop only,
 * so the process's own startup does not count. Run it bare and under a sandbox: the
 * difference is what the seccomp filter (and Landlock, for read) adds to each call.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "clock.h"

static void loop_getppid(long n)
{
	for (long i = 0; i < n; i++) {
		if (syscall(SYS_getppid) <= 0)
			fail("getppid");
	}
}

static void loop_read(long n)
{
	char byte;
	int fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		fail("/dev/zero");
	for (long i = 0; i < n; i++) {
		if (read(fd, &byte, 1) != 1)
			fail("read /dev/zero");
	}
	close(fd);
}

static void loop_openat(long n)
{
	for (long i = 0; i < n; i++) {
		int fd = openat(AT_FDCWD, "/dev/null", O_RDONLY | O_CLOEXEC);

		if (fd < 0 || close(fd) != 0)
			fail("openat /dev/null");
	}
}

int main(int argc, char **argv)
{
	bench_name = "sysloop";
	static const struct { const char *name; void (*loop)(long); } loops[] = {
		{ "getppid", loop_getppid }, { "read", loop_read }, { "openat", loop_openat },
	};
	char *end;
	long n = argc == 3 ? strtol(argv[2], &end, 10) : 0;

	if (argc != 3 || *end != '\0' || n <= 0) {
		fprintf(stderr, "usage: sysloop getppid|read|openat N\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof loops / sizeof loops[0]; i++) {
		uint64_t start;

		if (strcmp(argv[1], loops[i].name) != 0)
			continue;
		start = now_ns();
		loops[i].loop(n);
		printf("%.1f\n", (double)(now_ns() - start) / (double)n);
		return 0;
	}
	fprintf(stderr, "sysloop: unknown loop %s\n", argv[1]);
	return 2;
}
