/*
 * filter.c: the seccomp-BPF program, built by hand from the rule table below.
 *
 * Guarantees, for PROGRAM and everything it starts (the filter is inherited and cannot
 * be removed; a program may only add filters of its own, which can deny more, never less):
 * - A system call made through any ABI other than the build's native one (x86_64, or
 *   aarch64 when built there) kills the process: i386 "int $0x80" and, on x86_64, every
 *   x32 call (number with bit 0x40000000) end in SIGSYS, exit 159. The rules below are
 *   written in native numbers, so no other numbering can reach around them.
 * - Every number above LAST_KNOWN_NR (the highest syscall of Linux 6.18, reviewed for
 *   this table) fails with ENOSYS, so a newer kernel's calls are never allowed unread.
 * - Each row of rules[] returns its errno when its argument condition holds; the table
 *   is the whole list and --print-policy prints it from the same rows. In short:
 *   namespaces and mounts, clone with a CLONE_NEW* flag, clone3 (ENOSYS, libc falls
 *   back to clone), kernel and system administration, the io_uring, BPF, perf and
 *   userfaultfd interfaces, keyrings, tracing other processes, personality changes,
 *   prlimit64 on another process, leaving the process group (setsid, setpgid),
 *   changing the death signal (prctl PR_SET_PDEATHSIG), kill/tgkill of pid -1, terminal
 *   input injection (TIOCSTI, TIOCLINUX) and terminal state that outlives the run
 *   (TIOCSETD, TIOCEXCL, TIOCCONS, TCXONC, TIOCSCTTY, TIOCVHANGUP), socket() of every
 *   family (AF_UNIX with --allow-unix, all with --allow-net; with port rules only TCP
 *   stream sockets and no MSG_FASTOPEN sends), socketpair() other than AF_UNIX, and of a
 *   datagram type without --allow-unix/--allow-net; without --allow-ipc
 *   System V IPC, and POSIX message queues always; without --allow-metadata the chmod, chown,
 *   xattr, inode-flag and timestamp calls and setuid/setgid bits in a creation mode
 *   (open, openat, creat, mkdir, mknod; openat2 ENOSYS); with --procs 1, fork, vfork and
 *   clone without CLONE_THREAD (EAGAIN).
 * - sandrun itself cannot be starved or stopped by its program: the scheduler calls
 *   (sched_set*, setpriority, ioprio_set) on sandrun's pid or process group, or on the
 *   whole uid, are denied; below Landlock ABI 6 (no signal scope) so is every way to
 *   signal sandrun (kill of its pid or group, tkill, tgkill, rt_(tg)sigqueueinfo,
 *   pidfd_open of its pid, pidfd_send_signal, F_SETOWN, F_SETOWN_EX, FIOSETOWN, SIOCSPGRP).
 *   Its pid and group id are read when the filter is built, in sandrun before fork
 *   (enum value_src), and printed by --print-policy as numbers.
 * - Without --allow-metadata but with a -W dir, the chmod and utime rows (chmod, fchmod,
 *   fchmodat, fchmodat2, utime, utimes, futimesat, utimensat) notify sandrun, which holds
 *   the listener for them whether or not a log was asked for; metadata.c makes the change
 *   itself on the file it resolved beneath a -W dir (no symlink followed, the run's uid,
 *   setuid/setgid masked) and answers EPERM for any other file. Race-free because the
 *   call is never continued: sandrun acts on its own copy of the arguments and on
 *   descriptors it opened, so nothing the program changes afterwards is looked at again
 *   (metadata.c says how each step holds). Nested (another listener), they stay EPERM.
 *   The set-xattr rows go there too, only to answer EOPNOTSUPP for the POSIX ACL names
 *   (cp -p and install then fall back to fchmod); nothing is set, other names get EPERM.
 * - Every other call is allowed on its arch and number alone, never on an argument, so
 *   the kernel's per-filter action cache (5.11+) answers it without running the program.
 * - Argument tests compare the width the kernel reads. Every tested argument is an int or
 *   unsigned int in the kernel prototype (or truncated to 32 bits, clone flags; a creation
 *   mode is a 16-bit umode_t, whose setuid/setgid bits sit in the low word), so each
 *   test reads the low word only: a test that also required the high word to be 0 could
 *   be bypassed by setting it, as the kernel drops it (CVE-2019-7303, TIOCSTI). No rule
 *   tests a 64-bit value; pointers are never inspected, they could change after the check.
 * - The log of denied calls: the rows of the groups in group_logged[] return USER_NOTIF,
 *   and sandrun, which holds the only listener, answers each with the row's errno, never
 *   "continue", then counts it (one entry per syscall, bounded by the table; the report's
 *   "denied", --log-denied). The program sees the same errno as without the log. If
 *   sandrun is gone the kernel fails the call with ENOSYS: still denied. Inside another
 *   listener's chain (nested sandrun) the same rows are installed as plain ERRNO: as
 *   confined, unlogged, and the report says "unavailable: nested listener".
 * Does not:
 * - decide which files are read or written, nor TCP ports (landlock.c); rename, link,
 *   truncate and mknod are Landlock's too.
 * - bound processes beyond --procs 1 (RLIMIT_NPROC, runner.c), nor time (pgroup.c).
 * - filter anything the kernel exempts from seccomp by design (uretprobe, uprobe), nor
 *   numbers below LAST_KNOWN_NR that this kernel leaves unassigned and a later one might
 *   assign (the kernel answers ENOSYS for them today); nor the scheduling of other
 *   processes of the same uid outside the run (sandrun's own excepted), nor, below
 *   Landlock ABI 6, signals to them, except kill(-1) (Landlock's signal scope, ABI 6,
 *   landlock.c); with --allow-ipc, the System V IPC objects and queues of that uid.
 * - stop a nested run (sandrun inside sandrun, sharing the outer run's group) from
 *   kill(0) or setpriority(PRIO_PGRP, 0) on the group the inner sandrun is part of.
 * - stop a program that changes modes or times with --allow-metadata given (see README).
 * - log what it does not notify: Landlock denials (landlock.c; the program sees EACCES,
 *   sandrun sees nothing), the ENOSYS and --procs 1 rows, the arch/x32 kills (the exit
 *   status says 159), calls a program's own stacked filter answers first (its ERRNO
 *   outranks USER_NOTIF), and the memory behind pointer arguments (paths are not read).
 */
#include "sandrun.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/fs.h>
#include <linux/ioprio.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ---- the build's ABI ---- */

#if defined(__x86_64__) && !defined(__ILP32__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#define NATIVE_ARCH_NAME "AUDIT_ARCH_X86_64"
#define X32_SYSCALL_BIT 0x40000000u   /* __X32_SYSCALL_BIT: x32 numbers share the arch */
#elif defined(__aarch64__) && !defined(__ILP32__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#define NATIVE_ARCH_NAME "AUDIT_ARCH_AARCH64"
#else
#error "filter.c knows the syscall numbers of x86_64 and aarch64 only"
#endif

/* struct seccomp_data: nr @0, arch @4, args[i] @16+8i; classic BPF loads 32 bits. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LOW_WORD 0u
#else
#define LOW_WORD 4u
#endif
#define ARG_LOW(i) ((uint32_t)(offsetof(struct seccomp_data, args) + 8u * (i) + LOW_WORD))
_Static_assert(offsetof(struct seccomp_data, nr) == 0, "seccomp_data.nr at 0");
_Static_assert(offsetof(struct seccomp_data, arch) == 4, "seccomp_data.arch at 4");
_Static_assert(offsetof(struct seccomp_data, args) == 16, "seccomp_data.args at 16");

/*
 * The highest syscall number this table was reviewed against: file_setattr, Linux 6.18.
 * From 424 on x86_64 and aarch64 share one numbering, so the value holds for both.
 * Anything above returns ENOSYS (the kernel's own answer for an unknown call).
 */
#define LAST_KNOWN_NR 469

/* Numbers newer than the installed headers (UAPI 6.1; musl 1.2.3 lacks quotactl_fd too).
 * From 424 on every arch shares one numbering, so these hold on x86_64 and aarch64. */
#ifndef __NR_quotactl_fd
#define __NR_quotactl_fd 443
#endif
#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452
#endif
#ifndef __NR_setxattrat
#define __NR_setxattrat 463
#endif
#ifndef __NR_removexattrat
#define __NR_removexattrat 466
#endif
#ifndef __NR_open_tree_attr
#define __NR_open_tree_attr 467
#endif
#ifndef __NR_file_setattr
#define __NR_file_setattr 469
#endif

/* Every CLONE_NEW* flag clone(2) accepts; CLONE_NEWTIME (0x80) is only reachable through
 * unshare and clone3, both denied whole. */
#define CLONE_NEW_FLAGS (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | \
			 CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)
#define PERSONALITY_QUERY 0xffffffffu   /* personality(0xffffffff) only reads it */
#define PID_ALL 0xffffffffu             /* -1 as the kernel's int sees it: every process */

/* ---- the rule table ---- */

/* What a row tests before returning its errno. All tests read the low 32 bits. */
enum cond_op {
	ANY_ARGS,      /* no test: the number alone decides */
	EQ32,          /* low word == value */
	NE32,          /* low word != value */
	NOT_EITHER32,  /* low word is neither value nor value2 */
	ANY_BIT32,     /* low word & value != 0 */
	NO_BIT32,      /* low word & value == 0 */
};

/* A row's argument test, filling the test's members of struct rule by name. Each ends
 * with .arg, so the table's next column (when) lands on the member after arg. */
#define NO_TEST                .op = ANY_ARGS, .text = "", .arg = 0
#define ARG_EQ32(i, v)         .op = EQ32, .value = (uint32_t)(v), .text = #v, .arg = i
#define ARG_NE32(i, v)         .op = NE32, .value = (uint32_t)(v), .text = #v, .arg = i
#define ARG_NOT_EITHER32(i, v, w) .op = NOT_EITHER32, .value = (uint32_t)(v), \
			       .value2 = (uint32_t)(w), .text = #v ", " #w, .arg = i
#define ARG_ANY_BIT32(i, v)    .op = ANY_BIT32, .value = (uint32_t)(v), .text = #v, .arg = i
#define ARG_NO_BIT32(i, v)     .op = NO_BIT32, .value = (uint32_t)(v), .text = #v, .arg = i
/* A value read when the filter is built (build_program, in sandrun before fork), named by
 * one of enum value_src: the row compares the argument with sandrun's own pid or group. */
#define ARG_EQ32_AT_BUILD(i, src_) .op = EQ32, .src = (src_), .text = #src_, .arg = i

/* Where a row's compared value comes from. sandrun's pid and process group id are known
 * in the parent that builds the filter and do not change during the run; no process of
 * the run can have either as its pid (the kernel does not reuse a pid while it names a
 * live process or process group), so a row on them denies nothing of the run itself. */
enum value_src {
	VALUE_CONST,            /* .value as written in the table */
	SUPERVISOR_PID,         /* getpid() of sandrun */
	SUPERVISOR_PGID,        /* getpgrp() of sandrun (the caller's job, not the run's group) */
	SUPERVISOR_PGID_NEG,    /* -getpgrp(): kill()'s and F_SETOWN's "this process group" */
};

/* Which policies a row is part of. */
enum when {
	ALWAYS,
	NO_SOCKETS,    /* neither --allow-unix nor --allow-net nor a port rule */
	UNIX_ONLY,     /* --allow-unix without --allow-net */
	NO_NET,        /* without --allow-net */
	NO_METADATA,   /* without --allow-metadata */
	NO_NEW_PROCS,  /* --procs 1 */
	NO_SIGNAL_SCOPE, /* Landlock below ABI 6: no signal scope stops signals to sandrun */
	NO_IPC,        /* without --allow-ipc */
	NO_UNIX,       /* neither --allow-unix nor --allow-net, port rules or not */
	TCP_ONLY,      /* port rules (--allow-connect/--allow-bind), no --allow-unix/--allow-net */
	TCP_UNIX,      /* port rules and --allow-unix, no --allow-net */
	TCP_PORTS,     /* port rules, no --allow-net */
};

