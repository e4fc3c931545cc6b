/* The one line a quiet process leaves in log_dir.
 *
 * Under the command most processes of a test suite hold nothing at their
 * end.  Each still has to be counted and placed in the tree, but a file
 * of its own (create, write, rename) costs more than the process itself:
 * instead it appends one line to DIR/processes.jsonl, a report document
 * of the usual schema with every list empty.  One write(2) of at most
 * 4096 bytes with O_APPEND: concurrent writers never interleave on a
 * local file system; a write cut short by SIGKILL leaves a broken line
 * that the reader names and skips (the next record starts a line of its
 * own, after the newline every record begins with). */
#define _GNU_SOURCE
#include "report_parts.h"
#include "start_state.h"
#include "fork_state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "options.h"
#include "region.h"
#include "region_file.h"
#include "registry.h"
#include "report.h"
#include "errno_text.h"
#include "raw_syscall.h"
#include "text.h"

#define RECORDS "processes.jsonl"

enum { ARG_MAX_SHOWN = 256, ARGV_BUDGET = 2600 };

/* beside the statics every process writes (fork_state.h): in a page of its
 * own it was a fault at the end of every quiet process */
EG_FORK_STATE static _Atomic int recorded;

EG_HOT_TEXT int eg_report_wants_record(void)
{
    return eg_options.log_dir[0] &&
           (eg_options.report == EG_REPORT_AUTO || eg_options.report == EG_REPORT_JSON);
}

/* argv last, each string cut to ARG_MAX_SHOWN bytes and the list cut at
 * ARGV_BUDGET, so that the line fits in one write of the writer's buffer. */
EG_HOT_TEXT static void json_arg(struct eg_writer *w, const char *s, size_t n, int first)
{
    char arg[ARG_MAX_SHOWN + 1];
    memcpy(arg, s, n < ARG_MAX_SHOWN ? n : ARG_MAX_SHOWN);
    arg[n < ARG_MAX_SHOWN ? n : ARG_MAX_SHOWN] = 0;
    if (!first)
        eg_w_char(w, ',');
    eg_w_json_str(w, arg);
}

/* The argv the process started with, as the region keeps it (whole words
 * within EG_ARGV_MAX bytes), read in place: a copy took a page of stack,
 * a fault in every process that ends holding nothing. */
EG_HOT_TEXT static void json_start_argv(struct eg_writer *w)
{
    int argc;
    char **argv = eg_start_argv(&argc);
    eg_w_str(w, ",\"argv\":[");
    size_t used = 0;
    for (int i = 0; argv && i < argc && argv[i] && w->n < ARGV_BUDGET; i++) {
        size_t n = eg_text_len(argv[i]);
        if ((used += n + 1) > EG_ARGV_MAX)
            break;
        json_arg(w, argv[i], n, i == 0);
    }
    eg_w_char(w, ']');
}

/* Appends the record in w (one document, '\n' first and last, none
 * inside: the writer escapes newlines within strings). */
EG_HOT_TEXT static int append(struct eg_writer *w)
{
    char path[EG_PATH_MAX + 32];
    size_t dir = eg_text_len(eg_options.log_dir);
    if (w->failed || dir + sizeof "/" RECORDS > sizeof path)
        return 0; /* did not fit in one write */
    for (size_t i = 1; i + 1 < w->n; i++)
        if (w->buf[i] == '\n')
            w->buf[i] = ' ';
    memcpy(path, eg_options.log_dir, dir);
    memcpy(path + dir, "/" RECORDS, sizeof "/" RECORDS);
    /* in place (raw_syscall.h): no interposer may see exitguard's own fd,
     * and syscall() was a lazy binding in every quiet process */
    /* O_NONBLOCK: a FIFO put there in its place must not hang the
     * process's exit (without a reader the open fails with ENXIO) */
    int fd = (int)eg_raw_syscall(SYS_openat, AT_FDCWD, (long)path,
                                 O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK,
                                 0600);
    if (fd == -EACCES || fd == -EPERM)
        return 0; /* another uid's (this process changed uid): a document instead */
    /* No fstat to see it is a regular file (a system call in every process
     * under the command): a FIFO without a reader fails the open (ENXIO), a
     * directory fails it (EISDIR), and a FIFO that is read takes the line
     * or, full, fails the write (O_NONBLOCK): none can hang the exit. */
    char b[24];
    if (fd < 0) {
        eg_warn("cannot write its record in log_dir '", eg_options.log_dir, "': ",
                fd == -ENXIO ? "not a regular file" : eg_errno_text(-fd, b));
        return 0;
    }
    long n;
    do
        n = eg_raw_syscall(SYS_write, fd, (long)w->buf, (long)w->n, 0);
    while (n == -EINTR);
    eg_raw_syscall(SYS_close, fd, 0, 0, 0);
    if (n != (long)w->n) {
        eg_warn("cannot write its record in '", path, "': ",
                n < 0 ? eg_errno_text((int)-n, b) : "short write");
        return 0;
    }
    return 1;
}

