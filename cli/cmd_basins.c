/* neurodyn basins MODEL --x V=LO:HI:N --y W=LO:HI:N: basins of attraction on a grid of initial
 * states, one trajectory per grid point from one batched ensemble (gpu/), each point labelled
 * by the attractor it reaches (cli/basins_out.c says how), written as a grid table, a table of
 * the attractors, JSON and a map (plots/basins.c). */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "basins.h"
#include "cli.h"
#include "cluster.h"
#include "neurodyn/ensemble.h"
#include "neurodyn/plot.h"
#include "neurodyn/progress.h"

/* the grid's points per axis, and all of them together (memory: a few tens of bytes each per
 * variable; time: one trajectory each) */
#define MAX_AXIS 4096UL
#define MAX_POINTS 4000000.0

static const char *HELP =
    "usage: neurodyn basins MODEL --x VAR=LO:HI:N --y VAR=LO:HI:N [options]\n"
    "\n"
    "Integrates one trajectory from every point of an N x N grid of initial states (the two\n"
    "variables over LO..HI; the other variables at the model's initial state or --init) as one\n"
    "batched ensemble, and labels each point by the attractor it reaches: an equilibrium when\n"
    "every variable varies by less than --tol (relative to max(1, |value|)) over the second half\n"
    "of the run, points sharing one when their final states agree to --tol; otherwise a cycle,\n"
    "points sharing one when the max and min of every variable agree to --tol. Points whose\n"
    "trajectory became non-finite get attractor -1, failed ones -2.\n"
    "\n"
    "  --x VAR=LO:HI:N     horizontal axis: variable, bounds (LO < HI), points (2..4096)\n"
    "  --y VAR=LO:HI:N     vertical axis (another variable); N x N at most 4000000 points\n"
    "  --t1 T              end time (default 500; long enough for every trajectory to settle)\n"
    "  --dt H              step (default 0.01; the initial step of adaptive methods)\n"
    "  --method NAME       integration method (default rk4; rkdp, rkf45... are adaptive)\n"
    "  --tol TOL           relative tolerance that tells attractors apart (default 1e-3)\n"
    "  --set NAME=VALUE    set a parameter (repeatable); --init NAME=VALUE an initial value\n"
    "  --device D          cpu, cuda or auto (default auto: cuda when a device exists)\n"
    "  --out FILE.tsv      write the grid there (x, y, attractor, status; default stdout,\n"
    "                      unless --json), and the attractors to FILE.attractors.tsv\n"
    "  --plot FILE         the map of basins (PNG, SVG or PDF; needs --out)\n"
    "  --json              print the attractors and the labels as JSON on stdout\n"
    "  --quiet             no progress line and no attractor lines on stderr\n"
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

enum { O_X = 1000, O_Y, O_T1, O_DT, O_METHOD, O_TOL, O_SET, O_INIT, O_DEVICE, O_OUT, O_PLOT, O_JSON, O_QUIET, O_HELP,
       O_CHECKPOINT, O_RESUME, O_BLOCK };

static int parse_option(int c, basins_args *a)
{
    nd_error err;
    switch (c) {
    case O_X: return a->ax[0].text = optarg, 0;
    case O_Y: return a->ax[1].text = optarg, 0;
    case O_T1: return cli_number("basins", "t1", optarg, &a->t1);
    case O_DT: return cli_number("basins", "dt", optarg, &a->dt);
    case O_TOL: return cli_number("basins", "tol", optarg, &a->tol);
    case O_METHOD: return a->method = optarg, 0;
    case O_SET: return a->sets[a->n_sets++] = optarg, 0;
    case O_INIT: return a->inits[a->n_inits++] = optarg, 0;
    case O_OUT: return a->out = optarg, 0;
    case O_PLOT: return a->plot = optarg, 0;
    case O_JSON: return a->json = 1, 0;
    case O_QUIET: return a->quiet = 1, 0;
    case O_CHECKPOINT: return a->checkpoint = optarg, 0;
    case O_RESUME: return a->resume = 1, 0;
    case O_BLOCK: return cli_count("basins", "block", optarg, 1, 100000000UL, &a->block);
    case CLI_O_TIMEOUT: return cli_timeout_option("basins", optarg);
    case O_DEVICE: return nd_device_parse(optarg, &a->device, &err) ? cli_error("basins", &err) : 0;
    default: return cli_usage_error("basins", "unknown or incomplete option");
    }
}

