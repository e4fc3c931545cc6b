#define _GNU_SOURCE
#include "postmortem.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "messages.h"
#include "proc_scan.h"
#include "region.h"
#include "report_file.h"
#include "reports.h"
#include "wait_status.h"

/* The file format's own names (region.h includes vias.def). */
static const char *const via_names[] = {
#define EG_VIA(name) #name,
#include "vias.def"
#undef EG_VIA
};

static void list_registries(const char *dir, struct report_names *out)
{
    list_names_ending(dir, ".registry", out);
}

static struct report_names before;

void postmortem_note_before(const char *dir)
{
    list_registries(dir, &before);
}

/* ---- reading a registry file: every offset checked against its size ---- */

struct registry {
    const char *path;
    const char *base;
    uint64_t size;
    const struct eg_region *r;
    struct stat st;
    /* the module list, read once: every frame looks in it, and a list
     * that loops (damage) would otherwise be walked again for each */
    const struct eg_module *modules[4096];
    size_t nmodules;
};

/* The library allocates every record 16-aligned and records are whole
 * multiples of 8 bytes, their names right after them: an offset off that
 * grid is damage, and reading a record there would be misaligned. */
static const void *at(const struct registry *g, uint64_t off, uint64_t len)
{
    if (!off || off % 8 || off > g->size || len > g->size - off)
        return NULL;
    return g->base + off;
}

/* NULL, or what is wrong with the file, for one line. */
static const char *check(const struct registry *g, char *why, size_t size)
{
    if (g->size < sizeof(struct eg_region))
        snprintf(why, size, "truncated: %" PRIu64 " bytes, a header is %zu", g->size,
                 sizeof(struct eg_region));
    else if (g->r->magic != EG_REGION_MAGIC)
        snprintf(why, size, "not an exitguard registry (no magic number)");
    else if (g->r->version != EG_REGION_VERSION)
        snprintf(why, size, "registry version %" PRIu32 "; this exitguard reads %d",
                 g->r->version, EG_REGION_VERSION);
    else if (g->r->size != g->size)
        snprintf(why, size, "truncated: %" PRIu64 " bytes of %" PRIu64, g->size, g->r->size);
    else if (!is_run_token(g->r->run_token, sizeof g->r->run_token))
        snprintf(why, size, "not from this run (no run token)");
    else
        return NULL;
    return why;
}

/* Whether process `pid` is alive and has this very file mapped: then it is
 * still running (a daemon left behind), not dead. */
static int still_mapped(int pid, const struct stat *st)
{
    char maps[64];
    snprintf(maps, sizeof maps, "/proc/%d/maps", pid);
    FILE *f = fopen(maps, "re");
    if (!f)
        return 0;
    char line[4096];
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        unsigned major, minor;
        unsigned long long ino;
        if (sscanf(line, "%*s %*s %*s %x:%x %llu", &major, &minor, &ino) == 3)
            found = ino == st->st_ino && major == major(st->st_dev) &&
                    minor == minor(st->st_dev);
        if (!strchr(line, '\n')) { /* a long path: skip the rest of it */
            int c;
            while ((c = fgetc(f)) != EOF && c != '\n')
                ;
        }
    }
    fclose(f);
    return found;
}

/* This process's start time, from /proc; 0 if gone. */
static unsigned long long start_time_of(int pid)
{
    struct proc_entry e;
    return read_proc_stat(pid, &e) == 0 ? e.start_time : 0;
}

/* Still running: its report may yet come.  Either it maps the file, or it
 * is between exec and the new image's start (the start time noted at exec
 * is still the process's). */
static int still_running(const struct registry *g)
{
    return still_mapped(g->r->pid, &g->st) ||
           (g->r->exec_start && start_time_of(g->r->pid) == g->r->exec_start);
}

/* The pid in "<pid>.registry" or "<pid>.<n>.registry". */
static int pid_in_name(const char *path)
{
    const char *name = strrchr(path, '/');
    return atoi(name ? name + 1 : path);
}

/* ---- the report-like object ---- */

/* The `len` bytes at `s` as a JSON string.  A path or an argv may hold
 * any byte, and jansson refuses a string that is not UTF-8 (the process
 * then vanished from the run, or its temp file from its report): each
 * byte that does not start a valid sequence stands for the character of
 * that number, as the library writes it (shim/base/writer.c). */
