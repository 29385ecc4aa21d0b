/* Figures: each kind renders a non-empty PNG through gnuplot, and its editable script runs
 * again on its own from its folder. Skipped, with a message, where gnuplot is not installed. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "figure_check.h"
#include "neurodyn/neurodyn.h"

static char dir[256];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/nd-plot-test-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(plots, .init = setup, .fini = teardown);

static int have_gnuplot(void) { return system("command -v gnuplot >/dev/null 2>&1") == 0; }

static int sh(const char *fmt, const char *arg)
{
    char cmd[4096], inner[1800];
    snprintf(inner, sizeof inner, fmt, arg);
    snprintf(cmd, sizeof cmd, "cd '%s' && %s >/dev/null 2>err.txt", dir, inner);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

/* A PNG file starts with the 8-byte signature 89 50 4E 47 0D 0A 1A 0A (PNG spec, 5.2). */
static void expect_png(const char *name)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s was not written", name);
    unsigned char sig[8] = {0};
    size_t got = fread(sig, 1, 8, f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    const unsigned char png[8] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
    cr_expect(got == 8 && memcmp(sig, png, 8) == 0, "%s is not a PNG", name);
    cr_expect(size > 5000, "%s is only %ld bytes", name, size);
}

/* Re-renders from the script alone, in its own folder, after removing the image. */
static void expect_standalone(const char *script, const char *image)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -f '%s' && gnuplot '%s'", image, script);
    cr_expect_eq(sh("%s", cmd), 0, "gnuplot %s failed on its own", script);
    expect_png(image);
}

static const char *cli(void)
{
    const char *c = getenv("ND_CLI");
    cr_assert_not_null(c, "ND_CLI must name the neurodyn binary (make test sets it)");
    return c;
}

Test(plots, time_series)
{
    if (!have_gnuplot()) cr_skip_test("gnuplot is not installed: figures are not rendered");
    cr_assert_eq(sh("'%s' simulate hr --t1 500 --sample 0.5 --out hr.tsv --plot hr.png", cli()), 0);
    expect_png("hr.png");
    expect_standalone("hr.gp", "hr.png");
}

Test(plots, phase_portrait)
{
    if (!have_gnuplot()) cr_skip_test("gnuplot is not installed: figures are not rendered");
    cr_assert_eq(sh("'%s' phase-plane morris_lecar_snic --set I=0 --x V=-80:40 --y w=-0.1:0.6 --traj V=-20,w=0.1 "
                    "--t1 300 --outdir pp --plot pp.png", cli()), 0);
    expect_png("pp.png");
    expect_standalone("pp.gp", "pp.png");
}

Test(plots, bifurcation_diagram)
{
    if (!have_gnuplot()) cr_skip_test("gnuplot is not installed: figures are not rendered");
    cr_assert_eq(sh("'%s' bifurcation fhn --par Iext=0:2 --brute --grid 40 --outdir bif --plot bif.png", cli()), 0);
    expect_png("bif.png");
    expect_standalone("bif.gp", "bif.png");
}

/* The whole of a file in dir (up to len - 1 bytes). */
static void slurp_in_dir(const char *name, char *buf, size_t len)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    size_t got = f ? fread(buf, 1, len - 1, f) : 0;
    buf[got] = '\0';
    if (f) fclose(f);
}

/* Runs gnuplot on script (in dir) and expects it to say nothing: no warning either. */
static void expect_silent_gnuplot(const char *script)
{
    char cmd[600], said[2048];
    snprintf(cmd, sizeof cmd, "gnuplot '%s'", script);
    cr_expect_eq(sh("%s", cmd), 0, "gnuplot %s failed", script);
    slurp_in_dir("err.txt", said, sizeof said);
    cr_expect_str_eq(said, "", "gnuplot on %s said: %s", script, said);
}

