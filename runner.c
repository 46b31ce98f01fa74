/*
 * runner.c: options, the order of the child's setup, identity, and the exit status.
 *
 * Guarantees:
 * - Every option value is checked before anything runs; a bad one is one line on
 *   stderr and exit 125. Root is refused unless --user names a non-root uid and gid.
 * - The child's setup is the flat list in child_setup(); its order is the security
 *   argument: files first (opened by sandrun), then identity, then no_new_privs,
 *   Landlock, closing descriptors, and the seccomp filter as the step before execve.
 *   Any failure on the way ends the child with 125 before PROGRAM runs.
 * - PROGRAM is searched in PATH by sandrun itself, so 126 means "found but not
 *   executable" and 127 "not found", never a shell's guess.
 * - -i/-o/-e and the report are opened by outputs.c (no symlink followed, outputs
 *   regular, the report renamed in a directory held from the start); a report that cannot
 *   be written is exit 123 (EXIT_REPORT), never 125. Capabilities are emptied in the child
 *   by caps.c, around the identity change.
 * - Verdicts are measured (decide()): cpu-limit needs -c and the CPU time used, output-
 *   limit needs -f; a signal alone is "signaled".
 * Does not:
 * - confine anything itself: Landlock (landlock.c), seccomp (filter.c), the process
 *   group (pgroup.c) and the cgroup per run (cgroup.c) do, each in its own file; so do
 *   the chmod and utime calls sandrun makes beneath -W dirs (metadata.c), the -T scratch
 *   dir (scratch.c), --user names and the run user's environment (account.c), and the
 *   bounds on sandrun's own stderr writes and the terminal's restore (guard.c).
 */
#include "sandrun.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char clean_path[] = "PATH=/usr/local/bin:/usr/bin:/bin";

/* The report: its path from --report, and what it needs to know if sandrun dies early. */
static const char *report_path;
static int report_fd = -1;        /* --report-fd N, -1 = none */
static const struct policy *report_policy;
static char last_error[512];

static void write_setup_error_report(void);

/* ---- output: a small formatter and a buffered writer, no stdio ---- */

/*
 * In the static musl build printf (with the floating-point formatter musl always links
 * with it) and the FILE machinery took about 15 KB. This formatter does what
 * sandrun's own formats use and nothing more (sandrun.h lists it); the format attribute
 * on every entry point makes the compiler check each call's arguments. A conversion it
 * does not know prints as itself, so a new one shows in the tests. It keeps no state and
 * calls nothing but write(2), so the child may use it between fork and execve.
 */
struct conv {
	bool left, zero;              /* flags '-' and '0' */
	size_t width;
	size_t prec;                  /* SIZE_MAX: none given */
	int size;                     /* 0 int, 1 long or size_t, 2 long long */
	char type;
};

/* Writes everything held to the descriptor, through short writes and EINTR. */
bool out_flush(struct out *o)
{
	size_t done = 0;

	while (o->fd >= 0 && !o->err && done < o->len) {
		ssize_t n = write(o->fd, o->buf + done, o->len - done);

		if (n > 0)
			done += (size_t)n;
		else if (n < 0 && errno != EINTR)
			o->err = errno;
		else if (n == 0)
			o->err = EIO;   /* write(2) made no progress on a non-empty buffer */
	}
	if (o->fd >= 0)
		o->len = 0;
	return o->err == 0;
}

void out_write(struct out *o, const char *s, size_t n)
{
	if (o->fd < 0) {
		size_t room = o->len + 1 < o->size ? o->size - 1 - o->len : 0;

		if (room > 0)
			memcpy(o->buf + o->len, s, n < room ? n : room);
		o->len += n;
		o->buf[o->len < o->size ? o->len : o->size - 1] = '\0';
		return;
	}
	while (n > 0 && !o->err) {
		size_t chunk = o->size - o->len < n ? o->size - o->len : n;

		memcpy(o->buf + o->len, s, chunk);
		o->len += chunk;
		s += chunk;
		n -= chunk;
		if (o->len == o->size)
			out_flush(o);
	}
}

void out_puts(struct out *o, const char *s)
{
	out_write(o, s, strlen(s));
}

static void pad(struct out *o, char c, size_t n)
{
	for (; n > 0; n--)
		out_write(o, &c, 1);
}

/* The text of one conversion, placed in its width: sign, then zeros or text, then spaces. */
static void put_field(struct out *o, const struct conv *c, const char *sign, const char *s,
		      size_t n)
{
	size_t body = strlen(sign) + n, fill = c->width > body ? c->width - body : 0;

	if (!c->left && !c->zero)
		pad(o, ' ', fill);
	out_puts(o, sign);
	if (!c->left && c->zero)
		pad(o, '0', fill);
	out_write(o, s, n);
	if (c->left)
		pad(o, ' ', fill);
}

/* Flags, width, precision and length of the conversion at f (after its '%'). */
static const char *parse_conv(const char *f, struct conv *c, va_list *ap)
{
	*c = (struct conv){ .prec = SIZE_MAX };
	for (; *f == '-' || *f == '0'; f++)
		*(*f == '-' ? &c->left : &c->zero) = true;
	for (; *f >= '0' && *f <= '9'; f++)
		c->width = c->width * 10 + (size_t)(*f - '0');
	if (*f == '.' && f[1] == '*') {
		int prec = va_arg(*ap, int);

		c->prec = prec < 0 ? SIZE_MAX : (size_t)prec;
		f += 2;
	} else if (*f == '.') {
		for (c->prec = 0, f++; *f >= '0' && *f <= '9'; f++)
			c->prec = c->prec * 10 + (size_t)(*f - '0');
	}
	for (; *f == 'l' && c->size < 2; f++)
		c->size++;
	if (*f == 'z') {
		c->size = 1;
		f++;
	}
	c->type = *f;
	return *f ? f + 1 : f;
}

/* 'z' is read as 'l': size_t is unsigned long on every Linux ABI, LP64 and ILP32 alike. */
_Static_assert(sizeof(size_t) == sizeof(unsigned long), "size_t is not unsigned long");

static unsigned long long take_unsigned(const struct conv *c, va_list *ap)
{
	if (c->size == 2)
		return va_arg(*ap, unsigned long long);
	if (c->size == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned);
}

static long long take_signed(const struct conv *c, va_list *ap)
{
	if (c->size == 2)
		return va_arg(*ap, long long);
	if (c->size == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

/* One number: v in base 8, 10 or 16 (lower case), after sign. */
static void put_number(struct out *o, const struct conv *c, const char *sign,
		       unsigned long long v, unsigned base)
{
	char digits[24], *end = digits + sizeof digits, *d = end;

	do {
		*--d = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	put_field(o, c, sign, d, (size_t)(end - d));
}

static void put_conv(struct out *o, const struct conv *c, va_list *ap)
{
	if (c->type == 's') {
		const char *s = va_arg(*ap, const char *);

		put_field(o, c, "", s, c->prec == SIZE_MAX ? strlen(s) : strnlen(s, c->prec));
	} else if (c->type == 'c') {
		char ch = (char)va_arg(*ap, int);

		put_field(o, c, "", &ch, 1);
	} else if (c->type == 'd') {
		long long v = take_signed(c, ap);

		put_number(o, c, v < 0 ? "-" : "", v < 0 ? 0ull - (unsigned long long)v
						      : (unsigned long long)v, 10);
	} else if (c->type == 'o' || c->type == 'u' || c->type == 'x') {
		put_number(o, c, "", take_unsigned(c, ap),
			   c->type == 'o' ? 8u : c->type == 'x' ? 16u : 10u);
	} else {
		out_write(o, "%", 1);   /* "%%", or a conversion this formatter does not know */
		out_write(o, &c->type, c->type != '%' && c->type != '\0');
	}
}

void out_vprintf(struct out *o, const char *fmt, va_list ap)
{
	va_list args;

	/* A copy, so helpers can take its address whatever va_list is on this ABI. */
	va_copy(args, ap);
	while (*fmt) {
		size_t lit = strcspn(fmt, "%");
		struct conv c;

		out_write(o, fmt, lit);
		fmt += lit;
		if (*fmt == '\0')
			break;
		fmt = parse_conv(fmt + 1, &c, &args);
		put_conv(o, &c, &args);
	}
	va_end(args);
}

void out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_vprintf(o, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 3, 0)))
static size_t out_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .fd = -1, .buf = buf, .size = size };

	buf[0] = '\0';
	out_vprintf(&o, fmt, ap);
	return o.len;
}

