/* tempfiles=unlink, at the end: each temp file this process made that is
 * still on disk is kept or removed, and the outcome noted for the report. */
#define _GNU_SOURCE
#include "settle.h"

#include <sys/stat.h>
#include <unistd.h>

#include "options.h"
#include "registry.h"
#include "tempfile_records.h"

void eg_tempfiles_settle(void)
{
    static _Atomic int settled_in; /* the pid that did: once per process */
    eg_tempfiles_wait_for_creations();
    if (!eg_region || atomic_exchange(&settled_in, eg_pid) == eg_pid)
        return;
    uint32_t off = atomic_load_explicit(&eg_region->tempfiles, memory_order_acquire);
    for (struct eg_tempfile *t = off ? eg_at(off) : 0; t; t = t->next ? eg_at(t->next) : 0) {
        if (t->pid != eg_pid)
            continue;
        struct stat st;
        uint32_t outcome = EG_TEMP_GONE;
        if (eg_tempfile_still_there(t->path, t->dev, t->ino, &st)) {
            outcome = EG_TEMP_KEPT;
            if (eg_options.tempfiles == EG_TEMPFILES_UNLINK)
                outcome = unlink(t->path) == 0 ? EG_TEMP_REMOVED : EG_TEMP_REMOVE_FAILED;
        }
        atomic_store(&t->outcome, outcome);
    }
}
