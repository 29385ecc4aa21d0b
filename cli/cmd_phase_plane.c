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
    "  --t1 T             duration of trajectories and separatrices (default 100)\n"
    "  --grid N           vector-field grid N x N (default 20) and nullcline seeding 5N\n"
    "  --outdir DIR       output folder (default: phase_plane)\n"
    "  --plot FILE        also draw the phase portrait (PNG, SVG or PDF)\n"
    "  --json             print a JSON summary on stdout\n";

typedef struct pp_args {
    const char *model, *xr, *yr, *outdir, *plot;
    const char **sets, **fixes, **trajs;
    int n_sets, n_fixes, n_trajs, json;
    double t1;
    unsigned long grid;
} pp_args;

enum { O_X = 1000, O_Y, O_SET, O_FIX, O_TRAJ, O_T1, O_GRID, O_OUTDIR, O_PLOT, O_JSON, O_HELP };

static int parse(int argc, char **argv, pp_args *a)
{
    static const struct option opts[] = {
        {"x", required_argument, 0, O_X},         {"y", required_argument, 0, O_Y},
        {"set", required_argument, 0, O_SET},     {"fix", required_argument, 0, O_FIX},
        {"traj", required_argument, 0, O_TRAJ},   {"t1", required_argument, 0, O_T1},
        {"grid", required_argument, 0, O_GRID},   {"outdir", required_argument, 0, O_OUTDIR},
        {"plot", required_argument, 0, O_PLOT},   {"json", no_argument, 0, O_JSON},
        {"help", no_argument, 0, O_HELP},         {0, 0, 0, 0}};
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
        case O_GRID: rc = cli_count("phase-plane", "grid", optarg, 2, 2000, &a->grid); break;
        case O_OUTDIR: a->outdir = optarg; break;
        case O_PLOT: a->plot = optarg; break;
        case O_JSON: a->json = 1; break;
        case 'h':
        case O_HELP: fputs(HELP, stdout); return -1;
        default: return cli_usage_error("phase-plane", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
        if (rc) return rc;
    }
    if (cli_model_arg("phase-plane", argc, argv, &a->model)) return EXIT_USAGE;
    if (!(a->t1 > 0)) return cli_usage_error("phase-plane", "--t1 %g must be > 0", a->t1);
    return 0;
}

/* The plane: two variables with their ranges; all others fixed. */
typedef struct plane {
    int ix, iy;
    double *lo, *hi, *at;
    int *fixed;
} plane;

static int axis(const pp_args *a, const nd_model *m, const char *spec, int fallback, int *idx, plane *pl)
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
    if (!m->var_lo || !m->var_hi)
        return cli_usage_error("phase-plane", "model %s declares no default box: give --x and --y", m->name);
    *idx = fallback;
    pl->lo[fallback] = m->var_lo[fallback], pl->hi[fallback] = m->var_hi[fallback];
    return EXIT_OK;
}

static int write_nullclines(const pp_args *a, const nd_model *m, const double *p, const nd_region *r,
                            const plane *pl, int var, size_t *pieces)
{
    nd_error err;
    nd_nullclines nc;
    if (nd_nullclines_trace(m, p, r, var, 5 * a->grid, &nc, &err)) return cli_error("phase-plane", &err);
    char name[256];
    snprintf(name, sizeof name, "nullcline_%s.tsv", m->var_names[var]);
    FILE *f = cli_open_out("phase-plane", a->outdir, name);
    if (!f) return nd_nullclines_free(&nc), EXIT_FAILED;
    /* pieces separated by blank lines: gnuplot draws each as its own line */
    fprintf(f, "piece\t%s\t%s\n", m->var_names[pl->ix], m->var_names[pl->iy]);
    for (size_t c = 0; c < nc.n_curves; c++) {
        if (c) fprintf(f, "\n\n");
        for (size_t i = 0; i < nc.curves[c].n; i++)
            fprintf(f, "%zu\t%.12g\t%.12g\n", c, nc.curves[c].x[i], nc.curves[c].y[i]);
    }
    *pieces = nc.n_curves;
    nd_nullclines_free(&nc);
    return fclose(f) ? EXIT_FAILED : EXIT_OK;
}

