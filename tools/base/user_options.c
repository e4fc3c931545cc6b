#define _GNU_SOURCE
#include "user_options.h"

#include <stdlib.h>
#include <string.h>

#include "child_policy.h"
#include "duration.h"
#include "options.h"

/* The library ignores a report= value it does not know and keeps the one
 * before, so only these replace it. */
static int valid_report(const char *value, size_t len)
{
    static const char *const formats[] = {"auto", "text", "json", "none"};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strlen(formats[i]) == len && memcmp(formats[i], value, len) == 0)
            return 1;
    return 0;
}

static int key_is(const char *item, size_t key_len, const char *key)
{
    return strlen(key) == key_len && memcmp(item, key, key_len) == 0;
}

static void replace(char **field, const char *value, size_t len)
{
    free(*field);
    *field = strndup(value, len);
}

void read_user_options(const char *text, struct user_options *out)
{
    *out = (struct user_options){.children = -1, .kill_grace_ms = -1};
    for (const char *item = text; item && *item;) {
        const char *end = strchrnul(item, ':');
        const char *eq = memchr(item, '=', (size_t)(end - item));
        if (eq) {
            size_t key_len = (size_t)(eq - item);
            const char *value = eq + 1;
            size_t len = (size_t)(end - value);
            int policy;
            long ms;
            /* a path the library finds too long it ignores, keeping the
             * value before: so must the command, or it would look for the
             * reports in a directory nothing writes to */
            if (key_is(item, key_len, "log_dir") && len < EG_PATH_MAX)
                replace(&out->log_dir, value, len);
            else if (key_is(item, key_len, "report") && valid_report(value, len))
                replace(&out->report, value, len);
            else if (key_is(item, key_len, "children") &&
                     (policy = child_policy_parse(value, len)) >= 0)
                out->children = policy;
            else if (key_is(item, key_len, "kill_grace") &&
                     (ms = eg_duration_ms(value, len)) >= 0 && ms <= KILL_GRACE_MAX_MS)
                out->kill_grace_ms = ms;
            else if (key_is(item, key_len, "suppressions") && len && len < EG_PATH_MAX)
                replace(&out->suppressions, value, len);
        }
        item = *end ? end + 1 : end;
    }
}

void free_user_options(struct user_options *options)
{
    free(options->log_dir);
    free(options->report);
    free(options->suppressions);
    *options = (struct user_options){.children = -1, .kill_grace_ms = -1};
}

int user_report_not_json(const struct user_options *options)
{
    /* "auto" means json whenever log_dir is set, and it always is */
    return options->report && (strcmp(options->report, "text") == 0 ||
                               strcmp(options->report, "none") == 0);
}
