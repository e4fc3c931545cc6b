#define _GNU_SOURCE
#include "stack.h"

#include <dlfcn.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <unwind.h>

#include "depot.h"
#include "options.h"
#include "region.h"

/* The unwinder is libgcc's, not libunwind: libunwind 1.6.2 keeps a pipe
 * open for the life of the process and reads and writes it while
 * unwinding -- a program that closes all its fds and reuses the number
 * would lose bytes to it (PITFALLS.md).  libgcc's unwinder keeps no fd,
 * takes no lock (it finds unwind tables with _dl_find_object) and is what
 * the sanitizers' slow unwinder uses.  It is linked in (libgcc_eh, its
 * symbols hidden: Makefile), a copy of our own: loading libgcc_s on the
 * first capture cost ~150 us and an fd for a moment, and every forked
 * child then ran libgcc_s's destructor at exit (3 page faults). */
static uintptr_t own_start, own_end; /* libexitguard's text, to skip */

void eg_stack_init(void)
{
    struct dl_find_object obj;
    if (_dl_find_object((void *)eg_stack_init, &obj) == 0) {
        own_start = (uintptr_t)obj.dlfo_map_start;
        own_end = (uintptr_t)obj.dlfo_map_end;
    }
}

static int is_own(uintptr_t pc) { return pc >= own_start && pc < own_end; }

struct walk {
    uint64_t *pcs;
    uint64_t *cfas; /* may be NULL */
    unsigned n, max;
    int signal_frame; /* the chain crosses a signal frame */
};

static _Unwind_Reason_Code step(struct _Unwind_Context *ctx, void *arg)
{
    struct walk *w = arg;
    int before_insn = 0;
    uintptr_t ip = _Unwind_GetIPInfo(ctx, &before_insn);
    w->signal_frame |= before_insn;
    if (!ip)
        return _URC_END_OF_STACK;
    if (w->n == 0 && is_own(ip))
        return _URC_NO_REASON; /* exitguard's own frames come first */
    w->pcs[w->n] = ip;
    if (w->cfas)
        w->cfas[w->n] = _Unwind_GetCFA(ctx);
    return ++w->n < w->max ? _URC_NO_REASON : _URC_END_OF_STACK;
}

static unsigned unwind(uint64_t *pcs, uint64_t *cfas, unsigned max, int *signal_frame)
{
    struct walk w = {pcs, cfas, 0, max, 0};
    if (max)
        _Unwind_Backtrace(step, &w);
    if (signal_frame)
        *signal_frame = w.signal_frame;
    return w.n;
}

/* ---- the per-thread cache ----
 *
 * Unwinding through DWARF costs some 100 ns a frame, and programs acquire
 * fds from the same call sites over and over.  A cached stack is keyed by
 * the program's call site and the stack address of its return slot, and
 * is used only after every return address it holds has been read back
 * from the very slot it was found in: the same return addresses at the
 * same places are the same chain of calls.  The lookup costs a handful of
 * loads; a miss costs one unwind, as without the cache.
 *
 * Not cached: a chain through a signal frame (its slots may lie on
 * another stack, since unmapped), or whose slots do not climb one stack.
 * A frame of variable size (alloca, a VLA) can move the frames above it
 * while stale return addresses of an earlier chain remain at the cached
 * slots: that chain would be taken for this one.  The price of not
 * unwinding; the program's rbp cannot be part of the key, as code built
 * without frame pointers uses it as an ordinary register. */
/* 32 call sites of up to 24 frames (the default depth): 13 KiB a thread,
 * mapped on the thread's first capture and reached from one TLS pointer.
 * Not static TLS: glibc carves that out of every thread's stack, and a
 * thread started with a PTHREAD_STACK_MIN stack would fail with EINVAL. */
enum { CACHE_ENTRIES = 32, CACHE_DEPTH = 24 };

struct cached {
    uint64_t pc0;   /* the program's call site */
    uintptr_t slot0; /* where pc0 sits on the stack */
    unsigned depth, max;
    uint32_t id;
    uint64_t pcs[CACHE_DEPTH];
    uintptr_t slots[CACHE_DEPTH]; /* slots[i] holds pcs[i + 1] */
};

struct cache {
    struct cached entries[CACHE_ENTRIES];
    unsigned victim;
};

static __thread struct cache *cache __attribute__((tls_model("initial-exec")));
/* A thread past its end (TLS destructors may still close fds) captures
 * uncached rather than map a block nobody would unmap. */