Test(plots, two_parameter_diagram_draws_only_what_it_has)
{
    if (!have_gnuplot()) cr_skip_test("gnuplot is not installed: figures are not rendered");
    static char gp[1 << 16];
    /* Wilson–Cowan: fold and Hopf curves, the Hopf curve's neutral-saddle part, BT, CP, GH */
    cr_assert_eq(sh("'%s' bifurcation2 wilson_cowan --par Q=-2:2 --par P=0:3 --outdir wc --plot wc.png", cli()), 0);
    expect_png("wc.png");
    expect_silent_gnuplot("wc.gp");
    slurp_in_dir("wc.gp", gp, sizeof gp);
    cr_expect(strstr(gp, "title 'fold (LP) curves'") && strstr(gp, "title 'Hopf (H) curves'") &&
                  strstr(gp, "title 'neutral saddles") && strstr(gp, "set label 'BT'") && strstr(gp, "set label 'CP'"),
              "%s", gp);
    /* FitzHugh–Nagumo in (a, Iext): two Hopf lines only, no fold, no neutral saddle, no point */
    cr_assert_eq(sh("'%s' bifurcation2 fhn --par a=0.5:1 --par Iext=0:2 --outdir fhn --plot fhn.png", cli()), 0);
    expect_silent_gnuplot("fhn.gp");
    slurp_in_dir("fhn.gp", gp, sizeof gp);
    cr_expect(strstr(gp, "Hopf curves' noenhanced") && !strstr(gp, "title 'fold") && !strstr(gp, "neutral") &&
                  !strstr(gp, "codim-2 points"),
              "%s", gp);
    /* Izhikevich in (a, I) above its Hopf point: a fold curve only, so the legend never says Hopf */
    cr_assert_eq(sh("'%s' bifurcation2 izhikevich --par a=0.01:0.05 --par I=3.9:10 --outdir iz --plot iz.png", cli()), 0);
    expect_silent_gnuplot("iz.gp");
    slurp_in_dir("iz.gp", gp, sizeof gp);
    cr_expect(strstr(gp, "title 'fold (LP) curves'") && !strstr(gp, "Hopf (H) curves"), "%s", gp);
    /* nothing at all: the frame alone, and no empty selection */
    char path[600];
    snprintf(path, sizeof path, "%s/none", dir);
    cr_assert_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/none/curves.tsv", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "curve\tkind\ta\tb\tx\tneutral_saddle\n");
    fclose(f);
    snprintf(path, sizeof path, "%s/none/special_points.tsv", dir);
    f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "type\tcurve\ta\tb\tx\tdata0\tdata1\tcurves\n");
    fclose(f);
    char d2[400], out[400];
    snprintf(d2, sizeof d2, "%s/none", dir);
    snprintf(out, sizeof out, "%s/none.png", dir);
    nd_bif2_plot spec = {d2, "empty", "a", "b", 0, 1, 0, 1, 0, NULL};
    nd_error err;
    cr_expect_eq(nd_plot_bifurcation2(&spec, out, &err), ND_PLOT_OK, "%s", err.msg);
    expect_silent_gnuplot("none.gp");
}

Test(plots, svg_and_pdf_by_extension)
{
    if (!have_gnuplot()) cr_skip_test("gnuplot is not installed: figures are not rendered");
    cr_assert_eq(sh("'%s' simulate fhn --t1 50 --out fhn.tsv --plot fhn.svg", cli()), 0);
    cr_assert_eq(sh("'%s' simulate fhn --t1 50 --out fhn2.tsv --plot fhn2.pdf", cli()), 0);
    char path[600];
    snprintf(path, sizeof path, "%s/fhn.svg", dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    char head[256] = {0};
    cr_expect(fread(head, 1, sizeof head - 1, f) > 0);
    fclose(f);
    cr_expect(strstr(head, "<svg") || strstr(head, "<?xml"), "fhn.svg: %.60s", head);
    snprintf(path, sizeof path, "%s/fhn2.pdf", dir);
    f = fopen(path, "rb");
    cr_assert_not_null(f);
    char pdf[5] = {0};
    cr_expect(fread(pdf, 1, 4, f) == 4 && strcmp(pdf, "%PDF") == 0, "fhn2.pdf is not a PDF");
    fclose(f);
}

Test(plots, without_gnuplot_a_plot_is_a_one_line_error)
{
    /* PATH without gnuplot: the data and the script are written, and the command fails with one
     * line that says how to render them; the report fails too, listing the failed steps */
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "mkdir -p nobin && ln -sf \"$(command -v sh)\" nobin/sh && PATH=\"$PWD/nobin\" '%s' "
                              "simulate fhn --t1 20 --out f.tsv --plot f.png",
             cli());
    cr_expect_eq(sh("%s", cmd), 1);
    char path[600], msg[1024];
    struct stat st;
    snprintf(path, sizeof path, "%s/f.gp", dir);
    cr_expect_eq(stat(path, &st), 0, "the script was written");
    slurp_in_dir("err.txt", msg, sizeof msg);
    cr_expect(strstr(msg, "gnuplot not found") && strstr(msg, "'gnuplot f.gp'"), "the message: %s", msg);
    cr_expect(strchr(msg, '\n') == msg + strlen(msg) - 1, "one line: %s", msg);
    snprintf(cmd, sizeof cmd, "PATH=\"$PWD/nobin\" '%s' report fhn --outdir rep", cli());
    cr_expect_eq(sh("%s", cmd), 1, "a report without its figures is not a success");
    const char *files[] = {"rep/phase_plane.gp", "rep/timeseries.gp", "rep/bifurcation.gp", "rep/summary.json", "rep/index.html"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        cr_expect_eq(stat(path, &st), 0, "%s was written", files[i]);
    }
    cr_expect_eq(sh("grep -q '\"failed_steps\": [1-9]' %s", "rep/summary.json"), 0, "summary.json counts the failures");
}

