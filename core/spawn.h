/* Private to the library: reading what a spawned tool (the compiler, gnuplot) prints. */
#ifndef ND_CORE_SPAWN_H
#define ND_CORE_SPAWN_H

#include <stddef.h>

/* Reads fd to end of file, so the tool never blocks on a full pipe; keeps the first len - 1
 * bytes in buf (NUL-terminated) and returns how many bytes were read in all. */
size_t nd_drain(int fd, char *buf, size_t len);

#endif
