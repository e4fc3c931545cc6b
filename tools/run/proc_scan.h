/* What /proc says about the processes running now: each one's parent and
 * process group, and its argv.  (This kernel has no
 * /proc/PID/task/TID/children, so a process's children are found by
 * scanning every process's parent.) */
#ifndef EXITGUARD_TOOLS_PROC_SCAN_H
#define EXITGUARD_TOOLS_PROC_SCAN_H

#include <stddef.h>
#include <sys/types.h>

struct proc_entry {
    pid_t pid, ppid, pgid;
    int zombie; /* ended or ending (in exit), not yet reaped by its parent */
    unsigned long long start_time; /* field 22 of stat: kept across exec */
};

/* One process's entry, from /proc/PID/stat: 0, or -1 if it is gone. */
int read_proc_stat(pid_t pid, struct proc_entry *out);

/* Every process, in *out (to free); returns how many, 0 on failure. */
size_t scan_processes(struct proc_entry **out);

/* /proc/PID/cmdline as a NULL-terminated argv (to free with free_argv);
 * empty for a process that has none or has gone; NULL if out of memory. */
char **read_cmdline(pid_t pid);
void free_argv(char **argv);

#endif
