#define _GNU_SOURCE
#include "symbolize.h"

#include <dlfcn.h>
#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <stdlib.h>
#include <string.h>

/* Every libdw entry point goes through dlsym (see symbolize.h); the header
 * is only used for the types of the pointers. */
#define LIBDW_FUNCS(X)                                                      \
    X(dwfl_begin) X(dwfl_end) X(dwfl_report_offline) X(dwfl_report_end)     \
    X(dwfl_module_getelf) X(dwfl_module_addrinfo) X(dwfl_module_getsrc)     \
    X(dwfl_lineinfo) X(dwfl_build_id_find_elf)                              \
    X(dwfl_build_id_find_debuginfo) X(dwfl_offline_section_address)         \
    X(dwfl_module_addrdie) X(dwarf_getscopes) X(dwarf_getscopes_die)        \
    X(dwarf_tag) X(dwarf_attr_integrate) X(dwarf_formstring)                \
    X(dwarf_formudata) X(dwarf_getsrcfiles) X(dwarf_filesrc)

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

/* The module `vaddr` is looked up in, and the address libdwfl takes. */
static Dwfl_Module *module_at(const char *module, uint64_t vaddr, Dwarf_Addr *addr)
{
    /* A relative name would be resolved against whatever the current
     * directory happens to be, and the ones a link_map holds ("" for the
     * executable, "linux-vdso.so.1") are not files at all. */
    if (!module || module[0] != '/' || !load_libdw())
        return NULL;
    struct module *m = open_module(module);
    GElf_Addr bias;
    if (!m || !m->mod || !dw.dwfl_module_getelf(m->mod, &bias))
        return NULL;
    /* Offline reporting places an ET_DYN file at an arbitrary base of its
     * own choosing (ET_EXEC stays at bias 0); dwfl addresses include it. */
    *addr = vaddr + bias;
    return m->mod;
}

/* The symbol `addr` lies in, or in a stripped module the nearest exported
 * one before it (libdwfl falls back on .dynsym).  A versioned name
 * ("__libc_start_main@@GLIBC_2.34", from a debug file's symbol table) is
 * the function's name to a person: the version goes. */
static void symbol_at(Dwfl_Module *mod, Dwarf_Addr addr, struct eg_symbol *out)
{
    GElf_Off offset;
    GElf_Sym sym;
    const char *name = dw.dwfl_module_addrinfo(mod, addr, &offset, &sym, NULL, NULL, NULL);
    if (name) {
        copy_str(out->function, sizeof out->function, name);
        out->function[strcspn(out->function, "@")] = '\0';
        out->function_offset = offset;
    }
}

static void line_at(Dwfl_Module *mod, Dwarf_Addr addr, struct eg_symbol *out)
{
    Dwfl_Line *line = dw.dwfl_module_getsrc(mod, addr);
    int lineno = 0;
    const char *file = line ? dw.dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL) : NULL;
    if (file) {
        copy_str(out->file, sizeof out->file, file);
        out->line = lineno;
    }
}

static int look_up(const char *module, uint64_t vaddr, struct eg_symbol *out, int with_line)
{
    memset(out, 0, sizeof *out);
    Dwarf_Addr addr;
    Dwfl_Module *mod = module_at(module, vaddr, &addr);
    if (!mod)
        return 0;
    symbol_at(mod, addr, out);
    if (with_line)
        line_at(mod, addr, out);
    return out->function[0] || out->file[0];
}

int eg_symbolize(const char *module, uint64_t vaddr, struct eg_symbol *out)
{
    return look_up(module, vaddr, out, 1);
}

int eg_symbol_name(const char *module, uint64_t vaddr, struct eg_symbol *out)
{
    return look_up(module, vaddr, out, 0);
}

