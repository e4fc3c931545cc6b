/* Where the default suppressions file is (share/default.supp in the
 * source tree): beside the command in a build tree (make copies it into
 * build/), at share/exitguard/ under the command's PREFIX/bin/.. in an
 * install (a moved tree -- dpkg -x, a DESTDIR copy -- still finds its
 * own), else at the DATADIR it was built for. */
#ifndef EXITGUARD_TOOLS_DEFAULT_SUPP_PATH_H
#define EXITGUARD_TOOLS_DEFAULT_SUPP_PATH_H

#define DEFAULT_SUPP_NAME "default.supp"

/* The path, malloc'd; NULL, after one line on stderr naming where it
 * looked, if there is none (the command then runs without the rules). */
char *find_default_suppressions(void);

#endif
