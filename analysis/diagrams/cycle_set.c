/* The cycle branches of a one-parameter diagram: from every Hopf point, and through cycles found
 * by simulation (those not born at a Hopf point in range: a class-I neuron's family ending at a
 * SNIC, the spiking orbit of a burster's fast subsystem). Every branch is continued in scaled
 * units (include/neurodyn/cycles.h) to its natural end: a Hopf point, the parameter bound, the
 * box, a centre, or a period without bound. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/cycles.h"

void nd_cycle_set_opts_init(nd_cont_opts *o)
{
    nd_cont_opts_init(o);
    o->h_max = 0.05, o->h0 = 0.005, o->max_points = 0, o->max_angle = 0.3;
}

void nd_cycle_set_free(nd_cycle_set *cs)
{
    if (!cs) return;
    for (size_t i = 0; i < cs->n; i++) nd_branch_free(&cs->branch[i]), nd_cycle_curve_free(&cs->curve[i]);
    free(cs->curve), free(cs->branch), free(cs->origin), free(cs->start);
    free(cs->multiple), free(cs->parent), free(cs->parent_special), free(cs->hom_par);
    size_t ntst = cs->ntst, ncol = cs->ncol;
    nd_cont_opts o = cs->opts;
    void (*progress)(void *, double) = cs->progress;
    void *ctx = cs->progress_ctx;
    memset(cs, 0, sizeof *cs);
    cs->ntst = ntst, cs->ncol = ncol, cs->opts = o; /* the settings stay */
    cs->progress = progress, cs->progress_ctx = ctx;
}

/* ---- progress: a start counts 1; its branches report parts of it as they advance (a branch's
 * points half of a start, since most starts continue two ways), never more than 0.95 before
 * the start ends, and the rest when it does. */
static void start_begin(nd_cycle_set *cs)
{
    if (cs->progress_depth++ == 0) cs->progress_used = 0.0;
}

static void start_end(nd_cycle_set *cs)
{
    if (--cs->progress_depth == 0 && cs->progress) cs->progress(cs->progress_ctx, 1.0 - cs->progress_used);
}

