/* Signal dispositions: exitguard acts on a fatal or terminating signal only
 * where the program left the disposition at the default, and answers every
 * query with what the program set. */
#ifndef EXITGUARD_SIGNALS_H
#define EXITGUARD_SIGNALS_H

/* From the constructor: installs exitguard's handler for each signal of
 * the exit list still at SIG_DFL, and an alternate stack for the main
 * thread if it has none. */
void eg_signals_init(void);

/* The signals that end a process through the exit sequence. */
int eg_signal_is_ours(int sig);

/* The fatal ones among them: what a fault raises (SIGSEGV, SIGBUS, ...). */
int eg_signal_is_fatal(int sig);

#endif
