/* t/fuzz/seconds.c: parse_seconds_ms (-t), against a reference that splits at the dot. */
#include "runner.c"
#include "fuzz.h"

/* Digits, then optionally a dot and at least one digit; at most a year; ms rounded up. */
static bool reference(const char *s, uint64_t *ms)
{
	size_t int_len = strspn(s, "0123456789");
	const char *frac = s + int_len;
	size_t frac_len = 0;
	uint64_t sec, part = 0;

	if (!fuzz_decimal(s, int_len, 365u * 24u * 3600u, &sec))
		return false;
	if (*frac == '.') {
		frac++;
		frac_len = strspn(frac, "0123456789");
		if (frac_len == 0)
			return false;
		for (size_t i = 0; i < 3; i++)
			part = part * 10 + (i < frac_len ? (uint64_t)(frac[i] - '0') : 0);
		/* Any non-zero digit past the milliseconds rounds up. */
		if (frac_len > 3 && strspn(frac + 3, "0") < frac_len - 3)
			part++;
	}
	if (frac[frac_len] != '\0')
		return false;
	*ms = sec * 1000 + part;
	return *ms > 0 && *ms <= 365ull * 24 * 3600 * 1000;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	uint64_t got = 0, want = 0;
	bool ok = parse_seconds_ms(s, &got);

	FUZZ_ASSERT(ok == reference(s, &want), s);
	if (ok) {
		FUZZ_ASSERT(got == want, s);
		FUZZ_ASSERT(got > 0 && got <= 365ull * 24 * 3600 * 1000, s);
	}
	free(s);
	return 0;
}
