/*
 * t/valgrind/kernel-stub.c: linked into sandrun-valgrind only (make check-valgrind), with
 * -Wl,--wrap=syscall, so every syscall(2) call of sandrun's code comes here first.
 *
 * Why: valgrind 3.19 (Debian 12) does not know Landlock's system calls (444-446),
 * seccomp (317) or pidfd_open (434), and answers them ENOSYS itself: sandrun under it
 * would fail closed (125) at the Landlock probe, before the code worth checking. Here
 * those calls get a kernel's answers without the kernel:
 * - Landlock: ABI 7, every erratum fixed; the ruleset is a descriptor of the null device,
 *   a rule is read (so memcheck checks its 12 bytes) and accepted, restrict_self is a no-op.
 * - seccomp: a listener is refused with EBUSY, as under another sandrun (filter.c then
 *   installs the plain filter, its nested path); the plain filter is accepted, not installed.
 * - pidfd_open: a socket that becomes readable when the process exits, which is all
 *   pgroup.c's poll asks of a pidfd; a thread waits for the exit with WNOWAIT, so the
 *   process is still sandrun's to reap.
 * - openat2 (437, also unknown to it): ENOSYS without the warning valgrind would print;
 *   landlock.c then resolves every path the general way (realpath), which gets checked.
 *   outputs.c has no other way (it follows no symlink, or refuses): its calls, told apart
 *   by RESOLVE_NO_MAGICLINKS, become openat with the same flags and mode, so the final
 *   component is still not followed but the directories on the way are not checked.
 * Every other call goes to the kernel. sandrun-valgrind so runs all of sandrun's own code
 * (parsing, the path walks, the filter build, the process group, the report) but confines
 * nothing: it is a test binary for memory checking, never a sandbox.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

long __real_syscall(long nr, ...);
long __wrap_syscall(long nr, ...);

enum { STUB_ABI = 7, STUB_ERRATA = 7, VERSION_FLAG = 1, ERRATA_FLAG = 2, RULE_BYTES = 12,
       NEW_LISTENER_FLAG = 8 };

static long openat2_stub(const long *a)
{
	struct open_how how;

	memcpy(&how, (const void *)a[2], sizeof how);
	if (how.resolve & RESOLVE_NO_MAGICLINKS)
		return openat((int)a[0], (const char *)a[1], (int)how.flags, (mode_t)how.mode);
	errno = ENOSYS;
	return -1;
}

static long landlock_stub(long nr, const long *a)
{
	unsigned char rule[RULE_BYTES];

	if (nr == SYS_landlock_create_ruleset && a[2] == VERSION_FLAG)
		return STUB_ABI;
	if (nr == SYS_landlock_create_ruleset && a[2] == ERRATA_FLAG)
		return STUB_ERRATA;
	if (nr == SYS_landlock_create_ruleset)
		return open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (nr == SYS_landlock_add_rule) {
		memcpy(rule, (const void *)a[2], sizeof rule);
		/* A branch on every byte: memcheck reports any that is undefined. */
		for (size_t i = 0; i < sizeof rule; i++) {
			if (rule[i] == 0xA5)
				rule[0] = 0;
		}
	}
	return 0;
}

static long seccomp_stub(const long *a)
{
	if (a[1] & NEW_LISTENER_FLAG) {
		errno = EBUSY;
		return -1;
	}
	return 0;
}

struct exit_watch {
	pid_t pid;
	int fd;
};

static void *watch_exit(void *arg)
{
	struct exit_watch *w = arg;
	siginfo_t si;

	while (waitid(P_PID, (id_t)w->pid, &si, WEXITED | WNOWAIT) != 0 && errno == EINTR)
		;
	/* MSG_NOSIGNAL: sandrun may have closed its end already. */
	(void)send(w->fd, "x", 1, MSG_NOSIGNAL);
	close(w->fd);
	free(w);
	return NULL;
}

static long pidfd_open_stub(pid_t pid)
{
	struct exit_watch *w = malloc(sizeof *w);
	pthread_t thread;
	int pair[2];

	if (!w || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
		abort();
	w->pid = pid;
	w->fd = pair[1];
	if (pthread_create(&thread, NULL, watch_exit, w) != 0 || pthread_detach(thread) != 0)
		abort();
	return pair[0];
}

long __wrap_syscall(long nr, ...)
{
	long a[6];
	va_list ap;

	/* Six arguments, as the kernel takes; the unused ones are read and ignored, as
	 * glibc's own syscall(2) does. */
	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	switch (nr) {
	case SYS_landlock_create_ruleset:
	case SYS_landlock_add_rule:
	case SYS_landlock_restrict_self:
		return landlock_stub(nr, a);
	case SYS_seccomp:
		return seccomp_stub(a);
	case SYS_pidfd_open:
		return pidfd_open_stub((pid_t)a[0]);
	case SYS_openat2:
		return openat2_stub(a);
	default:
		return __real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
}
