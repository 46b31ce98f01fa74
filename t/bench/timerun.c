/*
 * t/bench/timerun.c: the timer of `make bench` (t/bench.sh). Not a test: it measures.
 *
 *   timerun pairs N A... ::: B...
 *       runs A and B alternately (A B A B ...) N times each and prints
 *       "median_A_us median_B_us median_of_A/B median_of_A-B_us cpu_A_us cpu_B_us"; the
 *       ratio and the difference are taken pair by pair, so a load change on the machine
 *       (other jobs run here too) hits both sides of a pair alike. cpu_X is the median
 *       CPU time (user + system) of X and what it waited for, from wait4: it hardly
 *       moves with the load, so it tells a slow machine from a slow program.
 *   timerun rate SEC STREAMS ROUNDS A... ::: B...
 *       ROUNDS times: STREAMS parallel loops run A back to back for SEC seconds, then the
 *       same for B; prints "median_A_per_s median_B_per_s median_of_A/B".
 *
 * Each run is fork, execv (no PATH search: give full paths), wait, timed with
 * CLOCK_MONOTONIC from before the fork to after the wait. stdin and stdout are /dev/null,
 * stderr is inherited so a failure shows; a run that does not exit 0 stops the benchmark.
 * A few unmeasured runs of each side come first, to warm the page cache.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "clock.h"

enum { WARMUP_RUNS = 3 };

static int devnull = -1;

static uint64_t timeval_ns(struct timeval tv)
{
	return (uint64_t)tv.tv_sec * 1000000000u + (uint64_t)tv.tv_usec * 1000u;
}

/* One run of argv; returns its wall time in ns, its CPU time in *cpu_ns if not NULL. */
static uint64_t run_once(char **argv, uint64_t *cpu_ns)
{
	uint64_t start = now_ns();
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid < 0)
		fail("fork");
	if (pid == 0) {
		if (dup2(devnull, 0) != 0 || dup2(devnull, 1) != 1)
			_exit(126);
		execv(argv[0], argv);
		fprintf(stderr, "timerun: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid)
		fail("wait4");
	if (cpu_ns)
		*cpu_ns = timeval_ns(ru.ru_utime) + timeval_ns(ru.ru_stime);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "timerun: %s ended with status 0x%x\n", argv[0], status);
		exit(2);
	}
	return now_ns() - start;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, compare_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double *alloc_doubles(size_t n)
{
	double *v = calloc(n, sizeof *v);

	if (!v)
		fail("calloc");
	return v;
}

static int pairs(long n, char **a, char **b)
{
	double *ta = alloc_doubles((size_t)n), *tb = alloc_doubles((size_t)n);
	double *ratio = alloc_doubles((size_t)n), *diff = alloc_doubles((size_t)n);
	double *ca = alloc_doubles((size_t)n), *cb = alloc_doubles((size_t)n);
	uint64_t cpu;

	for (int i = 0; i < WARMUP_RUNS; i++) {
		run_once(a, NULL);
		run_once(b, NULL);
	}
	for (long i = 0; i < n; i++) {
		ta[i] = (double)run_once(a, &cpu) / 1000.0;
		ca[i] = (double)cpu / 1000.0;
		tb[i] = (double)run_once(b, &cpu) / 1000.0;
		cb[i] = (double)cpu / 1000.0;
		ratio[i] = ta[i] / tb[i];
		diff[i] = ta[i] - tb[i];
	}
	printf("%.1f %.1f %.3f %.1f %.1f %.1f\n", median(ta, (size_t)n), median(tb, (size_t)n),
	       median(ratio, (size_t)n), median(diff, (size_t)n), median(ca, (size_t)n),
	       median(cb, (size_t)n));
	return 0;
}

/* One loop of the rate mode: runs argv back to back until the deadline, counting. */
static _Noreturn void stream(char **argv, uint64_t deadline_ns, int report_fd)
{
	uint64_t count = 0;

	while (now_ns() < deadline_ns) {
		run_once(argv, NULL);
		count++;
	}
	if (write(report_fd, &count, sizeof count) != (ssize_t)sizeof count)
		_exit(3);
	_exit(0);
}

/* Runs per second of argv with `streams` parallel loops for `sec` seconds. */
static double rate(char **argv, double sec, long streams)
{
	int fds[2];
	uint64_t start = now_ns(), total = 0, count;
	uint64_t deadline = start + (uint64_t)(sec * 1e9);
	int status;

	if (pipe(fds) != 0)
		fail("pipe");
	for (long i = 0; i < streams; i++) {
		pid_t pid = fork();

		if (pid < 0)
			fail("fork");
		if (pid == 0) {
			close(fds[0]);
			stream(argv, deadline, fds[1]);
		}
	}
	close(fds[1]);
	for (long i = 0; i < streams; i++) {
		if (read(fds[0], &count, sizeof count) != (ssize_t)sizeof count) {
			fprintf(stderr, "timerun: a stream of %s failed\n", argv[0]);
			exit(2);
		}
		total += count;
	}
	while (wait(&status) > 0)
		;
	close(fds[0]);
	return (double)total / ((double)(now_ns() - start) / 1e9);
}

static int rates(double sec, long streams, long rounds, char **a, char **b)
{
	double *ra = alloc_doubles((size_t)rounds), *rb = alloc_doubles((size_t)rounds);
	double *ratio = alloc_doubles((size_t)rounds);

	for (int i = 0; i < WARMUP_RUNS; i++) {
		run_once(a, NULL);
		run_once(b, NULL);
	}
	for (long i = 0; i < rounds; i++) {
		ra[i] = rate(a, sec, streams);
		rb[i] = rate(b, sec, streams);
		ratio[i] = ra[i] / rb[i];
	}
	printf("%.0f %.0f %.3f\n", median(ra, (size_t)rounds), median(rb, (size_t)rounds),
	       median(ratio, (size_t)rounds));
	return 0;
}

static _Noreturn void usage(void)
{
	fprintf(stderr, "usage: timerun pairs N A... ::: B...\n"
			"       timerun rate SEC STREAMS ROUNDS A... ::: B...\n");
	exit(2);
}

/* Splits args at ":::" into two NULL-terminated commands (argv is modified in place). */
static void split(char **args, char ***a, char ***b)
{
	*a = args;
	for (; *args; args++) {
		if (strcmp(*args, ":::") == 0) {
			*args = NULL;
			*b = args + 1;
			if (!**a || !**b)
				usage();
			return;
		}
	}
	usage();
}

static long positive(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end != '\0' || v <= 0)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	bench_name = "timerun";
	char **a, **b;

	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0)
		fail("/dev/null");
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 3 && strcmp(argv[1], "pairs") == 0) {
		split(argv + 3, &a, &b);
		return pairs(positive(argv[2]), a, b);
	}
	if (argc > 5 && strcmp(argv[1], "rate") == 0) {
		double sec = strtod(argv[2], NULL);

		if (!(sec > 0))
			usage();
		split(argv + 5, &a, &b);
		return rates(sec, positive(argv[3]), positive(argv[4]), a, b);
	}
	usage();
}
