/*
 * landlock.c: the child's view of the filesystem (and, on newer kernels, of TCP ports,
 * abstract unix sockets and signals), through raw Landlock syscalls.
 *
 * Guarantees, by Landlock ABI in use (the kernel's, capped by SANDRUN_MAX_ABI at build):
 * - Below ABI 3, or with Landlock missing or disabled, nothing runs (125): before ABI 3
 *   truncate(2) and open(O_TRUNC) could not be denied, so "read-only" would be a lie.
 * - Every filesystem right the ABI knows is handled, so no right is open by omission:
 *   ABI 1-3 read, write, execute, list, create, remove, link/rename across directories
 *   and truncate; ABI 5 also ioctl on devices opened inside the sandbox (granted nowhere).
 * - Default: read, list and execute everywhere; write only /dev/null, /dev/zero, /dev/full.
 *   -W DIR: full write beneath DIR (never device nodes). -R DIR: nothing beneath DIR can
 *   be read, listed, executed or written, even inside a -W dir (deny wins). -A PATH:
 *   strict mode, read only beneath the -A paths and the -W dirs. A -W or -A path inside
 *   a -R dir is refused (125): a deny dir has no holes. -H DIR: as -R for content, but
 *   DIR's names stay listable and its parents keep listing (keeps_listing).
 * - ABI >= 4: TCP bind and connect denied unless --allow-net; --allow-connect and
 *   --allow-bind PORT|A-B add one Landlock port rule per listed port (bounded, 65536 per
 *   option), and are refused below ABI 4 or with --allow-net (125). ABI >= 6: abstract
 *   unix sockets and signals reach only processes of the same sandbox.
 * - Every path is resolved once, here, before fork; a bad one is exit 125 naming it. A
 *   -R dir whose content a mount also shows elsewhere (bind mount, the filesystem
 *   mounted twice, an overlayfs one of whose layers holds it or lies in it, as
 *   mountinfo's lowerdir/upperdir/workdir name them) is refused unless that place is
 *   denied too.
 * Does not (Landlock ABI <= 7 cannot, see MECHANISMS.md 1.6):
 * - stop chmod, chown, utimes or xattr changes on files DAC lets the uid change, nor
 *   TIOCSTI on an inherited terminal: filter.c denies those calls;
 * - restrict descriptors opened before confinement: pgroup.c closes all but 0-2;
 * - stop pathname unix sockets or UDP: filter.c decides which socket families exist
 *   (and so also stops TCP below ABI 4 unless --allow-net);
 * - below ABI 6 stop signals to same-uid processes (filter.c only denies kill(-1)) or
 *   abstract sockets (filter.c only without --allow-unix): the protections rows of
 *   --version and --print-policy say NOT;
 * - hide a -R dir's file that has a hard link elsewhere (README: use a dir of its own).
 * - Rules bind the inodes present at setup: in an ancestor of a -R dir (which gets no
 *   rule of its own), entries created later are unreadable and, inside a -W dir, no
 *   entry can be created or removed directly (its other sub-dirs stay writable).
 */
#include "sandrun.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/landlock.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* The installed UAPI header (6.1) stops at REFER: the later values, from the kernel's. */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)      /* ABI 3 */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)     /* ABI 5 */
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)      /* ABI 4 */
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#endif
/* ABI 4's port rule; the 6.1 header has neither the type nor its attribute. */
#define RULE_NET_PORT 2   /* LANDLOCK_RULE_NET_PORT */
struct net_port_attr {    /* struct landlock_net_port_attr */
	uint64_t allowed_access;
	uint64_t port;        /* host byte order */
};
_Static_assert(sizeof(struct net_port_attr) == 16, "net_port_attr is two u64");
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)   /* ABI 6 */
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif
#ifndef LANDLOCK_CREATE_RULESET_ERRATA
#define LANDLOCK_CREATE_RULESET_ERRATA (1U << 1)
#endif

/* The ruleset attribute grew to three u64 (ABI 4 net, ABI 6 scoped); the header's is
 * the 8-byte form. Older kernels accept the longer form while its tail is zero. */
struct ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};
_Static_assert(sizeof(struct ruleset_attr) == 24, "ruleset attr is three u64");
_Static_assert(sizeof(struct landlock_path_beneath_attr) == 12, "path_beneath is packed");

enum { MIN_ABI = 3 };
/* Erratum 3 (fixed-errata bit 2): REFER could widen rights over disconnected directories. */
#define ERRATUM_REFER_FIXED (1U << 2)

#define R(x) LANDLOCK_ACCESS_FS_##x
#define FS_ABI1 (R(EXECUTE) | R(WRITE_FILE) | R(READ_FILE) | R(READ_DIR) | R(REMOVE_DIR) | \
		 R(REMOVE_FILE) | R(MAKE_CHAR) | R(MAKE_DIR) | R(MAKE_REG) | R(MAKE_SOCK) | \
		 R(MAKE_FIFO) | R(MAKE_BLOCK) | R(MAKE_SYM))
/* Rights a rule on a non-directory may carry; the others are refused there (EINVAL). */
#define FILE_RIGHTS (R(EXECUTE) | R(WRITE_FILE) | R(READ_FILE) | R(TRUNCATE) | R(IOCTL_DEV))
#define READ_RIGHTS (R(EXECUTE) | R(READ_FILE) | R(READ_DIR))
/* Everything but device nodes and IOCTL_DEV; REFER is added only where safe (erratum 3). */
#define WRITE_RIGHTS (READ_RIGHTS | R(WRITE_FILE) | R(TRUNCATE) | R(MAKE_REG) | R(MAKE_DIR) | \
		      R(MAKE_SYM) | R(MAKE_FIFO) | R(MAKE_SOCK) | R(REMOVE_FILE) | R(REMOVE_DIR))
/* A shell's "> /dev/null" opens with O_TRUNC, which needs no TRUNCATE on a device. */
#define DEVICE_RIGHTS (R(READ_FILE) | R(WRITE_FILE))

/* What each ABI adds; handled = every row at or below the ABI in use. */
static const struct abi_row {
	int abi;
	uint64_t fs, net, scoped;
} abi_rows[] = {
	{ 1, FS_ABI1, 0, 0 },
	{ 2, R(REFER), 0, 0 },
	{ 3, R(TRUNCATE), 0, 0 },
	{ 4, 0, LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP, 0 },
	{ 5, R(IOCTL_DEV), 0, 0 },
	{ 6, 0, 0, LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL },
};

