/* The data files of a phase portrait (the layout nd_plot_phase_plane reads) and its plot call. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/tsv.h"
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
            fprintf(f, "%zu", c), nd_tsv_cell(f, pp->ix < pp->iy ? a : b), nd_tsv_cell(f, pp->ix < pp->iy ? b : a), fputc('\n', f);
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
                nd_tsv_real(f, vf->x[i]), nd_tsv_cell(f, vf->y[j]), nd_tsv_cell(f, vf->u[k]), nd_tsv_cell(f, vf->v[k]), nd_tsv_cell(f, vf->un[k]), nd_tsv_cell(f, vf->vn[k]), fputc('\n', f);
            else /* the grid is in model order */
                nd_tsv_real(f, vf->y[j]), nd_tsv_cell(f, vf->x[i]), nd_tsv_cell(f, vf->v[k]), nd_tsv_cell(f, vf->u[k]), nd_tsv_cell(f, vf->vn[k]), nd_tsv_cell(f, vf->un[k]), fputc('\n', f);
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
        fprintf(f, "%zu\t%s", branch, kind), nd_tsv_cell(f, tr->t[i]);
        for (size_t v = 0; v < tr->n_vars; v++) nd_tsv_cell(f, tr->x[i * tr->n_vars + v]);
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
        for (size_t v = 0; v < m->n_vars; v++) fprintf(f, "%s", v ? "\t" : ""), nd_tsv_real(f, fp->x[v]);
        fprintf(f, "\t%d\t%s\n", fp->stable, fp->type);
    }
    nd_status st = nd_data_close(f, "fixed_points.tsv", err);
    if (st || !(f = nd_data_open(dir, "separatrices.tsv", err))) return st ? st : ND_EIO;
    traj_header(f, m);
    for (size_t b = 0; b < pp->n_sep; b++) traj_rows(f, &pp->sep[b], b, pp->sep_unstable[b] ? "unstable" : "stable");
    return nd_data_close(f, "separatrices.tsv", err);
}

/* Direction arrows: the unit flow direction (in box units), one every fifth of the box's side
 * along each trajectory (by arc length in box units, so that samples dense in a spike do not
 * crowd them), and none within a tenth of the box of an arrow already placed (a trajectory that
 * winds round a cycle many times gets one set). */
#define MAX_ARROWS 400

typedef struct arrow_set {
    size_t n;
    double u[MAX_ARROWS], v[MAX_ARROWS]; /* box units */
} arrow_set;

static int crowded(const arrow_set *a, double u, double v)
{
    for (size_t i = 0; i < a->n; i++)
        if (hypot(u - a->u[i], v - a->v[i]) < 0.1) return 1;
    return a->n == MAX_ARROWS;
}

static void arrows(FILE *f, const nd_phase_portrait *pp, const nd_trajectory *tr, double *dx, arrow_set *a)
{
    const nd_model *m = pp->m;
    double wx = pp->xhi - pp->xlo, wy = pp->yhi - pp->ylo, along = 0.1; /* the first at half the spacing */
    for (size_t i = 1; i < tr->n; i++) {
        const double *x = tr->x + i * tr->n_vars, *prev = x - tr->n_vars;
        double u = (x[pp->ix] - pp->xlo) / wx, v = (x[pp->iy] - pp->ylo) / wy;
        along += hypot((x[pp->ix] - prev[pp->ix]) / wx, (x[pp->iy] - prev[pp->iy]) / wy);
        if (along < 0.2 || u < 0 || u > 1 || v < 0 || v > 1 || crowded(a, u, v)) continue;
        along = 0;
        m->rhs(tr->t[i], x, pp->p, dx);
        double du = dx[pp->ix] / wx, dv = dx[pp->iy] / wy, len = hypot(du, dv);
        if (!(len > 0 && isfinite(len))) continue;
        nd_tsv_real(f, x[pp->ix]), nd_tsv_cell(f, x[pp->iy]), nd_tsv_cell(f, du / len), nd_tsv_cell(f, dv / len), fputc('\n', f);
        a->u[a->n] = u, a->v[a->n++] = v;
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
    arrow_set *placed = calloc(1, sizeof *placed);
    for (size_t k = 0; dx && placed && k < pp->n_traj; k++) arrows(f, pp, &pp->traj[k], dx, placed);
    free(dx), free(placed);
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

/* The changed parameters, then the values of the variables held fixed outside the plane. */
static const char *phase_params(const nd_phase_portrait *pp, char *buf, size_t len)
{
    const nd_model *m = pp->m;
    nd_plot_changed_params(m, pp->p, -1, -1, buf, len);
    for (size_t v = 0; v < m->n_vars; v++) {
        if ((int)v == pp->ix || (int)v == pp->iy) continue;
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s = %.6g (fixed)", used ? ", " : "", m->var_names[v], pp->at[v]);
    }
    return buf;
}

nd_plot_status nd_plot_phase_portrait(const nd_phase_portrait *pp, const char *dir, const char *out, nd_error *err)
{
    if (nd_write_phase_portrait(pp, dir, err)) return ND_PLOT_FAILED;
    const nd_model *m = pp->m;
    char xl[96], yl[96], params[512];
    nd_phase_plot spec = {dir, m->name, m->var_names[pp->ix], m->var_names[pp->iy], pp->ix, pp->iy, m->n_vars,
                          pp->xlo, pp->xhi, pp->ylo, pp->yhi, nd_model_var_label(m, (size_t)pp->ix, xl, sizeof xl),
                          nd_model_var_label(m, (size_t)pp->iy, yl, sizeof yl),
                          phase_params(pp, params, sizeof params)};
    return nd_plot_phase_plane(&spec, out, err);
}
