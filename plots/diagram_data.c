/* The data files of one-parameter diagrams and fast–slow diagrams (TSV with a header line),
 * and the plot calls that write them and render the figure. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "neurodyn/tsv.h"
#include "neurodyn/plot.h"
#include "neurodyn/cycle_codim2.h"
#include "data_io.h"

FILE *nd_data_open(const char *dir, const char *name, nd_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = nd_file_create(path);
    if (!f) nd_fail(err, ND_EIO, "cannot write '%s': %s", path, strerror(errno));
    return f;
}

nd_status nd_data_close(FILE *f, const char *name, nd_error *err)
{
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    return bad ? nd_fail(err, ND_EIO, "writing %s failed", name) : ND_OK;
}

void nd_diagram_full_state(const nd_bif_diagram *d, const double *u, const double *at, double *x)
{
    for (size_t v = 0; v < d->m->n_vars; v++) x[v] = at ? at[v] : NAN;
    for (size_t a = 0; a < d->n_free; a++) x[d->free_idx[a]] = u[a];
}

/* ---- branches.tsv ------------------------------------------------------------------------------ */

static void branch_row(FILE *f, const nd_bif_diagram *d, size_t b, const double *u, const double *at, int stable)
{
    double x[64];
    nd_diagram_full_state(d, u, at, x);
    fprintf(f, "%zu", b), nd_tsv_cell(f, u[d->n_free]);
    for (size_t v = 0; v < d->m->n_vars; v++) nd_tsv_cell(f, x[v]);
    fprintf(f, "\t%d\n", stable);
}

/* One block per branch; where stability changes the point is written with both labels, so
 * that solid and dashed pieces meet in the plot. */
static nd_status write_branches(const nd_bif_diagram *d, const double *at, const char *dir, nd_error *err)
{
    FILE *f = nd_data_open(dir, "branches.tsv", err);
    if (!f) return ND_EIO;
    const nd_model *m = d->m;
    fprintf(f, "branch\t%s", m->par_names[d->par]);
    for (size_t v = 0; v < m->n_vars; v++) fprintf(f, "\t%s", m->var_names[v]);
    fprintf(f, "\tstable\n");
    size_t N = d->n_free + 1;
    for (size_t b = 0; b < d->n_branches; b++) {
        const nd_branch *br = &d->branches[b];
        if (b) fprintf(f, "\n\n");
        for (size_t i = 0; i < br->n; i++) {
            if (i && br->label[i] != br->label[i - 1]) branch_row(f, d, b, br->u + i * N, at, br->label[i - 1]);
            branch_row(f, d, b, br->u + i * N, at, br->label[i]);
        }
    }
    return nd_data_close(f, "branches.tsv", err);
}

/* ---- cycles.tsv ---------------------------------------------------------------------------------- */

static void cycle_row(FILE *f, const nd_model *m, const nd_cycle_curve *cc, size_t c, const nd_cycle_info *in,
                      const double *at, int stable, size_t mult)
{
    fprintf(f, "%zu", c), nd_tsv_cell(f, in->par), nd_tsv_cell(f, in->period);
    for (size_t v = 0, a = 0; v < m->n_vars; v++) {
        if (a < cc->k && cc->free_idx[a] == v) nd_tsv_cell(f, in->xmax[a]), nd_tsv_cell(f, in->xmin[a]), a++;
        else nd_tsv_cell(f, at ? at[v] : NAN), nd_tsv_cell(f, at ? at[v] : NAN);
    }
    fprintf(f, "\t%d\t%zu\n", stable, mult);
}