static void branch_progress(void *ctx, double done)
{
    nd_cycle_set *cs = ctx;
    double part = fmin(0.5 * done, 0.95 - cs->progress_used);
    if (part > 0 && cs->progress) cs->progress(cs->progress_ctx, part), cs->progress_used += part;
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
    double *s = realloc(cs->start, cap * sizeof *s);
    if (s) cs->start = s;
    size_t *mult = realloc(cs->multiple, cap * sizeof *mult);
    if (mult) cs->multiple = mult;
    long *par = realloc(cs->parent, cap * sizeof *par);
    if (par) cs->parent = par;
    size_t *ps = realloc(cs->parent_special, cap * sizeof *ps);
    if (ps) cs->parent_special = ps;
    if (!c || !b || !o || !s || !mult || !par || !ps) return nd_fail(err, ND_ENOMEM, "cycle branches: no memory");
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

/* The continuation options of one branch: the set's settings, the parameter bounded to
 * [p_lo, p_hi], scales from the box (lo/hi/scale: caller-owned scratch of N values). */
static void cycle_opts(const nd_cycle_set *cs, const nd_cycle_curve *cc, const nd_region *r, double p_lo, double p_hi,
                       int direction, nd_cont_opts *o, double *lo, double *hi, double *scale)
{
    size_t N = cc->type.dim, k = cc->k, nodes = (N - 2) / k;
    nd_cont_opts d;
    nd_cycle_set_opts_init(&d);
    *o = cs->opts;
    if (!(o->h_max > 0)) o->h_max = d.h_max;
    if (!(o->h0 > 0) || o->h0 > o->h_max) o->h0 = fmin(d.h0, o->h_max / 10);
    if (!o->max_points) o->max_points = (size_t)ceil(40 / o->h_max);
    for (size_t i = 0; i < N; i++) lo[i] = -INFINITY, hi[i] = INFINITY;
    lo[N - 1] = p_lo, hi[N - 1] = p_hi;
    for (size_t g = 0; g < nodes; g++)
        for (size_t a = 0; a < k; a++) {
            size_t v = cc->free_idx[a];
            double w = r && r->lo && r->hi ? r->hi[v] - r->lo[v] : 1.0;
            scale[g * k + a] = w > 0 && isfinite(w) ? w : 1.0;
        }
    scale[N - 2] = 1.0, scale[N - 1] = p_hi - p_lo;
    o->lo = lo, o->hi = hi, o->scale = scale, o->direction = direction;
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

/* A branch whose period grows without bound turns ever more often (a saddle-focus) or wiggles
 * with the discretisation (a saddle) on its last stretch: folds of cycles within 1e-4 of the
 * range of its last parameter value are that approach, not bifurcations of their own, and are
 * dropped (the end is reported as HC or SNIC). */
static void drop_folds_at_homoclinic_end(nd_cycle_curve *cc, nd_branch *b, double range)
{
    const nd_cycle_info *last = b->n ? nd_cycle_curve_info(cc, b->n - 1) : NULL;
    if (cc->stopped != ND_CYC_STOP_PERIOD || !last) return;
    size_t keep = 0;
    for (size_t s = 0; s < b->n_special; s++) {
        nd_special_point *sp = &b->special[s];
        if (sp->test == ND_CYC_LPC && fabs(sp->data[1] - last->par) < 1e-4 * range) free(sp->u);
        else b->special[keep++] = *sp;
    }
    b->n_special = keep;
}

/* The mesh of a new branch: the set's (default 80 intervals), or `ntst` when not 0 (a doubled
 * branch: twice its parent's). `mult`: the period multiple of the branch; its point budget is
 * the set's over mult^2 (at least 20): a point costs mult times as much (the mesh grows with the
 * period), so the 2T, 4T, 8T ... branches of a cascade together cost less than one more branch
 * of the base period (the doubled branches of a burster wind through many folds and would
 * otherwise multiply the time of its diagram by 30). */
static nd_status add_branch_mesh(nd_cycle_set *cs, const nd_model *m, const double *p, int par, const nd_region *r,
                                 double p_lo, double p_hi, start_fn start, const void *from, int direction, int origin,
                                 const char *what, double at, size_t ntst, size_t mult, nd_error *err)
{
    nd_status st = reserve(cs, err);
    if (st) return st;
    nd_cycle_curve *cc = &cs->curve[cs->n];
    if (!ntst) ntst = cs->ntst ? cs->ntst : 80;
    if ((st = nd_cycle_curve_init(cc, m, p, par, r, ntst, cs->ncol ? cs->ncol : 4, err))) return st;
    size_t N = cc->type.dim;
    double *buf = malloc(5 * N * sizeof *buf);
    if (!buf) {
        nd_cycle_curve_free(cc);
        return nd_fail(err, ND_ENOMEM, "cycle branches: no memory");
    }
    nd_cont_opts o;
    cycle_opts(cs, cc, r, p_lo, p_hi, direction, &o, buf + 2 * N, buf + 3 * N, buf + 4 * N);
    if (mult > 1) o.max_points = o.max_points / (mult * mult) > 20 ? o.max_points / (mult * mult) : 20;
    if (cs->progress) o.progress = branch_progress, o.progress_ctx = cs;
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
    drop_folds_at_homoclinic_end(cc, &cs->branch[cs->n], p_hi - p_lo);
    cs->origin[cs->n] = origin, cs->start[cs->n] = at;
    cs->multiple[cs->n] = 1, cs->parent[cs->n] = -1, cs->parent_special[cs->n] = 0;
    cs->n++;
    return ND_OK;
}

static nd_status add_branch(nd_cycle_set *cs, const nd_model *m, const double *p, int par, const nd_region *r,
                            double p_lo, double p_hi, start_fn start, const void *from, int direction, int origin,
                            const char *what, double at, nd_error *err)
{
    return add_branch_mesh(cs, m, p, par, r, p_lo, p_hi, start, from, direction, origin, what, at, 0, 1, err);
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
                              double p_hi, nd_cycle_set *cs, nd_error *err)
{
    if (!d || !p || !cs) return nd_fail(err, ND_EINVAL, "cycle branches: NULL argument");
    if (!(p_lo < p_hi)) return nd_fail(err, ND_EINVAL, "cycle branches: empty range [%g, %g]", p_lo, p_hi);
    for (size_t b = 0; b < d->n_branches; b++)
        for (size_t s = 0; s < d->branches[b].n_special; s++) {
            const nd_special_point *h = &d->branches[b].special[s];
            double at = h->u[d->n_free];
            if (h->test != ND_EQ_H) continue;
            start_begin(cs);
            nd_status st = hopf_reached(cs, at, p_hi - p_lo) ? ND_OK
                         : add_branch(cs, d->m, p, d->par, r, p_lo, p_hi, start_at_hopf, h, 1, ND_CYCLE_FROM_HOPF,
                                      "Hopf point", at, err);
            start_end(cs);
            if (st) return st;
        }
    return ND_OK;
}

nd_status nd_cycles_from_simulation(const nd_model *m, const double *p, int par, const nd_region *r,
                                    const nd_cycle *cyc, double p_lo, double p_hi, nd_cycle_set *cs, nd_error *err)
{
    if (!m || !p || !cyc || !cs) return nd_fail(err, ND_EINVAL, "cycle branches: NULL argument");
    if (!(p_lo < p_hi)) return nd_fail(err, ND_EINVAL, "cycle branches: empty range [%g, %g]", p_lo, p_hi);
    if (par < 0 || (size_t)par >= m->n_pars) return nd_fail(err, ND_EINVAL, "cycle branches: parameter index %d out of range", par);
    nd_status st = ND_OK;
    start_begin(cs);
    for (int direction = -1; direction <= 1 && !st; direction += 2) {
        size_t failed = cs->n_failed;
        st = add_branch(cs, m, p, par, r, p_lo, p_hi, start_at_cycle, cyc, direction, ND_CYCLE_FROM_SIMULATION,
                        "simulated cycle", p[par], err);
        if (cs->n_failed > failed) break; /* the cycle itself could not be corrected: the same both ways */
    }
    start_end(cs);
    return st;
}

/* ---- cycles found by simulation ----------------------------------------------------------------- */
/* The values of record a, or between records a and b at parameter value par. */
static int held_by(const nd_cycle_curve *cc, const nd_cycle_info *a, const nd_cycle_info *b, const nd_region *r,
                   double par, double period, const double *xmax, const double *xmin)
{
    double t = b && b->par != a->par ? (par - a->par) / (b->par - a->par) : 0.0;
    if (!b) b = a;
    double T = a->period + t * (b->period - a->period);
    if (!(fabs(T - period) <= 0.01 * period)) return 0;
    for (size_t k = 0; k < cc->k; k++) {
        size_t v = cc->free_idx[k];
        double w = r && r->lo && r->hi ? r->hi[v] - r->lo[v] : fmax(1e-300, xmax[v] - xmin[v]);
        double hi = a->xmax[k] + t * (b->xmax[k] - a->xmax[k]), lo = a->xmin[k] + t * (b->xmin[k] - a->xmin[k]);
        if (!(fabs(hi - xmax[v]) <= 0.01 * w && fabs(lo - xmin[v]) <= 0.01 * w)) return 0;
    }
    return 1;
}

int nd_cycle_set_holds(const nd_cycle_set *cs, const nd_region *r, double par, double period, const double *xmax,
                       const double *xmin)
{
    for (size_t c = 0; c < cs->n; c++) {
        const nd_cycle_curve *cc = &cs->curve[c];
        for (size_t i = 0; i < cc->n_info; i++) {
            const nd_cycle_info *a = &cc->info[i], *b = i + 1 < cc->n_info ? &cc->info[i + 1] : NULL;
            if (a->par == par && held_by(cc, a, NULL, r, par, period, xmax, xmin)) return 1;
            if (b && (a->par - par) * (b->par - par) < 0 && held_by(cc, a, b, r, par, period, xmax, xmin)) return 1;
        }
    }
    return 0;
}

/* Whether a simulated cycle is worth continuing: not a dying oscillation (its amplitude at least
 * 1e-4 of the box in some variable) and inside the box. */
static int worth_continuing(const nd_model *m, const nd_region *r, const nd_cycle *cyc)
{
    int sized = 0;
    for (size_t v = 0; v < m->n_vars; v++) {
        if (!r || !r->lo || !r->hi) return 1;
        double w = r->hi[v] - r->lo[v];
        if (cyc->xmax[v] > r->hi[v] + 1e-6 * w || cyc->xmin[v] < r->lo[v] - 1e-6 * w) return 0;
        sized |= cyc->xmax[v] - cyc->xmin[v] >= 1e-4 * w;
    }
    return sized;
}

/* The state of every unstable equilibrium of d at parameter value at (interpolated between
 * branch points), into xs (up to cap states of n_vars values); returns how many. */
static size_t unstable_equilibria(const nd_bif_diagram *d, const double *fixed_at, double at, double *xs, size_t cap)
{
    size_t n = 0, k = d->n_free, N = k + 1, nv = d->m->n_vars;
    for (size_t b = 0; b < d->n_branches; b++) {
        const nd_branch *br = &d->branches[b];
        for (size_t i = 0; i + 1 < br->n && n < cap; i++) {
            const double *u = br->u + i * N, *w = br->u + (i + 1) * N;
            if (!((u[k] - at) * (w[k] - at) <= 0) || u[k] == w[k] || br->label[i] != 0) continue;
            double t = (at - u[k]) / (w[k] - u[k]), *x = xs + n * nv;
            for (size_t v = 0; v < nv; v++) x[v] = fixed_at ? fixed_at[v] : 0.0;
            for (size_t a = 0; a < k; a++) x[d->free_idx[a]] = u[a] + t * (w[a] - u[a]);
            n++;
        }
    }
    return n;
}

nd_status nd_cycles_at(const nd_bif_diagram *d, const double *p, const nd_region *r, double at, double p_lo,
                       double p_hi, nd_cycle_set *cs, size_t *found, nd_error *err)
{
    if (found) *found = 0;
    if (!d || !p || !cs) return nd_fail(err, ND_EINVAL, "cycle branches: NULL argument");
    const nd_model *m = d->m;
    for (size_t v = 0; r && r->fixed && v < m->n_vars; v++)
        if (r->fixed[v])
            return nd_fail(err, ND_EINVAL, "cycles by simulation need the whole model: %s is held fixed", m->var_names[v]);
    if (m->spike)
        return nd_fail(err, ND_EINVAL, "%s resets its state at spikes: its firing is not a cycle of the equations, so "
                       "cycles are not found by simulation", m->name);
    if (!(at >= p_lo && at <= p_hi))
        return nd_fail(err, ND_EINVAL, "%s = %g is outside the range %g:%g", m->par_names[d->par], at, p_lo, p_hi);
    size_t nv = m->n_vars, cap = 4;
    double *pp = malloc((m->n_pars + (cap + 1) * nv) * sizeof *pp);
    if (!pp) return nd_fail(err, ND_ENOMEM, "cycle branches: no memory");
    double *starts = pp + m->n_pars;
    memcpy(pp, p, m->n_pars * sizeof *pp);
    pp[d->par] = at;
    memcpy(starts, m->init, nv * sizeof *starts);
    size_t n_starts = 1 + unstable_equilibria(d, r ? r->at : NULL, at, starts + nv, cap);
    for (size_t s = 1; s < n_starts; s++) /* next to the equilibrium: 1e-3 of the box */
        for (size_t v = 0; v < nv; v++) {
            double w = r && r->lo && r->hi ? r->hi[v] - r->lo[v] : 1.0;
            starts[s * nv + v] += 1e-3 * w * (v % 2 ? -1 : 1);
        }
    double t_sim = m->t_sim > 0 ? m->t_sim : 200;
    nd_status st = ND_OK;
    int var = (int)d->free_idx[0];
    start_begin(cs);
    for (size_t s = 0; s < n_starts && !st; s++) {
        nd_cycle cyc;
        nd_error e;
        if (nd_cycle_by_simulation_tol(m, pp, starts + s * nv, var, 2 * t_sim, 6 * t_sim, 400, 1e-7, r, &cyc, &e)) continue;
        if (worth_continuing(m, r, &cyc) && !nd_cycle_set_holds(cs, r, at, cyc.period, cyc.xmax, cyc.xmin)) {
            size_t before = cs->n;
            st = nd_cycles_from_simulation(m, pp, d->par, r, &cyc, p_lo, p_hi, cs, err);
            if (found && cs->n > before) (*found)++;
        }
        nd_cycle_free(&cyc);
    }
    start_end(cs);
    free(pp);
    return st;
}

nd_status nd_cycles_from_scan(const nd_bif_diagram *d, const double *p, const nd_region *r, double p_lo,
                              double p_hi, size_t n, nd_cycle_set *cs, nd_error *err)
{
    if (d && d->m->spike) return ND_OK; /* reset cycles are not cycles of the equations */
    for (size_t j = 1; j <= n; j++) {
        nd_status st = nd_cycles_at(d, p, r, p_lo + (p_hi - p_lo) * (double)j / (double)(n + 1), p_lo, p_hi, cs, NULL, err);
        if (st) return st;
    }
    return ND_OK;
}

int nd_cycle_set_homoclinic_end(const nd_cycle_set *cs, size_t c, const nd_bif_diagram *d, double p_lo, double p_hi,
                                double *par, int *snic)
{
    if (!cs || c >= cs->n || cs->curve[c].stopped != ND_CYC_STOP_PERIOD || !cs->branch[c].n) return 0;
    const nd_cycle_curve *cc = &cs->curve[c];
    const nd_cycle_info *last = nd_cycle_curve_info(cc, cs->branch[c].n - 1);
    if (!last) return 0;
    *par = last->par, *snic = 0;
    /* at a SNIC the period grows as (p - p_c)^(-1/2): the limit from the last two points along
     * p = p_c + A / T^2; at a homoclinic orbit p converges exponentially and this is ~ p */
    double limit = last->par;
    const nd_cycle_info *prev = cs->branch[c].n >= 2 ? nd_cycle_curve_info(cc, cs->branch[c].n - 2) : NULL;
    if (prev && prev->period < last->period) {
        double a2 = prev->period * prev->period, b2 = last->period * last->period;
        limit = (last->par * b2 - prev->par * a2) / (b2 - a2);
    }
    if (c < cs->n_hom && isfinite(cs->hom_par[c])) *par = cs->hom_par[c];
    double best = 1e-3 * (p_hi - p_lo);
    for (size_t b = 0; d && b < d->n_branches; b++)
        for (size_t s = 0; s < d->branches[b].n_special; s++) {
            const nd_special_point *sp = &d->branches[b].special[s];
            double at = sp->u[d->n_free];
            if (sp->test == ND_EQ_LP && fabs(at - limit) < best) best = fabs(at - limit), *par = at, *snic = 1;
        }
    return 1;
}

/* ---- period-doubled branches ------------------------------------------------------------------- */
/* The PD special point s of branch c of cs (indices: the arrays may move while branches are added). */
typedef struct pd_from {
    nd_cycle_set *cs;
    size_t c, s;
} pd_from;

static nd_status start_at_pd(nd_cycle_curve *c, const void *from, int direction, double *u0, double *v0,
                             nd_error *err)
{
    (void)direction;
    const pd_from *f = from;
    return nd_cycle_curve_from_pd(c, &f->cs->curve[f->c], &f->cs->branch[f->c], f->s, u0, v0, NULL, err);
}

/* The branch of cs that holds the doubled cycle of PD s of branch c: one switched from it, or
 * one that ends within 1% of the range from it with twice its period (a branch through a
 * simulated cycle stops next to the PD it doubles, see ND_CYC_STOP_DOUBLED), or one that crosses
 * the PD's parameter value with twice its period and the same extremes (1%, as
 * nd_cycle_set_holds). Its index, or -1 for none. */
static long doubled_holder(const nd_cycle_set *cs, size_t c, size_t s, const nd_region *r, double range)
{
    const nd_special_point *sp = &cs->branch[c].special[s];
    double par = sp->data[1], T2 = 2 * sp->data[0];
    for (size_t i = 0; i < cs->n; i++)
        if (cs->parent[i] == (long)c && cs->parent_special[i] == s) return (long)i;
    for (size_t i = 0; i < cs->n; i++) {
        const nd_branch *b = &cs->branch[i];
        for (int end = 0; end < 2 && b->n; end++) {
            const nd_cycle_info *in = nd_cycle_curve_info(&cs->curve[i], end ? b->n - 1 : 0);
            if (in && fabs(in->par - par) < 1e-2 * range && fabs(in->period - T2) < 0.01 * T2) return (long)i;
        }
    }
    const nd_cycle_curve *cc = &cs->curve[c];
    const nd_cycle_info *in = nd_cycle_curve_info(cc, sp->after);
    size_t nv = cc->m->n_vars;
    double xmax[64], xmin[64];
    if (!in || nv > 64) return -1;
    for (size_t v = 0; v < nv; v++) xmax[v] = xmin[v] = r && r->at ? r->at[v] : 0.0;
    for (size_t a = 0; a < cc->k; a++) xmax[cc->free_idx[a]] = in->xmax[a], xmin[cc->free_idx[a]] = in->xmin[a];
    for (size_t i = 0; i < cs->n; i++) {
        const nd_cycle_curve *ci = &cs->curve[i];
        for (size_t j = 0; j + 1 < ci->n_info; j++) {
            const nd_cycle_info *a = &ci->info[j], *b = &ci->info[j + 1];
            if ((a->par - par) * (b->par - par) <= 0 && a->par != b->par &&
                held_by(ci, a, b, r, par, T2, xmax, xmin))
                return (long)i;
        }
    }
    return -1;
}

/* Branches found by simulation (or from a Hopf point) that hold the doubled cycle of a PD are
 * that PD's doubled branch: they take its period multiple and parent, and so does the other
 * half of the same simulated cycle (the same start). Repeated while it changes (a cascade found
 * by simulation: 2T from T, then 4T from 2T). */
static void adopt_doubled(nd_cycle_set *cs, const nd_region *r, double range)
{
    for (int round = 0, changed = 1; changed && round < 32; round++) {
        changed = 0;
        for (size_t c = 0; c < cs->n; c++)
            for (size_t s = 0; s < cs->branch[c].n_special; s++) {
                if (cs->branch[c].special[s].test != ND_CYC_PD) continue;
                long i = doubled_holder(cs, c, s, r, range);
                if (i < 0 || (size_t)i == c || cs->parent[i] >= 0 || cs->multiple[i] >= 2 * cs->multiple[c]) continue;
                for (size_t j = 0; j < cs->n; j++)
                    if (j == (size_t)i || (cs->parent[j] < 0 && cs->origin[j] == cs->origin[i] && cs->start[j] == cs->start[i])) {
                        cs->multiple[j] = 2 * cs->multiple[c], cs->parent[j] = (long)c, cs->parent_special[j] = s;
                        changed = 1;
                    }
            }
    }
}

/* Whether a stable cycle doubles at special point sp of branch b (the points on either side
 * of it, one stable): the cascade a simulation shows. A PD of a cycle unstable on both sides
 * gives an unstable doubled branch, costly to follow and seldom wanted: FitzHugh-Rinzel's
 * default diagram had four of them, every one cut short at its point budget. */
static int pd_of_stable_cycle(const nd_branch *b, const nd_special_point *sp)
{
    if (!b->label) return 1;
    const size_t j = sp->after;
    return (j < b->n && b->label[j] == 1) || (j + 1 < b->n && b->label[j + 1] == 1);
}

nd_status nd_cycles_from_pd(const nd_bif_diagram *d, const double *p, const nd_region *r, double p_lo, double p_hi,
                            unsigned depth, int unstable_too, nd_cycle_set *cs, nd_error *err)
{
    if (!d || !p || !cs) return nd_fail(err, ND_EINVAL, "cycle branches: NULL argument");
    if (!(p_lo < p_hi)) return nd_fail(err, ND_EINVAL, "cycle branches: empty range [%g, %g]", p_lo, p_hi);
    if (depth > 10) return nd_fail(err, ND_EINVAL, "cycle branches: period-doubling depth %u (0..10)", depth);
    void (*progress)(void *, double) = cs->progress;
    cs->progress = NULL;
    nd_status st = ND_OK;
    /* breadth first: the branches added here are visited in turn, their PDs switched if their
     * multiple allows */
    if (depth) adopt_doubled(cs, r, p_hi - p_lo);
    for (size_t c = 0; c < cs->n && !st; c++) {
        if (cs->multiple[c] >= (size_t)1 << depth) continue;
        for (size_t s = 0; s < cs->branch[c].n_special && !st; s++) {
            if (cs->branch[c].special[s].test != ND_CYC_PD || (!unstable_too && !pd_of_stable_cycle(&cs->branch[c], &cs->branch[c].special[s])) ||
                doubled_holder(cs, c, s, r, p_hi - p_lo) >= 0)
                continue;
            pd_from f = {cs, c, s};
            size_t before = cs->n, ntst = 2 * cs->curve[c].ntst, mult = 2 * cs->multiple[c];
            double at = cs->branch[c].special[s].data[1];
            st = add_branch_mesh(cs, d->m, p, d->par, r, p_lo, p_hi, start_at_pd, &f, 1, ND_CYCLE_FROM_PD,
                                 "period doubling", at, ntst, mult, err);
            if (!st && cs->n > before) cs->multiple[before] = mult, cs->parent[before] = (long)c, cs->parent_special[before] = s;
        }
    }
    cs->progress = progress;
    return st;
}

/* ---- the other branch at a branch point of cycles ------------------------------------------------ */
typedef struct bpc_from {
    nd_cycle_set *cs;
    size_t c, s;
    int dir;
} bpc_from;

static nd_status start_at_bpc(nd_cycle_curve *c, const void *from, int direction, double *u0, double *v0,
                              nd_error *err)
{
    (void)direction;
    const bpc_from *f = from;
    return nd_cycle_curve_from_bpc(c, &f->cs->curve[f->c], &f->cs->branch[f->c], f->s, f->dir, u0, v0, NULL, err);
}

/* Whether both branches through BPC s of branch c are in cs: one was switched from it, or another
 * branch has a BPC at the same place (the same parameter to 1e-6 of the range, period to 1e-6). */
static int bpc_done(const nd_cycle_set *cs, size_t c, size_t s, double range)
{
    const nd_special_point *sp = &cs->branch[c].special[s];
    for (size_t i = 0; i < cs->n; i++) {
        if (cs->origin[i] == ND_CYCLE_FROM_BPC && cs->parent[i] == (long)c && cs->parent_special[i] == s) return 1;
        for (size_t t = 0; i != c && t < cs->branch[i].n_special; t++) {
            const nd_special_point *o = &cs->branch[i].special[t];
            if (o->test == ND_CYC_BPC && fabs(o->data[1] - sp->data[1]) < 1e-6 * range &&
                fabs(o->data[0] - sp->data[0]) < 1e-6 * sp->data[0])
                return 1;
        }
    }
    return 0;
}

/* The number of BPC switches that led to branch c. */
static unsigned bpc_generation(const nd_cycle_set *cs, size_t c)
{
    unsigned g = 0;
    for (long i = (long)c; i >= 0 && g < 64; i = cs->parent[i])
        if (cs->origin[i] == ND_CYCLE_FROM_BPC) g++;
    return g;
}

nd_status nd_cycles_from_bpc(const nd_bif_diagram *d, const double *p, const nd_region *r, double p_lo, double p_hi,
                             unsigned depth, nd_cycle_set *cs, nd_error *err)
{
    if (!d || !p || !cs) return nd_fail(err, ND_EINVAL, "cycle branches: NULL argument");
    if (!(p_lo < p_hi)) return nd_fail(err, ND_EINVAL, "cycle branches: empty range [%g, %g]", p_lo, p_hi);
    if (depth > 10) return nd_fail(err, ND_EINVAL, "cycle branches: branch-point depth %u (0..10)", depth);
    void (*progress)(void *, double) = cs->progress;
    cs->progress = NULL;
    nd_status st = ND_OK;
    for (size_t c = 0; c < cs->n && !st; c++) { /* breadth first, as nd_cycles_from_pd */
        if (bpc_generation(cs, c) >= depth) continue;
        for (size_t s = 0; s < cs->branch[c].n_special && !st; s++) {
            if (cs->branch[c].special[s].test != ND_CYC_BPC || bpc_done(cs, c, s, p_hi - p_lo)) continue;
            for (int dir = 1; dir >= -1 && !st; dir -= 2) {
                bpc_from f = {cs, c, s, dir};
                size_t before = cs->n, mult = cs->multiple[c];
                double at = cs->branch[c].special[s].data[1];
                st = add_branch_mesh(cs, d->m, p, d->par, r, p_lo, p_hi, start_at_bpc, &f, 1, ND_CYCLE_FROM_BPC,
                                     "branch point of cycles", at, cs->curve[c].ntst, mult, err);
                if (!st && cs->n > before) cs->multiple[before] = mult, cs->parent[before] = (long)c, cs->parent_special[before] = s;
            }
        }
    }
    cs->progress = progress;
    return st;
}
