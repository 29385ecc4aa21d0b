/* neurodyn sweep's arguments and run, shared by the command (cli/cmd_sweep.c) and its writers
 * (cli/sweep_out.c). */
#ifndef NEURODYN_CLI_SWEEP_H
#define NEURODYN_CLI_SWEEP_H

#include <stdio.h>

#include "neurodyn/ensemble.h"
#include "neurodyn/model.h"

typedef struct sweep_par {
    int index;
    double lo, hi;
    unsigned long n;
} sweep_par;

typedef struct sweep_args {
    const char *model, *method, *var, *out, *plot, *map, *pars[2], *extrema_out, *checkpoint;
    double t1, transient, dt, level;
    int n_pars, have_transient, have_level, json, lyapunov, quiet, resume;
    unsigned long block; /* --block (0: the library's default) */
    int extrema; /* nd_extrema, or -1: by the number of parameters */
    unsigned long max_extrema;
    nd_device device;
    nd_precision precision;
    const char **sets, **inits;
    int n_sets, n_inits;
} sweep_args;

typedef struct sweep_run {
    const nd_model *m;
    const sweep_args *a;
    sweep_par sp[2];
    int np, var;
    size_t n;
    const double *P;
    double *lambda; /* --lyapunov, else NULL */
    nd_ensemble_result r;
    char extrema_path[4096]; /* where the extrema went, or "" */
} sweep_run;

/* The count of local extrema of a kind (ND_EXTREMA_MAX or _MIN) per point; NULL if not asked. */
const long *sweep_extrema_count(const sweep_run *s, int kind);
/* The table: one row per grid point (parameters, max/min of each variable, period, events,
 * n_maxima/n_minima when recorded, lyapunov with --lyapunov). */
void sweep_write_table(FILE *f, const sweep_run *s);
/* One row per local extremum kept: parameter value(s), variable, kind, value, t. */
void sweep_write_extrema(FILE *f, const sweep_run *s);
/* The JSON document on stdout; status as cli_json_print. */
int sweep_print_json(const sweep_run *s);

#endif
