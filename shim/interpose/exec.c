/* Interposers for the exec family.  Before the real call: report the fds the
 * new program would inherit by accident (only when the exec is likely to
 * succeed), and make sure the new program runs under exitguard too, with the
 * LD_PRELOAD and EXITGUARD_OPTIONS this process started with, even when the
 * program passes a scrubbed environment.
 *
 * glibc's execl, execlp, execle, execv and execvp reach execve or execvpe
 * without the PLT, so each is interposed and turned into the execve or
 * execvpe call it is in glibc 2.36 (with __environ where it has no envp).
 *
 * exec may be called in a forked child of a threaded program: only
 * async-signal-safe work here -- no malloc, no stdio, no locks. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <errno.h>
#include <stdatomic.h>
#include <sched.h>
#include <limits.h>
#include <link.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "describe.h"
#include "exec.h"
#include "exit.h"
#include "fork_state.h"
#include "guard.h"
#include "kept.h"
#include "text.h"
#include "raw_syscall.h"
#include "real.h"
#include "report.h"
#include "region_file.h"
#include "report_parts.h"
#include "thread_records.h"
#include "track.h"
#include "vfork.h"

/* Read by every process at start: beside what it writes then
 * (fork_state.h), not on a page of .rodata of their own. */
EG_FORK_STATE static char PRELOAD[] = "LD_PRELOAD=", OPTIONS[] = "EXITGUARD_OPTIONS=";

enum { START_ENTRY_MAX = 8192 };

/* Captured once, at start, from the environment the process started
 * with: the program may change or scrub environ later, and a
 * setproctitle may overwrite the original strings, so they are copied
 * (kept.h).  Longer ones go to buffers of their own. */
EG_FORK_STATE static const char *start_preload; /* "LD_PRELOAD=..." */
EG_FORK_STATE static const char *start_options; /* "EXITGUARD_OPTIONS=..." */
EG_FORK_STATE static int start_env_noted, start_secure;
/* this library, absolute: the loader's own name for it when that is
 * absolute (it lives as long as the library), else self_real; found
 * before the first child is made, not at start (eg_exec_prepare_children) */
EG_FORK_STATE static const char *self_path;
EG_FORK_STATE static const char *self_base; /* its name as the loader found it */
/* Whether start_preload names us, found once: threads may fork at once */
enum { SELF_UNKNOWN, SELF_FINDING, SELF_NOT_OURS, SELF_OURS };
EG_FORK_STATE static _Atomic int self_state;
static char preload_long[START_ENTRY_MAX], options_long[START_ENTRY_MAX];
static char self_real[2 * PATH_MAX], start_dir[PATH_MAX];
static struct stat self_stat;

/* A loop, not strncmp: every process runs this on each variable of its
 * environment at start (a strncmp call each was 2k instructions), and
 * libc's string functions each sit on a page of text the process would
 * otherwise not touch (a page fault each). */
static int starts_with(const char *s, const char *prefix)
{
    while (*prefix)
        if (*s++ != *prefix++)
            return 0;
    return 1;
}

/* Whether len bytes at e are the NUL-terminated `name`: no copy, no libc
 * call (every exec asks, from a forked child whose stack and libc pages
 * are each a fault away). */
static int same_text(const char *e, size_t len, const char *name)
{
    size_t i = 0;
    while (i < len && name[i] == e[i])
        i++;
    return i == len && name[i] == 0;
}

/* The length of the LD_PRELOAD entry at p, as ld.so splits the list; and
 * whether it is relative to the current directory ("./lib.so": a slash,
 * not first; a bare name is searched for instead), if asked. */
static size_t entry_len(const char *p, int *relative)
{
    size_t len = 0;
    int slash = 0;
    if (relative && p[0] != '/') {
        for (; p[len] && p[len] != ' ' && p[len] != ':'; len++)
            slash |= p[len] == '/';
        *relative = slash;
        return len;
    }
    while (p[len] && p[len] != ' ' && p[len] != ':') /* absolute: only skipped */
        len++;
    if (relative)
        *relative = 0;
    return len;
}

