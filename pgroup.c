/*
 * pgroup.c: the run's process group, its wall-clock deadline, and cleanup.
 *
 * Guarantees:
 * - The child starts in its own process group (setpgid in the child and in sandrun, so
 *   neither order of scheduling leaves a window) with the signal mask and dispositions
 *   reset, and with PR_SET_PDEATHSIG(SIGKILL) once its identity is final.
 * - The deadline is CLOCK_MONOTONIC and covers the whole run; when it fires, or when
 *   SIGINT, SIGTERM or SIGHUP reach sandrun, every process of the run is SIGKILLed.
 * - When sandrun returns from pgroup_run, no process of the run is alive or a zombie,
 *   even one that left the group (setsid, setpgid, double fork): sandrun is a child
 *   subreaper, so orphans come back to it, and it kills and reaps its whole tree of
 *   descendants until waitpid reports ECHILD.
 * - sandrun ignores SIGPIPE, SIGTTOU and SIGTTIN: a closed stderr, or a program holding
 *   the terminal's foreground, cannot end or stop it; the child starts with them at
 *   SIG_DFL. When sandrun's group holds the terminal on stdin, the run's group gets it
 *   from both sides (child and sandrun) and sandrun's group takes it back at the end; the
 *   terminal's termios and window size are then restored (guard.c).
 * - The seccomp listener the child hands over (SCM_RIGHTS on the error channel) is
 *   watched in the same ppoll as the pidfd, and what it reports is answered at once
 *   (filter.c), so a denied call never waits on sandrun's deadline or on the kill.
 * Does not:
 * - bound CPU time or memory (rlimits, runner.c);
 * - forbid setsid or setpgid (filter.c does; this file does not rely on it);
 * - survive a SIGKILL to sandrun itself: only the direct child gets PDEATHSIG, so its
 *   descendants would outlive it (no pid namespace is used); with a cgroup per run
 *   (cgroup.c) they stay in it, and the next run as root or `sandrun --cleanup` kills them.
 */
#include "sandrun.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* Signals that end the whole run; sandrun then exits 128+N like a killed program. */
static const int fatal_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

static volatile sig_atomic_t fatal_signal_seen;
static volatile sig_atomic_t child_changed;
static sigset_t mask_before_init;   /* restored in ppoll, so signals arrive only there */
static pid_t runner_pid;
static pid_t run_pgid;              /* the child's pid, 0 before the fork */
static int error_pipe_write = -1;   /* the child's end, kept across close_other_fds */
static int listener_fd = -1;        /* seccomp user-notification listener, from the child */
static bool terminal_handed_over;
static bool give_terminal;          /* decided before fork: sandrun's group owns stdin's tty */

/*
 * What the child writes down the close-on-exec error channel: a failure before exec, or
 * (CHILD_LISTENER) the seccomp listener as SCM_RIGHTS, or, with err EBUSY and no
 * descriptor, the news that the filter went in without one. The "pipe" is a
 * SOCK_SEQPACKET socketpair so that it can carry the descriptor; it keeps a pipe's
 * behaviour otherwise: one message per write, EOF once the child's end is closed by
 * execve or exit.
 */
struct child_message {
	int stage;
	int err;
	char msg[256];
};
enum { CHILD_LISTENER = 100 };   /* beside sandrun.h's CHILD_*, never in struct outcome */

static void on_fatal_signal(int sig)
{
	fatal_signal_seen = sig;
}

static void on_child(int sig)
{
	(void)sig;
	child_changed = 1;
}

