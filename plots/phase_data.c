/* The data files of a phase portrait (the layout nd_plot_phase_plane reads) and its plot call. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/plot.h"
#include "data_io.h"

/* nullcline_<var>.tsv: piece, x, y; pieces separated by blank lines (gnuplot draws each apart). */
static nd_status write_nullcline(const nd_phase_portrait *pp, int k, const char *dir, nd_error *err)
{
    const nd_model *m = pp->m;
    const nd_nullclines *nc = &pp->nullcline[k];
    char name[256];
    snprintf(name, sizeof name, "nullcline_%s.tsv", m->var_names[nc->var]);
    FILE *f = nd_data_open(dir, name, err);
    if (!f) return ND_EIO;
    fprintf(f, "piece\t%s\t%s\n", m->var_names[pp->ix], m->var_names[pp->iy]);
    for (size_t c = 0; c < nc->n_curves; c++) {
        if (c) fprintf(f, "\n\n");
        for (size_t i = 0; i < nc->curves[c].n; i++) {
            double a = nc->curves[c].x[i], b = nc->curves[c].y[i]; /* model order */
            fprintf(f, "%zu\t%.12g\t%.12g\n", c, pp->ix < pp->iy ? a : b, pp->ix < pp->iy ? b : a);
        }
    }
    return nd_data_close(f, name, err);
}

static nd_status write_field(const nd_phase_portrait *pp, const char *dir, nd_error *err)
{
    const nd_vector_field *vf = &pp->field;
    FILE *f = nd_data_open(dir, "vector_field.tsv", err);
    if (!f) return ND_EIO;
    const char *X = pp->m->var_names[pp->ix], *Y = pp->m->var_names[pp->iy];
    fprintf(f, "%s\t%s\td%s\td%s\td%s_unit\td%s_unit\n", X, Y, X, Y, X, Y);
    for (size_t j = 0; j < vf->ny; j++)
        for (size_t i = 0; i < vf->nx; i++) {
            size_t k = j * vf->nx + i;
            if (pp->ix < pp->iy)
                fprintf(f, "%.10g\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\n", vf->x[i], vf->y[j], vf->u[k], vf->v[k], vf->un[k], vf->vn[k]);
            else /* the grid is in model order */
                fprintf(f, "%.10g\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\n", vf->y[j], vf->x[i], vf->v[k], vf->u[k], vf->vn[k], vf->un[k]);
        }
    return nd_data_close(f, "vector_field.tsv", err);
}

static void traj_header(FILE *f, const nd_model *m)
{
    fprintf(f, "branch\tkind\tt");
    for (size_t v = 0; v < m->n_vars; v++) fprintf(f, "\t%s", m->var_names[v]);
    fputc('\n', f);
}

static void traj_rows(FILE *f, const nd_trajectory *tr, size_t branch, const char *kind)
{
    for (size_t i = 0; i < tr->n; i++) {
        fprintf(f, "%zu\t%s\t%.10g", branch, kind, tr->t[i]);
        for (size_t v = 0; v < tr->n_vars; v++) fprintf(f, "\t%.10g", tr->x[i * tr->n_vars + v]);
        fputc('\n', f);
    }
    fprintf(f, "\n\n");
}

/* fixed_points.tsv (every variable, stable, type) and separatrices.tsv (as trajectories,
 * kind stable/unstable). */