static const char *const when_names[] = {
	[ALWAYS] = "always", [NO_SOCKETS] = "no --allow-unix/--allow-net/port rules",
	[UNIX_ONLY] = "--allow-unix", [NO_NET] = "no --allow-net",
	[NO_METADATA] = "no --allow-metadata", [NO_NEW_PROCS] = "--procs 1",
	[NO_SIGNAL_SCOPE] = "Landlock ABI < 6", [NO_IPC] = "no --allow-ipc",
	[NO_UNIX] = "no --allow-unix/--allow-net, with or without port rules",
	[TCP_ONLY] = "port rules, no --allow-unix", [TCP_UNIX] = "port rules + --allow-unix",
	[TCP_PORTS] = "port rules",
};

enum group { NAMESPACES, KERNEL, TRACING, KEYRING, IDENTITY, PGROUP, SIGNALS, TERMINAL,
	     NETWORK, METADATA, PROCS, SCHEDULING, IPC };

static const char *const group_names[] = {
	[NAMESPACES] = "namespaces", [KERNEL] = "kernel", [TRACING] = "tracing",
	[KEYRING] = "keyring", [IDENTITY] = "personality", [PGROUP] = "pgroup",
	[SIGNALS] = "signals", [TERMINAL] = "terminal", [NETWORK] = "network",
	[METADATA] = "metadata", [PROCS] = "procs", [SCHEDULING] = "scheduling", [IPC] = "ipc",
};

/*
 * Which groups sandrun logs. A logged row returns SECCOMP_RET_USER_NOTIF: the caller
 * sleeps until sandrun, holding the listener, answers with the row's own errno (never
 * "continue"), so the program sees exactly what a plain ERRNO row would give it, and
 * sandrun records the call for the report and --log-denied. These are the attempts an
 * operator asks about: a program reaching for the network, a namespace or mount, the
 * kernel's administration and exploit surfaces, another process, the metadata of a file,
 * or a way out of the run's process group.
 * Not logged, answered by the filter alone:
 * - --procs 1 (fork, vfork, clone EAGAIN): libc and shells meet it as an ordinary
 *   "too many processes" and may retry; the run's limit, not an attempt to escape.
 * - ENOSYS rows (clone3): libc's cue to fall back to clone, met on every thread start.
 * - the arch/x32 kills and the ENOSYS above LAST_KNOWN_NR, which are not rows.
 * Notifying costs about 5 us per call against 0.2 us for ERRNO, which only a denied
 * call pays; allowed calls never reach sandrun.
 */
static const bool group_logged[] = {
	[NAMESPACES] = true, [KERNEL] = true, [TRACING] = true, [KEYRING] = true,
	[IDENTITY] = true, [PGROUP] = true, [SIGNALS] = true, [TERMINAL] = true,
	[NETWORK] = true, [METADATA] = true, [PROCS] = false, [SCHEDULING] = true, [IPC] = true,
};

/*
 * One row of the table, 32 bytes on 64-bit ABIs (48 with int-sized fields). A row reads
 * { group, SYS(name), errno, test, when }: SYS and the test macros fill their members by
 * name, and the plain column after each lands on the member declared right after the last
 * one named: err after name, when after arg. The assertions below hold that order; the
 * rest of it packs the row without holes. An errno or number too big for its field is a
 * compiler warning (gcc and clang, by default), so an error in make check.
 */
struct rule {
	unsigned char group;   /* enum group; first, as the table's first column */
	unsigned char op;      /* enum cond_op: what the row tests before answering */
	unsigned char arg;     /* the tested argument: an index into seccomp_data.args */
	unsigned char when;    /* enum when */
	uint32_t value;        /* compared with the argument's low 32 bits */
	const char *name;
	unsigned char err;     /* returned as -1/errno; the call does not run */
	unsigned char src;     /* enum value_src: VALUE_CONST, or a value read at build */
	uint16_t nr;
	uint32_t value2;       /* NOT_EITHER32's second value */
	const char *text;      /* the values as written in the table, for --print-policy */
};
_Static_assert(offsetof(struct rule, group) == 0, "group must be the first member");
_Static_assert(offsetof(struct rule, err) == offsetof(struct rule, name) + sizeof(const char *),
	       "err must follow name, where SYS() ends");
_Static_assert(offsetof(struct rule, when) == offsetof(struct rule, arg) + 1,
	       "when must follow arg, where the test macros end");

#define SYS(call) .nr = __NR_##call, .name = #call   /* number and printed name from one token */