/* A script of its own in dir, rendered through the library. */
static nd_plot_status render_script(const char *name, const char *body, nd_error *err)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "set terminal pngcairo size 200,100\nset output 'w.png'\n%s\n", body);
    fclose(f);
    return nd_plot_render(path, err);
}

Test(plots, gnuplot_warnings_are_errors_that_name_the_script)
{
    if (!have_gnuplot()) cr_skip_test("gnuplot is not installed: figures are not rendered");
    nd_error err;
    /* a data file that is not there: gnuplot only warns, and exits 0 */
    cr_expect_eq(render_script("missing.gp", "plot 'nothing here.tsv' using 1:2", &err), ND_PLOT_FAILED);
    cr_expect(strstr(err.msg, "missing.gp") && strstr(err.msg, "nothing here.tsv") && !strchr(err.msg, '\n'),
              "the script and gnuplot's first line: %s", err.msg);
    /* a file with a header and no data row */
    cr_expect_eq(render_script("empty.gp", "set print 'e.tsv'; print 'x\ty'; unset print\nplot 'e.tsv' skip 1 using 1:2", &err),
                 ND_PLOT_FAILED);
    cr_expect(strstr(err.msg, "empty.gp") && strstr(err.msg, "warning"), "%s", err.msg);
    /* an error stops gnuplot with a non-zero exit */
    cr_expect_eq(render_script("bad.gp", "plot sin(x) with nonsense", &err), ND_PLOT_FAILED);
    cr_expect(strstr(err.msg, "bad.gp"), "%s", err.msg);
    /* and a good one renders, whatever its name: no shell sees it */
    cr_expect_eq(render_script("-it's $(touch pwned) fine.gp", "plot sin(x)", &err), ND_PLOT_OK, "%s", err.msg);
    cr_expect_neq(sh("test -e %s", "pwned"), 0, "the name ran as a command");
    cr_expect_eq(sh("test -s %s", "w.png"), 0, "rendered");
}

/* A model's variable with a unit (V in mV) keeps its plain name in file names; the unit goes to
 * the axis label only. Morris–Lecar's V nullcline was named 'nullcline_V (mV).tsv' in the script
 * and written as nullcline_V.tsv, so the figure had no V nullcline and the run succeeded. */
Test(plots, units_label_the_axes_and_never_name_files)
{
    if (!have_gnuplot()) cr_skip_test("gnuplot is not installed: figures are not rendered");
    static char gp[1 << 16];
    cr_assert_eq(sh("'%s' phase-plane ml --plot ml.png", cli()), 0);
    slurp_in_dir("ml.gp", gp, sizeof gp);
    cr_expect(strstr(gp, "'phase_plane/nullcline_V.tsv'") && strstr(gp, "'phase_plane/nullcline_w.tsv'"), "%s", gp);
    cr_expect(strstr(gp, "title 'dV/dt = 0'") && strstr(gp, "set xlabel 'V (mV)'"), "%s", gp);
    cr_expect(strstr(gp, "title 'trajectories'"), "a trajectory from the initial state by default: %s", gp);
    expect_silent_gnuplot("ml.gp");
    cr_assert_eq(sh("'%s' simulate hh --t1 20 --out hh.tsv --plot hh.png", cli()), 0);
    slurp_in_dir("hh.gp", gp, sizeof gp);
    cr_expect(strstr(gp, "set ylabel 'V (mV)'") && strstr(gp, "set xlabel 't (ms)'") && strstr(gp, "set ylabel 'm'"), "%s", gp);
    cr_assert_eq(sh("'%s' simulate hh --t1 20 --out hh3.tsv --plot3d hh3.png", cli()), 0);
    slurp_in_dir("hh3.gp", gp, sizeof gp);
    cr_expect(strstr(gp, "set xlabel 'V (mV)'") && strstr(gp, "set cblabel 't (ms)'"), "%s", gp);
}

