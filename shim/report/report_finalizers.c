/* The report's finalizers section: what the exit sequence ran, skipped or
 * gave up on, each with the function and where it was registered.  Those
 * called, released or detached by the program before are its business. */
#define _GNU_SOURCE
#include <stdatomic.h>

#include "finalizer_records.h"
#include "registry.h"
#include "report_parts.h"

static int dealt_with_at_exit(const struct eg_finalizer *f)
{
    return atomic_load(&f->outcome) >= EG_FIN_RAN;
}

static int failed(const struct eg_finalizer *f)
{
    uint32_t o = atomic_load(&f->outcome);
    return o == EG_FIN_CRASHED || o == EG_FIN_EXITED || o == EG_FIN_HUNG;
}

static const char *outcome_name(uint32_t o)
{
    switch (o) {
    case EG_FIN_RAN: return "ran";
    case EG_FIN_CRASHED: return "crashed";
    case EG_FIN_EXITED: return "exited";
    case EG_FIN_HUNG: return "hung";
    case EG_FIN_SKIPPED: return "skipped";
    default: return "unknown";
    }
}

static const char *skip_reason(int detail)
{
    return detail == EG_SKIP_NOT_SIGNAL_SAFE ? "not_signal_safe" : "out_of_time";
}

unsigned eg_report_finalizers_json(struct eg_writer *w)
{
    unsigned n = 0;
    eg_w_str(w, ",\n \"finalizers\":[");
    for (const struct eg_finalizer *f = eg_finalizer_newest(); f; f = eg_finalizer_older(f)) {
        if (!dealt_with_at_exit(f))
            continue;
        uint32_t o = atomic_load(&f->outcome);
        eg_w_str(w, n++ ? ",\n  {\"seq\":" : "\n  {\"seq\":");
        eg_w_i64(w, (int64_t)f->seq);
        eg_w_str(w, ",\"fn\":");
        eg_json_frame(w, f->fn);
        eg_w_str(w, ",\"obj\":\"");
        eg_w_hex(w, f->obj);
        eg_w_char(w, '"');
        if (f->fd >= 0) {
            eg_w_str(w, ",\"fd\":");
            eg_w_i64(w, f->fd);
        }
        eg_w_str(w, ",\"outcome\":\"");
        eg_w_str(w, outcome_name(o));
        eg_w_char(w, '"');
        if (o == EG_FIN_CRASHED) {
            eg_w_char(w, ',');
            eg_json_signal(w, f->detail);
        } else if (o == EG_FIN_EXITED) {
            eg_w_str(w, ",\"status\":");
            eg_w_i64(w, f->detail);
        } else if (o == EG_FIN_SKIPPED) {
            eg_w_str(w, ",\"reason\":\"");
            eg_w_str(w, skip_reason(f->detail));
            eg_w_char(w, '"');
        }
        eg_w_str(w, ",\"stack\":");
        eg_json_stack(w, f->stack);
        eg_w_char(w, '}');
    }
    eg_w_char(w, ']');
    return n;
}

/* Only what went wrong is worth a line of text: a finalizer that ran and
 * returned did its job. */
unsigned eg_report_finalizers_text(struct eg_writer *w, int symbolize)
{
    unsigned n = 0;
    for (const struct eg_finalizer *f = eg_finalizer_newest(); f; f = eg_finalizer_older(f)) {
        uint32_t o = atomic_load(&f->outcome);
        if (!dealt_with_at_exit(f) || o == EG_FIN_RAN)
            continue;
        n++;
        eg_text_item(w);
        eg_w_str(w, "finalizer");
        eg_text_frame(w, f->fn, 0, symbolize);
        switch (o) {
        case EG_FIN_CRASHED: {
            char name[20];
            eg_w_str(w, " crashed with ");
            eg_w_str(w, eg_signal_name(f->detail, name));
            break;
        }
        case EG_FIN_EXITED:
            eg_w_str(w, " called exit(");
            eg_w_i64(w, f->detail);
            eg_w_str(w, "); the other finalizers ran");
            break;
        case EG_FIN_HUNG:
            eg_w_str(w, " hung: abandoned after finalizer_timeout");
            break;
        default:
            eg_w_str(w, f->detail == EG_SKIP_NOT_SIGNAL_SAFE
                            ? " skipped: not EXITGUARD_SIGNAL_SAFE, and the process is ending by a signal"
                            : " skipped: exit_timeout ran out");
        }
        eg_w_str(w, ", registered at:\n");
        eg_text_stack(w, f->stack, symbolize);
    }
    return n;
}

unsigned eg_report_finalizers_failed(void)
{
    unsigned n = 0;
    for (const struct eg_finalizer *f = eg_finalizer_newest(); f; f = eg_finalizer_older(f))
        n += failed(f);
    return n;
}
