/* neurodyn fixed-points MODEL [--range V=LO:HI]... [--set NAME=VALUE]... [--fix NAME=VALUE]...
 * [--seeds N] [--seed S] [--json] */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *HELP =
    "usage: neurodyn fixed-points MODEL [options]\n"
    "\n"
    "Finds every equilibrium in a box (multi-start Newton, NLopt fallback), with its\n"
    "eigenvalues and stability type.\n"
    "\n"
    "  --range NAME=LO:HI  box of a variable (default: the model's box); repeatable\n"
    "  --set NAME=VALUE    set a parameter; repeatable\n"
    "  --fix NAME=VALUE    hold a variable at VALUE and analyse the slice; repeatable\n"
    "  --seeds N           number of starting points (default 64 * 2^free variables)\n"
    "  --seed S            shifts the quasi-random starting points\n"
    "  --plot FILE         draw the fixed points in the plane of the first two free variables\n"
    "                      (PNG, SVG or PDF; the data go to FILE's name with .tsv)\n"
    "  --json              print one JSON document on stdout\n"
    CLI_TIMEOUT_HELP;

typedef struct fp_args {
    const char *model, *plot;
    const char **ranges, **sets, **fixes;
    int n_ranges, n_sets, n_fixes, json;
    unsigned long long seeds, seed;
} fp_args;

enum { O_RANGE = 1000, O_SET, O_FIX, O_SEEDS, O_SEED, O_JSON, O_PLOT, O_HELP };

/* Most starting points: a bigger count is a typo, not a search that ends (each one is a Newton
 * solve). */
#define FP_MAX_SEEDS 10000000ULL

/* A non-negative integer; one past 2^64 - 1 is refused, not clamped (strtoull's ERANGE). */
static int parse_count(const char *text, unsigned long long *out)
{
    char *end;
    if (!text || *text == '-' || !*text) return -1;
    errno = 0;
    *out = strtoull(text, &end, 10);
    return *end || errno ? -1 : 0;
}

