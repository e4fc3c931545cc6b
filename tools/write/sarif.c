#define _GNU_SOURCE
#include "sarif.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leak_identity.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

/* One rule per kind of leak, and one for fd misuses. */
enum { MISUSE = LEAK_KINDS, RULES };
static const struct rule {
    const char *id, *name, *text, *level;
} rules[RULES] = {
    [LEAK_FD] = {"fd-leak", "FdLeak", "File descriptor left open at exit", "error"},
    [LEAK_EXEC] = {"fd-leak-across-exec", "FdLeakAcrossExec",
                   "File descriptor handed to an exec'd program without O_CLOEXEC", "error"},
    [LEAK_PROCESS] = {"child-process-left", "ChildProcessLeft",
                      "Child process left running or unreaped at exit", "error"},
    [LEAK_TEMPFILE] = {"tempfile-left", "TempfileLeft", "Temporary file left on disk at exit",
                       "error"},
    /* shown, not counted as a finding (as in the summary) */
    [LEAK_THREAD] = {"thread-left-running", "ThreadLeftRunning", "Thread still running at exit",
                     "warning"},
    [MISUSE] = {"fd-misuse", "FdMisuse",
                "File descriptor closed twice, never opened, or closed under a FILE* or DIR*",
                "error"},
};

static json_t *rules_json(void)
{
    json_t *array = json_array();
    for (int i = 0; i < RULES; i++)
        json_array_append_new(
            array, json_pack("{s:s, s:s, s:{s:s}, s:{s:s}}", "id", rules[i].id, "name",
                             rules[i].name, "shortDescription", "text", rules[i].text,
                             "defaultConfiguration", "level", rules[i].level));
    return array;
}

char *uri_path(const char *path)
{
    static const char keep[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                               "0123456789-._~/";
    char *uri = malloc(3 * strlen(path) + 1), *out = uri;
    if (!uri)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (strchr(keep, *p))
            *out++ = (char)*p;
        else
            out += sprintf(out, "%%%02X", *p);
    }
    *out = '\0';
    return uri;
}

/* {"uri": "src/x.c", "uriBaseId": "SRCROOT"} or {"uri": "file:///abs/x.c"} */
static json_t *artifact_location(const char *file, const char *base_dir)
{
    size_t base_length = base_dir ? strlen(base_dir) : 0;
    while (base_length > 1 && base_dir[base_length - 1] == '/')
        base_length--;
    const char *relative = NULL;
    if (file[0] != '/')
        relative = strncmp(file, "./", 2) == 0 ? file + 2 : file;
    else if (base_dir && strncmp(file, base_dir, base_length) == 0 && file[base_length] == '/')
        relative = file + base_length + 1;
    char *encoded = uri_path(relative ? relative : file);
    json_t *location = NULL;
    if (encoded && relative) {
        location = json_pack("{s:s, s:s}", "uri", encoded, "uriBaseId", "SRCROOT");
    } else if (encoded) {
        char *uri = NULL;
        if (asprintf(&uri, "file://%s", encoded) >= 0)
            location = json_pack("{s:s}", "uri", uri);
        free(uri);
    }
    free(encoded);
    return location;
}

/* The first frame of the program's own code with a source line. */
static json_t *source_frame(json_t *stack)
{
    size_t i;
    json_t *frame;
    json_array_foreach(stack, i, frame) {
        if (!is_plumbing_frame(frame) && json_string_value(json_object_get(frame, "file")) &&
            json_integer_value(json_object_get(frame, "line")) >= 1)
            return frame;
    }
    return NULL;
}

/* Where the code-scanning view marks the leak: the source line, and the
 * function (or module+offset) as a logical location. */
