/*
 * caps.c: the program starts with no capability, whatever the caller's uid.
 *
 * Why: ambient capabilities survive execve of an ordinary binary and no_new_privs does
 * not clear them (capabilities(7)). A non-root caller started with AmbientCapabilities=
 * (say CAP_DAC_READ_SEARCH) would hand them to the program, with or without --user (a
 * setresuid between two non-zero uids keeps every set; one from 0 clears permitted,
 * effective and ambient but keeps inheritable).
 *
 * Guarantees, in the child between fork and execve:
 * - caps_drop_bounding(), before the identity change while sandrun's capabilities are
 *   still there: when sandrun holds CAP_SETPCAP (root), every capability is dropped from
 *   the bounding set and read back with PR_CAPBSET_READ. Without CAP_SETPCAP the kernel
 *   refuses PR_CAPBSET_DROP; the bounding set is then left as inherited, and
 *   --version/--print-policy/the report say so (row "caps-bounding"). That set only
 *   limits what an execve could grant, and no_new_privs already makes execve grant
 *   nothing (no setuid bit, no file capability).
 * - caps_clear(), after the identity change: the ambient set is cleared
 *   (PR_CAP_AMBIENT_CLEAR_ALL), then permitted, effective and inheritable are set empty
 *   with capset (dropping needs no privilege), then capget and PR_CAP_AMBIENT_IS_SET read
 *   every set back: anything left is child_fail, exit 125, before PROGRAM runs.
 * Does not:
 * - change securebits (nothing is left for them to keep), or the bounding set of a
 *   sandrun without CAP_SETPCAP (see above).
 */
#include "sandrun.h"

#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The kernel's last capability: PR_CAPBSET_READ fails EINVAL past it. */
static int last_cap(void)
{
	int cap = 0;

	while (prctl(PR_CAPBSET_READ, (unsigned long)cap + 1, 0, 0, 0) >= 0)
		cap++;
	return cap;
}

/* The three sets of this thread, 64 bits each (version 3: two 32-bit words). */
static bool read_caps(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };

	return syscall(SYS_capget, &hdr, data) == 0;
}

bool caps_can_drop_bounding(void)
{
	struct __user_cap_data_struct data[2];

	return read_caps(data) && (data[CAP_SETPCAP / 32].effective & (1u << (CAP_SETPCAP % 32)));
}

void caps_drop_bounding(void)
{
	int last;

	if (!caps_can_drop_bounding())
		return;   /* the kernel would refuse; said in the protections rows */
	last = last_cap();
	for (int cap = 0; cap <= last; cap++) {
		if (prctl(PR_CAPBSET_DROP, (unsigned long)cap, 0, 0, 0) != 0)
			child_fail_sys("prctl(PR_CAPBSET_DROP, %d)", cap);
	}
	for (int cap = 0; cap <= last; cap++) {
		if (prctl(PR_CAPBSET_READ, (unsigned long)cap, 0, 0, 0) != 0)
			child_fail("capability %d is still in the bounding set", cap);
	}
}

void caps_clear(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
	int last = last_cap();

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0)
		child_fail_sys("prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
	if (syscall(SYS_capset, &hdr, data) != 0)
		child_fail_sys("capset (empty sets)");
	if (!read_caps(data))
		child_fail_sys("capget");
	for (int i = 0; i < 2; i++) {
		if (data[i].permitted || data[i].effective || data[i].inheritable)
			child_fail("capabilities remain after capset: permitted %08x effective %08x "
				   "inheritable %08x (word %d)", data[i].permitted, data[i].effective,
				   data[i].inheritable, i);
	}
	for (int cap = 0; cap <= last; cap++) {
		int set = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, (unsigned long)cap, 0, 0);

		if (set != 0)
			child_fail("ambient capability %d remains (prctl: %d)", cap, set);
	}
}

size_t caps_protections(struct protection *out, size_t max)
{
	const struct protection rows[] = {
		{ "capabilities", true, "ambient, permitted, effective, inheritable emptied before exec" },
		{ "caps-bounding", caps_can_drop_bounding(), caps_can_drop_bounding()
			? "bounding set emptied before exec"
			: "left as inherited: sandrun lacks CAP_SETPCAP (no_new_privs still grants nothing)" },
	};
	size_t n = 0;

	for (; n < sizeof rows / sizeof rows[0] && n < max; n++)
		out[n] = rows[n];
	return n;
}