static int parse(int argc, char **argv, fp_args *a)
{
    static const struct option opts[] = {
        {"range", required_argument, 0, O_RANGE}, {"set", required_argument, 0, O_SET},
        {"fix", required_argument, 0, O_FIX},     {"seeds", required_argument, 0, O_SEEDS},
        {"seed", required_argument, 0, O_SEED},   {"json", no_argument, 0, O_JSON},
        {"plot", required_argument, 0, O_PLOT},
        CLI_TIMEOUT_OPTION, {"help", no_argument, 0, O_HELP},         {0, 0, 0, 0}};
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case O_RANGE: a->ranges[a->n_ranges++] = optarg; break;
        case O_SET: a->sets[a->n_sets++] = optarg; break;
        case O_FIX: a->fixes[a->n_fixes++] = optarg; break;
        case O_SEEDS:
            if (parse_count(optarg, &a->seeds) || a->seeds == 0 || a->seeds > FP_MAX_SEEDS)
                return cli_usage_error("fixed-points", "--seeds '%s' must be an integer in 1..%llu", optarg, FP_MAX_SEEDS);
            break;
        case O_SEED:
            if (parse_count(optarg, &a->seed))
                return cli_usage_error("fixed-points", "--seed '%s' is not a non-negative integer", optarg);
            break;
        case O_JSON: a->json = 1; break;
        case O_PLOT: a->plot = optarg; break;
        case CLI_O_TIMEOUT:
            if (cli_timeout_option("fixed-points", optarg)) return EXIT_USAGE;
            break;
        case 'h':
        case O_HELP: fputs(HELP, stdout); return -1;
        default: return cli_usage_error("fixed-points", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    for (; optind < argc; optind++) {
        if (a->model) return cli_usage_error("fixed-points", "unexpected argument '%s'", argv[optind]);
        a->model = argv[optind];
    }
    if (!a->model) return cli_usage_error("fixed-points", "no MODEL given");
    return cli_check_plot_file_here("fixed-points", a->plot);
}

static void print_text(const nd_model *m, const nd_fp_result *r)
{
    printf("%zu fixed point%s of %s (%zu seeds tried, %zu converged, %zu with a non-finite RHS%s)\n", r->n,
           r->n == 1 ? "" : "s", m->name, r->seeds_tried, r->seeds_converged, r->seeds_nonfinite,
           r->fallback_used ? ", global search used" : "");
    for (size_t i = 0; i < r->n; i++) {
        const nd_fixed_point *fp = &r->points[i];
        printf("  ");
        for (size_t v = 0; v < m->n_vars; v++) printf("%s=%-14.10g ", m->var_names[v], fp->x[v]);
        printf("%-18s eigenvalues:", fp->type);
        for (size_t k = 0; k < r->n_free; k++) {
            if (fp->eig_im[k] == 0) printf(" %.6g", fp->eig_re[k]);
            else printf(" %.6g%+.6gi", fp->eig_re[k], fp->eig_im[k]);
        }
        printf("\n");
    }
}

/* {"model", "parameters", "fixed_points": [{"state", "stability", "stable", "residual",
 * "eigenvalues": [{"re", "im"}]}], "seeds": {...}} */
static int print_json(const nd_model *m, const double *p, const nd_fp_result *r)
{
    json_t *doc = json_object(), *pars = json_object(), *points = json_array();
    json_object_set_new(doc, "model", json_string(m->name));
    for (size_t k = 0; k < m->n_pars; k++) json_object_set_new(pars, m->par_names[k], cli_json_real(p[k]));
    json_object_set_new(doc, "parameters", pars);
    for (size_t i = 0; i < r->n; i++) {
        const nd_fixed_point *fp = &r->points[i];
        json_t *o = json_object(), *state = json_object(), *eig = json_array();
        for (size_t v = 0; v < m->n_vars; v++) json_object_set_new(state, m->var_names[v], cli_json_real(fp->x[v]));
        json_object_set_new(o, "state", state);
        json_object_set_new(o, "stability", json_string(fp->type));
        json_object_set_new(o, "stable", json_boolean(fp->stable));
        json_object_set_new(o, "residual", cli_json_real(fp->residual));
        for (size_t k = 0; k < r->n_free; k++)
            json_array_append_new(eig, json_pack("{s:o, s:o}", "re", cli_json_real(fp->eig_re[k]), "im",
                                                 cli_json_real(fp->eig_im[k])));
        json_object_set_new(o, "eigenvalues", eig);
        json_array_append_new(points, o);
    }
    json_object_set_new(doc, "fixed_points", points);
    json_object_set_new(doc, "seeds", json_pack("{s:I, s:I, s:I, s:b}", "tried", (json_int_t)r->seeds_tried, "converged",
                                                (json_int_t)r->seeds_converged, "nonfinite",
                                                (json_int_t)r->seeds_nonfinite, "global_search", r->fallback_used));
    return cli_json_print(doc);
}

/* The figure in the plane of the first two free variables. */
static int plot(const nd_model *m, const double *p, const nd_fp_result *res, const int *fixed, const double *lo,
                const double *hi, const char *file)
{
    int ix = -1, iy = -1;
    for (size_t v = 0; v < m->n_vars && iy < 0; v++)
        if (!fixed[v]) *(ix < 0 ? &ix : &iy) = (int)v;
    if (iy < 0) return cli_usage_error("fixed-points", "--plot needs two free variables");
    nd_error err;
    return nd_plot_fixed_points(m, p, res, ix, iy, lo, hi, file, &err) == ND_PLOT_FAILED ? cli_error("fixed-points", &err) : EXIT_OK;
}

static int run(const void *args, const nd_model *m, double *p, double *x)
{
    const fp_args *a = args;
    const char *cmd = "fixed-points";
    nd_error err;
    size_t n = m->n_vars;
    double *lo = calloc(n, sizeof *lo), *hi = calloc(n, sizeof *hi);
    int *fixed = calloc(n, sizeof *fixed);
    int rc = (lo && hi && fixed) ? EXIT_OK : EXIT_FAILED;
    cli_lists lists = {a->sets, a->fixes, a->ranges, a->n_sets, a->n_fixes, a->n_ranges};
    if (!rc) rc = cli_region(cmd, m, p, x, &lists, lo, hi, fixed);
    if (!rc) {
        nd_region region = {lo, hi, fixed, x};
        nd_fp_opts o;
        nd_fp_opts_init(&o);
        o.n_seeds = (size_t)a->seeds, o.seed = a->seed;
        nd_fp_result res;
        if (nd_fixed_points(m, p, &region, &o, &res, &err)) {
            rc = cli_error(cmd, &err);
        } else {
            if (res.n == 0) {
                fprintf(stderr, "neurodyn fixed-points: no equilibrium of %s in the box", m->name);
                for (size_t v = 0; v < n; v++)
                    if (!fixed[v]) fprintf(stderr, " %s=%g:%g", m->var_names[v], lo[v], hi[v]);
                fprintf(stderr, " (%zu seeds tried%s)\n", res.seeds_tried, res.fallback_used ? ", then a global search" : "");
            }
            if (a->plot) rc = plot(m, p, &res, fixed, lo, hi, a->plot);
            if (!rc && a->json) rc = print_json(m, p, &res);
            else if (!rc) print_text(m, &res);
            nd_fp_result_free(&res);
        }
    }
    free(lo), free(hi), free(fixed);
    return rc;
}

int cmd_fixed_points(int argc, char **argv)
{
    fp_args a = {0};
    a.ranges = calloc((size_t)argc, sizeof *a.ranges);
    a.sets = calloc((size_t)argc, sizeof *a.sets);
    a.fixes = calloc((size_t)argc, sizeof *a.fixes);
    int rc = (a.ranges && a.sets && a.fixes) ? parse(argc, argv, &a) : EXIT_FAILED;
    if (rc == 0) {
        rc = cli_with_model("fixed-points", a.model, run, &a);
    }
    free(a.ranges), free(a.sets), free(a.fixes);
    return rc < 0 ? EXIT_OK : rc;
}
