/* Signal dispositions: exitguard's handler sits only where the program left
 * a signal of the exit list at SIG_DFL, and the program never sees it.
 *
 * For each signal of the list, what the program set (or the process
 * started with) goes to the kernel as:
 *   SIG_DFL                  exitguard's handler (the exit sequence);
 *   SIG_IGN, a handler       the program's action, as given;
 *   a handler + SA_RESETHAND exitguard's handler as a dispatcher, because
 *                            the kernel's reset would happen behind our back.
 * Where the kernel holds our handler, the record keeps the program's
 * disposition, exactly as the kernel would report it; where it holds the
 * program's own action, a query asks the kernel, and the record is not
 * rewritten (it is what our handler would act on, and it is not there).
 *
 * Lock-free, because sigaction is async-signal-safe and our handler reads
 * the record: dispositions live in a pool of immutable entries, and each
 * signal's record is the atomic index of one of them. */
#define _GNU_SOURCE
#include "signals.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "altstack.h"
#include "exit.h"
#include "fork_state.h"
#include "guard.h"
#include "real.h"

/* Not declared with _GNU_SOURCE, but exported by glibc. */
extern __sighandler_t bsd_signal(int sig, __sighandler_t handler);

#define BIT(sig) (1ull << ((sig) - 1)) /* as in the kernel's 64-bit mask */
#define FATAL (BIT(SIGSEGV) | BIT(SIGBUS) | BIT(SIGILL) | BIT(SIGFPE) | BIT(SIGABRT) | \
               BIT(SIGTRAP) | BIT(SIGSYS))
#define TERMINATING (BIT(SIGTERM) | BIT(SIGINT) | BIT(SIGHUP) | BIT(SIGQUIT) | BIT(SIGPIPE) | \
                     BIT(SIGXCPU) | BIT(SIGXFSZ) | BIT(SIGALRM) | BIT(SIGUSR1) | BIT(SIGUSR2))

/* While the exit sequence runs, the other terminating signals wait: one
 * arriving mid-report would end the process before the report is renamed
 * into place, and a blocked SIGPIPE or SIGXFSZ makes a failing report write
 * return an error instead of killing us.  The fatal ones stay open (but
 * the one being handled): a fault while its signal is blocked is never
 * delivered, the kernel kills at once. */
#define OUR_MASK TERMINATING
/* SA_ONSTACK: a stack overflow still reaches us, and Go requires it.
 * SA_RESTART: if we return to the program (its handler raced in), a system
 * call goes on as it would have without us. */
#define OUR_FLAGS (SA_SIGINFO | SA_ONSTACK | SA_RESTART)

/* What a sigaction query reports on this kernel (6.x; checked by setting
 * each bit and reading it back): glibc always adds SA_RESTORER, the kernel
 * drops flags it does not know (SA_INTERRUPT, SA_UNSUPPORTED). */
#define EG_SA_RESTORER 0x04000000
#define EG_SA_EXPOSE_TAGBITS 0x800
#define KERNEL_FLAGS (SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | EG_SA_EXPOSE_TAGBITS | \
                      EG_SA_RESTORER | SA_ONSTACK | SA_RESTART | SA_NODEFER | SA_RESETHAND)

int eg_signal_is_fatal(int sig)
{
    return sig >= 1 && sig <= 64 && (FATAL & BIT(sig));
}

int eg_signal_is_ours(int sig)
{
    return sig >= 1 && sig <= 64 && ((FATAL | TERMINATING) & BIT(sig));
}

struct disposition {
    void *handler; /* sa_handler or sa_sigaction */
    uint64_t mask; /* the kernel keeps 64 signals */
    int flags;
    void (*restorer)(void);
};

/* Entries are never changed once ready nor freed, so a reader (perhaps a
 * handler that interrupted a writer) needs no lock.  Equal dispositions
 * share an entry: programs switch among a few, however often. */
enum { POOL = 256, POOL_NEAR = 12 };
/* The first entries, with their flags and the count, beside the other
 * statics written around a fork (fork_state.h): a shell's children set
 * handlers of the shell's that the shell itself never sets, each child
 * interns them anew, and an entry elsewhere cost each child a page. */
EG_FORK_STATE static struct disposition pool_near[POOL_NEAR];
EG_FORK_STATE static _Atomic int ready_near[POOL_NEAR];
EG_FORK_STATE static _Atomic unsigned used;
static struct disposition pool_far[POOL - POOL_NEAR];
static _Atomic int ready_far[POOL - POOL_NEAR];

EG_HOT_TEXT static struct disposition *pool(unsigned i)
{
    return i < POOL_NEAR ? &pool_near[i] : &pool_far[i - POOL_NEAR];
}