/* The rare case, a path other than the loader's: the same file?  A
 * relative one from `base` (NULL: the current directory).  In a frame of
 * its own, with the copy the stat needs. */
__attribute__((noinline)) static int same_file_as_us(const char *e, size_t len, const char *base)
{
    char name[2 * PATH_MAX];
    size_t at = 0;
    if (base && e[0] != '/') {
        at = strlen(base);
        if (at + 1 >= PATH_MAX)
            return 0;
        memcpy(name, base, at);
        name[at++] = '/';
    }
    if (len >= PATH_MAX)
        return 0;
    memcpy(name + at, e, len);
    name[at + len] = 0;
    static int self_known; /* stat'ed only when a name needs comparing */
    if (!self_known)
        self_known = eg_stat(self_path, &self_stat) == 0 ? 1 : -1;
    struct stat st;
    return self_known > 0 && eg_stat(name, &st) == 0 && st.st_dev == self_stat.st_dev &&
           st.st_ino == self_stat.st_ino;
}

/* Whether one LD_PRELOAD entry (len bytes at e) is this library: the same
 * file, or, for a bare name the loader searches for, the same name. */
static int entry_is_us(const char *e, size_t len, const char *base)
{
    if (len == 0)
        return 0;
    size_t slash = 0;
    while (slash < len && e[slash] != '/')
        slash++;
    if (slash == len)
        return self_base && same_text(e, len, self_base);
    if (!self_path)
        return 0;
    if (same_text(e, len, self_path))
        return 1; /* the common case: the very path the loader used */
    return same_file_as_us(e, len, base);
}

/* Relative entries from `base`, or from the current directory (NULL): the
 * loader took the start's from the directory the process started in, and
 * takes a child's from the one it execs in. */
static int preload_names_us(const char *list, const char *base)
{
    while (*list) {
        size_t len = entry_len(list, 0);
        if (entry_is_us(list, len, base))
            return 1;
        list += len + (list[len] != 0);
    }
    return 0;
}

/* AT_SECURE from the kernel's copy of the auxiliary vector, where it is
 * not on the stack after envp (not getauxval: GLIBC_2.16, one version
 * more for the loader to check in every process); without /proc, a
 * changed user or group, what AT_SECURE says but for gained capabilities. */
static int secure_from_proc(void)
{
    long fd = eg_raw_syscall(SYS_openat, AT_FDCWD, (long)"/proc/self/auxv", O_RDONLY | O_CLOEXEC, 0);
    if (fd >= 0) {
        ElfW(auxv_t) a[64];
        long n = eg_raw_syscall(SYS_read, fd, (long)a, sizeof a, 0);
        eg_raw_syscall(SYS_close, fd, 0, 0, 0);
        for (long i = 0; n > 0 && i < n / (long)sizeof *a && a[i].a_type != AT_NULL; i++)
            if (a[i].a_type == AT_SECURE)
                return a[i].a_un.a_val != 0;
    }
    return getuid() != geteuid() || getgid() != getegid();
}

/* AT_SECURE from the auxiliary vector, which follows envp on the stack the
 * kernel built (as it does when envp is argv's continuation: not when we
 * were dlopen'ed after a setenv). */
static int secure_from(int argc, char **argv, char **envp)
{
    if (!argv || envp != argv + argc + 1)
        return secure_from_proc();
    char **e = envp;
    while (*e)
        e++;
    for (const ElfW(auxv_t) *a = (const ElfW(auxv_t) *)(e + 1); a->a_type != AT_NULL; a++)
        if (a->a_type == AT_SECURE)
            return a->a_un.a_val != 0;
    return 0;
}

