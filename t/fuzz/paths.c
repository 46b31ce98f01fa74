/*
 * t/fuzz/paths.c: landlock.c's path logic for -W, -R and -A values. Resolving a path is
 * the kernel's job (realpath, openat2), but what sandrun decides from the strings is
 * pure and checked here against naive references: is_plain_absolute (may a path skip
 * realpath?), path_within, the binary searches over the sorted deny dirs (deny_holding,
 * deny_strictly_below), and for the mount table that finds other views of a -R dir,
 * parse_mount_line and unescape_octal.
 * Input: lines; the first is the path asked about, the others are -R dirs (those in
 * canonical form, as realpath would give them); the whole input is also a mountinfo line.
 */
#include "landlock.c"
#include "fuzz.h"

enum { MAX_DENY = 32 };

/* Absolute, each component non-empty and neither "." nor "..", shorter than PATH_MAX. */
static bool ref_plain(const char *p)
{
	size_t n = strlen(p);

	if (p[0] != '/' || n >= PATH_MAX)
		return false;
	if (n == 1)
		return true;
	for (size_t start = 1; start <= n;) {
		size_t end = start;

		while (end < n && p[end] != '/')
			end++;
		if (end == start || (end - start == 1 && p[start] == '.') ||
		    (end - start == 2 && p[start] == '.' && p[start + 1] == '.'))
			return false;
		start = end + 1;
	}
	return true;
}

/* Component by component: every component of dir begins path's. Both canonical. */
static bool ref_within(const char *path, const char *dir)
{
	if (strcmp(dir, "/") == 0)
		return true;   /* everything is beneath the root */
	while (*dir) {
		size_t d, p;

		if (*path == '\0')
			return false;   /* path ended first: dir is deeper */
		d = strcspn(dir + 1, "/") + 1;
		p = strcspn(path + 1, "/") + 1;
		if (d != p || memcmp(path, dir, d) != 0)
			return false;
		path += p;
		dir += d;
	}
	return true;
}

static bool ref_holding(const char *path)
{
	for (size_t i = 0; i < ll.deny.count; i++) {
		if (ref_within(path, ll.deny.items[i].real))
			return true;
	}
	return false;
}

static bool ref_strictly_below(const char *dir)
{
	for (size_t i = 0; i < ll.deny.count; i++) {
		const char *d = ll.deny.items[i].real;

		if (strcmp(d, dir) != 0 && ref_within(d, dir))
			return true;
	}
	return false;
}

/* Backslash and three octal digits, the first 0-3, make one byte; anything else stays. */
static void ref_unescape(const char *in, char *out)
{
	while (*in) {
		if (in[0] == '\\' && strchr("0123", in[1]) && in[1] && in[2] >= '0' && in[2] <= '7' &&
		    in[3] >= '0' && in[3] <= '7') {
			*out++ = (char)(((in[1] - '0') << 6) | ((in[2] - '0') << 3) | (in[3] - '0'));
			in += 4;
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
}

/* The whole input, for the message when a check fails. */
static const char *input;

static void check_path(const char *p)
{
	const struct spot *d;

	FUZZ_ASSERT(is_plain_absolute(p) == ref_plain(p), input);
	if (!ref_plain(p))
		return;
	d = deny_holding(p);
	FUZZ_ASSERT((d != NULL) == ref_holding(p), input);
	FUZZ_ASSERT(!d || ref_within(p, d->real), input);
	FUZZ_ASSERT(deny_strictly_below(p) == ref_strictly_below(p), input);
	for (size_t i = 0; i < ll.deny.count; i++) {
		const char *deny = ll.deny.items[i].real;

		FUZZ_ASSERT(path_within(p, deny) == ref_within(p, deny), input);
	}
}

/* On success the mount's root and point are the line's fourth and fifth fields: non-empty,
 * shorter than PATH_MAX, free of separators (ASan watches the PATH_MAX buffers). */
static void check_mount_line(void)
{
	char *line = strdup(input), *root = malloc(PATH_MAX), *point = malloc(PATH_MAX);
	unsigned major, minor;

	if (!line || !root || !point)
		abort();
	if (parse_mount_line(line, &major, &minor, root, point)) {
		FUZZ_ASSERT(root[0] && strlen(root) < PATH_MAX && !strpbrk(root, " \n"), input);
		FUZZ_ASSERT(point[0] && strlen(point) < PATH_MAX && !strpbrk(point, " \n"), input);
		FUZZ_ASSERT(strstr(input, root) && strstr(input, point), input);
	}
	free(point);
	free(root);
	free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size), *line, *next, *unescaped, *ours;
	struct spot spots[MAX_DENY] = { { 0 } };
	char *lines[MAX_DENY + 1];
	size_t nlines = 0;

	input = fuzz_string(data, size);
	for (line = text; line && nlines <= MAX_DENY; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lines[nlines++] = line;
	}
	ll.deny.items = spots;
	ll.deny.count = 0;
	for (size_t i = 1; i < nlines; i++) {
		if (ref_plain(lines[i]))
			spots[ll.deny.count++].real = lines[i];
	}
	sort_deny_dirs();
	for (size_t i = 0; i < nlines; i++)
		check_path(lines[i]);
	free(ll.deny_sorted);
	ll.deny_sorted = NULL;
	ll.deny.items = NULL;
	ll.deny.count = 0;

	unescaped = malloc(strlen(lines[0]) + 1);
	ours = strdup(lines[0]);
	if (!unescaped || !ours)
		abort();
	ref_unescape(lines[0], unescaped);
	unescape_octal(ours);
	FUZZ_ASSERT(strcmp(ours, unescaped) == 0, input);
	check_mount_line();
	free(ours);
	free(unescaped);
	free(text);
	free((char *)input);
	return 0;
}
