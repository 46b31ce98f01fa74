/* t/fuzz/count.c: parse_count (-c, -p, -n), for the limits runner.c passes and for any
 * other, against the reference decimal reader. The first 8 input bytes choose the limit. */
#include "runner.c"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t used[] = { 365u * 24u * 3600u, 1u << 22, 1u << 30 };
	uint64_t max, got = 0, want = 0;
	char *s;
	bool ok, ref;

	if (size < sizeof max)
		return 0;
	memcpy(&max, data, sizeof max);
	/* Mostly the limits in use, sometimes any: the helper's contract holds for all. */
	if (max % 4 != 3)
		max = used[max % 4 % 3];
	s = fuzz_string(data + sizeof max, size - sizeof max);
	ok = parse_count(s, max, &got);
	ref = s[strspn(s, "0123456789")] == '\0' &&
	      fuzz_decimal(s, strlen(s), max, &want) && want > 0;
	FUZZ_ASSERT(ok == ref, s);
	if (ok)
		FUZZ_ASSERT(got == want && got <= max, s);
	free(s);
	return 0;
}
