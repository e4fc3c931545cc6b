/* --sarif FILE: the run as SARIF 2.1.0, for code-scanning views (GitHub,
 * GitLab, IDEs) to mark the line that acquired what leaked.
 *
 * One result per distinct leak (leak_identity.h), however many processes
 * had it; its location is the first frame of the stack outside exitguard,
 * libc and the start code that has a source line.  A file under
 * `base_dir` (the directory the command ran in) is given relative to
 * %SRCROOT%, as is a relative file name (as the compiler was given it: a
 * build run from the top of the tree); any other absolute file as a
 * file:// URI.  A leak with no source line anywhere has no physical
 * location, only a logical one (the function, or module+offset) when it
 * has a frame at all.  partialFingerprints hold a hash of the identity,
 * so that a code-scanning view follows a leak from run to run. */
#ifndef EXITGUARD_TOOLS_SARIF_H
#define EXITGUARD_TOOLS_SARIF_H

#include <jansson.h>

/* `reports`: per-process documents, symbolized.  `base_dir`: absolute;
 * NULL to make every absolute file a file:// URI.  `version`: exitguard's;
 * `information_uri`: the project's home page, NULL to leave it out. */
json_t *sarif_document(json_t *reports, const char *base_dir, const char *version,
                       const char *information_uri);

/* `path` %-encoded for a URI: every byte but A-Z a-z 0-9 - . _ ~ and '/';
 * malloc'd. */
char *uri_path(const char *path);

#endif
