/* The fast–slow (Rinzel) diagram of a model and the class of its bursting (Izhikevich 2000,
 * "Neural excitability, spiking and bursting", Int. J. Bifurcation Chaos 10:1171): see
 * fastslow.h for what is computed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/core.h"
#include "neurodyn/fastslow.h"
#include "neurodyn/homoclinic.h"

void nd_fs_opts_init(nd_fs_opts *o)
{
    memset(o, 0, sizeof *o);
    o->slow = -1;
    o->slow_lo = o->slow_hi = NAN;
    o->spike_var = -1;
    o->cycles = 1;
}

void nd_fast_slow_free(nd_fast_slow *d)
{
    if (!d) return;
    nd_bif_diagram_free(&d->eq);
    nd_cycle_set_free(&d->cycles);
    nd_trajectory_free(&d->traj);
    for (size_t i = 0; i < d->n_nullcline; i++) free(d->nullcline[i].x), free(d->nullcline[i].y);
    free(d->nullcline);
    free(d->special);
    free(d->p), free(d->lo);
    nd_fast_subsystem_free(&d->fs);
    memset(d, 0, sizeof *d);
}

static int fast_index(const nd_fast_slow *d, int v);

/* ---- set-up ------------------------------------------------------------------------------------ */

/* The slow variable on the axis: the option, or the first name in the model's slow_vars. */
static int axis_variable(const nd_model *m, int opt, nd_error *err)
{
    if (opt >= 0) {
        if ((size_t)opt >= m->n_vars) return nd_fail(err, ND_EINVAL, "fast-slow: slow variable index %d out of range", opt), -1;
        return opt;
    }
    if (!m->slow_vars || !m->slow_vars[0])
        return nd_fail(err, ND_EINVAL, "fast-slow: model %s declares no slow variable; name one", m->name), -1;
    char first[64];
    if (sscanf(m->slow_vars, "%63s", first) != 1) return nd_fail(err, ND_EINVAL, "fast-slow: bad slow_vars of %s", m->name), -1;
    return nd_model_var_index(m, first, err);
}

/* Flags the axis variable and every other declared slow variable (those are held at their
 * mean over the trajectory). */
static nd_status slow_flags(const nd_model *m, int axis, int *slow, nd_error *err)
{
    memset(slow, 0, m->n_vars * sizeof *slow);
    slow[axis] = 1;
    const char *s = m->slow_vars;
    char name[64];
    int used;
    while (s && sscanf(s, "%63s%n", name, &used) == 1) {
        int v = nd_model_var_index(m, name, err);
        if (v < 0) return ND_EINVAL;
        slow[v] = 1;
        s += used;
    }
    return ND_OK;
}

static double box_lo(const nd_model *m, const nd_fs_opts *o, size_t v)
{
    return o->var_lo ? o->var_lo[v] : m->var_lo ? m->var_lo[v] : -10.0;
}

static double box_hi(const nd_model *m, const nd_fs_opts *o, size_t v)
{
    return o->var_hi ? o->var_hi[v] : m->var_hi ? m->var_hi[v] : 10.0;
}

/* The trajectory's length and transient: given, or three times the model's t_sim (3000 without
 * one), the first third discarded. */
static void run_length(const nd_model *m, const nd_fs_opts *o, double *t1, double *transient)
{
    if (o->t1 > 0) {
        *t1 = o->t1, *transient = o->transient;
        return;
    }
    *t1 = m->t_sim > 0 ? 3 * m->t_sim : 3000;
    *transient = *t1 / 3;
}