/* The length of an "LD_PRELOAD=..." variable, found in the pass that also
 * tells whether one of its entries is relative to the directory the
 * process started in (the loader's name for us is then relative to it,
 * and the program may chdir before we look, find_self). */
static size_t preload_entry_len(const char *entry, int *relative)
{
    const char *p = entry + (sizeof PRELOAD - 1);
    *relative = 0;
    while (*p) {
        int this_one;
        p += entry_len(p, &this_one);
        *relative |= this_one;
        p += *p != 0;
    }
    return (size_t)(p - entry);
}

/* At start only what may be gone later: the program may change or scrub
 * its environment, overwrite the strings, and chdir.  Which library we
 * are, and whether LD_PRELOAD names us, waits for the first child (a
 * process that starts none never asks); the loops are ours, not libc's
 * string calls: each was one more lazy binding in every process (some
 * 700 instructions, callgrind). */
void eg_exec_note_start_env(int argc, char **argv, char **envp)
{
    const char *preload = 0, *options = 0;
    for (char **e = envp; e && *e; e++) {
        if (**e == 'L' && starts_with(*e, PRELOAD))
            preload = *e; /* the last one: the one ld.so used */
        else if (**e == 'E' && !options && starts_with(*e, OPTIONS))
            options = *e; /* the first one: the one getenv reads */
    }
    int relative = 0;
    if (preload)
        start_preload = eg_keep(preload, preload_entry_len(preload, &relative), preload_long,
                                sizeof preload_long);
    if (options)
        start_options = eg_keep(options, eg_text_len(options), options_long, sizeof options_long);
    if (relative && !getcwd(start_dir, sizeof start_dir))
        start_dir[0] = 0;
    start_secure = secure_from(argc, argv, envp);
    start_env_noted = 1;
}

/* _dl_find_object, not dladdr: a tenth of the cost.  An absolute name is
 * the loader's own; a relative one is joined to the start's directory
 * (not realpath: the name need not be canonical, only absolute, and
 * realpath was one more GLIBC version for the loader to check). */
static void find_self(void)
{
    struct dl_find_object obj;
    const char *name = _dl_find_object((void *)find_self, &obj) == 0 && obj.dlfo_link_map
                           ? obj.dlfo_link_map->l_name
                           : 0;
    if (!name || !name[0] || strlen(name) >= PATH_MAX)
        return;
    if (name[0] == '/') {
        self_path = name;
    } else if (start_dir[0] && strlen(start_dir) + strlen(name) + 2 <= sizeof self_real) {
        strcpy(self_real, start_dir);
        strcat(self_real, "/");
        strcat(self_real, name);
        self_path = self_real;
    } else {
        return;
    }
    const char *slash = strrchr(name, '/');
    self_base = slash ? slash + 1 : name;
}

/* The LD_PRELOAD a child whose environment lost it gets back, when the
 * start's had relative entries: each joined to the start's directory,
 * for the child may be started from any other (the loader would not find
 * them, and say so on its stderr).  Kept beside the start's strings
 * (kept.h; a buffer of its own moved the statics a forked child touches
 * onto more pages); relative, as it was, if it does not fit there. */
EG_FORK_STATE static const char *preload_absolute;
static void put_back_absolute(void)
{
    char buf[1024];
    size_t n = 0, dir = strlen(start_dir), room = sizeof buf - 1;
    const char *p = start_preload;
    for (; *p && p < start_preload + (sizeof PRELOAD - 1); p++)
        buf[n++] = *p;
    while (*p) {
        int relative;
        size_t len = entry_len(p, &relative);
        if (n + (relative ? dir + 1 : 0) + len + 1 > room)
            return;
        if (relative) {
            memcpy(buf + n, start_dir, dir);
            n += dir;
            buf[n++] = '/';
        }
        memcpy(buf + n, p, len);
        n += len;
        p += len;
        if (*p)
            buf[n++] = *p++; /* the separator */
    }
    preload_absolute = eg_keep(buf, n, 0, 0);
}

