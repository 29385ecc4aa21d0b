/* neurodyn phase-plane MODEL --x V=LO:HI --y w=LO:HI [...]: nullclines, vector field, fixed
 * points, trajectories and separatrices of a 2D model or a 2D slice, as TSV files in DIR. */
#include <errno.h>
#include <math.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *HELP =
    "usage: neurodyn phase-plane MODEL [--x NAME=LO:HI] [--y NAME=LO:HI] [options]\n"
    "\n"
    "Writes the pieces of a phase portrait as TSV files in DIR: nullclines (traced curves),\n"
    "the vector field, fixed points with their stability, trajectories and, for saddles,\n"
    "separatrices. Other variables are held at --fix values (default: the initial state).\n"
    "\n"
    "  --x NAME=LO:HI     horizontal variable and range (default: the model's first variable\n"
    "                     and its box)\n"
    "  --y NAME=LO:HI     vertical variable and range (default: the second)\n"
    "  --set NAME=VALUE   set a parameter; repeatable\n"
    "  --fix NAME=VALUE   value of a variable outside the plane; repeatable\n"
    "  --traj V=..,w=..   a trajectory from this point, forward and backward; repeatable\n"
    "                     (default: one from the initial state)\n"
    "  --t1 T             duration of trajectories and separatrices (default 100)\n"
    "  --sample DT        sample trajectories every DT (default 0: every step of the adaptive\n"
    "                     integrator, dense where the flow is fast, so spikes stay smooth)\n"
    "  --grid N           vector-field grid N x N (default 20) and nullcline seeding 5N\n"
    "  --outdir DIR       output folder (default: phase_plane; with --json and no --plot,\n"
    "                     none: the JSON holds the nullclines and fixed points)\n"
    "  --plot FILE        also draw the phase portrait (PNG, SVG or PDF)\n"
    "  --json             print a JSON summary on stdout\n"
    CLI_TIMEOUT_HELP;

typedef struct pp_args {
    const char *model, *xr, *yr, *outdir, *plot;
    const char **sets, **fixes, **trajs;
    int n_sets, n_fixes, n_trajs, json;
    double t1, sample;
    unsigned long grid;
} pp_args;

enum { O_X = 1000, O_Y, O_SET, O_FIX, O_TRAJ, O_T1, O_GRID, O_OUTDIR, O_PLOT, O_JSON, O_HELP, O_SAMPLE };

static int parse(int argc, char **argv, pp_args *a)
{
    static const struct option opts[] = {
        {"x", required_argument, 0, O_X},         {"y", required_argument, 0, O_Y},
        {"set", required_argument, 0, O_SET},     {"fix", required_argument, 0, O_FIX},
        {"traj", required_argument, 0, O_TRAJ},   {"t1", required_argument, 0, O_T1},
        {"grid", required_argument, 0, O_GRID},   {"outdir", required_argument, 0, O_OUTDIR},
        {"plot", required_argument, 0, O_PLOT},   {"json", no_argument, 0, O_JSON},
        CLI_TIMEOUT_OPTION, {"help", no_argument, 0, O_HELP},         {"sample", required_argument, 0, O_SAMPLE},
        {0, 0, 0, 0}};
    opterr = 0;
    optind = 1;
    int c, rc = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case O_X: a->xr = optarg; break;
        case O_Y: a->yr = optarg; break;
        case O_SET: a->sets[a->n_sets++] = optarg; break;
        case O_FIX: a->fixes[a->n_fixes++] = optarg; break;
        case O_TRAJ: a->trajs[a->n_trajs++] = optarg; break;
        case O_T1: rc = cli_number("phase-plane", "t1", optarg, &a->t1); break;
        case O_SAMPLE: rc = cli_number("phase-plane", "sample", optarg, &a->sample); break;
        case O_GRID: rc = cli_count("phase-plane", "grid", optarg, 2, 2000, &a->grid); break;
        case O_OUTDIR: a->outdir = optarg; break;
        case O_PLOT: a->plot = optarg; break;
        case O_JSON: a->json = 1; break;
        case CLI_O_TIMEOUT: rc = cli_timeout_option("phase-plane", optarg); break;
        case 'h':
        case O_HELP: fputs(HELP, stdout); return -1;
        default: return cli_usage_error("phase-plane", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
        if (rc) return rc;
    }
    if (cli_model_arg("phase-plane", argc, argv, &a->model)) return EXIT_USAGE;
    if (!(a->t1 > 0)) return cli_usage_error("phase-plane", "--t1 %g must be > 0", a->t1);
    if (!(a->sample >= 0)) return cli_usage_error("phase-plane", "--sample %g must be >= 0", a->sample);
    if (a->sample > 0 && cli_check_work("phase-plane", "samples per trajectory", a->t1, a->sample, 1, CLI_MAX_STEPS))
        return EXIT_USAGE;
    return 0;
}

/* The plane: two variables with their ranges; all others fixed. */
typedef struct plane {
    int ix, iy;
    double *lo, *hi, *at;
    int *fixed;
} plane;