size_t out_format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	len = out_vformat(buf, size, fmt, ap);
	va_end(ap);
	return len;
}

void out_warn(const char *fmt, ...)
{
	char buf[1024];
	struct out o = { .fd = -1, .buf = buf, .size = sizeof buf - 1 };   /* room for \n */
	va_list ap;
	size_t len;

	out_puts(&o, "sandrun: ");
	va_start(ap, fmt);
	out_vprintf(&o, fmt, ap);
	va_end(ap);
	len = o.len < o.size ? o.len : o.size - 1;
	buf[len++] = '\n';
	/* One bounded write (guard.c): stderr is shared with the program, which may stop it.
	 * Nothing is left to tell if stderr itself fails; the exit status still says it. */
	guard_write_stderr(buf, len);
}

/* ---- errors ---- */

__attribute__((format(printf, 1, 0)))
static void vreport(const char *fmt, va_list ap, int err)
{
	char msg[384];

	out_vformat(msg, sizeof msg, fmt, ap);
	if (err)
		out_format(last_error, sizeof last_error, "%s: %s", msg, strerror(err));
	else
		out_format(last_error, sizeof last_error, "%s", msg);
	out_warn("%s", last_error);
}

static _Noreturn void die_now(void)
{
	static bool dying;

	/* A setup error never leaves a program running; guard against re-entry from there. */
	if (dying)
		exit(EXIT_SETUP);
	dying = true;
	if (pgroup_started())
		pgroup_kill_all();
	cgroup_finish();              /* the run's cgroup, if any, emptied and removed */
	(void)scratch_remove();       /* after the kills: nothing of the run can race it */
	write_setup_error_report();
	exit(EXIT_SETUP);
}

_Noreturn void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap, 0);
	va_end(ap);
	die_now();
}

_Noreturn void die_sys(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap, err);
	va_end(ap);
	die_now();
}

__attribute__((format(printf, 2, 0)))
static _Noreturn void child_vfail(int err, const char *fmt, va_list ap)
{
	char msg[256];
	size_t len = out_vformat(msg, sizeof msg, fmt, ap);

	if (err && len < sizeof msg)
		out_format(msg + len, sizeof msg - len, ": %s", strerror(err));
	pgroup_child_report(CHILD_SETUP_FAILED, err, msg);
}

_Noreturn void child_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	child_vfail(0, fmt, ap);
	/* cppcheck-suppress va_end_missing ; child_vfail never returns: no va_end can follow */
}

_Noreturn void child_fail_sys(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	child_vfail(err, fmt, ap);
	/* cppcheck-suppress va_end_missing ; child_vfail never returns: no va_end can follow */
}

/* ---- value parsers: strict, no locale, no exponent, no sign, overflow is an error ---- */

/* Digits only, at most max; *end points past them. */
static bool parse_digits(const char *s, const char **end, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	const char *c = s;

	for (; *c >= '0' && *c <= '9'; c++) {
		unsigned d = (unsigned)(*c - '0');

		if (d > max || v > (max - d) / 10)   /* max - d must not wrap */
			return false;
		v = v * 10 + d;
	}
	*end = c;
	*out = v;
	return c != s;
}

/* -t and -c: at most a year of 365 days, as --help says. */
#define MAX_SECONDS (365u * 24u * 3600u)

/* Decimal seconds ("2", "0.5", "1.250") to milliseconds, rounded up; at most a year. */
static bool parse_seconds_ms(const char *s, uint64_t *ms)
{
	const uint64_t max_sec = MAX_SECONDS;
	uint64_t sec, frac_ms = 0;
	const char *c;

	if (!parse_digits(s, &c, max_sec, &sec))
		return false;
	if (*c == '.') {
		unsigned places = 0;
		bool rest_nonzero = false;

		for (c++; *c >= '0' && *c <= '9'; c++, places++) {
			if (places < 3)
				frac_ms = frac_ms * 10 + (uint64_t)(*c - '0');
			else if (*c != '0')
				rest_nonzero = true;
		}
		if (places == 0)
			return false;
		for (; places < 3; places++)
			frac_ms *= 10;
		frac_ms += rest_nonzero;
	}
	*ms = sec * 1000u + frac_ms;
	return *c == '\0' && *ms > 0 && *ms <= max_sec * 1000u;
}

/* A positive count, at most max. */
static bool parse_count(const char *s, uint64_t max, uint64_t *out)
{
	const char *end;

	return parse_digits(s, &end, max, out) && *end == '\0' && *out > 0;
}

/* N, NK, NM or NG (powers of 1024; lower case too), positive, no overflow. */
static bool parse_size(const char *s, uint64_t *bytes)
{
	static const struct { char suffix; unsigned shift; } units[] = {
		{ '\0', 0 }, { 'K', 10 }, { 'k', 10 }, { 'M', 20 }, { 'm', 20 }, { 'G', 30 }, { 'g', 30 },
	};
	const char *end;
	uint64_t n;

	if (!parse_digits(s, &end, UINT64_MAX, &n) || n == 0)
		return false;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (end[0] != units[i].suffix || (end[0] != '\0' && end[1] != '\0'))
			continue;
		if (n > (UINT64_MAX >> units[i].shift))
			return false;
		*bytes = n << units[i].shift;
		return true;
	}
	return false;
}

/* UID[:GID], both non-zero; without GID the group is the uid's number. */
static bool parse_user(const char *s, uid_t *uid, gid_t *gid)
{
	const char *end;
	uint64_t u, g;

	if (!parse_digits(s, &end, (uid_t)-2, &u))
		return false;
	g = u;
	if (*end == ':' && !parse_digits(end + 1, &end, (gid_t)-2, &g))
		return false;
	if (*end != '\0' || u == 0 || g == 0)
		return false;
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return true;
}

/* ---- options: one table feeds the parser and --help ---- */

enum {
	OPT_CLEAN_ENV = 256, OPT_ALLOW_UNIX, OPT_ALLOW_NET, OPT_ALLOW_METADATA, OPT_PRINT_POLICY,
	OPT_DATA, OPT_REPORT, OPT_LOG_DENIED,
	OPT_ALLOW_IPC, OPT_REPORT_FD,
	OPT_ALLOW_CONNECT, OPT_ALLOW_BIND, OPT_ALLOW_PTY,
	OPT_CGROUP, OPT_CLEANUP,   /* cgroup.c */
};

struct option_row {
	const char *name;
	int key;                 /* short option letter, or an OPT_ value */
	const char *arg;         /* metavariable, NULL for a flag */
	const char *help;
};

