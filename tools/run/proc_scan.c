#define _GNU_SOURCE
#include "proc_scan.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The whole of a small /proc file, NUL-terminated; its length in *len. */
static char *read_small(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t size = 4096, n = 0;
    char *buf = malloc(size);
    for (;;) {
        if (!buf)
            break;
        if (n + 1 == size) {
            char *grown = realloc(buf, size *= 2);
            if (!grown) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
        }
        ssize_t got = read(fd, buf + n, size - n - 1);
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    close(fd);
    if (buf)
        buf[n] = 0;
    *len = n;
    return buf;
}

/* The fields of a /proc stat file we read; -1 if it is gone or not one.
 * "PID (comm) S PPID PGRP ...": comm may hold spaces and parentheses, so
 * the fields are counted from its last ')'. */
struct stat_fields {
    char state;
    int ppid, pgid;
    unsigned flags;
    unsigned long long start;
};
static int read_stat_file(const char *path, struct stat_fields *f)
{
    char text[1024];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0)
        return -1;
    text[n] = 0;
    char *close_paren = strrchr(text, ')');
    *f = (struct stat_fields){0};
    if (!close_paren ||
        sscanf(close_paren + 1, " %c %d %d %*d %*d %*d %u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
                                "%*d %*d %*d %llu", &f->state, &f->ppid, &f->pgid, &f->flags,
               &f->start) < 3)
        return -1;
    return 0;
}

/* PF_EXITING (include/linux/sched.h): in exit already, past its last word
 * -- a process whose last fd closing woke its parent, which then ended the
 * run, is ending, not left over. */
enum { PF_EXITING = 0x4 };
static int task_ending(const struct stat_fields *f)
{
    return f->state == 'Z' || f->state == 'X' || (f->flags & PF_EXITING);
}

/* /proc/PID/stat is the thread-group leader's: a main thread that has
 * called pthread_exit is a zombie there, and one that a thread's execve
 * is replacing is exiting, while the process lives on.  Ending only when
 * none of its threads is left running. */
static int all_threads_ending(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    if (!d)
        return 1; /* gone meanwhile */
    int ending = 1;
    struct dirent *e;
    while (ending && (e = readdir(d))) {
        char *end;
        long tid = strtol(e->d_name, &end, 10);
        if (*end || tid <= 0)
            continue;
        char task[96];
        struct stat_fields f;
        snprintf(task, sizeof task, "/proc/%d/task/%ld/stat", (int)pid, tid);
        if (read_stat_file(task, &f) == 0 && !task_ending(&f))
            ending = 0;
    }
    closedir(d);
    return ending;
}

int read_proc_stat(pid_t pid, struct proc_entry *out)
{
    char path[64];
    struct stat_fields f;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (read_stat_file(path, &f) != 0)
        return -1;
    *out = (struct proc_entry){pid, f.ppid, f.pgid, task_ending(&f) && all_threads_ending(pid),
                               f.start};
    return 0;
}

size_t scan_processes(struct proc_entry **out)
{
    *out = NULL;
    DIR *d = opendir("/proc");
    if (!d)
        return 0;
    size_t n = 0, capacity = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end || pid <= 0)
            continue;
        struct proc_entry entry;
        if (read_proc_stat((pid_t)pid, &entry) != 0)
            continue; /* gone meanwhile */
        if (n == capacity) {
            capacity = capacity ? 2 * capacity : 256;
            struct proc_entry *grown = realloc(*out, capacity * sizeof *grown);
            if (!grown)
                break;
            *out = grown;
        }
        (*out)[n++] = entry;
    }
    closedir(d);
    return n;
}

char **read_cmdline(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    size_t len = 0;
    char *text = read_small(path, &len);
    size_t words = 0;
    for (size_t i = 0; text && i < len; i++)
        words += text[i] == 0 || i + 1 == len;
    char **argv = calloc(words + 1, sizeof *argv);
    for (size_t i = 0, w = 0; argv && text && i < len && w < words; w++) {
        if (!(argv[w] = strdup(text + i))) {
            free_argv(argv);
            argv = NULL;
            break;
        }
        i += strlen(text + i) + 1;
    }
    free(text);
    return argv;
}

void free_argv(char **argv)
{
    for (size_t i = 0; argv && argv[i]; i++)
        free(argv[i]);
    free(argv);
}
