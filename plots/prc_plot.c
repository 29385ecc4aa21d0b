/* Figures of phase response curves and Poincaré return maps: a TSV beside the image (named
 * after it) and an editable gnuplot script, rendered as every figure (plots/render.c). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/plot.h"
#include "neurodyn/tsv.h"
#include "gnuplot_impl.h"

#define PRC_MAX_PANELS 6

static void stem_with(const char *out, const char *suffix, char *buf, size_t len)
{
    const char *ext = nd_gp_extension(out);
    size_t stem = *ext ? (size_t)(ext - out - 1) : strlen(out);
    snprintf(buf, len, "%.*s%s", (int)stem, out, suffix);
}

static const char *unit_of(const nd_model *m, size_t v)
{
    return m->var_units && m->var_units[v] && *m->var_units[v] ? m->var_units[v] : NULL;
}

/* theta, the reference variable, then Z of every variable; the direct points in a second file */
static nd_status write_prc_data(const nd_model *m, const nd_prc *r, int ref, const char *path, const char *dpath,
                                nd_error *err)
{
    size_t n = r->n_vars;
    FILE *f = nd_file_create(path);
    if (!f) return nd_fail(err, ND_EIO, "cannot write '%s': %s", path, strerror(errno));
    fprintf(f, "theta\t%s", m->var_names[ref]);
    for (size_t v = 0; v < n; v++) fprintf(f, "\tZ_%s", m->var_names[v]);
    fputc('\n', f);
    for (size_t i = 0; i <= r->n && r->n; i++) { /* the first point repeated at theta = 1 */
        size_t k = i % r->n;
        nd_tsv_real(f, i == r->n ? 1.0 : r->theta[k]);
        nd_tsv_cell(f, r->x[k * n + (size_t)ref]);
        for (size_t v = 0; v < n; v++) nd_tsv_cell(f, r->z[k * n + v]);
        fputc('\n', f);
    }
    if (fclose(f)) return nd_fail(err, ND_EIO, "writing '%s' failed", path);
    if (!r->n_direct) return ND_OK;
    f = nd_file_create(dpath);
    if (!f) return nd_fail(err, ND_EIO, "cannot write '%s': %s", dpath, strerror(errno));
    fprintf(f, "theta");
    for (size_t v = 0; v < n; v++) fprintf(f, "\tZ_%s", m->var_names[v]);
    fputc('\n', f);
    for (size_t i = 0; i < r->n_direct; i++) {
        nd_tsv_real(f, r->theta_direct[i]);
        for (size_t v = 0; v < n; v++) nd_tsv_cell(f, r->z_direct[i * n + v]);
        fputc('\n', f);
    }
    return fclose(f) ? nd_fail(err, ND_EIO, "writing '%s' failed", dpath) : ND_OK;
}

nd_plot_status nd_plot_prc(const nd_model *m, const double *p, const nd_prc *r, int var, int ref, const char *out,
                           nd_error *err)
{
    if (!m || !r || !out || (!r->n && !r->n_direct) || ref < 0 || (size_t)ref >= r->n_vars ||
        var >= (int)r->n_vars) {
        nd_fail(err, ND_EINVAL, "PRC figure: needs a model, a computed PRC, valid variables and a file");
        return ND_PLOT_FAILED;
    }
    size_t n = r->n_vars, shown[PRC_MAX_PANELS], ns = 0;
    for (size_t v = 0; v < n && ns < PRC_MAX_PANELS; v++)
        if (var < 0 || (size_t)var == v) shown[ns++] = v;
    char data[4096], ddata[4096], script[4096], ref_d[4200], ref_dd[4200], q[600];
    stem_with(out, ".tsv", data, sizeof data);
    stem_with(out, "_direct.tsv", ddata, sizeof ddata);
    /* the adjoint columns hold NaN when only the direct method ran: an empty adjoint file */
    nd_prc adj = *r;
    double *nanz = NULL;
    if (!r->n) {
        adj.n = r->n_direct, adj.theta = r->theta_direct, adj.x = r->x_direct;
        nanz = malloc(r->n_direct * n * sizeof *nanz);
        if (!nanz) {
            nd_fail(err, ND_ENOMEM, "PRC figure: no memory");
            return ND_PLOT_FAILED;
        }
        for (size_t i = 0; i < r->n_direct * n; i++) nanz[i] = NAN;
        adj.z = nanz;
    }
    nd_status st = write_prc_data(m, &adj, ref, data, ddata, err);
    free(nanz);
    if (st) return ND_PLOT_FAILED;
    FILE *f = nd_gp_open_script(out, 220 + 200 * (int)ns, "phase response curve", script, sizeof script, err);
    if (!f) return ND_PLOT_FAILED;
    nd_gp_data_ref(data, out, ref_d, sizeof ref_d);
    nd_gp_data_ref(ddata, out, ref_dd, sizeof ref_dd);
    char params[512], title[300];
    nd_plot_changed_params(m, p, -1, -1, params, sizeof params);
    snprintf(title, sizeof title, "%s: phase response curve, period %.6g%s%s", m->name, r->period,
             m->time_unit ? " " : "", m->time_unit ? m->time_unit : "");
    fprintf(f, "adj = %s\n", ref_d);
    if (r->n_direct) fprintf(f, "dir = %s\n", ref_dd);
    fprintf(f, "set multiplot layout %zu,1 title ", ns + 1);
    nd_gp_title_expr(f, title, params);
    fprintf(f, " noenhanced\nset xrange [0:1]\nset key tmargin right horizontal noenhanced\nset grid\nset lmargin 12\n");
    const char *u = unit_of(m, (size_t)ref);
    snprintf(q, sizeof q, "%s%s%s%s", m->var_names[ref], u ? " (" : "", u ? u : "", u ? ")" : "");
    nd_gp_label(f, "ylabel", q);
    fprintf(f, "unset xlabel\nplot adj using 1:2 with lines lw 2 lc rgb '#444444' title 'cycle'\n");
    for (size_t s = 0; s < ns; s++) {
        size_t v = shown[s];
        const char *vu = unit_of(m, v);
        snprintf(q, sizeof q, "Z_%s (%s / %s)", m->var_names[v], m->time_unit ? m->time_unit : "time",
                 vu ? vu : "unit");
        nd_gp_label(f, "ylabel", q);
        if (s + 1 == ns) nd_gp_label(f, "xlabel", "phase theta (fraction of the period after the upward mid-range crossing)");
        nd_gp_plot pl = {f, 0};
        if (r->n) nd_gp_plot_add(&pl, "adj using 1:%zu with lines lw 2 lc rgb '#1f77b4' title 'adjoint'", v + 3);
        if (r->n_direct && isfinite(r->z_direct[v]))
            nd_gp_plot_add(&pl, "dir using 1:%zu with points pt 6 ps 1 lc rgb '#d62728' title 'direct'", v + 2);
        nd_gp_plot_end(&pl);
    }
    fprintf(f, "unset multiplot\n");
    return nd_gp_finish(f, script, err);
}

