/* Reading a spawned tool's output (core/spawn.h). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "spawn.h"

size_t nd_drain(int fd, char *buf, size_t len)
{
    size_t total = 0, kept = 0;
    char chunk[4096];
    for (;;) {
        ssize_t got = read(fd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        size_t keep = kept + 1 < len ? ((size_t)got < len - 1 - kept ? (size_t)got : len - 1 - kept) : 0;
        memcpy(buf + kept, chunk, keep);
        kept += keep, total += (size_t)got;
    }
    if (len) buf[kept] = '\0';
    return total;
}
