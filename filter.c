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
 *   kill/tgkill of pid -1, terminal input injection (TIOCSTI, TIOCLINUX), socket() of
 *   every family (AF_UNIX with --allow-unix, all with --allow-net), socketpair() other
 *   than AF_UNIX; without --allow-metadata the chmod, chown, xattr, inode-flag and
 *   timestamp calls; with --procs 1, fork, vfork and clone without CLONE_THREAD (EAGAIN).
 * - Every other call is allowed on its arch and number alone, never on an argument, so
 *   the kernel's per-filter action cache (5.11+) answers it without running the program.
 * - Argument tests compare the width the kernel reads. Every tested argument is an int or
 *   unsigned int in the kernel prototype (or truncated to 32 bits, clone flags), so each
 *   test reads the low word only: a test that also required the high word to be 0 could
 *   be bypassed by setting it, as the kernel drops it (CVE-2019-7303, TIOCSTI). No rule
 *   tests a 64-bit value; pointers are never inspected, they could change after the check.
 * Does not:
 * - decide which files are read or written, nor TCP ports (landlock.c); rename, link,
 *   truncate and mknod are Landlock's too.
 * - bound processes beyond --procs 1 (RLIMIT_NPROC, runner.c), nor time (pgroup.c).
 * - filter anything the kernel exempts from seccomp by design (uretprobe, uprobe), nor
 *   numbers below LAST_KNOWN_NR that this kernel leaves unassigned and a later one might
 *   assign (the kernel answers ENOSYS for them today); nor signals to, scheduling of, or
 *   System V IPC objects of other processes of the same uid, except kill(-1) (Landlock's
 *   signal scope, ABI 6, landlock.c).
 * - stop a program that changes modes or times with --allow-metadata given (see README).
 */
#include "sandrun.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/fs.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/socket.h>
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

struct cond {
	enum cond_op op;
	unsigned arg;          /* index into seccomp_data.args */
	uint32_t value, value2;
	const char *text;      /* the value as written in the table, for --print-policy */
};

#define NO_TEST                { ANY_ARGS, 0, 0, 0, "" }
#define ARG_EQ32(i, v)         { EQ32, i, (uint32_t)(v), 0, #v }
#define ARG_NE32(i, v)         { NE32, i, (uint32_t)(v), 0, #v }
#define ARG_NOT_EITHER32(i, v, w) { NOT_EITHER32, i, (uint32_t)(v), (uint32_t)(w), #v ", " #w }
#define ARG_ANY_BIT32(i, v)    { ANY_BIT32, i, (uint32_t)(v), 0, #v }
#define ARG_NO_BIT32(i, v)     { NO_BIT32, i, (uint32_t)(v), 0, #v }

/* Which policies a row is part of. */
enum when {
	ALWAYS,
	NO_SOCKETS,    /* neither --allow-unix nor --allow-net */
	UNIX_ONLY,     /* --allow-unix without --allow-net */
	NO_NET,        /* without --allow-net */
	NO_METADATA,   /* without --allow-metadata */
	NO_NEW_PROCS,  /* --procs 1 */
};

static const char *const when_names[] = {
	[ALWAYS] = "always", [NO_SOCKETS] = "no --allow-unix/--allow-net",
	[UNIX_ONLY] = "--allow-unix", [NO_NET] = "no --allow-net",
	[NO_METADATA] = "no --allow-metadata", [NO_NEW_PROCS] = "--procs 1",
};

enum group { NAMESPACES, KERNEL, TRACING, KEYRING, IDENTITY, PGROUP, SIGNALS, TERMINAL,
	     NETWORK, METADATA, PROCS };

static const char *const group_names[] = {
	[NAMESPACES] = "namespaces", [KERNEL] = "kernel", [TRACING] = "tracing",
	[KEYRING] = "keyring", [IDENTITY] = "personality", [PGROUP] = "pgroup",
	[SIGNALS] = "signals", [TERMINAL] = "terminal", [NETWORK] = "network",
	[METADATA] = "metadata", [PROCS] = "procs",
};

struct rule {
	enum group group;
	int nr;
	const char *name;
	int err;               /* returned as -1/errno; the call does not run */
	struct cond cond;
	enum when when;
};