struct bit_name {
	uint64_t bit;
	const char *name;
};
static const struct bit_name fs_names[] = {
	{ R(EXECUTE), "execute" }, { R(WRITE_FILE), "write_file" }, { R(READ_FILE), "read_file" },
	{ R(READ_DIR), "read_dir" }, { R(REMOVE_DIR), "remove_dir" },
	{ R(REMOVE_FILE), "remove_file" }, { R(MAKE_CHAR), "make_char" },
	{ R(MAKE_DIR), "make_dir" }, { R(MAKE_REG), "make_reg" }, { R(MAKE_SOCK), "make_sock" },
	{ R(MAKE_FIFO), "make_fifo" }, { R(MAKE_BLOCK), "make_block" },
	{ R(MAKE_SYM), "make_sym" }, { R(REFER), "refer" }, { R(TRUNCATE), "truncate" },
	{ R(IOCTL_DEV), "ioctl_dev" }, { 0, NULL },
};
static const struct bit_name net_names[] = {
	{ LANDLOCK_ACCESS_NET_BIND_TCP, "bind_tcp" },
	{ LANDLOCK_ACCESS_NET_CONNECT_TCP, "connect_tcp" }, { 0, NULL },
};
static const struct bit_name scope_names[] = {
	{ LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET, "abstract_unix_socket" },
	{ LANDLOCK_SCOPE_SIGNAL, "signal" }, { 0, NULL },
};

/* One protection per ABI step, as --version, --print-policy and the report show it. */
static const struct protection_row {
	const char *name;
	int abi;
	bool is_tcp;          /* --allow-net turns it off */
	const char *on, *off;
} protection_rows[] = {
	{ "landlock-fs", 1, false, "read/write/exec/create/remove confined to the rules (ABI 1)",
	  "filesystem NOT confined, needs ABI 1" },
	{ "landlock-truncate", 3, false, "truncate/O_TRUNC denied outside -W (ABI 3)",
	  "truncate/O_TRUNC NOT denied, needs ABI 3" },
	{ "landlock-tcp", 4, true, "TCP bind/connect denied (ABI 4)",
	  "TCP bind/connect NOT denied by Landlock, needs ABI 4" },
	{ "landlock-ioctl-dev", 5, false, "ioctl on devices opened in the sandbox denied (ABI 5)",
	  "ioctl on devices opened in the sandbox NOT denied, needs ABI 5" },
	{ "landlock-abstract-unix-scope", 6, false,
	  "abstract unix sockets outside the sandbox unreachable (ABI 6)",
	  "abstract unix sockets outside the sandbox NOT scoped, needs ABI 6" },
	{ "landlock-signal-scope", 6, false, "signals to processes outside the sandbox denied (ABI 6)",
	  "signals to same-uid processes NOT scoped, needs ABI 6" },
};
#define PROTECTION_COUNT (sizeof protection_rows / sizeof protection_rows[0])

/* A path the user gave, resolved once: the rule binds the inode opened here. */
struct spot {
	const char *opt;      /* the option, for messages */
	const char *real;     /* realpath: the deny walk compares these strings */
	int fd;               /* O_PATH, close-on-exec */
	bool is_dir;
	dev_t dev;
	bool hide;            /* a -H dir: in ll.deny for the walk, its ancestors stay listable */
};
struct spots {
	struct spot *items;
	size_t count;
};

/* A rule as added, kept for --print-policy only: a run needs nothing but the count. */
struct rule_record {
	char *path;
	uint64_t rights;
};

/* Everything prepare learnt; one policy per process, so file scope is enough. */
static struct {
	int kernel_abi;
	unsigned errata;
	uint64_t handled_fs, handled_net, scoped;
	uint64_t write_rights;
	int ruleset_fd;
	struct spots deny, write, read;
	const struct spot **deny_sorted;   /* ll.deny by real path (strcmp), for lookups */
	bool keep_rules;
	struct rule_record *rules;
	size_t rule_count, rule_cap;
	size_t hide_count;                 /* how many of ll.deny are -H dirs */
	const struct fs_policy *ports;     /* set by prepare: the port rules for the rows */
	size_t port_rule_count;
} ll = { .ruleset_fd = -1 };

/* ---- ABI ---- */

int landlock_probe(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	if (abi < 0 && errno == ENOSYS)
		die("Landlock ABI 0: not built into this kernel; sandrun needs ABI %d or newer "
		    "(Linux 6.2)", MIN_ABI);
	if (abi < 0 && errno == EOPNOTSUPP)
		die("Landlock ABI 0: disabled at boot; sandrun needs ABI %d or newer (hint: add "
		    "landlock to the lsm= kernel parameter)", MIN_ABI);
	if (abi < 0)
		die_sys("landlock_create_ruleset(VERSION)");
	ll.kernel_abi = (int)abi;
#ifdef SANDRUN_MAX_ABI
	/* Test builds pretend to be an older kernel to exercise the older-ABI paths. */
	if (abi > SANDRUN_MAX_ABI)
		abi = SANDRUN_MAX_ABI;
#endif
	if (abi < MIN_ABI)
		die("Landlock ABI %ld found (kernel ABI %d%s); sandrun needs ABI %d or newer "
		    "(Linux 6.2), below it truncate cannot be denied", abi, ll.kernel_abi,
		    abi < ll.kernel_abi ? ", capped by SANDRUN_MAX_ABI" : "", MIN_ABI);
	return (int)abi;
}

static void compute_handled(const struct fs_policy *fs)
{
	long errata = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_ERRATA);

	/* Kernels before the errata query (EINVAL) have none fixed as far as we can tell. */
	ll.errata = errata < 0 ? 0 : (unsigned)errata;
	ll.handled_fs = ll.handled_net = ll.scoped = 0;
	for (size_t i = 0; i < sizeof abi_rows / sizeof abi_rows[0]; i++) {
		if (abi_rows[i].abi > fs->abi)
			continue;
		ll.handled_fs |= abi_rows[i].fs;
		ll.handled_net |= abi_rows[i].net;
		ll.scoped |= abi_rows[i].scoped;
	}
	/* Handled with no rule means denied: --allow-net leaves TCP unhandled instead. */
	if (fs->allow_net)
		ll.handled_net = 0;
	ll.write_rights = WRITE_RIGHTS;
	if (ll.errata & ERRATUM_REFER_FIXED)
		ll.write_rights |= R(REFER);
}

