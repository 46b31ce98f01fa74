/*
 * t/attack/f_kill.c: signal every process of the uid with kill(-1).
 * Usage: f_kill MODE [ARG]
 *   victim FILE   outside the sandbox: prints "ready", then waits; a SIGURG appends a line
 *                 to FILE. SIGURG is ignored by default, so a kill(-1, SIGURG) that got
 *                 through harms nobody else yet leaves a trace here. SIGTERM ends it
 *                 (exit 0), after recording a SIGURG that was still pending.
 *   all           kill(-1, SIGURG)
 *   all-high      kill with pid 0x1ffffffff: the kernel reads the low 32 bits, -1
 *   tgkill-all    tgkill(-1, -1, SIGURG)
 *   pid PID       kill(PID, SIGURG): the test's check that the victim does record
 */
#include "attack.h"
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * Both signals are blocked and taken with sigwaitinfo, so none is lost to a race: on
 * SIGTERM a SIGURG still pending (sent before the SIGTERM) is recorded before exiting.
 */
static int victim(const char *file)
{
	sigset_t set, pending;
	int fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

	sigemptyset(&set);
	sigaddset(&set, SIGURG);
	sigaddset(&set, SIGTERM);
	if (fd < 0 || sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return report("victim setup", -1);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		int sig = sigwaitinfo(&set, NULL);

		if (sig == SIGTERM && (sigpending(&pending) != 0 || !sigismember(&pending, SIGURG)))
			return 0;
		if ((sig == SIGURG || sig == SIGTERM) && write(fd, "SIGURG\n", 7) != 7)
			return 3;
		if (sig == SIGTERM)
			return 0;
	}
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "", *arg = argc > 2 ? argv[2] : "0";

	if (!strcmp(mode, "victim"))
		return victim(arg);
	if (!strcmp(mode, "all"))
		return report("kill", kill(-1, SIGURG));
	if (!strcmp(mode, "all-high"))
		return report("kill", syscall(SYS_kill, 0x1ffffffffL, SIGURG));
	if (!strcmp(mode, "tgkill-all"))
		return report("tgkill", syscall(SYS_tgkill, -1, -1, SIGURG));
	if (!strcmp(mode, "pid"))
		return report("kill", kill((pid_t)atoi(arg), SIGURG));
	fprintf(stderr, "f_kill: unknown mode '%s'\n", mode);
	return 2;
}