static int axis(const pp_args *a, const nd_model *m, const double *p, const char *spec, int fallback, int *idx, plane *pl)
{
    if (spec) {
        double lo, hi;
        int rc = cli_parse_range("phase-plane", m, spec, 0, idx, &lo, &hi);
        if (rc) return rc;
        pl->lo[*idx] = lo, pl->hi[*idx] = hi;
        return EXIT_OK;
    }
    (void)a;
    if ((size_t)fallback >= m->n_vars) return cli_usage_error("phase-plane", "model %s has fewer than 2 variables", m->name);
    *idx = fallback;
    int *all = calloc(m->n_vars, sizeof *all); /* "given": every variable but this axis */
    double *lo = malloc(2 * m->n_vars * sizeof *lo);
    int rc = all && lo ? EXIT_OK : (fprintf(stderr, "neurodyn phase-plane: out of memory\n"), EXIT_FAILED);
    for (size_t i = 0; !rc && i < m->n_vars; i++) all[i] = (int)i != fallback; /* only this axis */
    if (!rc) rc = cli_region_from_model("phase-plane", m, p, pl->at, lo, lo + m->n_vars, all, NULL);
    if (!rc) pl->lo[fallback] = lo[fallback], pl->hi[fallback] = lo[m->n_vars + fallback];
    free(all), free(lo);
    return rc;
}

/* Parses "V=-2.8,w=-1.8" into x (starting from the plane's fixed values). */
static int parse_point(const nd_model *m, const char *spec, double *x)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", spec);
    nd_error err;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ","))
        if (nd_model_set_var(m, x, tok, &err)) return cli_error("phase-plane", &err);
    return EXIT_OK;
}

/* Trajectories from each start, forward then backward, in the portrait's layout (two per start),
 * sampled every dt_out: 0 keeps every step of the adaptive integrator, so a spike is drawn from
 * many points and a slow stretch from few. */
static nd_status add_trajectories(const nd_model *m, const nd_region *r, const double *starts, size_t n, double t1,
                                  double dt_out, nd_phase_portrait *pp, nd_error *err)
{
    nd_trajectory *tr = realloc(pp->traj, (2 * n + 1) * sizeof *tr);
    if (!tr) return nd_fail(err, ND_ENOMEM, "phase portrait: no memory for %zu trajectories", 2 * n);
    pp->traj = tr;
    for (size_t k = 0; k < n; k++)
        for (int dir = 0; dir < 2; dir++) {
            nd_status st = nd_phase_trajectory(m, pp->p, r, starts + k * m->n_vars, dir ? -t1 : t1, dt_out,
                                               &pp->traj[pp->n_traj], err);
            if (st) return st;
            pp->n_traj++;
        }
    return ND_OK;
}

static json_t *axis_json(const nd_model *m, const plane *pl, int i)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(m->var_names[i]));
    json_object_set_new(o, "lo", cli_json_real(pl->lo[i]));
    json_object_set_new(o, "hi", cli_json_real(pl->hi[i]));
    return o;
}

static json_t *reals(size_t n, const double *v)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(a, cli_json_real(v[i]));
    return a;
}

/* Each piece of a nullcline: its points ("x", "y": the first and second free variable in model
 * order, as in the TSV files) and whether it closed. */
static json_t *nullcline_json(const nd_nullclines *nc)
{
    json_t *pieces = json_array();
    for (size_t c = 0; c < nc->n_curves; c++) {
        const nd_curve *cv = &nc->curves[c];
        json_t *o = json_object();
        json_object_set_new(o, "x", reals(cv->n, cv->x));
        json_object_set_new(o, "y", reals(cv->n, cv->y));
        json_object_set_new(o, "closed", json_boolean(cv->closed));
        json_array_append_new(pieces, o);
    }
    return pieces;
}

static json_t *fixed_point_json(const nd_model *m, const nd_fixed_point *fp)
{
    json_t *o = json_object(), *state = json_object(), *eig = json_array();
    for (size_t v = 0; v < m->n_vars; v++) json_object_set_new(state, m->var_names[v], cli_json_real(fp->x[v]));
    for (int k = 0; k < 2; k++) { /* the plane's two eigenvalues, as [re, im] */
        json_t *pair = json_array();
        json_array_append_new(pair, cli_json_real(fp->eig_re[k]));
        json_array_append_new(pair, cli_json_real(fp->eig_im[k]));
        json_array_append_new(eig, pair);
    }
    json_object_set_new(o, "state", state);
    json_object_set_new(o, "stability", json_string(fp->type));
    json_object_set_new(o, "stable", json_boolean(fp->stable));
    json_object_set_new(o, "eigenvalues", eig);
    return o;
}