static uint64_t monotonic_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		die_sys("clock_gettime(CLOCK_MONOTONIC)");
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void pgroup_init(void)
{
	sigset_t block;
	struct sigaction sa;

	runner_pid = getpid();
	/* Orphans of the run (double fork, setsid) are reparented to sandrun, not init. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
		die_sys("prctl(PR_SET_CHILD_SUBREAPER)");

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fatal_signal;
	if (sigemptyset(&sa.sa_mask) != 0 || sigemptyset(&block) != 0)
		die_sys("sigemptyset");
	for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++) {
		if (sigaction(fatal_signals[i], &sa, NULL) != 0)
			die_sys("sigaction(%d)", fatal_signals[i]);
		if (sigaddset(&block, fatal_signals[i]) != 0)
			die_sys("sigaddset");
	}
	/* SIGCHLD wakes the loop so orphans that exit mid-run are reaped, not left as zombies. */
	sa.sa_handler = on_child;
	if (sigaction(SIGCHLD, &sa, NULL) != 0 || sigaddset(&block, SIGCHLD) != 0)
		die_sys("sigaction(SIGCHLD)");
	/* Blocked except inside ppoll: a signal can never slip between check and wait. */
	if (sigprocmask(SIG_BLOCK, &block, &mask_before_init) != 0)
		die_sys("sigprocmask");
	/*
	 * sandrun takes the terminal back from a background position, and writes to it or
	 * restores its termios while the program may own the foreground: never stop for it.
	 * Both, and SIGPIPE (guard_init), are back at SIG_DFL in the child (reset_signals):
	 * SIG_IGN would survive execve.
	 */
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGTTOU, &sa, NULL) != 0 || sigaction(SIGTTIN, &sa, NULL) != 0)
		die_sys("sigaction(SIGTTOU, SIGTTIN)");
}

/* ---- the child's side, between fork and execve ---- */

_Noreturn void pgroup_child_report(int stage, int err, const char *msg)
{
	struct child_message m = { .stage = stage, .err = err };
	ssize_t written;

	out_format(m.msg, sizeof m.msg, "%s", msg);
	/* One write below PIPE_BUF is atomic; if it fails there is nobody left to tell. */
	written = write(error_pipe_write, &m, sizeof m);
	(void)written;
	_exit(EXIT_SETUP);
}

/* Default dispositions and an empty mask: SIG_IGN would survive execve otherwise. */
static void reset_signals(void)
{
	sigset_t empty;

	for (int sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		/* Numbers reserved by libc for its own threads fail EINVAL: nothing to reset. */
		if (signal(sig, SIG_DFL) == SIG_ERR && errno != EINVAL)
			child_fail_sys("signal(%d)", sig);
	}
	if (sigemptyset(&empty) != 0 || sigprocmask(SIG_SETMASK, &empty, NULL) != 0)
		child_fail_sys("sigprocmask");
}

static void child_start(void)
{
	/*
	 * EPERM: an outer sandrun's filter forbids leaving its group (nested use). The run
	 * then shares the outer group, which still contains it, and the descendant walk in
	 * pgroup_kill_all reaps it without needing a group of its own.
	 */
	if (setpgid(0, 0) != 0 && errno != EPERM)
		child_fail_sys("setpgid");
	/*
	 * The terminal goes to the new group from both sides, as setpgid does: from sandrun
	 * alone, a program scheduled first that touches the terminal (tcsetattr, a read)
	 * would stop on SIGTTOU or SIGTTIN in its background group before the handover, and
	 * stay stopped. Here SIGTTOU is still ignored (inherited from sandrun), so this call
	 * from a background group is not stopped either. A failure leaves sandrun's own
	 * handover to try; the result is sandrun's, not the child's, to judge.
	 */
	if (give_terminal)
		(void)tcsetpgrp(STDIN_FILENO, getpgrp());
	reset_signals();
}

void pgroup_child_set_deathsig(void)
{
	/*
	 * Set after the identity change, which clears it (prctl(2)). The kernel fails it only
	 * with EINVAL (a bad signal); EPERM is an outer sandrun's filter, which keeps its own
	 * program from changing its death signal (nested use, filter.c). The run then lives
	 * inside the outer one, whose cleanup still reaches it, as for setpgid above.
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 && errno != EPERM)
		child_fail_sys("prctl(PR_SET_PDEATHSIG)");
	/* sandrun may have died before the prctl: then no signal would ever come. */
	if (getppid() != runner_pid)
		child_fail("sandrun exited during setup");
}

