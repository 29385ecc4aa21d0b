/* --from DIR[/special_points.tsv]:LABEL of `neurodyn bifurcation`: a restart from a special point
 * of an earlier one-parameter diagram, as AUTO-07p's restart label (IRS). The earlier run wrote
 * special_points.tsv, whose last column `label` numbers its rows from 1 (the JSON's special points
 * carry the same labels), and diagram.tsv beside it: the model, the bifurcation parameter, its
 * range and every parameter value, so that a restart with another model or parameter is refused. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "restart.h"

int cli_write_diagram_info(const char *cmd, const char *dir, const nd_model *m, const double *p, int par, double lo,
                           double hi)
{
    FILE *f = cli_open_out(cmd, dir, "diagram.tsv");
    if (!f) return EXIT_FAILED;
    fprintf(f, "key\tname\tvalue\tvalue2\nmodel\t%s\tnan\tnan\nparameter\t%s", m->name, m->par_names[par]);
    nd_tsv_cell(f, lo), nd_tsv_cell(f, hi), fputc('\n', f);
    for (size_t i = 0; i < m->n_pars; i++) fprintf(f, "set\t%s", m->par_names[i]), nd_tsv_cell(f, p[i]), fputs("\tnan\n", f);
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    if (bad) fprintf(stderr, "neurodyn %s: writing %s/diagram.tsv failed\n", cmd, dir);
    return bad ? EXIT_FAILED : EXIT_OK;
}

/* Splits a line in place at its tabs (the newline dropped); returns the number of cells. */
static size_t cells(char *line, char **cell, size_t max)
{
    line[strcspn(line, "\r\n")] = 0;
    size_t n = 0;
    for (char *s = line; n < max; s++) {
        cell[n++] = s;
        s = strchr(s, '\t');
        if (!s) break;
        *s = 0;
    }
    return n;
}

static int is_cycle_type(const char *t)
{
    return !strcmp(t, "LPC") || !strcmp(t, "PD") || !strcmp(t, "NS") || !strcmp(t, "BPC") || !strcmp(t, "HC") || !strcmp(t, "SNIC");
}

/* diagram.tsv beside the points: model and parameter must be this run's; the range is the
 * default of the restart; parameter values that differ from this run's are reported. */
static int check_info(const char *cmd, const nd_model *m, const double *p, const char *dir, cli_restart *r)
{
    char path[4200], *line = NULL, *c[8];
    size_t cap = 0;
    snprintf(path, sizeof path, "%s/diagram.tsv", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return cli_usage_error(cmd, "--from: cannot read '%s' (%s): it names the model of the saved points; rerun "
                               "the earlier diagram with --outdir", path, strerror(errno));
    int rc = EXIT_OK, have_model = 0, have_par = 0;
    while (!rc && getline(&line, &cap, f) > 0) {
        size_t n = cells(line, c, 8);
        if (n < 2) continue;
        if (!strcmp(c[0], "model")) {
            have_model = 1;
            if (strcmp(c[1], m->name))
                rc = cli_usage_error(cmd, "--from: the saved points are of model %s, not %s (%s)", c[1], m->name, path);
        } else if (!strcmp(c[0], "parameter") && n >= 4) {
            have_par = 1;
            r->par = nd_model_par_index(m, c[1], NULL);
            if (r->par < 0) rc = cli_usage_error(cmd, "--from: %s has no parameter %s (%s)", m->name, c[1], path);
            r->lo = strtod(c[2], NULL), r->hi = strtod(c[3], NULL);
        } else if (!strcmp(c[0], "set") && n >= 3) {
            int i = nd_model_par_index(m, c[1], NULL);
            double v = strtod(c[2], NULL);
            if (i >= 0 && i != r->par && r->par >= 0 && p[i] != v && !r->warned++)
                fprintf(stderr, "neurodyn %s: warning: the saved points were computed with %s = %.10g, this run has "
                        "%.10g (give the same --set)\n", cmd, c[1], v, p[i]);
        }
    }
    free(line);
    fclose(f);
    if (!rc && (!have_model || !have_par)) rc = cli_usage_error(cmd, "--from: '%s' names no model or parameter", path);
    return rc;
}

/* The header must be (type, branch, PAR, the model's variables, ..., label). */
static int check_header(const char *cmd, const nd_model *m, char **c, size_t n, const char *path, const cli_restart *r)
{
    if (n < 4 + m->n_vars || strcmp(c[0], "type") || strcmp(c[n - 1], "label"))
        return cli_usage_error(cmd, "--from: '%s' is not a special_points.tsv of neurodyn bifurcation with labels",
                               path);
    if (strcmp(c[2], m->par_names[r->par]))
        return cli_usage_error(cmd, "--from: '%s' is a diagram in %s, its diagram.tsv says %s", path, c[2],
                               m->par_names[r->par]);
    for (size_t v = 0; v < m->n_vars; v++)
        if (strcmp(c[3 + v], m->var_names[v]))
            return cli_usage_error(cmd, "--from: '%s' has variable %s where %s has %s", path, c[3 + v], m->name,
                                   m->var_names[v]);
    return EXIT_OK;
}

/* Reads row `label` of the points; an unknown label lists those there are. */
static int read_point(const char *cmd, const nd_model *m, FILE *f, const char *path, cli_restart *r)
{
    char *line = NULL, *c[80];
    size_t cap = 0, rows = 0;
    char known[1024] = "";
    int rc = getline(&line, &cap, f) > 0 ? check_header(cmd, m, c, cells(line, c, 80), path, r)
                                          : cli_usage_error(cmd, "--from: '%s' is empty", path);
    int found = 0;
    while (!rc && !found && getline(&line, &cap, f) > 0) {
        size_t n = cells(line, c, 80);
        if (n < 4 + m->n_vars) continue;
        unsigned long label = strtoul(c[n - 1], NULL, 10);
        size_t len = strlen(known);
        if (len < sizeof known - 40) snprintf(known + len, sizeof known - len, "%s%lu (%s)", rows++ ? ", " : "", label, c[0]);
        if (label != r->label) continue;
        found = 1;
        snprintf(r->type, sizeof r->type, "%s", c[0]);
        r->cycle = is_cycle_type(c[0]);
        r->at = strtod(c[2], NULL);
        for (size_t v = 0; v < m->n_vars; v++) r->x[v] = strtod(c[3 + v], NULL);
    }
    free(line);
    if (!rc && !found)
        rc = cli_usage_error(cmd, "--from: no label %zu in '%s'; its labels: %s", r->label, path,
                             rows ? known : "none (no special points)");
    return rc;
}

int cli_restart_load(const char *cmd, const nd_model *m, const double *p, const char *spec, cli_restart *r)
{
    memset(r, 0, sizeof *r);
    r->par = -1;
    const char *colon = strrchr(spec, ':');
    char *end = NULL;
    unsigned long label = colon ? strtoul(colon + 1, &end, 10) : 0;
    if (!colon || colon == spec || !end || *end || !colon[1] || label == 0)
        return cli_usage_error(cmd, "--from '%s': give DIR:LABEL or DIR/special_points.tsv:LABEL, LABEL a positive "
                               "number of the label column", spec);
    r->label = label;
    char path[4200], dir[4096];
    size_t len = (size_t)(colon - spec);
    if (len >= sizeof dir - 32) return cli_usage_error(cmd, "--from: the path is too long");
    memcpy(dir, spec, len), dir[len] = 0;
    struct stat st;
    if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) snprintf(path, sizeof path, "%s/special_points.tsv", dir);
    else {
        snprintf(path, sizeof path, "%s", dir);
        char *slash = strrchr(dir, '/');
        if (slash) *slash = 0;
        else snprintf(dir, sizeof dir, ".");
    }
    snprintf(r->dir, sizeof r->dir, "%s", dir);
    FILE *f = fopen(path, "r");
    if (!f) return cli_usage_error(cmd, "--from: cannot read '%s': %s", path, strerror(errno));
    r->x = malloc(m->n_vars * sizeof *r->x);
    int rc = r->x ? check_info(cmd, m, p, dir, r) : EXIT_FAILED;
    if (!rc) rc = read_point(cmd, m, f, path, r);
    fclose(f);
    if (!rc && !(isfinite(r->at) && r->lo < r->hi))
        rc = cli_usage_error(cmd, "--from: label %zu of '%s' has no parameter value", r->label, path);
    if (rc) cli_restart_free(r);
    return rc;
}