static json_t *locations(json_t *stack, const char *base_dir)
{
    json_t *array = json_array();
    json_t *source = source_frame(stack);
    json_t *frame = source ? source : first_own_frame(stack);
    if (!frame)
        return array;
    json_t *location = json_object();
    if (source) {
        json_t *artifact =
            artifact_location(json_string_value(json_object_get(source, "file")), base_dir);
        if (artifact)
            json_object_set_new(
                location, "physicalLocation",
                json_pack("{s:o, s:{s:I}}", "artifactLocation", artifact, "region", "startLine",
                          json_integer_value(json_object_get(source, "line"))));
    }
    const char *function = json_string_value(json_object_get(frame, "function"));
    const char *module = json_string_value(json_object_get(frame, "module"));
    char *name = NULL;
    if (function)
        name = strdup(function);
    else if (module && asprintf(&name, "%s+%s", base_name(module),
                                json_string_value(json_object_get(frame, "offset")) ?: "?") < 0)
        name = NULL;
    if (name)
        json_object_set_new(location, "logicalLocations",
                            json_pack("[{s:s, s:s}]", "name", name, "kind",
                                      function ? "function" : "module"));
    free(name);
    json_array_append_new(array, location);
    return array;
}

static const char *string_at(json_t *object, const char *key)
{
    return json_string_value(json_object_get(object, key));
}

/* One line saying what leaked, without numbers that change from run to
 * run except the fd's (which helps find it in the summary); malloc'd. */
