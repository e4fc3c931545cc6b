#!/usr/bin/env bash
# Torture run: random process trees (tests/torture/stage.c) dying at random,
# each under `exitguard --json ... --error-exitcode 77 --`, each checked
# from outside exitguard's own report (docs/internals.md, "Torture run").
#
#   tests/torture/run.sh [--keep]      SEEDS=1-8 (a range or a list),
#                                      PROCESSES=N (go on past the seeds
#                                      until N processes have run)
#
# A failing tree prints its seed; SEEDS=<seed> replays it.
set -u
BUILD=${EXITGUARD_BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
SEEDS=${SEEDS:-1-8}
PROCESSES=${PROCESSES:-0}
BOUND=${BOUND:-30}       # seconds a tree may take, the command included
N=77                     # --error-exitcode
KEEP=0
[ "${1:-}" = --keep ] && KEEP=1

STAGE=$BUILD/tests/torture/stage
for f in "$STAGE" "$BUILD/tests/torture/static_stage" "$BUILD/exitguard"; do
    [ -x "$f" ] || { echo "torture: $f is missing (make first)" >&2; exit 2; }
done
command -v jq >/dev/null || { echo "torture: jq is missing (tools/setup-debian)" >&2; exit 2; }

case $SEEDS in
*-*) seeds=$(seq "${SEEDS%-*}" "${SEEDS#*-}") ;;
*) seeds=$SEEDS ;;
esac
WORK=$(mktemp -d /dev/shm/torture.XXXXXX 2>/dev/null || mktemp -d)
trap '[ $KEEP = 1 ] || rm -rf "$WORK"' EXIT

trees=0 processes=0 doomed=0 failed=0 orphans=0 leftfiles=0 hangs=0 unaccounted=0 slowest=0
declare -A planned ended outcomes

# What the root's own status is, from the last line its final image
# logged: "how value" as the JSON's status says it.
root_status() {
    awk '$5 == "root" { pid = $1 } $1 == pid { e = $6; c = $7 }
         END {
             if (e == "abort") print "signal 6"; else if (e == "segv") print "signal 11";
             else if (e == "killself") print "signal 9"; else if (e == "exec") print "exit 121";
             else print "exit " c
         }' "$1"
}

