/*
 * t/attack/d_pending.c: a denied call left waiting on sandrun when sandrun dies.
 * Usage: d_pending DIR
 *   forks a grandchild-to-be G that writes its pid to DIR/gpid and waits for DIR/go to
 *   appear; then G calls socket(AF_INET, SOCK_STREAM) and writes the outcome
 *   ("socket: ENOSYS", "socket: ok", ...) to DIR/result and exits. The main process
 *   writes DIR/ready and sleeps until killed (PR_SET_PDEATHSIG when sandrun dies).
 * The test stops sandrun, lets G call, kills sandrun: the call must fail, not run.
 */
#include "attack.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char path[4096];

static const char *in_dir(const char *dir, const char *name)
{
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return path;
}

static void write_file(const char *file, const char *text)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd) != 0) {
		perror(file);
		exit(2);
	}
}

static void grandchild(const char *dir)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	char line[64];
	struct stat st;
	int fd;

	snprintf(line, sizeof line, "%d\n", (int)getpid());
	write_file(in_dir(dir, "gpid"), line);
	while (stat(in_dir(dir, "go"), &st) != 0)
		nanosleep(&tick, NULL);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	snprintf(line, sizeof line, "socket: %s\n",
		 fd >= 0 ? "ok" : strerrorname_np(errno) ? strerrorname_np(errno) : "?");
	write_file(in_dir(dir, "result"), line);
	exit(0);
}

int main(int argc, char **argv)
{
	pid_t pid;

	if (argc != 2) {
		fprintf(stderr, "usage: d_pending DIR\n");
		return 2;
	}
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 2;
	}
	if (pid == 0)
		grandchild(argv[1]);
	write_file(in_dir(argv[1], "ready"), "ready\n");
	for (;;)
		pause();
}