static const struct rule rules[] = {
	/* Namespaces and mounts: open to uid 65534 on many systems, a large attack surface,
	 * and a way to build a private view of the filesystem around Landlock. */
	{ NAMESPACES, SYS(unshare),        EPERM,  NO_TEST, ALWAYS },
	{ NAMESPACES, SYS(setns),          EPERM,  NO_TEST, ALWAYS },
	{ NAMESPACES, SYS(clone),          EPERM,  ARG_ANY_BIT32(0, CLONE_NEW_FLAGS), ALWAYS },
	/* clone3's flags sit behind a pointer the filter cannot read: ENOSYS makes libc fall
	 * back to clone (glibc 2.36: pthread_create, posix_spawn), where the flags are seen. */
	{ NAMESPACES, SYS(clone3),         ENOSYS, NO_TEST, ALWAYS },
	{ NAMESPACES, SYS(chroot),         EPERM,  NO_TEST, ALWAYS },
	{ NAMESPACES, SYS(pivot_root),     EPERM,  NO_TEST, ALWAYS },
	{ NAMESPACES, SYS(mount),          EPERM,  NO_TEST, ALWAYS },
	{ NAMESPACES, SYS(umount2),        EPERM,  NO_TEST, ALWAYS },
	{ NAMESPACES, SYS(open_tree),      EPERM,  NO_TEST, ALWAYS },
	{ NAMESPACES, SYS(open_tree_attr), EPERM,  NO_TEST, ALWAYS },
	{ NAMESPACES, SYS(move_mount),     EPERM,  NO_TEST, ALWAYS },
	{ NAMESPACES, SYS(fsopen),         EPERM,  NO_TEST, ALWAYS },
	{ NAMESPACES, SYS(fsconfig),       EPERM,  NO_TEST, ALWAYS },
	{ NAMESPACES, SYS(fsmount),        EPERM,  NO_TEST, ALWAYS },
	{ NAMESPACES, SYS(fspick),         EPERM,  NO_TEST, ALWAYS },
	{ NAMESPACES, SYS(mount_setattr),  EPERM,  NO_TEST, ALWAYS },

	/* Kernel and system administration: most fail without capabilities anyway; listed so
	 * that the answer does not depend on the capabilities a run might hold. */
	{ KERNEL, SYS(init_module),       EPERM, NO_TEST, ALWAYS },
	{ KERNEL, SYS(finit_module),      EPERM, NO_TEST, ALWAYS },
	{ KERNEL, SYS(delete_module),     EPERM, NO_TEST, ALWAYS },
	{ KERNEL, SYS(kexec_load),        EPERM, NO_TEST, ALWAYS },
	{ KERNEL, SYS(kexec_file_load),   EPERM, NO_TEST, ALWAYS },
	{ KERNEL, SYS(reboot),            EPERM, NO_TEST, ALWAYS },
	{ KERNEL, SYS(swapon),            EPERM, NO_TEST, ALWAYS },
	{ KERNEL, SYS(swapoff),           EPERM, NO_TEST, ALWAYS },
	{ KERNEL, SYS(acct),              EPERM, NO_TEST, ALWAYS },
	{ KERNEL, SYS(syslog),            EPERM, NO_TEST, ALWAYS },
	{ KERNEL, SYS(quotactl),          EPERM, NO_TEST, ALWAYS },
	{ KERNEL, SYS(quotactl_fd),       EPERM, NO_TEST, ALWAYS },
	{ KERNEL, SYS(settimeofday),      EPERM, NO_TEST, ALWAYS },
	{ KERNEL, SYS(clock_settime),     EPERM, NO_TEST, ALWAYS },
	{ KERNEL, SYS(clock_adjtime),     EPERM, NO_TEST, ALWAYS },
	{ KERNEL, SYS(adjtimex),          EPERM, NO_TEST, ALWAYS },
	{ KERNEL, SYS(sethostname),       EPERM, NO_TEST, ALWAYS },
	{ KERNEL, SYS(setdomainname),     EPERM, NO_TEST, ALWAYS },
	{ KERNEL, SYS(vhangup),           EPERM, NO_TEST, ALWAYS },
#ifdef __NR_iopl
	{ KERNEL, SYS(iopl),              EPERM, NO_TEST, ALWAYS },
#endif
#ifdef __NR_ioperm
	{ KERNEL, SYS(ioperm),            EPERM, NO_TEST, ALWAYS },
#endif
#ifdef __NR_uselib
	{ KERNEL, SYS(uselib),            EPERM, NO_TEST, ALWAYS },
#endif
	/* Exploit primitives, and io_uring, whose operations (IORING_OP_SOCKET, ...) are
	 * never seen by seccomp. */
	{ KERNEL, SYS(bpf),               EPERM, NO_TEST, ALWAYS },
	{ KERNEL, SYS(perf_event_open),   EPERM, NO_TEST, ALWAYS },
	{ KERNEL, SYS(userfaultfd),       EPERM, NO_TEST, ALWAYS },
	{ KERNEL, SYS(io_uring_setup),    EPERM, NO_TEST, ALWAYS },
	{ KERNEL, SYS(io_uring_enter),    EPERM, NO_TEST, ALWAYS },
	{ KERNEL, SYS(io_uring_register), EPERM, NO_TEST, ALWAYS },
	/* File handles bypass path lookup; fanotify watches files of other processes. */
	{ KERNEL, SYS(name_to_handle_at), EPERM, NO_TEST, ALWAYS },
	{ KERNEL, SYS(open_by_handle_at), EPERM, NO_TEST, ALWAYS },
	{ KERNEL, SYS(fanotify_init),     EPERM, NO_TEST, ALWAYS },

	/* Keyrings are per uid and shared with every other process of that uid. */
	{ KEYRING, SYS(add_key),     EPERM, NO_TEST, ALWAYS },
	{ KEYRING, SYS(request_key), EPERM, NO_TEST, ALWAYS },
	{ KEYRING, SYS(keyctl),      EPERM, NO_TEST, ALWAYS },

	/* Reading or steering other processes; a tracer can also defeat seccomp. */
	{ TRACING, SYS(ptrace),            EPERM, NO_TEST, ALWAYS },
	{ TRACING, SYS(process_vm_readv),  EPERM, NO_TEST, ALWAYS },
	{ TRACING, SYS(process_vm_writev), EPERM, NO_TEST, ALWAYS },
	{ TRACING, SYS(kcmp),              EPERM, NO_TEST, ALWAYS },
	{ TRACING, SYS(pidfd_getfd),       EPERM, NO_TEST, ALWAYS },
	{ TRACING, SYS(process_madvise),   EPERM, NO_TEST, ALWAYS },
	/* pid_t arguments, 32 bits; 0 means the caller itself, which stays allowed. */
	{ TRACING, SYS(move_pages),        EPERM, ARG_NE32(0, 0), ALWAYS },
	{ TRACING, SYS(migrate_pages),     EPERM, ARG_NE32(0, 0), ALWAYS },
	{ TRACING, SYS(prlimit64),         EPERM, ARG_NE32(0, 0), ALWAYS },

	/* personality (unsigned int): only the default and the query; others turn off ASLR
	 * (ADDR_NO_RANDOMIZE) or make every mapping executable (READ_IMPLIES_EXEC). */
	{ IDENTITY, SYS(personality), EPERM, ARG_NOT_EITHER32(0, PER_LINUX, PERSONALITY_QUERY), ALWAYS },

	/* Leaving the run's process group: both escape kill(-pgid) (pgroup.c still reaps them
	 * through its subreaper walk; this keeps the group whole). */
	{ PGROUP, SYS(setsid),  EPERM, NO_TEST, ALWAYS },
	{ PGROUP, SYS(setpgid), EPERM, NO_TEST, ALWAYS },

	/* The death signal sandrun set (SIGKILL when sandrun dies) is the process's own to
	 * clear or change (prctl(2)); the option is an int. Reading it (PR_GET_PDEATHSIG)
	 * stays allowed. sandrun sets it in the child before this filter is installed. */
	{ PGROUP, SYS(prctl),   EPERM, ARG_EQ32(0, PR_SET_PDEATHSIG), ALWAYS },

	/* pid -1 signals every process the uid may signal, outside the run too (pid_t). */
	{ SIGNALS, SYS(kill),   EPERM, ARG_EQ32(0, PID_ALL), ALWAYS },
	{ SIGNALS, SYS(tgkill), EPERM, ARG_EQ32(0, PID_ALL), ALWAYS },
	/*
	 * Signals to sandrun itself where Landlock has no signal scope (ABI < 6), so that a
	 * same-uid program can neither stop nor kill its supervisor. Every pid is a pid_t
	 * (int); the value is sandrun's, read when the filter is built. kill's negative pid
	 * names a group: -pgid reaches sandrun's; -pid names a group only when sandrun leads
	 * it, and then pid == pgid. tgkill, rt_tgsigqueueinfo: the kernel signals the thread
	 * only if it belongs to the tgid in arg0, so arg0 alone decides (sandrun has one
	 * thread, whose tid is its pid, which covers tkill). A pidfd cannot be told apart by
	 * its number, and a /proc/<pid> directory descriptor is one too: pidfd_send_signal is
	 * denied whole. F_SETOWN's owner (arg2) would need a second argument test, so both
	 * F_SETOWN and F_SETOWN_EX (owner behind a pointer) are denied whole, and the
	 * ioctls that set an owner (FIOSETOWN, SIOCSPGRP, pointers) too: with the owner
	 * unset, F_SETSIG and O_ASYNC signal nobody.
	 */
	{ SIGNALS, SYS(kill),              EPERM, ARG_EQ32_AT_BUILD(0, SUPERVISOR_PID), NO_SIGNAL_SCOPE },
	{ SIGNALS, SYS(kill),              EPERM, ARG_EQ32_AT_BUILD(0, SUPERVISOR_PGID_NEG), NO_SIGNAL_SCOPE },
	{ SIGNALS, SYS(tkill),             EPERM, ARG_EQ32_AT_BUILD(0, SUPERVISOR_PID), NO_SIGNAL_SCOPE },
	{ SIGNALS, SYS(tgkill),            EPERM, ARG_EQ32_AT_BUILD(0, SUPERVISOR_PID), NO_SIGNAL_SCOPE },
	{ SIGNALS, SYS(rt_sigqueueinfo),   EPERM, ARG_EQ32_AT_BUILD(0, SUPERVISOR_PID), NO_SIGNAL_SCOPE },
	{ SIGNALS, SYS(rt_tgsigqueueinfo), EPERM, ARG_EQ32_AT_BUILD(0, SUPERVISOR_PID), NO_SIGNAL_SCOPE },
	{ SIGNALS, SYS(pidfd_open),        EPERM, ARG_EQ32_AT_BUILD(0, SUPERVISOR_PID), NO_SIGNAL_SCOPE },
	{ SIGNALS, SYS(pidfd_send_signal), EPERM, NO_TEST, NO_SIGNAL_SCOPE },
	{ SIGNALS, SYS(fcntl),             EPERM, ARG_EQ32(1, F_SETOWN), NO_SIGNAL_SCOPE },
	{ SIGNALS, SYS(fcntl),             EPERM, ARG_EQ32(1, F_SETOWN_EX), NO_SIGNAL_SCOPE },
	{ SIGNALS, SYS(ioctl),             EPERM, ARG_EQ32(1, FIOSETOWN), NO_SIGNAL_SCOPE },
	{ SIGNALS, SYS(ioctl),             EPERM, ARG_EQ32(1, SIOCSPGRP), NO_SIGNAL_SCOPE },

	/*
	 * Scheduling of sandrun: lowering another process's priority needs no capability
	 * between processes of one uid, and Landlock has no scope for it, so a program could
	 * starve its supervisor past the deadline. Every pid and "who" is an int; sandrun's
	 * pid and group are read at build. One argument per row suffices: for setpriority
	 * and ioprio_set a "who" equal to sandrun's pid or pgid is denied whatever "which"
	 * says (no process of the run has either as its pid or group, so nothing of the run
	 * is lost), and the uid-wide "which" (PRIO_USER, IOPRIO_WHO_USER, which would lower
	 * sandrun too) is denied whatever "who" says. prlimit64, migrate_pages and
	 * move_pages are denied for every pid but 0 below (tracing).
	 */
	{ SCHEDULING, SYS(sched_setscheduler), EPERM, ARG_EQ32_AT_BUILD(0, SUPERVISOR_PID), ALWAYS },
	{ SCHEDULING, SYS(sched_setparam),     EPERM, ARG_EQ32_AT_BUILD(0, SUPERVISOR_PID), ALWAYS },
	{ SCHEDULING, SYS(sched_setattr),      EPERM, ARG_EQ32_AT_BUILD(0, SUPERVISOR_PID), ALWAYS },
	{ SCHEDULING, SYS(sched_setaffinity),  EPERM, ARG_EQ32_AT_BUILD(0, SUPERVISOR_PID), ALWAYS },
	{ SCHEDULING, SYS(setpriority),        EPERM, ARG_EQ32(0, PRIO_USER), ALWAYS },
	{ SCHEDULING, SYS(setpriority),        EPERM, ARG_EQ32_AT_BUILD(1, SUPERVISOR_PID), ALWAYS },
	{ SCHEDULING, SYS(setpriority),        EPERM, ARG_EQ32_AT_BUILD(1, SUPERVISOR_PGID), ALWAYS },
	{ SCHEDULING, SYS(ioprio_set),         EPERM, ARG_EQ32(0, IOPRIO_WHO_USER), ALWAYS },
	{ SCHEDULING, SYS(ioprio_set),         EPERM, ARG_EQ32_AT_BUILD(1, SUPERVISOR_PID), ALWAYS },
	{ SCHEDULING, SYS(ioprio_set),         EPERM, ARG_EQ32_AT_BUILD(1, SUPERVISOR_PGID), ALWAYS },

	/* Terminal state beyond the run (cmd is unsigned int; the kernel compares 32 bits):
	 * typing into the terminal the run shares with its caller (TIOCSTI, TIOCLINUX); a
	 * line discipline (TIOCSETD: N_NULL swallows all output), exclusive mode (TIOCEXCL:
	 * every later open fails EBUSY), the console redirect (TIOCCONS), flow control
	 * (TCXONC: TCOOFF blocks every writer, sandrun included), taking the terminal as
	 * controlling terminal (TIOCSCTTY) and hanging it up (TIOCVHANGUP). Reading ioctls
	 * (TCGETS, TIOCGWINSZ, TIOCGPGRP) stay allowed, and so do TCSETS* and TIOCSWINSZ:
	 * raw mode and a window size are the program's while it runs; sandrun restores the
	 * termios and window size it found when it exits (pgroup.c). */
	{ TERMINAL, SYS(ioctl), EPERM, ARG_EQ32(1, TIOCSTI), ALWAYS },
	{ TERMINAL, SYS(ioctl), EPERM, ARG_EQ32(1, TIOCLINUX), ALWAYS },
	{ TERMINAL, SYS(ioctl), EPERM, ARG_EQ32(1, TIOCSETD), ALWAYS },
	{ TERMINAL, SYS(ioctl), EPERM, ARG_EQ32(1, TIOCEXCL), ALWAYS },
	{ TERMINAL, SYS(ioctl), EPERM, ARG_EQ32(1, TIOCCONS), ALWAYS },
	{ TERMINAL, SYS(ioctl), EPERM, ARG_EQ32(1, TCXONC), ALWAYS },
	{ TERMINAL, SYS(ioctl), EPERM, ARG_EQ32(1, TIOCSCTTY), ALWAYS },
	{ TERMINAL, SYS(ioctl), EPERM, ARG_EQ32(1, TIOCVHANGUP), ALWAYS },

	/* Sockets: the family is an int. socketpair() can reach nobody outside. */
	{ NETWORK, SYS(socket),     EPERM, NO_TEST, NO_SOCKETS },
	{ NETWORK, SYS(socket),     EPERM, ARG_NE32(0, AF_UNIX), UNIX_ONLY },
	{ NETWORK, SYS(socketpair), EPERM, ARG_NE32(0, AF_UNIX), NO_NET },
	/*
	 * A datagram end of a socketpair is connected to its peer, yet sendto() with an
	 * address, or a new connect(), reaches any datagram socket outside; stream and
	 * seqpacket ends cannot. The type is an int whose low nibble is the kind (the kernel
	 * masks SOCK_TYPE_MASK, 0xf, and refuses any other bit but SOCK_NONBLOCK 04000 and
	 * SOCK_CLOEXEC 02000000, neither of which touches bit 1). Bit 1 (SOCK_DGRAM, 2) is
	 * set in DGRAM 2, RAW 3 (AF_UNIX makes it a datagram socket), DCCP 6 and PACKET 10
	 * (refused by AF_UNIX anyway) and clear in STREAM 1, RDM 4 and SEQPACKET 5. With
	 * --allow-unix, socket(AF_UNIX, SOCK_DGRAM) is allowed anyway.
	 */
	{ NETWORK, SYS(socketpair), EPERM, ARG_ANY_BIT32(1, SOCK_DGRAM), NO_UNIX },

	/*
	 * System V IPC and POSIX message queues: their objects outlive the run (until removed
	 * or reboot), shared memory is not counted in RLIMIT_AS until attached, and a queue
	 * opened by name is not subject to Landlock. Without --allow-ipc nothing is created
	 * or looked up by key or name; the calls that take an id (shmat, msgsnd, semop, ...)
	 * could then only reach other processes' objects and are denied too. POSIX queues
	 * stay denied with --allow-ipc as well: the kernel creates the name before Landlock
	 * refuses to open the queue (its internal mount lies beneath no rule, EACCES), so an
	 * allowed mq_open could only leave names behind.
	 */
	{ IPC, SYS(shmget),     EPERM, NO_TEST, NO_IPC },
	{ IPC, SYS(shmat),      EPERM, NO_TEST, NO_IPC },
	{ IPC, SYS(shmctl),     EPERM, NO_TEST, NO_IPC },
	{ IPC, SYS(msgget),     EPERM, NO_TEST, NO_IPC },
	{ IPC, SYS(msgsnd),     EPERM, NO_TEST, NO_IPC },
	{ IPC, SYS(msgrcv),     EPERM, NO_TEST, NO_IPC },
	{ IPC, SYS(msgctl),     EPERM, NO_TEST, NO_IPC },
	{ IPC, SYS(semget),     EPERM, NO_TEST, NO_IPC },
#ifdef __NR_semop
	{ IPC, SYS(semop),      EPERM, NO_TEST, NO_IPC },
#endif
	{ IPC, SYS(semtimedop), EPERM, NO_TEST, NO_IPC },
	{ IPC, SYS(semctl),     EPERM, NO_TEST, NO_IPC },
	{ IPC, SYS(mq_open),    EPERM, NO_TEST, ALWAYS },
	{ IPC, SYS(mq_unlink),  EPERM, NO_TEST, ALWAYS },
	/* Port rules (--allow-connect, --allow-bind): Landlock decides the port of a TCP
	 * connect or bind and nothing else, so no other socket may exist. Family, type and
	 * protocol are ints. Family: AF_INET or AF_INET6 (with --allow-unix also AF_UNIX: no
	 * row can test two values besides, so ~0xb leaves 0-3 and 8-11, and the rows after it
	 * take out AF_AX25, AF_ATMPVC, AF_X25 and AF_ROSE; AF_UNSPEC fails EAFNOSUPPORT). */
	{ NETWORK, SYS(socket), EPERM, ARG_NOT_EITHER32(0, AF_INET, AF_INET6), TCP_ONLY },
	{ NETWORK, SYS(socket), EPERM, ARG_ANY_BIT32(0, ~(AF_UNIX | AF_INET | AF_INET6)), TCP_UNIX },
	{ NETWORK, SYS(socket), EPERM, ARG_EQ32(0, AF_AX25), TCP_UNIX },
	{ NETWORK, SYS(socket), EPERM, ARG_EQ32(0, AF_ATMPVC), TCP_UNIX },
	{ NETWORK, SYS(socket), EPERM, ARG_EQ32(0, AF_X25), TCP_UNIX },
	{ NETWORK, SYS(socket), EPERM, ARG_EQ32(0, AF_ROSE), TCP_UNIX },
	/* Type: the kernel takes type & 0xf (SOCK_TYPE_MASK) and refuses other bits than
	 * SOCK_NONBLOCK and SOCK_CLOEXEC, so a type passing "no bit of 0xe" has low nibble 0
	 * (invalid) or 1, SOCK_STREAM: DGRAM 2, RAW 3, RDM 4, SEQPACKET 5, DCCP 6 and PACKET
	 * 10 all set one. This holds AF_UNIX to SOCK_STREAM too under --allow-unix: the
	 * filter cannot test the type for one family only (README says so). */
	{ NETWORK, SYS(socket), EPERM, ARG_ANY_BIT32(1, 0xe), TCP_PORTS },
	/* Protocol: 0 or IPPROTO_TCP. Landlock checks only sockets that are TCP proper
	 * (sk_is_tcp, since the 2025 fix "landlock: Fix non-TCP sockets restriction"): a
	 * SOCK_STREAM socket of IPPROTO_MPTCP or IPPROTO_SCTP would reach any port. */
	{ NETWORK, SYS(socket), EPERM, ARG_NOT_EITHER32(2, 0, IPPROTO_TCP), TCP_PORTS },
	/* TCP Fast Open: sendto/sendmsg with MSG_FASTOPEN connects inside tcp_sendmsg, where
	 * no LSM connect hook runs (landlock-lsm/linux issue 41, open for the kernels that
	 * have ABI 4): an unlisted port could be reached. Linux 6.18 was seen answering
	 * EACCES itself; the rows keep older kernels closed. flags is an unsigned int. They
	 * make these calls test an argument on every call, under port rules only. */
	{ NETWORK, SYS(sendto),   EPERM, ARG_ANY_BIT32(3, MSG_FASTOPEN), TCP_PORTS },
	{ NETWORK, SYS(sendmsg),  EPERM, ARG_ANY_BIT32(2, MSG_FASTOPEN), TCP_PORTS },
	{ NETWORK, SYS(sendmmsg), EPERM, ARG_ANY_BIT32(3, MSG_FASTOPEN), TCP_PORTS },

	/* Metadata: Landlock has no right for modes, owners, xattrs, inode flags or times, so
	 * without these rows a program could change them on any file its uid owns, or
	 * backdate any file it may write to, read-only hierarchy or not. */
#ifdef __NR_chmod
	{ METADATA, SYS(chmod),         EPERM, NO_TEST, NO_METADATA },
#endif
	{ METADATA, SYS(fchmod),        EPERM, NO_TEST, NO_METADATA },
	{ METADATA, SYS(fchmodat),      EPERM, NO_TEST, NO_METADATA },
	{ METADATA, SYS(fchmodat2),     EPERM, NO_TEST, NO_METADATA },
#ifdef __NR_chown
	{ METADATA, SYS(chown),         EPERM, NO_TEST, NO_METADATA },
#endif
#ifdef __NR_lchown
	{ METADATA, SYS(lchown),        EPERM, NO_TEST, NO_METADATA },
#endif
	{ METADATA, SYS(fchown),        EPERM, NO_TEST, NO_METADATA },
	{ METADATA, SYS(fchownat),      EPERM, NO_TEST, NO_METADATA },
	{ METADATA, SYS(setxattr),      EPERM, NO_TEST, NO_METADATA },
	{ METADATA, SYS(lsetxattr),     EPERM, NO_TEST, NO_METADATA },
	{ METADATA, SYS(fsetxattr),     EPERM, NO_TEST, NO_METADATA },
	{ METADATA, SYS(setxattrat),    EPERM, NO_TEST, NO_METADATA },
	{ METADATA, SYS(removexattr),   EPERM, NO_TEST, NO_METADATA },
	{ METADATA, SYS(lremovexattr),  EPERM, NO_TEST, NO_METADATA },
	{ METADATA, SYS(fremovexattr),  EPERM, NO_TEST, NO_METADATA },
	{ METADATA, SYS(removexattrat), EPERM, NO_TEST, NO_METADATA },
	{ METADATA, SYS(file_setattr),  EPERM, NO_TEST, NO_METADATA },
	/* chattr's ioctls, the older form of file_setattr (cmd is unsigned int). */
	{ METADATA, SYS(ioctl),         EPERM, ARG_EQ32(1, FS_IOC_SETFLAGS), NO_METADATA },
	{ METADATA, SYS(ioctl),         EPERM, ARG_EQ32(1, FS_IOC32_SETFLAGS), NO_METADATA },
	{ METADATA, SYS(ioctl),         EPERM, ARG_EQ32(1, FS_IOC_FSSETXATTR), NO_METADATA },
#ifdef __NR_utime
	{ METADATA, SYS(utime),         EPERM, NO_TEST, NO_METADATA },
#endif
#ifdef __NR_utimes
	{ METADATA, SYS(utimes),        EPERM, NO_TEST, NO_METADATA },
#endif
#ifdef __NR_futimesat
	{ METADATA, SYS(futimesat),     EPERM, NO_TEST, NO_METADATA },
#endif
	{ METADATA, SYS(utimensat),     EPERM, NO_TEST, NO_METADATA },
	/*
	 * Setuid and setgid bits at creation: chmod is denied, but a mode given to open,
	 * mkdir or mknod with umask(0) would set them. The mode is a umode_t (16 bits) the
	 * kernel takes from the register's low half; the rest of the mode is the program's.
	 * open and openat without O_CREAT/O_TMPFILE ignore the mode, and glibc and musl pass
	 * 0 there, so ordinary opens never match. openat2's mode sits in a struct behind a
	 * pointer: ENOSYS, and libc's open() never uses openat2. These are the only rows
	 * on open/openat, hot calls: allowed ones run one load and one jset more.
	 */
#ifdef __NR_open
	{ METADATA, SYS(open),          EPERM, ARG_ANY_BIT32(2, S_ISUID | S_ISGID), NO_METADATA },
#endif
	{ METADATA, SYS(openat),        EPERM, ARG_ANY_BIT32(3, S_ISUID | S_ISGID), NO_METADATA },
	{ METADATA, SYS(openat2),       ENOSYS, NO_TEST, NO_METADATA },
#ifdef __NR_creat
	{ METADATA, SYS(creat),         EPERM, ARG_ANY_BIT32(1, S_ISUID | S_ISGID), NO_METADATA },
#endif
#ifdef __NR_mkdir
	{ METADATA, SYS(mkdir),         EPERM, ARG_ANY_BIT32(1, S_ISUID | S_ISGID), NO_METADATA },
#endif
	{ METADATA, SYS(mkdirat),       EPERM, ARG_ANY_BIT32(2, S_ISUID | S_ISGID), NO_METADATA },
#ifdef __NR_mknod
	{ METADATA, SYS(mknod),         EPERM, ARG_ANY_BIT32(1, S_ISUID | S_ISGID), NO_METADATA },
#endif
	{ METADATA, SYS(mknodat),       EPERM, ARG_ANY_BIT32(2, S_ISUID | S_ISGID), NO_METADATA },

	/* --procs 1: no new process, threads still work. EAGAIN is fork's own "too many
	 * processes" answer. clone reads its flags as 32 bits. */
#ifdef __NR_fork
	{ PROCS, SYS(fork),  EAGAIN, NO_TEST, NO_NEW_PROCS },
#endif
#ifdef __NR_vfork
	{ PROCS, SYS(vfork), EAGAIN, NO_TEST, NO_NEW_PROCS },
#endif
	{ PROCS, SYS(clone), EAGAIN, ARG_NO_BIT32(0, CLONE_THREAD), NO_NEW_PROCS },
};
#define RULE_COUNT (sizeof rules / sizeof rules[0])

