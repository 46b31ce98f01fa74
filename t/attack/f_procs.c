/*
 * t/attack/f_procs.c: make new processes and threads.
 * Usage: f_procs MODE
 *   fork, vfork     the child exits at once
 *   spawn           posix_spawn /bin/true (glibc: clone3, then clone with CLONE_VFORK)
 *   thread          pthread_create and join (glibc: clone3, then clone with CLONE_THREAD)
 *   clone3          raw clone3 without flags: ENOSYS under the filter
 */
#include "attack.h"
#include <sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* clone3's argument, first version (CLONE_ARGS_SIZE_VER0, 64 bytes). */
struct clone_args_v0 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

extern char **environ;

static void *thread_main(void *arg)
{
	return arg;
}

static int reap(const char *what, pid_t pid)
{
	if (pid == 0)
		_exit(0);
	if (pid > 0 && waitpid(pid, NULL, 0) != pid)
		return report("waitpid", -1);
	return report(what, pid);
}

static int thread(void)
{
	pthread_t t;
	int err = pthread_create(&t, NULL, thread_main, NULL);

	if (err) {
		errno = err;
		return report("pthread_create", -1);
	}
	pthread_join(t, NULL);
	return report("pthread_create", 0);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "fork"))
		return reap("fork", fork());
	if (!strcmp(mode, "vfork"))
		return reap("vfork", vfork());
	if (!strcmp(mode, "clone3")) {
		struct clone_args_v0 args = { .exit_signal = SIGCHLD };

		return reap("clone3", (pid_t)syscall(SYS_clone3, &args, sizeof args));
	}
	if (!strcmp(mode, "thread"))
		return thread();
	if (!strcmp(mode, "spawn")) {
		char *const av[] = { "true", NULL };
		pid_t pid;
		int err = posix_spawn(&pid, "/bin/true", NULL, NULL, av, environ);

		if (err) {
			errno = err;
			return report("posix_spawn", -1);
		}
		return reap("posix_spawn", pid);
	}
	fprintf(stderr, "f_procs: unknown mode '%s'\n", mode);
	return 2;
}
