/* neurodyn report MODEL [--outdir DIR]: the main job. Runs every analysis the model's metadata
 * allows (fixed points, phase plane, time series, 3D trajectory, codim-1 diagram with cycles,
 * codim-2 diagram, fast–slow diagram with the burster class) through the same subcommands a
 * user would call, each with --json and --plot, then writes summary.json with the key numbers
 * and index.html that shows the figures beside them. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "report.h"
#include "neurodyn/progress.h"
#include "neurodyn/tsv.h"

static const char *HELP =
    "usage: neurodyn report MODEL [--outdir DIR] [--set NAME=VALUE]...\n"
    "\n"
    "Analyses MODEL with what its metadata allows and writes, in DIR (default: report_MODEL):\n"
    "  info.json, fixed_points.json           equilibria with eigenvalues and stability\n"
    "  fixed_points.png                       models without a phase plane: the equilibria in\n"
    "                                         the plane of the first two variables\n"
    "  phase_plane.png (+ data, .gp)          2D models, or the fast subsystem of a burster\n"
    "  timeseries.png, trajectory3d.png       a simulation (3D: models with 3+ variables)\n"
    "  bifurcation.png                        equilibria and cycles in the model's parameter\n"
    "  orbit.png                              local maxima of simulations over that parameter\n"
    "  bifurcation2.png                       fold and Hopf curves in two parameters\n"
    "  fast_slow.png                          models with slow variables: Rinzel diagram, class\n"
    "  summary.json, index.html               the key numbers and every figure\n"
    "Each step is the command of the same name (its JSON is kept as STEP.json); a step that\n"
    "fails is reported in summary.json and the others go on.\n"
    "\n"
    "  --outdir DIR       output folder (default: report_MODEL)\n"
    "  --set NAME=VALUE   set a parameter for every step; repeatable\n"
    "  --timeout SECONDS  stop a step that runs longer (default 1800; 0: no limit); a step\n"
    "                     that crashes or is stopped is recorded and the report goes on\n"
    "  --quiet            no progress lines (shown only on a terminal, on stderr)\n";

/* The stages of a report (step_* below), each counted once whether it ran or not. */
enum { REPORT_STAGES = 7 };

static void stage_done(report *r) { nd_progress_add(r->bar, 1.0); }

/* ---- the steps' arguments ------------------------------------------------------------------ */

/* NAME=LO:HI (then ":N" when n > 0), the numbers exactly (shortest round-trip text). */
static void range_arg(argv_builder *b, const char *name, double lo, double hi, int n)
{
    char l[32], h[32];
    nd_format_real(l, sizeof l, lo), nd_format_real(h, sizeof h, hi);
    if (n > 0) report_arg(b, "%s=%s:%s:%d", name, l, h, n);
    else report_arg(b, "%s=%s:%s", name, l, h);
}

static void add_sets(argv_builder *b, const report *r)
{
    for (int i = 0; i < r->n_sets; i++) report_arg(b, "--set"), report_arg(b, "%s", r->sets[i]);
}

/* ---- the steps ------------------------------------------------------------------------------ */

static double sim_length(const nd_model *m) { return m->t_sim > 0 ? m->t_sim : 200; }

/* Marks the variables named in slow_vars (slow: n_vars flags, zeroed) and returns how many are
 * not: the variables of a phase plane. Names of any length; unknown names are skipped. */
static size_t n_fast_vars(const nd_model *m, int *slow)
{
    size_t n_slow = 0;
    for (const char *s = m->slow_vars; s && *s;) {
        s += strspn(s, " \t");
        size_t len = strcspn(s, " \t");
        for (size_t v = 0; len && v < m->n_vars; v++)
            if (strlen(m->var_names[v]) == len && strncmp(m->var_names[v], s, len) == 0 && !slow[v]) slow[v] = 1, n_slow++;
        s += len;
    }
    return m->n_vars - n_slow;
}

/* The fixed points, drawn where no phase plane will show them (models of three or more
 * variables without a planar fast subsystem). */
