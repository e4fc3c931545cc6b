#define _GNU_SOURCE
#include "report.h"
#include "fork_state.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "depot.h"
#include "describe.h"
#include "end.h"
#include "options.h"
#include "real.h"
#include "region_file.h"
#include "registry.h"
#include "report_parts.h"
#include "self_exe.h"
#include "fd_room.h"
#include "sort.h"
#include "symbolize.h"
#include "vfork.h"
#include "errno_text.h"

/* ---- walking the registry ---- */

/* Open in the registry and acquired by this process.  The standard streams
 * are left out: a process ending with 0, 1, 2 open is the norm, even when
 * it put them there itself with dup2. */
/* The stock: which recorded fds the kernel has open (for an exec: open
 * and crossing it), asked once, in eg_report_take_stock, before the
 * report opens anything of its own (its file, libdw's) that could take
 * such a number.  A vfork child keeps its own on its stack, reached from
 * the borrowed thread's TLS: the static one may be in use by another
 * thread of the parent. */
struct stock {
    int at_exec;     /* for an exec, not for the end */
    uint64_t *bits;  /* by fd */
    unsigned words;  /* of bits: fds past them are not open, as far as we know */
};
static uint64_t process_bits[EG_FD_LIMIT / 64]; /* 128 KiB, touched as far as fd_high */
static struct stock process_stock = {0, process_bits, EG_FD_LIMIT / 64};
static __thread struct stock *vfork_stock __attribute__((tls_model("initial-exec")));

static struct stock *stock(void) { return vfork_stock ? vfork_stock : &process_stock; }
#define stock_at_exec (stock()->at_exec)

static int open_in_kernel(int fd)
{
    const struct stock *st = stock();
    return (unsigned)fd / 64 < st->words && (st->bits[fd / 64] >> (fd % 64) & 1);
}

static void note_open(int fd, int open)
{
    struct stock *st = stock();
    if ((unsigned)fd / 64 >= st->words)
        return;
    uint64_t bit = 1ull << (fd % 64);
    if (open)
        st->bits[fd / 64] |= bit;
    else
        st->bits[fd / 64] &= ~bit;
}

void eg_report_vfork_gone(void)
{
    vfork_stock = 0; /* the child may have died in the middle of its report */
}

/* At exec, an fd the parent acquired and a forked child carries into the
 * new program is the commonest leak of all: the pid does not matter. */
/* Whose report this is: an exec report written in a vfork child is the
 * child's, computed from the parent's registry it borrows (vfork.c). */
int eg_report_pid(void)
{
    return eg_vfork.in_child ? (int)syscall(SYS_getpid) : eg_pid;
}

EG_HOT_TEXT int eg_report_borrowed(void) { return eg_region_borrowed || eg_vfork.in_child; }

/* Why the report could not be filed, for a reader of the registry file
 * left behind (tools/collect/postmortem.c). */
static void note_unfiled(int error)
{
    if (!eg_report_borrowed())
        eg_region->report_errno = error;
}

static int report_ppid(void)
{
    return eg_report_borrowed() ? eg_region->pid : eg_region->ppid;
}

/* A record of the process this one was forked from, for an fd that was
 * open there at the fork and is not the parent's own hand-over: the
 * child got a copy of it.  The parent may have closed it since (the
 * record then says closed, and still where it was opened); a record
 * rewritten after the fork no longer tells, and is left out. */
EG_HOT_TEXT static int held_at_fork(struct eg_fd_slot *s)
{
    for (int tries = 0; tries < 4; tries++) {
        uint64_t w = atomic_load_explicit(&s->word, memory_order_acquire);
        uint64_t seq = EG_GET(s->seq), after = EG_GET(s->closed_after);
        if (atomic_load_explicit(&s->word, memory_order_acquire) != w)
            continue; /* the parent is changing it: read again */
        enum eg_fd_state state = EG_WORD_STATE(w);
        uint64_t at_fork = eg_vfork.in_child ? eg_vfork.seq : eg_fork_seq;
        /* closed before the fork: the child never had it */
        int gone = state == EG_FD_CLOSED && after && seq + after <= at_fork;
        return state != EG_FD_EMPTY && seq && seq <= at_fork && !gone &&
               !(EG_WORD_FLAGS(w) & (EG_FD_INHERITED | EG_FD_PASSED));
    }
    return 0;
}

EG_HOT_TEXT static int is_held_as(int fd, struct eg_fd_slot *s, int at_exec)
{
    if (fd <= 2)
        return 0;
    if (at_exec && (eg_report_borrowed() || EG_GET(s->pid) != eg_pid))
        return held_at_fork(s);
    uint64_t w = atomic_load_explicit(&s->word, memory_order_acquire);
    return EG_WORD_STATE(w) == EG_FD_OPEN && !(EG_WORD_FLAGS(w) & EG_FD_INHERITED) &&
           (at_exec || EG_GET(s->pid) == eg_pid);
}

static int is_held(int fd, struct eg_fd_slot *s) { return is_held_as(fd, s, stock_at_exec); }

EG_HOT_TEXT static int held_at_exec(int fd, struct eg_fd_slot *s, void *ctx)
{
    (void)ctx;
    return is_held_as(fd, s, 1);
}

EG_HOT_TEXT int eg_report_exec_may_find(void)
{
    return eg_report_count_errors() || eg_fd_walk(0, EG_FD_LIMIT - 1, held_at_exec, 0);
}


