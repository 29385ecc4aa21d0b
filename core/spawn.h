/* Private to the library: running a tool (the compiler, gnuplot) without a shell. */
#ifndef ND_CORE_SPAWN_H
#define ND_CORE_SPAWN_H

#include <stddef.h>

/* What a finished tool did. */
typedef struct nd_tool_run {
    int spawn_errno; /* nonzero: it could not be started (and nothing below is set) */
    int exited_ok;   /* it exited with status 0 */
    size_t n_said;   /* bytes it wrote to the collected streams in all */
} nd_tool_run;

/* Runs argv (argv[0] searched in PATH when it has no slash) in folder dir (NULL: here), with
 * stdin from /dev/null, stderr — and stdout too when with_stdout, else stdout to /dev/null —
 * collected into said (the first len - 1 bytes, NUL-terminated), and waits for it. The argument
 * vector goes to posix_spawn as it is: no shell ever reads it. */
nd_tool_run nd_run_tool(char *const *argv, const char *dir, int with_stdout, char *said, size_t len);

/* Reads fd to end of file, so the tool never blocks on a full pipe; keeps the first len - 1
 * bytes in buf (NUL-terminated) and returns how many bytes were read in all. */
size_t nd_drain(int fd, char *buf, size_t len);

#endif