static const struct option_row option_rows[] = {
	{ "timeout", 't', "SEC", "kill the whole run after SEC wall-clock seconds (decimals allowed)" },
	{ "chdir", 'C', "DIR", "run PROGRAM in DIR" },
	{ "clean-env", OPT_CLEAN_ENV, NULL, "start from an empty environment plus PATH=/usr/local/bin:/usr/bin:/bin" },
	{ "env", 'E', "NAME=VALUE", "set a variable for PROGRAM (repeatable)" },
	{ "user", 'u', "USER[:GROUP]", "run as a uid or a name (GID = UID, or NAME's group), no extra groups; needed as root" },
	{ "allow-write", 'W', "DIR", "allow writing beneath DIR (repeatable)" },
	{ "deny-read", 'R', "DIR", "deny reading, listing and executing beneath DIR (repeatable)" },
	{ "allow-read", 'A', "PATH", "strict mode: read only beneath PATH and the -W dirs (repeatable)" },
	{ "allow-unix", OPT_ALLOW_UNIX, NULL, "allow socket(AF_UNIX)" },
	{ "allow-net", OPT_ALLOW_NET, NULL, "allow sockets of every family and TCP bind/connect" },
	{ "allow-metadata", OPT_ALLOW_METADATA, NULL, "allow chmod, chown, xattr, times on any file (-W: chmod, times work without)" },
	{ "cpu", 'c', "SEC", "CPU seconds per process (RLIMIT_CPU); exceeding it exits 124" },
	{ "memory", 'm', "SIZE", "address space per process, SIZE = N, NK, NM or NG (RLIMIT_AS)" },
	{ "data", OPT_DATA, "SIZE", "data segment per process (RLIMIT_DATA), for runtimes that reserve much" },
	{ "fsize", 'f', "SIZE", "largest file PROGRAM may write (RLIMIT_FSIZE)" },
	{ "procs", 'p', "N", "at most N processes; 1: no fork, threads work; N>1: RLIMIT_NPROC, per uid (default 1024)" },
	{ "nofile", 'n', "N", "at most N open descriptors per process (RLIMIT_NOFILE)" },
	{ "stdin", 'i', "FILE", "PROGRAM reads FILE as its standard input" },
	{ "stdout", 'o', "FILE", "PROGRAM writes its standard output to FILE (created or truncated)" },
	{ "stderr", 'e', "FILE", "PROGRAM writes its standard error to FILE (may equal --stdout)" },
	{ "report", OPT_REPORT, "FILE", "write a JSON report of the run to FILE, atomically" },
	{ "log-denied", OPT_LOG_DENIED, NULL, "print a line on stderr the first time each syscall is denied" },
	{ "print-policy", OPT_PRINT_POLICY, NULL, "print the Landlock rules and the syscall filter, run nothing" },
	{ "help", 'h', NULL, "show this help and exit" },
	{ "version", 'V', NULL, "show the version and what this kernel offers, and exit" },
	{ "allow-ipc", OPT_ALLOW_IPC, NULL, "allow System V IPC: shared memory, queues, semaphores (they outlive the run)" },
	{ "report-fd", OPT_REPORT_FD, "N", "write the JSON report, whole, at the end, to inherited descriptor N (>= 1)" },
	{ "hide", 'H', "DIR", "like -R, but DIR and its sub-dirs stay listable and its parents keep listing (repeatable)" },
	{ "allow-connect", OPT_ALLOW_CONNECT, "PORT", "allow TCP connect to PORT or range A-B only (repeatable; Landlock ABI 4)" },
	{ "allow-bind", OPT_ALLOW_BIND, "PORT", "allow TCP bind to PORT or A-B only, 0 = ephemeral (repeatable; ABI 4)" },
	{ "tmpdir", 'T', NULL, "a fresh private -W dir as TMPDIR, TMP, TEMP (and HOME with --user), removed after the run" },
	{ "allow-pty", OPT_ALLOW_PTY, NULL, "allow opening new pseudo-terminals (/dev/ptmx, /dev/pts); /dev/tty stays closed" },
	{ "cgroup", OPT_CGROUP, "MODE", "auto (default): a cgroup v2 per run where possible, for -m, -p and the kill; on: or 125; off: rlimits" },
	{ "cleanup", OPT_CLEANUP, NULL, "kill and remove run cgroups left by a SIGKILLed sandrun, run nothing" },
};
#define OPTION_COUNT (sizeof option_rows / sizeof option_rows[0])

static const char usage_tail[] =
	"\n"
	"Exit status: PROGRAM's own; 128+N if it was killed by signal N;\n"
	"  123 the run happened but its report could not be written;\n"
	"  124 a time limit expired (the whole run was killed);\n"
	"  125 sandrun could not set up the sandbox or was called wrongly (nothing ran);\n"
	"  126 PROGRAM could not be executed; 127 PROGRAM was not found.\n"
	"Default policy: read and execute everything, write nothing (except /dev/null,\n"
	"/dev/zero, /dev/full), no sockets, no namespaces, tracing or metadata changes.\n";

