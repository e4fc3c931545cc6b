#define _GNU_SOURCE
#include "source_lines.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* O_NONBLOCK: a FIFO named as a source file would hang the open. */
static FILE *open_source(const char *file, const char *base_dir)
{
    char *path = NULL;
    if (file[0] != '/' && base_dir) {
        if (asprintf(&path, "%s/%s", base_dir, file) < 0)
            return NULL;
        file = path;
    }
    int fd = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    free(path);
    struct stat st;
    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        (geteuid() == 0 && !(st.st_mode & S_IROTH))) {
        close(fd);
        return NULL;
    }
    FILE *f = fdopen(fd, "r");
    if (!f)
        close(fd);
    return f;
}

int read_source_lines(const char *file, const char *base_dir, long line,
                      struct source_lines *out)
{
    *out = (struct source_lines){.first = line > SOURCE_CONTEXT ? line - SOURCE_CONTEXT : 1};
    FILE *f = line > 0 && file && *file ? open_source(file, base_dir) : NULL;
    if (!f)
        return -1;
    char *text = NULL;
    size_t size = 0;
    ssize_t n;
    for (long at = 1; at <= line + SOURCE_CONTEXT && (n = getline(&text, &size, f)) >= 0; at++) {
        if (at < out->first)
            continue;
        if (n > 0 && text[n - 1] == '\n')
            text[--n] = '\0';
        if (n > SOURCE_LINE_MAX)
            text[SOURCE_LINE_MAX] = '\0';
        if (!(out->lines[out->count] = strdup(text)))
            break;
        out->count++;
    }
    free(text);
    fclose(f);
    if (out->first + (long)out->count <= line) { /* shorter than that: not this file */
        free_source_lines(out);
        return -1;
    }
    return 0;
}

void free_source_lines(struct source_lines *lines)
{
    for (size_t i = 0; i < lines->count; i++)
        free(lines->lines[i]);
    lines->count = 0;
}
