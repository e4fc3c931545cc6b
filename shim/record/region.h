/* The registry region: one mapping holding everything exitguard knows about
 * a process -- the fd table, the stack depot, the misuse log, argv.
 *
 * Only offsets from the start of the region are stored inside it, never
 * pointers, so that another process can read it from a file (the exitguard
 * command reading a SIGKILLed process's registry).  This layout is a file
 * format: bump EG_REGION_VERSION on any change. */
#ifndef EXITGUARD_REGION_H
#define EXITGUARD_REGION_H

#include <stdatomic.h>
#include <stdint.h>

enum {
    EG_REGION_MAGIC = 0x52474745, /* "EGGR" little-endian */
    EG_REGION_VERSION = 8,
    EG_REGION_SIZE = 128 << 20, /* reserved, touched lazily */
    EG_FD_CHUNK_BITS = 12,
    EG_FD_CHUNK = 1 << EG_FD_CHUNK_BITS,
    EG_FD_LIMIT = 1 << 20, /* the kernel's nr_open ceiling */
    EG_FD_CHUNKS = EG_FD_LIMIT / EG_FD_CHUNK,
    EG_DEPOT_BUCKETS = 1 << 12, /* 16 KiB: every page of it a fork copies */
    EG_MAX_FRAMES = 64,
    EG_MAX_ERRORS = 256,
    EG_ARGV_MAX = 4096,
    EG_FIN_BUCKETS = 1 << 14,
    EG_CHILD_ARGV = 512,
    EG_CHILD_SPARES = 16,
};

enum eg_via {
#define EG_VIA(name) EG_VIA_##name,
#include "vias.def"
#undef EG_VIA
    EG_VIA_COUNT
};
/* The call's name ("open", "fork"); an unknown one reads as the first. */
const char *eg_via_name(unsigned via);

/* An fd slot's state word: generation (bits 32-63) so that every change is a
 * distinct value for compare-and-swap, flags, the acquiring call, state. */
enum eg_fd_state { EG_FD_EMPTY, EG_FD_OPEN, EG_FD_CLOSED };
enum eg_fd_flag {
    EG_FD_INHERITED = 1, /* open when the process started: never a leak */
    EG_FD_FILE = 2,      /* held by a FILE* */
    EG_FD_DIR = 4,       /* held by a DIR* */
    EG_FD_UNCERTAIN = 8, /* this number was closed once while we did not
                            think it open: an acquisition may have been in
                            flight, so every later one asks the kernel */
    EG_FD_PASSED = 16,   /* put in place for a child on purpose (dup2/dup3
                            onto it, or FD_CLOEXEC cleared with fcntl): not
                            a leak across exec */
};
#define EG_WORD(gen, flags, via, state)                                        \
    ((uint64_t)(gen) << 32 | (uint64_t)(flags) << 16 | (uint64_t)(via) << 8 |  \
     (uint64_t)(state))
#define EG_WORD_GEN(w) ((uint32_t)((w) >> 32))
#define EG_WORD_FLAGS(w) ((unsigned)((w) >> 16) & 0xffff)
#define EG_WORD_VIA(w) ((enum eg_via)(((w) >> 8) & 0xff))
#define EG_WORD_STATE(w) ((enum eg_fd_state)((w) & 0xff))

/* Only `word` orders anything; the other fields are written by the thread
 * that won the word and may race with a buggy program's other threads, so
 * they are relaxed atomics (plain moves on x86, defined behaviour in C11):
 * use EG_GET / EG_SET. */
struct eg_fd_slot {
    _Atomic uint64_t word;
    _Atomic uint64_t seq;           /* creation sequence, shared by all kinds */
    _Atomic uint32_t stack;         /* depot id of the acquisition */
    _Atomic uint32_t release_stack; /* depot id of the last release */
    _Atomic int32_t pid;            /* the process that acquired it (fork copies) */
    /* a sequence number taken just after the release returned, as its
     * distance from `seq` (version 6; 0 while open, or not known, or too
     * far): a forked child's exec check passes over a record its parent
     * had closed before the fork without asking the kernel (a shell's
     * command substitution pipes, closed long ago).  32 bits, so that a
     * page holds 128 slots: a walk of them reads every page up to fd_high */
    _Atomic uint32_t closed_after;
};
#define EG_GET(field) atomic_load_explicit(&(field), memory_order_relaxed)
#define EG_SET(field, value) atomic_store_explicit(&(field), (value), memory_order_relaxed)