static void step_info_and_fixed_points(report *r)
{
    argv_builder b = {0};
    report_arg(&b, "info"), report_arg(&b, "%s", r->model), report_arg(&b, "--json");
    report_run_step(r, "info", cmd_info, &b, "info.json", NULL);
    int *slow = calloc(r->m->n_vars, sizeof *slow);
    int figure = slow && r->m->n_vars >= 2 && n_fast_vars(r->m, slow) != 2;
    free(slow);
    argv_builder f = {0};
    report_arg(&f, "fixed-points"), report_arg(&f, "%s", r->model), add_sets(&f, r);
    if (figure) report_arg(&f, "--plot"), report_arg(&f, "%s/fixed_points.png", r->outdir);
    report_arg(&f, "--json");
    report_run_step(r, "fixed points", cmd_fixed_points, &f, "fixed_points.json", figure ? "fixed_points.png" : NULL);
}

static void step_simulation(report *r)
{
    const nd_model *m = r->m;
    double t1 = sim_length(m);
    argv_builder b = {0};
    report_arg(&b, "simulate"), report_arg(&b, "%s", r->model), add_sets(&b, r);
    /* 20000 samples; a model with its own step (an .ode file's @ dt) is sampled every k steps */
    double sample = m->dt > 0 ? m->dt * fmax(1, round(t1 / 20000 / m->dt)) : t1 / 20000;
    report_arg(&b, "--t1"), report_arg(&b, "%g", t1), report_arg(&b, "--sample"), report_arg(&b, "%.17g", sample);
    if (m->noise != ND_NOISE_NONE) /* SDE methods are fixed-step */
        report_arg(&b, "--dt"), report_arg(&b, "%.17g", m->dt > 0 ? m->dt : t1 / 20000);
    report_arg(&b, "--out"), report_arg(&b, "%s/timeseries.tsv", r->outdir), report_arg(&b, "--plot"), report_arg(&b, "%s/timeseries.png", r->outdir);
    if (m->n_vars >= 3) report_arg(&b, "--plot3d"), report_arg(&b, "%s/trajectory3d.png", r->outdir);
    report_arg(&b, "--json");
    if (r->quiet) report_arg(&b, "--quiet");
    report_run_step(r, "simulation", cmd_simulate, &b, "simulate.json", "timeseries.png");
    if (m->n_vars >= 3) {
        json_t *s = json_array_get(r->steps, json_array_size(r->steps) - 1);
        if (!strcmp(json_string_value(json_object_get(s, "status")), "ok"))
            json_array_append_new(r->steps, json_pack("{s:s, s:s, s:s, s:s}", "step", "3D trajectory", "command",
                                                      json_string_value(json_object_get(s, "command")), "status", "ok",
                                                      "figure", "trajectory3d.png"));
    }
}

/* The phase plane: of a 2D model, with a trajectory from its initial state; of a burster's
 * two-variable fast subsystem, with the slow variables frozen at the middle of the bursts'
 * excursion (from the fast–slow step) or at their initial values. */