nd_plot_status nd_plot_poincare(const nd_model *m, const double *p, const nd_poincare *r, int var, int sec_var,
                                double level, const char *out, nd_error *err)
{
    if (!m || !r || !out || var < 0 || (size_t)var >= r->n_vars || sec_var < 0 || (size_t)sec_var >= r->n_vars) {
        nd_fail(err, ND_EINVAL, "Poincare figure: needs a model, crossings, valid variables and a file");
        return ND_PLOT_FAILED;
    }
    char data[4096], script[4096], ref_d[4200], q[600];
    stem_with(out, ".tsv", data, sizeof data);
    FILE *f = nd_file_create(data);
    if (!f) {
        nd_fail(err, ND_EIO, "cannot write '%s': %s", data, strerror(errno));
        return ND_PLOT_FAILED;
    }
    size_t n = r->n_vars, pairs = r->n ? r->n - 1 : 0;
    double lo = INFINITY, hi = -INFINITY;
    fprintf(f, "k\tt\t%s_k\t%s_k1\treturn_time\n", m->var_names[var], m->var_names[var]);
    for (size_t k = 0; k < pairs; k++) {
        double a = r->x[k * n + (size_t)var], b = r->x[(k + 1) * n + (size_t)var];
        lo = fmin(lo, fmin(a, b)), hi = fmax(hi, fmax(a, b));
        fprintf(f, "%zu", k);
        nd_tsv_cell(f, r->t[k]);
        nd_tsv_cell(f, a);
        nd_tsv_cell(f, b);
        nd_tsv_cell(f, r->t[k + 1] - r->t[k]);
        fputc('\n', f);
    }
    if (fclose(f)) {
        nd_fail(err, ND_EIO, "writing '%s' failed", data);
        return ND_PLOT_FAILED;
    }
    if (!(lo <= hi)) lo = -1, hi = 1;
    nd_range_pad(&lo, &hi, 0.05);
    f = nd_gp_open_script(out, 450, "Poincare return map", script, sizeof script, err);
    if (!f) return ND_PLOT_FAILED;
    nd_gp_data_ref(data, out, ref_d, sizeof ref_d);
    char params[512], title[300];
    nd_plot_changed_params(m, p, -1, -1, params, sizeof params);
    if (isnan(level)) /* a section at the extrema of sec_var (nd_poincare_opts.extremum) */
        snprintf(title, sizeof title, "%s: Poincare section d%s/dt = 0 (extrema), %zu crossings", m->name,
                 m->var_names[sec_var], r->n);
    else
        snprintf(title, sizeof title, "%s: Poincare section %s = %.6g, %zu crossings", m->name, m->var_names[sec_var],
                 level, r->n);
    fprintf(f, "d = %s\nset multiplot layout 1,2 title ", ref_d);
    nd_gp_title_expr(f, title, params);
    fprintf(f, " noenhanced\nset key bmargin center horizontal noenhanced\nset grid\nset size ratio -1\n");
    fprintf(f, "set xrange [%.17g:%.17g]\nset yrange [%.17g:%.17g]\n", lo, hi, lo, hi);
    snprintf(q, sizeof q, "%s_k", m->var_names[var]);
    nd_gp_label(f, "xlabel", q);
    snprintf(q, sizeof q, "%s_k+1", m->var_names[var]);
    nd_gp_label(f, "ylabel", q);
    nd_gp_plot pl = {f, 0};
    nd_gp_plot_add(&pl, "x with lines dt 2 lc rgb '#888888' title 'diagonal'");
    if (pairs) nd_gp_plot_add(&pl, "d using 3:4 with points pt 7 ps 0.5 lc rgb '#1f77b4' title 'return map'");
    nd_gp_plot_end(&pl);
    fprintf(f, "set size noratio\nset autoscale\nunset key\nset xtics rotate by -45\n");
    nd_gp_label(f, "xlabel", m->time_unit ? m->time_unit : "t");
    snprintf(q, sizeof q, "return time%s%s", m->time_unit ? " " : "", m->time_unit ? m->time_unit : "");
    nd_gp_label(f, "ylabel", q);
    pl.n = 0;
    if (pairs) nd_gp_plot_add(&pl, "d using 2:5 with points pt 7 ps 0.5 lc rgb '#d62728'");
    nd_gp_plot_end(&pl);
    fprintf(f, "unset multiplot\n");
    return nd_gp_finish(f, script, err);
}