enum eg_error_kind {
    EG_ERR_DOUBLE_CLOSE = 1, /* released again; other_stack: first release */
    EG_ERR_NEVER_OPENED,     /* released, but never open */
    EG_ERR_STREAM_FD,        /* fd of a FILE* or DIR* closed behind its back;
                                other_stack: where the stream was opened */
};

struct eg_error {
    uint32_t kind;
    int32_t fd;
    uint32_t via; /* the offending call */
    uint32_t stack;
    uint32_t other_stack;
    uint32_t other_flags; /* EG_FD_FILE / EG_FD_DIR for EG_ERR_STREAM_FD */
    uint64_t seq;
};

/* A finalizer (include/exitguard.h).  The handle a program holds is a
 * pointer to this record, which is never freed or reused, so a stale handle
 * is still a dead finalizer.  obj, fn and arg are addresses in the process
 * that registered it: meaningless to another reader, except as numbers. */
enum eg_fin_state { EG_FIN_ALIVE = 1, EG_FIN_RUNNING, EG_FIN_DEAD };
enum eg_fin_outcome {
    EG_FIN_PENDING,   /* still alive */
    EG_FIN_CALLED,    /* exitguard_call, exitguard_release, or its fd closed */
    EG_FIN_DETACHED,
    EG_FIN_RAN,       /* ran in the exit sequence and returned */
    EG_FIN_CRASHED,   /* the exit sequence ran it; it died of signal `detail` */
    EG_FIN_EXITED,    /* the exit sequence ran it; it called exit(`detail`) */
    EG_FIN_HUNG,      /* the exit sequence gave up on it after its budget */
    EG_FIN_SKIPPED,   /* not run at exit: `detail` says why */
};
enum eg_fin_skip { EG_SKIP_NOT_SIGNAL_SAFE = 1, EG_SKIP_OUT_OF_TIME };
struct eg_finalizer {
    _Atomic uint32_t state;
    uint32_t flags;            /* EXITGUARD_SIGNAL_SAFE, EXITGUARD_IN_CHILDREN */
    _Atomic uint32_t atexit;
    uint32_t stack;            /* depot id: where it was registered */
    uint64_t seq;              /* creation sequence, shared with the fds */
    int32_t pid;               /* the process that registered it */
    int32_t fd;                /* tied to this fd, or -1 */
    uint64_t fd_seq;           /* ... while the fd has this creation seq */
    uint64_t obj, fn, arg;
    uint32_t next;             /* offset of the next older finalizer */
    uint32_t owner_next;       /* next older one in the same obj/fd bucket */
    _Atomic uint32_t outcome;
    _Atomic int32_t detail;    /* while RUNNING: the thread running it (read
                                  by the exit sequence waiting for it) */
    _Atomic uint64_t ended_seq; /* the sequence when it left ALIVE: a forked
                                   child's late copy of the registry revives
                                   one that was alive at its fork */
};

/* A thread started with pthread_create; records of ended threads are
 * reused, so the list is as long as the most threads alive at once. */
enum eg_thread_state { EG_THREAD_FREE, EG_THREAD_RUNNING, EG_THREAD_CLAIMED };
/* A reused record is rewritten while a report may read it: the fields are
 * relaxed atomics (EG_GET / EG_SET), as in an fd slot. */
struct eg_thread {
    _Atomic uint32_t state;
    _Atomic int32_t tid;     /* kernel thread id, 0 until the thread has started */
    _Atomic int32_t pid;
    _Atomic uint32_t stack;  /* depot id: where pthread_create was called */
    _Atomic uint64_t seq;
    _Atomic uint64_t start;  /* the start routine's address */
    _Atomic uint64_t arg;    /* its argument, until the thread has started */
    uint32_t next;   /* offset of the next record */
    uint32_t reserved;
};

/* A file made by mkstemp and its family, removed at exit by
 * tempfiles=unlink if it still exists and is still the same file. */
enum eg_tempfile_outcome {
    EG_TEMP_KEPT, EG_TEMP_REMOVED, EG_TEMP_REMOVE_FAILED,
    EG_TEMP_GONE, /* the path no longer names the file made: no leak */
};
struct eg_tempfile {
    uint64_t seq;
    uint64_t dev, ino;
    int32_t pid;
    int32_t fd;
    uint32_t stack;
    uint32_t next;     /* offset of the next older record */
    _Atomic uint32_t outcome;
    uint32_t path_len;
    char path[];       /* NUL-terminated, absolute */
};

