/* Writes hand-made schema-2 reports, as the library writes them, into the
 * report directory the exitguard command gave it (log_dir= in
 * EXITGUARD_OPTIONS): one process per argument, with a made-up pid that
 * no real process has (FAKE_PID + its index), "fake" and the argument as
 * its argv.  Arguments: exec, leak-closed, tempfiles, finalizer-crashed,
 * finalizer-exited, finalizer-hung, finalizer-skipped, finalizer-ran,
 * thread.
 *
 * Frames point into this program: a finalizer's "fn" at close_database, a
 * thread's "start" at worker, every stack at the call in main on the line
 * it prints ("line N"), then a frame in a module that does not exist.
 * Prints "pid P" for each process. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "planted.h"

#define FAKE_PID 2000000000

/* Never called: only their addresses are reported.  Each has a
 * neighbour before it, so that looking up the address minus one (as for
 * a return address) would name another function. */
void before_close_database(void) {}
void close_database(void) {}
void before_worker(void) {}
void worker(void) {}

static char frame_text[2][512]; /* {"pc":...} of the call site, of fn */

/* {"pc":"0x..","module":"/abs/path","offset":"0x.."}, as report_stack.c
 * writes a frame. */
static void frame_json(char *out, size_t size, const void *pc)
{
    struct dl_find_object object;
    char self[1024] = "";
    const char *module = self;
    uintptr_t bias = 0;
    if (_dl_find_object((void *)pc, &object) == 0 && object.dlfo_link_map) {
        bias = object.dlfo_link_map->l_addr;
        if (object.dlfo_link_map->l_name[0])
            module = object.dlfo_link_map->l_name;
    }
    if (module == self) {
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        self[n > 0 ? n : 0] = 0;
    }
    snprintf(out, size, "{\"pc\":\"%p\",\"module\":\"%s\",\"offset\":\"0x%lx\"}", pc, module,
             (unsigned long)((uintptr_t)pc - bias));
}

static const char *stack(void)
{
    static char text[1200];
    snprintf(text, sizeof text,
             "[%s,{\"pc\":\"0x7f0000001234\",\"module\":\"/nonexistent/libgone.so\","
             "\"offset\":\"0x1234\"}]",
             frame_text[0]);
    return text;
}

__attribute__((noinline)) static void *call_site(void)
{
    return __builtin_return_address(0);
}

/* What a report holds besides its header. */
struct report {
    const char *end, *leaks, *tempfiles, *finalizers, *threads;
};

