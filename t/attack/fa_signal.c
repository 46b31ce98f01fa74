/*
 * t/attack/fa_signal.c: stop, then kill, the supervisor by every route a same-uid process
 * has: kill of its pid and of its process group, tkill, tgkill, rt_sigqueueinfo,
 * rt_tgsigqueueinfo, pidfd_open + pidfd_send_signal, a /proc/<pid> directory descriptor as
 * a pidfd, and a file owner (F_SETOWN, F_SETOWN_EX, FIOSETOWN, SIOCSPGRP) with O_ASYNC
 * and F_SETSIG on a pipe it then writes to. sandrun is getppid(). Prints each answer,
 * "done", then waits to be killed by the run's -t.
 */
#include "attack.h"
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static void queue(pid_t target, int sig, const char *what, int thread)
{
	siginfo_t info = { .si_signo = sig, .si_code = SI_QUEUE };

	info.si_pid = getpid();
	info.si_uid = getuid();
	if (thread)
		report(what, syscall(SYS_rt_tgsigqueueinfo, target, target, sig, &info));
	else
		report(what, syscall(SYS_rt_sigqueueinfo, target, sig, &info));
}

/* A pipe whose read end, once written to, signals its owner. */
static void owner_route(pid_t target, int sig, const char *name, int how)
{
	int p[2];
	char what[64];
	long rc;

	if (pipe(p) != 0)
		return (void)report("pipe", -1);
	if (how == 0) {
		rc = fcntl(p[0], F_SETOWN, target);
	} else if (how == 1) {
		struct f_owner_ex owner = { .type = F_OWNER_PID, .pid = target };

		rc = fcntl(p[0], F_SETOWN_EX, &owner);
	} else {
		rc = ioctl(p[0], how == 2 ? FIOSETOWN : SIOCSPGRP, &target);
	}
	snprintf(what, sizeof what, "%s %s", name, sig == SIGSTOP ? "SIGSTOP" : "SIGKILL");
	report(what, rc);
	if (fcntl(p[0], F_SETSIG, sig) == 0 && fcntl(p[0], F_SETFL, O_ASYNC) == 0)
		(void)!write(p[1], "x", 1);
	close(p[0]);
	close(p[1]);
}

static void every_route(pid_t target, pid_t group, int sig)
{
	char dir[64];
	int fd;

	report(sig == SIGSTOP ? "kill SIGSTOP" : "kill SIGKILL", kill(target, sig));
	report("kill -pgid", kill(-group, sig));
	report("tkill", syscall(SYS_tkill, target, sig));
	report("tgkill", syscall(SYS_tgkill, target, target, sig));
	queue(target, sig, "rt_sigqueueinfo", 0);
	queue(target, sig, "rt_tgsigqueueinfo", 1);
	fd = (int)syscall(SYS_pidfd_open, target, 0);
	report("pidfd_open", fd);
	report("pidfd_send_signal", syscall(SYS_pidfd_send_signal, fd >= 0 ? fd : 0, sig, NULL, 0));
	snprintf(dir, sizeof dir, "/proc/%d", (int)target);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	report("pidfd_send_signal /proc", syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0));
	owner_route(target, sig, "F_SETOWN", 0);
	owner_route(target, sig, "F_SETOWN_EX", 1);
	owner_route(target, sig, "FIOSETOWN", 2);
	owner_route(target, sig, "SIOCSPGRP", 3);
}

int main(void)
{
	pid_t sandrun = getppid();

	setvbuf(stdout, NULL, _IOLBF, 0);
	every_route(sandrun, getpgid(sandrun), SIGSTOP);
	every_route(sandrun, getpgid(sandrun), SIGKILL);
	printf("done\n");
	for (;;)
		pause();
}
