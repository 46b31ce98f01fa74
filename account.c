/*
 * account.c: names for --user, and the run user's identity in the environment.
 *
 * Guarantees:
 * - --user NAME[:GROUP] is looked up by sandrun itself in /etc/passwd and /etc/group
 *   (no NSS, no getpwnam: the static build stays small and the answer is the local
 *   files' only). An unknown name, a malformed line that would be the answer, or a name
 *   that resolves to uid or gid 0 is one line and exit 125. NAME without GROUP takes the
 *   passwd entry's primary group, as su and runuser do; a numeric UID without GID keeps
 *   GID = UID (runner.c's parse_user).
 * - With --user, the program sees HOME, USER and LOGNAME of the run's uid: the passwd
 *   entry's directory and name when /etc/passwd has the uid, else HOME=/ and
 *   USER=LOGNAME=<the uid's number>. runner.c adds them before the -E values, so -E wins.
 * Does not:
 * - change PATH: the caller's PATH (or --clean-env's) stays, so PROGRAM is searched where
 *   the caller asked;
 * - consult LDAP, systemd-userdb or any other NSS source: such users need numbers.
 */
#include "sandrun.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* /etc/passwd and /etc/group are read whole; larger ones are refused, never cut. */
enum { ACCOUNT_FILE_MAX = 16 << 20, ACCOUNT_FIELDS = 7 };

/* The file's text, NUL-terminated, or NULL with errno set. */
static char *read_text(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	char *buf = NULL;
	size_t len = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return NULL;
	}
	if (st.st_size < 0 || st.st_size > ACCOUNT_FILE_MAX) {
		close(fd);
		errno = EFBIG;
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	while (buf && len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;   /* shrank meanwhile: what was read is the file */
		len += (size_t)n;
	}
	close(fd);
	if (!buf)
		errno = ENOMEM;
	else
		buf[len] = '\0';
	return buf;
}

/* Splits one line (cut at its newline) into at most ACCOUNT_FIELDS fields at ':'. */
static size_t split_fields(char *line, char **field)
{
	size_t n = 0;

	line[strcspn(line, "\n")] = '\0';
	for (char *c = line;; c++) {
		if (n < ACCOUNT_FIELDS)
			field[n++] = c;
		c += strcspn(c, ":");
		if (*c == '\0')
			return n;
		*c = '\0';
	}
}

/* A whole decimal field, below 2^32 - 1 ((uid_t)-1 means "unchanged" to setresuid). */
static bool field_number(const char *s, uint32_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 0xFFFFFFFEu)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v > 0xFFFFFFFEu)
		return false;
	*out = (uint32_t)v;
	return true;
}

/*
 * The first line of path whose field key_at equals key (by name) or whose number there
 * equals num (by number, key NULL), split into field[]; false if none. text is kept by
 * the caller, as the fields point into it. need is the field count a valid line has.
 */
static bool find_entry(char *text, size_t key_at, const char *key, uint32_t num, size_t need,
		       char **field)
{
	for (char *line = text; *line;) {
		char *next = line + strcspn(line, "\n");
		uint32_t v;

		if (*next)
			*next++ = '\0';
		if (split_fields(line, field) >= need &&
		    (key ? strcmp(field[key_at], key) == 0
			 : field_number(field[key_at], &v) && v == num))
			return true;
		line = next;
	}
	return false;
}

static char *read_or_die(const char *path, const char *spec)
{
	char *text = read_text(path);

	if (!text)
		die_sys("--user %s: %s", spec, path);
	return text;
}

/* GROUP as a number or a name in /etc/group. */
static gid_t resolve_group(const char *spec, const char *group)
{
	uint32_t g;
	char *field[ACCOUNT_FIELDS], *text;

	if (field_number(group, &g))
		return (gid_t)g;
	text = read_or_die("/etc/group", spec);
	if (!find_entry(text, 0, group, 0, 3, field) || !field_number(field[2], &g))
		die("--user %s: no group %s in /etc/group", spec, group);
	free(text);
	return (gid_t)g;
}

void account_resolve(const char *spec, uid_t *uid, gid_t *gid)
{
	size_t name_len = strcspn(spec, ":");
	char name[256], *field[ACCOUNT_FIELDS], *text;
	uint32_t u, g;

	if (name_len == 0 || name_len >= sizeof name || (spec[name_len] == ':' && !spec[name_len + 1]))
		die("--user %s: expected UID[:GID] or NAME[:GROUP]", spec);
	memcpy(name, spec, name_len);
	name[name_len] = '\0';
	if (field_number(name, &u)) {
		g = u;   /* a number without GID: GID = UID, as for numbers alone */
	} else {
		text = read_or_die("/etc/passwd", spec);
		if (!find_entry(text, 0, name, 0, 4, field) || !field_number(field[2], &u) ||
		    !field_number(field[3], &g))
			die("--user %s: no user %s in /etc/passwd", spec, name);
		free(text);
	}
	if (spec[name_len] == ':')
		g = (uint32_t)resolve_group(spec, spec + name_len + 1);
	if (u == 0 || g == 0)
		die("--user %s: resolves to %u:%u; the run's uid and gid must not be 0", spec,
		    (unsigned)u, (unsigned)g);
	*uid = (uid_t)u;
	*gid = (gid_t)g;
}

static const char *assignment(const char *name, const char *value)
{
	size_t size = strlen(name) + strlen(value) + 2;
	char *s = malloc(size);

	if (!s)
		die("out of memory");
	out_format(s, size, "%s=%s", name, value);
	return s;
}

void account_env(uid_t uid, const char *home, struct strlist *out)
{
	char *field[ACCOUNT_FIELDS], number[16];
	char *text = read_text("/etc/passwd");
	const char **items;
	const char *user = number;

	out_format(number, sizeof number, "%u", (unsigned)uid);
	if (!text && errno != ENOENT)
		die_sys("--user %u: /etc/passwd", (unsigned)uid);
	if (text && find_entry(text, 2, NULL, (uint32_t)uid, 7, field)) {
		user = field[0];
		if (!home && field[5][0] == '/')
			home = field[5];
	}
	items = realloc(out->items, (out->count + 3) * sizeof *items);
	if (!items)
		die("out of memory");
	out->items = items;
	out->items[out->count++] = assignment("HOME", home ? home : "/");
	out->items[out->count++] = assignment("USER", user);
	out->items[out->count++] = assignment("LOGNAME", user);
	free(text);
}
