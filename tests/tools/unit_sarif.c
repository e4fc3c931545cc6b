/* SARIF 2.1.0: parsed back, and held to what the specification requires
 * (version, runs[].tool.driver.name, results[].message.text, a ruleId
 * among the rules, region.startLine >= 1), then to where each leak points. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "sarif.h"

#define BASE "/work/main"

static json_t *get(json_t *value, const char *path)
{
    /* "a.b.0.c": keys and array positions */
    char copy[256];
    snprintf(copy, sizeof copy, "%s", path);
    for (char *part = strtok(copy, "."); part && value; part = strtok(NULL, "."))
        value = json_is_array(value) ? json_array_get(value, strtoul(part, NULL, 10))
                                     : json_object_get(value, part);
    return value;
}

static const char *text_at(json_t *value, const char *path)
{
    return json_string_value(get(value, path));
}

/* The document written out and read back, as a consumer would see it. */
static json_t *sarif_of(json_t *reports, const char *base)
{
    json_t *document = sarif_document(reports, base, "0.1.0", NULL);
    cr_assert(document);
    char *text = json_dumps(document, JSON_COMPACT);
    json_decref(document);
    json_t *parsed = parse_json(text);
    free(text);
    return parsed;
}

static void assert_valid(json_t *sarif)
{
    cr_assert_str_eq(text_at(sarif, "version"), "2.1.0");
    cr_assert_str_eq(text_at(sarif, "$schema"), "https://json.schemastore.org/sarif-2.1.0.json");
    json_t *runs = json_object_get(sarif, "runs");
    cr_assert(json_is_array(runs) && json_array_size(runs) == 1);
    json_t *run = json_array_get(runs, 0);
    cr_assert_str_eq(text_at(run, "tool.driver.name"), "exitguard");
    json_t *rules = get(run, "tool.driver.rules");
    size_t i, j;
    json_t *rule, *result, *location;
    json_array_foreach(rules, i, rule) {
        cr_assert(text_at(rule, "id"), "rule %zu has an id", i);
        for (j = 0; j < i; j++)
            cr_assert_str_neq(text_at(rule, "id"), text_at(json_array_get(rules, j), "id"));
    }
    json_t *results = json_object_get(run, "results");
    cr_assert(json_is_array(results));
    json_array_foreach(results, i, result) {
        const char *message = text_at(result, "message.text");
        cr_assert(message && *message, "result %zu has a message", i);
        const char *rule_id = text_at(result, "ruleId");
        json_int_t index = json_integer_value(json_object_get(result, "ruleIndex"));
        cr_assert(rule_id, "result %zu has a ruleId", i);
        cr_assert_str_eq(text_at(json_array_get(rules, (size_t)index), "id"), rule_id,
                         "ruleIndex names the rule of ruleId");
        const char *level = text_at(result, "level");
        cr_assert(strcmp(level, "error") == 0 || strcmp(level, "warning") == 0 ||
                  strcmp(level, "note") == 0);
        json_array_foreach(json_object_get(result, "locations"), j, location) {
            json_t *physical = json_object_get(location, "physicalLocation");
            if (!physical)
                continue;
            cr_assert(text_at(physical, "artifactLocation.uri"));
            cr_assert_geq(json_integer_value(get(physical, "region.startLine")), 1);
            const char *base_id = text_at(physical, "artifactLocation.uriBaseId");
            if (base_id)
                cr_assert(get(run, "originalUriBaseIds") &&
                          json_object_get(get(run, "originalUriBaseIds"), base_id),
                          "uriBaseId %s is defined", base_id);
        }
    }
}

/* The result whose message starts with `start`. */
static json_t *result_for(json_t *sarif, const char *start)
{
    size_t i;
    json_t *result;
    json_array_foreach(get(sarif, "runs.0.results"), i, result) {
        const char *message = text_at(result, "message.text");
        if (strncmp(message, start, strlen(start)) == 0)
            return result;
    }
    cr_assert_fail("no result '%s...'", start);
    return NULL;
}

Test(sarif, holds_what_the_specification_requires)
{
    json_t *reports = fixture_reports();
    json_t *sarif = sarif_of(reports, BASE);
    assert_valid(sarif);
    cr_assert_eq(json_array_size(get(sarif, "runs.0.results")), 7,
                 "2 fds, an exec fd, a temp file, a thread, a child, a misuse");
    cr_assert_str_eq(text_at(sarif, "runs.0.originalUriBaseIds.SRCROOT.uri"), "file:///work/main/");
    json_decref(sarif);
    json_decref(reports);
}

