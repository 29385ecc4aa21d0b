/* neurodyn bifurcation2 MODEL --par A=LO:HI --par B=LO:HI [...]: fold (LP) and Hopf (H) curves
 * in two parameters with their codimension-2 points (BT, CP, ZH, GH, HH), started from the
 * LP and H points of the equilibrium diagram in the second parameter; with --cycles also the
 * fold-of-cycles (LPC) curves from the folds of the cycles born at its Hopf points (CPC, LPPD,
 * LPNS). */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "brute2.h"
#include "cli.h"
#include "cluster.h"
#include "neurodyn/cycle_codim2.h"
#include "homoclinic2.h"

static const char *HELP =
    "usage: neurodyn bifurcation2 MODEL --par P1=LO:HI --par P2=LO:HI [options]\n"
    "\n"
    "Computes the equilibrium diagram in P2 (at the current value of P1), then continues every\n"
    "fold (LP) and Hopf (H) point found there as a curve in the (P1, P2) plane, both ways,\n"
    "until the box, locating Bogdanov-Takens (BT), cusp (CP), zero-Hopf (ZH), generalised\n"
    "Hopf (GH) and double-Hopf (HH) points. At every BT point the other curve through it is\n"
    "started too; a Hopf curve goes on through BT as a curve of neutral saddles (marked as\n"
    "such). Each curve and each codim-2 point is reported once. Writes curves.tsv and\n"
    "special_points.tsv in DIR.\n"
    "\n"
    "  --par NAME=LO:HI   the two parameters (horizontal axis first)\n"
    "  --range V=LO:HI    box of a variable (default: the model's box); repeatable\n"
    "  --set NAME=VALUE   set a parameter; repeatable\n"
    "  --fix NAME=VALUE   hold a variable (slice); repeatable\n"
    "  --brute            also the brute-force map brute2.tsv: on an N x N grid the number of\n"
    "                     equilibria, how many are stable, and whether the attractor reached\n"
    "                     from the initial state oscillates (BrainPy's two-parameter sweep);\n"
    "                     under mpirun or srun its rows are shared among the ranks\n"
    "  --homoclinic       also the homoclinic (HC) curves, from the homoclinic ends of the cycle\n"
    "                     branches in P2, and the SNIC segments of the fold curves with their\n"
    "                     ends (NCH points; docs/homoclinic.md)\n"
    "  --grid N           grid of the map (default 40), --t1 T (500), --transient T (250)\n"
    "  --outdir DIR       output folder (default: bifurcation2; with --json and neither --plot\n"
    "                     nor --brute, no files unless --outdir is given)\n"
    "  --plot FILE        draw the two-parameter diagram (PNG, SVG or PDF)\n"
    "  --json             print the curves as JSON on stdout\n"
    "  --cycles           also the cycles of the diagram in P2 (from its Hopf points and\n"
    "                     through the stable cycles simulated at --cycle-scan values), and\n"
    "                     every fold of cycles (LPC), period doubling (PD) and Neimark-Sacker\n"
    "                     point (NS) on them continued as a curve in (P1, P2): on LPC curves\n"
    "                     cusps of cycles (CPC), fold-flip (LPPD) and fold-Neimark-Sacker\n"
    "                     (LPNS) points, on PD curves 1:2 resonances (R2), LPPD and PDNS, on NS\n"
    "                     curves strong resonances R1, R2, R3, R4, LPNS and PDNS; kinds LPC,\n"
    "                     PD and NS in curves.tsv (with the orbit's maximum and the period)\n"
    "  --cycle-scan N     simulate at N values of P2 for --cycles (default 5, 0: Hopf\n"
    "                     points only)\n"
    "\n"
    "Run control (AUTO's NMX, DS, DSMAX; rarely needed):\n"
    "  --max-points N     points per curve (default: about 20 box diagonals of the largest\n"
    "                     step); raise it when a curve ends with \"point budget\"\n"
    "  --ds H, --ds-max H first and largest step, fractions of the box (every variable over\n"
    "                     its box width, P1 and P2 over their ranges; defaults 0.002, 0.02)\n"
    CLI_TIMEOUT_HELP;