#define ENDED ((struct cache *)1)

/* mmap, not malloc: a capture may run in a signal handler.  A handler
 * that interrupts this on the same thread maps a block of its own, and one
 * of the two is dropped: once per thread at most. */
static struct cache *thread_cache(void)
{
    if (cache)
        return cache == ENDED ? 0 : cache;
    void *p = mmap(0, sizeof(struct cache), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    if (p == MAP_FAILED)
        return 0;
    if (cache)
        munmap(p, sizeof(struct cache));
    else
        cache = p;
    return cache;
}

void eg_stack_thread_ends(void)
{
    struct cache *c = cache;
    cache = ENDED;
    if (c && c != ENDED)
        munmap(c, sizeof *c);
}

/* The program's call site, found by walking exitguard's own frames by
 * frame pointer (the library is built with them); gives up, rather than
 * guess, on anything unexpected. */
/* Reads raw stack memory on purpose, as any unwinder does: not for ASan. */
#define RAW_STACK_READ __attribute__((no_sanitize("address")))

__attribute__((noinline)) RAW_STACK_READ static int call_site(uint64_t *pc0, uintptr_t *slot0)
{
    uintptr_t *fp = __builtin_frame_address(0);
    uintptr_t low = (uintptr_t)fp, high = low + (64 << 10);
    for (int i = 0; i < 16; i++) {
        if ((uintptr_t)fp < low || (uintptr_t)fp >= high || ((uintptr_t)fp & 7))
            return 0;
        uintptr_t ret = fp[1];
        if (!is_own(ret)) {
            *pc0 = ret;
            *slot0 = (uintptr_t)&fp[1];
            return 1;
        }
        low = (uintptr_t)fp + 16;
        fp = (uintptr_t *)fp[0];
    }
    return 0;
}

/* Slots strictly increasing and within 8 MiB (a thread's stack). */
static int climbs_one_stack(const uint64_t *cfas, unsigned n)
{
    for (unsigned i = 1; i < n; i++)
        if (cfas[i] <= cfas[i - 1] || cfas[i] - cfas[0] > (8u << 20))
            return 0;
    return 1;
}

RAW_STACK_READ static int still_valid(const struct cached *c)
{
    for (unsigned i = 0; i + 1 < c->depth; i++)
        if (*(const uint64_t *)c->slots[i] != c->pcs[i + 1])
            return 0;
    return 1;
}

uint32_t eg_stack_capture(void)
{
    unsigned max = (unsigned)eg_options.stack_depth;
    if (!max)
        return 0;
    uint64_t pc0 = 0;
    uintptr_t slot0 = 0;
    struct cached *c = 0;
    struct cache *tc;
    if (call_site(&pc0, &slot0) && (tc = thread_cache())) {
        /* four ways: a handful of call sites would collide in a direct map */
        unsigned set = (unsigned)(((pc0 ^ slot0) * 0x9e3779b97f4a7c15ull) >> 59) & ~3u;
        for (unsigned way = 0; way < 4; way++) {
            struct cached *e = &tc->entries[set + way];
            if (e->pc0 == pc0 && e->slot0 == slot0 && e->max == max && still_valid(e))
                return e->id;
        }
        c = &tc->entries[set + tc->victim++ % 4];
    }
    uint64_t pcs[EG_MAX_FRAMES], cfas[EG_MAX_FRAMES];
    int signal_frame;
    unsigned n = unwind(pcs, cfas, max, &signal_frame);
    uint32_t id = eg_depot_put(pcs, n);
    if (c && n && n <= CACHE_DEPTH && pcs[0] == pc0 && cfas[0] - sizeof(uint64_t) == slot0 &&
        id && !signal_frame && climbs_one_stack(cfas, n)) {
        c->pc0 = 0; /* invalid while being filled (a signal may land here) */
        /* In the callback, a frame's CFA is its callee's: the address just
         * above the slot holding the frame's own return address (x86_64) */
        for (unsigned i = 0; i + 1 < n; i++)
            c->slots[i] = (uintptr_t)cfas[i + 1] - sizeof(uint64_t);
        memcpy(c->pcs, pcs, n * sizeof *pcs);
        c->depth = n;
        c->max = max;
        c->id = id;
        c->slot0 = slot0;
        c->pc0 = pc0;
    }
    return id;
}
