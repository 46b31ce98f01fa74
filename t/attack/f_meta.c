/*
 * t/attack/f_meta.c: change a file's metadata, which Landlock has no right for.
 * Usage: f_meta MODE FILE
 *   show            (outside) one line with everything the other modes could change:
 *                   mode, owner, mtime, ctime (nanoseconds), user.* xattrs, inode flags
 *   prepare         (outside, as the owner) mode 4755 and the xattr user.keep
 *   chmod fchmod fchmodat fchmodat2       mode 0600
 *   chown fchown lchown fchownat          owner to our own uid/gid: no visible owner
 *                                         change, but the kernel clears a setuid bit
 *   setxattr fsetxattr setxattrat         user.sandrun = "x"
 *   removexattr removexattrat             remove user.keep
 *   file_setattr setflags                 add the no-dump flag (file_setattr, chattr)
 *   utimensat futimens utimes utime futimesat   backdate mtime and atime to 1970
 * Every change, if it happens, also moves ctime, which no program can set back.
 */
#include "attack.h"
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <utime.h>

/* Newer than the installed headers (UAPI 6.1); same numbers on x86_64 and aarch64. */
enum { NR_fchmodat2 = 452, NR_setxattrat = 463, NR_removexattrat = 466,
       NR_file_getattr = 468, NR_file_setattr = 469 };
struct xattr_args_v0 { uint64_t value; uint32_t size, flags; };
struct file_attr_v0 { uint64_t xflags; uint32_t extsize, nextents, projid, cowextsize; };
#define XFLAG_NODUMP 0x00000080u   /* FS_XFLAG_NODUMP */

static int show(const char *file)
{
	struct stat st;
	char names[1024];
	ssize_t len = listxattr(file, names, sizeof names);
	int fd = open(file, O_RDONLY | O_CLOEXEC), flags = -1;

	if (stat(file, &st) != 0 || fd < 0)
		return report("stat", -1);
	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) != 0)
		flags = -1;
	printf("mode=%o owner=%u:%u mtime=%lld.%09ld ctime=%lld.%09ld flags=%#x xattrs=",
	       (unsigned)st.st_mode, (unsigned)st.st_uid, (unsigned)st.st_gid,
	       (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (long long)st.st_ctim.tv_sec,
	       st.st_ctim.tv_nsec, (unsigned)flags);
	for (ssize_t i = 0; i < len; i += (ssize_t)strlen(names + i) + 1)
		printf("%s,", names + i);
	printf("\n");
	return 0;
}

static int file_setattr(const char *file)
{
	struct file_attr_v0 fa;

	if (report("file_getattr", syscall(NR_file_getattr, AT_FDCWD, file, &fa, sizeof fa, 0)))
		return 1;
	fa.xflags |= XFLAG_NODUMP;
	return report("file_setattr", syscall(NR_file_setattr, AT_FDCWD, file, &fa, sizeof fa, 0));
}

static int setflags(int fd)
{
	int flags = 0;

	if (report("FS_IOC_GETFLAGS", ioctl(fd, FS_IOC_GETFLAGS, &flags)))
		return 1;
	flags |= FS_NODUMP_FL;
	return report("FS_IOC_SETFLAGS", ioctl(fd, FS_IOC_SETFLAGS, &flags));
}

/* A raw call, so each mode reaches exactly the syscall it names (glibc's chmod, for one,
 * may use fchmodat). Calls this arch lacks (aarch64 has no chmod) print "unsupported". */
#define RAW(name, ...) report(mode, syscall(SYS_##name, __VA_ARGS__))
#define UNSUPPORTED() (printf("%s: unsupported\n", mode), 3)

static int times_1970(const char *mode, const char *file, int fd)
{
	const struct timespec ts[2] = { { 0, 0 }, { 0, 0 } };
	const struct timeval tv[2] = { { 0, 0 }, { 0, 0 } };
	const struct utimbuf ub = { 0, 0 };

	(void)tv;
	(void)ub;
	if (!strcmp(mode, "utimensat")) return RAW(utimensat, AT_FDCWD, file, ts, 0);
	if (!strcmp(mode, "futimens")) return RAW(utimensat, fd, NULL, ts, 0);
#ifdef SYS_utimes
	if (!strcmp(mode, "utimes")) return RAW(utimes, file, tv);
#endif
#ifdef SYS_utime
	if (!strcmp(mode, "utime")) return RAW(utime, file, &ub);
#endif
#ifdef SYS_futimesat
	if (!strcmp(mode, "futimesat")) return RAW(futimesat, AT_FDCWD, file, tv);
#endif
	return UNSUPPORTED();
}

static int owner_or_mode(const char *mode, const char *file, int fd)
{
	uid_t u = getuid();
	gid_t g = getgid();

	if (!strcmp(mode, "fchmod")) return RAW(fchmod, fd, 0600);
	if (!strcmp(mode, "fchmodat")) return RAW(fchmodat, AT_FDCWD, file, 0600);
	if (!strcmp(mode, "fchmodat2")) return report(mode, syscall(NR_fchmodat2, AT_FDCWD, file, 0600, 0));
	if (!strcmp(mode, "fchown")) return RAW(fchown, fd, u, g);
	if (!strcmp(mode, "fchownat")) return RAW(fchownat, AT_FDCWD, file, u, g, 0);
#ifdef SYS_chmod
	if (!strcmp(mode, "chmod")) return RAW(chmod, file, 0600);
	if (!strcmp(mode, "chown")) return RAW(chown, file, u, g);
	if (!strcmp(mode, "lchown")) return RAW(lchown, file, u, g);
#endif
	return times_1970(mode, file, fd);
}

static int change(const char *mode, const char *file, int fd)
{
	struct xattr_args_v0 xa = { (uintptr_t)"x", 1, 0 };

	if (!strcmp(mode, "setxattr")) return RAW(setxattr, file, "user.sandrun", "x", 1, 0);
	if (!strcmp(mode, "fsetxattr")) return RAW(fsetxattr, fd, "user.sandrun", "x", 1, 0);
	if (!strcmp(mode, "setxattrat"))
		return report(mode, syscall(NR_setxattrat, AT_FDCWD, file, 0, "user.sandrun", &xa, sizeof xa));
	if (!strcmp(mode, "removexattr")) return RAW(removexattr, file, "user.keep");
	if (!strcmp(mode, "removexattrat"))
		return report(mode, syscall(NR_removexattrat, AT_FDCWD, file, 0, "user.keep"));
	if (!strcmp(mode, "file_setattr")) return file_setattr(file);
	if (!strcmp(mode, "setflags")) return setflags(fd);
	return owner_or_mode(mode, file, fd);
}

/* Outside, as the file's owner: setuid bit (which chown clears) and user.keep. */
static int prepare(const char *file)
{
	if (report("chmod", chmod(file, 04755)))
		return 1;
	return report("setxattr", setxattr(file, "user.keep", "1", 1, 0));
}

int main(int argc, char **argv)
{
	int fd;

	if (argc != 3)
		return fprintf(stderr, "usage: f_meta MODE FILE\n"), 2;
	if (!strcmp(argv[1], "show"))
		return show(argv[2]);
	if (!strcmp(argv[1], "prepare"))
		return prepare(argv[2]);
	fd = open(argv[2], O_RDONLY | O_CLOEXEC);
	if (report("open", fd))
		return 1;
	return change(argv[1], argv[2], fd);
}