typedef struct bif2_args {
    const char *model, *par[2], *outdir, *plot;
    const char **ranges, **sets, **fixes;
    int n_par, n_ranges, n_sets, n_fixes, json, brute, cycles, homoclinic;
    unsigned long grid, scan;
    double t1, transient;
    cli_run_control run; /* --max-points, --ds, --ds-max (no cycles here: no --ntst, --ncol) */
} bif2_args;

enum { O_PAR = 1000, O_RANGE, O_SET, O_FIX, O_OUTDIR, O_PLOT, O_JSON, O_HELP, O_BRUTE, O_GRID, O_T1, O_TRANS, O_CYCLES, O_SCAN, O_RUN, O_HOM = 1100 };

static int parse(int argc, char **argv, bif2_args *a)
{
    static const struct option opts[] = {
        {"par", required_argument, 0, O_PAR},       {"range", required_argument, 0, O_RANGE},
        {"set", required_argument, 0, O_SET},       {"fix", required_argument, 0, O_FIX},
        {"outdir", required_argument, 0, O_OUTDIR}, {"plot", required_argument, 0, O_PLOT},
        {"json", no_argument, 0, O_JSON},           CLI_TIMEOUT_OPTION, {"help", no_argument, 0, O_HELP},
        {"brute", no_argument, 0, O_BRUTE},         {"grid", required_argument, 0, O_GRID},
        {"t1", required_argument, 0, O_T1},         {"transient", required_argument, 0, O_TRANS},
        {"max-points", required_argument, 0, O_RUN}, {"ds", required_argument, 0, O_RUN + 1},
        {"ds-max", required_argument, 0, O_RUN + 2}, {"cycles", no_argument, 0, O_CYCLES},
        {"cycle-scan", required_argument, 0, O_SCAN}, {"homoclinic", no_argument, 0, O_HOM},
        {0, 0, 0, 0}};
    opterr = 0;
    optind = 1;
    int c, rc = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case O_BRUTE: a->brute = 1; break;
        case O_CYCLES: a->cycles = 1; break;
        case O_SCAN: rc = cli_count("bifurcation2", "cycle-scan", optarg, 0, 1000, &a->scan); break;
        case O_HOM: a->homoclinic = 1; break;
        case O_GRID: rc = cli_count("bifurcation2", "grid", optarg, 2, 1000, &a->grid); break;
        case O_T1: rc = cli_number("bifurcation2", "t1", optarg, &a->t1); break;
        case O_TRANS: rc = cli_number("bifurcation2", "transient", optarg, &a->transient); break;
        case O_RUN:
        case O_RUN + 1:
        case O_RUN + 2: rc = cli_run_control_option("bifurcation2", c - O_RUN, optarg, &a->run); break;
        case O_PAR:
            if (a->n_par == 2) return cli_usage_error("bifurcation2", "give --par exactly twice");
            a->par[a->n_par++] = optarg;
            break;
        case O_RANGE: a->ranges[a->n_ranges++] = optarg; break;
        case O_SET: a->sets[a->n_sets++] = optarg; break;
        case O_FIX: a->fixes[a->n_fixes++] = optarg; break;
        case O_OUTDIR: a->outdir = optarg; break;
        case O_PLOT: a->plot = optarg; break;
        case O_JSON: a->json = 1; break;
        case CLI_O_TIMEOUT: rc = cli_timeout_option("bifurcation2", optarg); break;
        case 'h':
        case O_HELP: fputs(HELP, stdout); return -1;
        default: return cli_usage_error("bifurcation2", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
        if (rc) return rc;
    }
    if (!(a->t1 > 0) || !(a->transient >= 0) || a->transient >= a->t1)
        return cli_usage_error("bifurcation2", "need 0 <= --transient (%g) < --t1 (%g)", a->transient, a->t1);
    if (cli_model_arg("bifurcation2", argc, argv, &a->model)) return EXIT_USAGE;
    if (a->n_par != 2) return cli_usage_error("bifurcation2", "give --par exactly twice (P1=LO:HI and P2=LO:HI)");
    if (cli_check_plot_file("bifurcation2", a->plot)) return EXIT_USAGE;
    return 0;
}

typedef struct plane2 {
    int pidx[2];       /* parameter indices: [0] horizontal (P1), [1] the diagram's (P2) */
    double plo[2], phi[2];
} plane2;

