/* What the end of a process does to what it leaves, before the report:
 * children ended per the children policy, temp files removed per the
 * tempfiles one.  Once per process each, async-signal-safe; the report
 * only reads the outcomes. */
#ifndef EXITGUARD_SETTLE_H
#define EXITGUARD_SETTLE_H

/* children_settle.c: at the end, once per process, asks the kernel about
 * each child never reaped and applies the children policy, within
 * `budget_ms`; the outcome of each goes in its record for the report.
 * Async-signal-safe. */
void eg_children_settle(long budget_ms);

/* tempfiles_settle.c: each of this process's temp files gone, kept, or
 * (tempfiles=unlink) removed. */
void eg_tempfiles_settle(void);

#endif
