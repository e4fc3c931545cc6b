/* The command's own messages: one line on stderr, "exitguard: " first, so
 * that they stand out from the wrapped program's output around them. */
#ifndef EXITGUARD_TOOLS_MESSAGES_H
#define EXITGUARD_TOOLS_MESSAGES_H

void complain(const char *format, ...) __attribute__((format(printf, 1, 2)));

#endif
