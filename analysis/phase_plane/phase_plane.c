/* Phase plane of a two-dimensional slice: nullclines traced as curves, the vector field on a
 * grid, trajectories forward and backward in time, and the separatrices of saddles.
 *
 * A slice is a model with some variables fixed at region->at (see nd_region); the phase plane
 * needs exactly two free variables, X (the first free one in model order) and Y (the second).
 * The model is taken as autonomous: the right-hand side is evaluated at t = 0 for nullclines
 * and the vector field.
 *
 * Nullclines are traced in nullclines.c; this file has the checks they share, the vector field,
 * trajectories and separatrices. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
/* ---- common checks ------------------------------------------------------------------------- */
nd_status pp_check_model_params(const nd_model *m, const double *p, const char *who,
                                    nd_error *err)
{
    nd_status st = nd_model_validate(m, err);
    if (st) return st;
    if (m->n_pars && !p) return nd_fail(err, ND_EINVAL, "%s: parameter vector p is NULL", who);
    for (size_t k = 0; k < m->n_pars; k++)
        if (!isfinite(p[k]))
            return nd_fail(err, ND_EINVAL, "%s: parameter %s = %g is not finite", who,
                           m->par_names[k], p[k]);
    return ND_OK;
}

int pp_is_fixed(const nd_region *r, size_t i) { return r->fixed && r->fixed[i]; }

/* "V (0), w (1)" */
void pp_free_list(const nd_model *m, const nd_region *r, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < m->n_vars && used + 1 < len; i++) {
        if (pp_is_fixed(r, i)) continue;
        int k = snprintf(buf + used, len - used, "%s%s (%zu)", used ? ", " : "", m->var_names[i], i);
        if (k < 0) break;
        used += (size_t)k;
    }
    if (used >= len && len > 4) strcpy(buf + len - 4, "...");
}

/* Model, parameters and region valid, exactly two free variables: their indices. */
nd_status pp_slice_2d(const nd_model *m, const double *p, const nd_region *r, const char *who,
                          int *ix, int *iy, nd_error *err)
{
    nd_status st = pp_check_model_params(m, p, who, err);
    if (st || (st = nd_region_check(m, r, err))) return st;
    size_t k = 0;
    for (size_t i = 0; i < m->n_vars; i++) {
        if (pp_is_fixed(r, i)) continue;
        if (k == 0) *ix = (int)i;
        else if (k == 1) *iy = (int)i;
        k++;
    }
    if (k != 2) {
        char list[512];
        pp_free_list(m, r, list, sizeof list);
        return nd_fail(err, ND_EINVAL,
                       "%s: a phase plane needs exactly 2 free variables, the region of %s leaves %zu "
                       "free (%s): fix the others with their values",
                       who, m->name, k, list);
    }
    return ND_OK;
}

/* The full state with the fixed variables at their values (free ones from lo). */
void pp_base_state(const nd_model *m, const nd_region *r, double *s)
{
    for (size_t i = 0; i < m->n_vars; i++) s[i] = pp_is_fixed(r, i) ? r->at[i] : r->lo[i];
}

/* ---- vector field ----------------------------------------------------------------------------- */
/* x, y: nx and ny equally spaced values from lo to hi (the ends exact). un, vn: (u, v) divided by
 * its length in the model's units; a plot with unequal axis scales must rescale them. */
void nd_vector_field_free(nd_vector_field *vf)
{
    if (!vf) return;
    free(vf->x), free(vf->y), free(vf->u), free(vf->v), free(vf->un), free(vf->vn);
    memset(vf, 0, sizeof *vf);
}

