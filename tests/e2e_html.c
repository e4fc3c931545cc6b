/* exitguard --html FILE on real runs: what the page says (the same final
 * line as the summary, the processes, the leak's site and its source
 * line), that what the program names is text and never markup, and that
 * a page that cannot be written changes nothing.  tests/html/ loads such
 * pages in a real browser. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/exitguard-html.XXXXXX");
    cr_assert(mkdtemp(dir));
}

static void finish(void)
{
    remove_tree(dir);
}

TestSuite(html, .init = make_dir, .fini = finish);

static const char *page_path(void)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/run.html", dir);
    return path;
}

/* The file's text (asserted), malloc'd. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    cr_assert(f, "no page at %s", path);
    char *text = NULL;
    size_t size = 0;
    cr_assert(getdelim(&text, &size, '\0', f) > 0, "%s is empty", path);
    fclose(f);
    return text;
}

static void assert_has(const char *page, const char *text)
{
    cr_assert(strstr(page, text), "no '%s' in the page:\n%.3000s", text, page);
}

/* The summary's last line, from stderr, without "exitguard: ". */
static char *final_line(const char *err)
{
    const char *last = NULL;
    for (const char *p = err; (p = strstr(p, "exitguard: ")); p++)
        last = p;
    cr_assert(last, "%s", err);
    return strndup(last + 11, strcspn(last + 11, "\n"));
}

Test(html, the_page_shows_the_run_as_the_summary_does)
{
    char script[600];
    snprintf(script, sizeof script, "%s >/dev/null; %s >/dev/null; exit 3",
             build_path("tests/programs/leak_one"), build_path("tests/programs/leak_tree"));
    struct run r;
    run_exitguard(&r, (char *[]){"--html", (char *)page_path(), "--error-exitcode", "7", "--",
                                 "/bin/sh", "-c", script, NULL}, NULL);
    cr_assert_eq(exit_code(&r), 7, "%s", r.err);
    char *page = slurp(page_path());
    cr_assert(strncmp(page, "<!DOCTYPE html>", 15) == 0);
    /* the same words as the summary's last line */
    char *line = final_line(r.err);
    char verdict[300];
    snprintf(verdict, sizeof verdict, "<p class=\"verdict found\" id=\"verdict\">%s</p>", line);
    assert_has(page, verdict);
    assert_has(page, "3 leaked: 3 fds leaked");
    assert_has(page, "<span class=\"pid\" id=\"status\">(exited with status 3)</span></h1>");
    /* every process in the tree, the child of leak_tree under its parent */
    cr_assert_eq(count_in(page, "<li class=\"proc"), 6, "sh, leak_one, leak_tree, its child, 2 true: %s", page);
    assert_has(page, "fd 4: file /etc/hostname (O_RDONLY, no O_CLOEXEC), opened by open");
    const char *parent = strstr(page, "fd 3: file /etc/passwd (O_RDONLY, O_CLOEXEC)");
    const char *child = strstr(page, "fd 4: file /etc/hostname");
    cr_assert(parent && child && parent < child);
    /* open where something was found, and above it; the two true are lines */
    const char *tree = strstr(page, "<section id=\"tree\">");
    cr_assert(tree);
    cr_assert_eq(count_in(tree, "<details open>"), 4, "%s", tree);
    cr_assert_eq(count_in(page, "<li class=\"proc quiet\""), 2, "%s", page);
    /* the site, linked, with its source line highlighted */
    assert_has(page, "<a class=\"site\" href=\"#site-1\">main tests/programs/leak_one.c:9</a>");
    assert_has(page, "<section class=\"site k-fd\" id=\"site-1\">");
    assert_has(page, "<span class=\"l hit\"><span class=\"n\">9</span>    int fd = "
                     "open(&quot;/etc/passwd&quot;, flags);");
    /* self-contained: nothing to fetch */
    cr_assert_null(strstr(page, "http:"));
    cr_assert_null(strstr(page, "https:"));
    cr_assert_null(strstr(page, " src="));
    cr_assert_null(strstr(page, "<link"));
    free(line);
    free(page);
    run_free(&r);
}

/* The shell opens "<script>alert(1)</script>" (a directory "<script>alert(1)<"
 * and a file "script>" in it) and leaves it open. */
