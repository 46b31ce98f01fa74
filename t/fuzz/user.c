/* t/fuzz/user.c: parse_user (-u UID[:GID]), against a reference that splits at the colon. */
#include "runner.c"
#include "fuzz.h"

/* Non-zero ids up to 2^32 - 2 ((uid_t)-1 means "unchanged" to setresuid); GID = UID if absent. */
static bool reference(const char *s, uid_t *uid, gid_t *gid)
{
	const uint64_t max = 0xFFFFFFFEu;
	size_t ulen = strspn(s, "0123456789"), glen;
	uint64_t u, g;

	if (!fuzz_decimal(s, ulen, max, &u))
		return false;
	g = u;
	if (s[ulen] == ':') {
		glen = strspn(s + ulen + 1, "0123456789");
		if (!fuzz_decimal(s + ulen + 1, glen, max, &g) || s[ulen + 1 + glen] != '\0')
			return false;
	} else if (s[ulen] != '\0') {
		return false;
	}
	if (u == 0 || g == 0)
		return false;
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	uid_t got_u = 0, want_u = 0;
	gid_t got_g = 0, want_g = 0;
	bool ok = parse_user(s, &got_u, &got_g);

	FUZZ_ASSERT(ok == reference(s, &want_u, &want_g), s);
	if (ok) {
		FUZZ_ASSERT(got_u == want_u && got_g == want_g, s);
		FUZZ_ASSERT(got_u != 0 && got_g != 0 && got_u != (uid_t)-1 && got_g != (gid_t)-1, s);
	}
	free(s);
	return 0;
}
