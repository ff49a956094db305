// SPDX-License-Identifier: GPL-2.0
/*
 * getpids N: make N getpid() system calls, then say so on one line.  The
 * Linux guest's known count of system calls for `vmctl trace --syscalls`
 * (tests/e2e/94-linux.sh); build.sh puts it in the initramfs's /bin.
 *
 * Freestanding, with its own _start and its system calls made by number:
 * a C library's start-up would make calls of its own, and a static one
 * would more than double the initramfs, which every boot unpacks.
 */
#include <asm/unistd.h>

static long syscall3(long nr, long a, long b, long c)
{
	long ret;

	asm volatile("syscall"
		     : "=a"(ret)
		     : "a"(nr), "D"(a), "S"(b), "d"(c)
		     : "rcx", "r11", "memory");
	return ret;
}

static void say(const char *s, long len)
{
	syscall3(__NR_write, 1, (long)s, len);
}

/* @s as a decimal number, or -1 if it is not one. */
static long parse(const char *s)
{
	long n = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || n > 100000000)
			return -1;
		n = n * 10 + (*s - '0');
	}
	return n;
}

/* @v in decimal, ending at @end; returns where it begins. */
static char *decimal(char *end, unsigned long v)
{
	do
		*--end = '0' + v % 10;
	while (v /= 10);
	return end;
}

static int getpids(int argc, char **argv)
{
	static const char usage[] = "usage: getpids N\n";
	char line[64], *p;
	long n = argc == 2 ? parse(argv[1]) : -1, i, pid = 0;

	if (n < 0) {
		syscall3(__NR_write, 2, (long)usage, sizeof(usage) - 1);
		return 2;
	}
	for (i = 0; i < n; i++)
		pid = syscall3(__NR_getpid, 0, 0, 0);
	/* "getpids: N calls, pid P\n", built from its end. */
	p = line + sizeof(line);
	*--p = '\n';
	p = decimal(p, pid);
	p -= 6;
	__builtin_memcpy(p, ", pid ", 6);
	p -= 6;
	__builtin_memcpy(p, " calls", 6);
	p = decimal(p, n);
	p -= 9;
	__builtin_memcpy(p, "getpids: ", 9);
	say(p, line + sizeof(line) - p);
	return 0;
}

/* From _start: the stack as the kernel left it, argc then argv. */
__attribute__((noreturn, used)) static void start(long *sp)
{
	syscall3(__NR_exit_group, getpids((int)sp[0], (char **)(sp + 1)), 0, 0);
	for (;;)
		;
}

asm(".globl _start\n"
    "_start:\n"
    "	mov %rsp, %rdi\n"
    "	and $-16, %rsp\n"
    "	call start\n");
