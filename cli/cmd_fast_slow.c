/* neurodyn fast-slow MODEL [--slow z=LO:HI] [...]: the Rinzel diagram of a burster, the fast
 * subsystem's equilibria and cycles against a slow variable with a trajectory of the full model
 * over them, the slow nullcline, and the burster's class (Izhikevich 2000). */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *HELP =
    "usage: neurodyn fast-slow MODEL [--slow NAME=LO:HI] [options]\n"
    "\n"
    "Treats the slow variable as a parameter of the fast subsystem: continues its equilibria\n"
    "(LP, H) and limit cycles (from every Hopf point and from the spiking orbit found by\n"
    "simulation; LPC, PD, NS, and HC/SNIC where the period grows without bound) over the slow\n"
    "range, simulates the full model, counts spikes and bursts, and names the burster's class\n"
    "from the bifurcations where bursts begin and end (e.g. fold/homoclinic). Writes\n"
    "branches.tsv, cycles.tsv, special_points.tsv, trajectory.tsv and slow_nullcline.tsv in DIR.\n"
    "\n"
    "  --slow NAME=LO:HI  the slow variable and its range (default: the model's first slow\n"
    "                     variable; its box narrowed around the trajectory, or the whole box\n"
    "                     when the trajectory rests)\n"
    "  --fast NAME=LO:HI  box of a fast variable (default: the model's); repeatable\n"
    "  --set NAME=VALUE   set a parameter; repeatable\n"
    "  --traj V=X,...     initial state of the trajectory, e.g. x=1,y=0,z=0 (default: the model's)\n"
    "  --t1 T             length of the trajectory (default: 3 x the model's t_sim, or 3000),\n"
    "  --transient T      the part of it discarded (default: a third)\n"
    "  --var NAME         the fast variable that spikes and that the plot shows (default: the\n"
    "                     first fast variable)\n"
    "  --no-cycles        equilibria and trajectory only\n"
    "  --outdir DIR       output folder (default: fast_slow; with --json and no --plot\n"
    "                     nothing is written unless --outdir is given)\n"
    "  --plot FILE        draw the diagram with the trajectory (PNG, SVG or PDF)\n"
    "  --json             print the diagram and the class as JSON on stdout\n"
    CLI_TIMEOUT_HELP;

typedef struct fs_args {
    const char *model, *slow, *traj, *outdir, *plot, *var;
    const char **sets, **fasts;
    int n_sets, n_fasts, json, no_cycles;
    double t1, transient;
} fs_args;

enum { O_SLOW = 1000, O_FAST, O_SET, O_TRAJ, O_T1, O_TRANS, O_VAR, O_NOCYC, O_OUTDIR, O_PLOT, O_JSON, O_HELP };

static int parse(int argc, char **argv, fs_args *a)
{
    static const struct option opts[] = {
        {"slow", required_argument, 0, O_SLOW},   {"fast", required_argument, 0, O_FAST},
        {"set", required_argument, 0, O_SET},     {"traj", required_argument, 0, O_TRAJ},
        {"t1", required_argument, 0, O_T1},       {"transient", required_argument, 0, O_TRANS},
        {"var", required_argument, 0, O_VAR},     {"no-cycles", no_argument, 0, O_NOCYC},
        {"outdir", required_argument, 0, O_OUTDIR}, {"plot", required_argument, 0, O_PLOT},
        {"json", no_argument, 0, O_JSON},         CLI_TIMEOUT_OPTION, {"help", no_argument, 0, O_HELP},
        {0, 0, 0, 0}};
    opterr = 0;
    optind = 1;
    int c, rc = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case O_SLOW: a->slow = optarg; break;
        case O_FAST: a->fasts[a->n_fasts++] = optarg; break;
        case O_SET: a->sets[a->n_sets++] = optarg; break;
        case O_TRAJ: a->traj = optarg; break;
        case O_T1: rc = cli_number("fast-slow", "t1", optarg, &a->t1); break;
        case O_TRANS: rc = cli_number("fast-slow", "transient", optarg, &a->transient); break;
        case O_VAR: a->var = optarg; break;
        case O_NOCYC: a->no_cycles = 1; break;
        case O_OUTDIR: a->outdir = optarg; break;
        case O_PLOT: a->plot = optarg; break;
        case O_JSON: a->json = 1; break;
        case CLI_O_TIMEOUT: rc = cli_timeout_option("fast-slow", optarg); break;
        case 'h':
        case O_HELP: fputs(HELP, stdout); return -1;
        default: return cli_usage_error("fast-slow", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
        if (rc) return rc;
    }
    if (cli_model_arg("fast-slow", argc, argv, &a->model)) return EXIT_USAGE;
    if (a->t1 == 0 && a->transient >= 0) return cli_usage_error("fast-slow", "--transient needs --t1");
    if (a->t1 != 0 && a->transient < 0) a->transient = a->t1 / 3;
    if (a->t1 != 0 && (!(a->t1 > 0) || !(a->transient >= 0) || a->transient >= a->t1))
        return cli_usage_error("fast-slow", "need 0 <= --transient (%g) < --t1 (%g)", a->transient, a->t1);
    return cli_check_plot_file("fast-slow", a->plot);
}