static void step_phase_plane(report *r, const json_t *fast_slow)
{
    const nd_model *m = r->m;
    int *slow = calloc(m->n_vars, sizeof *slow);
    if (!slow || n_fast_vars(m, slow) != 2) {
        free(slow);
        return;
    }
    size_t n_slow = m->n_vars - 2;
    argv_builder b = {0};
    report_arg(&b, "phase-plane"), report_arg(&b, "%s", r->model), add_sets(&b, r);
    char at_text[32], traj_first[32] = "";
    int first = -1;
    for (size_t v = 0; v < m->n_vars; v++) {
        double at = m->init[v];
        if (slow[v]) {
            const json_t *on = json_object_get(json_object_get(fast_slow, "onset"), m->var_names[v]);
            const json_t *end = json_object_get(json_object_get(fast_slow, "termination"), m->var_names[v]);
            if (json_is_number(on) && json_is_number(end)) at = 0.5 * (json_number_value(on) + json_number_value(end));
        }
        nd_format_real(at_text, sizeof at_text, at);
        if (slow[v]) report_arg(&b, "--fix"), report_arg(&b, "%s=%s", m->var_names[v], at_text);
        else if (first < 0) first = (int)v, snprintf(traj_first, sizeof traj_first, "%s", at_text);
        else report_arg(&b, "--traj"), report_arg(&b, "%s=%s,%s=%s", m->var_names[first], traj_first, m->var_names[v], at_text);
    }
    free(slow);
    report_arg(&b, "--outdir"), report_arg(&b, "%s/phase_plane", r->outdir), report_arg(&b, "--plot"), report_arg(&b, "%s/phase_plane.png", r->outdir);
    report_arg(&b, "--json");
    report_run_step(r, n_slow ? "phase plane of the fast subsystem" : "phase plane", cmd_phase_plane, &b, "phase_plane.json",
             "phase_plane.png");
}

static void step_bifurcation(report *r)
{
    const nd_model *m = r->m;
    if (!m->bif_par) return;
    argv_builder b = {0};
    report_arg(&b, "bifurcation"), report_arg(&b, "%s", r->model), add_sets(&b, r);
    report_arg(&b, "--par"), range_arg(&b, m->bif_par, m->bif_lo, m->bif_hi, 0);
    if (!m->slow_vars) report_arg(&b, "--cycles"); /* a burster's cycles belong to the fast–slow step */
    report_arg(&b, "--outdir"), report_arg(&b, "%s/bifurcation", r->outdir), report_arg(&b, "--plot"), report_arg(&b, "%s/bifurcation.png", r->outdir);
    report_arg(&b, "--json");
    if (r->quiet) report_arg(&b, "--quiet");
    report_run_step(r, "codim-1 diagram", cmd_bifurcation, &b, "bifurcation.json", "bifurcation.png");
}

/* The orbit diagram: the local maxima of the first variable after a transient over bif_par,
 * from one batched ensemble (brute force, beside the continuation's diagram). */
static void step_orbit(report *r)
{
    const nd_model *m = r->m;
    if (!m->bif_par) return;
    double t1 = 2 * sim_length(m);
    argv_builder b = {0};
    report_arg(&b, "sweep"), report_arg(&b, "%s", r->model), add_sets(&b, r);
    report_arg(&b, "--par"), range_arg(&b, m->bif_par, m->bif_lo, m->bif_hi, 400);
    report_arg(&b, "--t1"), report_arg(&b, "%g", t1), report_arg(&b, "--transient"), report_arg(&b, "%g", t1 / 2);
    report_arg(&b, "--out"), report_arg(&b, "%s/orbit.tsv", r->outdir), report_arg(&b, "--plot"), report_arg(&b, "%s/orbit.png", r->outdir);
    if (r->quiet) report_arg(&b, "--quiet");
    report_run_step(r, "orbit diagram", cmd_sweep, &b, NULL, "orbit.png");
}

static void step_bifurcation2(report *r)
{
    const nd_model *m = r->m;
    if (!m->bif_par || !m->bif2_par) return;
    argv_builder b = {0};
    report_arg(&b, "bifurcation2"), report_arg(&b, "%s", r->model), add_sets(&b, r);
    report_arg(&b, "--par"), range_arg(&b, m->bif2_par, m->bif2_lo, m->bif2_hi, 0);
    report_arg(&b, "--par"), range_arg(&b, m->bif_par, m->bif_lo, m->bif_hi, 0);
    report_arg(&b, "--brute"), report_arg(&b, "--grid"), report_arg(&b, "30");
    report_arg(&b, "--outdir"), report_arg(&b, "%s/bifurcation2", r->outdir), report_arg(&b, "--plot"), report_arg(&b, "%s/bifurcation2.png", r->outdir);
    report_arg(&b, "--json");
    report_run_step(r, "codim-2 diagram", cmd_bifurcation2, &b, "bifurcation2.json", "bifurcation2.png");
}

