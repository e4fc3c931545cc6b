/* The report of one process: its leaks and its misuse of fds, as text on
 * stderr or as a JSON document in log_dir.  Walking the registry and writing
 * allocate nothing; only the text format's symbolization (libdw) does, and
 * it is skipped when `symbolize` is 0. */
#ifndef EXITGUARD_REPORT_H
#define EXITGUARD_REPORT_H

#include "end.h"
#include "writer.h"

enum { EG_REPORT_SCHEMA = 2 };

/* What the report of `end` writes, and where. */
struct eg_plan {
    int format;    /* enum eg_report_format, AUTO resolved */
    int document;  /* a file in log_dir */
    int to_stderr; /* on stderr (or after a failed document, as text) */
    int symbolize;
    int record;    /* quiet in log_dir: one line in processes.jsonl */
};

/* Takes stock of the fds (before anything of ours opens one), then
 * decides: a process with nothing to say may write nothing at all. */
struct eg_plan eg_report_plan(const struct eg_end *end);

static inline int eg_report_writes(const struct eg_plan *p)
{
    return p->document || p->to_stderr || p->record;
}

/* Writes the report as planned. */
void eg_report(const struct eg_end *end, const struct eg_plan *plan);

void eg_report_json(struct eg_writer *w, const struct eg_end *end);
void eg_report_text(struct eg_writer *w, const struct eg_end *end, int symbolize);

/* Asks the kernel which recorded fds are still open, and returns how many
 * are leaks; the report writers use this stock, so take it before they
 * run and before anything else opens an fd. */
unsigned eg_report_take_stock(const struct eg_end *end);

/* The fds the last stock called leaks, handed to fn; returns how many. */
struct eg_fd_slot;
unsigned eg_report_each_leak(void (*fn)(int fd, struct eg_fd_slot *s, void *ctx), void *ctx);

/* About to exec `path`: reports the fds the new program would inherit
 * without having been meant to (no FD_CLOEXEC, not dup2'ed into place),
 * if any.  Finalizers do not run at exec, as atexit handlers do not. */
/* `unchecked`: the program about to run cannot run under us (enum
 * eg_unchecked), which is worth a report. */
/* Whether an exec report could find anything, from the registry alone
 * (no system call): an fd the new program may be handed, or misuse. */
int eg_report_exec_may_find(void);

void eg_report_exec(const char *path, char *const argv[], char *const envp[],
                    unsigned unchecked);
/* The exec just reported failed: its document is withdrawn (the process
 * goes on, and its end is its one report). */
void eg_report_exec_failed(void);
/* The exec document this image wrote and has not outlived, or NULL: a
 * later end replaces it. */
const char *eg_report_exec_doc(void);
unsigned eg_report_count_errors(void);

/* report_record.c: whether this process's end goes to log_dir as JSON;
 * then the one line of a process that has nothing to report, written
 * once, materialised or not. */
int eg_report_wants_record(void);

/* A vfork child is gone (exec'd, exited, or died in its report): its
 * stock, on its own, is no more. */
void eg_report_vfork_gone(void);
/* 0: it did not fit in one line (write a document instead) */
int eg_report_record(const struct eg_end *end);
/* The same for a process that never made a registry: its identity from
 * the system, argv as it started (eg_start_argv). */
void eg_report_record_unmaterialised(const struct eg_end *end);
/* The same line, written whether or not one was (a vfork child: the
 * once-flag is its parent's). */
void eg_report_record_line(const struct eg_end *end);

#endif