static int print_json(const pp_args *a, const nd_model *m, const plane *pl, const nd_phase_portrait *pp)
{
    json_t *doc = json_object(), *pieces = json_object(), *curves = json_object(), *fps = json_array();
    json_object_set_new(doc, "model", json_string(m->name));
    json_object_set_new(doc, "x", axis_json(m, pl, pl->ix));
    json_object_set_new(doc, "y", axis_json(m, pl, pl->iy));
    for (int k = 0; k < 2; k++) {
        const char *name = m->var_names[pp->nullcline[k].var];
        json_object_set_new(pieces, name, json_integer((json_int_t)pp->nullcline[k].n_curves));
        json_object_set_new(curves, name, nullcline_json(&pp->nullcline[k]));
    }
    json_object_set_new(doc, "nullcline_pieces", pieces);
    json_object_set_new(doc, "nullclines", curves);
    for (size_t i = 0; i < pp->fixed_points.n; i++) json_array_append_new(fps, fixed_point_json(m, &pp->fixed_points.points[i]));
    json_object_set_new(doc, "fixed_points", fps);
    json_object_set_new(doc, "outdir", a->outdir ? json_string(a->outdir) : json_null()); /* null: no files */
    return cli_json_print(doc);
}

static int run(const void *args, const nd_model *m, double *p, double *x)
{
    const pp_args *a = args;
    const char *cmd = "phase-plane";
    nd_error err;
    size_t n = m->n_vars;
    plane pl = {0, 0, calloc(n, sizeof(double)), calloc(n, sizeof(double)), x, calloc(n, sizeof(int))};
    int rc = pl.lo && pl.hi && pl.fixed ? EXIT_OK : EXIT_FAILED;
    for (int i = 0; !rc && i < a->n_sets; i++)
        if (nd_model_set_par(m, p, a->sets[i], &err)) rc = cli_error(cmd, &err);
    for (int i = 0; !rc && i < a->n_fixes; i++)
        if (nd_model_set_var(m, x, a->fixes[i], &err)) rc = cli_error(cmd, &err);
    if (!rc) rc = axis(a, m, p, a->xr, 0, &pl.ix, &pl);
    if (!rc) rc = axis(a, m, p, a->yr, 1, &pl.iy, &pl);
    if (!rc && pl.ix == pl.iy) rc = cli_usage_error(cmd, "--x and --y name the same variable %s", m->var_names[pl.ix]);
    if (!rc) {
        for (size_t v = 0; v < n; v++) pl.fixed[v] = (int)v != pl.ix && (int)v != pl.iy;
        if (a->outdir) rc = cli_make_dir("phase-plane", a->outdir);
    }
    /* every --traj point, checked before any file is written; without any, the initial state */
    size_t n_starts = a->n_trajs ? (size_t)a->n_trajs : 1;
    double *starts = malloc(n_starts * n * sizeof *starts);
    if (!starts) rc = EXIT_FAILED;
    for (size_t k = 0; !rc && k < n_starts; k++) {
        memcpy(starts + k * n, x, n * sizeof *starts);
        if (a->n_trajs) rc = parse_point(m, a->trajs[k], starts + k * n);
    }
    nd_region r = {pl.lo, pl.hi, pl.fixed, x};
    nd_phase_opts o = {a->grid, a->t1, 0, NULL, pl.ix}; /* the trajectories follow, sampled as asked */
    nd_phase_portrait pp = {0};
    if (!rc && nd_phase_portrait_compute(m, p, &r, &o, &pp, &err)) rc = cli_error(cmd, &err);
    if (!rc && add_trajectories(m, &r, starts, n_starts, a->t1, a->sample, &pp, &err)) rc = cli_error(cmd, &err);
    free(starts);
    if (!rc && a->plot && nd_plot_phase_portrait(&pp, a->outdir, a->plot, &err) == ND_PLOT_FAILED) rc = cli_error(cmd, &err);
    else if (!rc && !a->plot && a->outdir && nd_write_phase_portrait(&pp, a->outdir, &err)) rc = cli_error(cmd, &err);
    const nd_fp_result fps = pp.fixed_points;
    size_t px = pp.nullcline[0].n_curves, py = pp.nullcline[1].n_curves;
    if (!rc && a->json) rc = print_json(a, m, &pl, &pp);
    else if (!rc)
        printf("phase plane of %s in %s: %zu fixed point%s, nullclines %zu + %zu pieces\n", m->name, a->outdir, fps.n,
               fps.n == 1 ? "" : "s", px, py);
    nd_phase_portrait_free(&pp);
    free(pl.lo), free(pl.hi), free(pl.fixed);
    return rc;
}

int cmd_phase_plane(int argc, char **argv)
{
    pp_args a = {0};
    a.t1 = 100, a.grid = 20;
    a.sets = calloc((size_t)argc, sizeof *a.sets);
    a.fixes = calloc((size_t)argc, sizeof *a.fixes);
    a.trajs = calloc((size_t)argc, sizeof *a.trajs);
    int rc = (a.sets && a.fixes && a.trajs) ? parse(argc, argv, &a) : EXIT_FAILED;
    if (rc == 0) rc = cli_check_plot_file("phase-plane", a.plot);
    if (rc == 0) a.outdir = cli_output_folder("phase-plane", a.outdir, "phase_plane", a.json, a.plot != NULL);
    if (rc == 0) {
        rc = cli_with_model("phase-plane", a.model, run, &a);
    }
    free(a.sets), free(a.fixes), free(a.trajs);
    return rc < 0 ? EXIT_OK : rc;
}
