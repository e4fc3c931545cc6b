/* Address to function, file and line, for reports and the command-line
 * tool.  libdw is loaded with dlopen on first use: linking it would load
 * libdw, libelf and their compression libraries into every process that
 * preloads exitguard, most of which never symbolize anything. */
#ifndef EXITGUARD_SYMBOLIZE_H
#define EXITGUARD_SYMBOLIZE_H

#include <stdint.h>

struct eg_symbol {
    char function[256];   /* "" if unknown; demangling not required */
    char file[512];       /* "" if unknown: source file, as recorded in DWARF (absolute if the CU gives a comp_dir) */
    int line;             /* 0 if unknown */
    uint64_t function_offset; /* vaddr - start of function symbol, when function known */
};

/* Symbolizes the ELF virtual address `vaddr` (i.e. pc minus the module's load bias,
 * what `addr2line -e module` takes) inside the ELF file `module`.
 * Returns 1 if a function or a file:line was found, 0 otherwise (out zeroed).
 * Not async-signal-safe: allocates; call only on the normal exit path or in tools.
 * Not thread-safe either: the module cache is unlocked static state.
 * `module` must be an absolute path; others (e.g. "" or "linux-vdso.so.1"
 * from a link_map) give 0.  Cached modules may hold a file descriptor
 * (a separate debug file) until eg_symbolize_end. */
int eg_symbolize(const char *module, uint64_t vaddr, struct eg_symbol *out);

/* Frees everything eg_symbolize cached (modules, libdw handle). */
void eg_symbolize_end(void);

#endif
