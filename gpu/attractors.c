/* nd_ensemble_attractors (include/neurodyn/ensemble.h): which attractor each trajectory of an
 * ensemble reaches, from its final state and the max/min of every variable kept after the
 * transient (nd_ensemble_opts.keep_minmax).
 *
 * Method: a trajectory whose variables all vary by at most tol (relative to max(1, |value|),
 * per variable) over the window after the transient rests at an equilibrium, and trajectories
 * whose final states agree to that tolerance share one. Any other trajectory still moves (a
 * limit cycle, or something slower or more complex): its attractor is identified by the max
 * and min of every variable, which do not depend on the phase where the trajectory stops, so
 * all trajectories on one cycle agree. (Clustering final states alone, as nd_ensemble_basins
 * does, splits a cycle into as many "attractors" as phases.) The trajectories are visited in
 * index order and each new attractor's representative is its first trajectory, so the labels
 * depend only on the result, not on how it was computed (blocks, MPI ranks). Moved here from
 * the CLI's basins command (cli/basins_out.c) so C programs get the same labels. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/ensemble.h"

typedef struct classifier {
    const nd_ensemble_result *r;
    double tol;
    size_t cap;
    nd_attractor_map *out;
} classifier;

static double at(const double *a, const classifier *c, size_t v, size_t q) { return a[v * c->r->n + q]; }

static int close_to(double a, double b, double tol) { return fabs(a - b) <= tol * fmax(1.0, fmax(fabs(a), fabs(b))); }

static int settled(const classifier *c, size_t q)
{
    for (size_t v = 0; v < c->r->n_vars; v++)
        if (!close_to(at(c->r->x_max, c, v, q), at(c->r->x_min, c, v, q), c->tol)) return 0;
    return 1;
}

/* Whether trajectory q and the attractor's representative p reach the same attractor. */
static int same(const classifier *c, int kind, size_t q, size_t p)
{
    const nd_ensemble_result *r = c->r;
    for (size_t v = 0; v < r->n_vars; v++) {
        if (kind == ND_ATTRACTOR_EQUILIBRIUM && !close_to(at(r->x, c, v, q), at(r->x, c, v, p), c->tol)) return 0;
        if (kind == ND_ATTRACTOR_CYCLE && !(close_to(at(r->x_max, c, v, q), at(r->x_max, c, v, p), c->tol) &&
                                            close_to(at(r->x_min, c, v, q), at(r->x_min, c, v, p), c->tol)))
            return 0;
    }
    return 1;
}

/* The attractor of trajectory q, a new one if none matches; -1 past the limit. */
static int attractor_of(classifier *c, size_t q)
{
    nd_attractor_map *o = c->out;
    int kind = settled(c, q) ? ND_ATTRACTOR_EQUILIBRIUM : ND_ATTRACTOR_CYCLE;
    for (size_t a = 0; a < o->n_attractors; a++)
        if (o->attractors[a].kind == kind && same(c, kind, q, o->attractors[a].first)) return (int)a;
    if (o->n_attractors == c->cap) return -1;
    o->attractors[o->n_attractors] = (nd_attractor){.kind = kind, .count = 0, .first = q};
    return (int)o->n_attractors++;
}

static nd_status check(const nd_ensemble_result *r, double tol, size_t max_attractors, nd_error *err)
{
    if (!r || !r->x || !r->status) return nd_fail(err, ND_EINVAL, "attractors: no ensemble result");
    if (!r->x_max || !r->x_min) return nd_fail(err, ND_EINVAL, "attractors: the ensemble kept no max/min (run it with keep_minmax)");
    if (!(tol > 0 && tol < 1)) return nd_fail(err, ND_EINVAL, "attractors: tolerance %g must lie in (0, 1)", tol);
    if (max_attractors == 0 || max_attractors > INT_MAX)
        return nd_fail(err, ND_EINVAL, "attractors: max_attractors %zu must lie in 1..%d", max_attractors, INT_MAX);
    return ND_OK;
}

nd_status nd_ensemble_attractors(const nd_ensemble_result *r, double tol, size_t max_attractors, nd_attractor_map *out,
                                 nd_error *err)
{
    if (!out) return nd_fail(err, ND_EINVAL, "attractors: result pointer is NULL");
    memset(out, 0, sizeof *out);
    nd_status st = check(r, tol, max_attractors, err);
    if (st) return st;
    size_t cap = max_attractors < r->n ? max_attractors : (r->n ? r->n : 1);
    out->label = malloc((r->n ? r->n : 1) * sizeof *out->label);
    out->attractors = malloc(cap * sizeof *out->attractors);
    if (!out->label || !out->attractors) {
        nd_attractor_map_free(out);
        return nd_fail(err, ND_ENOMEM, "attractors: no memory for %zu labels", r->n);
    }
    out->n = r->n;
    classifier c = {r, tol, cap, out};
    for (size_t q = 0; q < r->n; q++) {
        if (r->status[q] != ND_ENS_OK) {
            int nonfinite = r->status[q] == ND_ENS_NONFINITE;
            out->label[q] = nonfinite ? ND_ATTRACTOR_NONFINITE : ND_ATTRACTOR_FAILED;
            nonfinite ? out->n_nonfinite++ : out->n_failed++;
            continue;
        }
        int a = attractor_of(&c, q);
        if (a < 0) {
            nd_attractor_map_free(out);
            return nd_fail(err, ND_EFAILED, "attractors: more than %zu distinct attractors at tolerance %g", max_attractors, tol);
        }
        out->label[q] = a, out->attractors[a].count++;
    }
    return ND_OK;
}

void nd_attractor_map_free(nd_attractor_map *a)
{
    if (!a) return;
    free(a->label), free(a->attractors);
    memset(a, 0, sizeof *a);
}
