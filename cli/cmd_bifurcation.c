/* neurodyn bifurcation MODEL --par NAME=LO:HI [...]: the one-parameter equilibrium diagram by
 * continuation (LP, H with l1, BP with branch switching), optionally with the brute-force
 * sweep (BrainPy's Bifurcation): fixed points and attractor extremes on a parameter grid. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "neurodyn/progress.h"
#include "restart.h"

static const char *HELP =
    "usage: neurodyn bifurcation MODEL --par NAME=LO:HI [options]\n"
    "\n"
    "Follows every branch of equilibria that crosses the box: the equilibria at both ends of\n"
    "the range and at 7 values inside it are continued (each branch once), detecting folds (LP,\n"
    "with the fold coefficient), Hopf points (H, with the first Lyapunov coefficient: sub-,\n"
    "supercritical or degenerate) and branch points (BP, whose other branch is followed too).\n"
    "Writes branches.tsv and special_points.tsv in DIR; --brute adds the grid sweep brute.tsv\n"
    "(fixed points and, from simulation, the attractor's max/min of every variable).\n"
    "Steps are fractions of the box: the diagram does not depend on the model's units.\n"
    "\n"
    "  --par NAME=LO:HI   the bifurcation parameter and its range (default: the model's)\n"
    "  --range V=LO:HI    box of a variable (default: the model's box); repeatable\n"
    "  --set NAME=VALUE   set a parameter; repeatable\n"
    "  --fix NAME=VALUE   hold a variable (diagram of a slice, e.g. a fast subsystem)\n"
    "  --cycles           limit cycles by orthogonal collocation: from every Hopf point, and\n"
    "                     through every stable cycle found by simulating the model at 5 values\n"
    "                     of the parameter (a class-I neuron's family ending at its SNIC);\n"
    "                     each to its natural end (Hopf point, range, box, homoclinic orbit\n"
    "                     or SNIC). cycles.tsv: period, max/min, stability; LPC, PD, NS,\n"
    "                     BPC (branch point of cycles)\n"
    "  --cycle-from P=V   also continue the cycles found by simulation at parameter value V\n"
    "                     (repeatable; implies --cycles)\n"
    "  --from DIR:LABEL   restart from special point LABEL of an earlier diagram (the label\n"
    "                     column of DIR/special_points.tsv, or FILE:LABEL): from an LP, H\n"
    "                     or BP the equilibrium branch through it, both ways (with --cycles\n"
    "                     the cycles from its Hopf points); from LPC, PD, NS, BPC, HC or\n"
    "                     SNIC the cycles found by simulation at its value (as --cycle-from)\n"
    "  --cycle-scan N     simulate at N values for --cycles (default 5, 0: Hopf points only)\n"
    "  --pd-depth N       for --cycles, follow the period-doubled branch from every period\n"
    "                     doubling (PD), and its PDs in turn, up to N doublings (default 3:\n"
    "                     the 2T, 4T and 8T branches of a cascade; 0: none), where a stable\n"
    "                     cycle doubles\n"
    "  --pd-unstable      also at the PDs of cycles unstable on both sides\n"
    "  --bpc-depth N      for --cycles, follow the other branch through every branch point\n"
    "                     of cycles (BPC: a symmetric cycle's pitchfork), both halves, and\n"
    "                     the BPCs on it in turn, up to N switches (default 1; 0: none)\n"
    "  --brute            also the brute-force sweep\n"
    "  --grid N           points of the sweep (default 200)\n"
    "  --t1 T             simulated time per sweep point (default 500), --transient T (250)\n"
    "  --outdir DIR       output folder (default: bifurcation; with --json and neither --plot\n"
    "                     nor --brute, no files unless --outdir is given)\n"
    "  --plot FILE        draw the diagram of the first free variable (PNG, SVG or PDF)\n"
    "  --var NAME         the variable the plot shows\n"
    "  --json             print the diagram as JSON on stdout\n"
    "  --quiet            no progress line (shown only on a terminal, on stderr, while\n"
    "                     cycles are continued)\n"
    "\n"
    CLI_TIMEOUT_HELP;

typedef struct bif_args {
    const char *model, *par, *outdir, *plot, *var, *from;
    const char **ranges, **sets, **fixes, **cycle_from;
    int n_ranges, n_sets, n_fixes, n_cycle_from, brute, cycles, json, quiet, pd_unstable, cycle_restart;
    double t1, transient, restart_at; /* restart_at, restart_x: a cycle point's (cycle_restart) */
    const double *restart_x;
    unsigned long grid, scan, pd_depth, bpc_depth;
    cli_run_control run;
} bif_args;

