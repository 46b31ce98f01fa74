/* t/fuzz/size.c: parse_size (-m, --data, -f), against a reference in 128-bit arithmetic. */
#include "runner.c"
#include "fuzz.h"

/* Positive digits, then at most one of K k M m G g (powers of 1024), within 64 bits. */
static bool reference(const char *s, uint64_t *bytes)
{
	size_t len = strspn(s, "0123456789");
	const char *suffix = s + len;
	const char *at = *suffix ? strchr("KkMmGg", *suffix) : NULL;
	unsigned shift = at ? 10u * (unsigned)(1 + (at - "KkMmGg") / 2) : 0;
	uint64_t n;

	if (!fuzz_decimal(s, len, UINT64_MAX, &n) || n == 0)
		return false;
	if (*suffix != '\0' && (!at || suffix[1] != '\0'))
		return false;
	if (((unsigned __int128)n << shift) > UINT64_MAX)
		return false;
	*bytes = n << shift;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	uint64_t got = 0, want = 0;
	bool ok = parse_size(s, &got);

	FUZZ_ASSERT(ok == reference(s, &want), s);
	if (ok)
		FUZZ_ASSERT(got == want && got > 0, s);
	free(s);
	return 0;
}
