#define _GNU_SOURCE
#include "symbolize.h"

#include <dlfcn.h>
#include <elfutils/libdwfl.h>
#include <stdlib.h>
#include <string.h>

/* Every libdw entry point goes through dlsym (see symbolize.h); the header
 * is only used for the types of the pointers. */
#define LIBDW_FUNCS(X)                                                      \
    X(dwfl_begin) X(dwfl_end) X(dwfl_report_offline) X(dwfl_report_end)     \
    X(dwfl_module_getelf) X(dwfl_module_addrinfo) X(dwfl_module_getsrc)     \
    X(dwfl_lineinfo) X(dwfl_build_id_find_elf)                              \
    X(dwfl_build_id_find_debuginfo) X(dwfl_offline_section_address)

static struct {
#define FIELD(name) __typeof__(&name) name;
    LIBDW_FUNCS(FIELD)
#undef FIELD
} dw;

enum { UNTRIED, LOADED, UNAVAILABLE };
static int state = UNTRIED;
static void *libdw;

/* NULL selects libdwfl's default debug directory, /usr/lib/debug. */
static char *debuginfo_path;
/* dwfl_begin keeps a pointer to this, so it must outlive every Dwfl. */
static Dwfl_Callbacks callbacks = { .debuginfo_path = &debuginfo_path };

/* One Dwfl per module: a report lists few modules, each symbolized often.
 * Unlocked static state: callers are single-threaded (exit path, tool). */
#define MAX_MODULES 64
struct module {
    char *path;
    Dwfl *dwfl;
    Dwfl_Module *mod; /* NULL: not an ELF file we can read, remembered
                         so that it is not reopened for every address */
};
static struct module cache[MAX_MODULES];
static unsigned n_cached, next_victim;

static int load_libdw(void)
{
    if (state != UNTRIED)
        return state == LOADED;
    state = UNAVAILABLE;
    libdw = dlopen("libdw.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!libdw)
        return 0;
#define LOOKUP(name)                                                        \
    if (!(dw.name = (__typeof__(dw.name))dlsym(libdw, #name)))              \
        goto fail;
    LIBDW_FUNCS(LOOKUP)
#undef LOOKUP
    callbacks.find_elf = dw.dwfl_build_id_find_elf;
    /* Not dwfl_standard_find_debuginfo: when nothing is found locally
     * (any stripped binary) it loads libdebuginfod and libcurl, keeps a
     * socketpair open, and queries DEBUGINFOD_URLS over the network, all
     * on the program's exit path.  Distribution debug packages install
     * under /usr/lib/debug/.build-id, which this one searches. */
    callbacks.find_debuginfo = dw.dwfl_build_id_find_debuginfo;
    callbacks.section_address = dw.dwfl_offline_section_address;
    state = LOADED;
    return 1;
fail:
    dlclose(libdw);
    libdw = NULL;
    return 0;
}

static void drop(struct module *m)
{
    if (m->dwfl)
        dw.dwfl_end(m->dwfl);
    free(m->path);
    memset(m, 0, sizeof *m);
}

static struct module *open_module(const char *path)
{
    for (unsigned i = 0; i < n_cached; i++)
        if (strcmp(cache[i].path, path) == 0)
            return &cache[i];

    char *copy = strdup(path);
    if (!copy)
        return NULL;
    struct module *m;
    if (n_cached < MAX_MODULES) {
        m = &cache[n_cached++];
    } else {
        m = &cache[next_victim];
        next_victim = (next_victim + 1) % MAX_MODULES;
        drop(m);
    }
    m->path = copy;
    m->dwfl = dw.dwfl_begin(&callbacks);
    if (m->dwfl) {
        m->mod = dw.dwfl_report_offline(m->dwfl, path, path, -1);
        dw.dwfl_report_end(m->dwfl, NULL, NULL);
    }
    return m;
}

static void copy_str(char *dst, size_t size, const char *src)
{
    size_t n = strnlen(src, size - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

int eg_symbolize(const char *module, uint64_t vaddr, struct eg_symbol *out)
{
    memset(out, 0, sizeof *out);
    /* A relative name would be resolved against whatever the current
     * directory happens to be, and the ones a link_map holds ("" for the
     * executable, "linux-vdso.so.1") are not files at all. */
    if (!module || module[0] != '/' || !load_libdw())
        return 0;
    struct module *m = open_module(module);
    GElf_Addr bias;
    if (!m || !m->mod || !dw.dwfl_module_getelf(m->mod, &bias))
        return 0;

    /* Offline reporting places an ET_DYN file at an arbitrary base of its
     * own choosing (ET_EXEC stays at bias 0); dwfl addresses include it. */
    Dwarf_Addr addr = vaddr + bias;
    GElf_Off offset;
    GElf_Sym sym;
    const char *name = dw.dwfl_module_addrinfo(m->mod, addr, &offset, &sym,
                                               NULL, NULL, NULL);
    if (name) {
        copy_str(out->function, sizeof out->function, name);
        out->function_offset = offset;
    }
    Dwfl_Line *line = dw.dwfl_module_getsrc(m->mod, addr);
    int lineno = 0;
    const char *file = line ? dw.dwfl_lineinfo(line, NULL, &lineno, NULL,
                                               NULL, NULL) : NULL;
    if (file) {
        copy_str(out->file, sizeof out->file, file);
        out->line = lineno;
    }
    return name || file;
}

void eg_symbolize_end(void)
{
    for (unsigned i = 0; i < n_cached; i++)
        drop(&cache[i]);
    n_cached = next_victim = 0;
    if (libdw)
        dlclose(libdw);
    libdw = NULL;
    memset(&dw, 0, sizeof dw);
    state = UNTRIED;
}
