# contactsync build. `make` builds, `make test` installs dependencies (when
# missing), builds and runs every test, `make demo` runs the main job on
# samples/, `make asan` runs the suite under ASan+UBSan, `make memcheck`
# the import/export end-to-end tests under valgrind, `make fuzz` runs
# every libFuzzer target of tests/fuzz/ (FUZZ_TIME seconds each, default 600;
# FUZZ_TARGETS picks some, FUZZ_JOBS runs that many at once; clang needed).

PREFIX ?= /usr/local
MANDIR ?= $(PREFIX)/share/man
BUILD ?= build
BIN ?= contactsync
CC ?= cc
CXX ?= c++

PKGS = lmdb jansson libutf8proc inih libcurl minizip expat freexl xlsxwriter libpcre2-8 uchardet libxml-2.0
# Evaluated lazily: `make test` installs the packages before the first use.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -llmdb -ljansson -lutf8proc -linih -lcurl -lminizip -lz -lexpat -lfreexl -lxlsxwriter -lpcre2-8 -luchardet -lxml2)
# No .pc files in Debian for these two: plain -l.
PHONE_LIBS = -lphonenumber $(shell pkg-config --libs icu-uc icu-i18n protobuf 2>/dev/null)
CSV_LIBS = -lcsv
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

OPT ?= -O2 -g
SAN ?=
WARN = -Wall -Wextra -Werror
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE $(OPT) $(SAN) $(WARN) -Iinclude -Isrc $(PKG_CFLAGS) $(CFLAGS)
CXXFLAGS_ALL = -std=c++17 $(OPT) $(SAN) $(WARN) -Iinclude -Isrc $(CXXFLAGS)
LDFLAGS_ALL = $(SAN) $(LDFLAGS)
LIBS_ALL = $(PKG_LIBS) $(PHONE_LIBS) $(CSV_LIBS) -lpthread -lm $(LIBS)

# The layers (README, Source layout): the library (src/*.c and the families
# in src/read/, src/provider/) and the tool (src/cmd/: main, the commands,
# options, logs) that turns argv into library calls.
LIB_C = $(wildcard src/*.c src/read/*.c src/provider/*.c)
CMD_C = $(filter-out src/cmd/main.c,$(wildcard src/cmd/*.c))
LIB_CXX = $(wildcard src/*.cc)
# libphonenumber's metadata as C tables for the fast path (phonemeta.h),
# generated from the installed library, never committed.
PHONEMETA_C = $(BUILD)/phonemeta.c
PHONEMETA_GEN = $(BUILD)/gen/phonemeta_gen
LIB_OBJ = $(LIB_C:%.c=$(BUILD)/%.o) $(LIB_CXX:%.cc=$(BUILD)/%.o) $(BUILD)/phonemeta.o
CMD_OBJ = $(CMD_C:%.c=$(BUILD)/%.o)
LIBA = $(BUILD)/libcontactsync.a
TOOLA = $(BUILD)/libcontactsync-tool.a
# What tests, tools and the emulator link: the tool's modules (options,
# logs) and the library, which never calls the tool (tests/src/layers.py).
LINKA = $(TOOLA) $(LIBA)

UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC = $(wildcard tests/tools/*.c)
TOOL_BIN = $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)
# The provider emulator (test infrastructure, also for rehearsals).
EMU_SRC = $(wildcard tests/emulator/*.c)
EMU_OBJ = $(EMU_SRC:%.c=$(BUILD)/%.o)
EMU_BIN = $(if $(EMU_SRC),$(BUILD)/contactsync-emulator)
EMU_LIBS = $(shell pkg-config --libs libmicrohttpd 2>/dev/null || echo -lmicrohttpd)

# Fuzz targets (tests/fuzz/fuzz_*.c): `make` links each with replay.c, so
# `make test` replays the corpora and crash reproducers without clang.
FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_ALL = $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
REPLAY_BIN = $(FUZZ_ALL:%=$(BUILD)/fuzz/replay_%)
FUZZ_BIN = $(FUZZ_ALL:%=$(BUILD)/fuzz/fuzz_%)
FUZZ_DEPS = $(wildcard tests/fuzz/*.h) tests/fuzz/util.c $(wildcard include/*.h src/*/*.h)

all: $(BIN) $(UNIT_BIN) $(TOOL_BIN) $(EMU_BIN) $(REPLAY_BIN)

$(BIN): $(BUILD)/src/cmd/main.o $(LINKA)
	$(CXX) $(LDFLAGS_ALL) -o $@ $(BUILD)/src/cmd/main.o $(LINKA) $(LIBS_ALL)

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(TOOLA): $(CMD_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

# Rebuild everything when the flags change (git and Redis do the same).
$(BUILD)/.flags: FORCE
	@mkdir -p $(BUILD)
	@echo '$(CC) $(CXX) $(CFLAGS_ALL) $(CXXFLAGS_ALL) $(LDFLAGS_ALL)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

# The generator is a build tool: no sanitizer, the host compiler's defaults.
$(PHONEMETA_GEN): src/gen/phonemeta_gen.cc include/phonemeta.h
	@mkdir -p $(dir $@)
	$(CXX) -std=c++17 -O1 $(WARN) -Iinclude -o $@ $< $(PHONE_LIBS)

$(PHONEMETA_C): $(PHONEMETA_GEN)
	$(PHONEMETA_GEN) > $@.tmp
	@mv $@.tmp $@

$(BUILD)/phonemeta.o: $(PHONEMETA_C) include/phonemeta.h $(BUILD)/.flags
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/%.o: %.c $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

$(BUILD)/%.o: %.cc $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS_ALL) -MMD -MP -c -o $@ $<