EG_HOT_TEXT void eg_exec_prepare_children(void)
{
    int expected = SELF_UNKNOWN;
    if (atomic_load_explicit(&self_state, memory_order_acquire) >= SELF_NOT_OURS)
        return;
    if (atomic_compare_exchange_strong(&self_state, &expected, SELF_FINDING)) {
        int saved = errno; /* a child of ours asks once, a no-op after */
        find_self();
        /* Without us in it (exitguard linked, or preloaded another way),
         * the program's LD_PRELOAD is none of our business. */
        int ours = start_preload && self_path &&
                   preload_names_us(start_preload + (sizeof PRELOAD - 1),
                                    start_dir[0] ? start_dir : 0);
        if (ours && start_dir[0])
            put_back_absolute();
        atomic_store_explicit(&self_state, ours ? SELF_OURS : SELF_NOT_OURS,
                              memory_order_release);
        errno = saved;
        return;
    }
    /* another thread is finding it (or was, when a fork no handler of ours
     * saw copied it here half way: then not for long) */
    for (int spins = 0; spins < 1000 && atomic_load(&self_state) == SELF_FINDING; spins++)
        sched_yield();
}

int eg_exec_start_options(const char **text)
{
    /* what secure_getenv says: a set-user-ID program ignores them */
    *text = start_options && !start_secure ? start_options + (sizeof OPTIONS - 1) : 0;
    return start_env_noted;
}

int eg_exec_secure(void)
{
    return start_env_noted ? start_secure : secure_from_proc();
}

/* ---- memory without malloc ---- */

