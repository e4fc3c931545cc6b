/* Turns man/exitguard.1.in into the page: the lines @COMMAND_OPTIONS@ and
 * @EXITGUARD_OPTIONS@ become the command's options (the OPTIONS(X) table of
 * tools/base/command_line.c, which the build extracts into command_options.h)
 * and the library's keys (shim/base/options.def).  Both come from the tables the
 * parsers use, so the page cannot list an option that is not there, nor
 * miss one that is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command_options.h"

struct command_option {
    const char *name, *value, *description;
};
static const struct command_option command_options[] = {
#define ROW(id, name, value, description) {name, value, description},
    OPTIONS(ROW)
#undef ROW
};

enum kind { INT, CHOICE, PATH, DURATION };
struct key {
    enum kind kind;
    const char *name, *def;
    long limit;
    const char *choices, *description;
};
/* limit is a number for INT and DURATION, the words for CHOICE */
#define LIMIT_INT(l) (l)
#define LIMIT_DURATION(l) (l)
#define LIMIT_CHOICE(l) 0
#define LIMIT_PATH(l) 0
#define CHOICES_INT(l) NULL
#define CHOICES_DURATION(l) NULL
#define CHOICES_CHOICE(l) (l)
#define CHOICES_PATH(l) NULL
static const struct key keys[] = {
#define EG_OPTION(kind, name, def, limit, desc) \
    {kind, #name, #def, LIMIT_##kind(limit), CHOICES_##kind(limit), desc},
#include "options.def"
#undef EG_OPTION
};

/* Text for roff: a backslash is \e, a dash that starts a word (an option
 * name) is a minus sign, and nothing may start a line with . or '. */
static void text(const char *s)
{
    if (*s == '.' || *s == '\'')
        fputs("\\&", stdout);
    for (const char *p = s; *p; p++) {
        if (*p == '\\')
            fputs("\\e", stdout);
        else if (*p == '-' && (p == s || p[-1] == ' ' || p[-1] == '-' || p[-1] == '('))
            fputs("\\-", stdout);
        else
            putchar(*p);
    }
}

static void print_command_options(void)
{
    for (size_t i = 0; i < sizeof command_options / sizeof command_options[0]; i++) {
        const struct command_option *o = &command_options[i];
        fputs(".TP\n\\fB", stdout);
        text("--");
        text(o->name);
        fputs("\\fR", stdout);
        if (o->value && strncmp(o->value, "[=", 2) == 0) {
            /* optional: only as --name=VALUE */
            fputs("[=\\fI", stdout);
            fwrite(o->value + 2, 1, strlen(o->value) - 3, stdout);
            fputs("\\fR]", stdout);
        } else if (o->value) {
            fputs(" \\fI", stdout);
            text(o->value);
            fputs("\\fR", stdout);
        }
        putchar('\n');
        text(o->description);
        fputs(".\n", stdout);
    }
}

static void print_keys(void)
{
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const struct key *k = &keys[i];
        printf(".TP\n\\fB%s\\fR=\\fI", k->name);
        switch (k->kind) {
        case CHOICE: text(k->choices); break;
        case INT: fputs("N", stdout); break;
        case DURATION: fputs("SECONDS", stdout); break;
        case PATH: fputs("VALUE", stdout); break;
        }
        fputs("\\fR\n", stdout);
        text(k->description);
        fputs(".\n", stdout);
        if (k->kind == INT)
            printf("From 0 to %ld.\n", k->limit);
        if (k->kind == DURATION)
            printf("Seconds (5, 0.5) or milliseconds (250ms), up to %ld seconds.\n",
                   k->limit / 1000);
        if (*k->def)
            printf("Default: \\fB%s\\fR.\n", k->def);
        else
            fputs("Not set by default.\n", stdout);
    }
}

int main(void)
{
    char line[4096];
    int seen_commands = 0, seen_keys = 0;
    while (fgets(line, sizeof line, stdin)) {
        if (strcmp(line, "@COMMAND_OPTIONS@\n") == 0) {
            print_command_options();
            seen_commands = 1;
        } else if (strcmp(line, "@EXITGUARD_OPTIONS@\n") == 0) {
            print_keys();
            seen_keys = 1;
        } else {
            fputs(line, stdout);
        }
    }
    if (!seen_commands || !seen_keys) {
        fprintf(stderr, "gen_page: the template lacks the line @%s@\n",
                seen_commands ? "EXITGUARD_OPTIONS" : "COMMAND_OPTIONS");
        return 1;
    }
    return ferror(stdout) || fflush(stdout) ? 1 : 0;
}
