# git: init, add, commit, log, status, diff in a repository of the run's own
# directory, with HOME and the configuration inside it (hermetic) and fixed
# dates (the commit ids are the same every run).
set -e
export HOME="$PWD/home" GIT_CONFIG_NOSYSTEM=1 GIT_PAGER=cat PAGER=cat
export GIT_AUTHOR_DATE='2024-01-01T00:00:00Z' GIT_COMMITTER_DATE='2024-01-01T00:00:00Z'
mkdir -p "$HOME"
git config --global user.name "Compat Test"
git config --global user.email compat@example.invalid
git config --global init.defaultBranch main
git init -q repo
cd repo
printf 'hello\n' >a.txt
git add a.txt
git commit -q -m first
printf 'more\n' >>a.txt
printf 'new\n' >b.txt
git status --short
git add -A
git commit -q -m second
git log --format='%H %an %s'
git diff --stat HEAD~1
git status
git rev-parse HEAD
git cat-file -p HEAD:a.txt
