/* The exec look's findings, shared by a process tree (verdicts.h). */
#define _GNU_SOURCE
#include "verdicts.h"

#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>

#include "fork_state.h"

enum { ENTRIES = 4096 / 64 };

/* Every field a relaxed atomic: a reader may meet a writer of another
 * process half way, and tells by `version` (odd while written, moved on
 * after). */
struct entry {
    _Atomic uint64_t version;
    _Atomic uint64_t dev, ino, size, mtime, ctime;
    _Atomic uint64_t facts; /* 1 + EG_FILE_* (0: empty) */
    uint64_t unused;
};
_Static_assert(sizeof(struct entry) == 64, "a cache line each");

/* read by every forked child's exec look: fork_state.h */
EG_FORK_STATE static struct entry *_Atomic entries_at;
#define entries atomic_load_explicit(&entries_at, memory_order_acquire)

/* Threads may fork at once: one page is kept, a second one made is given
 * back. */
void eg_verdicts_prepare(void)
{
    if (entries)
        return;
    void *p = mmap(0, ENTRIES * sizeof(struct entry), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    struct entry *none = 0;
    if (p != MAP_FAILED && !atomic_compare_exchange_strong(&entries_at, &none, p))
        munmap(p, ENTRIES * sizeof(struct entry));
}

EG_HOT_TEXT int eg_verdicts_ready(void)
{
    return entries != 0;
}

EG_HOT_TEXT static uint64_t ns(struct timespec t)
{
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

EG_HOT_TEXT static struct entry *entry_of(const struct stat *st)
{
    uint64_t h = ((uint64_t)st->st_ino * 0x9e3779b97f4a7c15u) ^ (uint64_t)st->st_dev;
    return &entries[(h >> 32) % ENTRIES];
}

#define GET(field) atomic_load_explicit(&(field), memory_order_relaxed)
#define SET(field, v) atomic_store_explicit(&(field), (v), memory_order_relaxed)

EG_HOT_TEXT int eg_verdicts_get(const struct stat *st)
{
    if (!entries)
        return -1;
    struct entry *e = entry_of(st);
    uint64_t v = atomic_load_explicit(&e->version, memory_order_acquire);
    if (v & 1)
        return -1;
    int same = GET(e->dev) == (uint64_t)st->st_dev && GET(e->ino) == (uint64_t)st->st_ino &&
               GET(e->size) == (uint64_t)st->st_size && GET(e->mtime) == ns(st->st_mtim) &&
               GET(e->ctime) == ns(st->st_ctim);
    uint64_t facts = GET(e->facts);
    atomic_thread_fence(memory_order_acquire);
    if (!same || !facts || GET(e->version) != v)
        return -1;
    return (int)(facts - 1);
}

void eg_verdicts_put(const struct stat *st, int facts)
{
    if (!entries)
        return;
    struct entry *e = entry_of(st);
    uint64_t v = atomic_load_explicit(&e->version, memory_order_relaxed);
    if ((v & 1) || !atomic_compare_exchange_strong(&e->version, &v, v + 1))
        return; /* another writer has it: its finding will do */
    atomic_thread_fence(memory_order_release);
    SET(e->dev, (uint64_t)st->st_dev);
    SET(e->ino, (uint64_t)st->st_ino);
    SET(e->size, (uint64_t)st->st_size);
    SET(e->mtime, ns(st->st_mtim));
    SET(e->ctime, ns(st->st_ctim));
    SET(e->facts, (uint64_t)facts + 1);
    atomic_store_explicit(&e->version, v + 2, memory_order_release);
}