static int create_ruleset(void)
{
	struct ruleset_attr attr = {
		.handled_access_fs = ll.handled_fs,
		.handled_access_net = ll.handled_net,
		.scoped = ll.scoped,
	};
	long fd = syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);

	if (fd < 0)
		die_sys("landlock_create_ruleset");
	return (int)fd;
}

/* ---- paths ---- */

/* True when path is dir or lies beneath it (both absolute, canonical). */
static bool path_within(const char *path, const char *dir)
{
	size_t len = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return true;
	return strncmp(path, dir, len) == 0 && (path[len] == '\0' || path[len] == '/');
}

/*
 * The deny dirs are looked up once per entry of every directory the sibling walk reads,
 * and once per deny dir while checking mounts: binary searches over ll.deny_sorted keep
 * a policy with many -R dirs linear, where a scan per lookup would be quadratic.
 */
/* Merge sort by real path: musl's qsort took about 1 ms for 1000 dirs, the
 * merge a quarter of that. tmp has room for count items. */
static void sort_by_real_path(const struct spot **items, const struct spot **tmp, size_t count)
{
	size_t half = count / 2, left = 0, right = half, out = 0;

	if (count < 2)
		return;
	sort_by_real_path(items, tmp, half);
	sort_by_real_path(items + half, tmp, count - half);
	while (left < half && right < count) {
		if (strcmp(items[right]->real, items[left]->real) < 0)
			tmp[out++] = items[right++];
		else
			tmp[out++] = items[left++];
	}
	while (left < half)
		tmp[out++] = items[left++];
	memcpy(items, tmp, out * sizeof *items);   /* the rest of the right half is in place */
}

static void sort_deny_dirs(void)
{
	const struct spot **tmp;

	if (ll.deny.count == 0)
		return;   /* every lookup stops at the count: no array is read */
	tmp = calloc(ll.deny.count, sizeof *tmp);
	ll.deny_sorted = calloc(ll.deny.count, sizeof *ll.deny_sorted);
	if (!ll.deny_sorted || !tmp)
		die("out of memory");
	for (size_t i = 0; i < ll.deny.count; i++)
		ll.deny_sorted[i] = &ll.deny.items[i];
	sort_by_real_path(ll.deny_sorted, tmp, ll.deny.count);
	free(tmp);
}

/* strcmp(s, the first len bytes of path), without copying them out. */
static int compare_with_prefix(const char *s, const char *path, size_t len)
{
	int c = strncmp(s, path, len);

	return c ? c : s[len] != '\0';
}

/* The deny dir whose path is exactly the first len bytes of path, or NULL. */
static const struct spot *deny_exact(const char *path, size_t len)
{
	size_t lo = 0, hi = ll.deny.count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = compare_with_prefix(ll.deny_sorted[mid]->real, path, len);

		if (c == 0)
			return ll.deny_sorted[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The deny dir holding path (canonical): path itself or one of its ancestors. */
static const struct spot *deny_holding(const char *path)
{
	const struct spot *d = deny_exact("/", 1);   /* -R / holds everything */

	for (size_t len = 1; !d && path[len - 1] != '\0'; len++) {
		if (path[len] == '/' || path[len] == '\0')
			d = deny_exact(path, len);
	}
	return d;
}

/* True when a deny dir lies strictly beneath dir: the paths starting "dir/" are one run
 * of the sorted list, so the first path not sorting before "dir/" decides. */
static bool deny_strictly_below(const char *dir)
{
	size_t len = strlen(dir), lo = 0, hi = ll.deny.count;
	const char *first;

	if (strcmp(dir, "/") == 0)   /* any deny dir but / itself, which sorts first (even twice) */
		return ll.deny.count > 0 && strcmp(ll.deny_sorted[ll.deny.count - 1]->real, "/") != 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *d = ll.deny_sorted[mid]->real;
		int c = strncmp(d, dir, len);

		if (c == 0)
			c = (unsigned char)d[len] - '/';   /* "dir" itself sorts before "dir/..." */
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == ll.deny.count)
		return false;
	first = ll.deny_sorted[lo]->real;
	return strncmp(first, dir, len) == 0 && first[len] == '/';
}

/* Absolute, and no empty, "." or ".." component: lexically its own canonical form. */
static bool is_plain_absolute(const char *path)
{
	if (path[0] != '/' || strlen(path) >= PATH_MAX)
		return false;
	if (path[1] == '\0')
		return true;
	for (const char *c = path + 1;; c += strcspn(c, "/") + 1) {
		size_t len = strcspn(c, "/");

		if (len == 0 || (c[0] == '.' && (len == 1 || (len == 2 && c[1] == '.'))))
			return false;
		if (c[len] == '\0')
			return true;
	}
}

/*
 * The common case in one call: a plain absolute path that openat2 can open without
 * following any symlink is already its own realpath, so realpath's walk (a readlink per
 * component) is not needed. Returns the O_PATH fd, or -1 to take the general way (any
 * error: that way reports it).
 */
static int open_if_canonical(const char *given)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS };

	if (!is_plain_absolute(given))
		return -1;
	return (int)syscall(SYS_openat2, AT_FDCWD, given, &how, sizeof how);
}

static void resolve_spot(struct spot *s, const char *opt, const char *given, bool need_dir)
{
	struct stat st;

	s->opt = opt;
	if (given[0] == '\0')
		die("%s: empty path", opt);
	s->fd = open_if_canonical(given);
	if (s->fd >= 0) {
		s->real = strdup(given);
		if (!s->real)
			die("out of memory");
	} else {
		s->real = realpath(given, NULL);
		if (!s->real)
			die_sys("%s %s", opt, given);
		s->fd = open(s->real, O_PATH | O_CLOEXEC);
	}
	if (s->fd < 0 || fstat(s->fd, &st) != 0)
		die_sys("%s %s", opt, given);
	s->is_dir = S_ISDIR(st.st_mode);
	s->dev = st.st_dev;
	if (need_dir && !s->is_dir)
		die("%s %s: not a directory", opt, given);
}

static void resolve_list(struct spots *out, const struct strlist *in, const char *opt,
			 bool need_dir)
{
	out->count = in->count;
	if (in->count == 0)
		return;   /* items stays NULL; every loop over it stops at the count */
	out->items = calloc(in->count, sizeof *out->items);
	if (!out->items)
		die("out of memory");
	for (size_t i = 0; i < in->count; i++)
		resolve_spot(&out->items[i], opt, in->items[i], need_dir);
}

