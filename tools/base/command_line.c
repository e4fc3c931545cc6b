#include "command_line.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "child_policy.h"
#include "messages.h"
#include "duration.h"

/* X(id, name, value, description): value is NULL for a flag, and starts
 * with "[=" when it is optional (then given only as --name=VALUE: the
 * next word is COMMAND's). */
#define OPTIONS(X)                                                              \
    X(OPT_JSON, "json", "FILE", "write all reports, symbolized, as one JSON document") \
    X(OPT_JUNIT, "junit", "FILE", "write the run as JUnit XML (a testcase a process)") \
    X(OPT_SARIF, "sarif", "FILE", "write the leaks as SARIF 2.1.0 (code scanning)") \
    X(OPT_HTML, "html", "FILE", "write the run as one self-contained HTML page") \
    X(OPT_SUPPRESSIONS, "suppressions", "FILE",                                 \
      "leave out leaks FILE's KIND:PATTERN rules match")        \
    X(OPT_NO_DEFAULT_SUPPRESSIONS, "no-default-suppressions", NULL,             \
      "also show what programs hold by design")          \
    X(OPT_GEN_SUPPRESSIONS, "gen-suppressions", "[=FILE]",                      \
      "print rules for the leaks found (or into FILE)")       \
    X(OPT_BASELINE, "baseline", "FILE",                                         \
      "report only leaks not in FILE (an earlier --json)")         \
    X(OPT_OUTPUT, "output", "DIR", "keep the per-process reports in DIR") \
    X(OPT_ERROR_EXITCODE, "error-exitcode", "N",                                \
      "exit with N (0-255) if anything was found")                    \
    X(OPT_CHILDREN, "children", "POLICY",                                      \
      "left running: report, term (default), kill, group")          \
    X(OPT_KILL_GRACE, "kill-grace", "SECONDS",                                 \
      "from SIGTERM to SIGKILL (default 1)")            \
    X(OPT_QUIET, "quiet", NULL, "print only the final summary line")            \
    X(OPT_VERBOSE, "verbose", NULL,                                             \
      "list every process, and what the defaults hid")          \
    X(OPT_COLOR, "color", "WHEN",                                              \
      "color the summary: auto, always or never") \
    X(OPT_HELP, "help", NULL, "print this help and exit")                       \
    X(OPT_VERSION, "version", NULL, "print the version and exit")

enum option_id {
#define ID(id, name, value, description) id,
    OPTIONS(ID)
#undef ID
};

static const struct option {
    const char *name;
    const char *value;
    const char *description;
} options[] = {
#define ROW(id, name, value, description) {name, value, description},
    OPTIONS(ROW)
#undef ROW
};
enum { N_OPTIONS = sizeof options / sizeof options[0] };

static int optional_value(int i)
{
    return options[i].value && options[i].value[0] == '[';
}

void print_help(FILE *to)
{
    /* one screen (23 lines of 80 columns); the rest is in exitguard(1) */
    fputs("Usage: exitguard [OPTION]... [--] COMMAND [ARG]...\n"
          "Run COMMAND under libexitguard.so; report what its processes left behind.\n\n",
          to);
    for (int i = 0; i < N_OPTIONS; i++) {
        char left[40];
        snprintf(left, sizeof left, "--%s%s%s", options[i].name,
                 options[i].value && !optional_value(i) ? " " : "",
                 options[i].value ? options[i].value : "");
        fprintf(to, "  %-25s %s\n", left, options[i].description);
    }
    fputs("\nExit status: COMMAND's, or --error-exitcode's; 2 for bad usage. man exitguard\n",
          to);
}

void print_version(FILE *to, const char *version)
{
    fprintf(to, "exitguard %s\n", version);
}

static enum parse_result bad_usage(const char *format, const char *what)
{
    complain(format, what);
    fputs("Try 'exitguard --help' for more information.\n", stderr);
    return PARSE_BAD_USAGE;
}

static int parse_exitcode(const char *text)
{
    char *end;
    errno = 0;
    long n = strtol(text, &end, 10);
    if (errno || end == text || *end || n < 0 || n > 255)
        return -1;
    return (int)n;
}

