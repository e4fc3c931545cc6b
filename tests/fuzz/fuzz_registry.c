/* A registry file (docs/formats.md, "Registry file") as a process that died
 * without its report leaves it, or as anything else could: the input is
 * the start of the file; the header's size, when larger, is made up with
 * a hole, as a real file's untouched pages are.  Read by postmortem_add as
 * the command reads it after the run, then taken through everything the
 * command does with reports. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "descendants.h"
#include "postmortem.h"
#include "present.h"
#include "region.h"
#include "scratch.h"

/* Far beyond any registry (128 MiB), and still only a hole on tmpfs. */
#define LARGEST_FILE (1ull << 30)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    struct eg_region header = {0};
    memcpy(&header, copy, size < sizeof header ? size : sizeof header);
    /* A made-up registry must not make the fuzzer remove files of this
     * machine: its temp files are only ever "kept". */
    if (size >= offsetof(struct eg_region, tempfiles_policy) + sizeof header.tempfiles_policy)
        memset(copy + offsetof(struct eg_region, tempfiles_policy), 0,
               sizeof header.tempfiles_policy);
    /* named for the pid it holds, as the library names it: otherwise the
     * reader takes it for a forked child's copy and looks no further */
    char name[64];
    snprintf(name, sizeof name, "%d.registry", (int)header.pid);
    const char *path = scratch_file(name, copy, size);
    free(copy);
    if (header.size > size && header.size <= LARGEST_FILE && truncate(path, (off_t)header.size))
        abort();

    json_t *reports = json_array();
    struct leftovers left = {0};
    postmortem_add(scratch_dir(), reports, 1, &left);
    unlink(path);
    present_reports(reports, 0);
    return 0;
}
