/*
 * t/attack/sv_tty.c: leaves the terminal on stdin raw and resized, for sandrun to restore.
 * Usage: sv_tty exit|hang MARK
 * Puts fd 0 in raw mode (cfmakeraw, TCSANOW) and sets its window size to 7x13, reads both
 * back and prints "raw: ok" / "winsize: ok" (or the errno), then "ready"; exit: returns 0,
 * hang: waits for ever (the test then ends the run by -t or by SIGTERM to sandrun).
 */
#include "attack.h"
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct termios t, back;
	struct winsize ws = { .ws_row = 7, .ws_col = 13 }, ws_back;

	if (argc != 3)
		return fprintf(stderr, "usage: sv_tty exit|hang MARK\n"), 2;
	setvbuf(stdout, NULL, _IONBF, 0);
	if (tcgetattr(0, &t) != 0)
		return report("tcgetattr", -1), 1;
	cfmakeraw(&t);
	if (report("raw set", tcsetattr(0, TCSANOW, &t)) == 0 && tcgetattr(0, &back) == 0)
		puts(back.c_lflag & ICANON ? "raw: not applied" : "raw: ok");
	if (report("winsize set", ioctl(0, TIOCSWINSZ, &ws)) == 0 && ioctl(0, TIOCGWINSZ, &ws_back) == 0)
		puts(ws_back.ws_row == 7 && ws_back.ws_col == 13 ? "winsize: ok" : "winsize: not applied");
	puts("ready");
	if (strcmp(argv[1], "hang") == 0)
		for (;;)
			pause();
	return 0;
}
