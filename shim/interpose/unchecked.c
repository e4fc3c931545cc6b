/* Whether a program about to be executed can run under exitguard.
 *
 * Two kinds cannot, and run normally without it:
 * - a statically linked program: no dynamic loader, so nothing reads
 *   LD_PRELOAD.  It is an ELF file without a PT_INTERP program header.
 * - a privileged one: when the exec changes the effective user or group
 *   (set-user-ID / set-group-ID bit, owned by someone else, on a mount
 *   without nosuid, no_new_privs unset) or grants file capabilities, the
 *   kernel sets AT_SECURE and ld.so preloads only libraries without a
 *   slash in their name, from the trusted directories, that are themselves
 *   set-user-ID -- not us.
 *
 * Called in every exec and posix_spawn wrapper: one open, one fstat, one
 * pread of the headers (never a mapping of the file), one getxattr; and
 * for an exec, no close unless the exec fails (the fd is close-on-exec).
 * A program the process tree has looked at before: one stat
 * (verdicts.h). */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "exec.h"
#include "fork_state.h"
#include "verdicts.h"
#include "real.h"

enum { PHDRS_MAX = 64 };

/* The header and, where linkers put them (right after it), the program
 * headers: one pread for both.  The program headers in chunks of CHUNK: a
 * buffer for all PHDRS_MAX of them took a page of stack, which a shell's
 * forked child faulted in for this alone before each exec. */
enum { CHUNK = 16 };
static int is_static_elf(int fd)
{
    union {
        Elf64_Ehdr eh;
        Elf64_Phdr ph[CHUNK + 2]; /* room for the header before them */
    } u;
    ssize_t got = eg_sys_pread(fd, &u, sizeof u, 0);
    Elf64_Ehdr eh = u.eh;
    if (got < 0)
        return -1; /* not known */
    if (got < (ssize_t)sizeof eh || eh.e_ident[EI_MAG0] != ELFMAG0 ||
        eh.e_ident[EI_MAG1] != ELFMAG1 || eh.e_ident[EI_MAG2] != ELFMAG2 ||
        eh.e_ident[EI_MAG3] != ELFMAG3)
        return 0; /* a script, or not ours to judge: the kernel decides */
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(Elf64_Phdr) ||
        eh.e_phnum == 0 || eh.e_phnum > PHDRS_MAX)
        return 0; /* a 32-bit program would need its own build of us anyway */
    for (unsigned first = 0; first < eh.e_phnum; first += CHUNK) {
        unsigned n = eh.e_phnum - first < CHUNK ? eh.e_phnum - first : CHUNK;
        size_t want = n * sizeof(Elf64_Phdr);
        uint64_t at = eh.e_phoff + first * sizeof(Elf64_Phdr);
        const Elf64_Phdr *ph;
        if (at <= (uint64_t)got && want <= (uint64_t)got - at && at % sizeof(uint64_t) == 0)
            ph = (const Elf64_Phdr *)((const char *)&u + at);
        else if (eg_sys_pread(fd, u.ph, want, (long)at) == (ssize_t)want)
            ph = u.ph, got = 0; /* the buffer no longer holds the file's start */
        else
            return 0;
        for (unsigned i = 0; i < n; i++)
            if (ph[i].p_type == PT_INTERP)
                return 0;
    }
    return 1;
}

/* Not a literal: .rodata is a page a shell's forked child touches for
 * nothing else before it execs (the kernel reading the name faulted it
 * in); the fork-state page it has written already (fork_state.h). */
EG_FORK_STATE static char capability_xattr[] = "security.capability";

static int has_capabilities(int fd)
{
    return eg_sys_fgetxattr(fd, capability_xattr, 0, 0) > 0;
}

/* Whether the exec changes the effective ids. */
static int changes_ids(int fd, const struct stat *st)
{
    int changes_ids = ((st->st_mode & S_ISUID) && st->st_uid != getuid()) ||
                      ((st->st_mode & S_ISGID) && st->st_gid != getgid());
    if (changes_ids) {
        int saved = errno; /* the rest of the look leaves it alone */
        struct statvfs vfs;
        if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ||
            (fstatvfs(fd, &vfs) == 0 && (vfs.f_flag & ST_NOSUID)))
            changes_ids = 0; /* the bits are ignored */
        errno = saved;
    }
    return changes_ids;
}

