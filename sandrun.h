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
	EXIT_REPORT = 123,      /* the run happened, but its report could not be written */
};

/* A list of strings given by a repeatable option, in command-line order. */
struct strlist {
	const char **items;
	size_t count;
};

/* TCP ports given by --allow-connect or --allow-bind, as ranges first..last (one port:
 * first == last); landlock.c parses and bounds them. */
struct port_range {
	uint16_t first, last;
};
struct port_list {
	struct port_range *items;
	size_t count;
	uint32_t total;               /* ports over all ranges, duplicates counted */
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
	struct port_list connect_ports;   /* --allow-connect: Landlock NET_CONNECT_TCP rules */
	struct port_list bind_ports;      /* --allow-bind: Landlock NET_BIND_TCP rules (0: ephemeral) */
	struct strlist hide;          /* -H: names listable, nothing beneath readable/writable */
	bool allow_pty;               /* --allow-pty: /dev/ptmx and /dev/pts/N, with device ioctls */
};

/* Syscall policy: filter.c reads it, runner.c fills it from the options. */
struct sys_policy {
	bool allow_unix;              /* --allow-unix: socket(AF_UNIX) allowed */
	bool allow_net;               /* --allow-net: socket() of every family allowed */
	bool allow_metadata;          /* --allow-metadata: chmod/chown/xattr/utime family allowed */
	bool no_new_procs;            /* --procs 1: fork, vfork and non-thread clone fail EAGAIN */
	bool log_denied;              /* --log-denied: a stderr line per newly denied syscall */
	bool log_calls;               /* --report or --log-denied: logged rows ask sandrun */
	bool signal_scoped;           /* Landlock ABI >= 6 scopes signals; below, filter rows guard sandrun */
	bool allow_ipc;               /* --allow-ipc: System V IPC and POSIX message queues allowed */
	bool tcp_ports;               /* --allow-connect/--allow-bind: TCP sockets only */
	bool proxy_metadata;          /* a -W dir and no --allow-metadata: metadata.c performs
				       * chmod and utime calls on files beneath -W dirs */
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
	bool want_scratch;            /* -T: a private scratch dir, made and removed by scratch.c */
};

/* One protection as it stands on this kernel with this policy: --version, --print-policy
 * and the JSON report all print the same rows. */
struct protection {
	const char *name;             /* short stable key, e.g. "landlock-truncate" */
	bool active;
	const char *detail;           /* why not, or what it covers, e.g. "needs Landlock ABI 6" */
};
#define MAX_PROTECTIONS 48   /* --version lists 25 rows on x86_64 at ABI 6+ */

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
/* ---- outputs.c: -i/-o/-e and the report's place, opened following no symlink ---- */
/* Before fork: opens -i, -o, -e (paths[i] NULL = inherit) into fds[]; 125 on a refused path. */
void outputs_open_stdio(const char *const paths[3], int fds[3]);
/* Before anything runs: --report's directory resolved and held, its final name checked,
 * --report-fd checked (open, writable, close-on-exec); 125 otherwise. */
void outputs_report_prepare(const char *path, int fd);
/* At the end, or from die: writes text to --report (temporary file, fsync, renameat in the
 * held directory) and to --report-fd. false: a line is on stderr already. */
bool outputs_report_write(const char *path, const char *text, size_t len);

/* ---- caps.c: capabilities, emptied in the child before exec ---- */
void caps_drop_bounding(void);   /* child, before the identity change: needs CAP_SETPCAP */
void caps_clear(void);           /* child, after it: ambient, capset empty, capget check */
bool caps_can_drop_bounding(void);   /* sandrun holds CAP_SETPCAP in its effective set */
size_t caps_protections(struct protection *out, size_t max);   /* rows "capabilities", "caps-bounding" */
/* ---- landlock.c: TCP port rules (--allow-connect, --allow-bind; ABI 4) ---- */
/* Parses PORT or A-B into l; bad input is die naming opt and arg. */
void landlock_add_ports(struct port_list *l, const char *opt, const char *arg, bool zero_ok);
/* ---- account.c: --user NAME[:GROUP] and the run user's environment ---- */
/* spec is what --user got when it is not UID[:GID]: NAME, NAME:GROUP, UID:GROUP or
 * NAME:GID, looked up in /etc/passwd and /etc/group; dies (125) on unknown or 0. */
void account_resolve(const char *spec, uid_t *uid, gid_t *gid);
/* Appends HOME, USER and LOGNAME assignments for uid to out; home, when not NULL, wins
 * over the passwd entry's directory. */
void account_env(uid_t uid, const char *home, struct strlist *out);

/* ---- scratch.c: -T, the run's private scratch directory ---- */
/* Makes the fresh 0700 directory (owned by uid:gid when chown_to) and returns its path;
 * dies on failure, and from then on die() removes it. */
const char *scratch_create(bool chown_to, uid_t uid, gid_t gid);
/* Removes it and all it holds, never following a link; call only once no process of the
 * run is alive. True when there was none or it is gone; false after one warning line. */
bool scratch_remove(void);
/* ---- metadata.c: chmod and utime family beneath -W dirs, performed by sandrun ---- */
void metadata_prepare(const struct policy *p);   /* parent, before fork: hold -W and -R dirs */
bool metadata_handles(int nr);                   /* a call metadata_answer decides */
/* Answers one notified call of tid pid: 0 or -errno. *done: sandrun made the change (or
 * the kernel refused it on a file beneath -W); false: refused by policy, as EPERM. */
int metadata_answer(int listener, uint64_t id, pid_t pid, int nr, const uint64_t args[6],
		    bool *done);
uint64_t metadata_performed(void);               /* changes made, for the report */
/* ---- cgroup.c: one cgroup v2 per run, where the host allows it ---- */
enum { CGROUP_AUTO, CGROUP_ON, CGROUP_OFF };
/* What the run's cgroup counted, read before it is removed; all 0 without one. */
struct cgroup_stats {
	bool active;                  /* the run had its own cgroup */
	uint64_t memory_peak_bytes;   /* memory.peak */
	uint64_t oom_kills;           /* memory.events oom_kill */
	uint64_t pids_max_hits;       /* pids.events max: forks refused by pids.max */
	uint64_t cpu_usec;            /* cpu.stat usage_usec, every process of the run */
};
bool cgroup_parse_mode(const char *arg);         /* --cgroup auto|on|off; false if none */
/* Parent, before fork: makes the run's cgroup and writes its limits; with --cgroup on
 * dies (125) naming what is missing, with auto leaves the rlimits to runner.c. */
void cgroup_prepare(const struct limits *lim);
bool cgroup_enforces_memory(void);               /* -m is memory.max: no RLIMIT_AS */
bool cgroup_enforces_procs(void);                /* pids.max is set: no RLIMIT_NPROC */
void cgroup_child_join(void);                    /* child, first step after fork */
void cgroup_kill(void);                          /* parent: cgroup.kill, once the run ends */
/* Reads the counters, empties and removes the cgroup; later calls return the same counters. */
const struct cgroup_stats *cgroup_finish(void);
int cgroup_cleanup(void);                        /* --cleanup: leftovers of SIGKILLed runs */
size_t cgroup_protections(const struct limits *lim, struct protection *out, size_t max);

#endif
