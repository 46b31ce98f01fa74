/*
 * t/attack/cg_probe.c: pushes against the run's cgroup (t/80-cgroup.t).
 * Usage: cg_probe MODE [ARG] [MARK]. Modes:
 *   hog MB       touch MB MiB in 1 MiB steps (an OOM kill ends it under memory.max)
 *   big MB       one malloc of MB MiB, then touch all of it
 *   reserve GB   a GB GiB PROT_NONE mapping (as a JVM reserves its heap), then 16 MiB used
 *   forkbomb N   fork up to N sleeping children, print how many forks worked
 *   threads N    start up to N sleeping threads, print how many started
 *   orphan MARK  leave a sleeping grandchild reparented away from us, then exit 0
 *   linger MARK  the same, but stay alive too (the test then SIGKILLs sandrun)
 * Every process keeps argv, so MARK is in its /proc/PID/cmdline for the test to find.
 */
#include "attack.h"
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int hog(long mb)
{
	for (long i = 0; i < mb; i++) {
		char *p = malloc(1 << 20);

		if (!p) {
			printf("alloc failed after %ld MiB\n", i);
			return 1;
		}
		for (size_t j = 0; j < (1u << 20); j += 4096)
			((volatile char *)p)[j] = 1;
	}
	printf("allocated %ld MiB\n", mb);
	return 0;
}

static int big(long mb)
{
	char *p = malloc((size_t)mb << 20);

	if (!p) {
		printf("malloc of %ld MiB failed\n", mb);
		return 1;
	}
	/* Through a volatile pointer: malloc and a memset never read back may be optimised away. */
	for (size_t i = 0; i < ((size_t)mb << 20); i += 4096)
		((volatile char *)p)[i] = 1;
	printf("touched %ld MiB\n", mb);
	return 0;
}

static int reserve(long gb)
{
	void *r = mmap(NULL, (size_t)gb << 30, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);

	if (r == MAP_FAILED) {
		printf("reserve of %ld GiB failed: %s\n", gb, strerror(errno));
		return 1;
	}
	if (hog(16) != 0)
		return 1;
	printf("reserved %ld GiB\n", gb);
	return 0;
}

static int forkbomb(long n)
{
	long made = 0;

	for (; made < n; made++) {
		pid_t pid = fork();

		if (pid < 0)
			break;
		if (pid == 0) {
			pause();
			_exit(0);
		}
	}
	printf("forked %ld\n", made);
	fflush(stdout);
	/* The children die with the run (cgroup.kill or the process group). */
	return 0;
}

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static int threads(long n)
{
	long made = 0;
	pthread_t t;

	for (; made < n; made++)
		if (pthread_create(&t, NULL, sleeper, NULL) != 0)
			break;
	printf("threads %ld\n", made);
	fflush(stdout);
	_exit(0);
}

/* A grandchild that sleeps for ever, its parent gone: reparented to the subreaper. */
static int orphan(bool stay)
{
	int ready[2];
	char c;
	pid_t pid;

	if (pipe(ready) != 0)
		return report("pipe", -1);
	pid = fork();
	if (pid < 0)
		return report("fork", -1);
	if (pid == 0) {
		if (fork() == 0) {
			if (write(ready[1], "x", 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
		_exit(0);
	}
	if (waitpid(pid, NULL, 0) != pid || read(ready[0], &c, 1) != 1)
		return report("grandchild", -1);
	printf("grandchild running\n");
	fflush(stdout);
	while (stay)
		pause();
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	long n = argc > 2 ? atol(argv[2]) : 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(mode, "hog") == 0)
		return hog(n);
	if (strcmp(mode, "big") == 0)
		return big(n);
	if (strcmp(mode, "reserve") == 0)
		return reserve(n);
	if (strcmp(mode, "forkbomb") == 0)
		return forkbomb(n);
	if (strcmp(mode, "threads") == 0)
		return threads(n);
	if (strcmp(mode, "orphan") == 0)
		return orphan(false);
	if (strcmp(mode, "linger") == 0)
		return orphan(true);
	fprintf(stderr, "usage: cg_probe hog|big|reserve|forkbomb|threads|orphan|linger [N] [MARK]\n");
	return 2;
}
