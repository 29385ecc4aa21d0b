/* neurodyn prc MODEL [--set P=V]... [--init V=X]... [--var V] [--method adjoint|direct|both]
 * [--phases N] [--direct-phases N] [--eps E] [--ntst N] [--ncol N] [--transient T] [--t-max T]
 * [--json] [--out F.tsv] [--plot F.png] [--timeout S] */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *HELP =
    "usage: neurodyn prc MODEL [options]\n"
    "\n"
    "The infinitesimal phase response curve of the stable limit cycle the model settles on:\n"
    "Z(theta), the shift of the phase IN TIME per unit kick of each variable (advance\n"
    "positive; Z . f = 1), by the adjoint method on the collocation mesh of the cycle and/or\n"
    "by direct kicks. theta in [0, 1) counts from the upward crossing of the middle of the\n"
    "reference variable's range (the first variable).\n"
    "\n"
    "  --set NAME=VALUE     set a parameter; repeatable\n"
    "  --init NAME=VALUE    initial state of the simulation that finds the cycle; repeatable\n"
    "  --var NAME           the variable whose PRC is reported and kicked (default: every one)\n"
    "  --method M           adjoint (default), direct, or both\n"
    "  --phases N           phases of the adjoint PRC (default 200)\n"
    "  --direct-phases N    phases of the direct PRC (default 40)\n"
    "  --eps E              direct kick, a fraction of the variable's range (default 1e-4)\n"
    "  --ntst N             collocation mesh intervals (default 160)\n"
    "  --ncol N             collocation points per interval, 2..7 (default 6)\n"
    "  --transient T        simulation time before the cycle is sought (default 10 t_sim)\n"
    "  --t-max T            end of that simulation (default transient + 30 t_sim)\n"
    "  --out FILE           the PRC as TSV: method, theta, t, the cycle, Z_<variable>\n"
    "  --plot FILE          figure (PNG, SVG or PDF): the cycle and the PRC over the phase\n"
    "  --json               print one JSON document on stdout\n"
    CLI_TIMEOUT_HELP;

typedef struct prc_args {
    const char *model, *var, *out, *plot;
    const char **sets, **inits;
    int n_sets, n_inits, json, method;
    unsigned long phases, direct_phases, ntst, ncol;
    double eps, transient, t_max;
} prc_args;

enum { O_SET = 1000, O_INIT, O_VAR, O_METHOD, O_PHASES, O_DPHASES, O_EPS, O_NTST, O_NCOL, O_TRANS, O_TMAX, O_OUT,
       O_PLOT, O_JSON, O_HELP };


