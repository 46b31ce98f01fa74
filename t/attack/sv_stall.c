/*
 * t/attack/sv_stall.c: stalls sandrun's stderr, then makes denied calls, which sandrun
 * logs there (--log-denied), and runs on past any deadline.
 * Usage: sv_stall MODE MARK
 *   tty   stderr is a terminal: clear IXON, then tcflow(TCOOFF): writes to it block
 *   pipe  stderr is a pipe nobody reads: fill it (O_NONBLOCK only while filling)
 * A child carrying MARK is forked first, so the test can see that nothing is left.
 * Prints each step's result on stdout (not the stalled stderr), then loops for ever.
 */
#include "attack.h"
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

static void stall_tty(void)
{
	struct termios t;

	if (tcgetattr(2, &t) == 0) {
		t.c_iflag &= ~(tcflag_t)(IXON | IXANY);
		report("clear IXON", tcsetattr(2, TCSANOW, &t));
	}
	report("tcflow(TCOOFF)", tcflow(2, TCOOFF));
}

static void stall_pipe(void)
{
	static char block[4096];
	int flags = fcntl(2, F_GETFL);
	long total = 0;

	if (flags < 0 || fcntl(2, F_SETFL, flags | O_NONBLOCK) != 0)
		return (void)report("O_NONBLOCK", -1);
	for (ssize_t n; (n = write(2, block, sizeof block)) > 0;)
		total += n;
	printf("filled: %ld bytes\n", total);
	report("clear O_NONBLOCK", fcntl(2, F_SETFL, flags));
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return fprintf(stderr, "usage: sv_stall tty|pipe MARK\n"), 2;
	setvbuf(stdout, NULL, _IONBF, 0);
	if (fork() == 0) {
		for (;;)
			pause();
	}
	if (strcmp(argv[1], "tty") == 0)
		stall_tty();
	else
		stall_pipe();
	/* Each first denial of a syscall is one --log-denied line on the stalled stderr. */
	report("socket", socket(AF_INET, SOCK_STREAM, 0));
	report("unshare", unshare(CLONE_NEWUSER | CLONE_NEWNET));
	report("socket6", socket(AF_INET6, SOCK_DGRAM, 0));
	report("mount", syscall(SYS_mount, "none", "/", "tmpfs", 0, NULL));
	puts("looping");
	for (;;)
		(void)syscall(SYS_unshare, CLONE_NEWNS);
}