static nd_status check_options(const nd_model *m, const nd_fs_opts *o, nd_fast_slow *d, nd_error *err)
{
    d->slow_lo = isnan(o->slow_lo) ? box_lo(m, o, (size_t)d->slow) : o->slow_lo;
    d->slow_hi = isnan(o->slow_hi) ? box_hi(m, o, (size_t)d->slow) : o->slow_hi;
    if (!(d->slow_lo < d->slow_hi) || !isfinite(d->slow_lo) || !isfinite(d->slow_hi) || isnan(o->slow_lo) != isnan(o->slow_hi))
        return nd_fail(err, ND_EINVAL, "fast-slow: range of %s is [%g, %g]; need LO < HI", m->var_names[d->slow],
                       d->slow_lo, d->slow_hi);
    double t1, tr;
    run_length(m, o, &t1, &tr);
    if (!(tr >= 0) || !(tr < t1) || !isfinite(t1))
        return nd_fail(err, ND_EINVAL, "fast-slow: need 0 <= transient (%g) < t1 (%g)", tr, t1);
    if (o->spike_var >= (int)m->n_vars) return nd_fail(err, ND_EINVAL, "fast-slow: spike variable index %d out of range", o->spike_var);
    for (size_t v = 0; v < m->n_vars; v++)
        if (!(box_lo(m, o, v) < box_hi(m, o, v)))
            return nd_fail(err, ND_EINVAL, "fast-slow: box of %s is [%g, %g]; need LO < HI", m->var_names[v], box_lo(m, o, v),
                           box_hi(m, o, v));
    return ND_OK;
}

/* ---- the trajectory and its spikes ------------------------------------------------------------- */

static nd_status simulate(const nd_model *m, const double *p, const nd_fs_opts *o, nd_fast_slow *d, nd_error *err)
{
    double t1, tr;
    run_length(m, o, &t1, &tr);
    size_t ns = o->samples ? o->samples : 40000;
    double *x = malloc(m->n_vars * sizeof *x);
    if (!x) return nd_fail(err, ND_ENOMEM, "fast-slow: no memory");
    memcpy(x, o->x0 ? o->x0 : m->init, m->n_vars * sizeof *x);
    nd_solve_opts so;
    nd_solve_opts_init(&so);
    so.method = "rkdp", so.rtol = 1e-8, so.atol = 1e-10;
    so.dt_out = tr; /* only the end state of the transient is needed */
    nd_status st = tr > 0 ? nd_solve(m, p, 0, tr, x, &so, NULL, err) : ND_OK;
    so.dt_out = (t1 - tr) / (double)ns;
    if (!st) st = nd_simulate(m, p, x, tr, t1, &so, &d->traj, err);
    free(x);
    return st;
}

/* The smallest and largest value of variable v over the trajectory. */
static void traj_range(const nd_trajectory *tr, size_t v, double *lo, double *hi)
{
    *lo = INFINITY, *hi = -INFINITY;
    for (size_t i = 0; i < tr->n; i++) *lo = fmin(*lo, tr->x[i * tr->n_vars + v]), *hi = fmax(*hi, tr->x[i * tr->n_vars + v]);
}

/* Without a given range: the box, narrowed to four times the trajectory's excursion in s on
 * either side of it (the bifurcations that shape the bursts lie there; the box may be wide:
 * FitzHugh–Rinzel bursts within 0.013 of y's box of 2). A trajectory at rest — its spike
 * variable moving less than a fiftieth of its box, as find_spikes judges rest — has no
 * excursion to centre on (Hindmarsh–Rose at I = 0.5 drifts 2e-6 in z): the box stays, and the
 * note says why. */
static void default_range(nd_fast_slow *d)
{
    const nd_trajectory *tr = &d->traj;
    const char *name = d->fs.full ? d->fs.full->var_names[d->slow] : "the slow variable";
    double lo, hi, vlo, vhi;
    traj_range(tr, (size_t)d->slow, &lo, &hi);
    traj_range(tr, (size_t)d->spike_var, &vlo, &vhi);
    int a = fast_index(d, d->spike_var);
    double e = hi - lo, box = a >= 0 ? d->hi[a] - d->lo[a] : 0.0;
    if (e > 0 && vhi - vlo >= 0.02 * box) {
        d->slow_lo = fmax(d->slow_lo, lo - 4 * e), d->slow_hi = fmin(d->slow_hi, hi + 4 * e);
        d->range_source = ND_FS_RANGE_TRAJECTORY;
        return;
    }
    d->range_source = ND_FS_RANGE_BOX;
    snprintf(d->range_note, sizeof d->range_note,
             "the trajectory rests (%s moves %.3g, %s %.3g) and gives no range to centre on: the model's box %s = %g:%g",
             d->fs.full->var_names[d->spike_var], vhi - vlo, name, e, name, d->slow_lo, d->slow_hi);
}

