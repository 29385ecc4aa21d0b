/* `neurodyn report` on every model of the zoo and on examples/user_model.c: every step
 * succeeds, and every figure passes what a reviewer checks, read from its script and data
 * (tests/figure_check.c): the data files it names exist and hold data, by paths relative to
 * the script (the report is moved before the scripts are run again), gnuplot says nothing,
 * axes carry the model's units, labels are drawn once and apart, and every special point of
 * the JSON is drawn. Skipped where gnuplot is not installed. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_run.h"
#include "figure_check.h"
#include "neurodyn/neurodyn.h"

#define MAX_ZOO 64

static int have_gnuplot(void) { return system("command -v gnuplot >/dev/null 2>&1") == 0; }

/* A special point's label in the script: its type (or a thinned label, "") at x (and y when
 * finite) within 1.1% of the frame, where labels.c merges duplicates, and inside the frame. */
static int drawn(const fig_label *l, size_t n, const double r[4], const char *type, double x, double y)
{
    for (size_t i = 0; i < n; i++)
        if ((strcmp(l[i].text, type) == 0 || l[i].text[0] == '\0') && fabs(l[i].x - x) <= 0.011 * (r[1] - r[0]) &&
            (isnan(y) || fabs(l[i].y - y) <= 0.011 * (r[3] - r[2])) && l[i].y >= r[2] && l[i].y <= r[3])
            return 1;
    return 0;
}

/* Every special point of dir/json is labelled in dir/gp; xkey and ykey (NULL: none) name the
 * coordinates the JSON gives it in the figure's plane. */
static void expect_specials_drawn(const char *dir, const char *json, const char *gp, const char *xkey, const char *ykey)
{
    static fig_label l[256];
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, json);
    json_t *j = json_load_file(path, 0, NULL);
    cr_assert_not_null(j, "%s is not JSON", path);
    snprintf(path, sizeof path, "%s/%s", dir, gp);
    char *text = fig_read(path);
    cr_assert_not_null(text, "%s", path);
    double r[4];
    cr_assert(fig_range(text, "x", &r[0], &r[1]) && fig_range(text, "y", &r[2], &r[3]), "%s sets its ranges", gp);
    size_t n = fig_labels(text, l, 256), i;
    json_t *sp;
    json_array_foreach(json_object_get(j, "special_points"), i, sp)
    {
        const char *type = json_string_value(json_object_get(sp, "type"));
        double x = json_number_value(json_object_get(sp, xkey));
        double y = ykey ? json_number_value(json_object_get(sp, ykey)) : NAN;
        cr_expect(drawn(l, n, r, type, x, y), "%s: %s at %s = %g (%s) is not drawn in %s", dir, type, xkey, x,
                  ykey ? ykey : "", gp);
    }
    free(text);
    json_decref(j);
}

/* The phase plane draws every nullcline the JSON counts pieces of, and the trajectory. */
static void expect_nullclines_drawn(const char *dir)
{
    char path[1200], name[200];
    snprintf(path, sizeof path, "%s/phase_plane.json", dir);
    json_t *j = json_load_file(path, 0, NULL);
    cr_assert_not_null(j, "%s", path);
    snprintf(path, sizeof path, "%s/phase_plane.gp", dir);
    char *text = fig_read(path);
    cr_assert_not_null(text, "%s", path);
    const char *var;
    json_t *pieces;
    json_object_foreach(json_object_get(j, "nullcline_pieces"), var, pieces)
    {
        snprintf(name, sizeof name, "nullcline_%s.tsv'", var);
        if (json_integer_value(pieces) > 0) cr_expect(strstr(text, name), "%s: the %s nullcline is not drawn", dir, var);
    }
    cr_expect(strstr(text, "title 'trajectories'"), "%s: the trajectory is not drawn", dir);
    free(text);
    json_decref(j);
}

/* What each figure must show: the phase plane's nullclines, each diagram's special points. */
static void expect_diagrams_complete(const char *dir, const json_t *figures)
{
    char path[1200];
    if (json_object_get(figures, "phase_plane.png")) expect_nullclines_drawn(dir);
    if (json_object_get(figures, "bifurcation.png")) {
        snprintf(path, sizeof path, "%s/bifurcation.json", dir);
        json_t *j = json_load_file(path, 0, NULL);
        expect_specials_drawn(dir, "bifurcation.json", "bifurcation.gp", json_string_value(json_object_get(j, "parameter")), NULL);
        json_decref(j);
    }
    if (json_object_get(figures, "fast_slow.png")) {
        snprintf(path, sizeof path, "%s/fast_slow.json", dir);
        json_t *j = json_load_file(path, 0, NULL);
        expect_specials_drawn(dir, "fast_slow.json", "fast_slow.gp", json_string_value(json_object_get(j, "slow")), NULL);
        json_decref(j);
    }
    if (json_object_get(figures, "bifurcation2.png")) {
        snprintf(path, sizeof path, "%s/bifurcation2.json", dir);
        json_t *j = json_load_file(path, 0, NULL);
        json_t *p = json_object_get(j, "parameters");
        expect_specials_drawn(dir, "bifurcation2.json", "bifurcation2.gp", json_string_value(json_array_get(p, 0)),
                              json_string_value(json_array_get(p, 1)));
        json_decref(j);
    }
}

