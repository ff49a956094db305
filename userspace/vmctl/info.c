// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl info: what hvx and the CPUs' VMX offer, and where VMX is on; from
 * hvx's netlink family, so any user may ask.
 */
#include <errno.h>
#include <fcntl.h>
#include <netlink/attr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

struct info {
	char version[32], vmx_cpus[256], *vmx_flags;
	uint32_t api, nr_vms;
};

static int parse_info(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct info *in = arg;

	if (cmd != HVX_CMD_GET_INFO)
		return 0;
	if (tb[HVX_A_MODULE_VERSION])
		snprintf(in->version, sizeof(in->version), "%s",
			 nla_get_string(tb[HVX_A_MODULE_VERSION]));
	if (tb[HVX_A_VMX_CPUS])
		snprintf(in->vmx_cpus, sizeof(in->vmx_cpus), "%s",
			 nla_get_string(tb[HVX_A_VMX_CPUS]));
	if (tb[HVX_A_VMX_FLAGS])
		in->vmx_flags = strdup(nla_get_string(tb[HVX_A_VMX_FLAGS]));
	if (tb[HVX_A_API_VERSION])
		in->api = nla_get_u32(tb[HVX_A_API_VERSION]);
	if (tb[HVX_A_VM_COUNT])
		in->nr_vms = nla_get_u32(tb[HVX_A_VM_COUNT]);
	return 0;
}

static const char info_usage[] =
	"usage: vmctl info\n\n"
	"Show hvx's version and KVM API version, the VMCS revision, whether\n"
	"VMX is on from load, the CPUs in VMX operation, the number of VMs\n"
	"and the CPUs' VMX features.  Any user may ask.\n";

int cmd_info(int argc, char **argv)
{
	struct info in = { .version = "?" };
	struct hvx_nl_call call = {
		.what = "info", .cmd = HVX_CMD_GET_INFO,
		.parse = parse_info, .arg = &in,
	};
	char online[256];
	int n_online;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(info_usage, stdout);
		return 0;
	}
	if (argc > 1) {
		fputs(info_usage, stderr);
		return 2;
	}
	if (hvx_nl(&call))
		return 1;

	printf("%-22s %s, API version %u\n", "hvx:", in.version, in.api);
	show_attr("VMCS revision:", HVX_SYSFS "/vmcs_revision");
	show_attr("enable_at_load:", "/sys/module/hvx/parameters/enable_at_load");
	if (read_text_file("/sys/devices/system/cpu/online", online,
			   sizeof(online)))
		n_online = -1;
	else
		n_online = cpulist_count(online);
	printf("%-22s %s (%d of %d online CPUs)\n", "in VMX operation:",
	       *in.vmx_cpus ? in.vmx_cpus : "none", cpulist_count(in.vmx_cpus),
	       n_online);
	printf("%-22s %u\n", "VMs:", in.nr_vms);
	printf("%-22s %s\n", "VMX flags:", in.vmx_flags ? in.vmx_flags : "?");
	free(in.vmx_flags);
	return 0;
}
