/* neurodyn basins: which attractor each grid point's trajectory reaches, and the files.
 *
 * Classification (after the ensemble ran to t1, max/min of every variable kept over the second
 * half of the run): a point whose variables all vary by at most tol (relative to max(1, |value|),
 * per variable) over that window rests at an equilibrium, and points whose final states agree to
 * that tolerance share one. Any other point still moves at t1 (a limit cycle, or something
 * slower or more complex): its attractor is identified by the max and min of every variable, which
 * do not depend on the phase where the trajectory stops, so all points on one cycle agree. (The
 * library's nd_ensemble_basins clusters final states only, which splits a cycle into as many
 * "attractors" as phases.) Tables through core/tsv.c, JSON through Jansson. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>

#include "basins.h"
#include "cli.h"
#include "neurodyn/tsv.h"

/* More distinct end states than this is not a picture of basins (chaos, or runs that have not
 * settled): the command says so instead of listing them. */
#define BASINS_MAX_ATTRACTORS 256

double basins_grid(const basins_axis *ax, size_t i)
{
    return ax->lo + (ax->hi - ax->lo) * (double)i / (double)(ax->n - 1);
}

static double at(const double *a, const basins_run *s, size_t v, size_t q) { return a[v * s->n + q]; }

static int close_to(double a, double b, double tol) { return fabs(a - b) <= tol * fmax(1.0, fmax(fabs(a), fabs(b))); }

static int settled(const basins_run *s, size_t q)
{
    for (size_t v = 0; v < s->m->n_vars; v++)
        if (!close_to(at(s->r.x_max, s, v, q), at(s->r.x_min, s, v, q), s->a->tol)) return 0;
    return 1;
}

/* Whether points q and the attractor's representative r reach the same attractor. */
static int same(const basins_run *s, int kind, size_t q, size_t r)
{
    double tol = s->a->tol;
    for (size_t v = 0; v < s->m->n_vars; v++) {
        if (kind == BASINS_EQUILIBRIUM && !close_to(at(s->r.x, s, v, q), at(s->r.x, s, v, r), tol)) return 0;
        if (kind == BASINS_CYCLE && !(close_to(at(s->r.x_max, s, v, q), at(s->r.x_max, s, v, r), tol) &&
                                      close_to(at(s->r.x_min, s, v, q), at(s->r.x_min, s, v, r), tol)))
            return 0;
    }
    return 1;
}

/* The attractor of point q, a new one if none matches; -1 past the limit. */
static int attractor_of(basins_run *s, size_t q)
{
    int kind = settled(s, q) ? BASINS_EQUILIBRIUM : BASINS_CYCLE;
    for (size_t a = 0; a < s->n_att; a++)
        if (s->att[a].kind == kind && same(s, kind, q, s->att[a].first)) return (int)a;
    if (s->n_att == BASINS_MAX_ATTRACTORS) return -1;
    s->att[s->n_att] = (basins_attractor){.kind = kind, .count = 0, .first = q};
    return (int)s->n_att++;
}

int basins_classify(basins_run *s)
{
    s->label = malloc(s->n * sizeof *s->label);
    s->att = malloc(BASINS_MAX_ATTRACTORS * sizeof *s->att);
    if (!s->label || !s->att) return fprintf(stderr, "neurodyn basins: no memory for %zu labels\n", s->n), EXIT_FAILED;
    for (size_t q = 0; q < s->n; q++) {
        if (s->r.status[q] != ND_ENS_OK) {
            int nonfinite = s->r.status[q] == ND_ENS_NONFINITE;
            s->label[q] = nonfinite ? BASINS_NONFINITE : BASINS_FAILED;
            nonfinite ? s->n_nonfinite++ : s->n_failed++;
            continue;
        }
        int a = attractor_of(s, q);
        if (a < 0) {
            fprintf(stderr, "neurodyn basins: more than %d distinct attractors at tolerance %g: trajectories that have "
                            "not settled by --t1 %g, or chaos (raise --t1 or --tol)\n", BASINS_MAX_ATTRACTORS, s->a->tol, s->a->t1);
            return EXIT_FAILED;
        }
        s->label[q] = a, s->att[a].count++;
    }
    return EXIT_OK;
}

static const char *kind_name(int kind) { return kind == BASINS_EQUILIBRIUM ? "equilibrium" : "cycle"; }

static const char *status_name(int label)
{
    return label >= 0 ? "ok" : label == BASINS_NONFINITE ? "nonfinite" : "failed";
}

void basins_write_grid(FILE *f, const basins_run *s)
{
    const nd_model *m = s->m;
    fprintf(f, "%s\t%s\tattractor\tstatus\n", m->var_names[s->a->ax[0].index], m->var_names[s->a->ax[1].index]);
    for (size_t q = 0; q < s->n; q++) {
        nd_tsv_real(f, basins_grid(&s->a->ax[0], q % s->a->ax[0].n));
        nd_tsv_cell(f, basins_grid(&s->a->ax[1], q / s->a->ax[0].n));
        fprintf(f, "\t%d\t%s\n", s->label[q], status_name(s->label[q]));
    }
}

