/* bifurcation2 --homoclinic: the homoclinic (HC) curves and the SNIC segments of the fold curves
 * (nd_homoclinic_curves_2d, include/neurodyn/homoclinic.h) added to the two-parameter outputs:
 * their rows appended to curves.tsv (kinds "HC" and "SNIC"; the state column holds the saddle
 * or the saddle-node), the SNIC segments' ends to special_points.tsv (type "NCH"), the figure
 * and the JSON. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "homoclinic2.h"
#include "neurodyn/cycle_codim2.h"

int hom2_compute(const char *cmd, const nd_codim2_diagram *d, const double *p, const nd_region *r,
                 unsigned long max_points, nd_hom2_set *s)
{
    nd_error err;
    if (d->start.n_free != d->m->n_vars)
        fprintf(stderr, "neurodyn %s: --homoclinic needs every variable free (no --fix): no HC or SNIC curves\n", cmd);
    if (nd_homoclinic_curves_2d(d, p, r, max_points, s, &err)) return cli_error(cmd, &err);
    if (s->n_failed)
        fprintf(stderr, "neurodyn %s: %zu homoclinic curve%s not computed; the last: %s\n", cmd, s->n_failed,
                s->n_failed == 1 ? "" : "s", s->failure);
    return EXIT_OK;
}

/* The whole of dir/name (NULL when it cannot be read). */
static char *slurp(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap + 1);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *b = realloc(buf, 2 * cap + 1);
            if (!b) free(buf);
            buf = b, cap *= 2;
        }
    }
    fclose(f);
    if (buf) buf[n] = '\0';
    return buf;
}

/* The index of the first homoclinic curve: after the fold and Hopf curves and the cycle
 * curves (LPC, PD) of --cycles, which nd_write_codim2 numbers from d->n. */
static size_t first_curve(const nd_codim2_diagram *d)
{
    return d->n + (d->cycles ? d->cycles->n : 0);
}

/* With cycle curves, curves.tsv has a period column (plots/diagram_data.c): infinite here. */
static int has_period_column(const nd_codim2_diagram *d)
{
    return d->cycles && d->cycles->n;
}

static void curve_rows(FILE *f, const nd_hom2_set *s, size_t first, int period)
{
    size_t nv = s->m->n_vars;
    for (size_t c = 0; c < s->n; c++) {
        const nd_hom2_curve *cv = &s->curves[c];
        fprintf(f, "\n\n");
        for (size_t i = 0; i < cv->n; i++) {
            fprintf(f, "%zu\t%s", first + c, cv->snic ? "SNIC" : "HC");
            nd_tsv_cell(f, cv->p1[i]), nd_tsv_cell(f, cv->p2[i]);
            for (size_t v = 0; v < nv; v++) nd_tsv_cell(f, cv->x[i * nv + v]);
            fprintf(f, "\t0");
            if (period) nd_tsv_cell(f, INFINITY);
            fputc('\n', f);
        }
    }
}

static void point_rows(FILE *f, const nd_hom2_set *s, size_t first, int period)
{
    (void)period;
    size_t nv = s->m->n_vars;
    for (size_t i = 0; i < s->n_points; i++) {
        const nd_hom2_point *pt = &s->points[i];
        fprintf(f, "NCH\t%zu", first + pt->curve), nd_tsv_cell(f, pt->p1), nd_tsv_cell(f, pt->p2);
        for (size_t v = 0; v < nv; v++) nd_tsv_cell(f, pt->x[v]);
        nd_tsv_cell(f, NAN), nd_tsv_cell(f, NAN);
        fprintf(f, "\t%zu,%d\n", first + pt->curve, pt->fold_curve);
    }
}

/* dir/name rewritten: what nd_write_codim2 wrote, then the rows of `rows`. */
static int append(const char *cmd, const char *dir, const char *name, const nd_hom2_set *s, size_t first,
                  int period, void (*rows)(FILE *, const nd_hom2_set *, size_t, int))
{
    char *old = slurp(dir, name);
    if (!old) {
        fprintf(stderr, "neurodyn %s: cannot read back '%s/%s'\n", cmd, dir, name);
        return EXIT_FAILED;
    }
    FILE *f = cli_open_out(cmd, dir, name);
    if (!f) return free(old), EXIT_FAILED;
    fputs(old, f);
    free(old);
    rows(f, s, first, period);
    if (fclose(f)) {
        fprintf(stderr, "neurodyn %s: cannot write '%s/%s'\n", cmd, dir, name);
        return EXIT_FAILED;
    }
    return EXIT_OK;
}