static void step_fast_slow(report *r)
{
    if (!r->m->slow_vars) return;
    argv_builder b = {0};
    report_arg(&b, "fast-slow"), report_arg(&b, "%s", r->model), add_sets(&b, r);
    report_arg(&b, "--outdir"), report_arg(&b, "%s/fast_slow", r->outdir), report_arg(&b, "--plot"), report_arg(&b, "%s/fast_slow.png", r->outdir);
    report_arg(&b, "--json");
    report_run_step(r, "fast-slow diagram", cmd_fast_slow, &b, "fast_slow.json", "fast_slow.png");
}

/* ---- summary.json ---------------------------------------------------------------------------- */

/* The special points of a diagram's JSON without their bulky state. */
static json_t *special_points(const json_t *diagram)
{
    json_t *out = json_array();
    size_t i;
    json_t *sp;
    json_array_foreach(json_object_get(diagram, "special_points"), i, sp)
    {
        json_t *c = json_deep_copy(sp);
        json_object_del(c, "branch"), json_object_del(c, "curve");
        json_array_append_new(out, c);
    }
    return out;
}

static json_t *equilibria(const json_t *fp)
{
    json_t *out = json_array();
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(fp, "fixed_points"), i, p)
    {
        json_array_append_new(out, json_pack("{s:O, s:O, s:O, s:O}", "state", json_object_get(p, "state"), "stability",
                                             json_object_get(p, "stability"), "stable", json_object_get(p, "stable"),
                                             "eigenvalues", json_object_get(p, "eigenvalues")));
    }
    return out;
}

static json_t *burster(const json_t *fs)
{
    if (!fs) return json_null();
    json_t *out = json_object();
    const char *keys[] = {"slow", "activity", "spikes_per_burst", "burst_period", "burster", "onset", "termination", "note"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        json_t *v = json_object_get(fs, keys[k]);
        if (v) json_object_set(out, keys[k], v);
    }
    json_object_set_new(out, "special_points", special_points(fs));
    return out;
}

static json_t *build_summary(report *r)
{
    const nd_model *m = r->m;
    json_t *info = report_step_json(r, "info.json"), *fp = report_step_json(r, "fixed_points.json");
    json_t *b1 = report_step_json(r, "bifurcation.json"), *b2 = report_step_json(r, "bifurcation2.json");
    json_t *fs = report_step_json(r, "fast_slow.json");
    json_t *s = json_pack("{s:s, s:s, s:s}", "model", m->name, "title", m->title ? m->title : "", "reference",
                          m->reference ? m->reference : "");
    json_object_set(s, "parameters", info ? json_object_get(info, "parameters") : json_null());
    json_object_set_new(s, "equilibria", fp ? equilibria(fp) : json_null());
    if (b1) json_object_set_new(s, "codim1", json_pack("{s:O, s:o}", "parameter", json_object_get(b1, "parameter"), "special_points", special_points(b1)));
    if (b2) json_object_set_new(s, "codim2", json_pack("{s:O, s:o}", "parameters", json_object_get(b2, "parameters"), "special_points", special_points(b2)));
    if (m->slow_vars) json_object_set_new(s, "fast_slow", burster(fs));
    json_t *cls = fs ? json_object_get(fs, "burster") : NULL;
    json_object_set(s, "burster", cls ? cls : json_null());
    json_object_set(s, "steps", r->steps);
    json_object_set_new(s, "failed_steps", json_integer(r->failures));
    json_decref(info), json_decref(fp), json_decref(b1), json_decref(b2), json_decref(fs);
    return s;
}

/* ---- index.html --------------------------------------------------------------------------------- */

static void html_text(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '<') fputs("&lt;", f);
        else if (*s == '>') fputs("&gt;", f);
        else if (*s == '&') fputs("&amp;", f);
        else fputc(*s, f);
    }
}

