/* How a process ends, and who runs the exit sequence.
 *
 * Normal exit, in glibc's order (PITFALLS.md, "Exit order"):
 *   exit -> the program's later atexit handlers
 *        -> phase 1, our finalizers: hooked with atexit when the first
 *           finalizer is registered, as weakref.finalize does, so they run
 *           before the program's earlier handlers tear things down
 *        -> the program's earlier handlers, its destructors, ours
 *        -> phase 2, report and policies: on_exit registered from our
 *           constructor runs last of all, so fds the program closes on its
 *           way out are not called leaks (on_exit: it is given the status)
 * _exit, _Exit, quick_exit and a fatal signal run both phases at once.
 *
 * One thread owns the sequence.  Another thread ending the process at the
 * same time waits for the owner to end it (glibc 2.36 could crash with two
 * threads in exit, BZ 31997) -- unless the owner is running the program's
 * own exit handlers, which may never return: then a signal or _exit takes
 * the sequence over, as it would have ended the process without us. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "exit.h"
#include "guard.h"
#include "libc_entries.h"
#include "finalizer_records.h"
#include "fork_state.h"
#include "real.h"
#include "region.h"
#include "report.h"
#include "registry.h"
#include "sequence.h"
#include "signals.h"
#include "start_state.h"
#include "vfork.h"

/* What crtbeginS.o would define (the library is linked without start
 * files, Makefile): the handle glibc files our atfork and quick_exit
 * handlers under (libc_entries.h).  Here, not in the core the unit tests
 * link, whose programs have crtbeginS's. */
void *__dso_handle __attribute__((visibility("hidden"))) = &__dso_handle;

enum phase { OUTSIDE, FINALIZING, BETWEEN, FINISHING };
enum { REPORT_WAIT_MS = 2000 }; /* an exec report with many fds takes milliseconds */
EG_FORK_STATE static _Atomic int owner;   /* tid running the sequence, 0 before */
EG_FORK_STATE static _Atomic int phase;   /* where the owner is */
EG_FORK_STATE static _Atomic int pending; /* a signal that arrived while we worked */
EG_FORK_STATE static _Atomic int exec_reporter; /* tid writing an exec report, 0 if none */
static _Atomic int quick_exit_status;
static _Atomic int finalizers_hooked;

static int my_tid(void) { return (int)syscall(SYS_gettid); }

/* 1: this thread runs the sequence now. */
EG_HOT_TEXT static int claim(int may_take_over)
{
    int me = my_tid(), cur = 0;
    if (atomic_compare_exchange_strong(&owner, &cur, me) || cur == me)
        return 1;
    int p = atomic_load(&phase);
    return may_take_over && (p == OUTSIDE || p == BETWEEN) &&
           atomic_compare_exchange_strong(&owner, &cur, me);
}

/* The owner ends the process, within its budget. */
static _Noreturn void wait_for_the_end(void)
{
    for (;;) {
        struct timespec second = {1, 0};
        syscall(SYS_nanosleep, &second, 0);
    }
}

/* The exec report another thread is writing, to the end: the document
 * of this end then replaces it.  Each side stores, then looks at the
 * other's word (both sequentially consistent): at least one of them sees
 * the other, and the exec side gives way (eg_exit_exec_begins).  Bounded,
 * so that nothing stale can hold an end back. */
static void await_exec_report(void)
{
    int me = my_tid();
    for (int ms = 0; ms < REPORT_WAIT_MS; ms++) {
        int r = atomic_load(&exec_reporter);
        if (!r || r == me)
            return;
        struct timespec step = {0, 1000000};
        syscall(SYS_nanosleep, &step, 0);
    }
}

EG_HOT_TEXT void eg_exit_exec_begins(void)
{
    if (!eg_region || !atomic_load_explicit(&eg_region->threads, memory_order_relaxed))
        return; /* no other thread to end the process meanwhile */
    int me = my_tid();
    atomic_store(&exec_reporter, me);
    int by = atomic_load(&owner);
    if (by && by != me && atomic_load(&phase) == FINISHING) {
        eg_exit_exec_reported();
        wait_for_the_end();
    }
}

EG_HOT_TEXT void eg_exit_exec_reported(void)
{
    /* read first: even a failed compare-exchange writes, and in a process
     * with one thread nothing else here touched this page */
    int r = atomic_load_explicit(&exec_reporter, memory_order_relaxed);
    if (r && r == my_tid())
        atomic_compare_exchange_strong(&exec_reporter, &r, 0);
}

/* A clone(CLONE_VM) child that never went through fork shares our memory:
 * it must neither report as us nor mark us as ended. */
EG_HOT_TEXT static int is_us(void) { return !eg_region || syscall(SYS_getpid) == eg_pid; }