static int is_leak(int fd, struct eg_fd_slot *s)
{
    return is_held(fd, s) && open_in_kernel(fd);
}

static int is_closed_unseen(int fd, struct eg_fd_slot *s)
{
    return is_held(fd, s) && !open_in_kernel(fd);
}

/* Open when the process started (a parent's, the shell's), still open at
 * the end: never a leak, shown by the command's --verbose. */
static int is_inherited(int fd, struct eg_fd_slot *s)
{
    uint64_t w = atomic_load_explicit(&s->word, memory_order_acquire);
    return fd > 2 && EG_WORD_STATE(w) == EG_FD_OPEN && (EG_WORD_FLAGS(w) & EG_FD_INHERITED);
}

static int is_inherited_open(int fd, struct eg_fd_slot *s)
{
    return is_inherited(fd, s) && open_in_kernel(fd);
}

/* The fds that pass `test`, handed to `fn` (may be NULL), counted. */
struct selection {
    int (*test)(int fd, struct eg_fd_slot *s);
    void (*fn)(int fd, struct eg_fd_slot *s, void *ctx);
    void *ctx;
    unsigned n;
};

static int select_fd(int fd, struct eg_fd_slot *s, void *arg)
{
    struct selection *sel = arg;
    if (sel->test(fd, s)) {
        sel->n++;
        if (sel->fn)
            sel->fn(fd, s, sel->ctx);
    }
    return 0;
}

static unsigned each_fd(int (*test)(int fd, struct eg_fd_slot *s),
                        void (*fn)(int fd, struct eg_fd_slot *s, void *ctx), void *ctx)
{
    struct selection sel = {test, fn, ctx, 0};
    eg_fd_walk(0, EG_FD_LIMIT - 1, select_fd, &sel);
    return sel.n;
}

static unsigned each_leak(void (*fn)(int fd, struct eg_fd_slot *s, void *ctx), void *ctx)
{
    return each_fd(is_leak, fn, ctx);
}

/* At exec, what matters is what the new program is handed: an fd without
 * FD_CLOEXEC that the program did not put in place for it on purpose. */
/* An fd the new program is told about in its environment is handed to it
 * on purpose, not leaked: a variable whose name holds "FD" and whose
 * value is the number (libuv's UV_TEST_RUNNER_FD=5, LISTEN_FDS-style
 * names), or make's jobserver (MAKEFLAGS=... --jobserver-auth=R,W). */
static int number_is(const char *p, size_t len, int fd)
{
    if (!len)
        return 0;
    long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (p[i] < '0' || p[i] > '9' || v > EG_FD_LIMIT)
            return 0;
        v = v * 10 + (p[i] - '0');
    }
    return v == fd;
}

static int named_in_env(int fd, char *const *envp)
{
    for (int i = 0; envp && envp[i]; i++) {
        const char *e = envp[i], *eq = strchr(e, '=');
        if (!eq)
            continue;
        if (memmem(e, (size_t)(eq - e), "FD", 2) && number_is(eq + 1, strlen(eq + 1), fd))
            return 1;
        if (!strncmp(e, "MAKEFLAGS=", 10)) {
            const char *j = strstr(eq, "--jobserver-auth=");
            j = j ? j + 17 : (j = strstr(eq, "--jobserver-fds=")) ? j + 16 : 0;
            if (j) {
                size_t r = strcspn(j, ", "), w = strcspn(j + r + (j[r] == ','), " ");
                if (number_is(j, r, fd) || (j[r] == ',' && number_is(j + r + 1, w, fd)))
                    return 1;
            }
        }
    }
    return 0;
}

struct stock_walk {
    const struct eg_end *end;
    int (*test)(int fd, struct eg_fd_slot *s);
};

static int note_kernel_state(int fd, struct eg_fd_slot *s, void *ctx)
{
    const struct stock_walk *walk = ctx;
    const struct eg_end *end = walk->end;
    if (walk->test(fd, s)) {
        int fdflags = eg_sys_fcntl(fd, F_GETFD, 0);
        int crosses = !(fdflags & FD_CLOEXEC) &&
                      !(EG_WORD_FLAGS(atomic_load(&s->word)) & EG_FD_PASSED) &&
                      !eg_vfork_child_passes(fd) &&
                      !(end->how == EG_END_EXEC && named_in_env(fd, end->exec_envp));
        note_open(fd, fdflags >= 0 && (end->how != EG_END_EXEC || crosses));
    }
    return 0;
}

static int is_held_or_inherited(int fd, struct eg_fd_slot *s)
{
    return is_held(fd, s) || is_inherited(fd, s);
}

/* At an exec the inherited fds are asked about only when there is a
 * report to show them in: a shell's forked child execs with nothing to
 * say, and a fcntl for each of the shell's own fds was half its cost. */
unsigned eg_report_take_stock(const struct eg_end *end)
{
    int at_exec = end->how == EG_END_EXEC;
    stock()->at_exec = at_exec;
    struct stock_walk walk = {end, at_exec ? is_held : is_held_or_inherited};
    eg_fd_walk(0, EG_FD_LIMIT - 1, note_kernel_state, &walk);
    unsigned leaks = each_leak(0, 0);
    if (at_exec && (leaks || end->exec_unchecked || eg_report_count_errors())) {
        walk.test = is_inherited;
        eg_fd_walk(0, EG_FD_LIMIT - 1, note_kernel_state, &walk);
    }
    return leaks;
}