/* A child process this process started: fork, vfork, _Fork, clone without
 * CLONE_THREAD, posix_spawn(p), system, popen.  Records are never reused
 * (a pid is; a new record for the same pid marks older ones reaped).
 * The fields written after the record is published are relaxed atomics. */
enum eg_child_state {
    EG_CHILD_UNREAPED = 1, /* running, or a zombie nobody waited for */
    EG_CHILD_REAPED,       /* a wait call (or pclose, system) collected it */
};
enum eg_child_outcome {  /* what the exit sequence found and did */
    EG_CHILD_PENDING,    /* not looked at (the process has not ended) */
    EG_CHILD_GONE,       /* not our child any more: reaped unseen, or
                            auto-reaped (SIGCHLD ignored): no leak */
    EG_CHILD_LEFT,       /* still running; children=report left it */
    EG_CHILD_ZOMBIE,     /* had exited, never waited for */
    EG_CHILD_TERMINATED, /* ended by SIGTERM within kill_grace */
    EG_CHILD_KILLED,     /* ended by SIGKILL after kill_grace */
    EG_CHILD_SURVIVED,   /* still there after SIGKILL and kill_grace */
};
struct eg_child {
    uint64_t seq;             /* creation sequence, shared by all kinds */
    _Atomic int32_t pid;      /* rewritten when a reaped record is reused */
    int32_t parent;           /* the process that started it (fork copies) */
    uint32_t stack;           /* depot id: where it was started */
    uint32_t via;             /* enum eg_via */
    uint32_t next;            /* offset of the next older record */
    _Atomic uint32_t state;   /* enum eg_child_state */
    _Atomic uint32_t outcome; /* enum eg_child_outcome */
    _Atomic int32_t status;   /* wait status, once reaped or found a zombie */
    _Atomic uint64_t stream;  /* popen: the FILE* (pclose finds it by this) */
    _Atomic uint32_t unchecked; /* the new program cannot be preloaded:
                                   enum eg_unchecked */
    uint32_t argv_len;        /* argv NUL-separated, cut at EG_CHILD_ARGV;
                                 0: not known at start (read /proc later) */
    char argv[EG_CHILD_ARGV];
    _Atomic int32_t pgid;     /* the process group children=group signalled
                                 with it; 0: only the child itself */
};
enum eg_unchecked { EG_UNCHECKED_NO, EG_UNCHECKED_STATIC, EG_UNCHECKED_SETUID };

/* What an fd was, as the call that acquired it named it (the path open,
 * fopen or opendir was given, as given: a relative one stays relative),
 * for the exitguard command's post-mortem: the kernel's view dies with
 * the process.  One record per fd number, beside the slots, valid while
 * `seq` is the slot's; the path's last bytes when it is longer (`cut`).
 * Only in a registry file: a live report asks the kernel.  A buggy
 * program's threads may reuse the number while it is written: every
 * field is a relaxed atomic word, as in a slot (EG_GET / EG_SET). */
enum { EG_FD_NAME = 48 };
struct eg_fd_name {
    _Atomic uint64_t seq;
    _Atomic uint64_t len;                 /* bytes in text, | 256 when cut */
    _Atomic uint64_t text[EG_FD_NAME / 8]; /* NUL-padded */
};

struct eg_depot_node {
    _Atomic uint32_t next;
    uint32_t hash;
    uint32_t depth;
    uint32_t reserved;
    uint64_t pcs[];
};

/* A loaded module (the executable, a shared library) that a recorded stack
 * passes through, noted when the stack first enters the depot, so that a
 * reader of a registry file can turn the raw PCs of a dead process into
 * module+offset.  Only when the region is a file (log_dir set). */
struct eg_module {
    uint64_t start, end; /* [start, end): its mapping in the process */
    uint64_t bias;       /* load bias: offset = pc - bias (ELF vaddr) */
    uint32_t next;       /* offset of the next older record */
    uint32_t name_len;
    char name[];         /* NUL-terminated path */
};

