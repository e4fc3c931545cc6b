# The README and docs/: every relative link must lead to a file that exists
# and, with an #anchor, to a heading of it (tests/docs/check_links.py).
DOCS = README.md $(wildcard docs/*.md shim/README.md tools/README.md)
check-docs:
	python3 tests/docs/check_links.py $(DOCS)
check: check-docs
.PHONY: check-docs