check_tree() { # seed dir rc elapsed_ms
    local seed=$1 d=$2 rc=$3 ms=$4 problems=()
    local marker=torture-$$-$seed
    # 1. nothing of the tree left running
    local left
    left=$(grep -lsxz "TORTURE_TREE=$marker" /proc/[0-9]*/environ | cut -d/ -f3 | tr '\n' ' ')
    if [ -n "$left" ]; then
        problems+=("processes left running: $left")
        orphans=$((orphans + $(wc -w <<<"$left")))
        for p in $left; do kill -9 "$p" 2>/dev/null; done
    fi
    # 2. no temp file of the tree on disk (exitguard's own directory included)
    local files
    files=$(find "$d/tmp" -mindepth 1 -printf '%P ' 2>/dev/null)
    if [ -n "$files" ]; then
        problems+=("left on disk: $files")
        leftfiles=$((leftfiles + $(wc -w <<<"$files")))
    fi
    # 3. no hang
    if [ "$rc" -ge 124 ] && [ "$rc" -le 137 ] && [ "$ms" -ge $((BOUND * 1000)) ]; then
        problems+=("no answer within ${BOUND}s (rc $rc)")
        hangs=$((hangs + 1))
    fi
    if [ ! -s "$d/out.json" ]; then
        problems+=("no --json document (rc $rc)")
    else
        # 4. the root's own status, or N when something was found
        local want got found
        want=$(root_status "$d/log")
        got=$(jq -r '.status | "\(.how) \(.status // .signal)"' "$d/out.json")
        found=$(jq '.totals | .leaks + .errors + .tempfiles + .finalizer_failures + .children
                    + .leftovers + .unreported' "$d/out.json")
        local code=${want#* }
        [ "${want% *}" = signal ] && code=$((128 + code))
        [ "$got" = "$want" ] || problems+=("the JSON's status is '$got', the root's own '$want'")
        if [ "$rc" != "$code" ] && { [ "$rc" != $N ] || [ "$found" = 0 ]; }; then
            problems+=("exit status $rc, expected $code (or $N with findings: $found)")
        fi
        # 5. every process accounted for, none twice
        jq -r '.processes[] | "\(.pid) \(.end.how)\(if .end.exec then "-exec" else "" end) \(.end.unchecked // "-")"' "$d/out.json" \
            > "$d/docs"
        local bad
        bad=$(awk -f "$(dirname "$0")/account.awk" "$d/log" "$d/docs")
        if [ -n "$bad" ]; then
            problems+=("$bad")
            unaccounted=$((unaccounted + $(grep -c . <<<"$bad")))
        fi
        while read -r what; do outcomes[$what]=$((${outcomes[$what]:-0} + 1)); done < <(
            jq -r '.totals.exit_sequence | (.finalizers | to_entries[] | "finalizer_" + .key as $k
                   | range(.value) | $k), (.tempfiles | to_entries[] | "tempfile_" + .key as $k
                   | range(.value) | $k), (.leftover_processes | to_entries[]
                   | "leftover_" + .key as $k | range(.value) | $k)' "$d/out.json")
        while read -r how; do ended[$how]=$((${ended[$how]:-0} + 1)); done < <(
            jq -r '.processes[] | select(.end.how != "exec") |
                   if .end.how == "signal" then "signal " + .end.name
                   elif .end.how == "unreported" then "post-mortem"
                   else .end.how end' "$d/out.json"
            awk '$6 == "ran-static" { print "static program" }' "$d/log")
    fi
    local n
    n=$(awk '{ print $1, $2 }' "$d/log" | sort -u | wc -l)
    processes=$((processes + n))
    while read -r e; do planned[$e]=$((${planned[$e]:-0} + 1)); done < <(
        awk '$6 == "doomed" { k = $1 " " $2; if (!(k in last)) last[k] = "killed-unborn"; next }
             { last[$1 " " $2] = $6 ($8 == "thread" ? "-in-thread" : "") }
             END { for (k in last) print last[k] }' "$d/log")
    doomed=$((doomed + $(grep -c ' doomed ' "$d/log")))
    [ "$ms" -gt "$slowest" ] && slowest=$ms
    if [ ${#problems[@]} -gt 0 ]; then
        failed=$((failed + 1))
        echo "torture: FAIL seed $seed ($n processes, ${ms} ms; replay: SEEDS=$seed $0 --keep):"
        printf '  %s\n' "${problems[@]}"
        KEEP=1
        echo "  kept in $d"
    fi
}

run_tree() { # seed
    local seed=$1 d=$WORK/$1 start end rc
    mkdir -p "$d/tmp"
    : > "$d/log"
    start=$(date +%s%N)
    env TORTURE_TREE=torture-$$-$seed TORTURE_LOG="$d/log" TORTURE_STAGE="$STAGE" \
        TORTURE_STATIC="$BUILD/tests/torture/static_stage" TMPDIR="$d/tmp" \
        EXITGUARD_OPTIONS=tempfiles=unlink:finalizer_timeout=300ms \
        timeout -k 2 $((BOUND + 5)) "$BUILD/exitguard" --quiet --json "$d/out.json" \
        --error-exitcode $N -- "$STAGE" torture-$$-$seed "$seed" 0 r root \
        > "$d/stdout" 2> "$d/stderr" < /dev/null
    rc=$?
    end=$(date +%s%N)
    trees=$((trees + 1))
    check_tree "$seed" "$d" "$rc" $(((end - start) / 1000000))
    [ $KEEP = 1 ] || rm -rf "$d"
}

last=0
for seed in $seeds; do run_tree "$seed"; last=$seed; done
while [ "$processes" -lt "$PROCESSES" ]; do last=$((last + 1)); run_tree "$last"; done

echo "torture: $trees trees, $processes processes ($doomed signalled by their parent at a random moment); slowest tree ${slowest} ms (bound ${BOUND} s)"
printf '  planned ending %-21s %5d\n' $(for k in "${!planned[@]}"; do echo "$k ${planned[$k]}"; done | sort)
printf '  JSON end       %-21s %5d\n' $(for k in "${!ended[@]}"; do echo "${k// /_} ${ended[$k]}"; done | sort)
printf '  exit sequences %-21s %5d\n' $(for k in "${!outcomes[@]}"; do echo "$k ${outcomes[$k]}"; done | sort)
echo "torture: orphans $orphans, temp files left $leftfiles, hangs $hangs, unaccounted $unaccounted, failed trees $failed"
[ $failed = 0 ]
