/* The registry region: anonymous memory, or -- when reports go to log_dir as
 * JSON -- a MAP_SHARED mapping of DIR/<pid>.registry, so that the exitguard
 * command can read what a process held after it died without its report.
 * The file's life cycle (docs/formats.md, "Registry file"):
 *   first acquisition (init.c): created O_EXCL|O_NOFOLLOW 0600, sized
 *              (sparse), mapped, the fd closed at once: exitguard keeps no
 *              fd open;
 *   fork       the child borrows the parent's file (reads, never writes)
 *              until its own first acquisition; then it copies what the
 *              parent's file holds into a file of its own, mapped over the
 *              parent's at the same address (the finalizer handles the
 *              program holds are pointers into it);
 *   exec       the old image notes the process's start time in the header;
 *              the new image, finding a file of its pid with that start time,
 *              removes it and makes its own -- or, if it never acquires
 *              anything, removes it at its end (the exec may fail: until the
 *              new image runs, the old one still needs its file);
 *   final report written (a file, or the record line): the file is removed.
 * A file left behind therefore belongs to a process still running or one
 * that died without its report.  A file of the same pid from another,
 * earlier process (pids are reused) is left alone for the command's
 * post-mortem: the new process takes <pid>.<n>.registry instead. */
#define _GNU_SOURCE
#include "region.h"
#include "real.h"
#include "region_file.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <linux/futex.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "errno_text.h"
#include "fork_state.h"
#include "options.h"
#include "raw_syscall.h"
#include "self_exe.h"
#include "text.h"
#include "writer.h"

/* read by every process as it ends, written by a forked child: fork_state.h */
EG_FORK_STATE struct eg_region *eg_region;

/* The names in one block, found by offset: an array of pointers was 69
 * relocations for the loader in every process. */
static const struct {
#define EG_VIA(name) char name[sizeof #name];
#include "vias.def"
#undef EG_VIA
} via_text = {
#define EG_VIA(name) #name,
#include "vias.def"
#undef EG_VIA
};
static const uint16_t via_at[EG_VIA_COUNT] = {
#define EG_VIA(name) offsetof(__typeof__(via_text), name),
#include "vias.def"
#undef EG_VIA
};

const char *eg_via_name(unsigned via)
{
    return (const char *)&via_text + via_at[via < EG_VIA_COUNT ? via : 0];
}

/* The registry file while the region is one ("" otherwise): its absolute
 * path, where its directory ends in it, and its identity (a forked child
 * reopens it by name to find which parts hold data). */
static char file_path[EG_PATH_MAX + 64];
static size_t dir_len;
static dev_t file_dev;
static ino_t file_ino;

enum { NAME_TRIES = 64 };

/* Raw system calls: the interposers must not record exitguard's own fd, and
 * a forked child of a threaded program may only make async-signal-safe
 * calls. */
static int sys_open(const char *path, int flags)
{
    return (int)syscall(SYS_openat, AT_FDCWD, path, flags, 0600);
}
static void sys_unlink(const char *path) { syscall(SYS_unlinkat, AT_FDCWD, path, 0); }
/* Made in place, a failure as -errno: what every process under the command
 * runs (the look at the start, the start time), where syscall() was one
 * more lazy binding (some 800 instructions, callgrind); and every close,
 * whose result nobody reads and which now leaves errno alone. */
static int raw_open(const char *path, int flags)
{
    return (int)eg_raw_syscall(SYS_openat, AT_FDCWD, (long)path, flags, 0600);
}
static void sys_close(int fd) { eg_raw_syscall(SYS_close, fd, 0, 0, 0); }

/* One line: the file, why, and what it means for this process. */
static void warn_file(const char *what, const char *path, int error)
{
    char why[160], b[24];
    strcpy(why, eg_errno_text(error, b));
    strcat(why, "; no post-mortem if this process dies without its report");
    eg_warn(what, path, "': ", why);
}

/* path (sizeof file_path bytes) := log_dir made absolute, and '/'; returns
 * the directory's length, 0 if it does not fit.  The looks for an earlier
 * image's file name it on the stack: file_path's page of .bss was a fault in
 * every process under the command. */