static nd_status write_cycles(const nd_model *m, int par, const nd_cycle_set *cs, const double *at, const char *dir,
                              nd_error *err)
{
    FILE *f = nd_data_open(dir, "cycles.tsv", err);
    if (!f) return ND_EIO;
    fprintf(f, "branch\t%s\tperiod", m->par_names[par]);
    for (size_t v = 0; v < m->n_vars; v++) fprintf(f, "\tmax_%s\tmin_%s", m->var_names[v], m->var_names[v]);
    fprintf(f, "\tstable\tperiod_multiple\n");
    for (size_t c = 0; cs && c < cs->n; c++) {
        const nd_cycle_curve *cc = &cs->curve[c];
        size_t mult = cs->multiple ? cs->multiple[c] : 1;
        if (c) fprintf(f, "\n\n");
        const nd_cycle_info *prev = NULL;
        for (size_t i = 0; i < cs->branch[c].n; i++) {
            const nd_cycle_info *in = nd_cycle_curve_info(cc, i);
            if (!in) continue;
            if (prev && prev->stable != in->stable) cycle_row(f, m, cc, c, in, at, prev->stable, mult); /* joins the styles */
            cycle_row(f, m, cc, c, in, at, in->stable, mult);
            prev = in;
        }
    }
    return nd_data_close(f, "cycles.tsv", err);
}

/* ---- special_points.tsv of a diagram ----------------------------------------------------------- */

const char *nd_eq_special_name(int test) { return test == ND_EQ_LP ? "LP" : test == ND_EQ_H ? "H" : "BP"; }

const char *nd_cycle_special_name(int test)
{
    return test == ND_CYC_LPC ? "LPC" : test == ND_CYC_PD ? "PD" : test == ND_CYC_NS ? "NS" : test == ND_CYC_BPC ? "BPC" : "H";
}

/* One row of a cycle's special point: the state columns hold the cycle's maximum of each
 * variable there (the plot labels the point on the envelope), frequency its 2 pi / T. */
static void cycle_row_special(FILE *f, const nd_bif_diagram *d, const char *type, size_t branch, double par,
                              const nd_cycle_curve *cc, const nd_cycle_info *in, double period, double coefficient,
                              size_t *label)
{
    fprintf(f, "%s\t%zu", type, branch), nd_tsv_cell(f, par);
    for (size_t v = 0, a = 0; v < d->m->n_vars; v++) {
        int free_v = a < cc->k && cc->free_idx[a] == v;
        nd_tsv_cell(f, free_v && in ? in->xmax[a] : NAN);
        a += free_v;
    }
    nd_tsv_cell(f, 2 * M_PI / period), fprintf(f, "\tnan"), nd_tsv_cell(f, coefficient), fprintf(f, "\t%zu\n", ++*label);
}

/* Cycle points follow the equilibrium ones; a branch whose period grows without bound ends at
 * HC (a homoclinic orbit) or SNIC, drawn at its last cycle. */
static void cycle_specials(FILE *f, const nd_bif_diagram *d, const nd_cycle_set *cs, size_t *label)
{
    for (size_t c = 0; cs && c < cs->n; c++) {
        const nd_cycle_curve *cc = &cs->curve[c];
        const nd_branch *br = &cs->branch[c];
        for (size_t s = 0; s < br->n_special; s++) {
            const nd_special_point *sp = &br->special[s];
            if (sp->test == ND_CYC_H) continue; /* reported on its equilibrium branch */
            cycle_row_special(f, d, nd_cycle_special_name(sp->test), d->n_branches + c, sp->data[1], cc,
                              nd_cycle_curve_info(cc, sp->after), sp->data[0],
                              sp->test == ND_CYC_BPC ? NAN : sp->data[4], label);
        }
        double par;
        int snic;
        const nd_cycle_info *last = br->n ? nd_cycle_curve_info(cc, br->n - 1) : NULL;
        if (last && nd_cycle_set_homoclinic_end(cs, c, d, d->p_lo, d->p_hi, &par, &snic))
            cycle_row_special(f, d, snic ? "SNIC" : "HC", d->n_branches + c, par, cc, last, last->period, NAN, label);
    }
}

