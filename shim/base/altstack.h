/* Alternate signal stacks, so that a stack overflow still reaches the exit
 * sequence: every thread needs its own (a main-thread one does not cover
 * pthreads).  Never replaces a stack the program set itself. */
#ifndef EXITGUARD_ALTSTACK_H
#define EXITGUARD_ALTSTACK_H

/* If the calling thread has no alternate stack, maps one (with a guard
 * page) and installs it; returns the mapping to hand back, or NULL. */
void *eg_altstack_give(void);

/* At the thread's end: uninstalls it if it is still the thread's, unmaps. */
void eg_altstack_take_back(void *mapping);

#endif
