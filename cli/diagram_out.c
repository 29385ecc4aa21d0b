/* JSON of one-parameter diagrams (equilibrium and cycle branches, special points), shared by the
 * bifurcation and fast-slow commands, built with Jansson (their files are written by the
 * library: nd_write_diagram). Non-finite numbers become null. */
#include <math.h>
#include <string.h>

#include "cli.h"

json_t *cli_json_real(double v) { return isfinite(v) ? json_real(v) : json_null(); }

static json_t *state_object(const nd_model *m, const double *x)
{
    json_t *o = json_object();
    for (size_t v = 0; v < m->n_vars; v++) json_object_set_new(o, m->var_names[v], cli_json_real(x[v]));
    return o;
}

int cli_branch_cut_short(const nd_branch *br) { return br->stop == ND_STOP_BUDGET || br->stop == ND_STOP_STALLED; }

static const char *end_kind(const nd_branch *br, const nd_cycle_curve *cc)
{
    static const char *const cycle_kinds[] = {"", "period_unbounded", "hopf", "orbit_left_box", "centre", "doubled"};
    if (cc && br->stop == ND_STOP_CURVE && cc->stopped > 0 && cc->stopped <= ND_CYC_STOP_DOUBLED)
        return cycle_kinds[cc->stopped];
    switch (br->stop) {
    case ND_STOP_BOX: return "box";
    case ND_STOP_BUDGET: return "point_budget";
    case ND_STOP_STALLED: return "corrector_failed";
    case ND_STOP_CLOSED: return "closed_curve";
    default: return "curve";
    }
}

void cli_json_branch_ends(json_t *o, const nd_branch *br, const nd_cycle_curve *cc)
{
    if (br->begin_reason[0]) json_object_set_new(o, "begin", json_string(br->begin_reason));
    json_object_set_new(o, "stop", json_string(br->stop_reason));
    json_object_set_new(o, "stop_kind", json_string(end_kind(br, cc)));
    json_object_set_new(o, "cut_short", json_boolean(cli_branch_cut_short(br)));
}

static json_t *eq_branch(const nd_bif_diagram *d, const nd_branch *br, const double *at)
{
    const char *pn = d->m->par_names[d->par];
    size_t N = d->n_free + 1;
    double x[64];
    json_t *o = json_object(), *pts = json_array();
    json_object_set_new(o, "kind", json_string("equilibrium"));
    cli_json_branch_ends(o, br, NULL);
    for (size_t i = 0; i < br->n; i++) {
        nd_diagram_full_state(d, br->u + i * N, at, x);
        json_t *pt = json_object();
        json_object_set_new(pt, pn, cli_json_real(br->u[i * N + d->n_free]));
        json_object_set_new(pt, "state", state_object(d->m, x));
        json_object_set_new(pt, "stable", json_boolean(br->label[i] == 1));
        json_array_append_new(pts, pt);
    }
    json_object_set_new(o, "points", pts);
    return o;
}

static json_t *extremes(const nd_model *m, const nd_cycle_curve *cc, const double *v)
{
    json_t *o = json_object();
    for (size_t k = 0; k < cc->k; k++) json_object_set_new(o, m->var_names[cc->free_idx[k]], cli_json_real(v[k]));
    return o;
}

/* Branch c of cs; n_eq: the equilibrium branches before it (JSON numbers branches in one list). */
static json_t *cycle_branch(const nd_model *m, const char *pn, const nd_cycle_set *cs, size_t c, size_t n_eq)
{
    const nd_cycle_curve *cc = &cs->curve[c];
    const nd_branch *br = &cs->branch[c];
    char from[200];
    if (cs->origin[c] == ND_CYCLE_FROM_PD)
        snprintf(from, sizeof from, "the period doubling (PD) at %s = %.10g of branch %zu", pn, cs->start[c],
                 n_eq + (size_t)cs->parent[c]);
    else if (cs->origin[c] == ND_CYCLE_FROM_BPC)
        snprintf(from, sizeof from, "the branch point of cycles (BPC) at %s = %.10g of branch %zu", pn, cs->start[c],
                 n_eq + (size_t)cs->parent[c]);
    else
        snprintf(from, sizeof from, "%s at %s = %.10g",
                 cs->origin[c] == ND_CYCLE_FROM_HOPF ? "the Hopf point" : "a cycle found by simulation", pn, cs->start[c]);
    json_t *o = json_object(), *pts = json_array();
    json_object_set_new(o, "kind", json_string("cycle"));
    json_object_set_new(o, "from", json_string(from));
    json_object_set_new(o, "period_multiple", json_integer((json_int_t)cs->multiple[c]));
    if (cs->parent[c] >= 0) {
        json_object_set_new(o, "parent_branch", json_integer((json_int_t)(n_eq + (size_t)cs->parent[c])));
    }
    cli_json_branch_ends(o, br, cc);
    for (size_t i = 0; i < br->n; i++) {
        const nd_cycle_info *in = nd_cycle_curve_info(cc, i);
        if (!in) continue;
        json_t *pt = json_object();
        json_object_set_new(pt, pn, cli_json_real(in->par));
        json_object_set_new(pt, "period", cli_json_real(in->period));
        json_object_set_new(pt, "max", extremes(m, cc, in->xmax));
        json_object_set_new(pt, "min", extremes(m, cc, in->xmin));
        json_object_set_new(pt, "stable", json_boolean(in->stable == 1));
        json_array_append_new(pts, pt);
    }
    json_object_set_new(o, "points", pts);
    return o;
}

