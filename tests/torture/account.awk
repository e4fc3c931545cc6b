# Every process a torture tree logged (tests/torture/stage.c) against the
# documents of the command's --json ("PID HOW UNCHECKED" lines, HOW
# "unreported-exec" for a post-mortem of an image that was executing a new
# program).  A process is its pid and start time (a reused pid starts
# later).  Each must have exactly one document that ends it -- a report, or
# a post-mortem -- besides its exec documents; except one whose last image
# was the static stage: no library ran there, so its last word is the exec
# document that says `unchecked`, and at most a post-mortem of the image
# before (it left something, a temp file, for the command to deal with).
# Prints one line per process not accounted for; nothing when all are.
FNR == NR {
    key = $1 " " $2
    if (!(key in last)) { procs[$1]++; name[$1] = name[$1] " " $4 "(" $5 ")" }
    last[key] = $6
    next
}
{ docs[$1]++ }
$2 != "exec" && $2 != "unreported-exec" { ends[$1]++ }
$2 == "unreported-exec" { pm_exec[$1]++ }
$2 == "exec" && $3 != "-" { unchecked[$1]++ }
END {
    for (key in last) if (last[key] ~ /static/) { split(key, k, " "); static[k[1]]++ }
    for (pid in procs) {
        want = procs[pid] - static[pid]
        if (!docs[pid])
            printf "pid %d:%s: no document in the JSON\n", pid, name[pid]
        else if (ends[pid] != want || pm_exec[pid] > static[pid])
            printf "pid %d:%s: %d documents ending it, %d process(es) logged (%d static)\n",
                   pid, name[pid], ends[pid] + pm_exec[pid], procs[pid], static[pid]
        else if (unchecked[pid] < static[pid])
            printf "pid %d:%s: ran the static stage, no exec document says unchecked\n",
                   pid, name[pid]
    }
}