static int check_args(basins_args *a)
{
    if (!a->ax[0].text || !a->ax[1].text) return cli_usage_error("basins", "give --x VAR=LO:HI:N and --y VAR=LO:HI:N");
    if (!(a->t1 > 0)) return cli_usage_error("basins", "--t1 %g must be > 0", a->t1);
    if (!(a->dt >= 0)) return cli_usage_error("basins", "--dt %g must be >= 0", a->dt);
    if (!(a->tol > 0 && a->tol < 1)) return cli_usage_error("basins", "--tol %g must lie in (0, 1)", a->tol);
    if (a->plot && !a->out) return cli_usage_error("basins", "--plot needs --out (the data file it reads)");
    if (a->resume && !a->checkpoint) return cli_usage_error("basins", "--resume needs --checkpoint FILE");
    const char *outputs[] = {a->out, a->plot, a->checkpoint};
    if (cli_check_distinct_outputs("basins", outputs, 3)) return EXIT_USAGE;
    /* only rank 0 writes: the others need not see its folders (on a cluster they may not) */
    if (cli_cluster_rank() == 0) {
        if (cli_check_plot_file_here("basins", a->plot)) return EXIT_USAGE;
        if (a->out && cli_check_out_file("basins", a->out)) return EXIT_USAGE;
        if (a->checkpoint && cli_check_out_file("basins", a->checkpoint)) return EXIT_USAGE;
    }
    return 0;
}

static int parse(int argc, char **argv, basins_args *a)
{
    static const struct option opts[] = {
        {"x", required_argument, 0, O_X},          {"y", required_argument, 0, O_Y},
        {"t1", required_argument, 0, O_T1},        {"dt", required_argument, 0, O_DT},
        {"method", required_argument, 0, O_METHOD}, {"tol", required_argument, 0, O_TOL},
        {"set", required_argument, 0, O_SET},      {"init", required_argument, 0, O_INIT},
        {"device", required_argument, 0, O_DEVICE}, {"out", required_argument, 0, O_OUT},
        {"plot", required_argument, 0, O_PLOT},    {"json", no_argument, 0, O_JSON},
        {"quiet", no_argument, 0, O_QUIET},        CLI_TIMEOUT_OPTION,
        {"checkpoint", required_argument, 0, O_CHECKPOINT}, {"resume", no_argument, 0, O_RESUME},
        {"block", required_argument, 0, O_BLOCK},
        {"help", no_argument, 0, O_HELP},          {0, 0, 0, 0}};
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h' || c == O_HELP) return fputs(HELP, stdout), -1;
        if (c == '?') return cli_usage_error("basins", "unknown or incomplete option '%s'", argv[optind - 1]);
        int rc = parse_option(c, a);
        if (rc) return rc;
    }
    if (cli_model_arg("basins", argc, argv, &a->model)) return EXIT_USAGE;
    return check_args(a);
}

/* VAR=LO:HI:N, N in 2..MAX_AXIS (so LO < HI) */
static int parse_axis(const nd_model *m, const char *opt, basins_axis *ax)
{
    char *buf = strdup(ax->text);
    if (!buf) return fprintf(stderr, "neurodyn basins: out of memory\n"), EXIT_FAILED;
    char *last = strrchr(buf, ':'), *first = strchr(buf, ':');
    int rc = EXIT_OK;
    if (!last || last == first)
        rc = cli_usage_error("basins", "--%s '%s': give VAR=LO:HI:N", opt, ax->text);
    else {
        *last = '\0';
        char what[32];
        snprintf(what, sizeof what, "%s (points)", opt);
        rc = cli_count("basins", what, last + 1, 2, MAX_AXIS, &ax->n);
    }
    if (!rc) rc = cli_parse_grid_range("basins", m, buf, 0, ax->n, &ax->index, &ax->lo, &ax->hi);
    if (!rc && !(ax->lo < ax->hi)) rc = cli_usage_error("basins", "--%s '%s': need LO < HI", opt, ax->text);
    free(buf);
    return rc;
}

static int setup(basins_run *s, basins_args *a, double *p, double *x)
{
    const nd_model *m = s->m;
    nd_error err;
    int rc;
    if (m->n_vars < 2) return cli_usage_error("basins", "model %s has one variable: a grid of initial states needs two", m->name);
    /* each noisy trajectory ends somewhere else: no attractor to label points by */
    if (m->diffusion) return cli_usage_error("basins", "model %s is stochastic (it has a diffusion term): no basins of attraction", m->name);
    for (int i = 0; i < a->n_sets; i++)
        if (nd_model_set_par(m, p, a->sets[i], &err)) return cli_error("basins", &err);
    for (int i = 0; i < a->n_inits; i++)
        if (nd_model_set_var(m, x, a->inits[i], &err)) return cli_error("basins", &err);
    if ((rc = parse_axis(m, "x", &a->ax[0])) || (rc = parse_axis(m, "y", &a->ax[1]))) return rc;
    if (a->ax[0].index == a->ax[1].index)
        return cli_usage_error("basins", "--x and --y name the same variable %s", m->var_names[a->ax[0].index]);
    if ((double)a->ax[0].n * (double)a->ax[1].n > MAX_POINTS)
        return cli_usage_error("basins", "a grid of %lu x %lu points is more than %.0f", a->ax[0].n, a->ax[1].n, MAX_POINTS);
    s->n = a->ax[0].n * a->ax[1].n;
    return EXIT_OK;
}

