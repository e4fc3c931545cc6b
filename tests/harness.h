/* Running a program under the library, or the exitguard command, from a
 * test: never preload into the test binary itself (Criterion forks and
 * re-executes itself); spawn the program with an explicit environment and
 * a report directory of its own, then look at how it ended and what it
 * reported. */
#ifndef EXITGUARD_TESTS_HARNESS_H
#define EXITGUARD_TESTS_HARNESS_H

#include <jansson.h>
#include <sys/types.h>

struct run {
    pid_t pid;
    int status;          /* as from waitpid */
    char dir[256];       /* report directory (log_dir) */
    char *out, *err;     /* what the program printed */
};

/* Absolute path of a file in the build directory ($EXITGUARD_BUILD). */
const char *build_path(const char *name);

/* Runs argv[0] (a path) with LD_PRELOAD=libexitguard.so and
 * EXITGUARD_OPTIONS=`options`, where "{dir}" stands for r->dir (as does
 * an argument that is "{dir}").  `options`
 * NULL: the variable is not set.  extra_env: more NAME=VALUE, or NULL. */
void run_preloaded(struct run *r, const char *options, char *const argv[],
                   char *const extra_env[]);

/* Runs argv[0] without the library (the exitguard command itself). */
void run_plain(struct run *r, char *const argv[], char *const extra_env[]);

/* Runs the exitguard command with `args` (NULL-terminated) after it. */
void run_exitguard(struct run *r, char *const args[], char *const extra_env[]);

/* Gives r a report directory without running anything (for tests that
 * start the program themselves). */
void run_scratch(struct run *r);

/* The report of process `pid` in r->dir (NULL if none). */
json_t *report_of(struct run *r, pid_t pid);
/* Every report in r->dir (or in `dir`), as an array. */
json_t *all_reports(struct run *r);
json_t *reports_in(const char *dir);
void remove_tree(const char *dir);

/* The JSON document at `path` (asserted), the file removed. */
json_t *take_json(const char *path);

json_t *leak_with_fd(json_t *report, int fd);
/* The entry of report's "children" with this pid, or NULL. */
json_t *child_with_pid(json_t *report, long pid);
json_t *error_of_kind(json_t *report, const char *kind, int fd);
/* 1 if a frame of `stack` is in function `fn`, at source `file` (a suffix)
 * and `line`; NULL or 0 matches anything.  Raw frames (module+offset, as
 * the library writes them) are symbolized here. */
int stack_has(json_t *stack, const char *fn, const char *file, int line);

/* The exit status of a run that exited (asserted: a death by a signal
 * fails the test, naming the signal and what went to stderr). */
int exit_code(struct run *r);

/* How many times `what` occurs in `text`. */
int count_in(const char *text, const char *what);

/* The report of r's own process says it was killed by a signal, with
 * `leaks` fds left (asserted); freed with the run. */
void assert_killed_report(struct run *r, size_t leaks);

/* The number after `key` in text like "key 12" (-1 if absent). */
int number_after(const char *text, const char *key);

/* Polls (bounded by `ms`) until /proc/<pid> is gone: 1, or 0 if it
 * stayed. */
int gone_within(pid_t pid, int ms);

void run_free(struct run *r);

#endif