unsigned eg_report_each_leak(void (*fn)(int fd, struct eg_fd_slot *s, void *ctx), void *ctx)
{
    return each_leak(fn, ctx);
}

static unsigned count_leaks(void) { return each_leak(0, 0); }

/* The errors array of a forked child starts with its parent's misuse:
 * this process's are [errors_first, errors_end). */
static unsigned errors_first(void)
{
    unsigned n = eg_report_borrowed() ? atomic_load(&eg_region->nerrors) : eg_region->errors_inherited;
    return n < EG_MAX_ERRORS ? n : EG_MAX_ERRORS;
}

static unsigned errors_end(void)
{
    unsigned n = atomic_load_explicit(&eg_region->nerrors, memory_order_acquire);
    return n < EG_MAX_ERRORS ? n : EG_MAX_ERRORS;
}

EG_HOT_TEXT unsigned eg_report_count_errors(void)
{
    if (eg_report_borrowed())
        return 0; /* its misuse is not recorded; the rest is its parent's */
    return atomic_load_explicit(&eg_region->nerrors, memory_order_acquire) -
           eg_region->errors_inherited;
}

static unsigned errors_kept(void) { return errors_end() - errors_first(); }

/* ---- JSON ---- */

/* What happens to a leaked fd after the report: fds=close closes it;
 * a FILE*'s buffer is flushed by exit only. */
static const char *leak_fate(unsigned flags, const struct eg_end *end)
{
    if (end->how == EG_END_EXEC)
        return 0;
    if (eg_options.fds == EG_FDS_CLOSE)
        return "closed";
    if ((flags & EG_FD_FILE) && end->how != EG_END_EXIT)
        return "buffered_data_may_be_lost";
    return 0;
}

/* A JSON array being written: the writer and how many items so far. */
struct json_list {
    struct eg_writer *w;
    unsigned items;
    const struct eg_end *end;
};

static void json_leak(int fd, struct eg_fd_slot *s, void *ctx)
{
    struct json_list *list = ctx;
    struct eg_writer *w = list->w;
    struct eg_fd_info info;
    int open_now = eg_describe_fd(fd, &info); /* it is: is_leak asked */
    eg_w_str(w, list->items++ ? ",\n  {" : "\n  {");
    eg_w_str(w, "\"kind\":");
    eg_w_json_str(w, open_now ? info.kind : "unknown");
    eg_w_str(w, ",\"fd\":");
    eg_w_i64(w, fd);
    eg_w_str(w, ",\"seq\":");
    eg_w_i64(w, (int64_t)EG_GET(s->seq));
    eg_w_str(w, ",\"via\":");
    eg_w_json_str(w, eg_via_name(EG_WORD_VIA(atomic_load(&s->word))));
    if (open_now) {
        struct eg_writer line; /* the one-line description, reused */
        eg_w_init(&line, -1);
        eg_describe_write(&line, &info);
        line.buf[line.n < sizeof line.buf ? line.n : sizeof line.buf - 1] = 0;
        eg_w_str(w, ",\"description\":");
        eg_w_json_str(w, line.buf);
        eg_w_str(w, ",\"target\":");
        eg_w_json_str(w, info.target);
        eg_w_str(w, ",\"flags\":\"");
        eg_describe_flags(w, info.status_flags);
        eg_w_str(w, info.cloexec > 0 ? "\",\"cloexec\":true" : "\",\"cloexec\":false");
        if (info.family) {
            eg_w_str(w, ",\"socket\":{\"family\":");
            eg_w_json_str(w, info.family);
            eg_w_str(w, ",\"type\":");
            eg_w_json_str(w, info.type);
            eg_w_str(w, ",\"local\":");
            eg_w_json_str(w, info.local);
            eg_w_str(w, ",\"peer\":");
            eg_w_json_str(w, info.peer);
            eg_w_char(w, '}');
        }
        if (info.kind[0] == 'p' && strcmp(info.kind, "pipe") == 0) {
            eg_w_str(w, ",\"pipe\":{\"end\":");
            eg_w_str(w, (info.status_flags & O_ACCMODE) == O_WRONLY ? "\"write\"" : "\"read\"");
            eg_w_str(w, ",\"other_end_fd\":");
            if (info.other_end >= 0)
                eg_w_i64(w, info.other_end);
            else
                eg_w_str(w, "null");
            eg_w_char(w, '}');
        }
    }
    const char *fate = leak_fate(EG_WORD_FLAGS(atomic_load(&s->word)), list->end);
    if (fate) {
        eg_w_str(w, ",\"action\":\"");
        eg_w_str(w, fate);
        eg_w_char(w, '"');
    }
    eg_w_str(w, ",\"stack\":");
    eg_json_stack(w, EG_GET(s->stack));
    eg_w_char(w, '}');
}

static void json_fd_number(int fd, struct eg_fd_slot *s, void *ctx)
{
    struct json_list *list = ctx;
    (void)s;
    if (list->items++)
        eg_w_char(list->w, ',');
    eg_w_i64(list->w, fd);
}

static void json_fd_and_target(int fd, struct eg_fd_slot *s, void *ctx)
{
    struct json_list *list = ctx;
    (void)s;
    char target[EG_PATH_MAX];
    eg_w_str(list->w, list->items++ ? ",{\"fd\":" : "{\"fd\":");
    eg_w_i64(list->w, fd);
    eg_w_str(list->w, ",\"target\":");
    eg_w_json_str(list->w, eg_fd_target(fd, target, sizeof target));
    eg_w_char(list->w, '}');
}