Test(plots, titles_show_the_parameters_changed)
{
    if (!have_gnuplot()) cr_skip_test("gnuplot is not installed: figures are not rendered");
    static char gp[1 << 16];
    cr_assert_eq(sh("'%s' simulate ml --set I=90 --set gCa=4.5 --t1 50 --out ml.tsv --plot ml.png", cli()), 0);
    slurp_in_dir("ml.gp", gp, sizeof gp);
    cr_expect(strstr(gp, "title 'morris_lecar'.\"\\n\".'I = 90 µA/cm², gCa = 4.5 mS/cm²'"), "%s", gp);
    /* the diagram's own parameter is its axis, not the title */
    cr_assert_eq(sh("'%s' bifurcation ml --set gCa=4.5 --par I=0:150 --outdir b --plot b.png", cli()), 0);
    slurp_in_dir("b.gp", gp, sizeof gp);
    cr_expect(strstr(gp, "'gCa = 4.5 mS/cm²' noenhanced") && !strstr(gp, "I = "), "%s", gp);
    cr_expect(strstr(gp, "set xlabel 'I (µA/cm²)'"), "the parameter's axis has its unit: %s", gp);
    /* defaults only: one line */
    cr_assert_eq(sh("'%s' fixed-points lorenz --plot fp.png", cli()), 0);
    slurp_in_dir("fp.gp", gp, sizeof gp);
    cr_expect(strstr(gp, "set title 'lorenz: fixed points' noenhanced"), "%s", gp);
    expect_silent_gnuplot("fp.gp");
}

/* Three fixed points of Morris–Lecar (SNIC set) just below the fold at I = 39.96: the stable
 * node and the saddle lie 1.7 mV apart, and their labels were drawn over each other. */
Test(plots, labels_of_nearby_points_do_not_overlap)
{
    if (!have_gnuplot()) cr_skip_test("gnuplot is not installed: figures are not rendered");
    static char gp[1 << 16];
    cr_assert_eq(sh("'%s' fixed-points morris_lecar_snic --set I=39.9 --plot fp.png", cli()), 0);
    slurp_in_dir("fp.gp", gp, sizeof gp);
    fig_label l[8];
    size_t n = fig_labels(gp, l, 8), shown = 0;
    cr_expect_eq(n, 3, "%s", gp);
    for (size_t i = 0; i < n; i++) shown += l[i].text[0] != '\0';
    cr_expect_eq(shown, 3, "every type is written: %s", gp);
    fig_expect_labels_apart(gp);
    expect_silent_gnuplot("fp.gp");
}

/* Izhikevich's diagram has no stable cycle, Morris–Lecar's phase plane no saddle and no stable
 * point: their legends said "stable cycle max/min", "separatrices", "stable" over nothing. */
Test(plots, legends_list_only_what_is_drawn)
{
    if (!have_gnuplot()) cr_skip_test("gnuplot is not installed: figures are not rendered");
    static char gp[1 << 16];
    cr_assert_eq(sh("'%s' bifurcation izhikevich --par I=0:20 --cycles --outdir iz --plot iz.png", cli()), 0);
    slurp_in_dir("iz.gp", gp, sizeof gp);
    cr_expect(!strstr(gp, "title 'stable cycle"), "no stable cycle in the data: %s", gp);
    cr_expect(strstr(gp, "title 'unstable cycle max/min'") && strstr(gp, "title 'special points'"), "%s", gp);
    cr_expect_eq(sh("awk -F'\t' 'NR > 1 && $(NF - 1) == 1' iz/cycles.tsv | grep -q .%s", ""), 1, "the data have no stable cycle");
    cr_assert_eq(sh("'%s' phase-plane ml --outdir pp --plot pp.png", cli()), 0);
    slurp_in_dir("pp.gp", gp, sizeof gp);
    cr_expect(!strstr(gp, "separatrices") && !strstr(gp, "title 'stable'") && strstr(gp, "title 'unstable'"), "%s", gp);
    /* each special point once: as a labelled marker, never also plotted from the file */
    cr_expect(!strstr(gp, "special_points.tsv"), "%s", gp);
    fig_expect_labels_apart(gp);
}

/* The largest turn, in degrees, between consecutive segments of the forward trajectory in
 * trajectories.tsv (box V -90:20, n -0.1:1) that are both long enough to show a corner (0.4% of
 * the box, 2 pixels). */
