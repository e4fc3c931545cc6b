# make -j2: a dozen targets whose recipes run shell commands and write
# files in out/, some chained, one through a recursive make (the jobserver's
# fds cross exec).  Only the last recipe prints, so stdout does not depend
# on the order the jobs ran in.
N := 01 02 03 04 05 06 07 08 09 10 11 12
OUT := $(N:%=out/t%.txt)

all: out/summary.txt
	@cat out/summary.txt

out/summary.txt: $(OUT) out/chain3.txt out/sub.txt
	@cat $^ | sort | uniq -c | sort -k2 >$@.tmp && mv $@.tmp $@

out/t%.txt: | out
	@seq 1 $* | awk '{ s += $$1 } END { print "target $* sum " s }' >$@

out/chain1.txt: out/t01.txt
	@sed 's/target/chain1 of/' $< >$@
out/chain2.txt: out/chain1.txt
	@tr a-z A-Z <$< >$@
out/chain3.txt: out/chain2.txt
	@(cat $<; echo "chain end") | paste -sd ' ' - >$@

out/sub.txt: | out
	@$(MAKE) -s -f $(firstword $(MAKEFILE_LIST)) out/from-sub-make.txt
	@cp out/from-sub-make.txt $@
out/from-sub-make.txt: | out
	@echo "recursive make" >$@

out:
	@mkdir -p out

.PHONY: all