static const char *error_name(uint32_t kind)
{
    switch (kind) {
    case EG_ERR_DOUBLE_CLOSE: return "double_close";
    case EG_ERR_NEVER_OPENED: return "close_never_opened";
    case EG_ERR_STREAM_FD: return "close_stream_fd";
    default: return "unknown";
    }
}

EG_HOT_TEXT void eg_json_head(struct eg_writer *w, int pid, int ppid)
{
    eg_w_str(w, "{\"exitguard_report\":");
    eg_w_i64(w, EG_REPORT_SCHEMA);
    if (eg_options.run_token[0]) {
        eg_w_str(w, ",\"run_token\":");
        eg_w_json_str(w, eg_options.run_token);
    }
    eg_w_str(w, ",\"pid\":");
    eg_w_i64(w, pid);
    eg_w_str(w, ",\"ppid\":");
    eg_w_i64(w, ppid);
    /* with the pid, what names the process (pids are reused in a long run);
     * a borrowed registry's is its parent's */
    uint64_t started = eg_region && !eg_report_borrowed() && eg_region->start_time
                           ? eg_region->start_time
                           : eg_start_time();
    if (started) {
        eg_w_str(w, ",\"start_time\":");
        eg_w_i64(w, (int64_t)started);
    }
    char exe[1024];
    eg_w_str(w, ",\"exe\":");
    eg_w_json_str(w, eg_self_exe_into(exe, sizeof exe));
}

/* The exec document this image wrote while it has not yet become the new
 * program (the kernel may still refuse, or a signal end the process in
 * between): a later end of the same image replaces it, so that a process
 * has one ending; a failed exec withdraws it.  Not in a vfork child: these
 * statics are its parent's. */
static char exec_doc[EG_PATH_MAX + 64];
static char exec_starting[EG_PATH_MAX];
/* exec_doc and exec_starting hold something: asked first, because the
 * mere read of their page of bss was a fault in every process that ends
 * (a record line under the command) */
EG_FORK_STATE static int exec_pending;

static void note_exec_doc(const struct eg_end *end, const char *final)
{
    if (end->how != EG_END_EXEC || eg_vfork.in_child)
        return;
    strcpy(exec_doc, final);
    const char *path = end->exec_path ? end->exec_path : "";
    size_t len = strnlen(path, sizeof exec_starting - 1);
    memcpy(exec_starting, path, len);
    exec_starting[len] = 0;
    exec_pending = 1;
}

EG_HOT_TEXT const char *eg_report_exec_doc(void)
{
    return exec_pending && exec_doc[0] && !eg_vfork.in_child ? exec_doc : 0;
}

void eg_report_exec_failed(void)
{
    if (eg_vfork.in_child)
        return;
    if (exec_pending && exec_doc[0])
        unlink(exec_doc);
    if (exec_pending)
        exec_doc[0] = exec_starting[0] = 0;
    exec_pending = 0;
    eg_region_exec_failed();
}

EG_HOT_TEXT void eg_json_end(struct eg_writer *w, const struct eg_end *end)
{
    static const char *const how[] = {"exit", "_exit", "quick_exit", "signal", "exec"};
    eg_w_str(w, "{\"how\":\"");
    eg_w_str(w, how[end->how]);
    eg_w_char(w, '"');
    if (end->how == EG_END_SIGNAL) {
        eg_w_char(w, ',');
        eg_json_signal(w, end->code);
    } else if (end->how == EG_END_EXEC) {
        eg_w_str(w, ",\"path\":");
        eg_w_json_str(w, end->exec_path ? end->exec_path : "");
        /* what the process becomes: the command names it so (the next
         * image may never write a word) */
        eg_w_str(w, ",\"argv\":[");
        for (int i = 0; end->exec_argv && end->exec_argv[i] && i < 64; i++) {
            if (i)
                eg_w_char(w, ',');
            eg_w_json_str(w, end->exec_argv[i]);
        }
        eg_w_char(w, ']');
        if (eg_unchecked_name(end->exec_unchecked)) {
            eg_w_str(w, ",\"unchecked\":");
            eg_w_json_str(w, eg_unchecked_name(end->exec_unchecked));
        }
    } else {
        eg_w_str(w, ",\"status\":");
        eg_w_i64(w, end->code);
    }
    if (end->how != EG_END_EXEC && exec_pending && exec_starting[0] && !eg_vfork.in_child) {
        eg_w_str(w, ",\"starting\":"); /* the exec it ended in: see exec_doc */
        eg_w_json_str(w, exec_starting);
    }
    eg_w_char(w, '}');
}