static void html_number_object(FILE *f, const json_t *o)
{
    const char *k;
    json_t *v;
    int first = 1;
    json_object_foreach((json_t *)o, k, v)
    {
        fprintf(f, "%s", first ? "" : ", ");
        first = 0;
        html_text(f, k);
        if (json_is_number(v)) fprintf(f, " = %.6g", json_number_value(v));
        else if (json_is_string(v)) fprintf(f, " = "), html_text(f, json_string_value(v));
    }
}

static void html_equilibria(FILE *f, const json_t *eq)
{
    fprintf(f, "<h2>Equilibria</h2>\n<table><tr><th>state</th><th>stability</th><th>eigenvalues</th></tr>\n");
    size_t i, j;
    json_t *p, *e;
    json_array_foreach(eq, i, p)
    {
        fprintf(f, "<tr><td>");
        html_number_object(f, json_object_get(p, "state"));
        fprintf(f, "</td><td>");
        html_text(f, json_string_value(json_object_get(p, "stability")));
        fprintf(f, "</td><td>");
        json_array_foreach(json_object_get(p, "eigenvalues"), j, e)
            fprintf(f, "%s%.5g%+.5gi", j ? ", " : "", json_number_value(json_object_get(e, "re")), json_number_value(json_object_get(e, "im")));
        fprintf(f, "</td></tr>\n");
    }
    fprintf(f, "</table>\n");
}

static void html_specials(FILE *f, const char *heading, const json_t *sps)
{
    if (!json_array_size(sps)) return;
    fprintf(f, "<h2>%s</h2>\n<table><tr><th>type</th><th>where</th><th>details</th></tr>\n", heading);
    size_t i;
    json_t *sp;
    json_array_foreach(sps, i, sp)
    {
        fprintf(f, "<tr><td>");
        html_text(f, json_string_value(json_object_get(sp, "type")));
        fprintf(f, "</td><td>");
        json_t *rest = json_deep_copy(sp), *state = json_object_get(sp, "state");
        json_object_del(rest, "type"), json_object_del(rest, "state");
        html_number_object(f, rest);
        fprintf(f, "</td><td>");
        if (state) html_number_object(f, state);
        fprintf(f, "</td></tr>\n");
        json_decref(rest);
    }
    fprintf(f, "</table>\n");
}

/* "Bursts of 9 spikes every 430.8; they begin at z = 1.775 (fold LP at z = 1.815) ..." */
static void html_transition(FILE *f, const char *slow, const json_t *t, const char *verb)
{
    const json_t *pt = json_object_get(t, "point");
    fprintf(f, " they %s at %s = %.4g (", verb, slow, json_number_value(json_object_get(t, slow)));
    html_text(f, json_string_value(json_object_get(t, "bifurcation")));
    if (pt) fprintf(f, ": %s at %s = %.6g", json_string_value(json_object_get(pt, "type")), slow, json_number_value(json_object_get(pt, slow)));
    fprintf(f, ")");
}

static void html_bursts(FILE *f, const json_t *fs)
{
    const char *slow = json_string_value(json_object_get(fs, "slow"));
    if (!slow) return;
    fprintf(f, "<p>Bursts of %.3g spikes every %.5g time units;", json_number_value(json_object_get(fs, "spikes_per_burst")),
            json_number_value(json_object_get(fs, "burst_period")));
    html_transition(f, slow, json_object_get(fs, "onset"), "begin");
    fprintf(f, " and");
    html_transition(f, slow, json_object_get(fs, "termination"), "end");
    fprintf(f, ".</p>\n");
}

