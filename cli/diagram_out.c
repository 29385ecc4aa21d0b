/* JSON of one-parameter diagrams (equilibrium and cycle branches), shared by the bifurcation
 * and fast-slow commands (their files are written by the library: nd_write_diagram). */
#include <math.h>
#include <string.h>

#include "cli.h"

static void json_state(FILE *f, const nd_model *m, const double *x)
{
    fprintf(f, "{");
    for (size_t v = 0; v < m->n_vars; v++) {
        fprintf(f, "%s", v ? ", " : "");
        cli_json_string(f, m->var_names[v]);
        fprintf(f, ": %.15g", x[v]);
    }
    fprintf(f, "}");
}

static void json_eq_branch(FILE *f, const nd_bif_diagram *d, const nd_branch *br, const double *at)
{
    const char *pn = d->m->par_names[d->par];
    size_t N = d->n_free + 1;
    double x[64];
    fprintf(f, "{\"kind\": \"equilibrium\", \"stop\": ");
    cli_json_string(f, br->stop_reason);
    fprintf(f, ", \"points\": [");
    for (size_t i = 0; i < br->n; i++) {
        nd_diagram_full_state(d, br->u + i * N, at, x);
        fprintf(f, "%s{", i ? ", " : "");
        cli_json_string(f, pn);
        fprintf(f, ": %.15g, \"state\": ", br->u[i * N + d->n_free]);
        json_state(f, d->m, x);
        fprintf(f, ", \"stable\": %s}", br->label[i] == 1 ? "true" : "false");
    }
    fprintf(f, "]}");
}

static void json_cycle_branch(FILE *f, const nd_model *m, const char *pn, const nd_cycle_curve *cc, const nd_branch *br)
{
    fprintf(f, "{\"kind\": \"cycle\", \"stop\": ");
    cli_json_string(f, br->stop_reason);
    fprintf(f, ", \"points\": [");
    int first = 1;
    for (size_t i = 0; i < br->n; i++) {
        const nd_cycle_info *in = nd_cycle_curve_info(cc, i);
        if (!in) continue;
        fprintf(f, "%s{", first ? "" : ", ");
        first = 0;
        cli_json_string(f, pn);
        fprintf(f, ": %.15g, \"period\": %.15g", in->par, in->period);
        for (int side = 0; side < 2; side++) {
            fprintf(f, ", \"%s\": {", side ? "min" : "max");
            for (size_t k = 0; k < cc->k; k++) {
                fprintf(f, "%s", k ? ", " : "");
                cli_json_string(f, m->var_names[cc->free_idx[k]]);
                fprintf(f, ": %.15g", side ? in->xmin[k] : in->xmax[k]);
            }
            fprintf(f, "}");
        }
        fprintf(f, ", \"stable\": %s}", in->stable ? "true" : "false");
    }
    fprintf(f, "]}");
}

void cli_json_branches(FILE *f, const nd_bif_diagram *d, const double *at, const nd_cycle_set *cs)
{
    fprintf(f, "[");
    for (size_t b = 0; b < d->n_branches; b++) {
        fprintf(f, "%s", b ? ", " : "");
        json_eq_branch(f, d, &d->branches[b], at);
    }
    for (size_t c = 0; cs && c < cs->n; c++) {
        fprintf(f, "%s", d->n_branches + c ? ", " : "");
        json_cycle_branch(f, d->m, d->m->par_names[d->par], &cs->curve[c], &cs->branch[c]);
    }
    fprintf(f, "]");
}