void basins_write_attractors(FILE *f, const basins_run *s)
{
    const nd_model *m = s->m;
    fprintf(f, "attractor\tkind\tpoints");
    for (size_t v = 0; v < m->n_vars; v++) fprintf(f, "\t%s", m->var_names[v]);
    for (size_t v = 0; v < m->n_vars; v++) fprintf(f, "\tmax_%s\tmin_%s", m->var_names[v], m->var_names[v]);
    fputc('\n', f);
    for (size_t a = 0; a < s->n_att; a++) {
        size_t q = s->att[a].first;
        fprintf(f, "%zu\t%s\t%zu", a, kind_name(s->att[a].kind), s->att[a].count);
        for (size_t v = 0; v < m->n_vars; v++) nd_tsv_cell(f, at(s->r.x, s, v, q));
        for (size_t v = 0; v < m->n_vars; v++) nd_tsv_cell(f, at(s->r.x_max, s, v, q)), nd_tsv_cell(f, at(s->r.x_min, s, v, q));
        fputc('\n', f);
    }
}

void basins_say(FILE *f, const basins_run *s)
{
    const nd_model *m = s->m;
    for (size_t a = 0; a < s->n_att; a++) {
        size_t q = s->att[a].first;
        fprintf(f, "neurodyn basins: attractor %zu: %s, %zu of %zu points, ", a, kind_name(s->att[a].kind), s->att[a].count, s->n);
        for (size_t v = 0; v < m->n_vars; v++)
            if (s->att[a].kind == BASINS_EQUILIBRIUM)
                fprintf(f, "%s%s=%.6g", v ? ", " : "at ", m->var_names[v], /* known to tol: 0 within it */
                        fabs(at(s->r.x, s, v, q)) < s->a->tol ? 0.0 : at(s->r.x, s, v, q));
            else
                fprintf(f, "%s%s in %.4g:%.4g", v ? ", " : "", m->var_names[v], at(s->r.x_min, s, v, q), at(s->r.x_max, s, v, q));
        fputc('\n', f);
    }
    if (s->n_nonfinite || s->n_failed)
        fprintf(f, "neurodyn basins: %zu points became non-finite (attractor %d), %zu failed (%d)\n", s->n_nonfinite,
                BASINS_NONFINITE, s->n_failed, BASINS_FAILED);
}

static json_t *state(const basins_run *s, const double *a, size_t q)
{
    json_t *o = json_object();
    for (size_t v = 0; v < s->m->n_vars; v++) json_object_set_new(o, s->m->var_names[v], cli_json_real(at(a, s, v, q)));
    return o;
}

static json_t *attractors(const basins_run *s)
{
    json_t *list = json_array();
    for (size_t a = 0; a < s->n_att; a++) {
        size_t q = s->att[a].first;
        json_t *o = json_object();
        json_object_set_new(o, "index", json_integer((json_int_t)a));
        json_object_set_new(o, "kind", json_string(kind_name(s->att[a].kind)));
        json_object_set_new(o, "points", json_integer((json_int_t)s->att[a].count));
        json_object_set_new(o, "state", state(s, s->r.x, q));
        json_object_set_new(o, "max", state(s, s->r.x_max, q));
        json_object_set_new(o, "min", state(s, s->r.x_min, q));
        json_array_append_new(list, o);
    }
    return list;
}

static json_t *axis(const basins_run *s, int k)
{
    const basins_axis *ax = &s->a->ax[k];
    json_t *o = json_object();
    json_object_set_new(o, "variable", json_string(s->m->var_names[ax->index]));
    json_object_set_new(o, "lo", cli_json_real(ax->lo));
    json_object_set_new(o, "hi", cli_json_real(ax->hi));
    json_object_set_new(o, "n", json_integer((json_int_t)ax->n));
    return o;
}

int basins_print_json(const basins_run *s)
{
    json_t *doc = json_object(), *labels = json_array();
    json_object_set_new(doc, "model", json_string(s->m->name));
    json_object_set_new(doc, "x", axis(s, 0));
    json_object_set_new(doc, "y", axis(s, 1));
    json_object_set_new(doc, "t1", cli_json_real(s->a->t1));
    json_object_set_new(doc, "tol", cli_json_real(s->a->tol));
    json_object_set_new(doc, "device", json_string(s->r.device == ND_DEVICE_CUDA ? "cuda" : "cpu"));
    json_object_set_new(doc, "attractors", attractors(s));
    json_object_set_new(doc, "nonfinite", json_integer((json_int_t)s->n_nonfinite));
    json_object_set_new(doc, "failed", json_integer((json_int_t)s->n_failed));
    for (size_t q = 0; q < s->n; q++) json_array_append_new(labels, json_integer(s->label[q]));
    json_object_set_new(doc, "labels", labels);
    return cli_json_print(doc);
}
