/*
 * metadata.c: chmod and the utime family, performed by sandrun for files beneath a -W dir.
 *
 * Guarantees, without --allow-metadata and with at least one -W dir (filter.c then sends
 * chmod, fchmod, fchmodat, fchmodat2, utime, utimes, futimesat and utimensat here as
 * seccomp user notifications; the program's call never runs, it is never "continued"):
 * - The change is made by sandrun on the file it resolved itself, and only when that file
 *   lies beneath a -W dir and not beneath a -R dir; anything else is answered EPERM, as
 *   the plain filter row would. The program sees the real result (0 or -errno) otherwise.
 * - Modes lose S_ISUID and S_ISGID: a run never makes a set-id file, even of its own.
 * - No symbolic link is followed anywhere in the path, nor at its end: a path that
 *   contains one, or names one, is refused (chmod and utime of a link's target included).
 * - As root with --user the change runs with the run's uid, gid and only its gid as
 *   group (setgroups, setfsgid, setfsuid, read back): the kernel's own owner and write
 *   checks decide, with no capability (setfsuid to a non-zero id drops CAP_FOWNER, DAC).
 * Why it is race-free:
 * - The program's memory (path, times) is copied once, with process_vm_readv; sandrun uses
 *   only its copy, so a thread rewriting the buffer afterwards changes nothing. Its cwd and
 *   descriptors are opened through /proc/<tid>/cwd and /proc/<tid>/fd/<n> (the magic link
 *   gives the very file the program holds, no name is looked up again), and then
 *   SECCOMP_IOCTL_NOTIF_ID_VALID proves the tid still is the caller waiting for this
 *   answer, not a reused pid.
 * - The path is resolved with openat2(RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS), the
 *   last component apart with O_NOFOLLOW and RESOLVE_BENEATH from its parent; the result
 *   is a descriptor, and the change is made through that descriptor (/proc/self/fd/N,
 *   which names the inode held, never a path looked up again): check and use are on one
 *   inode. A swapped component gives a failed lookup or another file that is checked in
 *   turn, never a file that was not checked.
 * - "Beneath a -W dir" is decided by walking ".." up from the directory that holds the
 *   file (or the directory itself) and comparing each step's device and inode with the
 *   held -W and -R dirs: the first -W root reached decides, a -R dir met before it
 *   refuses. The program cannot move a directory across a -W boundary (Landlock denies
 *   removing or making entries outside -W), and cannot rename anything inside a -R dir
 *   (it cannot reach it), so renames it races with the walk leave the answer true.
 * - A file whose only name is outside -W (given by descriptor) is looked up by the name
 *   the kernel reports for it and must be the same inode, else refused.
 * Does not:
 * - chown, xattrs or inode flags: still EPERM (filter.c rows); setting a POSIX ACL
 *   (system.posix_acl_access, _default) is answered EOPNOTSUPP, nothing is set.
 * - see a -W dir through another path: a bind mount of it elsewhere is not beneath it
 *   (refused), and a -R dir's subdirectory bind-mounted inside a -W dir is not recognised.
 * - act under a nested sandrun or any other listener: the rows are then plain EPERM.
 */
#include "sandrun.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

/* Newer than the UAPI 6.1 headers; from 424 on x86_64 and arm64 share one numbering. */
#ifdef __NR_fchmodat2
#define NR_FCHMODAT2 __NR_fchmodat2
#else
#define NR_FCHMODAT2 452     /* Linux 6.6 */
#endif
#ifdef __NR_setxattrat
#define NR_SETXATTRAT __NR_setxattrat
#else
#define NR_SETXATTRAT 463    /* Linux 6.13 */
#endif
#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif
#define WALK_MAX 4096       /* ".." steps before a walk is refused: deeper than PATH_MAX allows */
#define MAX_GROUPS 256      /* sandrun's own supplementary groups, restored after each change */

/* A held directory: a -W or -R dir opened O_PATH before fork, with its identity. */
struct held {
	int fd;
	dev_t dev;
	ino_t ino;
};

static struct held *write_dirs, *deny_dirs;
static size_t write_count, deny_count;
static bool switch_ids;             /* root with --user: act as the run's uid and gid */
static uid_t run_uid;
static gid_t run_gid;
static gid_t own_groups[MAX_GROUPS];
static int own_group_count;
static uint64_t performed;