static int write_index(const report *r, const json_t *summary)
{
    FILE *f = cli_open_out("report", r->outdir, "index.html");
    if (!f) return EXIT_FAILED;
    const nd_model *m = r->m;
    fprintf(f, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>neurodyn report: ");
    html_text(f, m->name);
    fprintf(f, "</title>\n<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
               "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;"
               "font-size:90%%}figure{margin:2em 0}img{max-width:100%%;border:1px solid #eee}"
               ".class{font-size:130%%;font-weight:bold;color:#1f77b4}</style></head><body>\n<h1>");
    html_text(f, m->title ? m->title : m->name);
    fprintf(f, "</h1>\n<p><code>");
    html_text(f, m->name);
    fprintf(f, "</code>: ");
    html_text(f, m->reference);
    fprintf(f, "</p>\n<p>Parameters: ");
    html_number_object(f, json_object_get(summary, "parameters"));
    fprintf(f, "</p>\n");
    const json_t *cls = json_object_get(summary, "burster");
    if (json_is_string(cls)) {
        fprintf(f, "<p>Burster class (Izhikevich 2000): <span class=\"class\">");
        html_text(f, json_string_value(cls));
        fprintf(f, "</span></p>\n");
        html_bursts(f, json_object_get(summary, "fast_slow"));
    }
    const json_t *eq = json_object_get(summary, "equilibria");
    if (json_is_array(eq)) html_equilibria(f, eq);
    html_specials(f, "Special points of the codim-1 diagram", json_object_get(json_object_get(summary, "codim1"), "special_points"));
    html_specials(f, "Codim-2 points", json_object_get(json_object_get(summary, "codim2"), "special_points"));
    html_specials(f, "Bifurcations of the fast subsystem", json_object_get(json_object_get(summary, "fast_slow"), "special_points"));
    size_t i;
    json_t *st;
    for (int figures = 1; figures >= 0; figures--) { /* the figures, then the steps with data only */
        if (!figures) fprintf(f, "<h2>Data</h2>\n<p>summary.json, and per step its JSON and files; every figure has an "
                                 "editable gnuplot script next to it.</p>\n<ul>\n");
        json_array_foreach(json_object_get(summary, "steps"), i, st)
        {
            const char *fig = json_string_value(json_object_get(st, "figure")), *json = json_string_value(json_object_get(st, "json"));
            int failed = strcmp(json_string_value(json_object_get(st, "status")), "ok") != 0;
            if (figures != (fig != NULL || failed)) continue;
            fprintf(f, figures ? "<figure>" : "<li>");
            if (fig) fprintf(f, "<img src=\"%s\" alt=\"%s\">", fig, fig);
            fprintf(f, figures ? "<figcaption><b>" : "<b>");
            html_text(f, json_string_value(json_object_get(st, "step")));
            fprintf(f, "</b>");
            if (failed) { /* what happened: failed, crashed or timed out, and why */
                fprintf(f, " (");
                html_text(f, json_string_value(json_object_get(st, "status")));
                fprintf(f, ": ");
                html_text(f, json_string_value(json_object_get(st, "reason")));
                fprintf(f, ")");
            }
            if (json) fprintf(f, " (<a href=\"%s\">%s</a>)", json, json);
            fprintf(f, ": <code>");
            html_text(f, json_string_value(json_object_get(st, "command")));
            fprintf(f, figures ? "</code></figcaption></figure>\n" : "</code></li>\n");
        }
    }
    fprintf(f, "</ul>\n</body></html>\n");
    return fclose(f) ? EXIT_FAILED : EXIT_OK;
}

/* ---- command ------------------------------------------------------------------------------------ */

static int parse(int argc, char **argv, report *r)
{
    static const struct option opts[] = {{"outdir", required_argument, 0, 'o'},
                                         {"set", required_argument, 0, 's'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"timeout", required_argument, 0, 't'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': r->outdir = optarg; break;
        case 's': r->sets[r->n_sets++] = optarg; break;
        case 'q': r->quiet = 1; break;
        case 't': {
            unsigned long t;
            if (cli_count("report", "timeout", optarg, 0, 86400UL * 365, &t)) return EXIT_USAGE;
            r->timeout = (unsigned)t;
            break;
        }
        case 'h': fputs(HELP, stdout); return -1;
        default: return cli_usage_error("report", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    return cli_model_arg("report", argc, argv, &r->model);
}

/* Every --set, checked before the first step (a bad one is a usage error, not 7 failed steps). */
static int check_sets(const report *r, const nd_model *m, const double *p)
{
    double *q = malloc((m->n_pars ? m->n_pars : 1) * sizeof *q);
    if (!q) return EXIT_FAILED;
    memcpy(q, p, m->n_pars * sizeof *q);
    nd_error err;
    int rc = EXIT_OK;
    for (int i = 0; i < r->n_sets && !rc; i++)
        if (nd_model_set_par(m, q, r->sets[i], &err)) rc = cli_error("report", &err);
    free(q);
    return rc;
}

/* "report_NAME" with every character of the model's name other than a letter, a digit, '-' or
 * '_' replaced by '_', so that no model name puts the default folder outside the current one
 * (a name of "../../x" gives "report_______x"). */
static char *default_folder(const nd_model *m)
{
    size_t len = strlen(m->name);
    char *dir = malloc(len + 8);
    if (!dir) return NULL;
    strcpy(dir, "report_");
    for (size_t i = 0; i < len; i++) {
        char c = m->name[i];
        int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        dir[7 + i] = keep ? c : '_';
    }
    dir[7 + len] = '\0';
    return dir;
}

static int run(const void *args, const nd_model *m, double *p, double *x)
{
    (void)x;
    report *r = (report *)args;
    r->m = m;
    int rc = check_sets(r, m, p);
    if (rc) return rc;
    char *dflt = r->outdir ? NULL : default_folder(m);
    if (!r->outdir && !(r->outdir = dflt)) return EXIT_FAILED;
    rc = cli_make_dir("report", r->outdir);
    if (rc) {
        free(dflt);
        return rc;
    }
    r->steps = json_array();
    r->bar = r->quiet ? NULL : nd_progress_start("neurodyn report", "stages", REPORT_STAGES, stderr, 0);
    step_info_and_fixed_points(r), stage_done(r);
    step_fast_slow(r), stage_done(r); /* before the phase plane, which freezes the slow variables from it */
    json_t *fs = m->slow_vars ? report_step_json(r, "fast_slow.json") : NULL;
    step_phase_plane(r, fs), stage_done(r);
    json_decref(fs);
    step_simulation(r), stage_done(r);
    step_bifurcation(r), stage_done(r);
    step_orbit(r), stage_done(r);
    step_bifurcation2(r), stage_done(r);
    nd_progress_finish(r->bar);
    r->bar = NULL;
    json_t *summary = build_summary(r);
    char path[4096];
    snprintf(path, sizeof path, "%s/summary.json", r->outdir);
    FILE *sf = nd_file_create(path); /* never through a link planted in the folder */
    int bad = !sf || json_dumpf(summary, sf, JSON_INDENT(2) | JSON_REAL_PRECISION(17)) != 0;
    if ((sf && fclose(sf) != 0) || bad) {
        fprintf(stderr, "neurodyn report: cannot write '%s': %s\n", path, strerror(errno));
        rc = EXIT_FAILED;
    }
    if (!rc) rc = write_index(r, summary);
    size_t steps = json_array_size(r->steps);
    printf("report of %s: %zu steps, %d failed; %s/index.html and %s/summary.json\n", m->name, steps, r->failures, r->outdir,
           r->outdir);
    if (json_is_string(json_object_get(summary, "burster")))
        printf("burster class: %s\n", json_string_value(json_object_get(summary, "burster")));
    json_decref(summary);
    json_decref(r->steps);
    if (!rc && r->failures) rc = EXIT_FAILED;
    if (dflt) r->outdir = NULL;
    free(dflt);
    return rc;
}

int cmd_report(int argc, char **argv)
{
    report r = {0};
    r.timeout = 1800; /* half an hour per step: generous for any built-in model, finite for a hung one */
    r.sets = calloc((size_t)argc, sizeof *r.sets);
    int rc = r.sets ? parse(argc, argv, &r) : EXIT_FAILED;
    if (rc == 0) rc = cli_with_model("report", r.model, run, &r);
    free(r.sets);
    return rc < 0 ? EXIT_OK : rc;
}