json_t *cli_json_branches(const nd_bif_diagram *d, const double *at, const nd_cycle_set *cs)
{
    json_t *a = json_array();
    for (size_t b = 0; b < d->n_branches; b++) json_array_append_new(a, eq_branch(d, &d->branches[b], at));
    for (size_t c = 0; cs && c < cs->n; c++) json_array_append_new(a, cycle_branch(d->m, d->m->par_names[d->par], cs, c, d->n_branches));
    return a;
}

/* ---- special points ---------------------------------------------------------------------------- */
static json_t *eq_special(const nd_bif_diagram *d, const nd_special_point *sp, const double *at, size_t b)
{
    const char *pn = d->m->par_names[d->par];
    double x[64];
    nd_diagram_full_state(d, sp->u, at, x);
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string(nd_eq_special_name(sp->test)));
    json_object_set_new(o, pn, cli_json_real(sp->u[d->n_free]));
    json_object_set_new(o, "state", state_object(d->m, x));
    if (sp->test == ND_EQ_LP) json_object_set_new(o, "fold_coefficient", cli_json_real(sp->data[0]));
    if (sp->test == ND_EQ_H) {
        json_object_set_new(o, "frequency", cli_json_real(sp->data[0]));
        json_object_set_new(o, "first_lyapunov", cli_json_real(sp->data[1]));
        const char *kind = !isfinite(sp->data[1]) ? NULL
                           : sp->data[2] > 0      ? "degenerate"
                           : sp->data[1] < 0      ? "supercritical"
                                                  : "subcritical";
        if (kind) json_object_set_new(o, "criticality", json_string(kind));
    }
    json_object_set_new(o, "branch", json_integer((json_int_t)b));
    return o;
}

static json_t *cycle_special(const char *pn, const nd_special_point *sp, size_t branch)
{
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string(nd_cycle_special_name(sp->test)));
    json_object_set_new(o, pn, cli_json_real(sp->data[1]));
    json_object_set_new(o, "period", cli_json_real(sp->data[0]));
    if (sp->test == ND_CYC_PD || sp->test == ND_CYC_BPC) json_object_set_new(o, "multiplier", cli_json_real(sp->data[2]));
    if (sp->test == ND_CYC_NS) json_object_set_new(o, "angle", cli_json_real(sp->data[2]));
    if (sp->test == ND_CYC_LPC || sp->test == ND_CYC_PD || sp->test == ND_CYC_NS) {
        /* periodic normal form (include/neurodyn/cycle_normal_form.h): LPC b, PD c, NS Re d */
        json_object_set_new(o, "normal_form", cli_json_real(sp->data[4]));
        if (sp->test != ND_CYC_LPC && isfinite(sp->data[4]))
            json_object_set_new(o, "criticality", json_string(sp->data[4] < 0 ? "supercritical" : "subcritical"));
    }
    json_object_set_new(o, "branch", json_integer((json_int_t)branch));
    return o;
}

json_t *cli_json_special_points(const nd_bif_diagram *d, const double *at, const nd_cycle_set *cs, double p_lo,
                                double p_hi)
{
    const char *pn = d->m->par_names[d->par];
    json_t *a = json_array();
    for (size_t b = 0; b < d->n_branches; b++)
        for (size_t s = 0; s < d->branches[b].n_special; s++)
            json_array_append_new(a, eq_special(d, &d->branches[b].special[s], at, b));
    for (size_t c = 0; cs && c < cs->n; c++) {
        const nd_branch *br = &cs->branch[c];
        for (size_t s = 0; s < br->n_special; s++)
            if (br->special[s].test != ND_CYC_H) /* the Hopf point is reported on its equilibrium branch */
                json_array_append_new(a, cycle_special(pn, &br->special[s], d->n_branches + c));
        double par;
        int snic;
        if (nd_cycle_set_homoclinic_end(cs, c, d, p_lo, p_hi, &par, &snic)) {
            const nd_cycle_info *last = nd_cycle_curve_info(&cs->curve[c], br->n - 1);
            json_t *o = json_object();
            json_object_set_new(o, "type", json_string(snic ? "SNIC" : "HC"));
            json_object_set_new(o, pn, cli_json_real(par));
            json_object_set_new(o, "period_at_end", cli_json_real(last ? last->period : NAN));
            /* how the value was found: the homoclinic boundary-value problem, the fold (SNIC), or
             * the last point of the branch */
            int bvp = !snic && c < cs->n_hom && isfinite(cs->hom_par[c]);
            json_object_set_new(o, "located_by", json_string(snic ? "fold" : bvp ? "homoclinic_bvp" : "last_point"));
            json_object_set_new(o, "branch", json_integer((json_int_t)(d->n_branches + c)));
            json_array_append_new(a, o);
        }
    }
    /* the labels of special_points.tsv (its row numbers, in this order): --from DIR:LABEL */
    for (size_t i = 0; i < json_array_size(a); i++)
        json_object_set_new(json_array_get(a, i), "label", json_integer((json_int_t)(i + 1)));
    return a;
}

int cli_json_print(json_t *doc)
{
    int bad = json_dumpf(doc, stdout, JSON_REAL_PRECISION(17)) != 0;
    json_decref(doc);
    bad |= putchar('\n') == EOF;
    return bad ? EXIT_FAILED : EXIT_OK;
}
