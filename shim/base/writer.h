/* Buffered output to an fd with no malloc, no stdio and no locks, so that the
 * report can be written from any context, a fatal-signal handler included. */
#ifndef EXITGUARD_WRITER_H
#define EXITGUARD_WRITER_H

#include <stddef.h>
#include <stdint.h>

struct eg_writer {
    int fd;
    int failed;     /* a write failed: the output is incomplete */
    size_t n;
    char buf[4096];
};

void eg_w_init(struct eg_writer *w, int fd);
void eg_w_mem(struct eg_writer *w, const void *p, size_t n);
void eg_w_str(struct eg_writer *w, const char *s);
void eg_w_char(struct eg_writer *w, char c);
void eg_w_i64(struct eg_writer *w, int64_t v);
void eg_w_hex(struct eg_writer *w, uint64_t v); /* 0x-prefixed */
void eg_w_json_str(struct eg_writer *w, const char *s); /* quoted, escaped */
/* For text reports: control bytes and '\\' as \\xNN, so that a path or a
 * socket name holding a newline cannot forge a line of the report. */
void eg_w_printable(struct eg_writer *w, const char *s);
void eg_w_flush(struct eg_writer *w);

/* One line on stderr, "exitguard: " first: the way every problem is told. */
void eg_warn(const char *a, const char *b, const char *c, const char *d);

#endif