/* A grant inside a deny dir would punch a hole in it: refuse rather than pick a winner. */
static void refuse_grants_inside_deny(const struct spots *grants)
{
	for (size_t i = 0; i < grants->count; i++) {
		const struct spot *g = &grants->items[i];
		const struct spot *d = deny_holding(g->real);

		if (d)
			die("%s %s is inside %s %s: conflicting policy (nothing beneath a "
			    "-R or -H dir can be granted)", g->opt, g->real, d->opt, d->real);
	}
}

/* ---- other views of a deny dir: a bind mount, the same filesystem mounted twice ---- */

struct mount_row {
	dev_t dev;
	char *root;           /* the directory of its filesystem the mount shows */
	char *point;          /* where it shows it */
	char **layers;        /* overlayfs only: lowerdirs, upperdir, workdir; else NULL */
	size_t layer_count;
};

/* mountinfo writes space, tab, newline and backslash as a backslash and 3 octal digits. */
static void unescape_octal(char *s)
{
	char *out = s;

	for (; *s; s++, out++) {
		*out = *s;
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		}
	}
	*out = '\0';
}
/* Cuts the next space-separated field off *cursor; NULL when there is none. */
static char *next_field(char **cursor)
{
	char *start = *cursor + strspn(*cursor, " ");
	size_t len = strcspn(start, " \n");

	if (len == 0)
		return NULL;
	*cursor = start + len + (start[len] != '\0');
	start[len] = '\0';
	return start;
}

/* Decimal digits at s, at most UINT_MAX: returns the end of them, NULL if none or too big. */
static const char *parse_uint(const char *s, unsigned *out)
{
	unsigned long long v = 0;
	const char *c = s;

	for (; *c >= '0' && *c <= '9'; c++) {
		v = v * 10 + (unsigned)(*c - '0');
		if (v > UINT_MAX)
			return NULL;
	}
	*out = (unsigned)v;
	return c == s ? NULL : c;
}

/* A hand parser: sscanf or strtoul would link musl's number scanner into the static build. */
static bool parse_mount_line(char *line, unsigned *major, unsigned *minor, char *root, char *point)
{
	char *cursor = line, *field[5];
	const char *end;

	for (int i = 0; i < 5; i++) {
		field[i] = next_field(&cursor);
		if (!field[i])
			return false;
	}
	end = parse_uint(field[2], major);
	if (!end || *end != ':')
		return false;
	end = parse_uint(end + 1, minor);
	if (!end || *end != '\0' || strlen(field[3]) >= PATH_MAX || strlen(field[4]) >= PATH_MAX)
		return false;
	memcpy(root, field[3], strlen(field[3]) + 1);
	memcpy(point, field[4], strlen(field[4]) + 1);
	return true;
}

/* A whole /proc file, NUL-terminated, or NULL with errno set. Its size is known only once
 * read returns 0 (stat says 0), so the buffer doubles until then. The caller frees it. */
