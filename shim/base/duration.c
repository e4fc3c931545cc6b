#include "duration.h"

long eg_duration_ms(const char *v, size_t len)
{
    long ms = 0, scale = 1000;
    size_t i = 0, digits = 0;
    for (; i < len && v[i] >= '0' && v[i] <= '9' && ms < 100000000; i++, digits++)
        ms = ms * 10 + (v[i] - '0');
    ms *= 1000;
    if (i < len && v[i] == '.') {
        for (i++; i < len && v[i] >= '0' && v[i] <= '9'; i++, digits++)
            if (scale /= 10)
                ms += (v[i] - '0') * scale;
    }
    size_t rest = len - i;
    if (!digits || ms < 0)
        return -1;
    if (rest == 2 && v[i] == 'm' && v[i + 1] == 's')
        return ms / 1000 ? ms / 1000 : (ms ? 1 : 0);
    if (rest == 0 || (rest == 1 && v[i] == 's'))
        return ms;
    return -1;
}
