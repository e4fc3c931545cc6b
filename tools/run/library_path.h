/* Where libexitguard.so is: beside the command (the build tree) or in
 * ../lib (an installed bin/ and lib/ layout). */
#ifndef EXITGUARD_TOOLS_LIBRARY_PATH_H
#define EXITGUARD_TOOLS_LIBRARY_PATH_H

/* The library's absolute path (malloc'ed), or NULL after saying where it
 * was looked for. */
char *find_library(void);

#endif