EG_HOT_TEXT static void end_now(enum eg_end_how how, int code, int in_signal_handler)
{
    if (eg_vfork.in_child) {
        /* the parent's memory: nothing of ours to end here -- but a child
         * whose exec report was written, and whose exec failed, says how
         * it ended (its record, under its own pid) */
        if (eg_vfork.reported && eg_report_wants_record() && how != EG_END_SIGNAL)
            eg_report_record_line(&(struct eg_end){how, code, 0, 0, 0, 0});
        return;
    }
    if (eg_region_borrowed && eg_finalizers_for_children())
        eg_own_borrowed(); /* the parent's, to run here too: ours first */
    if (!eg_region || eg_region_borrowed) {
        /* never materialised: nothing held; under the command, counted
         * (a signal reaches a borrowing child's handlers, not one that
         * never installed them) */
        if (eg_report_wants_record() && (how != EG_END_SIGNAL || eg_region)) {
            int outer = eg_enter();
            eg_report_record_unmaterialised(&(struct eg_end){how, code, 0, 0, 0, 0});
            if (outer)
                eg_leave();
        }
        return;
    }
    if (!is_us())
        return;
    /* a second thread in exit proper must not run beside the first */
    if (!claim(how != EG_END_EXIT))
        wait_for_the_end();
    if (atomic_exchange(&phase, FINISHING) == FINISHING)
        return; /* done already: exit's own _exit after phase 2 */
    await_exec_report();
    int saved = errno;
    struct eg_end end = {how, code, 0, 0, 0, 0};
    eg_sequence_begin(&end);
    eg_sequence_finalizers(in_signal_handler);
    eg_sequence_finish(&end);
    int sig = atomic_load(&pending);
    if (sig && how != EG_END_SIGNAL) { /* it would have killed us meanwhile */
        struct eg_end by_signal = {EG_END_SIGNAL, sig, 0, 0, 0, 0};
        eg_die(&by_signal);
    }
    eg_sequence_pause();
    errno = saved;
}

void eg_exit_by_signal(int sig, siginfo_t *info, void *ucontext)
{
    (void)ucontext;
    if (!is_us()) {
        /* A forked child before its atfork handler made it itself, or a
         * clone(CLONE_VM) child: it has no registry of its own to report
         * from, but the signal must still do what the default does --
         * returning would swallow a SIGTERM sent right after fork. */
        struct eg_end end = {EG_END_SIGNAL, sig, 0, 0, 0, 0};
        if (eg_signal_is_ours(sig)) /* kills by default */
            eg_die(&end);
        return;
    }
    int p = atomic_load(&phase);
    if (atomic_load(&owner) == my_tid() && (p == FINALIZING || p == FINISHING)) {
        struct eg_end now = {EG_END_SIGNAL, sig, 0, 0, 0, 0};
        if (eg_signal_is_fatal(sig) && info && info->si_code > 0)
            eg_die(&now); /* a fault in exitguard's own work: nothing to save */
        atomic_store(&pending, sig); /* ends the process once we are done */
        return;
    }
    end_now(EG_END_SIGNAL, sig, 1);
    struct eg_end end = {EG_END_SIGNAL, sig, 0, 0, 0, 0};
    eg_die(&end);
}

static void finalizers_at_exit(void)
{
    if (!is_us() || eg_vfork.in_child)
        return;
    /* a forked child that still borrows its parent's registry runs
     * finalizers in a copy of its own, or none */
    if (eg_region_borrowed) {
        if (!eg_finalizers_for_children())
            return;
        eg_own_borrowed();
    }
    if (!claim(0))
        wait_for_the_end();
    if (atomic_load(&phase) != OUTSIDE)
        return;
    atomic_store(&phase, FINALIZING);
    struct eg_end end = {EG_END_EXIT, 0, 0, 0, 0, 0}; /* status unknown until phase 2 */
    eg_sequence_begin(&end);
    eg_sequence_finalizers(0);
    eg_sequence_pause();
    atomic_store(&phase, BETWEEN);
}

void eg_exit_hook_finalizers(void)
{
    if (!atomic_load_explicit(&finalizers_hooked, memory_order_relaxed) &&
        !atomic_exchange(&finalizers_hooked, 1))
        atexit(finalizers_at_exit);
}

EG_HOT_TEXT static void on_normal_exit(int status, void *arg)
{
    (void)arg;
    end_now(EG_END_EXIT, status, 0);
}

static void on_quick_exit(void)
{
    end_now(EG_END_QUICK_EXIT, quick_exit_status, 0);
}

void eg_exit_arm(void)
{
    on_exit(on_normal_exit, 0);
    eg_at_quick_exit(on_quick_exit);
}

EG_HOT_TEXT void eg_exit_forked(void)
{
    atomic_store(&owner, 0);
    atomic_store(&phase, OUTSIDE);
    atomic_store(&pending, 0);
    atomic_store(&exec_reporter, 0);
}

EG_HOT_TEXT EG_EXPORT void exit(int status)
{
    eg_sequence_exit_called(status); /* from a finalizer: abandon it */
    if (is_us() && !claim(0))
        wait_for_the_end();
    (eg_real.exit ? eg_real.exit : REAL(exit))(status);
    __builtin_unreachable();
}

EG_HOT_TEXT EG_EXPORT void _exit(int status)
{
    eg_sequence_exit_called(status);
    end_now(EG_END__EXIT, status, 0);
    (eg_real._exit ? eg_real._exit : REAL(_exit))(status);
    __builtin_unreachable();
}

EG_EXPORT void _Exit(int status)
{
    eg_sequence_exit_called(status);
    end_now(EG_END__EXIT, status, 0);
    REAL(_Exit)(status);
    __builtin_unreachable();
}

/* quick_exit runs only at_quick_exit handlers, ours last; it does not hand
 * them the status, so it is noted here first. */
EG_EXPORT void quick_exit(int status)
{
    eg_sequence_exit_called(status);
    quick_exit_status = status;
    REAL(quick_exit)(status);
    __builtin_unreachable();
}
