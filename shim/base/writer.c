#include "writer.h"
#include "text.h"
#include "fork_state.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

EG_HOT_TEXT void eg_w_init(struct eg_writer *w, int fd)
{
    w->fd = fd;
    w->failed = 0;
    w->n = 0;
}

void eg_w_flush(struct eg_writer *w)
{
    size_t done = 0;
    while (done < w->n) {
        ssize_t r = write(w->fd, w->buf + done, w->n - done);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            w->failed = 1;
            break;
        }
        done += (size_t)r;
    }
    w->n = 0;
}

EG_HOT_TEXT void eg_w_mem(struct eg_writer *w, const void *p, size_t n)
{
    const char *s = p;
    while (n) {
        if (w->n == sizeof w->buf)
            eg_w_flush(w);
        size_t k = sizeof w->buf - w->n;
        if (k > n)
            k = n;
        memcpy(w->buf + w->n, s, k);
        w->n += k;
        s += k;
        n -= k;
    }
}

EG_HOT_TEXT void eg_w_str(struct eg_writer *w, const char *s) { eg_w_mem(w, s, eg_text_len(s)); }
EG_HOT_TEXT void eg_w_char(struct eg_writer *w, char c) { eg_w_mem(w, &c, 1); }

EG_HOT_TEXT void eg_w_i64(struct eg_writer *w, int64_t v)
{
    char tmp[24];
    int i = sizeof tmp;
    uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[--i] = '-';
    eg_w_mem(w, tmp + i, sizeof tmp - (size_t)i);
}

void eg_w_hex(struct eg_writer *w, uint64_t v)
{
    char tmp[18];
    int i = sizeof tmp;
    do {
        tmp[--i] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    tmp[--i] = 'x';
    tmp[--i] = '0';
    eg_w_mem(w, tmp + i, sizeof tmp - (size_t)i);
}

/* Length of the valid UTF-8 sequence starting at p, 0 if invalid (overlong
 * forms and surrogates are invalid too: strict JSON readers refuse them). */
static size_t utf8_length(const unsigned char *p)
{
    size_t k = p[0] >= 0xc2 && p[0] <= 0xdf ? 2
             : p[0] >= 0xe0 && p[0] <= 0xef ? 3
             : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4
                                            : 0;
    uint32_t cp = p[0] & (0x7f >> k);
    for (size_t i = 1; i < k; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    if ((k == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (k == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return k;
}

EG_HOT_TEXT void eg_w_json_str(struct eg_writer *w, const char *s)
{
    eg_w_char(w, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            eg_w_char(w, '\\');
            eg_w_char(w, (char)*p);
        } else if (*p >= 0x80 && utf8_length(p) > 0) {
            size_t k = utf8_length(p);
            eg_w_mem(w, p, k);
            p += k - 1;
        } else if (*p < 0x20 || *p >= 0x7f) {
            /* control bytes, and bytes that are not UTF-8 (paths may hold
             * any byte): escaped so that every JSON reader accepts it */
            char esc[7] = "\\u00";
            esc[4] = "0123456789abcdef"[*p >> 4];
            esc[5] = "0123456789abcdef"[*p & 15];
            eg_w_mem(w, esc, 6);
        } else {
            eg_w_char(w, (char)*p);
        }
    }
    eg_w_char(w, '"');
}

void eg_warn(const char *a, const char *b, const char *c, const char *d)
{
    int saved = errno;
    struct eg_writer w;
    eg_w_init(&w, 2);
    eg_w_str(&w, "exitguard: ");
    const char *parts[] = {a, b, c, d};
    for (unsigned i = 0; i < 4; i++)
        if (parts[i])
            eg_w_str(&w, parts[i]);
    eg_w_char(&w, '\n');
    eg_w_flush(&w);
    errno = saved;
}

void eg_w_printable(struct eg_writer *w, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0x20 && *p != 0x7f && *p != '\\') {
            eg_w_char(w, (char)*p);
        } else {
            char esc[4] = {'\\', 'x', "0123456789abcdef"[*p >> 4], "0123456789abcdef"[*p & 15]};
            eg_w_mem(w, esc, 4);
        }
    }
}
