/* neurodyn basins: which attractor each grid point's trajectory reaches (the library's
 * nd_ensemble_attractors, gpu/attractors.c, says how: equilibria by final state, anything that
 * still moves by the max and min of every variable), and the files. Tables through core/tsv.c,
 * JSON through Jansson. */
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

int basins_classify(basins_run *s)
{
    nd_error err;
    nd_status st = nd_ensemble_attractors(&s->r, s->a->tol, BASINS_MAX_ATTRACTORS, &s->am, &err);
    if (st == ND_EFAILED) /* too many: say what to change */
        fprintf(stderr, "neurodyn basins: more than %d distinct attractors at tolerance %g: trajectories that have "
                        "not settled by --t1 %g, or chaos (raise --t1 or --tol)\n", BASINS_MAX_ATTRACTORS, s->a->tol, s->a->t1);
    return st == ND_EFAILED ? EXIT_FAILED : st ? cli_error("basins", &err) : EXIT_OK;
}

static const char *kind_name(int kind) { return kind == ND_ATTRACTOR_EQUILIBRIUM ? "equilibrium" : "cycle"; }

static const char *status_name(int label)
{
    return label >= 0 ? "ok" : label == ND_ATTRACTOR_NONFINITE ? "nonfinite" : "failed";
}

void basins_write_grid(FILE *f, const basins_run *s)
{
    const nd_model *m = s->m;
    fprintf(f, "%s\t%s\tattractor\tstatus\n", m->var_names[s->a->ax[0].index], m->var_names[s->a->ax[1].index]);
    for (size_t q = 0; q < s->n; q++) {
        nd_tsv_real(f, basins_grid(&s->a->ax[0], q % s->a->ax[0].n));
        nd_tsv_cell(f, basins_grid(&s->a->ax[1], q / s->a->ax[0].n));
        fprintf(f, "\t%d\t%s\n", s->am.label[q], status_name(s->am.label[q]));
    }
}

void basins_write_attractors(FILE *f, const basins_run *s)
{
    const nd_model *m = s->m;
    fprintf(f, "attractor\tkind\tpoints");
    for (size_t v = 0; v < m->n_vars; v++) fprintf(f, "\t%s", m->var_names[v]);
    for (size_t v = 0; v < m->n_vars; v++) fprintf(f, "\tmax_%s\tmin_%s", m->var_names[v], m->var_names[v]);
    fputc('\n', f);
    for (size_t a = 0; a < s->am.n_attractors; a++) {
        size_t q = s->am.attractors[a].first;
        fprintf(f, "%zu\t%s\t%zu", a, kind_name(s->am.attractors[a].kind), s->am.attractors[a].count);
        for (size_t v = 0; v < m->n_vars; v++) nd_tsv_cell(f, at(s->r.x, s, v, q));
        for (size_t v = 0; v < m->n_vars; v++) nd_tsv_cell(f, at(s->r.x_max, s, v, q)), nd_tsv_cell(f, at(s->r.x_min, s, v, q));
        fputc('\n', f);
    }
}

void basins_say(FILE *f, const basins_run *s)
{
    const nd_model *m = s->m;
    for (size_t a = 0; a < s->am.n_attractors; a++) {
        size_t q = s->am.attractors[a].first;
        fprintf(f, "neurodyn basins: attractor %zu: %s, %zu of %zu points, ", a, kind_name(s->am.attractors[a].kind), s->am.attractors[a].count, s->n);
        for (size_t v = 0; v < m->n_vars; v++)
            if (s->am.attractors[a].kind == ND_ATTRACTOR_EQUILIBRIUM)
                fprintf(f, "%s%s=%.6g", v ? ", " : "at ", m->var_names[v], /* known to tol: 0 within it */
                        fabs(at(s->r.x, s, v, q)) < s->a->tol ? 0.0 : at(s->r.x, s, v, q));
            else
                fprintf(f, "%s%s in %.4g:%.4g", v ? ", " : "", m->var_names[v], at(s->r.x_min, s, v, q), at(s->r.x_max, s, v, q));
        fputc('\n', f);
    }
    if (s->am.n_nonfinite || s->am.n_failed)
        fprintf(f, "neurodyn basins: %zu points became non-finite (attractor %d), %zu failed (%d)\n", s->am.n_nonfinite,
                ND_ATTRACTOR_NONFINITE, s->am.n_failed, ND_ATTRACTOR_FAILED);
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
    for (size_t a = 0; a < s->am.n_attractors; a++) {
        size_t q = s->am.attractors[a].first;
        json_t *o = json_object();
        json_object_set_new(o, "index", json_integer((json_int_t)a));
        json_object_set_new(o, "kind", json_string(kind_name(s->am.attractors[a].kind)));
        json_object_set_new(o, "points", json_integer((json_int_t)s->am.attractors[a].count));
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
    json_object_set_new(doc, "nonfinite", json_integer((json_int_t)s->am.n_nonfinite));
    json_object_set_new(doc, "failed", json_integer((json_int_t)s->am.n_failed));
    for (size_t q = 0; q < s->n; q++) json_array_append_new(labels, json_integer(s->am.label[q]));
    json_object_set_new(doc, "labels", labels);
    return cli_json_print(doc);
}
