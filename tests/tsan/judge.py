"""What a race program left, against exitguard's report of it.
   judge.py LOGDIR race|thread_mix|finalizers [MARKS_FILE]
LOGDIR holds the program's stdout and the reports (log_dir)."""
import json
import os
import sys


def reports(logdir):
    docs = []
    for name in os.listdir(logdir):
        if name.endswith(".json"):
            with open(os.path.join(logdir, name)) as f:
                docs.append(json.load(f))
    path = os.path.join(logdir, "processes.jsonl")
    if os.path.exists(path):
        with open(path) as f:
            docs += [json.loads(line) for line in f if line.strip()]
    return docs


def root_report(logdir):
    """The report of the process that printed stdout: the one preloaded
    first, whose parent is not among the reports."""
    docs = reports(logdir)
    pids = {d["pid"] for d in docs}
    roots = [d for d in docs if d["ppid"] not in pids and "leaks" in d]
    if len(roots) != 1:
        sys.exit("tsan: %s: %d root reports" % (logdir, len(roots)))
    return roots[0]


def main():
    logdir, program = sys.argv[1], sys.argv[2]
    with open(os.path.join(logdir, "stdout")) as f:
        out = f.read().split()
    rep = root_report(logdir)
    leaked = {l["fd"] for l in rep["leaks"]}
    problems = []
    if program == "race":
        # "open 3 5 9": the fds open at the end that were not at the start.
        # Under TSan the program starts with an fd of TSan's in the
        # contested range 3-14, which the threads may close and reopen:
        # it is then a leak the program does not print.
        for fd in map(int, out[1:]):
            if fd not in leaked:
                problems.append("fd %d open at exit, not reported" % fd)
        extra = sorted(fd for fd in leaked if str(fd) not in out[1:])
        if len(extra) > 1 or [fd for fd in extra if not 3 <= fd <= 14]:
            problems.append("reported %s, open %s" % (sorted(leaked), out[1:]))
    elif program == "thread_mix":
        # "pending <child> <fd>"
        child, fd = int(out[1]), int(out[2])
        if fd not in leaked:
            problems.append("fd %d not among the leaks %s" % (fd, sorted(leaked)))
        left = [c for c in rep["children"] if c["pid"] == child]
        if not left or left[0].get("action") != "terminated":
            problems.append("child %d not reported terminated: %s" % (child, left))
        newest = max(rep["finalizers"], key=lambda f: f["seq"], default=None)
        if not newest or newest["outcome"] != "ran":
            problems.append("the pending finalizer did not run: %s" % newest)
    elif program == "finalizers":
        with open(sys.argv[3]) as f:
            marks = f.read().split()
        if sorted(map(int, marks)) != list(range(2000)):
            problems.append("%d marks, %d distinct: each finalizer must run once"
                            % (len(marks), len(set(marks))))
    for p in problems:
        print("tsan: %s: %s" % (logdir, p), file=sys.stderr)
    sys.exit(1 if problems else 0)


main()
