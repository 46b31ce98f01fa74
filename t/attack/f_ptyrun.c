/*
 * t/attack/f_ptyrun.c: not an attack but a test harness: runs COMMAND on a new
 * pseudo-terminal as its controlling terminal (new session, the terminal on 0, 1 and 2)
 * and copies everything the terminal shows into OUTFILE.
 * Usage: f_ptyrun OUTFILE COMMAND [ARG]...  Exits with COMMAND's status (128+N if killed).
 * Input typed into the terminal with TIOCSTI is echoed, so it lands in OUTFILE too.
 */
#include "attack.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static _Noreturn void fail(const char *what)
{
	perror(what);
	exit(2);
}

static _Noreturn void run_on_terminal(const char *slave, char **argv)
{
	int fd;

	if (setsid() < 0)
		fail("setsid");
	fd = open(slave, O_RDWR);   /* a session leader's first terminal becomes its own */
	if (fd < 0)
		fail(slave);
	if (dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		fail("dup2");
	if (fd > 2)
		close(fd);
	execvp(argv[0], argv);
	fail(argv[0]);
}

int main(int argc, char **argv)
{
	int master, out, status;
	char buf[4096];
	const char *slave;
	ssize_t n;
	pid_t pid;

	if (argc < 3)
		return fprintf(stderr, "usage: f_ptyrun OUTFILE COMMAND [ARG]...\n"), 2;
	out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (out < 0 || master < 0 || grantpt(master) != 0 || unlockpt(master) != 0 ||
	    !(slave = ptsname(master)))
		fail("pty setup");
	pid = fork();
	if (pid < 0)
		fail("fork");
	if (pid == 0)
		run_on_terminal(slave, argv + 2);
	/* EIO once every descriptor of the slave side is closed. */
	while ((n = read(master, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
		if (n > 0 && write(out, buf, (size_t)n) != n)
			fail("write");
	}
	if (waitpid(pid, &status, 0) != pid)
		fail("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