static void *scratch_get(struct eg_scratch *s, size_t bytes)
{
    s->map = 0;
    if (bytes <= sizeof s->small)
        return s->small;
    void *p = mmap(0, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 0;
    /* a vfork child maps into its parent, and a successful exec never
     * returns to unmap: the parent does (vfork.c) */
    if (eg_vfork.in_child && !eg_vfork_child_mapped(p, bytes)) {
        munmap(p, bytes);
        return 0;
    }
    s->map = eg_vfork.in_child ? 0 : p;
    s->len = bytes;
    return p;
}

/* After a failed exec: errno stays the real call's. */
void eg_scratch_put(struct eg_scratch *s)
{
    if (s->map) {
        int saved = errno;
        munmap(s->map, s->len);
        errno = saved;
    }
}

/* ---- the environment of the new program ---- */

/* envp with LD_PRELOAD and EXITGUARD_OPTIONS put back where they are
 * missing (or LD_PRELOAD lacks us: we go first, as the exitguard command
 * puts us); everything else, order included, as the program passed it.
 * Returns envp itself when nothing is missing, or when no memory. */
EG_HOT_TEXT char *const *eg_exec_env(struct eg_scratch *s, char *const envp[])
{
    s->map = 0; /* nothing to unmap unless scratch_get maps */
    int n = 0, preload_at = -1, has_options = 0;
    for (; envp && envp[n]; n++) {
        if (starts_with(envp[n], PRELOAD))
            preload_at = n;
        else if (starts_with(envp[n], OPTIONS))
            has_options = 1;
    }
    eg_exec_prepare_children(); /* done already, unless no child was made before */
    int ours = atomic_load_explicit(&self_state, memory_order_acquire) == SELF_OURS;
    int add_preload = ours && preload_at < 0;
    int extend_preload = ours && preload_at >= 0 &&
                         !preload_names_us(envp[preload_at] + (sizeof PRELOAD - 1), 0);
    int add_options = start_options && !has_options;
    if (!add_preload && !extend_preload && !add_options)
        return envp;

    size_t array = (size_t)(n + 3) * sizeof(char *);
    size_t extended = extend_preload ? strlen(self_path) + strlen(envp[preload_at]) + 2 : 0;
    char **out = scratch_get(s, array + extended);
    if (!out)
        return envp; /* the new program runs without us; nothing breaks */
    int m = 0;
    for (int i = 0; i < n; i++)
        out[m++] = envp[i];
    if (extend_preload) {
        char *p = (char *)out + array;
        strcpy(p, PRELOAD);
        strcat(p, self_path);
        const char *theirs = envp[preload_at] + (sizeof PRELOAD - 1);
        if (*theirs) {
            strcat(p, ":");
            strcat(p, theirs);
        }
        out[preload_at] = p;
    }
    if (add_preload)
        out[m++] = (char *)(preload_absolute ? preload_absolute : start_preload);
    if (add_options)
        out[m++] = (char *)start_options;
    out[m] = 0;
    return out;
}

/* ---- the report ---- */

/* What exec checks first: a regular file we may execute (effective ids).
 * `known`: what an fstat of the file said already, or NULL. */
static int runnable(int dirfd, const char *path, int at_flags, const struct stat *known)
{
    struct stat st;
    if (!known && eg_sys_fstatat(dirfd, path, &st, at_flags) == 0)
        known = &st;
    if (!known || !S_ISREG(known->st_mode))
        return 0;
    long ok = syscall(SYS_faccessat2, dirfd, path, X_OK, at_flags | AT_EACCESS);
    /* before Linux 5.8, with the real ids, not the effective: only a
     * set-user-ID caller can tell (glibc's emulation is GLIBC_2.4, one
     * version more for the loader to check in every process) */
    return ok == 0 ||
           (ok < 0 && errno == ENOSYS && syscall(SYS_faccessat, dirfd, path, X_OK) == 0);
}

/* Reports the fds crossing into `shown` if `path` (relative to dirfd) can
 * be executed; a failing exec goes on with nothing reported. */
/* The report needs some 30 KiB of stack, more than a thread started with
 * a small one has left: a vfork child of such a thread reports on a stack
 * of its own, mapped in its parent's memory and unmapped before the exec
 * (the main thread's stack is the process's: room enough, no syscalls). */
enum { REPORT_STACK = 128 << 10 };

void eg_call_on_stack(void (*fn)(void *), void *arg, void *top); /* vfork_x86_64.S */

static void on_own_stack(void (*fn)(void *), void *arg)
{
#ifndef __x86_64__
    fn(arg); /* no vfork child mode there: vfork is fork */
    return;
#endif
    char *stack = mmap(0, REPORT_STACK, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) {
        fn(arg);
        return;
    }
    eg_call_on_stack(fn, arg, stack + REPORT_STACK);
    munmap(stack, REPORT_STACK);
}

struct exec_call {
    int dirfd;
    const char *path;
    int at_flags;
    const char *shown;
    char *const *argv, *const *envp;
    struct eg_exec_file *file;
};

/* Whether the registry holds anything an exec report could show (an fd
 * that may cross, misuse) or the exec must note (the start of a new image
 * in a registry file of this process's own).  A shell's forked child
 * holds none of that: it then pays for the look at the file alone. */
EG_HOT_TEXT static int worth_a_report(void)
{
    return eg_registry_readable() && /* a borrowed one is read as is */
           (eg_report_exec_may_find() || (!eg_report_borrowed() && eg_region_is_file()));
}

EG_HOT_TEXT static void report_call(void *arg)
{
    const struct exec_call *c = arg;
    /* a process that acquired nothing hands nothing on by accident; a
     * program that cannot run under us is worth a report anyway.  Whether
     * the exec will succeed is asked only when there is a report to make */
    enum eg_unchecked unchecked = eg_exec_unchecked_keep(c->dirfd, c->path, c->at_flags, c->file);
    int readable = eg_registry_readable();
    if (unchecked == EG_UNCHECKED_NO && !worth_a_report())
        return; /* errno untouched: the look makes raw calls (raw_syscall.h) */
    int saved = errno;
    if (runnable(c->dirfd, c->path, c->at_flags, c->file->known ? &c->file->st : 0) &&
        (readable || (!eg_vfork.in_child && eg_ensure_init())))
        eg_report_exec(c->shown, c->argv, c->envp, unchecked);
    errno = saved;
}

EG_HOT_TEXT static void report_if_runnable(int dirfd, const char *path, int at_flags, const char *shown,
                               char *const argv[], char *const envp[], struct eg_exec_file *file)
{
    file->fd = -1;
    file->known = 0;
    struct exec_call call = {dirfd, path, at_flags, shown, argv, envp, file};
    /* a vfork child runs with the flag raised (vfork.c) and reports from
     * its parent's registry as it is, on a stack of its own (a small
     * thread's may not hold the report) */
    if (eg_vfork.in_child) {
        int saved = errno;
        if (eg_thread_started_by_us())
            on_own_stack(report_call, &call);
        else
            report_call(&call);
        errno = saved;
    } else if (eg_enter()) {
        eg_exit_exec_begins(); /* one ending at a time (exit.h) */
        report_call(&call);
        eg_exit_exec_reported();
        eg_leave();
    }
}

/* The file execvp would run, found as glibc 2.36 searches: a name with a
 * slash is used as is; otherwise each PATH entry in turn ("/bin:/usr/bin"
 * when PATH is unset, an empty entry is the current directory), going on
 * past files that are missing or not executable.  NULL if none. */
const char *eg_exec_search(const char *file, char *buf, size_t size)
{
    if (strchr(file, '/'))
        return file;
    if (!*file || strlen(file) > NAME_MAX)
        return 0;
    const char *path = getenv("PATH");
    if (!path)
        path = "/bin:/usr/bin";
    for (const char *p = path;; p++) {
        size_t len = strcspn(p, ":");
        if (len + strlen(file) + 2 <= size) {
            memcpy(buf, p, len);
            buf[len] = '/';
            strcpy(buf + len + (len > 0), file);
            if (runnable(AT_FDCWD, buf, 0, 0))
                return buf;
        }
        p += len;
        if (!*p)
            return 0;
    }
}

/* ---- the calls, each turned into execve or execvpe as glibc does ---- */

/* What a failed exec returns, once the report it made is withdrawn and
 * the file the look kept open is closed. */
static int exec_failed(int ret, struct eg_exec_file *file)
{
    eg_exec_file_close(file);
    if (ret < 0) {
        int saved = errno;
        eg_report_exec_failed();
        errno = saved;
    }
    return ret;
}

/* The scratch for the environment in a frame of its own, entered after
 * the look at the file: in the caller's frame it pushed the look 2 KB
 * deeper, onto a page of stack a shell's forked child faulted in for it. */
EG_HOT_TEXT __attribute__((noinline)) static int execve_restoring_env(const char *path, char *const argv[],
                                                          char *const envp[])
{
    struct eg_scratch s;
    int ret = (eg_real.execve ? eg_real.execve : REAL(execve))(path, argv, eg_exec_env(&s, envp));
    eg_scratch_put(&s);
    return ret;
}

EG_HOT_TEXT static int exec_path(const char *path, char *const argv[], char *const envp[])
{
    struct eg_exec_file file;
    report_if_runnable(AT_FDCWD, path, 0, path, argv, envp, &file);
    return exec_failed(execve_restoring_env(path, argv, envp), &file);
}

static int exec_search(const char *file, char *const argv[], char *const envp[])
{
    char found[PATH_MAX + NAME_MAX + 2];
    int saved = errno;
    const char *path = eg_exec_search(file, found, sizeof found);
    errno = saved;
    struct eg_exec_file kept = {.fd = -1};
    if (path)
        report_if_runnable(AT_FDCWD, path, 0, path, argv, envp, &kept);
    struct eg_scratch s;
    int ret = REAL(execvpe)(file, argv, eg_exec_env(&s, envp));
    eg_scratch_put(&s);
    return exec_failed(ret, &kept);
}

EG_HOT_TEXT EG_EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
    return exec_path(path, argv, envp);
}