static void print_help(struct out *out)
{
	out_puts(out, "Usage: sandrun [OPTION]... [--] PROGRAM [ARG]...\n"
		 "Run PROGRAM confined by Landlock, seccomp, no_new_privs and a timed process group.\n\n");
	for (size_t i = 0; i < OPTION_COUNT; i++) {
		const struct option_row *o = &option_rows[i];
		char left[64];

		out_format(left, sizeof left, "%c%c%s--%s%s%s",
			   o->key < 256 ? '-' : ' ', o->key < 256 ? o->key : ' ',
			   o->key < 256 ? ", " : "  ", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		out_printf(out, "  %-28s %s\n", left, o->help);
	}
	out_puts(out, usage_tail);
}

static void strlist_add(struct strlist *l, const char *s)
{
	const char **grown = realloc(l->items, (l->count + 1) * sizeof *grown);

	if (!grown)
		die("out of memory");
	grown[l->count++] = s;
	l->items = grown;
}

/* Command-line state that is not part of the policy itself. */
struct cli {
	bool clean_env;
	bool print_policy;
	struct strlist env;
	const char *stdio_paths[3];   /* -i, -o, -e */
	bool cleanup;                 /* --cleanup: cgroup.c's leftovers, no PROGRAM */
};

/* NAME=VALUE with a non-empty NAME; VALUE may be empty or hold more '='. */
static bool is_env_assignment(const char *s)
{
	const char *eq = strchr(s, '=');

	return eq && eq != s;
}

static void parse_size_option(const char *name, const char *arg, uint64_t *bytes)
{
	if (!parse_size(arg, bytes))
		die("%s %s: expected a positive size N, NK, NM or NG (powers of 1024)", name, arg);
}

/*
 * -m and --data below 4M are refused: the verdict compares peak RSS with the limit, and
 * the smallest dynamically linked program (/bin/true) already uses about 1M, so "-m 10"
 * or "-m 256k" (bytes and KiB, not the MiB meant) would report memory-limit for any run.
 */
#define MIN_MEMORY_BYTES (4u << 20)

static void parse_memory_option(const char *name, const char *arg, uint64_t *bytes)
{
	parse_size_option(name, arg, bytes);
	if (*bytes < MIN_MEMORY_BYTES)
		die("%s %s: at least 4M (%u bytes): a program's own image needs more", name, arg,
		    MIN_MEMORY_BYTES);
}

/* Below 16 descriptors the dynamic loader and libc fail to start the program. */
#define MIN_NOFILE 16

static const char *nonempty_path(const char *name, const char *arg)
{
	if (arg[0] == '\0')
		die("%s: empty file name", name);
	return arg;
}

static void handle_option(int key, const char *arg, struct policy *p, struct cli *cli)
{
	switch (key) {
	case 't':
		if (!parse_seconds_ms(arg, &p->lim.timeout_ms))
			die("--timeout %s: expected positive decimal seconds, at most %u (a year)", arg,
			    MAX_SECONDS);
		break;
	case 'C':
		if (arg[0] == '\0')
			die("--chdir: empty directory name");
		p->chdir_to = arg;
		break;
	case OPT_CLEAN_ENV: cli->clean_env = true; break;
	case 'E':
		if (!is_env_assignment(arg))
			die("--env %s: expected NAME=VALUE", arg);
		strlist_add(&cli->env, arg);
		break;
	case 'u':
		if (!parse_user(arg, &p->uid, &p->gid))
			account_resolve(arg, &p->uid, &p->gid);   /* names, or one line and 125 */
		p->has_user = true;
		break;
	case 'W': strlist_add(&p->fs.allow_write, arg); break;
	case 'R': strlist_add(&p->fs.deny_read, arg); break;
	case 'A': strlist_add(&p->fs.allow_read, arg); break;
	case OPT_ALLOW_UNIX: p->sys.allow_unix = true; break;
	case OPT_ALLOW_NET: p->sys.allow_net = p->fs.allow_net = true; break;
	case OPT_ALLOW_METADATA: p->sys.allow_metadata = true; break;
	case 'c':
		if (!parse_count(arg, MAX_SECONDS, &p->lim.cpu_sec))
			die("--cpu %s: expected a positive whole number of seconds, at most %u (a year)",
			    arg, MAX_SECONDS);
		break;
	case 'm': parse_memory_option("--memory", arg, &p->lim.mem_bytes); break;
	case OPT_DATA: parse_memory_option("--data", arg, &p->lim.data_bytes); break;
	case 'f': parse_size_option("--fsize", arg, &p->lim.fsize_bytes); break;
	case 'p':
		if (!parse_count(arg, 1u << 22, &p->lim.procs))
			die("--procs %s: expected a positive number of processes, at most %u (the "
			    "kernel's largest pid_max)", arg, 1u << 22);
		p->sys.no_new_procs = p->lim.procs == 1;
		break;
	case 'n':
		if (!parse_count(arg, 1u << 30, &p->lim.nofile) || p->lim.nofile < MIN_NOFILE)
			die("--nofile %s: expected a number of descriptors from %u (what the loader "
			    "and libc need) to %u", arg, MIN_NOFILE, 1u << 30);
		break;
	case 'i': cli->stdio_paths[0] = nonempty_path("--stdin", arg); break;
	case 'o': cli->stdio_paths[1] = nonempty_path("--stdout", arg); break;
	case 'e': cli->stdio_paths[2] = nonempty_path("--stderr", arg); break;
	case OPT_REPORT: report_path = nonempty_path("--report", arg); break;
	case OPT_LOG_DENIED: p->sys.log_denied = true; break;
	case OPT_PRINT_POLICY: cli->print_policy = true; break;
	case OPT_ALLOW_IPC: p->sys.allow_ipc = true; break;
	case OPT_REPORT_FD: {
		uint64_t fd;

		if (!parse_count(arg, INT_MAX, &fd))
			die("--report-fd %s: expected a descriptor number >= 1 (0 is the program's stdin)", arg);
		report_fd = (int)fd;
		break;
	}
	case 'H': strlist_add(&p->fs.hide, arg); break;
	case OPT_ALLOW_CONNECT:
		landlock_add_ports(&p->fs.connect_ports, "--allow-connect", arg, false);
		p->sys.tcp_ports = true;
		break;
	case OPT_ALLOW_BIND:
		landlock_add_ports(&p->fs.bind_ports, "--allow-bind", arg, true);
		p->sys.tcp_ports = true;
		break;
	case 'T': p->want_scratch = true; break;
	case OPT_ALLOW_PTY: p->fs.allow_pty = true; break;
	case OPT_CGROUP:
		if (!cgroup_parse_mode(arg))
			die("--cgroup %s: expected auto, on or off", arg);
		break;
	case OPT_CLEANUP: cli->cleanup = true; break;
	default:
		die("internal error: option %d has no handler", key);
	}
}

/* The protections table, as --version and --print-policy show it. */
static void print_protections(const struct policy *p, struct out *out)
{
	struct protection rows[MAX_PROTECTIONS];
	size_t n = landlock_protections(p->fs.abi, p->fs.allow_net, rows, MAX_PROTECTIONS);

	n += filter_protections(&p->sys, rows + n, MAX_PROTECTIONS - n);
	n += caps_protections(rows + n, MAX_PROTECTIONS - n);
	n += cgroup_protections(&p->lim, rows + n, MAX_PROTECTIONS - n);
	out_printf(out, "protections on this kernel:\n");
	for (size_t i = 0; i < n; i++)
		out_printf(out, "  %-28s %-8s %s\n", rows[i].name, rows[i].active ? "active" : "NOT", rows[i].detail);
}

/* --help, --version and --print-policy write here; finish_stdout() sends it. */
static char stdout_buf[4096];
static struct out std_out = { .fd = STDOUT_FILENO, .buf = stdout_buf, .size = sizeof stdout_buf };

/* All of it written, or sandrun fails: a truncated policy or help must not look whole. */
static void finish_stdout(void)
{
	if (!out_flush(&std_out)) {
		errno = std_out.err;
		die_sys("standard output");
	}
}

static void print_version(void)
{
	struct policy defaults = { .fs.ruleset_fd = -1 };

	out_printf(&std_out, "sandrun %s\n", SANDRUN_VERSION);
	defaults.fs.abi = landlock_probe();
	defaults.sys.signal_scoped = defaults.fs.abi >= 6;
	out_printf(&std_out, "Landlock ABI %d\n", defaults.fs.abi);
	print_protections(&defaults, &std_out);
}

/* The row of a long option: its exact name, or as getopt_long does, a prefix of exactly
 * one name. NULL when no row or several match. */
static const struct option_row *find_long(const char *name, size_t len)
{
	const struct option_row *found = NULL;
	size_t matches = 0;

	for (size_t i = 0; i < OPTION_COUNT; i++) {
		if (strncmp(option_rows[i].name, name, len) != 0)
			continue;
		if (option_rows[i].name[len] == '\0')
			return &option_rows[i];
		found = &option_rows[i];
		matches++;
	}
	return matches == 1 ? found : NULL;
}

static const struct option_row *find_short(char c)
{
	for (size_t i = 0; i < OPTION_COUNT; i++) {
		if (option_rows[i].key < 256 && option_rows[i].key == (unsigned char)c)
			return &option_rows[i];
	}
	return NULL;
}

/* --help and --version end sandrun here; every other option goes to handle_option. */
static void take_option(const struct option_row *o, const char *arg, struct policy *p,
			struct cli *cli)
{
	if (o->key == 'h' || o->key == 'V') {
		if (o->key == 'h')
			print_help(&std_out);
		else
			print_version();
		finish_stdout();
		exit(0);
	}
	handle_option(o->key, arg, p, cli);
}

/* --name, --name=VALUE or --name VALUE at argv[i]; returns how many entries it used. */
static int parse_long(char **argv, int i, struct policy *p, struct cli *cli)
{
	const char *name = argv[i] + 2, *eq = strchr(name, '=');
	const struct option_row *o = find_long(name, eq ? (size_t)(eq - name) : strlen(name));

	if (!o)
		die("unknown option %s (see --help)", argv[i]);
	if (!o->arg && eq)
		die("option --%s takes no value", o->name);
	if (!o->arg || eq) {
		take_option(o, eq ? eq + 1 : "", p, cli);
		return 1;
	}
	if (!argv[i + 1])
		die("option --%s needs a value", o->name);
	take_option(o, argv[i + 1], p, cli);
	return 2;
}

/* -h, bundled flags (-hV), a value attached (-c5, -W/dir) or next (-c 5). */
static int parse_short(char **argv, int i, struct policy *p, struct cli *cli)
{
	for (const char *c = argv[i] + 1; *c; c++) {
		const struct option_row *o = find_short(*c);

		if (!o)
			die("unknown option -%c (see --help)", *c);
		if (!o->arg) {
			take_option(o, "", p, cli);   /* a flag: handle_option ignores its value */
			continue;
		}
		if (c[1] != '\0') {
			take_option(o, c + 1, p, cli);
			return 1;
		}
		if (!argv[i + 1])
			die("option --%s needs a value", o->name);
		take_option(o, argv[i + 1], p, cli);
		return 2;
	}
	return 1;
}

/* Options end at the first argument that is not one (PROGRAM) or after "--": PROGRAM's
 * arguments are its own. A value is taken whole, even when it starts with '-' (-t -1).
 * Returns the index of PROGRAM in argv. */
static int parse_options(int argc, char **argv, struct policy *p, struct cli *cli)
{
	int i = 1;

	while (i < argc && argv[i][0] == '-' && argv[i][1] != '\0') {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		i += argv[i][1] == '-' ? parse_long(argv, i, p, cli) : parse_short(argv, i, p, cli);
	}
	if (cli->cleanup)
		return i;   /* runs nothing: PROGRAM, if any, is ignored */
	if (!cli->print_policy && i >= argc)
		die("no PROGRAM given (see --help)");
	if (!cli->print_policy && argv[i][0] == '\0')
		die("PROGRAM is an empty string");
	return i;
}

/* ---- the child's environment ---- */

static bool same_name(const char *a, const char *b)
{
	size_t la = strcspn(a, "="), lb = strcspn(b, "=");

	return la == lb && strncmp(a, b, la) == 0;
}

/* Puts NAME=VALUE into env[0..*n), replacing an earlier value of NAME. */
static void env_set(char **env, size_t *n, const char *assignment)
{
	size_t j = 0;

	while (j < *n && !same_name(env[j], assignment))
		j++;
	env[j] = (char *)assignment;
	if (j == *n)
		(*n)++;
}

/* The child's environment: sandrun's own (or the clean one), then what sandrun sets
 * itself (the run user's HOME, USER, LOGNAME; -T's TMPDIR), then each --env in order. */
static char **build_env(const struct cli *cli, const struct strlist *preset)
{
	size_t base = 0, n = 0;
	char **src = cli->clean_env ? NULL : environ;
	char **env;

	if (!cli->clean_env && cli->env.count == 0 && preset->count == 0)
		return environ;   /* nothing to change: no copy */
	while (src && src[base])
		base++;
	env = calloc(base + preset->count + cli->env.count + 2, sizeof *env);
	if (!env)
		die("out of memory");
	if (cli->clean_env)
		env[n++] = (char *)clean_path;
	for (size_t i = 0; i < base; i++)
		env[n++] = src[i];
	for (size_t i = 0; i < preset->count; i++)
		env_set(env, &n, preset->items[i]);
	for (size_t i = 0; i < cli->env.count; i++)
		env_set(env, &n, cli->env.items[i]);
	env[n] = NULL;
	return env;
}

/* -T: the scratch dir becomes a -W dir, and TMPDIR, TMP and TEMP name it (before -E). */
static void add_scratch(struct policy *p, struct strlist *preset)
{
	static const char *const names[] = { "TMPDIR", "TMP", "TEMP" };
	const char *dir = scratch_create(p->has_user, p->uid, p->gid);

	strlist_add(&p->fs.allow_write, dir);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		size_t size = strlen(names[i]) + strlen(dir) + 2;
		char *s = malloc(size);

		if (!s)
			die("out of memory");
		out_format(s, size, "%s=%s", names[i], dir);
		strlist_add(preset, s);
	}
}