static int write_field(const pp_args *a, const nd_model *m, const double *p, const nd_region *r, const plane *pl)
{
    nd_error err;
    nd_vector_field vf;
    if (nd_vector_field_grid(m, p, r, a->grid, a->grid, &vf, &err)) return cli_error("phase-plane", &err);
    FILE *f = cli_open_out("phase-plane", a->outdir, "vector_field.tsv");
    if (!f) return nd_vector_field_free(&vf), EXIT_FAILED;
    const char *X = m->var_names[pl->ix], *Y = m->var_names[pl->iy];
    fprintf(f, "%s\t%s\td%s\td%s\td%s_unit\td%s_unit\n", X, Y, X, Y, X, Y);
    for (size_t j = 0; j < vf.ny; j++)
        for (size_t i = 0; i < vf.nx; i++) {
            size_t k = j * vf.nx + i;
            fprintf(f, "%.10g\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\n", vf.x[i], vf.y[j], vf.u[k], vf.v[k], vf.un[k], vf.vn[k]);
        }
    nd_vector_field_free(&vf);
    return fclose(f) ? EXIT_FAILED : EXIT_OK;
}

static void write_traj_rows(FILE *f, const nd_trajectory *tr, int branch, const char *kind)
{
    for (size_t i = 0; i < tr->n; i++) {
        fprintf(f, "%d\t%s\t%.10g", branch, kind, tr->t[i]);
        for (size_t v = 0; v < tr->n_vars; v++) fprintf(f, "\t%.10g", tr->x[i * tr->n_vars + v]);
        fputc('\n', f);
    }
    fprintf(f, "\n\n");
}

