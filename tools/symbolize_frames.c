#include "symbolize_frames.h"

#include <stdio.h>
#include <stdlib.h>

#include "symbolize.h"

/* What eg_symbolize found, as the keys to add to a frame ({} if nothing). */
static json_t *look_up(const char *module, uint64_t offset)
{
    json_t *keys = json_object();
    struct eg_symbol symbol;
    /* Every recorded frame is a return address: it points after the call,
     * maybe at the next line or function, so look up the call itself. */
    if (keys && offset && eg_symbolize(module, offset - 1, &symbol)) {
        if (symbol.function[0])
            json_object_set_new(keys, "function", json_string(symbol.function));
        if (symbol.file[0]) {
            json_object_set_new(keys, "file", json_string(symbol.file));
            json_object_set_new(keys, "line", json_integer(symbol.line));
        }
    }
    return keys;
}

/* cache: "module+offset" -> keys.  The same few frames recur in every
 * process of a build (main, the libc start code), each looked up once. */
static void symbolize_frame(json_t *frame, json_t *cache)
{
    const char *module = json_string_value(json_object_get(frame, "module"));
    const char *offset_text = json_string_value(json_object_get(frame, "offset"));
    if (!module || !offset_text)
        return;
    char key[4096];
    snprintf(key, sizeof key, "%s+%s", module, offset_text);
    json_t *keys = json_object_get(cache, key);
    if (!keys) {
        keys = look_up(module, strtoull(offset_text, NULL, 16));
        if (!keys)
            return;
        json_object_set_new(cache, key, keys);
    }
    json_object_update(frame, keys);
}

static void symbolize_stack(json_t *stack, json_t *cache)
{
    size_t i;
    json_t *frame;
    json_array_foreach(stack, i, frame)
        symbolize_frame(frame, cache);
}

void symbolize_reports(json_t *reports)
{
    json_t *cache = json_object();
    if (!cache)
        return;
    size_t i, j;
    json_t *report, *item;
    json_array_foreach(reports, i, report) {
        json_array_foreach(json_object_get(report, "leaks"), j, item)
            symbolize_stack(json_object_get(item, "stack"), cache);
        json_array_foreach(json_object_get(report, "errors"), j, item) {
            symbolize_stack(json_object_get(item, "stack"), cache);
            symbolize_stack(json_object_get(item, "earlier_stack"), cache);
        }
    }
    json_decref(cache);
    /* the module cache holds descriptors: close them now, not at exit */
    eg_symbolize_end();
}
