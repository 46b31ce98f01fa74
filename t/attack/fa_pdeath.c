/*
 * t/attack/fa_pdeath.c: clear the death signal sandrun set, so that a SIGKILL of sandrun
 * leaves the program running. Prints the prctl answers and "pid N", then sleeps (60 s at
 * most); the test kills sandrun and watches pid N.
 */
#include "attack.h"
#include <sys/prctl.h>
#include <unistd.h>

int main(void)
{
	int sig = -1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	report("PR_SET_PDEATHSIG 0", prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0));
	report("PR_SET_PDEATHSIG SIGCHLD", prctl(PR_SET_PDEATHSIG, 17, 0, 0, 0));
	if (prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0) == 0)
		printf("deathsig %d\n", sig);
	printf("pid %d\n", (int)getpid());
	sleep(60);
	return 0;
}