static json_t *text(const char *s, size_t len)
{
    json_t *valid = json_stringn(s, len);
    if (valid)
        return valid;
    char *copy = malloc(2 * len + 1);
    size_t n = 0;
    for (size_t i = 0; copy && i < len;) {
        unsigned char c = (unsigned char)s[i];
        size_t k = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
        json_t *one = k > 1 && k <= len - i ? json_stringn(s + i, k) : NULL;
        if (k == 1 || one) {
            memcpy(copy + n, s + i, k);
            n += k;
            i += k;
        } else {
            copy[n++] = (char)(0xc0 | c >> 6);
            copy[n++] = (char)(0x80 | (c & 0x3f));
            i++;
        }
        json_decref(one);
    }
    json_t *made = copy ? json_stringn(copy, n) : NULL;
    free(copy);
    return made;
}

static json_t *hex(uint64_t v)
{
    char text[24];
    snprintf(text, sizeof text, "0x%" PRIx64, v);
    return json_string(text);
}

/* A frame as the library writes one: pc, and module+offset when one of the
 * modules the process noted holds it. */
static void read_modules(struct registry *g)
{
    const size_t max = sizeof g->modules / sizeof *g->modules;
    g->nmodules = 0;
    for (uint32_t off = g->r->modules; off && g->nmodules < max;) {
        const struct eg_module *m = at(g, off, sizeof *m);
        if (!m || !at(g, off + sizeof *m, (uint64_t)m->name_len + 1) || m->name[m->name_len])
            break;
        g->modules[g->nmodules++] = m;
        off = m->next;
    }
}

static json_t *frame(const struct registry *g, uint64_t pc)
{
    json_t *f = json_pack("{s:o}", "pc", hex(pc));
    for (size_t i = 0; i < g->nmodules; i++) {
        const struct eg_module *m = g->modules[i];
        if (pc >= m->start && pc < m->end) {
            json_object_set_new(f, "module", text(m->name, m->name_len));
            json_object_set_new(f, "offset", hex(pc - m->bias));
            break;
        }
    }
    return f;
}

static json_t *stack(const struct registry *g, uint32_t id)
{
    json_t *frames = json_array();
    const struct eg_depot_node *n = at(g, id, sizeof *n);
    if (!n || n->depth > EG_MAX_FRAMES || !at(g, id + sizeof *n, n->depth * sizeof(uint64_t)))
        return frames;
    for (uint32_t i = 0; i < n->depth; i++)
        json_array_append_new(frames, frame(g, n->pcs[i]));
    return frames;
}

static const char *via_name(uint32_t via)
{
    return via < EG_VIA_COUNT ? via_names[via] : "unknown";
}

/* What the call that made an fd says of its kind; "unknown" for one that
 * opens a path (a file, a directory, a device: the kernel knew). */
static const char *kind_of_via(uint32_t via)
{
    switch (via) {
    case EG_VIA_opendir: case EG_VIA_fdopendir: return "directory";
    case EG_VIA_pipe: case EG_VIA_pipe2: case EG_VIA_popen: return "pipe";
    case EG_VIA_socket: case EG_VIA_socketpair: case EG_VIA_accept: case EG_VIA_accept4:
        return "socket";
    case EG_VIA_eventfd: return "eventfd";
    case EG_VIA_timerfd_create: return "timerfd";
    case EG_VIA_signalfd: return "signalfd";
    case EG_VIA_epoll_create: case EG_VIA_epoll_create1: return "epoll";
    case EG_VIA_inotify_init: case EG_VIA_inotify_init1: return "inotify";
    case EG_VIA_memfd_create: return "memfd";
    case EG_VIA_pidfd_open: return "pidfd";
    case EG_VIA_fanotify_init: return "fanotify";
    default: return "unknown";
    }
}

/* The name the library kept for fd (the path it was opened by), when it
 * is this very fd's (its creation sequence); NULL if none. */
static json_t *name_of(const struct registry *g, int fd, uint64_t seq)
{
    const struct eg_fd_name *names =
        at(g, g->r->fd_names[fd / EG_FD_CHUNK], EG_FD_CHUNK * sizeof *names);
    const struct eg_fd_name *n = names ? &names[fd % EG_FD_CHUNK] : NULL;
    uint64_t kept = n ? n->len & 255 : 0;
    if (!n || n->seq != seq || !kept || kept > EG_FD_NAME)
        return NULL;
    char name[EG_FD_NAME + 4];
    size_t len = 0;
    if (n->len & 256) { /* its last bytes: the file's own name */
        memcpy(name, "...", 3);
        len = 3;
    }
    memcpy(name + len, (const char *)n->text, kept);
    return text(name, len + kept);
}