static bool rule_logged(const struct rule *r)
{
	return group_logged[r->group] && r->err != ENOSYS;
}

/*
 * With a -W dir and without --allow-metadata, the chmod and utime rows go to sandrun,
 * which performs the change itself when the file lies beneath a -W dir, else answers the
 * row's EPERM (metadata.c, where the race-freedom argument is written out). It is never
 * "continue": the program's call does not run, so nothing it changes in its memory or
 * its filesystem after the notification can redirect the call. Only sandrun's copy of
 * the path and times, and the descriptors sandrun opened, are used.
 */
static bool rule_proxied(const struct rule *r)
{
	return r->group == METADATA && metadata_handles(r->nr);
}

static bool rule_active(const struct rule *r, const struct sys_policy *sys)
{
	switch ((enum when)r->when) {
	case ALWAYS:       return true;
	case NO_SOCKETS:   return !sys->allow_unix && !sys->allow_net && !sys->tcp_ports;
	case UNIX_ONLY:    return sys->allow_unix && !sys->allow_net && !sys->tcp_ports;
	case NO_NET:       return !sys->allow_net;
	case NO_METADATA:  return !sys->allow_metadata;
	case NO_NEW_PROCS: return sys->no_new_procs;
	case NO_SIGNAL_SCOPE: return !sys->signal_scoped;
	case NO_IPC:       return !sys->allow_ipc;
	case NO_UNIX:      return !sys->allow_unix && !sys->allow_net;
	case TCP_ONLY:     return sys->tcp_ports && !sys->allow_unix && !sys->allow_net;
	case TCP_UNIX:     return sys->tcp_ports && sys->allow_unix && !sys->allow_net;
	case TCP_PORTS:    return sys->tcp_ports && !sys->allow_net;
	}
	return true;   /* unreachable; an unknown row stays in force */
}

/* sandrun's pid and process group id, read by build_program (in sandrun, before fork);
 * the program, the log's matching_row and --print-policy all compare with these. */
static pid_t supervisor_pid, supervisor_pgid;

/* The value a row compares with: its constant, or what build_program read. As the kernel's
 * int sees it: -pgid is its two's complement low word. */
static uint32_t row_value(const struct rule *r)
{
	switch ((enum value_src)r->src) {
	case VALUE_CONST:         return r->value;
	case SUPERVISOR_PID:      return (uint32_t)supervisor_pid;
	case SUPERVISOR_PGID:     return (uint32_t)supervisor_pgid;
	case SUPERVISOR_PGID_NEG: return (uint32_t)-supervisor_pgid;
	}
	return r->value;
}

/* ---- the program and its one emitter ---- */

