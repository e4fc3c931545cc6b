# exitguard.  `make` builds the library and the command, `make check` runs
# the tests, `make bench` the benchmarks, `make install PREFIX=...` installs.
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
DATADIR ?= $(PREFIX)/share
CC ?= cc
CFLAGS ?= -O2 -g
# The library's layers, lowest first: a file may include its own layer's
# headers and lower ones' (make check-layers).
SHIM_LAYERS = base record report exit interpose
SHIM_INC = $(SHIM_LAYERS:%=-Ishim/%)
BASE_CFLAGS = -std=gnu11 -Wall -Wextra -Werror $(CFLAGS) $(SHIM_INC) -Iinclude
B = build
# one version, the header's: the package, pkg-config and --version follow it
VERSION := $(shell sed -n 's/^#define EXITGUARD_VERSION "\(.*\)"/\1/p' include/exitguard.h)

SHIM_SRC = $(wildcard shim/*/*.c)
SHIM_ASM = $(wildcard shim/*/*_$(shell uname -m).S)
# What every process runs at start and exit, linked first and so side by
# side in the text: in the order of the folders it spans more pages, and a
# spawned /bin/true took 2 more minor faults (tools/bench/spawnbench.c).
SHIM_START = base/options base/duration base/guard interpose/init record/start_state \
             exit/exit base/real record/region report/report_record base/writer
SHIM_OBJ = $(SHIM_START:%=$(B)/shim/%.o) \
           $(filter-out $(SHIM_START:%=$(B)/shim/%.o),$(SHIM_SRC:shim/%.c=$(B)/shim/%.o)) \
           $(SHIM_ASM:shim/%.S=$(B)/shim/%.o)