/* --traj x=1,y=0,z=0 into x (other variables keep their initial values). */
static int parse_traj(const nd_model *m, const char *text, double *x)
{
    char *copy = strdup(text), *save = NULL;
    if (!copy) return EXIT_FAILED;
    int rc = EXIT_OK;
    for (char *item = strtok_r(copy, ",", &save); item && !rc; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq) {
            rc = cli_usage_error("fast-slow", "--traj: '%s' is not NAME=VALUE", item);
            break;
        }
        *eq = '\0';
        nd_error err;
        int v = nd_model_var_index(m, item, &err);
        if (v < 0) rc = cli_error("fast-slow", &err);
        else rc = cli_number("fast-slow", "traj", eq + 1, &x[v]);
    }
    free(copy);
    return rc;
}

/* ---- JSON ----------------------------------------------------------------------------------------- */

static json_t *special_json(const nd_fast_slow *d, const nd_fs_special *sp)
{
    const nd_model *fm = &d->fs.model;
    json_t *o = json_object(), *state = json_object();
    json_object_set_new(o, "type", json_string(sp->type));
    json_object_set_new(o, fm->par_names[d->par], cli_json_real(sp->slow));
    for (size_t v = 0; v < fm->n_vars; v++) {
        double val = nd_fs_special_value(d, sp, v);
        if (isfinite(val)) json_object_set_new(state, fm->var_names[v], json_real(val));
    }
    json_object_set_new(o, "state", state);
    if (isfinite(sp->period)) json_object_set_new(o, "period", json_real(sp->period));
    if (isfinite(sp->l1)) {
        json_object_set_new(o, "first_lyapunov", json_real(sp->l1));
        json_object_set_new(o, "criticality", json_string(sp->l1 < 0 ? "supercritical" : "subcritical"));
    }
    /* the index into "branches", which lists the equilibrium branches first */
    int on_equilibria = !strcmp(sp->type, "LP") || !strcmp(sp->type, "H") || !strcmp(sp->type, "BP");
    json_object_set_new(o, "branch", json_integer((json_int_t)sp->branch + (on_equilibria ? 0 : (json_int_t)d->eq.n_branches)));
    return o;
}

static json_t *transition_json(const nd_fast_slow *d, double s, const char *name, int k)
{
    json_t *o = json_object();
    json_object_set_new(o, d->fs.full->var_names[d->slow], cli_json_real(s));
    json_object_set_new(o, "bifurcation", json_string(name));
    if (k >= 0) json_object_set_new(o, "point", special_json(d, &d->special[k]));
    return o;
}

static int print_json(const fs_args *a, const nd_model *m, const nd_fast_slow *d)
{
    static const char *activity[] = {"quiescent", "tonic spiking", "bursting"};
    static const char *source[] = {"given", "trajectory", "box"};
    json_t *doc = json_object(), *range = json_array(), *fast = json_array(), *specials = json_array();
    json_object_set_new(doc, "model", json_string(m->name));
    json_object_set_new(doc, "slow", json_string(m->var_names[d->slow]));
    json_array_append_new(range, cli_json_real(d->slow_lo));
    json_array_append_new(range, cli_json_real(d->slow_hi));
    json_object_set_new(doc, "range", range);
    json_object_set_new(doc, "range_source", json_string(source[d->range_source]));
    if (d->range_note[0]) json_object_set_new(doc, "range_note", json_string(d->range_note));
    for (size_t v = 0; v < d->fs.n_fast; v++) json_array_append_new(fast, json_string(m->var_names[d->fs.fast_idx[v]]));
    json_object_set_new(doc, "fast", fast);
    json_object_set_new(doc, "spike_variable", json_string(m->var_names[d->spike_var]));
    json_object_set_new(doc, "branches", cli_json_branches(&d->eq, d->at, &d->cycles));
    for (size_t i = 0; i < d->n_special; i++) json_array_append_new(specials, special_json(d, &d->special[i]));
    json_object_set_new(doc, "special_points", specials);
    char path[4096];
    snprintf(path, sizeof path, "%s/trajectory.tsv", a->outdir ? a->outdir : "");
    json_object_set_new(doc, "trajectory", a->outdir ? json_string(path) : json_null()); /* null: no files written */
    json_object_set_new(doc, "activity", json_string(activity[d->activity]));
    json_object_set_new(doc, "spikes", json_integer((json_int_t)d->n_spikes));
    json_object_set_new(doc, "bursts", json_integer((json_int_t)d->n_bursts));
    json_object_set_new(doc, "spikes_per_burst", cli_json_real(d->spikes_per_burst));
    json_object_set_new(doc, "burst_period", cli_json_real(d->burst_period));
    if (d->burster[0]) {
        json_object_set_new(doc, "onset", transition_json(d, d->onset_slow, d->onset, d->onset_special));
        json_object_set_new(doc, "termination", transition_json(d, d->end_slow, d->termination, d->end_special));
        json_object_set_new(doc, "burster", json_string(d->burster));
    } else {
        json_object_set_new(doc, "burster", json_null());
    }
    json_object_set_new(doc, "note", json_string(d->note));
    return cli_json_print(doc);
}