/* Open at death, acquired by this process (not inherited, not a copy of a
 * parent's): a leak.  What the fd was is what the call that made it
 * says: its kind, and the path it was opened by where one was given. */
static json_t *leaks(const struct registry *g)
{
    json_t *list = json_array();
    int high = g->r->fd_high;
    for (int chunk = 0; chunk < EG_FD_CHUNKS && chunk <= high / EG_FD_CHUNK; chunk++) {
        const struct eg_fd_slot *slots =
            at(g, g->r->fd_chunks[chunk], EG_FD_CHUNK * sizeof *slots);
        for (int i = 0; slots && i < EG_FD_CHUNK; i++) {
            int fd = chunk * EG_FD_CHUNK + i;
            const struct eg_fd_slot *s = &slots[i];
            uint64_t w = s->word;
            if (fd <= 2 || fd > high || EG_WORD_STATE(w) != EG_FD_OPEN ||
                (EG_WORD_FLAGS(w) & EG_FD_INHERITED) || s->pid != g->r->pid)
                continue;
            /* a process that got as far as its report ended; others died */
            int ended = g->r->end_how != 0;
            const char *held = EG_WORD_FLAGS(w) & EG_FD_FILE
                                   ? (ended ? "held by a FILE* when the process ended"
                                            : "held by a FILE* when the process died")
                               : EG_WORD_FLAGS(w) & EG_FD_DIR
                                   ? (ended ? "held by a DIR* when the process ended"
                                            : "held by a DIR* when the process died")
                               : ended ? "open when the process ended"
                                       : "open when the process died";
            const char *kind = kind_of_via(EG_WORD_VIA(w));
            json_t *path = name_of(g, fd, s->seq);
            /* "/tmp/x, open when the process died"; "pipe, open ..." */
            const char *what = path ? json_string_value(path)
                               : strcmp(kind, "unknown") ? kind : NULL;
            char *description = NULL;
            if (what && asprintf(&description, "%s, %s", what, held) < 0)
                description = NULL;
            json_t *leak = json_pack("{s:s, s:i, s:I, s:s, s:s, s:o}", "kind", kind, "fd", fd,
                                     "seq", (json_int_t)s->seq, "via",
                                     via_name(EG_WORD_VIA(w)), "description",
                                     description ? description : held, "stack",
                                     stack(g, s->stack));
            free(description);
            if (path)
                json_object_set_new(leak, "path", path);
            json_array_append_new(list, leak);
        }
    }
    return list;
}

static json_t *errors(const struct registry *g)
{
    static const char *const kinds[] = {"unknown", "double_close", "close_never_opened",
                                        "close_stream_fd"};
    json_t *list = json_array();
    /* after errors_inherited: a forked child's copy of its parent's */
    uint32_t n = g->r->nerrors < EG_MAX_ERRORS ? g->r->nerrors : EG_MAX_ERRORS;
    for (uint32_t i = g->r->errors_inherited; i < n; i++) {
        const struct eg_error *e = &g->r->errors[i];
        json_t *item = json_pack("{s:s, s:i, s:s, s:o}", "kind",
                                 kinds[e->kind < 4 ? e->kind : 0], "fd", e->fd, "via",
                                 via_name(e->via), "stack", stack(g, e->stack));
        if (e->kind == EG_ERR_STREAM_FD)
            json_object_set_new(item, "stream",
                                json_string(e->other_flags & EG_FD_DIR ? "DIR*" : "FILE*"));
        if (e->other_stack)
            json_object_set_new(item, "earlier_stack", stack(g, e->other_stack));
        json_array_append_new(list, item);
    }
    return list;
}

/* Its temp files still on disk (the same file: device and inode), removed
 * now if it ran with tempfiles=unlink -- only when the registry file is
 * the command's own uid's: one another user wrote (a process that changed
 * uid, or anyone who found the directory) could name any path, and the
 * command may be root. */
