/* A test that passes but forgets to close the file it read: the leak the
 * suite wrapped in exitguard must point at (the marked line). */
#include <fcntl.h>
#include <unistd.h>

static int read_config(void)
{
    char buf[64];
    int fd = open("/etc/passwd", O_RDONLY); /* LEAK: leaky_test */
    if (fd < 0)
        return -1;
    return read(fd, buf, sizeof buf) >= 0 ? 0 : -1; /* fd never closed */
}

int main(void)
{
    return read_config() == 0 ? 0 : 1;
}