/* Applies one option; value is NULL for flags. */
static enum parse_result apply(enum option_id id, const char *value, struct command_line *out)
{
    switch (id) {
    case OPT_JSON: out->json_path = value; break;
    case OPT_JUNIT: out->junit_path = value; break;
    case OPT_SARIF: out->sarif_path = value; break;
    case OPT_HTML: out->html_path = value; break;
    case OPT_BASELINE: out->baseline_path = value; break;
    case OPT_GEN_SUPPRESSIONS: out->gen_suppressions = value ? value : GEN_SUPPRESSIONS_STDERR; break;
    case OPT_SUPPRESSIONS: {
        const char **more = realloc(out->suppressions, (out->nsuppressions + 1) * sizeof *more);
        if (!more)
            return bad_usage("%s", "out of memory");
        more[out->nsuppressions++] = value;
        out->suppressions = more;
        break;
    }
    case OPT_COLOR:
        if (strcmp(value, "auto") == 0)
            out->color = COLOR_AUTO;
        else if (strcmp(value, "always") == 0)
            out->color = COLOR_ALWAYS;
        else if (strcmp(value, "never") == 0)
            out->color = COLOR_NEVER;
        else
            return bad_usage("--color: '%s' is not one of auto, always, never", value);
        break;
    case OPT_OUTPUT: out->output_dir = value; break;
    case OPT_ERROR_EXITCODE:
        out->error_exitcode = parse_exitcode(value);
        if (out->error_exitcode < 0)
            return bad_usage("--error-exitcode: '%s' is not a number from 0 to 255", value);
        break;
    case OPT_CHILDREN:
        out->children = child_policy_parse(value, strlen(value));
        if (out->children < 0)
            return bad_usage("--children: '%s' is not one of " CHILD_POLICY_WORDS, value);
        break;
    case OPT_KILL_GRACE:
        out->kill_grace_ms = eg_duration_ms(value, strlen(value));
        if (out->kill_grace_ms < 0 || out->kill_grace_ms > KILL_GRACE_MAX_MS)
            return bad_usage("--kill-grace: '%s' is not a duration from 0 to 60 seconds "
                             "(such as 2, 0.5 or 250ms)", value);
        break;
    case OPT_QUIET: out->quiet = 1; break;
    case OPT_VERBOSE: out->verbose = 1; break;
    case OPT_NO_DEFAULT_SUPPRESSIONS: out->no_default_suppressions = 1; break;
    case OPT_HELP: return PARSE_HELP;
    case OPT_VERSION: return PARSE_VERSION;
    }
    return PARSE_RUN;
}

static int find_option(const char *name, size_t len)
{
    for (int i = 0; i < N_OPTIONS; i++)
        if (strlen(options[i].name) == len && memcmp(options[i].name, name, len) == 0)
            return i;
    return -1;
}

static enum parse_result parse(int argc, char **argv, struct command_line *out)
{
    *out = (struct command_line){.error_exitcode = -1, .children = -1, .kill_grace_ms = -1};
    int i = 1;
    while (i < argc) {
        const char *arg = argv[i];
        if (strcmp(arg, "--") == 0) {
            i++;
            break;
        }
        if (arg[0] != '-' || arg[1] == '\0')
            break; /* COMMAND starts here */
        if (strcmp(arg, "-h") == 0) {
            arg = "--help"; /* the one short option: what people try first */
        } else if (arg[1] != '-') {
            return bad_usage("unknown option '%s'", arg);
        }
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        int id = find_option(name, eq ? (size_t)(eq - name) : strlen(name));
        if (id < 0)
            return bad_usage("unknown option '%s'", arg);
        const char *value = NULL;
        if (!options[id].value) {
            if (eq)
                return bad_usage("option '--%s' takes no value", options[id].name);
        } else if (eq || optional_value(id)) {
            value = eq ? eq + 1 : NULL;
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            return bad_usage("option '--%s' needs a value", options[id].name);
        }
        if (value && !*value)
            return bad_usage("option '--%s' needs a non-empty value", options[id].name);
        enum parse_result r = apply((enum option_id)id, value, out);
        if (r != PARSE_RUN)
            return r;
        i++;
    }
    if (i >= argc)
        return bad_usage("%s", "no COMMAND given");
    out->command = argv + i;
    return PARSE_RUN;
}

enum parse_result parse_command_line(int argc, char **argv, struct command_line *out)
{
    enum parse_result r = parse(argc, argv, out);
    if (r != PARSE_RUN)
        free_command_line(out);
    return r;
}

void free_command_line(struct command_line *cl)
{
    free(cl->suppressions);
    cl->suppressions = NULL;
    cl->nsuppressions = 0;
}
