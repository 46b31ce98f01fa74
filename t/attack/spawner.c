/*
 * t/attack/spawner.c: process shapes that try to outlive the run.
 * Usage: spawner MODE MARK. Every process it creates keeps argv, so MARK appears in its
 * /proc/PID/cmdline and the test can look for survivors from outside.
 */
#include "attack.h"
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

static _Noreturn void forever(void)
{
	for (;;)
		pause();
}

/* Forks a child that runs fn; the parent returns. */
static void spawn(void (*fn)(void))
{
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		return;
	}
	if (pid == 0) {
		fn();
		_exit(0);
	}
}

static void grandchild_then_wait(void)
{
	spawn(forever);
	forever();
}

static void new_session(void)
{
	report("setsid", setsid());
	fflush(stdout);
	forever();
}

static void leave_group(void)
{
	report("setpgid", setpgid(0, 0));
	fflush(stdout);
	forever();
}

/* Classic daemon: fork, setsid, fork again, the middle one exits. */
static void daemonize(void)
{
	(void)setsid();
	spawn(forever);
	_exit(0);
}

/* Two children per process, ten generations deep, every second child in a new session. */
static _Noreturn void bomb(void)
{
	int depth = 0;

	while (depth < 10) {
		if (fork() == 0) {
			depth++;
			continue;
		}
		if (fork() == 0) {
			(void)setsid();
			depth++;
			continue;
		}
		break;
	}
	forever();
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(mode, "grandchildren") == 0) {
		spawn(grandchild_then_wait);
		spawn(grandchild_then_wait);
		forever();
	} else if (strcmp(mode, "setsid") == 0) {
		spawn(new_session);
		forever();
	} else if (strcmp(mode, "setpgid") == 0) {
		spawn(leave_group);
		forever();
	} else if (strcmp(mode, "daemon") == 0) {
		spawn(daemonize);
		wait(NULL);
		puts("main exits");
		return 0;
	} else if (strcmp(mode, "ignore-term") == 0) {
		signal(SIGTERM, SIG_IGN);
		signal(SIGINT, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		spawn(forever);
		puts("ready");
		forever();
	} else if (strcmp(mode, "stop-self") == 0) {
		spawn(forever);
		raise(SIGSTOP);
		forever();
	} else if (strcmp(mode, "forkbomb") == 0) {
		bomb();
	} else if (strcmp(mode, "orphans") == 0) {
		/* Short-lived orphans: each would be a zombie of sandrun if it did not reap. */
		for (int i = 0; i < 5; i++)
			spawn(daemonize);
		while (wait(NULL) > 0)
			;
		sleep(1);
		puts("ready");
		forever();
	} else if (strcmp(mode, "fds") == 0) {
		/* Prints every open descriptor number but the one listing them. */
		for (int fd = 0; fd < 1024; fd++) {
			if (fcntl(fd, F_GETFD) >= 0)
				printf("%d ", fd);
		}
		putchar('\n');
		return 0;
	}
	fprintf(stderr, "usage: spawner MODE MARK\n");
	return 2;
}