/*
 * The program is written from its last instruction backwards. BPF jumps only forward,
 * so every target already exists when a jump is written and its offset is exact. An
 * instruction's "position" counts from the end (0 = the last one); a jump written at
 * position p to position t skips p - t - 1 instructions.
 */
enum { SHARED_RETS = 8 };   /* more than the distinct answers a program can give */

struct program {
	struct sock_filter ins[BPF_MAXINSNS];   /* filled from the end */
	size_t len;
	bool notify;           /* a listener exists: logged (or proxied) rows return USER_NOTIF */
	bool log;              /* --report or --log-denied: the logged rows notify */
	bool proxy;            /* metadata.c answers the chmod and utime rows */
	size_t ret_at[SHARED_RETS];   /* the latest RET of each answer, for emit_ret */
	size_t ret_count;
};

static const struct sock_filter *program_start(const struct program *p)
{
	return p->ins + BPF_MAXINSNS - p->len;
}

/* The one place an instruction is added; returns its position. */
static size_t emit(struct program *p, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
	if (p->len == BPF_MAXINSNS)
		die("seccomp filter: more than %d BPF instructions; the kernel refuses that",
		    BPF_MAXINSNS);
	p->ins[BPF_MAXINSNS - 1 - p->len] = (struct sock_filter){ code, jt, jf, k };
	return p->len++;
}

/* Instructions between the next one written and position to. */
static size_t skip_to(const struct program *p, size_t to)
{
	return p->len - to - 1;
}

/*
 * Identical answers share one RET while a jump written now still reaches it in 8 bits.
 * The kernel converts, JITs and emulates every instruction at install, and single-use
 * RETs were half the program: sharing them took a third off the seccomp() call. A jump
 * written later that falls out of reach goes through emit_jump's JA hop, so sharing is
 * never wrong, at worst one instruction longer.
 */
static size_t emit_ret(struct program *p, uint32_t action)
{
	size_t *latest = NULL, at;

	for (size_t i = 0; i < p->ret_count; i++) {
		if (p->ins[BPF_MAXINSNS - 1 - p->ret_at[i]].k != action)
			continue;
		if (skip_to(p, p->ret_at[i]) <= 255)
			return p->ret_at[i];
		latest = &p->ret_at[i];
	}
	at = emit(p, BPF_RET | BPF_K, action, 0, 0);
	if (!latest && p->ret_count < SHARED_RETS)
		latest = &p->ret_at[p->ret_count++];
	if (latest)
		*latest = at;
	return at;
}

static size_t emit_load(struct program *p, uint32_t offset)
{
	return emit(p, BPF_LD | BPF_W | BPF_ABS, offset, 0, 0);
}

/* A conditional jump; a target beyond the 8-bit offset is reached through a BPF_JA hop. */
static size_t emit_jump(struct program *p, uint16_t op, uint32_t k, size_t jt_to, size_t jf_to)
{
	if (skip_to(p, jt_to) > 255)
		jt_to = emit(p, BPF_JMP | BPF_JA, (uint32_t)skip_to(p, jt_to), 0, 0);
	if (skip_to(p, jf_to) > 255)
		jf_to = emit(p, BPF_JMP | BPF_JA, (uint32_t)skip_to(p, jf_to), 0, 0);
	return emit(p, BPF_JMP | op | BPF_K, k, (uint8_t)skip_to(p, jt_to),
		    (uint8_t)skip_to(p, jf_to));
}

static uint32_t ret_errno(int err)
{
	return SECCOMP_RET_ERRNO | ((uint32_t)err & SECCOMP_RET_DATA);
}

/* A row's answer: its errno, or a notification sandrun answers with that errno (logged
 * rows) or with the result of the change it made itself (proxied rows, metadata.c). */
static uint32_t row_action(const struct program *p, const struct rule *r)
{
	if (p->notify && ((p->proxy && rule_proxied(r)) || (p->log && rule_logged(r))))
		return SECCOMP_RET_USER_NOTIF;
	return ret_errno(r->err);
}

/* ---- from the table to the program ---- */

/*
 * The active rows sorted by number, cut into segments of consecutive numbers that share
 * one answer: a run of numbers without rows (allowed), one number with its rows, and
 * everything above LAST_KNOWN_NR (ENOSYS). The binary search looks for the segment.
 */
enum segment_kind { SEG_ALLOW, SEG_RULES, SEG_NEWER };

struct segment {
	uint32_t first_nr;
	enum segment_kind kind;
	size_t row, count;       /* SEG_RULES: sorted[row .. row+count-1] */
};

struct plan {
	const struct rule *sorted[RULE_COUNT];
	size_t rule_count;
	struct segment seg[2 * RULE_COUNT + 2];
	size_t seg_count;
};

/* Number order, table order within one number: the order of the tests in the program. */
static bool comes_before(const struct rule *a, const struct rule *b)
{
	return a->nr != b->nr ? a->nr < b->nr : a < b;
}

/* An insertion sort of the hundred-odd rows: musl's qsort took some 20 us for it, a
 * sizeable share of sandrun's own startup. */
static void sort_by_number(const struct rule **rows, size_t count)
{
	for (size_t i = 1; i < count; i++) {
		const struct rule *row = rows[i];
		size_t j = i;

		for (; j > 0 && comes_before(row, rows[j - 1]); j--)
			rows[j] = rows[j - 1];
		rows[j] = row;
	}
}

static void add_segment(struct plan *pl, uint32_t first_nr, enum segment_kind kind, size_t row)
{
	pl->seg[pl->seg_count++] = (struct segment){ first_nr, kind, row, 0 };
}

static void check_rows_of_one_number(const struct plan *pl, const struct segment *s)
{
	for (size_t i = s->row; i < s->row + s->count; i++) {
		if (pl->sorted[i]->op == ANY_ARGS && s->count > 1)
			die("internal error: filter rule %s is unconditional but not alone",
			    pl->sorted[i]->name);
	}
}

static void plan_segments(struct plan *pl, const struct sys_policy *sys)
{
	uint32_t next_nr = 0;   /* first number not yet in a segment */

	pl->rule_count = pl->seg_count = 0;
	for (size_t i = 0; i < RULE_COUNT; i++) {
		if (rules[i].nr > LAST_KNOWN_NR)
			die("internal error: filter rule %s has number %d", rules[i].name, rules[i].nr);
		if (rule_active(&rules[i], sys))
			pl->sorted[pl->rule_count++] = &rules[i];
	}
	sort_by_number(pl->sorted, pl->rule_count);
	for (size_t i = 0; i < pl->rule_count; i++) {
		uint32_t nr = (uint32_t)pl->sorted[i]->nr;

		if (i > 0 && nr == (uint32_t)pl->sorted[i - 1]->nr) {
			pl->seg[pl->seg_count - 1].count++;   /* another row of the same number */
			continue;
		}
		if (nr > next_nr)
			add_segment(pl, next_nr, SEG_ALLOW, 0);
		add_segment(pl, nr, SEG_RULES, i);
		pl->seg[pl->seg_count - 1].count = 1;
		next_nr = nr + 1;
	}
	if (next_nr <= LAST_KNOWN_NR)
		add_segment(pl, next_nr, SEG_ALLOW, 0);
	add_segment(pl, LAST_KNOWN_NR + 1, SEG_NEWER, 0);
	for (size_t s = 0; s < pl->seg_count; s++)
		check_rows_of_one_number(pl, &pl->seg[s]);
}

/* One row's test on the loaded word: to ret when the row matches, else to next. */
static size_t emit_test(struct program *p, const struct rule *c, size_t ret, size_t next)
{
	switch ((enum cond_op)c->op) {
	case EQ32:      return emit_jump(p, BPF_JEQ, row_value(c), ret, next);
	case NE32:      return emit_jump(p, BPF_JEQ, row_value(c), next, ret);
	case ANY_BIT32: return emit_jump(p, BPF_JSET, row_value(c), ret, next);
	case NO_BIT32:  return emit_jump(p, BPF_JSET, row_value(c), next, ret);
	case NOT_EITHER32:
		return emit_jump(p, BPF_JEQ, row_value(c), next,
				 emit_jump(p, BPF_JEQ, c->value2, next, ret));
	case ANY_ARGS:
		break;
	}
	return ret;
}

/*
 * The rows of one number, in table order: each loads its argument word (unless the row
 * before loaded the same one), tests it and returns its errno on a match; no match
 * allows the call. An unconditional row is alone (check_rows_of_one_number).
 */
static size_t emit_rows(struct program *p, const struct plan *pl, const struct segment *s)
{
	size_t next = 0;

	if (pl->sorted[s->row]->op == ANY_ARGS)
		return emit_ret(p, row_action(p, pl->sorted[s->row]));
	next = emit_ret(p, SECCOMP_RET_ALLOW);
	for (size_t i = s->row + s->count; i-- > s->row;) {
		const struct rule *r = pl->sorted[i];
		size_t ret = emit_ret(p, row_action(p, r));

		next = emit_test(p, r, ret, next);
		if (i == s->row || pl->sorted[i - 1]->arg != r->arg)
			next = emit_load(p, ARG_LOW(r->arg));
	}
	return next;
}

static size_t emit_segment(struct program *p, const struct plan *pl, const struct segment *s)
{
	switch (s->kind) {
	case SEG_ALLOW: return emit_ret(p, SECCOMP_RET_ALLOW);
	case SEG_NEWER: return emit_ret(p, ret_errno(ENOSYS));
	case SEG_RULES: break;
	}
	return emit_rows(p, pl, s);
}

/* Binary search over segments lo..hi with nr in the accumulator; returns its position. */
static size_t emit_search(struct program *p, const struct plan *pl, size_t lo, size_t hi)
{
	size_t mid, right, left;

	if (lo == hi)
		return emit_segment(p, pl, &pl->seg[lo]);
	mid = lo + (hi - lo + 1) / 2;
	right = emit_search(p, pl, mid, hi);    /* written first: it comes last */
	left = emit_search(p, pl, lo, mid - 1);
	if (left == right)
		return right;   /* both halves end in one shared RET: nothing to test */
	return emit_jump(p, BPF_JGE, pl->seg[mid].first_nr, right, left);
}

/*
 * The program's shape, in the order it runs:
 *   1. load arch; anything but the build's arch  -> KILL_PROCESS
 *   2. load nr; on x86_64, nr >= 0x40000000 (x32) -> KILL_PROCESS
 *   3. binary search (JGE splits) for nr's segment: a number without rows -> ALLOW, one
 *      with rows -> its tests (emit_rows), above LAST_KNOWN_NR -> ERRNO(ENOSYS).
 * Steps 1-3 on an allowed number use only nr/arch loads, JEQ/JGE/JA and RET ALLOW: the
 * kernel's action cache can prove them constant, so allowed calls skip the filter.
 * With notify, a logged row returns USER_NOTIF instead of its errno; nothing else
 * changes. Equal answers share one RET (emit_ret), and a split whose halves end in the
 * same RET is left out, so neighbouring numbers with one answer cost no test; the two
 * programs therefore test the same way but need not have the same length.
 */
static void build_program(struct program *p, struct plan *pl, const struct sys_policy *sys,
			  bool notify)
{
	size_t search, kill_arch;

	p->len = 0;
	p->ret_count = 0;
	p->notify = notify;
	supervisor_pid = getpid();     /* sandrun itself: this runs before fork only */
	supervisor_pgid = getpgrp();
	p->log = sys->log_calls;
	p->proxy = sys->proxy_metadata;
	plan_segments(pl, sys);
	search = emit_search(p, pl, 0, pl->seg_count - 1);
#ifdef X32_SYSCALL_BIT
	/* No index kept: the nr load below falls through to this test. */
	emit_jump(p, BPF_JGE, X32_SYSCALL_BIT, emit_ret(p, SECCOMP_RET_KILL_PROCESS), search);
#endif
	search = emit_load(p, offsetof(struct seccomp_data, nr));
	kill_arch = emit_ret(p, SECCOMP_RET_KILL_PROCESS);
	emit_jump(p, BPF_JEQ, NATIVE_ARCH, search, kill_arch);
	emit_load(p, offsetof(struct seccomp_data, arch));
}

