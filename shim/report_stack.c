#define _GNU_SOURCE
#include "report_parts.h"

#include <dlfcn.h>
#include <link.h>
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

const char *eg_self_exe(void)
{
    static char path[1024];
    if (!path[0]) {
        ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
        path[n > 0 ? n : 0] = 0;
    }
    return path;
}

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

const char *eg_signal_name(int sig, char *buf)
{
    const char *abbrev = sigabbrev_np(sig);
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
    eg_w_i64(w, eg_pid);
    eg_w_str(w, "== ");
}

void eg_text_item(struct eg_writer *w)
{
    eg_text_prefix(w);
    eg_w_char(w, '\n');
    eg_text_prefix(w);
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
    if (symbolize && f.module && eg_symbolize(f.module, f.vaddr - (is_return ? 1 : 0), &sym)) {
        if (sym.function[0]) {
            eg_w_str(w, " in ");
            eg_w_str(w, sym.function);
        }
        if (sym.file[0]) {
            eg_w_char(w, ' ');
            eg_w_str(w, sym.file);
            eg_w_char(w, ':');
            eg_w_i64(w, sym.line);
        }
    }
    if (f.module) {
        eg_w_str(w, " (");
        eg_w_str(w, f.module);
        eg_w_char(w, '+');
        eg_w_hex(w, f.vaddr);
        eg_w_char(w, ')');
    }
}

void eg_text_stack(struct eg_writer *w, uint32_t id, int symbolize)
{
    const uint64_t *pcs = 0;
    unsigned n = eg_depot_get(id, &pcs);
    if (!n) {
        eg_text_prefix(w);
        eg_w_str(w, eg_options.stack_depth ? "    (no stack)\n"
                                           : "    (stack_depth=0: no stack recorded)\n");
    }
    for (unsigned i = 0; i < n; i++) {
        eg_text_prefix(w);
        eg_w_str(w, "    #");
        eg_w_i64(w, i);
        eg_text_frame(w, pcs[i], 1, symbolize);
        eg_w_char(w, '\n');
    }
}
