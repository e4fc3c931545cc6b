# The --html page in a real browser (tests/html/browser_check.sh): headless
# Chromium loads pages of real runs; the test checks their DOM, takes
# screenshots and bounds the size and load time of a 500-process page.
# What it leaves (pages, DOMs, screenshots) is in build/html-check.
check-html: $(B)/exitguard $(B)/libexitguard.so $(B)/tests/programs/leak_one \
            $(B)/tests/programs/leak_tree $(B)/tests/programs/misuse
	sh tests/html/browser_check.sh $(B) $(B)/html-check
check: check-html
.PHONY: check-html
