/* Figures of bifurcation diagrams from the files plots/diagram_data.c writes: the one-parameter
 * diagram (also the fast–slow one, with the trajectory over the fast subsystem's branches) and
 * the two-parameter diagram. A script names only the selections that hold something, so the
 * legend lists what is drawn; the vertical range comes from the data; each special point is
 * drawn once with its label where it overlaps nothing (plots/labels.c). */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gnuplot_impl.h"

/* ---- one parameter ---------------------------------------------------------------------------- */

enum { F_BRANCHES, F_SPECIAL, F_BRUTE, F_CYCLES, F_TRAJ, F_NULLCLINE, F_ENDS, N_FILES };
static const char *const BIF_FILES[N_FILES] = {"branches.tsv", "special_points.tsv", "brute.tsv", "cycles.tsv",
                                               "trajectory.tsv", "slow_nullcline.tsv", "ends.tsv"};

/* The selections a codim-1 figure may draw, in drawing order, and how. */
enum { S_TRAJ, S_NULLCLINE, S_STABLE, S_UNSTABLE, S_BRUTE_MAX, S_BRUTE_MIN, S_CYC_S_MAX, S_CYC_S_MIN, S_CYC_U_MAX,
       S_CYC_U_MIN, S_ENDS, N_SEL };

typedef struct bif_figure {
    char path[N_FILES][PATH_MAX + 64], ref[N_FILES][2 * PATH_MAX];
    nd_tsv_sel sel[N_SEL];
    int on[N_SEL]; /* asked for by the spec */
    size_t count[N_SEL];
    double ylo, yhi;
} bif_figure;

/* The selections and what they hold; ND_EIO when a file the spec asks for is missing. */
static nd_status bif_selections(const nd_bif_plot *s, const char *out, bif_figure *g, nd_error *err)
{
    const int wanted[N_FILES] = {1, 1, s->brute, s->cycles, s->fast_slow, s->fast_slow, s->cut_short > 0};
    for (int i = 0; i < N_FILES; i++) {
        snprintf(g->path[i], sizeof g->path[i], "%.*s/%s", PATH_MAX - 1, s->dir, BIF_FILES[i]);
        nd_gp_data_ref(g->path[i], out, g->ref[i], sizeof g->ref[i]);
        if (wanted[i] && nd_tsv_require(g->path[i], "bifurcation plot", err)) return ND_EIO;
    }
    int C = 3 + s->var, S = 3 + (int)s->n_vars;               /* branches.tsv: branch, par, vars..., stable */
    int mx = 4 + 2 * s->var, cs = 4 + 2 * (int)s->n_vars;      /* cycles.tsv: branch, par, period, (max, min)..., stable */
    const nd_tsv_sel sel[N_SEL] = {
        {g->path[F_TRAJ], s->traj_xcol, s->traj_ycol, 0, NULL},  {g->path[F_NULLCLINE], 1, 2, 0, NULL},
        {g->path[F_BRANCHES], 2, C, S, "1"},                     {g->path[F_BRANCHES], 2, C, S, "0"},
        {g->path[F_BRUTE], 2, C, 1, "attractor_max"},            {g->path[F_BRUTE], 2, C, 1, "attractor_min"},
        {g->path[F_CYCLES], 2, mx, cs, "1"},                     {g->path[F_CYCLES], 2, mx + 1, cs, "1"},
        {g->path[F_CYCLES], 2, mx, cs, "0"},                     {g->path[F_CYCLES], 2, mx + 1, cs, "0"},
        {g->path[F_ENDS], 2, C, 0, NULL}};
    g->ylo = INFINITY, g->yhi = -INFINITY;
    for (int i = 0; i < N_SEL; i++) {
        g->sel[i] = sel[i];
        g->on[i] = i <= S_NULLCLINE ? s->fast_slow : i <= S_UNSTABLE ? 1 : i <= S_BRUTE_MIN ? s->brute
                 : i <= S_CYC_U_MIN ? s->cycles : s->cut_short > 0;
        g->count[i] = g->on[i] ? nd_tsv_range(&g->sel[i], &g->ylo, &g->yhi) : 0;
    }
    return ND_OK;
}

typedef struct special_ctx {
    nd_gp_mark *l;
    size_t n;
    double *ylo, *yhi;
} special_ctx;

static void special_row(void *ctx, double x, double y, int joined, const char *line)
{
    (void)joined;
    special_ctx *c = ctx;
    if (c->n >= ND_MAX_LABELS) return;
    nd_gp_mark *l = &c->l[c->n++];
    snprintf(l->text, sizeof l->text, "%.*s", (int)strcspn(line, "\t\r\n"), line);
    l->x = x, l->y = y;
    if (c->ylo) *c->ylo = fmin(*c->ylo, y), *c->yhi = fmax(*c->yhi, y);
}

