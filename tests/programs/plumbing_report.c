/* Writes, into the report directory the exitguard command gave it
 * (log_dir= in EXITGUARD_OPTIONS), a hand-made report of a made-up
 * process (pid 2000000100) leaking one fd from fopen, whose stack holds
 * the plumbing a capture can record under the program's call: a frame in
 * exitguard's fopen interposer, then libc's _IO_file_open, _IO_file_fopen
 * and fopen, then the call in main (the line it prints, "line N"), then
 * libc's __libc_start_main and the program's _start.  Real addresses of
 * this process, so that the command symbolizes them. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "planted.h"

#define FAKE_PID 2000000100

extern char _start[];

/* {"pc":..,"module":..,"offset":..} as report_stack.c writes a frame. */
static void frame_json(FILE *to, const void *pc)
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
    fprintf(to, "{\"pc\":\"%p\",\"module\":\"%s\",\"offset\":\"0x%lx\"}", pc, module,
            (unsigned long)((uintptr_t)pc - bias));
}

/* A return address a little way into `symbol` of `handle` (libc's fopen
 * is 10 bytes long: it jumps to __fopen_internal). */
static const void *inside(void *handle, const char *symbol)
{
    const char *start = dlsym(handle, symbol);
    if (!start) {
        fprintf(stderr, "plumbing_report: no %s: %s\n", symbol, dlerror());
        exit(2);
    }
    return start + 5;
}

__attribute__((noinline)) static void *call_site(void)
{
    return __builtin_return_address(0);
}

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

int main(void)
{
    void *site = call_site(); int line = __LINE__;
    void *libc = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
    /* preloaded, exitguard's fopen is the one the program calls */
    const void *interposer = (const char *)dlsym(RTLD_DEFAULT, "fopen") + 0x10;
    char *dir = log_dir();
    if (!libc || !dir) {
        fputs("plumbing_report: needs libc and log_dir in EXITGUARD_OPTIONS\n", stderr);
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%d.json", dir, FAKE_PID);
    FILE *f = fopen(path, "wx");
    if (!f) {
        perror(path);
        return 1;
    }
    planted_report_start(f);
    fprintf(f, "\"pid\":%d,\"ppid\":%d,\"exe\":\"/usr/bin/fake\","
               "\"argv\":[\"fake\",\"plumbing\"],\"end\":{\"how\":\"exit\",\"status\":0},"
               "\"stack_depth\":24,\n \"leaks\":[{\"kind\":\"file\",\"fd\":5,\"seq\":3,"
               "\"via\":\"fopen\",\"description\":\"file /etc/passwd\",\"target\":"
               "\"/etc/passwd\",\"flags\":\"O_RDONLY\",\"cloexec\":false,\"stack\":[",
            FAKE_PID, (int)getpid());
    const void *frames[] = {interposer,
                            inside(libc, "_IO_file_open"),
                            inside(libc, "_IO_file_fopen"),
                            inside(libc, "fopen"),
                            site,
                            inside(libc, "__libc_start_main"),
                            _start + 0x10};
    for (size_t i = 0; i < sizeof frames / sizeof *frames; i++) {
        if (i)
            fputc(',', f);
        frame_json(f, frames[i]);
    }
    fputs("]}],\n \"closed_unseen\":[],\"tempfiles\":[],\"finalizers\":[],\"threads\":[],"
          "\"errors\":[],\"errors_dropped\":0}\n", f);
    if (fclose(f) != 0) {
        perror(path);
        return 1;
    }
    printf("line %d\n", line);
    free(dir);
    return 0;
}