nd_status nd_vector_field_grid(const nd_model *m, const double *p, const nd_region *region,
                               size_t nx, size_t ny, nd_vector_field *out, nd_error *err)
{
    if (!out) return nd_fail(err, ND_EINVAL, "vector field: output is NULL");
    memset(out, 0, sizeof *out);
    int ix = -1, iy = -1;
    nd_status st = pp_slice_2d(m, p, region, "vector field", &ix, &iy, err);
    if (st) return st;
    if (nx < 2 || ny < 2)
        return nd_fail(err, ND_EINVAL, "vector field: grid %zu x %zu: nx and ny must be at least 2",
                       nx, ny);
    if (nx > SIZE_MAX / ny / 8) return nd_fail(err, ND_ENOMEM, "vector field: grid %zu x %zu is too large", nx, ny);
    if ((st = nd_check_alloc(nx * ny * 4 * sizeof(double), "vector field", err))) return st;
    size_t n = m->n_vars, N = nx * ny;
    out->x = malloc(nx * sizeof *out->x);
    out->y = malloc(ny * sizeof *out->y);
    out->u = malloc(N * sizeof *out->u);
    out->v = malloc(N * sizeof *out->v);
    out->un = malloc(N * sizeof *out->un);
    out->vn = malloc(N * sizeof *out->vn);
    double *s = malloc(2 * n * sizeof *s);
    if (!out->x || !out->y || !out->u || !out->v || !out->un || !out->vn || !s) {
        free(s);
        nd_vector_field_free(out);
        return nd_fail(err, ND_ENOMEM, "vector field: no memory for %zu x %zu", nx, ny);
    }
    out->nx = nx, out->ny = ny;
    double *f = s + n;
    pp_base_state(m, region, s);
    for (size_t i = 0; i < nx; i++)
        out->x[i] = i + 1 == nx ? region->hi[ix]
                                : region->lo[ix] + (double)i * (region->hi[ix] - region->lo[ix]) / (double)(nx - 1);
    for (size_t j = 0; j < ny; j++)
        out->y[j] = j + 1 == ny ? region->hi[iy]
                                : region->lo[iy] + (double)j * (region->hi[iy] - region->lo[iy]) / (double)(ny - 1);
    for (size_t j = 0; j < ny && !st; j++)
        for (size_t i = 0; i < nx; i++) {
            s[ix] = out->x[i], s[iy] = out->y[j];
            m->rhs(0.0, s, p, f);
            double u = f[ix], v = f[iy];
            if (!isfinite(u) || !isfinite(v)) {
                st = nd_fail(err, ND_ENONFINITE,
                             "vector field of %s: d%s/dt = %g, d%s/dt = %g at %s = %.10g, %s = %.10g",
                             m->name, m->var_names[ix], u, m->var_names[iy], v, m->var_names[ix],
                             s[ix], m->var_names[iy], s[iy]);
                break;
            }
            size_t k = j * nx + i;
            out->u[k] = u, out->v[k] = v;
            double len = hypot(u, v);
            out->un[k] = len > 0 ? u / len : 0.0;
            out->vn[k] = len > 0 ? v / len : 0.0;
        }
    free(s);
    if (st) nd_vector_field_free(out);
    return st;
}

/* ---- trajectories ------------------------------------------------------------------------------ */
typedef struct slice_sys {
    nd_system sys;
    const nd_model *m;
    const double *p;
    const nd_region *r;
    double sign; /* +1 forward, -1 backward (time tau = -t) */
} slice_sys;

static void slice_f(double t, const double *x, double *dx, void *ctx)
{
    const slice_sys *s = ctx;
    s->m->rhs(s->sign * t, x, s->p, dx);
    for (size_t i = 0; i < s->m->n_vars; i++) dx[i] = pp_is_fixed(s->r, i) ? 0.0 : s->sign * dx[i];
}

typedef struct traj_collect {
    nd_trajectory *tr;
    const nd_model *m;
    const nd_region *r;
    double sign;
    int failed;
    nd_error *err;
} traj_collect;

static int outside_enlarged(const nd_model *m, const nd_region *r, const double *x)
{
    for (size_t i = 0; i < m->n_vars; i++) {
        if (pp_is_fixed(r, i)) continue;
        double half = 0.5 * (r->hi[i] - r->lo[i]);
        if (x[i] < r->lo[i] - half || x[i] > r->hi[i] + half) return 1;
    }
    return 0;
}

static int traj_sample(double t, const double *x, void *ctx)
{
    traj_collect *c = ctx;
    nd_trajectory *tr = c->tr;
    size_t nv = tr->n_vars;
    if (tr->n == tr->cap) {
        size_t cap = tr->cap ? 2 * tr->cap : 256;
        if (nd_check_alloc(cap * (nv + 1) * sizeof(double), "phase trajectory", c->err)) return c->failed = 1;
        double *tt = realloc(tr->t, cap * sizeof *tt);
        if (!tt) return c->failed = 1;
        tr->t = tt;
        double *xx = realloc(tr->x, cap * nv * sizeof *xx);
        if (!xx) return c->failed = 1;
        tr->x = xx;
        tr->cap = cap;
    }
    tr->t[tr->n] = c->sign * t;
    memcpy(tr->x + tr->n * nv, x, nv * sizeof *x);
    tr->n++;
    return outside_enlarged(c->m, c->r, x);
}

/* Integrates the slice from x0 (fixed variables set from r->at). dt_out 0: every step. */
/* The steps a trajectory that keeps every step may take (10^7: 240 MB for two variables). */
enum { PHASE_MAX_STEPS = 10000000 };

