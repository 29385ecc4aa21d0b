/* neurodyn poincare MODEL --section V=LEVEL|max:V|min:V|dV=0 [--dir up|down|both] [--var V] [--set P=V]...
 * [--init V=X]... [--t1 T] [--transient T] [--max-crossings N] [--json] [--out F.tsv] [--plot F.png]
 * [--timeout S] */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *HELP =
    "usage: neurodyn poincare MODEL --section NAME=LEVEL [options]\n"
    "\n"
    "Poincare section: the crossings of NAME = LEVEL (located by the integrator's event\n"
    "location, then set on the section by a Newton step in time), after a transient; the\n"
    "return map x_k -> x_k+1 of a variable and the return times t_k+1 - t_k. Or the\n"
    "section dNAME/dt = 0 at the local maxima (max:NAME) or minima (min:NAME) of a\n"
    "variable: the map of successive maxima (Lorenz's, Rossler's).\n"
    "\n"
    "  --section S           the section (required): NAME=LEVEL, variable NAME at LEVEL;\n"
    "                        max:NAME its local maxima, min:NAME its minima; dNAME=0 both\n"
    "                        (--dir down: the maxima, up: the minima)\n"
    "  --dir D               crossing direction: up (default), down or both\n"
    "  --var NAME            the variable of the return map (default: the first other one;\n"
    "                        at extrema, the section's variable)\n"
    "  --set NAME=VALUE      set a parameter; repeatable\n"
    "  --init NAME=VALUE     initial state; repeatable\n"
    "  --t1 T                end of the run (default 50 t_sim of the model, or 10000)\n"
    "  --transient T         crossings before T are skipped (default t1 / 10)\n"
    "  --max-crossings N     stop after N crossings (default 100000)\n"
    "  --out FILE            the crossings as TSV: k, t, direction, return_time, the variables\n"
    "  --plot FILE           figure (PNG, SVG or PDF): the return map and the return times\n"
    "  --json                print one JSON document on stdout\n"
    CLI_TIMEOUT_HELP;

typedef struct pm_args {
    const char *model, *section, *var, *out, *plot;
    const char **sets, **inits;
    int n_sets, n_inits, json, dir, dir_given;
    unsigned long max_crossings;
    double t1, transient;
    int have_t1, have_transient;
} pm_args;

enum { O_SECTION = 1000, O_DIR, O_VAR, O_SET, O_INIT, O_T1, O_TRANS, O_MAXC, O_OUT, O_PLOT, O_JSON, O_HELP };