EG_HOT_TEXT static size_t dir_into(char *path)
{
    const char *dir = eg_options.log_dir;
    size_t len = eg_text_len(dir), at = 0;
    if (dir[0] != '/') { /* the program may chdir: the path must not move */
        if (!getcwd(path, sizeof file_path - 64))
            return 0;
        at = eg_text_len(path);
        path[at++] = '/';
    }
    if (at + len + 48 >= sizeof file_path)
        return 0;
    memcpy(path + at, dir, len);
    path[at + len] = '/';
    return at + len;
}

static int set_dir(void) { return (dir_len = dir_into(file_path)) != 0; }

/* DIR/<pid>.registry, or DIR/<pid>.<n>.registry, in a path dir_into made. */
EG_HOT_TEXT static void name_into(char *path, size_t dir, int pid, int n)
{
    char *end = eg_text_u64(path + dir + 1, (uint64_t)pid);
    if (n) {
        *end++ = '.';
        end = eg_text_u64(end, (uint64_t)n);
    }
    memcpy(end, ".registry", sizeof ".registry");
}

static void name_file(int pid, int n) { name_into(file_path, dir_len, pid, n); }

/* This process's start time in clock ticks since boot (/proc/self/stat
 * field 22): with the pid, it names a process across its execs; 0 if
 * unknown. */
EG_HOT_TEXT uint64_t eg_start_time(void)
{
    char buf[1024];
    int fd = raw_open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    long n = eg_raw_syscall(SYS_read, fd, (long)buf, sizeof buf - 1, 0); /* no libc page */
    sys_close(fd);
    if (n <= 0)
        return 0;
    char *p = buf + n; /* the last ')': the command name may hold anything */
    while (p > buf && *--p != ')')
        ;
    if (*p != ')')
        return 0;
    buf[n] = 0;
    for (int field = 2; field < 22 && *p; p++)
        field += *p == ' ';
    uint64_t t = 0;
    while (*p >= '0' && *p <= '9')
        t = t * 10 + (uint64_t)(*p++ - '0');
    return t;
}

static int read_at(int fd, void *to, size_t len, size_t at)
{
    return pread(fd, to, len, (off_t)at) == (ssize_t)len;
}

/* The file at `path` is this very process's registry from before its
 * exec: same pid, and the start time the old image noted at exec.  1 or 0;
 * -errno if there is no file to look at. */
EG_HOT_TEXT static int is_old_image(const char *path, int pid)
{
    int fd = raw_open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return fd;
    struct stat st;
    uint32_t magic = 0, version = 0;
    int32_t owner = 0;
    uint64_t started = 0;
    int ok = eg_fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
             read_at(fd, &magic, sizeof magic, offsetof(struct eg_region, magic)) &&
             read_at(fd, &version, sizeof version, offsetof(struct eg_region, version)) &&
             read_at(fd, &owner, sizeof owner, offsetof(struct eg_region, pid)) &&
             read_at(fd, &started, sizeof started, offsetof(struct eg_region, exec_start));
    sys_close(fd);
    return ok && magic == EG_REGION_MAGIC && version == EG_REGION_VERSION && owner == pid &&
           started && started == eg_start_time();
}

/* path (a directory dir_into made) := this process's registry from before
 * its exec, if there is one (1); 0 if none. */
EG_HOT_TEXT static int old_image_in(char *path, size_t dir, int pid)
{
    for (int n = 0; n < NAME_TRIES; n++) {
        name_into(path, dir, pid, n);
        int old = is_old_image(path, pid);
        if (old > 0)
            return 1;
        if (old == -ENOENT)
            return 0; /* names are taken in order: none further */
    }
    return 0;
}

static int predecessor = -1;
/* The look at the start found no file of an image before this one: the
 * end need not look again (each look a getpid and an openat, in every
 * process under the command).  Inherited by a forked child, which had no
 * image before it either. */
EG_FORK_STATE static int no_predecessor;

int eg_region_take_predecessor(void)
{
    int fd = predecessor;
    predecessor = -1;
    return fd;
}

