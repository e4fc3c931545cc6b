#!/usr/bin/env bash
# Builds the Debian packages from a copy of the tree, checks them with
# lintian, unpacks them into a scratch root and uses what they installed:
# the README's leak example with the installed command, the man pages, and
# docs/library.md's finalizer example built against the installed header and
# pkg-config file.
#
# Unpacked with dpkg -x, not installed with dpkg -i: that needs neither
# root nor the dpkg lock (which apt may hold, on CI or on a shared machine),
# changes nothing on the machine, and a copy installed earlier cannot stand
# in for the one under test -- the command finds its library relative to
# itself first, as it does under /usr.
#
# usage: tests/package/run.sh SRCDIR WORKDIR VERSION
set -euo pipefail
src=$(realpath "$1")
work=$2
version=$3
fail() { echo "package: $*" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work/exitguard-$version"
work=$(realpath "$work")
tree=$work/exitguard-$version
root=$work/root

# dpkg-buildpackage writes beside the tree: build a copy, without build/
tar -C "$src" --exclude=./build --exclude=./.git -cf - . | tar -C "$tree" -xf -
changelog_version=$(dpkg-parsechangelog -l "$tree/debian/changelog" -S Version)
[ "$changelog_version" = "$version" ] ||
    fail "debian/changelog is at $changelog_version, the Makefile's VERSION is $version"
# this make's jobserver and variables are not the package build's
if ! (cd "$tree" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL DEB_BUILD_OPTIONS=parallel=2 \
          dpkg-buildpackage -us -uc -b) > "$work/build.log" 2>&1; then
    tail -n 30 "$work/build.log" >&2
    fail "dpkg-buildpackage failed (log: $work/build.log)"
fi
deb=$work/exitguard_${version}_amd64.deb
dev=$work/libexitguard-dev_${version}_amd64.deb
[ -f "$deb" ] && [ -f "$dev" ] || fail "dpkg-buildpackage made no $deb and $dev"

# errors fail; warnings are shown (docs/package.md)
if ! lint=$(lintian --fail-on error "$work/exitguard_${version}_amd64.changes" 2>&1); then
    echo "$lint" >&2
    fail "lintian found errors"
fi
grep -v '^running with root privileges' <<< "$lint" >&2 || true

dpkg -x "$deb" "$root"
dpkg -x "$dev" "$root"
root=$(realpath "$root")
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
deb_files=$(dpkg-deb -c "$deb")
dev_files=$(dpkg-deb -c "$dev")
for f in usr/bin/exitguard "usr/lib/$multiarch/libexitguard.so" usr/share/man/man1/exitguard.1.gz \
         usr/share/exitguard/default.supp; do
    grep -q " \./$f\$" <<< "$deb_files" || fail "exitguard package lacks /$f"
done
for f in usr/include/exitguard.h "usr/lib/$multiarch/pkgconfig/exitguard.pc" \
         usr/share/man/man3/exitguard.3.gz usr/share/man/man3/exitguard_finalize.3.gz; do
    grep -q " \./$f\( -> .*\)\?\$" <<< "$dev_files" || fail "libexitguard-dev lacks /$f"
done
# what apt must bring: jansson for the command, libdw for names in stacks
dpkg-deb -f "$deb" Depends | grep -q 'libjansson4' || fail "exitguard does not depend on libjansson4"
dpkg-deb -f "$deb" Recommends | grep -q 'libdw1' || fail "exitguard does not recommend libdw1"
if leaked=$(grep -rlF -e "$src" "$root"); then
    fail "installed files name the source tree: $leaked"
fi

# The installed command, from outside the tree, with nothing of build/ on
# PATH: it must preload the installed library and report the leak.
cd "$work"
export PATH=/usr/bin:/bin
seen=$("$root/usr/bin/exitguard" --quiet -- sh -c 'printf %s "$LD_PRELOAD"' 2>/dev/null)
[ "$seen" = "$root/usr/lib/$multiarch/libexitguard.so" ] ||
    fail "the installed exitguard preloads '$seen', not $root/usr/lib/$multiarch/libexitguard.so"
status=0
"$root/usr/bin/exitguard" -- python3 -c 'import os; os.open("/etc/passwd", os.O_RDONLY)' \
    > "$work/leak.out" 2> "$work/leak.err" || status=$?
[ "$status" -eq 0 ] || fail "exitguard -- python3 exited with $status, python3's status is 0"
grep -qE '^ +fd [0-9]+: file /etc/passwd \(O_RDONLY' "$work/leak.err" ||
    { cat "$work/leak.err" >&2; fail "the installed exitguard did not report python3's leak"; }
# a function name: the installed command found libdw (a python3 without
# debug information gives its exported functions)
grep -qE '^ +#[0-9]+ 0x[0-9a-f]+ in [A-Za-z_]' "$work/leak.err" ||
    { cat "$work/leak.err" >&2; fail "the leak's stack names no function"; }
grep -qE '^exitguard: [0-9]+ process(es)?, 1 leaked: 1 fd leaked' "$work/leak.err" ||
    { cat "$work/leak.err" >&2; fail "the summary line does not count the leak, and it alone"; }
# the default suppressions, found from the unpacked command: bash's own
# fd 255 on the script is hidden and counted, the script's fd 3 is not
printf 'exec 3</etc/passwd\n' > "$work/leak.sh"
"$root/usr/bin/exitguard" -- bash "$work/leak.sh" 2> "$work/bash.err" ||
    fail "exitguard -- bash leak.sh failed"
grep -q '^exitguard: 1 finding hidden by default suppressions' "$work/bash.err" &&
    grep -qE '^ +fd 3: file /etc/passwd' "$work/bash.err" && ! grep -q 'fd 255' "$work/bash.err" ||
    { cat "$work/bash.err" >&2; fail "the unpacked exitguard did not apply its default suppressions"; }

for page in "$root/usr/share/man/man1/exitguard.1.gz" "$root/usr/share/man/man3/exitguard_call.3.gz"; do
    warnings=$(zcat "$page" | LC_ALL=C.UTF-8 groff -ww -man -z -Tutf8 2>&1)
    [ -z "$warnings" ] || fail "$page: $warnings"
done
zcat "$root/usr/share/man/man1/exitguard.1.gz" | grep -qF "/usr/lib/$multiarch/libexitguard.so" ||
    fail "exitguard(1) does not name the installed library"

# The dev package, as a user builds against it (the .pc names /usr:
# the scratch root is its sysroot)
PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR="$root/usr/lib/$multiarch/pkgconfig" \
    PKG_CONFIG_SYSROOT_DIR="$root" \
    pkg-config --cflags --libs exitguard > "$work/pc.flags"
# shellcheck disable=SC2046
cc -std=gnu11 -Wall -Wextra -Werror -o "$work/finalize" "$src/examples/finalize.c" $(cat "$work/pc.flags")
readelf -d "$work/finalize" | grep -q 'NEEDED.*\[libexitguard.so\]' ||
    fail "a program built with the .pc does not need libexitguard.so"
out=$(LD_LIBRARY_PATH="$root/usr/lib/$multiarch" EXITGUARD_OPTIONS=report=none "$work/finalize")
[ "$out" = "alive: 1" ] || fail "examples/finalize.c built against the package printed '$out'"
echo "package: exitguard_${version} and libexitguard-dev_${version} built (no lintian errors) and work unpacked"
