#!/usr/bin/env bash
# Compatibility of real programs with exitguard: each scenario (a real
# program doing real process work: pipelines, subprocesses, fork, a
# jobserver, a JVM) runs three times, in a fresh directory each time:
#   native    as is;
#   command   under `build/exitguard --quiet --output DIR --`;
#   library   with LD_PRELOAD=build/libexitguard.so and
#             EXITGUARD_OPTIONS=report=none (the library alone).
# It passes when both exitguard runs show the user exactly what the native
# one did: the same stdout, the same exit status, the same stderr once
# exitguard's own lines are taken out, the same files under out/, and an
# end within the time limit (a hang fails, naming the scenario).  The
# native run must also end with the status the fixture is written to end
# with, so a broken fixture cannot pass by failing the same way three times.
#
# Only what a user sees is judged, not what exitguard reports: the reports
# and the policies (children=term, ...) are the e2e tests' business.
#
# usage: tests/compat/run.sh [--require-all] [--keep] [SCENARIO...]
#   --require-all  a program that is not installed fails its scenario
#                  (make check passes it: CI must run every scenario);
#                  without it, such a scenario is a SKIP, with the reason
#   --keep         keep the scratch directory (outputs, reports) and say where
# Environment: EXITGUARD_BUILD (default build/), COMPAT_TIMEOUT (seconds a
# run may take, default 60).
set -uo pipefail

require_all=0 keep=0 only=()
for arg; do
    case $arg in
    --require-all) require_all=1 ;;
    --keep) keep=1 ;;
    -h | --help) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "compat: unknown option '$arg'" >&2; exit 2 ;;
    *) only+=("$arg") ;;
    esac
done

cd "$(dirname "$0")/../.." || exit 2
root=$PWD
build=${EXITGUARD_BUILD:-$root/build}
command=$build/exitguard
library=$build/libexitguard.so
fixtures=$root/tests/compat
limit=${COMPAT_TIMEOUT:-60}
for f in "$command" "$library"; do
    [ -e "$f" ] || { echo "compat: $f missing: run make first" >&2; exit 2; }
done

# The caller's settings would change what the native run does; the same
# locale and zone for every run, and no .pyc written into the fixtures.
# make check's MAKEFLAGS (its jobserver) would steer the make scenario, and
# a git hook's GIT_DIR the git one.
unset LD_PRELOAD EXITGUARD_OPTIONS MAKEFLAGS MFLAGS MAKELEVEL MAKEFILES
unset $(env | sed -n 's/^\(GIT_[A-Za-z0-9_]*\)=.*/\1/p')
export LC_ALL=C TZ=UTC PYTHONDONTWRITEBYTECODE=1

scratch=$(mktemp -d "${TMPDIR:-/tmp}/exitguard-compat.XXXXXX") || exit 2
if [ "$keep" = 1 ]; then
    trap 'echo "compat: outputs kept in $scratch"' EXIT
else
    trap 'rm -rf "$scratch"' EXIT
fi
trap 'exit 130' INT TERM
# Whatever the programs (and the command) make in TMPDIR stays in here.
export TMPDIR=$scratch/tmp
mkdir -p "$TMPDIR"

# exitguard's own stderr lines: the command's (--quiet leaves only its last
# line, "exitguard: N processes, ...", and its one-line complaints, all
# "exitguard: ..."), the library's warnings ("exitguard: EXITGUARD_OPTIONS:
# ...") and its text report ("==pid== ..."; not written under the command or
# with report=none, but a report is exitguard's line whatever the mode).
exitguard_lines='^(==[0-9]+==|exitguard: )'