enum { O_PAR = 1000, O_RANGE, O_SET, O_FIX, O_BRUTE, O_CYCLES, O_CYCLE_FROM, O_FROM, O_SCAN, O_PD_DEPTH, O_PD_UNSTABLE, O_BPC_DEPTH, O_GRID, O_T1, O_TRANS, O_OUTDIR,
       O_PLOT, O_VAR, O_JSON, O_QUIET, O_HELP, O_RUN };

static int parse(int argc, char **argv, bif_args *a)
{
    static const struct option opts[] = {
        {"par", required_argument, 0, O_PAR},     {"range", required_argument, 0, O_RANGE},
        {"set", required_argument, 0, O_SET},     {"fix", required_argument, 0, O_FIX},
        {"brute", no_argument, 0, O_BRUTE},       {"grid", required_argument, 0, O_GRID},
        {"cycles", no_argument, 0, O_CYCLES},     {"cycle-from", required_argument, 0, O_CYCLE_FROM},
        {"from", required_argument, 0, O_FROM},   {"cycle-scan", required_argument, 0, O_SCAN}, {"pd-depth", required_argument, 0, O_PD_DEPTH},
        {"pd-unstable", no_argument, 0, O_PD_UNSTABLE}, {"bpc-depth", required_argument, 0, O_BPC_DEPTH},
        CLI_RUN_CONTROL_OPTIONS(O_RUN),
        {"t1", required_argument, 0, O_T1},       {"transient", required_argument, 0, O_TRANS},
        {"outdir", required_argument, 0, O_OUTDIR}, {"plot", required_argument, 0, O_PLOT},
        {"var", required_argument, 0, O_VAR},     {"json", no_argument, 0, O_JSON},
        {"quiet", no_argument, 0, O_QUIET},       CLI_TIMEOUT_OPTION, {"help", no_argument, 0, O_HELP},
        {0, 0, 0, 0}};
    opterr = 0;
    optind = 1;
    int c, rc = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case O_PAR: a->par = optarg; break;
        case O_RANGE: a->ranges[a->n_ranges++] = optarg; break;
        case O_SET: a->sets[a->n_sets++] = optarg; break;
        case O_FIX: a->fixes[a->n_fixes++] = optarg; break;
        case O_BRUTE: a->brute = 1; break;
        case O_CYCLES: a->cycles = 1; break;
        case O_CYCLE_FROM: a->cycle_from[a->n_cycle_from++] = optarg, a->cycles = 1; break;
        case O_FROM: a->from = optarg; break;
        case O_SCAN: rc = cli_count("bifurcation", "cycle-scan", optarg, 0, 1000, &a->scan); break;
        case O_PD_DEPTH: rc = cli_count("bifurcation", "pd-depth", optarg, 0, 10, &a->pd_depth); break;
        case O_PD_UNSTABLE: a->pd_unstable = 1; break;
        case O_BPC_DEPTH: rc = cli_count("bifurcation", "bpc-depth", optarg, 0, 10, &a->bpc_depth); break;
        case O_GRID: rc = cli_count("bifurcation", "grid", optarg, 2, 100000, &a->grid); break;
        case O_T1: rc = cli_number("bifurcation", "t1", optarg, &a->t1); break;
        case O_TRANS: rc = cli_number("bifurcation", "transient", optarg, &a->transient); break;
        case O_OUTDIR: a->outdir = optarg; break;
        case O_PLOT: a->plot = optarg; break;
        case O_VAR: a->var = optarg; break;
        case O_JSON: a->json = 1; break;
        case O_QUIET: a->quiet = 1; break;
        case CLI_O_TIMEOUT: rc = cli_timeout_option("bifurcation", optarg); break;
        case 'h':
        case O_HELP: fputs(HELP, stdout), fputs(CLI_RUN_CONTROL_HELP, stdout); return -1;
        default:
            if (c >= O_RUN && c < O_RUN + 5) {
                rc = cli_run_control_option("bifurcation", c - O_RUN, optarg, &a->run);
                break;
            }
            return cli_usage_error("bifurcation", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
        if (rc) return rc;
    }
    if (cli_model_arg("bifurcation", argc, argv, &a->model)) return EXIT_USAGE;
    if (!(a->t1 > 0) || !(a->transient >= 0) || a->transient >= a->t1)
        return cli_usage_error("bifurcation", "need 0 <= --transient (%g) < --t1 (%g)", a->transient, a->t1);
    if (cli_check_plot_file("bifurcation", a->plot)) return EXIT_USAGE;
    return 0;
}

