/* Figures of trajectories and of the state plane: time series, the 3D trajectory, the phase
 * portrait and the fixed points. Each writes an editable script next to the output (plots/
 * script.c) that draws only what its data files hold, with units on every axis. The diagrams'
 * figures are in plots/diagram_plot.c. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/tsv.h"
#include "gnuplot_impl.h"

#define MAX_COLUMNS 64

static int read_header(const char *data, char names[][64], int max, nd_error *err)
{
    FILE *f = fopen(data, "r");
    if (!f) return nd_fail(err, ND_EIO, "cannot read data file '%s': %s", data, strerror(errno)), -1;
    char line[8192];
    int n = 0;
    if (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        for (char *tok = strtok(line, "\t"); tok && n < max; tok = strtok(NULL, "\t"))
            snprintf(names[n++], 64, "%s", tok);
    }
    fclose(f);
    if (n < 2) return nd_fail(err, ND_EIO, "data file '%s' has no header with t and a variable", data), -1;
    return n;
}

/* "V (mV)" for data column k (0-based after t) of a series, or the bare name. */
static const char *series_label(const nd_series_plot *s, const char *name, int k, char *buf, size_t len)
{
    const char *unit = s->units && (size_t)k < s->n_units ? s->units[k] : NULL;
    if (unit && *unit) snprintf(buf, len, "%s (%s)", name, unit);
    else snprintf(buf, len, "%s", name);
    return buf;
}

static const char *time_label(const char *unit, char *buf, size_t len)
{
    snprintf(buf, len, unit && *unit ? "t (%s)" : "t", unit);
    return buf;
}

/* set xrange/yrange [lo:hi] of the finite values of column col (against column 1); 0 when
 * there is none. */
static size_t set_range(FILE *f, const char *axis, const char *data, int col, double pad)
{
    double lo = INFINITY, hi = -INFINITY;
    nd_tsv_sel sel = {data, 1, col, 0, NULL};
    size_t n = nd_tsv_range(&sel, &lo, &hi);
    nd_range_pad(&lo, &hi, pad);
    if (n) fprintf(f, "set %s [%.12g:%.12g]\n", axis, lo, hi);
    return n;
}

/* ---- time series ------------------------------------------------------------------------------ */

/* One panel per variable, aligned, the time axis under the last. */
static void series_stacked(FILE *f, const nd_series_plot *s, char names[][64], int vars)
{
    char label[160], tl[64];
    fprintf(f, "set multiplot layout %d,1 title ", vars);
    nd_gp_title_expr(f, s->title, s->params);
    fprintf(f, " noenhanced\nset lmargin 12\nset rmargin 4\n");
    for (int v = 0; v < vars; v++) {
        if (!set_range(f, "yrange", s->data, v + 2, 0.06)) continue; /* no finite value: an empty slot */
        nd_gp_label(f, "ylabel", series_label(s, names[v + 1], v, label, sizeof label));
        if (v == vars - 1) nd_gp_label(f, "xlabel", time_label(s->time_unit, tl, sizeof tl));
        else fprintf(f, "unset xlabel\n");
        fprintf(f, "plot data using 1:%d with lines lw 1.5 lc %d notitle\n", v + 2, v + 1);
    }
    fprintf(f, "unset multiplot\n");
}

/* Every variable in one panel, a legend entry each (more than six variables). */
static void series_overlaid(FILE *f, const nd_series_plot *s, char names[][64], int vars)
{
    char label[160], tl[64], q[400];
    double lo = INFINITY, hi = -INFINITY;
    nd_gp_title(f, s->title, s->params);
    fprintf(f, "set key outside right noenhanced\n");
    nd_gp_label(f, "xlabel", time_label(s->time_unit, tl, sizeof tl));
    size_t finite[MAX_COLUMNS];
    for (int v = 0; v < vars; v++) {
        nd_tsv_sel sel = {s->data, 1, v + 2, 0, NULL};
        finite[v] = nd_tsv_range(&sel, &lo, &hi);
    }
    nd_range_pad(&lo, &hi, 0.06);
    fprintf(f, "set yrange [%.12g:%.12g]\n", lo, hi);
    nd_gp_plot plot = {f, 0};
    for (int v = 0; v < vars; v++) {
        if (!finite[v]) continue; /* a column with no finite value draws nothing */
        series_label(s, names[v + 1], v, label, sizeof label);
        nd_gp_plot_add(&plot, "data using 1:%d with lines lw 1.5 title %s", v + 2, nd_gp_quoted(label, q, sizeof q));
    }
    nd_gp_plot_end(&plot);
}

