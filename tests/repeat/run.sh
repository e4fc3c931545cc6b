#!/usr/bin/env bash
# Same run, same report: runs the tree of tests/repeat/tree.c RUNS times
# under `exitguard --json` while 2 busy loops per core load the machine,
# and checks that
#   1. every run's findings, pids, addresses, fd numbers and times taken
#      out, are those of the first run, and
#   2. with --baseline made from the first run, no later run finds
#      anything (--error-exitcode 0 every time).
#   tests/repeat/run.sh [RUNS]        (EXITGUARD_BUILD: the build tree)
set -u
BUILD=${EXITGUARD_BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
RUNS=${1:-30}
EG=$BUILD/exitguard TREE=$BUILD/tests/repeat/tree
for f in "$EG" "$TREE"; do
    [ -x "$f" ] || { echo "repeat: $f is missing (make first)" >&2; exit 2; }
done
command -v jq >/dev/null || { echo "repeat: jq is missing (tools/setup-debian)" >&2; exit 2; }
WORK=$(mktemp -d)
busy=()
stop() {
    [ ${#busy[@]} -gt 0 ] && kill "${busy[@]}" 2>/dev/null
    wait 2>/dev/null
    [ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"
}
trap stop EXIT
for _ in $(seq $(( 2 * $(nproc) ))); do
    sh -c 'while :; do :; done' &
    busy+=($!)
done

# The findings of one run, without what differs by design between runs.
findings() {
    jq -S '
        def frames: [.stack[]? | .function // ((.module // "?" | split("/") | last) + "+" + (.offset // "?"))];
        def numbers: if type == "string" then gsub("[0-9]+"; "N") else . end;
        { status,
          totals: (.totals | del(.exit_sequence.leftover_processes)),
          processes: ([.processes[] | {
              argv: [.argv[]? | numbers], end: (.end | del(.status.pid?) | del(.pid?)),
              leaks: [.leaks[]? | {kind, via, target: (.target | numbers), frames: frames}],
              children: [.children[]? | {via, started_as: (.started_as[0]? // null), action, frames: frames}],
              tempfiles: [.tempfiles[]? | {action, frames: frames}],
              threads: [.threads[]? | .start.function],
              errors: [.errors[]? | .kind] }] | sort),
          leftovers: ([.leftover_processes[]? | {argv, action}] | sort) }' "$1"
}

status=0 differ=0 baseline_failed=0
for i in $(seq "$RUNS"); do
    d=$WORK/$i
    mkdir -p "$d/tmp"
    if [ "$i" = 1 ]; then
        TMPDIR=$d/tmp "$EG" --quiet --json "$d/out.json" -- "$TREE" 2>"$d/err"
        findings "$d/out.json" > "$WORK/first"
        continue
    fi
    TMPDIR=$d/tmp "$EG" --quiet --json "$d/out.json" --baseline "$WORK/1/out.json" \
        --error-exitcode 9 -- "$TREE" 2>"$d/err"
    rc=$?
    if [ $rc != 0 ]; then
        baseline_failed=$((baseline_failed + 1))
        echo "repeat: run $i: exit status $rc with the first run as baseline:"
        sed 's/^/  /' "$d/err" | head -20
    fi
    # the baseline takes the findings out of this run's JSON: compare
    # without it (the run again, as the first was run)
    TMPDIR=$d/tmp "$EG" --quiet --json "$d/plain.json" -- "$TREE" 2>/dev/null
    if ! findings "$d/plain.json" | diff "$WORK/first" - > "$d/diff"; then
        differ=$((differ + 1))
        echo "repeat: run $i: findings differ from the first run's:"
        sed 's/^/  /' "$d/diff" | head -30
    fi
done
echo "repeat: $RUNS runs under load ($(( 2 * $(nproc) )) busy loops): $((RUNS - 1 - differ)) of $((RUNS - 1)) identical to the first, $((RUNS - 1 - baseline_failed)) of $((RUNS - 1)) passing with it as baseline"
[ $differ = 0 ] && [ $baseline_failed = 0 ] || status=1
exit $status
