# Same run, same report (tests/repeat/run.sh): one process tree run again
# and again on a loaded machine, its findings compared run against run and
# against a baseline of the first.  `make check` runs a short round;
# `make repeat RUNS=30` the full one.
$(B)/tests/repeat/tree: tests/repeat/tree.c | $(B)/tests/repeat
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O0 -g -o $@ $<
$(B)/tests/repeat:
	mkdir -p $@

check-repeat: all $(B)/tests/repeat/tree
	EXITGUARD_BUILD=$(abspath $(B)) tests/repeat/run.sh 6
repeat: all $(B)/tests/repeat/tree
	EXITGUARD_BUILD=$(abspath $(B)) tests/repeat/run.sh $(or $(RUNS),30)
check: check-repeat
.PHONY: check-repeat repeat