void eg_report_json(struct eg_writer *w, const struct eg_end *end)
{
    eg_json_head(w, eg_report_pid(), report_ppid());
    eg_w_str(w, ",\"argv\":[");
    for (uint32_t off = 0; off < eg_region->argv_len;) {
        if (off)
            eg_w_char(w, ',');
        eg_w_json_str(w, eg_region->argv + off);
        off += (uint32_t)strlen(eg_region->argv + off) + 1;
    }
    eg_w_str(w, "],\"end\":");
    eg_json_end(w, end);
    eg_w_str(w, ",\"stack_depth\":");
    eg_w_i64(w, eg_options.stack_depth);
    eg_w_str(w, ",\n \"leaks\":[");
    struct json_list leaks = {w, 0, end}, unseen = {w, 0, end};
    each_leak(json_leak, &leaks);
    eg_w_str(w, "],\n \"closed_unseen\":[");
    if (end->how != EG_END_EXEC) /* the rest is closed by exec: not news */
        each_fd(is_closed_unseen, json_fd_number, &unseen);
    eg_w_char(w, ']');
    if (end->how != EG_END_EXEC) {
        struct json_list inherited = {w, 0, end};
        eg_w_str(w, ",\n \"inherited\":[");
        each_fd(is_inherited_open, json_fd_and_target, &inherited);
        eg_w_char(w, ']');
    }
    if (end->how != EG_END_EXEC) {
        eg_report_tempfiles_json(w);
        eg_report_children_json(w);
        eg_report_finalizers_json(w);
        eg_report_threads_json(w);
    }
    eg_w_str(w, ",\n \"errors\":[");
    for (unsigned i = errors_first(); i < errors_end(); i++) {
        const struct eg_error *e = &eg_region->errors[i];
        eg_w_str(w, i > errors_first() ? ",\n  {\"kind\":\"" : "\n  {\"kind\":\"");
        eg_w_str(w, error_name(e->kind));
        eg_w_str(w, "\",\"fd\":");
        eg_w_i64(w, e->fd);
        eg_w_str(w, ",\"via\":");
        eg_w_json_str(w, eg_via_name(e->via));
        if (e->kind == EG_ERR_STREAM_FD)
            eg_w_str(w, e->other_flags & EG_FD_DIR ? ",\"stream\":\"DIR*\"" : ",\"stream\":\"FILE*\"");
        eg_w_str(w, ",\"stack\":");
        eg_json_stack(w, e->stack);
        if (e->other_stack) {
            eg_w_str(w, ",\"earlier_stack\":");
            eg_json_stack(w, e->other_stack);
        }
        eg_w_char(w, '}');
    }
    eg_w_str(w, "],\"errors_dropped\":");
    eg_w_i64(w, eg_report_count_errors() - errors_kept());
    eg_w_str(w, "}\n");
}

/* ---- text ---- */

struct text_ctx {
    struct eg_writer *w;
    int symbolize;
    const struct eg_end *end;
};


/* What an fd is, how it was opened, and where: the rest of its line. */
static void text_leak_body(struct text_ctx *ctx, int fd, struct eg_fd_slot *s)
{
    struct eg_writer *w = ctx->w;
    struct eg_fd_info info;
    eg_describe_fd(fd, &info);
    eg_describe_write(w, &info);
    eg_w_str(w, " (");
    eg_describe_flags(w, info.status_flags);
    eg_w_str(w, info.cloexec > 0 ? ", O_CLOEXEC)" : ", no O_CLOEXEC)");
    eg_w_str(w, ", opened by ");
    uint64_t word = atomic_load(&s->word);
    eg_w_str(w, eg_via_name(EG_WORD_VIA(word)));
    const char *fate = leak_fate(EG_WORD_FLAGS(word), ctx->end);
    if (fate && fate[0] == 'c')
        eg_w_str(w, "; closed by exitguard (fds=close)");
    else if (fate)
        eg_w_str(w, "; its FILE* buffer may hold data never written");
    eg_w_str(w, "\n");
    eg_text_stack(w, EG_GET(s->stack), ctx->symbolize);
}

/* ---- identical leaks, once ----
 *
 * As the sanitizers do, leaks of the same kind and target (a path; for a
 * socket or a pipe, just that) and access mode, acquired by the same call
 * from the same stack print once (described as the first of them is), with their count and fd numbers as ranges: a program
 * that leaked 20,000 /dev/null opens gets a screen, not 120,000 lines.
 * The JSON keeps one item per fd.  Keys in mmap'd arrays (no malloc: a
 * signal handler may write this): group hash (44 bits) << 20 | fd. */
enum { FD_BITS = 20, RANGES_SHOWN = 16 };
#define KEY_FD(k) ((int)((k) & ((1u << FD_BITS) - 1)))
#define KEY_GROUP(k) ((k) >> FD_BITS)

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v;
    h *= 0x9e3779b97f4a7c15ull;
    return h ^ h >> 29;
}

static uint64_t group_of(int fd, struct eg_fd_slot *s)
{
    char target[4096]; /* a whole path: two that share a long prefix differ */
    eg_fd_target(fd, target, sizeof target);
    size_t len = strlen(target);
    if (!strncmp(target, "socket:[", 8) || !strncmp(target, "pipe:[", 6))
        len = (size_t)(strchr(target, ':') - target); /* the kind: numbers differ */
    uint64_t h = mix(EG_GET(s->stack), EG_WORD_VIA(atomic_load(&s->word)));
    h = mix(h, (uint64_t)(eg_sys_fcntl(fd, F_GETFL, 0) & O_ACCMODE)); /* a pipe's two ends */
    for (size_t i = 0; i < len; i++)
        h = mix(h, (unsigned char)target[i]);
    return h & ((1ull << (64 - FD_BITS)) - 1);
}

struct collected {
    uint64_t *keys;
    unsigned n, cap;
};

static void collect_leak(int fd, struct eg_fd_slot *s, void *arg)
{
    struct collected *c = arg;
    if (c->n < c->cap)
        c->keys[c->n++] = group_of(fd, s) << FD_BITS | (uint64_t)fd;
}