static char *read_whole(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;
	size_t len = 0, cap = 0;
	char *buf = NULL;

	if (fd < 0)
		return NULL;
	for (;;) {
		ssize_t n;

		if (cap - len < 2) {   /* room for a byte and the NUL */
			char *grown = realloc(buf, cap ? cap * 2 : 16384);

			if (!grown)
				die("out of memory");
			buf = grown;
			cap = cap ? cap * 2 : 16384;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n > 0)
			len += (size_t)n;
		else if (n == 0)
			break;
		else if (errno != EINTR)
			goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	buf[len] = '\0';
	return buf;
fail:
	err = errno;
	if (fd >= 0)
		close(fd);
	free(buf);
	errno = err;
	return NULL;
}

/* ---- overlayfs: its layers are other views of whatever they hold ---- */

/* One layer path, unescaped, appended to m->layers in canonical form. A layer this
 * namespace cannot name (relative, as some kernels show what the mounter typed, e.g.
 * Docker's "l/ABC"; or absent here, a path of another mount namespace) is left out:
 * nothing sandrun can be told with -R lies at that path (README says so). */
static void add_layer(struct mount_row *m, const char *given)
{
	char *real = given[0] == '/' ? realpath(given, NULL) : NULL, **grown;

	if (!real)
		return;
	grown = realloc(m->layers, (m->layer_count + 1) * sizeof *grown);
	if (!grown)
		die("out of memory");
	m->layers = grown;
	m->layers[m->layer_count++] = real;
}

/*
 * A layer option's value as mountinfo shows it: seq_escape writes space, tab, newline,
 * backslash, comma and (newer kernels, in lowerdir) colon as \ and 3 octal digits. In a
 * lowerdir list a raw ':' separates layers ("::" marks data-only ones) and, from kernels
 * that show the option as the user typed it, "\:" (\134 then ':') is a colon of a path.
 * The value ends at the next raw ','.
 */
static const char *add_layer_list(struct mount_row *m, const char *s, bool is_list)
{
	char path[PATH_MAX];
	size_t len = 0;

	for (;; s++) {
		char c = *s;

		if (c == '\0' || c == ',' || (is_list && c == ':')) {
			path[len] = '\0';
			if (len > 0)
				add_layer(m, path);
			len = 0;
			if (c != ':')
				return s;
			continue;
		}
		if (c == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			c = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
			if (c == '\\' && is_list && s[1] == ':')
				c = *++s;   /* "\:" as the user typed it: a colon of the path */
		}
		if (len + 1 >= sizeof path)
			die("--deny-read: overlay layer path too long in /proc/self/mountinfo");
		path[len++] = c;
	}
}

/* The layers of an overlayfs mountinfo line ("... - overlay SOURCE OPTS"); a line of
 * another type is left alone. Paths are escaped, so " - " is only the separator. */
static void read_overlay_layers(struct mount_row *m, const char *line)
{
	static const struct { const char *key; bool is_list; } keys[] = {
		{ "lowerdir=", true }, { "lowerdir+=", false }, { "datadir+=", false },
		{ "upperdir=", false }, { "workdir=", false },
	};
	const char *sep = strstr(line, " - "), *opts;

	m->layers = NULL;
	m->layer_count = 0;
	if (!sep || strncmp(sep + 3, "overlay ", 8) != 0)
		return;
	opts = strchr(sep + 11, ' ');   /* after the source */
	if (!opts)
		die("--deny-read: overlay mount without options in /proc/self/mountinfo: %s", line);
	for (const char *o = opts + 1; *o; o += *o == ',') {
		size_t k = 0;

		while (k < sizeof keys / sizeof keys[0] && strncmp(o, keys[k].key, strlen(keys[k].key)) != 0)
			k++;
		if (k < sizeof keys / sizeof keys[0])
			o = add_layer_list(m, o + strlen(keys[k].key), keys[k].is_list);
		else
			o += strcspn(o, ",");
	}
}

static struct mount_row *read_mounts(size_t *count)
{
	char *text = read_whole("/proc/self/mountinfo"), *line, *next;
	char root[PATH_MAX], point[PATH_MAX];
	struct mount_row *rows = NULL;
	size_t n = 0;
	unsigned major, minor;

	if (!text)
		die_sys("--deny-read: /proc/self/mountinfo (to find other views of the dir)");
	for (line = text; *line; line = next) {
		struct mount_row *grown = realloc(rows, (n + 1) * sizeof *rows);

		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		if (!grown)
			die("out of memory");
		rows = grown;
		read_overlay_layers(&rows[n], line);   /* before the parse cuts the line */
		/* Fields: id, parent id, major:minor, root, mount point, ... */
		if (!parse_mount_line(line, &major, &minor, root, point))
			die("--deny-read: unexpected /proc/self/mountinfo line: %s", line);
		unescape_octal(root);
		unescape_octal(point);
		rows[n].dev = makedev(major, minor);
		rows[n].root = strdup(root);
		rows[n].point = strdup(point);
		if (!rows[n].root || !rows[n].point)
			die("out of memory");
		n++;
	}
	free(text);
	*count = n;
	return rows;
}

/* out = path with its leading dir "from" replaced by "to" (path is within from). */
static void rebase(char *out, const char *path, const char *from, const char *to)
{
	const char *rest = strcmp(from, "/") == 0 ? path : path + strlen(from);
	size_t to_len, rest_len = strlen(rest);

	if (strcmp(to, "/") == 0 && rest[0] == '/')
		to = "";
	to_len = strlen(to);
	if (to_len + rest_len >= PATH_MAX)
		die("--deny-read: path too long: %s%s", to, rest);
	/* Two copies of known lengths: no formatter needed. */
	memcpy(out, to, to_len);
	memcpy(out + to_len, rest, rest_len + 1);
}

/* The dir's path inside its filesystem, from the mount it lies on (the longest mount
 * point holding it; of mounts stacked there, the last listed is the visible one). */
static bool fs_path_of(const char *real, const struct mount_row *rows, size_t n, char *out)
{
	const struct mount_row *home = NULL;

	for (size_t i = 0; i < n; i++) {
		if (path_within(real, rows[i].point) &&
		    (!home || strlen(rows[i].point) >= strlen(home->point)))
			home = &rows[i];
	}
	if (home)
		rebase(out, real, home->point, home->root);
	return home != NULL;
}

/*
 * Landlock rules follow the path the child walks, so a deny dir's content visible at a
 * second place (a bind mount of it or of something beneath it, or its whole filesystem
 * mounted again) would be readable there. Refuse such a policy unless that place is
 * denied too. Hard links to its files cannot be found this way (README says so).
 */
static void refuse_other_views(const struct spot *d, const struct mount_row *rows, size_t n)
{
	char fs_path[PATH_MAX], alias[PATH_MAX];
	struct stat st;

	if (!fs_path_of(d->real, rows, n, fs_path))
		return;
	for (size_t i = 0; i < n; i++) {
		const struct mount_row *m = &rows[i];

		if (m->dev != d->dev)
			continue;
		if (path_within(m->root, fs_path))          /* shows part of the dir */
			out_format(alias, sizeof alias, "%s", m->point);
		else if (path_within(fs_path, m->root))     /* shows the dir itself */
			rebase(alias, fs_path, m->root, m->point);
		else
			continue;
		/* The dir's own place (the usual match) or a denied one is fine. Another mount
		 * stacked over the alias hides it: then it shows something else. */
		if (strcmp(alias, d->real) == 0 || deny_holding(alias) || stat(alias, &st) != 0 ||
		    st.st_dev != d->dev)
			continue;
		die("%s %s: also visible at %s through a mount; deny that path too",
		    d->opt, d->real, alias);
	}
}

/*
 * An overlayfs shows its layers' content at its mount point, under its own device
 * number, so the device comparison above cannot see it. A deny dir inside a layer shows
 * at the same place beneath the mount point; a layer inside a deny dir (or the workdir,
 * overlay's scratch space, anywhere near it) puts deny content somewhere in the merged
 * view, so the mount point as a whole must be denied. And a deny dir in the merged view
 * is the layers' content: its place in each layer (where it exists) must be denied.
 */
static void refuse_overlay_views(const struct spot *d, const struct mount_row *m)
{
	char alias[PATH_MAX];
	struct stat st;

	for (size_t i = 0; i < m->layer_count; i++) {
		const char *layer = m->layers[i];

		/* The other way round: a dir denied in the merged view (or holding it) has its
		 * content in the layers too, at the same place beneath each. */
		if (path_within(d->real, m->point))
			rebase(alias, d->real, m->point, layer);
		else if (path_within(m->point, d->real))
			out_format(alias, sizeof alias, "%s", layer);
		else
			alias[0] = '\0';
		if (alias[0] && !deny_holding(alias) && stat(alias, &st) == 0)
			die("%s %s: its content is also visible at %s, a layer of the overlay "
			    "mounted at %s; deny that path too", d->opt, d->real, alias, m->point);
		if (path_within(d->real, layer))          /* the dir lies in a layer */
			rebase(alias, d->real, layer, m->point);
		else if (path_within(layer, d->real))     /* a layer lies in the dir */
			out_format(alias, sizeof alias, "%s", m->point);
		else
			continue;
		if (deny_holding(alias) || deny_holding(m->point))
			continue;
		die("%s %s: also visible at %s through the overlay mounted there (layer "
		    "%s); deny that path too", d->opt, d->real, alias, layer);
	}
}

static void refuse_deny_aliases(void)
{
	struct mount_row *rows;
	size_t n;

	if (ll.deny.count == 0)
		return;
	rows = read_mounts(&n);
	for (size_t i = 0; i < ll.deny.count; i++) {
		refuse_other_views(&ll.deny.items[i], rows, n);
		for (size_t j = 0; j < n; j++)
			refuse_overlay_views(&ll.deny.items[i], &rows[j]);
	}
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < rows[i].layer_count; j++)
			free(rows[i].layers[j]);
		free(rows[i].layers);
		free(rows[i].root);
		free(rows[i].point);
	}
	free(rows);
}

/* ---- rules ---- */

