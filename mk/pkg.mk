# Man pages and the Debian package.
#
# exitguard(1)'s options and EXITGUARD_OPTIONS keys are generated from the
# tables the parsers read: the OPTIONS(X) macro of tools/base/command_line.c
# (lifted out with awk, then expanded by the compiler) and shim/base/options.def.
MAN = $(B)/man
MANDIR ?= $(PREFIX)/share/man
# every function exitguard(3) documents, so that `man exitguard_call` works
MAN3_LINKS = exitguard_finalize exitguard_finalize_fd exitguard_call exitguard_detach \
             exitguard_peek exitguard_alive exitguard_set_atexit exitguard_get_atexit \
             exitguard_release

$(MAN)/command_options.h: tools/base/command_line.c | $(MAN)
	awk '/^#define OPTIONS\(X\)/ { on = 1 } on { print } on && !/\\$$/ { exit }' $< > $@
$(MAN)/gen_page: man/gen_page.c $(MAN)/command_options.h shim/base/options.def | $(MAN)
	$(CC) $(BASE_CFLAGS) -I$(MAN) -o $@ man/gen_page.c
$(MAN)/exitguard.1: man/exitguard.1.in $(MAN)/gen_page Makefile
	$(MAN)/gen_page < $< | sed -e 's|@LIBDIR@|$(LIBDIR)|g; s|@DATADIR@|$(DATADIR)|g; s|@VERSION@|$(VERSION)|g' > $@.tmp
	mv $@.tmp $@
$(MAN):
	mkdir -p $@
all: $(MAN)/exitguard.1

install: install-man
install-man: $(MAN)/exitguard.1
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3
	install -m 644 $(MAN)/exitguard.1 $(DESTDIR)$(MANDIR)/man1/exitguard.1
	install -m 644 man/exitguard.3 $(DESTDIR)$(MANDIR)/man3/exitguard.3
	for f in $(MAN3_LINKS); do ln -sf exitguard.3 $(DESTDIR)$(MANDIR)/man3/$$f.3; done

# groff's every warning, none allowed; then the page must name each option
# --help prints (the awk step above lifting a table that a change of layout
# broke would otherwise lose options quietly).
check-man: $(MAN)/exitguard.1 $(B)/exitguard
	for page in $(MAN)/exitguard.1 man/exitguard.3; do \
	    out=$$(LC_ALL=C.UTF-8 groff -ww -man -z -Tutf8 $$page 2>&1); \
	    [ -z "$$out" ] || { echo "$$page: $$out"; exit 1; }; \
	done
	groff -man -Tascii -P-cbou $(MAN)/exitguard.1 > $(MAN)/exitguard.1.txt
	$(B)/exitguard --help | sed -n 's/^  \(--[a-z-]*\).*/\1/p' | while read -r opt; do \
	    grep -qE -- "^ +$$opt( |\[|$$)" $(MAN)/exitguard.1.txt || \
	        { echo "$(MAN)/exitguard.1 lacks $$opt, which --help lists"; exit 1; }; \
	done
check: check-man

.PHONY: install-man check-man

# The Debian packages (debian/), built with dpkg-buildpackage from a copy of
# the tree, checked with lintian, unpacked into a scratch root and used from
# there: tests/package/run.sh says how and why.
check-package:
	tests/package/run.sh . $(B)/pkg $(VERSION)
check: check-package

.PHONY: check-package
