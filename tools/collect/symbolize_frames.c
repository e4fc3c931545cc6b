#include "symbolize_frames.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "symbolize.h"

/* The keys eg_symbol adds to a frame.  A function offset only where there
 * is no line: all a stripped module gives ("load_settings+0x2c").
 * `call`: the frame holds a return address, and symbol was looked up one
 * byte before it; the offset shown is the return address's, as gdb and
 * the module+offset show it. */
static json_t *symbol_keys(const struct eg_symbol *symbol, int call)
{
    json_t *keys = json_object();
    if (!keys)
        return NULL;
    if (symbol->function[0]) {
        json_object_set_new(keys, "function", json_string(symbol->function));
        if (!symbol->file[0] && symbol->function_offset + call) {
            char offset[32];
            snprintf(offset, sizeof offset, "%#" PRIx64, symbol->function_offset + call);
            json_object_set_new(keys, "function_offset", json_string(offset));
        }
    }
    if (symbol->file[0]) {
        json_object_set_new(keys, "file", json_string(symbol->file));
        json_object_set_new(keys, "line", json_integer(symbol->line));
    }
    if (symbol->inlined)
        json_object_set_new(keys, "inlined", json_true());
    return keys;
}

/* The frames a return address stands for, innermost first, as the keys
 * to add to a copy of the frame each: several where functions were
 * inlined at the call, [{}] where nothing is known. */
static json_t *look_up_call(const char *module, uint64_t vaddr)
{
    json_t *levels = json_array();
    struct eg_symbol symbols[EG_INLINE_MAX];
    int n = vaddr ? eg_symbolize_inline(module, vaddr - 1, symbols, EG_INLINE_MAX) : 0;
    for (int i = 0; levels && i < n; i++)
        json_array_append_new(levels, symbol_keys(&symbols[i], 1));
    if (levels && n == 0)
        json_array_append_new(levels, json_object());
    return levels;
}

/* What the symbol table alone says of a return address: the function a
 * frame's class is decided on, and all a hidden frame is given -- its line
 * tables are not read (libc's start code would inflate libc's whole debug
 * file, in every run). */
static json_t *look_up_name(const char *module, uint64_t vaddr)
{
    struct eg_symbol symbol;
    if (vaddr && eg_symbol_name(module, vaddr - 1, &symbol))
        return symbol_keys(&symbol, 1);
    return json_object();
}

/* A frame naming a function (a finalizer, a thread's start routine) holds
 * the function's own address: no inlining there. */
static json_t *look_up_function(const char *module, uint64_t vaddr)
{
    struct eg_symbol symbol;
    if (vaddr && eg_symbolize(module, vaddr, &symbol))
        return symbol_keys(&symbol, 0);
    return json_object();
}

enum lookup { CALL = 'c', FUNCTION = 'f', NAME = 'n' };

/* cache: "module+offset" -> what was found (levels for a call, keys for a
 * function or a name).  The same few frames recur in every process of a
 * build (main, the libc start code), each looked up once. */
static json_t *cached(json_t *frame, enum lookup what, json_t *cache)
{
    const char *module = json_string_value(json_object_get(frame, "module"));
    const char *offset_text = json_string_value(json_object_get(frame, "offset"));
    if (!module || !offset_text)
        return NULL;
    char key[4096];
    snprintf(key, sizeof key, "%c%s+%s", (char)what, module, offset_text);
    json_t *found = json_object_get(cache, key);
    if (!found) {
        uint64_t vaddr = strtoull(offset_text, NULL, 16);
        found = what == CALL       ? look_up_call(module, vaddr)
                : what == FUNCTION ? look_up_function(module, vaddr)
                                   : look_up_name(module, vaddr);
        if (!found)
            return NULL;
        json_object_set_new(cache, key, found);
    }
    return found;
}

static void symbolize_function(json_t *frame, json_t *cache)
{
    json_t *keys = cached(frame, FUNCTION, cache);
    if (keys)
        json_object_update(frame, keys);
}

/* The frames the summary leaves out (symbolize.h), as the symbol table
 * names them: [*first, *end) is shown.  0 if out of memory. */
static int shown(json_t *stack, json_t *cache, unsigned *first, unsigned *end)
{
    size_t n = json_array_size(stack);
    unsigned char *classes = malloc(n ? n : 1);
    if (!classes)
        return 0;
    for (size_t i = 0; i < n; i++) {
        json_t *frame = json_array_get(stack, i);
        json_t *name = cached(frame, NAME, cache);
        classes[i] = (unsigned char)eg_frame_class(
            json_string_value(json_object_get(frame, "module")),
            json_string_value(json_object_get(name, "function")));
    }
    eg_frames_shown(classes, (unsigned)n, first, end);
    free(classes);
    return 1;
}

/* A copy of frame with keys added (none if keys is NULL). */
static json_t *with_keys(json_t *frame, json_t *keys)
{
    json_t *copy = json_copy(frame);
    if (copy && keys)
        json_object_update(copy, keys);
    return copy;
}

/* Replaces item[key] by its frames symbolized: each return address the
 * summary shows becomes one frame per function at the call, innermost
 * first, the ones inlined into the next marked "inlined"; the others are
 * named by their symbol alone and marked "hidden" -- whatever the options,
 * since a finding's identity (baselines, rules) reads every frame; each
 * keeps its pc, module and offset. */
static void symbolize_stack(json_t *item, const char *key, json_t *cache)
{
    json_t *stack = json_object_get(item, key);
    unsigned first, end;
    if (!json_is_array(stack) || !shown(stack, cache, &first, &end))
        return;
    json_t *frames = json_array();
    if (!frames)
        return;
    size_t i, j;
    json_t *frame, *keys;
    json_array_foreach(stack, i, frame) {
        if (i < first || i >= end) { /* the summary leaves it out */
            json_t *copy = with_keys(frame, cached(frame, NAME, cache));
            if (copy)
                json_object_set_new(copy, "hidden", json_true());
            json_array_append_new(frames, copy);
            continue;
        }
        json_t *levels = cached(frame, CALL, cache);
        if (!levels || json_array_size(levels) == 0) {
            json_array_append(frames, frame);
            continue;
        }
        json_array_foreach(levels, j, keys)
            json_array_append_new(frames, with_keys(frame, keys));
    }
    json_object_set_new(item, key, frames);
}

/* Every item of report[section]: its stacks and its function frame. */
static void symbolize_section(json_t *report, const char *section, const char *function,
                              json_t *cache)
{
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(report, section), i, item) {
        symbolize_stack(item, "stack", cache);
        symbolize_stack(item, "earlier_stack", cache);
        if (function)
            symbolize_function(json_object_get(item, function), cache);
    }
}

void symbolize_reports(json_t *reports)
{
    json_t *cache = json_object();
    if (!cache)
        return;
    size_t i;
    json_t *report;
    json_array_foreach(reports, i, report) {
        symbolize_section(report, "leaks", NULL, cache);
        symbolize_section(report, "errors", NULL, cache);
        symbolize_section(report, "tempfiles", NULL, cache);
        symbolize_section(report, "children", NULL, cache);
        symbolize_section(report, "finalizers", "fn", cache);
        symbolize_section(report, "threads", "start", cache);
    }
    json_decref(cache);
    /* the module cache holds descriptors: close them now, not at exit */
    eg_symbolize_end();
}
