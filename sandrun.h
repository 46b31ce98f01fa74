/*
 * sandrun.h: the one header shared by runner.c, landlock.c, filter.c and pgroup.c.
 * It holds the exit statuses, the policy the options build, and one section per
 * .c file listing what that file exports. No code lives here.
 */
#ifndef SANDRUN_H
#define SANDRUN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#define SANDRUN_VERSION "0.1.0"

/* Exit statuses of sandrun itself; anything else is the program's own status or 128+signal. */
enum {
	EXIT_LIMIT = 124,       /* wall-clock or CPU limit hit: the whole run was SIGKILLed */
	EXIT_SETUP = 125,       /* sandrun could not confine the run, or was called wrongly */
	EXIT_CANNOT_EXEC = 126, /* PROGRAM exists but could not be executed */
	EXIT_NOT_FOUND = 127,   /* PROGRAM not found */
};

/* A list of strings given by a repeatable option, in command-line order. */
struct strlist {
	const char **items;
	size_t count;
};

/* Filesystem policy: landlock.c reads it, runner.c fills it from the options. */
struct fs_policy {
	struct strlist allow_write;   /* -W: full write rights beneath each dir */
	struct strlist deny_read;     /* -R: nothing beneath each dir is readable */
	struct strlist allow_read;    /* -A: strict mode, only these (and -W) are readable */
	bool allow_net;               /* --allow-net: do not handle Landlock TCP rights */
	int abi;                      /* Landlock ABI in use, after the probe and the build cap */
	int ruleset_fd;               /* built in sandrun before fork; -1 until then */
	bool keep_rules;              /* --print-policy: each rule added is kept to be printed */
};

/* Syscall policy: filter.c reads it, runner.c fills it from the options. */
struct sys_policy {
	bool allow_unix;              /* --allow-unix: socket(AF_UNIX) allowed */
	bool allow_net;               /* --allow-net: socket() of every family allowed */
	bool allow_metadata;          /* --allow-metadata: chmod/chown/xattr/utime family allowed */
	bool no_new_procs;            /* --procs 1: fork, vfork and non-thread clone fail EAGAIN */
	bool log_denied;              /* --log-denied: a stderr line per newly denied syscall */
	bool log_calls;               /* --report or --log-denied: logged rows ask sandrun */
};

/* Resource limits; a limit of 0 means "not set". */
struct limits {
	uint64_t timeout_ms;          /* -t: wall clock for the whole run */
	uint64_t cpu_sec;             /* -c: RLIMIT_CPU per process */
	uint64_t mem_bytes;           /* -m: RLIMIT_AS per process (plus headroom, see runner.c) */
	uint64_t data_bytes;          /* --data: RLIMIT_DATA per process */
	uint64_t fsize_bytes;         /* -f: RLIMIT_FSIZE */
	uint64_t procs;               /* -p: 1 = filter, more = RLIMIT_NPROC */
	uint64_t nofile;              /* -n: RLIMIT_NOFILE */
	const char *procs_source;     /* "option" (-p), "default" (DEFAULT_PROCS), "inherited" */
};
/* Without -p, the run's RLIMIT_NPROC (runner.c says why this number). */
enum { DEFAULT_PROCS = 1024 };

/* Everything the options decide; built once in runner.c, read-only after fork. */
struct policy {
	char *const *argv;            /* PROGRAM and its arguments */
	char **envp;                  /* the child's whole environment */
	const char *chdir_to;         /* -C, NULL = stay */
	bool has_user;                /* -u given */
	uid_t uid;
	gid_t gid;
	int stdio_fds[3];             /* -i/-o/-e opened by sandrun, -1 = inherit */
	struct limits lim;
	struct fs_policy fs;
	struct sys_policy sys;
};

/* One protection as it stands on this kernel with this policy: --version, --print-policy
 * and the JSON report all print the same rows. */
struct protection {
	const char *name;             /* short stable key, e.g. "landlock-truncate" */
	bool active;
	const char *detail;           /* why not, or what it covers, e.g. "needs Landlock ABI 6" */
};
#define MAX_PROTECTIONS 32

