/*
 * t/attack/sv_pipe.c: makes sandrun write to a pipe whose reader is gone.
 * Usage: sv_pipe MARK
 * Prints its own SIGPIPE, SIGTTOU and SIGTTIN dispositions from /proc/self/status
 * ("SIGPIPE: default" or "SIGPIPE: ignored"), forks a child carrying MARK, then ignores
 * SIGPIPE itself, writes to stderr until EPIPE (the reader read its fill and exited),
 * makes denied calls (each a --log-denied line on that pipe) and loops for ever.
 */
#include "attack.h"
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static void print_dispositions(void)
{
	static const struct { int sig; const char *name; } sigs[] = {
		{ SIGPIPE, "SIGPIPE" }, { SIGTTOU, "SIGTTOU" }, { SIGTTIN, "SIGTTIN" },
	};
	char line[256];
	unsigned long long ign = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return (void)report("/proc/self/status", -1);
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "SigIgn: %llx", &ign) == 1)
			break;
	fclose(f);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		printf("%s: %s\n", sigs[i].name,
		       ign & (1ull << (sigs[i].sig - 1)) ? "ignored" : "default");
}

int main(int argc, char **argv)
{
	static char block[4096];
	long total = 0;
	ssize_t n;

	if (argc != 2 || !argv[1][0])
		return fprintf(stderr, "usage: sv_pipe MARK\n"), 2;
	setvbuf(stdout, NULL, _IONBF, 0);
	print_dispositions();
	if (fork() == 0) {
		for (;;)
			pause();
	}
	signal(SIGPIPE, SIG_IGN);
	while ((n = write(2, block, sizeof block)) > 0)
		total += n;
	printf("stderr: %s after %ld bytes\n", n < 0 ? strerrorname_np(errno) : "eof", total);
	report("socket", socket(AF_INET, SOCK_STREAM, 0));
	report("unshare", unshare(CLONE_NEWUSER | CLONE_NEWNET));
	puts("looping");
	for (;;)
		pause();
}
