/* The report's threads section: threads started with pthread_create that
 * are still running at the end, other than the one ending the process,
 * each with its start routine and the stack that created it.
 * Async-signal-safe: it may be written from a fatal-signal handler. */
#define _GNU_SOURCE
#include <unistd.h>

#include "registry.h"
#include "real.h"
#include "report_parts.h"
#include "thread_records.h"

struct listing {
    struct eg_writer *w;
    int symbolize;
    unsigned items;
};

/* Calls fn for each thread of this process still running; returns how
 * many.  A forked child holds copies of its parent's records: the pid
 * tells them apart. */
static unsigned each_running(void (*fn)(const struct eg_thread *t, struct listing *l),
                             struct listing *l)
{
    if (!eg_region)
        return 0;
    int me = eg_gettid();
    unsigned n = 0;
    uint32_t off = atomic_load_explicit(&eg_region->threads, memory_order_acquire);
    while (off) {
        const struct eg_thread *t = eg_at(off);
        if (atomic_load_explicit(&t->state, memory_order_acquire) == EG_THREAD_RUNNING &&
            EG_GET(t->pid) == eg_pid && EG_GET(t->tid) != me) {
            n++;
            fn(t, l);
        }
        off = t->next;
    }
    return n;
}

static void json_thread(const struct eg_thread *t, struct listing *l)
{
    struct eg_writer *w = l->w;
    eg_w_str(w, l->items++ ? ",\n  {\"tid\":" : "\n  {\"tid\":");
    eg_w_i64(w, EG_GET(t->tid));
    eg_w_str(w, ",\"seq\":");
    eg_w_i64(w, (int64_t)EG_GET(t->seq));
    eg_w_str(w, ",\"start\":");
    eg_json_frame(w, EG_GET(t->start));
    eg_w_str(w, ",\"stack\":");
    eg_json_stack(w, EG_GET(t->stack));
    eg_w_char(w, '}');
}

unsigned eg_report_threads_json(struct eg_writer *w)
{
    struct listing l = {w, 0, 0};
    eg_w_str(w, ",\n \"threads\":[");
    unsigned n = each_running(json_thread, &l);
    eg_w_char(w, ']');
    return n;
}

static void text_thread(const struct eg_thread *t, struct listing *l)
{
    struct eg_writer *w = l->w;
    eg_text_item(w);
    eg_w_str(w, "thread ");
    eg_w_i64(w, EG_GET(t->tid));
    eg_w_str(w, " still running, started at:\n");
    eg_text_stack(w, EG_GET(t->stack), l->symbolize);
    eg_text_prefix(w);
    eg_w_str(w, "  start routine:");
    eg_text_frame(w, EG_GET(t->start), 0, l->symbolize);
    eg_w_char(w, '\n');
}

unsigned eg_report_threads_text(struct eg_writer *w, int symbolize)
{
    struct listing l = {w, symbolize, 0};
    return each_running(text_thread, &l);
}