/* P1, P2 and the state of point u of curve c into o. */
static void json_point(json_t *o, const nd_codim2_diagram *d, const nd_codim2_curve *c, const double *u, const double *at)
{
    const nd_model *m = d->m;
    double x[64];
    nd_diagram_full_state(&d->start, u, at, x);
    json_object_set_new(o, m->par_names[d->par[0]], cli_json_real(nd_codim2_curve_par(c, u, 0)));
    json_object_set_new(o, m->par_names[d->par[1]], cli_json_real(nd_codim2_curve_par(c, u, 1)));
    json_t *state = json_object();
    for (size_t v = 0; v < m->n_vars; v++) json_object_set_new(state, m->var_names[v], cli_json_real(x[v]));
    json_object_set_new(o, "state", state);
}

/* A curve: its kind, where it came from, both ends, its points (on a Hopf curve each says
 * whether it is a neutral saddle, the part beyond a BT point where kappa < 0). */
static json_t *json_curve(const nd_codim2_diagram *d, size_t i, const double *at)
{
    const nd_codim2_curve *c = &d->curves[i];
    const nd_branch *b = &c->branch;
    json_t *o = json_object(), *pts = json_array();
    json_object_set_new(o, "kind", json_string(c->hopf ? "H" : "LP"));
    if (c->from >= 0) json_object_set_new(o, "from_bt_on_curve", json_integer(c->from));
    cli_json_branch_ends(o, b, NULL);
    for (size_t j = 0; j < b->n; j++) {
        json_t *pt = json_object();
        json_point(pt, d, c, b->u + j * b->dim, at);
        if (c->hopf) json_object_set_new(pt, "neutral_saddle", json_boolean(b->label[j] == 0));
        json_array_append_new(pts, pt);
    }
    json_object_set_new(o, "points", pts);
    return o;
}

/* A codim-2 point with its normal-form coefficients (codim2.h): BT bt_a, bt_b (w1' = a w0^2 +
 * b w0 w1); CP cusp_coefficient; GH frequency, second_lyapunov; ZH frequency; HH frequency and
 * second_frequency. "curve" is where it was found first, "curves" every curve it lies on. */
static json_t *json_codim2_point(const nd_codim2_diagram *d, size_t i, const double *at)
{
    const nd_codim2_point *pt = &d->points[i];
    const nd_codim2_curve *c = &d->curves[pt->curve];
    const nd_special_point *sp = nd_codim2_point_special(d, i);
    const char *type = nd_codim2_point_name(d, i);
    json_t *o = json_object(), *on = json_array();
    json_object_set_new(o, "type", json_string(type));
    json_point(o, d, c, sp->u, at);
    static const struct {
        const char *type, *key[2];
    } coefficients[] = {{"BT", {"bt_a", "bt_b"}},
                        {"CP", {"cusp_coefficient", NULL}},
                        {"GH", {"frequency", "second_lyapunov"}},
                        {"ZH", {"frequency", NULL}},
                        {"HH", {"frequency", "second_frequency"}}};
    for (size_t t = 0; t < sizeof coefficients / sizeof *coefficients; t++)
        for (int j = 0; j < 2; j++)
            if (!strcmp(type, coefficients[t].type) && coefficients[t].key[j])
                json_object_set_new(o, coefficients[t].key[j], cli_json_real(sp->data[j]));
    if (!strcmp(type, "BT")) json_object_set_new(o, "degenerate", json_boolean(nd_codim2_bt_degenerate(d, sp)));
    json_object_set_new(o, "curve", json_integer((json_int_t)pt->curve));
    for (size_t j = 0; j < pt->n_on; j++) json_array_append_new(on, json_integer((json_int_t)pt->on[j]));
    json_object_set_new(o, "curves", on);
    return o;
}