static json_t *tempfiles(const struct registry *g)
{
    json_t *list = json_array();
    uint32_t off = g->r->tempfiles;
    for (int guard = 0; off && guard < 1000000; guard++) {
        const struct eg_tempfile *t = at(g, off, sizeof *t);
        if (!t || !at(g, off + sizeof *t, (uint64_t)t->path_len + 1) || t->path[t->path_len])
            break;
        off = t->next;
        struct stat st;
        if (t->pid != g->r->pid || lstat(t->path, &st) != 0 || st.st_dev != t->dev ||
            st.st_ino != t->ino)
            continue; /* another process's, or gone: no leak */
        const char *action = "kept";
        if (g->r->tempfiles_policy == 1 /* unlink */ && g->st.st_uid == geteuid())
            action = unlink(t->path) == 0 ? "removed" : "remove_failed";
        json_array_append_new(list, json_pack("{s:o, s:i, s:I, s:s, s:o}", "path", text(t->path, t->path_len), "fd",
                                              t->fd, "seq", (json_int_t)t->seq, "action", action,
                                              "stack", stack(g, t->stack)));
    }
    return list;
}

/* ---- its children ---- */

/* The children it left unreaped.  Orphaned at its death, they became the
 * command's children (it is their subreaper), and the command's one
 * mechanism for what is left running (descendants.c) has already applied
 * the policy to the ones still running when COMMAND ended: their outcome
 * is taken from there.  A child not among the leftovers had ended by then
 * and was reaped by the command. */
static json_t *children(const struct registry *g, const struct leftovers *left)
{
    json_t *list = json_array();
    uint32_t off = g->r->children;
    for (int guard = 0; off && guard < 1000000; guard++) {
        const struct eg_child *c = at(g, off, sizeof *c);
        if (!c)
            break;
        off = c->next;
        if (c->parent != g->r->pid || c->state != EG_CHILD_UNREAPED || c->pid <= 0)
            continue;
        json_t *argv = json_array();
        uint32_t len = c->argv_len < EG_CHILD_ARGV ? c->argv_len : EG_CHILD_ARGV;
        for (uint32_t i = 0; i < len;) {
            size_t l = strnlen(c->argv + i, len - i);
            json_array_append_new(argv, text(c->argv + i, l));
            i += (uint32_t)l + 1;
        }
        const struct leftover *found = find_leftover(left, c->pid);
        const char *action = !found || found->action == LEFTOVER_ENDED
                                 ? "none"
                             : found->action == LEFTOVER_LEFT_RUNNING
                                 ? "none"
                                 : leftover_action_name(found->action);
        json_array_append_new(
            list, json_pack("{s:i, s:s, s:o, s:o, s:s, s:s}", "pid", c->pid, "via",
                            via_name(c->via), "argv", argv, "stack", stack(g, c->stack), "state",
                            found ? "running" : "gone", "action", action));
    }
    return list;
}

/* The children it reaped that a signal had killed (kept for this:
 * shim/record/children.c), as its report would have listed them. */
static json_t *children_killed(const struct registry *g)
{
    json_t *list = json_array();
    uint32_t off = g->r->children;
    for (int guard = 0; off && guard < 1000000; guard++) {
        const struct eg_child *c = at(g, off, sizeof *c);
        if (!c || c->parent != g->r->pid)
            break; /* past its own records: its parent's copies */
        off = c->next;
        int signal = c->status & 0x7f;
        if (c->state == EG_CHILD_REAPED && c->pid > 0 && signal && signal != 0x7f)
            json_array_append_new(list, json_pack("{s:i, s:i}", "pid", c->pid, "signal", signal));
    }
    return list;
}

static json_t *argv_of(const struct registry *g)
{
    json_t *argv = json_array();
    uint32_t len = g->r->argv_len < EG_ARGV_MAX ? g->r->argv_len : EG_ARGV_MAX;
    for (uint32_t i = 0; i < len;) {
        size_t l = strnlen(g->r->argv + i, len - i);
        json_array_append_new(argv, text(g->r->argv + i, l));
        i += (uint32_t)l + 1;
    }
    return argv;
}

/* How the process ended, when it got as far as its report and could not
 * file it (out of fds: shim/report/fd_room.c says why): NULL if it never did. */
static json_t *ended(const struct registry *g)
{
    static const char *const how[] = {"exit", "_exit", "quick_exit", "signal"};
    uint32_t h = g->r->end_how;
    if (h < 1 || h > 4)
        return NULL;
    if (h - 1 == 3) {
        char name[32];
        signal_name(g->r->end_code, name, sizeof name);
        return json_pack("{s:s, s:i, s:s}", "how", "signal", "signal", g->r->end_code, "name",
                         name);
    }
    return json_pack("{s:s, s:i}", "how", how[h - 1], "status", g->r->end_code);
}

