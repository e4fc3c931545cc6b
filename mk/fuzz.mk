# The readers of what exitguard takes from outside, under libFuzzer with
# AddressSanitizer and UBSan (tests/fuzz/, docs/internals.md, "Untrusted input, and fuzzing its readers").
# `make fuzz` runs each target long, one after the other; `make check`
# runs each for FUZZ_CHECK_SECONDS over its kept corpus.
FUZZ_CC ?= clang
FUZZ_TARGETS ?= options suppressions baseline report registry
FUZZ_RUNS ?= 10000000
FUZZ_SECONDS ?= 0
FUZZ_CHECK_SECONDS ?= 12
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS = -std=gnu11 -Wall -Wextra -Werror -g -O1 $(FUZZ_SAN) $(SHIM_INC) -Iinclude $(TOOLS_INC) -Itests/fuzz
FZ = $(B)/fuzz
# The command's sources, as tests/unit-tools links them; symbolization is
# stubbed (tests/fuzz/symbolize_stub.c says why).
FUZZ_LIB_SRC = $(TOOLS_SRC) shim/base/symbolize.c shim/base/duration.c \
               tests/fuzz/scratch.c tests/fuzz/present.c tests/fuzz/symbolize_stub.c
FUZZ_LIB_OBJ = $(FUZZ_LIB_SRC:%.c=$(FZ)/obj/%.o)
FUZZ_OPTIONS_OBJ = $(addprefix $(FZ)/obj/,shim/base/options.o shim/base/kept.o shim/base/writer.o shim/base/duration.o \
                   tools/base/user_options.o tools/base/child_policy.o)
FUZZ_WRAP = -Wl,--wrap=eg_symbolize,--wrap=eg_symbolize_inline,--wrap=eg_symbolize_end
FUZZ_BINS = $(FUZZ_TARGETS:%=$(FZ)/%)

$(FZ)/obj/%.o: %.c $(TOOLS_HDR) $(wildcard tests/fuzz/*.h) $(SHIM_HDR) mk/fuzz.mk
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FZ)/options: $(FZ)/obj/tests/fuzz/fuzz_options.o $(FUZZ_OPTIONS_OBJ)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^
$(FZ)/%: $(FZ)/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJ)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer $(FUZZ_WRAP) -o $@ $^ -ljansson -ldl

# New inputs go to $(FZ)/work/T, never into the kept corpus; a crash or a
# hang leaves its input in $(FZ)/artifacts.  -close_fd_mask: the readers'
# one-line complaints, thousands a second, would be most of the time.
fuzz_args = -timeout=10 -rss_limit_mb=2048 -close_fd_mask=3 -print_final_stats=1 \
            -artifact_prefix=$(abspath $(FZ))/artifacts/$(1)- \
            $$([ -f tests/fuzz/$(1).dict ] && echo -dict=tests/fuzz/$(1).dict) \
            $(FZ)/work/$(2)$(1) tests/fuzz/corpus/$(1)

fuzz: $(FUZZ_BINS)
	@mkdir -p $(FZ)/artifacts
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(FZ)/work/$$t; \
	    echo "fuzz: $$t: $(FUZZ_RUNS) runs (FUZZ_RUNS), at most $(FUZZ_SECONDS) s (FUZZ_SECONDS, 0: no limit)"; \
	    /usr/bin/time -f "fuzz: $$t: %e s wall, %U s user, %S s system, %M KiB peak" \
	        nice -n 10 $(FZ)/$$t -runs=$(FUZZ_RUNS) -max_total_time=$(FUZZ_SECONDS) \
	        $(call fuzz_args,$$t) 2>$(FZ)/$$t.log; status=$$?; \
	    tests/fuzz/figures.sh $$t $(FZ)/$$t.log; \
	    [ $$status -eq 0 ] || { tail -40 $(FZ)/$$t.log; exit 1; }; \
	done

# Every kept input first (the regressions among them), then new ones.  A
# kept registry of an older format is refused by the version check at
# once and fuzzes nothing behind it: a format bump must remake the seeds.
REGION_VERSION = $(shell sed -n 's/.*EG_REGION_VERSION = \([0-9]*\),.*/\1/p' shim/record/region.h)
fuzz-check: $(FUZZ_BINS)
	@for f in tests/fuzz/corpus/registry/*; do \
	    [ "$$(od -An -tx4 -N4 "$$f" | tr -d ' ')" = 52474745 ] || continue; \
	    v=$$(od -An -tu4 -j4 -N4 "$$f" | tr -d ' '); \
	    [ "$$v" = "$(REGION_VERSION)" ] || { echo "fuzz: $$f is registry format $$v, not $(REGION_VERSION): remake the seeds (docs/internals.md)"; exit 1; }; \
	done
	@mkdir -p $(FZ)/artifacts
	@for t in $(FUZZ_TARGETS); do \
	    rm -rf $(FZ)/work/check-$$t; mkdir -p $(FZ)/work/check-$$t; \
	    $(FZ)/$$t -max_total_time=$(FUZZ_CHECK_SECONDS) \
	        $(call fuzz_args,$$t,check-) \
	        2>$(FZ)/check-$$t.log || { tail -40 $(FZ)/check-$$t.log; exit 1; }; \
	    tests/fuzz/figures.sh $$t $(FZ)/check-$$t.log; \
	done
check: fuzz-check
.PHONY: fuzz fuzz-check
# objects reached through the pattern rules: kept, not rebuilt every time
.SECONDARY: $(FUZZ_LIB_OBJ) $(FUZZ_OPTIONS_OBJ) $(FUZZ_TARGETS:%=$(FZ)/obj/tests/fuzz/fuzz_%.o)