/* The figures the report must draw for m, from its metadata. */
static void expect_figure_kinds(const nd_model *m, const json_t *figures)
{
    size_t n_slow = 0;
    for (size_t v = 0; m->slow_vars && v < m->n_vars; v++) {
        const char *s = strstr(m->slow_vars, m->var_names[v]);
        size_t len = strlen(m->var_names[v]);
        n_slow += s && (s == m->slow_vars || s[-1] == ' ') && (s[len] == '\0' || s[len] == ' ');
    }
    const struct { int wanted; const char *figure; } kinds[] = {
        {1, "timeseries.png"},
        {m->n_vars - n_slow == 2, "phase_plane.png"},
        {m->n_vars >= 3, "trajectory3d.png"},
        {m->n_vars >= 2 && m->n_vars - n_slow != 2, "fixed_points.png"},
        {m->bif_par != NULL, "bifurcation.png"},
        {m->slow_vars != NULL, "fast_slow.png"},
        {m->bif_par && m->bif2_par, "bifurcation2.png"},
    };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        if (kinds[k].wanted) cr_expect_not_null(json_object_get(figures, kinds[k].figure), "%s: no %s", m->name, kinds[k].figure);
}

/* `report SPEC`, then every figure checked in the moved report folder. */
static void check_report(const char *spec, const nd_model *m)
{
    char dir[256], args[1200], path[1200], moved[300], gp[300];
    static char said[1 << 16];
    cli_tmpdir_make(dir);
    snprintf(args, sizeof args, "report '%s' --outdir rep", spec);
    int rc = cli_run_in(dir, args);
    snprintf(path, sizeof path, "%s/stderr", dir);
    cli_slurp(path, said, sizeof said);
    cr_assert_eq(rc, 0, "report %s: exit %d\n%s", m->name, rc, said);
    snprintf(path, sizeof path, "%s/rep", dir);
    snprintf(moved, sizeof moved, "%s/moved", dir);
    cr_assert_eq(rename(path, moved), 0, "the report folder moves"); /* scripts must not know where they were */
    snprintf(path, sizeof path, "%s/summary.json", moved);
    json_t *summary = json_load_file(path, 0, NULL), *figures = json_object(), *st;
    cr_assert_not_null(summary, "summary.json");
    cr_expect_eq(json_integer_value(json_object_get(summary, "failed_steps")), 0, "%s", said);
    size_t i;
    json_array_foreach(json_object_get(summary, "steps"), i, st)
    {
        const char *fig = json_string_value(json_object_get(st, "figure"));
        if (!fig) continue;
        json_object_set_new(figures, fig, json_true());
        snprintf(gp, sizeof gp, "%.*s.gp", (int)(strlen(fig) - 4), fig);
        fig_expect_data_files(moved, gp);
        snprintf(path, sizeof path, "%s/%s", moved, gp);
        char *text = fig_read(path);
        cr_assert_not_null(text, "%s", path);
        fig_expect_units(text, m);
        fig_expect_labels_apart(text);
        free(text);
        fig_expect_silent_render(moved, gp);
    }
    expect_figure_kinds(m, figures);
    expect_diagrams_complete(moved, figures);
    json_decref(figures);
    json_decref(summary);
    cli_tmpdir_remove(dir);
}

ParameterizedTestParameters(report, every_zoo_model)
{
    static size_t index[MAX_ZOO];
    size_t n = nd_builtin_count() < MAX_ZOO ? nd_builtin_count() : MAX_ZOO;
    for (size_t i = 0; i < n; i++) index[i] = i;
    return cr_make_param_array(size_t, index, n);
}

ParameterizedTest(size_t *i, report, every_zoo_model, .timeout = 300)
{
    if (!have_gnuplot()) cr_skip_test("gnuplot is not installed: figures are not rendered");
    check_report(nd_builtin_at(*i)->name, nd_builtin_at(*i));
}

Test(report, the_zoo_is_covered)
{
    cr_expect_leq(nd_builtin_count(), MAX_ZOO, "raise MAX_ZOO: %zu models, %d reported", nd_builtin_count(), MAX_ZOO);
}

Test(report, the_user_model_example, .timeout = 300)
{
    if (!have_gnuplot()) cr_skip_test("gnuplot is not installed: figures are not rendered");
    const char *src = getenv("ND_SRC");
    cr_assert_not_null(src, "ND_SRC must name the source tree (make test sets it)");
    char dir[256], spec[600];
    cli_tmpdir_make(dir); /* the model's compiled object goes to this cache, as for the command */
    snprintf(spec, sizeof spec, "%s/examples/user_model.c", src);
    nd_model_ref ref;
    nd_error err;
    cr_assert_eq(nd_model_load(spec, &ref, &err), ND_OK, "%s", err.msg);
    check_report(spec, ref.model);
    nd_model_unload(&ref);
    cli_tmpdir_remove(dir);
}