static json_t *report_of(const struct registry *g, const struct leftovers *left,
                         json_t *unchecked)
{
    uint32_t first = g->r->errors_inherited < EG_MAX_ERRORS ? g->r->errors_inherited
                                                            : EG_MAX_ERRORS;
    uint32_t end_kept = g->r->nerrors < EG_MAX_ERRORS ? g->r->nerrors : EG_MAX_ERRORS;
    uint32_t errors_kept = end_kept > first ? end_kept - first : 0;
    json_t *end = ended(g);
    if (end)
        goto known;
    end = json_pack("{s:s}", "how", "unreported");
    if (g->r->exec_start)
        json_object_set_new(end, "exec", json_true()); /* it was executing a new image */
    /* It went on in a program no library follows, and ended there: no
     * report was to be had.  The file was kept for its temp files; the
     * fds it handed over are its exec document's, the rest unknowable. */
    if (unchecked)
        json_object_set(end, "unchecked", unchecked);
    /* The command reaped it itself (a leftover it ended): how it died is
     * known -- typically a SIGTERM that came before its library could
     * install a handler, just after an exec. */
    const struct leftover *reaped = find_leftover(left, g->r->pid);
    if (reaped && reaped->status_known)
        json_object_set_new(end, "status", wait_status_json(reaped->status));
known:;
    json_t *report = json_pack("{s:i, s:b, s:i, s:i, s:s, s:o, s:o, s:i, s:o, s:[], s:o, s:[], s:[], "
                     "s:o, s:o, s:I, s:I}",
                     "exitguard_report", REPORT_SCHEMA, "postmortem", 1, "pid", g->r->pid,
                     "ppid", g->r->ppid, "registry", g->path, "argv", argv_of(g), "end", end,
                     "stack_depth", (int)g->r->stack_depth, "leaks",
                     unchecked ? json_array() : leaks(g), "closed_unseen",
                     "tempfiles", tempfiles(g), "finalizers", "threads", "children",
                     children(g, left), "errors", errors(g), "errors_dropped",
                     (json_int_t)(g->r->nerrors - g->r->errors_inherited - errors_kept), "dropped",
                     (json_int_t)g->r->dropped);
    /* its name with the pid (an old image's registry: the start exec kept) */
    uint64_t started = g->r->start_time ? g->r->start_time : g->r->exec_start;
    if (report && started)
        json_object_set_new(report, "start_time", json_integer((json_int_t)started));
    if (report && g->r->end_how && g->r->report_errno > 0)
        json_object_set_new(report, "report_error", json_string(strerror(g->r->report_errno)));
    if (!report)
        return NULL;
    json_object_set_new(report, "children_killed", children_killed(g));
    /* what it held, before any suppression: nothing at all, so that the
     * post-mortem is the whole truth of a process that left no report */
    if (!unchecked && !json_object_get(report, "report_error") &&
        !json_array_size(json_object_get(report, "leaks")) &&
        !json_array_size(json_object_get(report, "tempfiles")) &&
        !json_array_size(json_object_get(report, "children")) &&
        !json_array_size(json_object_get(report, "errors")) &&
        !json_integer_value(json_object_get(report, "errors_dropped")))
        json_object_set_new(report, "held_nothing", json_true());
    return report;
}

/* After the reports of a smaller pid, or of this pid and a start no later:
 * the array stays sorted as load_reports sorts it. */
static void insert_by_pid(json_t *reports, json_t *report)
{
    json_int_t pid = json_integer_value(json_object_get(report, "pid"));
    size_t i = json_array_size(reports);
    for (; i > 0; i--) {
        json_t *before = json_array_get(reports, i - 1);
        json_int_t other = json_integer_value(json_object_get(before, "pid"));
        if (other < pid || (other == pid && (same_start(before, report) ||
                                             report_start_time(before) < report_start_time(report))))
            break;
    }
    json_array_insert_new(reports, i, report);
}

/* ---- one file ---- */

/* LOST_FILE: a file of this run that could not be read: a report lost,
 * whose process's findings nobody can know (kept, for a look). */
enum outcome { DONE, KEEP_FILE, REMOVE_FILE, LOST_FILE };