Test(sarif, points_at_the_line_that_acquired_the_leak)
{
    json_t *reports = fixture_reports();
    json_t *sarif = sarif_of(reports, BASE);
    json_t *hostname = result_for(sarif, "fd left open at exit: file /etc/hostname, opened by open");
    cr_assert_str_eq(text_at(hostname, "ruleId"), "fd-leak");
    cr_assert_str_eq(text_at(hostname, "level"), "error");
    json_t *where = get(hostname, "locations.0.physicalLocation");
    cr_assert_str_eq(text_at(where, "artifactLocation.uri"), "src/config.c");
    cr_assert_str_eq(text_at(where, "artifactLocation.uriBaseId"), "SRCROOT");
    cr_assert_eq(json_integer_value(get(where, "region.startLine")), 12);
    cr_assert_str_eq(text_at(hostname, "locations.0.logicalLocations.0.name"), "open_config");

    /* opened inside an unsymbolized library: the first line of the
     * program's own code that has one, main's call */
    json_t *socket = result_for(sarif, "fd left open at exit: socket");
    cr_assert_str_eq(text_at(socket, "locations.0.physicalLocation.artifactLocation.uri"),
                     "src/main.c");
    cr_assert_eq(json_integer_value(get(socket, "locations.0.physicalLocation.region.startLine")), 31);

    /* an absolute file under the base directory is made relative */
    json_t *scratch = result_for(sarif, "temp file left on disk: /tmp/scratchAB12");
    cr_assert_str_eq(text_at(scratch, "ruleId"), "tempfile-left");
    cr_assert_str_eq(text_at(scratch, "locations.0.physicalLocation.artifactLocation.uri"),
                     "src/scratch.c");

    cr_assert_str_eq(text_at(result_for(sarif, "thread still running, started in worker"), "level"),
                     "warning", "threads are shown, not findings");
    cr_assert_str_eq(text_at(result_for(sarif, "fd handed across exec: pipe write end"), "ruleId"),
                     "fd-leak-across-exec");
    cr_assert_str_eq(text_at(result_for(sarif, "fd closed twice, by close"), "ruleId"), "fd-misuse");
    json_decref(sarif);
    json_decref(reports);
}

Test(sarif, without_a_source_line_a_leak_keeps_a_logical_location)
{
    json_t *reports = fixture_reports();
    json_t *sarif = sarif_of(reports, BASE);
    json_t *child = result_for(sarif, "child process left: /usr/bin/dbus-launch, started by fork");
    cr_assert_str_eq(text_at(child, "ruleId"), "child-process-left");
    json_t *location = get(child, "locations.0");
    cr_assert_null(json_object_get(location, "physicalLocation"));
    cr_assert_str_eq(text_at(location, "logicalLocations.0.name"), "dbus-launch+0x2000",
                     "past libc's fork, the module and offset");
    cr_assert_str_eq(text_at(location, "logicalLocations.0.kind"), "module");
    json_decref(sarif);
    json_decref(reports);
}

Test(sarif, files_outside_the_base_are_file_uris)
{
    json_t *reports = fixture_reports();
    json_t *sarif = sarif_of(reports, "/elsewhere");
    assert_valid(sarif);
    json_t *scratch = result_for(sarif, "temp file left on disk");
    cr_assert_str_eq(text_at(scratch, "locations.0.physicalLocation.artifactLocation.uri"),
                     "file:///work/main/src/scratch.c");
    cr_assert_null(get(scratch, "locations.0.physicalLocation.artifactLocation.uriBaseId"));
    json_decref(sarif);
    json_decref(reports);
}

Test(sarif, one_result_per_distinct_leak_with_a_stable_fingerprint)
{
    json_t *reports = fixture_reports();
    /* the same leak again, in another process with another fd and pcs */
    json_t *again = json_deep_copy(json_array_get(reports, 0));
    json_object_set_new(again, "pid", json_integer(555));
    json_t *leak = json_array_get(json_object_get(again, "leaks"), 0);
    json_object_set_new(leak, "fd", json_integer(8));
    json_object_set_new(json_array_get(json_object_get(leak, "stack"), 0), "pc",
                        json_string("0x7fff00001171"));
    json_array_append_new(reports, again);
    json_t *sarif = sarif_of(reports, BASE);
    assert_valid(sarif);
    cr_assert_eq(json_array_size(get(sarif, "runs.0.results")), 7);
    json_t *hostname = result_for(sarif, "fd left open at exit: file /etc/hostname");
    cr_assert(strstr(text_at(hostname, "message.text"), "(2 times)"), "%s",
              text_at(hostname, "message.text"));
    json_t *once = sarif_of(fixture_reports(), BASE);
    cr_assert_str_eq(text_at(hostname, "partialFingerprints.exitguardLeak/v1"),
                     text_at(result_for(once, "fd left open at exit: file /etc/hostname"),
                             "partialFingerprints.exitguardLeak/v1"));
    json_decref(once);
    json_decref(sarif);
    json_decref(reports);
}

Test(sarif, uris_are_percent_encoded)
{
    char *uri = uri_path("/src/a b/%x#?é.c");
    cr_assert_str_eq(uri, "/src/a%20b/%25x%23%3F%C3%A9.c");
    free(uri);
}