static void record_rule(const char *path, uint64_t rights)
{
	if (!ll.keep_rules) {
		ll.rule_count++;
		return;
	}
	if (ll.rule_count == ll.rule_cap) {
		/* Doubling: a -R walk can add thousands of rules, one realloc each would copy
		 * the list every time. */
		size_t cap = ll.rule_cap ? 2 * ll.rule_cap : 64;
		struct rule_record *grown = realloc(ll.rules, cap * sizeof *grown);

		if (!grown)
			die("out of memory");
		ll.rules = grown;
		ll.rule_cap = cap;
	}
	ll.rules[ll.rule_count].path = strdup(path);
	if (!ll.rules[ll.rule_count].path)
		die("out of memory");
	ll.rules[ll.rule_count++].rights = rights;
}

/* Grants want (masked to what is handled and what the inode type accepts) on fd. */
static void add_rule(int fd, const char *path, bool is_dir, uint64_t want)
{
	struct landlock_path_beneath_attr attr = {
		.allowed_access = want & ll.handled_fs & (is_dir ? ~0ULL : FILE_RIGHTS),
		.parent_fd = fd,
	};

	if (attr.allowed_access == 0)
		return;
	if (syscall(SYS_landlock_add_rule, ll.ruleset_fd, LANDLOCK_RULE_PATH_BENEATH, &attr, 0))
		die_sys("landlock_add_rule(%s)", path);
	record_rule(path, attr.allowed_access);
}

/* On the heap: the walk recurses once per path component of a deny dir. */
static char *join_path(const char *dir, const char *name)
{
	size_t dir_len = strcmp(dir, "/") == 0 ? 0 : strlen(dir), name_len = strlen(name);
	char *out = malloc(dir_len + name_len + 2);

	if (!out)
		die("out of memory");
	memcpy(out, dir, dir_len);   /* NOLINT(bugprone-not-null-terminated-result): name's NUL ends it */
	out[dir_len] = '/';
	memcpy(out + dir_len + 1, name, name_len + 1);
	return out;
}

static void walk_siblings(int dir_fd, const char *dir, uint64_t rights);

/*
 * -H DIR (hide): the walk treats DIR as a -R dir, so no rule grants anything beneath it,
 * and then gives each ancestor it walks a rule of READ_DIR alone. Landlock rights inherit
 * downward, so that rule also lets DIR and every directory beneath it be listed: names
 * show, no file beneath DIR can be read, written, executed, created or removed (READ_DIR
 * is the only right that reaches it). No other right can go on an ancestor: MAKE_REG
 * there would let a file be created inside DIR (an authorized_keys in ~/.ssh), so new
 * entries cannot be made directly in the ancestors (their other sub-dirs keep their
 * rights). An ancestor that also holds a -R dir gets no READ_DIR: it would make the -R
 * dir listable, and -R hides names too.
 *
 *     /home/u          READ_DIR only (ancestor of -H ~/.ssh): ls ~ works
 *     |-- .ssh         -H: no rule; listable through ~'s READ_DIR, nothing readable
 *     `-- proj         the walk's usual grant
 */
static bool keeps_listing(const char *dir)
{
	bool hides_below = false;

	if (ll.hide_count == 0)
		return false;
	for (size_t i = 0; i < ll.deny.count; i++) {
		const struct spot *d = &ll.deny.items[i];

		if (strcmp(d->real, dir) == 0 || !path_within(d->real, dir))
			continue;   /* not strictly beneath dir */
		if (!d->hide)
			return false;   /* listing dir would list a -R dir */
		hides_below = true;
	}
	return hides_below;
}

/*
 * One directory entry met by the sibling walk, not a deny dir: an ancestor of one is
 * walked in turn, a symlink gets nothing (its target has its own place in the tree),
 * anything else gets the grant, which then covers everything beneath it.
 */
