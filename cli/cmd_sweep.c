/* neurodyn sweep MODEL --par NAME=LO:HI:N [--par NAME=LO:HI:N]: attractors over a parameter
 * grid from one batched ensemble (gpu/): the orbit diagram (the local maxima of a variable after
 * the transient, against one parameter) or a two-parameter map of amplitude, period, event count
 * or Lyapunov exponent. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "neurodyn/ensemble.h"
#include "neurodyn/plot.h"
#include "neurodyn/progress.h"
#include "cluster.h"
#include "sweep.h"

static const char *HELP =
    "usage: neurodyn sweep MODEL --par NAME=LO:HI[:N] [--par NAME=LO:HI[:N]] [options]\n"
    "\n"
    "Integrates one trajectory per grid point (N points per parameter, default 100) as one\n"
    "batched ensemble and reports, after the transient, the max/min of every variable, the\n"
    "period (last interval between upward crossings of --var through --level), the number\n"
    "of crossings, and the local maxima of --var (the points of the orbit diagram). One --par\n"
    "gives the orbit diagram of --var, two a map.\n"
    "\n"
    "  --t1 T              end time (default 200)\n"
    "  --transient T       ignore t < T for max/min, crossings and extrema (default t1/2;\n"
    "                      below --t1)\n"
    "  --dt H              step (default 0.01; the initial step of adaptive methods)\n"
    "  --method NAME       integration method (default rk4; rkdp, rkf45... are adaptive)\n"
    "  --var V             variable of the diagram and of the section (default the first)\n"
    "  --level L           section level of --var (default the middle of the model's box, or 0)\n"
    "  --extrema K         local extrema of --var to record: max, min, both or none (default\n"
    "                      max with one --par, none with two)\n"
    "  --max-extrema N     keep the first N of each kind per point (default 100)\n"
    "  --extrema-out FILE  write them there, one row per extremum (default with --out\n"
    "                      FILE.tsv: FILE.extrema.tsv beside it; else not written)\n"
    "  --set NAME=VALUE    set a parameter (repeatable); --init NAME=VALUE an initial value\n"
    "  --device D          cpu, cuda or auto (default auto: cuda when a device exists)\n"
    "  --precision P       double (default) or single (rk4 only)\n"
    "  --lyapunov          also the largest Lyapunov exponent of each point (RK4 with the\n"
    "                      tangent system, renormalised every 10 steps; after the transient)\n"
    "  --map Q             what a two-parameter plot shows: amplitude (default), period,\n"
    "                      events, lyapunov\n"
    "  --out FILE.tsv      write the table there (default stdout, unless --json)\n"
    "  --plot FILE         orbit diagram or heat map (PNG, SVG or PDF; needs --out)\n"
    "  --json              print the points as JSON on stdout\n"
    "  --quiet             no progress line (shown only on a terminal, on stderr)\n"
    "  --checkpoint FILE   save each finished block of points there (crash-safe), so that a\n"
    "                      killed run can continue with --resume; refused if FILE exists\n"
    "                      without --resume\n"
    "  --resume            continue the run saved in --checkpoint FILE (refused if FILE holds\n"
    "                      another run; a missing FILE starts it)\n"
    "  --block N           points per block of --checkpoint and MPI runs (default: a multiple\n"
    "                      of 128 near points/1024, at least 128)\n"
    "Under mpirun or srun the blocks are shared among the ranks (docs/cluster.md); the files\n"
    "and JSON are those of a single process, byte for byte.\n"
    CLI_TIMEOUT_HELP;



enum { O_T1 = 1000, O_TRANSIENT, O_DT, O_METHOD, O_VAR, O_LEVEL, O_SET, O_INIT, O_DEVICE, O_PRECISION,
       O_MAP, O_OUT, O_PLOT, O_JSON, O_PAR, O_HELP, O_LYAPUNOV, O_EXTREMA, O_MAX_EXTREMA, O_EXTREMA_OUT, O_QUIET,
       O_CHECKPOINT, O_RESUME, O_BLOCK };

static int parse_extrema(const char *text, int *out)
{
    static const char *const names[] = {"none", "max", "min", "both"};
    for (int k = 0; k < 4; k++)
        if (strcmp(text, names[k]) == 0) return *out = k, 0; /* the index is the nd_extrema value */
    return cli_usage_error("sweep", "--extrema '%s' is not one of max, min, both, none", text);
}

