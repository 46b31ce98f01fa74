/*
 * t/attack/m_fd.c: name a file for sandrun's chmod/utime proxy (metadata.c) by descriptor.
 * Usage: m_fd dirfd DIR NAME    fchmodat(open(DIR, O_PATH), NAME, 0777)
 *        m_fd utimes DIR NAME   futimesat(open(DIR, O_PATH), NAME, 2001-01-01)
 *        m_fd proc FILE         chmod("/proc/self/fd/N", 0777), N an O_PATH fd of FILE
 *        m_fd fd FILE           fchmod(open(FILE, O_RDONLY), 0777)
 * Prints "MODE: ok" or "MODE: ERRNO"; the test judges the file's mode from outside.
 */
#include "attack.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timeval tv[2] = { { 978307200, 0 }, { 978307200, 0 } };
	char link[64];
	int fd;

	if (argc < 3)
		return fprintf(stderr, "usage: m_fd MODE PATH [NAME]\n"), 2;
	fd = open(argv[2], !strcmp(argv[1], "fd") ? O_RDONLY : O_PATH);
	if (fd < 0)
		return report("open", -1), 2;
	if (!strcmp(argv[1], "dirfd") && argc > 3)
		return report(argv[1], fchmodat(fd, argv[3], 0777, 0));
	if (!strcmp(argv[1], "utimes") && argc > 3)
		return report(argv[1], syscall(SYS_futimesat, fd, argv[3], tv));
	if (!strcmp(argv[1], "fd"))
		return report(argv[1], fchmod(fd, 0777));
	if (!strcmp(argv[1], "proc")) {
		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		return report(argv[1], chmod(link, 0777));
	}
	return fprintf(stderr, "m_fd: unknown mode %s\n", argv[1]), 2;
}
