/* JUnit XML: read back with an XML parser (Python's, run from the test),
 * never by matching strings, and its counts checked against its cases. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixtures.h"
#include "junit.h"

static void print(FILE *to, json_t *reports)
{
    cr_assert_eq(print_junit(to, reports), 0);
}

static long long number(json_t *attributes, const char *key)
{
    const char *text = json_string_value(json_object_get(attributes, key));
    cr_assert(text, "attribute %s", key);
    return strtoll(text, NULL, 10);
}

Test(junit, the_checker_rejects_what_xml_does_not_allow)
{
    cr_assert_null(junit_structure("<testsuites><testsuite name=\"a&b\"/></testsuites>"));
    cr_assert_null(junit_structure("<testsuites>\x01</testsuites>"));
    cr_assert_not_null(junit_structure("<testsuites/>"));
}

Test(junit, one_suite_one_case_per_process_a_failure_per_leaking_one)
{
    json_t *reports = fixture_reports();
    char *xml = printed(print, reports);
    json_t *doc = junit_structure(xml);
    cr_assert(doc, "not well-formed XML:\n%s", xml);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "root")), "testsuites");
    json_t *suites = json_object_get(doc, "suites");
    cr_assert_eq(json_array_size(suites), 1);
    json_t *suite = json_array_get(suites, 0);
    json_t *attributes = json_object_get(suite, "attributes");
    json_t *cases = json_object_get(suite, "cases");
    cr_assert_str_eq(json_string_value(json_object_get(attributes, "name")), "exitguard");
    cr_assert_eq(json_array_size(cases), 3, "pid 200's exec and end documents are one process");
    cr_assert_eq(number(attributes, "tests"), 3);
    size_t failures = 0, i;
    json_t *c;
    json_array_foreach(cases, i, c) {
        cr_assert_str_eq(json_string_value(json_object_get(c, "classname")), "exitguard");
        failures += !json_is_null(json_object_get(c, "failure"));
    }
    cr_assert_eq(number(attributes, "failures"), (long long)failures);
    cr_assert_eq(failures, 2);
    cr_assert_eq(number(attributes, "errors"), 0);
    cr_assert_eq(number(json_object_get(doc, "attributes"), "tests"), 3);
    cr_assert_eq(number(json_object_get(doc, "attributes"), "failures"), 2);

    json_t *app = json_object_get(json_array_get(cases, 0), "failure");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(cases, 0), "name")),
                     "build/app --flag", "no pid in the name: CI matches cases by name");
    cr_assert_str_eq(json_string_value(json_object_get(
                         json_object_get(json_array_get(cases, 0), "properties"), "pid")),
                     "100");
    cr_assert_str_eq(json_string_value(json_object_get(app, "message")),
                     "3 leaks, 1 fd misuse", "2 fds and a temp file; the thread is no finding");
    cr_assert_str_eq(json_string_value(json_object_get(app, "type")), "leak");
    const char *text = json_string_value(json_object_get(app, "text"));
    cr_assert(strstr(text, "fd 3: file /etc/hostname (O_RDONLY, no O_CLOEXEC), opened by open\n"
                           "    #0 0x559ebb25f171 in open_config src/config.c:12 "
                           "(/work/main/build/app+0x1171)\n"), "%s", text);
    cr_assert(strstr(text, "(/usr/lib/x86_64-linux-gnu/libfontconfig.so.1+0x2a3f0)"), "%s", text);
    cr_assert(strstr(text, "error: fd 6 closed twice, by close"), "%s", text);
    cr_assert(strstr(text, "thread 101 still running, started in worker"), "%s", text);

    json_t *dbus = json_object_get(json_array_get(cases, 1), "failure");
    cr_assert_str_eq(json_string_value(json_object_get(dbus, "message")), "2 leaks",
                     "the fd handed across exec and the child left");
    text = json_string_value(json_object_get(dbus, "text"));
    cr_assert(strstr(text, "handed across exec to /usr/bin/dbus-launch without O_CLOEXEC:\n"
                           "  fd 7: pipe write end"), "%s", text);
    cr_assert(strstr(text, "child process 201 (/usr/bin/dbus-launch --fork) still running; started by fork at:"), "%s", text);
    cr_assert(json_is_null(json_object_get(json_array_get(cases, 2), "failure")));
    free(xml);
    json_decref(doc);
    json_decref(reports);
}

Test(junit, names_with_any_bytes_are_escaped_or_replaced)
{
    json_t *reports = fixture_reports();
    /* the exec document's argv: & < > " ' a newline and \x01; the name is
     * the argv of the process's last document, so give that one too */
    json_t *argv = json_deep_copy(json_object_get(json_array_get(reports, 1), "argv"));
    json_object_set_new(json_array_get(reports, 2), "argv", argv);
    char *xml = printed(print, reports);
    json_t *doc = junit_structure(xml);
    cr_assert(doc, "not well-formed XML:\n%s", xml);
    json_t *c = json_array_get(json_object_get(json_array_get(json_object_get(doc, "suites"), 0),
                                               "cases"), 1);
    cr_assert_str_eq(json_string_value(json_object_get(c, "name")),
                     "sh -c $'exec dbus-launch & <x> \"q\" \\'a\\'\\n\\x01'",
                     "shell-quoted (control characters escaped), then XML-escaped");
    free(xml);
    json_decref(doc);
    json_decref(reports);
}

Test(junit, control_characters_in_text_become_a_replacement_character)
{
    char *text = NULL;
    size_t size = 0;
    FILE *to = open_memstream(&text, &size);
    fputs("<a b=\"", to);
    print_xml_text(to, "x\x01y\nz\t&\xef\xbf\xbf", 1);
    fputs("\">", to);
    print_xml_text(to, "p\x1bq\r\n<]]>", 0);
    fputs("</a>", to);
    fclose(to);
    cr_assert_str_eq(text, "<a b=\"x\xef\xbf\xbdy&#10;z&#9;&amp;\xef\xbf\xbd\">"
                           "p\xef\xbf\xbdq&#13;\n&lt;]]&gt;</a>");
    const char *path = scratch_file(".xml");
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    char command[512];
    snprintf(command, sizeof command,
             "python3 -c 'import sys, xml.etree.ElementTree as E; "
             "e = E.parse(sys.argv[1]).getroot(); "
             "sys.exit(e.get(\"b\") != \"x\\ufffdy\\nz\\t&\\ufffd\" or "
             "e.text != \"p\\ufffdq\\r\\n<]]>\")' %s",
             path);
    cr_assert_eq(system(command), 0, "attribute newlines and text carriage returns survive");
    unlink(path);
    free(text);
}

Test(junit, no_processes_is_an_empty_suite)
{
    json_t *reports = json_array();
    char *xml = printed(print, reports);
    json_t *doc = junit_structure(xml);
    cr_assert(doc, "%s", xml);
    json_t *suite = json_array_get(json_object_get(doc, "suites"), 0);
    cr_assert_eq(number(json_object_get(suite, "attributes"), "tests"), 0);
    cr_assert_eq(json_array_size(json_object_get(suite, "cases")), 0);
    free(xml);
    json_decref(doc);
    json_decref(reports);
}
