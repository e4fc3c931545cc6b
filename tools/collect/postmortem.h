/* Post-mortem: the registry file (docs/formats.md, "Registry file") of a process
 * that died without writing its report -- SIGKILL, or killed while it wrote
 * it -- read after the command ended, turned into a report-like JSON object
 * ("end":{"how":"unreported"}, "postmortem":true), and the policies it ran
 * with applied from outside: its temp files removed.  Its children, now
 * the command's (their subreaper), were dealt with as leftovers
 * (descendants.h) before; their outcome is reported from there. */
#ifndef EXITGUARD_TOOLS_POSTMORTEM_H
#define EXITGUARD_TOOLS_POSTMORTEM_H

#include <jansson.h>

#include "descendants.h"

/* Before the command runs: the registry files already in `dir` (a kept
 * directory) belong to earlier runs and are left alone. */
void postmortem_note_before(const char *dir);

/* After the reports are loaded: one object per dead process's registry,
 * inserted into `reports` by pid.  keep_files: leave the registry files in
 * the directory (--output, the user's log_dir).  left: what
 * settle_descendants found and did.  Returns how many registry files of
 * this run could not be read: reports lost, counted as missing. */
size_t postmortem_add(const char *dir, json_t *reports, int keep_files,
                      const struct leftovers *left);

#endif