/* An LPC or PD curve: kind, ends, points with P1, P2, the period and the orbit's maximum of every variable. */
static json_t *json_cycle_curve(const nd_codim2_diagram *d, const nd_cycle_codim2_curve *cv)
{
    const nd_model *m = d->m;
    const nd_branch *b = &cv->branch;
    json_t *o = json_object(), *pts = json_array();
    json_object_set_new(o, "kind", json_string(nd_cycle_codim2_kind_name(cv->kind)));
    cli_json_branch_ends(o, b, NULL);
    for (size_t j = 0; j < b->n; j++) {
        const double *u = b->u + j * b->dim;
        json_t *pt = json_object(), *mx = json_object();
        json_object_set_new(pt, m->par_names[d->par[0]], cli_json_real(nd_cycle_codim2_par(cv, u, 0)));
        json_object_set_new(pt, m->par_names[d->par[1]], cli_json_real(nd_cycle_codim2_par(cv, u, 1)));
        json_object_set_new(pt, "period", cli_json_real(nd_cycle_codim2_period(cv, u)));
        for (size_t v = 0; v < m->n_vars; v++) json_object_set_new(mx, m->var_names[v], cli_json_real(cv->xmax[j * m->n_vars + v]));
        json_object_set_new(pt, "max", mx);
        json_object_set_new(pt, "stable_side", json_boolean(b->label[j] >= 0 && (b->label[j] & 1)));
        if (cv->kind == ND_CYCLE_CODIM2_NS) /* a real pair mu, 1/mu: the curve goes on beyond R1 / R2 */
            json_object_set_new(pt, "neutral_saddle", json_boolean(b->label[j] >= 0 && (b->label[j] & 2)));
        json_array_append_new(pts, pt);
    }
    json_object_set_new(o, "points", pts);
    return o;
}

/* A codim-2 point of an LPC curve: CPC, LPPD (multiplier, about -1), LPNS (angle); of a PD
 * curve: R2 (the second multiplier, about -1), LPPD (about +1), PDNS (angle). */
static json_t *json_cycle_point(const nd_codim2_diagram *d, const nd_cycle_codim2_curve *cv, size_t k, size_t index)
{
    const nd_model *m = d->m;
    const nd_special_point *sp = &cv->branch.special[k];
    json_t *o = json_object(), *mx = json_object();
    json_object_set_new(o, "type", json_string(nd_cycle_codim2_special_name(cv->kind, sp->test)));
    json_object_set_new(o, m->par_names[d->par[0]], cli_json_real(nd_cycle_codim2_par(cv, sp->u, 0)));
    json_object_set_new(o, m->par_names[d->par[1]], cli_json_real(nd_cycle_codim2_par(cv, sp->u, 1)));
    json_object_set_new(o, "period", cli_json_real(sp->data[0]));
    int ns = cv->kind == ND_CYCLE_CODIM2_NS;
    int angle = !ns && sp->test == (cv->kind == ND_CYCLE_CODIM2_PD ? ND_PD_PDNS : ND_LPC_LPNS);
    if (ns) {
        json_object_set_new(o, "kappa", cli_json_real(sp->data[3]));
        if (sp->test == ND_NS_LPNS || sp->test == ND_NS_PDNS) json_object_set_new(o, "multiplier", cli_json_real(sp->data[4]));
    } else if (angle) json_object_set_new(o, "angle", cli_json_real(sp->data[3]));
    else if (cv->kind == ND_CYCLE_CODIM2_PD || sp->test != ND_LPC_CPC)
        json_object_set_new(o, "multiplier", cli_json_real(sp->data[3]));
    for (size_t v = 0; v < m->n_vars; v++) json_object_set_new(mx, m->var_names[v], cli_json_real(cv->special_xmax[k * m->n_vars + v]));
    json_object_set_new(o, "max", mx);
    json_object_set_new(o, "curve", json_integer((json_int_t)index));
    json_object_set_new(o, "curves", json_pack("[I]", (json_int_t)index));
    return o;
}

static int print_json(const nd_codim2_diagram *d, const double *at, const nd_hom2_set *hom)
{
    const nd_model *m = d->m;
    json_t *doc = json_object(), *curves = json_array(), *points = json_array();
    json_object_set_new(doc, "model", json_string(m->name));
    json_object_set_new(doc, "parameters", json_pack("[s, s]", m->par_names[d->par[0]], m->par_names[d->par[1]]));
    for (size_t c = 0; c < d->n; c++) json_array_append_new(curves, json_curve(d, c, at));
    for (size_t i = 0; i < d->n_points; i++) json_array_append_new(points, json_codim2_point(d, i, at));
    for (size_t c = 0; d->cycles && c < d->cycles->n; c++) {
        const nd_cycle_codim2_curve *cv = &d->cycles->curves[c];
        json_array_append_new(curves, json_cycle_curve(d, cv));
        for (size_t k = 0; k < cv->branch.n_special; k++)
            json_array_append_new(points, json_cycle_point(d, cv, k, d->n + c));
    }
    json_object_set_new(doc, "curves", curves);
    json_object_set_new(doc, "special_points", points);
    json_object_set_new(doc, "starts_on_known_curves", json_integer((json_int_t)d->n_dropped));
    if (hom) hom2_json(doc, d, hom);
    return cli_json_print(doc);
}

