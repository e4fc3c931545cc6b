#define _GNU_SOURCE
#include "report_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/magic.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "messages.h"
#include "reports.h"

/* The library's log_dir limit (shim/base/options.h: EG_PATH_MAX), less room for
 * the "/<pid>.N.json" it appends. */
#define LOG_DIR_MAX 960

/* EXITGUARD_OPTIONS has no quoting: a ':' would end the value. */
static int expressible(const char *path, const char *what)
{
    if (strchr(path, ':')) {
        complain("cannot use %s '%s': EXITGUARD_OPTIONS cannot hold a path with ':'; "
                 "running without reports", what, path);
        return 0;
    }
    if (strlen(path) >= LOG_DIR_MAX) {
        complain("cannot use %s '%s': longer than %d bytes; running without reports",
                 what, path, LOG_DIR_MAX);
        return 0;
    }
    return 1;
}

/* Every process of the tree creates, maps and removes a registry file in
 * the report directory: on a disk file system (ext4 journals each create
 * and unlink) that made a fork+exec of a small program about a third
 * slower, on tmpfs a few percent.  So with no TMPDIR of the user's, the
 * private directory goes to /dev/shm when that is a tmpfs we may write. */
static const char *in_memory_dir(void)
{
    static const char shm[] = "/dev/shm";
    struct statfs fs;
    if (statfs(shm, &fs) == 0 && fs.f_type == TMPFS_MAGIC && access(shm, W_OK | X_OK) == 0)
        return shm;
    return NULL;
}

/* Run as root, the command may start processes that change their uid (a
 * test run as nobody, a server dropping privileges): their reports must
 * arrive.  So the directory is 01733, as /tmp but unlistable -- others
 * may create files there, never list, read, replace or remove the tree's
 * (each file is 0600, its creator's).  The run's record file stays its
 * creator's alone (a file others may write, they may also empty): a
 * process of another uid files its report as a document of its own.  A
 * file another user plants there is refused for lack of the run's token
 * (reports.c).  As any other user, the command's tree cannot change uid
 * (a set-user-ID program runs without exitguard): 0700 stays. */
static void open_to_other_users(const char *path)
{
    if (geteuid() != 0)
        return;
    /* by fd, not by name: a path under another user's directory could be
     * swapped for a link meanwhile */
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
        fchmod(fd, 01733);
        close(fd);
    }
}

void close_to_other_users(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
        fchmod(fd, 0700);
        close(fd);
    }
}

int make_temporary_report_dir(struct report_dir *dir)
{
    *dir = (struct report_dir){0};
    const char *tmpdir = getenv("TMPDIR");
    if (!tmpdir || !*tmpdir)
        tmpdir = in_memory_dir() ? in_memory_dir() : "/tmp";
    char *template;
    if (asprintf(&template, "%s/exitguard.XXXXXX", tmpdir) < 0)
        return -1;
    if (!mkdtemp(template)) {
        complain("cannot create a report directory in '%s': %s; running without reports",
                 tmpdir, strerror(errno));
        free(template);
        return -1;
    }
    /* absolute, so that a process that changed directory still finds it */
    char *absolute = realpath(template, NULL);
    if (!absolute || !expressible(absolute, "temporary directory")) {
        rmdir(template);
        free(template);
        free(absolute);
        return -1;
    }
    free(template);
    dir->path = absolute;
    dir->temporary = 1;
    open_to_other_users(absolute);
    return 0;
}

int make_output_report_dir(struct report_dir *dir, const char *path)
{
    *dir = (struct report_dir){0};
    int made = mkdir(path, 0700) == 0;
    if (!made && errno != EEXIST) {
        complain("cannot create --output directory '%s': %s; running without reports",
                 path, strerror(errno));
        return -1;
    }
    struct stat st;
    const char *problem = NULL;
    if (stat(path, &st) != 0)
        problem = strerror(errno);
    else if (!S_ISDIR(st.st_mode))
        problem = "not a directory";
    else if (access(path, W_OK | X_OK) != 0)
        problem = strerror(errno);
    if (problem) {
        complain("cannot use --output directory '%s': %s; running without reports", path,
                 problem);
        return -1;
    }
    char *absolute = realpath(path, NULL);
    if (!absolute || !expressible(absolute, "--output directory")) {
        free(absolute);
        return -1;
    }
    dir->path = absolute;
    if (made) /* one the user had is left as it is */
        open_to_other_users(absolute);
    return 0;
}

int use_user_report_dir(struct report_dir *dir, const char *path)
{
    /* As given: the user's key comes last in EXITGUARD_OPTIONS, so the
     * library uses it verbatim, and so must the reader. */
    *dir = (struct report_dir){.path = strdup(path)};
    return dir->path ? 0 : -1;
}

void remove_report_dir(struct report_dir *dir)
{
    if (dir->temporary) {
        DIR *d = opendir(dir->path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)))
                if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, ".."))
                    unlinkat(dirfd(d), e->d_name, 0);
            closedir(d);
        }
        if (rmdir(dir->path) != 0)
            complain("cannot remove report directory '%s': %s", dir->path, strerror(errno));
    }
    free(dir->path);
    *dir = (struct report_dir){0};
}