EG_HOT_TEXT int eg_region_open_predecessor(int pid)
{
    int fd = -1;
    char path[sizeof file_path];
    size_t dir;
    if (!eg_options.log_dir[0] ||
        (eg_options.report != EG_REPORT_AUTO && eg_options.report != EG_REPORT_JSON) ||
        !(dir = dir_into(path)))
        return -1;
    int ours = !pid;
    if (!pid)
        pid = (int)eg_raw_syscall(SYS_getpid, 0, 0, 0, 0);
    int old = old_image_in(path, dir, pid);
    if (old)
        fd = sys_open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (ours && !old)
        no_predecessor = 1;
    return fd;
}

void eg_region_close(int fd) { sys_close(fd); }

/* A new registry file for `pid`, sized; its fd, or -1 with errno (and
 * file_path naming the file that could not be made). */
static int create_file(int pid)
{
    int took_over = 0;
    for (int n = 0; n < NAME_TRIES; n++) {
        name_file(pid, n);
        int fd = sys_open(file_path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0) {
            struct stat st;
            if (ftruncate(fd, EG_REGION_SIZE) == 0 && eg_fstat(fd, &st) == 0) {
                file_dev = st.st_dev;
                file_ino = st.st_ino;
                return fd;
            }
            int error = errno;
            sys_close(fd);
            sys_unlink(file_path);
            errno = error;
            return -1;
        }
        if (errno != EEXIST)
            return -1;
        if (!took_over && is_old_image(file_path, pid) > 0) {
            /* what it still holds that outlives it (temp files) is read
             * from here once this image's registry is made */
            if (predecessor < 0)
                predecessor = sys_open(file_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
            sys_unlink(file_path); /* ours, before exec: this image takes the name */
            took_over = 1;
            n--;
        }
        /* else another process's, dead without its report: keep it */
    }
    name_file(pid, 0);
    errno = EEXIST;
    return -1;
}

static void *map_file(void)
{
    if (!set_dir()) {
        warn_file("cannot create registry file in log_dir '", eg_options.log_dir,
                  ENAMETOOLONG);
        return MAP_FAILED;
    }
    int fd = create_file((int)syscall(SYS_getpid));
    if (fd < 0) {
        warn_file("cannot create registry file '", file_path, errno);
        file_path[0] = 0;
        return MAP_FAILED;
    }
    void *p = mmap(0, EG_REGION_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0);
    int error = errno;
    sys_close(fd);
    if (p == MAP_FAILED) {
        sys_unlink(file_path);
        warn_file("cannot map registry file '", file_path, error);
        file_path[0] = 0;
    }
    return p;
}

_Static_assert((EG_REGION_FIRST_CHILD + sizeof(struct eg_child) - 1) / 4096 ==
                   offsetof(struct eg_region, seq) / 4096,
               "the first child record shares the page of seq (region.h)");

struct eg_region *eg_region_create(void)
{
    void *p = MAP_FAILED;
    /* a file only where a report is expected there at the end: the
     * command reads a file left behind as "died without its report" */
    if (eg_options.log_dir[0] &&
        (eg_options.report == EG_REPORT_AUTO || eg_options.report == EG_REPORT_JSON))
        p = map_file();
    if (p == MAP_FAILED)
        p = mmap(0, EG_REGION_SIZE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return 0;
    /* where transparent huge pages are "always", the first write would
     * fault in and zero 2 MiB in every process */
    madvise(p, EG_REGION_SIZE, MADV_NOHUGEPAGE);
    struct eg_region *r = p;
    r->magic = EG_REGION_MAGIC;
    r->version = EG_REGION_VERSION;
    r->size = EG_REGION_SIZE;
    /* the first child record, then what follows from a page boundary */
    atomic_init(&r->used, (EG_REGION_FIRST_CHILD + sizeof(struct eg_child) + 4095) &
                              ~(uint64_t)4095);
    return r;
}

/* ---- fork ---- */

static int write_range(int fd, uint64_t at, uint64_t len)
{
    const char *from = (const char *)eg_region + at;
    while (len) {
        ssize_t n = pwrite(fd, from, len, (off_t)at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0;
        from += n;
        at += (uint64_t)n;
        len -= (uint64_t)n;
    }
    return 1;
}

static int page_is_zero(const char *p)
{
    for (unsigned i = 0; i < 4096 / sizeof(uint64_t); i++)
        if (((const uint64_t *)p)[i])
            return 0;
    return 1;
}

/* Copies [0, used) of the region into `to`, only the parts that hold data:
 * reading a never-written page of a shared file mapping would give the
 * parent's file that page (tmpfs allocates it), and writing it would give
 * the child's.  The parent's file, reopened by name, says where its data
 * is (SEEK_DATA); if the parent has already removed it, the pages that are
 * not all zero are copied. */
static int copy_used(int to, const char *parent, dev_t dev, ino_t ino, uint64_t used)
{
    int from = sys_open(parent, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (from >= 0 && eg_fstat(from, &st) == 0 && st.st_dev == dev && st.st_ino == ino) {
        int ok = 1;
        for (off_t at = 0; ok && (uint64_t)at < used;) {
            off_t data = lseek(from, at, SEEK_DATA);
            if (data < 0 || (uint64_t)data >= used)
                break; /* ENXIO: no data past `at` */
            off_t hole = lseek(from, data, SEEK_HOLE);
            if (hole < 0 || (uint64_t)hole > used)
                hole = (off_t)used;
            ok = write_range(to, (uint64_t)data, (uint64_t)(hole - data));
            at = hole;
        }
        sys_close(from);
        return ok;
    }
    if (from >= 0)
        sys_close(from);
    for (uint64_t at = 0; at < used; at += 4096)
        if (!page_is_zero((const char *)eg_region + at) &&
            !write_range(to, at, used - at < 4096 ? used - at : 4096))
            return 0;
    return 1;
}

/* No file for the child: a private copy in anonymous memory, moved over
 * the shared mapping, so that the child at least stops writing into its
 * parent's registry. */
static void go_private(uint64_t used)
{
    void *copy = mmap(0, EG_REGION_SIZE, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (copy == MAP_FAILED)
        return;
    for (uint64_t at = 0; at < used; at += 4096)
        if (!page_is_zero((const char *)eg_region + at))
            memcpy((char *)copy + at, (const char *)eg_region + at,
                   used - at < 4096 ? used - at : 4096);
    if (mremap(copy, EG_REGION_SIZE, EG_REGION_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED,
               eg_region) == MAP_FAILED)
        munmap(copy, EG_REGION_SIZE);
}

EG_FORK_STATE int eg_region_borrowed;
EG_FORK_STATE uint64_t eg_fork_seq = UINT64_MAX;
/* Noted before a fork for the child to adopt: the parent's own eg_fork_seq
 * (from its own fork) must not change.  Per thread: glibc runs the prepare
 * handlers of concurrent forks concurrently, and each child goes on in the
 * thread that forked it (ThreadSanitizer, tests/tsan). */
static __thread uint64_t seq_at_fork = UINT64_MAX;

/* A parent that still borrows its own parent's registry has nothing of
 * its own in it: its child's fork point is its own. */
uint64_t eg_region_seq_now(void)
{
    if (!eg_region)
        return UINT64_MAX;
    return eg_region_borrowed ? eg_fork_seq
                              : atomic_load_explicit(&eg_region->seq, memory_order_acquire);
}

void eg_region_fork_prepare(void)
{
    seq_at_fork = eg_region_seq_now();
}

EG_HOT_TEXT int eg_region_forked(void)
{
    eg_fork_seq = seq_at_fork;
    if (eg_region)
        eg_region_borrowed = 1;
    return eg_region_borrowed;
}

void eg_region_own_copy(void)
{
    if (!eg_region_borrowed)
        return;
    eg_region_borrowed = 0;
    if (!file_path[0])
        return; /* anonymous: fork made the copy already */
    char parent[sizeof file_path];
    strcpy(parent, file_path);
    dev_t dev = file_dev;
    ino_t ino = file_ino;
    uint64_t used = atomic_load_explicit(&eg_region->used, memory_order_relaxed);
    if (used > EG_REGION_SIZE)
        used = EG_REGION_SIZE; /* the region filled up */
    int fd = create_file((int)syscall(SYS_getpid));
    int error = errno;
    if (fd >= 0 && !copy_used(fd, parent, dev, ino, used)) {
        error = errno;
        sys_close(fd);
        sys_unlink(file_path);
        fd = -1;
    }
    if (fd >= 0) {
        void *p = mmap(eg_region, EG_REGION_SIZE, PROT_READ | PROT_WRITE,
                       MAP_SHARED | MAP_FIXED | MAP_NORESERVE, fd, 0);
        error = errno;
        sys_close(fd);
        if (p != MAP_FAILED) {
            atomic_store(&eg_region->reported, 0);
            atomic_store(&eg_region->exec_start, 0);
            return;
        }
        sys_unlink(file_path);
    }
    warn_file("cannot create registry file '", file_path, error);
    file_path[0] = 0;
    go_private(used);
}

/* ---- the end ---- */

void eg_region_reported(int exec, int written)
{
    if (!eg_region || !file_path[0])
        return;
    if (exec) {
        atomic_store(&eg_region->exec_start, eg_start_time());
        return;
    }
    /* not written (the document went to stderr instead): the file stays,
     * and the command reports the process from it */
    if (!written)
        return;
    atomic_store(&eg_region->reported, 1);
    sys_unlink(file_path);
    file_path[0] = 0;
}

void eg_region_exec_failed(void)
{
    if (eg_region && file_path[0])
        atomic_store(&eg_region->exec_start, 0);
}

EG_HOT_TEXT void eg_region_drop_predecessor(int pid)
{
    char path[sizeof file_path];
    size_t dir;
    if (!no_predecessor && (dir = dir_into(path)) && old_image_in(path, dir, pid))
        sys_unlink(path);
}

/* ---- modules ---- */

static int module_known(uint64_t pc)
{
    uint32_t off = atomic_load_explicit(&eg_region->modules, memory_order_acquire);
    while (off) {
        const struct eg_module *m = eg_at(off);
        if (pc >= m->start && pc < m->end)
            return 1;
        off = m->next;
    }
    return 0;
}

/* _dl_find_object is async-signal-safe (glibc >= 2.35): a stack may enter
 * the depot in a fatal-signal handler.  Two threads may note the same
 * module at once: a reader takes the first match, the copy is harmless. */
static void note_module(uint64_t pc)
{
    struct dl_find_object obj;
    if (_dl_find_object((void *)(uintptr_t)pc, &obj) != 0 || !obj.dlfo_link_map)
        return;
    const char *name = obj.dlfo_link_map->l_name[0] ? obj.dlfo_link_map->l_name : eg_self_exe();
    size_t len = strlen(name);
    uint64_t off = eg_region_alloc(sizeof(struct eg_module) + len + 1);
    if (!off)
        return;
    struct eg_module *m = eg_at(off);
    m->start = (uintptr_t)obj.dlfo_map_start;
    m->end = (uintptr_t)obj.dlfo_map_end;
    m->bias = obj.dlfo_link_map->l_addr;
    m->name_len = (uint32_t)len;
    memcpy(m->name, name, len + 1);
    eg_list_push(&eg_region->modules, &m->next, (uint32_t)off);
}

EG_HOT_TEXT int eg_region_is_file(void)
{
    return file_path[0] != 0;
}

void eg_region_note_modules(const uint64_t *pcs, unsigned depth)
{
    if (!eg_region || !file_path[0])
        return;
    for (unsigned i = 0; i < depth; i++)
        if (!module_known(pcs[i]))
            note_module(pcs[i]);
}

/* ---- allocation ---- */

uint64_t eg_region_alloc(uint64_t bytes)
{
    bytes = (bytes + 15) & ~(uint64_t)15;
    uint64_t at = atomic_fetch_add_explicit(&eg_region->used, bytes,
                                            memory_order_relaxed);
    if (at + bytes > eg_region->size)
        return 0; /* leave `used` past the end: every later call fails too */
    return at;
}

uint64_t eg_next_seq(void)
{
    return atomic_fetch_add_explicit(&eg_region->seq, 1, memory_order_relaxed) + 1;
}

void eg_list_push(_Atomic uint32_t *head, uint32_t *link, uint32_t off)
{
    uint32_t old = atomic_load_explicit(head, memory_order_relaxed);
    do
        *link = old; /* the record is not published yet: a plain store */
    while (!atomic_compare_exchange_weak_explicit(head, &old, off, memory_order_release,
                                                  memory_order_relaxed));
}
