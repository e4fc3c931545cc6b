# Every process a torture tree logged (tests/torture/stage.c) against the
# documents of the command's --json ("PID HOW UNCHECKED" lines, HOW
# "unreported-exec" for a post-mortem of an image that was executing a new
# program).  A process is its pid and start time (a reused pid starts
# later).  Each must have exactly one document that ends it -- a report, or
# a post-mortem -- besides its exec documents; except one whose last image
# was the static stage: no library ran there, so its last word is the exec
# document that says `unchecked`, and at most a post-mortem of the image
# before (it left something, a temp file, for the command to deal with).
# A post-mortem of an image that was executing a new program is the end
# of any other process whose new image was killed before its library
# could speak (the run's end reached it inside its exec): its ending,
# counted as one.
# One that meant to exec the static stage ("static") and did not log from
# it either never got there (killed first: its own end document) or was
# killed between the exec and the static stage's first line (then like
# one that ran it).
# A process its parent signalled at a random moment ("doomed") that never
# logged itself was killed before its first acquisition: before that a
# process has no registry (a forked child borrows its parent's), so
# nothing can tell of it but its parent's count of children reaped (or
# its children[] entry); it may have no document at all, never two.
# Prints one line per process not accounted for; nothing when all are.
FNR == NR {
    key = $1 " " $2
    if (!(key in seen)) { seen[key] = 1; procs[$1]++; name[$1] = name[$1] " " $4 "(" $5 ")" }
    if ($6 != "doomed") last[key] = $6
    next
}
{ docs[$1]++ }
$2 != "exec" && $2 != "unreported-exec" { ends[$1]++ }
$2 == "unreported-exec" { pm_exec[$1]++ }
$2 == "exec" && $3 != "-" { unchecked[$1]++ }
END {
    for (key in seen) {
        split(key, k, " ")
        if (!(key in last)) unborn[k[1]]++
        if (last[key] == "ran-static") static[k[1]]++
        if (last[key] == "static") maybe[k[1]]++
    }
    for (pid in procs) {
        want = procs[pid] - static[pid]
        # a "static" that got there has no end document, only its exec one
        got = unchecked[pid] - static[pid]
        if (got > maybe[pid]) got = maybe[pid]
        if (got > 0) { want -= got; static[pid] += got }
        # the post-mortems of exec'ing images the static stages do not take
        # are endings of their own
        ended = ends[pid] + (pm_exec[pid] > static[pid] ? pm_exec[pid] - static[pid] : 0)
        if (!docs[pid] && unborn[pid] < procs[pid])
            printf "pid %d:%s: no document in the JSON\n", pid, name[pid]
        else if (ended > want || ended < want - unborn[pid])
            printf "pid %d:%s: %d documents ending it, %d process(es) logged (%d static)\n",
                   pid, name[pid], ends[pid] + pm_exec[pid], procs[pid], static[pid]
        else if (unchecked[pid] < static[pid])
            printf "pid %d:%s: ran the static stage, no exec document says unchecked\n",
                   pid, name[pid]
    }
}
