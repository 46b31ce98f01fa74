/*
 * cgroup.c: one cgroup v2 per run, where the host allows it (--cgroup auto|on|off).
 *
 * Guarantees, when the run has its cgroup ("cgroup" active in the report):
 * - The child joins the run's cgroup as its very first step after fork, before its
 *   setup runs and long before PROGRAM: it writes "0" to the run's cgroup.procs, opened
 *   by sandrun before fork. A failure ends the child with 125; PROGRAM never runs
 *   outside the cgroup. Every process and thread of the run is in it, and can not
 *   leave it: moving needs write access to the cgroup.procs of a common ancestor,
 *   which the program (another uid as root; Landlock denies writes beneath
 *   /sys/fs/cgroup unless -W gives it) does not have, and the filter denies unshare.
 * - -m SIZE: memory.max = SIZE and memory.swap.max = 0 for the whole run, and no
 *   RLIMIT_AS, so runtimes that reserve much address space (JVM, Go, Node) work. The
 *   verdict is memory-limit when memory.events counts an oom_kill or memory.peak
 *   reached SIZE; the report's memory_peak_bytes is memory.peak.
 * - -p N (N > 1): pids.max = N for this run alone (threads count); without -p, and with
 *   -p 1 (the filter's: no fork, threads work), pids.max = 1024, the default cap. RLIMIT_NPROC, which counts every process of the uid, is then
 *   not set.
 * - The report's cgroup_cpu_usec is cpu.stat usage_usec: every process of the run.
 * - At the end sandrun writes cgroup.kill (every process in the cgroup, whatever its
 *   process group or parent), waits (bounded) for cgroup.events "populated 0" and
 *   removes the cgroup. A run cgroup left by a sandrun that was SIGKILLed (its name
 *   holds that sandrun's pid) is killed and removed by the next run as root, or by
 *   `sandrun --cleanup`.
 * Does not:
 * - make -c a run total: RLIMIT_CPU stays per process (runner.c); cpu.max is a rate,
 *   not a budget, and the report's cgroup_cpu_usec is the total to judge by.
 * - create or enable controllers in a delegated subtree: as non-root a run cgroup is
 *   made only beside sandrun's own cgroup, when that parent is writable and its
 *   cgroup.subtree_control already has memory and pids (a cgroup with processes can
 *   not enable controllers for its children, so sandrun's own cgroup can not be the
 *   parent). Elsewhere auto keeps the rlimits (runner.c) and says so, on fails (125).
 * - remove a leftover of a sandrun that still runs: the run cgroup's name holds its
 *   pid and start time, so a new process that reused the pid does not keep it alive.
 *
 * Joining by a write from the child instead of clone3(CLONE_INTO_CGROUP): pgroup.c
 * spawns with libc's fork (its atfork handling and locks stay libc's business), and the
 * write is the first thing the child does, so nothing of the child's own runs outside.
 */
#include "sandrun.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define DEFAULT_PIDS_MAX 1024u
static const char *const mounts[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };

static int mode = CGROUP_AUTO;
static char why_not[160] = "not probed";   /* why no cgroup can be had */
static char parent_path[512];              /* where run cgroups are made */
static const char *run_prefix;             /* "run-" as root, "sandrun-run-" beside ours */
static bool probed, usable;
static int parent_fd = -1, run_fd = -1, procs_fd = -1;
static char run_name[96];
static pid_t owner_pid;                    /* the sandrun that made the run's cgroup */
static bool memory_enforced, procs_enforced;
static struct cgroup_stats stats;

bool cgroup_parse_mode(const char *arg)
{
	static const char *const names[] = { [CGROUP_AUTO] = "auto", [CGROUP_ON] = "on",
					      [CGROUP_OFF] = "off" };

	for (int i = 0; i < 3; i++) {
		if (strcmp(arg, names[i]) == 0) {
			mode = i;
			return true;
		}
	}
	return false;
}

