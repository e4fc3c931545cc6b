/* The keys of the user's own EXITGUARD_OPTIONS that the command has to
 * know: the two that decide where it can find reports, the children
 * policy it applies itself to what COMMAND leaves running, and the
 * suppressions file (which the library accepts and ignores).  The library
 * parses the whole string; this reads it the same way (key=value items
 * split on ':', the last valid value of a key wins) but only for these
 * keys. */
#ifndef EXITGUARD_TOOLS_USER_OPTIONS_H
#define EXITGUARD_TOOLS_USER_OPTIONS_H

struct user_options {
    char *log_dir; /* NULL if the user did not set it; may be "" */
    char *report;  /* the last valid report= value, or NULL */
    int children;  /* an enum child_policy, or -1 if not set */
    long kill_grace_ms; /* -1 if not set */
    char *suppressions; /* the last non-empty suppressions= value, or NULL */
};

void read_user_options(const char *text, struct user_options *out);
void free_user_options(struct user_options *options);

/* Whether the user's report= keeps the library from writing JSON. */
int user_report_not_json(const struct user_options *options);

#endif