#define SYS(name) __NR_##name, #name   /* number and printed name from one token */

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

	/* pid -1 signals every process the uid may signal, outside the run too (pid_t). */
	{ SIGNALS, SYS(kill),   EPERM, ARG_EQ32(0, PID_ALL), ALWAYS },
	{ SIGNALS, SYS(tgkill), EPERM, ARG_EQ32(0, PID_ALL), ALWAYS },

	/* Typing into the terminal the run shares with its caller (cmd is unsigned int). */
	{ TERMINAL, SYS(ioctl), EPERM, ARG_EQ32(1, TIOCSTI), ALWAYS },
	{ TERMINAL, SYS(ioctl), EPERM, ARG_EQ32(1, TIOCLINUX), ALWAYS },

	/* Sockets: the family is an int. socketpair() can reach nobody outside. */
	{ NETWORK, SYS(socket),     EPERM, NO_TEST, NO_SOCKETS },
	{ NETWORK, SYS(socket),     EPERM, ARG_NE32(0, AF_UNIX), UNIX_ONLY },
	{ NETWORK, SYS(socketpair), EPERM, ARG_NE32(0, AF_UNIX), NO_NET },

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

static bool rule_active(const struct rule *r, const struct sys_policy *sys)
{
	switch (r->when) {
	case ALWAYS:       return true;
	case NO_SOCKETS:   return !sys->allow_unix && !sys->allow_net;
	case UNIX_ONLY:    return sys->allow_unix && !sys->allow_net;
	case NO_NET:       return !sys->allow_net;
	case NO_METADATA:  return !sys->allow_metadata;
	case NO_NEW_PROCS: return sys->no_new_procs;
	}
	return true;   /* unreachable; an unknown row stays in force */
}

/* ---- the program and its one emitter ---- */

/*
 * The program is written from its last instruction backwards. BPF jumps only forward,
 * so every target already exists when a jump is written and its offset is exact. An
 * instruction's "position" counts from the end (0 = the last one); a jump written at
 * position p to position t skips p - t - 1 instructions.
 */
