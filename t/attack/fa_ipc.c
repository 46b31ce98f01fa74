/*
 * t/attack/fa_ipc.c: leave System V IPC objects and a POSIX message queue behind.
 * Usage: fa_ipc make NAME   shmget(IPC_PRIVATE, 1 GiB), msgget, semget and
 *                           mq_open(NAME, O_CREAT); prints "CALL: ok id N" or the errno.
 *        fa_ipc exists NAME  mq_open(NAME) without O_CREAT: "mq_open: ok" or ENOENT, for
 *                            the test to look from outside (/dev/mqueue is often unmounted).
 *        fa_ipc unlink NAME  mq_unlink(NAME) (the test's cleanup, outside the sandbox).
 * Exit 0 if every call worked, 1 if any failed. NAME is given without the leading slash,
 * as the kernel's mq_open takes it.
 */
#include "attack.h"
#include <fcntl.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

static int show(const char *what, long rc)
{
	if (rc < 0)
		return report(what, rc);
	printf("%s: ok id %ld\n", what, rc);
	return 0;
}

int main(int argc, char **argv)
{
	int failed = 0;

	if (argc != 3)
		return fprintf(stderr, "usage: fa_ipc make|exists|unlink NAME\n"), 2;
	if (strcmp(argv[1], "exists") == 0)
		return report("mq_open", syscall(SYS_mq_open, argv[2], O_RDONLY, 0, NULL));
	if (strcmp(argv[1], "unlink") == 0)
		return report("mq_unlink", syscall(SYS_mq_unlink, argv[2]));
	failed |= show("shmget", shmget(IPC_PRIVATE, 1ul << 30, IPC_CREAT | 0600));
	failed |= show("msgget", msgget(IPC_PRIVATE, IPC_CREAT | 0600));
	failed |= show("semget", semget(IPC_PRIVATE, 1, IPC_CREAT | 0600));
	failed |= show("mq_open", syscall(SYS_mq_open, argv[2], O_CREAT | O_RDWR, 0600, NULL));
	return failed;
}
