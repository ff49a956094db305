// SPDX-License-Identifier: GPL-2.0
/*
 * getpids N: make N getpid() system calls, each a real one (syscall(2),
 * not a libc that might cache the answer), then say so on one line.  The
 * Linux guest's known count of system calls for `vmctl trace --syscalls`
 * (tests/e2e/94-linux.sh); build.sh puts it in the initramfs's /bin.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc == 2 ? strtol(argv[1], NULL, 0) : -1, i;
	long pid = 0;

	if (n < 0) {
		fprintf(stderr, "usage: getpids N\n");
		return 2;
	}
	for (i = 0; i < n; i++)
		pid = syscall(SYS_getpid);
	printf("getpids: %ld calls, pid %ld\n", n, pid);
	return 0;
}
