/* The end of a process: deciding once that it is ending, then reporting. */
#ifndef EXITGUARD_EXIT_H
#define EXITGUARD_EXIT_H

enum eg_end_how { EG_END_EXIT, EG_END__EXIT, EG_END_QUICK_EXIT, EG_END_SIGNAL };

struct eg_end {
    enum eg_end_how how;
    int code; /* exit status, or signal number */
};

/* Hooks the normal exit paths; called from the constructor. */
void eg_exit_arm(void);

/* In a forked child: the child ends on its own. */
void eg_exit_forked(void);

/* The process is ending: report, once, whoever calls first. */
void eg_process_ends(enum eg_end_how how, int code);

#endif
