# SPDX-License-Identifier: GPL-2.0-or-later
# ipcscan - build, test, install.

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
DESTDIR ?=

CC ?= cc
CLANG ?= clang
BPFTOOL ?= bpftool
deb_CLANG := clang
deb_BPFTOOL := bpftool
# The kernel BTF that vmlinux.h is generated from (CO-RE: the object then
# loads on any kernel with BTF, the relocations are done at load time).
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
BPF_ARCH := $(patsubst x86_64,x86,$(patsubst aarch64,arm64,$(shell uname -m)))
PKG_CONFIG ?= pkg-config
PKGS := libproc2 libcjson smartcols libbpf
BUILD ?= build

# The Debian package that gives pkg-config each module.
deb_libproc2 := libproc2-dev
deb_libcjson := libcjson-dev
deb_smartcols := libsmartcols-dev
deb_libbpf := libbpf-dev
deb_cmocka := libcmocka-dev

# need_pkgs MODULES: stop with one line naming the first missing module
# and the package to install.
need_pkgs = $(foreach p,$(1),$(if $(shell $(PKG_CONFIG) --exists $(p) \
	2>/dev/null && echo y),,$(error pkg-config finds no $(p) \
	(no $(p).pc); install $(deb_$(p)) (Debian/Ubuntu) or set \
	PKG_CONFIG_PATH)))

# Goals that compile nothing need no libraries.
NOLIB_GOALS := clean uninstall fuzz
ifneq ($(if $(MAKECMDGOALS),$(filter-out $(NOLIB_GOALS),$(MAKECMDGOALS)),all),)
ifeq ($(shell command -v $(PKG_CONFIG) 2>/dev/null),)
$(error $(PKG_CONFIG) not found; install pkg-config (Debian/Ubuntu))
endif
$(call need_pkgs,$(PKGS))
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS))
# The BPF holder pass (src/bpf/) is compiled for the BPF target by clang
# against the running kernel's types, which bpftool dumps from its BTF.
$(foreach t,CLANG BPFTOOL,$(if $(shell command -v $($(t)) 2>/dev/null),,\
	$(error $($(t)) not found; install $(deb_$(t)) (Debian/Ubuntu) or set \
	$(t)=)))
endif
ifneq ($(filter tests check check-sanitize golden-update,$(MAKECMDGOALS)),)
$(call need_pkgs,cmocka)
endif

# -Werror is on in make check (and so in .ci/run) and with WERROR=1, off
# by default: a warning a newer compiler adds must not break a user's
# build. Developers: build with WERROR=1.
ifneq ($(filter check check-sanitize,$(MAKECMDGOALS)),)
WERROR ?= 1
endif
export WERROR

CFLAGS ?= -O2 -g
override CFLAGS += -std=gnu11 -Wall -Wextra -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers \
	-D_GNU_SOURCE -pthread -Iinclude $(PKG_CFLAGS)
override LDFLAGS += -pthread
LDLIBS += $(PKG_LIBS)
ifeq ($(WERROR),1)
override CFLAGS += -Werror
endif
# Each object depends on the headers it includes (the .d files), not on
# every header: -MP keeps a removed header from breaking the build.
DEPFLAGS = -MMD -MP

ifeq ($(SANITIZE),1)
override CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
override LDFLAGS += -fsanitize=address,undefined
endif
ifeq ($(TEST_HOOKS),1)
override CFLAGS += -DIPCSCAN_TEST_HOOKS
endif