void pgroup_child_send_listener(int listener)
{
	struct child_message m = { .stage = CHILD_LISTENER, .err = listener < 0 ? EBUSY : 0 };
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof m };
	union {
		struct cmsghdr header;
		char space[CMSG_SPACE(sizeof(int))];
	} control;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	memset(&control, 0, sizeof control);
	if (listener >= 0) {
		msg.msg_control = control.space;
		msg.msg_controllen = sizeof control.space;
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &listener, sizeof listener);
	}
	if (sendmsg(error_pipe_write, &msg, MSG_NOSIGNAL) != (ssize_t)sizeof m)
		child_fail_sys("sendmsg(seccomp listener)");
	/*
	 * The child keeps no copy. The one in flight, then sandrun's, is the only one: if
	 * sandrun dies, the kernel fails pending and later notified calls with ENOSYS. A copy
	 * left in the program would keep the listener alive with nobody reading it, and a
	 * denied call would then wait for ever (MECHANISMS.md 2.7).
	 */
	if (listener >= 0 && close(listener) != 0)
		child_fail_sys("close(seccomp listener)");
}

void pgroup_child_close_fds(void)
{
	int fd = error_pipe_write;

	/* Everything above 2 except the error pipe, which execve closes (O_CLOEXEC). */
	if (fd > 3 && syscall(SYS_close_range, 3u, (unsigned)fd - 1u, 0u) != 0)
		child_fail_sys("close_range");
	if (syscall(SYS_close_range, (unsigned)fd + 1u, ~0u, 0u) != 0)
		child_fail_sys("close_range");
}

/* ---- sandrun's side ---- */

/* Before fork: the run gets the terminal only where sandrun's own group holds it. */
static void decide_handover(void)
{
	give_terminal = isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp();
}

static void handover_terminal(pid_t pgid)
{
	/* A child in a background group that reads the terminal would stop on SIGTTIN. The
	 * child may have taken it already (child_start); it is taken back at the end either
	 * way, since sandrun's group held it before. */
	if (!give_terminal)
		return;
	(void)tcsetpgrp(STDIN_FILENO, pgid);   /* ESRCH: the child is gone, nothing to hand */
	terminal_handed_over = true;
}

static void take_terminal_back(void)
{
	if (terminal_handed_over && tcsetpgrp(STDIN_FILENO, getpgrp()) == 0)
		terminal_handed_over = false;
}

/* The pids met by a walk. The first ones live in the list itself: the usual end of a run
 * (the program exited alone) lists one pid and costs no heap. */
struct pid_list {
	pid_t *items;
	size_t count, cap;
	pid_t first[32];
};

static void start_list(struct pid_list *l)
{
	l->items = l->first;
	l->count = 0;
	l->cap = sizeof l->first / sizeof l->first[0];
}

static void free_list(struct pid_list *l)
{
	if (l->items != l->first)
		free(l->items);
}

static void append_pid(pid_t pid, struct pid_list *l)
{
	if (l->count == l->cap) {
		pid_t *grown = malloc(2 * l->cap * sizeof *grown);

		if (!grown)
			die("out of memory listing the run's processes");
		memcpy(grown, l->items, l->count * sizeof *grown);
		free_list(l);
		l->items = grown;
		l->cap *= 2;
	}
	l->items[l->count++] = pid;
}

/* Appends the pids in one /proc/PID/task/TID/children file ("12 34 ") to *list. Raw
 * reads, no stdio: sandrun reads its own list at least twice in every run. */
static void read_children_file(const char *file, struct pid_list *l)
{
	char buf[1024];
	long child = 0;
	bool in_number = false;
	ssize_t n;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;   /* the task is gone */
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] >= '0' && buf[i] <= '9') {
				child = child * 10 + (buf[i] - '0');
				in_number = true;
			} else if (in_number) {
				append_pid((pid_t)child, l);
				child = 0;
				in_number = false;
			}
		}
	}
	if (in_number)
		append_pid((pid_t)child, l);
	close(fd);
}

