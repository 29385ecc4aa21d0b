/* libFuzzer harness: the command line's value parsers (what --par, --range, --set, --init,
 * --fix, --t1 and counts go through) on arbitrary text, against built-in models. Any input
 * must give a value or a refusal: no crash, no read or write out of bounds, no undefined
 * behaviour (built with -fsanitize=fuzzer,address,undefined by `make fuzz`). */
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../cli/cli.h"
#include "neurodyn/neurodyn.h"

/* The refusals' messages go to /dev/null while the parsers run; the fuzzer's reports, and the
 * sanitizers', keep the real stderr. */
static int quiet_fd = -1;

static int mute(void)
{
    if (quiet_fd < 0) quiet_fd = open("/dev/null", O_WRONLY);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    if (quiet_fd >= 0) dup2(quiet_fd, STDERR_FILENO);
    return saved;
}

static void unmute(int saved)
{
    fflush(stderr);
    if (saved >= 0) dup2(saved, STDERR_FILENO), close(saved);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 8192) return 0;
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size), text[size] = '\0';
    static const char *const names[] = {"fhn", "hh", "lorenz", "izhikevich"};
    const nd_model *m = nd_builtin_find(names[size % 4]);
    double lo, hi, v, p[64], x[64];
    int index;
    unsigned long count;
    nd_error err;
    int saved = mute();
    cli_parse_range("fuzz", m, text, 0, &index, &lo, &hi);
    cli_parse_range("fuzz", m, text, 1, &index, &lo, &hi);
    cli_parse_grid_range("fuzz", m, text, 1, 1, &index, &lo, &hi);
    cli_parse_value("fuzz", m, text, &index, &v);
    cli_number("fuzz", "t1", text, &v);
    cli_count("fuzz", "grid", text, 0, ULONG_MAX, &count);
    nd_parse_double(text, "fuzz", &v, &err);
    nd_model_default_params(m, p), nd_model_default_state(m, x);
    nd_model_set_par(m, p, text, &err);
    nd_model_set_var(m, x, text, &err);
    nd_model_par_index(m, text, &err), nd_model_var_index(m, text, &err);
    unmute(saved);
    free(text);
    return 0;
}