EG_HOT_TEXT static _Atomic int *ready(unsigned i)
{
    return i < POOL_NEAR ? &ready_near[i] : &ready_far[i - POOL_NEAR];
}
/* Per signal: 1 + index in pool; 0 = not tracked (before our constructor,
 * or the pool ran out): calls pass straight through.  A shell sets
 * several dispositions on each side of every fork: with the other statics
 * written there (fork_state.h), one page instead of one more each side. */
EG_FORK_STATE static _Atomic unsigned record[65];
static unsigned plain_default; /* SIG_DFL as after exec */
static void (*glibc_restorer)(void);

EG_HOT_TEXT static int same(const struct disposition *a, const struct disposition *b)
{
    return a->handler == b->handler && a->mask == b->mask && a->flags == b->flags &&
           a->restorer == b->restorer;
}

EG_HOT_TEXT static unsigned intern(const struct disposition *d)
{
    unsigned n = atomic_load_explicit(&used, memory_order_acquire);
    for (unsigned i = 0; i < n && i < POOL; i++)
        if (atomic_load_explicit(ready(i), memory_order_acquire) && same(pool(i), d))
            return i + 1;
    if (n >= POOL)
        return 0;
    unsigned i = atomic_fetch_add(&used, 1);
    if (i >= POOL)
        return 0;
    *pool(i) = *d;
    atomic_store_explicit(ready(i), 1, memory_order_release);
    return i + 1;
}

EG_HOT_TEXT static int tracked(int sig)
{
    return eg_signal_is_ours(sig) && atomic_load_explicit(&record[sig], memory_order_relaxed);
}

/* The program's action as a query will report it. */
EG_HOT_TEXT static struct disposition as_kernel_keeps(const struct sigaction *act)
{
    struct disposition d = {act->sa_handler, 0, (act->sa_flags | EG_SA_RESTORER) & KERNEL_FLAGS,
                            glibc_restorer};
    memcpy(&d.mask, &act->sa_mask, sizeof d.mask);
    d.mask &= ~(BIT(SIGKILL) | BIT(SIGSTOP));
    return d;
}

EG_HOT_TEXT static void report_as(struct sigaction *old, const struct disposition *d)
{
    memset(old, 0, sizeof *old);
    old->sa_handler = d->handler;
    memcpy(&old->sa_mask, &d->mask, sizeof d->mask);
    old->sa_flags = d->flags;
    old->sa_restorer = d->restorer;
}

static void on_signal(int sig, siginfo_t *info, void *ucontext);

/* `before`: what the kernel held until now (NULL: not asked). */
EG_HOT_TEXT static void install_real(int sig, const struct disposition *d,
                                     struct sigaction *before)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    uint64_t mask = d->mask;
    if (d->handler == SIG_DFL) {
        sa.sa_sigaction = on_signal;
        sa.sa_flags = OUR_FLAGS;
        mask = OUR_MASK;
    } else if (d->handler != SIG_IGN && (d->flags & SA_RESETHAND)) {
        /* The program's mask and flags, SA_NODEFER included, so its handler
         * runs as it asked; the reset is ours to do. */
        sa.sa_sigaction = on_signal;
        sa.sa_flags = (d->flags & ~SA_RESETHAND) | SA_SIGINFO;
    } else {
        sa.sa_handler = d->handler;
        sa.sa_flags = d->flags;
    }
    memcpy(&sa.sa_mask, &mask, sizeof mask);
    REAL(sigaction)(sig, &sa, before);
}

/* Makes the kernel agree with the record.  Another thread (or a handler)
 * may change the record while we install: whoever installs last checks
 * that what it installed is still the record, so the last word is the
 * record's. */
EG_HOT_TEXT static void apply(int sig, struct sigaction *before)
{
    unsigned id;
    do {
        id = atomic_load_explicit(&record[sig], memory_order_acquire);
        install_real(sig, pool(id - 1), before);
        before = 0; /* the first install's answer is the one */
    } while (atomic_load_explicit(&record[sig], memory_order_acquire) != id);
}

/* What the kernel does for SA_RESETHAND on delivery: the handler becomes
 * SIG_DFL, flags and mask stay (checked on this kernel). */
static void reset_to_default(int sig, unsigned id, const struct disposition *d)
{
    struct disposition dfl = *d;
    dfl.handler = SIG_DFL;
    unsigned to = intern(&dfl);
    if (atomic_compare_exchange_strong(&record[sig], &id, to ? to : plain_default))
        apply(sig, 0);
}