Test(html, what_the_program_names_is_text)
{
    char evil[200], script[400];
    snprintf(evil, sizeof evil, "%s/<script>alert(1)<", dir);
    cr_assert(mkdir(evil, 0700) == 0);
    snprintf(script, sizeof script, "exec 3>'%s/<script>alert(1)</script>'; echo \"<b>\"", dir);
    struct run r;
    run_exitguard(&r, (char *[]){"--html", (char *)page_path(), "--", "/bin/sh", "-c", script,
                                 NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    cr_assert_str_eq(r.out, "<b>\n", "the program's output untouched");
    char *page = slurp(page_path());
    assert_has(page, "/&lt;script&gt;alert(1)&lt;/script&gt; (O_WRONLY, no O_CLOEXEC)");
    cr_assert_null(strstr(page, "<script>alert"), "%s", page);
    /* the page's own script, and nothing else */
    cr_assert_eq(count_in(page, "<script"), 1, "%s", page);
    /* argv too: in the title, the heading and the tree */
    cr_assert_geq(count_in(page, "exec 3&gt;&#39;"), 3);
    free(page);
    run_free(&r);
}

Test(html, suppressed_and_baseline_counts_are_on_the_page)
{
    char rules[128], baseline[128];
    snprintf(rules, sizeof rules, "%s/my.supp", dir);
    snprintf(baseline, sizeof baseline, "%s/base.json", dir);
    FILE *f = fopen(rules, "w");
    cr_assert(f);
    fputs("fd:/etc/hostname\n", f);
    fclose(f);
    struct run r;
    /* a baseline of leak_one, then leak_one and leak_tree: leak_one's fd
     * is hidden by the baseline, leak_tree's child's by the rule */
    run_exitguard(&r, (char *[]){"--json", baseline, "--",
                                 (char *)build_path("tests/programs/leak_one"), NULL}, NULL);
    cr_assert_eq(exit_code(&r), 0);
    run_free(&r);
    char script[600];
    snprintf(script, sizeof script, "%s >/dev/null; %s >/dev/null",
             build_path("tests/programs/leak_one"), build_path("tests/programs/leak_tree"));
    run_exitguard(&r, (char *[]){"--html", (char *)page_path(), "--suppressions", rules,
                                 "--baseline", baseline, "--", "/bin/sh", "-c", script, NULL},
                  NULL);
    cr_assert_eq(exit_code(&r), 0, "%s", r.err);
    char *page = slurp(page_path());
    assert_has(page, "<li class=\"\"><b>1</b>suppressed</li>");
    assert_has(page, "<li class=\"\"><b>1</b>hidden by the baseline</li>");
    assert_has(page, "<td class=\"mono\">fd:/etc/hostname</td>");
    cr_assert_null(strstr(page, "/etc/hostname (O_RDONLY"), "the suppressed leak is not shown");
    cr_assert_null(strstr(page, "leak_one.c:9"), "nor the baseline's");
    assert_has(page, "main tests/programs/leak_tree.c:21");
    free(page);
    run_free(&r);
}

Test(html, a_page_that_cannot_be_written_changes_nothing)
{
    struct run r;
    run_exitguard(&r, (char *[]){"--html", "/proc/version/x.html", "--", "/bin/sh", "-c",
                                 "echo out; exit 5", NULL}, NULL);
    cr_assert_eq(exit_code(&r), 5);
    cr_assert_str_eq(r.out, "out\n");
    cr_assert(strstr(r.err, "exitguard: cannot write --html file '/proc/version/x.html': "),
              "%s", r.err);
    run_free(&r);

    /* no reports, no page: an empty one would read as "no leaks" */
    run_exitguard(&r, (char *[]){"--html", (char *)page_path(), "--", "/bin/sh", "-c",
                                 "exit 4", NULL},
                  (char *[]){"EXITGUARD_OPTIONS=report=none", NULL});
    cr_assert_eq(exit_code(&r), 4);
    cr_assert(strstr(r.err, "--html '"), "%s", r.err);
    cr_assert(strstr(r.err, "' not written: no reports were collected"), "%s", r.err);
    cr_assert_neq(access(page_path(), F_OK), 0);
    run_free(&r);
}
