/*
 * outputs.c: the files sandrun opens for the run (-i, -o, -e) and where the report goes
 * (--report, --report-fd).
 *
 * Why: as root with --user, sandrun opens these itself, as root, before any confinement,
 * and a judge points them into the run's own -W dir, which the program of an earlier run
 * (or of this one, for the report) controls. A name there is the program's to choose.
 *
 * Guarantees:
 * - One resolver for all of them: openat2 with RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS
 *   (Linux 5.6; sandrun needs 6.2). The kernel walks the whole path and refuses any
 *   symbolic link on it, final component or directory on the way, with ELOOP; sandrun
 *   then exits 125 naming the path. No symlink is followed at all, not only those in
 *   directories the run's uid can write: telling "well-known system links" apart would be
 *   a list to keep, and the few a caller means (/dev/stdout, /dev/fd/N, a /tmp that is a
 *   link) have a plain alternative: leave -i/-o/-e out to keep sandrun's own descriptor,
 *   --report-fd N for the report, or resolve the path yourself (realpath) before the run.
 * - -o and -e end as regular files with one link (a hard link to another file, such as
 *   a root-only one planted in the -W dir, is refused: truncating it would write through
 *   to that file), or /dev/null. They are opened without O_TRUNC and with O_NONBLOCK (a
 *   FIFO without a reader fails at once with ENXIO, one with a reader is refused by the
 *   fstat check, so neither blocks sandrun), checked with fstat, and only then truncated
 *   with ftruncate. The same file for -o and -e is opened once.
 * - -i is opened by the same resolver (no symlink, so no root-only file reaches the
 *   program through a planted link), non-blocking for the same reason, and must not be a
 *   directory; FIFOs, devices and regular files are read as given. A planted hard link
 *   to a file the run's uid cannot read is stopped by the kernel's fs.protected_hardlinks
 *   (on by default), which refuses to create it.
 * - --report: its directory is resolved as above and held as an O_PATH descriptor from
 *   before the run to its end; the final name, if it exists, must be a regular file
 *   (checked before the run: 125; and again at the end: a report failure). The report is
 *   written to a new file of a random name (getrandom) created O_EXCL | O_NOFOLLOW
 *   relative to that descriptor, fsynced, and renameat'ed onto the final name relative
 *   to the same descriptor, after every process of the run is gone. A program that
 *   renames the directory and plants a symlink in its place moves the report with the
 *   directory: it is never written where the link points.
 * - --report-fd N: the report is written once, whole, at the end, to a descriptor the
 *   caller passed (pipe, socket, file). N is checked before anything runs: open and
 *   writable, else 125. N = 0 is refused (it is the program's standard input); 1 and 2
 *   are allowed (the report then follows whatever the program wrote there: by then every
 *   process of the run is gone, so nothing interleaves). N >= 3 is close-on-exec and is
 *   closed in the child anyway (pgroup_child_close_fds), so the program never holds it.
 * - A report that cannot be written is one line on stderr and exit 123 (EXIT_REPORT),
 *   never 125: the run happened, and its verdict line has been printed.
 * - Nested inside another sandrun, whose filter answers openat2 with ENOSYS, the same
 *   refusal is made by a walk of one O_PATH | O_NOFOLLOW open per component.
 * Does not:
 * - follow a symlink the caller means: see above for the alternatives.
 * - protect a report written to --report-fd from what else holds that descriptor.
 */
#include "sandrun.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>    /* renameat() only: no FILE, no printf */
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#ifndef SYS_openat2   /* 437 on every architecture (the unified syscall table) */
#define SYS_openat2 437
#endif

/* openat that retries EINTR (a FIFO's open can be interrupted by the deadline timer). */
static int open_at(int dir, const char *name, int flags, mode_t mode)
{
	int fd;

	do
		fd = openat(dir, name, flags, mode);
	while (fd < 0 && errno == EINTR);
	return fd;
}