static void write_report(const char *dir, long pid, int n, const char *argv1,
                         const struct report *r)
{
    char path[4096];
    if (n)
        snprintf(path, sizeof path, "%s/%ld.%d.json", dir, pid, n);
    else
        snprintf(path, sizeof path, "%s/%ld.json", dir, pid);
    FILE *f = fopen(path, "wx");
    if (!f) {
        perror(path);
        exit(1);
    }
    planted_report_start(f);
    fprintf(f, "\"pid\":%ld,\"ppid\":%d,\"exe\":\"/usr/bin/fake\","
               "\"argv\":[\"fake\",\"%s\"],\"end\":%s,\"stack_depth\":24,\n"
               " \"leaks\":[%s],\n \"closed_unseen\":[]",
            pid, (int)getpid(), argv1, r->end, r->leaks ? r->leaks : "");
    if (!strstr(r->end, "\"exec\""))
        fprintf(f, ",\n \"tempfiles\":[%s],\n \"finalizers\":[%s],\n \"threads\":[%s]",
                r->tempfiles ? r->tempfiles : "", r->finalizers ? r->finalizers : "",
                r->threads ? r->threads : "");
    fputs(",\n \"errors\":[],\"errors_dropped\":0}\n", f);
    if (fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

static const char exited[] = "{\"how\":\"exit\",\"status\":0}";

static void write_scenario(const char *dir, long pid, const char *name)
{
    char leak[2048], item[2048];
    snprintf(leak, sizeof leak,
             "{\"kind\":\"file\",\"fd\":5,\"seq\":3,\"via\":\"open\",\"description\":\"file "
             "/etc/passwd\",\"target\":\"/etc/passwd\",\"flags\":\"O_RDONLY\",\"cloexec\":false%s,"
             "\"stack\":%s}",
             strcmp(name, "leak-closed") == 0 ? ",\"action\":\"closed\"" : "", stack());
    const char *outcome = strchr(name, '-') ? strchr(name, '-') + 1 : "";
    const char *details = strcmp(outcome, "crashed") == 0 ? ",\"signal\":11,\"name\":\"SIGSEGV\""
                          : strcmp(outcome, "exited") == 0  ? ",\"status\":3"
                          : strcmp(outcome, "skipped") == 0 ? ",\"reason\":\"not_signal_safe\""
                                                            : "";
    struct report r = {.end = exited};
    if (strcmp(name, "exec") == 0) {
        r = (struct report){.end = "{\"how\":\"exec\",\"path\":\"/usr/bin/next-program\"}",
                            .leaks = leak};
        write_report(dir, pid, 0, name, &r);
        r = (struct report){.end = exited};
        write_report(dir, pid, 1, "next-program", &r);
        return;
    } else if (strcmp(name, "leak-closed") == 0) {
        r.leaks = leak;
    } else if (strcmp(name, "tempfiles") == 0) {
        snprintf(item, sizeof item,
                 "{\"path\":\"/tmp/fixture.removed\",\"fd\":4,\"seq\":2,\"action\":\"removed\","
                 "\"stack\":%s},{\"path\":\"/tmp/fixture.kept\",\"fd\":6,\"seq\":4,"
                 "\"action\":\"kept\",\"stack\":%s}",
                 stack(), stack());
        r.tempfiles = item;
    } else if (strncmp(name, "finalizer-", 10) == 0) {
        snprintf(item, sizeof item,
                 "{\"seq\":5,\"fn\":%s,\"obj\":\"0x5581\",\"fd\":4,\"outcome\":\"%s\"%s,"
                 "\"stack\":%s}",
                 frame_text[1], outcome, details, stack());
        r.finalizers = item;
        if (strcmp(outcome, "skipped") == 0)
            r.end = "{\"how\":\"signal\",\"signal\":15,\"name\":\"SIGTERM\"}";
    } else if (strcmp(name, "thread") == 0) {
        char start[512];
        frame_json(start, sizeof start, (const void *)worker);
        snprintf(item, sizeof item, "{\"tid\":%ld,\"start\":%s,\"stack\":%s}", pid + 1, start,
                 stack());
        r.threads = item;
    } else {
        fprintf(stderr, "v2_reports: unknown scenario '%s'\n", name);
        exit(2);
    }
    write_report(dir, pid, 0, name, &r);
}

/* The last log_dir= of EXITGUARD_OPTIONS (a later key wins). */
static char *log_dir(void)
{
    const char *options = getenv("EXITGUARD_OPTIONS");
    char *dir = NULL;
    for (const char *p = options; p && (p = strstr(p, "log_dir=")); p += 8)
        if (p == options || p[-1] == ':') {
            free(dir);
            dir = strndup(p + 8, strcspn(p + 8, ":"));
        }
    return dir;
}

int main(int argc, char **argv)
{
    void *site = call_site(); int line = __LINE__;
    frame_json(frame_text[0], sizeof frame_text[0], site);
    frame_json(frame_text[1], sizeof frame_text[1], (const void *)close_database);
    char *dir = log_dir();
    if (!dir) {
        fputs("v2_reports: no log_dir in EXITGUARD_OPTIONS\n", stderr);
        return 2;
    }
    printf("line %d\n", line);
    for (int i = 1; i < argc; i++) {
        write_scenario(dir, FAKE_PID + i, argv[i]);
        printf("pid %d %s\n", FAKE_PID + i, argv[i]);
    }
    free(dir);
    return 0;
}
