/*
 * t/attack/ll_sock.c: reach a TCP port or an abstract unix socket outside the sandbox.
 *
 * The socket is created OUTSIDE and handed in as stdin, so the attempt does not depend
 * on whether the seccomp filter lets socket() through: only Landlock decides (TCP at
 * ABI 4, abstract unix sockets at ABI 6). The outer half judges from outside.
 *
 *   ll_sock outer KIND COMMAND...   KIND: tcp-connect, tcp-bind or abstract-connect.
 *       Makes the listener and an unconnected socket, runs COMMAND with that socket as
 *       stdin (an argument "ADDR" is replaced by the port or the abstract name), waits,
 *       then prints "peer: connected" / "peer: none" (connect) or "peer: bound" /
 *       "peer: unbound" (bind), and exits 0.
 *   ll_sock connect-tcp PORT | bind-tcp | connect-abstract NAME: the inner attempt on fd 0.
 */
#include "attack.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void fail(const char *what)
{
	perror(what);
	exit(2);
}

static struct sockaddr_in loopback(unsigned short port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

/* An abstract address: a leading NUL, then the name, no terminator counted. */
static socklen_t abstract_addr(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	strncpy(a->sun_path + 1, name, sizeof a->sun_path - 2);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(a->sun_path + 1));
}

static int inner(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "connect-tcp") == 0) {
		struct sockaddr_in a = loopback((unsigned short)atoi(argv[2]));

		return report("connect-tcp", connect(0, (struct sockaddr *)&a, sizeof a));
	}
	if (argc == 2 && strcmp(argv[1], "bind-tcp") == 0) {
		struct sockaddr_in a = loopback(0);

		return report("bind-tcp", bind(0, (struct sockaddr *)&a, sizeof a));
	}
	if (argc == 3 && strcmp(argv[1], "connect-abstract") == 0) {
		struct sockaddr_un a;
		socklen_t len = abstract_addr(&a, argv[2]);

		return report("connect-abstract", connect(0, (struct sockaddr *)&a, len));
	}
	fprintf(stderr, "ll_sock: bad arguments\n");
	return 2;
}

/* Makes the listener (if any) and the socket to hand in; *addr gets the port or name. */
static int setup(const char *kind, int *listener, char *addr, size_t addr_size)
{
	bool tcp = strncmp(kind, "tcp-", 4) == 0;
	int s = socket(tcp ? AF_INET : AF_UNIX, SOCK_STREAM, 0);

	*listener = socket(tcp ? AF_INET : AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (s < 0 || *listener < 0)
		fail("socket");
	if (tcp) {
		struct sockaddr_in a = loopback(0);
		socklen_t len = sizeof a;

		if (bind(*listener, (struct sockaddr *)&a, len) || getsockname(*listener, (struct sockaddr *)&a, &len))
			fail("bind listener");
		snprintf(addr, addr_size, "%u", ntohs(a.sin_port));
	} else {
		struct sockaddr_un a;

		snprintf(addr, addr_size, "sandrun-ll-sock-%d", (int)getpid());
		if (bind(*listener, (struct sockaddr *)&a, abstract_addr(&a, addr)))
			fail("bind abstract listener");
	}
	if (listen(*listener, 4))
		fail("listen");
	return s;
}

static int outer(int argc, char **argv)
{
	char addr[64];
	int listener, status, s = setup(argv[2], &listener, addr, sizeof addr);
	struct pollfd p = { .fd = listener, .events = POLLIN };
	pid_t pid;

	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "ADDR") == 0)
			argv[i] = addr;
	}
	pid = fork();
	if (pid < 0)
		fail("fork");
	if (pid == 0) {
		if (dup2(s, 0) != 0)
			fail("dup2");
		execvp(argv[3], argv + 3);
		fail("execvp");
	}
	if (waitpid(pid, &status, 0) != pid)
		fail("waitpid");
	printf("command status: %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	if (strcmp(argv[2], "tcp-bind") == 0) {
		struct sockaddr_in a;
		socklen_t len = sizeof a;

		if (getsockname(s, (struct sockaddr *)&a, &len))
			fail("getsockname");
		printf("peer: %s\n", a.sin_port ? "bound" : "unbound");
		return 0;
	}
	/* A connection that was made sits in the backlog; allow the loopback a moment. */
	printf("peer: %s\n", poll(&p, 1, 1000) == 1 ? "connected" : "none");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "outer") == 0)
		return outer(argc, argv);
	return inner(argc, argv);
}
