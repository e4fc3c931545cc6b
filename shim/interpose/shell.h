/* popen's streams, shared with fclose (streams.c): in glibc, fclose of a
 * popen stream is pclose. */
#ifndef EXITGUARD_SHELL_H
#define EXITGUARD_SHELL_H

#include <stdio.h>

/* pclose of f if popen made it: its child's wait status, or -1; -2 when f
 * is not a popen stream (nothing done). */
int eg_popen_close(FILE *f);

#endif
