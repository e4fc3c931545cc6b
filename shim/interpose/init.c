/* Start of a process: options in the constructor; the registry, the
 * inherited fds and the signal handlers on first need.
 *
 * A wrapped test suite starts thousands of short processes, most of which
 * (a /bin/true, a sed in a pipeline) acquire nothing exitguard tracks: they
 * have nothing to report and nothing to clean up, so they pay for the
 * options and two exit hooks only.  The first acquisition (an fd, a child,
 * a temp file, a thread, a finalizer) or misuse "materialises" the
 * process: maps the registry, seeds it with the fds open at that moment as
 * inherited (none was acquired through us before), and installs the
 * fatal-signal handlers, which from then on have something to save. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "children.h"
#include "depot.h"
#include "exec.h"
#include "exit.h"
#include "finalizer_records.h"
#include "fork_state.h"
#include "guard.h"
#include "libc_entries.h"
#include "options.h"
#include "real.h"
#include "region_file.h"
#include "signals.h"
#include "thread_records.h"
#include "stack.h"
#include "tempfile_records.h"
#include "verdicts.h"
#include "track.h"
#include "writer.h"

/* written by every process at start: beside the rest written then (fork_state.h) */
EG_FORK_STATE static _Atomic int options_loaded;

static void save_argv(void)
{
    eg_region->argv_len = eg_pack_start_argv(eg_region->argv, EG_ARGV_MAX);
}

EG_HOT_TEXT void eg_after_fork_in_child(void)
{
    /* forked while another thread was materialising: that thread is not
     * here to finish, and what it made is the parent's */
    int s = EG_INITIALISING;
    if (atomic_compare_exchange_strong(&eg_init_state, &s, EG_UNINITIALISED))
        eg_region = 0;
    eg_tempfile_creations_forked();
    if (!eg_region)
        return; /* nothing materialised (or could not be): nothing to make ours */
    /* Borrowed before eg_pid is ours: until then a signal kills the child
     * without a report (exit.c); were eg_pid set first, its exit sequence
     * could run in the parent's registry file. */
    if (eg_region_forked())
        atomic_store(&eg_init_state, EG_BORROWED); /* the parent's: not a byte written */
    eg_pid = (int)eg_raw_syscall(SYS_getpid, 0, 0, 0, 0); /* raw_syscall.h: no libc page */
    eg_exit_forked();
}

/* A fork while another thread materialises would leave the child half a
 * registry and some signals already ours: wait for it (it is short and
 * runs with signals blocked, so it cannot be this thread). */
static void fork_prepare(void)
{
    while (atomic_load_explicit(&eg_init_state, memory_order_acquire) == EG_INITIALISING)
        sched_yield();
    eg_region_fork_prepare();
    eg_real_resolve_for_children();
    eg_exec_prepare_children();
    eg_verdicts_prepare();
}

/* Once, however early the first call comes (another preloaded library's
 * constructor may open a file before ours runs). */
static void load_options(void)
{
    if (atomic_load_explicit(&options_loaded, memory_order_acquire) ||
        atomic_exchange(&options_loaded, 1))
        return;
    /* from the environment the constructor noted (exec.c); before it (another
     * preloaded library's constructor acquiring something), from environ */
    const char *text;
    if (!eg_exec_start_options(&text)) /* as secure_getenv (GLIBC_2.17) would */
        text = eg_exec_secure() ? 0 : getenv("EXITGUARD_OPTIONS");
    if (!text) { /* the defaults: nothing to warn about, errno not read */
        eg_options_parse(0);
        return;
    }
    int saved = errno; /* a warning's write may fail */
    eg_options_parse(text);
    if (eg_options.help)
        eg_options_print_help(2);
    errno = saved;
}

static int materialise(void)
{
    load_options();
    eg_real_resolve(); /* what the signal path calls: not dlsym there */
    eg_region = eg_region_create();
    if (!eg_region || !eg_depot_init()) {
        eg_warn("cannot map its registry; this process is not checked", 0, 0, 0);
        return 0;
    }
    eg_pid = (int)syscall(SYS_getpid);
    eg_region->pid = eg_pid;
    eg_region->ppid = (int)syscall(SYS_getppid);
    eg_region->start_time = eg_region_is_file() ? eg_start_time() : 0;
    eg_region->tempfiles_policy = (uint32_t)eg_options.tempfiles;
    eg_region->stack_depth = (uint32_t)eg_options.stack_depth;
    size_t token = strnlen(eg_options.run_token, sizeof eg_region->run_token - 1);
    memcpy(eg_region->run_token, eg_options.run_token, token); /* the region is zeroed */
    save_argv();
    eg_stack_init();
    int before = eg_region_take_predecessor();
    if (before >= 0) {
        eg_tempfiles_adopt(before, eg_pid, 1);
        eg_region_close(before);
    }
    eg_fd_seed_inherited();
    eg_signals_init();
    return 1;
}

int eg_ensure_init_slow(void)
{
    int s = atomic_load_explicit(&eg_init_state, memory_order_acquire);
    if (s == EG_READY)
        return 1;
    if (s == EG_BORROWED)
        return eg_own_borrowed();
    int expected = EG_UNINITIALISED;
    if (s == EG_UNINITIALISED &&
        atomic_compare_exchange_strong(&eg_init_state, &expected, EG_INITIALISING)) {
        /* a signal handler's acquisition would wait here forever */
        sigset_t all, before;
        sigfillset(&all);
        sigprocmask(SIG_SETMASK, &all, &before);
        s = materialise() ? EG_READY : EG_BROKEN;
        atomic_store_explicit(&eg_init_state, s, memory_order_release);
        sigprocmask(SIG_SETMASK, &before, 0);
        return s == EG_READY;
    }
    return eg_wait_for_start(); /* another thread is materialising: a rare race */
}

/* glibc passes argc, argv and envp to ELF constructors. */
/* errno is not saved around the whole: it is a lazy binding
 * (__errno_location) in every process, and nothing here sets it but the
 * look for an earlier image's registry, under log_dir, and the options'
 * warnings (load_options). */
__attribute__((constructor)) static void eg_start(int argc, char **argv, char **envp)
{
    int outer = eg_enter();
    eg_exec_note_start_env(argc, argv, envp);
    eg_note_start_argv(argc, argv);
    load_options();
    if (eg_materialised()) {
        save_argv(); /* materialised before us: argv was unknown */
    } else {
        /* An image before an exec left temp files: the process ends here,
         * in this image, which must report them (and remove them, with
         * tempfiles=unlink) even if it never acquires anything. */
        if (eg_options.log_dir[0]) {
            int saved = errno;
            int before = eg_region_open_predecessor(0); /* 0: ours */
            if (before >= 0) {
                int left = eg_tempfiles_adopt(before, (int)syscall(SYS_getpid), 0);
                eg_region_close(before);
                if (left)
                    eg_ensure_init();
            }
            errno = saved;
        }
    }
    eg_atfork(fork_prepare, 0, eg_after_fork_in_child);
    eg_exit_arm();
    if (outer)
        eg_leave();
}