static int cycles_from_starts(const bif_args *a, const nd_model *m, const double *p, const nd_region *r,
                              const nd_bif_diagram *d, double plo, double phi, size_t scan, nd_cycle_set *cs);

/* The cycle branches: from the Hopf points, through the cycles simulated at the scan values and
 * at every --cycle-from value, with a progress line on a terminal. */
static int compute_cycles(const bif_args *a, const nd_model *m, const double *p, const nd_region *r,
                          const nd_bif_diagram *d, double plo, double phi, nd_cycle_set *cs)
{
    const char *cmd = "bifurcation";
    if (d->n_free < 2) {
        fprintf(stderr, "neurodyn %s: limit cycles need two free variables; %s has %zu: no cycles\n", cmd, m->name,
                d->n_free);
        return EXIT_OK;
    }
    cs->ntst = a->run.ntst, cs->ncol = a->run.ncol;
    nd_cycle_set_opts_init(&cs->opts);
    cli_run_control_apply(&a->run, &cs->opts);
    int slice = 0;
    for (size_t v = 0; v < m->n_vars; v++) slice |= r->fixed && r->fixed[v];
    size_t scan = slice || m->spike || a->from ? 0 : a->scan; /* a restart is local: no scan */
    /* the starts, each counted 1 by the cycle set: Hopf points, scan values, --cycle-from */
    size_t starts = scan + (size_t)a->n_cycle_from + (size_t)a->cycle_restart;
    for (size_t b = 0; b < d->n_branches; b++)
        for (size_t s = 0; s < d->branches[b].n_special; s++) starts += d->branches[b].special[s].test == ND_EQ_H;
    nd_progress *bar = a->quiet ? NULL : nd_progress_start("neurodyn bifurcation", "cycle starts", (double)starts, stderr, 0);
    cs->progress = bar ? nd_progress_callback : NULL, cs->progress_ctx = bar;
    int rc = cycles_from_starts(a, m, p, r, d, plo, phi, scan, cs);
    nd_progress_finish(bar);
    cs->progress = NULL, cs->progress_ctx = NULL;
    if (!rc && cs->n_failed)
        fprintf(stderr, "neurodyn %s: %zu cycle%s could not be continued (a bursting orbit may need more --ntst); "
                "the last: %s\n", cmd, cs->n_failed, cs->n_failed == 1 ? "" : "s", cs->failure);
    return rc;
}