/* ---- inlined frames ----
 *
 * dwarf_getscopes gives the scopes containing an address as the source
 * reads (lexical blocks, then the inlined function's own definition), so
 * it only says where the code is: its innermost inlined_subroutine.
 * dwarf_getscopes_die of that DIE gives the DIEs it is nested in, which
 * for inlined code are the functions it was inlined into, up to the
 * subprogram the machine code belongs to.  Each inlined_subroutine's
 * DW_AT_call_file/DW_AT_call_line is the line in the next one out that
 * called it. */

static int is_function(Dwarf_Die *die)
{
    int tag = dw.dwarf_tag(die);
    return tag == DW_TAG_inlined_subroutine || tag == DW_TAG_subprogram;
}

/* An inlined_subroutine names its function through DW_AT_abstract_origin,
 * which dwarf_attr_integrate follows.  The linkage name first, as the
 * symbol table names functions. */
static void die_name(Dwarf_Die *die, char *dst, size_t size)
{
    Dwarf_Attribute attr;
    const char *name = NULL;
    if (dw.dwarf_attr_integrate(die, DW_AT_linkage_name, &attr))
        name = dw.dwarf_formstring(&attr);
    if (!name && dw.dwarf_attr_integrate(die, DW_AT_name, &attr))
        name = dw.dwarf_formstring(&attr);
    copy_str(dst, size, name ? name : "");
}

/* Where the inlined_subroutine `die` was called from, into `out`. */
static void call_site(Dwarf_Die *cudie, Dwarf_Die *die, struct eg_symbol *out)
{
    Dwarf_Attribute attr;
    Dwarf_Word file_index, line;
    Dwarf_Files *files;
    size_t n_files;
    if (!dw.dwarf_attr_integrate(die, DW_AT_call_file, &attr) ||
        dw.dwarf_formudata(&attr, &file_index) != 0 ||
        !dw.dwarf_attr_integrate(die, DW_AT_call_line, &attr) ||
        dw.dwarf_formudata(&attr, &line) != 0 ||
        dw.dwarf_getsrcfiles(cudie, &files, &n_files) != 0 || file_index >= n_files)
        return;
    const char *file = dw.dwarf_filesrc(files, file_index, NULL, NULL);
    if (file) {
        copy_str(out->file, sizeof out->file, file);
        out->line = (int)line;
    }
}

enum { CHAIN_MAX = 2 * EG_INLINE_MAX };

/* The functions at `addr`, innermost first, into chain[0..CHAIN_MAX):
 * the inlined ones, then the one they were inlined into, each with its
 * line but the innermost (the line table has it).  Returns how many, 0
 * when the code is not inlined (or nothing is known). */
static int inline_chain(Dwfl_Module *mod, Dwarf_Addr addr, struct eg_symbol *chain)
{
    Dwarf_Addr bias;
    Dwarf_Die *cudie = dw.dwfl_module_addrdie(mod, addr, &bias);
    Dwarf_Die *scopes = NULL, *nest = NULL;
    if (!cudie)
        return 0;
    int n_scopes = dw.dwarf_getscopes(cudie, addr - bias, &scopes);
    int innermost = 0;
    while (innermost < n_scopes && !is_function(&scopes[innermost]))
        innermost++;
    int n = 0;
    if (innermost < n_scopes && dw.dwarf_tag(&scopes[innermost]) == DW_TAG_inlined_subroutine) {
        /* nest[0] is the innermost inlined_subroutine itself */
        int n_nest = dw.dwarf_getscopes_die(&scopes[innermost], &nest);
        Dwarf_Die *inner = NULL; /* the function met before, inside this one */
        for (int i = 0; i < n_nest && n < CHAIN_MAX; i++) {
            if (!is_function(&nest[i]))
                continue;
            memset(&chain[n], 0, sizeof chain[n]);
            die_name(&nest[i], chain[n].function, sizeof chain[n].function);
            if (inner)
                call_site(cudie, inner, &chain[n]);
            inner = &nest[i];
            chain[n].inlined = dw.dwarf_tag(&nest[i]) == DW_TAG_inlined_subroutine;
            if (!chain[n++].inlined)
                break;
        }
        /* deeper than CHAIN_MAX: the outermost ones are lost, and the
         * symbol table's name goes on the last one kept */
    }
    free(nest);
    free(scopes);
    return n;
}