/* The calls this file answers; filter.c asks before it makes a row notify for us. */
static const int handled[] = {
#ifdef __NR_chmod
	__NR_chmod,
#endif
	__NR_fchmod, __NR_fchmodat, NR_FCHMODAT2,
#ifdef __NR_utime
	__NR_utime,
#endif
#ifdef __NR_utimes
	__NR_utimes,
#endif
#ifdef __NR_futimesat
	__NR_futimesat,
#endif
	__NR_utimensat,
	/* Setting an ACL only: answered EOPNOTSUPP, "no ACLs on this filesystem", on which
	 * cp -p and install (gnulib's qset_acl) fall back to fchmod, which is handled above.
	 * Every other xattr name keeps the row's EPERM; nothing is ever set. */
	__NR_setxattr, __NR_lsetxattr, __NR_fsetxattr, NR_SETXATTRAT,
};

bool metadata_handles(int nr)
{
	for (size_t i = 0; i < sizeof handled / sizeof handled[0]; i++) {
		if (handled[i] == nr)
			return true;
	}
	return false;
}

uint64_t metadata_performed(void)
{
	return performed;
}

static void hold_list(struct held **out, size_t *count, const struct strlist *in, const char *opt)
{
	struct stat st;

	*count = in->count;
	if (in->count == 0)
		return;
	*out = calloc(in->count, sizeof **out);
	if (!*out)
		die("out of memory");
	for (size_t i = 0; i < in->count; i++) {
		int fd = open(in->items[i], O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0 || fstat(fd, &st) != 0)
			die_sys("%s %s", opt, in->items[i]);
		(*out)[i] = (struct held){ fd, st.st_dev, st.st_ino };
	}
}

/* Before fork: hold every -W dir, and every -R and -H dir, whose content is the run's
 * neither to read nor to change (landlock.c has refused bad ones already). */
void metadata_prepare(const struct policy *p)
{
	struct strlist denied = { NULL, p->fs.deny_read.count + p->fs.hide.count };

	hold_list(&write_dirs, &write_count, &p->fs.allow_write, "--allow-write");
	if (denied.count > 0) {
		const char **items = calloc(denied.count, sizeof *items);

		if (!items)
			die("out of memory");
		for (size_t i = 0; i < p->fs.deny_read.count; i++)
			items[i] = p->fs.deny_read.items[i];
		for (size_t i = 0; i < p->fs.hide.count; i++)
			items[p->fs.deny_read.count + i] = p->fs.hide.items[i];
		denied.items = items;
	}
	hold_list(&deny_dirs, &deny_count, &denied, "a -R or -H dir");
	free((void *)denied.items);
	switch_ids = geteuid() == 0 && p->has_user;
	run_uid = p->uid;
	run_gid = p->gid;
	if (switch_ids) {
		own_group_count = getgroups(MAX_GROUPS, own_groups);
		if (own_group_count < 0)
			die_sys("getgroups");
	}
}

/* ---- acting as the run's user ---- */

static int become_run_user(void)
{
	if (!switch_ids)
		return 0;
	if (setgroups(1, &run_gid) != 0)
		return -errno;
	(void)setfsgid(run_gid);
	(void)setfsuid(run_uid);
	/* setfsuid and setfsgid report no error; the value they read back tells. */
	if ((uid_t)setfsuid((uid_t)-1) != run_uid || (gid_t)setfsgid((gid_t)-1) != run_gid)
		return -EPERM;
	return 0;
}

static void become_sandrun(void)
{
	if (!switch_ids)
		return;
	(void)setfsuid(geteuid());
	(void)setfsgid(getegid());
	if ((uid_t)setfsuid((uid_t)-1) != geteuid() || (gid_t)setfsgid((gid_t)-1) != getegid())
		die("setfsuid: could not return to sandrun's own ids");
	if (setgroups((size_t)own_group_count, own_groups) != 0)
		die_sys("setgroups (restoring sandrun's groups)");
}

/* ---- the caller's memory ---- */

/* Copies len bytes at addr from task pid; 0 or -errno (EFAULT for a bad pointer). */
static int read_memory(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len }, remote = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);

	if (n < 0)
		return errno == EFAULT ? -EFAULT : -EPERM;
	return (size_t)n == len ? 0 : -EFAULT;
}

/* Copies the NUL-terminated string at addr, page by page (a string may end just before an
 * unmapped page); -ENAMETOOLONG past PATH_MAX, as the kernel would answer. */
