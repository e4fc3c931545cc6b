#!/usr/bin/env bash
# exitguard's overhead, measured the way users pay it: the library preloaded
# with default options, reports on stderr (a clean run prints nothing).
#
# Every configuration is run once per round, round-robin, over ROUNDS rounds
# (the starting point rotates each round), and its median CPU time (user
# and system, of every process it started) is compared with native
# measured in the same rounds: on a shared machine, load that comes and
# goes then hits every configuration alike, and CPU time is less touched
# by it than wall time (which is printed beside it).
# valgrind and strace are 20-600x slower, so they run once, after the rounds.
# The targets are reported, not enforced: this always exits 0.
#
# Knobs (environment): ROUNDS, N (fd-heavy iterations per thread),
# SPAWN (processes in spawn-heavy), VG_SPAWN (the same under valgrind).
set -euo pipefail
export LC_ALL=C # EPOCHREALTIME with a '.', plain sort -n
unset LD_PRELOAD EXITGUARD_OPTIONS # the caller's settings would skew "default"

cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-7}
N=${N:-20000}
SPAWN=${SPAWN:-300}
VG_SPAWN=${VG_SPAWN:-5}
STRACE_DIV=5 # strace runs N/5 iterations (scaled x5): it costs ~25x
LIB=$PWD/build/libexitguard.so
OUT=build/bench
FDB=$OUT/fdbench

[ -f "$LIB" ] || { echo "bench: $LIB missing: run make first" >&2; exit 1; }
mkdir -p "$OUT"
cc -std=gnu11 -O2 -Wall -Wextra -Werror -pthread tools/bench/fdbench.c -o "$FDB"
ERRLOG=$OUT/stderr.log # what the measured runs print: should stay empty
: >"$ERRLOG"
have() { command -v "$1" >/dev/null; }

# Configurations: "group|variant" and the command, run with eval.
LABELS=() CMDS=()
add() { LABELS+=("$1"); CMDS+=("$2"); }
printf -v PRE 'LD_PRELOAD=%q' "$LIB"
printf -v CMD '%q --quiet --' "$PWD/build/exitguard"
QUIET="2>/dev/null" # the command's summary line and Criterion's are expected
fd_group() { [ "$1" = 1 ] && echo "fd-heavy 1 thread" || echo "fd-heavy $1 threads"; }
for t in 1 2; do
    g=$(fd_group $t)
    add "$g|native" "$FDB -t $t -n $N"
    add "$g|exitguard stacks on" "$PRE $FDB -t $t -n $N"
    add "$g|exitguard stacks off" "EXITGUARD_OPTIONS=stack_depth=0 $PRE $FDB -t $t -n $N"
done
# dash vforks every command; bash forks.  Beside them an empty preloaded
# .so: what loading any library costs here, which no work of ours removes.
echo 'int exitguard_bench_empty;' | cc -x c -shared -fPIC -o "$OUT/empty.so" -
SHELLS="dash bash"
loop() { echo "$1 -c 'for i in \$(seq $2); do /bin/true; done'"; }
for sh in $SHELLS; do
    add "spawn-heavy $sh|native" "$(loop "$sh" "$SPAWN")"
    add "spawn-heavy $sh|empty .so" "LD_PRELOAD=$PWD/$OUT/empty.so $(loop "$sh" "$SPAWN")"
    add "spawn-heavy $sh|exitguard" "$PRE $(loop "$sh" "$SPAWN")"
    add "spawn-heavy $sh|exitguard --" "$CMD $(loop "$sh" "$SPAWN") $QUIET"
done
# what users run: a Criterion binary (a worker process per test) and a
# parallel build of many small programs
CRIT=$OUT/criterion_suite
have_criterion=0
if cc -std=gnu11 -O2 tools/bench/criterion_suite.c -o "$CRIT" -lcriterion 2>/dev/null; then
    have_criterion=1
    add "criterion --jobs 2|native" "$CRIT --jobs 2 $QUIET"
    add "criterion --jobs 2|exitguard --" "$CMD $CRIT --jobs 2 $QUIET"
