#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"

char *capture_stderr(void (*fn)(void *), void *arg)
{
    char path[] = "/tmp/exitguard-stderr.XXXXXX";
    int fd = mkstemp(path);
    int saved = dup(2);
    dup2(fd, 2);
    fn(arg);
    dup2(saved, 2);
    close(saved);
    static char buf[4096];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    buf[n > 0 ? n : 0] = 0;
    close(fd);
    unlink(path);
    return buf;
}

static int bad;
static void parse(void *text) { bad = eg_options_parse(text); }

Test(options, defaults)
{
    cr_assert_str_empty(capture_stderr(parse, NULL));
    cr_assert_eq(bad, 0);
    cr_assert_eq(eg_options.stack_depth, 24);
    cr_assert_eq(eg_options.report, EG_REPORT_AUTO);
    cr_assert_str_empty(eg_options.log_dir);
    cr_assert_eq(eg_options.verbosity, 0);
}

/* Every process starts with the defaults as values (options.c): they must
 * be what the defaults' text, as help=1 shows it, parses to. */
Test(options, the_defaults_are_what_their_text_says)
{
    static const char every_default[] =
#define EG_OPTION(kind, name, def, limit, desc) #name "=" #def ":"
#include "options.def"
#undef EG_OPTION
        ;
    eg_options_parse(NULL);
    struct eg_options values = eg_options;
    cr_assert_str_empty(capture_stderr(parse, (void *)every_default), "%s", every_default);
    cr_assert_eq(bad, 0);
    cr_assert_eq(memcmp(&values, &eg_options, sizeof values), 0, "%s", every_default);
}

Test(options, every_key_and_last_one_wins)
{
    const char *text = "stack_depth=5:report=json:log_dir=/var/tmp/x:verbosity=1:stack_depth=0";
    cr_assert_str_empty(capture_stderr(parse, (void *)text));
    cr_assert_eq(bad, 0);
    cr_assert_eq(eg_options.stack_depth, 0);
    cr_assert_eq(eg_options.report, EG_REPORT_JSON);
    cr_assert_str_eq(eg_options.log_dir, "/var/tmp/x");
    cr_assert_eq(eg_options.verbosity, 1);
}

Test(options, unknown_key_is_named_with_a_suggestion)
{
    char *err = capture_stderr(parse, "stak_depth=3:report=text");
    cr_assert_str_eq(err, "exitguard: EXITGUARD_OPTIONS: unknown option 'stak_depth' "
                          "(did you mean 'stack_depth'?); ignored\n");
    cr_assert_eq(bad, 1);
    cr_assert_eq(eg_options.stack_depth, 24, "the default stays");
    cr_assert_eq(eg_options.report, EG_REPORT_TEXT, "the good key still applies");
}

Test(options, malformed_values_are_named_one_line_each)
{
    char *err = capture_stderr(parse, "stack_depth=abc:stack_depth=65:report=xml:verbosity");
    cr_assert_eq(bad, 4);
    cr_assert(strstr(err, "bad value 'abc' for 'stack_depth' (expected an integer from 0 to 64)"), "%s", err);
    cr_assert(strstr(err, "bad value '65' for 'stack_depth'"), "%s", err);
    cr_assert(strstr(err, "bad value 'xml' for 'report' (expected one of auto|text|json|none)"), "%s", err);
    cr_assert(strstr(err, "missing '=' in 'verbosity'"), "%s", err);
    int lines = 0;
    for (char *p = err; *p; p++)
        lines += *p == '\n';
    cr_assert_eq(lines, 4);
    cr_assert_eq(eg_options.stack_depth, 24);
}

Test(options, empty_items_are_harmless)
{
    cr_assert_str_empty(capture_stderr(parse, "::report=none::"));
    cr_assert_eq(eg_options.report, EG_REPORT_NONE);
}

static void help(void *arg) { (void)arg; eg_options_print_help(2); }

Test(options, help_lists_every_option_from_the_table)
{
    eg_options_parse(NULL);
    char *out = capture_stderr(help, NULL);
    const char *names[] = {"log_dir=", "report=", "stack_depth=", "verbosity=", "help="};
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
        cr_assert(strstr(out, names[i]), "help lacks %s:\n%s", names[i], out);
}