static void traj_header(FILE *f, const nd_model *m)
{
    fprintf(f, "branch\tkind\tt");
    for (size_t v = 0; v < m->n_vars; v++) fprintf(f, "\t%s", m->var_names[v]);
    fputc('\n', f);
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

/* Direction arrows for the plot: the unit flow direction at every 80th sample. */
static void write_arrows(FILE *f, const nd_model *m, const double *p, const nd_trajectory *tr, const plane *pl)
{
    double *dx = malloc(m->n_vars * sizeof *dx);
    for (size_t i = 40; dx && i < tr->n; i += 80) {
        const double *x = tr->x + i * tr->n_vars;
        m->rhs(tr->t[i], x, p, dx);
        double u = dx[pl->ix] / (pl->hi[pl->ix] - pl->lo[pl->ix]), v = dx[pl->iy] / (pl->hi[pl->iy] - pl->lo[pl->iy]);
        double len = hypot(u, v);
        if (len > 0 && isfinite(len)) fprintf(f, "%.10g\t%.10g\t%.6g\t%.6g\n", x[pl->ix], x[pl->iy], u / len, v / len);
    }
    free(dx);
}

static int write_trajectories(const pp_args *a, const nd_model *m, const double *p, const nd_region *r, const plane *pl)
{
    FILE *f = cli_open_out("phase-plane", a->outdir, "trajectories.tsv");
    FILE *arrows = cli_open_out("phase-plane", a->outdir, "trajectory_arrows.tsv");
    if (!f || !arrows) {
        if (f) fclose(f);
        if (arrows) fclose(arrows);
        return EXIT_FAILED;
    }
    fprintf(arrows, "%s\t%s\tdir_%s\tdir_%s\n", m->var_names[pl->ix], m->var_names[pl->iy], m->var_names[pl->ix],
            m->var_names[pl->iy]);
    traj_header(f, m);
    int rc = EXIT_OK;
    for (int k = 0; k < a->n_trajs && !rc; k++) {
        double *x0 = malloc(m->n_vars * sizeof *x0);
        if (!x0) {
            rc = EXIT_FAILED;
            break;
        }
        memcpy(x0, r->at, m->n_vars * sizeof *x0);
        rc = parse_point(m, a->trajs[k], x0);
        for (int dir = 0; dir < 2 && !rc; dir++) {
            nd_trajectory tr;
            nd_error err;
            if (nd_phase_trajectory(m, p, r, x0, dir ? -a->t1 : a->t1, a->t1 / 1000, &tr, &err)) {
                rc = cli_error("phase-plane", &err);
                break;
            }
            write_traj_rows(f, &tr, k, dir ? "backward" : "forward");
            write_arrows(arrows, m, p, &tr, pl);
            nd_trajectory_free(&tr);
        }
        free(x0);
    }
    int bad = fclose(f) | fclose(arrows);
    return rc ? rc : bad ? EXIT_FAILED : EXIT_OK;
}

static int write_fixed_points(const pp_args *a, const nd_model *m, const double *p, const nd_region *r,
                              const nd_fp_result *fps)
{
    FILE *f = cli_open_out("phase-plane", a->outdir, "fixed_points.tsv");
    FILE *s = cli_open_out("phase-plane", a->outdir, "separatrices.tsv");
    if (!f || !s) {
        if (f) fclose(f);
        if (s) fclose(s);
        return EXIT_FAILED;
    }
    for (size_t v = 0; v < m->n_vars; v++) fprintf(f, "%s%s", v ? "\t" : "", m->var_names[v]);
    fprintf(f, "\tstable\ttype\n");
    traj_header(s, m);
    int branch = 0, rc = EXIT_OK;
    for (size_t i = 0; i < fps->n; i++) {
        const nd_fixed_point *fp = &fps->points[i];
        for (size_t v = 0; v < m->n_vars; v++) fprintf(f, "%s%.12g", v ? "\t" : "", fp->x[v]);
        fprintf(f, "\t%d\t%s\n", fp->stable, fp->type);
        if (strcmp(fp->type, "saddle node") != 0) continue; /* BrainPy's name for a 2D saddle */
        nd_separatrices sep;
        nd_error err;
        if (nd_separatrices_2d(m, p, r, fp, a->t1, &sep, &err)) {
            rc = cli_error("phase-plane", &err);
            break;
        }
        for (size_t b = 0; b < sep.n; b++) write_traj_rows(s, &sep.branch[b], branch++, sep.unstable[b] ? "unstable" : "stable");
        nd_separatrices_free(&sep);
    }
    int bad = fclose(f) | fclose(s);
    return rc ? rc : bad ? EXIT_FAILED : EXIT_OK;
}

static void print_json(const pp_args *a, const nd_model *m, const plane *pl, const nd_fp_result *fps,
                       size_t pieces_x, size_t pieces_y)
{
    printf("{\"model\": ");
    cli_json_string(stdout, m->name);
    printf(", \"x\": {\"name\": ");
    cli_json_string(stdout, m->var_names[pl->ix]);
    printf(", \"lo\": %.17g, \"hi\": %.17g}, \"y\": {\"name\": ", pl->lo[pl->ix], pl->hi[pl->ix]);
    cli_json_string(stdout, m->var_names[pl->iy]);
    printf(", \"lo\": %.17g, \"hi\": %.17g}, \"nullcline_pieces\": {", pl->lo[pl->iy], pl->hi[pl->iy]);
    cli_json_string(stdout, m->var_names[pl->ix]);
    printf(": %zu, ", pieces_x);
    cli_json_string(stdout, m->var_names[pl->iy]);
    printf(": %zu}, \"fixed_points\": [", pieces_y);
    for (size_t i = 0; i < fps->n; i++) {
        printf("%s{\"state\": {", i ? ", " : "");
        for (size_t v = 0; v < m->n_vars; v++) {
            printf("%s", v ? ", " : "");
            cli_json_string(stdout, m->var_names[v]);
            printf(": %.17g", fps->points[i].x[v]);
        }
        printf("}, \"stability\": ");
        cli_json_string(stdout, fps->points[i].type);
        printf("}");
    }
    printf("], \"outdir\": ");
    cli_json_string(stdout, a->outdir);
    printf("}\n");
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
    if (!rc) rc = axis(a, m, a->xr, 0, &pl.ix, &pl);
    if (!rc) rc = axis(a, m, a->yr, 1, &pl.iy, &pl);
    if (!rc && pl.ix == pl.iy) rc = cli_usage_error(cmd, "--x and --y name the same variable %s", m->var_names[pl.ix]);
    if (!rc) {
        for (size_t v = 0; v < n; v++) pl.fixed[v] = (int)v != pl.ix && (int)v != pl.iy;
        rc = cli_make_dir("phase-plane", a->outdir);
    }
    /* check every --traj point before any file is written */
    double *probe = malloc(n * sizeof *probe);
    if (!probe) rc = EXIT_FAILED;
    for (int k = 0; !rc && k < a->n_trajs; k++) {
        memcpy(probe, x, n * sizeof *probe);
        rc = parse_point(m, a->trajs[k], probe);
    }
    free(probe);
    nd_region r = {pl.lo, pl.hi, pl.fixed, x};
    nd_fp_result fps = {0};
    size_t px = 0, py = 0;
    if (!rc && nd_fixed_points(m, p, &r, NULL, &fps, &err)) rc = cli_error(cmd, &err);
    if (!rc) rc = write_nullclines(a, m, p, &r, &pl, pl.ix, &px);
    if (!rc) rc = write_nullclines(a, m, p, &r, &pl, pl.iy, &py);
    if (!rc) rc = write_field(a, m, p, &r, &pl);
    if (!rc) rc = write_fixed_points(a, m, p, &r, &fps);
    if (!rc) rc = write_trajectories(a, m, p, &r, &pl);
    if (!rc && a->plot) {
        char xl[96], yl[96];
        nd_phase_plot spec = {a->outdir, m->name, nd_model_var_label(m, (size_t)pl.ix, xl, sizeof xl),
                              nd_model_var_label(m, (size_t)pl.iy, yl, sizeof yl), pl.ix, pl.iy, n,
                              pl.lo[pl.ix], pl.hi[pl.ix], pl.lo[pl.iy], pl.hi[pl.iy]};
        nd_plot_status ps = nd_plot_phase_plane(&spec, a->plot, &err);
        if (ps == ND_PLOT_FAILED) rc = cli_error(cmd, &err);
    }
    if (!rc && a->json) print_json(a, m, &pl, &fps, px, py);
    else if (!rc)
        printf("phase plane of %s in %s: %zu fixed point%s, nullclines %zu + %zu pieces\n", m->name, a->outdir, fps.n,
               fps.n == 1 ? "" : "s", px, py);
    nd_fp_result_free(&fps);
    free(pl.lo), free(pl.hi), free(pl.fixed);
    return rc;
}

int cmd_phase_plane(int argc, char **argv)
{
    pp_args a = {0};
    a.t1 = 100, a.grid = 20, a.outdir = "phase_plane";
    a.sets = calloc((size_t)argc, sizeof *a.sets);
    a.fixes = calloc((size_t)argc, sizeof *a.fixes);
    a.trajs = calloc((size_t)argc, sizeof *a.trajs);
    int rc = (a.sets && a.fixes && a.trajs) ? parse(argc, argv, &a) : EXIT_FAILED;
    if (rc == 0) rc = cli_check_plot_file("phase-plane", a.plot);
    if (rc == 0) {
        rc = cli_with_model("phase-plane", a.model, run, &a);
    }
    free(a.sets), free(a.fixes), free(a.trajs);
    return rc < 0 ? EXIT_OK : rc;
}
