/*
 * t/attack/r_files.c: what a program does to the files sandrun opens for it (t/55-files.t).
 *   swapdir DIR TARGET  rename DIR to DIR.moved and plant DIR -> TARGET (report dir swap)
 *   plant LINK TARGET   a symlink LINK -> TARGET (for the next run's -i/-o/--report)
 *   mkdir PATH          make the report's final name a directory
 *   raise SIG           raise(SIGXCPU) or raise(SIGXFSZ): a verdict spoof costing nothing
 *   fd N                whether descriptor N is open ("fd N: open" / "fd N: closed")
 *   caps FILE           the Cap* lines of /proc/self/status, then try to read FILE
 */
#include "attack.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int caps(const char *file)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	int fd;

	if (!f)
		return report("open /proc/self/status", -1);
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "Cap", 3) == 0)
			fputs(line, stdout);
	fclose(f);
	fd = open(file, O_RDONLY);
	report("read file", fd);
	if (fd >= 0) {
		char buf[64];
		ssize_t n = read(fd, buf, sizeof buf - 1);

		if (n > 0) {
			buf[n] = '\0';
			printf("content: %s\n", buf);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	char moved[4096];

	if (argc == 4 && strcmp(argv[1], "swapdir") == 0) {
		snprintf(moved, sizeof moved, "%s.moved", argv[2]);
		if (report("rename", rename(argv[2], moved)))
			return 1;
		return report("symlink", symlink(argv[3], argv[2]));
	}
	if (argc == 4 && strcmp(argv[1], "plant") == 0)
		return report("symlink", symlink(argv[3], argv[2]));
	if (argc == 3 && strcmp(argv[1], "mkdir") == 0)
		return report("mkdir", mkdir(argv[2], 0755));
	if (argc == 3 && strcmp(argv[1], "raise") == 0) {
		int sig = strcmp(argv[2], "XCPU") == 0 ? SIGXCPU : SIGXFSZ;

		fflush(stdout);
		raise(sig);
		return report("raise returned", -1);
	}
	if (argc == 3 && strcmp(argv[1], "fd") == 0) {
		int fd = atoi(argv[2]);

		printf("fd %d: %s\n", fd, fcntl(fd, F_GETFD) >= 0 ? "open" : "closed");
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "caps") == 0)
		return caps(argv[2]);
	fprintf(stderr, "usage: r_files swapdir|plant|mkdir|raise|fd|caps ...\n");
	return 2;
}
