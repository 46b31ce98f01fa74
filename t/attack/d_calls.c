/*
 * t/attack/d_calls.c: denied calls whose arguments the report must decode.
 * Usage: d_calls CALL...   each CALL in order, repeatable; first prints "pid: N"
 *   socket     socket(AF_INET, SOCK_STREAM)
 *   socket6    socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC)
 *   unshare    unshare(CLONE_NEWUSER | CLONE_NEWNET)
 *   clone      raw clone(CLONE_NEWUSER | SIGCHLD)
 *   ptrace     PTRACE_SEIZE a paused child of our own; prints "ptrace target: PID"
 *   chmod=F    chmod(F, 04777)
 *   kill       kill(-1, 0): signal 0 only checks, nothing is delivered
 *   ioctl      ioctl(-1, TIOCSTI): EBADF if it got through
 *   pair       socketpair(AF_UNIX, SOCK_STREAM): allowed, must not be logged
 *   listener   an allow-all seccomp filter with a listener of its own: EBUSY while
 *              sandrun holds the chain's listener (--report, --log-denied), ok otherwise
 * Each prints "CALL: ok" or "CALL: ERRNO-NAME". Exit 0 when every call failed, 3 when
 * one got through. Harmless if allowed: a socket is closed, a namespace dies with the
 * process, the traced child is killed, signal 0 is never delivered.
 */
#include "attack.h"
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

static int close_if_open(long fd)
{
	if (fd >= 0)
		close((int)fd);
	return fd >= 0 ? 0 : -1;
}

static long raw_clone(void)
{
	long pid = syscall(SYS_clone, (unsigned long)(CLONE_NEWUSER | SIGCHLD), 0L, NULL, NULL, 0L);

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid((pid_t)pid, NULL, 0);
	return pid;
}

static long seize_child(void)
{
	pid_t pid = fork();
	long rc;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		pause();
		_exit(0);
	}
	printf("ptrace target: %d\n", (int)pid);
	rc = ptrace(PTRACE_SEIZE, pid, NULL, NULL);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return rc;
}

/* The kernel allows one listener per filter chain: this one only if sandrun holds none. */
static long own_listener(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = 1, .filter = &allow };

	return close_if_open(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
				     SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog));
}

static long one_call(const char *call)
{
	int pair[2];
	char c = 'x';

	if (!strcmp(call, "socket"))
		return close_if_open(socket(AF_INET, SOCK_STREAM, 0));
	if (!strcmp(call, "socket6"))
		return close_if_open(socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	if (!strcmp(call, "unshare"))
		return unshare(CLONE_NEWUSER | CLONE_NEWNET);
	if (!strcmp(call, "clone"))
		return raw_clone();
	if (!strcmp(call, "ptrace"))
		return seize_child();
	if (!strncmp(call, "chmod=", 6))
		return chmod(call + 6, 04777);
	if (!strcmp(call, "kill"))
		return kill(-1, 0);
	if (!strcmp(call, "ioctl"))
		return ioctl(-1, TIOCSTI, &c);
	if (!strcmp(call, "listener"))
		return own_listener();
	if (!strcmp(call, "pair")) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0)
			return -1;
		close(pair[0]);
		close(pair[1]);
		return 0;
	}
	fprintf(stderr, "d_calls: unknown call '%s'\n", call);
	exit(2);
}

int main(int argc, char **argv)
{
	int through = 0;

	printf("pid: %d\n", (int)getpid());
	for (int i = 1; i < argc; i++) {
		const char *name = strncmp(argv[i], "chmod=", 6) ? argv[i] : "chmod";

		fflush(stdout);
		if (report(name, one_call(argv[i])) == 0 && strcmp(argv[i], "pair") &&
		    strcmp(argv[i], "listener"))
			through = 1;
	}
	return through ? 3 : 0;
}