struct eg_region {
    uint32_t magic;
    uint32_t version;
    uint64_t size;
    _Atomic uint64_t used; /* bump allocator */
    int32_t pid;
    int32_t ppid;
    uint32_t depot_buckets; /* offset of EG_DEPOT_BUCKETS uint32 heads */
    _Atomic uint32_t depot_full; /* stacks dropped: the arena ran out */
    _Atomic uint32_t fd_chunks[EG_FD_CHUNKS];
    _Atomic int32_t fd_high; /* highest fd ever recorded: walks stop there */
    _Atomic uint32_t nerrors; /* may exceed EG_MAX_ERRORS: the rest dropped */
    struct eg_error errors[EG_MAX_ERRORS];
    uint32_t argv_len; /* argv as NUL-separated strings */
    char argv[EG_ARGV_MAX];
    _Atomic uint32_t finalizers;   /* offset of the newest finalizer */
    _Atomic uint32_t fin_buckets;  /* offset of EG_FIN_BUCKETS heads, by obj/fd */
    _Atomic uint32_t threads;      /* offset of the first thread record */
    _Atomic uint32_t tempfiles;    /* offset of the newest temp file */
    _Atomic uint32_t dropped;      /* records lost: the region was full */
    _Atomic uint32_t children;     /* offset of the newest child record */
    /* the tempfiles option this process runs with (0 report, 1 unlink),
     * so that the exitguard command can apply it from outside when the
     * process died without running its exit sequence (its children are
     * the command's then, and --children decides) */
    uint32_t tempfiles_policy;
    /* the registry file (docs/formats.md, "Registry file") */
    _Atomic uint32_t modules;     /* offset of the newest struct eg_module */
    _Atomic uint32_t reported;    /* 1: the final report is written; the file
                                     is about to be removed */
    _Atomic uint64_t exec_start;  /* the process is executing a new image:
                                     its start time (/proc/<pid>/stat field
                                     22), which exec keeps; 0 before */
    uint32_t stack_depth;         /* the stack_depth option: 0, no stacks */
    uint32_t errors_inherited;    /* nerrors when this process was forked:
                                     the misuse before that is its parent's */
    _Atomic uint32_t end_how;     /* 1 + enum eg_end_how once the process is
                                     ending and reporting; 0 before */
    int32_t end_code;             /* its status, or the signal */
    int32_t report_errno;         /* why its report could not be filed */
    char run_token[48];           /* the run_token option: the command's */
    /* offsets of EG_FD_CHUNK struct eg_fd_name, as fd_chunks (version 5) */
    _Atomic uint32_t fd_names[EG_FD_CHUNKS];
    uint64_t start_time;          /* eg_start_time() when the registry is a
                                     file of this process's own: its name
                                     with the pid, for a post-mortem */
    /* Written by every acquisition in every thread: a cache line of its
     * own, so that reading the fields above does not miss each time.  At
     * the header's end (version 7), on the page that also holds the first
     * child record (eg_region_first_child): a shell writes both, and
     * children_reaped, at every command, and after each fork every page
     * written is a fault. */
    _Alignas(64) _Atomic uint64_t seq;
    /* by this process; their records are reused (children.c) */
    _Atomic uint32_t children_reaped;
    /* offsets of this process's reaped child records, ready for reuse (0:
     * none), and whether the record at EG_REGION_FIRST_CHILD is taken: on
     * the page of seq too (version 8), so that a fork and the wait that
     * reaps it write that one page of ours in the parent */
    _Atomic uint32_t child_spares[EG_CHILD_SPARES];
    _Atomic uint32_t first_child_taken;
};

/* The offset of the child record kept right after the header, on its last
 * page (the region's first allocation: children.c takes it first). */
#define EG_REGION_FIRST_CHILD (((uint64_t)sizeof(struct eg_region) + 15) & ~(uint64_t)15)

extern struct eg_region *eg_region;

/* The region is another process's, read here and never written: a forked
 * child's view of its parent's registry file until its first acquisition
 * makes it a copy of its own (region_file.h). */
extern int eg_region_borrowed;

/* The creation sequence when this process was forked (or vforked): the
 * parent's records up to it are what the child started with.  Before any
 * fork, every record is. */
extern uint64_t eg_fork_seq;

/* What a child forked now takes for its eg_fork_seq. */
uint64_t eg_region_seq_now(void);

static inline void *eg_at(uint64_t offset) { return (char *)eg_region + offset; }

/* Maps a fresh region; returns 0 on failure. */
struct eg_region *eg_region_create(void);

/* Allocates zeroed, 16-aligned bytes; 0 when the region is full. */
uint64_t eg_region_alloc(uint64_t bytes);

uint64_t eg_next_seq(void);

/* Pushes the record at `off`, whose link to the next one is `*link`, onto
 * the list at `head`.  The registry's lists only grow at the head, never
 * pop, so a compare-and-swap push has no ABA; readers walk from the head. */
void eg_list_push(_Atomic uint32_t *head, uint32_t *link, uint32_t off);

#endif
