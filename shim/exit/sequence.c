/* Running the exit sequence: finalizers contained and bounded, then the
 * report and the policies.  Everything here may run in a fatal-signal
 * handler: raw syscalls, no malloc, no stdio (except the fflush of a normal
 * exit), no locks.
 *
 * Hangs and crashes of a finalizer are escaped with siglongjmp: a kernel
 * timer aimed at this thread (SIGEV_THREAD_ID) interrupts a finalizer that
 * outlives its budget, and a handler for the fault signals, installed only
 * while the sequence runs, catches one that crashes.  The process is
 * ending: what the abandoned finalizer held (a lock, a half-written
 * buffer) no longer matters, only that the rest still runs. */
#define _GNU_SOURCE
#include "sequence.h"
#include "fork_state.h"

#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "children.h"
#include "exitguard.h"
#include "finalizer_records.h"
#include "guard.h"
#include "options.h"
#include "real.h"
#include "registry.h"
#include "report.h"
#include "signals.h"
#include "sort.h"
#include "settle.h"


/* A finalizer's way out, and why it took it: one thread-local block (each
 * thread-local variable is a relocation for the loader in every process). */
static __thread struct {
    sigjmp_buf *to;
    volatile sig_atomic_t why, detail;
} escape;

static const struct eg_end *ending; /* how the process ends if out of time */
static long budget_left_ms = -1;    /* of exit_timeout; -1: not started */
static long begun_ms;
static int timer_id = -1, timer_tid;
static struct sigaction saved_faults[65], saved_timer; /* by signal number */
static sigset_t saved_mask;
static int caught; /* our handlers are installed */
static int finishing; /* phase 2: out of time now means end now */

/* The report is what the sequence is for: it gets this long even when the
 * finalizers used up exit_timeout. */
enum { REPORT_RESERVE_MS = 1000 };

static int timer_signal(void) { return SIGRTMAX; }


static long ms_left(void) { return budget_left_ms - (eg_monotonic_ms() - begun_ms); }

static void set_timer(long sec, long nsec)
{
    struct itimerspec when = {{0, 0}, {sec, nsec}};
    if (timer_id >= 0)
        syscall(SYS_timer_settime, timer_id, 0, &when, 0);
}

static void arm(long ms)
{
    if (ms <= 0)
        set_timer(0, 1); /* already due: fire at once (0 would disarm) */
    else
        set_timer(ms / 1000, (ms % 1000) * 1000000);
}

static void disarm(void) { set_timer(0, 0); }


_Noreturn void eg_die(const struct eg_end *end)
{
    if (end->how == EG_END_SIGNAL) {
        int sig = end->code;
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        eg_real.sigaction(sig, &dfl, 0);
        sigset_t only;
        sigemptyset(&only);
        sigaddset(&only, sig);
        syscall(SYS_tgkill, (int)syscall(SYS_getpid), (int)syscall(SYS_gettid), sig);
        /* pending and deadly now: unblocking delivers it */
        syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, &only, 0, _NSIG / 8);
        eg_real._exit(128 + sig); /* not reached: the default action of sig kills */
    }
    eg_real._exit(end->code);
    __builtin_unreachable();
}

static void on_fault(int sig, siginfo_t *info, void *uc)
{
    if (escape.to) {
        escape.why = EG_FIN_CRASHED;
        escape.detail = sig;
        siglongjmp(*escape.to, 1);
    }
    /* not a finalizer of ours: the program (another thread) or exitguard
     * itself crashed while the sequence ran */
    eg_exit_by_signal(sig, info, uc);
}

static void on_timer(int sig, siginfo_t *info, void *uc)
{
    if (info->si_code != SI_TIMER) { /* the program's own use of the signal */
        struct sigaction *prog = &saved_timer;
        if (prog->sa_flags & SA_SIGINFO)
            prog->sa_sigaction(sig, info, uc);
        else if (prog->sa_handler != SIG_DFL && prog->sa_handler != SIG_IGN)
            prog->sa_handler(sig);
        return;
    }
    if (escape.to) {
        escape.why = EG_FIN_HUNG;
        escape.detail = 0;
        siglongjmp(*escape.to, 1);
    }
    if (finishing)
        eg_die(ending); /* the report or a policy is stuck: end anyway */
    /* between finalizers: the loop sees the time is up and skips the rest */
}

