#!/usr/bin/env bash
# Counts per loop iteration, which the machine's load does not move:
# minor faults (rusage of every process, /usr/bin/time %R) and system
# calls (strace -f -c), native, under an empty preloaded .so, and under
# libexitguard.so; then the minor faults of a spawned /bin/true and the
# instructions (callgrind) of a preloaded one.
#
# A figure per iteration is (run of N iterations - run of 0) / N: what the
# shell, the loader and our constructor cost once cancels out.  Everything
# runs under `setarch -R`: with address randomization a run's faults moved
# by +-2 an iteration (where the stacks and mappings fell across pages).
#
# The last column: under the exitguard command beside LIB, if there is one.
#
# Usage: counts.sh LIB EMPTY_SO [ITERATIONS]
set -euo pipefail
export LC_ALL=C
LIB=$1 EMPTY=$2 N=${3:-300}
have() { command -v "$1" >/dev/null; }
have /usr/bin/time || { echo "counts: /usr/bin/time missing (package time)"; exit 0; }
NORAND=()
setarch -R true 2>/dev/null && NORAND=(setarch -R)
WORK=(
    "dash fork+exec|dash -c 'for i in \$(seq @N); do /bin/true; done'"
    "bash fork+exec|bash -c 'for i in \$(seq @N); do /bin/true; done'"
    "bash subshell ( : )|bash -c 'for i in \$(seq @N); do ( : ); done'"
)
# How a run is made: "" native, a path to preload, or "--" under the
# exitguard command beside LIB (its own library: --quiet, log_dir and the
# record line of every process, as a test suite runs).
COMMAND=$(dirname "$LIB")/exitguard
how() {
    case $1 in
    "") echo env ;;
    --) echo "$COMMAND --quiet --" ;;
    *) echo "env LD_PRELOAD=$1" ;;
    esac
}
faults() { # command how
    "${NORAND[@]}" /usr/bin/time -f %R $(how "$2") bash -c "$1" 2>&1 >/dev/null | tail -n 1
}
syscalls() {
    have strace || { echo 0; return; }
    "${NORAND[@]}" strace -f -c -o /dev/stdout $(how "$2") bash -c "$1" 2>/dev/null |
        awk '$NF == "total" { print $4 }' | tail -n 1
}
# per-iteration FN CMD [PRELOAD]: (FN with N iterations - FN with 0) / N
per() {
    local a b
    a=$($1 "${2//@N/$N}" "${3:-}") b=$($1 "${2//@N/0}" "${3:-}")
    awk -v a="$a" -v b="$b" -v n="$N" 'BEGIN { printf "%.1f", (a - b) / n }'
}
delta() { awk -v a="$1" -v b="$2" -v f="${3:-%+.1f}" 'BEGIN { printf f, a - b }'; }
echo "per iteration, (N=$N run - 0 run) / N, setarch -R:"
[ -x "$COMMAND" ] || COMMAND=
printf '%-20s | %-50s | %s\n' "" "minor faults: native  empty  exitguard (vs empty)  --" \
    "syscalls: native  empty  exitguard (vs empty)  --"
for w in "${WORK[@]}"; do
    label=${w%%|*} cmd=${w#*|}
    fn=$(per faults "$cmd") fe=$(per faults "$cmd" "$EMPTY") fx=$(per faults "$cmd" "$LIB")
    sn=$(per syscalls "$cmd") se=$(per syscalls "$cmd" "$EMPTY") sx=$(per syscalls "$cmd" "$LIB")
    fc=- sc=-
    if [ -n "$COMMAND" ]; then
        fc=$(per faults "$cmd" --) sc=$(per syscalls "$cmd" --)
        fc="$fc ($(delta "$fc" "$fe"))" sc="$sc ($(delta "$sc" "$se"))"
    fi
    printf '%-20s | %19s %6s %6s (%s) %13s | %14s %6s %6s (%s) %13s\n' "$label" "$fn" "$fe" \
        "$fx" "$(delta "$fx" "$fe")" "$fc" "$sn" "$se" "$sx" "$(delta "$sx" "$se")" "$sc"
done

# One spawned /bin/true: its minor faults alone (spawnbench takes the
# children's rusage), the library in the child only.
OUT=$(dirname "$LIB")/bench
mkdir -p "$OUT"
HERE=$(dirname "$0")
cc -std=gnu11 -O2 -Wall -Wextra -Werror "$HERE/spawnbench.c" -o "$OUT/spawnbench"
"${NORAND[@]}" "$OUT/spawnbench" -n "$N" -r 3 native "empty .so=LD_PRELOAD=$EMPTY" \
    "exitguard=LD_PRELOAD=$LIB" | sed "s/ *[0-9.]* us cpu\/process\( *[+-][0-9.]* us over native\)\{0,1\}//"

# Instructions of one /bin/true, made as how() says (valgrind follows env
# or the command into it; env itself runs without the library).  Under the
# command a process also writes its record line, and the command reads
# it: both sides, the command's per process as per() takes a figure.
if have valgrind; then
    instr() {
        rm -f "$OUT"/cg.*
        valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$OUT/cg.%p" \
            $(how "$1") /bin/true 2>/dev/null
        grep -l '^cmd: */bin/true' "$OUT"/cg.* | xargs sed -n 's/^summary: //p' | head -n 1
        rm -f "$OUT"/cg.*
    }
    command_instr() { # command how: the instructions of the command alone
        valgrind --tool=callgrind --callgrind-out-file="$OUT/cg.command" $(how "$2") \
            bash -c "$1" 2>/dev/null
        sed -n 's/^summary: //p' "$OUT/cg.command"
        rm -f "$OUT/cg.command"
    }
    in=$(instr "") ie=$(instr "$EMPTY") ix=$(instr "$LIB")
    echo "callgrind /bin/true: native $in, empty .so $ie, exitguard $ix instructions" \
        "($(delta "$ix" "$ie" %+d) over the empty .so)"
    if [ -n "$COMMAND" ]; then
        ic=$(instr --) cp=$(per command_instr "${WORK[0]#*|}" --)
        echo "callgrind under the command: /bin/true $ic ($(delta "$ic" "$ix" %+d) over" \
            "preloaded); the command $(printf %.0f "$cp") per process it reads"
    fi
fi
