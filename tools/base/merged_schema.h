/* The --json document's schema number ("exitguard": N), which a
 * --baseline file must carry. */
#ifndef EXITGUARD_TOOLS_MERGED_SCHEMA_H
#define EXITGUARD_TOOLS_MERGED_SCHEMA_H

/* Only keys were added since 2 came out: a reader of 2 reads it all. */
#define MERGED_SCHEMA 2

#endif