struct program {
	struct sock_filter ins[BPF_MAXINSNS];   /* filled from the end */
	size_t len;
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

static size_t emit_ret(struct program *p, uint32_t action)
{
	return emit(p, BPF_RET | BPF_K, action, 0, 0);
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

static int by_number(const void *a, const void *b)
{
	const struct rule *ra = *(const struct rule *const *)a, *rb = *(const struct rule *const *)b;

	if (ra->nr != rb->nr)
		return ra->nr < rb->nr ? -1 : 1;
	return ra < rb ? -1 : ra > rb;   /* table order within one number */
}

static void add_segment(struct plan *pl, uint32_t first_nr, enum segment_kind kind, size_t row)
{
	pl->seg[pl->seg_count++] = (struct segment){ first_nr, kind, row, 0 };
}

static void check_rows_of_one_number(const struct plan *pl, const struct segment *s)
{
	for (size_t i = s->row; i < s->row + s->count; i++) {
		if (pl->sorted[i]->cond.op == ANY_ARGS && s->count > 1)
			die("internal error: filter rule %s is unconditional but not alone",
			    pl->sorted[i]->name);
	}
}

static void plan_segments(struct plan *pl, const struct sys_policy *sys)
{
	uint32_t next_nr = 0;   /* first number not yet in a segment */

	pl->rule_count = pl->seg_count = 0;
	for (size_t i = 0; i < RULE_COUNT; i++) {
		if (rules[i].nr < 0 || rules[i].nr > LAST_KNOWN_NR)
			die("internal error: filter rule %s has number %d", rules[i].name, rules[i].nr);
		if (rule_active(&rules[i], sys))
			pl->sorted[pl->rule_count++] = &rules[i];
	}
	qsort(pl->sorted, pl->rule_count, sizeof pl->sorted[0], by_number);
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
static size_t emit_test(struct program *p, const struct cond *c, size_t ret, size_t next)
{
	switch (c->op) {
	case EQ32:      return emit_jump(p, BPF_JEQ, c->value, ret, next);
	case NE32:      return emit_jump(p, BPF_JEQ, c->value, next, ret);
	case ANY_BIT32: return emit_jump(p, BPF_JSET, c->value, ret, next);
	case NO_BIT32:  return emit_jump(p, BPF_JSET, c->value, next, ret);
	case NOT_EITHER32:
		return emit_jump(p, BPF_JEQ, c->value, next,
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

	if (pl->sorted[s->row]->cond.op == ANY_ARGS)
		return emit_ret(p, ret_errno(pl->sorted[s->row]->err));
	next = emit_ret(p, SECCOMP_RET_ALLOW);
	for (size_t i = s->row + s->count; i-- > s->row;) {
		const struct rule *r = pl->sorted[i];
		size_t ret = emit_ret(p, ret_errno(r->err));

		next = emit_test(p, &r->cond, ret, next);
		if (i == s->row || pl->sorted[i - 1]->cond.arg != r->cond.arg)
			next = emit_load(p, ARG_LOW(r->cond.arg));
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
 */
static void build_program(struct program *p, struct plan *pl, const struct sys_policy *sys)
{
	size_t search, kill_arch;

	p->len = 0;
	plan_segments(pl, sys);
	search = emit_search(p, pl, 0, pl->seg_count - 1);
#ifdef X32_SYSCALL_BIT
	search = emit_jump(p, BPF_JGE, X32_SYSCALL_BIT,
			   emit_ret(p, SECCOMP_RET_KILL_PROCESS), search);
#endif
	search = emit_load(p, offsetof(struct seccomp_data, nr));
	kill_arch = emit_ret(p, SECCOMP_RET_KILL_PROCESS);
	emit_jump(p, BPF_JEQ, NATIVE_ARCH, search, kill_arch);
	emit_load(p, offsetof(struct seccomp_data, arch));
}

/* ---- sandrun's side: build before fork, install in the child ---- */

static struct program prepared;   /* built by filter_prepare, installed by filter_install */
static struct plan prepared_plan;

void filter_prepare(const struct sys_policy *sys)
{
	build_program(&prepared, &prepared_plan, sys);
}

void filter_install(void)
{
	struct sock_fprog prog = {
		.len = (unsigned short)prepared.len,
		.filter = (struct sock_filter *)program_start(&prepared),
	};

	if (prepared.len == 0)
		child_fail("seccomp filter was never built");
	/* Flags 0: the child is single-threaded (fresh fork), so no TSYNC is needed. */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0u, &prog) != 0)
		child_fail_sys("seccomp(SECCOMP_SET_MODE_FILTER)");
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

static void print_action(FILE *out, uint32_t action)
{
	if (action == SECCOMP_RET_ALLOW)
		fprintf(out, "ALLOW");
	else if (action == SECCOMP_RET_KILL_PROCESS)
		fprintf(out, "KILL_PROCESS");
	else if ((action & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO)
		fprintf(out, "ERRNO(%s)", errno_name((int)(action & SECCOMP_RET_DATA)));
	else
		fprintf(out, "0x%08x", action);
}

static void print_field(FILE *out, uint32_t offset)
{
	uint32_t args = offsetof(struct seccomp_data, args);

	if (offset == offsetof(struct seccomp_data, nr))
		fprintf(out, "nr");
	else if (offset == offsetof(struct seccomp_data, arch))
		fprintf(out, "arch");
	else if (offset >= args && offset < args + 48)
		fprintf(out, "args[%u] %s word", (offset - args) / 8,
			(offset - args) % 8 == LOW_WORD ? "low" : "high");
	else
		fprintf(out, "offset %u", offset);
}

/* One instruction with absolute targets, e.g. "12: jge #0x65 -> 40 else 13". */
static void print_instruction(FILE *out, size_t at, const struct sock_filter *f)
{
	static const char *const jump_names[] = {
		[BPF_JEQ >> 4] = "jeq", [BPF_JGT >> 4] = "jgt", [BPF_JGE >> 4] = "jge",
		[BPF_JSET >> 4] = "jset",
	};

	fprintf(out, "  %4zu: ", at);
	if (f->code == (BPF_LD | BPF_W | BPF_ABS)) {
		char k[16];

		snprintf(k, sizeof k, "[%u]", f->k);
		fprintf(out, "ld   %-24s ; ", k);
		print_field(out, f->k);
	} else if (f->code == (BPF_RET | BPF_K)) {
		fprintf(out, "ret  ");
		print_action(out, f->k);
	} else if (f->code == (BPF_JMP | BPF_JA)) {
		fprintf(out, "ja   -> %zu", at + 1 + f->k);
	} else if (BPF_CLASS(f->code) == BPF_JMP && BPF_SRC(f->code) == BPF_K &&
		   BPF_OP(f->code) >> 4 < sizeof jump_names / sizeof jump_names[0] &&
		   jump_names[BPF_OP(f->code) >> 4]) {
		char k[32];

		snprintf(k, sizeof k, "#%u (0x%x)", f->k, f->k);
		fprintf(out, "%-4s %-24s -> %zu else %zu", jump_names[BPF_OP(f->code) >> 4], k,
			at + 1 + f->jt, at + 1 + f->jf);
	} else {
		fprintf(out, "code 0x%04x k 0x%x jt %u jf %u", f->code, f->k, f->jt, f->jf);
	}
	fputc('\n', out);
}

static void print_condition(FILE *out, const struct cond *c)
{
	static const char *const ops[] = {
		[EQ32] = "==", [NE32] = "!=", [NOT_EITHER32] = "not", [ANY_BIT32] = "has any of",
		[NO_BIT32] = "lacks",
	};

	if (c->op == ANY_ARGS) {
		fprintf(out, "%-44s", "any arguments");
		return;
	}
	char text[128];

	if (c->op == NOT_EITHER32)
		snprintf(text, sizeof text, "arg%u.lo32 not %s (0x%x, 0x%x)", c->arg, c->text,
			 c->value, c->value2);
	else
		snprintf(text, sizeof text, "arg%u.lo32 %s %s (0x%x)", c->arg, ops[c->op], c->text,
			 c->value);
	fprintf(out, "%-44s", text);
}

static void print_rule_table(FILE *out, const struct sys_policy *sys)
{
	fprintf(out, "  %-5s %-11s %-17s %4s  %-13s %-44s %s\n", "state", "group", "syscall",
		"nr", "action", "condition (lo32 = low 32 bits)", "in force");
	for (size_t i = 0; i < RULE_COUNT; i++) {
		const struct rule *r = &rules[i];

		char action[32];

		snprintf(action, sizeof action, "ERRNO(%s)", errno_name(r->err));
		fprintf(out, "  %-5s %-11s %-17s %4d  %-13s ", rule_active(r, sys) ? "on" : "off",
			group_names[r->group], r->name, r->nr, action);
		print_condition(out, &r->cond);
		fprintf(out, " %s\n", when_names[r->when]);
	}
}

void filter_print(const struct sys_policy *sys, FILE *out)
{
	static struct program shown;
	static struct plan plan;

	build_program(&shown, &plan, sys);
	fprintf(out, "seccomp filter: %zu rules in force, %zu BPF instructions (kernel limit %d)\n",
		plan.rule_count, shown.len, BPF_MAXINSNS);
	fprintf(out, "  first:  arch != %s (0x%08x) -> KILL_PROCESS\n", NATIVE_ARCH_NAME,
		NATIVE_ARCH);
#ifdef X32_SYSCALL_BIT
	fprintf(out, "  then:   nr >= 0x%08x (x32 ABI) -> KILL_PROCESS\n", X32_SYSCALL_BIT);
#endif
	fprintf(out, "  then:   nr > %d (newer than this table) -> ERRNO(ENOSYS)\n", LAST_KNOWN_NR);
	fprintf(out, "  then:   the rows below, in table order for one number; first match wins\n");
	print_rule_table(out, sys);
	fprintf(out, "  else:   ALLOW, decided on arch and number alone\n");
	fprintf(out, "BPF program (%zu instructions; binary search on nr with jge):\n", shown.len);
	for (size_t i = 0; i < shown.len; i++)
		print_instruction(out, i, program_start(&shown) + i);
}

static const char *network_detail(const struct sys_policy *sys)
{
	if (sys->allow_net)
		return "--allow-net: socket() allowed for every family";
	if (sys->allow_unix)
		return "socket() denied except AF_UNIX (--allow-unix)";
	return "socket() denied for every family; socketpair(AF_UNIX) works";
}

size_t filter_protections(const struct sys_policy *sys, struct protection *out, size_t max)
{
	static struct program counted;
	static struct plan plan;
	static char summary[96], newer[64];
	size_t n = 0;

	build_program(&counted, &plan, sys);
	snprintf(summary, sizeof summary, "%zu rules, %zu BPF instructions", plan.rule_count,
		 counted.len);
	snprintf(newer, sizeof newer, "syscall numbers above %d fail ENOSYS", LAST_KNOWN_NR);
	const struct protection rows[] = {
		{ "seccomp-filter", true, summary },
		{ "seccomp-arch", true, "calls through another ABI (int $0x80) kill the process" },
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
		{ "network", !sys->allow_net, network_detail(sys) },
		{ "metadata", !sys->allow_metadata, sys->allow_metadata
			? "--allow-metadata: chmod, chown, xattr, utime allowed"
			: "chmod, chown, xattr, inode flags, utime family denied" },
		{ "no-new-procs", sys->no_new_procs, sys->no_new_procs
			? "fork, vfork, clone without CLONE_THREAD fail EAGAIN"
			: "only with --procs 1" },
	};

	for (size_t i = 0; i < sizeof rows / sizeof rows[0] && n < max; i++)
		out[n++] = rows[i];
	return n;
}
