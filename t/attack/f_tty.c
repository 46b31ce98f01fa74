/*
 * t/attack/f_tty.c: push input into a terminal (TIOCSTI) or use the console ioctl
 * TIOCLINUX. Usage: f_tty MODE TARGET
 *   MODE: sti, sti-high, linux, linux-high ("-high": bit 32 of the command set; the
 *         kernel reads the command as 32 bits, so the call means the same)
 *   TARGET: a descriptor number (0: the terminal sandrun was started on), or "openpt"
 *         for a new pseudo-terminal made with posix_openpt
 * TIOCSTI types MARK into the terminal: with echo on, whoever holds the other side sees
 * it. Only TIOCSTI on one's controlling terminal works unprivileged, which is the case
 * for descriptor 0 under t/attack/f_ptyrun.
 */
#include "attack.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MARK "QZXJ-injected"

static int open_pty_slave(void)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	const char *name;

	if (report("posix_openpt", master))
		return -1;
	if (grantpt(master) != 0 || unlockpt(master) != 0 || !(name = ptsname(master)))
		return report("ptsname", -1), -1;
	return open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
}

static long tty_ioctl(int fd, unsigned long cmd, void *arg)
{
	return syscall(SYS_ioctl, fd, cmd, arg);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "", *target = argc > 2 ? argv[2] : "0";
	unsigned long high = strstr(mode, "-high") ? 1UL << 32 : 0;
	int fd = strcmp(target, "openpt") ? atoi(target) : open_pty_slave();
	char subcode = 6;   /* TIOCL_GETSHIFTSTATE: reads only */
	long rc = 0;

	if (fd < 0)
		return report("open", -1);
	if (!strncmp(mode, "sti", 3)) {
		for (const char *c = MARK; *c && rc == 0; c++)
			rc = tty_ioctl(fd, TIOCSTI | high, (void *)c);
		return report("TIOCSTI", rc);
	}
	if (!strncmp(mode, "linux", 5))
		return report("TIOCLINUX", tty_ioctl(fd, TIOCLINUX | high, &subcode));
	fprintf(stderr, "f_tty: unknown mode '%s'\n", mode);
	return 2;
}