/* The special points of a special_points.tsv (type first), their x and y in columns cx, cy. */
static size_t read_specials(const char *path, int cx, int cy, nd_gp_mark *l, double *ylo, double *yhi)
{
    special_ctx c = {l, 0, ylo, yhi};
    nd_tsv_sel sel = {path, cx, cy, 0, NULL};
    nd_tsv_each(&sel, special_row, &c);
    return c.n;
}

/* The entries of the `plot` command for what the files hold. */
static void bif_entries(nd_gp_plot *p, const bif_figure *g, size_t n_special)
{
    static const char *const style[N_SEL] = {
        "lines lw 1 lc rgb '#b0b0b0'",          "lines lw 1.5 dt 4 lc rgb '#8c564b'",
        "lines lw 2.5 lc rgb '#1f77b4'",        "lines lw 2 dt 2 lc rgb '#d62728'",
        "points pt 7 ps 0.35 lc rgb '#7f7f7f'", "points pt 7 ps 0.35 lc rgb '#7f7f7f'",
        "lines lw 2 lc rgb '#2ca02c'",          "lines lw 2 lc rgb '#2ca02c'",
        "lines lw 1.5 dt 2 lc rgb '#9467bd'",   "lines lw 1.5 dt 2 lc rgb '#9467bd'",
        "points pt 2 ps 2.2 lw 2 lc rgb 'black'"};
    static const char *const title[N_SEL] = {"trajectory (full model)", "slow nullcline", "stable", "unstable",
                                             "attractor max/min", NULL, "stable cycle max/min", NULL,
                                             "unstable cycle max/min", NULL, "branch cut short"};
    int titled = 0; /* a max/min pair has one entry in the legend */
    for (int i = 0; i < N_SEL; i++) {
        const nd_tsv_sel *q = &g->sel[i];
        int is_min = i == S_BRUTE_MIN || i == S_CYC_S_MIN || i == S_CYC_U_MIN;
        const char *t = is_min ? (titled ? NULL : title[i - 1]) : title[i];
        if (!g->count[i]) {
            titled = 0;
            continue;
        }
        char using[160];
        if (q->sel_col == 1) /* brute.tsv: the row's kind is text */
            snprintf(using, sizeof using, "2:(stringcolumn(1) eq '%s' ? column(%d) : NaN)", q->sel, q->cy);
        else if (q->sel_col)
            snprintf(using, sizeof using, "%d:(column(%d) == %s ? column(%d) : NaN)", q->cx, q->sel_col, q->sel, q->cy);
        else
            snprintf(using, sizeof using, "%d:%d", q->cx, q->cy);
        const char *ref = g->ref[i <= S_TRAJ ? F_TRAJ : i == S_NULLCLINE ? F_NULLCLINE : i <= S_UNSTABLE ? F_BRANCHES
                                : i <= S_BRUTE_MIN ? F_BRUTE : i <= S_CYC_U_MIN ? F_CYCLES : F_ENDS];
        nd_gp_plot_add(p, "%s skip 1 using %s with %s %s%s%s", ref, using, style[i], t ? "title '" : "notitle",
                       t ? t : "", t ? "'" : "");
        titled = t != NULL;
    }
    if (n_special) nd_gp_plot_add(p, "keyentry with points pt 7 ps 1.6 lc rgb 'black' title 'special points'");
}

/* Curves and points the labels avoid. */
static void bif_occupancy(nd_occupancy *o, const nd_bif_plot *s, const bif_figure *g)
{
    nd_occ_init(o, s->plo, s->phi, g->ylo, g->yhi, 480, 480);
    for (int i = 0; i < N_SEL; i++) {
        if (!g->count[i]) continue;
        if (i == S_BRUTE_MAX || i == S_BRUTE_MIN || i == S_ENDS) nd_occ_points(o, &g->sel[i]);
        else nd_occ_lines(o, &g->sel[i]);
    }
}

static void bif_title(FILE *f, const nd_bif_plot *s, const bif_figure *g)
{
    char title[300];
    int cycles = g->count[S_CYC_S_MAX] + g->count[S_CYC_U_MAX] > 0;
    if (s->fast_slow)
        snprintf(title, sizeof title, "%s: fast subsystem in %s, with the trajectory", s->title, s->parname);
    else
        snprintf(title, sizeof title, "%s: equilibria%s in %s", s->title, cycles ? " and limit cycles" : "", s->parname);
    nd_gp_title(f, title, s->params);
}

