/* The report's children section: child processes this process started
 * that were still running, or had exited but were never waited for, at
 * its end -- and what the children policy did to each, as
 * eg_children_settle decided before the report.  Children the program
 * reaped are only counted.  Async-signal-safe: it may run from a
 * fatal-signal handler. */
#define _GNU_SOURCE
#include <string.h>

#include "options.h"
#include "registry.h"
#include "report_parts.h"


const char *eg_unchecked_name(unsigned unchecked)
{
    switch (unchecked) {
    case EG_UNCHECKED_STATIC: return "static";
    case EG_UNCHECKED_SETUID: return "setuid";
    default: return 0;
    }
}

/* This process's own records: a prefix of the list (children.h), so a
 * forked child's walk ends where its parent's copies begin. */
static struct eg_child *own(uint32_t off)
{
    struct eg_child *c = off ? eg_at(off) : 0;
    return c && c->parent == eg_pid ? c : 0;
}

static struct eg_child *first(void)
{
    return own(eg_region ? atomic_load_explicit(&eg_region->children, memory_order_acquire) : 0);
}

static struct eg_child *next(const struct eg_child *c)
{
    return own(c->next);
}

/* Started by this process (a forked child holds its parent's records
 * too), and found a leak at the end. */
static int is_left(const struct eg_child *c)
{
    uint32_t o = atomic_load(&c->outcome);
    return c->parent == eg_pid && o != EG_CHILD_PENDING && o != EG_CHILD_GONE;
}

unsigned eg_report_children_count(void)
{
    unsigned n = 0;
    for (const struct eg_child *c = first(); c; c = next(c))
        n += is_left(c);
    return n;
}

static unsigned reaped(void)
{
    if (eg_report_borrowed())
        return 0; /* the count is the parent's */
    return atomic_load(&eg_region->children_reaped);
}

static const char *action(const struct eg_child *c)
{
    switch (atomic_load(&c->outcome)) {
    case EG_CHILD_TERMINATED: return "terminated";
    case EG_CHILD_KILLED: return "killed";
    case EG_CHILD_SURVIVED: return "survived";
    default: return "none";
    }
}

static const char *unchecked(const struct eg_child *c)
{
    return eg_unchecked_name(atomic_load(&c->unchecked));
}

static const char *via(const struct eg_child *c)
{
    return eg_via_name(c->via);
}

unsigned eg_report_children_json(struct eg_writer *w)
{
    unsigned n = 0;
    eg_w_str(w, ",\n \"children\":[");
    for (const struct eg_child *c = first(); c; c = next(c)) {
        if (!is_left(c))
            continue;
        eg_w_str(w, n++ ? ",\n  {\"pid\":" : "\n  {\"pid\":");
        eg_w_i64(w, c->pid);
        eg_w_str(w, ",\"seq\":");
        eg_w_i64(w, (int64_t)c->seq);
        eg_w_str(w, ",\"via\":");
        eg_w_json_str(w, via(c));
        eg_w_str(w, ",\"argv\":[");
        for (uint32_t off = 0; off < c->argv_len;) {
            if (off)
                eg_w_char(w, ',');
            eg_w_json_str(w, c->argv + off);
            off += (uint32_t)strlen(c->argv + off) + 1;
        }
        eg_w_str(w, atomic_load(&c->outcome) == EG_CHILD_ZOMBIE ? "],\"state\":\"zombie\""
                                                                : "],\"state\":\"running\"");
        eg_w_str(w, ",\"action\":\"");
        eg_w_str(w, action(c));
        eg_w_str(w, atomic_load(&c->pgid) ? "\",\"group\":true" : "\",\"group\":false");
        if (unchecked(c)) {
            eg_w_str(w, ",\"unchecked\":\"");
            eg_w_str(w, unchecked(c));
            eg_w_char(w, '"');
        }
        eg_w_str(w, ",\"stack\":");
        eg_json_stack(w, c->stack);
        eg_w_char(w, '}');
    }
    eg_w_str(w, "],\"children_reaped\":");
    eg_w_i64(w, reaped());
    /* how the children a signal killed died, for the command: their own
     * registry files, read post mortem, cannot tell (children.c) */
    eg_w_str(w, ",\"children_killed\":[");
    unsigned k = 0;
    for (const struct eg_child *c = first(); c; c = next(c)) {
        int status = atomic_load_explicit(&c->status, memory_order_relaxed);
        if (atomic_load(&c->state) != EG_CHILD_REAPED || (status & 0x7f) == 0 ||
            (status & 0x7f) == 0x7f)
            continue;
        eg_w_str(w, k++ ? ",{\"pid\":" : "{\"pid\":");
        eg_w_i64(w, c->pid);
        eg_w_str(w, ",\"signal\":");
        eg_w_i64(w, status & 0x7f);
        eg_w_char(w, '}');
    }
    eg_w_char(w, ']');
    return n;
}

static void text_argv(struct eg_writer *w, const struct eg_child *c)
{
    if (!c->argv_len)
        return;
    eg_w_str(w, " (");
    for (uint32_t off = 0; off < c->argv_len;) {
        if (off)
            eg_w_char(w, ' ');
        eg_w_printable(w, c->argv + off);
        off += (uint32_t)strlen(c->argv + off) + 1;
    }
    eg_w_char(w, ')');
}

static const char *policy_name(void)
{
    switch (eg_options.children) {
    case EG_CHILDREN_KILL: return "children=kill";
    case EG_CHILDREN_GROUP: return "children=group";
    default: return "children=term";
    }
}

unsigned eg_report_children_text(struct eg_writer *w, int symbolize)
{
    unsigned n = 0;
    for (const struct eg_child *c = first(); c; c = next(c)) {
        if (!is_left(c))
            continue;
        n++;
        uint32_t o = atomic_load(&c->outcome);
        eg_text_item(w);
        eg_w_str(w, "child process ");
        eg_w_i64(w, c->pid);
        text_argv(w, c);
        eg_w_str(w, o == EG_CHILD_ZOMBIE ? " exited but was never waited for (zombie)"
                                         : " still running");
        if (o == EG_CHILD_TERMINATED || o == EG_CHILD_KILLED || o == EG_CHILD_SURVIVED) {
            eg_w_str(w, atomic_load(&c->pgid) ? " (it and its process group: " : " (");
            eg_w_str(w, o == EG_CHILD_TERMINATED ? "terminated by exitguard with SIGTERM, "
                        : o == EG_CHILD_KILLED   ? "killed by exitguard with SIGKILL, "
                                                 : "still there after SIGKILL, ");
            eg_w_str(w, policy_name());
            eg_w_char(w, ')');
        }
        if (unchecked(c)) {
            eg_w_str(w, unchecked(c)[1] == 't' ? ", statically linked: not checked by exitguard"
                                               : ", set-user-ID or privileged: not checked by exitguard");
        }
        eg_w_str(w, ", started by ");
        eg_w_str(w, via(c));
        eg_w_str(w, " at:\n");
        eg_text_stack(w, c->stack, symbolize);
    }
    return n;
}
