/*
 * t/attack/tcp_port.c: TCP (and other socket) attempts for the port rules, and the
 * outside listener that judges them.
 * Inside:  tcp_port connect PORT | bind PORT | fastopen PORT | udp | mptcp | sctp |
 *          raw | unixdgram | unixstream
 *   each prints "OP: ok" or "OP: ERRNO" (bind 0 also "bound port N"); exit 0 on success.
 * Outside: tcp_port listen READY LOG   binds 127.0.0.1:0, writes its port to READY, then
 *          appends "accepted DATA" to LOG per connection; on SIGTERM it takes what
 *          is still queued and exits.
 *          tcp_port freeport            prints a port that was free a moment ago.
 */
#include "attack.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static const char marker[] = "hello-from-the-run";

static struct sockaddr_in loopback(const char *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static int tcp_socket(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		report("socket", -1), exit(1);
	return fd;
}

static int do_connect(const char *port)
{
	struct sockaddr_in a = loopback(port);
	int fd = tcp_socket();
	long rc = connect(fd, (struct sockaddr *)&a, sizeof a);

	if (rc == 0 && write(fd, marker, sizeof marker - 1) < 0)
		rc = -1;
	return report("connect", rc);
}

static int do_fastopen(const char *port)
{
	struct sockaddr_in a = loopback(port);
	int fd = tcp_socket();

	return report("fastopen", sendto(fd, marker, sizeof marker - 1, MSG_FASTOPEN,
					 (struct sockaddr *)&a, sizeof a));
}

static int do_bind(const char *port)
{
	struct sockaddr_in a = loopback(port);
	socklen_t len = sizeof a;
	int fd = tcp_socket();
	int rc = report("bind", bind(fd, (struct sockaddr *)&a, sizeof a));

	if (rc == 0 && getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		printf("bound port %d\n", ntohs(a.sin_port));
	return rc;
}

static volatile sig_atomic_t stop;
static void on_term(int sig) { (void)sig; stop = 1; }

static void take(int lfd, int log)
{
	char buf[256] = "accepted ";
	int c = accept(lfd, NULL, NULL);
	ssize_t n;

	if (c < 0)
		return;
	n = read(c, buf + 9, sizeof buf - 11);
	n = n < 0 ? 9 : n + 9;
	buf[n++] = '\n';
	if (write(log, buf, (size_t)n) < 0)
		exit(2);
	close(c);
}

static int do_listen(const char *ready, const char *logpath)
{
	struct sockaddr_in a = loopback("0");
	socklen_t len = sizeof a;
	int lfd = tcp_socket(), log = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0644), rfd;
	struct sigaction sa = { .sa_handler = on_term };
	char text[16];

	if (log < 0 || bind(lfd, (struct sockaddr *)&a, sizeof a) || listen(lfd, 16) ||
	    getsockname(lfd, (struct sockaddr *)&a, &len) || sigaction(SIGTERM, &sa, NULL))
		return report("listen", -1);
	rfd = open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (rfd < 0 || write(rfd, text, (size_t)snprintf(text, sizeof text, "%d\n",
			    ntohs(a.sin_port))) < 0 || close(rfd))
		return report("ready", -1);
	while (!stop) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };

		if (poll(&p, 1, -1) > 0)
			take(lfd, log);
	}
	fcntl(lfd, F_SETFL, O_NONBLOCK);   /* what the backlog still holds, then out */
	for (int i = 0; i < 64; i++)
		take(lfd, log);
	return 0;
}

static int freeport(void)
{
	struct sockaddr_in a = loopback("0");
	socklen_t len = sizeof a;
	int fd = tcp_socket();

	if (bind(fd, (struct sockaddr *)&a, sizeof a) || getsockname(fd, (struct sockaddr *)&a, &len))
		return report("freeport", -1);
	printf("%d\n", ntohs(a.sin_port));
	return 0;
}

int main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 2 && strcmp(op, "connect") == 0)
		return do_connect(argv[2]);
	if (argc > 2 && strcmp(op, "fastopen") == 0)
		return do_fastopen(argv[2]);
	if (argc > 2 && strcmp(op, "bind") == 0)
		return do_bind(argv[2]);
	if (argc > 3 && strcmp(op, "listen") == 0)
		return do_listen(argv[2], argv[3]);
	if (strcmp(op, "freeport") == 0)
		return freeport();
	if (strcmp(op, "udp") == 0)
		return report("udp", socket(AF_INET, SOCK_DGRAM, 0));
	if (strcmp(op, "udp6") == 0)
		return report("udp6", socket(AF_INET6, SOCK_DGRAM, 0));
	if (strcmp(op, "mptcp") == 0)
		return report("mptcp", socket(AF_INET, SOCK_STREAM, 262));   /* IPPROTO_MPTCP */
	if (strcmp(op, "sctp") == 0)
		return report("sctp", socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP));
	if (strcmp(op, "raw") == 0)
		return report("raw", socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
	if (strcmp(op, "netlink") == 0)
		return report("netlink", socket(AF_NETLINK, SOCK_RAW, 0));
	if (strcmp(op, "unixdgram") == 0)
		return report("unixdgram", socket(AF_UNIX, SOCK_DGRAM, 0));
	if (strcmp(op, "unixstream") == 0)
		return report("unixstream", socket(AF_UNIX, SOCK_STREAM, 0));
	fprintf(stderr, "usage: tcp_port connect|bind|fastopen PORT | listen READY LOG | freeport | udp | ...\n");
	return 2;
}