/* ELOOP if fd is a symlink itself (what O_PATH | O_NOFOLLOW opens), as openat2 says. */
static int refuse_link(int fd)
{
	struct stat st;
	int rc = fstat(fd, &st);

	if (rc != 0 || S_ISLNK(st.st_mode)) {
		int err = rc != 0 ? errno : ELOOP;

		(void)close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/*
 * The same walk without openat2, for a sandrun nested inside another one, whose filter
 * answers openat2 with ENOSYS (filter.c: its mode sits behind a pointer). One component
 * at a time, each opened O_PATH | O_NOFOLLOW relative to the one before and refused if it
 * is a symlink; the last one is opened with the caller's flags and O_NOFOLLOW. "." and
 * ".." are walked as the kernel walks them; /proc's magic links are symlinks here too.
 */
static int resolve_by_walk(const char *path, int flags, mode_t mode)
{
	char name[256];
	int dir = open(path[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	const char *s = path;

	while (dir >= 0) {
		size_t len;
		int next;

		while (*s == '/')
			s++;
		len = strcspn(s, "/");
		if (len >= sizeof name) {
			(void)close(dir);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(name, len ? s : ".", len ? len : 1);
		name[len ? len : 1] = '\0';
		s += len;
		while (*s == '/')
			s++;
		if (*s == '\0') {   /* the last component: the caller's open */
			next = open_at(dir, name, flags | O_NOFOLLOW | O_CLOEXEC, mode);
			(void)close(dir);
			return next >= 0 && (flags & O_PATH) ? refuse_link(next) : next;
		}
		next = open_at(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
		(void)close(dir);
		dir = next >= 0 ? refuse_link(next) : -1;
	}
	return -1;
}

/* The whole path, no symlink anywhere on it; -1 and errno on failure. */
static int resolve(const char *path, uint64_t flags, uint64_t mode)
{
	struct open_how how = {
		.flags = flags | O_NOFOLLOW | O_CLOEXEC,
		.mode = mode,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	do
		fd = syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
	while (fd < 0 && errno == EINTR);
	if (fd < 0 && errno == ENOSYS)
		return resolve_by_walk(path, (int)flags, (mode_t)mode);
	return (int)fd;
}

/* The one line for a path that could not be opened: ELOOP is the refused symlink. */
static _Noreturn void die_open(const char *option, const char *path)
{
	if (errno == ELOOP)
		die("%s %s: a symbolic link on the path; refused (sandrun follows none)", option, path);
	if (errno == ENXIO)
		die("%s %s: not a regular file (a FIFO or socket); refused", option, path);
	die_sys("%s %s", option, path);
}

static void clear_nonblock(int fd, const char *option, const char *path)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0)
		die_sys("%s %s: fcntl", option, path);
}

static int open_input(const char *path)
{
	int fd = resolve(path, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0);
	struct stat st;

	if (fd < 0)
		die_open("--stdin", path);
	if (fstat(fd, &st) != 0)
		die_sys("--stdin %s", path);
	if (S_ISDIR(st.st_mode))
		die("--stdin %s: is a directory", path);
	clear_nonblock(fd, "--stdin", path);
	return fd;
}

static bool is_dev_null(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && st->st_rdev == makedev(1, 3);
}

/* Opened, not truncated: the caller truncates once every output has passed its checks. */
static int open_output(const char *option, const char *path, struct stat *st)
{
	int fd = resolve(path, O_WRONLY | O_CREAT | O_NONBLOCK | O_NOCTTY, 0644);

	if (fd < 0)
		die_open(option, path);
	if (fstat(fd, st) != 0)
		die_sys("%s %s", option, path);
	if (!S_ISREG(st->st_mode) && !is_dev_null(st))
		die("%s %s: not a regular file; refused", option, path);
	if (S_ISREG(st->st_mode) && st->st_nlink != 1)
		die("%s %s: has %lu hard links; refused (truncating it would write through them)",
		    option, path, (unsigned long)st->st_nlink);
	clear_nonblock(fd, option, path);
	return fd;
}

void outputs_open_stdio(const char *const paths[3], int fds[3])
{
	static const char *const names[3] = { "--stdin", "--stdout", "--stderr" };
	struct stat st[3] = { { 0 } };
	bool truncate_it[3] = { false, false, false };

	if (paths[0])
		fds[0] = open_input(paths[0]);
	for (int i = 1; i <= 2; i++) {
		if (!paths[i])
			continue;
		if (i == 2 && paths[1] && strcmp(paths[1], paths[2]) == 0) {
			fds[2] = fds[1];
			continue;
		}
		fds[i] = open_output(names[i], paths[i], &st[i]);
		truncate_it[i] = S_ISREG(st[i].st_mode);
		/* The same file twice is kept once: two truncating writers would overwrite each other. */
		if (i == 2 && paths[1] && st[1].st_dev == st[2].st_dev && st[1].st_ino == st[2].st_ino) {
			if (close(fds[2]) != 0)
				die_sys("--stderr %s: close", paths[2]);
			fds[2] = fds[1];
			truncate_it[2] = false;
		}
	}
	/* Only now, with every output checked: nothing is truncated for a run that is refused. */
	for (int i = 1; i <= 2; i++) {
		if (truncate_it[i] && ftruncate(fds[i], 0) != 0)
			die_sys("%s %s: ftruncate", names[i], paths[i]);
	}
}

/* ---- the report ---- */

static const char *report_path;   /* --report as given */
static char report_base[256];     /* its last component */
static char report_dirname[4096]; /* the directory part, as the messages name it */
static int report_dir = -1;       /* its directory, O_PATH, held from before the run */
static bool report_dir_failed;    /* resolving it failed: nowhere to write */
static int report_fd = -1;        /* --report-fd, once checked */

/* Splits path into the held directory and the base name; -1 and errno on failure. */
static int open_report_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	char *dir = report_dirname;
	size_t n;

	if (base[0] == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
	    strlen(base) >= sizeof report_base) {
		errno = EISDIR;
		return -1;
	}
	memcpy(report_base, base, strlen(base) + 1);
	if (!slash)
		n = out_format(dir, sizeof report_dirname, ".");
	else
		n = out_format(dir, sizeof report_dirname, "%.*s", (int)(slash - path) + (slash == path),
			       path);
	if (n >= sizeof report_dirname) {
		errno = ENAMETOOLONG;
		return -1;
	}
	report_dir = resolve(dir, O_PATH | O_DIRECTORY, 0);
	return report_dir;
}

/* The final name, if present, is a regular file; else false with a word for what it is. */
static bool final_name_ok(const char **what)
{
	struct stat st;

	if (fstatat(report_dir, report_base, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT;
	*what = S_ISDIR(st.st_mode) ? "a directory" : S_ISLNK(st.st_mode) ? "a symbolic link" :
		S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISREG(st.st_mode) ? "a regular file" :
		"a special file";
	return S_ISREG(st.st_mode);
}

static void prepare_report_fd(int fd)
{
	int fl = fcntl(fd, F_GETFL), acc = fl & O_ACCMODE;

	if (fl < 0)
		die_sys("--report-fd %d", fd);
	if (acc != O_WRONLY && acc != O_RDWR)
		die("--report-fd %d: not open for writing", fd);
	if (fd > 2 && fcntl(fd, F_SETFD, FD_CLOEXEC) != 0)
		die_sys("--report-fd %d: fcntl", fd);
	report_fd = fd;
}

void outputs_report_prepare(const char *path, int fd)
{
	const char *what = "";

	if (fd >= 0)
		prepare_report_fd(fd);   /* first: a bad --report path still reports there */
	if (!path)
		return;
	report_path = path;
	if (open_report_dir(path) < 0) {
		report_dir_failed = true;   /* there is nowhere to write the setup-error report */
		if (errno == ELOOP)
			die("--report %s: a symbolic link on the path; refused (sandrun follows none)", path);
		if (report_dirname[0] == '\0')
			die("--report %s: names a directory, not a file", path);
		die_sys("--report %s: directory %s", path, report_dirname);
	}
	if (!final_name_ok(&what)) {
		report_dir_failed = true;
		if (what[0] == '\0')
			die_sys("--report %s", path);
		die("--report %s: exists and is %s; refused (--report-fd N writes to a descriptor)",
		    path, what);
	}
	if (faccessat(report_dir, ".", W_OK | X_OK, 0) != 0) {
		report_dir_failed = true;
		die_sys("--report %s: directory %s", path, report_dirname);
	}
}

/* All of it, through short writes, EINTR and a non-blocking descriptor's EAGAIN. */
static bool write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w > 0) {
			s += w;
			n -= (size_t)w;
		} else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };

			if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
				return false;
		} else if (w == 0 || errno != EINTR) {
			if (w == 0)
				errno = EIO;
			return false;
		}
	}
	return true;
}

/* ".sandrun-" and 16 random hex digits, created O_EXCL in the held directory. */
static int create_temp(char *name, size_t size)
{
	for (unsigned attempt = 0; attempt < 16; attempt++) {
		uint64_t r;
		int fd;

		if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
			return -1;
		out_format(name, size, ".sandrun-%016llx", (unsigned long long)r);
		fd = openat(report_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}

static bool write_report_file(const char *text, size_t len)
{
	char tmp[32];
	const char *what = "";
	int fd, err;
	bool ok;

	if (report_dir_failed)
		return false;
	if (report_dir < 0 && open_report_dir(report_path) < 0) {   /* a setup error came first */
		out_warn("--report %s: %s", report_path, strerror(errno));
		return false;
	}
	if (!final_name_ok(&what)) {
		if (what[0] == '\0')
			out_warn("--report %s: %s; report not written", report_path, strerror(errno));
		else
			out_warn("--report %s: exists and is %s; report not written", report_path, what);
		return false;
	}
	fd = create_temp(tmp, sizeof tmp);
	if (fd < 0) {
		out_warn("--report %s: %s", report_path, strerror(errno));
		return false;
	}
	ok = write_all(fd, text, len) && fsync(fd) == 0;
	err = errno;
	if (close(fd) != 0 && ok) {
		ok = false;
		err = errno;
	}
	if (ok && renameat(report_dir, tmp, report_dir, report_base) != 0) {
		ok = false;
		err = errno;
	}
	if (!ok) {
		out_warn("--report %s: %s; report not written", report_path, strerror(err));
		(void)unlinkat(report_dir, tmp, 0);   /* the warning above already says it failed */
	}
	return ok;
}

bool outputs_report_write(const char *path, const char *text, size_t len)
{
	bool ok = true;

	if (path && !report_path)
		report_path = path;
	if (report_fd >= 0) {
		/* A reader that went away must not kill sandrun with SIGPIPE: the child is gone
		 * by now, so the disposition reaches no program. */
		(void)signal(SIGPIPE, SIG_IGN);
		if (!write_all(report_fd, text, len)) {
			out_warn("--report-fd %d: %s; report not written", report_fd, strerror(errno));
			ok = false;
		}
	}
	if (report_path && !write_report_file(text, len))
		ok = false;
	return ok;
}
