/*
 * t/attack/fa_dgram.c: reach a datagram socket outside through a socketpair end.
 * Usage: fa_dgram PATH. Tries socketpair(AF_UNIX) of every datagram-like type and, for
 * each end it gets, sendto(PATH) and connect(PATH) + send. Then checks that stream and
 * seqpacket pairs still work ("stream pair: ok"). Exit 1 if any datagram pair was made.
 */
#include "attack.h"
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static const struct { int type; const char *name; } types[] = {
		{ SOCK_DGRAM, "SOCK_DGRAM" }, { SOCK_RAW, "SOCK_RAW" },
		{ SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, "SOCK_DGRAM|NONBLOCK|CLOEXEC" },
	};
	struct sockaddr_un to = { .sun_family = AF_UNIX };
	int sv[2], made = 0;
	char what[96];

	if (argc != 2 || strlen(argv[1]) >= sizeof to.sun_path)
		return fprintf(stderr, "usage: fa_dgram PATH\n"), 2;
	strcpy(to.sun_path, argv[1]);
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		snprintf(what, sizeof what, "socketpair %s", types[i].name);
		if (report(what, socketpair(AF_UNIX, types[i].type, 0, sv)) != 0)
			continue;
		made = 1;
		report("sendto", sendto(sv[0], "escaped", 7, 0, (struct sockaddr *)&to, sizeof to));
		if (report("connect", connect(sv[1], (struct sockaddr *)&to, sizeof to)) == 0)
			report("send", send(sv[1], "escaped", 7, 0));
		close(sv[0]);
		close(sv[1]);
	}
	if (report("stream pair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) == 0 &&
	    write(sv[0], "x", 1) == 1 && read(sv[1], what, 1) == 1)
		printf("stream pair carries data\n");
	report("seqpacket pair", socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	return made;
}