EG_HOT_TEXT EG_EXPORT int execv(const char *path, char *const argv[])
{
    return exec_path(path, argv, environ);
}

EG_EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
    return exec_search(file, argv, envp);
}

EG_EXPORT int execvp(const char *file, char *const argv[])
{
    return exec_search(file, argv, environ);
}

EG_EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
    if (!envp) /* glibc refuses it (EINVAL): nothing to report or fix */
        return REAL(fexecve)(fd, argv, envp);
    char shown[PATH_MAX];
    struct eg_exec_file file;
    report_if_runnable(fd, "", AT_EMPTY_PATH, eg_fd_target(fd, shown, sizeof shown), argv,
                       envp, &file);
    struct eg_scratch s;
    int ret = REAL(fexecve)(fd, argv, eg_exec_env(&s, envp));
    eg_scratch_put(&s);
    return exec_failed(ret, &file);
}

EG_EXPORT int execveat(int dirfd, const char *path, char *const argv[], char *const envp[],
                       int flags)
{
    /* the report names the file: dirfd's path joined with a relative one */
    char shown[PATH_MAX + NAME_MAX + 2];
    const char *name = path;
    if (path[0] != '/' && dirfd != AT_FDCWD) {
        eg_fd_target(dirfd, shown, sizeof shown);
        if (path[0] && strlen(shown) + strlen(path) + 2 <= sizeof shown) {
            strcat(shown, "/");
            strcat(shown, path);
        }
        name = shown;
    }
    struct eg_exec_file file;
    report_if_runnable(dirfd, path, flags & (AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW), name, argv,
                       envp, &file);
    struct eg_scratch s;
    int ret = REAL(execveat)(dirfd, path, argv, eg_exec_env(&s, envp), flags);
    eg_scratch_put(&s);
    return exec_failed(ret, &file);
}