/* Fixed steps of all trajectories, and the memory, before anything is allocated. */
static int check_work(const basins_run *s, const nd_ensemble_opts *o)
{
    const nd_method *meth = nd_method_find(o->method ? o->method : "rk4", NULL);
    if (!meth || !meth->adaptive) {
        if (!(o->dt > 0)) return cli_usage_error("basins", "--dt %g must be > 0 for fixed steps", o->dt);
        if (cli_check_work("basins", "steps per trajectory", o->t1 - o->t0, o->dt, 1, CLI_MAX_STEPS) ||
            cli_check_work("basins", "steps of all trajectories together", o->t1 - o->t0, o->dt, (double)s->n,
                           CLI_MAX_TOTAL_STEPS))
            return EXIT_USAGE;
    }
    const nd_model *m = s->m;
    double need = (double)s->n * (double)((m->n_pars ? m->n_pars : 1) + m->n_vars) * sizeof(double) +
                  (double)nd_ensemble_bytes(m, s->n, o);
    nd_error err;
    if (nd_check_alloc(need < (double)SIZE_MAX ? (size_t)need : SIZE_MAX, "the basins' grid and result", &err))
        return cli_error("basins", &err);
    return EXIT_OK;
}

static int integrate(basins_run *s, const double *p, const double *x, const nd_ensemble_opts *o)
{
    const nd_model *m = s->m;
    const basins_args *a = s->a;
    double *P = malloc((m->n_pars ? m->n_pars : 1) * s->n * sizeof *P), *X = malloc(m->n_vars * s->n * sizeof *X);
    int rc = EXIT_OK;
    if (!P || !X) {
        fprintf(stderr, "neurodyn basins: no memory for %zu points\n", s->n);
        rc = EXIT_FAILED;
    }
    for (size_t q = 0; !rc && q < s->n; q++) {
        for (size_t k = 0; k < m->n_pars; k++) P[k * s->n + q] = p[k];
        for (size_t v = 0; v < m->n_vars; v++) X[v * s->n + q] = x[v];
        X[(size_t)a->ax[0].index * s->n + q] = basins_grid(&a->ax[0], q % a->ax[0].n);
        X[(size_t)a->ax[1].index * s->n + q] = basins_grid(&a->ax[1], q / a->ax[0].n);
    }
    nd_progress *bar = rc || a->quiet ? NULL : nd_progress_start("neurodyn basins", "trajectories", (double)s->n, stderr, 0);
    nd_ensemble_opts oo = *o;
    oo.progress = bar ? nd_progress_callback : NULL, oo.progress_ctx = bar;
    nd_error err;
    if (!rc && (a->checkpoint || cli_cluster_active())) { /* in blocks: a checkpoint, MPI ranks */
        char key[256];
        cli_cluster_model_key(a->model, key, sizeof key);
        nd_ensemble_blocks_opts b;
        nd_ensemble_blocks_opts_init(&b);
        b.block = a->block, b.checkpoint = a->checkpoint, b.resume = a->resume, b.run_key = key;
        if (cli_cluster_run(m, s->n, P, X, &oo, &b, &s->r, NULL, &err)) rc = cli_error("basins", &err);
    } else if (!rc && nd_ensemble_run(m, s->n, P, s->n * m->n_pars, X, s->n * m->n_vars, &oo, &s->r, &err)) {
        rc = cli_error("basins", &err);
    }
    nd_progress_finish(bar);
    free(P), free(X);
    return rc;
}

static int write_file(const char *path, void (*write)(FILE *, const basins_run *), const basins_run *s)
{
    if (!path) {
        write(stdout, s);
        if (!ferror(stdout)) return EXIT_OK;
        fprintf(stderr, "neurodyn basins: cannot write '(stdout)'\n");
        return EXIT_FAILED;
    }
    cli_out_file out;
    int rc = cli_out_open("basins", &out, path);
    if (rc) return rc;
    write(out.f, s);
    return cli_out_close("basins", &out, 1, NULL);
}

/* FILE.attractors.tsv beside --out FILE.tsv */
static void attractors_path(const char *out, char *buf, size_t len)
{
    const char *slash = strrchr(out, '/'), *dot = strrchr(out, '.');
    int stem = dot && (!slash || dot > slash + 1) ? (int)(dot - out) : (int)strlen(out);
    snprintf(buf, len, "%.*s.attractors.tsv", stem, out);
}

