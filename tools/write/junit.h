/* --junit FILE: the run as JUnit XML, which the test reporters of Jenkins,
 * GitLab and GitHub read.  <testsuites> holds one <testsuite
 * name="exitguard">; each process (its exec documents and the one that
 * ends it) is a <testcase classname="exitguard" name="ARGV (pid N)">, and
 * a process with findings -- fds leaked or misused, temp files or child
 * processes left, finalizers failed -- has a <failure message="2 leaks"
 * type="leak"> holding the same text as the summary.  Threads still
 * running and finalizers skipped go to <system-out>: shown, not failed.
 *
 * Text is escaped for XML 1.0, and the characters XML 1.0 cannot hold at
 * all (control characters other than tab, newline and carriage return;
 * U+FFFE, U+FFFF) become U+FFFD: argv and paths can hold any byte. */
#ifndef EXITGUARD_TOOLS_JUNIT_H
#define EXITGUARD_TOOLS_JUNIT_H

#include <jansson.h>
#include <stdio.h>

/* `reports`: per-process documents, symbolized.  0, or -1 if writing
 * failed (errno set). */
int print_junit(FILE *to, json_t *reports);

/* `text` as XML character data, or as an attribute value (where a newline
 * or a tab must be written as a reference to survive). */
void print_xml_text(FILE *to, const char *text, int in_attribute);

#endif