static double sharpest_corner(const char *name)
{
    char path[600], line[512], kind[16];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    double prev[2] = {NAN, NAN}, seg[2] = {NAN, NAN}, worst = 0, t, V, n;
    while (fgets(line, sizeof line, f)) { /* branch, kind, t, V, n */
        if (sscanf(line, "%*s\t%15s\t%lf\t%lf\t%lf", kind, &t, &V, &n) != 4 || strcmp(kind, "forward")) continue;
        double x = V / 110, y = n / 1.1, dx = x - prev[0], dy = y - prev[1];
        if (hypot(dx, dy) > 0.004 && hypot(seg[0], seg[1]) > 0.004)
            worst = fmax(worst, fabs(atan2(seg[0] * dy - seg[1] * dx, seg[0] * dx + seg[1] * dy)) * 180 / M_PI);
        if (!isnan(prev[0])) seg[0] = dx, seg[1] = dy;
        prev[0] = x, prev[1] = y;
    }
    fclose(f);
    return worst;
}

/* Trajectories were sampled every t1/1000, so a spike of the I_Na,p + I_K model (upstroke < 1 ms)
 * was drawn as a polygon (corners of 67 degrees at t1 = 100); every step of the adaptive
 * integrator keeps it smooth. */
Test(plots, phase_plane_trajectories_resolve_spikes)
{
    if (!have_gnuplot()) cr_skip_test("gnuplot is not installed: figures are not rendered");
    cr_assert_eq(sh("'%s' phase-plane inap_ik --t1 100 --outdir pp --plot pp.png", cli()), 0);
    double corner = sharpest_corner("pp/trajectories.tsv");
    cr_expect(corner < 10, "a corner of %.1f degrees in the drawn trajectory", corner);
    /* --sample: a fixed interval instead, as coarse as asked */
    cr_assert_eq(sh("'%s' phase-plane inap_ik --t1 100 --sample 0.1 --outdir p01", cli()), 0);
    cr_expect_eq(sh("test $(awk -F'\t' '$2 == \"forward\"' p01/trajectories.tsv | wc -l) -eq 1001%s", ""), 0,
                 "t = 0, 0.1, ..., 100");
    cr_expect(sharpest_corner("p01/trajectories.tsv") > 30, "the coarse sampling shows its corners");
}

/* A file of the test folder with the given text. */
static void write_in_dir(const char *name, const char *text)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

/* A fold found from five seeds was listed five times and drawn five times over itself (it
 * looked bold); the figure draws each point once. */
Test(plots, each_special_point_is_drawn_once)
{
    if (!have_gnuplot()) cr_skip_test("gnuplot is not installed: figures are not rendered");
    cr_assert_eq(mkdir(strcat(strcpy((char[600]){0}, dir), "/d"), 0755), 0);
    write_in_dir("d/branches.tsv", "branch\tI\tV\tstable\n0\t0\t-1\t1\n0\t1\t0\t1\n0\t1\t0\t0\n0\t0\t1\t0\n");
    write_in_dir("d/special_points.tsv", "type\tbranch\tI\tV\tomega\tfirst_lyapunov\n"
                                         "LP\t0\t1\t0\tnan\tnan\nLP\t0\t1\t0\tnan\tnan\nLP\t0\t1.000001\t0\tnan\tnan\n"
                                         "LP\t0\t1\t1e-6\tnan\tnan\nLP\t0\t1\t0\tnan\tnan\nBP\t0\t0.5\t-0.5\tnan\tnan\n");
    write_in_dir("d/ends.tsv", "branch\tI\tV\treason\n");
    char d[600], out[600];
    snprintf(d, sizeof d, "%s/d", dir), snprintf(out, sizeof out, "%s/d.png", dir);
    nd_bif_plot spec = {d, "fold", "I", "V", 0, 1, 0, 1.2, 0, 0, 0, 0, 0, 0, NULL, NULL};
    nd_error err;
    cr_assert_eq(nd_plot_bifurcation(&spec, out, &err), ND_PLOT_OK, "%s", err.msg);
    static char gp[1 << 16];
    slurp_in_dir("d.gp", gp, sizeof gp);
    fig_label l[16];
    size_t n = fig_labels(gp, l, 16), lp = 0;
    for (size_t i = 0; i < n; i++) lp += strcmp(l[i].text, "LP") == 0;
    cr_expect(n == 2 && lp == 1, "one LP and the BP: %zu labels, %zu LP\n%s", n, lp, gp);
    cr_expect(!strstr(gp, "special_points.tsv"), "the markers come with the labels, not from the file: %s", gp);
    fig_expect_labels_apart(gp);
}

/* Figures of data with nothing to vary: a constant variable (gnuplot warned "empty y range"),
 * no fixed point in the box (an empty key box), a raster without spikes (an empty file). */
