/*
 * t/attack/f_ns.c: leave the sandbox's view through namespaces, mounts or chroot.
 * Usage: f_ns MODE
 *   unshare-user, unshare-net, unshare-mount   unshare(CLONE_NEWUSER [| NEWNET | NEWNS]):
 *       all three succeed for an unprivileged uid where user namespaces are open
 *   clone-newuser        raw clone(CLONE_NEWUSER | SIGCHLD)
 *   clone-newuser-high   the same with bit 32 set: the kernel reads the low 32 bits only
 *   clone3               clone3 without flags (ENOSYS expected: its flags are unreadable)
 *   setns                setns(-1, 0): EBADF if it reached the kernel
 *   mount                mount with an unreadable fstype pointer: EFAULT if it reached
 *   chroot               chroot with an unreadable path pointer: EFAULT if it reached
 *   open_tree            open_tree(AT_FDCWD, "/", 0): works unprivileged
 * Harmless arguments everywhere: a call that got through changes nothing outside.
 */
#include "attack.h"
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* clone3's argument, first version (CLONE_ARGS_SIZE_VER0, 64 bytes). */
struct clone_args_v0 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

#define BAD_POINTER ((void *)1)   /* never mapped: the kernel answers EFAULT */

static int raw_clone(unsigned long flags)
{
	long pid = syscall(SYS_clone, flags | SIGCHLD, 0L, NULL, NULL, 0L);

	if (pid == 0)
		_exit(0);   /* the child in its own namespace leaves at once */
	if (pid > 0)
		waitpid((pid_t)pid, NULL, 0);
	return report("clone", pid);
}

static int raw_clone3(void)
{
	struct clone_args_v0 args = { .exit_signal = SIGCHLD };
	long pid = syscall(SYS_clone3, &args, sizeof args);

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid((pid_t)pid, NULL, 0);
	return report("clone3", pid);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "unshare-user"))
		return report("unshare", unshare(CLONE_NEWUSER));
	if (!strcmp(mode, "unshare-net"))
		return report("unshare", unshare(CLONE_NEWUSER | CLONE_NEWNET));
	if (!strcmp(mode, "unshare-mount"))
		return report("unshare", unshare(CLONE_NEWUSER | CLONE_NEWNS));
	if (!strcmp(mode, "clone-newuser"))
		return raw_clone(CLONE_NEWUSER);
	if (!strcmp(mode, "clone-newuser-high"))
		return raw_clone(CLONE_NEWUSER | (1UL << 32));
	if (!strcmp(mode, "clone3"))
		return raw_clone3();
	if (!strcmp(mode, "setns"))
		return report("setns", setns(-1, 0));
	if (!strcmp(mode, "mount"))
		return report("mount", mount("none", "/", BAD_POINTER, 0, NULL));
	if (!strcmp(mode, "chroot"))
		return report("chroot", chroot(BAD_POINTER));
	if (!strcmp(mode, "open_tree"))
		return report("open_tree", syscall(SYS_open_tree, AT_FDCWD, "/", 0));
	fprintf(stderr, "f_ns: unknown mode '%s'\n", mode);
	return 2;
}