/* "fds 3-1002, 1005 (1001 fds): " */
static void text_fd_ranges(struct eg_writer *w, const uint64_t *keys, unsigned n)
{
    eg_w_str(w, "fds ");
    unsigned shown = 0;
    for (unsigned i = 0; i < n; shown++) {
        unsigned j = i;
        while (j + 1 < n && KEY_FD(keys[j + 1]) == KEY_FD(keys[j]) + 1)
            j++;
        if (shown == RANGES_SHOWN) {
            eg_w_str(w, ", ...");
            break;
        }
        if (shown)
            eg_w_str(w, ", ");
        eg_w_i64(w, KEY_FD(keys[i]));
        if (j > i) {
            eg_w_char(w, '-');
            eg_w_i64(w, KEY_FD(keys[j]));
        }
        i = j + 1;
    }
    eg_w_str(w, " (");
    eg_w_i64(w, n);
    eg_w_str(w, " fds): ");
}

static void text_group(struct text_ctx *ctx, const uint64_t *keys, unsigned n)
{
    struct eg_writer *w = ctx->w;
    int fd = KEY_FD(keys[0]);
    eg_text_item(w);
    if (n == 1) {
        eg_w_str(w, "fd ");
        eg_w_i64(w, fd);
        eg_w_str(w, ": ");
    } else {
        text_fd_ranges(w, keys, n);
    }
    text_leak_body(ctx, fd, eg_fd_slot(fd, 0));
}

static void text_leak(int fd, struct eg_fd_slot *s, void *arg)
{
    uint64_t key = (uint64_t)fd;
    (void)s;
    text_group(arg, &key, 1);
}

static void text_leaks(struct text_ctx *ctx, unsigned count)
{
    if (eg_vfork.in_child) { /* what it maps is its parent's: one by one */
        each_leak(text_leak, ctx);
        return;
    }
    uint64_t *keys = eg_keys_get(count), *order = eg_keys_get(count);
    if (!keys || !order) { /* no memory for it: one by one */
        each_leak(text_leak, ctx);
        goto done;
    }
    struct collected c = {keys, 0, count};
    each_leak(collect_leak, &c);
    eg_sort_u64(keys, c.n);
    /* the groups in the order of their lowest fd: first fd << 32 | start */
    unsigned groups = 0;
    for (unsigned i = 0; i < c.n; i++)
        if (!i || KEY_GROUP(keys[i]) != KEY_GROUP(keys[i - 1]))
            order[groups++] = (uint64_t)KEY_FD(keys[i]) << 32 | i;
    eg_sort_u64(order, groups);
    for (unsigned g = 0; g < groups; g++) {
        unsigned start = (unsigned)(order[g] & 0xffffffffu), end = start + 1;
        while (end < c.n && KEY_GROUP(keys[end]) == KEY_GROUP(keys[start]))
            end++;
        text_group(ctx, keys + start, end - start);
    }
done:
    eg_keys_put(keys, count);
    eg_keys_put(order, count);
}

static void text_how(struct eg_writer *w, const struct eg_end *end)
{
    char name[20];
    switch (end->how) {
    case EG_END_EXIT: eg_w_str(w, "exited with status "); break;
    case EG_END__EXIT: eg_w_str(w, "called _exit("); break;
    case EG_END_QUICK_EXIT: eg_w_str(w, "called quick_exit("); break;
    case EG_END_SIGNAL:
        eg_w_str(w, exec_pending && exec_starting[0] ? "was ended by " : "was killed by ");
        eg_w_str(w, eg_signal_name(end->code, name));
        goto starting;
    case EG_END_EXEC:
        eg_w_str(w, "is executing ");
        eg_w_str(w, end->exec_path ? end->exec_path : "?");
        if (end->exec_unchecked == EG_UNCHECKED_STATIC)
            eg_w_str(w, " (statically linked: exitguard cannot check it)");
        else if (end->exec_unchecked == EG_UNCHECKED_SETUID)
            eg_w_str(w, " (set-user-ID or privileged: exitguard cannot check it)");
        return;
    }
    eg_w_i64(w, end->code);
    if (end->how != EG_END_EXIT)
        eg_w_char(w, ')');
starting:
    if (exec_pending && exec_starting[0] && !eg_vfork.in_child) {
        eg_w_str(w, " while starting ");
        eg_w_str(w, exec_starting);
    }
}

static void text_error(struct eg_writer *w, const struct eg_error *e, int symbolize)
{
    eg_text_item(w);
    eg_w_str(w, "error: ");
    const char *other = 0;
    switch (e->kind) {
    case EG_ERR_DOUBLE_CLOSE:
        eg_w_str(w, "double close of fd ");
        other = "first closed at:";
        break;
    case EG_ERR_NEVER_OPENED:
        eg_w_str(w, "close of fd that was never opened: fd ");
        break;
    case EG_ERR_STREAM_FD:
        eg_w_str(w, eg_via_name(e->via));
        eg_w_str(w, e->other_flags & EG_FD_DIR ? " of the fd of an open DIR*: fd "
                                               : " of the fd of an open FILE*: fd ");
        other = "the stream was opened at:";
        break;
    }
    eg_w_i64(w, e->fd);
    eg_w_char(w, '\n');
    eg_text_stack(w, e->stack, symbolize);
    if (other && e->other_stack) {
        eg_text_prefix(w);
        eg_w_str(w, "  ");
        eg_w_str(w, other);
        eg_w_char(w, '\n');
        eg_text_stack(w, e->other_stack, symbolize);
    }
}