static void print_summary(const fs_args *a, const nd_model *m, const nd_fast_slow *d)
{
    printf("fast-slow diagram of %s in %s = %g:%g: %zu equilibrium and %zu cycle branch(es), %zu special point(s), written to %s\n",
           m->name, m->var_names[d->slow], d->slow_lo, d->slow_hi, d->eq.n_branches, d->cycles.n, d->n_special, a->outdir);
    if (d->range_note[0]) printf("slow range: %s\n", d->range_note);
    if (d->burster[0])
        printf("bursting: %zu bursts of %.3g spikes, period %.6g; bursts begin at %s = %.6g (%s) and end at %.6g (%s): %s burster\n",
               d->n_bursts, d->spikes_per_burst, d->burst_period, m->var_names[d->slow], d->onset_slow, d->onset, d->end_slow,
               d->termination, d->burster);
    else
        printf("activity: %s (%zu spikes)\n", d->activity == ND_FS_TONIC ? "tonic spiking" : d->activity ? "bursting" : "quiescent",
               d->n_spikes);
    if (d->note[0]) fprintf(stderr, "neurodyn fast-slow: note: %s\n", d->note);
}

/* ---- run ------------------------------------------------------------------------------------------ */

static int options(const fs_args *a, const nd_model *m, double *p, double *x, double *lo, double *hi, nd_fs_opts *o)
{
    const char *cmd = "fast-slow";
    int *fixed = calloc(m->n_vars, sizeof *fixed);
    if (!fixed) return EXIT_FAILED;
    cli_lists lists = {a->sets, NULL, a->fasts, a->n_sets, 0, a->n_fasts};
    int rc = cli_region(cmd, m, p, x, &lists, lo, hi, fixed);
    free(fixed);
    nd_fs_opts_init(o);
    nd_error err;
    if (!rc && a->slow) rc = cli_parse_range(cmd, m, a->slow, 0, &o->slow, &o->slow_lo, &o->slow_hi);
    if (!rc && a->var && (o->spike_var = nd_model_var_index(m, a->var, &err)) < 0) rc = cli_error(cmd, &err);
    if (!rc && a->traj) rc = parse_traj(m, a->traj, x);
    o->var_lo = lo, o->var_hi = hi, o->x0 = x, o->t1 = a->t1, o->transient = a->transient, o->cycles = !a->no_cycles;
    return rc;
}

static int run(const void *args, const nd_model *m, double *p, double *x)
{
    const fs_args *a = args;
    const char *cmd = "fast-slow";
    double *lo = calloc(2 * m->n_vars, sizeof *lo);
    if (!lo) return EXIT_FAILED;
    nd_fs_opts o;
    nd_fast_slow d;
    nd_error err;
    int rc = options(a, m, p, x, lo, lo + m->n_vars, &o);
    if (!rc && a->outdir) rc = cli_make_dir(cmd, a->outdir);
    if (!rc && nd_fast_slow_analyse(m, p, &o, &d, &err)) {
        free(lo);
        return cli_error(cmd, &err);
    }
    if (rc) {
        free(lo);
        return rc;
    }
    if (a->plot && nd_plot_fast_slow(&d, a->outdir, a->plot, &err) == ND_PLOT_FAILED) rc = cli_error(cmd, &err);
    else if (!a->plot && a->outdir && nd_write_fast_slow(&d, a->outdir, &err)) rc = cli_error(cmd, &err);
    if (!rc && a->json) rc = print_json(a, m, &d);
    else if (!rc) print_summary(a, m, &d);
    nd_fast_slow_free(&d);
    free(lo);
    return rc;
}

int cmd_fast_slow(int argc, char **argv)
{
    fs_args a = {0};
    a.t1 = 0, a.transient = -1;
    a.sets = calloc((size_t)argc, sizeof *a.sets);
    a.fasts = calloc((size_t)argc, sizeof *a.fasts);
    int rc = (a.sets && a.fasts) ? parse(argc, argv, &a) : EXIT_FAILED;
    if (rc == 0) a.outdir = cli_output_folder("fast-slow", a.outdir, "fast_slow", a.json, a.plot != NULL);
    if (rc == 0) rc = cli_with_model("fast-slow", a.model, run, &a);
    free(a.sets), free(a.fasts);
    return rc < 0 ? EXIT_OK : rc;
}
