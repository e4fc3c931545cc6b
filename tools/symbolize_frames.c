#include "symbolize_frames.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "symbolize.h"

/* What eg_symbolize found, as the keys to add to a frame ({} if nothing). */
static json_t *look_up(const char *module, uint64_t vaddr)
{
    json_t *keys = json_object();
    struct eg_symbol symbol;
    if (keys && vaddr && eg_symbolize(module, vaddr, &symbol)) {
        if (symbol.function[0])
            json_object_set_new(keys, "function", json_string(symbol.function));
        if (symbol.file[0]) {
            json_object_set_new(keys, "file", json_string(symbol.file));
            json_object_set_new(keys, "line", json_integer(symbol.line));
        }
    }
    return keys;
}

/* A frame of a stack holds a return address: it points after the call,
 * maybe at the next line or function, so the call itself is looked up.
 * A frame that names a function (a finalizer, a thread's start routine)
 * holds the function's own address. */
enum frame_kind { RETURN_ADDRESS, FUNCTION_ADDRESS };

/* cache: "module+vaddr" -> keys.  The same few frames recur in every
 * process of a build (main, the libc start code), each looked up once. */
static void symbolize_frame(json_t *frame, enum frame_kind kind, json_t *cache)
{
    const char *module = json_string_value(json_object_get(frame, "module"));
    const char *offset_text = json_string_value(json_object_get(frame, "offset"));
    if (!module || !offset_text)
        return;
    uint64_t vaddr = strtoull(offset_text, NULL, 16);
    if (kind == RETURN_ADDRESS && vaddr)
        vaddr--;
    char key[4096];
    snprintf(key, sizeof key, "%s+%" PRIx64, module, vaddr);
    json_t *keys = json_object_get(cache, key);
    if (!keys) {
        keys = look_up(module, vaddr);
        if (!keys)
            return;
        json_object_set_new(cache, key, keys);
    }
    json_object_update(frame, keys);
}

static void symbolize_stack(json_t *item, const char *key, json_t *cache)
{
    size_t i;
    json_t *frame;
    json_array_foreach(json_object_get(item, key), i, frame)
        symbolize_frame(frame, RETURN_ADDRESS, cache);
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
            symbolize_frame(json_object_get(item, function), FUNCTION_ADDRESS, cache);
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
        symbolize_section(report, "finalizers", "fn", cache);
        symbolize_section(report, "threads", "start", cache);
    }
    json_decref(cache);
    /* the module cache holds descriptors: close them now, not at exit */
    eg_symbolize_end();
}
