/*
 * scratch.c: -T, the run's private scratch directory, and its removal.
 *
 * Guarantees:
 * - The directory is new for each run: sandrun-<16 random [a-z0-9]> made with mkdirat
 *   (which fails on anything already there, a symlink included) beneath the caller's
 *   $TMPDIR when it is an absolute path, else /tmp; the name comes from getrandom(2).
 *   It is mode 0700 exactly (fchmod after mkdir, whatever the umask) and, with --user,
 *   owned by the run's uid and gid, so only that uid and root can enter it.
 * - runner.c makes it a -W dir (Landlock write rights beneath it) and sets TMPDIR, TMP
 *   and TEMP to it (and HOME under --user); -E still wins.
 * - scratch_remove() deletes it with everything in it, whatever the outcome: a normal
 *   end, a timeout, a fatal signal to sandrun, a setup error after it was made. It runs
 *   once no process of the run is alive (after pgroup_run returns, or after die() has
 *   killed the run), so the program cannot race it. Every step is relative to a held
 *   directory descriptor: unlinkat never follows a link, a subdirectory is opened with
 *   O_NOFOLLOW | O_DIRECTORY, so a symlink planted inside is removed as a link and what
 *   it points to is never touched. Depth is unbounded but descriptors are not: past
 *   MAX_DEPTH open levels, the deep directory is renamed (renameat, held fds) up to the
 *   top level and emptied from there later.
 * Does not:
 * - survive a SIGKILL to sandrun: the directory then stays (its random name is logged
 *   nowhere; clean $TMPDIR/sandrun-* with the tools of the system);
 * - keep other processes of the same uid that are not part of the run out of it: use a
 *   dedicated --user;
 * - bound its size: -f bounds each file, nothing bounds their number (use a quota).
 */
#include "sandrun.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>    /* renameat() only: no FILE, no printf */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MAX_DEPTH = 64, NAME_RANDOM = 16, MAX_TRIES = 100 };

static struct {
	int parent_fd;                /* the directory it was made in, held while exists */
	char name[32];                /* sandrun-XXXXXXXXXXXXXXXX */
	char path[PATH_MAX];
	pid_t owner;                  /* sandrun itself: a forked child never removes it */
	bool exists;
} scratch;   /* zero, so in .bss: an initializer would put PATH_MAX bytes in the file */

/* prefix followed by NAME_RANDOM characters of [a-z0-9] from getrandom. */
static void random_name(char *out, size_t size, const char *prefix)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char bytes[NAME_RANDOM];
	size_t len = strlen(prefix);

	if (getrandom(bytes, sizeof bytes, 0) != (ssize_t)sizeof bytes)
		die_sys("--tmpdir: getrandom");
	memcpy(out, prefix, len);
	/* 252 of 256 byte values map evenly onto 36 letters; the small bias is harmless for
	 * a name that mkdirat refuses to reuse anyway. */
	for (size_t i = 0; i < sizeof bytes && len + i + 1 < size; i++)
		out[len + i] = alphabet[bytes[i] % (sizeof alphabet - 1)];
	out[len + NAME_RANDOM < size ? len + NAME_RANDOM : size - 1] = '\0';
}

static const char *scratch_parent(void)
{
	const char *t = getenv("TMPDIR");

	return t && t[0] == '/' ? t : "/tmp";
}

