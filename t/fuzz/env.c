/*
 * t/fuzz/env.c: -E NAME=VALUE, from the check handle_option makes (is_env_assignment) to
 * the child's environment (build_env). The input's first byte picks --clean-env (bit 0);
 * the rest is lines: "+entry" joins sandrun's own environment, any other line is an -E
 * value, kept only if the check accepts it, as on the command line.
 */
#include "runner.c"
#include "fuzz.h"

enum { MAX_LINES = 64 };

static size_t name_length(const char *entry)
{
	const char *eq = strchr(entry, '=');

	return eq ? (size_t)(eq - entry) : strlen(entry);
}

/* The rule, written out: start from the base, then each -E replaces the first entry of
 * its name or is appended. Returns the number of entries in out. */
static size_t reference(char **base, bool clean, const struct strlist *assign, char **out)
{
	size_t n = 0;

	if (clean)
		out[n++] = (char *)clean_path;
	for (size_t i = 0; !clean && base[i]; i++)
		out[n++] = base[i];
	for (size_t i = 0; i < assign->count; i++) {
		const char *a = assign->items[i];
		size_t len = name_length(a), j;

		for (j = 0; j < n; j++) {
			if (name_length(out[j]) == len && memcmp(out[j], a, len) == 0)
				break;
		}
		out[j] = (char *)a;
		n += j == n;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *input, *text, *line, *next, **saved = environ, **env;
	char *base[MAX_LINES + 1] = { 0 }, *want[2 * MAX_LINES + 2] = { 0 };
	const char *items[MAX_LINES];
	struct cli cli = { 0 };
	const struct strlist no_preset = { NULL, 0 };   /* --user's HOME/USER/LOGNAME, -T's TMPDIR */
	size_t nbase = 0, nwant;

	if (size < 1)
		return 0;
	cli.clean_env = data[0] & 1;
	text = fuzz_string(data + 1, size - 1);
	input = fuzz_string(data + 1, size - 1);   /* whole, for messages */
	for (line = text; line && nbase + cli.env.count < MAX_LINES; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (line[0] == '+') {
			base[nbase++] = line + 1;
		} else {
			const char *eq = strchr(line, '=');

			FUZZ_ASSERT(is_env_assignment(line) == (eq && eq > line), input);
			if (is_env_assignment(line))
				items[cli.env.count++] = line;
		}
	}
	cli.env.items = items;
	environ = base;
	env = build_env(&cli, &no_preset);
	environ = saved;
	nwant = reference(base, cli.clean_env, &cli.env, want);
	for (size_t i = 0; i <= nwant; i++)
		FUZZ_ASSERT(env[i] == want[i], input);   /* the same entries, NULL at the end */
	/* Nothing to change: build_env hands back the environment itself, no copy. */
	FUZZ_ASSERT((env == base) == (!cli.clean_env && cli.env.count == 0), input);
	if (env != base)
		free(env);
	free(text);
	free(input);
	return 0;
}