/* ---- checks in sandrun before anything runs ---- */

static void check_identity(const struct policy *p)
{
	if ((getuid() == 0 || geteuid() == 0) && !p->has_user)
		die("refusing to run as root: pass --user UID[:GID] with a non-root uid");
}

static void check_chdir(const struct policy *p)
{
	struct stat st;

	if (!p->chdir_to)
		return;
	if (stat(p->chdir_to, &st) != 0)
		die_sys("--chdir %s", p->chdir_to);
	if (!S_ISDIR(st.st_mode))
		die("--chdir %s: not a directory", p->chdir_to);
}

/* Descriptors 0-2 are open from here on, so files sandrun opens never land on them. */
static void ensure_stdio_open(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			exit(EXIT_SETUP);
	}
}

/* ---- -i/-o/-e: opened by sandrun, before fork, by outputs.c's resolver ---- */

static void open_stdio(const struct cli *cli, struct policy *p)
{
	outputs_open_stdio(cli->stdio_paths, p->stdio_fds);
}

/* ---- rlimits ---- */

/*
 * Memory limits are judged on peak RSS, which the kernel reports for every reaped
 * process; the address-space (or data) rlimit sits above the requested limit by this
 * headroom, so a program that really fills its limit is stopped only after its RSS has
 * reached it, and the verdict can say "memory-limit" instead of a mere crash.
 */
static uint64_t memory_headroom(uint64_t limit)
{
	const uint64_t floor = 32u << 20;

	return limit / 4 > floor ? limit / 4 : floor;
}

static uint64_t memory_limit_bytes(const struct limits *lim)
{
	if (lim->mem_bytes && lim->data_bytes)
		return lim->mem_bytes < lim->data_bytes ? lim->mem_bytes : lim->data_bytes;
	return lim->mem_bytes ? lim->mem_bytes : lim->data_bytes;
}

static rlim_t plus_headroom(uint64_t v) { return v ? v + memory_headroom(v) : 0; }
static rlim_t cpu_hard(uint64_t v) { return v ? v + 1 : 0; }   /* SIGXCPU first, then SIGKILL */
static rlim_t exact(uint64_t v) { return v; }

struct rlimit_row {
	int resource;
	const char *option;
	size_t field;                 /* offsetof(struct limits, ...) */
	rlim_t (*soft)(uint64_t);
	rlim_t (*hard)(uint64_t);
	bool after_identity;          /* NPROC counts the target uid's processes */
};

#define LIMIT(f) offsetof(struct limits, f)
static const struct rlimit_row rlimit_rows[] = {
	{ RLIMIT_CPU, "--cpu", LIMIT(cpu_sec), exact, cpu_hard, false },
	{ RLIMIT_AS, "--memory", LIMIT(mem_bytes), plus_headroom, plus_headroom, false },
	{ RLIMIT_DATA, "--data", LIMIT(data_bytes), plus_headroom, plus_headroom, false },
	{ RLIMIT_FSIZE, "--fsize", LIMIT(fsize_bytes), exact, exact, false },
	{ RLIMIT_NOFILE, "--nofile", LIMIT(nofile), exact, exact, false },
	{ RLIMIT_NPROC, "--procs", LIMIT(procs), exact, exact, true },
};

/*
 * Without -p a fork bomb would otherwise take the host's whole pid space (pid_max, often
 * 32768 or 4194304, shared by every user, root included). DEFAULT_PROCS = 1024 is far above
 * what a judged program or a build step needs, and a small part of any pid_max, so the host
 * keeps forking while a bomb runs. RLIMIT_NPROC counts every process of the run's uid: with
 * --user (a uid of its own) that is the run; without it, the caller's own processes count
 * too. A lower inherited soft limit is kept: a default never raises a limit.
 */
static void default_procs(struct limits *lim)
{
	struct rlimit rl;

	if (lim->procs) {
		lim->procs_source = "option";
		return;
	}
	if (getrlimit(RLIMIT_NPROC, &rl) != 0)
		die_sys("getrlimit(RLIMIT_NPROC)");
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < DEFAULT_PROCS) {
		lim->procs = rl.rlim_cur;
		lim->procs_source = "inherited";
	} else {
		lim->procs = DEFAULT_PROCS;
		lim->procs_source = "default";
	}
}

/* Sets the limits given on the command line; an unset limit (0) keeps the inherited one. */
static void apply_rlimits(const struct policy *p, bool after_identity)
{
	for (size_t i = 0; i < sizeof rlimit_rows / sizeof rlimit_rows[0]; i++) {
		const struct rlimit_row *r = &rlimit_rows[i];
		uint64_t v;
		struct rlimit rl;

		memcpy(&v, (const char *)&p->lim + r->field, sizeof v);
		if (v == 0 || r->after_identity != after_identity)
			continue;
		/* --procs 1 is the filter's job: RLIMIT_NPROC 1 would also stop threads. */
		if (r->resource == RLIMIT_NPROC && v == 1)
			continue;
		/* The run's cgroup holds these for the whole run instead (cgroup.c). */
		if ((r->resource == RLIMIT_AS && cgroup_enforces_memory()) ||
		    (r->resource == RLIMIT_NPROC && cgroup_enforces_procs()))
			continue;
		rl.rlim_cur = r->soft(v);
		rl.rlim_max = r->hard(v);
		if (setrlimit(r->resource, &rl) != 0)
			child_fail_sys("%s %llu: setrlimit", r->option, (unsigned long long)v);
	}
}

/* ---- the verdict and the JSON report ---- */

struct verdict {
	const char *status;           /* exited, signaled, timeout, cpu-limit, ... */
	int exit_code;                /* PROGRAM's own, or -1 */
	int signal;                   /* the signal that ended it, or 0 */
	int sandrun_exit;
	char message[512];
};