static int parse(int argc, char **argv, prc_args *a)
{
    static const struct option opts[] = {
        {"set", required_argument, 0, O_SET},       {"init", required_argument, 0, O_INIT},
        {"var", required_argument, 0, O_VAR},       {"method", required_argument, 0, O_METHOD},
        {"phases", required_argument, 0, O_PHASES}, {"direct-phases", required_argument, 0, O_DPHASES},
        {"eps", required_argument, 0, O_EPS},       {"ntst", required_argument, 0, O_NTST},
        {"ncol", required_argument, 0, O_NCOL},     {"transient", required_argument, 0, O_TRANS},
        {"t-max", required_argument, 0, O_TMAX},    {"out", required_argument, 0, O_OUT},
        {"plot", required_argument, 0, O_PLOT},     {"json", no_argument, 0, O_JSON},
        CLI_TIMEOUT_OPTION,                         {"help", no_argument, 0, O_HELP},
        {0, 0, 0, 0}};
    const char *cmd = "prc";
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case O_SET: a->sets[a->n_sets++] = optarg; break;
        case O_INIT: a->inits[a->n_inits++] = optarg; break;
        case O_VAR: a->var = optarg; break;
        case O_METHOD:
            if (strcmp(optarg, "adjoint") == 0) a->method = ND_PRC_ADJOINT;
            else if (strcmp(optarg, "direct") == 0) a->method = ND_PRC_DIRECT;
            else if (strcmp(optarg, "both") == 0) a->method = ND_PRC_BOTH;
            else return cli_usage_error(cmd, "--method '%s': use adjoint, direct or both", optarg);
            break;
        case O_PHASES:
            if (cli_count(cmd, "phases", optarg, 2, 1000000, &a->phases)) return EXIT_USAGE;
            break;
        case O_DPHASES:
            if (cli_count(cmd, "direct-phases", optarg, 1, 100000, &a->direct_phases)) return EXIT_USAGE;
            break;
        case O_NTST:
            if (cli_count(cmd, "ntst", optarg, 2, 10000, &a->ntst)) return EXIT_USAGE;
            break;
        case O_NCOL:
            if (cli_count(cmd, "ncol", optarg, 2, 7, &a->ncol)) return EXIT_USAGE;
            break;
        case O_EPS:
            if (cli_number(cmd, "eps", optarg, &a->eps)) return EXIT_USAGE;
            if (!(a->eps > 0 && a->eps <= 0.1)) return cli_usage_error(cmd, "--eps %s must be in (0, 0.1]", optarg);
            break;
        case O_TRANS:
            if (cli_number(cmd, "transient", optarg, &a->transient)) return EXIT_USAGE;
            if (a->transient < 0) return cli_usage_error(cmd, "--transient %s must be >= 0", optarg);
            break;
        case O_TMAX:
            if (cli_number(cmd, "t-max", optarg, &a->t_max)) return EXIT_USAGE;
            if (!(a->t_max > 0)) return cli_usage_error(cmd, "--t-max %s must be > 0", optarg);
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
    if (a->t_max > 0 && a->t_max <= a->transient)
        return cli_usage_error(cmd, "--t-max %g must be greater than --transient %g", a->t_max, a->transient);
    int rc = cli_model_arg(cmd, argc, argv, &a->model);
    if (rc) return rc;
    if (a->out && cli_check_out_file(cmd, a->out)) return EXIT_USAGE;
    if (cli_check_plot_file_here(cmd, a->plot)) return EXIT_USAGE;
    const char *outputs[] = {a->out, a->plot};
    if (cli_check_distinct_outputs(cmd, outputs, 2)) return EXIT_USAGE;
    return cli_check_figure_data(cmd, a->out, a->plot, (const char *const[]){".tsv", "_direct.tsv"}, 2) ? EXIT_USAGE : 0;
}

static int shown(int var, size_t v) { return var < 0 || (size_t)var == v; }

/* One row per phase: method, theta, t, the cycle's variables, Z of the shown variables. */
static void write_rows(FILE *f, const nd_model *m, const char *method, size_t np, const double *theta,
                       const double *x, const double *z, double T, int var)
{
    size_t n = m->n_vars;
    for (size_t i = 0; i < np; i++) {
        fprintf(f, "%s\t", method);
        nd_tsv_real(f, theta[i]);
        nd_tsv_cell(f, theta[i] * T);
        for (size_t v = 0; v < n; v++) nd_tsv_cell(f, x[i * n + v]);
        for (size_t v = 0; v < n; v++)
            if (shown(var, v)) nd_tsv_cell(f, z[i * n + v]);
        fputc('\n', f);
    }
}

static int write_tsv(const nd_model *m, const nd_prc *r, int var, const char *path)
{
    cli_out_file o;
    int rc = cli_out_open("prc", &o, path);
    if (rc) return rc;
    fprintf(o.f, "method\ttheta\tt");
    for (size_t v = 0; v < m->n_vars; v++) fprintf(o.f, "\t%s", m->var_names[v]);
    for (size_t v = 0; v < m->n_vars; v++)
        if (shown(var, v)) fprintf(o.f, "\tZ_%s", m->var_names[v]);
    fputc('\n', o.f);
    if (r->n) write_rows(o.f, m, "adjoint", r->n, r->theta, r->x, r->z, r->period, var);
    if (r->n_direct) write_rows(o.f, m, "direct", r->n_direct, r->theta_direct, r->x_direct, r->z_direct, r->period, var);
    return cli_out_close("prc", &o, 1, NULL);
}