static nd_status write_specials(const nd_bif_diagram *d, const nd_cycle_set *cs, const double *at, const char *dir,
                                nd_error *err)
{
    FILE *f = nd_data_open(dir, "special_points.tsv", err);
    if (!f) return ND_EIO;
    const nd_model *m = d->m;
    fprintf(f, "type\tbranch\t%s", m->par_names[d->par]);
    for (size_t v = 0; v < m->n_vars; v++) fprintf(f, "\t%s", m->var_names[v]);
    fprintf(f, "\tfrequency\tfirst_lyapunov\tnormal_form\tlabel\n");
    double x[64];
    size_t label = 0; /* the row's number, 1 first: what --from DIR:LABEL restarts from */
    for (size_t b = 0; b < d->n_branches; b++)
        for (size_t s = 0; s < d->branches[b].n_special; s++) {
            const nd_special_point *sp = &d->branches[b].special[s];
            nd_diagram_full_state(d, sp->u, at, x);
            fprintf(f, "%s\t%zu", nd_eq_special_name(sp->test), b), nd_tsv_cell(f, sp->u[d->n_free]);
            for (size_t v = 0; v < m->n_vars; v++) nd_tsv_cell(f, x[v]);
            if (sp->test == ND_EQ_H) nd_tsv_cell(f, sp->data[0]), nd_tsv_cell(f, sp->data[1]);
            else fprintf(f, "\tnan\tnan");
            fprintf(f, "\tnan\t%zu\n", ++label);
        }
    cycle_specials(f, d, cs, &label);
    return nd_data_close(f, "special_points.tsv", err);
}

/* ---- ends.tsv: the branches cut short ----------------------------------------------------------- */
static int is_cut(const nd_branch *br) { return br->stop == ND_STOP_BUDGET || br->stop == ND_STOP_STALLED; }

size_t nd_diagram_cut_short(const nd_bif_diagram *d, const nd_cycle_set *cs)
{
    size_t n = 0;
    for (size_t b = 0; d && b < d->n_branches; b++) n += is_cut(&d->branches[b]);
    for (size_t c = 0; cs && c < cs->n; c++) n += is_cut(&cs->branch[c]);
    return n;
}

/* The last point of every branch cut short (a cycle's by its maximum), with the reason. */
static nd_status write_ends(const nd_bif_diagram *d, const nd_cycle_set *cs, const double *at, const char *dir,
                            nd_error *err)
{
    FILE *f = nd_data_open(dir, "ends.tsv", err);
    if (!f) return ND_EIO;
    const nd_model *m = d->m;
    fprintf(f, "branch\t%s", m->par_names[d->par]);
    for (size_t v = 0; v < m->n_vars; v++) fprintf(f, "\t%s", m->var_names[v]);
    fprintf(f, "\treason\n");
    double x[64];
    size_t N = d->n_free + 1;
    for (size_t b = 0; b < d->n_branches; b++) {
        const nd_branch *br = &d->branches[b];
        if (!is_cut(br) || !br->n) continue;
        nd_diagram_full_state(d, br->u + (br->n - 1) * N, at, x);
        fprintf(f, "%zu", b), nd_tsv_cell(f, br->u[(br->n - 1) * N + d->n_free]);
        for (size_t v = 0; v < m->n_vars; v++) nd_tsv_cell(f, x[v]);
        fprintf(f, "\t%s\n", br->stop_reason);
    }
    for (size_t c = 0; cs && c < cs->n; c++) {
        const nd_cycle_curve *cc = &cs->curve[c];
        const nd_cycle_info *in = cs->branch[c].n ? nd_cycle_curve_info(cc, cs->branch[c].n - 1) : NULL;
        if (!is_cut(&cs->branch[c]) || !in) continue;
        fprintf(f, "%zu", d->n_branches + c), nd_tsv_cell(f, in->par);
        for (size_t v = 0, a = 0; v < m->n_vars; v++) {
            int free_v = a < cc->k && cc->free_idx[a] == v;
            nd_tsv_cell(f, free_v ? in->xmax[a] : at ? at[v] : NAN);
            a += free_v;
        }
        fprintf(f, "\t%s\n", cs->branch[c].stop_reason);
    }
    return nd_data_close(f, "ends.tsv", err);
}

