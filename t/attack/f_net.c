/*
 * t/attack/f_net.c: reach the network or a UNIX socket outside the sandbox.
 * Usage: f_net MODE [TARGET]
 *   tcp4 PORT, tcp6 PORT    socket() then connect() to the loopback listener
 *   udp4 PORT               socket() then sendto() one datagram
 *   tcp4-high PORT          socket(AF_INET | 1 << 32): the kernel reads only the low word
 *   netlink, packet         socket(AF_NETLINK), socket(AF_PACKET)
 *   unix PATH, abstract NAME  connect to a pathname or abstract UNIX socket
 *   socketpair              socketpair(AF_UNIX) and one byte through it (must work)
 * Prints each step; exits 0 only when the last step succeeded.
 */
#include "attack.h"
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static int inet(int family, int type, long domain_word, const char *port_text)
{
	struct sockaddr_in in4 = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr *addr = family == AF_INET ? (struct sockaddr *)&in4 : (struct sockaddr *)&in6;
	socklen_t len = family == AF_INET ? sizeof in4 : sizeof in6;
	uint16_t port = htons((uint16_t)atoi(port_text));
	int fd = (int)syscall(SYS_socket, domain_word, type, 0);

	in4.sin_port = in6.sin6_port = port;
	if (report("socket", fd))
		return 1;
	if (type == SOCK_DGRAM)
		return report("sendto", sendto(fd, "x", 1, 0, addr, len));
	return report("connect", connect(fd, addr, len));
}

static int unix_connect(const char *target, int abstract)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	socklen_t len = sizeof un;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (report("socket", fd))
		return 1;
	if (abstract) {
		snprintf(un.sun_path + 1, sizeof un.sun_path - 1, "%s", target);
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(target));
	} else {
		snprintf(un.sun_path, sizeof un.sun_path, "%s", target);
	}
	return report("connect", connect(fd, (struct sockaddr *)&un, len));
}

static int pair(void)
{
	int sv[2];
	char c = 0;

	if (report("socketpair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv)))
		return 1;
	if (write(sv[0], "p", 1) != 1 || read(sv[1], &c, 1) != 1 || c != 'p')
		return report("transfer", -1);
	return report("transfer", 0);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "", *target = argc > 2 ? argv[2] : "";

	if (!strcmp(mode, "tcp4"))
		return inet(AF_INET, SOCK_STREAM, AF_INET, target);
	if (!strcmp(mode, "tcp4-high"))
		return inet(AF_INET, SOCK_STREAM, AF_INET | (1L << 32), target);
	if (!strcmp(mode, "tcp6"))
		return inet(AF_INET6, SOCK_STREAM, AF_INET6, target);
	if (!strcmp(mode, "udp4"))
		return inet(AF_INET, SOCK_DGRAM, AF_INET, target);
	if (!strcmp(mode, "netlink"))
		return report("socket", socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE));
	if (!strcmp(mode, "packet"))
		return report("socket", socket(AF_PACKET, SOCK_DGRAM, 0));
	if (!strcmp(mode, "unix") || !strcmp(mode, "abstract"))
		return unix_connect(target, !strcmp(mode, "abstract"));
	if (!strcmp(mode, "socketpair"))
		return pair();
	fprintf(stderr, "f_net: unknown mode '%s'\n", mode);
	return 2;
}