/* Our own fds, opened and closed with raw syscalls: no interposer of ours
 * may take them for the program's, and errno stays as it was. */
static int open_at(int dirfd, const char *path, int flags)
{
    return (int)eg_raw_syscall(SYS_openat, dirfd, (long)path, flags, 0);
}

enum eg_unchecked eg_exec_unchecked(int dirfd, const char *path, int at_flags)
{
    struct eg_exec_file f;
    enum eg_unchecked verdict = eg_exec_unchecked_keep(dirfd, path, at_flags, &f);
    eg_exec_file_close(&f);
    return verdict;
}

void eg_exec_file_close(struct eg_exec_file *f)
{
    if (f->fd >= 0) {
        eg_raw_syscall(SYS_close, f->fd, 0, 0, 0);
        f->fd = -1;
    }
}

/* File capabilities make the loader run in secure mode, as set-user-ID does. */
EG_HOT_TEXT static enum eg_unchecked verdict_of(int facts)
{
    return facts & EG_FILE_CAPABILITIES ? EG_UNCHECKED_SETUID
           : facts & EG_FILE_STATIC     ? EG_UNCHECKED_STATIC
                                        : EG_UNCHECKED_NO;
}

static enum eg_unchecked look(int dirfd, const char *path, int at_flags, struct eg_exec_file *f)
{
    enum eg_unchecked verdict = EG_UNCHECKED_NO;
    /* O_NONBLOCK: the path may name a FIFO (the real exec fails at once
     * with EACCES; a plain open would block for ever) or a device */
    int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
                (at_flags & AT_SYMLINK_NOFOLLOW ? O_NOFOLLOW : 0);
    int fd;
    if ((at_flags & AT_EMPTY_PATH) && !*path) { /* fexecve, execveat on an fd */
        char link[40] = "/proc/self/fd/", digits[12];
        int n = 0;
        for (unsigned v = (unsigned)dirfd; n == 0 || v; v /= 10)
            digits[n++] = (char)('0' + v % 10);
        size_t at = strlen(link);
        while (n)
            link[at++] = digits[--n];
        link[at] = 0;
        fd = open_at(AT_FDCWD, link, flags & ~O_NOFOLLOW);
    } else {
        fd = open_at(dirfd, path, flags);
    }
    f->fd = fd;
    f->known = fd >= 0 && eg_sys_fstat(fd, &f->st) == 0;
    if (f->known && S_ISREG(f->st.st_mode)) {
        if (changes_ids(fd, &f->st))
            return EG_UNCHECKED_SETUID;
        int caps = has_capabilities(fd), elf = caps ? 0 : is_static_elf(fd);
        int facts = (caps ? EG_FILE_CAPABILITIES : 0) | (elf > 0 ? EG_FILE_STATIC : 0);
        if (elf >= 0)
            eg_verdicts_put(&f->st, facts);
        verdict = verdict_of(facts);
    }
    return verdict;
}

/* A program its tree has looked at already (verdicts.h): one stat for the
 * look, no fd.  Not a set-user-ID or set-group-ID one: its verdict is
 * also who runs it.  1 with the verdict when known. */
EG_HOT_TEXT static int known_before(int dirfd, const char *path, int at_flags, struct eg_exec_file *f,
                        enum eg_unchecked *verdict)
{
    if (!eg_verdicts_ready() || ((at_flags & AT_EMPTY_PATH) && !*path) ||
        eg_sys_fstatat(dirfd, path, &f->st, at_flags & AT_SYMLINK_NOFOLLOW) != 0 ||
        !S_ISREG(f->st.st_mode) || (f->st.st_mode & (S_ISUID | S_ISGID)))
        return 0;
    int facts = eg_verdicts_get(&f->st);
    if (facts < 0)
        return 0;
    f->fd = -1;
    f->known = 1;
    *verdict = verdict_of(facts);
    return 1;
}

EG_HOT_TEXT enum eg_unchecked eg_exec_unchecked_keep(int dirfd, const char *path, int at_flags,
                                         struct eg_exec_file *f)
{
    enum eg_unchecked verdict;
    if (known_before(dirfd, path, at_flags, f, &verdict))
        return verdict;
    return look(dirfd, path, at_flags, f);
}
