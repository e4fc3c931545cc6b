/* The per-process reports the library wrote: finding them in the report
 * directory and parsing them (schema in docs/formats.md, version 2). */
#ifndef EXITGUARD_TOOLS_REPORTS_H
#define EXITGUARD_TOOLS_REPORTS_H

#include <jansson.h>
#include <stddef.h>

#define REPORT_SCHEMA 2

/* Finished reports: "*.json", not the library's dot-prefixed temporaries. */
struct report_names {
    char **names; /* sorted with strcmp */
    size_t count;
    long long records_from; /* list_report_names: the size of RECORDS_NAME */
};

/* The run's token (set_preload_env hands it to the tree in
 * EXITGUARD_OPTIONS): a report or registry file without it was not
 * written by a process of this run -- anyone may create files in a
 * directory open to other users (report_dir.c) -- and is refused.  "" (no
 * token) accepts any. */
void set_run_token(const char *token);
const char *run_token(void);
/* 1 if `text` (maybe not NUL-terminated within `size`) is the token. */
int is_run_token(const char *text, size_t size);

/* The run-wide file of one-line reports of quiet processes (the library's
 * shim/report/report_record.c). */
#define RECORDS_NAME "processes.jsonl"

/* 0, or -1 with errno set. */
int list_report_names(const char *dir, struct report_names *out);
/* The same for any other kind of file the library leaves there, by the
 * end of its name (".registry"). */
int list_names_ending(const char *dir, const char *suffix, struct report_names *out);
int is_listed(const struct report_names *names, const char *name);
void free_report_names(struct report_names *names);

/* Every report in `dir` not in `skip` (reports from before the command
 * ran), and every record of RECORDS_NAME past skip->records_from, as a
 * JSON array sorted by pid.  A report that cannot be read gets
 * one line on stderr and is counted in *unreadable.  NULL, after one line
 * on stderr, if the directory itself cannot be read. */
json_t *load_reports(const char *dir, const struct report_names *skip, size_t *unreadable);
/* What names a process with its pid in a run where pids are reused: its
 * start time, which exec keeps (clock ticks since boot); 0 where the
 * report does not say. */
json_int_t report_start_time(json_t *report);
/* Whether a and b, both of pid P, may be of one process: not when both
 * say a start time and the times differ. */
int same_start(json_t *a, json_t *b);

#endif