static int program_status(int wait_status)
{
	if (WIFEXITED(wait_status))
		return WEXITSTATUS(wait_status);
	return 128 + WTERMSIG(wait_status);
}

static uint64_t cpu_ms(const struct rusage *ru)
{
	return (uint64_t)ru->ru_utime.tv_sec * 1000u + (uint64_t)ru->ru_utime.tv_usec / 1000u +
	       (uint64_t)ru->ru_stime.tv_sec * 1000u + (uint64_t)ru->ru_stime.tv_usec / 1000u;
}

/*
 * A signal alone proves nothing: raise(SIGXCPU) or kill(getpid(), SIGXFSZ) costs no CPU
 * and no output. cpu-limit needs -c and the main child's measured CPU time (wait4) at
 * least half the limit. Not "the limit minus a tick": the kernel checks RLIMIT_CPU
 * against tick-sampled utime + stime, while wait4 reports them scaled to the exact
 * runtime, and the two differ: a spinning program under -c 1 got SIGXCPU with 906 ms
 * measured on this 2-core VM (steal time is charged as ticks). Half is far from that
 * error and still makes a spoof cost half the limit's CPU, for nothing but a label.
 * The SIGKILL of the hard limit (one second later) is judged the same way.
 */
static bool hit_cpu_limit(const struct policy *p, const struct outcome *o)
{
	int sig = WIFSIGNALED(o->wait_status) ? WTERMSIG(o->wait_status) : 0;

	return p->lim.cpu_sec && (sig == SIGXCPU || sig == SIGKILL) &&
	       cpu_ms(&o->main_usage) * 2u >= p->lim.cpu_sec * 1000u;
}

/* output-limit needs -f: sandrun sets no RLIMIT_FSIZE of its own, so without -f a SIGXFSZ
 * comes from an inherited limit or from the program itself, and is reported as signaled. */
static bool hit_output_limit(const struct policy *p, const struct outcome *o)
{
	return p->lim.fsize_bytes && WIFSIGNALED(o->wait_status) && WTERMSIG(o->wait_status) == SIGXFSZ;
}

static bool hit_memory_limit(const struct policy *p, const struct outcome *o)
{
	uint64_t limit = memory_limit_bytes(&p->lim);
	const struct cgroup_stats *cg = cgroup_finish();

	/* memory.max is the whole run's: an OOM kill, or a peak at the limit (reclaim and
	 * failed charges start there). --data stays an rlimit, judged on peak RSS. */
	if (cgroup_enforces_memory())
		return cg->oom_kills > 0 || cg->memory_peak_bytes >= p->lim.mem_bytes ||
		       (p->lim.data_bytes && (uint64_t)o->usage.ru_maxrss * 1024u >= p->lim.data_bytes);
	return limit && (uint64_t)o->usage.ru_maxrss * 1024u >= limit;
}

/* What ended the run, in order of precedence: the first matching row decides. */
static void decide(const struct policy *p, const struct outcome *o, struct verdict *v)
{
	int ws = o->wait_status;

	memset(v, 0, sizeof *v);
	v->exit_code = -1;
	if (o->fatal_signal) {
		*v = (struct verdict){ "signaled", -1, o->fatal_signal, 128 + o->fatal_signal, "" };
		out_format(v->message, sizeof v->message, "sandrun received %s; run killed",
			 strsignal(o->fatal_signal));
	} else if (o->child_stage == CHILD_SETUP_FAILED) {
		*v = (struct verdict){ "setup-error", -1, 0, EXIT_SETUP, "" };
		out_format(v->message, sizeof v->message, "%s", o->child_msg);
	} else if (o->child_stage == CHILD_EXEC_FAILED) {
		bool missing = o->child_errno == ENOENT || o->child_errno == ENOTDIR;

		*v = (struct verdict){ "exec-error", -1, 0, missing ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC, "" };
		out_format(v->message, sizeof v->message, "%s: %s", o->child_msg, strerror(o->child_errno));
	} else if (o->timed_out) {
		*v = (struct verdict){ "timeout", -1, SIGKILL, EXIT_LIMIT, "wall-clock time limit expired" };
	} else if (hit_cpu_limit(p, o)) {
		*v = (struct verdict){ "cpu-limit", -1, WTERMSIG(ws), EXIT_LIMIT, "CPU time limit exceeded" };
	} else if (hit_memory_limit(p, o)) {
		*v = (struct verdict){ "memory-limit", WIFEXITED(ws) ? WEXITSTATUS(ws) : -1,
				       WIFSIGNALED(ws) ? WTERMSIG(ws) : 0, program_status(ws),
				       "peak memory reached the limit" };
	} else if (hit_output_limit(p, o)) {
		*v = (struct verdict){ "output-limit", -1, SIGXFSZ, 128 + SIGXFSZ, "file size limit exceeded" };
	} else if (WIFEXITED(ws)) {
		*v = (struct verdict){ "exited", WEXITSTATUS(ws), 0, WEXITSTATUS(ws), "" };
	} else {
		*v = (struct verdict){ "signaled", -1, WTERMSIG(ws), 128 + WTERMSIG(ws), "" };
		out_format(v->message, sizeof v->message, "killed by %s", strsignal(WTERMSIG(ws)));
	}
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if it is not one. */
static size_t utf8_length(const unsigned char *s)
{
	uint32_t cp;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2, cp = s[0] & 0x1Fu;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3, cp = s[0] & 0x0Fu;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4, cp = s[0] & 0x07u;
	else
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0u) != 0x80u)
			return 0;   /* also stops at the terminating NUL */
		cp = (cp << 6) | (s[i] & 0x3Fu);
	}
	/* Overlong forms, UTF-16 surrogates and code points past U+10FFFF are invalid. */
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

void runner_json_string(struct out *out, const char *s)
{
	const unsigned char *c = (const unsigned char *)s;

	out_write(out, "\"", 1);
	while (*c) {
		size_t len = utf8_length(c);

		if (len == 0) {
			out_puts(out, "\\ufffd");
			c++;
		} else if (*c == '"' || *c == '\\') {
			out_printf(out, "\\%c", *c++);
		} else if (*c < 0x20 || *c == 0x7F) {
			out_printf(out, "\\u%04x", *c++);
		} else {
			out_write(out, (const char *)c, len);
			c += len;
		}
	}
	out_write(out, "\"", 1);
}

static void json_limit(struct out *f, const char *name, uint64_t v, bool last)
{
	if (v)
		out_printf(f, "    \"%s\": %llu%s\n", name, (unsigned long long)v, last ? "" : ",");
	else
		out_printf(f, "    \"%s\": null%s\n", name, last ? "" : ",");
}

static void json_limits(struct out *f, const struct limits *lim)
{
	uint64_t mem = memory_limit_bytes(lim);

	out_printf(f, "  \"limits\": {\n");
	json_limit(f, "timeout_ms", lim->timeout_ms, false);
	json_limit(f, "cpu_sec", lim->cpu_sec, false);
	json_limit(f, "memory_bytes", lim->mem_bytes, false);
	json_limit(f, "data_bytes", lim->data_bytes, false);
	if (cgroup_enforces_memory())
		mem = lim->data_bytes;   /* -m is memory.max; only --data is an rlimit */
	json_limit(f, "memory_rlimit_bytes", mem ? mem + memory_headroom(mem) : 0, false);
	json_limit(f, "fsize_bytes", lim->fsize_bytes, false);
	json_limit(f, "procs", lim->procs, false);
	out_printf(f, "    \"procs_source\": \"%s\",\n", lim->procs_source ? lim->procs_source : "default");
	json_limit(f, "nofile", lim->nofile, false);
	/* Which mechanism holds each limit on this host (cgroup.c). */
	out_printf(f, "    \"memory_by\": \"%s\",\n    \"procs_by\": \"%s\",\n    \"cpu_by\": \"rlimit\"\n",
		   cgroup_enforces_memory() ? "cgroup" : "rlimit",
		   cgroup_enforces_procs() ? "cgroup" : lim->procs == 1 ? "filter" : "rlimit");
	out_printf(f, "  },\n");
}

