/*
 * t/attack/f_kernel.c: kernel interfaces the filter closes, each called with arguments
 * that would fail harmlessly (EFAULT, EBADF) or act on ourselves only if let through.
 * Usage: f_kernel MODE
 *   bpf, perf, io_uring       unreadable attribute pointers: EFAULT if allowed
 *   io_uring_enter            fd -1: EBADF if allowed
 *   userfaultfd               UFFD_USER_MODE_ONLY: works unprivileged
 *   keyctl                    KEYCTL_GET_KEYRING_ID of the user keyring, no creation
 *   add_key                   unreadable type pointer: EFAULT if allowed
 *   personality               ADDR_NO_RANDOMIZE for ourselves
 *   personality-query         0xffffffff (only reads it: must work)
 *   personality-high          ADDR_NO_RANDOMIZE | 1 << 32: the kernel reads 32 bits
 *   prlimit-self-pid          prlimit64(getpid(), ...) read only (pid 0 is the allowed form)
 *   prlimit-zero              prlimit64(0, ...) read only: must work
 */
#include "attack.h"
#include <fcntl.h>
#include <linux/keyctl.h>
#include <linux/userfaultfd.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BAD_POINTER ((void *)1)

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	struct rlimit old;

	if (!strcmp(mode, "bpf"))
		return report("bpf", syscall(SYS_bpf, 5 /* BPF_PROG_LOAD */, BAD_POINTER, 8));
	if (!strcmp(mode, "perf"))
		return report("perf_event_open", syscall(SYS_perf_event_open, BAD_POINTER, 0, -1, -1, 0));
	if (!strcmp(mode, "io_uring"))
		return report("io_uring_setup", syscall(SYS_io_uring_setup, 1, BAD_POINTER));
	if (!strcmp(mode, "io_uring_enter"))
		return report("io_uring_enter", syscall(SYS_io_uring_enter, -1, 0, 0, 0, NULL, 0));
	if (!strcmp(mode, "userfaultfd"))
		return report("userfaultfd", syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY));
	if (!strcmp(mode, "keyctl"))
		return report("keyctl", syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 0));
	if (!strcmp(mode, "add_key"))
		return report("add_key", syscall(SYS_add_key, BAD_POINTER, "d", NULL, 0, KEY_SPEC_USER_KEYRING));
	if (!strcmp(mode, "personality"))
		return report("personality", syscall(SYS_personality, ADDR_NO_RANDOMIZE));
	if (!strcmp(mode, "personality-query"))
		return report("personality", syscall(SYS_personality, 0xffffffffUL));
	if (!strcmp(mode, "personality-high"))
		return report("personality", syscall(SYS_personality, ADDR_NO_RANDOMIZE | (1UL << 32)));
	if (!strcmp(mode, "prlimit-self-pid"))
		return report("prlimit64", syscall(SYS_prlimit64, getpid(), RLIMIT_NOFILE, NULL, &old));
	if (!strcmp(mode, "prlimit-zero"))
		return report("prlimit64", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &old));
	fprintf(stderr, "f_kernel: unknown mode '%s'\n", mode);
	return 2;
}
