// SPDX-License-Identifier: GPL-2.0
/*
 * The system and VM fd ioctls of /dev/hvx, good input and bad.
 *
 *   dev_api_test [DEVICE]            as root
 *   dev_api_test --unprivileged      the device refuses other users
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "../../../uapi/hvx.h"
#include "tap.h"

static void test_unprivileged(const char *dev)
{
	/* nobody */
	if (setgid(65534) || setuid(65534)) {
		tap_result(0, "drop privileges: %s", strerror(errno));
		return;
	}
	TAP_EXPECT_ERRNO(open(dev, O_RDWR), EACCES,
			 "open of /dev/hvx by an unprivileged user");
}

int main(int argc, char **argv)
{
	const char *dev = "/dev/hvx";
	int sys, vm, flags, status;
	pid_t child;

	if (argc > 1 && !strcmp(argv[1], "--unprivileged")) {
		test_unprivileged(dev);
		return tap_failed;
	}
	if (argc > 1)
		dev = argv[1];

	sys = open(dev, O_RDWR | O_CLOEXEC);
	tap_result(sys >= 0, "open %s", dev);
	if (sys < 0)
		return 1;

	TAP_EXPECT_RET(ioctl(sys, KVM_GET_API_VERSION, 0), KVM_API_VERSION,
		       "KVM_GET_API_VERSION");
	TAP_EXPECT_ERRNO(ioctl(sys, KVM_GET_API_VERSION, 1), EINVAL,
			 "KVM_GET_API_VERSION with an argument");
	TAP_EXPECT_RET(ioctl(sys, KVM_CHECK_EXTENSION, HVX_CAP_HVX), 1,
		       "KVM_CHECK_EXTENSION(HVX_CAP_HVX)");
	/* Nothing is claimed that does not work yet. */
	TAP_EXPECT_RET(ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY), 1,
		       "KVM_CHECK_EXTENSION(KVM_CAP_USER_MEMORY)");
	/* QEMU refuses a device without it; KVM has always answered 1. */
	TAP_EXPECT_RET(ioctl(sys, KVM_CHECK_EXTENSION,
			     KVM_CAP_JOIN_MEMORY_REGIONS_WORKS), 1,
		       "KVM_CHECK_EXTENSION(KVM_CAP_JOIN_MEMORY_REGIONS_WORKS)");
	TAP_EXPECT_RET(ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS), 32,
		       "KVM_CHECK_EXTENSION(KVM_CAP_NR_MEMSLOTS)");
	TAP_EXPECT_RET(ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_IRQCHIP), 1,
		       "KVM_CHECK_EXTENSION(KVM_CAP_IRQCHIP)");
	TAP_EXPECT_RET(ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_NESTED_STATE),
		       0, "KVM_CHECK_EXTENSION(KVM_CAP_NESTED_STATE), which hvx lacks");
	/* SMM, and SMRAM's address space (QEMU turns SMM on with both). */
	TAP_EXPECT_RET(ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_X86_SMM), 1,
		       "KVM_CHECK_EXTENSION(KVM_CAP_X86_SMM)");
	TAP_EXPECT_RET(ioctl(sys, KVM_CHECK_EXTENSION,
			     KVM_CAP_MULTI_ADDRESS_SPACE), 2,
		       "KVM_CHECK_EXTENSION(KVM_CAP_MULTI_ADDRESS_SPACE)");
	TAP_EXPECT_RET(ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0), 2 * 4096,
		       "KVM_GET_VCPU_MMAP_SIZE");
	TAP_EXPECT_RET(ioctl(sys, KVM_CHECK_EXTENSION, -1L), 0,
		       "KVM_CHECK_EXTENSION of an unknown capability");
	TAP_EXPECT_ERRNO(ioctl(sys, _IO(KVMIO, 0xff)), ENOTTY,
			 "an unknown KVM ioctl on the system fd");
	TAP_EXPECT_ERRNO(ioctl(sys, TCGETS, NULL), ENOTTY,
			 "a terminal ioctl on the system fd");
	TAP_EXPECT_ERRNO(ioctl(sys, KVM_CREATE_VM, 1), EINVAL,
			 "KVM_CREATE_VM of an unknown VM type");

	vm = ioctl(sys, KVM_CREATE_VM, 0);
	tap_result(vm >= 0, "KVM_CREATE_VM");
	if (vm < 0)
		return 1;
	flags = fcntl(vm, F_GETFD);
	tap_result(flags >= 0 && (flags & FD_CLOEXEC), "VM fd is close-on-exec");
	TAP_EXPECT_RET(ioctl(vm, KVM_CHECK_EXTENSION, HVX_CAP_HVX), 1,
		       "KVM_CHECK_EXTENSION(HVX_CAP_HVX) on the VM fd");
	TAP_EXPECT_ERRNO(ioctl(vm, _IO(KVMIO, 0xff)), ENOTTY,
			 "an unknown KVM ioctl on the VM fd");
	TAP_EXPECT_ERRNO(ioctl(vm, KVM_GET_API_VERSION, 0), ENOTTY,
			 "a system ioctl on the VM fd");

	/* A VM belongs to the address space that created it. */
	child = fork();
	if (!child)
		_exit(ioctl(vm, KVM_CHECK_EXTENSION, HVX_CAP_HVX) == -1 &&
		      errno == EIO ? 0 : 1);
	waitpid(child, &status, 0);
	tap_result(WIFEXITED(status) && !WEXITSTATUS(status),
		   "a VM ioctl from a forked child fails with EIO");

	close(vm);
	close(sys);
	return tap_failed;
}