typedef struct spikes {
    size_t n;
    double *t, *s; /* time and slow value of each spike */
} spikes;

/* Upward crossings of the middle of the spike variable's range, re-armed only after it falls
 * below a quarter of the range (so that noise on the upstroke is not a second spike). A range
 * under a fiftieth of the variable's box (`box`) is rest, or a slow drift towards it, not
 * spikes: Hindmarsh–Rose at I = 0.5 drifts by 3e-6 in x after the transient, which a relative
 * threshold of 1e-6 counted as a spike. */
static nd_status find_spikes(const nd_fast_slow *d, double box, spikes *sp, nd_error *err)
{
    const nd_trajectory *tr = &d->traj;
    size_t n = tr->n, nv = tr->n_vars, v = (size_t)d->spike_var, s = (size_t)d->slow;
    double lo, hi;
    traj_range(tr, v, &lo, &hi);
    sp->n = 0;
    sp->t = malloc((n + 1) * sizeof *sp->t), sp->s = malloc((n + 1) * sizeof *sp->s);
    if (!sp->t || !sp->s) return nd_fail(err, ND_ENOMEM, "fast-slow: no memory");
    if (!(hi - lo > fmax(0.02 * box, 1e-6 * fmax(1.0, fabs(hi))))) return ND_OK; /* at rest: no spikes */
    double level = 0.5 * (lo + hi), rearm = lo + 0.25 * (hi - lo);
    int armed = tr->x[v] < level;
    for (size_t i = 1; i < n; i++) {
        double a = tr->x[(i - 1) * nv + v], b = tr->x[i * nv + v];
        if (b < rearm) armed = 1;
        if (!(armed && a < level && b >= level)) continue;
        double w = (level - a) / (b - a);
        sp->t[sp->n] = tr->t[i - 1] + w * (tr->t[i] - tr->t[i - 1]);
        sp->s[sp->n++] = tr->x[(i - 1) * nv + s] + w * (tr->x[i * nv + s] - tr->x[(i - 1) * nv + s]);
        armed = 0;
    }
    return ND_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The interval that separates bursts: the geometric middle of the largest jump (factor > 2)
 * between consecutive sorted inter-spike intervals, or 0 when there is none (tonic). */
static double burst_gap(const spikes *sp)
{
    size_t ni = sp->n - 1;
    double *isi = malloc(ni * sizeof *isi);
    if (!isi) return 0;
    for (size_t i = 0; i < ni; i++) isi[i] = sp->t[i + 1] - sp->t[i];
    qsort(isi, ni, sizeof *isi, cmp_double);
    double best = 2.0, gap = 0;
    for (size_t i = 0; i + 1 < ni; i++)
        if (isi[i] > 0 && isi[i + 1] / isi[i] > best) best = isi[i + 1] / isi[i], gap = sqrt(isi[i] * isi[i + 1]);
    free(isi);
    return gap;
}

/* Bursts between two long intervals: their number, spikes, period, and the slow values at
 * their first and last spikes. */
static void measure_bursts(nd_fast_slow *d, const spikes *sp, double gap)
{
    double sum_on = 0, sum_end = 0, sum_n = 0, first_t = NAN, last_t = NAN;
    size_t nb = 0;
    for (size_t i = 1; i < sp->n; i++) {
        if (sp->t[i] - sp->t[i - 1] <= gap) continue;
        size_t j = i; /* a burst starts at spike i; it is complete if a gap follows it */
        while (j + 1 < sp->n && sp->t[j + 1] - sp->t[j] <= gap) j++;
        if (j + 1 >= sp->n) break;
        sum_on += sp->s[i], sum_end += sp->s[j], sum_n += (double)(j - i + 1);
        if (nb == 0) first_t = sp->t[i];
        last_t = sp->t[i];
        nb++;
        i = j;
    }
    d->n_bursts = nb;
    if (nb == 0) return;
    d->onset_slow = sum_on / (double)nb, d->end_slow = sum_end / (double)nb;
    d->spikes_per_burst = sum_n / (double)nb;
    d->burst_period = nb > 1 ? (last_t - first_t) / (double)(nb - 1) : NAN;
}

/* Whether the spikes go on to the end of the window: the time after the last one is at most
 * twice the longest interval between them (a burster's silent phase included). One spike
 * cannot show that it recurs. */
static int spiking_persists(const spikes *sp, double t_end)
{
    if (sp->n < 2) return 0;
    double longest = 0;
    for (size_t i = 1; i < sp->n; i++) longest = fmax(longest, sp->t[i] - sp->t[i - 1]);
    return t_end - sp->t[sp->n - 1] <= 2 * longest;
}

static nd_status classify_activity(nd_fast_slow *d, nd_error *err)
{
    spikes sp = {0};
    int a = fast_index(d, d->spike_var);
    nd_status st = find_spikes(d, a >= 0 ? d->hi[a] - d->lo[a] : 0.0, &sp, err);
    const nd_trajectory *tr = &d->traj;
    d->n_spikes = sp.n;
    d->activity = ND_FS_QUIESCENT;
    d->onset_slow = d->end_slow = d->burst_period = d->spike_period = d->spikes_per_burst = NAN;
    if (!st && sp.n > 0 && tr->n && !spiking_persists(&sp, tr->t[tr->n - 1])) { /* died out: a transient */
        snprintf(d->note, sizeof d->note,
                 "%zu spike(s) at t = %.6g..%.6g, then rest until t = %.6g: a transient, so the activity is "
                 "quiescent (lengthen t1 if the model spikes that rarely)", sp.n, sp.t[0], sp.t[sp.n - 1],
                 tr->t[tr->n - 1]);
        d->n_spikes = 0;
    } else if (!st && sp.n >= 3) {
        double gap = burst_gap(&sp);
        d->activity = gap > 0 ? ND_FS_BURSTING : ND_FS_TONIC;
        d->spike_period = (sp.t[sp.n - 1] - sp.t[0]) / (double)(sp.n - 1);
        if (gap > 0) measure_bursts(d, &sp, gap);
        if (gap > 0 && d->n_bursts == 0)
            snprintf(d->note, sizeof d->note, "no complete burst in the window: lengthen t1");
    } else if (!st && sp.n > 0) {
        d->activity = ND_FS_TONIC;
        snprintf(d->note, sizeof d->note, "only %zu spikes in the window: lengthen t1", sp.n);
    }
    free(sp.t), free(sp.s);
    return st;
}

/* ---- the fast subsystem's diagram -------------------------------------------------------------- */

static double traj_mean(const nd_trajectory *tr, size_t v)
{
    double s = 0;
    for (size_t i = 0; i < tr->n; i++) s += tr->x[i * tr->n_vars + v];
    return tr->n ? s / (double)tr->n : NAN;
}

static nd_status make_fast_subsystem(const nd_model *m, const double *p, const nd_fs_opts *o, nd_fast_slow *d,
                                     nd_error *err)
{
    int slow[64];
    nd_status st = slow_flags(m, d->slow, slow, err);
    if (!st) st = nd_fast_subsystem_init(&d->fs, m, slow, err);
    if (st) return st;
    const nd_model *f = &d->fs.model;
    size_t nf = d->fs.n_fast;
    d->p = malloc(f->n_pars * sizeof *d->p), d->lo = malloc(3 * nf * sizeof *d->lo);
    if (!d->p || !d->lo) return nd_fail(err, ND_ENOMEM, "fast-slow: no memory");
    d->hi = d->lo + nf, d->at = d->hi + nf;
    memcpy(d->p, p, m->n_pars * sizeof *p);
    for (size_t b = 0; b < d->fs.n_slow; b++) {
        size_t v = d->fs.slow_idx[b];
        if ((int)v == d->slow) d->par = nd_fast_slow_par(&d->fs, b);
        d->p[nd_fast_slow_par(&d->fs, b)] = traj_mean(&d->traj, v); /* other slow ones: held there */
    }
    for (size_t a = 0; a < nf; a++) {
        size_t v = d->fs.fast_idx[a];
        d->lo[a] = box_lo(m, o, v), d->hi[a] = box_hi(m, o, v), d->at[a] = traj_mean(&d->traj, v);
    }
    d->region = (nd_region){d->lo, d->hi, NULL, d->at};
    return ND_OK;
}

/* Index among the fast variables of full-model variable v, or -1. */
static int fast_index(const nd_fast_slow *d, int v)
{
    for (size_t a = 0; a < d->fs.n_fast; a++)
        if ((int)d->fs.fast_idx[a] == v) return (int)a;
    return -1;
}

/* Whether some cycle branch passes s with (about) the given period. */
static int cycle_known(const nd_fast_slow *d, double s, double period)
{
    for (size_t c = 0; c < d->cycles.n; c++)
        for (size_t i = 1; i < d->cycles.branch[c].n; i++) {
            const nd_cycle_info *a = nd_cycle_curve_info(&d->cycles.curve[c], i - 1), *b = nd_cycle_curve_info(&d->cycles.curve[c], i);
            if (!a || !b || (a->par - s) * (b->par - s) > 0) continue;
            if (fabs(0.5 * (a->period + b->period) - period) < 0.02 * period) return 1;
        }
    return 0;
}

/* The spiking cycle of the fast subsystem at the slow value the bursts (or tonic spiking) sit
 * at, found by simulation from the trajectory's fast state there and continued both ways. */
static nd_status spiking_cycle(nd_fast_slow *d, nd_error *err)
{
    const nd_trajectory *tr = &d->traj;
    double s = d->activity == ND_FS_BURSTING && d->n_bursts ? 0.5 * (d->onset_slow + d->end_slow) : traj_mean(tr, (size_t)d->slow);
    size_t nv = tr->n_vars, v = (size_t)d->spike_var, best = tr->n;
    double lo, hi;
    traj_range(tr, v, &lo, &hi);
    for (size_t i = 0; i < tr->n; i++) /* nearest to s during a spike (not at rest at the same s) */
        if (tr->x[i * nv + v] > 0.5 * (lo + hi) &&
            (best == tr->n || fabs(tr->x[i * nv + d->slow] - s) < fabs(tr->x[best * nv + d->slow] - s)))
            best = i;
    if (best == tr->n) best = 0;
    const nd_model *f = &d->fs.model;
    double *x0 = malloc(f->n_vars * sizeof *x0);
    if (!x0) return nd_fail(err, ND_ENOMEM, "fast-slow: no memory");
    for (size_t a = 0; a < d->fs.n_fast; a++) x0[a] = tr->x[best * nv + d->fs.fast_idx[a]];
    double saved = d->p[d->par];
    d->p[d->par] = s;
    nd_cycle cyc;
    nd_error e;
    int var = fast_index(d, d->spike_var);
    double T = d->spike_period > 0 ? d->spike_period : 10;
    nd_status found = nd_cycle_by_simulation(f, d->p, x0, var, 20 * T, 400 * T, 400, &cyc, &e), st = ND_OK;
    if (found == ND_OK) {
        if (!cycle_known(d, s, cyc.period))
            st = nd_cycles_from_simulation(f, d->p, d->par, &d->region, &cyc, d->slow_lo, d->slow_hi, &d->cycles, err);
        nd_cycle_free(&cyc);
    } else if (found == ND_EFAILED) { /* reported in the note; the diagram is still useful */
        snprintf(d->note, sizeof d->note, "no spiking cycle of the fast subsystem at %s = %g: %.240s",
                 d->fs.full->var_names[d->slow], s, e.msg);
    } else {
        st = nd_fail(err, found, "%s", e.msg);
    }
    d->p[d->par] = saved;
    free(x0);
    return st;
}

/* ---- special points ----------------------------------------------------------------------------- */

static nd_status add_special(nd_fast_slow *d, const char *type, double s, double x, double period, double l1, int branch,
                             nd_error *err)
{
    nd_fs_special *n = realloc(d->special, (d->n_special + 1) * sizeof *n);
    if (!n) return nd_fail(err, ND_ENOMEM, "fast-slow: no memory");
    d->special = n;
    nd_fs_special *sp = &n[d->n_special++];
    snprintf(sp->type, sizeof sp->type, "%s", type);
    sp->slow = s, sp->x = x, sp->period = period, sp->l1 = l1, sp->branch = branch, sp->u = NULL;
    return ND_OK;
}

/* A fold (LP) within tol of s, or -1. */
static int fold_near(const nd_fast_slow *d, double s, double tol)
{
    for (size_t i = 0; i < d->n_special; i++)
        if (!strcmp(d->special[i].type, "LP") && fabs(d->special[i].slow - s) < tol) return (int)i;
    return -1;
}

static nd_status equilibrium_specials(nd_fast_slow *d, nd_error *err)
{
    int xv = fast_index(d, d->spike_var);
    size_t nfree = d->eq.n_free;
    for (size_t b = 0; b < d->eq.n_branches; b++)
        for (size_t k = 0; k < d->eq.branches[b].n_special; k++) {
            const nd_special_point *sp = &d->eq.branches[b].special[k];
            if (sp->test == ND_EQ_BP) continue;
            int hopf = sp->test == ND_EQ_H;
            nd_status st = add_special(d, hopf ? "H" : "LP", sp->u[nfree], sp->u[xv], NAN, hopf ? sp->data[1] : NAN, (int)b, err);
            if (st) return st;
            d->special[d->n_special - 1].u = sp->u;
        }
    return ND_OK;
}

/* Whether branch br ended with its period growing at about s: a fold of cycles there is the
 * branch turning on its approach to the homoclinic orbit, not a bifurcation of its own. */
static int ends_near(const nd_cycle_curve *cc, const nd_branch *br, double s, double tol)
{
    const nd_cycle_info *last = br->n ? nd_cycle_curve_info(cc, br->n - 1) : NULL;
    return cc->stopped == ND_CYC_STOP_PERIOD && last && fabs(last->par - s) < tol;
}

static nd_status cycle_specials(nd_fast_slow *d, nd_error *err)
{
    static const char *names[] = {"LPC", "PD", "NS"};
    int xv = fast_index(d, d->spike_var);
    double tol = 1e-3 * (d->slow_hi - d->slow_lo);
    for (size_t c = 0; c < d->cycles.n; c++) {
        const nd_branch *br = &d->cycles.branch[c];
        const nd_cycle_curve *cc = &d->cycles.curve[c];
        for (size_t k = 0; k < br->n_special; k++) {
            const nd_special_point *sp = &br->special[k];
            const nd_cycle_info *in = nd_cycle_curve_info(cc, sp->after);
            if (sp->test > ND_CYC_NS || !in || ends_near(cc, br, sp->data[1], 0.1 * tol)) continue;
            nd_status st = add_special(d, names[sp->test], sp->data[1], in->xmin[xv], sp->data[0], NAN, (int)c, err);
            if (st) return st;
        }
        const nd_cycle_info *last = br->n ? nd_cycle_curve_info(cc, br->n - 1) : NULL;
        if (cc->stopped != ND_CYC_STOP_PERIOD || !last) continue;
        const char *type = fold_near(d, last->par, tol) >= 0 ? "SNIC" : "HC";
        /* a homoclinic end at the value the boundary-value problem located (homoclinic.h) */
        double at = type[0] == 'H' && c < d->cycles.n_hom && isfinite(d->cycles.hom_par[c]) ? d->cycles.hom_par[c] : last->par;
        nd_status st = add_special(d, type, at, last->xmin[xv], last->period, NAN, (int)c, err);
        if (st) return st;
    }
    return ND_OK;
}

/* ---- the burster's class ------------------------------------------------------------------------ */

/* The special point of one of the given types nearest to s, within tol; -1 if none. */
static int nearest_special(const nd_fast_slow *d, const char *const *types, double s, double tol)
{
    int best = -1;
    for (size_t i = 0; i < d->n_special; i++) {
        int match = 0;
        for (const char *const *t = types; *t; t++) match |= !strcmp(d->special[i].type, *t);
        if (!match || fabs(d->special[i].slow - s) >= tol) continue;
        if (best < 0 || fabs(d->special[i].slow - s) < fabs(d->special[best].slow - s)) best = (int)i;
    }
    return best;
}

/* Whether a cycle branch ends by period growth at the fold k (the fold is on an invariant
 * circle: a SNIC). */
static int fold_is_snic(const nd_fast_slow *d, int k, double tol)
{
    for (size_t i = 0; i < d->n_special; i++)
        if (!strcmp(d->special[i].type, "SNIC") && fabs(d->special[i].slow - d->special[k].slow) < tol) return 1;
    return 0;
}

static const char *onset_name(const nd_fast_slow *d, int k, double tol)
{
    const nd_fs_special *sp = &d->special[k];
    if (!strcmp(sp->type, "LP")) return fold_is_snic(d, k, tol) ? "circle" : "fold";
    return isfinite(sp->l1) && sp->l1 > 0 ? "subHopf" : "Hopf";
}

static const char *termination_name(const nd_fs_special *sp)
{
    if (!strcmp(sp->type, "HC")) return "homoclinic";
    if (!strcmp(sp->type, "SNIC")) return "circle";
    if (!strcmp(sp->type, "LPC")) return "fold cycle";
    return "Hopf";
}

static void classify_burster(nd_fast_slow *d)
{
    static const char *const onsets[] = {"LP", "H", NULL}, *const ends[] = {"HC", "SNIC", "LPC", "H", NULL};
    d->onset_special = d->end_special = -1;
    if (d->activity != ND_FS_BURSTING || d->n_bursts == 0) return;
    double tol = 0.5 * fabs(d->end_slow - d->onset_slow), snic_tol = 1e-3 * (d->slow_hi - d->slow_lo);
    d->onset_special = nearest_special(d, onsets, d->onset_slow, tol);
    d->end_special = nearest_special(d, ends, d->end_slow, tol);
    snprintf(d->onset, sizeof d->onset, "%s", d->onset_special >= 0 ? onset_name(d, d->onset_special, snic_tol) : "unknown");
    snprintf(d->termination, sizeof d->termination, "%s",
             d->end_special >= 0 ? termination_name(&d->special[d->end_special]) : "unknown");
    snprintf(d->burster, sizeof d->burster, "%s/%s", d->onset, d->termination);
    if ((d->onset_special < 0 || d->end_special < 0) && !d->note[0])
        snprintf(d->note, sizeof d->note, "no bifurcation of the fast subsystem within %g of where bursts %s (%s = %g)", tol,
                 d->onset_special < 0 ? "begin" : "end", d->fs.full->var_names[d->slow],
                 d->onset_special < 0 ? d->onset_slow : d->end_slow);
}

/* ---- the slow nullcline -------------------------------------------------------------------------- */

/* ds/dt = 0 in the plane (s, spike variable) of the full model, the others at their means. */
static nd_status slow_nullcline(const nd_model *m, const double *p, const nd_fs_opts *o, nd_fast_slow *d, nd_error *err)
{
    size_t n = m->n_vars;
    double *lo = malloc(3 * n * sizeof *lo);
    int *fixed = malloc(n * sizeof *fixed);
    if (!lo || !fixed) return free(lo), free(fixed), nd_fail(err, ND_ENOMEM, "fast-slow: no memory");
    double *hi = lo + n, *at = hi + n;
    for (size_t v = 0; v < n; v++) {
        fixed[v] = (int)v != d->slow && (int)v != d->spike_var;
        lo[v] = box_lo(m, o, v), hi[v] = box_hi(m, o, v), at[v] = traj_mean(&d->traj, v);
    }
    lo[d->slow] = d->slow_lo, hi[d->slow] = d->slow_hi;
    nd_region r = {lo, hi, fixed, at};
    nd_nullclines nc;
    nd_status st = nd_nullclines_trace(m, p, &r, d->slow, 0, &nc, err);
    if (!st) {
        int swap = d->spike_var < d->slow; /* curves are (first, second) free variable in model order */
        for (size_t c = 0; c < nc.n_curves; c++)
            if (swap) {
                double *t = nc.curves[c].x;
                nc.curves[c].x = nc.curves[c].y, nc.curves[c].y = t;
            }
        d->n_nullcline = nc.n_curves, d->nullcline = nc.curves;
    }
    free(lo), free(fixed);
    return st;
}

/* ---- driver -------------------------------------------------------------------------------------- */

nd_status nd_fast_slow_analyse(const nd_model *m, const double *p, const nd_fs_opts *opts, nd_fast_slow *d, nd_error *err)
{
    memset(d, 0, sizeof *d);
    d->fs.slot = -1;
    nd_fs_opts def;
    nd_fs_opts_init(&def);
    const nd_fs_opts *o = opts ? opts : &def;
    nd_status st = nd_model_validate(m, err);
    if (st) return st;
    if (!p) return nd_fail(err, ND_EINVAL, "fast-slow: NULL parameters");
    if (m->n_vars > 64) return nd_fail(err, ND_EINVAL, "fast-slow: %zu variables, at most 64", m->n_vars);
    if ((d->slow = axis_variable(m, o->slow, err)) < 0) return ND_EINVAL;
    if ((st = check_options(m, o, d, err))) return st;
    d->onset_special = d->end_special = -1;
    st = simulate(m, p, o, d, err);
    if (!st) st = make_fast_subsystem(m, p, o, d, err);
    if (!st) {
        d->spike_var = o->spike_var >= 0 ? o->spike_var : (int)d->fs.fast_idx[0];
        if (fast_index(d, d->spike_var) < 0)
            st = nd_fail(err, ND_EINVAL, "fast-slow: the spike variable %s is slow", m->var_names[d->spike_var]);
    }
    if (!st && isnan(o->slow_lo)) default_range(d);
    if (!st) st = classify_activity(d, err);
    if (!st) {
        d->p[d->par] = d->slow_lo;
        st = nd_bifurcation_1d(&d->fs.model, d->p, d->par, d->slow_lo, d->slow_hi, &d->region, NULL, &d->eq, err);
    }
    if (!st && o->cycles) st = nd_cycles_from_hopf(&d->eq, d->p, &d->region, d->slow_lo, d->slow_hi, &d->cycles, err);
    if (!st && o->cycles && d->activity != ND_FS_QUIESCENT) st = spiking_cycle(d, err);
    if (!st && d->cycles.n_failed && !d->note[0]) snprintf(d->note, sizeof d->note, "%.300s", d->cycles.failure);
    if (!st) st = equilibrium_specials(d, err);
    if (!st && o->cycles)
        st = nd_cycle_set_locate_homoclinics(&d->cycles, &d->eq, d->p, d->slow_lo, d->slow_hi, NULL, err);
    if (!st) st = cycle_specials(d, err);
    if (!st) st = slow_nullcline(m, p, o, d, err);
    if (!st) classify_burster(d);
    if (st) nd_fast_slow_free(d);
    return st;
}
