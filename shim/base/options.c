#include "options.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "duration.h"
#include "fork_state.h"
#include "kept.h"
#include "text.h"
#include "writer.h"

/* Every process sets them at start: in the page written then anyway
 * (fork_state.h), the paths in kept bytes (kept.h), not in 3 KB of their
 * own that cost every process a page fault or two. */
EG_FORK_STATE static char unset[1];

/* The defaults as values, not parsed from their text in every process (a
 * tenth of a preloaded /bin/true's instructions beyond loading us);
 * tests/unit_options.c checks them against the text. */
#define DEFAULT_INT(d) d
#define DEFAULT_DURATION(d) (int)((d) * 1000)
#define DEFAULT_CHOICE(d) 0 /* the first of the words (options.def) */
#define DEFAULT_PATH(d) unset
#define EG_OPTION(kind, name, def, limit, desc) DEFAULT_##kind(def),
EG_FORK_STATE struct eg_options eg_options = {
#include "options.def"
};
/* read again only when the options are parsed again (the tests, fuzzing) */
static const struct eg_options defaults = {
#include "options.def"
};
#undef EG_OPTION
EG_FORK_STATE static int parsed;

enum kind { INT, CHOICE, PATH, DURATION };

/* Offsets into one block of words, not pointers: a table of pointers was
 * 52 relocations for the loader in every process. */
struct option_info {
    uint16_t name, def, choices; /* in option_words (choices: CHOICE only) */
    uint16_t desc;               /* in option_descs */
    enum kind kind;
    int max;                     /* INT only */
    size_t offset;
};

#define INT_LIMIT_INT(l) (l)
#define INT_LIMIT_CHOICE(l) 0
#define INT_LIMIT_PATH(l) 0
#define INT_LIMIT_DURATION(l) (l)
#define CHOICES_DURATION(l) ""
#define CHOICES_INT(l) ""
#define CHOICES_CHOICE(l) l
#define CHOICES_PATH(l) ""

/* The words every process reads at start (each default, parsed; each key
 * given, matched): beside the statics written then (fork_state.h), not in
 * .rodata, a page fault of its own in every process. */
#define EG_OPTION(kind, name, def, limit, desc)                                \
    char name_##name[sizeof #name], def_##name[sizeof #def],                 \
        choices_##name[sizeof CHOICES_##kind(limit)];
EG_FORK_STATE static struct {
#include "options.def"
} option_words = {
#undef EG_OPTION
#define EG_OPTION(kind, name, def, limit, desc) #name, #def, CHOICES_##kind(limit),
#include "options.def"
};
#undef EG_OPTION
/* read by help=1 alone */
static const struct {
#define EG_OPTION(kind, name, def, limit, desc) char desc_##name[sizeof desc];
#include "options.def"
#undef EG_OPTION
} option_descs = {
#define EG_OPTION(kind, name, def, limit, desc) desc,
#include "options.def"
#undef EG_OPTION
};

#define WORD_AT(field) ((uint16_t)offsetof(__typeof__(option_words), field))
/* read by every process at start, as the words: beside them, not on a
 * page of .rodata of its own (a fault in every process) */
