/* neurodyn simulate MODEL --t1 T [...]: integrate and write TSV (t, then the variables). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "neurodyn/progress.h"
#include "neurodyn/plot.h"

static const char *HELP =
    "usage: neurodyn simulate MODEL --t1 T [options]\n"
    "\n"
    "Integrates MODEL from t0 to T and writes the trajectory as TSV (header: t and the\n"
    "variable names) to --out FILE, or to stdout.\n"
    "\n"
    "  --t1 T             end time (required)\n"
    "  --t0 T             start time (default 0)\n"
    "  --method NAME      integration method (default rkdp; see docs/integrators.md)\n"
    "  --dt H             step of fixed-step methods; initial step of adaptive ones\n"
    "  --rtol R, --atol A tolerances of adaptive methods (default 1e-6, 1e-9)\n"
    "  --set NAME=VALUE   set a parameter (repeatable)\n"
    "  --init NAME=VALUE  set an initial value (repeatable)\n"
    "  --sample DT_OUT    write a sample every DT_OUT (default: every step)\n"
    "  --out FILE         write the TSV there instead of stdout\n"
    "  --plot FILE        also plot the time series (PNG, SVG or PDF by extension)\n"
    "  --plot3d FILE      also plot the trajectory in the space of the first three variables\n"
    "  --no-spike-rule    ignore the model's threshold/reset rule\n"
    "  --seed N           noise seed of stochastic runs (default 0): same seed, same path\n"
    "  --noise SIGMA      add additive noise SIGMA dW to every variable (deterministic models);\n"
    "                     stochastic runs use the SDE methods (default euler; docs/sde.md)\n"
    "  --json             print a JSON summary on stdout (the TSV then needs --out)\n"
    "  --quiet            no progress line (shown only with --out, on a terminal, on stderr)\n"
    CLI_TIMEOUT_HELP;

typedef struct sim_args {
    const char *model, *method, *out, *plot, *plot3d;
    double t0, t1, dt, rtol, atol, sample, noise;
    unsigned long long seed;
    int have_t1, have_dt, have_rtol, have_atol, json, no_spike, quiet;
    const char **sets, **inits;
    int n_sets, n_inits;
} sim_args;

enum { O_T0 = 1000, O_T1, O_DT, O_METHOD, O_RTOL, O_ATOL, O_SET, O_INIT, O_SAMPLE, O_OUT, O_PLOT3D,
       O_PLOT, O_JSON, O_NOSPIKE, O_HELP, O_SEED, O_NOISE, O_QUIET };

/* The values, before the model is loaded or --out touched. */
static int check_values(const sim_args *a)
{
    if (!(a->t1 >= a->t0)) return cli_usage_error("simulate", "--t1 %g is before t0 = %g", a->t1, a->t0);
    if (!isfinite(a->t1 - a->t0)) return cli_usage_error("simulate", "--t1 - --t0 overflows (%g - %g)", a->t1, a->t0);
    /* as the integrators take them: atol 0 asks for a relative error only */
    if (a->have_rtol && !(a->rtol > 0 && a->rtol < 1)) return cli_usage_error("simulate", "--rtol %g must be in (0, 1)", a->rtol);
    if (a->have_atol && !(a->atol >= 0)) return cli_usage_error("simulate", "--atol %g must be >= 0", a->atol);
    if (a->have_dt && !(a->dt >= 0)) return cli_usage_error("simulate", "--dt %g must be >= 0", a->dt);
    if (!(a->sample >= 0)) return cli_usage_error("simulate", "--sample %g must be >= 0", a->sample);
    if (a->sample > 0 && cli_check_work("simulate", "samples", a->t1 - a->t0, a->sample, 1, CLI_MAX_STEPS))
        return EXIT_USAGE;
    if (a->out && cli_check_out_file("simulate", a->out)) return EXIT_USAGE;
    if (a->plot && !a->out) return cli_usage_error("simulate", "--plot needs --out (the data file it reads)");
    if (cli_check_plot_file_here("simulate", a->plot)) return EXIT_USAGE;
    if (a->plot3d && !a->out) return cli_usage_error("simulate", "--plot3d needs --out (the data file it reads)");
    if (cli_check_plot_file_here("simulate", a->plot3d)) return EXIT_USAGE;
    const char *outputs[] = {a->out, a->plot, a->plot3d};
    if (cli_check_distinct_outputs("simulate", outputs, 3)) return EXIT_USAGE;
    return 0;
}