/* The cycle branches from the Hopf points of d, the scan values and every --cycle-from value. */
static int cycles_from_starts(const bif_args *a, const nd_model *m, const double *p, const nd_region *r,
                              const nd_bif_diagram *d, double plo, double phi, size_t scan, nd_cycle_set *cs)
{
    const char *cmd = "bifurcation";
    nd_error err;
    unsigned depth = (unsigned)a->pd_depth;
    if (!a->cycle_restart && nd_cycles_from_hopf(d, p, r, plo, phi, cs, &err)) return cli_error(cmd, &err);
    if (scan && nd_cycles_from_scan(d, p, r, plo, phi, scan, cs, &err)) return cli_error(cmd, &err);
    for (int i = 0; i < a->n_cycle_from; i++) {
        int par;
        double at;
        int rc = cli_parse_value(cmd, m, a->cycle_from[i], &par, &at);
        if (rc) return rc;
        if (par != d->par)
            return cli_usage_error(cmd, "--cycle-from %s: the diagram's parameter is %s", a->cycle_from[i],
                                   m->par_names[d->par]);
        size_t found = 0;
        if (nd_cycles_at(d, p, r, at, plo, phi, cs, &found, &err)) return cli_error(cmd, &err);
        if (!found) nd_progress_clear(cs->progress_ctx); /* the message on a line of its own */
        if (!found)
            fprintf(stderr, "neurodyn %s: no new stable cycle found by simulation at %s = %g (none, or one already "
                    "on a branch)\n", cmd, m->par_names[par], at);
    }
    if (a->cycle_restart) {
        size_t found = 0;
        int rc = cli_restart_cycles(cmd, d, p, r, a->restart_x, a->restart_at, plo, phi, cs, &found);
        if (!rc && !found && nd_cycles_at(d, p, r, a->restart_at, plo, phi, cs, &found, &err)) rc = cli_error(cmd, &err);
        if (rc) return rc;
        nd_progress_clear(cs->progress_ctx);
        if (!found)
            fprintf(stderr, "neurodyn %s: --from: no stable cycle found by simulation at %s = %.10g, the saved "
                    "point's value: no cycle branch\n", cmd, m->par_names[d->par], a->restart_at);
    }
    /* the other branches at branch points of cycles, before the PDs (so those on them double too) */
    if (nd_cycles_from_bpc(d, p, r, plo, phi, (unsigned)a->bpc_depth, cs, &err)) return cli_error(cmd, &err);
    /* last: a doubled cycle that the scan found is then that PD's doubled branch, not a second one */
    if (nd_cycles_from_pd(d, p, r, plo, phi, depth, a->pd_unstable, cs, &err)) return cli_error(cmd, &err);
    /* the homoclinic ends located by the boundary-value problem (a failure keeps the estimate) */
    if (nd_cycle_set_locate_homoclinics(cs, d, p, plo, phi, NULL, &err)) return cli_error(cmd, &err);
    return EXIT_OK;
}

/* The brute-force sweep: at each grid value the fixed points with stability, and from a
 * simulation of the full model the attractor's max/min of every variable after the transient. */
typedef struct extremes {
    const double *at;
    double transient;
    size_t n;
    double *mx, *mn;
} extremes;

static int track(double t, const double *x, void *ctx)
{
    extremes *e = ctx;
    if (t < e->transient) return 0;
    for (size_t v = 0; v < e->n; v++) e->mx[v] = fmax(e->mx[v], x[v]), e->mn[v] = fmin(e->mn[v], x[v]);
    return 0;
}

