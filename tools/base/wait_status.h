/* What a wait status means: the shell's exit code for it, its JSON form in
 * the merged document, and its words in the summary. */
#ifndef EXITGUARD_TOOLS_WAIT_STATUS_H
#define EXITGUARD_TOOLS_WAIT_STATUS_H

#include <jansson.h>
#include <stddef.h>

/* The status, or 128+N for signal N, as a shell reports it. */
int exit_code_of(int wait_status);

/* {"how":"exit","status":N} or {"how":"signal","signal":N,"name":"SIGX"} */
json_t *wait_status_json(int wait_status);

/* "exited with status N" or "killed by SIGX" */
void describe_wait_status(int wait_status, char *out, size_t size);

/* "SIGSEGV", or "SIG<number>" for one without a name. */
void signal_name(int signal, char *out, size_t size);

#endif