nd_status nd_write_diagram(const nd_bif_diagram *d, const nd_cycle_set *cs, const double *at, const char *dir,
                           nd_error *err)
{
    if (!d || !d->m || !dir) return nd_fail(err, ND_EINVAL, "diagram files: NULL argument");
    if (d->m->n_vars > 64) return nd_fail(err, ND_EINVAL, "diagram files: %zu variables, at most 64", d->m->n_vars);
    nd_status st = write_branches(d, at, dir, err);
    if (!st && cs) st = write_cycles(d->m, d->par, cs, at, dir, err);
    if (!st) st = write_specials(d, cs, at, dir, err);
    if (!st) st = write_ends(d, cs, at, dir, err);
    return st;
}

nd_plot_status nd_plot_diagram(const nd_bif_diagram *d, const nd_cycle_set *cs, const double *p, const double *at,
                               int var, double p_lo, double p_hi, const char *dir, const char *out, nd_error *err)
{
    if (!d || !d->m || var < 0 || (size_t)var >= d->m->n_vars) {
        nd_fail(err, ND_EINVAL, "diagram plot: variable index %d out of range", var);
        return ND_PLOT_FAILED;
    }
    if (nd_write_diagram(d, cs, at, dir, err)) return ND_PLOT_FAILED;
    const nd_model *m = d->m;
    char label[96], params[512], xlabel[160];
    nd_bif_plot spec = {dir, m->name, m->par_names[d->par], nd_model_var_label(m, (size_t)var, label, sizeof label),
                        var, m->n_vars, p_lo, p_hi, 0, cs && cs->n > 0, 0, 0, 0, nd_diagram_cut_short(d, cs),
                        nd_plot_changed_params(m, p, d->par, -1, params, sizeof params),
                        nd_model_par_label(m, (size_t)d->par, xlabel, sizeof xlabel)};
    return nd_plot_bifurcation(&spec, out, err);
}

/* ---- fast–slow ------------------------------------------------------------------------------------- */

nd_status nd_write_trajectory(const nd_model *m, const nd_trajectory *tr, const char *path, nd_error *err)
{
    if (!m || !tr || !path) return nd_fail(err, ND_EINVAL, "trajectory file: NULL argument");
    FILE *f = nd_file_create(path);
    if (!f) return nd_fail(err, ND_EIO, "cannot write '%s': %s", path, strerror(errno));
    fprintf(f, "t");
    for (size_t v = 0; v < m->n_vars; v++) fprintf(f, "\t%s", m->var_names[v]);
    fprintf(f, "\n");
    for (size_t i = 0; i < tr->n; i++) {
        nd_tsv_real(f, tr->t[i]);
        for (size_t v = 0; v < m->n_vars; v++) nd_tsv_cell(f, tr->x[i * m->n_vars + v]);
        fprintf(f, "\n");
    }
    return nd_data_close(f, path, err);
}

nd_plot_status nd_plot_trajectory(const nd_model *m, const double *p, const nd_trajectory *tr, const char *data_tsv,
                                  const char *out, nd_error *err)
{
    if (nd_write_trajectory(m, tr, data_tsv, err)) return ND_PLOT_FAILED;
    char params[512];
    nd_series_plot spec = {data_tsv, m->name, nd_plot_changed_params(m, p, -1, -1, params, sizeof params),
                           m->time_unit, m->var_units, m->var_units ? m->n_vars : 0};
    return nd_plot_timeseries(&spec, out, err);
}

static nd_status write_trajectory(const nd_model *m, const nd_trajectory *tr, const char *dir, nd_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/trajectory.tsv", dir);
    return nd_write_trajectory(m, tr, path, err);
}