nd_plot_status nd_plot_timeseries(const nd_series_plot *s, const char *out, nd_error *err)
{
    char names[MAX_COLUMNS][64], script[PATH_MAX], data[2 * PATH_MAX];
    if (!s || !s->data || !out) {
        nd_fail(err, ND_EINVAL, "time-series plot: NULL argument");
        return ND_PLOT_FAILED;
    }
    int cols = read_header(s->data, names, MAX_COLUMNS, err);
    if (cols < 0) return ND_PLOT_FAILED;
    int vars = cols - 1, stacked = vars <= 6;
    FILE *f = nd_gp_open_script(out, !stacked ? 600 : vars < 2 ? 400 : 200 * vars, "time series", script, sizeof script, err);
    if (!f) return ND_PLOT_FAILED;
    nd_gp_data_ref(s->data, out, data, sizeof data);
    fprintf(f, "set key off\nset grid lc rgb '#dddddd'\ndata = %s\n", data);
    if (!set_range(f, "xrange", s->data, 1, 0)) {
        fclose(f);
        nd_fail(err, ND_EINVAL, "time-series plot: '%s' holds no samples", s->data);
        return ND_PLOT_FAILED;
    }
    if (stacked) series_stacked(f, s, names, vars);
    else series_overlaid(f, s, names, vars);
    return nd_gp_finish(f, script, err);
}

/* ---- 3D trajectory ------------------------------------------------------------------------------ */

nd_plot_status nd_plot_trajectory3d(const nd_series_plot *s, const int cols[3], const char *out, nd_error *err)
{
    char names[MAX_COLUMNS][64], script[PATH_MAX], data[2 * PATH_MAX], label[160];
    if (!s || !s->data || !out || !cols) {
        nd_fail(err, ND_EINVAL, "3D plot: NULL argument");
        return ND_PLOT_FAILED;
    }
    int n = read_header(s->data, names, MAX_COLUMNS, err);
    if (n < 0) return ND_PLOT_FAILED;
    for (int k = 0; k < 3; k++)
        if (cols[k] < 2 || cols[k] > n) {
            nd_fail(err, ND_EINVAL, "3D plot: column %d of '%s' does not exist (it has %d)", cols[k], s->data, n);
            return ND_PLOT_FAILED;
        }
    FILE *f = nd_gp_open_script(out, 600, "3D trajectory", script, sizeof script, err);
    if (!f) return ND_PLOT_FAILED;
    nd_gp_data_ref(s->data, out, data, sizeof data);
    char title[200];
    snprintf(title, sizeof title, "%s: trajectory", s->title ? s->title : "");
    nd_gp_title(f, title, s->params);
    const char *axes[3] = {"xlabel", "ylabel", "zlabel"};
    for (int k = 0; k < 3; k++) nd_gp_label(f, axes[k], series_label(s, names[cols[k] - 1], cols[k] - 2, label, sizeof label));
    fprintf(f, "set zlabel rotate parallel\nset view 65, 40\nset grid\nset ticslevel 0\nset key top right\n");
    fprintf(f, "set palette defined (0 '#1f77b4', 1 '#2ca02c', 2 '#ff7f0e')\n");
    /* explicit ranges: a variable that stays constant (a trajectory at rest) would leave gnuplot
     * an empty range, and its warning fail the figure */
    const char *ranges[3] = {"xrange", "yrange", "zrange"};
    for (int k = 0; k < 3; k++) set_range(f, ranges[k], s->data, cols[k], 0.02);
    if (!set_range(f, "cbrange", s->data, 1, 0)) fprintf(f, "set cbrange [*:*]\n");
    nd_gp_label(f, "cblabel", time_label(s->time_unit, label, sizeof label));
    fprintf(f, "splot %s skip 1 using %d:%d:%d:1 with lines lw 1 lc palette title 'trajectory (colour: time)', \\\n", data,
            cols[0], cols[1], cols[2]);
    fprintf(f, "      %s skip 1 every ::0::0 using %d:%d:%d with points pt 7 ps 1.5 lc rgb 'black' title 'start'\n", data,
            cols[0], cols[1], cols[2]);
    return nd_gp_finish(f, script, err);
}

