/* Not strerrordesc_np: it was the one call of GLIBC_2.32 left, a version
 * more for the loader to check in every process (some 500 instructions,
 * callgrind); nor strerror, which may translate, take locks and allocate,
 * and these lines are written from fatal-signal handlers too.  The words
 * are the ones glibc prints, for the errors the library's files can meet. */
#include "errno_text.h"

#include <errno.h>

#include "text.h"

/* No pointers: a table of them is a relocation each for the loader. */
static const struct {
    int e;
    char text[40];
} words[] = {
    {EPERM, "Operation not permitted"},
    {ENOENT, "No such file or directory"},
    {EINTR, "Interrupted system call"},
    {EIO, "Input/output error"},
    {ENXIO, "No such device or address"},
    {EBADF, "Bad file descriptor"},
    {EAGAIN, "Resource temporarily unavailable"},
    {ENOMEM, "Cannot allocate memory"},
    {EACCES, "Permission denied"},
    {EFAULT, "Bad address"},
    {EBUSY, "Device or resource busy"},
    {EEXIST, "File exists"},
    {EXDEV, "Invalid cross-device link"},
    {ENODEV, "No such device"},
    {ENOTDIR, "Not a directory"},
    {EISDIR, "Is a directory"},
    {EINVAL, "Invalid argument"},
    {ENFILE, "Too many open files in system"},
    {EMFILE, "Too many open files"},
    {ETXTBSY, "Text file busy"},
    {EFBIG, "File too large"},
    {ENOSPC, "No space left on device"},
    {ESPIPE, "Illegal seek"},
    {EROFS, "Read-only file system"},
    {EMLINK, "Too many links"},
    {EPIPE, "Broken pipe"},
    {ENAMETOOLONG, "File name too long"},
    {ENOSYS, "Function not implemented"},
    {ELOOP, "Too many levels of symbolic links"},
    {EOVERFLOW, "Value too large for defined data type"},
    {EOPNOTSUPP, "Operation not supported"},
    {ESTALE, "Stale file handle"},
    {EDQUOT, "Disk quota exceeded"},
};

const char *eg_errno_text(int e, char buf[24])
{
    for (unsigned i = 0; i < sizeof words / sizeof words[0]; i++)
        if (words[i].e == e)
            return words[i].text;
    char *p = buf;
    for (const char *w = "error "; *w; w++)
        *p++ = *w;
    if (e < 0)
        *p++ = '-';
    eg_text_u64(p, e < 0 ? -(unsigned)e : (unsigned)e);
    return buf;
}