static int parse(int argc, char **argv, sim_args *a)
{
    static const struct option opts[] = {
        {"t0", required_argument, 0, O_T0},       {"t1", required_argument, 0, O_T1},
        {"dt", required_argument, 0, O_DT},       {"method", required_argument, 0, O_METHOD},
        {"rtol", required_argument, 0, O_RTOL},   {"atol", required_argument, 0, O_ATOL},
        {"set", required_argument, 0, O_SET},     {"init", required_argument, 0, O_INIT},
        {"sample", required_argument, 0, O_SAMPLE}, {"out", required_argument, 0, O_OUT},
        {"plot", required_argument, 0, O_PLOT},   {"plot3d", required_argument, 0, O_PLOT3D},   {"json", no_argument, 0, O_JSON},
        {"quiet", no_argument, 0, O_QUIET},
        {"no-spike-rule", no_argument, 0, O_NOSPIKE}, CLI_TIMEOUT_OPTION, {"help", no_argument, 0, O_HELP},
        {"seed", required_argument, 0, O_SEED},   {"noise", required_argument, 0, O_NOISE},
        {0, 0, 0, 0}};
    opterr = 0;
    optind = 1;
    int c, rc = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case O_T0: rc = cli_number("simulate", "t0", optarg, &a->t0); break;
        case O_T1: rc = cli_number("simulate", "t1", optarg, &a->t1), a->have_t1 = 1; break;
        case O_DT: rc = cli_number("simulate", "dt", optarg, &a->dt), a->have_dt = 1; break;
        case O_RTOL: rc = cli_number("simulate", "rtol", optarg, &a->rtol), a->have_rtol = 1; break;
        case O_ATOL: rc = cli_number("simulate", "atol", optarg, &a->atol), a->have_atol = 1; break;
        case O_SAMPLE: rc = cli_number("simulate", "sample", optarg, &a->sample); break;
        case O_METHOD: a->method = optarg; break;
        case O_NOISE: rc = cli_number("simulate", "noise", optarg, &a->noise); break;
        case O_SEED: {
            char *end;
            errno = 0;
            a->seed = strtoull(optarg, &end, 10);
            if (*optarg == '-' || *end || end == optarg || errno)
                rc = cli_usage_error("simulate", "--seed '%s' is not a non-negative integer", optarg);
            break;
        }
        case O_SET: a->sets[a->n_sets++] = optarg; break;
        case O_INIT: a->inits[a->n_inits++] = optarg; break;
        case O_OUT: a->out = optarg; break;
        case O_PLOT: a->plot = optarg; break;
        case O_PLOT3D: a->plot3d = optarg; break;
        case O_JSON: a->json = 1; break;
        case O_QUIET: a->quiet = 1; break;
        case O_NOSPIKE: a->no_spike = 1; break;
        case CLI_O_TIMEOUT: rc = cli_timeout_option("simulate", optarg); break;
        case 'h':
        case O_HELP: fputs(HELP, stdout); return -1;
        default:
            return cli_usage_error("simulate", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
        if (rc) return rc;
    }
    if (cli_model_arg("simulate", argc, argv, &a->model)) return EXIT_USAGE;
    if (!a->have_t1) return cli_usage_error("simulate", "--t1 is required");
    return check_values(a);
}

typedef struct writer {
    FILE *f;
    const nd_model *m;
    int header_done;
    nd_progress *bar;     /* on a terminal, writing to --out: the simulated time done */
    double t_reported;
    unsigned rows;
    const double *p;      /* for the model's aux outputs, written after the variables */
    double *aux;
} writer;

