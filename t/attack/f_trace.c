/*
 * t/attack/f_trace.c: read or steer another process.
 * Usage: f_trace MODE
 *   ptrace-parent   PTRACE_SEIZE sandrun (our parent); on success we exit, which detaches
 *   ptrace-child    PTRACE_SEIZE a child of our own (works without the filter)
 *   vm-read-parent  process_vm_readv from sandrun at an unmapped address (EFAULT if allowed)
 *   vm-read-self    process_vm_readv from ourselves (works without the filter)
 *   kcmp            kcmp(self, self, KCMP_FILE, 0, 0)
 *   pidfd-getfd     pidfd_getfd on our own pidfd, fd 0
 */
#include "attack.h"
#include <linux/kcmp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static int seize_child(void)
{
	pid_t pid = fork();
	int rc;

	if (pid < 0)
		return report("fork", -1);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	rc = report("ptrace", ptrace(PTRACE_SEIZE, pid, NULL, NULL));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return rc;
}

static int vm_read(pid_t pid, void *remote_addr)
{
	char buf[8];
	struct iovec local = { buf, sizeof buf }, remote = { remote_addr, sizeof buf };

	return report("process_vm_readv", process_vm_readv(pid, &local, 1, &remote, 1, 0));
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	static char secret[8] = "secret";

	if (!strcmp(mode, "ptrace-parent"))
		return report("ptrace", ptrace(PTRACE_SEIZE, getppid(), NULL, NULL));
	if (!strcmp(mode, "ptrace-child"))
		return seize_child();
	if (!strcmp(mode, "vm-read-parent"))
		return vm_read(getppid(), (void *)8);
	if (!strcmp(mode, "vm-read-self"))
		return vm_read(getpid(), secret);
	if (!strcmp(mode, "kcmp"))
		return report("kcmp", syscall(SYS_kcmp, getpid(), getpid(), KCMP_FILE, 0, 0));
	if (!strcmp(mode, "pidfd-getfd")) {
		int pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);

		if (report("pidfd_open", pidfd))
			return 1;
		return report("pidfd_getfd", syscall(SYS_pidfd_getfd, pidfd, 0, 0));
	}
	fprintf(stderr, "f_trace: unknown mode '%s'\n", mode);
	return 2;
}