int hom2_write(const char *cmd, const nd_codim2_diagram *d, const nd_hom2_set *s, const double *at, const char *dir)
{
    nd_error err;
    if (nd_write_codim2(d, at, dir, &err)) return cli_error(cmd, &err);
    int rc = append(cmd, dir, "curves.tsv", s, first_curve(d), has_period_column(d), curve_rows);
    if (!rc) rc = append(cmd, dir, "special_points.tsv", s, first_curve(d), 0, point_rows);
    return rc;
}

int hom2_plot(const char *cmd, const nd_codim2_diagram *d, const nd_hom2_set *s, const double *p, const double *at,
              int brute, const char *dir, const char *out)
{
    int rc = hom2_write(cmd, d, s, at, dir);
    if (rc) return rc;
    const nd_model *m = d->m;
    char params[512], l1[160], l2[160];
    nd_bif2_plot spec = {dir, m->name, nd_model_par_label(m, (size_t)d->par[0], l1, sizeof l1),
                         nd_model_par_label(m, (size_t)d->par[1], l2, sizeof l2), d->lo[0], d->hi[0], d->lo[1], d->hi[1], brute,
                         nd_plot_changed_params(m, p, d->par[0], d->par[1], params, sizeof params)};
    nd_error err;
    if (nd_plot_bifurcation2(&spec, out, &err) == ND_PLOT_FAILED) return cli_error(cmd, &err);
    return EXIT_OK;
}

static json_t *json_state(const nd_model *m, const double *x)
{
    json_t *o = json_object();
    for (size_t v = 0; v < m->n_vars; v++) json_object_set_new(o, m->var_names[v], cli_json_real(x[v]));
    return o;
}

void hom2_json(json_t *doc, const nd_codim2_diagram *d, const nd_hom2_set *s)
{
    const nd_model *m = d->m;
    const char *P1 = m->par_names[d->par[0]], *P2 = m->par_names[d->par[1]];
    json_t *curves = json_object_get(doc, "curves"), *points = json_object_get(doc, "special_points");
    for (size_t c = 0; curves && c < s->n; c++) {
        const nd_hom2_curve *cv = &s->curves[c];
        json_t *o = json_object(), *pts = json_array();
        json_object_set_new(o, "kind", json_string(cv->snic ? "SNIC" : "HC"));
        json_object_set_new(o, cv->snic ? "on_fold_curve" : "from_cycle_branch", json_integer(cv->from));
        if (!cv->snic) json_object_set_new(o, "stop", json_string(cv->stop));
        for (size_t i = 0; i < cv->n; i++) {
            json_t *pt = json_object();
            json_object_set_new(pt, P1, cli_json_real(cv->p1[i]));
            json_object_set_new(pt, P2, cli_json_real(cv->p2[i]));
            json_object_set_new(pt, "state", json_state(m, cv->x + i * m->n_vars));
            json_array_append_new(pts, pt);
        }
        json_object_set_new(o, "points", pts);
        json_array_append_new(curves, o);
    }
    for (size_t i = 0; points && i < s->n_points; i++) {
        const nd_hom2_point *pt = &s->points[i];
        json_t *o = json_object();
        json_object_set_new(o, "type", json_string("NCH"));
        json_object_set_new(o, P1, cli_json_real(pt->p1));
        json_object_set_new(o, P2, cli_json_real(pt->p2));
        json_object_set_new(o, "state", json_state(m, pt->x));
        json_object_set_new(o, "curve", json_integer((json_int_t)(first_curve(d) + pt->curve)));
        json_object_set_new(o, "curves", json_pack("[I, I]", (json_int_t)(first_curve(d) + pt->curve), (json_int_t)pt->fold_curve));
        json_array_append_new(points, o);
    }
}

void hom2_summary(const nd_hom2_set *s)
{
    size_t hc = 0;
    for (size_t c = 0; c < s->n; c++) hc += !s->curves[c].snic;
    printf("  homoclinic: %zu HC curve%s (from %zu of %zu cycle branches), %zu SNIC segment%s, %zu NCH point%s\n", hc,
           hc == 1 ? "" : "s", s->n_homoclinic, s->n_cycles, s->n - hc, s->n - hc == 1 ? "" : "s", s->n_points,
           s->n_points == 1 ? "" : "s");
}
