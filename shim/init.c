/* Start of a process: options, the registry, the inherited fds.
 *
 * Kept lean on purpose: a wrapped test suite starts thousands of short
 * processes, and everything done here is paid by each of them.  Anything
 * expensive (libunwind, libdw) is loaded on first use instead. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "depot.h"
#include "exit.h"
#include "guard.h"
#include "options.h"
#include "real.h"
#include "region_file.h"
#include "signals.h"
#include "threads.h"
#include "stack.h"
#include "track.h"
#include "writer.h"

enum { UNINITIALISED, INITIALISING, READY, BROKEN };
static _Atomic int init_state = UNINITIALISED;

static void save_argv(int argc, char **argv)
{
    uint32_t n = 0;
    for (int i = 0; argv && i < argc && argv[i]; i++) {
        size_t len = strlen(argv[i]) + 1;
        if (n + len > EG_ARGV_MAX)
            break;
        memcpy(eg_region->argv + n, argv[i], len);
        n += (uint32_t)len;
    }
    eg_region->argv_len = n;
}

void eg_after_fork_in_child(void)
{
    if (!eg_region)
        return; /* exitguard could not start here: nothing to make ours */
    /* A registry file is still the parent's here: the child's own copy
     * first, then the first write.  Until eg_pid is ours, a signal kills
     * the child without a report (exit.c): were eg_pid set first, its exit
     * sequence would write into the parent's file, and mark it reported. */
    eg_region_forked();
    eg_pid = (int)syscall(SYS_getpid);
    eg_region->pid = eg_pid;
    eg_region->ppid = (int)syscall(SYS_getppid);
    eg_region->errors_inherited = atomic_load(&eg_region->nerrors);
    eg_stack_forked();
    eg_exit_forked();
    eg_threads_forked();
}

static int initialise(void)
{
    eg_real_resolve();
    const char *text = secure_getenv("EXITGUARD_OPTIONS");
    eg_options_parse(text);
    if (eg_options.help)
        eg_options_print_help(2);
    eg_region = eg_region_create();
    if (!eg_region || !eg_depot_init()) {
        eg_warn("cannot map its registry; this process is not checked", 0, 0, 0);
        return 0;
    }
    eg_pid = (int)syscall(SYS_getpid);
    eg_region->pid = eg_pid;
    eg_region->ppid = (int)syscall(SYS_getppid);
    eg_region->tempfiles_policy = (uint32_t)eg_options.tempfiles;
    eg_region->stack_depth = (uint32_t)eg_options.stack_depth;
    eg_stack_init();
    eg_fd_seed_inherited();
    return 1;
}

int eg_ensure_init(void)
{
    int s = atomic_load_explicit(&init_state, memory_order_acquire);
    if (s == READY)
        return 1;
    if (s == UNINITIALISED) {
        int expected = UNINITIALISED;
        if (atomic_compare_exchange_strong(&init_state, &expected, INITIALISING)) {
            s = initialise() ? READY : BROKEN;
            atomic_store_explicit(&init_state, s, memory_order_release);
            return s == READY;
        }
    }
    /* another thread is initialising (before main, a rare race): wait */
    while ((s = atomic_load_explicit(&init_state, memory_order_acquire)) == INITIALISING)
        sched_yield();
    return s == READY;
}

/* glibc passes argc, argv and envp to ELF constructors. */
__attribute__((constructor)) static void eg_start(int argc, char **argv, char **envp)
{
    (void)envp;
    int saved = errno;
    int outer = eg_enter();
    if (eg_ensure_init()) {
        save_argv(argc, argv);
        pthread_atfork(eg_region_fork_prepare, eg_region_fork_parent, eg_after_fork_in_child);
        eg_exit_arm();
        eg_signals_init();
    }
    if (outer)
        eg_leave();
    errno = saved;
}