nd_plot_status nd_plot_bifurcation(const nd_bif_plot *s, const char *out, nd_error *err)
{
    if (!s || !s->dir || !s->title || !s->parname || !s->varname || s->var < 0 || (size_t)s->var >= s->n_vars ||
        !(s->plo < s->phi)) {
        nd_fail(err, ND_EINVAL, "bifurcation plot: a NULL name, variable %d of %zu or range %g:%g", s ? s->var : -1,
                s ? s->n_vars : 0, s ? s->plo : NAN, s ? s->phi : NAN);
        return ND_PLOT_FAILED;
    }
    char script[PATH_MAX];
    FILE *f = nd_gp_open_script(out, 600, "bifurcation diagram", script, sizeof script, err);
    if (!f) return ND_PLOT_FAILED;
    bif_figure *g = malloc(sizeof *g);
    nd_gp_mark *lab = malloc(ND_MAX_LABELS * sizeof *lab);
    nd_occupancy *occ = malloc(sizeof *occ);
    if (!g || !lab || !occ) {
        free(g), free(lab), free(occ), fclose(f);
        nd_fail(err, ND_ENOMEM, "bifurcation plot: no memory");
        return ND_PLOT_FAILED;
    }
    if (bif_selections(s, out, g, err)) {
        free(g), free(lab), free(occ), fclose(f);
        return ND_PLOT_FAILED;
    }
    size_t n_lab = read_specials(g->path[F_SPECIAL], 3, 4 + s->var, lab, &g->ylo, &g->yhi);
    nd_range_pad(&g->ylo, &g->yhi, 0.05);
    bif_title(f, s, g);
    nd_gp_label(f, "xlabel", s->xlabel ? s->xlabel : s->parname);
    nd_gp_label(f, "ylabel", s->varname);
    fprintf(f, "set xrange [%.12g:%.12g]\nset yrange [%.12g:%.12g]\n", s->plo, s->phi, g->ylo, g->yhi);
    fprintf(f, "set key outside right top box opaque\nset grid lc rgb '#eeeeee'\n");
    bif_occupancy(occ, s, g);
    size_t shown = nd_gp_labels(f, lab, n_lab, occ, "pt 7 ps 1.6 lc rgb 'black'");
    nd_gp_plot plot = {f, 0};
    bif_entries(&plot, g, shown);
    nd_gp_plot_end(&plot);
    free(g), free(lab), free(occ);
    return nd_gp_finish(f, script, err);
}

/* ---- two parameters ------------------------------------------------------------------------------ */

/* What the two-parameter files hold, so that the figure never plots an empty selection nor lists
 * a line it cannot draw: segments (two consecutive points of one curve) of fold curves, of Hopf
 * curves (kappa > 0) and of their neutral-saddle parts, and oscillating cells of brute2.tsv
 * (brute: whether to look). */
typedef struct bif2_contents {
    size_t fold, hopf, neutral, oscillating, lpc, pd;
    size_t hc, snic; /* segments of homoclinic (HC) curves and of SNIC stretches of fold curves */
    size_t nsc, nsn; /* segments of Neimark-Sacker (NS) curves of cycles: NS proper, neutral saddle cycles */
    int ns_column; /* curves.tsv's neutral_saddle column, 1-based (0: none, every H row is Hopf) */
} bif2_contents;