/* The list variants: arg0, ..., NULL collected into an argv; with `tail`,
 * the envp after the NULL too (execle).  Counted first, then copied, into
 * the stack or, for a long list, a mapping.  NULL with errno on failure. */
static char **collect_args(struct eg_scratch *s, const char *arg0, va_list ap, char ***tail)
{
    va_list count;
    va_copy(count, ap);
    size_t n = 1;
    while (va_arg(count, char *))
        n++;
    va_end(count);
    char **argv = scratch_get(s, (n + 1) * sizeof(char *));
    if (!argv) {
        errno = E2BIG;
        return 0;
    }
    argv[0] = (char *)arg0;
    for (size_t i = 1; i <= n; i++)
        argv[i] = va_arg(ap, char *); /* the last one read is the NULL */
    if (tail)
        *tail = va_arg(ap, char **);
    return argv;
}

#define EXEC_LIST(call, tail)                                                  \
    ({                                                                         \
        struct eg_scratch s_;                                                     \
        va_list ap_;                                                           \
        va_start(ap_, arg);                                                    \
        char **argv = collect_args(&s_, arg, ap_, tail);                       \
        va_end(ap_);                                                           \
        int ret_ = argv ? (call) : -1;                                         \
        if (argv)                                                              \
            eg_scratch_put(&s_);                                                  \
        ret_;                                                                  \
    })

EG_EXPORT int execl(const char *path, const char *arg, ...)
{
    return EXEC_LIST(exec_path(path, argv, environ), 0);
}

EG_EXPORT int execlp(const char *file, const char *arg, ...)
{
    return EXEC_LIST(exec_search(file, argv, environ), 0);
}

EG_EXPORT int execle(const char *path, const char *arg, ...)
{
    char **envp;
    return EXEC_LIST(exec_path(path, argv, envp), &envp);
}