static json_t *json_column(size_t np, const double *a, size_t stride, size_t off)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < np; i++) json_array_append_new(arr, cli_json_real(a[i * stride + off]));
    return arr;
}

static json_t *json_part(const nd_model *m, size_t np, const double *theta, const double *x, const double *z, int var)
{
    size_t n = m->n_vars;
    json_t *o = json_object(), *cyc = json_object(), *prc = json_object();
    json_object_set_new(o, "theta", json_column(np, theta, 1, 0));
    for (size_t v = 0; v < n; v++) {
        json_object_set_new(cyc, m->var_names[v], json_column(np, x, n, v));
        if (shown(var, v)) json_object_set_new(prc, m->var_names[v], json_column(np, z, n, v));
    }
    json_object_set_new(o, "cycle", cyc);
    json_object_set_new(o, "prc", prc);
    return o;
}

/* The largest |adjoint - direct| over the direct phases and shown variables, against max |Z|. */
static void compare(const nd_prc *r, int var, double *diff, double *zmax)
{
    size_t n = r->n_vars;
    *diff = 0.0, *zmax = 0.0;
    double *za = malloc(n * sizeof *za);
    if (!za) return;
    for (size_t i = 0; i < r->n_direct; i++) {
        /* the adjoint output grid holds every direct phase when n_phases is a multiple */
        double pos = r->theta_direct[i] * (double)r->n;
        size_t k = (size_t)floor(pos), k1 = (k + 1) % r->n;
        double w = pos - (double)k;
        k %= r->n;
        for (size_t v = 0; v < n; v++) {
            if (!shown(var, v)) continue;
            za[v] = (1 - w) * r->z[k * n + v] + w * r->z[k1 * n + v];
            *diff = fmax(*diff, fabs(za[v] - r->z_direct[i * n + v]));
        }
    }
    for (size_t i = 0; i < r->n * n; i++)
        if (shown(var, i % n)) *zmax = fmax(*zmax, fabs(r->z[i]));
    free(za);
}

static int print_json(const nd_model *m, const double *p, const nd_prc *r, int var, const nd_prc_opts *o)
{
    json_t *doc = json_object(), *pars = json_object(), *vars = json_array();
    json_object_set_new(doc, "model", json_string(m->name));
    for (size_t k = 0; k < m->n_pars; k++) json_object_set_new(pars, m->par_names[k], cli_json_real(p[k]));
    json_object_set_new(doc, "parameters", pars);
    for (size_t v = 0; v < m->n_vars; v++) json_array_append_new(vars, json_string(m->var_names[v]));
    json_object_set_new(doc, "variables", vars);
    json_object_set_new(doc, "reference", json_string(m->var_names[o->ref_var]));
    json_object_set_new(doc, "units", json_string("time per unit of the variable (Z . f = 1; advance positive)"));
    json_object_set_new(doc, "period", cli_json_real(r->period));
    json_object_set_new(doc, "floquet_max", cli_json_real(r->mu_max));
    json_object_set_new(doc, "trivial_multiplier_deviation", cli_json_real(r->trivial_dev));
    if (r->n) {
        json_t *a = json_part(m, r->n, r->theta, r->x, r->z, var);
        json_object_set_new(a, "normalisation_deviation", cli_json_real(r->norm_dev));
        json_object_set_new(doc, "adjoint", a);
    }
    if (r->n_direct) {
        json_t *d = json_part(m, r->n_direct, r->theta_direct, r->x_direct, r->z_direct, var);
        json_object_set_new(d, "eps", cli_json_real(o->eps));
        json_object_set_new(d, "periods", json_integer((json_int_t)r->periods));
        json_object_set_new(doc, "direct", d);
    }
    if (r->n && r->n_direct) {
        double diff, zmax;
        compare(r, var, &diff, &zmax);
        json_object_set_new(doc, "max_difference", cli_json_real(diff));
    }
    return cli_json_print(doc);
}

