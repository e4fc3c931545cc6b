#define _GNU_SOURCE
#include "fixtures.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <unistd.h>

#define APP "\"module\": \"/work/main/build/app\""
#define LIBC "\"module\": \"/lib/x86_64-linux-gnu/libc.so.6\""
/* the start of every stack: what the libc start code adds under main */
#define START_FRAMES                                                                         \
    "{\"pc\": \"0x7f10776a124a\", " LIBC ", \"offset\": \"0x2724a\", "                       \
    "\"function\": \"__libc_start_call_main\", "                                             \
    "\"file\": \"../sysdeps/nptl/libc_start_call_main.h\", \"line\": 58}, "                  \
    "{\"pc\": \"0x559ebb25f101\", " APP ", \"offset\": \"0x1101\", \"function\": \"_start\"}"

static const char reports_text[] =
    "["
    "{\"exitguard_report\": 2, \"pid\": 100, \"ppid\": 1, \"exe\": \"/work/main/build/app\","
    " \"argv\": [\"build/app\", \"--flag\"], \"end\": {\"how\": \"exit\", \"status\": 0},"
    " \"stack_depth\": 24,"
    " \"leaks\": ["
    "  {\"kind\": \"file\", \"fd\": 3, \"seq\": 1, \"via\": \"open\","
    "   \"description\": \"file /etc/hostname\", \"target\": \"/etc/hostname\","
    "   \"flags\": \"O_RDONLY\", \"cloexec\": false, \"stack\": ["
    "    {\"pc\": \"0x559ebb25f171\", " APP ", \"offset\": \"0x1171\","
    "     \"function\": \"open_config\", \"file\": \"src/config.c\", \"line\": 12},"
    "    {\"pc\": \"0x559ebb25f201\", " APP ", \"offset\": \"0x1201\","
    "     \"function\": \"main\", \"file\": \"src/main.c\", \"line\": 30}, " START_FRAMES "]},"
    "  {\"kind\": \"socket\", \"fd\": 5, \"seq\": 2, \"via\": \"socket\","
    "   \"description\": \"socket unix stream\", \"target\": \"socket:[81234]\","
    "   \"flags\": \"O_RDWR\", \"cloexec\": true, \"stack\": ["
    "    {\"pc\": \"0x7f1077a2a3f0\", \"module\": \"/usr/lib/x86_64-linux-gnu/libfontconfig.so.1\","
    "     \"offset\": \"0x2a3f0\"},"
    "    {\"pc\": \"0x559ebb25f222\", " APP ", \"offset\": \"0x1222\","
    "     \"function\": \"main\", \"file\": \"src/main.c\", \"line\": 31}, " START_FRAMES "]}],"
    " \"closed_unseen\": [],"
    " \"tempfiles\": ["
    "  {\"path\": \"/tmp/scratchAB12\", \"fd\": 4, \"seq\": 3, \"action\": \"kept\", \"stack\": ["
    "    {\"pc\": \"0x559ebb25f333\", " APP ", \"offset\": \"0x1333\","
    "     \"function\": \"make_scratch\", \"file\": \"/work/main/src/scratch.c\", \"line\": 7},"
    "    " START_FRAMES "]}],"
    " \"finalizers\": [],"
    " \"threads\": ["
    "  {\"tid\": 101, \"start\": {\"pc\": \"0x559ebb25f400\", " APP ", \"offset\": \"0x1400\","
    "   \"function\": \"worker\", \"file\": \"src/pool.c\", \"line\": 3}, \"stack\": ["
    "    {\"pc\": \"0x559ebb25f444\", " APP ", \"offset\": \"0x1444\","
    "     \"function\": \"start_pool\", \"file\": \"src/pool.c\", \"line\": 20}, " START_FRAMES "]}],"
    " \"errors\": ["
    "  {\"kind\": \"double_close\", \"fd\": 6, \"via\": \"close\", \"stack\": ["
    "    {\"pc\": \"0x559ebb25f555\", " APP ", \"offset\": \"0x1555\","
    "     \"function\": \"shutdown_all\", \"file\": \"src/main.c\", \"line\": 40}],"
    "   \"earlier_stack\": []}],"
    " \"errors_dropped\": 0},"
    "{\"exitguard_report\": 2, \"pid\": 200, \"ppid\": 100, \"exe\": \"/bin/dash\","
    " \"argv\": [\"sh\", \"-c\", \"exec dbus-launch & <x> \\\"q\\\" 'a'\\n\\u0001\"],"
    " \"end\": {\"how\": \"exec\", \"path\": \"/usr/bin/dbus-launch\"}, \"stack_depth\": 24,"
    " \"leaks\": ["
    "  {\"kind\": \"pipe\", \"fd\": 7, \"seq\": 1, \"via\": \"pipe\","
    "   \"description\": \"pipe write end\", \"target\": \"pipe:[5555]\","
    "   \"flags\": \"O_WRONLY\", \"cloexec\": false, \"stack\": ["
    "    {\"pc\": \"0x55aa00001999\", \"module\": \"/work/main/build/spawner\", \"offset\": \"0x999\","
    "     \"function\": \"spawn_helper\", \"file\": \"src/spawn.c\", \"line\": 9}]}],"
    " \"closed_unseen\": [], \"errors\": [], \"errors_dropped\": 0},"
    "{\"exitguard_report\": 2, \"pid\": 200, \"ppid\": 100, \"exe\": \"/usr/bin/dbus-launch\","
    " \"argv\": [\"/usr/bin/dbus-launch\"], \"end\": {\"how\": \"exit\", \"status\": 0},"
    " \"stack_depth\": 24, \"leaks\": [], \"closed_unseen\": [], \"tempfiles\": [],"
    " \"finalizers\": [], \"threads\": [], \"errors\": [], \"errors_dropped\": 0,"
    " \"children\": ["
    "  {\"pid\": 201, \"argv\": [\"/usr/bin/dbus-launch\", \"--fork\"], \"via\": \"fork\","
    "   \"state\": \"running\", \"action\": \"none\", \"stack\": ["
    "    {\"pc\": \"0x7f10776a5000\", " LIBC ", \"offset\": \"0xd5000\", \"function\": \"fork\"},"
    "    {\"pc\": \"0x55bb00002000\", \"module\": \"/usr/bin/dbus-launch\", \"offset\": \"0x2000\"}]}]},"
    "{\"exitguard_report\": 2, \"pid\": 300, \"ppid\": 100, \"exe\": \"/bin/true\","
    " \"argv\": [\"true\"], \"end\": {\"how\": \"exit\", \"status\": 0}, \"stack_depth\": 24,"
    " \"leaks\": [], \"closed_unseen\": [], \"tempfiles\": [], \"finalizers\": [],"
    " \"threads\": [], \"errors\": [], \"errors_dropped\": 0}"
    "]";