/* A state as the key shows it: known to the tolerance, so a value within it of 0 is 0 (not 3e-9). */
static double shown(double v, double tol) { return fabs(v) < tol ? 0.0 : v; }

static int plot(const basins_run *s, const double *p)
{
    const nd_model *m = s->m;
    const basins_args *a = s->a;
    char params[512], xl[128], yl[128];
    char (*legend)[160] = calloc(s->am.n_attractors ? s->am.n_attractors : 1, sizeof *legend);
    const char **names = calloc(s->am.n_attractors ? s->am.n_attractors : 1, sizeof *names);
    if (!legend || !names) return free(legend), free(names), fprintf(stderr, "neurodyn basins: out of memory\n"), EXIT_FAILED;
    for (size_t k = 0; k < s->am.n_attractors; k++) {
        size_t q = s->am.attractors[k].first, ix = (size_t)a->ax[0].index, iy = (size_t)a->ax[1].index;
        if (s->am.attractors[k].kind == ND_ATTRACTOR_EQUILIBRIUM)
            snprintf(legend[k], sizeof legend[k], "%zu: equilibrium %s=%.4g, %s=%.4g", k, m->var_names[ix],
                     shown(s->r.x[ix * s->n + q], a->tol), m->var_names[iy], shown(s->r.x[iy * s->n + q], a->tol));
        else
            snprintf(legend[k], sizeof legend[k], "%zu: cycle, %s in %.4g:%.4g", k, m->var_names[ix],
                     s->r.x_min[ix * s->n + q], s->r.x_max[ix * s->n + q]);
        names[k] = legend[k];
    }
    nd_plot_changed_params(m, p, -1, -1, params, sizeof params);
    nd_basins_plot bp = {.data = a->out, .title = m->name, .params = params,
                         .x_label = nd_model_var_label(m, (size_t)a->ax[0].index, xl, sizeof xl),
                         .y_label = nd_model_var_label(m, (size_t)a->ax[1].index, yl, sizeof yl),
                         .n_attractors = s->am.n_attractors, .legend = names,
                         .has_nonfinite = s->am.n_nonfinite > 0, .has_failed = s->am.n_failed > 0};
    nd_error err;
    nd_plot_status ps = nd_plot_basins(&bp, a->plot, &err);
    free(legend), free(names);
    return ps == ND_PLOT_FAILED ? cli_error("basins", &err) : EXIT_OK;
}

static int run(const void *args, const nd_model *m, double *p, double *x)
{
    basins_args a = *(const basins_args *)args;
    basins_run s = {.m = m, .a = &a};
    int rc = setup(&s, &a, p, x);
    nd_ensemble_opts o;
    nd_ensemble_opts_init(&o);
    /* max/min over the second half: an equilibrium's are equal, a cycle's are its extent */
    o.method = a.method, o.t1 = a.t1, o.dt = a.dt, o.transient = a.t1 / 2, o.device = a.device, o.keep_minmax = 1;
    if (!rc) rc = check_work(&s, &o);
    if (!rc) rc = integrate(&s, p, x, &o);
    if (cli_cluster_rank() != 0) rc = rc ? rc : -2; /* rank 0 classifies, writes and says everything */
    if (!rc) rc = basins_classify(&s);
    if (!rc && !a.quiet) basins_say(stderr, &s);
    if (!rc && (a.out || !a.json)) rc = write_file(a.out, basins_write_grid, &s);
    if (!rc && a.out) {
        attractors_path(a.out, s.attractors_path, sizeof s.attractors_path);
        rc = write_file(s.attractors_path, basins_write_attractors, &s);
    }
    if (!rc && a.json) rc = basins_print_json(&s);
    if (!rc && a.plot) rc = plot(&s, p);
    nd_ensemble_result_free(&s.r);
    nd_attractor_map_free(&s.am);
    return rc == -2 ? EXIT_OK : rc;
}

int cmd_basins(int argc, char **argv)
{
    basins_args a = {.t1 = 500, .dt = 0.01, .tol = 1e-3};
    if (cli_cluster_start("basins")) return EXIT_OK;
    a.sets = calloc((size_t)argc, sizeof *a.sets);
    a.inits = calloc((size_t)argc, sizeof *a.inits);
    int rc = (a.sets && a.inits) ? parse(argc, argv, &a) : EXIT_FAILED;
    if (rc == 0) rc = cli_with_model("basins", a.model, run, &a);
    free(a.sets), free(a.inits);
    cli_cluster_end();
    return rc < 0 ? EXIT_OK : rc;
}
