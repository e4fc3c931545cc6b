/* EXITGUARD_OPTIONS, as both of its readers take it: the library's parser
 * (shim/base/options.c, run in every traced process) and the command's
 * (tools/base/user_options.c, for the keys it needs itself).  They must agree
 * on those keys, or the command looks for reports where the library did
 * not write them. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "child_policy.h"
#include "options.h"
#include "user_options.h"

static const char *const report_words[] = {"auto", "text", "json", "none"};

static void disagree(const char *key, const char *text)
{
    fprintf(stderr, "library and command disagree on %s for EXITGUARD_OPTIONS=%s\n", key, text);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an environment variable ends at its first NUL */
    char *text = strndup((const char *)data, size);
    if (!text)
        return 0;
    eg_options_parse(text);
    struct user_options user;
    read_user_options(text, &user);

    if (strcmp(eg_options.log_dir, user.log_dir ? user.log_dir : "") != 0)
        disagree("log_dir", text);
    if (strcmp(report_words[eg_options.report], user.report ? user.report : "auto") != 0)
        disagree("report", text);
    if (eg_options.children != (user.children >= 0 ? user.children : CHILDREN_REPORT))
        disagree("children", text);
    if (eg_options.kill_grace !=
        (user.kill_grace_ms >= 0 ? user.kill_grace_ms : KILL_GRACE_DEFAULT_MS))
        disagree("kill_grace", text);
    free_user_options(&user);
    free(text);
    return 0;
}