static nd_status write_nullcline(const nd_fast_slow *d, const char *dir, nd_error *err)
{
    const nd_model *m = d->fs.full;
    FILE *f = nd_data_open(dir, "slow_nullcline.tsv", err);
    if (!f) return ND_EIO;
    fprintf(f, "%s\t%s\n", m->var_names[d->slow], m->var_names[d->spike_var]);
    for (size_t c = 0; c < d->n_nullcline; c++) {
        if (c) fprintf(f, "\n\n");
        for (size_t i = 0; i < d->nullcline[c].n; i++) nd_tsv_real(f, d->nullcline[c].x[i]), nd_tsv_cell(f, d->nullcline[c].y[i]), fputc('\n', f);
    }
    return nd_data_close(f, "slow_nullcline.tsv", err);
}

double nd_fs_special_value(const nd_fast_slow *d, const nd_fs_special *sp, size_t a)
{
    if (sp->u) return sp->u[a];
    return (int)d->fs.fast_idx[a] == d->spike_var ? sp->x : NAN;
}

/* In the layout of a diagram's (type, branch, s, fast variables, ...), with the period where
 * a diagram has the frequency. */
static nd_status write_fs_specials(const nd_fast_slow *d, const char *dir, nd_error *err)
{
    FILE *f = nd_data_open(dir, "special_points.tsv", err);
    if (!f) return ND_EIO;
    const nd_model *fm = &d->fs.model;
    fprintf(f, "type\tbranch\t%s", fm->par_names[d->par]);
    for (size_t v = 0; v < fm->n_vars; v++) fprintf(f, "\t%s", fm->var_names[v]);
    fprintf(f, "\tperiod\tfirst_lyapunov\n");
    for (size_t i = 0; i < d->n_special; i++) {
        const nd_fs_special *sp = &d->special[i];
        fprintf(f, "%s\t%d", sp->type, sp->branch), nd_tsv_cell(f, sp->slow);
        for (size_t v = 0; v < fm->n_vars; v++) nd_tsv_cell(f, nd_fs_special_value(d, sp, v));
        nd_tsv_cell(f, sp->period), nd_tsv_cell(f, sp->l1), fputc('\n', f);
    }
    return nd_data_close(f, "special_points.tsv", err);
}

nd_status nd_write_fast_slow(const nd_fast_slow *d, const char *dir, nd_error *err)
{
    if (!d || !dir) return nd_fail(err, ND_EINVAL, "fast-slow files: NULL argument");
    nd_status st = write_branches(&d->eq, d->at, dir, err);
    if (!st) st = write_cycles(&d->fs.model, d->par, &d->cycles, d->at, dir, err);
    if (!st) st = write_fs_specials(d, dir, err);
    if (!st) st = write_trajectory(d->fs.full, &d->traj, dir, err);
    if (!st) st = write_nullcline(d, dir, err);
    if (!st) st = write_ends(&d->eq, &d->cycles, d->at, dir, err);
    return st;
}

nd_plot_status nd_plot_fast_slow(const nd_fast_slow *d, const char *dir, const char *out, nd_error *err)
{
    if (nd_write_fast_slow(d, dir, err)) return ND_PLOT_FAILED;
    const nd_model *m = d->fs.full, *fm = &d->fs.model;
    size_t v = 0;
    while ((int)d->fs.fast_idx[v] != d->spike_var) v++;
    char title[160], label[96], slow[96], params[512];
    snprintf(title, sizeof title, "%.60s%s%.40s%s", m->name, d->burster[0] ? " (" : "", d->burster, d->burster[0] ? " burster)" : "");
    nd_plot_changed_params(m, d->p, -1, -1, params, sizeof params); /* fs.model's parameters start with the full model's */
    nd_bif_plot spec = {dir, title, fm->par_names[d->par], nd_model_var_label(m, (size_t)d->spike_var, label, sizeof label),
                        (int)v, fm->n_vars, d->slow_lo, d->slow_hi, 0, d->cycles.n > 0, 1, 2 + d->slow, 2 + d->spike_var,
                        nd_diagram_cut_short(&d->eq, &d->cycles), params,
                        nd_model_var_label(m, (size_t)d->slow, slow, sizeof slow)};
    return nd_plot_bifurcation(&spec, out, err);
}

