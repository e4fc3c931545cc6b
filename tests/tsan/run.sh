#!/usr/bin/env bash
# The real library built with ThreadSanitizer, preloaded into the e2e race
# programs (built with it too), RUNS times each: the registry, the depot,
# the finalizer list and the child records raced by real threads through
# the interposers, not only by the unit stress driver.  A run passes when
# TSan reports nothing, the program exits 0 and exitguard's report still
# names what the program left.
#   run.sh TSAN_BUILD_DIR [RUNS]
set -u
dir=$1 runs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
export TSAN_OPTIONS="halt_on_error=0 exitcode=66 report_thread_leaks=0 suppressions=$here/suppressions"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
failed=0 reports=0 done_runs=0

# run NAME ROUND ARGV...: the program preloaded, its report in $out/NAME.ROUND
run() {
    local logdir=$out/$1.$2
    shift 2
    mkdir -p "$logdir"
    # setarch -R: TSan wants its fixed shadow layout, which ASLR can break.
    EXITGUARD_OPTIONS="log_dir=$logdir:children=term:stack_depth=8" \
        setarch -R env LD_PRELOAD="$dir/libexitguard.so" "$@" \
        >"$logdir/stdout" 2>"$logdir/stderr"
    local rc=$? n
    n=$(grep -c 'WARNING: ThreadSanitizer' "$logdir/stderr")
    reports=$((reports + n))
    done_runs=$((done_runs + 1))
    if [ "$n" -ne 0 ] || [ "$rc" -ne 0 ]; then
        echo "tsan: $(basename "$logdir"): exit status $rc, $n ThreadSanitizer reports" >&2
        sed -n '1,80p' "$logdir/stderr" >&2
        failed=1
        return 1
    fi
}

# judge NAME.ROUND ARG...: tests/tsan/judge.py on the root's report
judge() {
    python3 "$here/judge.py" "$out/$1" "${@:2}" || failed=1
}

for i in $(seq 1 "$runs"); do
    run race "$i" "$dir/race" 4 2 && judge "race.$i" race
    run thread_mix "$i" "$dir/thread_mix" 4 40 && judge "thread_mix.$i" thread_mix
    run finalizers "$i" "$dir/finalizers" race "$out/marks.$i" &&
        judge "finalizers.$i" finalizers "$out/marks.$i"
done
echo "tsan: $done_runs runs of the race programs under ThreadSanitizer, $reports reports"
exit $failed