Test(plots, figures_of_degenerate_data_render_silently)
{
    if (!have_gnuplot()) cr_skip_test("gnuplot is not installed: figures are not rendered");
    write_in_dir("c.tsv", "t\tx\ty\n0\t1\t0\n1\t1\t0.5\n2\t1\t1\n");
    char data[600], out[600];
    snprintf(data, sizeof data, "%s/c.tsv", dir), snprintf(out, sizeof out, "%s/c.png", dir);
    nd_series_plot s = {data, "constant", NULL, "s", NULL, 0};
    nd_error err;
    cr_expect_eq(nd_plot_timeseries(&s, out, &err), ND_PLOT_OK, "%s", err.msg);
    cr_assert_eq(sh("'%s' fixed-points izhikevich --plot iz.png", cli()), 0);
    static char gp[1 << 16];
    slurp_in_dir("iz.gp", gp, sizeof gp);
    cr_expect(strstr(gp, "no fixed point in the box") && strstr(gp, "unset key\nplot NaN notitle"), "%s", gp);
    double t = 1;
    unsigned id = 0;
    nd_raster_group g[2] = {{"E", &t, &id, 0, 10}, {"I", &t, &id, 0, 5}};
    snprintf(out, sizeof out, "%s/r.png", dir);
    cr_expect_eq(nd_plot_raster(g, 2, 0, 10, 1, "silent network", out, &err), ND_PLOT_OK, "%s", err.msg);
}

/* Scripts name their data relative to their own folder, also when the data lie elsewhere, so a
 * figure re-renders after the folders move together. */
Test(plots, scripts_name_their_data_relative_to_their_folder)
{
    if (!have_gnuplot()) cr_skip_test("gnuplot is not installed: figures are not rendered");
    static char gp[1 << 16];
    cr_assert_eq(sh("mkdir -p a/figs && '%s' phase-plane fhn --outdir a/data/pp --plot a/figs/pp.png", cli()), 0);
    slurp_in_dir("a/figs/pp.gp", gp, sizeof gp);
    cr_expect(strstr(gp, "'../data/pp/vector_field.tsv'") && !strstr(gp, "'/"), "%s", gp);
    cr_assert_eq(sh("mv a b && cd b/figs && rm pp.png && gnuplot pp.gp%s", ""), 0);
    expect_png("b/figs/pp.png");
}

/* The first line of a data file, for its documented columns. */
static void expect_header(const char *name, const char *header)
{
    char path[600], line[512] = {0};
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s was not written", name);
    cr_expect_not_null(fgets(line, sizeof line, f));
    fclose(f);
    cr_expect_eq(strncmp(line, header, strlen(header)), 0, "%s starts '%s', documented '%s'", name, line, header);
}

Test(plots, three_d_trajectory)
{
    if (!have_gnuplot()) cr_skip_test("gnuplot is not installed: figures are not rendered");
    cr_assert_eq(sh("'%s' simulate lorenz --t1 30 --sample 0.01 --out lz.tsv --plot3d lz3.png", cli()), 0);
    expect_png("lz3.png");
    expect_standalone("lz3.gp", "lz3.png");
    expect_header("lz.tsv", "t\tx\ty\tz\n");
    cr_expect_eq(sh("'%s' simulate fhn --t1 10 --out f.tsv --plot3d f3.png", cli()), 2, "two variables: refused");
}

