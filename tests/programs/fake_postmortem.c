/* Writes, into the report directory the exitguard command gave it, the
 * post-mortem report of a made-up child (pid 2000000200, "fake-victim")
 * that was killed without writing its own: what its registry file held,
 * an fd and a child process the command terminated.  Prints "pid P" (its
 * own, the made-up one's parent). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "planted.h"

int main(void)
{
    const char *options = getenv("EXITGUARD_OPTIONS");
    const char *dir = options ? strstr(options, "log_dir=") : NULL;
    if (!dir)
        return 1;
    dir += strlen("log_dir=");
    char path[4096];
    snprintf(path, sizeof path, "%.*s/2000000200.json", (int)strcspn(dir, ":"), dir);
    FILE *f = fopen(path, "wx");
    if (!f)
        return 1;
    planted_report_start(f);
    fprintf(f,
            "\"pid\":2000000200,\"ppid\":%d,\"exe\":\"/usr/bin/fake\","
            "\"argv\":[\"fake-victim\"],\"end\":{\"how\":\"unreported\"},\"postmortem\":true,"
            "\"stack_depth\":24,\"leaks\":[{\"kind\":\"file\",\"fd\":3,\"seq\":1,\"via\":\"open\","
            "\"description\":\"file /etc/passwd\",\"flags\":\"O_RDONLY\",\"cloexec\":false,"
            "\"stack\":[]}],\"closed_unseen\":[],\"tempfiles\":[],\"finalizers\":[],"
            "\"threads\":[],\"errors\":[],\"errors_dropped\":0,"
            "\"children\":[{\"pid\":2000000201,\"via\":\"fork\",\"argv\":[\"sleep\",\"100\"],"
            "\"state\":\"running\",\"action\":\"terminated\",\"group\":false,\"stack\":[]}]}\n",
            (int)getpid());
    if (fclose(f) != 0)
        return 1;
    printf("pid %d\n", (int)getpid());
    return 0;
}