fi
MAKEJ=$OUT/makej
rm -rf "$MAKEJ" && mkdir -p "$MAKEJ"
for i in $(seq 24); do printf 'int main(void) { return %d - %d; }\n' "$i" "$i" >"$MAKEJ/p$i.c"; done
printf 'all: %s\n%%: %%.c\n\t@cc -O0 -o $@ $<\n' "$(cd "$MAKEJ" && ls p*.c | sed 's/\.c$//' | tr '\n' ' ')" \
    >"$MAKEJ/Makefile"
makej() { echo "make -s -j2 -C $MAKEJ -B all"; }
add "make -j2|native" "$(makej)"
add "make -j2|exitguard --" "$CMD $(makej) $QUIET"

# CPU_NOW := the user+system time of every child this shell has waited
# for, in microseconds (the times builtin, into a file: no fork).
TIMES_FILE=$OUT/times
to_us() { # "1m2.345s" -> microseconds
    local m=${1%%m*} s=${1#*m}
    s=${s%s}
    echo $((10#$m * 60000000 + 10#${s%.*} * 1000000 + 10#${s#*.} * 1000))
}
cpu_now() {
    times >"$TIMES_FILE"
    local _ cu cs
    { read -r _ _; read -r cu cs; } <"$TIMES_FILE"
    CPU_NOW=$(($(to_us "$cu") + $(to_us "$cs")))
}
# Sets US to the CPU time of eval "$1" (all its processes), WALL to its
# wall time, in microseconds.  CPU is what exitguard adds to a machine
# running many jobs; wall is what one user waits.
time_us() {
    cpu_now
    local c0=$CPU_NOW t0=${EPOCHREALTIME/./}
    eval "$1" >/dev/null 2>>"${2:-$ERRLOG}"
    WALL=$((${EPOCHREALTIME/./} - t0))
    cpu_now
    US=$((CPU_NOW - c0))
}

declare -A TIMES WALLS MEDIAN SPREAD WALL_MEDIAN
n=${#LABELS[@]}
for ((r = 0; r < ROUNDS; r++)); do
    for ((k = 0; k < n; k++)); do
        i=$(((k + r) % n))
        time_us "${CMDS[i]}"
        TIMES[$i]+="$US"$'\n'
        WALLS[$i]+="$WALL"$'\n'
    done
done
# The spread, (slowest - fastest) / median, says how far to trust a ratio.
for ((i = 0; i < n; i++)); do
    mapfile -t sorted < <(printf %s "${TIMES[$i]}" | sort -n)
    MEDIAN[${LABELS[i]}]=${sorted[ROUNDS / 2]}
    SPREAD[${LABELS[i]}]=$((100 * (sorted[ROUNDS - 1] - sorted[0]) / (sorted[ROUNDS / 2] + 1)))
    mapfile -t sorted < <(printf %s "${WALLS[$i]}" | sort -n)
    WALL_MEDIAN[${LABELS[i]}]=${sorted[ROUNDS / 2]}
done

# report GROUP VARIANT MICROSECONDS [TARGET_RATIO [NOTE]]
report() {
    awk -v g="$1" -v v="$2" -v us="$3" -v nat="${MEDIAN[$1|native]}" \
        -v wall="${WALL_MEDIAN[$1|$2]:-}" -v wnat="${WALL_MEDIAN[$1|native]}" \
        -v spread="${SPREAD[$1|$2]:-}" -v target="${4:-}" -v note="${5:-}" 'BEGIN {
        line = sprintf("%-19s %-26s %8.3f s cpu", g, v, us / 1e6)
        line = line (spread != "" ? sprintf(" ±%3d%%", spread / 2) : "      ")
        if (v != "native") line = line sprintf("  %6.2fx native", us / nat)
        if (v != "native" && wall != "") line = line sprintf(" (wall %.2fx)", wall / wnat)
        if (target != "") line = line sprintf("  target <= %.2fx %s", target,
                                               us / nat <= target ? "PASS" : "OVER")
        print line (note != "" ? "  (" note ")" : "")
    }'
}

echo "exitguard bench: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
    "$ROUNDS rounds round-robin, median CPU time (user+system, every process) ± half its spread"
echo "fd-heavy: $N iterations per thread; spawn-heavy: $SPAWN x /bin/true from dash and bash"
for t in 1 2; do
    g=$(fd_group $t)
    report "$g" native "${MEDIAN[$g|native]}"
    report "$g" "exitguard stacks on" "${MEDIAN[$g|exitguard stacks on]}" 1.05
    report "$g" "exitguard stacks off" "${MEDIAN[$g|exitguard stacks off]}" 1.03
    if have valgrind; then
        time_us "valgrind --track-fds=yes $FDB -t $t -n $N" /dev/null
        report "$g" "valgrind --track-fds" "$US" "" "1 run, same iterations"
    fi
    if have strace; then
        time_us "strace -f -o /dev/null $FDB -t $t -n $((N / STRACE_DIV))"
        report "$g" "strace -f" "$((US * STRACE_DIV))" "" \
            "1 run of $((N / STRACE_DIV)) iterations, x$STRACE_DIV"
    fi
done
for sh in $SHELLS; do
    g="spawn-heavy $sh"
    report "$g" native "${MEDIAN[$g|native]}"
    report "$g" "empty .so" "${MEDIAN[$g|empty .so]}"
    report "$g" exitguard "${MEDIAN[$g|exitguard]}" 1.10
    report "$g" "exitguard --" "${MEDIAN[$g|exitguard --]}" 1.15
done
if have valgrind; then
    time_us "valgrind --trace-children=yes --track-fds=yes $(loop bash "$VG_SPAWN")" /dev/null
    report "spawn-heavy bash" "valgrind --trace-children" "$((US * SPAWN / VG_SPAWN))" "" \
        "1 run of $VG_SPAWN, x$((SPAWN / VG_SPAWN))"
fi
if [ $have_criterion = 1 ]; then
    report "criterion --jobs 2" native "${MEDIAN[criterion --jobs 2|native]}"
    report "criterion --jobs 2" "exitguard --" "${MEDIAN[criterion --jobs 2|exitguard --]}" 1.10 \
        "30 tests"
fi
report "make -j2" native "${MEDIAN[make -j2|native]}"
report "make -j2" "exitguard --" "${MEDIAN[make -j2|exitguard --]}" 1.10 "24 small programs"

# The start-up and exit cost of one process that acquires nothing: CPU
# time and minor faults of the children alone, from their rusage.
cc -std=gnu11 -O2 -Wall -Wextra -Werror tools/bench/spawnbench.c -o "$OUT/spawnbench"
"$OUT/spawnbench" -n "$SPAWN" -r "$ROUNDS" native "empty .so=LD_PRELOAD=$PWD/$OUT/empty.so" \
    "exitguard=LD_PRELOAD=$LIB" | sed 's/$/  (target: exitguard <= +70 us)/; 1s/  (target.*//; 2s/  (target.*//'

# What the load of the machine does not move: faults and system calls per
# iteration of the shell loops, native, with an empty .so and with us.
bash tools/bench/counts.sh "$LIB" "$PWD/$OUT/empty.so" "$SPAWN"

# Peak memory of the whole process, exit report included when time is there.
if [ -x /usr/bin/time ]; then
    rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1; }
else
    rss() { "$@" -v 2>&1 >/dev/null | sed -n 's/.*max RSS \([0-9]*\) KiB.*/\1/p'; }
fi
native_kb=$(rss "$FDB" -t 1 -n "$N")
eg_kb=$(rss env LD_PRELOAD="$LIB" "$FDB" -t 1 -n "$N")
echo "max RSS fd-heavy 1 thread: native $native_kb KiB, exitguard $eg_kb KiB" \
    "(+$((eg_kb - native_kb)) KiB)"

if [ -s "$ERRLOG" ]; then
    echo "warning: the measured runs printed on stderr (timings include it):"
    head -n 20 "$ERRLOG"
fi
exit 0