# run_one NAME MODE COMMAND...: one run, in $scratch/work-NAME (the same
# path in every mode, so output that names the directory still compares),
# made afresh from the fixtures with an empty out/.  Leaves NAME.MODE.out,
# .err (exitguard's lines removed), .raw-err, .status and .files (a hash
# per file under out/) in $scratch.
run_one() {
    local name=$1 mode=$2
    shift 2
    local work=$scratch/work-$name base=$scratch/$name.$mode
    rm -rf "$work"
    mkdir -p "$work/out"
    cp "$fixtures"/* "$work"/
    local prefix=()
    case $mode in
    command) prefix=("$command" --quiet --output "$scratch/reports-$name" --) ;;
    # env, not the shell, sets it: timeout itself runs without the library
    library) prefix=(env "LD_PRELOAD=$library" EXITGUARD_OPTIONS=report=none) ;;
    esac
    (cd "$work" && exec timeout -k 5 "$limit" "${prefix[@]}" "$@") \
        </dev/null >"$base.out" 2>"$base.raw-err"
    echo $? >"$base.status"
    grep -Ev "$exitguard_lines" "$base.raw-err" >"$base.err"
    (cd "$work" && find out -type f | sort | while read -r f; do
        printf '%s %s\n' "$(sha256sum <"$f" | cut -c1-16)" "$f"
    done) >"$base.files"
}

# differ NAME MODE: what the user would see differently in MODE than
# natively, as a short explanation (nothing when all is the same).
differ() {
    local native=$scratch/$1.native other=$scratch/$1.$2 what
    local ns os
    ns=$(cat "$native.status") os=$(cat "$other.status")
    if [ "$os" = 124 ] || [ "$os" = 137 ]; then
        echo "  $2: no end within $limit s (killed by timeout)"
        return # what it printed so far says nothing more
    fi
    if [ "$ns" != "$os" ]; then
        echo "  $2: exit status $os, natively $ns"
    fi
    for what in out err files; do
        cmp -s "$native.$what" "$other.$what" && continue
        local label=$what
        [ "$what" = out ] && label=stdout
        [ "$what" = err ] && label="stderr (without exitguard's lines)"
        [ "$what" = files ] && label="files under out/"
        echo "  $2: $label differs (- native, + $2):"
        diff -u "$native.$what" "$other.$what" | sed -n '4,11s/^/    /p'
    done
}

passed=0 failed=0 skipped=0 failures=()

# scenario NAME PROGRAM STATUS COMMAND...: PROGRAM is what must be installed,
# STATUS the exit status the fixture ends with natively.
scenario() {
    local name=$1 program=$2 expected=$3
    shift 3
    if [ ${#only[@]} -gt 0 ] && [[ " ${only[*]} " != *" $name "* ]]; then
        return
    fi
    if ! command -v "$program" >/dev/null; then
        if [ "$require_all" = 1 ]; then
            echo "FAIL $name: $program is not installed (tools/setup-debian installs it)"
            failed=$((failed + 1)) failures+=("$name")
        else
            echo "SKIP $name: $program is not installed (tools/setup-debian installs it)"
            skipped=$((skipped + 1))
        fi
        return
    fi
    local mode report="" ns
    for mode in native command library; do
        run_one "$name" "$mode" "$@"
    done
    ns=$(cat "$scratch/$name.native.status")
    if [ "$ns" != "$expected" ]; then
        report="  natively: exit status $ns, the fixture ends with $expected (stderr: $(head -c 300 "$scratch/$name.native.raw-err"))"$'\n'
    fi
    report+=$(differ "$name" command; differ "$name" library)
    if [ -z "$report" ]; then
        # the command's last line: how many processes reported, i.e. how
        # much of the tree really ran with the library
        local seen
        seen=$(sed -En 's/^exitguard: ([0-9]+ process(es)?).*/\1/p' "$scratch/$name.command.raw-err" | tail -1)
        echo "PASS $name (${seen:-no process reported}${seen:+ reported} under the command)"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        printf '%s\n' "$report"
        failed=$((failed + 1)) failures+=("$name")
    fi
}

scenario bash bash 3 bash bash.sh
scenario dash dash 4 dash dash.sh
scenario python3 python3 6 python3 py_subprocess.py
scenario perl perl 2 perl children.pl
# sh runs the git commands; every one of them is a git process under test
scenario git git 0 sh git.sh
scenario make make 0 make -s -j2 -f jobs.mk
scenario sqlite3 sqlite3 0 sqlite3 -bail out/fruit.db '.read sqlite.sql'
# java -version prints on stderr only: that is what is compared
scenario java java 0 java -version
scenario node node 5 node child_process.js
scenario tclsh tclsh 2 tclsh pipeline.tcl

if [ ${#only[@]} -gt 0 ] && [ $((passed + failed + skipped)) = 0 ]; then
    echo "compat: no scenario named ${only[*]}" >&2
    exit 2
fi
[ "$failed" = 0 ] || echo "compat: failed: ${failures[*]}"
echo "compat: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