EG_FORK_STATE static struct option_info options[] = {
#define EG_OPTION(kind, name, def, limit, desc)                                \
    {WORD_AT(name_##name), WORD_AT(def_##name), WORD_AT(choices_##name),      \
     (uint16_t)offsetof(__typeof__(option_descs), desc_##name), kind,         \
     INT_LIMIT_##kind(limit), offsetof(struct eg_options, name)},
#include "options.def"
#undef EG_OPTION
};
#define NAME(o) ((const char *)&option_words + (o)->name)
#define DEF(o) ((const char *)&option_words + (o)->def)
#define CHOICES(o) ((const char *)&option_words + (o)->choices)
#define DESC(o) ((const char *)&option_descs + (o)->desc)
enum { N_OPTIONS = sizeof options / sizeof options[0] };
static char path_own[N_OPTIONS][EG_PATH_MAX]; /* a path when kept bytes are full */

/* Loops, not libc's string calls: every process parses its defaults and
 * (under the command) its EXITGUARD_OPTIONS at start, and each libc call
 * was one more lazy binding in every one of them (some 700 instructions,
 * callgrind). */
/* The first of `c` in the n bytes at s (n: -1 for up to the NUL), or NULL. */
static const char *find(const char *s, size_t n, char c)
{
    for (size_t i = 0; i < n && s[i]; i++)
        if (s[i] == c)
            return s + i;
    return 0;
}

static int same(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

/* Levenshtein distance, bounded to short names, for "did you mean". */
static unsigned distance(const char *a, size_t la, const char *b)
{
    unsigned row[64];
    size_t lb = strlen(b);
    if (la >= 63 || lb >= 63)
        return 99;
    for (size_t j = 0; j <= lb; j++)
        row[j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        unsigned diag = row[0];
        row[0] = (unsigned)i;
        for (size_t j = 1; j <= lb; j++) {
            unsigned up = row[j];
            unsigned best = diag + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* "value" is the text up to the next ':' (len bytes); copies it for the
 * message so that the line names exactly what the user wrote. */
static void complain(const char *what, const char *key, size_t klen,
                     const char *value, size_t vlen, const char *hint)
{
    char k[64], v[256];
    size_t kl = klen < sizeof k - 1 ? klen : sizeof k - 1;
    size_t vl = vlen < sizeof v - 1 ? vlen : sizeof v - 1;
    memcpy(k, key, kl);
    k[kl] = 0;
    v[0] = 0;
    if (value) { /* memcpy from NULL, even of 0 bytes, lets gcc drop the test */
        memcpy(v, value, vl);
        v[vl] = 0;
    }
    struct eg_writer w;
    eg_w_init(&w, 2);
    eg_w_str(&w, "exitguard: EXITGUARD_OPTIONS: ");
    eg_w_str(&w, what);
    eg_w_str(&w, " '");
    eg_w_str(&w, value ? v : k);
    eg_w_str(&w, "'");
    if (value) {
        eg_w_str(&w, " for '");
        eg_w_str(&w, k);
        eg_w_str(&w, "'");
    }
    if (hint) {
        eg_w_str(&w, " (");
        eg_w_str(&w, hint);
        eg_w_str(&w, ")");
    }
    eg_w_str(&w, "; ignored\n");
    eg_w_flush(&w);
}

static int choice_index(const char *choices, const char *v, size_t vlen)
{
    int i = 0;
    for (const char *p = choices;; i++) {
        const char *bar = find(p, (size_t)-1, '|');
        size_t n = bar ? (size_t)(bar - p) : eg_text_len(p);
        if (n == vlen && same(p, v, n))
            return i;
        if (!bar)
            return -1;
        p = bar + 1;
    }
}

static int set_value(const struct option_info *o, const char *v, size_t vlen,
                     const char *key, size_t klen)
{
    char *field = (char *)&eg_options + o->offset;
    switch (o->kind) {
    case INT: {
        long n = 0;
        size_t i = 0;
        for (; i < vlen && v[i] >= '0' && v[i] <= '9' && n <= o->max; i++)
            n = n * 10 + (v[i] - '0');
        if (vlen == 0 || i != vlen || n > o->max) {
            char hint[48] = "expected an integer from 0 to ";
            size_t h = strlen(hint);
            char digits[12];
            int d = sizeof digits;
            int m = o->max;
            do {
                digits[--d] = (char)('0' + m % 10);
                m /= 10;
            } while (m);
            memcpy(hint + h, digits + d, sizeof digits - (size_t)d);
            hint[h + sizeof digits - (size_t)d] = 0;
            complain("bad value", key, klen, v, vlen, hint);
            return 1;
        }
        *(int *)field = (int)n;
        return 0;
    }
    case CHOICE: {
        int idx = choice_index(CHOICES(o), v, vlen);
        if (idx < 0) {
            char hint[80] = "expected one of ";
            strncat(hint, CHOICES(o), sizeof hint - strlen(hint) - 1);
            complain("bad value", key, klen, v, vlen, hint);
            return 1;
        }
        *(int *)field = idx;
        return 0;
    }
    case DURATION: {
        long ms = eg_duration_ms(v, vlen);
        if (ms < 0 || ms > o->max) {
            complain("bad value", key, klen, v, vlen,
                     "expected a duration such as 5, 0.5s or 250ms, at most a day");
            return 1;
        }
        *(int *)field = (int)ms;
        return 0;
    }
    case PATH:
        if (vlen >= EG_PATH_MAX) {
            complain("value too long", key, klen, v, vlen, NULL);
            return 1;
        }
        *(const char **)field = vlen ? eg_keep(v, vlen, path_own[o - options], EG_PATH_MAX) : unset;
        return 0;
    }
    return 1;
}

int eg_options_parse(const char *text)
{
    if (parsed)
        eg_options = defaults;
    parsed = 1;
    int bad = 0;
    for (const char *p = text; p && *p;) {
        const char *end = find(p, (size_t)-1, ':');
        size_t len = end ? (size_t)(end - p) : eg_text_len(p);
        const char *eq = find(p, len, '=');
        if (len == 0) {
            /* an empty item ("a=1::b=2") is harmless */
        } else if (!eq) {
            complain("missing '=' in", p, len, NULL, 0, NULL);
            bad++;
        } else {
            size_t klen = (size_t)(eq - p);
            const struct option_info *o = NULL, *near = NULL;
            unsigned best = 3;
            for (int i = 0; i < N_OPTIONS && !o; i++)
                if (eg_text_len(NAME(&options[i])) == klen && same(NAME(&options[i]), p, klen))
                    o = &options[i];
            for (int i = 0; i < N_OPTIONS && !o; i++) {
                unsigned d = distance(p, klen, NAME(&options[i]));
                if (d < best) {
                    best = d;
                    near = &options[i];
                }
            }
            if (o) {
                bad += set_value(o, eq + 1, len - klen - 1, p, klen);
            } else {
                char hint[80] = "";
                if (near) {
                    strcpy(hint, "did you mean '");
                    strncat(hint, NAME(near), 60);
                    strcat(hint, "'?");
                }
                complain("unknown option", p, klen, NULL, 0,
                         near ? hint : "help=1 lists the options");
                bad++;
            }
        }
        p = end ? end + 1 : p + len;
    }
    return bad;
}

void eg_options_print_help(int fd)
{
    struct eg_writer w;
    eg_w_init(&w, fd);
    eg_w_str(&w, "exitguard: EXITGUARD_OPTIONS=key=value:key=value; keys:\n");
    for (int i = 0; i < N_OPTIONS; i++) {
        eg_w_str(&w, "  ");
        eg_w_str(&w, NAME(&options[i]));
        eg_w_str(&w, "=");
        eg_w_str(&w, options[i].kind == CHOICE ? CHOICES(&options[i])
                     : options[i].kind == INT      ? "N"
                     : options[i].kind == DURATION ? "SECONDS"
                                                   : "DIR");
        eg_w_str(&w, " (default '");
        eg_w_str(&w, DEF(&options[i]));
        eg_w_str(&w, "'): ");
        eg_w_str(&w, DESC(&options[i]));
        eg_w_char(&w, '\n');
    }
    eg_w_flush(&w);
}
