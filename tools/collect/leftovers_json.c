#include "leftovers_json.h"

#include <string.h>

#include "shell_words.h"

json_t *argv_json(char *const *argv)
{
    json_t *array = json_array();
    for (size_t i = 0; array && argv && argv[i]; i++)
        json_array_append_new(array, json_string(argv[i]));
    return array;
}

/* The report of a process that lists `pid` among the children it left
 * running (or, failing that, unreaped). */
static json_t *report_listing(json_t *reports, json_int_t pid)
{
    json_t *found = NULL, *report, *child;
    size_t i, j;
    json_array_foreach(reports, i, report) {
        json_array_foreach(json_object_get(report, "children"), j, child) {
            if (json_integer_value(json_object_get(child, "pid")) != pid)
                continue;
            const char *state = json_string_value(json_object_get(child, "state"));
            if (!found || (state && strcmp(state, "running") == 0))
                found = report;
        }
    }
    return found;
}

static json_t *report_of_pid(json_t *reports, json_int_t pid)
{
    json_t *report, *found = NULL;
    size_t i;
    json_array_foreach(reports, i, report)
        if (json_integer_value(json_object_get(report, "pid")) == pid)
            found = report; /* the last: the one that ended it */
    return found;
}

static json_t *started_by(const struct leftovers *leftovers, const struct leftover *item,
                          json_t *reports)
{
    if (item->parent) {
        const struct leftover *parent = find_leftover(leftovers, item->parent);
        json_t *report = report_of_pid(reports, item->parent);
        json_t *argv = parent && parent->argv && parent->argv[0] ? argv_json(parent->argv)
                       : report                  ? json_incref(json_object_get(report, "argv"))
                                                 : NULL;
        return json_pack("{s:I, s:o*}", "pid", (json_int_t)item->parent, "argv", argv);
    }
    json_t *report = report_listing(reports, item->pid);
    if (!report)
        return NULL;
    return json_pack("{s:O, s:O*}", "pid", json_object_get(report, "pid"), "argv",
                     json_object_get(report, "argv"));
}

/* Its argv as /proc gave it; a process caught in the middle of an exec
 * has none there, but may have written one in its report. */
static json_t *argv_of(const struct leftover *item, json_t *reports)
{
    json_t *report = item->argv && item->argv[0] ? NULL : report_of_pid(reports, item->pid);
    json_t *argv = json_object_get(report, "argv");
    return json_is_array(argv) ? json_incref(argv) : argv_json(item->argv);
}

/* A leftover its parent's report already lists as a child left running is
 * one finding, not two: the child's entry gets "after_command" (what the
 * command did to it) and the leftover "reported_as_child", so that the
 * summary shows it once, under its parent, and the totals count it once. */
static void note_in_parents_report(json_t *one, const struct leftover *item, json_t *reports)
{
    json_t *report = report_listing(reports, item->pid), *child;
    size_t i;
    json_array_foreach(json_object_get(report, "children"), i, child) {
        const char *state = json_string_value(json_object_get(child, "state"));
        if (json_integer_value(json_object_get(child, "pid")) != item->pid || !state ||
            strcmp(state, "running") != 0)
            continue;
        json_object_set_new(child, "after_command",
                            json_string(leftover_action_name(item->action)));
        json_object_set_new(one, "reported_as_child", json_true());
        return;
    }
}

json_t *leftovers_json(const struct leftovers *leftovers, json_t *reports)
{
    json_t *array = json_array();
    for (size_t i = 0; array && i < leftovers->count; i++) {
        const struct leftover *item = &leftovers->items[i];
        json_t *one = json_pack("{s:I, s:o, s:s}", "pid", (json_int_t)item->pid, "argv",
                                argv_of(item, reports), "action",
                                leftover_action_name(item->action));
        json_t *by = started_by(leftovers, item, reports);
        if (one && by)
            json_object_set_new(one, "started_by", by);
        else
            json_decref(by);
        note_in_parents_report(one, item, reports);
        /* ended by the command before it wrote a byte of its own (a forked
         * child still on its parent's registry): a process of the run all
         * the same, or the count of processes would depend on how far it
         * got */
        if (!report_of_pid(reports, item->pid))
            json_object_set_new(one, "without_report", json_true());
        json_array_append_new(array, one);
    }
    return array;
}

static void print_pid_and_argv(FILE *to, json_t *process)
{
    fprintf(to, "pid %lld", (long long)json_integer_value(json_object_get(process, "pid")));
    json_t *argv = json_object_get(process, "argv");
    if (json_array_size(argv)) {
        fputs(" (", to);
        print_argv_json(to, argv);
        fputc(')', to);
    }
}

const char *leftover_action_text(const char *action)
{
    static const struct {
        const char *action, *text;
    } texts[] = {
        {"left_running", "left as it is"},
        {"terminated", "terminated (SIGTERM)"},
        {"killed", "killed (SIGKILL)"},
        {"survived", "still running: it survived SIGKILL"},
        {"ended", "it ended on its own"},
    };
    for (size_t i = 0; action && i < sizeof texts / sizeof texts[0]; i++)
        if (strcmp(texts[i].action, action) == 0)
            return texts[i].text;
    return action ? action : "?";
}

void print_leftover(FILE *to, json_t *leftover)
{
    fputs("left running after the command ended: ", to);
    print_pid_and_argv(to, leftover);
    json_t *by = json_object_get(leftover, "started_by");
    if (by) {
        fputs(", started by ", to);
        print_pid_and_argv(to, by);
    }
    fprintf(to, "; %s\n", leftover_action_text(json_string_value(json_object_get(leftover, "action"))));
}
