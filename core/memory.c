/* The memory limit: requests that would not fit are refused before allocation. */
#include <stdlib.h>
#include <unistd.h>

#include "neurodyn/core.h"

size_t nd_memory_limit(void)
{
    const char *env = getenv("NEURODYN_MAX_BYTES");
    if (env && *env) {
        char *end;
        unsigned long long v = strtoull(env, &end, 10);
        if (*end == '\0' && v > 0) return (size_t)v;
    }
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0) return (size_t)1 << 32;
    return (size_t)pages * (size_t)page / 2;
}

nd_status nd_check_alloc(size_t bytes, const char *what, nd_error *err)
{
    size_t limit = nd_memory_limit();
    if (bytes > limit)
        return nd_fail(err, ND_ENOMEM,
                       "%s would need %.3g MB, more than the limit of %.3g MB "
                       "(half the physical memory, or $NEURODYN_MAX_BYTES)",
                       what, (double)bytes / 1e6, (double)limit / 1e6);
    return ND_OK;
}
