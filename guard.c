/*
 * guard.c: sandrun's use of the descriptors it shares with the program (its stderr and
 * the terminal), so that the program cannot stall sandrun through them.
 *
 * Guarantees:
 * - A write of sandrun to its stderr (warnings, --log-denied lines, the verdict) never
 *   waits longer than WRITE_MS, nor past the run's deadline while the run is supervised;
 *   after one write was cut off, later ones wait at most STALLED_MS. What could not be
 *   written in time, or failed (EPIPE: sandrun ignores SIGPIPE), is dropped and counted
 *   (the report's "stderr_dropped"). O_NONBLOCK cannot be used: it is a flag of the open
 *   file description, which the program shares, so the bound is an interval timer whose
 *   SIGALRM handler is installed without SA_RESTART: the blocked write fails EINTR.
 * - A terminal on fd 0, 1 or 2 when the run starts gets its termios and window size back
 *   when the run ends (timeout, signal to sandrun, normal end, setup error after fork),
 *   with TCSANOW (TCSADRAIN would wait for output the program may have stopped), under
 *   the same timer. If a write to it was cut off, its output is restarted (TCOON).
 * Does not:
 * - restore the terminal after a SIGKILL of sandrun (nothing runs then);
 * - stop the program from changing the terminal meanwhile (filter.c refuses some ioctls).
 */
#include "sandrun.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

enum {
	WRITE_MS = 200,     /* one write's bound while stderr flows: a terminal or pipe reader */
	STALLED_MS = 20,    /* once a write was cut off: the reader is gone or stopped */
	REPEAT_MS = 10,     /* the timer fires again: a SIGALRM just before write() is no loss */
};

static bool alarm_installed;
static uint64_t run_deadline_ms;    /* while supervised; 0 = no deadline or not running */
static bool stalled;
static uint64_t dropped_lines, dropped_bytes;

struct saved_terminal {
	bool saved;
	struct termios tio;
	struct winsize ws;
	bool has_ws;
};
static struct saved_terminal terminals[3];

static void on_alarm(int sig)
{
	(void)sig;   /* only there to make the blocked call fail EINTR */
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;   /* cannot happen with CLOCK_MONOTONIC; a bound of 0 drops the line */
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Arms SIGALRM in ms, then every REPEAT_MS; false when it cannot (then nothing is written). */
static bool arm_timer(uint64_t ms)
{
	struct itimerval it = {
		.it_interval = { .tv_usec = REPEAT_MS * 1000 },
		.it_value = { .tv_sec = (time_t)(ms / 1000u), .tv_usec = (suseconds_t)(ms % 1000u) * 1000 },
	};

	if (!alarm_installed) {
		struct sigaction sa;

		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_alarm;   /* no SA_RESTART: that is the point */
		if (sigemptyset(&sa.sa_mask) != 0 || sigaction(SIGALRM, &sa, NULL) != 0)
			return false;
		alarm_installed = true;
	}
	return setitimer(ITIMER_REAL, &it, NULL) == 0;
}

static void disarm_timer(void)
{
	static const struct itimerval off;

	(void)setitimer(ITIMER_REAL, &off, NULL);   /* cannot fail with valid arguments */
}

/* The bound of the next blocking call: WRITE_MS or STALLED_MS, cut at the deadline. */
static uint64_t bound_ms(void)
{
	uint64_t bound = stalled ? STALLED_MS : WRITE_MS, now = now_ms();

	if (run_deadline_ms) {
		uint64_t left = run_deadline_ms > now ? run_deadline_ms - now : 0;

		if (left < bound)
			bound = left;
	}
	return bound;
}

void guard_init(void)
{
	struct sigaction sa;

	/*
	 * A reader of sandrun's stdout or stderr that went away must not end sandrun before
	 * it killed the run and wrote the report: each write sees EPIPE instead (a lost
	 * --help or policy is then exit 125, a lost log line is counted).
	 */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	if (sigemptyset(&sa.sa_mask) != 0 || sigaction(SIGPIPE, &sa, NULL) != 0)
		die_sys("sigaction(SIGPIPE)");
}

void guard_set_deadline(uint64_t deadline_ms)
{
	run_deadline_ms = deadline_ms;
}

void guard_write_stderr(const char *buf, size_t len)
{
	uint64_t bound = bound_ms(), end = now_ms() + bound;
	size_t done = 0;
	bool cut = false;

	if (bound > 0 && arm_timer(bound)) {
		while (done < len) {
			ssize_t n = write(STDERR_FILENO, buf + done, len - done);

			if (n > 0) {
				done += (size_t)n;
			} else if (n < 0 && errno == EINTR) {
				if (now_ms() >= end) {
					cut = true;
					break;
				}
			} else {
				break;   /* EPIPE, EIO, ...: nobody reads it any more */
			}
		}
		disarm_timer();
	}
	/* A line dropped because the deadline has passed says nothing about stderr itself. */
	if (done < len) {
		dropped_lines++;
		dropped_bytes += len - done;
		if (cut)
			stalled = true;
	}
}

void guard_dropped(uint64_t *lines, uint64_t *bytes)
{
	*lines = dropped_lines;
	*bytes = dropped_bytes;
}

void guard_save_terminal(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		struct saved_terminal *t = &terminals[fd];

		t->saved = isatty(fd) && tcgetattr(fd, &t->tio) == 0;
		t->has_ws = t->saved && ioctl(fd, TIOCGWINSZ, &t->ws) == 0;
	}
}

/* Member by member: struct termios has padding, so memcmp could see a difference that is
 * none (and then only cost one needless tcsetattr). */
static bool same_termios(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag && a->c_cflag == b->c_cflag &&
	       a->c_lflag == b->c_lflag && memcmp(a->c_cc, b->c_cc, sizeof a->c_cc) == 0 &&
	       cfgetispeed(a) == cfgetispeed(b) && cfgetospeed(a) == cfgetospeed(b);
}

/*
 * One terminal back as saved, under the write bound (a tty's ioctls wait for its write
 * lock, interruptibly). Results are not checked on purpose: a terminal that hung up
 * (EIO) has nothing left to restore, and the run's status must not change for it.
 */
static void restore_one(int fd, const struct saved_terminal *t)
{
	struct termios now_tio;
	struct winsize now_ws;

	if (!arm_timer(WRITE_MS))
		return;
	/* Only the stall seen on a write proves the program stopped the output. */
	if (stalled)
		(void)tcflow(fd, TCOON);
	if (tcgetattr(fd, &now_tio) == 0 && !same_termios(&now_tio, &t->tio))
		(void)tcsetattr(fd, TCSANOW, &t->tio);
	if (t->has_ws && ioctl(fd, TIOCGWINSZ, &now_ws) == 0 &&
	    memcmp(&now_ws, &t->ws, sizeof now_ws) != 0)
		(void)ioctl(fd, TIOCSWINSZ, &t->ws);
	disarm_timer();
}

void guard_restore_terminal(void)
{
	struct stat seen[3];
	bool known[3] = { false, false, false };

	for (int fd = 0; fd <= 2; fd++) {
		bool again = false;

		known[fd] = terminals[fd].saved && fstat(fd, &seen[fd]) == 0;
		if (!known[fd])
			continue;
		/* The same terminal on several descriptors is restored once, from the first. */
		for (int prev = 0; prev < fd; prev++)
			again |= known[prev] && seen[prev].st_rdev == seen[fd].st_rdev;
		if (!again)
			restore_one(fd, &terminals[fd]);
	}
}