static nd_status phase_traj(const nd_model *m, const double *p, const nd_region *region,
                            const double *x0, double t1, double dt_out, nd_trajectory *out,
                            nd_error *err)
{
    size_t n = m->n_vars;
    double *x = malloc(n * sizeof *x);
    nd_event *ev = malloc(2 * n * sizeof *ev);
    if (!x || !ev) {
        free(x), free(ev);
        return nd_fail(err, ND_ENOMEM, "phase trajectory: no memory");
    }
    size_t n_ev = 0;
    for (size_t i = 0; i < n; i++) {
        x[i] = pp_is_fixed(region, i) ? region->at[i] : x0[i];
        if (pp_is_fixed(region, i)) continue;
        double half = 0.5 * (region->hi[i] - region->lo[i]);
        ev[n_ev++] = (nd_event){(int)i, region->hi[i] + half, +1, 1};
        ev[n_ev++] = (nd_event){(int)i, region->lo[i] - half, -1, 1};
    }
    double sign = t1 < 0 ? -1.0 : 1.0;
    slice_sys ss = {{n, slice_f, NULL, NULL}, m, p, region, sign};
    ss.sys.ctx = &ss;
    out->n_vars = n;
    traj_collect c = {out, m, region, sign, 0, err};
    nd_solve_opts o;
    nd_solve_opts_init(&o);
    o.method = "rkdp";
    o.rtol = 1e-8;
    o.atol = 1e-10;
    o.dt_out = dt_out;
    o.events = ev;
    o.n_events = n_ev;
    o.on_sample = traj_sample;
    o.ctx = &c;
    /* every step kept (dt_out 0): at most PHASE_MAX_STEPS of them, so that a huge t1 ends in
     * seconds with a message instead of filling the memory for minutes */
    if (dt_out == 0) o.max_steps = PHASE_MAX_STEPS;
    nd_status st = nd_solve_system(&ss.sys, 0.0, fabs(t1), x, &o, &out->stats, err);
    if (st == ND_EMAXSTEPS && dt_out == 0)
        st = nd_fail(err, ND_EMAXSTEPS, "phase trajectory: more than %ld steps before |t| = %g, every one kept: give a "
                     "shorter t1 or a sample interval", (long)PHASE_MAX_STEPS, fabs(t1));
    if (!st && c.failed) st = err && err->code ? err->code : nd_fail(err, ND_ENOMEM, "phase trajectory: no memory");
    out->stats.t *= sign;
    free(x), free(ev);
    if (st) nd_trajectory_free(out);
    return st;
}

static nd_status check_traj_args(const nd_model *m, const nd_region *region, const double *x0,
                                 double t1, double dt_out, const char *who, nd_error *err)
{
    if (!x0) return nd_fail(err, ND_EINVAL, "%s: initial state x0 is NULL", who);
    for (size_t i = 0; i < m->n_vars; i++)
        if (!pp_is_fixed(region, i) && !isfinite(x0[i]))
            return nd_fail(err, ND_EINVAL, "%s: initial %s = %g is not finite", who, m->var_names[i], x0[i]);
    if (!isfinite(t1) || t1 == 0.0)
        return nd_fail(err, ND_EINVAL, "%s: t1 = %g must be finite and non-zero (negative: backward)", who, t1);
    if (!isfinite(dt_out) || dt_out < 0)
        return nd_fail(err, ND_EINVAL, "%s: sample interval dt_out = %g must be >= 0 (0: every step)", who, dt_out);
    if (dt_out > 0) {
        double samples = floor(fabs(t1) / dt_out) + 2;
        double bytes = samples * (double)((m->n_vars + 1) * sizeof(double));
        if (bytes > (double)nd_memory_limit())
            return nd_fail(err, ND_ENOMEM,
                           "%s: %.0f samples of %zu variables would need %.3g MB, more than the limit "
                           "of %.3g MB: raise dt_out",
                           who, samples, m->n_vars, bytes / 1e6, (double)nd_memory_limit() / 1e6);
    }
    return ND_OK;
}

/* Forward (t1 > 0) or backward (t1 < 0, times reported negative) from x0, rkdp with rtol 1e-8
 * and atol 1e-10, samples every dt_out (0: every accepted step), stopping at the first sample
 * or located crossing outside the box enlarged by half its size on each side. The fixed
 * variables are held at region->at (their derivatives are set to zero); a model's noise and
 * spike rule are not used. */
nd_status nd_phase_trajectory(const nd_model *m, const double *p, const nd_region *region,
                              const double *x0, double t1, double dt_out, nd_trajectory *out,
                              nd_error *err)
{
    if (!out) return nd_fail(err, ND_EINVAL, "phase trajectory: output is NULL");
    memset(out, 0, sizeof *out);
    nd_status st = pp_check_model_params(m, p, "phase trajectory", err);
    if (st || (st = nd_region_check(m, region, err))) return st;
    if ((st = check_traj_args(m, region, x0, t1, dt_out, "phase trajectory", err))) return st;
    return phase_traj(m, p, region, x0, t1, dt_out, out, err);
}

