/* t/kernels/kabi.c: prints the running kernel's Landlock ABI as the kernel reports it
 * ("0 ERRNO-NAME" when Landlock is absent or disabled), so the guest tests compare
 * sandrun's own answer with the kernel's, not with a number written in the test. */
#include <errno.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0) {
		printf("0 %s\n", strerrorname_np(errno) ? strerrorname_np(errno) : "unknown");
		return 0;
	}
	printf("%ld\n", abi);
	return 0;
}
