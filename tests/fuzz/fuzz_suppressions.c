/* A suppressions file (--suppressions FILE, suppressions= in
 * EXITGUARD_OPTIONS), read as the command reads it, then its rules
 * applied to a run's reports and listed as --json and the summary list
 * them. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "scratch.h"
#include "suppressions.h"

/* A process with a leak of every kind, symbolized, and a misuse. */
static const char reports_text[] =
    "[{\"exitguard_report\":2,\"pid\":7,\"argv\":[\"/usr/bin/prog\",\"-x\"],"
    "\"end\":{\"how\":\"exit\",\"status\":0},"
    "\"leaks\":[{\"kind\":\"file\",\"fd\":3,\"target\":\"/etc/passwd\",\"stack\":["
    "{\"pc\":\"0x1\",\"module\":\"/lib/libc.so.6\",\"function\":\"open\"},"
    "{\"pc\":\"0x2\",\"module\":\"/usr/bin/prog\",\"function\":\"load_settings\","
    "\"file\":\"/src/prog/settings.c\",\"line\":12}]}],"
    "\"tempfiles\":[{\"path\":\"/tmp/prog.a1\",\"fd\":4,\"stack\":[{\"function\":\"mkstemp\"}]}],"
    "\"children\":[{\"pid\":8,\"argv\":[\"sleep\",\"100\"],\"exe\":\"/usr/bin/sleep\","
    "\"state\":\"running\",\"stack\":[{\"function\":\"spawn\"}]}],"
    "\"threads\":[{\"tid\":9,\"start\":{\"function\":\"worker\",\"module\":\"/usr/lib/libw.so\"},"
    "\"stack\":[{\"function\":\"pthread_create\"}]}],"
    "\"errors\":[{\"kind\":\"double_close\",\"fd\":5,\"stack\":[{\"function\":\"cleanup\"}],"
    "\"earlier_stack\":[{\"function\":\"first_close\"}]}]}]";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = scratch_file("rules.supp", data, size);
    struct suppressions rules = {0};
    char error[1024];
    /* twice: a second file adds to the first */
    if (load_suppressions(&rules, path, error, sizeof error) == 0 &&
        load_suppressions(&rules, path, error, sizeof error) == 0) {
        json_t *reports = json_loads(reports_text, 0, NULL);
        if (!reports)
            abort();
        apply_suppressions(&rules, reports);
        json_t *used = suppressions_used_json(&rules);
        char *text = json_dumps(used, 0);
        free(text);
        json_decref(used);
        FILE *out = fopen("/dev/null", "we");
        print_suppressions_used(out, &rules);
        fclose(out);
        json_decref(reports);
    }
    free_suppressions(&rules);
    return 0;
}