static int parse_option(int c, sweep_args *a)
{
    nd_error err;
    switch (c) {
    case O_T1: return cli_number("sweep", "t1", optarg, &a->t1);
    case O_TRANSIENT: return a->have_transient = 1, cli_number("sweep", "transient", optarg, &a->transient);
    case O_DT: return cli_number("sweep", "dt", optarg, &a->dt);
    case O_LEVEL: return a->have_level = 1, cli_number("sweep", "level", optarg, &a->level);
    case O_METHOD: return a->method = optarg, 0;
    case O_VAR: return a->var = optarg, 0;
    case O_SET: return a->sets[a->n_sets++] = optarg, 0;
    case O_INIT: return a->inits[a->n_inits++] = optarg, 0;
    case O_OUT: return a->out = optarg, 0;
    case O_PLOT: return a->plot = optarg, 0;
    case O_JSON: return a->json = 1, 0;
    case O_LYAPUNOV: return a->lyapunov = 1, 0;
    case O_QUIET: return a->quiet = 1, 0;
    case CLI_O_TIMEOUT: return cli_timeout_option("sweep", optarg);
    case O_EXTREMA: return parse_extrema(optarg, &a->extrema);
    case O_MAX_EXTREMA: return cli_count("sweep", "max-extrema", optarg, 1, 1000000UL, &a->max_extrema);
    case O_EXTREMA_OUT: return a->extrema_out = optarg, 0;
    case O_CHECKPOINT: return a->checkpoint = optarg, 0;
    case O_RESUME: return a->resume = 1, 0;
    case O_BLOCK: return cli_count("sweep", "block", optarg, 1, 100000000UL, &a->block);
    case O_DEVICE: return nd_device_parse(optarg, &a->device, &err) ? cli_error("sweep", &err) : 0;
    case O_PRECISION: return nd_precision_parse(optarg, &a->precision, &err) ? cli_error("sweep", &err) : 0;
    case O_MAP:
        if (strcmp(optarg, "amplitude") && strcmp(optarg, "period") && strcmp(optarg, "events") &&
            strcmp(optarg, "lyapunov"))
            return cli_usage_error("sweep", "--map '%s' is not one of amplitude, period, events, lyapunov", optarg);
        return a->map = optarg, 0;
    case O_PAR:
        if (a->n_pars == 2) return cli_usage_error("sweep", "at most two --par options ('%s' is a third)", optarg);
        return a->pars[a->n_pars++] = optarg, 0;
    default: return cli_usage_error("sweep", "unknown or incomplete option");
    }
}