SRCS := $(wildcard src/*.c)
OBJS := $(SRCS:src/%.c=$(BUILD)/obj/%.o)
LIBOBJS := $(filter-out $(BUILD)/obj/main.o,$(OBJS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPER_BINS := $(HELPER_SRCS:tests/helpers/%.c=$(BUILD)/helpers/%)

.PHONY: all check check-sanitize tests install uninstall clean bench fuzz \
	completions golden-update
all: $(BUILD)/ipcscan

$(BUILD)/ipcscan: $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/obj/%.o: src/%.c | $(BUILD)/obj
	$(CC) $(CFLAGS) $(DEPFLAGS) -c -o $@ $<

# The BPF programs: vmlinux.h, the object, and its skeleton (the object
# embedded in a header that holders_bpf.c includes), all in $(BUILD)/bpf.
$(BUILD)/bpf/vmlinux.h: | $(BUILD)/bpf
	@test -r $(VMLINUX_BTF) || { echo "no kernel BTF at $(VMLINUX_BTF): \
	the BPF holder pass needs a kernel with CONFIG_DEBUG_INFO_BTF \
	(or set VMLINUX_BTF=FILE)" >&2; exit 1; }
	$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp
	mv $@.tmp $@

$(BUILD)/bpf/holders.bpf.o: src/bpf/holders.bpf.c src/bpf/holders_bpf.h \
		$(BUILD)/bpf/vmlinux.h
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(BPF_ARCH) -Wall \
		$(if $(filter 1,$(WERROR)),-Werror) -I$(BUILD)/bpf -c -o $@ $<

$(BUILD)/bpf/holders.skel.h: $(BUILD)/bpf/holders.bpf.o
	$(BPFTOOL) gen skeleton $< name holders_bpf_skel > $@.tmp
	mv $@.tmp $@

$(BUILD)/obj/holders_bpf.o: override CFLAGS += -I$(BUILD)/bpf
$(BUILD)/obj/holders_bpf.o: $(BUILD)/bpf/holders.skel.h

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJS) | $(BUILD)/tests
	$(CC) $(CFLAGS) $(DEPFLAGS) $(shell $(PKG_CONFIG) --cflags cmocka) \
		$(LDFLAGS) -o $@ $< $(LIBOBJS) $(LDLIBS) \
		$(shell $(PKG_CONFIG) --libs cmocka)

$(BUILD)/helpers/%: tests/helpers/%.c | $(BUILD)/helpers
	$(CC) $(CFLAGS) $(DEPFLAGS) $(LDFLAGS) -o $@ $< -lrt

# holders_dump runs ipcscan's own holder passes: it links the library.
$(BUILD)/helpers/holders_dump: tests/helpers/holders_dump.c $(LIBOBJS) \
		| $(BUILD)/helpers
	$(CC) $(CFLAGS) $(DEPFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJS) $(LDLIBS)

# The saferoot probe drives that module itself: it links the library.
$(BUILD)/helpers/saferoot_probe: tests/helpers/saferoot_probe.c $(LIBOBJS) \
		| $(BUILD)/helpers
	$(CC) $(CFLAGS) $(DEPFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJS) $(LDLIBS)

# nsdisc_dump prints what namespace discovery finds: it links the library.
$(BUILD)/helpers/nsdisc_dump: tests/helpers/nsdisc_dump.c $(LIBOBJS) \
		| $(BUILD)/helpers
	$(CC) $(CFLAGS) $(DEPFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJS) $(LDLIBS)

# ctattr calls the container attribution module as the scan would.
$(BUILD)/helpers/ctattr: tests/helpers/ctattr.c $(LIBOBJS) | $(BUILD)/helpers
	$(CC) $(CFLAGS) $(DEPFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJS) $(LDLIBS)

$(BUILD)/obj $(BUILD)/tests $(BUILD)/helpers $(BUILD)/bpf:
	mkdir -p $@

tests: $(BUILD)/ipcscan $(UNIT_BINS) $(HELPER_BINS)

# make check: the suite against the test build and the ASan+UBSan build,
# then all of it again with /dev/mqueue the other way round (mounted or
# not, in private namespaces). As root in a user's checkout the builds
# run as that user (tests/as-owner), so no root-owned file is left.
check:
	tests/as-owner $(MAKE) tests
	tests/as-owner $(MAKE) BUILD=build/asan SANITIZE=1 TEST_HOOKS=1 tests
	tests/as-owner $(MAKE) BUILD=build/hooks TEST_HOOKS=1 tests
	tests/run-tests --build build/hooks --build build/asan --mqueue-both

check-sanitize:
	tests/as-owner $(MAKE) BUILD=build/asan SANITIZE=1 TEST_HOOKS=1 tests
	tests/run-tests --build build/asan

# The golden outputs (tests/integration/t_golden.sh) are rewritten from a
# test build's output; review them with git diff before committing.
golden-update:
	tests/as-owner $(MAKE) BUILD=build/hooks TEST_HOOKS=1 tests
	tests/golden/run --update --build build/hooks

COMPLETIONS := completions/ipcscan.bash completions/_ipcscan \
	completions/ipcscan.fish

# The completions are generated from the binary's own tables and
# committed; 'make completions' refreshes them, a test checks they match.
completions: $(BUILD)/ipcscan
	$(BUILD)/ipcscan --completion bash > completions/ipcscan.bash
	$(BUILD)/ipcscan --completion zsh > completions/_ipcscan
	$(BUILD)/ipcscan --completion fish > completions/ipcscan.fish

install: $(BUILD)/ipcscan
	install -D -m 0755 $(BUILD)/ipcscan $(DESTDIR)$(SBINDIR)/ipcscan
	sed 's|/usr/local/sbin/ipcscan|$(SBINDIR)/ipcscan|g' man/ipcscan.8 \
		> $(BUILD)/ipcscan.8
	install -D -m 0644 $(BUILD)/ipcscan.8 $(DESTDIR)$(MANDIR)/man8/ipcscan.8
	install -D -m 0644 completions/ipcscan.bash \
		$(DESTDIR)$(DATADIR)/bash-completion/completions/ipcscan
	install -D -m 0644 completions/_ipcscan \
		$(DESTDIR)$(DATADIR)/zsh/site-functions/_ipcscan
	install -D -m 0644 completions/ipcscan.fish \
		$(DESTDIR)$(DATADIR)/fish/vendor_completions.d/ipcscan.fish
	sed 's|@SBINDIR@|$(SBINDIR)|g' contrib/systemd/ipcscan-gc.service.in \
		> $(BUILD)/ipcscan-gc.service
	install -D -m 0644 $(BUILD)/ipcscan-gc.service \
		$(DESTDIR)$(SYSTEMDUNITDIR)/ipcscan-gc.service
	install -D -m 0644 contrib/systemd/ipcscan-gc.timer \
		$(DESTDIR)$(SYSTEMDUNITDIR)/ipcscan-gc.timer

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/ipcscan \
		$(DESTDIR)$(MANDIR)/man8/ipcscan.8 \
		$(DESTDIR)$(DATADIR)/bash-completion/completions/ipcscan \
		$(DESTDIR)$(DATADIR)/zsh/site-functions/_ipcscan \
		$(DESTDIR)$(DATADIR)/fish/vendor_completions.d/ipcscan.fish \
		$(DESTDIR)$(SYSTEMDUNITDIR)/ipcscan-gc.service \
		$(DESTDIR)$(SYSTEMDUNITDIR)/ipcscan-gc.timer

-include $(OBJS:.o=.d) $(UNIT_BINS:=.d) $(HELPER_BINS:=.d)

clean:
	rm -rf build

# make bench: ipcscan list --json against the floor and its peers, in
# throwaway namespaces (root; see tests/bench/run).
BENCH_BINS := $(BUILD)/bench/floor $(BUILD)/bench/workload \
	$(BUILD)/bench/measure

$(BUILD)/bench/%: tests/bench/%.c | $(BUILD)/bench
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lrt

$(BUILD)/bench:
	mkdir -p $@

# As root in a user's checkout the build runs as that user (tests/as-owner,
# as in make check); the bench itself needs root.
bench:
	tests/as-owner $(MAKE) $(BUILD)/ipcscan $(BENCH_BINS) \
		$(BUILD)/helpers/holders_dump
	tests/bench/run --build $(BUILD)

# make fuzz [FUZZ_SECONDS=N]: build the libFuzzer targets of tests/fuzz/
# (clang, ASan+UBSan) into build/fuzz and run each for N seconds on a copy
# of its seed corpus; fails if any target crashes.
FUZZ_SECONDS ?= 15
fuzz:
	tests/as-owner tests/fuzz/run --seconds $(FUZZ_SECONDS)