static int read_path(pid_t pid, uint64_t addr, char *buf, size_t size)
{
	size_t got = 0;

	if (addr == 0)
		return -EFAULT;
	while (got < size) {
		size_t chunk = 4096 - (size_t)((addr + got) % 4096);
		int err;

		if (chunk > size - got)
			chunk = size - got;
		err = read_memory(pid, addr + got, buf + got, chunk);
		if (err)
			return err;
		if (memchr(buf + got, '\0', chunk))
			return 0;
		got += chunk;
	}
	return -ENAMETOOLONG;
}

/* ---- one call, decoded ---- */

enum times_kind { NO_TIMES, UTIMBUF, TIMEVALS, TIMESPECS };

struct call {
	bool is_chmod;
	int dirfd;                    /* AT_FDCWD or the caller's descriptor */
	uint64_t path;                /* 0: the call names dirfd itself */
	unsigned flags;               /* AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH */
	mode_t mode;
	enum times_kind times_kind;
	uint64_t times;               /* pointer, 0 = now */
};

/* The arguments as the kernel reads them: descriptors, modes and flags are ints. */
static int decode(int nr, const uint64_t *a, struct call *c)
{
	*c = (struct call){ .dirfd = AT_FDCWD };
	switch (nr) {
#ifdef __NR_chmod
	case __NR_chmod:     c->is_chmod = true; c->path = a[0]; c->mode = (mode_t)a[1]; break;
#endif
	case __NR_fchmod:    c->is_chmod = true; c->dirfd = (int)a[0]; c->mode = (mode_t)a[1]; break;
	case __NR_fchmodat:  c->is_chmod = true; c->dirfd = (int)a[0]; c->path = a[1];
			     c->mode = (mode_t)a[2]; break;
	case NR_FCHMODAT2:   c->is_chmod = true; c->dirfd = (int)a[0]; c->path = a[1];
			     c->mode = (mode_t)a[2]; c->flags = (unsigned)a[3]; break;
#ifdef __NR_utime
	case __NR_utime:     c->path = a[0]; c->times_kind = UTIMBUF; c->times = a[1]; break;
#endif
#ifdef __NR_utimes
	case __NR_utimes:    c->path = a[0]; c->times_kind = TIMEVALS; c->times = a[1]; break;
#endif
#ifdef __NR_futimesat
	case __NR_futimesat: c->dirfd = (int)a[0]; c->path = a[1]; c->times_kind = TIMEVALS;
			     c->times = a[2]; break;
#endif
	case __NR_utimensat: c->dirfd = (int)a[0]; c->path = a[1]; c->times_kind = TIMESPECS;
			     c->times = a[2]; c->flags = (unsigned)a[3];
			     if (c->path == 0 && c->flags != 0)
				     return -EINVAL;   /* the kernel's answer for futimens with flags */
			     break;
	default:             return -EPERM;
	}
	if (c->path == 0 && nr != __NR_fchmod && nr != __NR_utimensat
#ifdef __NR_futimesat
	    && nr != __NR_futimesat
#endif
	    )
		return -EFAULT;
	if (c->path == 0 && c->dirfd == AT_FDCWD)
		return nr == __NR_fchmod ? -EBADF : -EFAULT;   /* no file named: as the kernel */
	if (c->flags & ~(unsigned)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	return 0;
}

/* The times to set, from the caller's memory; *now when the pointer is NULL. */
static int read_times(pid_t pid, const struct call *c, struct timespec ts[2], bool *now)
{
	*now = c->times == 0;
	if (*now)
		return 0;
	if (c->times_kind == UTIMBUF) {
		struct utimbuf u = { 0, 0 };
		int err = read_memory(pid, c->times, &u, sizeof u);

		ts[0] = (struct timespec){ u.actime, 0 };
		ts[1] = (struct timespec){ u.modtime, 0 };
		return err;
	}
	if (c->times_kind == TIMEVALS) {
		struct timeval tv[2] = { { 0, 0 }, { 0, 0 } };
		int err = read_memory(pid, c->times, tv, sizeof tv);

		for (int i = 0; i < 2 && !err; i++) {
			if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
				return -EINVAL;
			ts[i] = (struct timespec){ tv[i].tv_sec, tv[i].tv_usec * 1000 };
		}
		return err;
	}
	return read_memory(pid, c->times, ts, 2 * sizeof ts[0]);   /* the kernel checks nsec */
}

/* ---- resolving beneath a -W dir ---- */

static bool same_file(const struct stat *st, const struct held *h)
{
	return st->st_dev == h->dev && st->st_ino == h->ino;
}

/* True when dir (an O_PATH directory) is a -W dir or beneath one, with no -R dir between:
 * walks ".." up, comparing device and inode. Not consumed. */
static bool beneath_write_dir(int dir)
{
	int cur = openat(dir, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	bool found = false;
	struct stat st, up;

	for (int step = 0; cur >= 0 && step < WALK_MAX; step++) {
		int next;

		if (fstat(cur, &st) != 0)
			break;
		for (size_t i = 0; i < deny_count; i++) {
			if (same_file(&st, &deny_dirs[i]))
				goto out;
		}
		for (size_t i = 0; i < write_count; i++) {
			if (same_file(&st, &write_dirs[i])) {
				found = true;
				goto out;
			}
		}
		next = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (next < 0 || fstat(next, &up) != 0 || (up.st_dev == st.st_dev && up.st_ino == st.st_ino)) {
			if (next >= 0)
				close(next);
			break;   /* the root: no -W dir above */
		}
		close(cur);
		cur = next;
	}
out:
	if (cur >= 0)
		close(cur);
	return found;
}

static int open_beneath(int dirfd, const char *path, uint64_t flags, uint64_t resolve)
{
	struct open_how how = {
		.flags = flags | O_PATH | O_CLOEXEC,
		.resolve = resolve | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);

	return fd < 0 ? -1 : (int)fd;
}

/*
 * path relative to base (or absolute): the file as an O_PATH descriptor, when it lies
 * beneath a -W dir and is no symlink; else -EPERM, or -ENOENT when only the last
 * component is missing from a directory beneath a -W dir (touch -c relies on ENOENT;
 * elsewhere, as beneath a -R dir, no existence is told). The last component is looked
 * up apart, from its parent, so that the parent is the directory walked up from.
 */
static int resolve_path(int base, char *path)
{
	size_t len = strlen(path);
	char *slash, *name;
	int parent, file = -1;
	struct stat st;

	while (len > 1 && path[len - 1] == '/')
		path[--len] = '\0';
	slash = strrchr(path, '/');
	name = slash ? slash + 1 : path;
	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		/* "/", "dir/.", "..": a directory, which is walked up from itself. */
		file = open_beneath(base, path, O_DIRECTORY, 0);
		if (file >= 0 && !beneath_write_dir(file)) {
			close(file);
			file = -1;
		}
		return file >= 0 ? file : -EPERM;
	}
	if (slash == path)
		parent = open_beneath(base, "/", O_DIRECTORY, 0);
	else if (slash) {
		*slash = '\0';
		parent = open_beneath(base, path, O_DIRECTORY, 0);
		*slash = '/';
	} else {
		parent = open_beneath(base, ".", O_DIRECTORY, 0);
	}
	if (parent < 0)
		return -EPERM;
	file = open_beneath(parent, name, O_NOFOLLOW, RESOLVE_BENEATH);
	if (file < 0) {
		file = errno == ENOENT && beneath_write_dir(parent) ? -ENOENT : -EPERM;
	} else if (fstat(file, &st) != 0 || S_ISLNK(st.st_mode) ||
		   !beneath_write_dir(S_ISDIR(st.st_mode) ? file : parent)) {
		close(file);
		file = -EPERM;
	}
	close(parent);
	return file;
}

/* A file the caller holds by descriptor (held: our O_PATH copy of it): beneath a -W dir
 * if a directory, else if the name the kernel reports for it leads, beneath a -W dir,
 * to the same inode. Returns a descriptor for it, or a negative value. */
static int resolve_held(int held)
{
	char name[PATH_MAX], link[32];
	struct stat st, again;
	ssize_t n;
	int file;

	if (fstat(held, &st) != 0 || S_ISLNK(st.st_mode))
		return -1;
	if (S_ISDIR(st.st_mode))
		return beneath_write_dir(held) ? fcntl(held, F_DUPFD_CLOEXEC, 0) : -1;
	out_format(link, sizeof link, "/proc/self/fd/%d", held);
	n = readlink(link, name, sizeof name - 1);
	if (n <= 0 || name[0] != '/')
		return -1;   /* a pipe, socket or anonymous inode: no name, nothing to check */
	name[n] = '\0';
	file = resolve_path(AT_FDCWD, name);
	if (file >= 0 && (fstat(file, &again) != 0 || again.st_dev != st.st_dev ||
			  again.st_ino != st.st_ino)) {
		close(file);
		file = -1;
	}
	return file >= 0 ? file : -EPERM;
}

/* ---- answering ---- */

/* setxattr and its kin: EOPNOTSUPP for the POSIX ACL names, EPERM for any other. */
static int answer_xattr(pid_t pid, int nr, const uint64_t args[6])
{
	char name[256];
	uint64_t at = nr == NR_SETXATTRAT ? args[3] : args[1];

	if (read_path(pid, at, name, sizeof name) != 0)
		return -EPERM;
	if (strcmp(name, "system.posix_acl_access") == 0 ||
	    strcmp(name, "system.posix_acl_default") == 0)
		return -EOPNOTSUPP;
	return -EPERM;
}

/* Opens what the caller's dirfd (or cwd) is, through its /proc magic link: the same file,
 * not a name looked up again. Before ID_VALID, which proves the tid was still the caller. */
static int open_callers(pid_t pid, int dirfd)
{
	char link[64];
	int fd;

	if (dirfd == AT_FDCWD)
		out_format(link, sizeof link, "/proc/%d/cwd", (int)pid);
	else if (dirfd < 0)
		return -EBADF;
	else
		out_format(link, sizeof link, "/proc/%d/fd/%d", (int)pid, dirfd);
	fd = open(link, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -EBADF : -EPERM;
	return fd;
}

/* Makes the change on file (an O_PATH descriptor) through /proc/self/fd, which names the
 * inode held, never a path looked up again. 0 or -errno, the kernel's own answer. */
static int change(int file, const struct call *c, const struct timespec ts[2], bool now)
{
	char self[32];
	int r;

	out_format(self, sizeof self, "/proc/self/fd/%d", file);
	if (c->is_chmod)
		r = chmod(self, c->mode & 07777 & ~(mode_t)(S_ISUID | S_ISGID));
	else
		r = utimensat(AT_FDCWD, self, now ? NULL : ts, 0);
	return r == 0 ? 0 : -errno;
}

/*
 * One notified call from tid pid: 0 or -errno for the answer. *done is true when sandrun
 * made the change (or the kernel refused it on the file beneath -W, e.g. not the owner);
 * false when the call was refused by policy (EPERM) or malformed, which filter.c logs.
 */
int metadata_answer(int listener, uint64_t id, pid_t pid, int nr, const uint64_t args[6],
		    bool *done)
{
	static char path[PATH_MAX];
	struct timespec ts[2] = { { 0, 0 }, { 0, 0 } };
	struct call c;
	bool now = false, by_fd;
	int held = -1, file = -1, err;

	*done = false;
	path[0] = '\0';
	if (nr == __NR_setxattr || nr == __NR_lsetxattr || nr == __NR_fsetxattr ||
	    nr == NR_SETXATTRAT)
		return answer_xattr(pid, nr, args);
	err = decode(nr, args, &c);
	if (!err && c.path)
		err = read_path(pid, c.path, path, sizeof path);
	if (!err && !c.is_chmod)
		err = read_times(pid, &c, ts, &now);
	if (err)
		return err;
	by_fd = c.path == 0 || (path[0] == '\0' && (c.flags & AT_EMPTY_PATH));
	if (!by_fd && path[0] == '\0')
		return -ENOENT;
	if (by_fd || path[0] != '/') {
		held = open_callers(pid, c.dirfd);
		if (held < 0)
			return held;
	}
	/* Everything read from the caller is in hand: is the caller still the one waiting? */
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) != 0) {
		err = -ENOENT;
		goto out;
	}
	err = become_run_user();
	if (!err)
		file = by_fd ? resolve_held(held) : resolve_path(held >= 0 ? held : AT_FDCWD, path);
	if (file >= 0) {
		err = change(file, &c, ts, now);
		*done = true;
		if (err == 0 && performed < UINT64_MAX)
			performed++;
	} else {
		/* Not beneath a -W dir, beneath a -R dir, a symlink on the way: EPERM. */
		err = file == -ENOENT ? -ENOENT : -EPERM;
	}
	become_sandrun();   /* also after a partial switch: it resets every id, or dies */
out:
	if (file >= 0)
		close(file);
	if (held >= 0)
		close(held);
	return err;
}