/* ---- phase portrait ------------------------------------------------------------------------------ */

/* The parts of a phase portrait that the files in dir hold, each a `plot` entry; ND_EIO when a
 * file is missing. */
static nd_status phase_entries(nd_gp_plot *plot, const nd_phase_plot *s, const char *out, nd_error *err)
{
    char ref[8][2 * PATH_MAX], file[8][160], path[PATH_MAX + 200];
    const char *names[8] = {"vector_field.tsv", NULL, NULL, "separatrices.tsv", "trajectories.tsv",
                            "trajectory_arrows.tsv", "fixed_points.tsv", "fixed_points.tsv"};
    for (int i = 0; i < 8; i++) {
        if (i == 1 || i == 2) snprintf(file[i], sizeof file[i], "nullcline_%.100s.tsv", i == 1 ? s->xname : s->yname);
        else snprintf(file[i], sizeof file[i], "%s", names[i]);
        nd_gp_data_ref_in(s->dir, file[i], out, ref[i], sizeof ref[i]);
    }
    int xc = 4 + s->ix, yc = 4 + s->iy;                          /* trajectories: branch, kind, t, vars */
    int fx = 1 + s->ix, fy = 1 + s->iy, fs = 1 + (int)s->n_vars; /* fixed_points.tsv: vars, stable */
    const nd_tsv_sel sel[8] = {{NULL, 1, 2, 0, NULL}, {NULL, 2, 3, 0, NULL}, {NULL, 2, 3, 0, NULL}, {NULL, xc, yc, 0, NULL},
                               {NULL, xc, yc, 0, NULL}, {NULL, 1, 2, 0, NULL}, {NULL, fx, fy, fs, "1"}, {NULL, fx, fy, fs, "0"}};
    size_t count[8];
    for (int i = 0; i < 8; i++) {
        nd_tsv_sel q = sel[i];
        snprintf(path, sizeof path, "%.*s/%.159s", PATH_MAX - 1, s->dir, file[i]);
        q.path = path;
        if (nd_tsv_require(path, "phase-plane plot", err)) return ND_EIO;
        count[i] = nd_tsv_count(&q);
    }
    if (count[0])
        nd_gp_plot_add(plot, "%s skip 1 using 1:2:(0.8*arr($3, $3, $4)):(0.8*arr($4, $3, $4)) with vectors head size screen 0.008,20 filled lc rgb '#b8b8b8' title 'vector field'", ref[0]);
    for (int k = 1; k <= 2; k++) {
        char what[200], q[420];
        snprintf(what, sizeof what, "d%.100s/dt = 0", k == 1 ? s->xname : s->yname);
        if (count[k])
            nd_gp_plot_add(plot, "%s skip 1 using 2:3 with lines lw 2.5 lc rgb '%s' title %s", ref[k],
                           k == 1 ? "#d62728" : "#1f77b4", nd_gp_quoted(what, q, sizeof q));
    }
    if (count[3])
        nd_gp_plot_add(plot, "%s skip 1 using %d:%d with lines lw 1.5 dt 2 lc rgb '#9467bd' title 'separatrices'", ref[3], xc, yc);
    if (count[4])
        nd_gp_plot_add(plot, "%s skip 1 using %d:%d with lines lw 1.8 lc rgb '#2ca02c' title 'trajectories'", ref[4], xc, yc);
    if (count[5])
        nd_gp_plot_add(plot, "%s skip 1 using 1:2:($3*ax*0.7):($4*ay*0.7) with vectors head size screen 0.012,25 filled lw 1.8 lc rgb '#2ca02c' notitle", ref[5]);
    if (count[6])
        nd_gp_plot_add(plot, "%s skip 1 using %d:(column(%d) == 1 ? column(%d) : NaN) with points pt 7 ps 2 lc rgb 'black' title 'stable'", ref[6], fx, fs, fy);
    if (count[7])
        nd_gp_plot_add(plot, "%s skip 1 using %d:(column(%d) == 0 ? column(%d) : NaN) with points pt 6 ps 2 lw 2 lc rgb 'black' title 'unstable'", ref[7], fx, fs, fy);
    return ND_OK;
}