Test(plots, report_of_both_models_writes_every_figure)
{
    /* the main job: every figure of the FitzHugh–Nagumo report (phase plane, time series,
     * codim-1 with cycles, codim-2) and of the Hindmarsh–Rose one (fast–slow, fast-subsystem
     * phase plane, time series, 3D, codim-1), their scripts standalone, summary.json and
     * index.html */
    if (!have_gnuplot()) cr_skip_test("gnuplot is not installed: figures are not rendered");
    cr_assert_eq(sh("'%s' report fhn --outdir fhn", cli()), 0);
    cr_assert_eq(sh("'%s' report hr --outdir hr", cli()), 0);
    const char *figs[] = {"fhn/phase_plane", "fhn/timeseries", "fhn/bifurcation", "fhn/orbit",     "fhn/bifurcation2",
                          "hr/fast_slow",    "hr/phase_plane", "hr/timeseries",   "hr/trajectory3d", "hr/bifurcation",
                          "hr/orbit"};
    for (size_t i = 0; i < sizeof figs / sizeof figs[0]; i++) {
        char png[300], gp[300];
        snprintf(png, sizeof png, "%s.png", figs[i]);
        snprintf(gp, sizeof gp, "%s.gp", figs[i]);
        expect_png(png);
        char cmd[1024]; /* each script from its own folder */
        snprintf(cmd, sizeof cmd, "cd \"$(dirname '%s')\" && rm -f \"$(basename '%s')\" && gnuplot \"$(basename '%s')\"", gp, png, gp);
        cr_expect_eq(sh("%s", cmd), 0, "gnuplot %s failed on its own", gp);
        expect_png(png);
    }
    const char *files[] = {"fhn/summary.json", "fhn/index.html", "fhn/fixed_points.json", "fhn/info.json",
                           "hr/summary.json",  "hr/index.html",  "hr/fast_slow.json"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[600];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        cr_expect(stat(path, &st) == 0 && st.st_size > 100, "%s missing or empty", files[i]);
    }
    expect_header("fhn/bifurcation/branches.tsv", "branch\tIext\tV\tw\tstable\n");
    expect_header("fhn/bifurcation/cycles.tsv", "branch\tIext\tperiod\tmax_V\tmin_V\tmax_w\tmin_w\tstable\tperiod_multiple\n");
    expect_header("fhn/bifurcation2/curves.tsv", "curve\tkind\ta\tIext");
    expect_header("hr/fast_slow/branches.tsv", "branch\tz\tx\ty\tstable\n");
    expect_header("hr/fast_slow/slow_nullcline.tsv", "z\tx\n");
    expect_header("hr/timeseries.tsv", "t\tx\ty\tz\n");
    /* the key numbers reach summary.json and the page */
    cr_expect_eq(sh("grep -q '\"burster\": \"fold/homoclinic\"' %s", "hr/summary.json"), 0);
    cr_expect_eq(sh("grep -q 'fold/homoclinic' %s", "hr/index.html"), 0);
    cr_expect_eq(sh("grep -q 'unstable focus' %s", "fhn/index.html"), 0);
    cr_expect_eq(sh("grep -q '\"type\": \"BT\"\\|\"type\": \"H\"' %s", "fhn/summary.json"), 0);
}

