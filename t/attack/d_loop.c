/*
 * t/attack/d_loop.c: flood the filter with denied calls.
 * Usage: d_loop COUNT [THREADS]   COUNT calls of socket(AF_INET, SOCK_STREAM) shared by
 *                                 THREADS threads (default 1); prints how many failed
 *                                 EPERM, exits 0 only if every one did
 *        d_loop flood PROCS THREADS [TAG]   PROCS processes of THREADS threads each call
 *                                 it for ever (until killed); TAG only marks the command
 *                                 line for the test's pgrep
 * A call that got through would create a socket and close it: nothing leaves the run.
 */
#include "attack.h"
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static long per_thread;
static long total_eperm;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *calls(void *arg)
{
	long eperm = 0;

	(void)arg;
	for (long i = 0; per_thread < 0 || i < per_thread; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd >= 0)
			close(fd);
		else if (errno == EPERM)
			eperm++;
	}
	pthread_mutex_lock(&lock);
	total_eperm += eperm;
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void run_threads(long threads)
{
	pthread_t t[64];

	for (long i = 0; i < threads; i++) {
		if (pthread_create(&t[i], NULL, calls, NULL) != 0) {
			perror("pthread_create");
			exit(2);
		}
	}
	for (long i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
}

int main(int argc, char **argv)
{
	long count, threads = argc > 2 ? atol(argv[2]) : 1;

	if (argc > 1 && !strcmp(argv[1], "flood") && argc > 3) {
		long procs = atol(argv[2]);

		threads = atol(argv[3]);
		per_thread = -1;
		for (long i = 1; i < procs; i++) {
			if (fork() == 0)
				break;
		}
		if (threads < 1 || threads > 64)
			return 2;
		printf("flooding\n");
		fflush(stdout);
		run_threads(threads);
		return 0;
	}
	if (argc < 2 || (count = atol(argv[1])) <= 0 || threads < 1 || threads > 64 ||
	    count % threads) {
		fprintf(stderr, "usage: d_loop COUNT [THREADS] (COUNT a multiple of THREADS)\n");
		return 2;
	}
	per_thread = count / threads;
	run_threads(threads);
	printf("loop: %ld calls, %ld EPERM\n", count, total_eperm);
	return total_eperm == count ? 0 : 1;
}
