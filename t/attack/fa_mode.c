/*
 * t/attack/fa_mode.c: create setuid and setgid files and dirs in DIR with umask(0), by
 * every creating call with a mode: open, openat, creat, mknod, mknodat (06777 regular
 * files), mkdir, mkdirat (07777 dirs). Then a sticky world-writable dir (01777) and an
 * ordinary 0644 file, which must work. Usage: fa_mode DIR. Prints each answer.
 */
#include "attack.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static char path[4096];

static const char *in(const char *dir, const char *name)
{
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return path;
}

int main(int argc, char **argv)
{
	const char *d;

	if (argc != 2)
		return fprintf(stderr, "usage: fa_mode DIR\n"), 2;
	d = argv[1];
	umask(0);
#ifdef SYS_open
	report("open", syscall(SYS_open, in(d, "open"), O_CREAT | O_WRONLY, 06777));
#endif
	report("openat", syscall(SYS_openat, AT_FDCWD, in(d, "openat"), O_CREAT | O_WRONLY, 06777));
	report("openat setgid", syscall(SYS_openat, AT_FDCWD, in(d, "setgid"), O_CREAT | O_WRONLY, 02755));
#ifdef SYS_creat
	report("creat", syscall(SYS_creat, in(d, "creat"), 06777));
#endif
#ifdef SYS_mknod
	report("mknod", syscall(SYS_mknod, in(d, "mknod"), S_IFREG | 06777, 0));
#endif
	report("mknodat", syscall(SYS_mknodat, AT_FDCWD, in(d, "mknodat"), S_IFREG | 06777, 0));
#ifdef SYS_mkdir
	report("mkdir", syscall(SYS_mkdir, in(d, "mkdir"), 07777));
#endif
	report("mkdirat", syscall(SYS_mkdirat, AT_FDCWD, in(d, "mkdirat"), 07777));
	report("openat2", syscall(SYS_openat2, AT_FDCWD, in(d, "openat2"), NULL, 0));
	report("sticky mkdir", mkdir(in(d, "sticky"), 01777));
	report("plain open", open(in(d, "plain"), O_CREAT | O_WRONLY, 0644));
	return 0;
}
