/* The report's temp files section: files this process made with mkstemp
 * and its family that are still on disk at the end, and what
 * tempfiles=unlink did with them -- as eg_tempfiles_settle decided before
 * the report.  Async-signal-safe: it may run from a fatal-signal handler. */
#define _GNU_SOURCE
#include <stdatomic.h>
#include <sys/stat.h>
#include <unistd.h>

#include "options.h"
#include "real.h"
#include "registry.h"
#include "report_parts.h"

static struct eg_tempfile *first(void)
{
    uint32_t off = eg_region ? atomic_load_explicit(&eg_region->tempfiles, memory_order_acquire) : 0;
    return off ? eg_at(off) : 0;
}

static struct eg_tempfile *next(const struct eg_tempfile *t)
{
    return t->next ? eg_at(t->next) : 0;
}

/* A leak: made by this process (a forked child holds its parent's records
 * too) and still there at the end. */
static int is_left(const struct eg_tempfile *t)
{
    return t->pid == eg_pid && atomic_load(&t->outcome) != EG_TEMP_GONE;
}

unsigned eg_report_tempfiles_count(void)
{
    unsigned n = 0;
    for (const struct eg_tempfile *t = first(); t; t = next(t))
        n += is_left(t);
    return n;
}

static const char *action(const struct eg_tempfile *t)
{
    switch (atomic_load(&t->outcome)) {
    case EG_TEMP_REMOVED: return "removed";
    case EG_TEMP_REMOVE_FAILED: return "remove_failed";
    default: return "kept";
    }
}

unsigned eg_report_tempfiles_json(struct eg_writer *w)
{
    unsigned n = 0;
    eg_w_str(w, ",\n \"tempfiles\":[");
    for (const struct eg_tempfile *t = first(); t; t = next(t)) {
        if (!is_left(t))
            continue;
        eg_w_str(w, n++ ? ",\n  {\"path\":" : "\n  {\"path\":");
        eg_w_json_str(w, t->path);
        eg_w_str(w, ",\"fd\":");
        eg_w_i64(w, t->fd);
        eg_w_str(w, ",\"seq\":");
        eg_w_i64(w, (int64_t)t->seq);
        eg_w_str(w, ",\"action\":\"");
        eg_w_str(w, action(t));
        eg_w_str(w, "\",\"stack\":");
        eg_json_stack(w, t->stack);
        eg_w_char(w, '}');
    }
    eg_w_char(w, ']');
    return n;
}

unsigned eg_report_tempfiles_text(struct eg_writer *w, int symbolize)
{
    unsigned n = 0;
    for (const struct eg_tempfile *t = first(); t; t = next(t)) {
        if (!is_left(t))
            continue;
        n++;
        eg_text_item(w);
        eg_w_str(w, "temp file ");
        eg_w_printable(w, t->path);
        switch (atomic_load(&t->outcome)) {
        case EG_TEMP_REMOVED:
            eg_w_str(w, " left on disk (removed by exitguard, tempfiles=unlink), made at:\n");
            break;
        case EG_TEMP_REMOVE_FAILED:
            eg_w_str(w, " left on disk (tempfiles=unlink could not remove it), made at:\n");
            break;
        default:
            eg_w_str(w, " left on disk, made at:\n");
        }
        eg_text_stack(w, t->stack, symbolize);
    }
    return n;
}

/* Here, not in tempfiles.c: the report decides with it, and the unit
 * tests link the report without the interposers. */
int eg_tempfiles_on_disk(void)
{
    uint32_t off = eg_region ? atomic_load_explicit(&eg_region->tempfiles, memory_order_acquire)
                             : 0;
    for (struct eg_tempfile *t = off ? eg_at(off) : 0; t; t = t->next ? eg_at(t->next) : 0) {
        struct stat st;
        if (t->pid == eg_pid && eg_lstat(t->path, &st) == 0 && st.st_dev == t->dev &&
            st.st_ino == t->ino)
            return 1;
    }
    return 0;
}
