#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <jansson.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "report.h"
#include "unit.h"
#include "writer.h"

/* The report of the current registry, as text in a memfd. */
static char *report(int json)
{
    int fd = memfd_create("report", 0);
    struct eg_writer w;
    eg_w_init(&w, fd);
    struct eg_end end = {EG_END_EXIT, 3, 0, 0, 0, 0};
    eg_report_take_stock(&end);
    if (json)
        eg_report_json(&w, &end);
    else
        eg_report_text(&w, &end, 1);
    eg_w_flush(&w);
    static char buf[1 << 16];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    buf[n > 0 ? n : 0] = 0;
    close(fd);
    return buf;
}

static json_t *report_json(void)
{
    json_error_t e;
    char *text = report(1);
    json_t *doc = json_loads(text, 0, &e);
    cr_assert(doc, "not JSON (%s): %s", e.text, text);
    return doc;
}

static json_t *leak(json_t *doc, int fd)
{
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(doc, "leaks"), i, l)
        if (json_integer_value(json_object_get(l, "fd")) == fd)
            return l;
    cr_assert_fail("fd %d not reported", fd);
    return NULL;
}

Test(report, json_document_has_the_schema_fields)
{
    core_setup(NULL);
    json_t *doc = report_json();
    cr_assert_eq(json_integer_value(json_object_get(doc, "exitguard_report")), 2);
    cr_assert_eq(json_integer_value(json_object_get(doc, "pid")), getpid());
    cr_assert(json_is_array(json_object_get(doc, "argv")));
    json_t *end = json_object_get(doc, "end");
    cr_assert_str_eq(json_string_value(json_object_get(end, "how")), "exit");
    cr_assert_eq(json_integer_value(json_object_get(end, "status")), 3);
    cr_assert_eq(json_array_size(json_object_get(doc, "leaks")), 0);
    cr_assert_eq(json_array_size(json_object_get(doc, "errors")), 0);
}

Test(report, pipes_name_their_other_end_and_sockets_their_family)
{
    core_setup(NULL);
    int p[2], s[2];
    pipe(p);
    socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, s);
    eg_fd_acquired(p[0], EG_VIA_pipe, 0);
    eg_fd_acquired(p[1], EG_VIA_pipe, 0);
    eg_fd_acquired(s[0], EG_VIA_socketpair, 0);
    json_t *doc = report_json();
    json_t *r = leak(doc, p[0]);
    cr_assert_str_eq(json_string_value(json_object_get(r, "kind")), "pipe");
    json_t *pipe_info = json_object_get(r, "pipe");
    cr_assert_str_eq(json_string_value(json_object_get(pipe_info, "end")), "read");
    cr_assert_eq(json_integer_value(json_object_get(pipe_info, "other_end_fd")), p[1]);
    cr_assert(json_is_false(json_object_get(r, "cloexec")));
    json_t *sock = leak(doc, s[0]);
    cr_assert_str_eq(json_string_value(json_object_get(sock, "kind")), "socket");
    cr_assert(json_is_true(json_object_get(sock, "cloexec")));
    json_t *info = json_object_get(sock, "socket");
    cr_assert_str_eq(json_string_value(json_object_get(info, "family")), "AF_UNIX");
    cr_assert_str_eq(json_string_value(json_object_get(info, "type")), "SOCK_DGRAM");
    cr_assert_str_eq(json_string_value(json_object_get(sock, "via")), "socketpair");
    cr_assert_gt(json_array_size(json_object_get(sock, "stack")), 0);
}

Test(report, paths_with_any_bytes_stay_valid_json)
{
    core_setup(NULL);
    char path[] = "/tmp/exitguard-\xff\x01\"\\-\xc3\xa9.XXXXXX";
    int fd = mkstemp(path);
    eg_fd_acquired(fd, EG_VIA_mkstemp, 0);
    json_t *doc = report_json();
    unlink(path);
    const char *target = json_string_value(json_object_get(leak(doc, fd), "target"));
    cr_assert(strstr(target, "\xc3\xbf\x01\"\\-\xc3\xa9."), "%s", target);
}

Test(report, text_names_the_fd_the_call_and_the_caller)
{
    core_setup(NULL);
    int fd = open("/dev/null", O_WRONLY | O_APPEND);
    eg_fd_acquired(fd, EG_VIA_open, 0);
    char *text = report(0);
    char want[128];
    snprintf(want, sizeof want, "fd %d: char-device /dev/null (O_WRONLY|O_APPEND, no O_CLOEXEC), opened by open", fd);
    cr_assert(strstr(text, want), "%s", text);
    cr_assert(strstr(text, "exited with status 3"), "%s", text);
    cr_assert(strstr(text, "SUMMARY: exitguard: 1 fd leaked, 0 fd misuses"), "%s", text);
    /* this binary's frames count as exitguard's own and are skipped, up to
     * Criterion's wrapper of this test: symbolized to this file and line */
    cr_assert(strstr(text, "_jmp tests/unit_report.c:"), "the caller is symbolized:\n%s", text);
}

/* report=none writes nothing, yet fds=close closes what the plan found:
 * the stock is taken all the same. */
Test(report, a_plan_with_report_none_still_knows_the_leaks)
{
    core_setup("report=none");
    int fd = open("/dev/null", O_RDONLY);
    eg_fd_acquired(fd, EG_VIA_open, 0);
    struct eg_end end = {EG_END_EXIT, 0, 0, 0, 0, 0};
    struct eg_plan plan = eg_report_plan(&end);
    cr_assert(!eg_report_writes(&plan));
    cr_assert_eq(eg_report_each_leak(0, 0), 1);
    close(fd);
}
