/* t/bench/clock.h: what both bench drivers need: a fatal error and a monotonic clock. */
#ifndef BENCH_CLOCK_H
#define BENCH_CLOCK_H
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Set by each driver's main to its own name, for the error line. */
static const char *bench_name = "bench";

static _Noreturn void fail(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", bench_name, what, strerror(errno));
	exit(2);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		fail("clock_gettime");
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
#endif
