#define _GNU_SOURCE
#include "report_parts.h"
#include "self_exe.h"

#include <dlfcn.h>
#include <link.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "depot.h"
#include "options.h"
#include "registry.h"
#include "symbolize.h"

/* ---- frames ---- */

struct frame {
    uint64_t pc;
    const char *module; /* NULL if unknown */
    uint64_t vaddr;     /* pc in the module's ELF address space */
};

/* _dl_find_object is async-signal-safe (glibc >= 2.35); dladdr is not. */
static void locate(uint64_t pc, struct frame *f)
{
    f->pc = pc;
    f->module = 0;
    f->vaddr = pc;
    struct dl_find_object obj;
    if (_dl_find_object((void *)(uintptr_t)pc, &obj) != 0 || !obj.dlfo_link_map)
        return;
    f->module = obj.dlfo_link_map->l_name[0] ? obj.dlfo_link_map->l_name : eg_self_exe();
    f->vaddr = pc - obj.dlfo_link_map->l_addr;
}

/* Not sigabbrev_np: GLIBC_2.32, a version more for the loader to check
 * in every process (callgrind); no pointers, each a relocation. */
static const char abbrevs[][8] = {
    [SIGHUP] = "HUP",   [SIGINT] = "INT",       [SIGQUIT] = "QUIT", [SIGILL] = "ILL",
    [SIGTRAP] = "TRAP", [SIGABRT] = "ABRT",     [SIGBUS] = "BUS",   [SIGFPE] = "FPE",
    [SIGKILL] = "KILL", [SIGUSR1] = "USR1",     [SIGSEGV] = "SEGV", [SIGUSR2] = "USR2",
    [SIGPIPE] = "PIPE", [SIGALRM] = "ALRM",     [SIGTERM] = "TERM",
#ifdef SIGSTKFLT
    [SIGSTKFLT] = "STKFLT",
#endif
    [SIGCHLD] = "CHLD", [SIGCONT] = "CONT",     [SIGSTOP] = "STOP", [SIGTSTP] = "TSTP",
    [SIGTTIN] = "TTIN", [SIGTTOU] = "TTOU",     [SIGURG] = "URG",   [SIGXCPU] = "XCPU",
    [SIGXFSZ] = "XFSZ", [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF", [SIGWINCH] = "WINCH",
    [SIGPOLL] = "POLL",
#ifdef SIGPWR
    [SIGPWR] = "PWR",
#endif
    [SIGSYS] = "SYS",
};

const char *eg_signal_name(int sig, char *buf)
{
    const char *abbrev =
        sig > 0 && sig < (int)(sizeof abbrevs / sizeof abbrevs[0]) && abbrevs[sig][0] ? abbrevs[sig]
                                                                                       : 0;
    strcpy(buf, "SIG");
    strncat(buf, abbrev ? abbrev : "?", 12);
    return buf;
}

void eg_json_frame(struct eg_writer *w, uint64_t pc)
{
    struct frame f;
    locate(pc, &f);
    eg_w_str(w, "{\"pc\":\"");
    eg_w_hex(w, f.pc);
    eg_w_char(w, '"');
    if (f.module) {
        eg_w_str(w, ",\"module\":");
        eg_w_json_str(w, f.module);
        eg_w_str(w, ",\"offset\":\"");
        eg_w_hex(w, f.vaddr);
        eg_w_char(w, '"');
    }
    eg_w_char(w, '}');
}

void eg_json_signal(struct eg_writer *w, int sig)
{
    char name[20];
    eg_w_str(w, "\"signal\":");
    eg_w_i64(w, sig);
    eg_w_str(w, ",\"name\":\"");
    eg_w_str(w, eg_signal_name(sig, name));
    eg_w_char(w, '"');
}

void eg_json_stack(struct eg_writer *w, uint32_t id)
{
    const uint64_t *pcs = 0;
    unsigned n = eg_depot_get(id, &pcs);
    eg_w_char(w, '[');
    for (unsigned i = 0; i < n; i++) {
        if (i)
            eg_w_char(w, ',');
        eg_json_frame(w, pcs[i]);
    }
    eg_w_char(w, ']');
}

void eg_text_prefix(struct eg_writer *w)
{
    eg_w_str(w, "==");
    eg_w_i64(w, eg_report_pid());
    eg_w_str(w, "== ");
}

void eg_text_item(struct eg_writer *w)
{
    eg_text_prefix(w);
    eg_w_char(w, '\n');
    eg_text_prefix(w);
}

/* " in fn file:line", or " in fn+0x1a" where only the symbol is known (a
 * stripped module's nearest exported function).  `is_return`: the symbol
 * was looked up a byte before the return address, whose offset is shown
 * (as gdb and module+offset show it). */
static void text_symbol(struct eg_writer *w, const struct eg_symbol *sym, int is_return)
{
    if (sym->function[0]) {
        eg_w_str(w, " in ");
        eg_w_str(w, sym->function);
        if (!sym->file[0] && sym->function_offset + is_return) {
            eg_w_char(w, '+');
            eg_w_hex(w, sym->function_offset + is_return);
        }
    }
    if (sym->file[0]) {
        eg_w_char(w, ' ');
        eg_w_str(w, sym->file);
        eg_w_char(w, ':');
        eg_w_i64(w, sym->line);
    }
}

static void text_module(struct eg_writer *w, const struct frame *f)
{
    if (f->module) {
        eg_w_str(w, " (");
        eg_w_str(w, f->module);
        eg_w_char(w, '+');
        eg_w_hex(w, f->vaddr);
        eg_w_char(w, ')');
    }
}

/* " 0x... in fn file:line (module+offset)", no newline.  A return address
 * points after its call: `is_return` looks up the call itself. */
void eg_text_frame(struct eg_writer *w, uint64_t pc, int is_return, int symbolize)
{
    struct frame f;
    locate(pc, &f);
    eg_w_char(w, ' ');
    eg_w_hex(w, f.pc);
    struct eg_symbol sym;
    if (symbolize && f.module && eg_symbolize(f.module, f.vaddr - (is_return ? 1 : 0), &sym))
        text_symbol(w, &sym, is_return);
    text_module(w, &f);
}

/* The frames of one return address, numbered from *number on: with
 * symbols, one line per function inlined at the call, innermost first. */
static void text_call(struct eg_writer *w, uint64_t pc, int symbolize, unsigned *number)
{
    struct frame f;
    locate(pc, &f);
    struct eg_symbol syms[EG_INLINE_MAX];
    int n = symbolize && f.module ? eg_symbolize_inline(f.module, f.vaddr - 1, syms,
                                                        EG_INLINE_MAX) : 0;
    for (int i = 0; i < (n ? n : 1); i++) {
        eg_text_prefix(w);
        eg_w_str(w, "    #");
        eg_w_i64(w, (*number)++);
        eg_w_char(w, ' ');
        eg_w_hex(w, f.pc);
        if (n)
            text_symbol(w, &syms[i], 1);
        text_module(w, &f);
        eg_w_char(w, '\n');
    }
}

/* What eg_frames_shown needs to know of a frame: its module, and with
 * symbols its function (to see the start code), from the symbol table
 * alone: the line tables are read only for the frames shown. */
static unsigned char frame_class(uint64_t pc, int symbolize)
{
    struct frame f;
    locate(pc, &f);
    struct eg_symbol sym;
    int named = symbolize && f.module && eg_symbol_name(f.module, f.vaddr - 1, &sym);
    return (unsigned char)eg_frame_class(f.module, named ? sym.function : NULL);
}

/* The frames a person is shown (symbolize.h): from the program's call
 * site to its outermost function. */
void eg_text_stack(struct eg_writer *w, uint32_t id, int symbolize)
{
    const uint64_t *pcs = 0;
    unsigned n = eg_depot_get(id, &pcs);
    if (!n) {
        eg_text_prefix(w);
        eg_w_str(w, eg_options.stack_depth ? "    (no stack)\n"
                                           : "    (stack_depth=0: no stack recorded)\n");
        return;
    }
    unsigned char classes[64];
    if (n > sizeof classes)
        n = sizeof classes;
    for (unsigned i = 0; i < n; i++)
        classes[i] = frame_class(pcs[i], symbolize);
    unsigned first, end, number = 0;
    eg_frames_shown(classes, n, &first, &end);
    for (unsigned i = first; i < end; i++)
        text_call(w, pcs[i], symbolize, &number);
}
