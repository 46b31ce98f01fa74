/* t/attack/attack.h: shared by the attack programs. Each prints what happened. */
#ifndef ATTACK_H
#define ATTACK_H
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Prints "NAME: ok" or "NAME: ERRNO-NAME" and returns 0 on success, 1 on failure. */
static inline int report(const char *what, long rc)
{
	if (rc >= 0) {
		printf("%s: ok\n", what);
		return 0;
	}
	printf("%s: %s\n", what, strerrorname_np(errno) ? strerrorname_np(errno) : "?");
	return 1;
}
#endif