static int parse(int argc, char **argv, pm_args *a)
{
    static const struct option opts[] = {
        {"section", required_argument, 0, O_SECTION}, {"dir", required_argument, 0, O_DIR},
        {"var", required_argument, 0, O_VAR},         {"set", required_argument, 0, O_SET},
        {"init", required_argument, 0, O_INIT},       {"t1", required_argument, 0, O_T1},
        {"transient", required_argument, 0, O_TRANS}, {"max-crossings", required_argument, 0, O_MAXC},
        {"out", required_argument, 0, O_OUT},         {"plot", required_argument, 0, O_PLOT},
        {"json", no_argument, 0, O_JSON},             CLI_TIMEOUT_OPTION,
        {"help", no_argument, 0, O_HELP},             {0, 0, 0, 0}};
    const char *cmd = "poincare";
    opterr = 0;
    optind = 1;
    a->dir = +1;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case O_SECTION: a->section = optarg; break;
        case O_DIR:
            if (strcmp(optarg, "up") == 0) a->dir = +1;
            else if (strcmp(optarg, "down") == 0) a->dir = -1;
            else if (strcmp(optarg, "both") == 0) a->dir = 0;
            else return cli_usage_error(cmd, "--dir '%s': use up, down or both", optarg);
            a->dir_given = 1;
            break;
        case O_VAR: a->var = optarg; break;
        case O_SET: a->sets[a->n_sets++] = optarg; break;
        case O_INIT: a->inits[a->n_inits++] = optarg; break;
        case O_T1:
            if (cli_number(cmd, "t1", optarg, &a->t1)) return EXIT_USAGE;
            if (!(a->t1 > 0)) return cli_usage_error(cmd, "--t1 %s must be > 0", optarg);
            a->have_t1 = 1;
            break;
        case O_TRANS:
            if (cli_number(cmd, "transient", optarg, &a->transient)) return EXIT_USAGE;
            if (a->transient < 0) return cli_usage_error(cmd, "--transient %s must be >= 0", optarg);
            a->have_transient = 1;
            break;
        case O_MAXC:
            if (cli_count(cmd, "max-crossings", optarg, 2, 100000000, &a->max_crossings)) return EXIT_USAGE;
            break;
        case O_OUT: a->out = optarg; break;
        case O_PLOT: a->plot = optarg; break;
        case O_JSON: a->json = 1; break;
        case CLI_O_TIMEOUT:
            if (cli_timeout_option(cmd, optarg)) return EXIT_USAGE;
            break;
        case 'h':
        case O_HELP: fputs(HELP, stdout); return -1;
        default: return cli_usage_error(cmd, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    int rc = cli_model_arg(cmd, argc, argv, &a->model);
    if (rc) return rc;
    if (!a->section) return cli_usage_error(cmd, "--section NAME=LEVEL (or max:NAME, min:NAME, dNAME=0) is required");
    if (a->have_t1 && a->have_transient && a->transient >= a->t1)
        return cli_usage_error(cmd, "--transient %g must be less than --t1 %g", a->transient, a->t1);
    if (a->out && cli_check_out_file(cmd, a->out)) return EXIT_USAGE;
    if (cli_check_plot_file_here(cmd, a->plot)) return EXIT_USAGE;
    const char *outputs[] = {a->out, a->plot};
    if (cli_check_distinct_outputs(cmd, outputs, 2)) return EXIT_USAGE;
    return cli_check_figure_data(cmd, a->out, a->plot, (const char *const[]){".tsv"}, 1) ? EXIT_USAGE : 0;
}

static int var_index(const nd_model *m, const char *name, size_t len)
{
    for (size_t v = 0; v < m->n_vars; v++)
        if (strlen(m->var_names[v]) == len && strncmp(m->var_names[v], name, len) == 0) return (int)v;
    return -1;
}

static const char *dir_word(int d) { return d > 0 ? "up" : d < 0 ? "down" : "both"; }
/* a crossing of a section at extrema: dx/dt crosses 0 downward at a maximum */
static const char *ext_word(int d) { return d < 0 ? "max" : "min"; }
static const char *extremum_word(int d) { return d < 0 ? "maxima" : d > 0 ? "minima" : "extrema"; }

/* --section: NAME=LEVEL, max:NAME, min:NAME or dNAME=0 (a variable named dNAME is a level
 * section). dir: --dir, or for max:/min: the direction that selects them (both for dNAME=0
 * without --dir). */
static int parse_section(const nd_model *m, const pm_args *a, int *sv, double *level, int *extremum, int *dir)
{
    const char *cmd = "poincare", *s = a->section;
    if (!strncmp(s, "max:", 4) || !strncmp(s, "min:", 4)) {
        if ((*sv = var_index(m, s + 4, strlen(s + 4))) < 0)
            return cli_usage_error(cmd, "--section '%s': '%s' is no variable of %s", s, s + 4, m->name);
        int want = s[1] == 'a' ? -1 : +1;
        if (a->dir_given && a->dir != want)
            return cli_usage_error(cmd, "--section %s takes no --dir %s (max: the maxima, min: the minima)", s,
                                   dir_word(a->dir));
        *extremum = 1, *dir = want;
        return 0;
    }
    const char *eq = strchr(s, '=');
    if (!eq) return cli_usage_error(cmd, "--section '%s' must be NAME=LEVEL, max:NAME, min:NAME or dNAME=0", s);
    size_t len = (size_t)(eq - s);
    if ((*sv = var_index(m, s, len)) >= 0) return cli_number(cmd, "section", eq + 1, level) ? EXIT_USAGE : 0;
    if (len > 1 && s[0] == 'd' && (*sv = var_index(m, s + 1, len - 1)) >= 0) {
        double zero;
        if (cli_number(cmd, "section", eq + 1, &zero)) return EXIT_USAGE;
        if (zero != 0)
            return cli_usage_error(cmd, "--section '%s': a section at extrema is d%.*s=0 (the level of a derivative "
                                   "other than 0 is not supported)", s, (int)(len - 1), s + 1);
        *extremum = 1, *dir = a->dir_given ? a->dir : 0;
        return 0;
    }
    return cli_usage_error(cmd, "--section '%s': '%.*s' is no variable of %s", s, (int)len, s, m->name);
}

static int write_tsv(const nd_model *m, const nd_poincare *r, const char *path, int extremum)
{
    cli_out_file o;
    int rc = cli_out_open("poincare", &o, path);
    if (rc) return rc;
    size_t n = m->n_vars;
    fprintf(o.f, "k\tt\tdirection\treturn_time");
    for (size_t v = 0; v < n; v++) fprintf(o.f, "\t%s", m->var_names[v]);
    fputc('\n', o.f);
    for (size_t k = 0; k < r->n; k++) {
        fprintf(o.f, "%zu", k);
        nd_tsv_cell(o.f, r->t[k]);
        fprintf(o.f, "\t%s", extremum ? ext_word(r->dir[k]) : dir_word(r->dir[k]));
        nd_tsv_cell(o.f, k + 1 < r->n ? r->t[k + 1] - r->t[k] : NAN);
        for (size_t v = 0; v < n; v++) nd_tsv_cell(o.f, r->x[k * n + v]);
        fputc('\n', o.f);
    }
    return cli_out_close("poincare", &o, 1, NULL);
}

static int print_json(const nd_model *m, const double *p, const nd_poincare *r, int sv, double level, int dir, int var,
                      int extremum)
{
    size_t n = m->n_vars;
    json_t *doc = json_object(), *pars = json_object(), *state = json_object(), *t = json_array(), *d = json_array(),
           *rt = json_array(), *xk = json_array(), *xk1 = json_array();
    json_object_set_new(doc, "model", json_string(m->name));
    for (size_t k = 0; k < m->n_pars; k++) json_object_set_new(pars, m->par_names[k], cli_json_real(p[k]));
    json_object_set_new(doc, "parameters", pars);
    if (extremum)
        json_object_set_new(doc, "section", json_pack("{s:s, s:s, s:s}", "variable", m->var_names[sv], "extrema",
                                                      extremum_word(dir), "direction", dir_word(dir)));
    else
        json_object_set_new(doc, "section", json_pack("{s:s, s:o, s:s}", "variable", m->var_names[sv], "level",
                                                      cli_json_real(level), "direction", dir_word(dir)));
    for (size_t k = 0; k < r->n; k++) {
        json_array_append_new(t, cli_json_real(r->t[k]));
        json_array_append_new(d, json_string(extremum ? ext_word(r->dir[k]) : dir_word(r->dir[k])));
        if (k + 1 < r->n) {
            json_array_append_new(rt, cli_json_real(r->t[k + 1] - r->t[k]));
            json_array_append_new(xk, cli_json_real(r->x[k * n + (size_t)var]));
            json_array_append_new(xk1, cli_json_real(r->x[(k + 1) * n + (size_t)var]));
        }
    }
    for (size_t v = 0; v < n; v++) {
        json_t *col = json_array();
        for (size_t k = 0; k < r->n; k++) json_array_append_new(col, cli_json_real(r->x[k * n + v]));
        json_object_set_new(state, m->var_names[v], col);
    }
    json_object_set_new(doc, "count", json_integer((json_int_t)r->n));
    json_object_set_new(doc, "crossings", json_pack("{s:o, s:o, s:o}", "t", t, "direction", d, "state", state));
    json_object_set_new(doc, "return_times", rt);
    json_object_set_new(doc, "return_map", json_pack("{s:s, s:o, s:o}", "variable", m->var_names[var], "x_k", xk,
                                                     "x_k1", xk1));
    return cli_json_print(doc);
}

static void print_text(const nd_model *m, const nd_poincare *r, int sv, double level, int dir, int var, int extremum)
{
    size_t n = m->n_vars;
    if (extremum) printf("%zu %s of %s (d%s/dt = 0) of %s", r->n, extremum_word(dir), m->var_names[sv], m->var_names[sv], m->name);
    else printf("%zu crossings of %s = %.10g (%s) of %s", r->n, m->var_names[sv], level, dir_word(dir), m->name);
    if (r->n) printf(" between t = %.10g and %.10g", r->t[0], r->t[r->n - 1]);
    printf("\n");
    if (r->n < 2) return;
    double lo = INFINITY, hi = -INFINITY, tlo = INFINITY, thi = -INFINITY;
    for (size_t k = 0; k < r->n; k++) {
        lo = fmin(lo, r->x[k * n + (size_t)var]), hi = fmax(hi, r->x[k * n + (size_t)var]);
        if (k + 1 < r->n) tlo = fmin(tlo, r->t[k + 1] - r->t[k]), thi = fmax(thi, r->t[k + 1] - r->t[k]);
    }
    printf("  %s on the section: %.10g .. %.10g\n  return times: %.10g .. %.10g\n", m->var_names[var], lo, hi, tlo, thi);
    size_t from = r->n > 6 ? r->n - 6 : 0;
    printf("  last return map pairs (%s_k -> %s_k+1):\n", m->var_names[var], m->var_names[var]);
    for (size_t k = from; k + 1 < r->n; k++)
        printf("    %.12g -> %.12g\n", r->x[k * n + (size_t)var], r->x[(k + 1) * n + (size_t)var]);
}

static int run(const void *args, const nd_model *m, double *p, double *x)
{
    const pm_args *a = args;
    const char *cmd = "poincare";
    nd_error err;
    for (int i = 0; i < a->n_sets; i++)
        if (nd_model_set_par(m, p, a->sets[i], &err)) return cli_error(cmd, &err);
    for (int i = 0; i < a->n_inits; i++)
        if (nd_model_set_var(m, x, a->inits[i], &err)) return cli_error(cmd, &err);
    int sv = 0, extremum = 0, dir = a->dir;
    double level = NAN;
    int rc = parse_section(m, a, &sv, &level, &extremum, &dir);
    if (rc) return rc;
    int var = extremum ? sv : sv == 0 && m->n_vars > 1 ? 1 : 0;
    if (a->var && (var = var_index(m, a->var, strlen(a->var))) < 0)
        return cli_usage_error(cmd, "--var '%s' is no variable of %s", a->var, m->name);
    nd_poincare_opts o;
    nd_poincare_opts_init(&o);
    o.var = sv, o.level = extremum ? 0.0 : level, o.dir = dir, o.x0 = x, o.extremum = extremum;
    double t_sim = m->t_sim > 0 ? m->t_sim : 200.0;
    o.t1 = a->have_t1 ? a->t1 : (m->t_sim > 0 ? 50 * t_sim : 10000.0);
    o.transient = a->have_transient ? a->transient : o.t1 / 10;
    if (o.transient >= o.t1)
        return cli_usage_error(cmd, "--transient %g must be less than t1 %g", o.transient, o.t1);
    o.max_crossings = a->max_crossings;
    nd_poincare r;
    if (nd_poincare_compute(m, p, &o, &r, &err)) return cli_error(cmd, &err);
    if (r.n == 0) {
        if (extremum)
            fprintf(stderr, "neurodyn %s: no %s of %s between t = %g and %g (the orbit settles at an equilibrium?)\n",
                    cmd, extremum_word(dir), m->var_names[sv], o.transient, o.t1);
        else
            fprintf(stderr, "neurodyn %s: no crossing of %s = %g (%s) between t = %g and %g: the orbit does not reach "
                    "the section (an equilibrium on one side of it?)\n", cmd, m->var_names[sv], level,
                    dir_word(a->dir), o.transient, o.t1);
        rc = EXIT_FAILED;
    }
    if (!rc && a->out) rc = write_tsv(m, &r, a->out, extremum);
    if (!rc && a->plot && nd_plot_poincare(m, p, &r, var, sv, level, a->plot, &err) != ND_PLOT_OK)
        rc = cli_error(cmd, &err);
    if (!rc) {
        if (a->json) rc = print_json(m, p, &r, sv, level, dir, var, extremum);
        else print_text(m, &r, sv, level, dir, var, extremum);
    }
    nd_poincare_free(&r);
    return rc;
}

int cmd_poincare(int argc, char **argv)
{
    pm_args a = {0};
    a.sets = calloc((size_t)argc, sizeof *a.sets);
    a.inits = calloc((size_t)argc, sizeof *a.inits);
    int rc = (a.sets && a.inits) ? parse(argc, argv, &a) : EXIT_FAILED;
    if (rc == 0) rc = cli_with_model("poincare", a.model, run, &a);
    free(a.sets), free(a.inits);
    return rc < 0 ? EXIT_OK : rc;
}