/* ---- two-parameter diagrams --------------------------------------------------------------------- */

/* The cycle curves (kinds LPC, PD, NS) after the equilibrium curves, numbered from first: P1, P2,
 * the orbit's maximum of every variable, neutral_saddle (NS curves: 1 where the critical pair is
 * real, a neutral saddle cycle; else 0), the period. */
static void write_cycle_curves(FILE *f, const nd_cycle_codim2 *cc, size_t first, size_t nv)
{
    for (size_t c = 0; cc && c < cc->n; c++) {
        const nd_cycle_codim2_curve *cv = &cc->curves[c];
        const nd_branch *b = &cv->branch;
        if (first + c) fprintf(f, "\n\n");
        for (size_t i = 0; i < b->n; i++) {
            const double *u = b->u + i * b->dim;
            fprintf(f, "%zu\t%s", first + c, nd_cycle_codim2_kind_name(cv->kind));
            nd_tsv_cell(f, nd_cycle_codim2_par(cv, u, 0)), nd_tsv_cell(f, nd_cycle_codim2_par(cv, u, 1));
            for (size_t v = 0; v < nv; v++) nd_tsv_cell(f, cv->xmax[i * nv + v]);
            int neutral = cv->kind == ND_CYCLE_CODIM2_NS && b->label[i] >= 0 && (b->label[i] & 2);
            fprintf(f, "\t%d", neutral), nd_tsv_cell(f, nd_cycle_codim2_period(cv, u)), fputc('\n', f);
        }
    }
}

/* Their codim-2 points (LPC: CPC, LPPD, LPNS; PD: R2, LPPD, PDNS; NS: R1, R2, R3, R4, LPNS,
 * PDNS): the orbit's maximum, data0 the period, data1 the critical multiplier (LPPD, R2 of a PD
 * curve) or angle (LPNS, PDNS of LPC and PD curves), kappa = cos theta of the pair (NS curves), NaN
 * for CPC. */
static void write_cycle_points(FILE *s, const nd_cycle_codim2 *cc, size_t first, size_t nv)
{
    for (size_t c = 0; cc && c < cc->n; c++) {
        const nd_cycle_codim2_curve *cv = &cc->curves[c];
        const nd_branch *b = &cv->branch;
        for (size_t k = 0; k < b->n_special; k++) {
            const nd_special_point *sp = &b->special[k];
            fprintf(s, "%s\t%zu", nd_cycle_codim2_special_name(cv->kind, sp->test), first + c);
            nd_tsv_cell(s, nd_cycle_codim2_par(cv, sp->u, 0)), nd_tsv_cell(s, nd_cycle_codim2_par(cv, sp->u, 1));
            for (size_t v = 0; v < nv; v++) nd_tsv_cell(s, cv->special_xmax[k * nv + v]);
            int cpc = cv->kind == ND_CYCLE_CODIM2_LPC && sp->test == ND_LPC_CPC;
            nd_tsv_cell(s, sp->data[0]), nd_tsv_cell(s, cpc ? NAN : sp->data[3]);
            fprintf(s, "\t%zu\n", first + c);
        }
    }
}