static int write_brute(const bif_args *a, const nd_model *m, const double *p0, int par, double lo, double hi,
                       const nd_region *r)
{
    FILE *f = cli_open_out("bifurcation", a->outdir, "brute.tsv");
    if (!f) return EXIT_FAILED;
    size_t n = m->n_vars;
    fprintf(f, "kind\t%s", m->par_names[par]);
    for (size_t v = 0; v < n; v++) fprintf(f, "\t%s", m->var_names[v]);
    fprintf(f, "\tstable\n");
    double *p = malloc(m->n_pars * sizeof *p), *x = malloc(n * sizeof *x), *mx = malloc(2 * n * sizeof *mx);
    int rc = p && x && mx ? EXIT_OK : EXIT_FAILED;
    for (unsigned long g = 0; !rc && g < a->grid; g++) {
        memcpy(p, p0, m->n_pars * sizeof *p);
        p[par] = lo + (hi - lo) * (double)g / (double)(a->grid - 1);
        nd_fp_result fr;
        nd_error err;
        if (nd_fixed_points(m, p, r, NULL, &fr, &err)) {
            rc = cli_error("bifurcation", &err);
            break;
        }
        for (size_t i = 0; i < fr.n; i++) {
            fputs("fixed_point\t", f);
            nd_tsv_real(f, p[par]);
            for (size_t v = 0; v < n; v++) fputc('\t', f), nd_tsv_real(f, fr.points[i].x[v]);
            fprintf(f, "\t%d\n", fr.points[i].stable);
        }
        nd_fp_result_free(&fr);
        /* the attractor reached from the model's initial state (fixed variables held) */
        memcpy(x, m->init, n * sizeof *x);
        for (size_t v = 0; v < n; v++) {
            if (r->fixed && r->fixed[v]) x[v] = r->at[v];
            mx[v] = -INFINITY, mx[n + v] = INFINITY;
        }
        extremes e = {r->at, a->transient, n, mx, mx + n};
        nd_trajectory tr;
        if (nd_phase_trajectory(m, p, r, x, a->t1, a->t1 / 5000, &tr, &err)) continue; /* e.g. blow-up: no attractor */
        for (size_t i = 0; i < tr.n; i++) track(tr.t[i], tr.x + i * n, &e);
        nd_trajectory_free(&tr);
        for (int side = 0; side < 2; side++) {
            fprintf(f, "%s\t", side ? "attractor_min" : "attractor_max");
            nd_tsv_real(f, p[par]);
            for (size_t v = 0; v < n; v++) fputc('\t', f), nd_tsv_real(f, mx[side * n + v]);
            fputs("\tnan\n", f);
        }
    }
    free(p), free(x), free(mx);
    int bad = fclose(f);
    return rc ? rc : bad ? EXIT_FAILED : EXIT_OK;
}

static int print_json(const nd_bif_diagram *d, const double *at, const nd_cycle_set *cs, double plo, double phi)
{
    json_t *doc = json_object(), *range = json_array();
    json_object_set_new(doc, "model", json_string(d->m->name));
    json_object_set_new(doc, "parameter", json_string(d->m->par_names[d->par]));
    json_array_append_new(range, json_real(plo)), json_array_append_new(range, json_real(phi));
    json_object_set_new(doc, "range", range);
    json_object_set_new(doc, "branches", cli_json_branches(d, at, cs));
    json_object_set_new(doc, "special_points", cli_json_special_points(d, at, cs, plo, phi));
    return cli_json_print(doc);
}