static void bif2_count(const char *dir, int brute, bif2_contents *n)
{
    char path[PATH_MAX + 64], line[8192];
    memset(n, 0, sizeof *n);
    snprintf(path, sizeof path, "%.*s/curves.tsv", PATH_MAX - 1, dir);
    FILE *f = fopen(path, "r");
    int prev = 0; /* the previous row of this block: 0 none, 1 fold, 2 Hopf, 3 neutral saddle */
    for (int row = 0; f && fgets(line, sizeof line, f); row++) {
        line[strcspn(line, "\r\n")] = '\0';
        int col = 1, ns = 0, cls = 0;
        char kind[8] = "";
        for (char *tok = line, *end; *line && tok; tok = end ? end + 1 : NULL, col++) {
            end = strchr(tok, '\t');
            if (end) *end = '\0';
            if (row == 0 && strcmp(tok, "neutral_saddle") == 0) n->ns_column = col;
            if (row > 0 && col == 2) snprintf(kind, sizeof kind, "%.7s", tok);
            if (row > 0 && col == n->ns_column) ns = atoi(tok) == 1;
        }
        if (row > 0) cls = strcmp(kind, "LP") == 0 ? 1 : strcmp(kind, "H") == 0 ? 2 + ns : 0;
        if (row > 0 && !cls)
            cls = strcmp(kind, "LPC") == 0 ? 4 : strcmp(kind, "PD") == 0 ? 5 : strcmp(kind, "HC") == 0 ? 6 : strcmp(kind, "SNIC") == 0 ? 7
                : strcmp(kind, "NS") == 0 ? 8 + ns : 0;
        size_t *count[] = {NULL, &n->fold, &n->hopf, &n->neutral, &n->lpc, &n->pd, &n->hc, &n->snic, &n->nsc, &n->nsn};
        if (cls && cls == prev) *count[cls] += 1;
        prev = cls;
    }
    if (f) fclose(f);
    snprintf(path, sizeof path, "%.*s/brute2.tsv", PATH_MAX - 1, dir);
    f = brute ? fopen(path, "r") : NULL;
    for (int row = 0; f && fgets(line, sizeof line, f); row++) { /* P1, P2, equilibria, stable, oscillates, ... */
        double a, b;
        int eq, st, osc;
        n->oscillating += row > 0 && sscanf(line, "%lf\t%lf\t%d\t%d\t%d", &a, &b, &eq, &st, &osc) == 5 && osc == 1;
    }
    if (f) fclose(f);
}

/* "fold and Hopf curves", "fold curves", ..., "no curves": what is drawn. */
static void bif2_title(FILE *f, const nd_bif2_plot *s, const bif2_contents *n)
{
    const char *parts[8];
    int np = 0;
    if (n->fold) parts[np++] = "fold";
    if (n->hopf) parts[np++] = "Hopf";
    if (n->neutral && !n->hopf) parts[np++] = "neutral-saddle"; /* else part of the Hopf curves */
    if (n->lpc) parts[np++] = "fold-of-cycles";
    if (n->pd) parts[np++] = "period-doubling";
    if (n->nsc) parts[np++] = "Neimark-Sacker";
    if (n->hc) parts[np++] = "homoclinic";
    if (n->snic) parts[np++] = "SNIC";
    char what[300];
    snprintf(what, sizeof what, "%s: ", s->title);
    for (int i = 0; i < np; i++)
        snprintf(what + strlen(what), sizeof what - strlen(what), "%s%s", i == 0 ? "" : i == np - 1 ? " and " : ", ", parts[i]);
    strncat(what, np ? " curves" : "no curves", sizeof what - strlen(what) - 1);
    nd_gp_title(f, what, s->params);
}

/* One entry per non-empty selection (curves.tsv: curve, kind, P1, P2, variables..., neutral_saddle). */
static void bif2_entries(nd_gp_plot *p, const nd_bif2_plot *s, const bif2_contents *n, char ref[3][2 * PATH_MAX],
                         size_t n_points)
{
    int c = n->ns_column;
    if (s->brute && n->oscillating) /* brute2.tsv: P1, P2, equilibria, stable, oscillates, amplitude */
        nd_gp_plot_add(p, "%s skip 1 using 1:($5 == 1 ? $2 : NaN) with points pt 5 ps 1.4 lc rgb '#d9ecd0' title 'oscillates (simulation)'", ref[2]);
    if (n->fold)
        nd_gp_plot_add(p, "%s skip 1 using 3:(stringcolumn(2) eq 'LP' ? column(4) : NaN) with lines lw 2.5 lc rgb '#ff7f0e' title 'fold (LP) curves'", ref[0]);
    if (n->hopf && c)
        nd_gp_plot_add(p, "%s skip 1 using 3:(stringcolumn(2) eq 'H' && column(%d) == 0 ? column(4) : NaN) with lines lw 2.5 lc rgb '#1f77b4' title 'Hopf (H) curves'", ref[0], c);
    else if (n->hopf) /* a curves.tsv without the neutral_saddle column */
        nd_gp_plot_add(p, "%s skip 1 using 3:(stringcolumn(2) eq 'H' ? column(4) : NaN) with lines lw 2.5 lc rgb '#1f77b4' title 'Hopf (H) curves'", ref[0]);
    if (n->neutral)
        nd_gp_plot_add(p, "%s skip 1 using 3:(stringcolumn(2) eq 'H' && column(%d) == 1 ? column(4) : NaN) with lines lw 1.5 dt 2 lc rgb '#555555' title 'neutral saddles (κ < 0)'", ref[0], c);
    if (n->lpc)
        nd_gp_plot_add(p, "%s skip 1 using 3:(stringcolumn(2) eq 'LPC' ? column(4) : NaN) with lines lw 2.5 lc rgb '#2ca02c' title 'fold of cycles (LPC)'", ref[0]);
    if (n->pd)
        nd_gp_plot_add(p, "%s skip 1 using 3:(stringcolumn(2) eq 'PD' ? column(4) : NaN) with lines lw 2.5 lc rgb '#9467bd' title 'period doubling (PD)'", ref[0]);
    if (n->nsc && c)
        nd_gp_plot_add(p, "%s skip 1 using 3:(stringcolumn(2) eq 'NS' && column(%d) == 0 ? column(4) : NaN) with lines lw 2.5 lc rgb '#d62728' title 'Neimark-Sacker (NS) of cycles'", ref[0], c);
    if (n->nsn && c)
        nd_gp_plot_add(p, "%s skip 1 using 3:(stringcolumn(2) eq 'NS' && column(%d) == 1 ? column(4) : NaN) with lines lw 1.5 dt 2 lc rgb '#d62728' title 'neutral saddle cycles (NS curve, real pair)'", ref[0], c);
    if (n->snic)
        nd_gp_plot_add(p, "%s skip 1 using 3:(stringcolumn(2) eq 'SNIC' ? column(4) : NaN) with lines lw 5 lc rgb '#17becf' title 'SNIC (fold on an invariant circle)'", ref[0]);
    if (n->hc)
        nd_gp_plot_add(p, "%s skip 1 using 3:(stringcolumn(2) eq 'HC' ? column(4) : NaN) with lines lw 2.5 lc rgb '#8c564b' title 'homoclinic (HC) curves'", ref[0]);
    if (n_points) nd_gp_plot_add(p, "keyentry with points pt 7 ps 1.6 lc rgb 'black' title 'codim-2 points'");
}