json_t *parse_json(const char *text)
{
    json_error_t error;
    json_t *value = json_loads(text, 0, &error);
    cr_assert(value, "fixture JSON, line %d column %d: %s", error.line, error.column, error.text);
    return value;
}

json_t *fixture_reports(void)
{
    return parse_json(reports_text);
}

char *printed(void (*print)(FILE *to, json_t *reports), json_t *reports)
{
    char *text = NULL;
    size_t size = 0;
    FILE *to = open_memstream(&text, &size);
    cr_assert(to);
    print(to, reports);
    cr_assert_eq(fclose(to), 0);
    return text;
}

const char *scratch_file(const char *suffix)
{
    static char path[256];
    snprintf(path, sizeof path, "/tmp/exitguard-tools-XXXXXX%s", suffix);
    int fd = mkstemps(path, (int)strlen(suffix));
    cr_assert(fd >= 0);
    close(fd);
    return path;
}

/* The structure junit_check.py found in `xml`, or NULL if it did not
 * parse. */
json_t *junit_structure(const char *xml)
{
    const char *path = scratch_file(".xml");
    FILE *f = fopen(path, "w");
    fputs(xml, f);
    fclose(f);
    char command[512];
    snprintf(command, sizeof command, "python3 tests/tools/junit_check.py %s 2>/dev/null", path);
    FILE *p = popen(command, "r");
    cr_assert(p);
    json_error_t error;
    json_t *structure = json_loadf(p, 0, &error);
    int status = pclose(p);
    unlink(path);
    if (status != 0) {
        json_decref(structure);
        return NULL;
    }
    return structure;
}
