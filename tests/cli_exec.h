/* Running the neurodyn command from the tests with an argument vector: no shell sees the
 * arguments, so paths with any characters go through as they are. */
#ifndef ND_TESTS_CLI_EXEC_H
#define ND_TESTS_CLI_EXEC_H

#include <stddef.h>

typedef struct cli_exec_result {
    int status;     /* exit status; 128 + the signal when it did not exit */
    char out[1 << 16];
    char err[1 << 12];
} cli_exec_result;

/* Runs `$ND_CLI ARGS...` (args NULL-terminated, without the program) in folder dir, stdin from
 * /dev/null, both streams captured (truncated to the buffers). With as_nobody the command runs
 * as user and group 65534, so that permissions bind when the tests run as root; returns -1
 * when that is not possible here (no CAP_SETUID), else 0. */
int cli_exec(const char *dir, int as_nobody, const char *const *args, cli_exec_result *r);

/* The number of lines of s (a last line without '\n' counts). */
int cli_line_count(const char *s);

#endif
