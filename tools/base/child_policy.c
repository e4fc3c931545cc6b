#include "child_policy.h"

#include <string.h>

static const char *const names[] = {"report", "term", "kill", "group"};

int child_policy_parse(const char *word, size_t len)
{
    for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++)
        if (strlen(names[i]) == len && memcmp(names[i], word, len) == 0)
            return i;
    return -1;
}

const char *child_policy_name(enum child_policy policy)
{
    return names[policy];
}
