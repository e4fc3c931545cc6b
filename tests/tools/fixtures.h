/* Reports made by hand, in the shape docs/formats.md documents (schema 2,
 * frames symbolized by the command or left as module+offset), for the
 * tests of the report formats. */
#ifndef EXITGUARD_TESTS_TOOLS_FIXTURES_H
#define EXITGUARD_TESTS_TOOLS_FIXTURES_H

#include <jansson.h>
#include <stdio.h>

/* A run of four reports (three processes):
 *  pid 100 "build/app --flag": fd 3 (/etc/hostname, opened in
 *    open_config, src/config.c:12), fd 5 (a socket opened inside
 *    libfontconfig.so.1, unsymbolized, called from main), a temp file
 *    /tmp/scratchAB12 (make_scratch, /work/main/src/scratch.c:7), a
 *    thread started in worker, a double close of fd 6;
 *  pid 200 (an exec document): fd 7, a pipe, handed across exec to
 *    /usr/bin/dbus-launch (spawn_helper, src/spawn.c:9); its argv holds
 *    & < > " ' a newline and \x01;
 *  pid 200 again (the end document): a child process
 *    /usr/bin/dbus-launch left running;
 *  pid 300: nothing. */
json_t *fixture_reports(void);

/* The JSON text `text`, parsed (the test fails if it does not parse). */
json_t *parse_json(const char *text);

/* What `print` wrote for `reports`; malloc'd. */
char *printed(void (*print)(FILE *to, json_t *reports), json_t *reports);

/* A fresh temporary file's name, in a static buffer. */
const char *scratch_file(const char *suffix);

/* The structure tests/tools/junit_check.py (Python's XML parser) found in
 * the JUnit document `xml`, as JSON: {"root", "attributes", "suites":
 * [{"attributes", "cases": [{"name", "classname", "failure", "out"}]}]};
 * NULL if it is not well-formed XML. */
json_t *junit_structure(const char *xml);

#endif
