/* The cycle branches of a one-parameter diagram: from every Hopf point, and through cycles found
 * by simulation (those not born at a Hopf point in range, e.g. the spiking orbit of a burster's
 * fast subsystem). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/cycles.h"

void nd_cycle_set_free(nd_cycle_set *cs)
{
    if (!cs) return;
    for (size_t i = 0; i < cs->n; i++) nd_branch_free(&cs->branch[i]), nd_cycle_curve_free(&cs->curve[i]);
    free(cs->curve), free(cs->branch), free(cs->origin);
    memset(cs, 0, sizeof *cs);
}

static nd_status reserve(nd_cycle_set *cs, nd_error *err)
{
    if (cs->n < cs->cap) return ND_OK;
    size_t cap = cs->cap ? 2 * cs->cap : 4;
    nd_cycle_curve *c = realloc(cs->curve, cap * sizeof *c);
    if (c) cs->curve = c;
    nd_branch *b = realloc(cs->branch, cap * sizeof *b);
    if (b) cs->branch = b;
    int *o = realloc(cs->origin, cap * sizeof *o);
    if (o) cs->origin = o;
    if (!c || !b || !o) return nd_fail(err, ND_ENOMEM, "cycle branches: no memory");
    cs->cap = cap;
    return ND_OK;
}

/* Whether an earlier branch already ended at the Hopf point at parameter value par. */
static int hopf_reached(const nd_cycle_set *cs, double par, double range)
{
    for (size_t i = 0; i < cs->n; i++)
        for (size_t s = 0; s < cs->branch[i].n_special; s++) {
            const nd_special_point *sp = &cs->branch[i].special[s];
            if (sp->test == ND_CYC_H && fabs(sp->data[1] - par) < 1e-6 * range) return 1;
        }
    return 0;
}

/* Continuation options bounding the parameter to [p_lo, p_hi]; lo/hi are caller-owned
 * scratch of N values. Steps are in the curve's L2 units of the orbit. */
static void cycle_opts(nd_cont_opts *o, size_t N, double *lo, double *hi, double p_lo, double p_hi, int direction)
{
    for (size_t i = 0; i < N; i++) lo[i] = -INFINITY, hi[i] = INFINITY;
    lo[N - 1] = p_lo, hi[N - 1] = p_hi;
    nd_cont_opts_init(o);
    o->lo = lo, o->hi = hi, o->h_max = 0.1, o->max_points = 600, o->direction = direction;
}

static void note_failure(nd_cycle_set *cs, const char *what, const nd_model *m, int par, double at, const nd_error *e)
{
    cs->n_failed++;
    snprintf(cs->failure, sizeof cs->failure, "no cycle branch from the %s at %.40s = %g: %.100s", what, m->par_names[par], at,
             e->msg);
}

/* One branch: the curve is set up by start() (from a Hopf point or a simulated cycle) and
 * continued; on failure it is released and counted. */
typedef nd_status (*start_fn)(nd_cycle_curve *c, const void *from, int direction, double *u0, double *v0,
                              nd_error *err);

static nd_status add_branch(nd_cycle_set *cs, const nd_model *m, const double *p, int par, const nd_region *r,
                            size_t ntst, double p_lo, double p_hi, start_fn start, const void *from, int direction,
                            int origin, const char *what, double at, nd_error *err)
{
    nd_status st = reserve(cs, err);
    if (st) return st;
    nd_cycle_curve *cc = &cs->curve[cs->n];
    if ((st = nd_cycle_curve_init(cc, m, p, par, r, ntst ? ntst : 80, 4, err))) return st;
    size_t N = cc->type.dim;
    double *buf = malloc(4 * N * sizeof *buf);
    if (!buf) {
        nd_cycle_curve_free(cc);
        return nd_fail(err, ND_ENOMEM, "cycle branches: no memory");
    }
    nd_cont_opts o;
    cycle_opts(&o, N, buf + 2 * N, buf + 3 * N, p_lo, p_hi, direction);
    nd_error e;
    st = start(cc, from, direction, buf, buf + N, &e);
    if (!st) st = nd_cycle_continue(cc, buf, buf + N, &o, &cs->branch[cs->n], &e);
    free(buf);
    if (st == ND_ENOMEM) {
        nd_cycle_curve_free(cc);
        return nd_fail(err, st, "%s", e.msg);
    }
    if (st) {
        note_failure(cs, what, m, par, at, &e);
        nd_cycle_curve_free(cc);
        return ND_OK;
    }
    cs->origin[cs->n++] = origin;
    return ND_OK;
}

static nd_status start_at_hopf(nd_cycle_curve *c, const void *from, int direction, double *u0, double *v0,
                               nd_error *err)
{
    (void)direction;
    return nd_cycle_curve_from_hopf(c, from, 0, u0, v0, err);
}

static nd_status start_at_cycle(nd_cycle_curve *c, const void *from, int direction, double *u0, double *v0,
                                nd_error *err)
{
    return nd_cycle_curve_from_cycle(c, from, direction, u0, v0, err);
}

nd_status nd_cycles_from_hopf(const nd_bif_diagram *d, const double *p, const nd_region *r, double p_lo,
                              double p_hi, size_t ntst, nd_cycle_set *cs, nd_error *err)
{
    if (!d || !p || !cs) return nd_fail(err, ND_EINVAL, "cycle branches: NULL argument");
    if (!(p_lo < p_hi)) return nd_fail(err, ND_EINVAL, "cycle branches: empty range [%g, %g]", p_lo, p_hi);
    for (size_t b = 0; b < d->n_branches; b++)
        for (size_t s = 0; s < d->branches[b].n_special; s++) {
            const nd_special_point *h = &d->branches[b].special[s];
            double at = h->u[d->n_free];
            if (h->test != ND_EQ_H || hopf_reached(cs, at, p_hi - p_lo)) continue;
            nd_status st = add_branch(cs, d->m, p, d->par, r, ntst, p_lo, p_hi, start_at_hopf, h, 1,
                                      ND_CYCLE_FROM_HOPF, "Hopf point", at, err);
            if (st) return st;
        }
    return ND_OK;
}

nd_status nd_cycles_from_simulation(const nd_model *m, const double *p, int par, const nd_region *r,
                                    const nd_cycle *cyc, double p_lo, double p_hi, size_t ntst,
                                    nd_cycle_set *cs, nd_error *err)
{
    if (!m || !p || !cyc || !cs) return nd_fail(err, ND_EINVAL, "cycle branches: NULL argument");
    if (!(p_lo < p_hi)) return nd_fail(err, ND_EINVAL, "cycle branches: empty range [%g, %g]", p_lo, p_hi);
    if (par < 0 || (size_t)par >= m->n_pars) return nd_fail(err, ND_EINVAL, "cycle branches: parameter index %d out of range", par);
    for (int direction = -1; direction <= 1; direction += 2) {
        nd_status st = add_branch(cs, m, p, par, r, ntst, p_lo, p_hi, start_at_cycle, cyc, direction,
                                  ND_CYCLE_FROM_SIMULATION, "simulated cycle", p[par], err);
        if (st) return st;
    }
    return ND_OK;
}
