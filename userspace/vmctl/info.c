// SPDX-License-Identifier: GPL-2.0
/* vmctl info: what hvx and the CPUs' VMX offer, and where VMX is on. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "uapi/hvx.h"
#include "vmctl.h"

int read_text_file(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

static void show_attr(const char *label, const char *path)
{
	char buf[4096];
	int r = read_text_file(path, buf, sizeof(buf));

	printf("%-22s %s\n", label, r ? strerror(-r) : buf);
}

int cmd_info(int argc, char **argv)
{
	char cpus[256], online[256];
	int fd, api, n_vmx, n_online;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "vmctl info takes no arguments\n");
		return 2;
	}
	fd = open(HVX_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			fprintf(stderr, "vmctl: %s: hvx module not loaded: run 'insmod hvx.ko' (or 'make demo')\n",
				HVX_DEVICE);
		else
			fprintf(stderr, "vmctl: %s: %s%s\n", HVX_DEVICE,
				strerror(errno),
				errno == EACCES ? " (only root may use hvx)" : "");
		return 1;
	}
	api = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (api < 0 || ioctl(fd, KVM_CHECK_EXTENSION, HVX_CAP_HVX) != 1) {
		fprintf(stderr, "vmctl: %s does not answer as hvx\n", HVX_DEVICE);
		close(fd);
		return 1;
	}
	close(fd);

	printf("%-22s API version %d\n", "device:", api);
	show_attr("module version:", "/sys/module/hvx/version");
	show_attr("enable_at_load:", "/sys/module/hvx/parameters/enable_at_load");
	show_attr("VMCS revision:", HVX_SYSFS "/vmcs_revision");

	if (read_text_file(HVX_SYSFS "/vmx_cpus", cpus, sizeof(cpus)) ||
	    read_text_file("/sys/devices/system/cpu/online", online,
			   sizeof(online))) {
		fprintf(stderr, "vmctl: cannot read the CPU lists\n");
		return 1;
	}
	n_vmx = cpulist_count(cpus);
	n_online = cpulist_count(online);
	printf("%-22s %s (%d of %d online CPUs)\n", "in VMX operation:",
	       *cpus ? cpus : "none", n_vmx, n_online);
	show_attr("VMX flags:", HVX_SYSFS "/vmx_flags");
	return 0;
}