/* ", 2 things" on the SUMMARY line; a zero only where it is always said */
static void count_clause(struct eg_writer *w, unsigned n, int even_zero, const char *one,
                         const char *many)
{
    if (!n && !even_zero)
        return;
    eg_w_str(w, ", ");
    eg_w_i64(w, n);
    eg_w_str(w, n == 1 ? one : many);
}

void eg_report_text(struct eg_writer *w, const struct eg_end *end, int symbolize)
{
    unsigned leaks = count_leaks();
    unsigned errors = eg_report_count_errors();
    eg_text_prefix(w);
    eg_w_str(w, "exitguard: ");
    eg_w_str(w, eg_region->argv_len ? eg_region->argv : eg_self_exe());
    eg_w_str(w, " (pid ");
    eg_w_i64(w, eg_report_pid());
    eg_w_str(w, ") ");
    text_how(w, end);
    eg_w_str(w, !leaks                     ? "\n"
                : end->how == EG_END_EXEC ? ", handing it file descriptors without O_CLOEXEC:\n"
                                          : ", leaving file descriptors open:\n");
    struct text_ctx ctx = {w, symbolize, end};
    text_leaks(&ctx, leaks);
    unsigned tempfiles = 0, failed = 0, threads = 0, children = 0;
    if (end->how != EG_END_EXEC) {
        tempfiles = eg_report_tempfiles_text(w, symbolize);
        children = eg_report_children_text(w, symbolize);
        eg_report_finalizers_text(w, symbolize);
        failed = eg_report_finalizers_failed();
        threads = eg_report_threads_text(w, symbolize);
    }
    for (unsigned i = errors_first(); i < errors_end(); i++)
        text_error(w, &eg_region->errors[i], symbolize);
    eg_text_item(w);
    eg_w_str(w, "SUMMARY: exitguard: ");
    eg_w_i64(w, leaks);
    eg_w_str(w, leaks == 1                  ? " fd leaked"
                : end->how == EG_END_EXEC ? " fds leaked across exec"
                                          : " fds leaked");
    count_clause(w, tempfiles, 0, " temp file left", " temp files left");
    count_clause(w, children, 0, " child process left", " child processes left");
    count_clause(w, failed, 0, " finalizer failed", " finalizers failed");
    count_clause(w, errors, 1, " fd misuse", " fd misuses");
    count_clause(w, threads, 0, " thread still running", " threads still running");
    eg_w_char(w, '\n');
    if (errors > errors_kept()) {
        eg_text_prefix(w);
        eg_w_i64(w, errors - errors_kept());
        eg_w_str(w, " misuses not shown (only the first are kept)\n");
    }
}

/* ---- where it goes ---- */

static void append_num(char *p, long v)
{
    struct eg_writer digits;
    digits.n = 0;
    eg_w_i64(&digits, v);
    memcpy(p, digits.buf, digits.n);
    p[digits.n] = 0;
}

/* DIR/<pid>.json, written under a temporary name and renamed, so that a
 * reader never sees half a report; the temporary is created O_EXCL and
 * O_NOFOLLOW so that nobody can plant a link there.  If <pid>.json exists
 * already (the pid reused, or an exec in the same process), <pid>.N.json. */
static int write_file(const struct eg_end *end, int json, int symbolize)
{
    const char *dir = eg_options.log_dir;
    const char *ext = json ? ".json" : ".txt";
    char tmp[EG_PATH_MAX + 64], final[EG_PATH_MAX + 64];
    struct timespec ts = eg_monotonic();
    strcpy(tmp, dir);
    strcat(tmp, "/.");
    append_num(tmp + strlen(tmp), eg_report_pid());
    strcat(tmp, ".");
    append_num(tmp + strlen(tmp), ts.tv_nsec);
    strcat(tmp, ".tmp");
    int fd = eg_sys_open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        note_unfiled(errno);
        char b[24];
        eg_warn("cannot write report in log_dir '", dir, "': ", eg_errno_text(errno, b));
        return 0;
    }
    struct eg_writer w;
    eg_w_init(&w, fd);
    if (json)
        eg_report_json(&w, end);
    else
        eg_report_text(&w, end, symbolize);
    eg_w_flush(&w);
    eg_sys_close(fd);
    if (w.failed) {
        note_unfiled(errno);
        char b[24];
        eg_warn("cannot write report '", tmp, "': ", eg_errno_text(errno, b));
        unlink(tmp);
        return 0;
    }
    /* the exec document of this image, not yet the new program's: this
     * end is the process's only one */
    if (end->how != EG_END_EXEC && eg_report_exec_doc() &&
        rename(tmp, exec_doc) == 0)
        return 1;
    for (int n = 0; n < 1000; n++) {
        strcpy(final, dir);
        strcat(final, "/");
        append_num(final + strlen(final), eg_report_pid());
        if (n) {
            strcat(final, ".");
            append_num(final + strlen(final), n);
        }
        strcat(final, ext);
        if (eg_rename_noreplace(tmp, final) == 0) {
            note_exec_doc(end, final);
            if (eg_options.verbosity >= 1)
                eg_warn("report written to ", final, 0, 0);
            return 1;
        }
        if (errno != EEXIST)
            break;
    }
    note_unfiled(errno);
    char b[24];
    eg_warn("cannot name report '", tmp, "': ", eg_errno_text(errno, b));
    unlink(tmp);
    return 0;
}

/* fd 2 is the stderr the process was given, not a file the program opened
 * on that number after closing it (the report would land in its data). */
