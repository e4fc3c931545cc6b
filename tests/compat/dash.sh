# dash (POSIX sh): pipelines, subshells, command substitution, a background
# job that is waited for, traps, exec redirections; ends by exec'ing a
# program that exits with status 4.
mkdir -p out
trap 'echo "EXIT trap"' EXIT
trap 'echo "USR1 trap"' USR1

echo "pipeline: $(printf 'c\nb\na\n' | sort | tr a-z A-Z | paste -sd, -)"
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

seq 1 10 | { t=0; while read -r n; do t=$((t + n)); done; echo "sum in a pipeline: $t"; }
cat <<END | tr a-z A-Z
here-document $((6 * 7))
END
echo "to stderr" >&2
printf '%s\n' one two three | xargs -n1 echo item
yes | head -n 2
sh -c 'kill -TERM $$'
echo "killed by SIGTERM: $?"
env -i PATH=/usr/bin:/bin sh -c 'echo "scrubbed environment: PATH=$PATH HOME=${HOME-unset}"'
trap - EXIT
# the shell replaced by a program: its status is the script's
exec sh -c 'echo "exec replaced the shell"; exit 4'

