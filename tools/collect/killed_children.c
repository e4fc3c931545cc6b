#include "killed_children.h"

#include <string.h>

#include "wait_status.h"

/* The signal `parent`'s report says killed child `pid`, or 0.  The last
 * document of that pid that names it wins: a pid the kernel handed out
 * again is named again, later. */
static int signal_from(json_t *reports, json_int_t parent, json_int_t pid)
{
    int signal = 0;
    size_t i, k;
    json_t *report, *child;
    json_array_foreach(reports, i, report) {
        if (json_integer_value(json_object_get(report, "pid")) != parent)
            continue;
        json_array_foreach(json_object_get(report, "children_killed"), k, child)
            if (json_integer_value(json_object_get(child, "pid")) == pid)
                signal = (int)json_integer_value(json_object_get(child, "signal"));
    }
    return signal > 0 && signal < 128 ? signal : 0;
}

void note_how_killed_children_died(json_t *reports, int command_pid, int command_status)
{
    size_t i;
    json_t *report;
    json_array_foreach(reports, i, report) {
        json_t *end = json_object_get(report, "end");
        const char *how = json_string_value(json_object_get(end, "how"));
        /* died as itself (not between an exec and its new image, not in
         * a program no library follows), and not already known */
        if (!json_is_true(json_object_get(report, "postmortem")) || !how ||
            strcmp(how, "unreported") != 0 || json_object_get(end, "status") ||
            json_object_get(end, "exec") || json_object_get(end, "unchecked"))
            continue;
        json_int_t pid = json_integer_value(json_object_get(report, "pid"));
        int signal = signal_from(reports, json_integer_value(json_object_get(report, "ppid")), pid);
        if (pid == command_pid && (command_status & 0x7f) && (command_status & 0x7f) != 0x7f)
            signal = command_status & 0x7f;
        if (signal)
            json_object_set_new(end, "status", wait_status_json(signal));
    }
}