/* ---- separatrices ------------------------------------------------------------------------------ */
void nd_separatrices_free(nd_separatrices *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) nd_trajectory_free(&s->branch[i]);
    free(s->branch);
    free(s->unstable);
    memset(s, 0, sizeof *s);
}

/* Branches start at fp->x +- eps v for the unit eigenvector v (column 0 of vec_re: unstable,
 * column 1: stable), where eps is 1e-6 of the box diagonal measured in box-normalised
 * coordinates (each free variable divided by its range), so that the offset does not depend on
 * the units: in raw units the offset is 1e-6 sqrt(2) v / |(v_X / wX, v_Y / wY)|. Every step is
 * sampled (the curves are for drawing). Order: unstable +v, unstable -v, stable +v, stable -v. */
nd_status nd_separatrices_2d(const nd_model *m, const double *p, const nd_region *region,
                             const nd_fixed_point *fp, double t_max, nd_separatrices *out,
                             nd_error *err)
{
    if (!out) return nd_fail(err, ND_EINVAL, "separatrices: output is NULL");
    memset(out, 0, sizeof *out);
    int ix = -1, iy = -1;
    nd_status st = pp_slice_2d(m, p, region, "separatrices", &ix, &iy, err);
    if (st) return st;
    if (!fp || !fp->x || !fp->eig_re || !fp->eig_im || !fp->vec_re)
        return nd_fail(err, ND_EINVAL, "separatrices: the fixed point needs x, eigenvalues and eigenvectors");
    if (!isfinite(t_max) || !(t_max > 0))
        return nd_fail(err, ND_EINVAL, "separatrices: t_max = %g must be finite and > 0", t_max);
    const char *X = m->var_names[ix], *Y = m->var_names[iy];
    double xs = fp->x[ix], ys = fp->x[iy];
    if (!isfinite(xs) || !isfinite(ys))
        return nd_fail(err, ND_EINVAL, "separatrices: fixed point %s = %g, %s = %g is not finite", X, xs, Y, ys);
    if (!(fp->eig_im[0] == 0.0 && fp->eig_im[1] == 0.0 && fp->eig_re[0] > 0.0 && fp->eig_re[1] < 0.0))
        return nd_fail(err, ND_EINVAL,
                       "separatrices: the fixed point at %s = %.6g, %s = %.6g is a %s (eigenvalues "
                       "%.6g%+.6gi, %.6g%+.6gi), not a saddle: one positive and one negative real "
                       "eigenvalue are needed",
                       X, xs, Y, ys, fp->type ? fp->type : "(untyped point)", fp->eig_re[0],
                       fp->eig_im[0], fp->eig_re[1], fp->eig_im[1]);
    double wX = region->hi[ix] - region->lo[ix], wY = region->hi[iy] - region->lo[iy];
    out->branch = calloc(4, sizeof *out->branch);
    out->unstable = calloc(4, sizeof *out->unstable);
    double *x0 = malloc(m->n_vars * sizeof *x0);
    if (!out->branch || !out->unstable || !x0) {
        free(x0);
        nd_separatrices_free(out);
        return nd_fail(err, ND_ENOMEM, "separatrices: no memory");
    }
    memcpy(x0, fp->x, m->n_vars * sizeof *x0);
    for (int b = 0; b < 4 && !st; b++) {
        int col = b < 2 ? 0 : 1;
        double vx = fp->vec_re[0 * 2 + col], vy = fp->vec_re[1 * 2 + col];
        double scaled = hypot(vx / wX, vy / wY);
        if (!(scaled > 0) || !isfinite(scaled)) {
            st = nd_fail(err, ND_EINVAL, "separatrices: eigenvector %d (%g, %g) is zero or not finite",
                         col, vx, vy);
            break;
        }
        double eps = 1e-6 * sqrt(2.0) / scaled * (b % 2 ? -1.0 : 1.0);
        x0[ix] = xs + eps * vx;
        x0[iy] = ys + eps * vy;
        out->unstable[b] = b < 2;
        out->n = (size_t)b + 1;
        st = phase_traj(m, p, region, x0, b < 2 ? t_max : -t_max, 0.0, &out->branch[b], err);
        if (st && err) {
            char msg[ND_ERROR_MSG_LEN];
            snprintf(msg, sizeof msg, "%s", err->msg);
            nd_fail(err, st, "separatrices: %s branch %s: %s", b < 2 ? "unstable" : "stable",
                    b % 2 ? "-v" : "+v", msg);
        }
    }
    free(x0);
    if (st) nd_separatrices_free(out);
    return st;
}

