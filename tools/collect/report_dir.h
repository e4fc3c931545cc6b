/* The directory the library writes one report per process into: a private
 * temporary one (removed at the end), --output's (kept), or the log_dir
 * the user's EXITGUARD_OPTIONS names (kept, and not created). */
#ifndef EXITGUARD_TOOLS_REPORT_DIR_H
#define EXITGUARD_TOOLS_REPORT_DIR_H

struct report_dir {
    char *path;    /* absolute when exitguard made it; NULL: no directory */
    int temporary; /* made with mkdtemp: remove_report_dir deletes it */
};

/* Each returns 0, or -1 after one line saying why (dir->path stays NULL). */
int make_temporary_report_dir(struct report_dir *dir);

/* Back to 0700: the run has no token to tell its files from others'. */
void close_to_other_users(const char *path);
int make_output_report_dir(struct report_dir *dir, const char *path);
int use_user_report_dir(struct report_dir *dir, const char *path);

/* Deletes a temporary directory and what the library left in it; frees. */
void remove_report_dir(struct report_dir *dir);

#endif