static char *message(int rule, json_t *item)
{
    char *text = NULL;
    size_t size = 0;
    FILE *to = open_memstream(&text, &size);
    if (!to)
        return NULL;
    const char *via = string_at(item, "via");
    switch (rule) {
    case LEAK_FD:
    case LEAK_EXEC:
        fprintf(to, "fd %s: %s", rule == LEAK_FD ? "left open at exit" : "handed across exec",
                string_at(item, "description") ?: string_at(item, "kind") ?: "?");
        if (via)
            fprintf(to, ", opened by %s", via);
        break;
    case LEAK_PROCESS:
        fprintf(to, "child process left: %s",
                json_string_value(json_array_get(json_object_get(item, "argv"), 0)) ?: "?");
        if (via)
            fprintf(to, ", started by %s", via);
        break;
    case LEAK_TEMPFILE:
        fprintf(to, "temp file left on disk: %s", string_at(item, "path") ?: "?");
        break;
    case LEAK_THREAD: {
        json_t *start = json_object_get(item, "start");
        fprintf(to, "thread still running, started in %s",
                string_at(start, "function") ?: string_at(start, "module") ?: "?");
        break;
    }
    default: {
        const char *kind = string_at(item, "kind") ?: "?";
        if (strcmp(kind, "double_close") == 0)
            fputs("fd closed twice", to);
        else if (strcmp(kind, "close_never_opened") == 0)
            fputs("close of an fd never opened", to);
        else if (strcmp(kind, "close_stream_fd") == 0)
            fprintf(to, "close of the fd of a live %s", string_at(item, "stream") ?: "FILE*");
        else
            fputs(kind, to);
        fprintf(to, ", by %s", via ? via : "close");
    }
    }
    if (fclose(to) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* FNV-1a: stable across runs and machines, which is all a fingerprint
 * needs to be. */
static uint64_t fingerprint(const char *identity)
{
    uint64_t hash = 0xcbf29ce484222325u;
    for (const unsigned char *p = (const unsigned char *)identity; *p; p++)
        hash = (hash ^ *p) * 0x100000001b3u;
    return hash;
}

/* The results so far, and by identity where each one is (to count a leak
 * met again instead of adding it twice). */
struct results {
    json_t *array;
    json_t *index;       /* identity -> position in array */
    json_t *occurrences; /* identity -> how many */
    const char *base_dir;
};

static void add_result(struct results *r, int rule, json_t *item, const char *identity)
{
    json_t *seen = json_object_get(r->index, identity);
    if (seen) {
        json_t *count = json_object_get(r->occurrences, identity);
        json_integer_set(count, json_integer_value(count) + 1);
        return;
    }
    char *text = message(rule, item);
    char hash[17];
    snprintf(hash, sizeof hash, "%016" PRIx64, fingerprint(identity));
    json_t *result = json_pack("{s:s, s:i, s:s, s:{s:s?}, s:o, s:{s:s}}", "ruleId",
                               rules[rule].id, "ruleIndex", rule, "level", rules[rule].level,
                               "message", "text", text, "locations",
                               locations(json_object_get(item, "stack"), r->base_dir),
                               "partialFingerprints", "exitguardLeak/v1", hash);
    free(text);
    if (!result)
        return;
    json_object_set_new(r->index, identity, json_integer((json_int_t)json_array_size(r->array)));
    json_object_set_new(r->occurrences, identity, json_integer(1));
    json_array_append_new(r->array, result);
}

/* " (3 times)" after the message of a leak met more than once. */
static void add_counts(struct results *r)
{
    const char *identity;
    json_t *position;
    json_object_foreach(r->index, identity, position) {
        json_int_t n = json_integer_value(json_object_get(r->occurrences, identity));
        if (n < 2)
            continue;
        json_t *result = json_array_get(r->array, (size_t)json_integer_value(position));
        json_t *text = json_object_get(json_object_get(result, "message"), "text");
        char *longer = NULL;
        if (asprintf(&longer, "%s (%lld times)", json_string_value(text), (long long)n) >= 0)
            json_string_set(text, longer);
        free(longer);
    }
}

static json_t *results_json(json_t *reports, const char *base_dir)
{
    struct results r = {json_array(), json_object(), json_object(), base_dir};
    size_t i, j;
    json_t *report, *item;
    json_array_foreach(reports, i, report) {
        for (int kind = 0; kind < LEAK_KINDS; kind++) {
            json_array_foreach(leak_array(report, (enum leak_kind)kind), j, item) {
                char *identity = leak_identity((enum leak_kind)kind, item);
                if (identity)
                    add_result(&r, kind, item, identity);
                free(identity);
            }
        }
        json_array_foreach(json_object_get(report, "errors"), j, item) {
            char prefix[64];
            snprintf(prefix, sizeof prefix, "misuse %s", string_at(item, "kind") ?: "?");
            char *identity = stack_identity(prefix, json_object_get(item, "stack"));
            if (identity)
                add_result(&r, MISUSE, item, identity);
            free(identity);
        }
    }
    add_counts(&r);
    json_decref(r.index);
    json_decref(r.occurrences);
    return r.array;
}

/* "file:///work/src/", the %SRCROOT% the relative URIs hang from. */
static json_t *base_ids(const char *base_dir)
{
    char *encoded = uri_path(base_dir), *uri = NULL;
    size_t length = encoded ? strlen(encoded) : 0;
    if (encoded &&
        asprintf(&uri, "file://%s%s", encoded, length && encoded[length - 1] == '/' ? "" : "/") < 0)
        uri = NULL;
    json_t *ids = uri ? json_pack("{s:{s:s}}", "SRCROOT", "uri", uri) : json_object();
    free(encoded);
    free(uri);
    return ids;
}

json_t *sarif_document(json_t *reports, const char *base_dir, const char *version,
                       const char *information_uri)
{
    json_t *driver = json_pack("{s:s, s:s, s:o}", "name", "exitguard", "version",
                               version ? version : "unknown", "rules", rules_json());
    if (driver && information_uri)
        json_object_set_new(driver, "informationUri", json_string(information_uri));
    json_t *run = json_pack("{s:{s:o}, s:o}", "tool", "driver", driver, "results",
                            results_json(reports, base_dir));
    if (run && base_dir)
        json_object_set_new(run, "originalUriBaseIds", base_ids(base_dir));
    return json_pack("{s:s, s:s, s:[o]}", "$schema", SARIF_SCHEMA, "version", "2.1.0", "runs", run);
}