/* Appends every child of pid (all its threads' children) to *list. */
static void list_children(pid_t pid, struct pid_list *l)
{
	char path[64];
	DIR *tasks;
	struct dirent *task;

	/* sandrun has one thread, so its own list is one file: no directory to read. */
	if (pid == runner_pid) {
		out_format(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
		read_children_file(path, l);
		return;
	}
	out_format(path, sizeof path, "/proc/%d/task", (int)pid);
	tasks = opendir(path);
	if (!tasks)
		return;   /* pid is gone: its children were reparented to sandrun */
	while ((task = readdir(tasks)) != NULL) {
		char file[sizeof path + sizeof task->d_name + 16];

		if (task->d_name[0] == '.')
			continue;
		out_format(file, sizeof file, "%s/%s/children", path, task->d_name);
		read_children_file(file, l);
	}
	closedir(tasks);
}

static bool is_zombie(pid_t pid)
{
	char path[64], buf[256];
	ssize_t n;
	int fd;
	char *close_paren;

	out_format(path, sizeof path, "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	close_paren = strrchr(buf, ')');   /* the command name may hold spaces and parens */
	return close_paren && close_paren[1] == ' ' && close_paren[2] == 'Z';
}

/*
 * SIGKILLs every descendant of sandrun, breadth first over /proc/PID/task/TID/children.
 * Returns how many live (non-zombie) processes were signalled. exited: a child known to
 * have exited as a whole (its pidfd was readable), or 0: a zombie whose children came
 * back to sandrun when it died, so there is nothing to read about it.
 */
static size_t kill_descendants(pid_t exited)
{
	struct pid_list list;
	size_t alive = 0;

	start_list(&list);
	list_children(runner_pid, &list);
	for (size_t i = 0; i < list.count; i++) {
		pid_t pid = list.items[i];   /* re-read: list_children may move the items */

		if (pid == exited)
			continue;
		if (!is_zombie(pid))
			alive++;
		/* ESRCH: it died meanwhile; its children are then sandrun's and come next turn. */
		if (kill(pid, SIGKILL) != 0 && errno != ESRCH)
			die_sys("kill(%d, SIGKILL)", (int)pid);
		list_children(pid, &list);
	}
	free_list(&list);
	return alive;
}

void pgroup_kill_all(void)
{
	int status;

	/* The leader is a zombie or alive, never reaped yet: its pgid cannot be reused. */
	if (run_pgid > 0 && kill(-run_pgid, SIGKILL) != 0 && errno != ESRCH)
		die_sys("kill(-%d, SIGKILL)", (int)run_pgid);
	for (;;) {
		/*
		 * No child left at all means no process of the run left: each one's line of
		 * parents ends at a child of sandrun, alive or a zombie, since sandrun is the
		 * subreaper of them all. The usual end (the program exited alone and was reaped)
		 * stops here without a walk.
		 */
		pid_t reaped = waitpid(-1, &status, __WALL | WNOHANG);

		if (reaped < 0 && errno == ECHILD)
			break;
		/* One walk kills the whole known tree; what it missed (forked meanwhile, or
		 * reparented to sandrun by a death) is found by the next walk. */
		kill_descendants(0);
		reaped = waitpid(-1, &status, __WALL);
		if (reaped < 0 && errno == ECHILD)
			break;
		if (reaped < 0 && errno != EINTR)
			die_sys("waitpid");
		while (waitpid(-1, &status, __WALL | WNOHANG) > 0)
			;   /* reap every other death before walking again */
	}
	take_terminal_back();
	guard_restore_terminal();   /* nobody of the run is left to change it again */
}

static int open_pidfd(pid_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (fd < 0 && errno == ENOSYS)
		die("pidfd_open: not supported by this kernel; sandrun needs Linux 6.2 or newer");
	if (fd < 0)
		die_sys("pidfd_open");
	return fd;
}

/* Receives one message and the descriptor it carries (else -1); 0 at EOF. */
static ssize_t receive_message(int fd, struct child_message *m, int *passed_fd)
{
	struct iovec iov = { .iov_base = m, .iov_len = sizeof *m };
	union {
		struct cmsghdr header;
		char space[CMSG_SPACE(sizeof(int))];
	} control;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.space,
			      .msg_controllen = sizeof control.space };
	struct cmsghdr *c;
	ssize_t n;

	*passed_fd = -1;
	do
		n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		die_sys("recvmsg(error pipe)");
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(passed_fd, CMSG_DATA(c), sizeof *passed_fd);
	if (msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC))
		die("malformed message from the child on the error pipe");
	return n;
}