int eg_report_record(const struct eg_end *end)
{
    struct eg_writer w;
    eg_w_init(&w, -1);
    eg_w_char(&w, '\n');
    eg_report_json(&w, end);
    return append(&w);
}

/* The record as a document of its own, DIR/<pid>.json (or <pid>.N.json),
 * written under a temporary name and renamed without replacing anything:
 * for a process that may not append to the run's record file -- or in
 * place of the exec document of this image, which it supersedes. */
static void file_it(const struct eg_writer *w, int pid, const char *replace)
{
    char tmp[EG_PATH_MAX + 64], final[EG_PATH_MAX + 64];
    size_t dir = strlen(eg_options.log_dir);
    if (dir + 48 > sizeof tmp)
        return;
    struct eg_writer name;
    eg_w_init(&name, -1);
    eg_w_str(&name, eg_options.log_dir);
    eg_w_str(&name, "/.");
    eg_w_i64(&name, pid);
    eg_w_str(&name, ".record.tmp");
    memcpy(tmp, name.buf, name.n);
    tmp[name.n] = 0;
    int fd = (int)syscall(SYS_openat, AT_FDCWD, tmp,
                          O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    ssize_t n = syscall(SYS_write, fd, w->buf + 1, w->n - 1); /* without its leading newline */
    syscall(SYS_close, fd);
    if (replace && n == (ssize_t)w->n - 1 &&
        syscall(SYS_renameat2, AT_FDCWD, tmp, AT_FDCWD, replace, 0) == 0)
        return;
    for (int k = 0; n == (ssize_t)w->n - 1 && k < 100; k++) {
        eg_w_init(&name, -1);
        eg_w_str(&name, eg_options.log_dir);
        eg_w_char(&name, '/');
        eg_w_i64(&name, pid);
        if (k) {
            eg_w_char(&name, '.');
            eg_w_i64(&name, k);
        }
        eg_w_str(&name, ".json");
        memcpy(final, name.buf, name.n);
        final[name.n] = 0;
        if (syscall(SYS_renameat2, AT_FDCWD, tmp, AT_FDCWD, final, RENAME_NOREPLACE) == 0)
            return;
        if (errno != EEXIST)
            break;
    }
    syscall(SYS_unlinkat, AT_FDCWD, tmp, 0);
}

/* Once per process: an exit handler may end it again (_exit from an
 * atexit handler). */
EG_HOT_TEXT void eg_report_record_unmaterialised(const struct eg_end *end)
{
    if (!atomic_exchange(&recorded, 1))
        eg_report_record_line(end);
}

EG_HOT_TEXT void eg_report_record_line(const struct eg_end *end)
{
    int pid = (int)eg_raw_syscall(SYS_getpid, 0, 0, 0, 0);
    if (!eg_region)
        eg_region_drop_predecessor(pid); /* this image's end supersedes it */
    struct eg_writer w;
    eg_w_init(&w, -1);
    eg_w_char(&w, '\n');
    eg_json_head(&w, pid, eg_region ? eg_region->pid : (int)eg_raw_syscall(SYS_getppid, 0, 0, 0, 0));
    eg_w_str(&w, ",\"end\":");
    eg_json_end(&w, end);
    eg_w_str(&w, ",\"stack_depth\":");
    eg_w_i64(&w, eg_options.stack_depth);
    eg_w_str(&w, ",\"leaks\":[],\"closed_unseen\":[],\"tempfiles\":[],\"finalizers\":[],"
                 "\"children\":[],\"children_reaped\":0,\"threads\":[],\"errors\":[],"
                 "\"errors_dropped\":0");
    json_start_argv(&w);
    eg_w_str(&w, "}\n");
    const char *exec_doc = eg_report_exec_doc();
    if (exec_doc)
        file_it(&w, pid, exec_doc);
    else if (!append(&w) && !w.failed)
        file_it(&w, pid, 0);
}
