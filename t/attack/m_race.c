/*
 * t/attack/m_race.c: race sandrun's chmod/utime proxy (metadata.c) with symlink swaps.
 * Usage: m_race WDIR OUTSIDE_DIR [ROUNDS]
 * Inside WDIR (writable) it makes a real directory d holding f, and a symlink l -> OUTSIDE_DIR;
 * a file g and a symlink gl -> OUTSIDE_DIR/f. One thread swaps d with l and g with gl
 * (renameat2 RENAME_EXCHANGE) in a loop while the main thread chmods d/f and g to 04777
 * and sets their times to 2001: each call names, at some instant, the outside file.
 * Prints "chmod ok N, refused M" and the same for utimes; the test judges OUTSIDE_DIR/f
 * from outside (mode and mtime unchanged) and that some calls did succeed inside.
 */
#include "attack.h"
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

static char d[4096], l[4096], g[4096], gl[4096];
static atomic_bool stop;

static void *swapper(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		syscall(SYS_renameat2, AT_FDCWD, d, AT_FDCWD, l, 2 /* RENAME_EXCHANGE */);
		syscall(SYS_renameat2, AT_FDCWD, g, AT_FDCWD, gl, 2);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	char df[4096], target[4096], target_f[4096];
	long rounds = argc > 3 ? atol(argv[3]) : 20000;
	long chmod_ok = 0, chmod_no = 0, time_ok = 0, time_no = 0;
	struct timeval tv[2] = { { 978307200, 0 }, { 978307200, 0 } };   /* 2001-01-01 */
	pthread_t t;
	int fd;

	if (argc < 3)
		return fprintf(stderr, "usage: m_race WDIR OUTSIDE_DIR [ROUNDS]\n"), 2;
	snprintf(d, sizeof d, "%s/d", argv[1]);
	snprintf(l, sizeof l, "%s/l", argv[1]);
	snprintf(g, sizeof g, "%s/g", argv[1]);
	snprintf(gl, sizeof gl, "%s/gl", argv[1]);
	snprintf(df, sizeof df, "%s/d/f", argv[1]);
	snprintf(target, sizeof target, "%s", argv[2]);
	snprintf(target_f, sizeof target_f, "%s/f", argv[2]);
	if (mkdir(d, 0755) != 0 || (fd = open(df, O_CREAT | O_WRONLY, 0644)) < 0 || close(fd) != 0 ||
	    (fd = open(g, O_CREAT | O_WRONLY, 0644)) < 0 || close(fd) != 0 ||
	    symlink(target, l) != 0 || symlink(target_f, gl) != 0)
		return report("setup", -1), 2;
	if (pthread_create(&t, NULL, swapper, NULL) != 0)
		return report("pthread_create", -1), 2;
	for (long i = 0; i < rounds; i++) {
		const char *name = i % 2 ? g : df;

		if (chmod(name, 04777) == 0)
			chmod_ok++;
		else
			chmod_no++;
		if (utimes(name, tv) == 0)
			time_ok++;
		else
			time_no++;
	}
	atomic_store(&stop, true);
	pthread_join(t, NULL);
	printf("chmod ok %ld, refused %ld\n", chmod_ok, chmod_no);
	printf("utimes ok %ld, refused %ld\n", time_ok, time_no);
	return 0;
}