static void json_protections(struct out *f, const struct policy *p)
{
	struct protection rows[MAX_PROTECTIONS];
	size_t n = 0;

	if (p->fs.abi >= 3)
		n = landlock_protections(p->fs.abi, p->fs.allow_net, rows, MAX_PROTECTIONS);
	n += filter_protections(&p->sys, rows + n, MAX_PROTECTIONS - n);
	n += caps_protections(rows + n, MAX_PROTECTIONS - n);
	n += cgroup_protections(&p->lim, rows + n, MAX_PROTECTIONS - n);
	out_printf(f, "  \"protections\": [");
	for (size_t i = 0; i < n; i++) {
		out_printf(f, "%s\n    { \"name\": ", i ? "," : "");
		runner_json_string(f, rows[i].name);
		out_printf(f, ", \"active\": %s, \"detail\": ", rows[i].active ? "true" : "false");
		runner_json_string(f, rows[i].detail);
		out_puts(f, " }");
	}
	out_printf(f, "\n  ]\n");
}

/* What the filter denied and sandrun answered: one entry per syscall, first seen first. */
static void json_denied(struct out *f)
{
	const struct denied_call *d;
	size_t n = filter_denied(&d);

	out_printf(f, "  \"denied_log\": ");
	runner_json_string(f, filter_log_state());
	out_printf(f, ",\n  \"denied\": [");
	for (size_t i = 0; i < n; i++) {
		out_printf(f, "%s\n    { \"syscall\": ", i ? "," : "");
		runner_json_string(f, d[i].syscall);
		out_printf(f, ", \"count\": %llu, \"first_pid\": %d, \"args\": ",
			(unsigned long long)d[i].count, (int)d[i].first_pid);
		if (d[i].args_decoded)
			runner_json_string(f, d[i].args);
		else
			out_puts(f, "null");
		out_puts(f, " }");
	}
	out_printf(f, "%s],\n", n ? "\n  " : "");
}

/* sandrun's own stderr lines that a stalled or closed stderr did not take (guard.c). */
static void json_stderr_dropped(struct out *f)
{
	uint64_t lines, bytes;

	guard_dropped(&lines, &bytes);
	out_printf(f, "  \"stderr_dropped\": { \"lines\": %llu, \"bytes\": %llu },\n",
		   (unsigned long long)lines, (unsigned long long)bytes);
}

/* The run's cgroup counters: memory.peak, OOM kills, refused forks, CPU of the run. */
static void json_cgroup(struct out *f)
{
	const struct cgroup_stats *cg = cgroup_finish();

	out_printf(f, "  \"cgroup\": %s,\n", cg->active ? "true" : "false");
	if (!cg->active) {
		out_puts(f, "  \"memory_peak_bytes\": null,\n  \"oom_kills\": null,\n");
		out_puts(f, "  \"pids_max_hits\": null,\n  \"cgroup_cpu_usec\": null,\n");
		return;
	}
	out_printf(f, "  \"memory_peak_bytes\": %llu,\n  \"oom_kills\": %llu,\n",
		   (unsigned long long)cg->memory_peak_bytes, (unsigned long long)cg->oom_kills);
	out_printf(f, "  \"pids_max_hits\": %llu,\n  \"cgroup_cpu_usec\": %llu,\n",
		   (unsigned long long)cg->pids_max_hits, (unsigned long long)cg->cpu_usec);
}

static void json_report(struct out *f, const struct policy *p, const struct outcome *o,
			const struct verdict *v)
{
	out_printf(f, "{\n  \"status\": \"%s\",\n", v->status);
	out_printf(f, v->exit_code >= 0 ? "  \"exit_code\": %d,\n" : "  \"exit_code\": null,\n", v->exit_code);
	out_printf(f, v->signal ? "  \"signal\": %d,\n" : "  \"signal\": null,\n", v->signal);
	out_printf(f, "  \"sandrun_exit\": %d,\n  \"message\": ", v->sandrun_exit);
	runner_json_string(f, v->message);
	out_printf(f, ",\n  \"program\": ");
	runner_json_string(f, p->argv && p->argv[0] ? p->argv[0] : "");
	out_printf(f, ",\n  \"wall_ms\": %llu,\n", (unsigned long long)o->wall_ms);
	out_printf(f, "  \"cpu_user_ms\": %llu,\n  \"cpu_sys_ms\": %llu,\n",
		(unsigned long long)o->usage.ru_utime.tv_sec * 1000u + (unsigned long long)o->usage.ru_utime.tv_usec / 1000u,
		(unsigned long long)o->usage.ru_stime.tv_sec * 1000u + (unsigned long long)o->usage.ru_stime.tv_usec / 1000u);
	out_printf(f, "  \"max_rss_kb\": %ld,\n", o->usage.ru_maxrss);
	json_cgroup(f);
	out_printf(f, p->fs.abi > 0 ? "  \"landlock_abi\": %d,\n" : "  \"landlock_abi\": null,\n", p->fs.abi);
	out_printf(f, "  \"killed_group\": %s,\n", o->killed_group ? "true" : "false");
	json_stderr_dropped(f);
	json_denied(f);
	out_printf(f, "  \"metadata_performed\": %llu,\n", (unsigned long long)metadata_performed());
	json_limits(f, &p->lim);
	json_protections(f, p);
	out_printf(f, "}\n");
}

/* The whole report in memory, then to --report and --report-fd (outputs.c): a reader of
 * either sees all of it or nothing. Two passes: the first measures, the second writes. */
static bool write_report(const struct policy *p, const struct outcome *o, const struct verdict *v)
{
	char probe[1];
	struct out f = { .fd = -1, .buf = probe, .size = sizeof probe };
	char *text;
	bool ok;

	json_report(&f, p, o, v);
	text = malloc(f.len + 1);
	if (!text) {
		out_warn("--report: out of memory; report not written");
		return false;
	}
	f = (struct out){ .fd = -1, .buf = text, .size = f.len + 1 };
	json_report(&f, p, o, v);
	ok = outputs_report_write(report_path, text, f.len);
	free(text);
	return ok;
}

static void write_setup_error_report(void)
{
	static const struct policy none = { .fs.ruleset_fd = -1 };
	struct outcome o = { 0 };
	struct verdict v = { "setup-error", -1, 0, EXIT_SETUP, "" };

	if (!report_path && report_fd < 0)
		return;
	out_format(v.message, sizeof v.message, "%s", last_error);
	(void)write_report(report_policy ? report_policy : &none, &o, &v);
}

/* ---- the child's setup, in order ---- */

static void redirect_stdio(const struct policy *p)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (p->stdio_fds[fd] >= 0 && dup2(p->stdio_fds[fd], fd) != fd)
			child_fail_sys("dup2(%d)", fd);
	}
}

static void drop_identity(const struct policy *p)
{
	bool was_root = geteuid() == 0;
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (!p->has_user)
		return;
	/*
	 * Groups first, then gid, then uid: after setresuid the others would fail EPERM.
	 * Raw calls: the child is a fresh fork with one thread. libc's wrappers would make
	 * every thread of the process change identity too (musl blocks all signals around
	 * each one for that), which here only costs a dozen extra syscalls per run.
	 */
	if (was_root && syscall(SYS_setgroups, 0, NULL) != 0) {
		/* Root in a user namespace without CAP_SETGID there, or with setgroups "deny". */
		if (errno == EPERM)
			child_fail("--user: setgroups: not permitted: no CAP_SETGID in this user "
				   "namespace; run as the target uid without --user, or grant it");
		child_fail_sys("setgroups");
	}
	if (syscall(SYS_setresgid, p->gid, p->gid, p->gid) != 0)
		child_fail_sys("--user: setresgid(%u)", (unsigned)p->gid);
	if (syscall(SYS_setresuid, p->uid, p->uid, p->uid) != 0)
		child_fail_sys("--user: setresuid(%u)", (unsigned)p->uid);
	if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0)
		child_fail_sys("getresuid");
	if (ru != p->uid || eu != p->uid || su != p->uid || rg != p->gid || eg != p->gid ||
	    sg != p->gid)
		child_fail("--user: identity %u:%u did not hold", (unsigned)p->uid, (unsigned)p->gid);
	/* A non-root sandrun cannot drop its groups; it can only keep its own identity. */
	if (was_root && getgroups(0, NULL) != 0)
		child_fail("--user: supplementary groups remain after setgroups");
	if (syscall(SYS_setuid, 0) == 0)
		child_fail("--user: uid 0 could be regained after dropping identity");
}