int eg_symbolize_inline(const char *module, uint64_t vaddr, struct eg_symbol *frames, int max)
{
    struct eg_symbol outer;
    if (max < 1 || !eg_symbolize(module, vaddr, &outer))
        return 0;
    Dwarf_Addr addr;
    Dwfl_Module *mod = module_at(module, vaddr, &addr);
    struct eg_symbol chain[CHAIN_MAX];
    int n = mod ? inline_chain(mod, addr, chain) : 0;
    if (n < 2) {
        frames[0] = outer;
        return 1;
    }
    /* the line table's line is the innermost inlined function's; the
     * outermost is the function the symbol table names (its linkage name,
     * with its offset), at the line that called the inlines */
    copy_str(chain[0].file, sizeof chain[0].file, outer.file);
    chain[0].line = outer.line;
    struct eg_symbol *last = &chain[n - 1];
    last->inlined = 0;
    if (outer.function[0]) {
        copy_str(last->function, sizeof last->function, outer.function);
        last->function_offset = outer.function_offset;
    }
    int kept = n > max ? max : n; /* the innermost ones go first */
    for (int i = 0; i < kept; i++)
        frames[i] = chain[n - kept + i];
    return kept;
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

/* ---- which frames a person is shown ---- */

static int starts_with(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

enum eg_frame_class eg_frame_class(const char *module, const char *function)
{
    static const char *const libc[] = {"libc.so", "libc-", "ld-linux", "libpthread.so",
                                       "libdl.so"};
    /* the start code: crt1.o's _start in the program (or the loader's),
     * libc's __libc_start_main and __libc_start_call_main, and a thread's
     * start_thread and clone3 (clone before glibc 2.34) */
    static const char *const start[] = {"_start", "_dl_start_user", "start_thread", "clone3",
                                        "clone", "__clone", "__clone3", "__clone_internal"};
    if (function) {
        if (starts_with(function, "__libc_start_"))
            return EG_FRAME_START;
        for (size_t i = 0; i < sizeof start / sizeof *start; i++)
            if (strcmp(function, start[i]) == 0)
                return EG_FRAME_START;
    }
    if (!module)
        return EG_FRAME_OTHER;
    const char *slash = strrchr(module, '/');
    const char *base = slash ? slash + 1 : module;
    if (starts_with(base, "libexitguard"))
        return EG_FRAME_EXITGUARD;
    for (size_t i = 0; i < sizeof libc / sizeof *libc; i++)
        if (starts_with(base, libc[i]))
            return EG_FRAME_LIBC;
    return EG_FRAME_OTHER;
}

static int is_plumbing(unsigned char class)
{
    return class == EG_FRAME_EXITGUARD || class == EG_FRAME_LIBC;
}

void eg_frames_shown(const unsigned char *classes, unsigned n, unsigned *first, unsigned *end)
{
    /* the top: exitguard's frames, then libc's under the public call, as
     * long as a frame of the program's (or another library's) follows --
     * a stack all in libc (a loader's own open) is shown whole */
    unsigned top = 0;
    while (top < n && is_plumbing(classes[top]))
        top++;
    if (top == n || classes[top] == EG_FRAME_START) {
        top = 0;
        while (top < n && classes[top] == EG_FRAME_EXITGUARD)
            top++;
        if (top == n)
            top = 0;
    }
    /* the bottom: from the first start frame down, and the libc and
     * loader frames right above it (call_init running a constructor,
     * exitguard's thread trampoline) */
    unsigned bottom = top;
    while (bottom < n && classes[bottom] != EG_FRAME_START)
        bottom++;
    while (bottom > top + 1 && is_plumbing(classes[bottom - 1]))
        bottom--;
    if (bottom == top)
        bottom = n; /* the whole stack is start code: shown as it is */
    *first = top;
    *end = bottom;
}
