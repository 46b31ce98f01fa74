/*
 * t/attack/ll_signal.c: signal a process outside the sandbox.
 * Usage: ll_signal PID. Sends SIGTERM to PID and prints "kill: ok" or "kill: ERRNO".
 * Landlock ABI 6 scopes signals: a same-uid process outside must be unreachable (EPERM).
 * The test checks from outside that PID is still alive.
 */
#include "attack.h"
#include <signal.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: ll_signal PID\n");
		return 2;
	}
	return report("kill", kill((pid_t)atoi(argv[1]), SIGTERM));
}