static int parse(int argc, char **argv, sweep_args *a)
{
    static const struct option opts[] = {
        {"t1", required_argument, 0, O_T1},          {"transient", required_argument, 0, O_TRANSIENT},
        {"dt", required_argument, 0, O_DT},          {"method", required_argument, 0, O_METHOD},
        {"var", required_argument, 0, O_VAR},        {"level", required_argument, 0, O_LEVEL},
        {"set", required_argument, 0, O_SET},        {"init", required_argument, 0, O_INIT},
        {"device", required_argument, 0, O_DEVICE},  {"precision", required_argument, 0, O_PRECISION},
        {"map", required_argument, 0, O_MAP},        {"out", required_argument, 0, O_OUT},
        {"plot", required_argument, 0, O_PLOT},      {"json", no_argument, 0, O_JSON},
        {"par", required_argument, 0, O_PAR},        CLI_TIMEOUT_OPTION, {"help", no_argument, 0, O_HELP},
        {"lyapunov", no_argument, 0, O_LYAPUNOV},    {"quiet", no_argument, 0, O_QUIET},
        {"extrema", required_argument, 0, O_EXTREMA}, {"max-extrema", required_argument, 0, O_MAX_EXTREMA},
        {"extrema-out", required_argument, 0, O_EXTREMA_OUT},
        {"checkpoint", required_argument, 0, O_CHECKPOINT}, {"resume", no_argument, 0, O_RESUME},
        {"block", required_argument, 0, O_BLOCK},
        {0, 0, 0, 0}};
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h' || c == O_HELP) return fputs(HELP, stdout), -1;
        if (c == '?') return cli_usage_error("sweep", "unknown or incomplete option '%s'", argv[optind - 1]);
        int rc = parse_option(c, a);
        if (rc) return rc;
    }
    if (cli_model_arg("sweep", argc, argv, &a->model)) return EXIT_USAGE;
    if (a->n_pars == 0) return cli_usage_error("sweep", "give --par NAME=LO:HI[:N]");
    if (!(a->t1 > 0)) return cli_usage_error("sweep", "--t1 %g must be > 0", a->t1);
    if (!(a->dt >= 0)) return cli_usage_error("sweep", "--dt %g must be >= 0", a->dt);
    /* a transient as long as the run leaves nothing to measure (every point -inf inf nan) */
    if (a->have_transient && !(a->transient >= 0 && a->transient < a->t1))
        return cli_usage_error("sweep", "need 0 <= --transient (%g) < --t1 (%g)", a->transient, a->t1);
    if (a->plot && !a->out) return cli_usage_error("sweep", "--plot needs --out (the data file it reads)");
    if (a->resume && !a->checkpoint) return cli_usage_error("sweep", "--resume needs --checkpoint FILE");
    const char *outputs[] = {a->out, a->plot, a->extrema_out, a->checkpoint};
    if (cli_check_distinct_outputs("sweep", outputs, 4)) return EXIT_USAGE;
    /* only rank 0 writes: the others need not see its folders (on a cluster they may not) */
    if (cli_cluster_rank() == 0) {
        if (cli_check_plot_file_here("sweep", a->plot)) return EXIT_USAGE;
        if (a->out && cli_check_out_file("sweep", a->out)) return EXIT_USAGE;
        if (a->extrema_out && cli_check_out_file("sweep", a->extrema_out)) return EXIT_USAGE;
        if (a->checkpoint && cli_check_out_file("sweep", a->checkpoint)) return EXIT_USAGE;
    }
    if (a->map && strcmp(a->map, "lyapunov") == 0 && !a->lyapunov)
        return cli_usage_error("sweep", "--map lyapunov needs --lyapunov");
    if (a->extrema < 0) a->extrema = a->n_pars == 1 ? ND_EXTREMA_MAX : ND_EXTREMA_NONE;
    if (a->extrema_out && a->extrema == ND_EXTREMA_NONE)
        return cli_usage_error("sweep", "--extrema-out needs --extrema max, min or both");
    return 0;
}

/* NAME=LO:HI[:N] */
static int parse_par(const nd_model *m, const char *text, sweep_par *sp)
{
    char *buf = strdup(text); /* a copy of any length: a long bound is never cut */
    if (!buf) return fprintf(stderr, "neurodyn sweep: out of memory\n"), EXIT_FAILED;
    char *last = strrchr(buf, ':'), *first = strchr(buf, ':');
    sp->n = 100;
    int rc = EXIT_OK;
    if (last && last != first) {
        *last = '\0';
        rc = cli_count("sweep", "par (points)", last + 1, 1, 100000000UL, &sp->n);
    }
    if (!rc) rc = cli_parse_grid_range("sweep", m, buf, 1, sp->n, &sp->index, &sp->lo, &sp->hi);
    free(buf);
    return rc;
}

static double grid_value(const sweep_par *sp, size_t i)
{
    return sp->n > 1 ? sp->lo + (sp->hi - sp->lo) * (double)i / (double)(sp->n - 1) : sp->lo;
}

/* ---- output --------------------------------------------------------------------------------------- */


/* Writes a table with `write` to path (stdout when NULL); a file through a temporary one, so a
 * failure leaves an existing file as it was. */
static int write_file(const char *path, void (*write)(FILE *, const sweep_run *), const sweep_run *s)
{
    if (!path) {
        write(stdout, s);
        if (!ferror(stdout)) return EXIT_OK;
        fprintf(stderr, "neurodyn sweep: cannot write '(stdout)'\n");
        return EXIT_FAILED;
    }
    cli_out_file out;
    int rc = cli_out_open("sweep", &out, path);
    if (rc) return rc;
    write(out.f, s);
    return cli_out_close("sweep", &out, 1, NULL);
}

/* --extrema-out, else FILE.extrema.tsv beside --out FILE.tsv, else none. */
static void extrema_path(const sweep_args *a, char *buf, size_t len)
{
    buf[0] = '\0';
    if (a->extrema_out) snprintf(buf, len, "%s", a->extrema_out);
    else if (a->out) {
        const char *slash = strrchr(a->out, '/'), *dot = strrchr(a->out, '.');
        int stem = dot && (!slash || dot > slash + 1) ? (int)(dot - a->out) : (int)strlen(a->out);
        snprintf(buf, len, "%.*s.extrema.tsv", stem, a->out);
    }
}

