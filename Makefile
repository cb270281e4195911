# opsdeck — non-recursive build.
#
#   make            build opsdeck and opsdeckd into $(BUILD)/
#   make test       install missing deps, build, run every test
#   make check      the whole test suite again under ASan + UBSan
#   make valgrind   unit and integration tests under valgrind memcheck
#   make run        install missing deps, build, start the demo
#   make install    PREFIX=/usr/local DESTDIR=
#
# Sources are found by wildcard: a new src/<layer>/x.c or tests/unit/test_x.c is
# picked up without editing this file.

BUILD    ?= build
PREFIX   ?= /usr/local
DESTDIR  ?=
SHARED   ?= $(abspath ../shared)
CC       ?= cc
PKG      ?= pkg-config

PKGS_CORE   := jansson libcurl
PKGS_TUI    := ncursesw
PKGS_SERVER := libmicrohttpd sqlite3 zlib
PKGS_TEST   := cmocka

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wcast-align -Wpointer-arith \
        -Wwrite-strings -Wmissing-prototypes -Wstrict-prototypes -Wformat=2 \
        -Wundef -Wnull-dereference -Wvla -Wno-unused-parameter
ifeq ($(WERROR),1)
WARN += -Werror
endif

OPT      ?= -O2 -g
SAN      ?=
CPPFLAGS += -Iinclude -D_GNU_SOURCE -DOPSDECK_VERSION=\"$(VERSION)\" \
            -DOPSDECK_DATADIR=\"$(PREFIX)/share/opsdeck\"
CFLAGS   += -std=c17 $(OPT) $(WARN) $(SAN) -MMD -MP
LDFLAGS  += $(SAN)

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.1.0)

# Quiet by default; `make V=1` shows every command.
ifeq ($(V),1)
Q :=
else
Q := @
endif

pkg_cflags = $(shell $(PKG) --cflags $(1) 2>/dev/null)
pkg_libs   = $(shell $(PKG) --libs $(1) 2>/dev/null)

CORE_CFLAGS := $(call pkg_cflags,$(PKGS_CORE))
CORE_LIBS   := $(call pkg_libs,$(PKGS_CORE)) -lm
TUI_CFLAGS  := $(call pkg_cflags,$(PKGS_TUI))
TUI_LIBS    := $(call pkg_libs,$(PKGS_TUI))
SRV_CFLAGS  := $(call pkg_cflags,$(PKGS_SERVER))
SRV_LIBS    := $(call pkg_libs,$(PKGS_SERVER))
TEST_CFLAGS := $(call pkg_cflags,$(PKGS_TEST))
TEST_LIBS   := $(call pkg_libs,$(PKGS_TEST))
CPPFLAGS    += $(CORE_CFLAGS) $(TUI_CFLAGS) $(SRV_CFLAGS)

