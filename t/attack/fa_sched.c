/*
 * t/attack/fa_sched.c: starve the supervisor. Every call that sets the scheduling of
 * another process is aimed at sandrun (getppid(): the program is sandrun's direct child),
 * its process group, or the whole uid. Prints "CALL: ok" or "CALL: ERRNO" per call, then
 * "done", then waits to be killed so the test can look at sandrun from outside.
 */
#include "attack.h"
#include <linux/ioprio.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <stdint.h>
#include <unistd.h>

/* struct sched_attr of sched_setattr(2), version 0 (48 bytes); <linux/sched/types.h>
 * clashes with glibc's struct sched_param. */
struct attr0 {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
};

int main(void)
{
	pid_t sandrun = getppid(), group = getpgid(getppid());
	struct sched_param param = { .sched_priority = 0 };
	struct attr0 attr = { .size = sizeof attr, .sched_policy = SCHED_IDLE };
	struct rlimit cpu = { 1, 1 };
	cpu_set_t one;
	unsigned long nodes = 1;
	int idle = IOPRIO_PRIO_VALUE(IOPRIO_CLASS_IDLE, 0);

	CPU_ZERO(&one);
	CPU_SET(0, &one);
	setvbuf(stdout, NULL, _IOLBF, 0);
	report("sched_setscheduler", sched_setscheduler(sandrun, SCHED_IDLE, &param));
	report("sched_setparam", sched_setparam(sandrun, &param));
	report("sched_setattr", syscall(SYS_sched_setattr, sandrun, &attr, 0));
	report("sched_setaffinity", sched_setaffinity(sandrun, sizeof one, &one));
	report("setpriority PRIO_PROCESS", setpriority(PRIO_PROCESS, (id_t)sandrun, 19));
	report("setpriority PRIO_PGRP", setpriority(PRIO_PGRP, (id_t)group, 19));
	report("setpriority PRIO_USER", setpriority(PRIO_USER, getuid(), 19));
	report("ioprio_set PROCESS", syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, sandrun, idle));
	report("ioprio_set PGRP", syscall(SYS_ioprio_set, IOPRIO_WHO_PGRP, group, idle));
	report("ioprio_set USER", syscall(SYS_ioprio_set, IOPRIO_WHO_USER, getuid(), idle));
	report("prlimit64", prlimit(sandrun, RLIMIT_CPU, &cpu, NULL));
	report("migrate_pages", syscall(SYS_migrate_pages, sandrun, 8 * sizeof nodes, &nodes, &nodes));
	report("move_pages", syscall(SYS_move_pages, sandrun, 0, NULL, NULL, NULL, 0));
	printf("done\n");
	for (;;)
		pause();
}