/* The header goes out with the first row, so a run refused by its arguments writes nothing. */
static int write_row(double t, const double *x, void *ctx)
{
    writer *w = ctx;
    size_t n = w->m->n_vars;
    if (!w->header_done) {
        fprintf(w->f, "t");
        for (size_t i = 0; i < n; i++) fprintf(w->f, "\t%s", w->m->var_names[i]);
        for (size_t k = 0; w->aux && k < w->m->n_aux; k++) fprintf(w->f, "\t%s", w->m->aux_names[k]);
        fputc('\n', w->f);
        w->header_done = 1;
    }
    nd_tsv_real(w->f, t);
    for (size_t i = 0; i < n; i++) nd_tsv_cell(w->f, x[i]);
    if (w->aux) w->m->aux(t, x, w->p, w->aux);
    for (size_t k = 0; w->aux && k < w->m->n_aux; k++) nd_tsv_cell(w->f, w->aux[k]);
    fputc('\n', w->f);
    if (w->bar && (++w->rows & 1023) == 0) /* every 1024 rows: the progress line costs nothing per step */
        nd_progress_add(w->bar, t - w->t_reported), w->t_reported = t;
    return ferror(w->f) ? 1 : 0;
}

static int print_json(const sim_args *a, const nd_model *m, const char *method, const nd_solve_stats *st,
                      const double *x)
{
    json_t *doc = json_object(), *final = json_object();
    json_object_set_new(doc, "model", json_string(m->name));
    json_object_set_new(doc, "method", json_string(method));
    json_object_set_new(doc, "t0", cli_json_real(a->t0));
    json_object_set_new(doc, "t1", cli_json_real(st->t));
    json_object_set_new(doc, "steps", json_integer(st->steps));
    json_object_set_new(doc, "rejected", json_integer(st->rejected));
    json_object_set_new(doc, "rhs_evals", json_integer(st->rhs_evals));
    json_object_set_new(doc, "events", json_integer(st->events));
    json_object_set_new(doc, "spikes", json_integer(st->spikes));
    for (size_t i = 0; i < m->n_vars; i++) json_object_set_new(final, m->var_names[i], cli_json_real(x[i]));
    json_object_set_new(doc, "final", final);
    if (m->noise != ND_NOISE_NONE || a->noise != 0.0) { /* seeds past 2^63 - 1 as text: no JSON integer type holds them */
        char text[32];
        snprintf(text, sizeof text, "%llu", a->seed);
        json_object_set_new(doc, "seed", a->seed <= LLONG_MAX ? json_integer((json_int_t)a->seed) : json_string(text));
    }
    if (a->out) json_object_set_new(doc, "out", json_string(a->out));
    return cli_json_print(doc);
}

/* The method's name, and the checks that need the model or the method: a fixed-step run's
 * steps against CLI_MAX_STEPS (which becomes its step budget), --plot3d's three variables. */
static int check_run(const sim_args *a, const nd_model *m, nd_solve_opts *o, const char **method_name)
{
    nd_error err;
    int fixed = 1;
    if (m->noise != ND_NOISE_NONE || a->noise != 0.0) {
        const nd_sde_method *sm = nd_sde_method_find(o->method ? o->method : "euler", &err);
        if (!sm) return cli_error("simulate", &err);
        if (!a->have_dt) return cli_usage_error("simulate", "stochastic runs are fixed-step: give --dt");
        *method_name = sm->name;
    } else {
        const nd_method *meth = nd_method_find(o->method ? o->method : "rkdp", &err);
        if (!meth) return cli_error("simulate", &err);
        fixed = !meth->adaptive && meth->kind != ND_METHOD_GSL;
        if (fixed && !a->have_dt) return cli_usage_error("simulate", "method %s is fixed-step: give --dt", meth->name);
        *method_name = meth->name;
    }
    if (fixed && !(a->dt > 0)) return cli_usage_error("simulate", "--dt: dt = %g must be > 0 for method %s", a->dt, *method_name);
    if (fixed && cli_check_work("simulate", "steps", a->t1 - a->t0, a->dt, 1, CLI_MAX_STEPS)) return EXIT_USAGE;
    if (fixed) o->max_steps = (long)CLI_MAX_STEPS;
    if (a->plot3d && m->n_vars < 3)
        return cli_usage_error("simulate", "--plot3d needs three variables; %s has %zu", m->name, m->n_vars);
    return EXIT_OK;
}