Test(plots, one_call_per_result_type_from_the_c_api)
{
    /* the library's plot calls take the analysis results themselves: trajectory, fixed points,
     * phase portrait, codim-1 diagram with cycles, fast–slow diagram */
    if (!have_gnuplot()) cr_skip_test("gnuplot is not installed: figures are not rendered");
    nd_error err;
    char data[400], out[400];
    const nd_model *fhn = nd_builtin_find("fitzhugh_nagumo");
    double p[4], x[2], lo[2] = {-3, -3}, hi[2] = {3, 3};
    nd_model_default_params(fhn, p);
    nd_model_default_state(fhn, x);
    nd_trajectory tr;
    cr_assert_eq(nd_simulate(fhn, p, x, 0, 100, NULL, &tr, &err), ND_OK, "%s", err.msg);
    snprintf(data, sizeof data, "%s/tr.tsv", dir), snprintf(out, sizeof out, "%s/tr.png", dir);
    cr_expect_eq(nd_plot_trajectory(fhn, p, &tr, data, out, &err), ND_PLOT_OK, "%s", err.msg);
    nd_trajectory_free(&tr);
    expect_png("tr.png");
    expect_header("tr.tsv", "t\tV\tw\n");

    nd_region r = {lo, hi, NULL, x};
    nd_fp_result fps;
    cr_assert_eq(nd_fixed_points(fhn, p, &r, NULL, &fps, &err), ND_OK, "%s", err.msg);
    snprintf(out, sizeof out, "%s/fp.png", dir);
    cr_expect_eq(nd_plot_fixed_points(fhn, p, &fps, 0, 1, lo, hi, out, &err), ND_PLOT_OK, "%s", err.msg);
    nd_fp_result_free(&fps);
    expect_png("fp.png");
    expect_header("fp.tsv", "V\tw\tstable\ttype\n");

    double start[2] = {-2.8, -1.8};
    nd_phase_opts po = {20, 100, 1, start, 1}; /* w across */
    nd_phase_portrait pp;
    cr_assert_eq(nd_phase_portrait_compute(fhn, p, &r, &po, &pp, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(pp.ix, 1);
    cr_expect_eq(pp.n_traj, 2);
    snprintf(out, sizeof out, "%s/pp.png", dir);
    cr_expect_eq(nd_plot_phase_portrait(&pp, dir, out, &err), ND_PLOT_OK, "%s", err.msg);
    nd_phase_portrait_free(&pp);
    expect_png("pp.png");
    /* with w across, the V-nullcline file holds (w, V) pairs on w = V - V^3/3 + Iext */
    expect_header("nullcline_V.tsv", "piece\tw\tV\n");
    char path[600];
    snprintf(path, sizeof path, "%s/nullcline_V.tsv", dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    char line[256];
    size_t checked = 0;
    cr_assert_not_null(fgets(line, sizeof line, f));
    while (fgets(line, sizeof line, f)) {
        double piece, w, V;
        if (sscanf(line, "%lf %lf %lf", &piece, &w, &V) != 3) continue;
        cr_expect(fabs(w - (V - V * V * V / 3 + p[3])) < 1e-8, "(w, V) = (%g, %g)", w, V);
        checked++;
    }
    fclose(f);
    cr_expect(checked > 50, "%zu nullcline points", checked);

    nd_bif_diagram d;
    nd_cycle_set cs = {0};
    cr_assert_eq(nd_bifurcation_1d(fhn, p, 3, 0.0, 2.0, &r, NULL, &d, &err), ND_OK, "%s", err.msg);
    cr_assert_eq((cs.ntst = 60, nd_cycles_from_hopf(&d, p, &r, 0.0, 2.0, &cs, &err)), ND_OK, "%s", err.msg);
    cr_expect_eq(cs.n, 1, "one cycle branch joins the Hopf points");
    snprintf(out, sizeof out, "%s/bif.png", dir);
    cr_expect_eq(nd_plot_diagram(&d, &cs, p, x, 0, 0.0, 2.0, dir, out, &err), ND_PLOT_OK, "%s", err.msg);
    nd_cycle_set_free(&cs);
    nd_bif_diagram_free(&d);
    expect_png("bif.png");
    expect_header("cycles.tsv", "branch\tIext\tperiod\tmax_V\tmin_V\tmax_w\tmin_w\tstable\tperiod_multiple\n");

    /* the FHN Hopf curves in (a, Iext): Iext = -(V - V^3/3) + (V + a)/b on them, V = -+sqrt(1 - b/tau) */
    nd_codim2_diagram d2;
    cr_assert_eq(nd_bifurcation_2d(fhn, p, 0, 0.5, 1.0, 3, 0.0, 2.0, &r, NULL, &d2, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(d2.n, 2, "two Hopf curves, each followed both ways as one: %zu", d2.n);
    for (size_t c = 0; c < d2.n; c++)
        for (size_t i = 0; i + 1 < d2.curves[c].branch.n; i++) {
            const double *u = d2.curves[c].branch.u + i * d2.curves[c].branch.dim;
            double a = nd_codim2_curve_par(&d2.curves[c], u, 0), I = nd_codim2_curve_par(&d2.curves[c], u, 1), V = u[0];
            cr_expect(fabs(I - (-(V - V * V * V / 3) + (V + a) / 0.8)) < 1e-8, "a = %g, Iext = %.12g", a, I);
        }
    char d2dir[400];
    snprintf(d2dir, sizeof d2dir, "%s/b2", dir);
    cr_assert_eq(mkdir(d2dir, 0755), 0);
    snprintf(out, sizeof out, "%s/b2.png", dir);
    cr_expect_eq(nd_plot_codim2(&d2, p, x, 0, d2dir, out, &err), ND_PLOT_OK, "%s", err.msg);
    nd_codim2_diagram_free(&d2);
    expect_png("b2.png");
    expect_header("b2/curves.tsv", "curve\tkind\ta\tIext\tV\tw\tneutral_saddle\n");
    expect_header("b2/special_points.tsv", "type\tcurve\ta\tIext\tV\tw\tdata0\tdata1\tcurves\n");

    const nd_model *hr = nd_builtin_find("hindmarsh_rose");
    double ph[8];
    nd_model_default_params(hr, ph);
    nd_fast_slow fs;
    cr_assert_eq(nd_fast_slow_analyse(hr, ph, NULL, &fs, &err), ND_OK, "%s", err.msg);
    char fsdir[400];
    snprintf(fsdir, sizeof fsdir, "%s/fs", dir);
    cr_assert_eq(mkdir(fsdir, 0755), 0);
    snprintf(out, sizeof out, "%s/fs.png", dir);
    cr_expect_eq(nd_plot_fast_slow(&fs, fsdir, out, &err), ND_PLOT_OK, "%s", err.msg);
    nd_fast_slow_free(&fs);
    expect_png("fs.png");
    expect_header("fs/special_points.tsv", "type\tbranch\tz\tx\ty\tperiod\tfirst_lyapunov\n");
}