/* The colour bar's label: the quantity with its unit (the model's time unit, or the variable's). */
static void map_label(const sweep_run *s, const char *map, char *buf, size_t len)
{
    const nd_model *m = s->m;
    const char *tu = m->time_unit && m->time_unit[0] ? m->time_unit : NULL;
    const char *vu = m->var_units && m->var_units[s->var][0] ? m->var_units[s->var] : NULL;
    const char *var = m->var_names[s->var];
    if (strcmp(map, "period") == 0)
        snprintf(buf, len, "period of %s (%s)", var, tu ? tu : "model time units");
    else if (strcmp(map, "events") == 0)
        snprintf(buf, len, "upward crossings of %s = %g after the transient (count)", var, s->a->level);
    else if (strcmp(map, "lyapunov") == 0)
        snprintf(buf, len, "largest Lyapunov exponent (1/%s)", tu ? tu : "model time unit");
    else if (vu)
        snprintf(buf, len, "amplitude of %s, max - min (%s)", var, vu);
    else
        snprintf(buf, len, "amplitude of %s, max - min", var);
}

/* p: the parameters besides the grid's, which the title's second line lists where changed */
static int plot(const sweep_run *s, const double *p)
{
    const nd_model *m = s->m;
    char params[512], var_label[128], value_label[160], p1_label[160], p2_label[160];
    nd_plot_changed_params(m, p, s->sp[0].index, s->np == 2 ? s->sp[1].index : -1, params, sizeof params);
    nd_sweep_plot sp = {.data = s->a->out, .title = m->name, .params = params, .p1name = m->par_names[s->sp[0].index],
                        .p1_label = nd_model_par_label(m, (size_t)s->sp[0].index, p1_label, sizeof p1_label),
                        .varname = m->var_names[s->var],
                        .var_label = nd_model_var_label(m, (size_t)s->var, var_label, sizeof var_label)};
    int first_var_col = s->np + 1, period_col = s->np + 2 * (int)m->n_vars + 1;
    int count_col = period_col + 2; /* n_maxima, then n_minima, then lyapunov */
    int lyapunov_col = count_col + (s->r.n_maxima ? 1 : 0) + (s->r.n_minima ? 1 : 0);
    sp.col_max = first_var_col + 2 * s->var, sp.col_min = sp.col_max + 1;
    nd_error err;
    nd_plot_status ps;
    if (s->np == 1) {
        int drawn = 0, rest = 0; /* the kinds that have a point to draw, and a trajectory without any */
        for (int kind = ND_EXTREMA_MAX; kind <= ND_EXTREMA_MIN; kind++)
            for (size_t i = 0; sweep_extrema_count(s, kind) && i < s->n; i++) drawn |= sweep_extrema_count(s, kind)[i] > 0 ? kind : 0;
        const long *first = s->r.n_maxima ? s->r.n_maxima : s->r.n_minima;
        for (size_t i = 0; first && i < s->n; i++) rest |= first[i] == 0;
        if (s->extrema_path[0] && drawn) sp.extrema_data = s->extrema_path, sp.extrema = drawn;
        if (first && rest) sp.col_rest = count_col;
        ps = nd_plot_orbit_diagram(&sp, s->a->plot, &err);
    } else {
        const char *map = s->a->map ? s->a->map : "amplitude";
        sp.p2name = m->par_names[s->sp[1].index];
        sp.p2_label = nd_model_par_label(m, (size_t)s->sp[1].index, p2_label, sizeof p2_label);
        sp.value_name = map;
        map_label(s, map, value_label, sizeof value_label);
        sp.value_label = value_label;
        sp.col_value = strcmp(map, "period") == 0 ? period_col : strcmp(map, "events") == 0 ? period_col + 1
                     : strcmp(map, "lyapunov") == 0 ? lyapunov_col : 0;
        ps = nd_plot_sweep_map(&sp, s->a->plot, &err);
    }
    return ps == ND_PLOT_FAILED ? cli_error("sweep", &err) : EXIT_OK;
}