int cli_restart_check_outdir(const char *cmd, const cli_restart *r, const char *outdir)
{
    char a[PATH_MAX], b[PATH_MAX];
    if (!outdir || !realpath(r->dir, a) || !realpath(outdir, b) || strcmp(a, b)) return EXIT_OK;
    return cli_usage_error(cmd, "--from reads %s, which the output folder %s would overwrite: give another --outdir",
                           r->dir, outdir);
}

void cli_restart_free(cli_restart *r)
{
    free(r->x);
    r->x = NULL;
}

/* A cycle's point: the stable cycle reached by simulation from the saved maxima (unknown ones from
 * the model's initial state) at the point's value, or just beside it (1e-3 of the range each way:
 * at a fold of cycles the cycle is only semi-stable, and Newton at the fixed parameter singular),
 * continued both ways; the first value that gives one is taken. */
int cli_restart_cycles(const char *cmd, const nd_bif_diagram *d, const double *p, const nd_region *r, const double *xs,
                       double at, double plo, double phi, nd_cycle_set *cs, size_t *found)
{
    const nd_model *m = d->m;
    double *pp = malloc((m->n_pars + m->n_vars) * sizeof *pp), *x0 = pp + m->n_pars;
    if (!pp) return EXIT_FAILED;
    memcpy(pp, p, m->n_pars * sizeof *pp);
    for (size_t v = 0; v < m->n_vars; v++) x0[v] = isfinite(xs[v]) ? xs[v] : m->init[v];
    double t_sim = m->t_sim > 0 ? m->t_sim : 200, delta = 1e-3 * (phi - plo);
    const double values[3] = {at, at - delta, at + delta};
    int rc = EXIT_OK;
    *found = 0;
    for (int k = 0; k < 3 && !*found && !rc; k++) {
        if (!(values[k] >= plo && values[k] <= phi)) continue;
        pp[d->par] = values[k];
        nd_cycle cyc;
        nd_error e;
        if (nd_cycle_by_simulation_tol(m, pp, x0, (int)d->free_idx[0], 2 * t_sim, 6 * t_sim, 400, 1e-7, r, &cyc, &e))
            continue;
        size_t before = cs->n;
        if (nd_cycles_from_simulation(m, pp, d->par, r, &cyc, plo, phi, cs, &e)) rc = cli_error(cmd, &e);
        *found = cs->n > before;
        nd_cycle_free(&cyc);
    }
    free(pp);
    return rc;
}