/* ---- sandrun's side: build before fork, install in the child ---- */

/* Built by filter_prepare, before fork: the child only installs, it never builds (a build
 * error must be sandrun's die, not a child's). Both programs deny exactly the same calls
 * with the same errnos; they differ only in who gives the answer. The notifying one is
 * built only when a log was asked for (--report, --log-denied) or metadata.c makes the
 * chmod and utime calls beneath -W dirs (a -W dir, no --allow-metadata): otherwise nobody
 * would read the answers, and the listener costs every run a descriptor passed over a
 * socket and extra wakeups of sandrun. */
static struct program prepared_notify;    /* logged rows ask sandrun */
static struct program prepared_plain;     /* every row answers alone: no log, or nested */
static struct plan prepared_plan;         /* the rows in force, sorted by number */
static bool log_to_stderr;                /* --log-denied */
static bool under_outer_filter;           /* sandrun itself runs under a seccomp filter */
static bool proxy_metadata;               /* metadata.c answers the chmod and utime rows */

void filter_prepare(const struct sys_policy *sys)
{
	build_program(&prepared_plain, &prepared_plan, sys, false);
	if (sys->log_calls || sys->proxy_metadata)
		build_program(&prepared_notify, &prepared_plan, sys, true);
	/*
	 * The kernel runs every filter of the chain and the strongest action wins; ERRNO
	 * outranks USER_NOTIF, so a call that an outer filter (a container's profile, an
	 * outer sandrun without a log) denies never reaches the listener. The run inherits
	 * sandrun's filters, so sandrun's own mode tells; -1 (prctl refused) cannot prove
	 * the log complete either.
	 */
	under_outer_filter = sys->log_calls && prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 0;
	log_to_stderr = sys->log_denied;
	proxy_metadata = sys->proxy_metadata;
}

static long install(const struct program *p, unsigned flags)
{
	struct sock_fprog prog = {
		.len = (unsigned short)p->len,
		.filter = (struct sock_filter *)program_start(p),
	};

	/* No TSYNC: the child is single-threaded (a fresh fork). */
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
}

/*
 * Installs the filter with a listener for the logged rows and returns the listener (a
 * close-on-exec descriptor the caller hands to sandrun and then closes). The kernel allows
 * one listener per filter chain: under another sandrun, or any supervisor that holds one,
 * NEW_LISTENER fails EBUSY before anything is attached. The same rules then go in with
 * their plain errnos, so the run is exactly as confined and only the log is lost; the
 * return is -1 and the report says "unavailable: nested listener".
 */
int filter_install_logged(void)
{
	long listener;

	if (prepared_notify.len == 0 || prepared_plain.len == 0)
		child_fail("seccomp filter was never built");
	listener = install(&prepared_notify, SECCOMP_FILTER_FLAG_NEW_LISTENER);
	if (listener >= 0)
		return (int)listener;
	if (errno != EBUSY)
		child_fail_sys("seccomp(SECCOMP_SET_MODE_FILTER, NEW_LISTENER)");
	if (install(&prepared_plain, 0u) != 0)
		child_fail_sys("seccomp(SECCOMP_SET_MODE_FILTER)");
	return -1;
}

/* Installs the rows with their plain errnos: the same denials, answered by the kernel. */
void filter_install(void)
{
	if (prepared_plain.len == 0)
		child_fail("seccomp filter was never built");
	if (install(&prepared_plain, 0u) != 0)
		child_fail_sys("seccomp(SECCOMP_SET_MODE_FILTER)");
}

/* ---- sandrun's side: the log of denied calls (seccomp user notification) ---- */

/*
 * sandrun receives the listener from the child (pgroup.c) and answers every notification
 * here: it finds the row the filter matched, replies with that row's errno and records
 * the call. Bounded: one entry per syscall the table can notify (never more than its
 * rows), a count that saturates, the first caller, and its leading arguments decoded
 * from the registers the kernel copied. Pointers are never followed: the memory behind
 * them belongs to the program and could change under the reader.
 */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS     /* Linux 6.6; absent from UAPI 6.1 */
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, uint64_t)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP 1u
#endif
#define DRAIN_BATCH 256    /* notifications answered before the deadline is looked at again */

static enum { LOG_NOT_STARTED, LOG_ACTIVE, LOG_PARTIAL, LOG_NESTED } log_state;
static struct denied_call denied[RULE_COUNT];   /* in order of first denial */
static size_t denied_count;
static unsigned short denied_slot[LAST_KNOWN_NR + 1];   /* nr -> index + 1, 0 = none yet */

void filter_log_start(int listener)
{
	uint64_t flags = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;

	log_state = under_outer_filter ? LOG_PARTIAL : LOG_ACTIVE;
	/*
	 * Speed only: the caller then wakes sandrun on the CPU it runs on and waits there,
	 * which roughly halves the cost of a notification (Linux 6.6+). Older kernels refuse
	 * the ioctl (ENOTTY) or the flag (EINVAL); every answer is the same either way.
	 */
	(void)ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, flags);
}

void filter_log_nested(void)
{
	log_state = LOG_NESTED;
	if (log_to_stderr)
		out_warn("--log-denied: no log, another seccomp listener is active "
			 "(nested sandrun?); calls are still denied");
}

const char *filter_log_state(void)
{
	static const char *const names[] = {
		[LOG_NOT_STARTED] = "not started: the run ended before its filter was installed",
		[LOG_ACTIVE] = "active",
		[LOG_PARTIAL] = "partial: an outer seccomp filter answers first for the calls it denies",
		[LOG_NESTED] = "unavailable: nested listener",
	};

	return names[log_state];
}

size_t filter_denied(const struct denied_call **list)
{
	*list = denied;
	return denied_count;
}

static bool cond_holds(const struct rule *c, const struct seccomp_data *d)
{
	uint32_t v = (uint32_t)d->args[c->arg];   /* the low word, as the BPF read it */

	switch ((enum cond_op)c->op) {
	case ANY_ARGS:     return true;
	case EQ32:         return v == row_value(c);
	case NE32:         return v != row_value(c);
	case NOT_EITHER32: return v != row_value(c) && v != c->value2;
	case ANY_BIT32:    return (v & row_value(c)) != 0;
	case NO_BIT32:     return (v & row_value(c)) == 0;
	}
	return true;
}

/* The row the filter matched: the first in force for this number whose test holds, in the
 * same order the BPF tests them. NULL only if filter and table disagree. */
static const struct rule *matching_row(const struct seccomp_data *d)
{
	for (size_t i = 0; i < prepared_plan.rule_count; i++) {
		const struct rule *r = prepared_plan.sorted[i];

		if (r->nr == d->nr && cond_holds(r, d))
			return r;
	}
	return NULL;
}

/* ---- decoding the leading arguments: tables of names, one line per value ---- */

struct name {
	uint32_t value;
	const char *name;
};
#define NAMED(x) { (uint32_t)(x), #x }
#define COUNT(a) (sizeof (a) / sizeof (a)[0])

static const struct name families[] = {
	NAMED(AF_UNIX), NAMED(AF_INET), NAMED(AF_INET6), NAMED(AF_NETLINK), NAMED(AF_PACKET),
	NAMED(AF_KEY), NAMED(AF_ALG), NAMED(AF_VSOCK), NAMED(AF_BLUETOOTH), NAMED(AF_CAN),
	NAMED(AF_TIPC), NAMED(AF_RDS), NAMED(AF_APPLETALK), NAMED(AF_X25), NAMED(AF_AX25),
};
static const struct name socket_types[] = {
	NAMED(SOCK_STREAM), NAMED(SOCK_DGRAM), NAMED(SOCK_RAW), NAMED(SOCK_RDM),
	NAMED(SOCK_SEQPACKET), NAMED(SOCK_DCCP), NAMED(SOCK_PACKET),
};
static const struct name socket_type_flags[] = { NAMED(SOCK_NONBLOCK), NAMED(SOCK_CLOEXEC) };
/* clone's flags; its low byte is the exit signal. unshare and setns use the CLONE_NEW*
 * ones, and unshare's low byte holds CLONE_NEWTIME. */
static const struct name clone_flags[] = {
	NAMED(CLONE_VM), NAMED(CLONE_FS), NAMED(CLONE_FILES), NAMED(CLONE_SIGHAND),
	NAMED(CLONE_PIDFD), NAMED(CLONE_PTRACE), NAMED(CLONE_VFORK), NAMED(CLONE_PARENT),
	NAMED(CLONE_THREAD), NAMED(CLONE_NEWNS), NAMED(CLONE_SYSVSEM), NAMED(CLONE_SETTLS),
	NAMED(CLONE_PARENT_SETTID), NAMED(CLONE_CHILD_CLEARTID), NAMED(CLONE_UNTRACED),
	NAMED(CLONE_CHILD_SETTID), NAMED(CLONE_NEWCGROUP), NAMED(CLONE_NEWUTS),
	NAMED(CLONE_NEWIPC), NAMED(CLONE_NEWUSER), NAMED(CLONE_NEWPID), NAMED(CLONE_NEWNET),
	NAMED(CLONE_IO),
};
#define CLONE_EXIT_SIGNAL 0xffu
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x80
#endif
static const struct name namespace_flags[] = {
	NAMED(CLONE_NEWTIME), NAMED(CLONE_FS), NAMED(CLONE_FILES), NAMED(CLONE_NEWNS),
	NAMED(CLONE_SYSVSEM), NAMED(CLONE_NEWCGROUP), NAMED(CLONE_NEWUTS), NAMED(CLONE_NEWIPC),
	NAMED(CLONE_NEWUSER), NAMED(CLONE_NEWPID), NAMED(CLONE_NEWNET),
};
static const struct name ioctl_commands[] = {
	NAMED(TIOCSTI), NAMED(TIOCLINUX), NAMED(TIOCSETD), NAMED(TIOCEXCL), NAMED(TIOCCONS),
	NAMED(TCXONC), NAMED(TIOCSCTTY), NAMED(TIOCVHANGUP), NAMED(FIOSETOWN), NAMED(SIOCSPGRP), NAMED(FS_IOC_SETFLAGS), NAMED(FS_IOC32_SETFLAGS),
	NAMED(FS_IOC_FSSETXATTR),
};
static const struct name signals[] = {
	NAMED(SIGHUP), NAMED(SIGINT), NAMED(SIGQUIT), NAMED(SIGILL), NAMED(SIGTRAP),
	NAMED(SIGABRT), NAMED(SIGBUS), NAMED(SIGFPE), NAMED(SIGKILL), NAMED(SIGUSR1),
	NAMED(SIGSEGV), NAMED(SIGUSR2), NAMED(SIGPIPE), NAMED(SIGALRM), NAMED(SIGTERM),
	NAMED(SIGCHLD), NAMED(SIGCONT), NAMED(SIGSTOP), NAMED(SIGTSTP), NAMED(SIGTTIN),
	NAMED(SIGTTOU), NAMED(SIGURG), NAMED(SIGXCPU), NAMED(SIGXFSZ), NAMED(SIGVTALRM),
	NAMED(SIGPROF), NAMED(SIGWINCH), NAMED(SIGIO), NAMED(SIGPWR), NAMED(SIGSYS),
};
static const struct name ptrace_requests[] = {
	NAMED(PTRACE_TRACEME), NAMED(PTRACE_PEEKTEXT), NAMED(PTRACE_PEEKDATA),
	NAMED(PTRACE_POKETEXT), NAMED(PTRACE_POKEDATA), NAMED(PTRACE_CONT), NAMED(PTRACE_KILL),
	NAMED(PTRACE_ATTACH), NAMED(PTRACE_DETACH), NAMED(PTRACE_SEIZE), NAMED(PTRACE_INTERRUPT),
};

