/*
 * t/attack/ll_fsop.c: filesystem operations a confined program may try, one per row.
 * Usage: ll_fsop OP ARG... [OP ARG...]...   e.g. ll_fsop symlink /x W/l write W/l
 * Each operation prints "OP: ok" or "OP: ERRNO"; read and list also print what they
 * got, so the test can look for a secret in the output. Exit 0 when every operation
 * succeeded, 1 otherwise. The test judges the effect from outside, not this status.
 */
#include "attack.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

static const char payload[] = "written by ll_fsop\n";

static long do_read(char **a)
{
	char buf[4096];
	int fd = open(a[0], O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
	return n;
}

static long do_list(char **a)
{
	DIR *d = opendir(a[0]);
	struct dirent *e;

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL)
		printf("%s\n", e->d_name);
	closedir(d);
	return 0;
}

/* Opens with flags and writes the payload; O_APPEND so an allowed write shows as growth. */
static long open_write(const char *path, int flags)
{
	int fd = open(path, flags, 0644);
	long rc;

	if (fd < 0)
		return -1;
	rc = write(fd, payload, sizeof payload - 1);
	close(fd);
	return rc;
}

static long do_write(char **a) { return open_write(a[0], O_WRONLY | O_APPEND); }
static long do_create(char **a) { return open_write(a[0], O_WRONLY | O_CREAT | O_EXCL); }

/* O_RDONLY|O_TRUNC: before Landlock ABI 3 nothing could deny this truncation. */
static long do_otrunc(char **a)
{
	int fd = open(a[0], O_RDONLY | O_TRUNC);

	return fd < 0 ? -1 : close(fd);
}

static long do_truncate(char **a) { return truncate(a[0], 0); }
static long do_mkdir(char **a) { return mkdir(a[0], 0755); }
static long do_rmdir(char **a) { return rmdir(a[0]); }
static long do_unlink(char **a) { return unlink(a[0]); }
static long do_rename(char **a) { return rename(a[0], a[1]); }
static long do_link(char **a) { return link(a[0], a[1]); }
static long do_symlink(char **a) { return symlink(a[0], a[1]); }
static long do_mkfifo(char **a) { return mkfifo(a[0], 0644); }
static long do_exec(char **a) { execv(a[0], a); return -1; }

/* FIONREAD on a device opened here: Landlock ABI 5 denies it (EACCES), older ABIs not. */
static long do_ioctl(char **a)
{
	int n, fd = open(a[0], O_RDONLY);
	long rc;

	if (fd < 0)
		return -1;
	rc = ioctl(fd, FIONREAD, &n);
	close(fd);
	return rc;
}

static const struct op {
	const char *name;
	int argc;             /* -1: all remaining arguments */
	long (*fn)(char **a);
} ops[] = {
	{ "read", 1, do_read }, { "list", 1, do_list }, { "write", 1, do_write },
	{ "create", 1, do_create }, { "otrunc", 1, do_otrunc }, { "truncate", 1, do_truncate },
	{ "mkdir", 1, do_mkdir }, { "rmdir", 1, do_rmdir }, { "unlink", 1, do_unlink },
	{ "rename", 2, do_rename }, { "link", 2, do_link }, { "symlink", 2, do_symlink },
	{ "mkfifo", 1, do_mkfifo }, { "ioctl", 1, do_ioctl }, { "exec", -1, do_exec },
};

int main(int argc, char **argv)
{
	int failed = 0;

	for (int i = 1; i < argc;) {
		const struct op *op = NULL;

		for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
			if (strcmp(ops[k].name, argv[i]) == 0)
				op = &ops[k];
		}
		if (!op || (op->argc > 0 && i + op->argc >= argc) || (op->argc < 0 && i + 1 >= argc)) {
			fprintf(stderr, "ll_fsop: bad operation or missing argument at '%s'\n", argv[i]);
			return 2;
		}
		failed |= report(op->name, op->fn(argv + i + 1));
		fflush(stdout);
		i += op->argc < 0 ? argc : 1 + op->argc;
	}
	return failed;
}