SHIM_HDR = $(wildcard shim/*/*.h shim/*/*.def include/*.h)
# The registry, depot, options, report and symbolizer, without interposers,
# constructor or exit hooks: what unit tests link directly.
CORE_SRC = $(filter-out shim/base/memcpy.c,$(wildcard shim/base/*.c shim/record/*.c shim/report/*.c))
# The command's layers, lowest first, each a folder of tools/ (main, in
# tools/exitguard.c, above them all).
TOOLS_LAYERS = base run collect judge write
TOOLS_INC = -Itools $(TOOLS_LAYERS:%=-Itools/%)
TOOLS_SRC = $(wildcard $(TOOLS_LAYERS:%=tools/%/*.c))
TOOLS_HDR = $(wildcard $(TOOLS_LAYERS:%=tools/%/*.h))
CMD_SRC = tools/exitguard.c $(TOOLS_SRC) shim/base/symbolize.c shim/base/duration.c

UNIT_SRC = $(wildcard tests/unit_*.c)
E2E_SRC = $(wildcard tests/e2e_*.c)
PROG_SRC = $(wildcard tests/programs/*.c)
PROGS = $(PROG_SRC:tests/programs/%.c=$(B)/tests/programs/%) \
        $(B)/tests/programs/fortified $(B)/tests/programs/stripped $(B)/tests/programs/linked \
        $(B)/tests/programs/libearly_open.so $(B)/tests/programs/libexec_pause.so \
        $(B)/tests/programs/libmkstemp_hold.so

all: $(B)/libexitguard.so $(B)/exitguard $(B)/default.supp

# The default suppressions, beside the command in the build tree, where it
# finds them (tools/run/default_supp_path.c); installed in DATADIR/exitguard.
$(B)/default.supp: share/default.supp | $(B)
	cp $< $@

# Frame pointers: the stack cache (stack.c) finds the program's call site
# by walking exitguard's own frames.  No loop turned into a libc call
# (strlen, memcpy, memset): the start's own loops are there to spare every
# process a lazy binding, and a forked child a page of libc's text.
SHIM_CFLAGS = $(BASE_CFLAGS) -fPIC -fvisibility=hidden -ftls-model=initial-exec \
              -fno-omit-frame-pointer -fno-tree-loop-distribute-patterns
$(B)/shim/%.o: shim/%.c $(SHIM_HDR) Makefile
	@mkdir -p $(@D)
	$(CC) $(SHIM_CFLAGS) -c $< -o $@
$(B)/shim/%.o: shim/%.S Makefile
	@mkdir -p $(@D)
	$(CC) $(SHIM_CFLAGS) -c $< -o $@

# Depends on libc alone: libgcc's unwinder is linked in, its symbols hidden
# (a program's C++ exceptions and pthread_cancel keep libgcc_s's own), and
# libdw is loaded when first needed.
# Lazy binding: with -z now every process resolved all ~100 imports at
# load (60k instructions, half of what preloading costs a /bin/true); a
# quiet process calls a handful of them.
# Not $(CPPFLAGS): with _FORTIFY_SOURCE the library's own calls to open
# would go to __open_2 and friends, names it interposes itself.  The SONAME
# is the name a program linked with -lexitguard recorded anyway; a library
# in a linker directory without one is an error to lintian.
# No start files (crti, crtbeginS, crtendS): their _init and _fini are
# empty, their transactional-memory clones and __cxa_finalize call are
# nothing a preloaded library needs, and their weak references were four
# symbols the loader looked up in every process (three found nowhere);
# the one thing of theirs we use, __dso_handle, is exit.c's.  Our
# constructor and destructors run from .init_array and .fini_array, and the
# unwinder finds our frames through .eh_frame_hdr.
SHIM_UNWINDER = -static-libgcc -Wl,--exclude-libs,libgcc_eh.a:libgcc.a
SHIM_LINK = -shared -nostartfiles
$(B)/libexitguard.so: $(SHIM_OBJ)
	$(CC) $(SHIM_CFLAGS) $(LDFLAGS) $(SHIM_LINK) -Wl,--no-undefined \
	    -Wl,-soname,libexitguard.so -o $@ $^ -ldl $(SHIM_UNWINDER)

# The command finds the library at LIBDIR taken relative to PREFIX (from
# PREFIX/bin/..), then at LIBDIR itself (tools/run/library_path.c).  That part
# is noted in a file, so that `make install` with a LIBDIR the command was
# not built for (a multiarch lib/<triplet>) rebuilds it; a staged install
# (PREFIX=DIR, LIBDIR=DIR/lib) does not need to.
LIBDIR_FROM_PREFIX = $(patsubst $(PREFIX)/%,%,$(LIBDIR))
$(B)/libdir: FORCE | $(B)
	@echo '$(LIBDIR_FROM_PREFIX)' | cmp -s - $@ || echo '$(LIBDIR_FROM_PREFIX)' > $@
FORCE:
$(B)/exitguard: $(CMD_SRC) $(TOOLS_HDR) $(SHIM_HDR) $(B)/libdir | $(B)
	$(CC) $(BASE_CFLAGS) $(TOOLS_INC) $(CPPFLAGS) -DEXITGUARD_PREFIX='"$(PREFIX)"' -DEXITGUARD_LIBDIR='"$(LIBDIR)"' \
	    -DEXITGUARD_DATADIR='"$(DATADIR)"' -DEXITGUARD_VERSION='"$(VERSION)"' $(LDFLAGS) -o $@ $(CMD_SRC) -ljansson -ldl

# ---- tests ----
$(B)/tests/programs/%: tests/programs/%.c include/exitguard.h | $(B)/tests/programs
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O0 -g -pthread -Iinclude -o $@ $<

# the finalizer API linked (-lexitguard) rather than preloaded
$(B)/tests/programs/linked: tests/programs/finalizers.c $(B)/libexitguard.so | $(B)/tests/programs
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O0 -g -pthread -Iinclude -DLINKED -o $@ $< \
	    -L$(B) -lexitguard -Wl,-rpath,$(abspath $(B))

# open() with flags unknown at compile time becomes __open_2 when fortified
$(B)/tests/programs/fortified: tests/programs/leak_one.c | $(B)/tests/programs
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O2 -g -D_FORTIFY_SOURCE=2 -DFORTIFIED -o $@ $<

# libraries preloaded beside exitguard (tests/preload/*.c say what for)
$(B)/tests/programs/lib%.so: tests/preload/%.c | $(B)/tests/programs
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O0 -g -fPIC -shared -o $@ $<

$(B)/tests/programs/stripped: $(B)/tests/programs/leak_one
	strip -o $@ $<

# inlined helpers need -O2; stripped, its exported functions (-rdynamic)
# are all a stack can name (tests/e2e_frames.c)
$(B)/tests/programs/inlined: tests/programs/inlined.c | $(B)/tests/programs
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O2 -g -rdynamic -o $@ $<
$(B)/tests/programs/inlined_stripped: $(B)/tests/programs/inlined
	strip -o $@ $<
PROGS += $(B)/tests/programs/inlined_stripped

$(B)/tests/unit: $(UNIT_SRC) $(CORE_SRC) tests/harness.c tests/harness.h $(SHIM_HDR) | $(B)/tests
	$(CC) $(BASE_CFLAGS) -pthread -Itests -o $@ $(UNIT_SRC) $(CORE_SRC) tests/harness.c \
	    -lcriterion -ljansson -ldl

$(B)/tests/e2e: $(E2E_SRC) tests/harness.c tests/harness.h shim/base/symbolize.c | $(B)/tests
	$(CC) $(BASE_CFLAGS) -pthread -Itests -o $@ $(E2E_SRC) tests/harness.c shim/base/symbolize.c \
	    -lcriterion -ljansson -ldl

TEST_JOBS ?= 2
check: all $(PROGS) $(B)/tests/unit $(B)/tests/e2e $(B)/example
	$(B)/tests/unit --jobs $(TEST_JOBS)
	EXITGUARD_BUILD=$(abspath $(B)) $(B)/tests/e2e --jobs $(TEST_JOBS)
	EXITGUARD_OPTIONS=report=none $(B)/example | grep -qx 'alive: 1'
	$(MAKE) -s check-compat

# Real programs (bash, dash, python3, perl, git, make -j2, sqlite3, java,
# node, tclsh) natively and under exitguard: the same output, status and
# files.  A program missing here is a failure: tools/setup-debian installs them.
check-compat: all
	EXITGUARD_BUILD=$(abspath $(B)) tests/compat/run.sh --require-all

# The command's report formats (suppressions, baseline, JUnit, SARIF) over
# hand-made reports: the tools' sources without main, in a binary of their
# own (tests/unit_*.c link the library's core, not the tools).
TOOLS_TEST_SRC = $(wildcard tests/tools/*.c)
TOOLS_LIB_SRC = $(TOOLS_SRC) shim/base/symbolize.c \
                shim/base/duration.c
$(B)/tests/unit-tools: $(TOOLS_TEST_SRC) $(wildcard tests/tools/*.h) $(TOOLS_LIB_SRC) \
                       $(TOOLS_HDR) $(SHIM_HDR) | $(B)/tests
	$(CC) $(BASE_CFLAGS) $(TOOLS_INC) -Itests/tools -o $@ $(TOOLS_TEST_SRC) $(TOOLS_LIB_SRC) \
	    -lcriterion -ljansson -ldl
check-tools: $(B)/tests/unit-tools $(B)/exitguard $(B)/libexitguard.so $(B)/tests/programs/leak_one
	$(B)/tests/unit-tools --jobs $(TEST_JOBS)
check: check-tools
.PHONY: check-tools

# The statics written around every fork share one page (shim/base/fork_state.h):
# a section that grew across a page boundary costs each side of a fork a fault.
check-fork-state: $(B)/libexitguard.so
	@set -- $$(readelf -SW $< | sed -n 's/.* eg_fork_state *PROGBITS *\([0-9a-f]*\) [0-9a-f]* \([0-9a-f]*\) .*/\1 \2/p'); \
	[ $$#  = 2 ] && [ $$((0x$$1 / 4096)) = $$(((0x$$1 + 0x$$2 - 1) / 4096)) ] || \
	    { echo "check-fork-state: eg_fork_state ($$*) spans pages" >&2; exit 1; }
check: check-fork-state
.PHONY: check-fork-state

# Real test runners wrapped end to end (tests/e2e_runners.c): a make check
# suite (built by its own Makefile), a Criterion binary, and the C helper
# the python unittest module runs.
RUNNERS = $(B)/tests/runners
RUNNER_FIXTURES = $(RUNNERS)/makecheck/leaky_test $(RUNNERS)/criterion_suite $(RUNNERS)/leaky_helper
$(RUNNERS)/makecheck/leaky_test: $(wildcard tests/runners/makecheck/*)
	mkdir -p $(@D) && $(MAKE) -s -C tests/runners/makecheck O=$(abspath $(@D)) all
$(RUNNERS)/criterion_suite: tests/runners/criterion/leaky_suite.c
	mkdir -p $(@D) && $(CC) -std=gnu11 -Wall -Wextra -Werror -O0 -g -o $@ $< -lcriterion
$(RUNNERS)/leaky_helper: tests/runners/pyunit/leaky_helper.c
	mkdir -p $(@D) && $(CC) -std=gnu11 -Wall -Wextra -Werror -O0 -g -o $@ $<
check: $(RUNNER_FIXTURES)

# docs/library.md's example, built as a user would: against an installed copy,
# found through pkg-config.
STAGE = $(abspath $(B)/stage)
$(B)/example: examples/finalize.c all
	rm -rf $(STAGE)
	$(MAKE) -s install PREFIX=$(STAGE)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -o $@ $< \
	    $$(PKG_CONFIG_PATH=$(STAGE)/lib/pkgconfig pkg-config --cflags --libs exitguard) \
	    -Wl,-rpath,$(STAGE)/lib

# The unit tests under AddressSanitizer+UBSan (leak detection off: the
# tests keep their parsed JSON documents), then the registry and depot under
# ThreadSanitizer, in a plain driver: Criterion's runner cannot start under
# TSan.  A fixed base address keeps TSan's shadow memory happy with ASLR.
SANITIZE_SRC = $(CORE_SRC) tests/harness.c
check-sanitize: $(B)/exitguard $(B)/libexitguard.so $(B)/tests/programs/leak_one | $(B)/tests
	$(CC) $(BASE_CFLAGS) -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	    -pthread -Itests -o $(B)/tests/unit-asan $(UNIT_SRC) $(SANITIZE_SRC) \
	    -lcriterion -ljansson -ldl
	ASAN_OPTIONS=detect_leaks=0 $(B)/tests/unit-asan --jobs $(TEST_JOBS)
	$(CC) $(BASE_CFLAGS) -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	    $(TOOLS_INC) -Itests/tools -o $(B)/tests/unit-tools-asan $(TOOLS_TEST_SRC) $(TOOLS_LIB_SRC) \
	    -lcriterion -ljansson -ldl
	ASAN_OPTIONS=detect_leaks=0 $(B)/tests/unit-tools-asan --jobs $(TEST_JOBS)
	$(CC) $(BASE_CFLAGS) -O1 -fsanitize=thread -pthread -Itests -o $(B)/tests/stress-tsan \
	    tests/stress_registry.c $(SANITIZE_SRC) -lcriterion -ljansson -ldl
	TSAN_OPTIONS=halt_on_error=1 setarch -R $(B)/tests/stress-tsan

bench: all
	bash tools/bench/run.sh

# ---- install ----
install: all
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/include
	install -m 755 $(B)/libexitguard.so $(DESTDIR)$(LIBDIR)/libexitguard.so
	install -m 755 $(B)/exitguard $(DESTDIR)$(PREFIX)/bin/exitguard
	install -d $(DESTDIR)$(DATADIR)/exitguard
	install -m 644 share/default.supp $(DESTDIR)$(DATADIR)/exitguard/default.supp
	install -m 644 include/exitguard.h $(DESTDIR)$(PREFIX)/include/exitguard.h
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@VERSION@|$(VERSION)|' \
	    exitguard.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/exitguard.pc

$(B) $(B)/shim $(B)/tests $(B)/tests/programs:
	mkdir -p $@

clean:
	rm -rf $(B)

.PHONY: all check check-compat check-sanitize bench install clean

# Each larger test family (fuzzing, torture, packaging, the HTML report) keeps
# its rules in a fragment of its own.
include $(wildcard mk/*.mk)