static void on_signal(int sig, siginfo_t *info, void *ucontext)
{
    int saved = errno;
    unsigned id = atomic_load_explicit(&record[sig], memory_order_acquire);
    const struct disposition *d = id ? pool(id - 1) : 0;
    if (!d || d->handler == SIG_DFL) {
        eg_exit_by_signal(sig, info, ucontext);
        errno = saved;
        return;
    }
    /* The program changed the disposition while this signal was on its
     * way, or we are its SA_RESETHAND dispatcher: act as it asked. */
    if (d->handler == SIG_IGN)
        return;
    if (d->flags & SA_RESETHAND)
        reset_to_default(sig, id, d);
    errno = saved; /* the program's handler sees the interrupted errno */
    if (d->flags & SA_SIGINFO)
        ((void (*)(int, siginfo_t *, void *))d->handler)(sig, info, ucontext);
    else
        ((void (*)(int))d->handler)(sig);
}

void eg_signals_init(void)
{
    plain_default = intern(&(struct disposition){.handler = SIG_DFL});
    /* One call per signal, ours in and the start disposition out (a spawn-
     * heavy suite pays this in every process); the signals are blocked
     * meanwhile, so one arriving before the record is set waits for it. */
    sigset_t list, before;
    sigemptyset(&list);
    for (int sig = 1; sig <= 64; sig++)
        if (eg_signal_is_ours(sig))
            sigaddset(&list, sig);
    sigprocmask(SIG_BLOCK, &list, &before);
    struct sigaction ours;
    memset(&ours, 0, sizeof ours);
    ours.sa_sigaction = on_signal;
    ours.sa_flags = OUR_FLAGS;
    uint64_t mask = OUR_MASK;
    memcpy(&ours.sa_mask, &mask, sizeof mask);
    for (int sig = 1; sig <= 64; sig++) {
        struct sigaction start;
        if (!eg_signal_is_ours(sig) || REAL(sigaction)(sig, &ours, &start) != 0)
            continue;
        struct disposition d = {start.sa_handler, 0, start.sa_flags, start.sa_restorer};
        memcpy(&d.mask, &start.sa_mask, sizeof d.mask);
        unsigned id = intern(&d);
        if (!id) { /* the pool is full: the program's alone */
            REAL(sigaction)(sig, &start, 0);
            continue;
        }
        atomic_store(&record[sig], id);
        /* SIG_IGN stays (nohup); a handler set before us (another preloaded
         * library) stays too, through our dispatcher if the kernel would
         * reset it unseen. */
        if (d.handler != SIG_DFL)
            apply(sig, 0);
        if (!glibc_restorer && d.handler == SIG_DFL) {
            /* glibc installs its own restorer with every action: a query
             * after the program sets one shows it. */
            struct sigaction now;
            REAL(sigaction)(sig, 0, &now);
            glibc_restorer = now.sa_restorer;
        }
    }
    /* SIG_DFL as a program sets it (glibc adds its restorer), which a
     * shell does in every child it forks: in the pool before the first
     * fork, so that no child writes a page of it */
    if (glibc_restorer)
        intern(&(struct disposition){SIG_DFL, 0, EG_SA_RESTORER & KERNEL_FLAGS, glibc_restorer});
    sigprocmask(SIG_SETMASK, &before, 0);
    eg_altstack_give();
}

/* ---- the program's calls, for a signal of the list ---- */

/* Whether the kernel must hold our handler for it: SIG_DFL (the exit
 * sequence), or a handler the kernel would reset unseen (SA_RESETHAND). */
EG_HOT_TEXT static int needs_us(const struct disposition *d)
{
    return d->handler == SIG_DFL || (d->handler != SIG_IGN && (d->flags & SA_RESETHAND));
}

/* What the program is told it had: the record's disposition where the
 * kernel held our handler, and what the kernel held otherwise -- the
 * program's own action, as a query without us reports it. */
EG_HOT_TEXT static void answer(struct sigaction *old, unsigned was, const struct sigaction *kernel)
{
    if (was && kernel->sa_sigaction == on_signal)
        report_as(old, pool(was - 1));
    else
        *old = *kernel;
}

EG_HOT_TEXT static int track(int sig, const struct sigaction *act, struct sigaction *old)
{
    struct sigaction kernel;
    unsigned was = atomic_load_explicit(&record[sig], memory_order_acquire);
    if (!act) {
        REAL(sigaction)(sig, 0, &kernel);
    } else {
        struct disposition d = as_kernel_keeps(act);
        struct sigaction given = *act; /* act may be old */
        unsigned id;
        if (!needs_us(&d)) {
            /* The program's action goes to the kernel as given, and the
             * record (what our handler acts on) stays: a shell switching
             * SIGINT between its handler and SIG_DFL around every command
             * writes no page of ours, which after each fork was a fault.
             * But a dispatcher's entry goes, so that a signal already on
             * its way cannot reinstall our handler over this action. */
            if (was && pool(was - 1)->handler != SIG_DFL)
                was = atomic_exchange(&record[sig], plain_default);
            REAL(sigaction)(sig, &given, &kernel);
        } else if ((id = intern(&d))) {
            if (was != id) /* unchanged: no write (see above) */
                was = atomic_exchange(&record[sig], id);
            apply(sig, &kernel);
        } else { /* the pool is full: this signal is the program's alone */
            was = atomic_exchange(&record[sig], 0);
            REAL(sigaction)(sig, &given, &kernel);
        }
    }
    if (old)
        answer(old, was, &kernel);
    return 0;
}

