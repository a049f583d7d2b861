# SPDX-License-Identifier: GPL-2.0-or-later
# ipcscan - build, test, install.

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
DESTDIR ?=

CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS := libproc2 libcjson smartcols
BUILD ?= build

CFLAGS ?= -O2 -g
override CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers \
	-D_GNU_SOURCE -Iinclude \
	$(shell $(PKG_CONFIG) --cflags $(PKGS))
LDLIBS += $(shell $(PKG_CONFIG) --libs $(PKGS))

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

$(BUILD)/obj/%.o: src/%.c $(wildcard include/*.h) | $(BUILD)/obj
	$(CC) $(CFLAGS) -MMD -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJS) | $(BUILD)/tests
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJS) $(LDLIBS) \
		$(shell $(PKG_CONFIG) --libs cmocka)

$(BUILD)/helpers/%: tests/helpers/%.c | $(BUILD)/helpers
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lrt -lpthread

$(BUILD)/obj $(BUILD)/tests $(BUILD)/helpers:
	mkdir -p $@

tests: $(BUILD)/ipcscan $(UNIT_BINS) $(HELPER_BINS)

# make check: the plain build's suite, then the same suite under ASan+UBSan.
check:
	$(MAKE) tests
	$(MAKE) BUILD=build/asan SANITIZE=1 TEST_HOOKS=1 tests
	$(MAKE) BUILD=build/hooks TEST_HOOKS=1 tests
	tests/run-tests --build build/hooks --build build/asan

check-sanitize:
	$(MAKE) BUILD=build/asan SANITIZE=1 TEST_HOOKS=1 tests
	tests/run-tests --build build/asan

# The golden outputs (tests/integration/t_golden.sh) are rewritten from a
# test build's output; review them with git diff before committing.
golden-update:
	$(MAKE) BUILD=build/hooks TEST_HOOKS=1 tests
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

-include $(OBJS:.o=.d)

clean:
	rm -rf build

# make bench: ipcscan list --json against the floor and its peers, in
# throwaway namespaces (root; see tests/bench/run).
BENCH_BINS := $(BUILD)/bench/floor $(BUILD)/bench/workload \
	$(BUILD)/bench/measure

$(BUILD)/bench/%: tests/bench/%.c | $(BUILD)/bench
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lrt -lpthread

$(BUILD)/bench:
	mkdir -p $@

bench: $(BUILD)/ipcscan $(BENCH_BINS)
	tests/bench/run --build $(BUILD)

# make fuzz [FUZZ_SECONDS=N]: build the libFuzzer targets of tests/fuzz/
# (clang, ASan+UBSan) into build/fuzz and run each for N seconds on a copy
# of its seed corpus; fails if any target crashes.
FUZZ_SECONDS ?= 15
fuzz:
	tests/fuzz/run --seconds $(FUZZ_SECONDS)
