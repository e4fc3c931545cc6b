/* What a leak is to the formats that compare, suppress or point at leaks
 * (suppressions, --baseline, SARIF): its kind as a suppression rule names
 * it, where a per-process report keeps the leaks of each kind, and an
 * identity that a rerun of the same code reproduces.
 *
 * The identity is the kind and the stack, frame by frame: "function
 * file-basename" where the frame is symbolized, "function module-basename"
 * where only the function is known, "module-basename+offset" otherwise.
 * Never a pc (ASLR moves it), a pid, an fd number, a line (an edit above
 * the call moves it) or a directory (another checkout, another machine). */
#ifndef EXITGUARD_TOOLS_LEAK_IDENTITY_H
#define EXITGUARD_TOOLS_LEAK_IDENTITY_H

#include <jansson.h>
#include <stddef.h>

enum leak_kind {
    LEAK_FD,       /* an fd left open at the end ("leaks" of an end document) */
    LEAK_EXEC,     /* an fd handed across exec ("leaks" of an exec document) */
    LEAK_PROCESS,  /* a child process left running or unreaped ("children") */
    LEAK_TEMPFILE, /* a mkstemp file left on disk ("tempfiles") */
    LEAK_THREAD,   /* a thread still running ("threads") */
};
#define LEAK_KINDS 5

/* Where the program itself acquired it: the first frame of `stack` that
 * is not hidden, as "open_config src/config.c:12", "open_config
 * (libfoo.so.1)" or "libfoo.so.1+0x2a3f0"; malloc'd, NULL if out of
 * memory. */
char *leak_site(json_t *stack);

/* "fd", "exec", "process", "tempfile", "thread". */
const char *leak_kind_name(enum leak_kind kind);
/* The kind named by the `len` bytes at `name`; 0, or -1 if none is. */
int leak_kind_parse(const char *name, size_t len, enum leak_kind *kind);

/* The array of `report` holding its leaks of `kind` (NULL if it has none). */
json_t *leak_array(json_t *report, enum leak_kind kind);

/* Removes from every report's leak arrays each leak `drop` says yes to
 * (suppressions, the baseline); returns how many. */
size_t remove_leaks(json_t *reports, int (*drop)(enum leak_kind kind, json_t *leak, void *ctx),
                    void *ctx);

/* The identity above, one line per part, kind first; malloc'd. */
char *leak_identity(enum leak_kind kind, json_t *leak);
/* The same for anything with a stack (an fd misuse): `prefix`, then the
 * frames. */
char *stack_identity(const char *prefix, json_t *stack);

/* Frames of exitguard, libc and the dynamic loader, or the start code
 * (and any frame marked "hidden"): where no user would look for the
 * cause of a leak. */
int is_plumbing_frame(json_t *frame);
/* The first frame of `stack` that is not plumbing (NULL if none is). */
json_t *first_own_frame(json_t *stack);

/* Whether the stack's first own frame is in a module the system installed
 * (under /usr, /bin, /sbin, /lib, /opt): a program the user runs but did
 * not write, whose leaks are its vendor's to fix (or to suppress). */
int system_site(json_t *stack);

/* The part of `path` after its last '/'. */
const char *base_name(const char *path);
/* The program a child finding is known by: what it was started as (a
 * spawn's program, a forked child's forking program), never what it had
 * become by the end (that depends on how far it got before it was ended). */
const char *child_program(json_t *child);

#endif