EG_HOT_TEXT EG_EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
    if (!tracked(sig))
        return REAL(sigaction)(sig, act, old);
    return track(sig, act, old);
}

/* siginterrupt(sig, 1) makes a later signal() install without SA_RESTART;
 * glibc keeps that in a set we cannot see, so we keep our own. */
static _Atomic uint64_t interrupting;

static __sighandler_t set_handler(int sig, __sighandler_t handler, int flags, uint64_t mask)
{
    struct sigaction act, old;
    memset(&act, 0, sizeof act);
    act.sa_handler = handler;
    act.sa_flags = flags;
    memcpy(&act.sa_mask, &mask, sizeof mask);
    track(sig, &act, &old);
    return old.sa_handler;
}

/* BSD semantics: restarting, the signal blocked in its own handler. */
static __sighandler_t bsd(int sig, __sighandler_t handler)
{
    if (handler == SIG_ERR) {
        errno = EINVAL;
        return SIG_ERR;
    }
    int restart = atomic_load(&interrupting) & BIT(sig) ? 0 : SA_RESTART;
    return set_handler(sig, handler, restart, BIT(sig));
}

/* System V semantics: one-shot, not blocked in its own handler.  glibc
 * also passes SA_INTERRUPT, which the kernel drops. */
static __sighandler_t sysv(int sig, __sighandler_t handler)
{
    if (handler == SIG_ERR) {
        errno = EINVAL;
        return SIG_ERR;
    }
    return set_handler(sig, handler, SA_RESETHAND | SA_NODEFER | SA_INTERRUPT, 0);
}

EG_EXPORT __sighandler_t signal(int sig, __sighandler_t handler)
{
    return tracked(sig) ? bsd(sig, handler) : REAL(signal)(sig, handler);
}

EG_EXPORT __sighandler_t bsd_signal(int sig, __sighandler_t handler)
{
    return tracked(sig) ? bsd(sig, handler) : REAL(bsd_signal)(sig, handler);
}

EG_EXPORT __sighandler_t ssignal(int sig, __sighandler_t handler)
{
    return tracked(sig) ? bsd(sig, handler) : REAL(ssignal)(sig, handler);
}

EG_EXPORT __sighandler_t sysv_signal(int sig, __sighandler_t handler)
{
    return tracked(sig) ? sysv(sig, handler) : REAL(sysv_signal)(sig, handler);
}

/* What signal() is in a program built without _DEFAULT_SOURCE. */
EG_EXPORT __sighandler_t __sysv_signal(int sig, __sighandler_t handler)
{
    return tracked(sig) ? sysv(sig, handler) : REAL(__sysv_signal)(sig, handler);
}

/* The System V interface is deprecated, but still exported and used. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

/* sigset(3): SIG_HOLD blocks the signal and leaves the disposition; any
 * other disposition is set (no flags, empty mask) and the signal unblocked.
 * Either way the answer is SIG_HOLD if the signal was blocked before. */
EG_EXPORT __sighandler_t sigset(int sig, __sighandler_t disp)
{
    if (!tracked(sig))
        return REAL(sigset)(sig, disp);
    sigset_t one, before;
    sigemptyset(&one);
    sigaddset(&one, sig);
    struct sigaction old;
    if (disp == SIG_HOLD) {
        sigprocmask(SIG_BLOCK, &one, &before);
        if (sigismember(&before, sig))
            return SIG_HOLD;
        track(sig, 0, &old);
        return old.sa_handler;
    }
    __sighandler_t was = set_handler(sig, disp, 0, 0);
    sigprocmask(SIG_UNBLOCK, &one, &before);
    return sigismember(&before, sig) ? SIG_HOLD : was;
}

EG_EXPORT int sigignore(int sig)
{
    if (!tracked(sig))
        return REAL(sigignore)(sig);
    set_handler(sig, SIG_IGN, 0, 0);
    return 0;
}

EG_EXPORT int siginterrupt(int sig, int interrupt)
{
    if (!tracked(sig))
        return REAL(siginterrupt)(sig, interrupt);
    struct sigaction act;
    track(sig, 0, &act);
    if (interrupt) {
        atomic_fetch_or(&interrupting, BIT(sig));
        act.sa_flags &= ~SA_RESTART;
    } else {
        atomic_fetch_and(&interrupting, ~BIT(sig));
        act.sa_flags |= SA_RESTART;
    }
    track(sig, &act, 0);
    return 0;
}