static void grant_inode(int dir_fd, const char *name, const char *path, uint64_t rights)
{
	struct stat st;
	/* O_PATH opens no device and blocks on no FIFO; O_NOFOLLOW keeps symlinks as such. */
	int fd = openat(dir_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		return;   /* gone since readdir: nothing to grant */
	if (fd < 0 || fstat(fd, &st) != 0)
		die_sys("--deny-read: cannot open %s to grant it", path);
	if (S_ISDIR(st.st_mode) && deny_strictly_below(path))
		walk_siblings(fd, path, rights);
	else if (!S_ISLNK(st.st_mode))
		add_rule(fd, path, S_ISDIR(st.st_mode), rights);
	close(fd);
}

static void grant_entry(int dir_fd, const char *dir, const char *name, uint64_t rights)
{
	char *path = join_path(dir, name);

	/* A deny dir gets nothing. No deny dir holds dir (the walk enters no such dir), so
	 * only path itself can be one. */
	if (!deny_exact(path, strlen(path)))
		grant_inode(dir_fd, name, path, rights);
	free(path);
}

/*
 * "Everything under G except D" with a system that only grants, and whose grants
 * inherit downward: grant each sibling along the path from G to D, never D itself
 * nor its ancestors. With G = / and D = /home/u/secret:
 *
 *     /            no rule (ancestor): listing / is denied, lookups through it work
 *     |-- usr      rule, covers all beneath
 *     |-- home     no rule (ancestor), walked
 *     |   |-- v    rule
 *     |   `-- u    no rule (ancestor), walked
 *     |       |-- notes.txt   rule
 *     |       `-- secret      D: no rule, so nothing beneath it is granted
 *     `-- tmp      rule
 *
 * One readdir pass per ancestor, each entry compared with the few deny dirs: linear in
 * the number of entries. Entries created later in an ancestor have no rule.
 */
static void walk_siblings(int dir_fd, const char *dir, uint64_t rights)
{
	int list_fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = list_fd < 0 ? NULL : fdopendir(list_fd);
	struct dirent *e;

	if ((rights & R(READ_DIR)) && keeps_listing(dir))
		add_rule(dir_fd, dir, true, R(READ_DIR));

	/* A runner that cannot list an ancestor cannot build its siblings' grants. */
	if (!d)
		die_sys("--deny-read: cannot list %s", dir);
	for (errno = 0; (e = readdir(d)) != NULL; errno = 0) {
		/* A symlink gets no rule (grant_inode), so it is not even opened. A d_type gone
		 * stale since readdir can only withhold a grant, never add one. */
		if (e->d_type == DT_LNK)
			continue;
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			grant_entry(list_fd, dir, e->d_name, rights);
	}
	if (errno != 0)
		die_sys("--deny-read: cannot list %s", dir);
	closedir(d);
}

/* Grants rights beneath a root (/, an -A path or a -W dir), around every deny dir. */
static void grant_tree(const struct spot *root, uint64_t rights)
{
	if (deny_holding(root->real))
		return;   /* only / can get here (-R /); other roots were refused */
	if (root->is_dir && deny_strictly_below(root->real))
		walk_siblings(root->fd, root->real, rights);
	else
		add_rule(root->fd, root->real, root->is_dir, rights);
}

/* The three harmless devices; a missing or odd one, or one under -R, is just not granted. */
static void grant_devices(void)
{
	static const char *const devices[] = { "/dev/null", "/dev/zero", "/dev/full" };

	for (size_t i = 0; i < sizeof devices / sizeof devices[0]; i++) {
		struct stat st;
		int fd = open(devices[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);

		if (fd < 0)
			continue;
		if (fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && !deny_holding(devices[i]))
			add_rule(fd, devices[i], false, DEVICE_RIGHTS);
		close(fd);
	}
}

/*
 * --allow-pty: /dev/ptmx (the multiplexer, a char device) and everything beneath /dev/pts
 * may be opened for reading and writing and, at ABI 5, take device ioctls (TIOCGPTN,
 * TIOCSPTLCK, tcsetattr). The rule on /dev/pts binds its directory inode, so it also
 * covers the terminals created later, the run's own; Landlock cannot tell those from
 * terminals already there, which DAC then guards (a dedicated --user owns none of them).
 * /dev/tty stays closed: the program has no controlling terminal of ours to reach.
 */
static void grant_ptys(void)
{
	static const struct { const char *path; bool is_dir; } nodes[] = {
		{ "/dev/ptmx", false }, { "/dev/pts", true },
	};

	for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
		struct stat st;
		int fd = open(nodes[i].path, O_PATH | O_NOFOLLOW | O_CLOEXEC);

		if (fd < 0 || fstat(fd, &st) != 0)
			die_sys("--allow-pty: %s", nodes[i].path);
		if (nodes[i].is_dir ? !S_ISDIR(st.st_mode) : !S_ISCHR(st.st_mode))
			die("--allow-pty: %s is not a %s", nodes[i].path,
			    nodes[i].is_dir ? "directory" : "character device");
		if (deny_holding(nodes[i].path))
			die("--allow-pty: %s is inside a -R dir", nodes[i].path);
		add_rule(fd, nodes[i].path, nodes[i].is_dir, DEVICE_RIGHTS | R(IOCTL_DEV));
		close(fd);
	}
}

static void close_spots(struct spots *s)
{
	for (size_t i = 0; i < s->count; i++)
		close(s->items[i].fd);
}

/* ---- TCP ports (ABI 4): --allow-connect, --allow-bind ---- */

/*
 * Landlock takes one rule per port (ABI 4-7 have no ranges), so a range A-B costs B-A+1
 * landlock_add_rule calls, about 1.2 us each: the whole range 1-65535 adds some 80 ms to
 * the start. Each option's ports are bounded by MAX_PORTS in total, so a mistyped list
 * cannot make the setup run away; one full range fits.
 */
enum { MAX_PORTS = 65536 };

/* Decimal digits, at most 65535; the end of them, or NULL. */
static const char *parse_port(const char *s, uint16_t *out)
{
	uint32_t v = 0;
	const char *c = s;

	for (; *c >= '0' && *c <= '9'; c++) {
		v = v * 10 + (uint32_t)(*c - '0');
		if (v > 65535)
			return NULL;
	}
	*out = (uint16_t)v;
	return c == s ? NULL : c;
}

void landlock_add_ports(struct port_list *l, const char *opt, const char *arg, bool zero_ok)
{
	struct port_range r = { 0, 0 };
	const char *end = parse_port(arg, &r.first);
	struct port_range *grown;

	if (end && *end == '-')
		end = parse_port(end + 1, &r.last);
	else
		r.last = r.first;
	if (!end || *end != '\0' || r.first > r.last)
		die("%s %s: expected a TCP port 0-65535 or a range A-B with A <= B", opt, arg);
	if (r.first == 0 && !zero_ok)
		die("%s %s: port 0 is not a port one can connect to", opt, arg);
	if (l->total + (uint32_t)(r.last - r.first) + 1 > MAX_PORTS)
		die("%s %s: more than %d ports in all", opt, arg, MAX_PORTS);
	grown = realloc(l->items, (l->count + 1) * sizeof *grown);
	if (!grown)
		die("out of memory");
	l->items = grown;
	l->items[l->count++] = r;
	l->total += (uint32_t)(r.last - r.first) + 1;
}

/* Port options need ABI 4, and leave no doubt with --allow-net: both are refused. */
static void check_ports(const struct fs_policy *fs)
{
	const char *opt = fs->connect_ports.count ? "--allow-connect" : "--allow-bind";

	if (fs->connect_ports.count == 0 && fs->bind_ports.count == 0)
		return;
	if (fs->allow_net)
		die("%s with --allow-net: conflicting policy (--allow-net allows every port; "
		    "give one or the other)", opt);
	if (fs->abi < 4)
		die("%s: Landlock ABI %d found (kernel ABI %d%s); TCP port rules need ABI 4 "
		    "(Linux 6.7)", opt, fs->abi, ll.kernel_abi,
		    fs->abi < ll.kernel_abi ? ", capped by SANDRUN_MAX_ABI" : "");
}

static void add_port_rules(const struct port_list *l, uint64_t right, const char *opt)
{
	for (size_t i = 0; i < l->count; i++) {
		for (uint32_t port = l->items[i].first; port <= l->items[i].last; port++) {
			struct net_port_attr attr = { .allowed_access = right, .port = port };

			if (syscall(SYS_landlock_add_rule, ll.ruleset_fd, RULE_NET_PORT, &attr, 0))
				die_sys("%s: landlock_add_rule(port %u)", opt, port);
			ll.port_rule_count++;
		}
	}
}

/* The -H dirs join ll.deny (the walk skips them like -R dirs), marked as hidden. */
static void add_hide_dirs(const struct strlist *hide)
{
	struct spots h;
	struct spot *grown;

	resolve_list(&h, hide, "--hide", true);
	if (h.count == 0)
		return;
	grown = realloc(ll.deny.items, (ll.deny.count + h.count) * sizeof *grown);
	if (!grown)
		die("out of memory");
	for (size_t i = 0; i < h.count; i++) {
		h.items[i].hide = true;
		grown[ll.deny.count + i] = h.items[i];
	}
	ll.deny.items = grown;
	ll.deny.count += h.count;
	ll.hide_count = h.count;
	free(h.items);
}

void landlock_prepare(struct fs_policy *fs)
{
	struct spot root = { .opt = "/", .real = "/", .is_dir = true };

	ll.keep_rules = fs->keep_rules;
	resolve_list(&ll.deny, &fs->deny_read, "--deny-read", true);
	add_hide_dirs(&fs->hide);
	sort_deny_dirs();
	resolve_list(&ll.write, &fs->allow_write, "--allow-write", true);
	resolve_list(&ll.read, &fs->allow_read, "--allow-read", false);
	refuse_grants_inside_deny(&ll.write);
	refuse_grants_inside_deny(&ll.read);
	refuse_deny_aliases();
	check_ports(fs);
	compute_handled(fs);
	ll.ruleset_fd = create_ruleset();
	ll.ports = fs;
	add_port_rules(&fs->connect_ports, LANDLOCK_ACCESS_NET_CONNECT_TCP, "--allow-connect");
	add_port_rules(&fs->bind_ports, LANDLOCK_ACCESS_NET_BIND_TCP, "--allow-bind");
	if (ll.read.count == 0) {
		root.fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (root.fd < 0)
			die_sys("open /");
		grant_tree(&root, READ_RIGHTS);
		close(root.fd);
	}
	for (size_t i = 0; i < ll.read.count; i++)
		grant_tree(&ll.read.items[i], READ_RIGHTS);
	for (size_t i = 0; i < ll.write.count; i++)
		grant_tree(&ll.write.items[i], ll.write_rights);
	grant_devices();
	if (fs->allow_pty)
		grant_ptys();
	close_spots(&ll.deny);
	close_spots(&ll.write);
	close_spots(&ll.read);
	fs->ruleset_fd = ll.ruleset_fd;
}

void landlock_apply(struct fs_policy *fs)
{
	if (fs->ruleset_fd < 0)
		child_fail("internal error: no Landlock ruleset was built");
	/* Restricts this thread and everything it will execute; no_new_privs is already set. */
	if (syscall(SYS_landlock_restrict_self, fs->ruleset_fd, 0) != 0)
		child_fail_sys("landlock_restrict_self");
	if (close(fs->ruleset_fd) != 0)
		child_fail_sys("close(Landlock ruleset)");
	fs->ruleset_fd = -1;
}

/* ---- what auditors see ---- */

/* "8080 9000-9010", or "none"; port 0 of bind reads "0 (ephemeral)". */
static void format_ports(struct out *out, const struct port_list *l)
{
	if (l->count == 0)
		out_puts(out, "none");
	for (size_t i = 0; i < l->count; i++) {
		const struct port_range *r = &l->items[i];

		out_printf(out, "%s%u", i ? " " : "", (unsigned)r->first);
		if (r->last != r->first)
			out_printf(out, "-%u", (unsigned)r->last);
		if (r->first == 0)
			out_puts(out, " (ephemeral)");
	}
}

/* The landlock-tcp row's detail when port rules are given; cut (with "...") past the
 * buffer, --print-policy lists them whole. */
static const char *ports_detail(void)
{
	static char text[256];
	struct out o = { .fd = -1, .buf = text, .size = sizeof text };

	out_puts(&o, "TCP connect only to ports ");
	format_ports(&o, &ll.ports->connect_ports);
	out_puts(&o, "; bind only to ports ");
	format_ports(&o, &ll.ports->bind_ports);
	out_puts(&o, " (ABI 4)");
	if (o.len >= sizeof text)
		memcpy(text + sizeof text - 4, "...", 4);
	return text;
}

static void print_bits(struct out *out, const struct bit_name *names, uint64_t bits, const char *none)
{
	if (bits == 0)
		out_printf(out, " %s", none);
	for (; names->name; names++) {
		if (bits & names->bit)
			out_printf(out, " %s", names->name);
	}
	out_write(out, "\n", 1);
}

void landlock_print(const struct fs_policy *fs, struct out *out)
{
	out_printf(out, "landlock: ABI %d in use (kernel ABI %d%s)\n", fs->abi, ll.kernel_abi,
		fs->abi < ll.kernel_abi ? ", capped at build time by SANDRUN_MAX_ABI" : "");
	out_printf(out, "landlock: mode %s\n", ll.read.count ? "strict (-A): read only the rules below"
				          : "default: read everything but -R dirs");
	out_printf(out, "landlock: handled filesystem rights:");
	print_bits(out, fs_names, ll.handled_fs, "none");
	out_printf(out, "landlock: handled network rights:");
	print_bits(out, net_names, ll.handled_net,
		   fs->allow_net ? "none (--allow-net)" : "none (TCP needs ABI 4)");
	if (fs->connect_ports.count || fs->bind_ports.count) {
		out_puts(out, "landlock: tcp connect allowed to ports: ");
		format_ports(out, &fs->connect_ports);
		out_puts(out, "\nlandlock: tcp bind allowed to ports: ");
		format_ports(out, &fs->bind_ports);
		out_printf(out, "\nlandlock: %zu port rules; every other TCP connect and bind fails "
			   "EACCES\n", ll.port_rule_count);
	}
	out_printf(out, "landlock: scoped:");
	print_bits(out, scope_names, ll.scoped, "none (needs ABI 6)");
	out_printf(out, "landlock: refer in -W dirs: %s\n", (ll.write_rights & R(REFER)) ? "granted"
		: "NOT granted (erratum 3 not known fixed): cross-directory rename fails EXDEV");
	out_printf(out, "landlock: %zu rules; a handled right not granted below is denied\n",
		ll.rule_count);
	for (size_t i = 0; i < ll.rule_count; i++) {
		out_printf(out, "landlock: rule %s:", ll.rules[i].path);
		print_bits(out, fs_names, ll.rules[i].rights, "none");
	}
}

size_t landlock_protections(int abi, bool allow_net, struct protection *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < PROTECTION_COUNT && n < max; i++, n++) {
		const struct protection_row *row = &protection_rows[i];

		out[n].name = row->name;
		out[n].active = abi >= row->abi && !(row->is_tcp && allow_net);
		out[n].detail = out[n].active ? row->on : row->off;
		if (row->is_tcp && allow_net && abi >= row->abi)
			out[n].detail = "TCP bind/connect allowed by --allow-net";
		if (row->is_tcp && out[n].active && ll.ports &&
		    (ll.ports->connect_ports.count || ll.ports->bind_ports.count))
			out[n].detail = ports_detail();
	}
	return n;
}