static int caught_faults; /* a finalizer may run: faults are caught too */

/* The timer always (a report stuck on a full pipe must not hang the
 * process); the faults only when there are finalizers to contain: a
 * spawn-heavy suite pays each call in every process. */
static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigset_t unblock;
    sigemptyset(&unblock);
    sa.sa_sigaction = on_fault;
    caught_faults = eg_finalizer_newest() != 0;
    for (int sig = 1; caught_faults && sig <= 64; sig++) {
        if (eg_signal_is_fatal(sig)) {
            eg_real.sigaction(sig, &sa, &saved_faults[sig]);
            sigaddset(&unblock, sig);
        }
    }
    sa.sa_sigaction = on_timer;
    eg_real.sigaction(timer_signal(), &sa, &saved_timer);
    sigaddset(&unblock, timer_signal());
    syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, &unblock, &saved_mask, _NSIG / 8);
    caught = 1;
}

static void release_signals(void)
{
    if (!caught)
        return;
    for (int sig = 1; caught_faults && sig <= 64; sig++)
        if (eg_signal_is_fatal(sig))
            eg_real.sigaction(sig, &saved_faults[sig], 0);
    eg_real.sigaction(timer_signal(), &saved_timer, 0);
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &saved_mask, 0, _NSIG / 8);
    caught = 0;
}

void eg_sequence_begin(const struct eg_end *end)
{
    ending = end;
    if (budget_left_ms < 0)
        budget_left_ms = eg_options.exit_timeout;
    begun_ms = eg_monotonic_ms();
}

/* The budget's timer and handlers, for work that could block: made on
 * first need, so a process with no finalizers and nothing to report pays
 * no syscall for them. */
static void guard_time(void)
{
    int tid = (int)syscall(SYS_gettid);
    if (caught && timer_id >= 0 && timer_tid == tid)
        return;
    if (timer_id >= 0 && timer_tid != tid) { /* another thread took over */
        syscall(SYS_timer_delete, timer_id);
        timer_id = -1;
    }
    if (timer_id < 0) {
        struct sigevent ev;
        memset(&ev, 0, sizeof ev);
        ev.sigev_notify = SIGEV_THREAD_ID;
        ev.sigev_signo = timer_signal();
        ev._sigev_un._tid = tid;
        int id;
        if (syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &id) == 0) {
            timer_id = id;
            timer_tid = tid;
        }
    }
    if (!caught)
        catch_signals(); /* the caller arms the timer */
}

void eg_sequence_pause(void)
{
    if (caught)
        disarm();
    budget_left_ms = ms_left();
    release_signals();
}

EG_HOT_TEXT void eg_sequence_exit_called(int status)
{
    if (escape.to) {
        escape.why = EG_FIN_EXITED;
        escape.detail = status;
        siglongjmp(*escape.to, 1);
    }
}

static int runs_here(const struct eg_finalizer *f)
{
    return f->pid == eg_pid || (f->flags & EXITGUARD_IN_CHILDREN);
}

/* f, claimed, as the program's code (its calls are tracked), abandoned if
 * it crashes, calls exit or outlives `ms`. */
static void run_bounded(struct eg_finalizer *f, long ms)
{
    sigjmp_buf jb;
    int was_busy = eg_busy;
    guard_time();
    arm(ms);
    if (sigsetjmp(jb, 1) == 0) {
        escape.to = &jb;
        eg_busy = 0;
        ((void (*)(void *))(uintptr_t)f->fn)((void *)(uintptr_t)f->arg);
        escape.to = 0;
        eg_busy = was_busy;
        eg_finalizer_done(f, EG_FIN_RAN, 0);
    } else {
        escape.to = 0;
        eg_busy = was_busy;
        eg_finalizer_done(f, (enum eg_fin_outcome)escape.why, escape.detail);
    }
    arm(ms_left());
}

/* A finalizer another thread started (exitguard_call, a close) when the
 * process began to end: let it finish, within the budget, so that what
 * started also ended before the process is gone. */
