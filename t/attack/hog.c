/*
 * t/attack/hog.c: programs that push against a resource limit.
 * Usage: hog MODE [ARG]. Modes: spin (CPU forever), alloc MB (touch MB MiB in 1 MiB
 * steps, exit 1 on the first failure), reserve (a 1 GiB PROT_NONE mapping, then 16 MiB
 * touched), write N [FILE] (N bytes to FILE or stdout), files (open until refused),
 * segv, exit N.
 */
#include "attack.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static int alloc(long mb)
{
	for (long i = 0; i < mb; i++) {
		char *p = malloc(1 << 20);

		if (!p) {
			printf("alloc failed after %ld MiB\n", i);
			return 1;
		}
		memset(p, 1, 1 << 20);
	}
	printf("allocated %ld MiB\n", mb);
	return 0;
}

static int reserve(void)
{
	void *big = mmap(NULL, 1UL << 30, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (report("reserve 1 GiB", big == MAP_FAILED ? -1 : 0) != 0)
		return 1;
	return alloc(16);
}

static int write_bytes(long n, const char *path)
{
	int fd = path ? open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644) : 1;
	char buf[100];

	if (fd < 0)
		return report("open", -1);
	memset(buf, 'x', sizeof buf);
	/* A short write at the limit is retried: the next write is the one that is killed. */
	for (long done = 0; done < n;) {
		ssize_t w = write(fd, buf, sizeof buf);

		if (w < 0)
			return report("write", -1);
		done += w;
	}
	return 0;
}

static int open_files(void)
{
	int count = 0;

	while (open("/dev/null", O_RDONLY) >= 0)
		count++;
	printf("opened %d more\n", count);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	const char *arg = argc > 2 ? argv[2] : "0";

	setvbuf(stdout, NULL, _IONBF, 0);
	if (strcmp(mode, "spin") == 0)
		for (volatile unsigned long i = 0;; i++)
			;
	if (strcmp(mode, "alloc") == 0)
		return alloc(atol(arg));
	if (strcmp(mode, "reserve") == 0)
		return reserve();
	if (strcmp(mode, "write") == 0)
		return write_bytes(atol(arg), argc > 3 ? argv[3] : NULL);
	if (strcmp(mode, "files") == 0)
		return open_files();
	if (strcmp(mode, "segv") == 0)
		return *(volatile int *)0;
	if (strcmp(mode, "exit") == 0)
		return atoi(arg);
	fprintf(stderr, "usage: hog MODE [ARG]\n");
	return 2;
}