nd_plot_status nd_plot_bifurcation2(const nd_bif2_plot *s, const char *out, nd_error *err)
{
    if (!s || !s->dir || !s->title || !s->p1name || !s->p2name || !(s->p1lo < s->p1hi) || !(s->p2lo < s->p2hi)) {
        nd_fail(err, ND_EINVAL, "two-parameter plot: a NULL name or an empty range");
        return ND_PLOT_FAILED;
    }
    char script[PATH_MAX], path[3][PATH_MAX + 64], ref[3][2 * PATH_MAX];
    const char *files[3] = {"curves.tsv", "special_points.tsv", "brute2.tsv"};
    for (int i = 0; i < 3; i++) {
        snprintf(path[i], sizeof path[i], "%.*s/%s", PATH_MAX - 1, s->dir, files[i]);
        nd_gp_data_ref(path[i], out, ref[i], sizeof ref[i]);
        if ((i < 2 || s->brute) && nd_tsv_require(path[i], "two-parameter plot", err)) return ND_PLOT_FAILED;
    }
    FILE *f = nd_gp_open_script(out, 600, "two-parameter diagram", script, sizeof script, err);
    nd_gp_mark *lab = malloc(ND_MAX_LABELS * sizeof *lab);
    nd_occupancy *occ = malloc(sizeof *occ);
    if (!f || !lab || !occ) {
        if (f) fclose(f), nd_fail(err, ND_ENOMEM, "two-parameter plot: no memory");
        free(lab), free(occ);
        return ND_PLOT_FAILED;
    }
    bif2_contents n;
    bif2_count(s->dir, s->brute, &n);
    bif2_title(f, s, &n);
    nd_gp_label(f, "xlabel", s->p1name);
    nd_gp_label(f, "ylabel", s->p2name);
    fprintf(f, "set xrange [%.12g:%.12g]\nset yrange [%.12g:%.12g]\n", s->p1lo, s->p1hi, s->p2lo, s->p2hi);
    fprintf(f, "set key outside right top box opaque\nset grid lc rgb '#eeeeee'\n");
    nd_occ_init(occ, s->p1lo, s->p1hi, s->p2lo, s->p2hi, 480, 480);
    nd_tsv_sel curves = {path[0], 3, 4, 0, NULL};
    nd_occ_lines(occ, &curves);
    size_t n_lab = read_specials(path[1], 3, 4, lab, NULL, NULL);
    size_t shown = nd_gp_labels(f, lab, n_lab, occ, "pt 7 ps 1.6 lc rgb 'black'");
    nd_gp_plot plot = {f, 0};
    bif2_entries(&plot, s, &n, ref, shown);
    nd_gp_plot_end(&plot);
    free(lab), free(occ);
    return nd_gp_finish(f, script, err);
}