static void await_other_threads(void)
{
    int me = (int)syscall(SYS_gettid);
    long until = ms_left();
    if (until > eg_options.finalizer_timeout)
        until = eg_options.finalizer_timeout;
    until += eg_monotonic_ms();
    for (struct eg_finalizer *f = eg_finalizer_newest(); f; f = eg_finalizer_older(f)) {
        while (atomic_load(&f->state) == EG_FIN_RUNNING && f->detail != me && eg_monotonic_ms() < until) {
            struct timespec ms = {0, 1000000};
            syscall(SYS_nanosleep, &ms, 0);
        }
    }
}

void eg_sequence_finalizers(int in_signal_handler)
{
    if (!eg_region)
        return;
    struct eg_finalizer *newest;
again:
    newest = eg_finalizer_newest();
    for (struct eg_finalizer *f = newest; f; f = eg_finalizer_older(f)) {
        if (atomic_load(&f->state) != EG_FIN_ALIVE || !atomic_load(&f->atexit) || !runs_here(f))
            continue;
        long left = ms_left();
        int skip = in_signal_handler && !(f->flags & EXITGUARD_SIGNAL_SAFE) ? EG_SKIP_NOT_SIGNAL_SAFE
                   : left <= 0                                           ? EG_SKIP_OUT_OF_TIME
                                                                         : 0;
        if (!eg_finalizer_claim(f))
            continue;
        if (skip) {
            eg_finalizer_done(f, EG_FIN_SKIPPED, skip);
            continue;
        }
        run_bounded(f, left < eg_options.finalizer_timeout ? left : eg_options.finalizer_timeout);
        if (eg_finalizer_newest() != newest)
            goto again; /* it registered more: they are newer, run them first */
    }
    await_other_threads();
}

/* ---- phase 2 ---- */

struct leak_order {
    uint64_t *keys; /* seq << 20 | fd: fds fit in 20 bits (EG_FD_LIMIT) */
    unsigned n, cap;
};

static void collect(int fd, struct eg_fd_slot *s, void *ctx)
{
    struct leak_order *o = ctx;
    if (o->n < o->cap)
        o->keys[o->n++] = EG_GET(s->seq) << 20 | (uint64_t)fd;
}

/* fds=close: the leaks, newest first (a socket's peer sees the end now,
 * not when the kernel gets round to it). */
static void close_leaks(unsigned count)
{
    uint64_t *keys = eg_keys_get(count);
    if (!keys)
        return;
    struct leak_order o = {keys, 0, count};
    eg_report_each_leak(collect, &o);
    eg_sort_u64(keys, o.n);
    for (unsigned i = o.n; i-- > 0;)
        syscall(SYS_close, (int)(keys[i] & ((1u << 20) - 1)));
    eg_keys_put(keys, count);
}

void eg_sequence_finish(const struct eg_end *end)
{
    ending = end;
    finishing = 1;
    int was_busy = eg_busy;
    eg_busy = 1;
    long left = ms_left() - REPORT_RESERVE_MS;
    eg_children_settle(left > 0 ? left : 0);
    eg_tempfiles_settle();
    int closing = eg_options.fds == EG_FDS_CLOSE;
    struct eg_plan plan = eg_report_plan(end); /* takes stock of the fds */
    if (closing || eg_report_writes(&plan)) { /* work that could block */
        guard_time();
        long left = ms_left();
        arm(left > REPORT_RESERVE_MS ? left : REPORT_RESERVE_MS);
        /* closing a FILE*'s fd would lose what stdio still buffers; exit
         * would flush it only later */
        if (end->how == EG_END_EXIT && closing)
            fflush(0);
        /* A report written to a closed pipe (prog 2>&1 | head -1) must not
         * kill a process that was exiting with its own status. */
        sigset_t quiet, before;
        sigemptyset(&quiet);
        sigaddset(&quiet, SIGPIPE);
        sigaddset(&quiet, SIGXFSZ);
        syscall(SYS_rt_sigprocmask, SIG_BLOCK, &quiet, &before, _NSIG / 8);
        eg_report(end, &plan);
        struct timespec now = {0, 0};
        while (syscall(SYS_rt_sigtimedwait, &quiet, 0, &now, _NSIG / 8) > 0)
            ; /* ours: drop them */
        syscall(SYS_rt_sigprocmask, SIG_SETMASK, &before, 0, _NSIG / 8);
        if (closing) {
            unsigned n = eg_report_each_leak(0, 0);
            if (n)
                close_leaks(n);
        }
    }
    eg_busy = was_busy;
    finishing = 0;
}