nd_plot_status nd_plot_phase_plane(const nd_phase_plot *s, const char *out, nd_error *err)
{
    char script[PATH_MAX], title[200];
    if (!s || !s->dir || !s->xname || !s->yname || !out) {
        nd_fail(err, ND_EINVAL, "phase-plane plot: NULL argument");
        return ND_PLOT_FAILED;
    }
    FILE *f = nd_gp_open_script(out, 600, "phase portrait", script, sizeof script, err);
    if (!f) return ND_PLOT_FAILED;
    snprintf(title, sizeof title, "%s: phase plane", s->title ? s->title : "");
    nd_gp_title(f, title, s->params);
    nd_gp_label(f, "xlabel", s->xlabel ? s->xlabel : s->xname);
    nd_gp_label(f, "ylabel", s->ylabel ? s->ylabel : s->yname);
    fprintf(f, "set xrange [%.12g:%.12g]\nset yrange [%.12g:%.12g]\n", s->xlo, s->xhi, s->ylo, s->yhi);
    fprintf(f, "set key outside right top box opaque noenhanced\nset grid lc rgb '#eeeeee'\n");
    fprintf(f, "Lx = %.12g; Ly = %.12g\nax = Lx / 30.0; ay = Ly / 30.0  # arrow length: 1/30 of the box\n", s->xhi - s->xlo,
            s->yhi - s->ylo);
    fprintf(f, "# field arrows have one length on screen: direction measured in box units\n");
    fprintf(f, "nrm(u, v) = sqrt((u / Lx)**2 + (v / Ly)**2)\narr(w, u, v) = nrm(u, v) > 0 ? w / nrm(u, v) / 30.0 : 0\n");
    nd_gp_plot plot = {f, 0};
    if (phase_entries(&plot, s, out, err)) return fclose(f), ND_PLOT_FAILED;
    nd_gp_plot_end(&plot);
    return nd_gp_finish(f, script, err);
}

/* ---- fixed points ------------------------------------------------------------------------------ */

static nd_status write_fixed_points(const nd_model *m, const nd_fp_result *res, const char *data, nd_error *err)
{
    FILE *d = nd_file_create(data);
    if (!d) return nd_fail(err, ND_EIO, "cannot write '%s': %s", data, strerror(errno));
    for (size_t v = 0; v < m->n_vars; v++) fprintf(d, "%s\t", m->var_names[v]);
    fprintf(d, "stable\ttype\n");
    for (size_t i = 0; i < res->n; i++) {
        for (size_t v = 0; v < m->n_vars; v++) nd_tsv_real(d, res->points[i].x[v]), fputc('\t', d);
        fprintf(d, "%d\t%s\n", res->points[i].stable, res->points[i].type);
    }
    int bad = ferror(d);
    return (fclose(d) != 0) | bad ? nd_fail(err, ND_EIO, "writing '%s' failed", data) : ND_OK;
}

/* The axes' ranges: lo/hi when given, else the points' with a margin. */
static void fp_ranges(const nd_fp_result *res, int ix, int iy, const double *lo, const double *hi, double r[4])
{
    if (lo && hi) { /* a margin, so that points on the box's edge are drawn whole */
        r[0] = lo[ix], r[1] = hi[ix], r[2] = lo[iy], r[3] = hi[iy];
        nd_range_pad(&r[0], &r[1], 0.03), nd_range_pad(&r[2], &r[3], 0.03);
        return;
    }
    r[0] = r[2] = INFINITY, r[1] = r[3] = -INFINITY;
    for (size_t i = 0; i < res->n; i++) {
        r[0] = fmin(r[0], res->points[i].x[ix]), r[1] = fmax(r[1], res->points[i].x[ix]);
        r[2] = fmin(r[2], res->points[i].x[iy]), r[3] = fmax(r[3], res->points[i].x[iy]);
    }
    nd_range_pad(&r[0], &r[1], 0.15), nd_range_pad(&r[2], &r[3], 0.15);
}

