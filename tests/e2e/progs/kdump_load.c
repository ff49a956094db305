// SPDX-License-Identifier: GPL-2.0
/*
 * Load a crash kernel for kdump with kexec_file_load(2): the kernel reads,
 * checks and places the bzImage and the initramfs itself, and passes the
 * crash kernel where the crashed kernel's memory is (elfcorehdr=), so no
 * kexec-tools are needed.  tests/machine/kdump.sh then crashes the machine
 * with hvx holding VMX, and this crash kernel must boot.
 *
 *   kdump_load BZIMAGE INITRD CMDLINE
 *
 * Exits 0 once the crash kernel is loaded, 1 with the reason otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/kexec.h>

int main(int argc, char **argv)
{
	int kernel_fd, initrd_fd;
	long r;

	if (argc != 4) {
		fprintf(stderr, "usage: kdump_load BZIMAGE INITRD CMDLINE\n");
		return 2;
	}
	kernel_fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (kernel_fd < 0) {
		fprintf(stderr, "kdump_load: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	initrd_fd = open(argv[2], O_RDONLY | O_CLOEXEC);
	if (initrd_fd < 0) {
		fprintf(stderr, "kdump_load: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	/* The command line's length counts its terminating NUL. */
	r = syscall(SYS_kexec_file_load, kernel_fd, initrd_fd,
		    strlen(argv[3]) + 1, argv[3], KEXEC_FILE_ON_CRASH);
	if (r) {
		fprintf(stderr, "kdump_load: kexec_file_load: %s%s\n",
			strerror(errno),
			errno == ENOMEM || errno == EADDRNOTAVAIL ?
			" (is crashkernel= on the command line, and big enough?)" :
			"");
		return 1;
	}
	return 0;
}