/* ---- the run ---------------------------------------------------------------------------------------- */
/* The parameters and initial values, the grid's parameters and the section's variable. */
static int setup(sweep_run *s, double *p, double *x)
{
    const sweep_args *a = s->a;
    const nd_model *m = s->m;
    nd_error err;
    int rc;
    for (int i = 0; i < a->n_sets; i++)
        if (nd_model_set_par(m, p, a->sets[i], &err)) return cli_error("sweep", &err);
    for (int i = 0; i < a->n_inits; i++)
        if (nd_model_set_var(m, x, a->inits[i], &err)) return cli_error("sweep", &err);
    s->np = a->n_pars;
    for (int k = 0; k < s->np; k++)
        if ((rc = parse_par(m, a->pars[k], &s->sp[k]))) return rc;
    if (s->np == 2 && s->sp[0].index == s->sp[1].index)
        return cli_usage_error("sweep", "the two --par options name the same parameter %s", m->par_names[s->sp[0].index]);
    s->var = 0;
    if (a->var && (s->var = nd_model_var_index(m, a->var, &err)) < 0) return cli_error("sweep", &err);
    s->n = s->sp[0].n * (s->np == 2 ? s->sp[1].n : 1);
    return EXIT_OK;
}

/* The steps and the memory the run needs, before anything is allocated: fixed steps of every
 * trajectory (adaptive methods are bounded by their step budget), then the grids and the result
 * against nd_memory_limit(). */
static int check_work(const sweep_run *s, const nd_ensemble_opts *o)
{
    const nd_model *m = s->m;
    const nd_method *meth = nd_method_find(o->method ? o->method : "rk4", NULL);
    if (!meth || !meth->adaptive) { /* not found: an SDE method, fixed-step too */
        double passes = s->a->lyapunov ? 2 : 1;
        if (!(o->dt > 0)) return cli_usage_error("sweep", "--dt %g must be > 0 for fixed steps", o->dt);
        if (cli_check_work("sweep", "steps per trajectory", o->t1 - o->t0, o->dt, 1, CLI_MAX_STEPS) ||
            cli_check_work("sweep", "steps of all trajectories together", o->t1 - o->t0, o->dt, passes * (double)s->n,
                           CLI_MAX_TOTAL_STEPS))
            return EXIT_USAGE;
    }
    double grid = (double)s->n * (double)((m->n_pars ? m->n_pars : 1) + m->n_vars + (s->a->lyapunov ? 1 : 0));
    double need = grid * sizeof(double) + (double)nd_ensemble_bytes(m, s->n, o); /* 0 for bad options: said later */
    nd_error err;
    if (nd_check_alloc(need < (double)SIZE_MAX ? (size_t)need : SIZE_MAX, "the sweep's grid and result", &err))
        return cli_error("sweep", &err);
    return EXIT_OK;
}

/* P and X: one column per grid point, the first parameter running fastest. */
static int fill_grid(const sweep_run *s, const double *p, const double *x, double **P, double **X)
{
    const nd_model *m = s->m;
    *P = malloc((m->n_pars ? m->n_pars : 1) * s->n * sizeof **P), *X = malloc(m->n_vars * s->n * sizeof **X);
    if (!*P || !*X) {
        fprintf(stderr, "neurodyn sweep: no memory for %zu points\n", s->n);
        return EXIT_FAILED;
    }
    for (size_t j = 0, q = 0; j < (s->np == 2 ? s->sp[1].n : 1); j++)
        for (size_t i = 0; i < s->sp[0].n; i++, q++) {
            for (size_t k = 0; k < m->n_pars; k++) (*P)[k * s->n + q] = p[k];
            for (size_t v = 0; v < m->n_vars; v++) (*X)[v * s->n + q] = x[v];
            (*P)[(size_t)s->sp[0].index * s->n + q] = grid_value(&s->sp[0], i);
            if (s->np == 2) (*P)[(size_t)s->sp[1].index * s->n + q] = grid_value(&s->sp[1], j);
        }
    return EXIT_OK;
}

