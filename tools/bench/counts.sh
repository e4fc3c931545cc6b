#!/usr/bin/env bash
# Counts per loop iteration, which the machine's load does not move:
# minor faults (rusage of every process, /usr/bin/time %R) and system
# calls (strace -f -c), native, under an empty preloaded .so, and under
# libexitguard.so.  Usage: counts.sh LIB EMPTY_SO [ITERATIONS]
set -euo pipefail
export LC_ALL=C
LIB=$1 EMPTY=$2 N=${3:-300}
have() { command -v "$1" >/dev/null; }
have /usr/bin/time || { echo "counts: /usr/bin/time missing (package time)"; exit 0; }
WORK=(
    "dash fork+exec|dash -c 'for i in \$(seq $N); do /bin/true; done'"
    "bash fork+exec|bash -c 'for i in \$(seq $N); do /bin/true; done'"
    "bash fork only|bash -c 'for i in \$(seq $N); do ( : ); done'"
)
faults() { # command [preload]
    env ${2:+LD_PRELOAD=$2} /usr/bin/time -f %R bash -c "$1" 2>&1 >/dev/null | tail -n 1
}
syscalls() {
    have strace || { echo 0; return; }
    strace -f -c -o /dev/stdout env ${2:+LD_PRELOAD=$2} bash -c "$1" 2>/dev/null |
        awk '$NF == "total" { print $4 }' | tail -n 1
}
per() { awk -v a="$1" -v n="$N" 'BEGIN { printf "%6.1f", a / n }'; }
delta() { awk -v a="$1" -v b="$2" -v n="$N" 'BEGIN { printf "%+6.1f", (a - b) / n }'; }
echo "per iteration ($N):        faults native  empty .so  exitguard (vs empty) | syscalls native  empty .so  exitguard (vs empty)"
for w in "${WORK[@]}"; do
    label=${w%%|*} cmd=${w#*|}
    fn=$(faults "$cmd") fe=$(faults "$cmd" "$EMPTY") fx=$(faults "$cmd" "$LIB")
    sn=$(syscalls "$cmd") se=$(syscalls "$cmd" "$EMPTY") sx=$(syscalls "$cmd" "$LIB")
    printf '%-26s %s     %s     %s (%s) |   %s     %s     %s (%s)\n' "$label" \
        "$(per "$fn")" "$(per "$fe")" "$(per "$fx")" "$(delta "$fx" "$fe")" \
        "$(per "$sn")" "$(per "$se")" "$(per "$sx")" "$(delta "$sx" "$se")"
done
