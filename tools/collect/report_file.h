/* Opening a file of the report directory, which anything may have put
 * there: a traced program, another user (the directory is open to others
 * when the command runs as root: report_dir.c), a crash half-way through
 * a write.  A symbolic link is never followed, a FIFO or device never
 * waited on, a file larger than `limit` never read; a file of another
 * user's is read only when the command is root (whose tree may change
 * uid; such a file must still carry the run's token). */
#ifndef EXITGUARD_TOOLS_REPORT_FILE_H
#define EXITGUARD_TOOLS_REPORT_FILE_H

#include <stddef.h>
#include <sys/stat.h>

/* Read-only, close-on-exec, its status in *st; or -1 with *problem saying
 * why, for one line (ENOENT: *problem NULL, the file is simply gone).
 * `limit`: the largest size read, 0 for none. */
int open_report_file(const char *path, long long limit, struct stat *st, const char **problem);

#endif
