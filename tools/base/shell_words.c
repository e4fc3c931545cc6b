#include "shell_words.h"

#include <string.h>

static int needs_quotes(const char *word)
{
    static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                "0123456789_-+=./,:@%^";
    return !*word || word[strspn(word, plain)] != '\0';
}

static int has_control(const char *word)
{
    for (const unsigned char *p = (const unsigned char *)word; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return 1;
    return 0;
}

/* $'...', so that a newline in a "python3 -c" script keeps the command on
 * one line of the summary. */
static void print_escaped(FILE *to, const char *word)
{
    fputs("$'", to);
    for (const unsigned char *p = (const unsigned char *)word; *p; p++) {
        if (*p == '\n')
            fputs("\\n", to);
        else if (*p == '\t')
            fputs("\\t", to);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(to, "\\x%02x", *p);
        else if (*p == '\'' || *p == '\\')
            fprintf(to, "\\%c", *p);
        else
            fputc(*p, to);
    }
    fputc('\'', to);
}

void print_shell_word(FILE *to, const char *word)
{
    if (!needs_quotes(word)) {
        fputs(word, to);
        return;
    }
    if (has_control(word)) {
        print_escaped(to, word);
        return;
    }
    fputc('\'', to);
    for (const char *p = word; *p; p++) {
        if (*p == '\'')
            fputs("'\\''", to);
        else
            fputc(*p, to);
    }
    fputc('\'', to);
}

void print_command(FILE *to, char *const *command)
{
    for (size_t i = 0; command[i]; i++) {
        if (i)
            fputc(' ', to);
        print_shell_word(to, command[i]);
    }
}

void print_argv_json(FILE *to, json_t *argv)
{
    size_t i;
    json_t *word;
    json_array_foreach(argv, i, word) {
        if (i)
            fputc(' ', to);
        print_shell_word(to, json_is_string(word) ? json_string_value(word) : "?");
    }
}
