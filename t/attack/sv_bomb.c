/*
 * t/attack/sv_bomb.c: a bounded fork bomb: forks until fork fails or LIMIT processes
 * exist (so it stops by itself far below any pid_max), each child sleeping.
 * Usage: sv_bomb LIMIT MARK
 * Prints "fork: ERRNO-NAME after N" (N children made) or "fork: no failure after N",
 * then waits for the deadline. The children carry MARK (they are forks) and exit by
 * themselves after 60 s, should anything fail to kill them.
 */
#include "attack.h"
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long limit = argc == 3 ? atol(argv[1]) : 0, made = 0;

	if (limit <= 0 || limit > 5000)
		return fprintf(stderr, "usage: sv_bomb LIMIT(1..5000) MARK\n"), 2;
	setvbuf(stdout, NULL, _IONBF, 0);
	for (; made < limit; made++) {
		pid_t pid = fork();

		if (pid == 0) {
			sleep(60);
			_exit(0);
		}
		if (pid < 0) {
			printf("fork: %s after %ld\n", strerrorname_np(errno), made);
			break;
		}
	}
	if (made == limit)
		printf("fork: no failure after %ld\n", made);
	for (;;)
		pause();
}
