# The library itself under ThreadSanitizer, preloaded into the e2e race
# programs (tests/tsan/run.sh): `make check-tsan`, RUNS=3 by default; one
# round runs in `make check`.
TSAN = $(B)/tsan
TSAN_FLAGS = -fsanitize=thread -O1 -g
TSAN_SHIM_OBJ = $(SHIM_SRC:shim/%.c=$(TSAN)/shim/%.o) $(SHIM_ASM:shim/%.S=$(TSAN)/shim/%.o)
TSAN_PROGS = $(TSAN)/race $(TSAN)/thread_mix $(TSAN)/finalizers

$(TSAN)/shim/%.o: shim/%.c $(SHIM_HDR) mk/tsan.mk
	@mkdir -p $(@D)
	$(CC) $(SHIM_CFLAGS) $(TSAN_FLAGS) -c $< -o $@
$(TSAN)/shim/%.o: shim/%.S mk/tsan.mk
	@mkdir -p $(@D)
	$(CC) $(SHIM_CFLAGS) $(TSAN_FLAGS) -c $< -o $@
$(TSAN)/libexitguard.so: $(TSAN_SHIM_OBJ)
	$(CC) $(SHIM_CFLAGS) $(TSAN_FLAGS) $(SHIM_LINK) -o $@ $^ -ldl $(SHIM_UNWINDER)
$(TSAN)/%: tests/programs/%.c include/exitguard.h mk/tsan.mk
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -Wall -Wextra -Werror $(TSAN_FLAGS) -pthread -Iinclude -o $@ $<

RUNS ?= 3
check-tsan: $(TSAN)/libexitguard.so $(TSAN_PROGS)
	tests/tsan/run.sh $(TSAN) $(RUNS)
check-tsan-once: $(TSAN)/libexitguard.so $(TSAN_PROGS)
	tests/tsan/run.sh $(TSAN) 1
check: check-tsan-once
.PHONY: check-tsan check-tsan-once
