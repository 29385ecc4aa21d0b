/* A whole phase portrait of a two-variable region: fixed points, nullclines, vector field,
 * trajectories and separatrices, gathered for the plot module and the CLI. */
#include <stdlib.h>
#include <string.h>

#include "neurodyn/analysis.h"

void nd_phase_portrait_free(nd_phase_portrait *pp)
{
    if (!pp) return;
    nd_fp_result_free(&pp->fixed_points);
    nd_nullclines_free(&pp->nullcline[0]), nd_nullclines_free(&pp->nullcline[1]);
    nd_vector_field_free(&pp->field);
    for (size_t i = 0; i < pp->n_traj; i++) nd_trajectory_free(&pp->traj[i]);
    for (size_t i = 0; i < pp->n_sep; i++) nd_trajectory_free(&pp->sep[i]);
    free(pp->traj), free(pp->sep), free(pp->sep_unstable), free(pp->p);
    memset(pp, 0, sizeof *pp);
}

/* The plane: exactly two free variables. */
static nd_status plane(const nd_model *m, const nd_region *r, nd_phase_portrait *pp, nd_error *err)
{
    int found = 0;
    for (size_t v = 0; v < m->n_vars; v++) {
        if (r->fixed && r->fixed[v]) continue;
        if (found == 2) return nd_fail(err, ND_EINVAL, "phase portrait of %s: more than two free variables", m->name);
        if (found++ == 0) pp->ix = (int)v, pp->xlo = r->lo[v], pp->xhi = r->hi[v];
        else pp->iy = (int)v, pp->ylo = r->lo[v], pp->yhi = r->hi[v];
    }
    if (found != 2) return nd_fail(err, ND_EINVAL, "phase portrait of %s: need two free variables, %d given", m->name, found);
    return ND_OK;
}

static nd_status trajectories(const nd_model *m, const nd_region *r, const nd_phase_opts *o, nd_phase_portrait *pp,
                              nd_error *err)
{
    double t1 = o->t1 > 0 ? o->t1 : 100;
    pp->traj = calloc(2 * o->n_starts + 1, sizeof *pp->traj);
    double *x0 = malloc(m->n_vars * sizeof *x0);
    nd_status st = pp->traj && x0 ? ND_OK : nd_fail(err, ND_ENOMEM, "phase portrait: no memory");
    for (size_t k = 0; !st && k < o->n_starts; k++) {
        for (size_t v = 0; v < m->n_vars; v++) x0[v] = r->fixed && r->fixed[v] ? r->at[v] : o->starts[k * m->n_vars + v];
        for (int dir = 0; dir < 2 && !st; dir++) {
            st = nd_phase_trajectory(m, pp->p, r, x0, dir ? -t1 : t1, t1 / 1000, &pp->traj[pp->n_traj], err);
            if (!st) pp->n_traj++;
        }
    }
    free(x0);
    return st;
}

static nd_status separatrices(const nd_model *m, const nd_region *r, const nd_phase_opts *o, nd_phase_portrait *pp,
                              nd_error *err)
{
    double t1 = o->t1 > 0 ? o->t1 : 100;
    const nd_fp_result *f = &pp->fixed_points;
    size_t saddles = 0;
    for (size_t i = 0; i < f->n; i++) saddles += !strcmp(f->points[i].type, "saddle");
    pp->sep = calloc(4 * saddles + 1, sizeof *pp->sep), pp->sep_unstable = calloc(4 * saddles + 1, sizeof *pp->sep_unstable);
    if (!pp->sep || !pp->sep_unstable) return nd_fail(err, ND_ENOMEM, "phase portrait: no memory");
    for (size_t i = 0; i < f->n; i++) {
        if (strcmp(f->points[i].type, "saddle")) continue;
        nd_separatrices s;
        nd_status st = nd_separatrices_2d(m, pp->p, r, &f->points[i], t1, &s, err);
        if (st) return st;
        for (size_t b = 0; b < s.n; b++) { /* take the branches over */
            pp->sep[pp->n_sep] = s.branch[b], pp->sep_unstable[pp->n_sep++] = s.unstable[b];
            memset(&s.branch[b], 0, sizeof s.branch[b]);
        }
        nd_separatrices_free(&s);
    }
    return ND_OK;
}

nd_status nd_phase_portrait_compute(const nd_model *m, const double *p, const nd_region *r, const nd_phase_opts *opts,
                                    nd_phase_portrait *pp, nd_error *err)
{
    memset(pp, 0, sizeof *pp);
    nd_phase_opts def = {0};
    const nd_phase_opts *o = opts ? opts : &def;
    nd_status st = nd_region_check(m, r, err);
    if (st) return st;
    if (o->n_starts && !o->starts) return nd_fail(err, ND_EINVAL, "phase portrait: %zu starts but no array", o->n_starts);
    pp->m = m;
    if ((st = plane(m, r, pp, err))) return st;
    if (o->x_var == pp->iy) { /* the second free variable goes across */
        int t = pp->ix;
        pp->ix = pp->iy, pp->iy = t;
        double lo = pp->xlo, hi = pp->xhi;
        pp->xlo = pp->ylo, pp->xhi = pp->yhi, pp->ylo = lo, pp->yhi = hi;
    }
    pp->p = malloc((m->n_pars + m->n_vars + 1) * sizeof *pp->p);
    if (!pp->p) return nd_fail(err, ND_ENOMEM, "phase portrait: no memory");
    pp->at = pp->p + m->n_pars;
    memcpy(pp->p, p, m->n_pars * sizeof *p);
    memcpy(pp->at, r->at, m->n_vars * sizeof *r->at);
    size_t grid = o->grid ? o->grid : 20;
    st = nd_fixed_points(m, pp->p, r, NULL, &pp->fixed_points, err);
    if (!st) st = nd_nullclines_trace(m, pp->p, r, pp->ix, 5 * grid, &pp->nullcline[0], err);
    if (!st) st = nd_nullclines_trace(m, pp->p, r, pp->iy, 5 * grid, &pp->nullcline[1], err);
    if (!st) st = nd_vector_field_grid(m, pp->p, r, grid, grid, &pp->field, err);
    if (!st) st = separatrices(m, r, o, pp, err);
    if (!st) st = trajectories(m, r, o, pp, err);
    if (st) nd_phase_portrait_free(pp);
    return st;
}