static void print_text(const nd_model *m, const nd_prc *r, int var)
{
    printf("PRC of %s: period %.10g%s%s, largest non-trivial Floquet multiplier %.3g\n", m->name, r->period,
           m->time_unit ? " " : "", m->time_unit ? m->time_unit : "", r->mu_max);
    size_t n = m->n_vars;
    for (size_t v = 0; v < n; v++) {
        if (!shown(var, v)) continue;
        const double *z = r->n ? r->z : r->z_direct, *th = r->n ? r->theta : r->theta_direct;
        size_t np = r->n ? r->n : r->n_direct, imax = 0, imin = 0;
        for (size_t i = 1; i < np; i++) {
            if (z[i * n + v] > z[imax * n + v]) imax = i;
            if (z[i * n + v] < z[imin * n + v]) imin = i;
        }
        printf("  Z_%-10s max %-12.6g at theta %.3f   min %-12.6g at theta %.3f\n", m->var_names[v], z[imax * n + v],
               th[imax], z[imin * n + v], th[imin]);
    }
    if (r->n) printf("  adjoint: %zu phases, |Z.f - 1| <= %.2g\n", r->n, r->norm_dev);
    if (r->n_direct) printf("  direct: %zu phases, %zu periods after each kick\n", r->n_direct, r->periods);
    if (r->n && r->n_direct) {
        double diff, zmax;
        compare(r, var, &diff, &zmax);
        printf("  largest |adjoint - direct| %.3g (max |Z| %.3g)\n", diff, zmax);
    }
}

static int var_index(const nd_model *m, const char *name)
{
    for (size_t v = 0; v < m->n_vars; v++)
        if (strcmp(m->var_names[v], name) == 0) return (int)v;
    return -1;
}

static int run(const void *args, const nd_model *m, double *p, double *x)
{
    const prc_args *a = args;
    const char *cmd = "prc";
    nd_error err;
    for (int i = 0; i < a->n_sets; i++)
        if (nd_model_set_par(m, p, a->sets[i], &err)) return cli_error(cmd, &err);
    for (int i = 0; i < a->n_inits; i++)
        if (nd_model_set_var(m, x, a->inits[i], &err)) return cli_error(cmd, &err);
    int var = -1;
    if (a->var && (var = var_index(m, a->var)) < 0) return cli_usage_error(cmd, "--var '%s' is no variable of %s", a->var, m->name);
    nd_prc_opts o;
    nd_prc_opts_init(&o);
    if (a->method) o.method = a->method;
    if (a->phases) o.n_phases = a->phases;
    if (a->direct_phases) o.n_direct = a->direct_phases;
    if (a->ntst) o.ntst = a->ntst;
    if (a->ncol) o.ncol = a->ncol;
    if (a->eps > 0) o.eps = a->eps;
    o.transient = a->transient, o.t_max = a->t_max;
    o.var = var;
    o.x0 = x;
    nd_prc r;
    if (nd_prc_compute(m, p, &o, &r, &err)) return cli_error(cmd, &err);
    int rc = EXIT_OK;
    if (a->out) rc = write_tsv(m, &r, var, a->out);
    if (!rc && a->plot && nd_plot_prc(m, p, &r, var, o.ref_var, a->plot, &err) != ND_PLOT_OK) rc = cli_error(cmd, &err);
    if (!rc) {
        if (a->json) rc = print_json(m, p, &r, var, &o);
        else print_text(m, &r, var);
    }
    nd_prc_free(&r);
    return rc;
}

int cmd_prc(int argc, char **argv)
{
    prc_args a = {0};
    a.sets = calloc((size_t)argc, sizeof *a.sets);
    a.inits = calloc((size_t)argc, sizeof *a.inits);
    int rc = (a.sets && a.inits) ? parse(argc, argv, &a) : EXIT_FAILED;
    if (rc == 0) rc = cli_with_model("prc", a.model, run, &a);
    free(a.sets), free(a.inits);
    return rc < 0 ? EXIT_OK : rc;
}
