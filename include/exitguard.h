/* exitguard: deterministic cleanup and leak reports at process exit.
 *
 * The library is used by preloading it (LD_PRELOAD=libexitguard.so) or by
 * running a command under `exitguard -- COMMAND`; this header carries the
 * versions a program or a tool can check against. */
#ifndef EXITGUARD_H
#define EXITGUARD_H

#define EXITGUARD_VERSION "0.1.0"

/* Version of the per-process JSON report ("exitguard_report" key) and of
 * the merged document the command writes ("exitguard" key). */
#define EXITGUARD_REPORT_SCHEMA 1

#endif