static int run(const void *args, const nd_model *m, double *p, double *x)
{
    bif2_args chosen = *(const bif2_args *)args;
    chosen.outdir = cli_output_folder("bifurcation2", chosen.outdir, "bifurcation2", chosen.json, chosen.plot || chosen.brute);
    const bif2_args *a = &chosen;
    const char *cmd = "bifurcation2";
    nd_error err;
    size_t n = m->n_vars;
    double *lo = calloc(n, sizeof *lo), *hi = calloc(n, sizeof *hi);
    int *fixed = calloc(n, sizeof *fixed);
    int rc = lo && hi && fixed ? EXIT_OK : EXIT_FAILED;
    cli_lists lists = {a->sets, a->fixes, a->ranges, a->n_sets, a->n_fixes, a->n_ranges};
    if (!rc) rc = cli_region(cmd, m, p, x, &lists, lo, hi, fixed);
    plane2 pl = {{-1, -1}, {0, 0}, {0, 0}};
    for (int i = 0; !rc && i < 2; i++) rc = cli_parse_range(cmd, m, a->par[i], 1, &pl.pidx[i], &pl.plo[i], &pl.phi[i]);
    if (!rc && pl.pidx[0] == pl.pidx[1]) rc = cli_usage_error(cmd, "the two --par name the same parameter %s", m->par_names[pl.pidx[0]]);
    if (!rc && (p[pl.pidx[0]] < pl.plo[0] || p[pl.pidx[0]] > pl.phi[0]))
        rc = cli_usage_error(cmd, "%s = %g is outside its range %g:%g: the diagram in %s is computed at that value (use --set)",
                             m->par_names[pl.pidx[0]], p[pl.pidx[0]], pl.plo[0], pl.phi[0], m->par_names[pl.pidx[1]]);
    nd_region r = {lo, hi, fixed, x};
    if (cli_cluster_rank() != 0) { /* under MPI the other ranks only help with the map */
        int brc = a->brute ? brute2_run(&(brute2_map){m, p, &r, {pl.pidx[0], pl.pidx[1]}, {pl.plo[0], pl.plo[1]},
                                                      {pl.phi[0], pl.phi[1]}, a->grid, a->t1, a->transient}, a->outdir, !rc) : -2;
        free(lo), free(hi), free(fixed);
        return rc ? rc : brc == -2 ? EXIT_OK : brc;
    }
    if (!rc && a->outdir) rc = cli_make_dir(cmd, a->outdir);
    nd_codim2_diagram d = {0};
    nd_codim2_opts run_opts = {a->run.ds, a->run.ds_max, a->run.max_points};
    if (!rc && nd_bifurcation_2d(m, p, pl.pidx[0], pl.plo[0], pl.phi[0], pl.pidx[1], pl.plo[1], pl.phi[1], &r, &run_opts,
                                 &d, &err))
        rc = cli_error(cmd, &err);
    nd_hom2_set hom = {0};
    if (!rc && a->homoclinic) rc = hom2_compute(cmd, &d, p, &r, a->run.max_points, &hom);
    if (!rc && d.n_failed)
        fprintf(stderr, "neurodyn bifurcation2: %zu curve%s not computed; the last: %s\n", d.n_failed, d.n_failed == 1 ? "" : "s",
                d.failure);
    nd_cycle_codim2 cc = {0};
    if (!rc && a->cycles) {
        if (nd_cycle_curves_2d(&d, p, &r, &run_opts, a->scan, &cc, &err)) rc = cli_error(cmd, &err);
        else d.cycles = &cc;
        if (!rc && cc.cycles.n_failed)
            fprintf(stderr, "neurodyn bifurcation2: %zu cycle branch%s not computed; the last: %s\n", cc.cycles.n_failed,
                    cc.cycles.n_failed == 1 ? "" : "es", cc.cycles.failure);
        if (!rc && cc.n_failed)
            fprintf(stderr, "neurodyn bifurcation2: %zu cycle curve%s not computed; the last: %s\n", cc.n_failed,
                    cc.n_failed == 1 ? "" : "s", cc.failure);
    }
    if (a->brute) { /* every rank must come here under MPI: brute2_run agrees first */
        int brc = brute2_run(&(brute2_map){m, p, &r, {pl.pidx[0], pl.pidx[1]}, {pl.plo[0], pl.plo[1]},
                                           {pl.phi[0], pl.phi[1]}, a->grid, a->t1, a->transient}, a->outdir, !rc);
        rc = rc ? rc : brc;
    }
    if (!rc && a->plot && d.n + cc.n == 0) fprintf(stderr, "neurodyn bifurcation2: no LP or H point to continue; %s not written\n", a->plot);
    if (!rc && a->homoclinic && (a->plot && d.n + cc.n > 0 ? 1 : a->outdir != NULL)) {
        rc = a->plot && d.n + cc.n > 0 ? hom2_plot(cmd, &d, &hom, p, x, a->brute, a->outdir, a->plot)
                                       : hom2_write(cmd, &d, &hom, x, a->outdir);
    } else if (!rc && a->plot && d.n + cc.n > 0) {
        if (nd_plot_codim2(&d, p, x, a->brute, a->outdir, a->plot, &err) == ND_PLOT_FAILED) rc = cli_error(cmd, &err);
    } else if (!rc && a->outdir && nd_write_codim2(&d, x, a->outdir, &err)) {
        rc = cli_error(cmd, &err);
    }
    if (!rc && a->json) rc = print_json(&d, x, a->homoclinic ? &hom : NULL);
    else if (!rc) {
        size_t folds = 0;
        for (size_t c = 0; c < d.n; c++) folds += !d.curves[c].hopf;
        printf("two-parameter diagram of %s in (%s, %s): %zu fold and %zu Hopf curve%s, %zu codim-2 point%s, written to %s\n",
               m->name, m->par_names[pl.pidx[0]], m->par_names[pl.pidx[1]], folds, d.n - folds, d.n - folds == 1 ? "" : "s",
               d.n_points, d.n_points == 1 ? "" : "s", a->outdir);
        if (a->cycles) {
            size_t pts = 0, lpc = 0, nsc = 0;
            for (size_t c = 0; c < cc.n; c++)
                pts += cc.curves[c].branch.n_special, lpc += cc.curves[c].kind == ND_CYCLE_CODIM2_LPC,
                    nsc += cc.curves[c].kind == ND_CYCLE_CODIM2_NS;
            printf("  cycles: %zu branch%s, %zu fold-of-cycles (LPC), %zu period-doubling (PD) and %zu Neimark-Sacker (NS) "
                   "curve%s, %zu codim-2 point%s on them\n", cc.cycles.n, cc.cycles.n == 1 ? "" : "es", lpc, cc.n - lpc - nsc,
                   nsc, nsc == 1 ? "" : "s", pts, pts == 1 ? "" : "s");
        }
        if (a->homoclinic) hom2_summary(&hom);
        size_t cut = 0, last = 0;
        for (size_t c = 0; c < d.n; c++)
            if (cli_branch_cut_short(&d.curves[c].branch)) cut++, last = c;
        if (cut)
            printf("  %zu curve%s cut short (the last: %s); see --max-points and --ds-max\n", cut, cut == 1 ? "" : "s",
                   d.curves[last].branch.stop_reason);
    }
    nd_hom2_set_free(&hom);
    nd_codim2_diagram_free(&d);
    nd_cycle_codim2_free(&cc);
    free(lo), free(hi), free(fixed);
    return rc;
}

int cmd_bifurcation2(int argc, char **argv)
{
    bif2_args a = {0};
    if (cli_cluster_start("bifurcation2")) return EXIT_OK;
    a.grid = 40, a.t1 = 500, a.transient = 250, a.scan = 5;
    a.ranges = calloc((size_t)argc, sizeof *a.ranges);
    a.sets = calloc((size_t)argc, sizeof *a.sets);
    a.fixes = calloc((size_t)argc, sizeof *a.fixes);
    int rc = (a.ranges && a.sets && a.fixes) ? parse(argc, argv, &a) : EXIT_FAILED;
    if (rc == 0) {
        rc = cli_with_model("bifurcation2", a.model, run, &a);
    }
    free(a.ranges), free(a.sets), free(a.fixes);
    cli_cluster_end();
    return rc < 0 ? EXIT_OK : rc;
}
