/* exitguard: deterministic cleanup and leak reports at process exit.
 *
 * The library is used by preloading it (LD_PRELOAD=libexitguard.so), by
 * running a command under `exitguard -- COMMAND`, or by linking it
 * (`pkg-config --cflags --libs exitguard`).
 *
 * Finalizers follow the contract of Python's weakref.finalize: a finalizer
 * is alive until it runs, detaches or is released; it runs at most once,
 * whoever asks first -- a thread calling exitguard_call, exitguard_release,
 * the close of the fd it is tied to, or the exit sequence; at exit the live
 * ones whose atexit flag is set run newest first, before the program's
 * earlier atexit handlers and its destructors.  The exit sequence runs
 * however the process ends: exit, return from main, _exit, quick_exit, or a
 * fatal signal (then only EXITGUARD_SIGNAL_SAFE finalizers run).
 *
 * Calling these only when the library is there (preloaded or not): declare
 * them weak, and test the address before the call --
 *
 *     #pragma weak exitguard_finalize
 *     ...
 *     if (exitguard_finalize)
 *         exitguard_finalize(conn, close_conn, conn, 0);
 *
 * A program built that way runs unchanged without the library. */
#ifndef EXITGUARD_H
#define EXITGUARD_H

#ifdef __cplusplus
extern "C" {
#endif

#define EXITGUARD_VERSION "0.2.0"

/* Version of the per-process JSON report ("exitguard_report" key) and of
 * the merged document the command writes ("exitguard" key). */
#define EXITGUARD_REPORT_SCHEMA 2

typedef struct exitguard_finalizer exitguard_finalizer;

#define EXITGUARD_SIGNAL_SAFE 1u /* may run from a fatal-signal handler */
#define EXITGUARD_IN_CHILDREN 2u /* also runs at exit of a forked child */

/* Registers fn(arg), owned by obj (any pointer, may be NULL).  Returns the
 * handle, or NULL with errno set: EINVAL (fn is NULL, unknown flags),
 * ENOMEM (the registry is full), ENOSYS (the library could not start). */
exitguard_finalizer *exitguard_finalize(void *obj, void (*fn)(void *arg), void *arg,
                                        unsigned flags);

/* The same, owned by an fd the program holds: it runs just before the
 * program closes that fd (close, dup2 onto it, fclose of its FILE*,
 * close_range...), or at exit if it never does.  EBADF: fd is not open. */
exitguard_finalizer *exitguard_finalize_fd(int fd, void (*fn)(void *arg), void *arg,
                                           unsigned flags);

/* If alive: marks it dead, runs it, returns 1.  Otherwise returns 0. */
int exitguard_call(exitguard_finalizer *f);

/* If alive: marks it dead without running it, stores what it held in the
 * non-NULL pointers, returns 1.  Otherwise returns 0. */
int exitguard_detach(exitguard_finalizer *f, void **obj, void (**fn)(void *), void **arg);

/* If alive: stores what it holds in the non-NULL pointers, returns 1,
 * and leaves it alive.  Otherwise returns 0. */
int exitguard_peek(const exitguard_finalizer *f, void **obj, void (**fn)(void *), void **arg);

int exitguard_alive(const exitguard_finalizer *f);

/* Whether it runs at exit if still alive (default: yes). */
void exitguard_set_atexit(exitguard_finalizer *f, int on);
int exitguard_get_atexit(const exitguard_finalizer *f);

/* obj is gone: runs each live finalizer it owns, newest first; returns
 * how many ran. */
int exitguard_release(void *obj);

#ifdef __cplusplus
}
#endif

#endif