nd_status nd_write_codim2(const nd_codim2_diagram *d, const double *at, const char *dir, nd_error *err)
{
    if (!d || !d->m || !dir) return nd_fail(err, ND_EINVAL, "two-parameter diagram files: NULL argument");
    FILE *f = nd_data_open(dir, "curves.tsv", err);
    if (!f) return ND_EIO;
    FILE *s = nd_data_open(dir, "special_points.tsv", err);
    if (!s) return fclose(f), ND_EIO;
    const nd_model *m = d->m;
    const char *P1 = m->par_names[d->par[0]], *P2 = m->par_names[d->par[1]];
    fprintf(f, "curve\tkind\t%s\t%s", P1, P2);
    fprintf(s, "type\tcurve\t%s\t%s", P1, P2);
    for (size_t v = 0; v < m->n_vars; v++) fprintf(f, "\t%s", m->var_names[v]), fprintf(s, "\t%s", m->var_names[v]);
    const nd_cycle_codim2 *cc = d->cycles && d->cycles->n ? d->cycles : NULL;
    fprintf(f, cc ? "\tneutral_saddle\tperiod\n" : "\tneutral_saddle\n");
    fprintf(s, "\tdata0\tdata1\tcurves\n");
    double x[64];
    for (size_t c = 0; c < d->n; c++) {
        const nd_codim2_curve *cv = &d->curves[c];
        const nd_branch *b = &cv->branch;
        if (c) fprintf(f, "\n\n");
        for (size_t i = 0; i < b->n; i++) {
            const double *u = b->u + i * b->dim;
            nd_diagram_full_state(&d->start, u, at, x);
            fprintf(f, "%zu\t%s", c, cv->hopf ? "H" : "LP"), nd_tsv_cell(f, nd_codim2_curve_par(cv, u, 0)), nd_tsv_cell(f, nd_codim2_curve_par(cv, u, 1));
            for (size_t v = 0; v < m->n_vars; v++) nd_tsv_cell(f, x[v]);
            fprintf(f, "\t%d%s\n", cv->hopf && b->label[i] == 0, cc ? "\tNaN" : "");
        }
    }
    write_cycle_curves(f, cc, d->n, m->n_vars);
    for (size_t i = 0; i < d->n_points; i++) {
        const nd_codim2_point *pt = &d->points[i];
        const nd_codim2_curve *cv = &d->curves[pt->curve];
        const nd_special_point *sp = nd_codim2_point_special(d, i);
        nd_diagram_full_state(&d->start, sp->u, at, x);
        fprintf(s, "%s\t%zu", nd_codim2_point_name(d, i), pt->curve), nd_tsv_cell(s, nd_codim2_curve_par(cv, sp->u, 0)), nd_tsv_cell(s, nd_codim2_curve_par(cv, sp->u, 1));
        for (size_t v = 0; v < m->n_vars; v++) nd_tsv_cell(s, x[v]);
        nd_tsv_cell(s, sp->data[0]), nd_tsv_cell(s, sp->data[1]), fputs("\t", s);
        for (size_t j = 0; j < pt->n_on; j++) fprintf(s, "%s%zu", j ? "," : "", pt->on[j]);
        fprintf(s, "\n");
    }
    write_cycle_points(s, cc, d->n, m->n_vars);
    nd_status st = nd_data_close(f, "curves.tsv", err);
    nd_status st2 = nd_data_close(s, "special_points.tsv", err);
    return st ? st : st2;
}

nd_plot_status nd_plot_codim2(const nd_codim2_diagram *d, const double *p, const double *at, int brute, const char *dir,
                              const char *out, nd_error *err)
{
    if (nd_write_codim2(d, at, dir, err)) return ND_PLOT_FAILED;
    const nd_model *m = d->m;
    char params[512], l1[160], l2[160]; /* the axes: parameter names with their units */
    nd_bif2_plot spec = {dir, m->name, nd_model_par_label(m, (size_t)d->par[0], l1, sizeof l1),
                         nd_model_par_label(m, (size_t)d->par[1], l2, sizeof l2), d->lo[0], d->hi[0], d->lo[1], d->hi[1], brute,
                         nd_plot_changed_params(m, p, d->par[0], d->par[1], params, sizeof params)};
    return nd_plot_bifurcation2(&spec, out, err);
}
