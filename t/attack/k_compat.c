/*
 * t/attack/k_compat.c: writes FILE, a 32-bit arm (EABI5) ELF of 92 bytes, hand-assembled,
 * so that the aarch64 guest of make check-kernels can reach the kernel through the compat
 * ABI without an arm cross compiler. The program calls getpid (arm number 20, allowed
 * under the filter) through "svc 0", then prints "compat: ran" and exits 0. Under
 * sandrun's filter the first call, arch AUDIT_ARCH_ARM, must kill it (SIGSYS, exit 159)
 * before it prints; outside it runs, where the kernel and CPU offer 32-bit EL0 at all.
 * Usage: k_compat FILE
 */
#include "attack.h"
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

static void put16(unsigned char *p, uint16_t v) { p[0] = v & 0xff; p[1] = v >> 8; }
static void put32(unsigned char *p, uint32_t v) { put16(p, v & 0xffff); put16(p + 2, v >> 16); }

int main(int argc, char **argv)
{
	static const uint32_t code[] = {
		0xe3a07014, /* mov r7, #20     getpid */
		0xef000000, /* svc 0 */
		0xe3a00001, /* mov r0, #1 */
		0xe28f1014, /* add r1, pc, #20 -> msg */
		0xe3a0200c, /* mov r2, #12 */
		0xe3a07004, /* mov r7, #4      write */
		0xef000000, /* svc 0 */
		0xe3a00000, /* mov r0, #0 */
		0xe3a07001, /* mov r7, #1      exit */
		0xef000000, /* svc 0 */
	};
	static const char msg[12] = "compat: ran\n";
	unsigned char img[52 + 32 + sizeof code + sizeof msg];
	const uint32_t base = 0x10000, entry = base + 52 + 32;

	if (argc != 2) {
		fprintf(stderr, "usage: k_compat FILE\n");
		return 2;
	}
	memset(img, 0, sizeof img);
	memcpy(img, "\177ELF\1\1\1", 7);      /* ELFCLASS32, little-endian, version 1 */
	put16(img + 16, 2);                    /* ET_EXEC */
	put16(img + 18, 40);                   /* EM_ARM */
	put32(img + 20, 1);
	put32(img + 24, entry);
	put32(img + 28, 52);                   /* e_phoff */
	put32(img + 36, 0x05000000);           /* EF_ARM_EABI_VER5 */
	put16(img + 40, 52);                   /* e_ehsize */
	put16(img + 42, 32);                   /* e_phentsize */
	put16(img + 44, 1);                    /* e_phnum */
	put16(img + 46, 40);                   /* e_shentsize */
	unsigned char *ph = img + 52;
	put32(ph, 1);                          /* PT_LOAD */
	put32(ph + 4, 0);
	put32(ph + 8, base);
	put32(ph + 12, base);
	put32(ph + 16, sizeof img);
	put32(ph + 20, sizeof img);
	put32(ph + 24, 5);                     /* PF_R | PF_X */
	put32(ph + 28, 0x1000);
	for (size_t i = 0; i < sizeof code / sizeof code[0]; i++)
		put32(img + 84 + 4 * i, code[i]);
	memcpy(img + 84 + sizeof code, msg, sizeof msg);

	int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (fd < 0 || write(fd, img, sizeof img) != (ssize_t)sizeof img || close(fd) != 0) {
		report("write", -1);
		return 1;
	}
	return 0;
}