static void fp_labels(FILE *f, const nd_fp_result *res, int ix, int iy, const double r[4])
{
    nd_occupancy occ;
    nd_occ_init(&occ, r[0], r[1], r[2], r[3], 520, 490);
    nd_gp_mark lab[ND_MAX_LABELS];
    size_t n = res->n < ND_MAX_LABELS ? res->n : ND_MAX_LABELS;
    for (size_t i = 0; i < n; i++) {
        snprintf(lab[i].text, sizeof lab[i].text, "%s", res->points[i].type);
        lab[i].x = res->points[i].x[ix], lab[i].y = res->points[i].x[iy];
    }
    nd_gp_labels(f, lab, n, &occ, NULL);
}

nd_plot_status nd_plot_fixed_points(const nd_model *m, const double *p, const nd_fp_result *res, int ix, int iy,
                                    const double *lo, const double *hi, const char *out, nd_error *err)
{
    if (!m || !res || ix < 0 || iy < 0 || (size_t)ix >= m->n_vars || (size_t)iy >= m->n_vars || ix == iy) {
        nd_fail(err, ND_EINVAL, "fixed-point plot: bad variables %d, %d", ix, iy);
        return ND_PLOT_FAILED;
    }
    char script[PATH_MAX], data[PATH_MAX + 8], ref[2 * PATH_MAX], xl[96], yl[96], title[200], params[512];
    FILE *f = nd_gp_open_script(out, 600, "fixed points", script, sizeof script, err);
    if (!f) return ND_PLOT_FAILED;
    snprintf(data, sizeof data, "%.*s.tsv", (int)(strlen(script) - 3), script); /* next to the image */
    if (write_fixed_points(m, res, data, err)) return fclose(f), ND_PLOT_FAILED;
    nd_gp_data_ref(data, out, ref, sizeof ref);
    snprintf(title, sizeof title, "%s: fixed points", m->name);
    nd_gp_title(f, title, nd_plot_changed_params(m, p, -1, -1, params, sizeof params));
    nd_gp_label(f, "xlabel", nd_model_var_label(m, (size_t)ix, xl, sizeof xl));
    nd_gp_label(f, "ylabel", nd_model_var_label(m, (size_t)iy, yl, sizeof yl));
    double r[4];
    fp_ranges(res, ix, iy, lo, hi, r);
    fprintf(f, "set xrange [%.12g:%.12g]\nset yrange [%.12g:%.12g]\n", r[0], r[1], r[2], r[3]);
    fprintf(f, "set key outside right top box opaque\nset grid lc rgb '#eeeeee'\n");
    if (res->n == 0) fprintf(f, "set label 'no fixed point in the box' at graph 0.5, 0.5 center\n");
    fp_labels(f, res, ix, iy, r);
    int S = (int)m->n_vars + 1, X = ix + 1, Y = iy + 1;
    size_t n_stable = 0;
    for (size_t i = 0; i < res->n; i++) n_stable += res->points[i].stable != 0;
    nd_gp_plot plot = {f, 0};
    if (n_stable)
        nd_gp_plot_add(&plot, "%s skip 1 using %d:(column(%d) == 1 ? column(%d) : NaN) with points pt 7 ps 2 lc rgb 'black' title 'stable'", ref, X, S, Y);
    if (n_stable < res->n)
        nd_gp_plot_add(&plot, "%s skip 1 using %d:(column(%d) == 0 ? column(%d) : NaN) with points pt 6 ps 2 lw 2 lc rgb 'black' title 'unstable'", ref, X, S, Y);
    nd_gp_plot_end(&plot);
    return nd_gp_finish(f, script, err);
}