/* How one argument is shown. Every kind reads the low word only: each decoded argument
 * is an int, unsigned int or a 32-bit flag word in the kernel, as in the rules. */
enum arg_kind {
	ARGS_END,     /* no more arguments shown */
	A_INT,        /* fd, pid, uid, resource: signed decimal */
	A_DIRFD,      /* AT_FDCWD or a descriptor */
	A_POINTER,    /* "...": never read */
	A_MODE,       /* octal */
	A_HEX,
	A_FAMILY, A_SOCKTYPE, A_CLONE, A_NSFLAGS, A_IOCTL, A_SIGNAL, A_PTRACE,
};

/* The decoded calls; any other logged call is reported with "args": null. */
static const struct decoder {
	int nr;
	enum arg_kind kinds[4];
} decoders[] = {
	{ __NR_socket,            { A_FAMILY, A_SOCKTYPE } },
	{ __NR_socketpair,        { A_FAMILY, A_SOCKTYPE } },
	{ __NR_clone,             { A_CLONE } },   /* flags are the first argument on both arches */
	{ __NR_unshare,           { A_NSFLAGS } },
	{ __NR_setns,             { A_INT, A_NSFLAGS } },
	{ __NR_ioctl,             { A_INT, A_IOCTL } },
	{ __NR_kill,              { A_INT, A_SIGNAL } },
	{ __NR_tgkill,            { A_INT, A_INT, A_SIGNAL } },
	{ __NR_tkill,             { A_INT, A_SIGNAL } },
	{ __NR_rt_sigqueueinfo,   { A_INT, A_SIGNAL } },
	{ __NR_pidfd_open,        { A_INT } },
	{ __NR_fcntl,             { A_INT, A_INT, A_INT } },
	{ __NR_prctl,             { A_INT, A_INT } },
	{ __NR_sched_setscheduler, { A_INT, A_INT } },
	{ __NR_sched_setaffinity, { A_INT } },
	{ __NR_setpriority,       { A_INT, A_INT, A_INT } },
	{ __NR_ioprio_set,        { A_INT, A_INT, A_HEX } },
	{ __NR_shmget,            { A_INT, A_INT, A_HEX } },
	{ __NR_msgget,            { A_INT, A_HEX } },
	{ __NR_semget,            { A_INT, A_INT, A_HEX } },
	{ __NR_mq_open,           { A_POINTER, A_HEX, A_MODE } },
	{ __NR_openat,            { A_DIRFD, A_POINTER, A_HEX, A_MODE } },
	{ __NR_mkdirat,           { A_DIRFD, A_POINTER, A_MODE } },
#ifdef __NR_open
	{ __NR_open,              { A_POINTER, A_HEX, A_MODE } },
#endif
#ifdef __NR_mkdir
	{ __NR_mkdir,             { A_POINTER, A_MODE } },
#endif
#ifdef __NR_creat
	{ __NR_creat,             { A_POINTER, A_MODE } },
#endif
#ifdef __NR_mknod
	{ __NR_mknod,             { A_POINTER, A_MODE } },
#endif
	{ __NR_mknodat,           { A_DIRFD, A_POINTER, A_MODE } },
	{ __NR_ptrace,            { A_PTRACE, A_INT } },
	{ __NR_process_vm_readv,  { A_INT } },
	{ __NR_process_vm_writev, { A_INT } },
	{ __NR_kcmp,              { A_INT, A_INT, A_INT } },
	{ __NR_pidfd_getfd,       { A_INT, A_INT } },
	{ __NR_prlimit64,         { A_INT, A_INT } },
	{ __NR_move_pages,        { A_INT } },
	{ __NR_migrate_pages,     { A_INT } },
	{ __NR_personality,       { A_HEX } },
	{ __NR_setsid,            { ARGS_END } },
	{ __NR_setpgid,           { A_INT, A_INT } },
#ifdef __NR_chmod
	{ __NR_chmod,             { A_POINTER, A_MODE } },
#endif
	{ __NR_fchmod,            { A_INT, A_MODE } },
	{ __NR_fchmodat,          { A_DIRFD, A_POINTER, A_MODE } },
	{ __NR_fchmodat2,         { A_DIRFD, A_POINTER, A_MODE } },
#ifdef __NR_chown
	{ __NR_chown,             { A_POINTER, A_INT, A_INT } },
#endif
#ifdef __NR_lchown
	{ __NR_lchown,            { A_POINTER, A_INT, A_INT } },
#endif
	{ __NR_fchown,            { A_INT, A_INT, A_INT } },
	{ __NR_fchownat,          { A_DIRFD, A_POINTER, A_INT, A_INT } },
};

static const char *name_of(const struct name *table, size_t count, uint32_t value)
{
	for (size_t i = 0; i < count; i++) {
		if (table[i].value == value)
			return table[i].name;
	}
	return NULL;
}

/* The value's name, or the value itself: decimal, or hex for ioctl commands. */
static void put_name(struct out *t, const struct name *table, size_t count, uint32_t value,
		     bool hex)
{
	const char *name = name_of(table, count, value);

	if (name)
		out_printf(t, "%s", name);
	else
		out_printf(t, hex ? "0x%x" : "%u", value);
}

/* "A|B|0x40": the named bits, then whatever is left in hex. */
static void put_flags(struct out *t, const struct name *table, size_t count, uint32_t value)
{
	const char *sep = "";

	for (size_t i = 0; i < count; i++) {
		if (value & table[i].value) {
			out_printf(t, "%s%s", sep, table[i].name);
			value &= ~table[i].value;
			sep = "|";
		}
	}
	if (value || !*sep)
		out_printf(t, "%s0x%x", sep, value);
}

static void put_socket_type(struct out *t, uint32_t type)
{
	uint32_t flags = type & (uint32_t)(SOCK_NONBLOCK | SOCK_CLOEXEC);

	put_name(t, socket_types, COUNT(socket_types), type & ~flags, false);
	if (flags) {
		out_printf(t, "|");
		put_flags(t, socket_type_flags, COUNT(socket_type_flags), flags);
	}
}

static void put_clone_flags(struct out *t, uint32_t flags)
{
	uint32_t sig = flags & CLONE_EXIT_SIGNAL;

	if (flags & ~CLONE_EXIT_SIGNAL)
		put_flags(t, clone_flags, COUNT(clone_flags), flags & ~CLONE_EXIT_SIGNAL);
	if (sig || !(flags & ~CLONE_EXIT_SIGNAL)) {
		out_printf(t, "%s", flags & ~CLONE_EXIT_SIGNAL ? "|" : "");
		put_name(t, signals, COUNT(signals), sig, false);
	}
}

static void put_arg(struct out *t, enum arg_kind kind, uint32_t v)
{
	switch (kind) {
	case ARGS_END:   break;
	case A_INT:      out_printf(t, "%d", (int)v); break;
	case A_DIRFD:
		if ((int)v == AT_FDCWD)
			out_printf(t, "AT_FDCWD");
		else
			out_printf(t, "%d", (int)v);
		break;
	case A_POINTER:  out_printf(t, "..."); break;
	case A_MODE:     out_printf(t, "0%o", v); break;
	case A_HEX:      out_printf(t, "0x%x", v); break;
	case A_FAMILY:   put_name(t, families, COUNT(families), v, false); break;
	case A_SOCKTYPE: put_socket_type(t, v); break;
	case A_CLONE:    put_clone_flags(t, v); break;
	case A_NSFLAGS:  put_flags(t, namespace_flags, COUNT(namespace_flags), v); break;
	case A_IOCTL:    put_name(t, ioctl_commands, COUNT(ioctl_commands), v, true); break;
	case A_SIGNAL:   put_name(t, signals, COUNT(signals), v, false); break;
	case A_PTRACE:   put_name(t, ptrace_requests, COUNT(ptrace_requests), v, false); break;
	}
}

static void describe_args(const struct seccomp_data *d, struct denied_call *e)
{
	struct out t = { .fd = -1, .buf = e->args, .size = sizeof e->args };

	e->args[0] = '\0';
	for (size_t i = 0; i < COUNT(decoders); i++) {
		if (decoders[i].nr != d->nr)
			continue;
		for (size_t a = 0; a < COUNT(decoders[i].kinds) && decoders[i].kinds[a]; a++) {
			out_printf(&t, "%s", a ? ", " : "");
			put_arg(&t, decoders[i].kinds[a], (uint32_t)d->args[a]);
		}
		e->args_decoded = true;
		return;
	}
}

/* ---- answering ---- */

static void record(const struct rule *r, const struct seccomp_notif *req)
{
	struct denied_call *e;

	if (denied_slot[r->nr] == 0) {
		/* Cannot overflow: one entry per number, and every number has a row. */
		e = &denied[denied_count++];
		denied_slot[r->nr] = (unsigned short)denied_count;
		*e = (struct denied_call){ .syscall = r->name, .first_pid = (pid_t)req->pid };
		describe_args(&req->data, e);
		if (log_to_stderr)
			out_warn("denied %s(%s) from pid %d", e->syscall,
				 e->args_decoded ? e->args : "...", (int)e->first_pid);
	}
	e = &denied[denied_slot[r->nr] - 1];
	if (e->count < UINT64_MAX)
		e->count++;
}

/* Receives one notification poll reported, answers it with its row's errno, records it. */
static void answer_one(int listener)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	const struct rule *r;
	bool performed = false;

	memset(&req, 0, sizeof req);   /* the kernel refuses a buffer that is not zeroed */
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) != 0) {
		/* ENOENT: the caller was killed (timeout, signal) after poll saw it. */
		if (errno == ENOENT || errno == EINTR)
			return;
		die_sys("ioctl(SECCOMP_IOCTL_NOTIF_RECV)");
	}
	r = matching_row(&req.data);
	if (!r)
		die("internal error: seccomp notified syscall %d, which no rule in force denies",
		    req.data.nr);
	/* An error, never SECCOMP_USER_NOTIF_FLAG_CONTINUE: the call does not run. */
	resp = (struct seccomp_notif_resp){ .id = req.id, .val = 0, .error = -r->err, .flags = 0 };
	/* A proxied row: sandrun made the change (or refused it); its result is the answer. */
	if (proxy_metadata && rule_proxied(r)) {
		uint64_t args[6];

		for (size_t i = 0; i < 6; i++)
			args[i] = req.data.args[i];
		resp.error = metadata_answer(listener, req.id, (pid_t)req.pid, req.data.nr, args,
					     &performed);
	}
	while (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) != 0) {
		if (errno == ENOENT)
			break;   /* the caller died meanwhile: nobody waits for the answer */
		if (errno != EINTR)
			die_sys("ioctl(SECCOMP_IOCTL_NOTIF_SEND)");
	}
	if (!performed)
		record(r, &req);
}

/*
 * Answers the notifications waiting on the listener: a program with many threads or
 * processes can have one pending per thread. At most DRAIN_BATCH per call, so a flood
 * cannot hold off the deadline or a signal; the caller's ppoll brings it back at once.
 * RECV is issued only after poll reported a notification, so it never blocks: a blocking
 * RECV would wait for ever once the run is gone (the listener only reports POLLHUP) and
 * would not be interrupted by the signals sandrun keeps blocked outside ppoll.
 * Returns false once the listener hung up: every task of the filter is gone.
 */
bool filter_log_drain(int listener)
{
	for (int i = 0; i < DRAIN_BATCH; i++) {
		struct pollfd pfd = { .fd = listener, .events = POLLIN };

		if (poll(&pfd, 1, 0) < 0) {
			if (errno == EINTR)
				return true;
			die_sys("poll(seccomp listener)");
		}
		if (!(pfd.revents & POLLIN))
			return !(pfd.revents & (POLLHUP | POLLERR | POLLNVAL));
		answer_one(listener);
	}
	return true;
}

