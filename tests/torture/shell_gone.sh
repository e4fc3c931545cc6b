#!/usr/bin/env bash
# The shell of a popen() ends while the stage it runs is deciding whether
# to log it (tests/preload/parent_gone.c kills it there): the stage must
# log the shell it saw, not the subreaper it was handed to -- a pid with
# no document of its own (torture seeds 264 and 288 under load).  The
# root stays until the stage has logged, or the run's end would take the
# stage for a leftover.
set -u
command -v jq >/dev/null || { echo "shell_gone: jq is missing (tools/setup-debian)" >&2; exit 2; }
BUILD=${EXITGUARD_BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
mkdir "$d/tmp"
: > "$d/log"
env TORTURE_TREE=shell-gone-$$ TORTURE_LOG="$d/log" TORTURE_STAGE="$BUILD/tests/torture/stage" \
    TMPDIR="$d/tmp" LD_PRELOAD="$BUILD/tests/programs/libparent_gone.so" \
    EXITGUARD_OPTIONS=tempfiles=unlink:finalizer_timeout=300ms \
    timeout -k 2 30 "$BUILD/exitguard" --quiet --json "$d/out.json" -- \
    /bin/sh -c 'sh -c "$1 $0 1 3 s popen" & n=0
                while [ $n -lt 500 ] && [ $(grep -c . "$TORTURE_LOG") -lt 2 ]; do
                    sleep 0.01; n=$((n + 1)); done' \
    shell-gone-$$ "$BUILD/tests/torture/stage" \
    > "$d/stdout" 2> "$d/stderr" < /dev/null
jq -r '.processes[] | "\(.pid) \(.end.how)\(if .end.exec then "-exec" else "" end) \(.end.unchecked // "-")"' \
    "$d/out.json" > "$d/docs" || { echo "shell_gone: no --json document" >&2; exit 1; }
grep -q ' shell shell ' "$d/log" || { echo "shell_gone: the shell was not logged:" >&2; cat "$d/log" >&2; exit 1; }
grep -q '^parent_gone: shell [0-9]* ended' "$d/stderr" ||
    { echo "shell_gone: the shell did not end in the window (parent_gone.c):" >&2; cat "$d/stderr" >&2; exit 1; }
bad=$(awk -f "$(dirname "$0")/account.awk" "$d/log" "$d/docs")
if [ -n "$bad" ]; then
    echo "shell_gone: FAIL: $bad" >&2
    cat "$d/log" "$d/docs" >&2
    exit 1
fi
echo "shell_gone: ok"