static int stderr_is_ours(void)
{
    const struct eg_fd_slot *s = eg_fd_slot(2, 0);
    if (!s)
        return 1;
    uint64_t w = atomic_load_explicit(&s->word, memory_order_acquire);
    return EG_WORD_STATE(w) != EG_FD_OPEN || (EG_WORD_FLAGS(w) & EG_FD_INHERITED);
}

struct eg_plan eg_report_plan(const struct eg_end *end)
{
    struct eg_plan p = {eg_options.report, 0, 0, 0, 0};
    if (!eg_region)
        return p;
    /* the stock is taken even for report=none: fds=close acts on it */
    int quiet = !eg_report_take_stock(end) && !eg_report_count_errors();
    if (p.format == EG_REPORT_NONE)
        return p;
    int to_dir = eg_options.log_dir[0] != 0;
    if (p.format == EG_REPORT_AUTO)
        p.format = to_dir ? EG_REPORT_JSON : EG_REPORT_TEXT;
    if (end->how != EG_END_EXEC)
        quiet = quiet && !eg_report_tempfiles_count() && !eg_report_finalizers_failed() &&
                !eg_report_children_count();
    else
        quiet = quiet && !end->exec_unchecked;
    /* In log_dir every process leaves a JSON document at its end (the
     * command counts processes), a quiet one as a line of processes.jsonl;
     * elsewhere, and at exec, a process with nothing to say says nothing. */
    p.document = to_dir && !quiet;
    p.record = to_dir && quiet && p.format == EG_REPORT_JSON && end->how != EG_END_EXEC;
    if (end->how != EG_END_EXEC && eg_report_exec_doc())
        p.document = to_dir, p.record = 0; /* it replaces the exec document */
    p.to_stderr = !quiet && stderr_is_ours();
    /* Symbolizing allocates and dlopens libdw: only on the normal exit path.
     * _exit and quick_exit may be called from a signal handler, exec from a
     * vfork child or a forked child of a threaded program. */
    p.symbolize = end->how == EG_END_EXIT;
    return p;
}

/* How the process ended, in the registry, for a reader of the file it
 * leaves if the report cannot be written (tools/collect/postmortem.c). */
static void note_end(const struct eg_end *end)
{
    if (eg_report_borrowed() || end->how == EG_END_EXEC)
        return;
    eg_region->end_code = end->code;
    atomic_store(&eg_region->end_how, (uint32_t)end->how + 1);
}

void eg_report(const struct eg_end *end, const struct eg_plan *p)
{
    int format = p->format, filed = 0;
    note_end(end);
    /* room for the report's own fds, when it has something to write (the
     * look costs two syscalls: an exec with nothing to say pays none) */
    int writes = p->record || p->document || p->to_stderr;
    if (writes)
        eg_fd_room_make();
    if (p->record && (filed = eg_report_record(end)))
        goto done;
    if (p->document || p->record) {
        if ((filed = write_file(end, format == EG_REPORT_JSON, p->symbolize)))
            goto done;
        format = EG_REPORT_TEXT; /* the findings are not lost: stderr */
    }
    if (!p->to_stderr)
        goto done;
    struct eg_writer w;
    eg_w_init(&w, 2);
    if (format == EG_REPORT_JSON)
        eg_report_json(&w, end);
    else
        eg_report_text(&w, end, p->symbolize);
    eg_w_flush(&w);
done:
    /* A program that cannot run under us never takes the registry file
     * over: this exec report is the process's last word -- unless temp
     * files it made are still on disk: the file then stays, and the
     * command's post-mortem deals with them when the process is over. */
    if (!eg_report_borrowed()) /* the registry is the parent's */
        eg_region_reported(end->how == EG_END_EXEC &&
                               (!end->exec_unchecked || eg_tempfiles_on_disk()),
                           filed);
    if (p->symbolize)
        eg_symbolize_end();
    if (writes)
        eg_fd_room_give_back();
}

void eg_report_exec(const char *path, char *const argv[], char *const envp[],
                    unsigned unchecked)
{
    struct eg_end end = {EG_END_EXEC, 0, path, argv, unchecked, envp};
    if (eg_vfork.in_child) {
        /* a stock of its own, as far as fd_high now (an fd another thread
         * of the parent opens later is past it: not this child's), mapped
         * rather than on a borrowed stack that may be small, and unmapped
         * before the exec (the mapping is in the parent's memory) */
        enum { ON_STACK = 64 }; /* 4096 fds: 512 bytes */
        unsigned words = (unsigned)atomic_load(&eg_region->fd_high) / 64 + 1;
        uint64_t few[ON_STACK];
        uint64_t *bits = words <= ON_STACK ? few : eg_keys_get(words);
        if (!bits)
            return;
        if (bits == few)
            memset(few, 0, words * sizeof *few);
        struct stock mine = {1, bits, words};
        vfork_stock = &mine;
        struct eg_plan plan = eg_report_plan(&end);
        eg_report(&end, &plan);
        eg_vfork.reported = plan.document || plan.to_stderr;
        vfork_stock = 0;
        if (bits != few)
            eg_keys_put(bits, words);
        return;
    }
    struct eg_plan plan = eg_report_plan(&end);
    if (!plan.document && !plan.record && !plan.to_stderr && eg_report_borrowed())
        return; /* nothing to write, and the registry is the parent's: nothing to note */
    eg_report(&end, &plan);
}
