/*
 * t/attack/b_pty.c: opens a new pseudo-terminal the way libc's openpty does
 * (posix_openpt, grantpt, unlockpt, ptsname, open the slave), passes a line through it,
 * then tries /dev/tty. Prints one line per step; exits 0 when the terminal worked.
 * Usage: b_pty
 */
#include "attack.h"
#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

int main(void)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY), slave, tty;
	char buf[16] = "";
	const char *name;
	struct termios t;

	if (report("posix_openpt", master) != 0)
		return 1;
	if (report("grantpt", grantpt(master)) || report("unlockpt", unlockpt(master)))
		return 1;
	name = ptsname(master);
	if (!name)
		return report("ptsname", -1);
	slave = open(name, O_RDWR | O_NOCTTY);
	if (report("open slave", slave) != 0)
		return 1;
	if (report("tcgetattr", tcgetattr(slave, &t)))
		return 1;
	if (write(master, "hi\n", 3) != 3 || read(slave, buf, sizeof buf - 1) < 2)
		return report("through the terminal", -1);
	printf("read: %s", buf);
	tty = open("/dev/tty", O_RDWR);
	report("open /dev/tty", tty);
	return 0;
}
