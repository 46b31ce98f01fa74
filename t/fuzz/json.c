/*
 * t/fuzz/json.c: runner_json_string, the report's only way to write text it did not
 * choose (program names, paths, messages). Arbitrary bytes in; out must come one valid
 * JSON string (RFC 8259), valid UTF-8, that decodes to the input with each byte that
 * does not start a valid UTF-8 sequence replaced by U+FFFD, so valid UTF-8 round-trips.
 * The decoder and the UTF-8 check below follow the RFC and the Unicode table of
 * well-formed sequences, not runner.c's code.
 */
#include "runner.c"
#include "fuzz.h"

/* Length of the well-formed UTF-8 sequence at s (n bytes left), 0 if none (Unicode
 * Table 3-7: the second byte's range depends on the first). */
static size_t well_formed(const unsigned char *s, size_t n)
{
	static const struct { unsigned char lo, hi, lo2, hi2; size_t len; } rows[] = {
		{ 0x00, 0x7F, 0, 0, 1 },       { 0xC2, 0xDF, 0x80, 0xBF, 2 },
		{ 0xE0, 0xE0, 0xA0, 0xBF, 3 }, { 0xE1, 0xEC, 0x80, 0xBF, 3 },
		{ 0xED, 0xED, 0x80, 0x9F, 3 }, { 0xEE, 0xEF, 0x80, 0xBF, 3 },
		{ 0xF0, 0xF0, 0x90, 0xBF, 4 }, { 0xF1, 0xF3, 0x80, 0xBF, 4 },
		{ 0xF4, 0xF4, 0x80, 0x8F, 4 },
	};

	for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		if (s[0] < rows[r].lo || s[0] > rows[r].hi)
			continue;
		if (rows[r].len > n)
			return 0;
		if (rows[r].len > 1 && (s[1] < rows[r].lo2 || s[1] > rows[r].hi2))
			return 0;
		for (size_t i = 2; i < rows[r].len; i++) {
			if (s[i] < 0x80 || s[i] > 0xBF)
				return 0;
		}
		return rows[r].len;
	}
	return 0;
}

static size_t put_utf8(unsigned char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xC0 | cp >> 6);
		out[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xE0 | cp >> 12);
		out[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (unsigned char)(0xF0 | cp >> 18);
	out[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Four hex digits at s into *v; false if they are not all there. */
static bool hex4(const unsigned char *s, size_t n, uint32_t *v)
{
	*v = 0;
	if (n < 4)
		return false;
	for (size_t i = 0; i < 4; i++) {
		const char *digits = "0123456789abcdef0123456789ABCDEF";
		const char *at = s[i] ? strchr(digits, s[i]) : NULL;

		if (!at)
			return false;
		*v = *v * 16 + (uint32_t)((at - digits) % 16);
	}
	return true;
}

/* One \u escape (two for a surrogate pair) at s, after the backslash-u: its code point. */
static size_t decode_u(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t lo;

	if (!hex4(s, n, cp))
		return 0;
	if (*cp >= 0xDC00 && *cp <= 0xDFFF)
		return 0;   /* a low surrogate alone */
	if (*cp < 0xD800 || *cp > 0xDBFF)
		return 4;
	if (n < 10 || s[4] != '\\' || s[5] != 'u' || !hex4(s + 6, n - 6, &lo) ||
	    lo < 0xDC00 || lo > 0xDFFF)
		return 0;   /* a high surrogate without its low half */
	*cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
	return 10;
}

/* Decodes the JSON string literal json[0..n) into out; returns its length, or -1 if
 * json is not exactly one valid string literal. */
static long decode(const unsigned char *json, size_t n, unsigned char *out)
{
	static const char simple[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
	size_t i = 1, len = 0;

	if (n < 2 || json[0] != '"')
		return -1;
	while (i < n - 1) {
		size_t w;

		if (json[i] == '"' || json[i] < 0x20)
			return -1;   /* an unescaped quote before the end, or a control byte */
		if (json[i] != '\\') {
			w = well_formed(json + i, n - 1 - i);
			if (w == 0)
				return -1;
			memcpy(out + len, json + i, w);
			len += w;
			i += w;
			continue;
		}
		if (++i >= n - 1)
			return -1;
		if (json[i] == 'u') {
			uint32_t cp;

			w = decode_u(json + i + 1, n - 1 - (i + 1), &cp);
			if (w == 0)
				return -1;
			len += put_utf8(out + len, cp);
			i += 1 + w;
			continue;
		}
		for (w = 0; simple[w] && simple[w] != (char)json[i]; w += 2)
			;
		if (!simple[w])
			return -1;
		out[len++] = (unsigned char)simple[w + 1];
		i++;
	}
	return json[n - 1] == '"' && i == n - 1 ? (long)len : -1;
}

/* The input as the report should carry it: each byte that starts no well-formed
 * sequence becomes U+FFFD (EF BF BD). */
static size_t expected(const unsigned char *s, size_t n, unsigned char *out)
{
	size_t len = 0;

	for (size_t i = 0; i < n;) {
		size_t w = well_formed(s + i, n - i);

		if (w == 0) {
			len += put_utf8(out + len, 0xFFFD);
			i++;
		} else {
			memcpy(out + len, s + i, w);
			len += w;
			i += w;
		}
	}
	return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	size_t n = strlen(s), want_len, json_len;
	/* At most 6 bytes out per byte in (\u001f), the quotes and the NUL: never cut. */
	char *json = malloc(6 * n + 3);
	struct out f = { .fd = -1, .buf = json, .size = 6 * n + 3 };
	unsigned char *got, *want;
	long got_len;

	if (!json)
		abort();
	runner_json_string(&f, s);
	json_len = f.len;
	FUZZ_ASSERT(json_len < f.size && strlen(json) == json_len, s);
	got = malloc(json_len + 1);
	want = malloc(3 * n + 1);
	if (!got || !want)
		abort();
	got_len = decode((const unsigned char *)json, json_len, got);
	FUZZ_ASSERT(got_len >= 0, s);   /* one valid JSON string, valid UTF-8 */
	want_len = expected((const unsigned char *)s, n, want);
	FUZZ_ASSERT((size_t)got_len == want_len && memcmp(got, want, want_len) == 0, s);
	free(got);
	free(want);
	free(json);
	free(s);
	return 0;
}
