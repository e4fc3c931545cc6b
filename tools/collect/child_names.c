#include "child_names.h"

#include <string.h>

#include "leftovers_json.h"
#include "reports.h"

static int is_exec(json_t *report)
{
    const char *how = json_string_value(json_object_get(json_object_get(report, "end"), "how"));
    return how && strcmp(how, "exec") == 0;
}

/* The last report of pid (reports are sorted by pid, a pid's in order)
 * -- of the process with that pid that `parent` started, where pid was
 * reused in the run: the one whose first report names it as its parent,
 * else the latest. */
static json_t *last_report(json_t *reports, json_int_t pid, json_t *parent)
{
    json_t *report, *latest = NULL, *ours = NULL, *first = NULL;
    size_t i;
    json_array_foreach(reports, i, report) {
        if (json_integer_value(json_object_get(report, "pid")) != pid)
            continue;
        if (!latest || !same_start(latest, report))
            first = report; /* a process of its own */
        latest = report;
        if (parent && json_integer_value(json_object_get(first, "ppid")) ==
                          json_integer_value(json_object_get(parent, "pid")))
            ours = report;
    }
    return ours ? ours : latest;
}

/* A new reference to what pid ran last, or NULL if nothing says. */
static json_t *became(json_t *reports, const struct leftovers *left, json_int_t pid,
                      json_t *parent)
{
    const struct leftover *item = find_leftover(left, (pid_t)pid);
    if (item && item->argv && item->argv[0])
        return argv_json(item->argv);
    json_t *last = last_report(reports, pid, parent);
    json_t *argv = is_exec(last) ? json_object_get(json_object_get(last, "end"), "argv")
                                 : json_object_get(last, "argv");
    return json_array_size(argv) ? json_incref(argv) : NULL;
}

int child_was_forked(json_t *child)
{
    const char *via = json_string_value(json_object_get(child, "via"));
    return via && (!strcmp(via, "fork") || !strcmp(via, "vfork") || !strcmp(via, "_Fork") ||
                   !strcmp(via, "clone") || !strcmp(via, "forkpty"));
}

static void rename_children(json_t *report, json_t *reports, const struct leftovers *left)
{
    json_t *child;
    size_t i;
    json_array_foreach(json_object_get(report, "children"), i, child) {
        json_t *now =
            became(reports, left, json_integer_value(json_object_get(child, "pid")), report);
        json_t *then = json_object_get(child, "argv");
        /* what it was started as, the same every run: a spawn's argv; a
         * forked child's is the forking program's until it execs, and how
         * far it got before the end is timing (its argv is read then) */
        int forked = child_was_forked(child);
        json_t *started = forked ? json_object_get(report, "argv") : then;
        if (json_array_size(started))
            json_object_set(child, "started_as", started);
        if (!json_array_size(then) && forked)
            then = json_object_get(report, "argv");
        if (now && !json_equal(now, then)) {
            if (json_array_size(then))
                json_object_set(child, "forked_as", then);
            json_object_set(child, "argv", now);
        }
        json_decref(now);
    }
}

void name_children_by_image(json_t *reports, const struct leftovers *left)
{
    json_t *report;
    size_t i;
    json_array_foreach(reports, i, report) {
        rename_children(report, reports, left);
        json_int_t pid = json_integer_value(json_object_get(report, "pid"));
        const struct leftover *item = find_leftover(left, (pid_t)pid);
        if (item && item->action != LEFTOVER_LEFT_RUNNING && is_exec(report) &&
            last_report(reports, pid, NULL) == report)
            json_object_set_new(json_object_get(report, "end"), "ended_by_command",
                                json_string(leftover_action_name(item->action)));
    }
}
