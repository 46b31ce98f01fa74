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
 * Does not:
 * - confine anything itself: Landlock (landlock.c), seccomp (filter.c) and the process
 *   group (pgroup.c) do, each in its own file.
 */
#include "sandrun.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char clean_path[] = "PATH=/usr/local/bin:/usr/bin:/bin";

/* ---- errors ---- */

static void vreport(const char *fmt, va_list ap, int err)
{
	char msg[512];

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (err)
		fprintf(stderr, "sandrun: %s: %s\n", msg, strerror(err));
	else
		fprintf(stderr, "sandrun: %s\n", msg);
}

static _Noreturn void die_now(void)
{
	static bool dying;

	/* A setup error never leaves a program running; guard against re-entry from there. */
	if (!dying && pgroup_started()) {
		dying = true;
		pgroup_kill_all();
	}
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

static _Noreturn void child_vfail(int err, const char *fmt, va_list ap)
{
	char msg[256];
	int len = vsnprintf(msg, sizeof msg, fmt, ap);

	if (err && len >= 0 && (size_t)len < sizeof msg)
		snprintf(msg + len, sizeof msg - (size_t)len, ": %s", strerror(err));
	pgroup_child_report(CHILD_SETUP_FAILED, err, msg);
}

_Noreturn void child_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	child_vfail(0, fmt, ap);
}

_Noreturn void child_fail_sys(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	child_vfail(err, fmt, ap);
}

/* ---- value parsers: strict, no locale, no exponent, no sign, overflow is an error ---- */