/* The listener, or the reason there is none, goes to filter.c's log. */
static void take_listener(const struct child_message *m, int passed_fd)
{
	if (passed_fd >= 0 && listener_fd < 0) {
		listener_fd = passed_fd;
		filter_log_start(listener_fd);
	} else if (passed_fd < 0 && m->err == EBUSY) {
		filter_log_nested();
	} else {
		die("unexpected listener message from the child");
	}
}

/* True when the process of pidfd has exited, all its threads (pidfd_open(2)). */
static bool has_exited(int pidfd)
{
	struct pollfd fd = { .fd = pidfd, .events = POLLIN };

	return poll(&fd, 1, 0) == 1 && (fd.revents & POLLIN);
}

/* Reads the child's message, if any; returns false once the pipe reached EOF. */
static bool read_child_message(int fd, struct outcome *out)
{
	struct child_message m;
	int passed_fd;
	ssize_t n = receive_message(fd, &m, &passed_fd);

	if (n == 0)
		return false;
	if ((size_t)n != sizeof m)
		die("short message from the child on the error pipe");
	if (m.stage == CHILD_LISTENER) {
		take_listener(&m, passed_fd);
		return true;
	}
	if (passed_fd >= 0)
		die("unexpected descriptor from the child on the error pipe");
	out->child_stage = m.stage;
	out->child_errno = m.err;
	m.msg[sizeof m.msg - 1] = '\0';
	out_format(out->child_msg, sizeof out->child_msg, "%s", m.msg);
	return true;
}

/* Milliseconds until the deadline as a timespec for ppoll; NULL without a deadline. */
static struct timespec *time_left(uint64_t deadline_ms, struct timespec *ts)
{
	uint64_t now = monotonic_ms(), left;

	if (deadline_ms == 0)
		return NULL;
	left = deadline_ms > now ? deadline_ms - now : 0;
	ts->tv_sec = (time_t)(left / 1000u);
	ts->tv_nsec = (long)(left % 1000u) * 1000000L;
	return ts;
}

/*
 * Reaps exited orphans (double-forked processes that came back to sandrun) during the
 * run, so a long run does not pile up zombies. The main child is never reaped here:
 * while it is unreaped its pid, and so its process group id, cannot be reused.
 */
static void reap_orphans(pid_t main_child)
{
	struct pid_list list;
	int status;

	child_changed = 0;
	start_list(&list);
	list_children(runner_pid, &list);
	for (size_t i = 0; i < list.count; i++) {
		pid_t pid = list.items[i];

		if (pid != main_child && waitpid(pid, &status, WNOHANG | __WALL) < 0 &&
		    errno != ECHILD)
			die_sys("waitpid(%d)", (int)pid);
	}
	free_list(&list);
}

/*
 * Waits for the child to exit, the deadline, or a fatal signal, answering the seccomp
 * listener meanwhile. The deadline is checked after every wakeup, not only when ppoll
 * times out: a program that keeps the listener busy must not outlive its deadline.
 */
static void supervise(pid_t pid, int pidfd, int pipe_read, uint64_t deadline_ms,
		      struct outcome *out)
{
	struct pollfd fds[3] = {
		{ .fd = pidfd, .events = POLLIN },
		{ .fd = pipe_read, .events = POLLIN },
		{ .fd = -1, .events = POLLIN },   /* the listener, once the child sent it */
	};
	bool listener_hung_up = false;

	for (;;) {
		struct timespec ts;
		int ready;

		fds[2].fd = listener_hung_up ? -1 : listener_fd;
		ready = ppoll(fds, 3, time_left(deadline_ms, &ts), &mask_before_init);
		if (ready < 0 && errno != EINTR)
			die_sys("ppoll");
		if (fatal_signal_seen) {
			out->fatal_signal = fatal_signal_seen;
			return;
		}
		if (child_changed)
			reap_orphans(pid);
		if (fds[1].fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP))) {
			if (!read_child_message(fds[1].fd, out))
				fds[1].fd = -1;   /* EOF: execve succeeded, or the child is gone */
		}
		/* POLLHUP: the filter's last task is gone; nothing more can arrive. */
		if (fds[2].fd >= 0 && fds[2].revents && !filter_log_drain(fds[2].fd))
			listener_hung_up = true;
		if (fds[0].revents & POLLIN)
			return;
		if (deadline_ms != 0 && monotonic_ms() >= deadline_ms) {
			out->timed_out = true;
			return;
		}
	}
}

