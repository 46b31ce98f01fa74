/*
 * t/attack/f_pgrp.c: leave the run's process group, so that kill(-pgid) misses us.
 * Usage: f_pgrp MODE
 *   setsid          a forked child calls setsid() (a group leader cannot, so fork first)
 *   setpgid         a forked child calls setpgid(0, 0)
 *   setpgid-other   the child is moved by its parent: setpgid(child, child)
 * The child reports and exits at once; the exit status is 0 only if the move worked.
 */
#include "attack.h"
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	int status, go[2];
	pid_t pid;

	if (pipe(go) != 0)
		return report("pipe", -1);
	pid = fork();
	if (pid < 0)
		return report("fork", -1);
	if (pid == 0) {
		char c;

		close(go[1]);
		if (read(go[0], &c, 1) < 0)   /* the parent's setpgid comes first */
			_exit(2);
		if (!strcmp(mode, "setsid"))
			status = report("setsid", setsid());
		else if (!strcmp(mode, "setpgid"))
			status = report("setpgid", setpgid(0, 0));
		else
			status = 0;
		fflush(stdout);   /* _exit does not flush stdio */
		_exit(status);
	}
	int moved = strcmp(mode, "setpgid-other") ? 0 : report("setpgid", setpgid(pid, pid));

	close(go[1]);
	if (waitpid(pid, &status, 0) != pid)
		return report("waitpid", -1);
	return moved ? moved : WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}