# The unit tests' fake HTTP server (tests/unit/fakehttp.h), linked into each.
FAKEHTTP_OBJ = $(BUILD)/tests/fakehttp.o

$(FAKEHTTP_OBJ): tests/unit/fakehttp.c $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(FAKEHTTP_OBJ) $(LINKA) $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -o $@ $< $(FAKEHTTP_OBJ) $(LINKA) $(CMOCKA_LIBS) $(EMU_LIBS) $(LIBS_ALL) -lstdc++

$(BUILD)/tools/%: tests/tools/%.c $(LINKA) $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -o $@ $< $(LINKA) $(LIBS_ALL) -lstdc++

$(BUILD)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(FUZZ_DEPS) $(LINKA) $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/fuzz -o $@ $< tests/fuzz/replay.c tests/fuzz/util.c \
		$(LINKA) $(LIBS_ALL) -lstdc++

# Only in the libFuzzer build (FUZZ_VARS): SAN has -fsanitize=fuzzer-no-link.
# Linked by the C++ driver, which brings UBSan's C++ runtime (lpn.cc).
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_DEPS) $(LINKA) $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/fuzz -c -o $@.o $<
	$(CC) $(CFLAGS_ALL) -Itests/fuzz -c -o $@-util.o tests/fuzz/util.c
	$(CXX) $(LDFLAGS_ALL) -fsanitize=fuzzer -o $@ $@.o $@-util.o $(LINKA) $(LIBS_ALL)

# fuzz_xlsin linked with FreeXL itself built from Debian's source under the
# same sanitizers (tests/fuzz/freexl.sh): the child process that loads a
# workbook dying of a FreeXL error the checks let through is a finding.
$(BUILD)/fuzz/fuzz_xlsin_freexl: tests/fuzz/fuzz_xlsin.c tests/fuzz/freexl.sh $(FUZZ_DEPS) $(LINKA) $(BUILD)/.flags
	@mkdir -p $(dir $@)
	CC=$(CC) CFLAGS='$(OPT) $(SAN)' sh tests/fuzz/freexl.sh $(BUILD)/freexl
	$(CC) $(CFLAGS_ALL) -DFUZZ_FREEXL -Itests/fuzz -c -o $@.o $<
	$(CC) $(CFLAGS_ALL) -Itests/fuzz -c -o $@-util.o tests/fuzz/util.c
	$(CXX) $(LDFLAGS_ALL) -fsanitize=fuzzer -o $@ $@.o $@-util.o $(BUILD)/freexl/freexl.o \
		$(LINKA) $(LIBS_ALL)

$(BUILD)/contactsync-emulator: $(EMU_OBJ) $(LINKA)
	$(CC) $(LDFLAGS_ALL) -o $@ $(EMU_OBJ) $(LINKA) $(EMU_LIBS) $(LIBS_ALL) -lstdc++

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
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/fuzz/lsan.supp \
		CONTACTSYNC_BUILD=build-asan CONTACTSYNC_BIN=$(CURDIR)/build-asan/contactsync \
		sh tests/run.sh

# The import/export end-to-end tests with every run under valgrind's
# memcheck: fails on any memory error or definite leak.
memcheck: deps
	@$(MAKE) --no-print-directory all
	@sh tests/memcheck.sh

FUZZ_TIME ?= 600
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_JOBS ?= 1
FUZZ_VARS = BUILD=build-fuzz CC=clang CXX=clang++ OPT='-O1 -g -fno-omit-frame-pointer' \
	SAN='-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=all'

fuzz: deps
	@$(MAKE) --no-print-directory $(FUZZ_VARS) fuzz-bin
	@FUZZ_TIME=$(FUZZ_TIME) FUZZ_JOBS=$(FUZZ_JOBS) sh tests/fuzz/run.sh $(FUZZ_TARGETS)

fuzz-bin: $(FUZZ_BIN)

fuzz-freexl: deps
	@$(MAKE) --no-print-directory $(FUZZ_VARS) build-fuzz/fuzz/fuzz_xlsin_freexl
	@FUZZ_TIME=$(FUZZ_TIME) sh tests/fuzz/run.sh xlsin_freexl

# Adds to tests/fuzz/corpus/ what the last `make fuzz` found that covers
# something new (libFuzzer's -merge=1), and nothing else.
fuzz-merge:
	@$(MAKE) --no-print-directory $(FUZZ_VARS) fuzz-bin
	@sh tests/fuzz/run.sh --merge $(FUZZ_TARGETS)

demo: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/demo.sh

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/contactsync
	install -m 644 doc/contactsync.1 $(DESTDIR)$(MANDIR)/man1/contactsync.1

clean:
	rm -rf $(BUILD) build-asan build-fuzz contactsync

FORCE:

.PHONY: all deps test asan memcheck fuzz fuzz-bin fuzz-freexl fuzz-merge demo install clean FORCE

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