static void change_dir(const struct policy *p)
{
	/* After the identity change: the directory must be usable by the run's own uid. */
	if (p->chdir_to && chdir(p->chdir_to) != 0)
		child_fail_sys("--chdir %s", p->chdir_to);
}

static void disable_core_dumps(void)
{
	/* SIGSYS, SIGXCPU and SIGXFSZ dump core by default, into a directory we may not own. */
	const struct rlimit zero = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &zero) != 0)
		child_fail_sys("setrlimit(RLIMIT_CORE)");
}

static void set_no_new_privs(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		child_fail_sys("prctl(PR_SET_NO_NEW_PRIVS)");
}

static const char *env_value(char *const *envp, const char *name)
{
	size_t len = strlen(name);

	for (; *envp; envp++) {
		if (strncmp(*envp, name, len) == 0 && (*envp)[len] == '=')
			return *envp + len + 1;
	}
	return NULL;
}

/* Like execvp, but never falls back to a shell: ENOEXEC stays an error (126). */
static _Noreturn void exec_program(const struct policy *p)
{
	const char *prog = p->argv[0], *path, *dir;
	char full[PATH_MAX];
	int err = ENOENT;
	bool denied = false;

	if (strchr(prog, '/')) {
		execve(prog, p->argv, p->envp);
		pgroup_child_report(CHILD_EXEC_FAILED, errno, prog);
	}
	path = env_value(p->envp, "PATH");
	if (!path)
		path = clean_path + strlen("PATH=");
	for (dir = path;; dir += strcspn(dir, ":") + 1) {
		size_t len = strcspn(dir, ":");
		size_t n = out_format(full, sizeof full, "%.*s%s%s", (int)len, dir, len ? "/" : "", prog);

		if (n > 0 && n < sizeof full) {
			execve(full, p->argv, p->envp);
			if (errno == EACCES)
				denied = true;    /* remembered; a later directory may still have it */
			else if (errno != ENOENT && errno != ENOTDIR) {
				err = errno;      /* found but not runnable (ENOEXEC, E2BIG, ...) */
				break;
			}
		}
		if (dir[len] == '\0')
			break;
	}
	if (denied && err == ENOENT)
		err = EACCES;
	pgroup_child_report(CHILD_EXEC_FAILED, err, prog);
}

static void child_setup(const struct policy *p)
{
	redirect_stdio(p);            /* files were opened by sandrun, before any confinement */
	disable_core_dumps();
	apply_rlimits(p, false);      /* as root still: hard limits may need lowering only */
	caps_drop_bounding();         /* needs CAP_SETPCAP, gone after the identity change */
	drop_identity(p);             /* setgroups, setresgid, setresuid, then read them back */
	caps_clear();                 /* ambient, permitted, effective, inheritable: empty */
	apply_rlimits(p, true);       /* RLIMIT_NPROC counts the new uid's processes */
	change_dir(p);                /* with the run's own uid, so DAC applies to it */
	pgroup_child_set_deathsig();  /* after the identity change, which clears it */
	set_no_new_privs();           /* Landlock and seccomp both refuse without it */
	landlock_apply((struct fs_policy *)&p->fs);
	pgroup_child_close_fds();     /* only 0-2 and the close-on-exec error pipe survive */
	/* Last: the next call is execve. The listener goes to sandrun, which answers the
	 * logged rows with their errnos; the child keeps no copy of it. */
	if (p->sys.log_calls || p->sys.proxy_metadata)
		pgroup_child_send_listener(filter_install_logged());
	else
		filter_install();
	exec_program(p);
}

/* sandrun's own line on stderr: for everything but a program that ended by itself. */
static void print_verdict(const struct verdict *v, const struct outcome *o)
{
	bool program_ended_itself = strcmp(v->status, "exited") == 0 ||
				    (strcmp(v->status, "signaled") == 0 && !o->fatal_signal);

	if (!program_ended_itself && v->message[0])
		out_warn("%s", v->message);
}

int main(int argc, char **argv)
{
	/* Static: the policy and the lists it points to live until exit (report_policy
	 * points here), so leak checkers see them as still reachable, not as lost. */
	static struct policy p = { .stdio_fds = { -1, -1, -1 }, .fs.ruleset_fd = -1 };
	static struct cli cli;
	static struct strlist preset;   /* assignments sandrun makes itself, before -E */
	struct outcome out;
	struct verdict verdict;
	bool removed;
	int prog;

	ensure_stdio_open();
	guard_init();                 /* EPIPE, not SIGPIPE, on every output of sandrun */
	report_policy = &p;
	prog = parse_options(argc, argv, &p, &cli);
	p.argv = argv + prog;
	default_procs(&p.lim);        /* no run without a process cap (#13.6) */
	/* Denied calls are recorded only where someone will read them. */
	p.sys.log_calls = p.sys.log_denied || report_path != NULL || report_fd >= 0;
	/* chmod and utime beneath -W dirs are made by sandrun (metadata.c); -T's dir, made
	 * later, is a -W dir too. */
	p.sys.proxy_metadata = !p.sys.allow_metadata && (p.fs.allow_write.count > 0 || p.want_scratch);
	p.fs.abi = landlock_probe();
	p.sys.signal_scoped = p.fs.abi >= 6;   /* below, filter rows guard sandrun (filter.c) */
	if (cli.cleanup)
		return cgroup_cleanup();
	if (cli.print_policy) {
		p.fs.keep_rules = true;
		landlock_prepare(&p.fs);
		filter_prepare(&p.sys);
		landlock_print(&p.fs, &std_out);
		filter_print(&p.sys, &std_out);
		print_protections(&p, &std_out);
		finish_stdout();
		return 0;
	}
	outputs_report_prepare(report_path, report_fd);   /* dir held, fd checked, or 125 */
	check_identity(&p);
	check_chdir(&p);
	open_stdio(&cli, &p);
	/* Before -T's dir exists: from here a SIGTERM waits for pgroup_run, which kills the
	 * run and returns, so the dir is removed; a default SIGTERM would leave it behind. */
	pgroup_init();
	if (p.want_scratch)
		add_scratch(&p, &preset);
	if (p.has_user)   /* HOME is the scratch dir under -T: the run's only private place */
		account_env(p.uid, p.want_scratch ? p.fs.allow_write.items[p.fs.allow_write.count - 1]
						   : NULL, &preset);
	p.envp = build_env(&cli, &preset);   /* -E given values still win */
	landlock_prepare(&p.fs);      /* paths resolved and ruleset built before any fork */
	filter_prepare(&p.sys);
	if (p.sys.proxy_metadata)
		metadata_prepare(&p);     /* the -W and -R dirs it checks against, held before fork */
	cgroup_prepare(&p.lim);       /* the run's cgroup and its limits, before the fork */
	pgroup_run(&p, child_setup, &out);
	cgroup_finish();              /* counters read, cgroup emptied and removed */
	removed = scratch_remove();   /* every process of the run is dead and reaped */
	decide(&p, &out, &verdict);
	/* The report first: the verdict line goes to a stderr the program may have stalled.
	 * A report that could not be written is its own status: the run happened, never 125. */
	bool reported = !(report_path || report_fd >= 0) || write_report(&p, &out, &verdict);
	print_verdict(&verdict, &out);
	if (!reported)
		return EXIT_REPORT;   /* stderr said why */
	return removed ? verdict.sandrun_exit : EXIT_SETUP;
}
