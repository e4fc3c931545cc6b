/* What the sections of a report share: frames and stacks in both formats,
 * the text line prefix, names.  None of it allocates; eg_text_frame and
 * eg_text_stack symbolize (libdw, allocating) only when asked to. */
#ifndef EXITGUARD_REPORT_PARTS_H
#define EXITGUARD_REPORT_PARTS_H

#include <stdint.h>

#include "end.h"
#include "writer.h"

/* The pid the report speaks for (a vfork child's, in one). */
int eg_report_pid(void);
/* The registry read is another process's (a forked child's borrowed
 * view, or a vfork child's): nothing in it is this process's doing. */
int eg_report_borrowed(void);
const char *eg_signal_name(int sig, char *buf); /* buf: 20 bytes */

/* {"pc":"0x..","module":"..","offset":"0x.."} */
void eg_json_frame(struct eg_writer *w, uint64_t pc);
/* "signal":N,"name":"SIGX" (no braces) */
void eg_json_signal(struct eg_writer *w, int sig);
/* {"exitguard_report":N,"run_token":...,"pid":..,"ppid":..,"exe":.. --
 * the head of every report document (no closing brace) */
void eg_json_head(struct eg_writer *w, int pid, int ppid);
/* {"how":"exit","status":N} and the other ends */
void eg_json_end(struct eg_writer *w, const struct eg_end *end);
/* [frame, ...] of a depot stack */
void eg_json_stack(struct eg_writer *w, uint32_t id);

/* "==pid== " */
void eg_text_prefix(struct eg_writer *w);
/* A new item of the report: an empty prefixed line, then the prefix. */
void eg_text_item(struct eg_writer *w);
void eg_text_frame(struct eg_writer *w, uint64_t pc, int is_return, int symbolize);
/* one prefixed line per frame */
void eg_text_stack(struct eg_writer *w, uint32_t id, int symbolize);

/* ---- sections, each in its own file ---- */

/* report_threads.c: threads other than the one ending the process, still
 * running at the end.  _json writes `,"threads":[...]`; _text writes its
 * lines (nothing when there are none); both return how many. */
unsigned eg_report_threads_json(struct eg_writer *w);
unsigned eg_report_threads_text(struct eg_writer *w, int symbolize);

/* report_tempfiles.c: mkstemp files of this process still on disk at the
 * end (and what tempfiles=unlink did with them). */
unsigned eg_report_tempfiles_json(struct eg_writer *w);
unsigned eg_report_tempfiles_text(struct eg_writer *w, int symbolize);
unsigned eg_report_tempfiles_count(void);
/* Whether a temp file this process made is still on disk. */
int eg_tempfiles_on_disk(void);

/* report_children.c: child processes of this process still running, or
 * never waited for, at the end (and what the children policy did);
 * _json also writes `"children_reaped":N`. */
unsigned eg_report_children_json(struct eg_writer *w);
unsigned eg_report_children_text(struct eg_writer *w, int symbolize);
unsigned eg_report_children_count(void);
const char *eg_unchecked_name(unsigned unchecked); /* NULL for none */

/* report_finalizers.c: finalizers the exit sequence ran, skipped, or
 * gave up on. */
unsigned eg_report_finalizers_json(struct eg_writer *w);
unsigned eg_report_finalizers_text(struct eg_writer *w, int symbolize);
unsigned eg_report_finalizers_failed(void); /* crashed, exited or hung */

#endif