/* "12 branches" and the count of special points by type, and of branches cut short. */
static void print_summary(const bif_args *a, const nd_model *m, const nd_bif_diagram *d, const nd_cycle_set *cs,
                          double plo, double phi)
{
    size_t count[3] = {0}, cut = 0, cycle_special[5] = {0};
    for (size_t b = 0; b < d->n_branches; b++) {
        for (size_t s = 0; s < d->branches[b].n_special; s++) count[d->branches[b].special[s].test]++;
        cut += d->branches[b].stop == ND_STOP_BUDGET || d->branches[b].stop == ND_STOP_STALLED;
    }
    printf("diagram of %s in %s = %g:%g: %zu equilibrium branch%s (%zu LP, %zu H, %zu BP)", m->name, m->par_names[d->par],
           plo, phi, d->n_branches, d->n_branches == 1 ? "" : "es", count[ND_EQ_LP], count[ND_EQ_H], count[ND_EQ_BP]);
    const char *last_cut = NULL;
    for (size_t c = 0; cs && c < cs->n; c++) {
        const nd_branch *br = &cs->branch[c];
        for (size_t s = 0; s < br->n_special; s++)
            if (br->special[s].test <= ND_CYC_BPC) cycle_special[br->special[s].test]++;
        if (br->stop == ND_STOP_BUDGET || br->stop == ND_STOP_STALLED) cut++, last_cut = br->stop_reason;
    }
    if (a->cycles)
        printf(", %zu cycle branch%s (%zu LPC, %zu PD, %zu NS)", cs->n, cs->n == 1 ? "" : "es", cycle_special[ND_CYC_LPC],
               cycle_special[ND_CYC_PD], cycle_special[ND_CYC_NS]);
    if (a->cycles && cycle_special[ND_CYC_BPC]) printf(" (and %zu BPC)", cycle_special[ND_CYC_BPC]);
    printf(", written to %s\n", a->outdir);
    for (size_t b = 0; b < d->n_branches; b++)
        if (d->branches[b].stop == ND_STOP_BUDGET || d->branches[b].stop == ND_STOP_STALLED) last_cut = d->branches[b].stop_reason;
    if (cut)
        printf("  %zu branch%s cut short (the last: %s); see --max-points and --ds-max\n", cut, cut == 1 ? "" : "es",
               last_cut);
}

/* --from: the saved point's parameter must be this diagram's, its value inside the range; a
 * cycle's point restarts the cycles found by simulation at its value. */
static int restart_checks(const cli_restart *rs, const nd_model *m, int par, double plo, double phi, bif_args *a)
{
    const char *cmd = "bifurcation";
    if (par != rs->par)
        return cli_usage_error(cmd, "--from %s: the saved diagram is in %s, --par gives %s", a->from,
                               m->par_names[rs->par], par >= 0 ? m->par_names[par] : "none");
    if (!(rs->at >= plo && rs->at <= phi))
        return cli_usage_error(cmd, "--from %s: the point's %s = %.10g is outside the range %g:%g", a->from,
                               m->par_names[par], rs->at, plo, phi);
    if (rs->cycle) a->cycles = 1, a->cycle_restart = 1, a->restart_at = rs->at, a->restart_x = rs->x;
    return EXIT_OK;
}

