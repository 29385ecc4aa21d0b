/* libFuzzer harness: the model-descriptor validator and the lookups every command makes, on
 * descriptors built from arbitrary bytes (names of any length and content, duplicates, empty
 * names, non-finite defaults and boxes, slow_vars and bif_par naming nothing). A bad descriptor
 * must be refused with a message, never crash (what a user's model file can hand us). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/neurodyn.h"

ND_RHS(fuzzed) { (void)t, (void)x, (void)p, (void)dxdt; }

enum { MAX_N = 6 };

/* The next NUL- or newline-terminated string of the input (empty when it is used up). */
static const char *next_string(char **cur, char *end)
{
    char *s = *cur;
    if (s >= end) return "";
    char *stop = s;
    while (stop < end && *stop != '\n' && *stop != '\0') stop++;
    *stop = '\0';
    *cur = stop + 1;
    return s;
}

static double next_double(const uint8_t **b, const uint8_t *end)
{
    double v = 0;
    if (end - *b >= (long)sizeof v) memcpy(&v, *b, sizeof v), *b += sizeof v;
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > 4096) return 0;
    size_t nv = 1 + data[0] % MAX_N, np = data[1] % MAX_N, half = size / 2;
    const uint8_t *num = data + 2, *num_end = data + half;
    char *text = malloc(size - half + 1);
    if (!text) return 0;
    memcpy(text, data + half, size - half), text[size - half] = '\0';
    char *cur = text, *end = text + (size - half);
    const char *var_names[MAX_N], *par_names[MAX_N], *units[MAX_N];
    double init[MAX_N], lo[MAX_N], hi[MAX_N], defaults[MAX_N];
    for (size_t i = 0; i < nv; i++) {
        var_names[i] = next_string(&cur, end), units[i] = next_string(&cur, end);
        init[i] = next_double(&num, num_end), lo[i] = next_double(&num, num_end), hi[i] = next_double(&num, num_end);
    }
    for (size_t i = 0; i < np; i++) par_names[i] = next_string(&cur, end), defaults[i] = next_double(&num, num_end);
    nd_model m = {.name = next_string(&cur, end), .n_vars = nv, .n_pars = np, .var_names = var_names,
                  .par_names = np ? par_names : NULL, .par_defaults = np ? defaults : NULL, .init = init,
                  .var_lo = lo, .var_hi = hi, .rhs = fuzzed_rhs, .slow_vars = next_string(&cur, end),
                  .bif_par = next_string(&cur, end), .var_units = units};
    m.bif_lo = next_double(&num, num_end), m.bif_hi = next_double(&num, num_end);
    nd_error err;
    if (nd_model_validate(&m, &err) == ND_OK) {
        double p[MAX_N + 1], x[MAX_N];
        char label[64];
        nd_model_default_params(&m, p), nd_model_default_state(&m, x);
        const char *assignment = next_string(&cur, end);
        nd_model_set_par(&m, p, assignment, &err), nd_model_set_var(&m, x, assignment, &err);
        for (size_t i = 0; i < nv; i++) nd_model_var_label(&m, i, label, sizeof label);
        nd_model_par_index(&m, m.bif_par, &err);
    }
    free(text);
    return 0;
}