/* A later image of this process ended and reported: its end document
 * (an exec document is an earlier image's) -- or, where both say the
 * same start time, a post-mortem of a later image's own registry (one
 * that could not take this file over: another uid's, after a set-user-ID
 * exec).  P.1.registry sorts before P.registry: a later image's is read
 * first. */
static int has_report(json_t *reports, json_int_t pid, json_int_t start)
{
    size_t i;
    json_t *report;
    json_array_foreach(reports, i, report) {
        json_t *end = json_object_get(report, "end");
        const char *how = json_string_value(json_object_get(end, "how"));
        json_int_t started = report_start_time(report);
        if (json_integer_value(json_object_get(report, "pid")) != pid || !how ||
            !strcmp(how, "exec") || (start && started && started != start))
            continue;
        if (!json_is_true(json_object_get(report, "postmortem")))
            return 1;
        if (start && started == start && !json_is_true(json_object_get(end, "exec")))
            return 1;
    }
    return 0;
}

/* Why the program the last exec document of `pid` started cannot be
 * followed ("static", "setuid"), or NULL (none, or a program we follow). */
static json_t *unchecked_exec(json_t *reports, json_int_t pid)
{
    size_t i;
    json_t *report, *why = NULL;
    json_array_foreach(reports, i, report) {
        json_t *end = json_object_get(report, "end");
        const char *how = json_string_value(json_object_get(end, "how"));
        if (json_integer_value(json_object_get(report, "pid")) == pid && how &&
            strcmp(how, "exec") == 0)
            why = json_object_get(end, "unchecked");
    }
    return why;
}

static enum outcome examine(const char *path, json_t *reports, const struct leftovers *left)
{
    struct registry g = {.path = path};
    const char *problem = NULL;
    /* this version's library makes every registry file EG_REGION_SIZE */
    int fd = open_report_file(path, EG_REGION_SIZE, &g.st, &problem);
    if (fd < 0) {
        if (problem) /* else removed meanwhile: its process reported */
            complain("cannot read registry '%s': %s", path, problem);
        return KEEP_FILE;
    }
    char why[160];
    g.size = (uint64_t)g.st.st_size;
    void *map = MAP_FAILED;
    if (!problem && g.size) {
        map = mmap(NULL, g.size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED)
            problem = strerror(errno);
    }
    close(fd);
    g.base = map == MAP_FAILED ? NULL : map;
    g.r = (const struct eg_region *)g.base;
    if (!problem)
        problem = g.base ? check(&g, why, sizeof why) : "empty";
    enum outcome outcome = REMOVE_FILE;
    if (problem && still_mapped(pid_in_name(path), &g.st)) {
        outcome = KEEP_FILE; /* a process making it right now */
    } else if (problem) {
        complain("cannot read registry '%s': %s", path, problem);
        outcome = problem == why && strncmp(why, "not from this run", 17) == 0 ? KEEP_FILE
                                                                             : LOST_FILE;
    } else if (g.r->reported) {
        ; /* its report is written: killed just before it removed the file */
    } else if (g.r->pid != pid_in_name(path)) {
        ; /* a forked child killed while it copied its parent's registry:
             the parent's state, which the parent reports itself */
    } else if (still_running(&g)) {
        outcome = KEEP_FILE; /* still running: its report may yet come */
    } else if (g.r->exec_start && has_report(reports, g.r->pid, (json_int_t)g.r->exec_start)) {
        ; /* an image before an exec whose successor reported: the new
             image could not take the file over (another uid's, after a
             setuid program) */
    } else {
        read_modules(&g);
        json_t *unchecked = g.r->exec_start ? unchecked_exec(reports, g.r->pid) : NULL;
        insert_by_pid(reports, report_of(&g, left, unchecked));
    }
    if (g.base)
        munmap(map, g.size);
    return outcome;
}

size_t postmortem_add(const char *dir, json_t *reports, int keep_files,
                      const struct leftovers *left)
{
    size_t lost = 0;
    struct report_names now;
    list_registries(dir, &now);
    for (size_t i = 0; i < now.count; i++) {
        if (is_listed(&before, now.names[i]))
            continue;
        char *path;
        if (asprintf(&path, "%s/%s", dir, now.names[i]) < 0)
            break;
        enum outcome outcome = examine(path, reports, left);
        if (outcome == REMOVE_FILE && !keep_files)
            unlink(path);
        lost += outcome == LOST_FILE;
        free(path);
    }
    free_report_names(&now);
    free_report_names(&before);
    return lost;
}
