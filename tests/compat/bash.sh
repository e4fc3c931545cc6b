# bash: pipelines, subshells, command substitution, a background job that is
# waited for, traps, exec redirections.  Run from a fresh directory; files
# it makes go to out/.  Ends with status 3 after its EXIT trap.
set -u
mkdir -p out
trap 'echo "EXIT trap, status $?"' EXIT
trap 'echo "USR1 trap"' USR1
trap 'echo "ERR trap at line $LINENO"' ERR

echo "pipeline: $(printf 'c\nb\na\n' | sort | tr a-z A-Z | paste -sd, -)"
set -o pipefail
false | true
echo "pipefail status $?"
set +o pipefail

inner=$(echo outer; (echo nested; exit 4); echo "nested status $?")
echo "$inner"
(cd out && echo "written in a subshell" >subshell.txt)
echo "subshell kept the directory: ${PWD##*/}"

(seq 1 1000 | wc -l >out/background.txt; exit 7) &
wait $!
echo "background job exited $?, counted $(cat out/background.txt) lines"

kill -USR1 $$
sh -c 'exit 5'
echo "after a failing command: $?"

exec 3>out/fd3.txt
echo "through fd 3" >&3
exec 3>&-
exec 4<out/fd3.txt
read -r line <&4
exec 4<&-
echo "read back: $line"

while read -r n; do total=$(( ${total:-0} + n )); done < <(seq 1 10)
echo "process substitution sum: $total"
diff <(printf 'x\ny\n') <(printf 'x\nz\n') >out/diff.txt
echo "diff status $?"
cat <<END | tr a-z A-Z
here-document $((6 * 7))
END
echo "to stderr" >&2
printf '%s\n' one two three | xargs -n1 echo item
yes | head -n 2
echo "yes | head: ${PIPESTATUS[*]}"
sh -c 'kill -TERM $$'
echo "killed by SIGTERM: $?"
env -i PATH=/usr/bin:/bin sh -c 'echo "scrubbed environment: PATH=$PATH HOME=${HOME-unset}"'
exit 3
