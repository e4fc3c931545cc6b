/* EXITGUARD_OPTIONS: the sanitizers' key=value:key=value form, read once at
 * start.  Parsing needs no malloc, so it is safe however early it runs. */
#ifndef EXITGUARD_OPTIONS_H
#define EXITGUARD_OPTIONS_H

enum { EG_PATH_MAX = 1024 };

struct eg_options {
#define EG_OPTION_INT(name) int name;
#define EG_OPTION_CHOICE(name) int name; /* index into the choice list */
#define EG_OPTION_PATH(name) const char *name; /* "" when unset */
#define EG_OPTION_DURATION(name) int name; /* milliseconds */
#define EG_OPTION(kind, name, def, limit, desc) EG_OPTION_##kind(name)
#include "options.def"
#undef EG_OPTION
#undef EG_OPTION_INT
#undef EG_OPTION_CHOICE
#undef EG_OPTION_PATH
#undef EG_OPTION_DURATION
};

enum eg_report_format { EG_REPORT_AUTO, EG_REPORT_TEXT, EG_REPORT_JSON, EG_REPORT_NONE };
enum eg_fds_policy { EG_FDS_REPORT, EG_FDS_CLOSE };
enum eg_tempfiles_policy { EG_TEMPFILES_REPORT, EG_TEMPFILES_UNLINK };
enum eg_children_policy { EG_CHILDREN_REPORT, EG_CHILDREN_TERM, EG_CHILDREN_KILL, EG_CHILDREN_GROUP };

extern struct eg_options eg_options;

/* Resets to the defaults, then applies `text` (may be NULL).  Each bad item
 * gets one line on stderr naming it and is ignored; returns how many. */
int eg_options_parse(const char *text);

/* The option list, one line each, as help=1 prints it. */
void eg_options_print_help(int fd);

#endif