static nd_status write_fixed_points(const nd_phase_portrait *pp, const char *dir, nd_error *err)
{
    const nd_model *m = pp->m;
    FILE *f = nd_data_open(dir, "fixed_points.tsv", err);
    if (!f) return ND_EIO;
    for (size_t v = 0; v < m->n_vars; v++) fprintf(f, "%s%s", v ? "\t" : "", m->var_names[v]);
    fprintf(f, "\tstable\ttype\n");
    for (size_t i = 0; i < pp->fixed_points.n; i++) {
        const nd_fixed_point *fp = &pp->fixed_points.points[i];
        for (size_t v = 0; v < m->n_vars; v++) fprintf(f, "%s%.12g", v ? "\t" : "", fp->x[v]);
        fprintf(f, "\t%d\t%s\n", fp->stable, fp->type);
    }
    nd_status st = nd_data_close(f, "fixed_points.tsv", err);
    if (st || !(f = nd_data_open(dir, "separatrices.tsv", err))) return st ? st : ND_EIO;
    traj_header(f, m);
    for (size_t b = 0; b < pp->n_sep; b++) traj_rows(f, &pp->sep[b], b, pp->sep_unstable[b] ? "unstable" : "stable");
    return nd_data_close(f, "separatrices.tsv", err);
}

/* Direction arrows: the unit flow direction (in box units) at every 80th sample. */
static void arrows(FILE *f, const nd_phase_portrait *pp, const nd_trajectory *tr, double *dx)
{
    const nd_model *m = pp->m;
    for (size_t i = 40; i < tr->n; i += 80) {
        const double *x = tr->x + i * tr->n_vars;
        m->rhs(tr->t[i], x, pp->p, dx);
        double u = dx[pp->ix] / (pp->xhi - pp->xlo), v = dx[pp->iy] / (pp->yhi - pp->ylo), len = hypot(u, v);
        if (len > 0 && isfinite(len)) fprintf(f, "%.10g\t%.10g\t%.6g\t%.6g\n", x[pp->ix], x[pp->iy], u / len, v / len);
    }
}

static nd_status write_trajectories(const nd_phase_portrait *pp, const char *dir, nd_error *err)
{
    const nd_model *m = pp->m;
    FILE *f = nd_data_open(dir, "trajectories.tsv", err);
    if (!f) return ND_EIO;
    traj_header(f, m);
    for (size_t k = 0; k < pp->n_traj; k++) traj_rows(f, &pp->traj[k], k / 2, k % 2 ? "backward" : "forward");
    nd_status st = nd_data_close(f, "trajectories.tsv", err);
    if (st || !(f = nd_data_open(dir, "trajectory_arrows.tsv", err))) return st ? st : ND_EIO;
    const char *X = m->var_names[pp->ix], *Y = m->var_names[pp->iy];
    fprintf(f, "%s\t%s\tdir_%s\tdir_%s\n", X, Y, X, Y);
    double *dx = malloc(m->n_vars * sizeof *dx);
    for (size_t k = 0; dx && k < pp->n_traj; k++) arrows(f, pp, &pp->traj[k], dx);
    free(dx);
    return nd_data_close(f, "trajectory_arrows.tsv", err);
}

nd_status nd_write_phase_portrait(const nd_phase_portrait *pp, const char *dir, nd_error *err)
{
    if (!pp || !pp->m || !dir) return nd_fail(err, ND_EINVAL, "phase portrait files: NULL argument");
    nd_status st = write_nullcline(pp, 0, dir, err);
    if (!st) st = write_nullcline(pp, 1, dir, err);
    if (!st) st = write_field(pp, dir, err);
    if (!st) st = write_fixed_points(pp, dir, err);
    if (!st) st = write_trajectories(pp, dir, err);
    return st;
}

nd_plot_status nd_plot_phase_portrait(const nd_phase_portrait *pp, const char *dir, const char *out, nd_error *err)
{
    if (nd_write_phase_portrait(pp, dir, err)) return ND_PLOT_FAILED;
    const nd_model *m = pp->m;
    char xl[96], yl[96];
    nd_phase_plot spec = {dir, m->name, nd_model_var_label(m, (size_t)pp->ix, xl, sizeof xl),
                          nd_model_var_label(m, (size_t)pp->iy, yl, sizeof yl), pp->ix, pp->iy, m->n_vars,
                          pp->xlo, pp->xhi, pp->ylo, pp->yhi};
    return nd_plot_phase_plane(&spec, out, err);
}
