/*
 * t/attack/f_listen.c: not an attack but the witness outside the sandbox for the network
 * attacks of t/30-filter.t. Usage: f_listen DIR
 * Listens on TCP 127.0.0.1, TCP ::1, UDP 127.0.0.1 (ephemeral ports), the pathname UNIX
 * socket DIR/sock (mode 0777, so only the filter can refuse) and an abstract UNIX socket,
 * then prints "TCP4 TCP6 UDP4 ABSTRACT-NAME" on stdout (TCP6 0 when the host has no
 * IPv6 loopback); the test reads that line from a coprocess. It accepts nothing while the attacks run: a connection
 * that got through waits in the backlog, a datagram in the receive queue. On SIGTERM it
 * drains every socket without blocking and writes one line per arrival to DIR/log
 * ("tcp4", "udp4", "unix", ...), so an empty log means nobody reached it.
 */
#include "attack.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <stddef.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

enum { TCP4, TCP6, UDP4, UNIX_PATH, UNIX_ABSTRACT, NSOCK };
static const char *const names[NSOCK] = { "tcp4", "tcp6", "udp4", "unix", "abstract" };

static _Noreturn void fail(const char *what)
{
	perror(what);
	exit(2);
}

/* Binds fd to addr and returns the port it got (0 for UNIX sockets). */
static int bind_listen(int fd, struct sockaddr *addr, socklen_t len, int type)
{
	if (bind(fd, addr, len) != 0)
		return -1;
	if (type == SOCK_STREAM && listen(fd, 16) != 0)
		fail("listen");
	if (addr->sa_family == AF_UNIX)
		return 0;
	if (getsockname(fd, addr, &len) != 0)
		fail("getsockname");
	return ntohs(addr->sa_family == AF_INET ? ((struct sockaddr_in *)addr)->sin_port
						: ((struct sockaddr_in6 *)addr)->sin6_port);
}

static int open_inet(int family, int type, int *port)
{
	struct sockaddr_in in4 = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	*port = 0;
	if (fd < 0 && family == AF_INET6)
		return -1;   /* no IPv6 on this host: reported as port 0 */
	if (fd < 0)
		fail("socket");
	*port = family == AF_INET ? bind_listen(fd, (struct sockaddr *)&in4, sizeof in4, type)
				  : bind_listen(fd, (struct sockaddr *)&in6, sizeof in6, type);
	if (*port < 0 && family == AF_INET6) {
		close(fd);
		*port = 0;
		return -1;
	}
	if (*port < 0)
		fail("bind");
	return fd;
}

static int open_unix(const char *path, const char *abstract)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	socklen_t len = sizeof un;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		fail("socket(AF_UNIX)");
	if (path) {
		snprintf(un.sun_path, sizeof un.sun_path, "%s", path);
	} else {
		snprintf(un.sun_path + 1, sizeof un.sun_path - 1, "%s", abstract);
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(abstract));
	}
	if (bind_listen(fd, (struct sockaddr *)&un, len, SOCK_STREAM) != 0)
		fail("bind(AF_UNIX)");
	if (path && chmod(path, 0777) != 0)
		fail("chmod");
	return fd;
}

/* One log line per connection or datagram waiting on fd. */
static void drain(int fd, const char *name, FILE *log)
{
	char buf[64];
	int type = 0, c;
	socklen_t len = sizeof type;

	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0)
		fail("getsockopt(SO_TYPE)");
	if (type == SOCK_DGRAM) {
		while (recv(fd, buf, sizeof buf, MSG_DONTWAIT) >= 0)
			fprintf(log, "%s\n", name);
		return;
	}
	while ((c = accept4(fd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		fprintf(log, "%s\n", name);
		close(c);
	}
}

int main(int argc, char **argv)
{
	int fd[NSOCK], port4, port6, portu, sig;
	char path[4096], abstract[64];
	sigset_t term;
	FILE *log;

	if (argc != 2)
		return fprintf(stderr, "usage: f_listen DIR\n"), 2;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &term, NULL) != 0)
		fail("sigprocmask");
	snprintf(path, sizeof path, "%s/sock", argv[1]);
	snprintf(abstract, sizeof abstract, "sandrun-f-listen-%d", (int)getpid());
	fd[TCP4] = open_inet(AF_INET, SOCK_STREAM, &port4);
	fd[TCP6] = open_inet(AF_INET6, SOCK_STREAM, &port6);
	fd[UDP4] = open_inet(AF_INET, SOCK_DGRAM, &portu);
	fd[UNIX_PATH] = open_unix(path, NULL);
	fd[UNIX_ABSTRACT] = open_unix(NULL, abstract);
	printf("%d %d %d %s\n", port4, port6, portu, abstract);
	if (fflush(stdout) != 0)
		fail("stdout");
	if (sigwait(&term, &sig) != 0)
		fail("sigwait");
	snprintf(path, sizeof path, "%s/log", argv[1]);
	if (!(log = fopen(path, "w")))
		fail(path);
	for (int i = 0; i < NSOCK; i++)
		drain(fd[i], names[i], log);
	return fclose(log) == 0 ? 0 : 2;
}