static int plot(const sim_args *a, const nd_model *m, const double *p)
{
    nd_error err;
    char params[512];
    nd_series_plot spec = {a->out, m->name, nd_plot_changed_params(m, p, -1, -1, params, sizeof params),
                           m->time_unit, m->var_units, m->var_units ? m->n_vars : 0};
    const int cols[3] = {2, 3, 4};
    if (a->plot && nd_plot_timeseries(&spec, a->plot, &err) != ND_PLOT_OK) return cli_error("simulate", &err);
    if (a->plot3d && nd_plot_trajectory3d(&spec, cols, a->plot3d, &err) != ND_PLOT_OK) return cli_error("simulate", &err);
    return EXIT_OK;
}

static int run(const void *args, const nd_model *m, double *p, double *x)
{
    sim_args with_defaults = *(const sim_args *)args, *a = &with_defaults;
    if (!a->method && m->method) a->method = m->method; /* the model's own choice (an .ode file's @ meth, dt) */
    if (!a->have_dt && m->dt > 0 && !(a->method && m->method && strcmp(a->method, m->method))) a->dt = m->dt, a->have_dt = 1;
    nd_error err;
    for (int i = 0; i < a->n_sets; i++)
        if (nd_model_set_par(m, p, a->sets[i], &err)) return cli_error("simulate", &err);
    for (int i = 0; i < a->n_inits; i++)
        if (nd_model_set_var(m, x, a->inits[i], &err)) return cli_error("simulate", &err);
    nd_solve_opts o;
    nd_solve_opts_init(&o);
    if (a->method) o.method = a->method;
    o.dt = a->dt, o.dt_out = a->sample, o.no_spike_rule = a->no_spike;
    if (a->have_rtol) o.rtol = a->rtol;
    if (a->have_atol) o.atol = a->atol;
    o.seed = a->seed, o.noise = a->noise;
    const char *method_name = NULL;
    int rc = check_run(a, m, &o, &method_name);
    if (rc) return rc;
    writer w = {NULL, m, 0, NULL, a->t0, 0, p, NULL};
    if (m->n_aux && !(w.aux = calloc(m->n_aux, sizeof *w.aux))) return fprintf(stderr, "neurodyn simulate: out of memory\n"), EXIT_FAILED;
    cli_out_file out = {0};
    if (a->out) { /* a temporary file, renamed over --out once the run succeeded */
        if ((rc = cli_out_open("simulate", &out, a->out))) return free(w.aux), rc;
        w.f = out.f;
        const char *unit = m->time_unit && m->time_unit[0] ? m->time_unit : "time units";
        w.bar = a->quiet ? NULL : nd_progress_start("neurodyn simulate", unit, a->t1 - a->t0, stderr, 0);
    } else if (!a->json) {
        w.f = stdout;
    }
    if (w.f) {
        o.on_sample = write_row;
        o.ctx = &w;
    }
    nd_solve_stats st;
    nd_status s = nd_solve(m, p, a->t0, a->t1, x, &o, &st, &err);
    nd_progress_finish(w.bar);
    free(w.aux);
    if (w.f == stdout && ferror(stdout)) rc = EXIT_FAILED;
    if (a->out) rc = cli_out_close("simulate", &out, s == ND_OK, "writing the trajectory failed");
    if (s) return cli_error("simulate", &err);
    if (rc) {
        if (!a->out) fprintf(stderr, "neurodyn simulate: writing the trajectory failed\n");
        return rc;
    }
    if ((a->plot || a->plot3d) && (rc = plot(a, m, p))) return rc;
    return a->json ? print_json(a, m, method_name, &st, x) : EXIT_OK;
}

int cmd_simulate(int argc, char **argv)
{
    sim_args a = {0};
    a.sets = calloc((size_t)argc, sizeof *a.sets);
    a.inits = calloc((size_t)argc, sizeof *a.inits);
    int rc = (a.sets && a.inits) ? parse(argc, argv, &a) : EXIT_FAILED;
    if (rc == 0) {
        rc = cli_with_model("simulate", a.model, run, &a);
    }
    free(a.sets), free(a.inits);
    return rc < 0 ? EXIT_OK : rc;
}
