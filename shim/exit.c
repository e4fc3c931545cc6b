/* How a process ends, and the one report it gets.
 *
 * Normal exit: the handler is registered with on_exit from our constructor,
 * which makes it run *last* -- after the program's atexit handlers and
 * after every ELF destructor (PITFALLS.md, "Exit order") -- so fds the
 * program closes on its way out are not called leaks.  on_exit, not atexit,
 * because it is handed the exit status. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exit.h"
#include "guard.h"
#include "real.h"
#include "registry.h"
#include "report.h"

static _Atomic int ended;
static _Atomic int quick_exit_status; /* any thread may call quick_exit */

void eg_process_ends(enum eg_end_how how, int code)
{
    /* A child that shares our memory without having gone through fork
     * (clone with CLONE_VM) must not report, nor mark us as ended. */
    if (eg_region && syscall(SYS_getpid) != eg_pid)
        return;
    int expected = 0;
    if (!atomic_compare_exchange_strong(&ended, &expected, 1))
        return;
    int saved = errno;
    int was_busy = eg_busy;
    eg_busy = 1;
    struct eg_end end = {how, code, 0};
    eg_report(&end);
    eg_busy = was_busy;
    errno = saved;
}

/* Provisional: the whole sequence lands with the finalizers. */
void eg_exit_by_signal(int sig, siginfo_t *info, void *ucontext)
{
    (void)ucontext;
    eg_process_ends(EG_END_SIGNAL, sig);
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    REAL(sigaction)(sig, &dfl, 0);
    if (!info || info->si_code <= 0) /* sent, not a fault: send it again */
        syscall(SYS_tgkill, eg_pid, (int)syscall(SYS_gettid), sig);
}

static void on_normal_exit(int status, void *arg)
{
    (void)arg;
    eg_process_ends(EG_END_EXIT, status);
}

static void on_quick_exit(void)
{
    eg_process_ends(EG_END_QUICK_EXIT, quick_exit_status);
}

void eg_exit_arm(void)
{
    on_exit(on_normal_exit, 0);
    at_quick_exit(on_quick_exit);
}

void eg_exit_forked(void)
{
    atomic_store(&ended, 0);
}

EG_EXPORT void _exit(int status)
{
    eg_process_ends(EG_END__EXIT, status);
    REAL(_exit)(status);
    __builtin_unreachable();
}

EG_EXPORT void _Exit(int status)
{
    eg_process_ends(EG_END__EXIT, status);
    REAL(_Exit)(status);
    __builtin_unreachable();
}

/* quick_exit runs only at_quick_exit handlers, ours last; it does not hand
 * them the status, so it is noted here first. */
EG_EXPORT void quick_exit(int status)
{
    quick_exit_status = status;
    REAL(quick_exit)(status);
    __builtin_unreachable();
}
