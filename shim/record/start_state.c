/* Where the process stands: nothing made yet, making its registry, ready,
 * broken, or a forked child still reading its parent's registry
 * (region_file.h).  Making it is init.c's (the entry layer); what a
 * borrowing child does to make the copy its own is here, because the exit
 * sequence needs it too (a finalizer that runs in children). */
#define _GNU_SOURCE
#include "start_state.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "children.h"
#include "finalizer_records.h"
#include "fork_state.h"
#include "region_file.h"
#include "registry.h"
#include "thread_records.h"

EG_FORK_STATE _Atomic int eg_init_state = EG_UNINITIALISED;
EG_FORK_STATE static int start_argc; /* as the constructor was given them */
EG_FORK_STATE static char **start_argv;

void eg_note_start_argv(int argc, char **argv)
{
    start_argc = argc;
    start_argv = argv;
}

char **eg_start_argv(int *argc)
{
    *argc = start_argc;
    return start_argv;
}

uint32_t eg_pack_start_argv(char *to, uint32_t max)
{
    uint32_t n = 0;
    for (int i = 0; start_argv && i < start_argc && start_argv[i]; i++) {
        size_t len = strlen(start_argv[i]) + 1;
        if (n + len > max)
            break;
        memcpy(to + n, start_argv[i], len);
        n += (uint32_t)len;
    }
    return n;
}

/* The region, a copy of the parent's, becomes this child's. */
static void make_ours(void)
{
    eg_region->pid = eg_pid;
    eg_region->ppid = (int)syscall(SYS_getppid);
    eg_region->start_time = eg_region_is_file() ? eg_start_time() : 0;
    eg_region->errors_inherited = atomic_load(&eg_region->nerrors);
    atomic_store(&eg_region->children_reaped, 0);
    /* The copy is of the parent's registry as it is now: a parent that has
     * begun to end noted how in it, and a post-mortem of this child would
     * read the parent's status as its own (a SIGKILLed child "exited with
     * status 3", and was no missing report). */
    atomic_store(&eg_region->end_how, 0);
    eg_region->end_code = 0;
    eg_region->report_errno = 0;
    eg_children_forked();
    eg_finalizers_forked();
    eg_threads_forked();
}

int eg_wait_for_start(void)
{
    int s;
    while ((s = atomic_load_explicit(&eg_init_state, memory_order_acquire)) == EG_INITIALISING)
        sched_yield();
    return s == EG_READY;
}

int eg_own_borrowed(void)
{
    int expected = EG_BORROWED;
    if (!atomic_compare_exchange_strong(&eg_init_state, &expected, EG_INITIALISING))
        return eg_wait_for_start();
    /* a signal handler's acquisition would wait here forever */
    sigset_t all, before;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, &before);
    eg_region_own_copy();
    make_ours();
    atomic_store_explicit(&eg_init_state, EG_READY, memory_order_release);
    sigprocmask(SIG_SETMASK, &before, 0);
    return 1;
}

EG_HOT_TEXT int eg_registry_readable(void)
{
    int s = atomic_load_explicit(&eg_init_state, memory_order_acquire);
    return s == EG_READY || s == EG_BORROWED;
}