static int run(const void *args, const nd_model *m, double *p, double *x)
{
    const char *cmd = "bifurcation";
    bif_args chosen = *(const bif_args *)args;
    chosen.outdir = cli_output_folder(cmd, chosen.outdir, "bifurcation", chosen.json, chosen.plot || chosen.brute);
    const bif_args *a = &chosen;
    nd_error err;
    size_t n = m->n_vars;
    double *lo = calloc(n, sizeof *lo), *hi = calloc(n, sizeof *hi);
    int *fixed = calloc(n, sizeof *fixed);
    int rc = lo && hi && fixed ? EXIT_OK : EXIT_FAILED, par = -1, plot_var = -1;
    double plo = m->bif_lo, phi = m->bif_hi;
    cli_lists lists = {a->sets, a->fixes, a->ranges, a->n_sets, a->n_fixes, a->n_ranges};
    if (!rc) rc = cli_region(cmd, m, p, x, &lists, lo, hi, fixed);
    cli_restart rs = {0};
    if (!rc && a->from) rc = cli_restart_load(cmd, m, p, a->from, &rs);
    if (!rc && a->par) rc = cli_parse_range(cmd, m, a->par, 1, &par, &plo, &phi);
    else if (!rc && a->from) par = rs.par, plo = rs.lo, phi = rs.hi; /* the saved diagram's range */
    else if (!rc && m->bif_par) par = nd_model_par_index(m, m->bif_par, NULL);
    if (!rc && a->from) rc = restart_checks(&rs, m, par, plo, phi, &chosen);
    if (!rc && a->from) rc = cli_restart_check_outdir(cmd, &rs, a->outdir);
    if (!rc && par < 0) rc = cli_usage_error(cmd, "model %s names no default parameter: give --par NAME=LO:HI", m->name);
    if (!rc && a->var && (plot_var = nd_model_var_index(m, a->var, &err)) < 0) rc = cli_error(cmd, &err);
    if (!rc && a->outdir) rc = cli_make_dir("bifurcation", a->outdir);
    nd_region r = {lo, hi, fixed, x};
    nd_bif_diagram d = {0};
    nd_cont_opts o;
    nd_bif_opts_init(&o);
    cli_run_control_apply(&a->run, &o);
    if (!rc && a->from && !rs.cycle) {
        if (nd_bifurcation_1d_from(m, p, par, plo, phi, &r, &o, rs.x, rs.at, &d, &err)) rc = cli_error(cmd, &err);
    } else if (!rc && nd_bifurcation_1d(m, p, par, plo, phi, &r, &o, &d, &err)) rc = cli_error(cmd, &err);
    if (!rc && d.n_branches == 0)
        fprintf(stderr, "neurodyn bifurcation: no equilibrium of %s in the box for %s in %g:%g: nothing to continue\n",
                m->name, m->par_names[par], plo, phi);
    nd_cycle_set cycles = {0};
    if (!rc && a->cycles) rc = compute_cycles(a, m, p, &r, &d, plo, phi, &cycles);
    if (!rc && a->outdir && nd_write_diagram(&d, a->cycles ? &cycles : NULL, x, a->outdir, &err)) rc = cli_error(cmd, &err);
    if (!rc && a->outdir) rc = cli_write_diagram_info(cmd, a->outdir, m, p, par, plo, phi);
    if (!rc && a->brute) rc = write_brute(a, m, p, par, plo, phi, &r);
    if (!rc && a->plot && d.n_branches == 0)
        fprintf(stderr, "neurodyn bifurcation: nothing to plot, %s not written\n", a->plot);
    else if (!rc && a->plot) {
        int v = plot_var >= 0 ? plot_var : (int)d.free_idx[0];
        char vl[96], pars[512], xl[160];
        nd_bif_plot spec = {a->outdir, m->name, m->par_names[par], nd_model_var_label(m, (size_t)v, vl, sizeof vl), v, n, plo, phi, a->brute, a->cycles, 0, 0, 0, nd_diagram_cut_short(&d, &cycles), nd_plot_changed_params(m, p, par, -1, pars, sizeof pars), nd_model_par_label(m, (size_t)par, xl, sizeof xl)};
        nd_plot_status ps = nd_plot_bifurcation(&spec, a->plot, &err);
        if (ps == ND_PLOT_FAILED) rc = cli_error(cmd, &err);
    }
    if (!rc && a->json) rc = print_json(&d, x, &cycles, plo, phi);
    else if (!rc) print_summary(a, m, &d, &cycles, plo, phi);
    nd_cycle_set_free(&cycles);
    nd_bif_diagram_free(&d);
    cli_restart_free(&rs);
    free(lo), free(hi), free(fixed);
    return rc;
}

int cmd_bifurcation(int argc, char **argv)
{
    bif_args a = {0};
    a.grid = 200, a.t1 = 500, a.transient = 250, a.scan = 5, a.pd_depth = 3, a.bpc_depth = 1;
    a.ranges = calloc((size_t)argc, sizeof *a.ranges);
    a.sets = calloc((size_t)argc, sizeof *a.sets);
    a.fixes = calloc((size_t)argc, sizeof *a.fixes);
    a.cycle_from = calloc((size_t)argc, sizeof *a.cycle_from);
    int rc = (a.ranges && a.sets && a.fixes && a.cycle_from) ? parse(argc, argv, &a) : EXIT_FAILED;
    if (rc == 0) {
        rc = cli_with_model("bifurcation", a.model, run, &a);
    }
    free(a.ranges), free(a.sets), free(a.fixes), free(a.cycle_from);
    return rc < 0 ? EXIT_OK : rc;
}
