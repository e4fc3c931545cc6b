#define _GNU_SOURCE
#include "user_options.h"

#include <stdlib.h>
#include <string.h>

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

static void replace(char **field, const char *value, size_t len)
{
    free(*field);
    *field = strndup(value, len);
}

void read_user_options(const char *text, struct user_options *out)
{
    *out = (struct user_options){0};
    for (const char *item = text; item && *item;) {
        const char *end = strchrnul(item, ':');
        const char *eq = memchr(item, '=', (size_t)(end - item));
        if (eq) {
            size_t key_len = (size_t)(eq - item);
            const char *value = eq + 1;
            size_t len = (size_t)(end - value);
            if (key_len == 7 && memcmp(item, "log_dir", 7) == 0)
                replace(&out->log_dir, value, len);
            else if (key_len == 6 && memcmp(item, "report", 6) == 0 && valid_report(value, len))
                replace(&out->report, value, len);
        }
        item = *end ? end + 1 : end;
    }
}

void free_user_options(struct user_options *options)
{
    free(options->log_dir);
    free(options->report);
    *options = (struct user_options){0};
}

int user_report_not_json(const struct user_options *options)
{
    /* "auto" means json whenever log_dir is set, and it always is */
    return options->report && (strcmp(options->report, "text") == 0 ||
                               strcmp(options->report, "none") == 0);
}
