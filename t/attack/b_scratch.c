/*
 * t/attack/b_scratch.c: tries to make -T's removal harm what lies outside the scratch dir.
 * Usage: b_scratch MODE [ARG]  (the scratch dir is $TMPDIR)
 *   stat            print the dir's mode and owner: "700 UID:GID"
 *   plant OUTSIDE   symlinks into the dir pointing at OUTSIDE (a file) and at its parent
 *                   directory, at the top and in a subdir, plus a hard link attempt: a
 *                   removal that followed one of them would delete OUTSIDE
 *   deep N          a chain of N nested dirs, each with a file, built with openat so no
 *                   path is ever longer than one name (deeper than PATH_MAX allows)
 * The test then checks from outside that OUTSIDE is intact and the scratch dir is gone.
 */
#include "attack.h"
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int plant(const char *dir, const char *outside)
{
	char *copy = strdup(outside), path[4096];
	int bad = 0;

	snprintf(path, sizeof path, "%s/link", dir);
	bad |= report("symlink to file", symlink(outside, path));
	snprintf(path, sizeof path, "%s/dirlink", dir);
	bad |= report("symlink to dir", symlink(dirname(copy), path));
	snprintf(path, sizeof path, "%s/sub", dir);
	bad |= report("mkdir sub", mkdir(path, 0700));
	snprintf(path, sizeof path, "%s/sub/link", dir);
	bad |= report("symlink in sub", symlink(outside, path));
	snprintf(path, sizeof path, "%s/hard", dir);
	report("hard link", link(outside, path));   /* Landlock may refuse it: either is fine */
	free(copy);
	return bad;
}

static int deep(const char *dir, long n)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	for (long i = 0; fd >= 0 && i < n; i++) {
		int file = openat(fd, "f", O_WRONLY | O_CREAT | O_EXCL, 0600);
		int next;

		if (file < 0 || close(file) != 0 || mkdirat(fd, "d", 0700) != 0)
			return report("deep", -1);
		next = openat(fd, "d", O_RDONLY | O_DIRECTORY);
		close(fd);
		fd = next;
	}
	return report("deep", fd >= 0 ? close(fd) : -1);
}

int main(int argc, char **argv)
{
	const char *dir = getenv("TMPDIR");
	struct stat st;

	if (!dir || argc < 2)
		return 2;
	if (strcmp(argv[1], "stat") == 0 && stat(dir, &st) == 0) {
		printf("%o %u:%u\n", (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid, (unsigned)st.st_gid);
		return 0;
	}
	if (strcmp(argv[1], "plant") == 0 && argc == 3)
		return plant(dir, argv[2]);
	if (strcmp(argv[1], "deep") == 0 && argc == 3)
		return deep(dir, atol(argv[2]));
	return 2;
}