/* ---- --print-policy and the protections table ---- */

/* The errnos the table uses, by name (glibc's strerrorname_np is not in musl). */
static const char *errno_name(int err)
{
	static const struct { int err; const char *name; } names[] = {
		{ EPERM, "EPERM" }, { EAGAIN, "EAGAIN" }, { ENOSYS, "ENOSYS" },
		{ EACCES, "EACCES" }, { EAFNOSUPPORT, "EAFNOSUPPORT" },
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (names[i].err == err)
			return names[i].name;
	}
	return "errno?";
}

static void print_action(struct out *out, uint32_t action)
{
	if (action == SECCOMP_RET_ALLOW)
		out_printf(out, "ALLOW");
	else if (action == SECCOMP_RET_KILL_PROCESS)
		out_printf(out, "KILL_PROCESS");
	else if (action == SECCOMP_RET_USER_NOTIF)
		out_printf(out, "USER_NOTIF");
	else if ((action & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO)
		out_printf(out, "ERRNO(%s)", errno_name((int)(action & SECCOMP_RET_DATA)));
	else
		out_printf(out, "0x%08x", action);
}

static void print_field(struct out *out, uint32_t offset)
{
	uint32_t args = offsetof(struct seccomp_data, args);

	if (offset == offsetof(struct seccomp_data, nr))
		out_printf(out, "nr");
	else if (offset == offsetof(struct seccomp_data, arch))
		out_printf(out, "arch");
	else if (offset >= args && offset < args + 48)
		out_printf(out, "args[%u] %s word", (offset - args) / 8,
			(offset - args) % 8 == LOW_WORD ? "low" : "high");
	else
		out_printf(out, "offset %u", offset);
}

/* One instruction with absolute targets, e.g. "12: jge #0x65 -> 40 else 13". */
static void print_instruction(struct out *out, size_t at, const struct sock_filter *f)
{
	static const char *const jump_names[] = {
		[BPF_JEQ >> 4] = "jeq", [BPF_JGT >> 4] = "jgt", [BPF_JGE >> 4] = "jge",
		[BPF_JSET >> 4] = "jset",
	};

	out_printf(out, "  %4zu: ", at);
	if (f->code == (BPF_LD | BPF_W | BPF_ABS)) {
		char k[16];

		out_format(k, sizeof k, "[%u]", f->k);
		out_printf(out, "ld   %-24s ; ", k);
		print_field(out, f->k);
	} else if (f->code == (BPF_RET | BPF_K)) {
		out_printf(out, "ret  ");
		print_action(out, f->k);
	} else if (f->code == (BPF_JMP | BPF_JA)) {
		out_printf(out, "ja   -> %zu", at + 1 + f->k);
	} else if (BPF_CLASS(f->code) == BPF_JMP && BPF_SRC(f->code) == BPF_K &&
		   BPF_OP(f->code) >> 4 < sizeof jump_names / sizeof jump_names[0] &&
		   jump_names[BPF_OP(f->code) >> 4]) {
		char k[32];

		out_format(k, sizeof k, "#%u (0x%x)", f->k, f->k);
		out_printf(out, "%-4s %-24s -> %zu else %zu", jump_names[BPF_OP(f->code) >> 4], k,
			at + 1 + f->jt, at + 1 + f->jf);
	} else {
		out_printf(out, "code 0x%04x k 0x%x jt %u jf %u", f->code, f->k, f->jt, f->jf);
	}
	out_write(out, "\n", 1);
}

static void print_condition(struct out *out, const struct rule *c)
{
	static const char *const ops[] = {
		[EQ32] = "==", [NE32] = "!=", [NOT_EITHER32] = "not", [ANY_BIT32] = "has any of",
		[NO_BIT32] = "lacks",
	};

	if (c->op == ANY_ARGS) {
		out_printf(out, "%-44s", "any arguments");
		return;
	}
	char text[128];

	if (c->op == NOT_EITHER32)
		out_format(text, sizeof text, "arg%u.lo32 not %s (0x%x, 0x%x)", c->arg, c->text,
			  c->value, c->value2);
	else if (c->src != VALUE_CONST)   /* read at build: the number this program holds */
		out_format(text, sizeof text, "arg%u.lo32 %s %s %d", c->arg, ops[c->op], c->text,
			  (int)row_value(c));
	else
		out_format(text, sizeof text, "arg%u.lo32 %s %s (0x%x)", c->arg, ops[c->op], c->text,
			  c->value);
	out_printf(out, "%-44s", text);
}

static void print_rule_table(struct out *out, const struct sys_policy *sys)
{
	out_printf(out, "  %-5s %-11s %-18s %4s  %-13s %-44s %s\n", "state", "group", "syscall",
		"nr", "action", "condition (lo32 = low 32 bits)", "in force");
	for (size_t i = 0; i < RULE_COUNT; i++) {
		const struct rule *r = &rules[i];

		char action[32];

		out_format(action, sizeof action, "%s(%s)",
			   sys->proxy_metadata && rule_proxied(r) ? "PROXY"
			   : sys->log_calls && rule_logged(r) ? "NOTIFY" : "ERRNO", errno_name(r->err));
		out_printf(out, "  %-5s %-11s %-18s %4d  %-13s ", rule_active(r, sys) ? "on" : "off",
			group_names[r->group], r->name, r->nr, action);
		print_condition(out, r);
		out_printf(out, " %s\n", when_names[r->when]);
	}
}

void filter_print(const struct sys_policy *sys, struct out *out)
{
	static struct program shown;
	static struct plan plan;

	build_program(&shown, &plan, sys, sys->log_calls || sys->proxy_metadata);
	out_printf(out, "seccomp filter: %zu rules in force, %zu BPF instructions (kernel limit %d)\n",
		plan.rule_count, shown.len, BPF_MAXINSNS);
	out_printf(out, "  first:  arch != %s (0x%08x) -> KILL_PROCESS\n", NATIVE_ARCH_NAME,
		NATIVE_ARCH);
#ifdef X32_SYSCALL_BIT
	out_printf(out, "  then:   nr >= 0x%08x (x32 ABI) -> KILL_PROCESS\n", X32_SYSCALL_BIT);
#endif
	out_printf(out, "  then:   nr > %d (newer than this table) -> ERRNO(ENOSYS)\n", LAST_KNOWN_NR);
	out_printf(out, "  then:   the rows below, in table order for one number; first match wins\n");
	if (sys->log_calls)
		out_printf(out, "          NOTIFY(E): USER_NOTIF, sandrun logs the call and answers E; under\n"
				"          another listener (nested) the row is installed as ERRNO(E)\n");
	else
		out_printf(out, "          ERRNO(E): the kernel answers E; nothing is logged (with --report\n"
				"          or --log-denied most rows become NOTIFY(E), logged by sandrun)\n");
	if (sys->proxy_metadata)
		out_printf(out, "          PROXY(E): USER_NOTIF, sandrun itself makes the change on a file\n"
				"          beneath a -W dir (metadata.c) and answers E elsewhere\n");
	print_rule_table(out, sys);
	out_printf(out, "  else:   ALLOW, decided on arch and number alone\n");
	out_printf(out, "BPF program (%zu instructions; binary search on nr with jge):\n", shown.len);
	for (size_t i = 0; i < shown.len; i++)
		print_instruction(out, i, program_start(&shown) + i);
}

static const char *network_detail(const struct sys_policy *sys)
{
	if (sys->allow_net)
		return "--allow-net: socket() allowed for every family";
	if (sys->tcp_ports && sys->allow_unix)
		return "port rules: socket() only AF_INET/AF_INET6/AF_UNIX, SOCK_STREAM, TCP; no MSG_FASTOPEN";
	if (sys->tcp_ports)
		return "port rules: socket() only AF_INET/AF_INET6, SOCK_STREAM, TCP; no MSG_FASTOPEN";
	if (sys->allow_unix)
		return "socket() denied except AF_UNIX (--allow-unix)";
	return "socket() denied for every family; stream and seqpacket socketpair(AF_UNIX) work";
}

size_t filter_protections(const struct sys_policy *sys, struct protection *out, size_t max)
{
	static struct program counted;
	static struct plan plan;
	static char summary[96], newer[64];
	size_t n = 0;

	build_program(&counted, &plan, sys, sys->log_calls || sys->proxy_metadata);
	out_format(summary, sizeof summary, "%zu rules, %zu BPF instructions", plan.rule_count,
		   counted.len);
	out_format(newer, sizeof newer, "syscall numbers above %d fail ENOSYS", LAST_KNOWN_NR);
	const struct protection rows[] = {
		{ "seccomp-filter", true, summary },
#ifdef X32_SYSCALL_BIT
		{ "seccomp-arch", true, "calls through another ABI (int $0x80) kill the process" },
#else
		{ "seccomp-arch", true, "calls through another ABI (32-bit arm compat) kill the process" },
#endif
#ifdef X32_SYSCALL_BIT
		{ "x32-kill", true, "x32 syscalls (nr bit 0x40000000) kill the process" },
#endif
		{ "future-syscalls", true, newer },
		{ "namespaces", true, "unshare, setns, mount API, clone CLONE_NEW*, clone3 denied" },
		{ "kernel-surface", true, "bpf, perf, userfaultfd, io_uring, keyrings, admin calls denied" },
		{ "tracing", true, "ptrace, process_vm_*, kcmp, pidfd_getfd denied" },
		{ "process-group", true, "setsid and setpgid denied" },
		{ "kill-all", true, "kill and tgkill of pid -1 denied" },
		{ "tty-injection", true, "ioctl TIOCSTI and TIOCLINUX denied" },
		{ "tty-state", true, "ioctl TIOCSETD, TIOCEXCL, TIOCCONS, TCXONC, TIOCSCTTY, TIOCVHANGUP denied" },
		{ "death-signal", true, "prctl(PR_SET_PDEATHSIG) denied: the child keeps SIGKILL on sandrun's death" },
		{ "supervisor-scheduling", true,
		  "sched_set*, setpriority, ioprio_set of sandrun's pid or group, or uid-wide, denied" },
		{ "supervisor-signals", true, sys->signal_scoped
			? "Landlock's signal scope stops every signal to sandrun"
			: "kill, tkill, tgkill, sigqueue, pidfd_open of sandrun, pidfd_send_signal, F_SETOWN denied" },
		{ "ipc", !sys->allow_ipc, sys->allow_ipc
			? "--allow-ipc: System V IPC allowed, objects outlive the run; mq_open denied"
			: "shmget, msgget, semget, their id calls and mq_open denied" },
		{ "creation-modes", !sys->allow_metadata, sys->allow_metadata
			? "--allow-metadata: setuid/setgid bits at creation allowed"
			: "open, openat, creat, mkdir, mknod with setuid/setgid mode bits denied; openat2 ENOSYS" },
		{ "network", !sys->allow_net, network_detail(sys) },
		{ "metadata", !sys->allow_metadata, sys->allow_metadata
			? "--allow-metadata: chmod, chown, xattr, utime allowed"
			: sys->proxy_metadata
			? "chmod, utime family done by sandrun beneath -W dirs only (no setuid/setgid); "
			  "chown, xattr (ACLs: EOPNOTSUPP), inode flags denied"
			: "chmod, chown, xattr, inode flags, utime family denied" },
		{ "no-new-procs", sys->no_new_procs, sys->no_new_procs
			? "fork, vfork, clone without CLONE_THREAD fail EAGAIN"
			: "only with --procs 1" },
	};

	for (size_t i = 0; i < sizeof rows / sizeof rows[0] && n < max; i++)
		out[n++] = rows[i];
	return n;
}
