/* How a process ended (or is about to: an exec), as the exit sequence
 * hands it to the report and the registry keeps it for a post-mortem. */
#ifndef EXITGUARD_END_H
#define EXITGUARD_END_H

enum eg_end_how { EG_END_EXIT, EG_END__EXIT, EG_END_QUICK_EXIT, EG_END_SIGNAL, EG_END_EXEC };

struct eg_end {
    enum eg_end_how how;
    int code;             /* exit status, or signal number */
    const char *exec_path; /* EG_END_EXEC: the program about to run */
    char *const *exec_argv; /* ... and the argv it is handed (may be NULL) */
    unsigned exec_unchecked; /* ... and it cannot run under us: enum eg_unchecked */
    char *const *exec_envp; /* ... and the environment it is handed (may be NULL) */
};

#endif