const char *scratch_create(bool chown_to, uid_t uid, gid_t gid)
{
	const char *given = scratch_parent();
	char *real = realpath(given, NULL);
	int fd = -1;
	struct stat st;

	if (!real)
		die_sys("--tmpdir: %s", given);
	scratch.parent_fd = open(real, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (scratch.parent_fd < 0)
		die_sys("--tmpdir: %s", real);
	for (unsigned i = 0;; i++) {
		random_name(scratch.name, sizeof scratch.name, "sandrun-");
		if (mkdirat(scratch.parent_fd, scratch.name, 0700) == 0)
			break;
		if (errno != EEXIST || i + 1 == MAX_TRIES)
			die_sys("--tmpdir: mkdir in %s", real);
	}
	scratch.owner = getpid();
	scratch.exists = true;   /* from here on die() removes it */
	if (out_format(scratch.path, sizeof scratch.path, "%s%s%s", real,
		       strcmp(real, "/") ? "/" : "", scratch.name) >= sizeof scratch.path)
		die("--tmpdir: %s: path too long", real);
	free(real);
	fd = openat(scratch.parent_fd, scratch.name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fchmod(fd, 0700) != 0)
		die_sys("--tmpdir: %s", scratch.path);
	if (chown_to && fchown(fd, uid, gid) != 0)
		die_sys("--tmpdir: chown %s to %u:%u", scratch.path, (unsigned)uid, (unsigned)gid);
	if (fstat(fd, &st) != 0 || (st.st_mode & 07777) != 0700)
		die_sys("--tmpdir: %s: not mode 0700", scratch.path);
	if (close(fd) != 0)
		die_sys("--tmpdir: close %s", scratch.path);
	return scratch.path;
}

/* A subdirectory of dir_fd, never through a link. A dir the run left without rights for
 * its owner (possible with --allow-metadata) is given 0700 first: the name is stable,
 * as nothing of the run is alive, and it was just seen to be a directory. */
static int open_subdir(int dir_fd, const char *name)
{
	const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	int fd = openat(dir_fd, name, flags);

	if (fd < 0 && errno == EACCES && fchmodat(dir_fd, name, 0700, 0) == 0)
		fd = openat(dir_fd, name, flags);
	if (fd >= 0 && geteuid() != 0 && fchmod(fd, 0700) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A non-empty sub-dir n of fd: pushed onto the stack (1), or with the stack full renamed
 * up to the top, to be emptied from there (0); -1 on failure. */
static int push_subdir(int fd, const char *n, int *stack, int *depth)
{
	char up[32];

	if (*depth == MAX_DEPTH) {
		random_name(up, sizeof up, "deep-");
		return renameat(fd, n, stack[0], up) == 0 ? 0 : -1;
	}
	stack[*depth] = open_subdir(fd, n);
	if (stack[*depth] < 0)
		return -1;
	(*depth)++;
	return 1;
}

/*
 * One pass over the entries of stack[*depth - 1]: files, links, sockets and empty dirs
 * are unlinked; the first non-empty dir is pushed (or, at MAX_DEPTH, renamed up to the
 * top). Returns 1 when it pushed, 0 when the directory is now empty, -1 on error.
 */
static int clear_level(int *stack, int *depth)
{
	int fd = stack[*depth - 1], copy = dup(fd), pushed = 0;
	DIR *d = copy >= 0 ? fdopendir(copy) : NULL;
	struct dirent *e;

	if (!d) {
		if (copy >= 0)
			close(copy);
		return -1;
	}
	rewinddir(d);   /* the dup shares the offset an earlier pass moved */
	while (pushed == 0 && (errno = 0, e = readdir(d)) != NULL) {
		const char *n = e->d_name;
		bool is_dir;

		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
			continue;
		if (unlinkat(fd, n, 0) == 0 || errno == ENOENT)
			continue;
		is_dir = errno == EISDIR || errno == EPERM;   /* unlink(2) of a directory */
		if (is_dir && unlinkat(fd, n, AT_REMOVEDIR) == 0)
			continue;
		pushed = is_dir && (errno == ENOTEMPTY || errno == EEXIST) ? push_subdir(fd, n, stack, depth)
									    : -1;
	}
	if (e == NULL && errno != 0)
		pushed = -1;
	closedir(d);
	return pushed;
}

bool scratch_remove(void)
{
	int stack[MAX_DEPTH], depth = 1, r = 0;

	if (!scratch.exists || scratch.owner != getpid())
		return true;
	scratch.exists = false;
	stack[0] = open_subdir(scratch.parent_fd, scratch.name);
	if (stack[0] < 0)
		goto fail;
	while (depth > 0 && (r = clear_level(stack, &depth)) >= 0) {
		if (r == 0)
			close(stack[--depth]);   /* now empty: the level above removes it */
	}
	while (depth > 0)
		close(stack[--depth]);
	if (r < 0 || unlinkat(scratch.parent_fd, scratch.name, AT_REMOVEDIR) != 0)
		goto fail;
	close(scratch.parent_fd);
	return true;
fail:
	out_warn("--tmpdir %s: not removed: %s", scratch.path, strerror(errno));
	return false;
}
