/* Running the neurodyn command from the tests (ND_CLI is set by `make test`), shared by the test
 * files that check the command line. */
#ifndef ND_TESTS_CLI_RUN_H
#define ND_TESTS_CLI_RUN_H

#include <stddef.h>

/* A fresh temporary folder in dir (256 bytes), with NEURODYN_CACHE inside it; and its removal. */
void cli_tmpdir_make(char *dir);
void cli_tmpdir_remove(const char *dir);

/* Runs `neurodyn ARGS` in folder dir, stdout and stderr into dir/stdout and dir/stderr; returns
 * the exit status (128 when it did not exit). */
int cli_run_in(const char *dir, const char *args);

/* Reads a file into buf (len bytes, NUL-terminated; "" when missing). */
void cli_slurp(const char *path, char *buf, size_t len);

/* Runs `neurodyn ARGS` in dir (cli_run_in), asserts exit status 0 (its stderr in the message)
 * and returns its stdout parsed as JSON (asserted to parse); the caller json_decref's it. */
struct json_t;
struct json_t *cli_json_in(const char *dir, const char *args);

#endif
