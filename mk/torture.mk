# Torture run (tests/torture/run.sh): random process trees dying at random
# under the command, checked from outside.  `make check` runs a short
# fixed-seed round; `make torture SEEDS=1-200 PROCESSES=1000` a long one.
TORTURE = $(B)/tests/torture/stage $(B)/tests/torture/static_stage
$(B)/tests/torture/stage: tests/torture/stage.c include/exitguard.h | $(B)/tests/torture
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O0 -g -pthread -Iinclude -o $@ $<
# no PT_INTERP: the loader never reads LD_PRELOAD, exitguard cannot follow it
$(B)/tests/torture/static_stage: tests/torture/static_stage.c | $(B)/tests/torture
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O2 -static -o $@ $<
$(B)/tests/torture:
	mkdir -p $@

check-torture: all $(TORTURE) $(B)/tests/programs/libparent_gone.so
	EXITGUARD_BUILD=$(abspath $(B)) tests/torture/shell_gone.sh
	EXITGUARD_BUILD=$(abspath $(B)) SEEDS=1-60 tests/torture/run.sh
torture: all $(TORTURE)
	EXITGUARD_BUILD=$(abspath $(B)) SEEDS=$(or $(SEEDS),1-100) PROCESSES=$(or $(PROCESSES),1000) \
	    nice -n 10 tests/torture/run.sh
check: check-torture
.PHONY: check-torture torture
