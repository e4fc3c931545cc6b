/* An errno in words, for the library's warnings. */
#ifndef EXITGUARD_ERRNO_TEXT_H
#define EXITGUARD_ERRNO_TEXT_H

/* What error e means; "error N" (written into buf) for one a file's
 * creation, writing and naming does not give. */
const char *eg_errno_text(int e, char buf[24]);

#endif
