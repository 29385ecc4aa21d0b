/* The fast subsystem of a model as a model of its own: slow variables become parameters.
 * A model's RHS receives no context pointer (parameters are a plain vector, DESIGN.md), so each
 * live fast subsystem owns one of ND_FAST_SLOTS trampoline functions that knows its slot. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/fastslow.h"

static nd_fast_subsystem *slots[ND_FAST_SLOTS];

static void fast_rhs(const nd_fast_subsystem *fs, double t, const double *x, const double *p, double *dxdt)
{
    double xf[64], df[64];
    size_t np = fs->full->n_pars;
    for (size_t a = 0; a < fs->n_fast; a++) xf[fs->fast_idx[a]] = x[a];
    for (size_t b = 0; b < fs->n_slow; b++) xf[fs->slow_idx[b]] = p[np + b];
    fs->full->rhs(t, xf, p, df); /* the full model reads its own parameters first in p */
    for (size_t a = 0; a < fs->n_fast; a++) dxdt[a] = df[fs->fast_idx[a]];
}

#define TRAMPOLINE(i)                                                                              \
    static void fast_rhs_##i(double t, const double *x, const double *p, double *dxdt)            \
    {                                                                                              \
        fast_rhs(slots[i], t, x, p, dxdt);                                                         \
    }
TRAMPOLINE(0)
TRAMPOLINE(1)
TRAMPOLINE(2)
TRAMPOLINE(3)
TRAMPOLINE(4)
TRAMPOLINE(5)
TRAMPOLINE(6)
TRAMPOLINE(7)
static const nd_rhs_fn trampolines[ND_FAST_SLOTS] = {fast_rhs_0, fast_rhs_1, fast_rhs_2, fast_rhs_3,
                                                     fast_rhs_4, fast_rhs_5, fast_rhs_6, fast_rhs_7};

void nd_fast_subsystem_free(nd_fast_subsystem *fs)
{
    if (!fs) return;
    if (fs->slot >= 0 && fs->slot < ND_FAST_SLOTS && slots[fs->slot] == fs) slots[fs->slot] = NULL;
    free(fs->fast_idx);
    free(fs->var_names);
    free(fs->par_names);
    free(fs->par_defaults);
    memset(fs, 0, sizeof *fs);
    fs->slot = -1;
}

int nd_fast_slow_par(const nd_fast_subsystem *fs, size_t k)
{
    return k < fs->n_slow ? (int)(fs->full->n_pars + k) : -1;
}

nd_status nd_fast_subsystem_init(nd_fast_subsystem *fs, const nd_model *full, const int *slow, nd_error *err)
{
    memset(fs, 0, sizeof *fs);
    fs->slot = -1;
    nd_status st = nd_model_validate(full, err);
    if (st) return st;
    size_t n = full->n_vars, ns = 0;
    if (n > 64) return nd_fail(err, ND_EINVAL, "fast subsystem: %zu variables, at most 64", n);
    for (size_t i = 0; i < n; i++) ns += slow && slow[i];
    if (ns == 0 || ns == n)
        return nd_fail(err, ND_EINVAL, "fast subsystem of %s: name between 1 and %zu slow variables", full->name, n - 1);
    int slot = -1;
    for (int i = 0; i < ND_FAST_SLOTS && slot < 0; i++)
        if (!slots[i]) slot = i;
    if (slot < 0) return nd_fail(err, ND_EFAILED, "fast subsystem: all %d slots are in use", ND_FAST_SLOTS);
    size_t np = full->n_pars + ns;
    fs->fast_idx = malloc(n * sizeof *fs->fast_idx);
    fs->var_names = malloc(n * sizeof *fs->var_names);
    fs->par_names = malloc(np * sizeof *fs->par_names);
    fs->par_defaults = malloc((np + n) * sizeof *fs->par_defaults);
    if (!fs->fast_idx || !fs->var_names || !fs->par_names || !fs->par_defaults) {
        nd_fast_subsystem_free(fs);
        return nd_fail(err, ND_ENOMEM, "fast subsystem: no memory");
    }
    fs->full = full, fs->slot = slot, slots[slot] = fs;
    fs->slow_idx = fs->fast_idx + (n - ns);
    fs->init = fs->par_defaults + np;
    for (size_t i = 0, a = 0, b = 0; i < n; i++) {
        if (slow[i]) {
            fs->slow_idx[b] = i;
            fs->par_names[full->n_pars + b] = full->var_names[i];
            fs->par_defaults[full->n_pars + b] = full->init[i];
            b++;
        } else {
            fs->fast_idx[a] = i;
            fs->var_names[a] = full->var_names[i];
            fs->init[a] = full->init[i];
            a++;
        }
    }
    fs->n_fast = n - ns, fs->n_slow = ns;
    for (size_t k = 0; k < full->n_pars; k++) fs->par_names[k] = full->par_names[k], fs->par_defaults[k] = full->par_defaults[k];
    snprintf(fs->name, sizeof fs->name, "%.80s_fast", full->name);
    fs->model = (nd_model){
        .name = fs->name,
        .title = "fast subsystem (slow variables as parameters)",
        .reference = full->reference,
        .n_vars = fs->n_fast,
        .n_pars = np,
        .var_names = fs->var_names,
        .par_names = fs->par_names,
        .par_defaults = fs->par_defaults,
        .init = fs->init,
        .rhs = trampolines[slot],
        .time_unit = full->time_unit,
    };
    return nd_model_validate(&fs->model, err);
}
