/*
 * t/bench/floor.c: the floor of `make bench` (t/bench.sh). Not a test, not a sandbox.
 *
 *   floor [-W DIR]... -- PROGRAM [ARG]...
 *
 * Does the kernel work sandrun asks for, and nothing else: fork; in the child a process
 * group, uid and gid 65534 when run as root, a Landlock ruleset handling every right of
 * the running ABI (read and execute on /, read and write on /dev/null, /dev/zero and
 * /dev/full, every handled filesystem right beneath each -W DIR), no_new_privs, a seccomp
 * filter of four instructions that allows every x86_64 call, then execv (no PATH search).
 * The parent waits and exits with the child's code, or 128 + its signal.
 *
 * No timeout, no report, no closing of descriptors, no check of what it was given beyond
 * what the kernel refuses: any launcher pays at least this much, so a sandrun figure read
 * against the floor's shows sandrun's own share, and what is left is the kernel's.
 * A setup failure is one line on stderr and exit 125, as in sandrun.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The installed UAPI header may stop at REFER: the later values, from the kernel's. */
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)     /* ABI 5 */
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)      /* ABI 4 */
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)   /* ABI 6 */
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif

enum { EXIT_SETUP = 125, NOBODY = 65534 };

#define FS_ABI3 ((1ULL << 15) - 1)   /* bits 0-14: EXECUTE ... TRUNCATE */
#define READ_RIGHTS (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | \
		     LANDLOCK_ACCESS_FS_READ_DIR)
#define DEVICE_RIGHTS (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE)

static _Noreturn void setup_fail(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	_exit(EXIT_SETUP);
}

static void add_path_rule(int ruleset, const char *path, uint64_t rights)
{
	struct landlock_path_beneath_attr rule = { .allowed_access = rights };

	rule.parent_fd = open(path, O_PATH | O_CLOEXEC);
	if (rule.parent_fd < 0)
		setup_fail(path);
	if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) != 0)
		setup_fail(path);
	if (close(rule.parent_fd) != 0)
		setup_fail("close");
}

/*
 * The ruleset attribute as three u64 (fs, net, scoped), passed only as long as the ABI
 * knows: 8 bytes below ABI 4, 16 below ABI 6, 24 from there. Below ABI 3 truncate cannot
 * be denied, and sandrun refuses to run, so the floor does too.
 */
static void confine_fs(char **write_dirs, int n_write)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	uint64_t attr[3] = { FS_ABI3, 0, 0 };
	size_t attr_size = sizeof attr[0];
	int ruleset;

	if (abi < 0)
		setup_fail("landlock_create_ruleset(VERSION)");
	if (abi < 3) {
		fprintf(stderr, "floor: Landlock ABI %ld, needs 3\n", abi);
		_exit(EXIT_SETUP);
	}
	if (abi >= 4) {
		attr[1] = LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP;
		attr_size = 2 * sizeof attr[0];
	}
	if (abi >= 5)
		attr[0] |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	if (abi >= 6) {
		attr[2] = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL;
		attr_size = sizeof attr;
	}
	ruleset = (int)syscall(SYS_landlock_create_ruleset, attr, attr_size, 0);
	if (ruleset < 0)
		setup_fail("landlock_create_ruleset");
	add_path_rule(ruleset, "/", READ_RIGHTS);
	add_path_rule(ruleset, "/dev/null", DEVICE_RIGHTS);
	add_path_rule(ruleset, "/dev/zero", DEVICE_RIGHTS);
	add_path_rule(ruleset, "/dev/full", DEVICE_RIGHTS);
	for (int i = 0; i < n_write; i++)
		add_path_rule(ruleset, write_dirs[i], attr[0]);
	/* Landlock refuses an unprivileged caller without it, and seccomp below too. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		setup_fail("prctl(PR_SET_NO_NEW_PRIVS)");
	if (syscall(SYS_landlock_restrict_self, ruleset, 0) != 0)
		setup_fail("landlock_restrict_self");
	if (close(ruleset) != 0)
		setup_fail("close");
}

/* Kill another architecture's calls, allow everything else: the least a filter can be. */
static void install_filter(void)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof insns / sizeof insns[0], .filter = insns };

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
		setup_fail("seccomp(SECCOMP_SET_MODE_FILTER)");
}

/* The child, in sandrun's order: group, identity, Landlock, seccomp, exec. */
static _Noreturn void child(char **write_dirs, int n_write, char **argv)
{
	static const gid_t gid = NOBODY;
	static const uid_t uid = NOBODY;

	if (setpgid(0, 0) != 0)
		setup_fail("setpgid");
	/*
	 * Raw calls: libc's wrappers change the identity of every thread of the process
	 * (musl blocks all signals around each for that), a dozen calls this lone thread
	 * does not need. Groups first: after setresuid the others would fail EPERM.
	 */
	if (geteuid() == 0) {
		if (syscall(SYS_setgroups, 0, NULL) != 0)
			setup_fail("setgroups");
		if (syscall(SYS_setresgid, gid, gid, gid) != 0)
			setup_fail("setresgid");
		if (syscall(SYS_setresuid, uid, uid, uid) != 0)
			setup_fail("setresuid");
	}
	confine_fs(write_dirs, n_write);
	install_filter();
	execv(argv[0], argv);
	fprintf(stderr, "floor: %s: %s\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

static _Noreturn void usage(void)
{
	fprintf(stderr, "usage: floor [-W DIR]... -- PROGRAM [ARG]...\n");
	exit(EXIT_SETUP);
}

int main(int argc, char **argv)
{
	char **write_dirs = calloc((size_t)argc, sizeof *write_dirs);
	int n_write = 0, i = 1, status;
	pid_t pid;

	if (!write_dirs)
		setup_fail("calloc");
	while (i + 1 < argc && strcmp(argv[i], "-W") == 0) {
		write_dirs[n_write++] = argv[i + 1];
		i += 2;
	}
	if (i + 1 >= argc || strcmp(argv[i], "--") != 0)
		usage();
	pid = fork();
	if (pid < 0)
		setup_fail("fork");
	if (pid == 0)
		child(write_dirs, n_write, argv + i + 1);
	if (waitpid(pid, &status, 0) != pid)
		setup_fail("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
