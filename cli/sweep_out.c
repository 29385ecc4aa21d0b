/* The files and JSON of neurodyn sweep: the table of grid points and the table of local extrema
 * through core/tsv.c (shortest round-trip numbers), the JSON document through Jansson. */
#include <jansson.h>
#include <math.h>

#include "cli.h"
#include "neurodyn/tsv.h"
#include "sweep.h"

const long *sweep_extrema_count(const sweep_run *s, int kind)
{
    return kind == ND_EXTREMA_MAX ? s->r.n_maxima : s->r.n_minima;
}

static double grid_par(const sweep_run *s, int k, size_t i) { return s->P[(size_t)s->sp[k].index * s->n + i]; }

void sweep_write_table(FILE *f, const sweep_run *s)
{
    const nd_model *m = s->m;
    for (int k = 0; k < s->np; k++) fprintf(f, "%s%s", k ? "\t" : "", m->par_names[s->sp[k].index]);
    for (size_t v = 0; v < m->n_vars; v++) fprintf(f, "\tmax_%s\tmin_%s", m->var_names[v], m->var_names[v]);
    fprintf(f, "\tperiod\tevents%s%s%s\n", s->r.n_maxima ? "\tn_maxima" : "", s->r.n_minima ? "\tn_minima" : "",
            s->lambda ? "\tlyapunov" : "");
    for (size_t i = 0; i < s->n; i++) {
        for (int k = 0; k < s->np; k++) {
            if (k) fputc('\t', f);
            nd_tsv_real(f, grid_par(s, k, i));
        }
        for (size_t v = 0; v < m->n_vars; v++) nd_tsv_cell(f, s->r.x_max[v * s->n + i]), nd_tsv_cell(f, s->r.x_min[v * s->n + i]);
        nd_tsv_cell(f, s->r.period[i]);
        fprintf(f, "\t%ld", s->r.events[i]);
        if (s->r.n_maxima) fprintf(f, "\t%ld", s->r.n_maxima[i]);
        if (s->r.n_minima) fprintf(f, "\t%ld", s->r.n_minima[i]);
        if (s->lambda) nd_tsv_cell(f, s->lambda[i]);
        fputc('\n', f);
    }
}

/* The extrema of a kind that were kept for point i (at most max_extrema). */
static size_t kept(const sweep_run *s, int kind, size_t i)
{
    const long *count = sweep_extrema_count(s, kind);
    size_t n = count ? (size_t)count[i] : 0;
    return n < s->r.max_extrema ? n : s->r.max_extrema;
}

void sweep_write_extrema(FILE *f, const sweep_run *s)
{
    const nd_model *m = s->m;
    for (int k = 0; k < s->np; k++) fprintf(f, "%s\t", m->par_names[s->sp[k].index]);
    fprintf(f, "variable\tkind\tvalue\tt\n");
    for (size_t i = 0; i < s->n; i++)
        for (int kind = ND_EXTREMA_MAX; kind <= ND_EXTREMA_MIN; kind++) {
            const double *y = kind == ND_EXTREMA_MAX ? s->r.maxima : s->r.minima;
            const double *t = kind == ND_EXTREMA_MAX ? s->r.maxima_t : s->r.minima_t;
            for (size_t j = 0, n = kept(s, kind, i); j < n; j++) {
                for (int k = 0; k < s->np; k++) nd_tsv_real(f, grid_par(s, k, i)), fputc('\t', f);
                fprintf(f, "%s\t%s\t", m->var_names[s->var], kind == ND_EXTREMA_MAX ? "max" : "min");
                nd_tsv_real(f, y[j * s->n + i]);
                nd_tsv_cell(f, t[j * s->n + i]);
                fputc('\n', f);
            }
        }
}

static json_t *vars_object(const sweep_run *s, const double *a, size_t i)
{
    json_t *o = json_object();
    for (size_t v = 0; v < s->m->n_vars; v++) json_object_set_new(o, s->m->var_names[v], cli_json_real(a[v * s->n + i]));
    return o;
}

/* "maxima": [...] (the values kept) and "n_maxima": N (all that were found), or the minima. */
static void add_extrema(json_t *pt, const sweep_run *s, int kind, size_t i)
{
    const long *count = sweep_extrema_count(s, kind);
    if (!count) return;
    const double *y = kind == ND_EXTREMA_MAX ? s->r.maxima : s->r.minima;
    json_t *values = json_array();
    for (size_t j = 0, n = kept(s, kind, i); j < n; j++) json_array_append_new(values, cli_json_real(y[j * s->n + i]));
    json_object_set_new(pt, kind == ND_EXTREMA_MAX ? "maxima" : "minima", values);
    json_object_set_new(pt, kind == ND_EXTREMA_MAX ? "n_maxima" : "n_minima", json_integer(count[i]));
}

static json_t *point(const sweep_run *s, size_t i)
{
    json_t *pt = json_object();
    for (int k = 0; k < s->np; k++) json_object_set_new(pt, s->m->par_names[s->sp[k].index], cli_json_real(grid_par(s, k, i)));
    json_object_set_new(pt, "max", vars_object(s, s->r.x_max, i));
    json_object_set_new(pt, "min", vars_object(s, s->r.x_min, i));
    json_object_set_new(pt, "period", cli_json_real(s->r.period[i]));
    json_object_set_new(pt, "events", json_integer(s->r.events[i]));
    json_object_set_new(pt, "ok", json_boolean(s->r.status[i] == ND_ENS_OK));
    if (s->lambda) json_object_set_new(pt, "lyapunov", cli_json_real(s->lambda[i]));
    add_extrema(pt, s, ND_EXTREMA_MAX, i);
    add_extrema(pt, s, ND_EXTREMA_MIN, i);
    return pt;
}

int sweep_print_json(const sweep_run *s)
{
    const nd_model *m = s->m;
    json_t *doc = json_object(), *pars = json_array(), *points = json_array();
    json_object_set_new(doc, "model", json_string(m->name));
    for (int k = 0; k < s->np; k++) json_array_append_new(pars, json_string(m->par_names[s->sp[k].index]));
    json_object_set_new(doc, "parameters", pars);
    json_object_set_new(doc, "variable", json_string(m->var_names[s->var]));
    json_object_set_new(doc, "level", cli_json_real(s->a->level));
    json_object_set_new(doc, "device", json_string(s->r.device == ND_DEVICE_CUDA ? "cuda" : "cpu"));
    if (s->r.max_extrema) {
        json_object_set_new(doc, "max_extrema", json_integer((json_int_t)s->r.max_extrema));
        json_object_set_new(doc, "extrema_file", s->extrema_path[0] ? json_string(s->extrema_path) : json_null());
    }
    for (size_t i = 0; i < s->n; i++) json_array_append_new(points, point(s, i));
    json_object_set_new(doc, "points", points);
    return cli_json_print(doc);
}