/* ---- runner.c: errors (the only way out on failure) ---- */
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void die_sys(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Child only, between fork and execve: one line to the error pipe, then _exit(125). */
_Noreturn void child_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void child_fail_sys(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- runner.c: output without stdio (musl's stdio and printf are ~20 KB of sandrun-static) ---- */
/* A buffered writer to a descriptor, or with fd -1 a string in buf that is cut at size - 1
 * bytes and kept NUL-terminated, never overflowed. After a failed write, err holds its
 * errno and later output is dropped. Formats take the conversions d u x o c s with the
 * flags - and 0, a width, a precision (.N or .*) for s, and the lengths l, ll and z. */
struct out {
	int fd;                       /* -1: a string, as snprintf writes one */
	int err;                      /* errno of the first failed write, 0 = none */
	char *buf;
	size_t size;
	size_t len;                   /* bytes held; for a string, the length the whole text needs */
};
void out_write(struct out *o, const char *s, size_t n);
void out_puts(struct out *o, const char *s);
void out_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void out_vprintf(struct out *o, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
bool out_flush(struct out *o);   /* writes what is held; false (err set) if any write failed */
/* Like snprintf: the length the whole text needs; buf holds at most size - 1 bytes of it. */
size_t out_format(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "sandrun: <text>" and a newline on stderr, in one write when under 1 KB. */
void out_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes s as a JSON string literal: escapes quotes, backslashes and control bytes, and
 * replaces bytes that are not valid UTF-8 with U+FFFD, so any input gives valid JSON. */
void runner_json_string(struct out *out, const char *s);

/* ---- landlock.c: filesystem confinement ---- */
int landlock_probe(void);                        /* running ABI, capped; dies below 3 */
void landlock_prepare(struct fs_policy *fs);     /* parent: resolve paths, build ruleset */
void landlock_apply(struct fs_policy *fs);       /* child: restrict_self, close the fd */
void landlock_print(const struct fs_policy *fs, struct out *out);   /* --print-policy part */
/* Fills out[] (at most max rows) with what Landlock really enforces at this ABI. */
size_t landlock_protections(int abi, bool allow_net, struct protection *out, size_t max);

/* ---- filter.c: the seccomp-BPF program ---- */
void filter_prepare(const struct sys_policy *sys);   /* parent: build the BPF, die if too big */
/* Child, last step before execve: returns the listener for sandrun, or -1 when another
 * listener holds the chain (nested): then the same rules answer alone, unlogged. */
int filter_install_logged(void);
void filter_install(void);                       /* every row answers alone, nothing logged */
void filter_print(const struct sys_policy *sys, struct out *out);   /* --print-policy part */
size_t filter_protections(const struct sys_policy *sys, struct protection *out, size_t max);
/* sandrun's side of the log of denied calls (seccomp user notification). */
struct denied_call {
	const char *syscall;          /* the rule table's name */
	uint64_t count;               /* calls denied; saturates at UINT64_MAX */
	pid_t first_pid;              /* thread id of the first caller */
	bool args_decoded;            /* false: this syscall's arguments are not decoded */
	char args[160];               /* the first call's leading arguments, "AF_INET, SOCK_STREAM" */
};
void filter_log_start(int listener);             /* the child's listener reached sandrun */
void filter_log_nested(void);                    /* the child installed without a listener */
bool filter_log_drain(int listener);             /* answer what is pending; false: hung up */
const char *filter_log_state(void);              /* "active", "unavailable: nested listener", ... */
size_t filter_denied(const struct denied_call **list);   /* in order of first denial */

/* ---- pgroup.c: the run's process group, deadline and cleanup ---- */
/* How the run ended, as pgroup_run saw it. */
struct outcome {
	int wait_status;              /* of the main child, from wait4 */
	bool timed_out;               /* the wall-clock deadline fired */
	int fatal_signal;             /* SIGINT/SIGTERM/SIGHUP received by sandrun, else 0 */
	bool killed_group;            /* sandrun had to SIGKILL processes of the run */
	int child_stage;              /* CHILD_OK, or where the child failed before exec */
	int child_errno;              /* errno of that failure */
	char child_msg[256];          /* the child's one-line message */
	uint64_t wall_ms;
	struct rusage usage;          /* every process of the run, reaped ones included */
	struct rusage main_usage;     /* the main child and the descendants it reaped itself */
};
enum { CHILD_OK = 0, CHILD_SETUP_FAILED = 1, CHILD_EXEC_FAILED = 2 };

/* Runs the child setup function in a new process and supervises the run to its end. */
typedef void (*child_setup_fn)(const struct policy *p);
void pgroup_init(void);                          /* subreaper, block the fatal signals */
void pgroup_run(const struct policy *p, child_setup_fn setup, struct outcome *out);
void pgroup_kill_all(void);                      /* SIGKILL and reap every descendant */
bool pgroup_started(void);                       /* a child exists: die must kill the run */
/* Child side, in this order within runner.c's setup sequence. */
void pgroup_child_set_deathsig(void);            /* after the identity change, which clears it */
void pgroup_child_close_fds(void);               /* all but 0-2 and the close-on-exec error pipe */
_Noreturn void pgroup_child_report(int stage, int err, const char *msg);   /* pipe, then _exit */
void pgroup_child_send_listener(int listener);   /* to sandrun (SCM_RIGHTS), then closed */

/* ---- guard.c: sandrun's stderr and the terminal, shared with the program ---- */
void guard_init(void);                          /* first in main: SIGPIPE ignored */
void guard_write_stderr(const char *buf, size_t len);   /* bounded; what misses is counted */
void guard_set_deadline(uint64_t deadline_ms);   /* bound writes by it too; 0 = none */
void guard_dropped(uint64_t *lines, uint64_t *bytes);   /* stderr writes cut off or failed */
void guard_save_terminal(void);                  /* termios and window size of fds 0-2 */
void guard_restore_terminal(void);               /* back as saved, TCSANOW, bounded */

#endif
