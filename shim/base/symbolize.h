/* Address to function, file and line, for reports and the command-line
 * tool; and which frames of a stack a person is shown.  libdw is loaded
 * with dlopen on first use: linking it would load libdw, libelf and their
 * compression libraries into every process that preloads exitguard, most
 * of which never symbolize anything. */
#ifndef EXITGUARD_SYMBOLIZE_H
#define EXITGUARD_SYMBOLIZE_H

#include <stdint.h>

struct eg_symbol {
    char function[256];   /* "" if unknown; demangling not required */
    char file[512];       /* "" if unknown: source file, as recorded in DWARF (absolute if the CU gives a comp_dir) */
    int line;             /* 0 if unknown */
    uint64_t function_offset; /* vaddr - start of function symbol, when function known */
    int inlined;          /* eg_symbolize_inline: this function was inlined into the next one */
};

/* Symbolizes the ELF virtual address `vaddr` (i.e. pc minus the module's load bias,
 * what `addr2line -e module` takes) inside the ELF file `module`.
 * Returns 1 if a function or a file:line was found, 0 otherwise (out zeroed).
 * The function is the symbol `vaddr` lies in (without a symbol version:
 * "__libc_start_main", not "__libc_start_main@@GLIBC_2.34"); in a stripped
 * module, the nearest exported one (.dynsym), function_offset saying how
 * far.  file:line is the line table's, which for inlined code is a line of
 * the inlined function: eg_symbolize_inline tells them apart.
 * Not async-signal-safe: allocates; call only on the normal exit path or in tools.
 * Not thread-safe either: the module cache is unlocked static state.
 * `module` must be an absolute path; others (e.g. "" or "linux-vdso.so.1"
 * from a link_map) give 0.  Cached modules may hold a file descriptor
 * (a separate debug file) until eg_symbolize_end. */
int eg_symbolize(const char *module, uint64_t vaddr, struct eg_symbol *out);

/* The function alone (function, function_offset), from the symbol table:
 * what a frame's class is decided on (eg_frame_class).  No DWARF is read:
 * the line table of a frame that is not shown costs more than the rest
 * of a run (libc6-dbg's .debug_info is 2.3 MB of zlib to inflate). */
int eg_symbol_name(const char *module, uint64_t vaddr, struct eg_symbol *out);

/* The source-level frames at `vaddr`, innermost first, as `addr2line -i`
 * gives them: for code inlined from other functions, each inlined
 * function (inlined = 1) with its line -- the innermost's is vaddr's
 * line, each outer one's the line that called the inline below it -- then
 * the function the code is in, as eg_symbolize names it (inlined = 0),
 * with the call site in it.  Without inlining, one frame, the same as
 * eg_symbolize.  At most `max` frames (the outermost always among them:
 * the innermost ones are dropped); returns how many (0: nothing known). */
#define EG_INLINE_MAX 8
int eg_symbolize_inline(const char *module, uint64_t vaddr, struct eg_symbol *frames,
                        int max);

/* Frees everything eg_symbolize cached (modules, libdw handle). */
void eg_symbolize_end(void);

/* ---- which frames a person is shown ----
 *
 * The stack recorded for an acquisition starts where the program's call
 * left for libc and ends in the start code.  People are shown from the
 * caller's call site to the program's outermost function, as the
 * sanitizers do: the leading frames inside exitguard, libc and the dynamic
 * loader (fopen's _IO_new_file_fopen and the like, exitguard's
 * interposers) and the start code at the bottom (_start,
 * __libc_start_main, start_thread, clone3 and the loader's or libc's
 * frames right above them) are hidden.  One rule for the library's text
 * report and the command. */
enum eg_frame_class {
    EG_FRAME_OTHER,     /* the program's, or another library's */
    EG_FRAME_EXITGUARD, /* libexitguard.so */
    EG_FRAME_LIBC,      /* libc, libpthread, libdl, the dynamic loader */
    EG_FRAME_START,     /* the start code of a process or a thread */
};
/* `module`: the frame's module path (NULL if unknown); `function`: its
 * function as eg_symbolize names it (NULL if unknown). */
enum eg_frame_class eg_frame_class(const char *module, const char *function);
/* Given each frame's class, the frames shown are [*first, *end): never
 * none when n > 0. */
void eg_frames_shown(const unsigned char *classes, unsigned n, unsigned *first, unsigned *end);

#endif
