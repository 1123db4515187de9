# sts-harness -- one non-recursive Makefile; every output goes under $(BUILD).
#   make run     install deps, build, run the catalogue against the reference sender
#   make check   install deps, build (plain and ASan+UBSan), run every test
BUILD	?= build
SAN	?= 0

PKGS	:= libevent libevent_openssl ldns yaml-0.1 jansson libcurl openssl
CC	?= cc
CFLAGS	?= -O1 -g
WARN	:= -Wall -Wextra -Wshadow -Wformat=2 -Wswitch-enum \
	   -Wmissing-prototypes -Wstrict-prototypes -Wvla -Werror
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
	   $(CFLAGS) $(SANFLAGS) $(shell pkg-config --cflags $(PKGS) 2>/dev/null) \
	   -MMD -MP
LDLIBS	= $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ifeq ($(SAN),1)
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	    -fno-omit-frame-pointer
endif

COMMON_SRC	:= $(wildcard common/*.c)
DNS_SRC		:= $(filter-out fake-dns/main.c,$(wildcard fake-dns/*.c))
MX_SRC		:= $(filter-out fake-mx/main.c,$(wildcard fake-mx/*.c))
HARNESS_SRC	:= $(filter-out harness/main.c,$(wildcard harness/*.c))
REF_SRC		:= $(filter-out suts/reference/main.c suts/reference/deliver.c,\
		   $(wildcard suts/reference/*.c))
UNIT_SRC	:= $(wildcard tests/unit/test_*.c)
TESTUTIL_SRC	:= $(filter-out $(UNIT_SRC),$(wildcard tests/unit/*.c))

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

LIB_COMMON	:= $(BUILD)/libcommon.a
LIB_DNS		:= $(BUILD)/libfakedns.a
LIB_MX		:= $(BUILD)/libfakemx.a
LIB_HARNESS	:= $(BUILD)/libharness.a
LIB_REF		:= $(BUILD)/libref.a
LIB_TESTUTIL	:= $(BUILD)/libtestutil.a
LIBS		:= $(LIB_HARNESS) $(LIB_MX) $(LIB_DNS) $(LIB_REF) $(LIB_COMMON)

PROGS		:= $(BUILD)/sts-harness $(BUILD)/fake-dns $(BUILD)/fake-mx \
		   $(BUILD)/sts-send
# the reference adapter's client of sts-send --serve: libc only, so that a
# delivery costs one small process start
CLIENT		:= $(BUILD)/sts-deliver
# built-in adapters are copied next to the build they drive, so that each
# finds the binaries of its own build from its own path
ADAPTERS	:= $(patsubst %,$(BUILD)/%,$(wildcard suts/*/adapter))
SUT_JS		:= $(patsubst %,$(BUILD)/%,$(wildcard suts/*/*.js))
UNIT_BINS	:= $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

.PHONY: all deps run check unit lint clean bench node-deps results coverage
all: $(PROGS) $(CLIENT) $(ADAPTERS) $(SUT_JS)

$(CLIENT): $(call obj,suts/reference/deliver.c)
	$(CC) $(ALL_CFLAGS) -o $@ $^

# suts/postfix-sts's delivery client (sendmail + maillog follower), libc only
all: $(BUILD)/pf-deliver
$(BUILD)/pf-deliver: $(call obj,suts/postfix-sts/pf-deliver.c)
	$(CC) $(ALL_CFLAGS) -o $@ $^

$(BUILD)/suts/%/adapter: suts/%/adapter
	@mkdir -p $(dir $@)
	cp $< $@

# the Node SUT (suts/mx-connect): send.js is copied like an adapter (SUT_JS);
# node-deps installs its npm packages, pinned by package-lock.json and
# carrying a Node 22 binary, with npm ci into $(MXC) (never the source tree)
MXC		:= $(BUILD)/suts/mx-connect
$(BUILD)/suts/%.js: suts/%.js
	@mkdir -p $(dir $@)
	cp $< $@
node-deps: $(MXC)/npm-ci.stamp
$(MXC)/npm-ci.stamp: suts/mx-connect/package.json suts/mx-connect/package-lock.json
	@mkdir -p $(MXC)
	cp $^ $(MXC)/
	@# the system bundle too (NODE_EXTRA_CA_CERTS adds, never replaces):
	@# a registry reached through a proxy whose CA only the system trusts
	cd $(MXC) && sys=/etc/ssl/certs/ca-certificates.crt && \
	    if [ -z "$${NODE_EXTRA_CA_CERTS:-}" ] && [ -r $$sys ]; then \
		NODE_EXTRA_CA_CERTS=$$sys; export NODE_EXTRA_CA_CERTS; fi && \
	    npm ci --no-audit --no-fund --loglevel=error
	touch $@

deps:
	@scripts/install-deps

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB_COMMON): $(call obj,$(COMMON_SRC))
$(LIB_DNS): $(call obj,$(DNS_SRC))
$(LIB_MX): $(call obj,$(MX_SRC))
$(LIB_HARNESS): $(call obj,$(HARNESS_SRC))
$(LIB_REF): $(call obj,$(REF_SRC))
$(LIB_TESTUTIL): $(call obj,$(TESTUTIL_SRC))
$(BUILD)/%.a:
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/sts-harness: $(call obj,harness/main.c) $(LIBS)
$(BUILD)/fake-dns: $(call obj,fake-dns/main.c) $(LIBS)
$(BUILD)/fake-mx: $(call obj,fake-mx/main.c) $(LIBS)
$(BUILD)/sts-send: $(call obj,suts/reference/main.c) $(LIBS)
$(PROGS):
	$(CC) $(ALL_CFLAGS) -o $@ $(filter %.o,$^) $(LIBS) $(LDLIBS)

$(BUILD)/tests/%: $(call obj,tests/unit/%.c) $(LIB_TESTUTIL) $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $(filter %.o,$^) $(LIB_TESTUTIL) $(LIBS) \
	    $(LDLIBS) -lcmocka

unit: $(UNIT_BINS)

run: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/sts-harness run

check: deps lint
	@$(MAKE) --no-print-directory all unit node-deps
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=1 all unit node-deps
	@tests/run build build/asan

lint:
	@scripts/lint

# the whole catalogue against every shipped SUT; docs/results.md from it
results: deps
	@$(MAKE) --no-print-directory all node-deps
	@scripts/results

# docs/coverage.md: which scenarios cite each requirement id
coverage: all
	@scripts/coverage

bench: all
	@bench/run

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