void pgroup_run(const struct policy *p, child_setup_fn setup, struct outcome *out)
{
	int pipefd[2], pidfd;
	uint64_t start_ms, deadline_ms = 0;
	pid_t pid;

	memset(out, 0, sizeof *out);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pipefd) != 0)
		die_sys("socketpair(error pipe)");
	start_ms = monotonic_ms();
	if (p->lim.timeout_ms)
		deadline_ms = start_ms + p->lim.timeout_ms;
	guard_save_terminal();
	decide_handover();
	guard_set_deadline(deadline_ms);   /* no stderr write may delay the deadline */
	/*
	 * fork, not vfork or clone(CLONE_VM | CLONE_VFORK). Measured with make bench, the
	 * shared-memory spawn saved about 40 us per run (under a tenth), and it would cost
	 * more than it gives: sandrun would sleep until the child's execve, so no deadline could
	 * end a setup stuck in the filesystem (chdir to -C, the flush when dup2 replaces a
	 * descriptor, execve of PROGRAM on a hung FUSE or NFS mount), the terminal would be
	 * handed over only after PROGRAM started (a first read would stop it on SIGTTIN), and
	 * the child would run libc code (musl's set*id take global locks, errno is shared)
	 * in sandrun's memory, which is not clearly safe.
	 */
	pid = fork();
	if (pid < 0)
		die_sys("fork");
	if (pid == 0) {
		close(pipefd[0]);
		error_pipe_write = pipefd[1];
		cgroup_child_join();            /* first: nothing of the run outside its cgroup */
		child_start();
		setup(p);                       /* ends in execve or child_fail */
		child_fail("setup returned");
	}
	run_pgid = pid;
	if (close(pipefd[1]) != 0)
		die_sys("close(error pipe)");
	/* EACCES: the child already exec'd (it made itself leader first); ESRCH: gone;
	 * EPERM: nested under a filter that denies setpgid (see child_start). */
	if (setpgid(pid, pid) != 0 && errno != EACCES && errno != ESRCH && errno != EPERM)
		die_sys("setpgid");
	handover_terminal(pid);
	pidfd = open_pidfd(pid);
	supervise(pid, pidfd, pipefd[0], deadline_ms, out);
	guard_set_deadline(0);   /* past it now: later lines get the plain write bound */
	cgroup_kill();                      /* the run's cgroup, if any: every process at once */

	/* Anything still alive now is killed: the leader is unreaped, so the pgid is ours. */
	if (kill_descendants(has_exited(pidfd) ? pid : 0) > 0 || out->timed_out ||
	    out->fatal_signal)
		out->killed_group = true;
	if (kill(-run_pgid, SIGKILL) != 0 && errno != ESRCH)
		die_sys("kill(-%d, SIGKILL)", (int)run_pgid);
	if (wait4(pid, &out->wait_status, __WALL, &out->main_usage) != pid)
		die_sys("wait4");
	/* A message may have been written just before the exit; the pipe is at EOF now. */
	while (out->child_stage == CHILD_OK && read_child_message(pipefd[0], out))
		;
	pgroup_kill_all();
	out->wall_ms = monotonic_ms() - start_ms;
	if (getrusage(RUSAGE_CHILDREN, &out->usage) != 0)
		die_sys("getrusage");
	close(pidfd);
	close(pipefd[0]);
	/* Closed only now: a call still waiting on it would otherwise fail ENOSYS, not with its
	 * rule's errno, and every process that could wait on it is dead and reaped. */
	if (listener_fd >= 0)
		close(listener_fd);
	listener_fd = -1;
}

bool pgroup_started(void)
{
	return run_pgid > 0 && getpid() == runner_pid;
}