LIB_SRC    := $(wildcard src/core/*.c src/codec/*.c src/net/*.c src/app/*.c)
TUI_SRC    := $(wildcard src/tui/*.c)
SERVER_SRC := $(wildcard src/server/*.c)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
TOOL_SRC   := $(wildcard tests/tools/*.c)
GEN_SRC    := $(BUILD)/gen/default_theme.c

LIB_OBJ    := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/templates.o
TUI_OBJ    := $(TUI_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/default_theme.o
SERVER_OBJ := $(SERVER_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_BIN   := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)

LIBOD  := $(BUILD)/libopsdeck.a
LIBTUI := $(BUILD)/libopsdeck-tui.a
LIBSRV := $(BUILD)/libopsdeck-server.a
ALL_LIBS := $(TUI_LIBS) $(SRV_LIBS) $(CORE_LIBS)

.PHONY: all deps test unit integration check valgrind run install clean fuzz bench check-layers
all: $(BUILD)/opsdeck $(BUILD)/opsdeckd

deps:
	@sh mk/deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# The default theme is compiled into the binary from themes/default.theme.
$(BUILD)/gen/default_theme.c: themes/default.theme mk/embed.sh
	@mkdir -p $(dir $@)
	sh mk/embed.sh theme_default_text $< > $@
$(BUILD)/gen/default_theme.o: $(BUILD)/gen/default_theme.c
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# The shipped post templates are compiled in from templates/*.txt.
$(BUILD)/gen/templates.c: $(wildcard templates/*.txt) mk/embed-templates.sh
	@mkdir -p $(dir $@)
	sh mk/embed-templates.sh $(sort $(wildcard templates/*.txt)) > $@
$(BUILD)/gen/templates.o: $(BUILD)/gen/templates.c
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIBOD): $(LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^
$(LIBTUI): $(TUI_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^
$(LIBSRV): $(SERVER_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/opsdeck: $(BUILD)/src/opsdeck.o $(LIBTUI) $(LIBOD)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(TUI_LIBS) $(CORE_LIBS)

$(BUILD)/opsdeckd: $(BUILD)/src/opsdeckd.o $(LIBSRV) $(LIBOD)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(SRV_LIBS) $(CORE_LIBS)

# Unit tests: test_tui_* link the TUI library, test_server_* the server library.
$(BUILD)/tests/test_tui_%: $(BUILD)/tests/unit/test_tui_%.o $(LIBTUI) $(LIBOD)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS) $(TUI_LIBS) $(CORE_LIBS)
$(BUILD)/tests/test_server_%: $(BUILD)/tests/unit/test_server_%.o $(LIBSRV) $(LIBOD)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS) $(SRV_LIBS) $(CORE_LIBS)
$(BUILD)/tests/test_%: $(BUILD)/tests/unit/test_%.o $(LIBOD)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS) $(CORE_LIBS)
$(BUILD)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(TEST_CFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/tools/%: tests/tools/%.c $(LIBOD)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $(filter %.c %.a,$^) $(ALL_LIBS)

TEST_ENV = OPSDECK_FIXTURES=$(SHARED)/status-fixtures OPSDECK_SHARED=$(SHARED) \
           OPSDECK_BUILD=$(abspath $(BUILD)) OPSDECK_SRC=$(CURDIR) \
           XDG_CONFIG_HOME=/nonexistent-opsdeck-config TZ=UTC

unit: $(UNIT_BIN)
	@sh mk/run-unit.sh $(UNIT_BIN)

integration: all $(TOOL_BIN)
	@$(TEST_ENV) sh mk/run-integration.sh tests/integration

test: deps
	@$(MAKE) --no-print-directory all $(UNIT_BIN) $(TOOL_BIN)
	@$(TEST_ENV) sh mk/run-unit.sh $(UNIT_BIN)
	@$(TEST_ENV) sh mk/run-integration.sh tests/integration

check: deps
	@$(MAKE) --no-print-directory BUILD=build-san OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" test

valgrind: deps
	@sh mk/deps.sh valgrind
	@$(MAKE) --no-print-directory BUILD=build-vg OPT="-O0 -g" all $(UNIT_BIN:$(BUILD)/%=build-vg/%) $(TOOL_BIN:$(BUILD)/%=build-vg/%)
	@$(TEST_ENV) sh tests/valgrind/run.sh build-vg $(UNIT_BIN:$(BUILD)/%=build-vg/%)

FUZZ_SECONDS ?= 60
fuzz:
	@sh mk/deps.sh fuzz && OPSDECK_FIXTURES=$(SHARED)/status-fixtures sh tests/fuzz/run.sh all $(FUZZ_SECONDS)

run: deps
	@$(MAKE) --no-print-directory all
	@sh mk/run-demo.sh $(BUILD)

check-layers:
	@sh mk/check-layers.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/opsdeck/themes \
	  $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 \
	  $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 755 $(BUILD)/opsdeck $(BUILD)/opsdeckd $(DESTDIR)$(PREFIX)/bin/
	install -m 644 themes/*.theme $(DESTDIR)$(PREFIX)/share/opsdeck/themes/
	cp -R demo $(DESTDIR)$(PREFIX)/share/opsdeck/    # opsdeckd --demo reads demo/maxmail/api/v2
	for m in doc/*.1; do [ -f "$$m" ] && install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man1/; done; true
	for m in doc/*.5; do [ -f "$$m" ] && install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man5/; done; true
	for m in doc/*.8; do [ -f "$$m" ] && install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man8/; done; true

clean:
	rm -rf build build-san build-vg build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