/* Reads a small file of dir fd into buf (NUL-terminated); false with errno set. */
static bool read_at(int dir, const char *name, char *buf, size_t size)
{
	int fd = openat(dir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t len = 0;
	ssize_t n;

	if (fd < 0)
		return false;
	while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;

			close(fd);
			errno = err;
			return false;
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(fd);
	return true;
}

static bool write_at(int dir, const char *name, const char *text)
{
	int fd = openat(dir, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t len = strlen(text);
	ssize_t n;
	int err;

	if (fd < 0)
		return false;
	n = write(fd, text, len);
	err = errno;
	close(fd);
	errno = err;
	return n == (ssize_t)len;
}

/* True when the space-separated list holds word. */
static bool has_word(const char *list, const char *word)
{
	size_t len = strlen(word);

	for (const char *s = list; (s = strstr(s, word)) != NULL; s += len)
		if ((s == list || s[-1] == ' ') && (s[len] == ' ' || s[len] == '\n' || s[len] == '\0'))
			return true;
	return false;
}

/* The value after "key " in a flat-keyed file such as memory.events; 0 if absent. */
static uint64_t keyed_value(const char *text, const char *key)
{
	size_t len = strlen(key);

	for (const char *s = text; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL)
		if (strncmp(s, key, len) == 0 && s[len] == ' ')
			return strtoull(s + len + 1, NULL, 10);
	return 0;
}

/* Records why no cgroup can be had; the expression is false. */
#define no_cgroup(...) (out_format(why_not, sizeof why_not, __VA_ARGS__), false)

/* The cgroup2 mount, or NULL. */
static const char *find_mount(void)
{
	struct statfs sf;

	for (size_t i = 0; i < sizeof mounts / sizeof mounts[0]; i++)
		if (statfs(mounts[i], &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC)
			return mounts[i];
	return NULL;
}

/* sandrun's own cgroup, "/path" from the "0::/path" line of /proc/self/cgroup. */
static bool own_cgroup(char *path, size_t size)
{
	char buf[4096];
	char *line;

	if (!read_at(AT_FDCWD, "/proc/self/cgroup", buf, sizeof buf))
		return false;
	line = strstr(buf, "0::/");
	if (!line || (line != buf && line[-1] != '\n'))
		return false;
	line += 3;
	line[strcspn(line, "\n")] = '\0';
	return out_format(path, size, "%s", line) < size;
}

/* Root: <mount>/sandrun, made if missing, with memory and pids enabled down to it. */
static bool find_root_parent(const char *mnt, bool create)
{
	char buf[512];
	int root = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (root < 0)
		return no_cgroup("cannot open %s", mnt);
	out_format(parent_path, sizeof parent_path, "%s/sandrun", mnt);
	run_prefix = "run-";
	if (!read_at(root, "cgroup.controllers", buf, sizeof buf) || !has_word(buf, "memory") ||
	    !has_word(buf, "pids")) {
		close(root);
		return no_cgroup("the memory and pids controllers are not available in %s", mnt);
	}
	if (!create) {   /* --version, --print-policy and --cleanup change nothing here */
		close(root);
		return true;
	}
	if (mkdirat(root, "sandrun", 0755) != 0 && errno != EEXIST) {
		close(root);
		return no_cgroup("cannot create %s/sandrun", mnt);
	}
	/* EBUSY: the root has processes in a cgroup namespace (a container). */
	if (!write_at(root, "cgroup.subtree_control", "+memory +pids")) {
		close(root);
		return no_cgroup("cannot enable memory and pids in %s/cgroup.subtree_control", mnt);
	}
	parent_fd = openat(root, "sandrun", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	close(root);
	if (parent_fd < 0 || !write_at(parent_fd, "cgroup.subtree_control", "+memory +pids"))
		return no_cgroup("cannot enable memory and pids in %s/sandrun", mnt);
	/* cpu is optional: usage_usec in cpu.stat is there without it. */
	(void)write_at(parent_fd, "cgroup.subtree_control", "+cpu");
	return true;
}

/* Non-root: the parent of sandrun's own cgroup, when delegated to us with the
 * controllers already enabled for its children. */
static bool find_delegated_parent(const char *mnt)
{
	char own[512], buf[512];
	char *slash;

	if (!own_cgroup(own, sizeof own))
		return no_cgroup("%s", "sandrun's cgroup v2 is not in /proc/self/cgroup");
	slash = strrchr(own, '/');
	if (!slash || slash == own)
		return no_cgroup("%s", "not root, and sandrun's cgroup has no delegated parent");
	*slash = '\0';
	out_format(parent_path, sizeof parent_path, "%s%s", mnt, own);
	parent_fd = open(parent_path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (parent_fd < 0)
		return no_cgroup("cannot open %s", parent_path);
	if (!read_at(parent_fd, "cgroup.subtree_control", buf, sizeof buf) ||
	    !has_word(buf, "memory") || !has_word(buf, "pids"))
		return no_cgroup("not root, and memory and pids are not enabled in %s", parent_path);
	if (faccessat(parent_fd, ".", W_OK, 0) != 0 ||
	    faccessat(parent_fd, "cgroup.procs", W_OK, 0) != 0)
		return no_cgroup("not root, and %s is not delegated to this uid", parent_path);
	run_prefix = "sandrun-run-";
	return true;
}

/* Where run cgroups can be made, decided once; no run cgroup is made here. Without
 * create, as root, only the controllers are checked and nothing is made or enabled. */
static bool probe(bool create)
{
	const char *mnt;

	if (probed)
		return usable;
	probed = create;
	if (mode == CGROUP_OFF)
		return no_cgroup("%s", "--cgroup off");
	mnt = find_mount();
	if (!mnt)
		return no_cgroup("%s", "cgroup v2 is not mounted at /sys/fs/cgroup");
	usable = geteuid() == 0 ? find_root_parent(mnt, create) : find_delegated_parent(mnt);
	if (!usable && parent_fd >= 0) {
		close(parent_fd);
		parent_fd = -1;
	}
	return usable;
}

/* Kills what is in the cgroup dir fd and waits (about 2 s at most) until it is empty. */
static bool empty_cgroup(int dir)
{
	char buf[256];
	struct timespec pause = { 0, 10 * 1000 * 1000 };

	if (!write_at(dir, "cgroup.kill", "1") && errno != ENOENT)
		return false;
	for (int i = 0; i < 200; i++) {
		if (!read_at(dir, "cgroup.events", buf, sizeof buf))
			return false;
		if (keyed_value(buf, "populated") == 0)
			return true;
		nanosleep(&pause, NULL);
	}
	return false;
}

/* When pid started, in clock ticks since boot (/proc/PID/stat field 22); 0 if gone. */
static unsigned long long start_time(pid_t pid)
{
	char path[64], buf[1024];
	char *s;

	out_format(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (!read_at(AT_FDCWD, path, buf, sizeof buf) || !(s = strrchr(buf, ')')))
		return 0;
	for (int field = 2; field < 22 && s; field++)   /* s is at the end of field 2 */
		s = strchr(s + 1, ' ');
	return s ? strtoull(s + 1, NULL, 10) : 0;
}

/*
 * The pid of the sandrun that made entry name ("<prefix><pid>-<start time>-<random>"),
 * or 0 when it is not a run cgroup. *alive: that very sandrun still runs; a new process
 * that reused the pid has another start time.
 */
static pid_t owner_of(const char *name, bool *alive)
{
	size_t len = strlen(run_prefix);
	unsigned long long started;
	char *end;
	long pid;

	if (strncmp(name, run_prefix, len) != 0)
		return 0;
	pid = strtol(name + len, &end, 10);
	if (pid <= 0 || *end != '-')
		return 0;
	started = strtoull(end + 1, &end, 10);
	if (*end != '-')
		return 0;
	*alive = (kill((pid_t)pid, 0) == 0 || errno != ESRCH) && start_time((pid_t)pid) == started;
	return (pid_t)pid;
}

/* Kills and removes the run cgroups whose sandrun is gone; returns how many. */
static unsigned remove_leftovers(bool verbose)
{
	int fd = openat(parent_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	unsigned removed = 0;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while ((e = readdir(d)) != NULL) {
		bool alive = false;
		pid_t owner = owner_of(e->d_name, &alive);
		int dir;

		if (owner == 0 || owner == getpid() || alive)
			continue;
		dir = openat(parent_fd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dir < 0)
			continue;
		if (empty_cgroup(dir) && unlinkat(parent_fd, e->d_name, AT_REMOVEDIR) == 0) {
			removed++;
			if (verbose)
				out_warn("removed %s/%s (sandrun %d is gone)", parent_path, e->d_name,
					 (int)owner);
		} else {
			out_warn("could not remove %s/%s: %s", parent_path, e->d_name, strerror(errno));
		}
		close(dir);
	}
	closedir(d);
	return removed;
}

static void set_limit(const char *file, uint64_t v)
{
	char text[32];

	out_format(text, sizeof text, "%llu", (unsigned long long)v);
	if (!write_at(run_fd, file, text))
		die_sys("cgroup %s/%s: write %s", parent_path, run_name, file);
}

/* The run's cgroup: a fresh name, made beneath the held parent fd. */
static bool make_run_cgroup(void)
{
	for (int attempt = 0; attempt < 16; attempt++) {
		uint32_t r;

		if (syscall(SYS_getrandom, &r, sizeof r, 0) != (long)sizeof r)
			die_sys("getrandom");
		out_format(run_name, sizeof run_name, "%s%d-%llu-%08x", run_prefix, (int)getpid(),
			   start_time(getpid()), r);
		if (mkdirat(parent_fd, run_name, 0755) == 0)
			break;
		if (errno != EEXIST)
			return no_cgroup("cannot create a cgroup in %s", parent_path);
	}
	owner_pid = getpid();
	run_fd = openat(parent_fd, run_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (run_fd < 0)
		die_sys("cgroup %s/%s", parent_path, run_name);
	procs_fd = openat(run_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (procs_fd < 0)
		die_sys("cgroup %s/%s/cgroup.procs", parent_path, run_name);
	return true;
}

void cgroup_prepare(const struct limits *lim)
{
	bool ok = probe(true);

	/* Leftovers of SIGKILLed runs go first, so they do not count against anything. */
	if (ok && geteuid() == 0)
		remove_leftovers(false);
	if (!ok || !make_run_cgroup()) {
		usable = false;
		if (mode == CGROUP_ON)
			die("--cgroup on: %s", why_not);
		return;
	}
	if (lim->mem_bytes) {
		set_limit("memory.max", lim->mem_bytes);
		/* ENOENT: no swap accounting in this kernel, so there is no swap to bound. */
		if (!write_at(run_fd, "memory.swap.max", "0") && errno != ENOENT)
			die_sys("cgroup %s/%s: write memory.swap.max", parent_path, run_name);
		memory_enforced = true;
	}
	/* -p 1 is the filter's (no fork, threads work): pids.max 1 would stop threads too. */
	set_limit("pids.max", lim->procs > 1 ? lim->procs : DEFAULT_PIDS_MAX);
	procs_enforced = true;
	stats.active = true;
}

bool cgroup_enforces_memory(void) { return memory_enforced; }
bool cgroup_enforces_procs(void) { return procs_enforced; }

void cgroup_child_join(void)
{
	if (procs_fd < 0)
		return;
	/* "0": the writing process itself, as a whole thread group. */
	if (write(procs_fd, "0", 1) != 1)
		child_fail_sys("cgroup %s/%s: join", parent_path, run_name);
	close(procs_fd);
}

void cgroup_kill(void)
{
	/* Every process of the run, even one that left the process group or was reparented. */
	if (run_fd >= 0 && !write_at(run_fd, "cgroup.kill", "1"))
		die_sys("cgroup %s/%s: write cgroup.kill", parent_path, run_name);
}

const struct cgroup_stats *cgroup_finish(void)
{
	char buf[1024];

	/* Only sandrun itself: the child (a die on its way) must never kill its own cgroup. */
	if (run_fd < 0 || getpid() != owner_pid)
		return &stats;
	if (read_at(run_fd, "memory.peak", buf, sizeof buf))
		stats.memory_peak_bytes = strtoull(buf, NULL, 10);
	if (read_at(run_fd, "memory.events", buf, sizeof buf))
		stats.oom_kills = keyed_value(buf, "oom_kill");
	if (read_at(run_fd, "pids.events", buf, sizeof buf))
		stats.pids_max_hits = keyed_value(buf, "max");
	if (read_at(run_fd, "cpu.stat", buf, sizeof buf))
		stats.cpu_usec = keyed_value(buf, "usage_usec");
	/* Left for the next run's cleanup if it will not empty: sandrun's verdict stands. */
	if (!empty_cgroup(run_fd) || unlinkat(parent_fd, run_name, AT_REMOVEDIR) != 0)
		out_warn("cgroup %s/%s not removed: %s", parent_path, run_name, strerror(errno));
	close(run_fd);
	close(procs_fd);
	run_fd = procs_fd = -1;
	return &stats;
}

int cgroup_cleanup(void)
{
	unsigned n;

	if (!probe(false))
		die("--cleanup: %s", why_not);
	if (parent_fd < 0)
		parent_fd = open(parent_path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (parent_fd < 0 && errno == ENOENT) {
		out_warn("--cleanup: %s does not exist, nothing to remove", parent_path);
		return 0;
	}
	if (parent_fd < 0)
		die_sys("--cleanup: %s", parent_path);
	n = remove_leftovers(true);
	out_warn("--cleanup: %u leftover run cgroup%s removed from %s", n, n == 1 ? "" : "s",
		 parent_path);
	return 0;
}

size_t cgroup_protections(const struct limits *lim, struct protection *out, size_t max)
{
	static char detail[3][256];
	bool ok = probed ? stats.active : probe(false);

	if (max < 3)
		return 0;
	out_format(detail[0], sizeof detail[0], ok ? "a cgroup v2 per run in %s, cgroup.kill at the end" :
		   "%s: no cgroup; the process group and subreaper still end the run",
		   ok ? parent_path : why_not);
	out_format(detail[1], sizeof detail[1], "%s",
		   ok ? "cgroup memory.max for the whole run, swap 0" :
		   "rlimit: RLIMIT_AS per process, plus headroom");
	out_format(detail[2], sizeof detail[2], "%s",
		   ok ? "cgroup pids.max for this run alone (threads count)" :
		   "rlimit: RLIMIT_NPROC, counts every process of the uid");
	(void)lim;
	out[0] = (struct protection){ "cgroup", ok, detail[0] };
	out[1] = (struct protection){ "cgroup-memory", ok, detail[1] };
	out[2] = (struct protection){ "cgroup-pids", ok, detail[2] };
	return 3;
}
