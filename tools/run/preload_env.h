/* The environment the command inherits: LD_PRELOAD with the library first,
 * EXITGUARD_OPTIONS with exitguard's keys first and the user's after them
 * (so that the user's win).  Set in exitguard's own environment just
 * before the fork: exitguard itself never execs, so it is not affected. */
#ifndef EXITGUARD_TOOLS_PRELOAD_ENV_H
#define EXITGUARD_TOOLS_PRELOAD_ENV_H

/* Whether LD_PRELOAD can hold `library` (it splits on ':' and spaces);
 * says why not if it cannot. */
int library_path_usable(const char *library);

/* log_dir: where reports go (absolute), or NULL; token: the run's
 * (reports.h), passed with log_dir; policy: the children keys to pass
 * ("children=term", see policy_plan.h), or "".  Both NULL
 * and "": the user's EXITGUARD_OPTIONS passes unchanged.  Returns 0, or -1
 * if out of memory. */
int set_preload_env(const char *library, const char *log_dir, const char *token,
                    const char *policy);

#endif
