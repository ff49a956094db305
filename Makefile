# SPDX-License-Identifier: GPL-2.0
#
# hvx: build the module, vmctl and the KUnit module; check; test.
#
#   make                  hvx.ko (and hvx_kunit.ko where KDIR has KUnit), vmctl,
#                         libhvxintro (static and shared)
#   make check            W=1 builds against Debian's 6.1 and 6.12 headers,
#                         sparse and checkpatch --strict
#   make test             every test: check, userspace unit tests, and the
#                         emulated VT-x machine (tests/machine)
#   make bench            hvx against KVM, side by side (bench/results.md)
#   make conformance      KVM's own selftests on hvx and on kvm_intel, the
#                         table in build/conformance.md and the README
#                         (T=TEST,... for some of them; the table in build/)
#   make demo             build, load and run hvx: here if the CPU has VT-x,
#                         otherwise inside the emulated machine
#   make machine-test T=NAME   run one end-to-end test in the machine
#   make machine-shell    an interactive shell in the machine
#   make deps             install what the above need (Debian 12, as root)

KDIR ?= /lib/modules/$(shell uname -r)/build
PWD := $(shell pwd)

.PHONY: all modules vmctl libhvxintro check test demo bench conformance deps machine-test \
	machine-shell unit-tests clean

all: modules vmctl libhvxintro

modules:
	$(MAKE) -C $(KDIR) M=$(PWD) modules

vmctl:
	$(MAKE) -C userspace/vmctl

libhvxintro:
	$(MAKE) -C userspace/libhvxintro

unit-tests:
	$(MAKE) -C userspace/vmctl test

deps:
	tests/machine/deps.sh

check: deps
	tests/check.sh

test: deps
	tests/run-all.sh

demo: deps
	tests/machine/demo.sh

bench: deps
	bench/run.sh

conformance: deps
	tests/selftests/conformance.sh $(T)

machine-test: deps
	tests/machine/run.sh --only "$(T)"

machine-shell: deps
	tests/machine/run.sh --shell

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean || true
	$(MAKE) -C userspace/vmctl clean
	$(MAKE) -C userspace/libhvxintro clean
	rm -rf build
