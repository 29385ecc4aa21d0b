/* Files and JSON of one-parameter diagrams (equilibrium and cycle branches), shared by the
 * bifurcation and fast-slow commands. */
#include <math.h>
#include <string.h>

#include "cli.h"

void cli_full_state(const nd_bif_diagram *d, const double *u, const double *at, double *x)
{
    memcpy(x, at, d->m->n_vars * sizeof *x);
    for (size_t a = 0; a < d->n_free; a++) x[d->free_idx[a]] = u[a];
}

static void write_row(FILE *f, const nd_bif_diagram *d, size_t b, const double *u, const double *at, int stable)
{
    double x[64];
    cli_full_state(d, u, at, x);
    fprintf(f, "%zu\t%.12g", b, u[d->n_free]);
    for (size_t v = 0; v < d->m->n_vars; v++) fprintf(f, "\t%.12g", x[v]);
    fprintf(f, "\t%d\n", stable);
}

int cli_write_branches(const char *cmd, const char *dir, const nd_bif_diagram *d, const double *at)
{
    FILE *f = cli_open_out(cmd, dir, "branches.tsv");
    if (!f) return EXIT_FAILED;
    const nd_model *m = d->m;
    fprintf(f, "branch\t%s", m->par_names[d->par]);
    for (size_t v = 0; v < m->n_vars; v++) fprintf(f, "\t%s", m->var_names[v]);
    fprintf(f, "\tstable\n");
    size_t N = d->n_free + 1;
    for (size_t b = 0; b < d->n_branches; b++) {
        const nd_branch *br = &d->branches[b];
        if (b) fprintf(f, "\n\n");
        for (size_t i = 0; i < br->n; i++) {
            if (i && br->label[i] != br->label[i - 1]) write_row(f, d, b, br->u + i * N, at, br->label[i - 1]);
            write_row(f, d, b, br->u + i * N, at, br->label[i]);
        }
    }
    return fclose(f) ? EXIT_FAILED : EXIT_OK;
}

static void write_cycle_row(FILE *f, const nd_model *m, const nd_cycle_curve *cc, size_t c, const nd_cycle_info *in,
                            const double *at, int stable)
{
    fprintf(f, "%zu\t%.12g\t%.12g", c, in->par, in->period);
    for (size_t v = 0, a = 0; v < m->n_vars; v++) {
        if (a < cc->k && cc->free_idx[a] == v) fprintf(f, "\t%.12g\t%.12g", in->xmax[a], in->xmin[a]), a++;
        else fprintf(f, "\t%.12g\t%.12g", at[v], at[v]);
    }
    fprintf(f, "\t%d\n", stable);
}

int cli_write_cycles(const char *cmd, const char *dir, const nd_model *m, int par, const nd_cycle_set *cs,
                     const double *at)
{
    FILE *f = cli_open_out(cmd, dir, "cycles.tsv");
    if (!f) return EXIT_FAILED;
    fprintf(f, "branch\t%s\tperiod", m->par_names[par]);
    for (size_t v = 0; v < m->n_vars; v++) fprintf(f, "\tmax_%s\tmin_%s", m->var_names[v], m->var_names[v]);
    fprintf(f, "\tstable\n");
    for (size_t c = 0; c < cs->n; c++) {
        const nd_cycle_curve *cc = &cs->curve[c];
        if (c) fprintf(f, "\n\n");
        const nd_cycle_info *prev = NULL;
        for (size_t i = 0; i < cs->branch[c].n; i++) {
            const nd_cycle_info *in = nd_cycle_curve_info(cc, i);
            if (!in) continue;
            /* a point written with both labels where stability changes: solid meets dashed */
            if (prev && prev->stable != in->stable) write_cycle_row(f, m, cc, c, in, at, prev->stable);
            write_cycle_row(f, m, cc, c, in, at, in->stable);
            prev = in;
        }
    }
    return fclose(f) ? EXIT_FAILED : EXIT_OK;
}

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
        cli_full_state(d, br->u + i * N, at, x);
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
