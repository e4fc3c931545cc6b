/* The HTML page's style sheet and script, inlined into every page: the
 * page is one file, and opens with no network and no other file. */
#ifndef EXITGUARD_TOOLS_HTML_STYLE_H
#define EXITGUARD_TOOLS_HTML_STYLE_H

extern const char html_style[];
/* Expand all / collapse all for the process tree.  The page works without
 * it: the tree is <details>, the kind filters are check boxes and CSS. */
extern const char html_script[];

/* The kinds a page filters by: the five leak kinds (leak_identity.h),
 * then fd misuses and finalizers; each item and site on the page has the
 * class "k-KIND", and the filter "show-KIND" hides them. */
#define HTML_KINDS 7
extern const char *const html_kinds[HTML_KINDS];

#endif
