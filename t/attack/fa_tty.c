/*
 * t/attack/fa_tty.c: leave the terminal on fd 0 broken for whoever uses it next.
 * Usage: fa_tty attack  TIOCSETD N_NULL, TIOCEXCL, TIOCCONS, TCXONC TCOOFF, TIOCSCTTY,
 *                       TIOCVHANGUP, each answer printed; then the reading ioctls (TCGETS,
 *                       TIOCGWINSZ, TIOCGPGRP) and TCSETS, which must keep working.
 *        fa_tty check   outside, after the run: prints "ldisc N", "exclusive N" and
 *                       whether the terminal reopens.
 */
#include "attack.h"
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#ifndef N_NULL
#define N_NULL 27
#endif

static int check(void)
{
	int ldisc = -1, excl = -1, fd;
	const char *name = ttyname(0);

	report("TIOCGETD", ioctl(0, TIOCGETD, &ldisc));
	report("TIOCGEXCL", ioctl(0, TIOCGEXCL, &excl));
	printf("ldisc %d\nexclusive %d\n", ldisc, excl);
	fd = name ? open(name, O_RDWR | O_NOCTTY) : -1;
	report("reopen", fd);
	return 0;
}

int main(int argc, char **argv)
{
	int ldisc = N_NULL, pgrp;
	struct termios t;
	struct winsize ws;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && strcmp(argv[1], "check") == 0)
		return check();
	if (argc != 2 || strcmp(argv[1], "attack") != 0)
		return fprintf(stderr, "usage: fa_tty attack|check\n"), 2;
	/* sandrun hands the terminal to the run's group right after fork, which can come after
	 * this program's first call: a TCSETS from a background group would then stop it. */
	signal(SIGTTOU, SIG_IGN);
	report("TIOCSETD", ioctl(0, TIOCSETD, &ldisc));
	report("TIOCEXCL", ioctl(0, TIOCEXCL));
	report("TIOCCONS", ioctl(0, TIOCCONS));
	report("TCXONC", ioctl(0, TCXONC, TCOOFF));
	report("TIOCSCTTY", ioctl(0, TIOCSCTTY, 1));
	report("TIOCVHANGUP", ioctl(0, TIOCVHANGUP));
	report("TCGETS", tcgetattr(0, &t));
	report("TIOCGWINSZ", ioctl(0, TIOCGWINSZ, &ws));
	report("TIOCGPGRP", ioctl(0, TIOCGPGRP, &pgrp));
	report("TCSETS", tcsetattr(0, TCSANOW, &t));
	return 0;
}