/* The ensemble and the Lyapunov pass: at once, or in blocks (a checkpoint, MPI ranks). */
static int integrate(sweep_run *s, const double *P, const double *X, const nd_ensemble_opts *o)
{
    const nd_model *m = s->m;
    const sweep_args *a = s->a;
    nd_ensemble_opts lo = *o;
    lo.method = NULL, lo.extrema = ND_EXTREMA_NONE;
    nd_error err;
    if (a->lyapunov && !(s->lambda = malloc(s->n * sizeof *s->lambda))) {
        fprintf(stderr, "neurodyn sweep: no memory for %zu exponents\n", s->n);
        return EXIT_FAILED;
    }
    if (a->checkpoint || cli_cluster_active()) {
        char key[256];
        cli_cluster_model_key(a->model, key, sizeof key);
        nd_ensemble_blocks_opts b;
        nd_ensemble_blocks_opts_init(&b);
        b.block = a->block, b.lyapunov = a->lyapunov ? &lo : NULL, b.renorm = 10;
        b.checkpoint = a->checkpoint, b.resume = a->resume, b.run_key = key;
        return cli_cluster_run(m, s->n, P, X, o, &b, &s->r, s->lambda, &err) ? cli_error("sweep", &err) : EXIT_OK;
    }
    if (nd_ensemble_run(m, s->n, P, s->n * m->n_pars, X, s->n * m->n_vars, o, &s->r, &err))
        return cli_error("sweep", &err);
    if (a->lyapunov && nd_ensemble_lyapunov(m, s->n, P, s->n * m->n_pars, X, s->n * m->n_vars, &lo, 10, s->lambda, &err))
        return cli_error("sweep", &err);
    return EXIT_OK;
}

static int run(const void *args, const nd_model *m, double *p, double *x)
{
    sweep_args a = *(const sweep_args *)args;
    sweep_run s = {.m = m, .a = &a};
    double *P = NULL, *X = NULL;
    int rc = setup(&s, p, x);
    if (!rc && !a.have_level) { /* s.var is valid only once setup succeeded */
        double *box = malloc(2 * m->n_vars * sizeof *box);
        nd_error err;
        a.level = box && !nd_model_box(m, p, x, box, box + m->n_vars, NULL, &err)
                      ? 0.5 * (box[s.var] + box[m->n_vars + s.var]) : 0.0; /* the middle of the box */
        free(box);
    }
    nd_ensemble_opts o;
    nd_ensemble_opts_init(&o);
    o.method = a.method, o.t1 = a.t1, o.dt = a.dt, o.transient = a.have_transient ? a.transient : a.t1 / 2;
    o.event_var = s.var, o.event_level = a.level, o.device = a.device, o.precision = a.precision;
    o.extrema = (nd_extrema)a.extrema, o.max_extrema = a.max_extrema;
    if (!rc) rc = check_work(&s, &o);
    if (!rc) rc = fill_grid(&s, p, x, &P, &X);
    /* on a terminal only, and not with --quiet: the ensemble, then the Lyapunov pass */
    nd_progress *bar = rc || a.quiet ? NULL
                                     : nd_progress_start("neurodyn sweep", "trajectories",
                                                         (double)s.n * (a.lyapunov ? 2 : 1), stderr, 0);
    o.progress = bar ? nd_progress_callback : NULL, o.progress_ctx = bar;
    s.P = P;
    if (!rc) rc = integrate(&s, P, X, &o);
    nd_progress_finish(bar);
    if (cli_cluster_rank() != 0) rc = rc ? rc : -2; /* rank 0 writes and says everything */
    if (!rc && s.r.n_failed)
        fprintf(stderr, "neurodyn sweep: warning: %zu of %zu trajectories became non-finite or failed\n", s.r.n_failed, s.n);
    if (!rc && (a.out || !a.json)) rc = write_file(a.out, sweep_write_table, &s);
    if (!rc && s.r.max_extrema) extrema_path(&a, s.extrema_path, sizeof s.extrema_path);
    if (!rc && s.extrema_path[0]) rc = write_file(s.extrema_path, sweep_write_extrema, &s);
    if (!rc && a.json) rc = sweep_print_json(&s);
    if (!rc && a.plot) rc = plot(&s, p);
    nd_ensemble_result_free(&s.r);
    free(P), free(X), free(s.lambda);
    return rc == -2 ? EXIT_OK : rc;
}

int cmd_sweep(int argc, char **argv)
{
    sweep_args a = {.t1 = 200, .dt = 0.01, .extrema = -1, .max_extrema = 100};
    if (cli_cluster_start("sweep")) return EXIT_OK;
    a.sets = calloc((size_t)argc, sizeof *a.sets);
    a.inits = calloc((size_t)argc, sizeof *a.inits);
    int rc = (a.sets && a.inits) ? parse(argc, argv, &a) : EXIT_FAILED;
    if (rc == 0) rc = cli_with_model("sweep", a.model, run, &a);
    free(a.sets), free(a.inits);
    cli_cluster_end();
    return rc < 0 ? EXIT_OK : rc;
}
