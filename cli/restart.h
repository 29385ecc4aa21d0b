/* The restart of `neurodyn bifurcation --from DIR:LABEL` (cli/restart.c). */
#ifndef ND_CLI_RESTART_H
#define ND_CLI_RESTART_H

#include "cli.h"

typedef struct cli_restart {
    size_t label;   /* the row of special_points.tsv (its label column), 1 first */
    char type[16];  /* LP, H, BP, LPC, PD, NS, HC, SNIC */
    int cycle;      /* a cycle's point: its state columns hold the cycle's maxima */
    int par;        /* the saved diagram's parameter, in this model */
    double at;      /* its value at the point */
    double lo, hi;  /* the saved diagram's range */
    double *x;      /* the state there (n_vars; a cycle's maxima) */
    char dir[4096]; /* the folder of the saved points */
    int warned;     /* private */
} cli_restart;

/* Reads label LABEL of DIR/special_points.tsv (or FILE:LABEL) and checks DIR/diagram.tsv: another
 * model or a parameter this model lacks is a usage error (2); so is an unknown label, whose
 * message lists the labels there are. Parameter values that differ from p are warned about. */
int cli_restart_load(const char *cmd, const nd_model *m, const double *p, const char *spec, cli_restart *r);
void cli_restart_free(cli_restart *r);

/* Usage error (2) when outdir is the folder the points were read from: the restart would
 * overwrite the diagram it restarts from. */
int cli_restart_check_outdir(const char *cmd, const cli_restart *r, const char *outdir);

/* DIR/diagram.tsv: the model, the parameter with its range, every parameter value. */
int cli_write_diagram_info(const char *cmd, const char *dir, const nd_model *m, const double *p, int par, double lo,
                           double hi);

/* From a cycle's point: the stable cycle simulated from the saved state xs at `at` (or 1e-3 of
 * the range beside it), continued both ways; found: whether a branch was added. */
int cli_restart_cycles(const char *cmd, const nd_bif_diagram *d, const double *p, const nd_region *r, const double *xs,
                       double at, double plo, double phi, nd_cycle_set *cs, size_t *found);

#endif
