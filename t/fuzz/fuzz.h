/*
 * t/fuzz/fuzz.h: shared by the libFuzzer harnesses (make fuzz). Each harness #includes
 * the .c file it tests, so it reaches the file's static parsers without changing them;
 * runner.c's main is renamed by the build (-Dmain=sandrun_main), as libFuzzer has its own.
 * A harness checks a parser against a reference written here in another way, and aborts
 * on the first disagreement: libFuzzer then saves the input as a crash.
 */
#ifndef FUZZ_H
#define FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int sandrun_main(int argc, char **argv);   /* runner.c's main, renamed by the build */

/* The input up to its first NUL, as a C string in a block of exactly that size, so
 * AddressSanitizer catches any read past the terminator. */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	size_t len = strnlen((const char *)data, size);
	char *s = malloc(len + 1);

	if (!s)
		abort();
	memcpy(s, data, len);
	s[len] = '\0';
	return s;
}

/* Fails the run with the input printed, escaped, so the report says what was wrong. */
#define FUZZ_ASSERT(cond, s) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: %s failed for input \"", __FILE__, __LINE__, #cond); \
		for (const unsigned char *fuzz_c = (const unsigned char *)(s); *fuzz_c; fuzz_c++) \
			fprintf(stderr, *fuzz_c >= 0x20 && *fuzz_c < 0x7F ? "%c" : "\\x%02x", *fuzz_c); \
		fprintf(stderr, "\"\n"); \
		abort(); \
	} \
} while (0)

/* Reference helper: the value of a run of decimal digits into *out, false when the run
 * is empty or the value exceeds limit. Leading zeros add nothing. */
static inline int fuzz_decimal(const char *digits, size_t len, uint64_t limit, uint64_t *out)
{
	unsigned __int128 v = 0;

	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		v = v * 10 + (unsigned)(digits[i] - '0');
		if (v > limit)
			return 0;
	}
	*out = (uint64_t)v;
	return 1;
}
#endif
