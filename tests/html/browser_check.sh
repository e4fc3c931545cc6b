#!/bin/sh
# The --html page in a real browser (headless Chromium): a page from a
# real run, its DOM (what a person sees: the tree, the leak's file:line
# and its source line, a path holding <script> as text), the same page
# without its script, a screenshot; then a run of 500 processes, whose
# page must stay small and load fast.  The pages, DOMs and screenshots
# stay in OUT.
#   tests/html/browser_check.sh BUILD_DIR OUT_DIR
set -eu
build=$1
out=$2
here=$(dirname "$0")
command -v chromium >/dev/null 2>&1 || {
    echo "tests/html: chromium is missing (tools/setup-debian installs it)" >&2
    exit 1
}
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
trap 'status=$?; [ $status -eq 0 ] ||
    echo "tests/html: failed; the pages, DOMs and chromium.log are in $out" >&2' EXIT

# --no-sandbox: its sandbox refuses to run as root (CI may be root);
# --disable-dev-shm-usage: a container's /dev/shm is often 64 MB, where
# Chromium's renderer crashes
browser() {
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
        --no-first-run --user-data-dir="$out/profile" "$@" 2>>"$out/chromium.log"
}

programs=$build/tests/programs
mkdir "$out/<script>alert(1)<"
"$build/exitguard" --html "$out/run.html" -- sh -c "$programs/leak_one >/dev/null;
    $programs/leak_tree >/dev/null; $programs/misuse double-close >/dev/null;
    exec 3>'$out/<script>alert(1)</script>'" 2>"$out/run.err"
browser --dump-dom "file://$out/run.html" >"$out/run.dom"
python3 "$here/check_dom.py" run "$out/run.dom"
browser --screenshot="$out/run.png" --window-size=1200,2400 "file://$out/run.html" >/dev/null
test -s "$out/run.png"

# the filters and buttons clicked, in a frame of a page of ours
cp "$here/behaviour.html" "$out/behaviour.html"
browser --allow-file-access-from-files --dump-dom "file://$out/behaviour.html" \
    >"$out/behaviour.dom"
python3 "$here/check_dom.py" behaviour "$out/behaviour.dom"

# JavaScript off: the page without its script (headless Chromium with
# scripts disabled dumps no DOM at all)
sed '/^<script nonce=/,/^<\/script>/d' "$out/run.html" >"$out/nojs.html"
browser --dump-dom "file://$out/nojs.html" >"$out/nojs.dom"
python3 "$here/check_dom.py" nojs "$out/nojs.dom"

# 500 processes leaking the same fd
n=500
start=$(date +%s%N)
"$build/exitguard" --html "$out/big.html" -- sh -c \
    "i=0; while [ \$i -lt $n ]; do $programs/leak_one >/dev/null; i=\$((i + 1)); done" \
    2>"$out/big.err"
run_ms=$(( ($(date +%s%N) - start) / 1000000 ))
size=$(wc -c <"$out/big.html")
browser --dump-dom "file://$out/big.html" >"$out/big.dom"
python3 "$here/check_dom.py" big $n "$out/big.dom"
# the load time as the browser measures it: from setting an iframe's src
# to its load event (parsed, styled, its script run)
for page in run big; do
    cat >"$out/time-$page.html" <<PAGE
<!DOCTYPE html><html><body><iframe id="f" width="1200" height="900"></iframe><pre id="t"></pre>
<script>var s = performance.now(); var f = document.getElementById('f');
f.onload = function () { document.getElementById('t').textContent = 'load_ms=' +
    Math.round(performance.now() - s); }; f.src = '$page.html';</script></body></html>
PAGE
    browser --dump-dom "file://$out/time-$page.html" >"$out/time-$page.dom"
    eval "load_$page=\$(python3 \"\$here/check_dom.py\" timing \"\$out/time-\$page.dom\")"
done
browser --screenshot="$out/big.png" --window-size=1200,1500 "file://$out/big.html" >/dev/null
echo "tests/html: $n processes: run ${run_ms} ms, page $size bytes," \
     "loaded in ${load_big} ms (the 7-process page: $(wc -c <"$out/run.html") bytes, ${load_run} ms)"
# bounds with room for a loaded machine: about 1 KB a process, seconds
[ "$size" -lt $((n * 1024)) ] || { echo "tests/html: the $n-process page is $size bytes" >&2; exit 1; }
[ "$load_big" -lt 5000 ] || { echo "tests/html: the $n-process page took $load_big ms" >&2; exit 1; }