/* Digits only, at most max; *end points past them. */
static bool parse_digits(const char *s, const char **end, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	const char *c = s;

	for (; *c >= '0' && *c <= '9'; c++) {
		unsigned d = (unsigned)(*c - '0');

		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*end = c;
	*out = v;
	return c != s;
}

/* Decimal seconds ("2", "0.5", "1.250") to milliseconds, rounded up; at most a year. */
static bool parse_seconds_ms(const char *s, uint64_t *ms)
{
	const uint64_t max_sec = 366u * 24u * 3600u;
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
	return *c == '\0' && *ms > 0;
}

/* A positive count, at most max. */
static bool parse_count(const char *s, uint64_t max, uint64_t *out)
{
	const char *end;

	return parse_digits(s, &end, max, out) && *end == '\0' && *out > 0;
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

/* ---- options: one table feeds getopt_long and --help ---- */

enum {
	OPT_CLEAN_ENV = 256, OPT_ALLOW_UNIX, OPT_ALLOW_NET, OPT_ALLOW_METADATA, OPT_PRINT_POLICY,
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
	{ "user", 'u', "UID[:GID]", "run as UID and GID (default GID = UID), no extra groups; needed as root" },
	{ "allow-write", 'W', "DIR", "allow writing beneath DIR (repeatable)" },
	{ "deny-read", 'R', "DIR", "deny reading, listing and executing beneath DIR (repeatable)" },
	{ "allow-read", 'A', "PATH", "strict mode: read only beneath PATH and the -W dirs (repeatable)" },
	{ "allow-unix", OPT_ALLOW_UNIX, NULL, "allow socket(AF_UNIX)" },
	{ "allow-net", OPT_ALLOW_NET, NULL, "allow sockets of every family and TCP bind/connect" },
	{ "allow-metadata", OPT_ALLOW_METADATA, NULL, "allow chmod, chown, xattr and timestamp changes" },
	{ "procs", 'p', "N", "at most N processes (1: no fork, threads still work)" },
	{ "print-policy", OPT_PRINT_POLICY, NULL, "print the Landlock rules and the syscall filter, run nothing" },
	{ "help", 'h', NULL, "show this help and exit" },
	{ "version", 'V', NULL, "show the version and what this kernel offers, and exit" },
};
#define OPTION_COUNT (sizeof option_rows / sizeof option_rows[0])

static const char usage_tail[] =
	"\n"
	"Exit status: PROGRAM's own; 128+N if it was killed by signal N;\n"
	"  124 a time limit expired (the whole run was killed);\n"
	"  125 sandrun could not set up the sandbox or was called wrongly (nothing ran);\n"
	"  126 PROGRAM could not be executed; 127 PROGRAM was not found.\n"
	"Default policy: read and execute everything, write nothing (except /dev/null,\n"
	"/dev/zero, /dev/full), no sockets, no namespaces, tracing or metadata changes.\n";

static void print_help(FILE *out)
{
	fprintf(out, "Usage: sandrun [OPTION]... [--] PROGRAM [ARG]...\n"
		     "Run PROGRAM confined by Landlock, seccomp, no_new_privs and a timed process group.\n\n");
	for (size_t i = 0; i < OPTION_COUNT; i++) {
		const struct option_row *o = &option_rows[i];
		char left[64];

		snprintf(left, sizeof left, "%c%c%s--%s%s%s",
			 o->key < 256 ? '-' : ' ', o->key < 256 ? o->key : ' ',
			 o->key < 256 ? ", " : "  ", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(out, "  %-28s %s\n", left, o->help);
	}
	fputs(usage_tail, out);
}

static void build_getopt_tables(struct option *longs, char *shorts, size_t shorts_size)
{
	size_t n = 0;

	shorts[n++] = '+';   /* stop at the first non-option: PROGRAM's arguments are its own */
	shorts[n++] = ':';   /* report a missing argument as ':' so the message can name it */
	for (size_t i = 0; i < OPTION_COUNT; i++) {
		const struct option_row *o = &option_rows[i];

		longs[i] = (struct option){ o->name, o->arg ? required_argument : no_argument, NULL, o->key };
		if (o->key < 256 && n + 3 < shorts_size) {
			shorts[n++] = (char)o->key;
			if (o->arg)
				shorts[n++] = ':';
		}
	}
	longs[OPTION_COUNT] = (struct option){ NULL, 0, NULL, 0 };
	shorts[n] = '\0';
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
};

static void check_env_assignment(const char *s)
{
	const char *eq = strchr(s, '=');

	if (!eq || eq == s)
		die("--env %s: expected NAME=VALUE", s);
}

static void handle_option(int key, const char *arg, struct policy *p, struct cli *cli)
{
	switch (key) {
	case 't':
		if (!parse_seconds_ms(arg, &p->lim.timeout_ms))
			die("--timeout %s: expected positive decimal seconds, at most a year", arg);
		break;
	case 'C':
		if (arg[0] == '\0')
			die("--chdir: empty directory name");
		p->chdir_to = arg;
		break;
	case OPT_CLEAN_ENV: cli->clean_env = true; break;
	case 'E': check_env_assignment(arg); strlist_add(&cli->env, arg); break;
	case 'u':
		if (!parse_user(arg, &p->uid, &p->gid))
			die("--user %s: expected UID[:GID], numbers other than 0", arg);
		p->has_user = true;
		break;
	case 'W': strlist_add(&p->fs.allow_write, arg); break;
	case 'R': strlist_add(&p->fs.deny_read, arg); break;
	case 'A': strlist_add(&p->fs.allow_read, arg); break;
	case OPT_ALLOW_UNIX: p->sys.allow_unix = true; break;
	case OPT_ALLOW_NET: p->sys.allow_net = p->fs.allow_net = true; break;
	case OPT_ALLOW_METADATA: p->sys.allow_metadata = true; break;
	case 'p':
		if (!parse_count(arg, 1u << 22, &p->lim.procs))
			die("--procs %s: expected a positive number of processes", arg);
		p->sys.no_new_procs = p->lim.procs == 1;
		break;
	case OPT_PRINT_POLICY: cli->print_policy = true; break;
	default:
		die("internal error: option %d has no handler", key);
	}
}

static const char *option_name_of(int key)
{
	for (size_t i = 0; i < OPTION_COUNT; i++) {
		if (option_rows[i].key == key)
			return option_rows[i].name;
	}
	return "?";
}

/* The protections table, as --version and --print-policy show it. */
static void print_protections(const struct policy *p, FILE *out)
{
	struct protection rows[MAX_PROTECTIONS];
	size_t n = landlock_protections(p->fs.abi, p->fs.allow_net, rows, MAX_PROTECTIONS);

	n += filter_protections(&p->sys, rows + n, MAX_PROTECTIONS - n);
	fprintf(out, "protections on this kernel:\n");
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %-28s %-8s %s\n", rows[i].name, rows[i].active ? "active" : "NOT", rows[i].detail);
}

static void print_version(void)
{
	struct policy defaults = { .fs.ruleset_fd = -1 };

	printf("sandrun %s\n", SANDRUN_VERSION);
	defaults.fs.abi = landlock_probe();
	printf("Landlock ABI %d\n", defaults.fs.abi);
	print_protections(&defaults, stdout);
}

/* Returns the index of PROGRAM in argv. */
static int parse_options(int argc, char **argv, struct policy *p, struct cli *cli)
{
	struct option longs[OPTION_COUNT + 1];
	char shorts[2 * OPTION_COUNT + 4];
	int key;

	build_getopt_tables(longs, shorts, sizeof shorts);
	opterr = 0;   /* sandrun prints its own one-line messages */
	while ((key = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		if (key == 'h') {
			print_help(stdout);
			exit(0);
		}
		if (key == 'V') {
			print_version();
			exit(0);
		}
		if (key == '?' && optopt)
			die("unknown option -%c (see --help)", optopt);
		if (key == '?')
			die("unknown option %s (see --help)", argv[optind - 1]);
		if (key == ':' && optopt)
			die("option --%s needs a value", option_name_of(optopt));
		if (key == ':')
			die("option %s needs a value", argv[optind - 1]);
		handle_option(key, optarg, p, cli);
	}
	if (!cli->print_policy && optind >= argc)
		die("no PROGRAM given (see --help)");
	if (!cli->print_policy && argv[optind][0] == '\0')
		die("PROGRAM is an empty string");
	return optind;
}

/* ---- the child's environment ---- */

static bool same_name(const char *a, const char *b)
{
	size_t la = strcspn(a, "="), lb = strcspn(b, "=");

	return la == lb && strncmp(a, b, la) == 0;
}

/* The child's environment: sandrun's own (or the clean one), then each --env in order. */
static char **build_env(const struct cli *cli)
{
	size_t base = 0, n = 0;
	char **src = cli->clean_env ? NULL : environ;
	char **env;

	while (src && src[base])
		base++;
	env = calloc(base + cli->env.count + 2, sizeof *env);
	if (!env)
		die("out of memory");
	if (cli->clean_env)
		env[n++] = (char *)clean_path;
	for (size_t i = 0; i < base; i++)
		env[n++] = src[i];
	for (size_t i = 0; i < cli->env.count; i++) {
		size_t j = 0;

		while (j < n && !same_name(env[j], cli->env.items[i]))
			j++;
		env[j] = (char *)cli->env.items[i];
		if (j == n)
			n++;
	}
	env[n] = NULL;
	return env;
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
	/* Groups first, then gid, then uid: after setresuid the others would fail EPERM. */
	if (was_root && setgroups(0, NULL) != 0)
		child_fail_sys("setgroups");
	if (setresgid(p->gid, p->gid, p->gid) != 0)
		child_fail_sys("--user: setresgid(%u)", (unsigned)p->gid);
	if (setresuid(p->uid, p->uid, p->uid) != 0)
		child_fail_sys("--user: setresuid(%u)", (unsigned)p->uid);
	if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0)
		child_fail_sys("getresuid");
	if (ru != p->uid || eu != p->uid || su != p->uid || rg != p->gid || eg != p->gid ||
	    sg != p->gid)
		child_fail("--user: identity %u:%u did not hold", (unsigned)p->uid, (unsigned)p->gid);
	/* A non-root sandrun cannot drop its groups; it can only keep its own identity. */
	if (was_root && getgroups(0, NULL) != 0)
		child_fail("--user: supplementary groups remain after setgroups");
	if (setuid(0) == 0)
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
		int n = snprintf(full, sizeof full, "%.*s%s%s", (int)len, dir, len ? "/" : "", prog);

		if (n > 0 && (size_t)n < sizeof full) {
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
	drop_identity(p);             /* setgroups, setresgid, setresuid, then read them back */
	change_dir(p);                /* with the run's own uid, so DAC applies to it */
	pgroup_child_set_deathsig();  /* after the identity change, which clears it */
	set_no_new_privs();           /* Landlock and seccomp both refuse without it */
	landlock_apply((struct fs_policy *)&p->fs);
	pgroup_child_close_fds();     /* only 0-2 and the close-on-exec error pipe survive */
	filter_install();             /* last: the next call is execve */
	exec_program(p);
}

/* ---- the verdict ---- */

static int exit_status_of(const struct outcome *o)
{
	if (o->fatal_signal)
		return 128 + o->fatal_signal;
	if (o->child_stage == CHILD_SETUP_FAILED)
		return EXIT_SETUP;
	if (o->child_stage == CHILD_EXEC_FAILED)
		return o->child_errno == ENOENT || o->child_errno == ENOTDIR ? EXIT_NOT_FOUND
									      : EXIT_CANNOT_EXEC;
	if (o->timed_out)
		return EXIT_LIMIT;
	if (WIFEXITED(o->wait_status))
		return WEXITSTATUS(o->wait_status);
	if (WIFSIGNALED(o->wait_status))
		return 128 + WTERMSIG(o->wait_status);
	return EXIT_SETUP;
}

static void print_outcome_message(const struct outcome *o)
{
	if (o->child_stage == CHILD_SETUP_FAILED)
		fprintf(stderr, "sandrun: %s\n", o->child_msg);
	else if (o->child_stage == CHILD_EXEC_FAILED)
		fprintf(stderr, "sandrun: %s: %s\n", o->child_msg, strerror(o->child_errno));
	else if (o->timed_out)
		fprintf(stderr, "sandrun: time limit expired, run killed\n");
	else if (o->fatal_signal)
		fprintf(stderr, "sandrun: %s received, run killed\n", strsignal(o->fatal_signal));
}

int main(int argc, char **argv)
{
	struct policy p = { .stdio_fds = { -1, -1, -1 }, .fs.ruleset_fd = -1 };
	struct cli cli = { 0 };
	struct outcome out;
	int prog;

	ensure_stdio_open();
	prog = parse_options(argc, argv, &p, &cli);
	p.argv = argv + prog;
	p.fs.abi = landlock_probe();
	if (cli.print_policy) {
		landlock_prepare(&p.fs);
		filter_prepare(&p.sys);
		landlock_print(&p.fs, stdout);
		filter_print(&p.sys, stdout);
		print_protections(&p, stdout);
		return 0;
	}
	check_identity(&p);
	check_chdir(&p);
	p.envp = build_env(&cli);
	landlock_prepare(&p.fs);      /* paths resolved and ruleset built before any fork */
	filter_prepare(&p.sys);
	pgroup_init();
	pgroup_run(&p, child_setup, &out);
	print_outcome_message(&out);
	return exit_status_of(&out);
}
