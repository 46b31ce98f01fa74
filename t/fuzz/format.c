/*
 * t/fuzz/format.c: runner.c's formatter (out_format), which replaced stdio for every
 * message, --print-policy and the report, against the C library's snprintf. The input
 * builds one conversion at a time from the set sandrun.h promises (flags - and 0, a
 * width, .N or .* precision for s, lengths l, ll and z; d u x o c s and %%) with literal
 * text around it, a value for it, and a buffer size; the text and the returned length
 * must be snprintf's, including when the buffer cuts the text.
 */
#include "runner.c"
#include "fuzz.h"

/* The formats are built at run time on purpose; each call passes the type they name. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

/* Takes the next input byte, or 0 once the input is used up. */
static unsigned take(const uint8_t **data, size_t *size)
{
	if (*size == 0)
		return 0;
	(*size)--;
	return *(*data)++;
}

/* One conversion spec into fmt: "%" flags width precision length type. */
static char build_spec(const uint8_t **data, size_t *size, char *fmt, size_t *at, int *length)
{
	static const char types[] = "duxocs%";
	unsigned flags = take(data, size), width = take(data, size), pick = take(data, size);
	char type = types[pick % (sizeof types - 1)];

	fmt[(*at)++] = '%';
	if (flags & 1)
		fmt[(*at)++] = '-';
	if ((flags & 2) && type != 's' && type != 'c')
		fmt[(*at)++] = '0';
	if (width & 1)
		*at += (size_t)sprintf(fmt + *at, "%u", width % 40);
	if (type == 's' && (flags & 4))
		*at += (size_t)((flags & 8) ? sprintf(fmt + *at, ".*") : sprintf(fmt + *at, ".%u", width / 8));
	*length = (type == 'c' || type == 's' || type == '%') ? 0 : (int)(pick / 8 % 4);
	*at += (size_t)sprintf(fmt + *at, "%s", (const char *[]){ "", "l", "ll", "z" }[*length]);
	fmt[(*at)++] = type;
	fmt[*at] = '\0';
	return type;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char fmt[64], got[96], want[96], text[32];
	uint64_t value = 0;
	size_t at = 0, cap = take(&data, &size) % sizeof got + 1;
	int length, prec = (int)take(&data, &size) % 40 - 8;
	char type;

	fmt[at++] = 'a';   /* literal text on both sides of the conversion */
	type = build_spec(&data, &size, fmt, &at, &length);
	at += (size_t)sprintf(fmt + at, "z");
	for (int i = 0; i < 8; i++)
		value = value << 8 | take(&data, &size);
	snprintf(text, sizeof text, "%.*s", (int)(size < 31 ? size : 31), (const char *)data);
	size_t n_got = 0;
	int n_want = 0;

	if (type == 's' && strstr(fmt, ".*")) {
		n_got = out_format(got, cap, fmt, prec, text);
		n_want = snprintf(want, cap, fmt, prec, text);
	} else if (type == 's') {
		n_got = out_format(got, cap, fmt, text);
		n_want = snprintf(want, cap, fmt, text);
	} else if (type == 'c') {
		n_got = out_format(got, cap, fmt, (int)(unsigned char)value);
		n_want = snprintf(want, cap, fmt, (int)(unsigned char)value);
	} else if (type == '%') {
		n_got = out_format(got, cap, "a%%z");
		n_want = snprintf(want, cap, "a%%z");
	} else if (length == 0) {
		n_got = out_format(got, cap, fmt, (unsigned)value);
		n_want = snprintf(want, cap, fmt, (unsigned)value);
	} else if (length == 1) {
		n_got = out_format(got, cap, fmt, (unsigned long)value);
		n_want = snprintf(want, cap, fmt, (unsigned long)value);
	} else if (length == 2) {
		n_got = out_format(got, cap, fmt, (unsigned long long)value);
		n_want = snprintf(want, cap, fmt, (unsigned long long)value);
	} else {
		n_got = out_format(got, cap, fmt, (size_t)value);
		n_want = snprintf(want, cap, fmt, (size_t)value);
	}
	FUZZ_ASSERT(n_want >= 0 && n_got == (size_t)n_want, fmt);
	FUZZ_ASSERT(strcmp(got, want) == 0, fmt);
	return 0;
}
