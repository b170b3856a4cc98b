# contactsync build. `make` builds, `make test` installs dependencies (when
# missing), builds and runs every test, `make demo` runs the main job on
# samples/, `make asan` runs the suite under ASan+UBSan, `make memcheck`
# the import/export end-to-end tests under valgrind.

PREFIX ?= /usr/local
MANDIR ?= $(PREFIX)/share/man
BUILD ?= build
BIN ?= contactsync
CC ?= cc
CXX ?= c++

PKGS = lmdb jansson libutf8proc inih libcurl minizip expat freexl xlsxwriter
# Evaluated lazily: `make test` installs the packages before the first use.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -llmdb -ljansson -lutf8proc -linih -lcurl -lminizip -lz -lexpat -lfreexl -lxlsxwriter)
# No .pc files in Debian for these two: plain -l.
PHONE_LIBS = -lphonenumber $(shell pkg-config --libs icu-uc icu-i18n protobuf 2>/dev/null)
CSV_LIBS = -lcsv
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

OPT ?= -O2 -g
SAN ?=
WARN = -Wall -Wextra -Werror
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE $(OPT) $(SAN) $(WARN) -Iinclude $(PKG_CFLAGS) $(CFLAGS)
CXXFLAGS_ALL = -std=c++17 $(OPT) $(SAN) $(WARN) -Iinclude $(CXXFLAGS)
LDFLAGS_ALL = $(SAN) $(LDFLAGS)
LIBS_ALL = $(PKG_LIBS) $(PHONE_LIBS) $(CSV_LIBS) -lpthread -lm $(LIBS)

LIB_C = $(filter-out src/main.c,$(wildcard src/*.c))
CMD_C = $(wildcard src/cmd/*.c)
LIB_CXX = $(wildcard src/*.cc)
LIB_OBJ = $(LIB_C:%.c=$(BUILD)/%.o) $(LIB_CXX:%.cc=$(BUILD)/%.o)
CMD_OBJ = $(CMD_C:%.c=$(BUILD)/%.o) $(BUILD)/src/main.o
LIBA = $(BUILD)/libcontactsync.a

UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC = $(wildcard tests/tools/*.c)
TOOL_BIN = $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)
# The provider emulator (test infrastructure, also for rehearsals).
EMU_SRC = $(wildcard tests/emulator/*.c)
EMU_OBJ = $(EMU_SRC:%.c=$(BUILD)/%.o)
EMU_BIN = $(if $(EMU_SRC),$(BUILD)/contactsync-emulator)
EMU_LIBS = $(shell pkg-config --libs libmicrohttpd 2>/dev/null || echo -lmicrohttpd)

all: $(BIN) $(UNIT_BIN) $(TOOL_BIN) $(EMU_BIN)

$(BIN): $(CMD_OBJ) $(LIBA)
	$(CXX) $(LDFLAGS_ALL) -o $@ $(CMD_OBJ) $(LIBA) $(LIBS_ALL)

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

# Rebuild everything when the flags change (git and Redis do the same).
$(BUILD)/.flags: FORCE
	@mkdir -p $(BUILD)
	@echo '$(CC) $(CXX) $(CFLAGS_ALL) $(CXXFLAGS_ALL) $(LDFLAGS_ALL)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

$(BUILD)/%.o: %.c $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

$(BUILD)/%.o: %.cc $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS_ALL) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIBA) $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -o $@ $< $(LIBA) $(CMOCKA_LIBS) $(EMU_LIBS) $(LIBS_ALL) -lstdc++

$(BUILD)/tools/%: tests/tools/%.c $(LIBA) $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -o $@ $< $(LIBA) $(LIBS_ALL) -lstdc++

$(BUILD)/contactsync-emulator: $(EMU_OBJ) $(LIBA)
	$(CC) $(LDFLAGS_ALL) -o $@ $(EMU_OBJ) $(LIBA) $(EMU_LIBS) $(LIBS_ALL) -lstdc++

deps:
	@sh scripts/install-deps.sh

test: deps
	@$(MAKE) --no-print-directory all
	@sh tests/run.sh

ASAN_VARS = BUILD=build-asan BIN=build-asan/contactsync OPT='-O1 -g -fno-omit-frame-pointer' \
	SAN='-fsanitize=address,undefined -fno-sanitize-recover=all'

asan: deps
	@$(MAKE) --no-print-directory $(ASAN_VARS) all
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		CONTACTSYNC_BUILD=build-asan CONTACTSYNC_BIN=$(CURDIR)/build-asan/contactsync \
		sh tests/run.sh

# The import/export end-to-end tests with every run under valgrind's
# memcheck: fails on any memory error or definite leak.
memcheck: deps
	@$(MAKE) --no-print-directory all
	@sh tests/memcheck.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/demo.sh

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/contactsync
	install -m 644 doc/contactsync.1 $(DESTDIR)$(MANDIR)/man1/contactsync.1

clean:
	rm -rf $(BUILD) build-asan contactsync

FORCE:

.PHONY: all deps test asan memcheck demo install clean FORCE

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
