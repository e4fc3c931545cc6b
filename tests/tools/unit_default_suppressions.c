/* The default suppressions: the shipped file parses, its rules take out
 * what bash, dash and make hold by design and nothing a script does
 * itself, and what they hid is counted and listed apart from the user's
 * rules. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "default_suppressions.h"
#include "fixtures.h"

/* A bash report: fd 255 on the script (move_to_high_fd, as bash's own
 * symbol table names it) and fd 3 from the script's `exec 3</etc/passwd`;
 * a dash report, stripped, with its script fd at dash+0xb739's call. */
static json_t *shell_reports(void)
{
    return parse_json(
        "[{\"pid\": 10, \"argv\": [\"bash\", \"run.sh\"], \"event\": \"exit\", \"leaks\": ["
        "  {\"fd\": 255, \"description\": \"file /w/run.sh\", \"target\": \"/w/run.sh\","
        "   \"stack\": [{\"module\": \"/usr/bin/bash\", \"offset\": \"0x3f443\","
        "               \"function\": \"move_to_high_fd\"},"
        "              {\"module\": \"/usr/bin/bash\", \"offset\": \"0x3120e\", \"function\": \"main\"}]},"
        "  {\"fd\": 3, \"description\": \"file /etc/passwd\", \"target\": \"/etc/passwd\","
        "   \"stack\": [{\"module\": \"/usr/bin/bash\", \"offset\": \"0x7e2c1\"},"
        "              {\"module\": \"/usr/bin/bash\", \"offset\": \"0x5a1d0\","
        "               \"function\": \"do_redirections\"}]}]},"
        " {\"pid\": 11, \"argv\": [\"sh\", \"run.sh\"], \"event\": \"exit\", \"leaks\": ["
        "  {\"fd\": 11, \"description\": \"file /w/run.sh\", \"target\": \"/w/run.sh\","
        "   \"stack\": [{\"module\": \"/usr/bin/dash\", \"offset\": \"0x127ad\"},"
        "              {\"module\": \"/usr/bin/dash\", \"offset\": \"0xb739\"}]},"
        "  {\"fd\": 3, \"description\": \"file /etc/passwd\", \"target\": \"/etc/passwd\","
        "   \"stack\": [{\"module\": \"/usr/bin/dash\", \"offset\": \"0x9f0e\"},"
        "              {\"module\": \"/usr/bin/dash\", \"offset\": \"0x4613\"}]}]}]");
}

static int fds_left(json_t *reports, size_t r)
{
    return (int)json_array_size(json_object_get(json_array_get(reports, r), "leaks"));
}

Test(default_suppressions, hide_the_shells_script_fds_and_never_the_scripts_own)
{
    struct default_suppressions defaults;
    load_default_suppressions(&defaults, "share/default.supp");
    cr_assert(defaults.path, "share/default.supp parses");
    json_t *reports = shell_reports();
    cr_assert_eq(apply_default_suppressions(&defaults, reports), 2);
    for (size_t r = 0; r < 2; r++) {
        cr_assert_eq(fds_left(reports, r), 1);
        json_t *left = json_array_get(json_object_get(json_array_get(reports, r), "leaks"), 0);
        cr_assert_eq(json_integer_value(json_object_get(left, "fd")), 3, "the script's own");
    }
    char *text = NULL;
    size_t size = 0;
    FILE *to = open_memstream(&text, &size);
    print_default_hidden(to, &defaults, 0);
    fclose(to);
    cr_assert_str_eq(text, "exitguard: 2 findings hidden by default suppressions (--verbose "
                           "lists them; --no-default-suppressions shows them)\n");
    free(text);
    to = open_memstream(&text, &size);
    print_default_hidden(to, &defaults, 1);
    fclose(to);
    cr_assert(strstr(text, "\n  bash run.sh (pid 10): fd 255: file /w/run.sh, by "
                           "fd:move_to_high_fd (share/default.supp:"), "%s", text);
    cr_assert(strstr(text, "\n  sh run.sh (pid 11): fd 11: file /w/run.sh, by fd:dash+0xb739 ("),
              "%s", text);
    free(text);
    json_t *used = default_suppressions_json(&defaults);
    cr_assert_eq(json_integer_value(json_object_get(used, "hidden")), 2,
                 "the --json document counts them too");
    size_t i, hid = 0;
    json_t *rule;
    json_array_foreach(json_object_get(used, "rules"), i, rule)
        hid += (size_t)json_integer_value(json_object_get(rule, "suppressed"));
    cr_assert_eq(hid, 2, "and each rule its own");
    json_decref(used);
    json_decref(reports);
    free_default_suppressions(&defaults);
}

Test(default_suppressions, none_loaded_hide_nothing_and_say_nothing)
{
    struct default_suppressions defaults;
    load_default_suppressions(&defaults, NULL);
    json_t *reports = shell_reports();
    cr_assert_eq(apply_default_suppressions(&defaults, reports), 0);
    cr_assert_eq(fds_left(reports, 0) + fds_left(reports, 1), 4);
    char *text = NULL;
    size_t size = 0;
    FILE *to = open_memstream(&text, &size);
    print_default_hidden(to, &defaults, 1);
    fclose(to);
    cr_assert_str_empty(text);
    free(text);
    cr_assert_null(default_suppressions_json(&defaults));
    json_decref(reports);
    free_default_suppressions(&defaults);
}
