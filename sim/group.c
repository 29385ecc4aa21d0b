/* Neuron groups: n copies of a model in structure-of-arrays layout, advanced together. */
#include <Random123/philox.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/noise.h"
#include "sim_impl.h"

/* ---- lookup -------------------------------------------------------------------------------- */
static int name_index(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0) return (int)i;
    return -1;
}

double *group_row(nd_group *g, const char *name, int *par, nd_error *err)
{
    *par = -1;
    if (g->kind != GROUP_POISSON) {
        int v = name_index(g->model->var_names, g->nv, name);
        if (v >= 0) return g->X + (size_t)v * g->n;
        int k = name_index(g->model->par_names, g->np, name);
        if (k >= 0) return *par = k, g->P + (size_t)k * g->n;
    }
    if (strcmp(name, "t_last_spike") == 0) return g->t_last;
    if (strcmp(name, "spike") == 0) {
        nd_fail(err, ND_EINVAL, "'spike' of group '%s' holds flags, not values: monitor \"%s.spike\" or read "
                "nd_group_spikes", g->name, g->name);
        return NULL;
    }
    char list[700];
    size_t used = 0;
    list[0] = '\0';
    for (size_t i = 0; g->kind != GROUP_POISSON && i < g->nv + g->np; i++) {
        const char *s = i < g->nv ? g->model->var_names[i] : g->model->par_names[i - g->nv];
        used += (size_t)snprintf(list + used, used < sizeof list ? sizeof list - used : 0, "%s, ", s);
        if (used >= sizeof list) break;
    }
    nd_fail(err, ND_EINVAL, "group '%s' has no variable '%s' (names: %sspike, t_last_spike)",
            g->name, name, list);
    return NULL;
}

size_t nd_group_size(const nd_group *g) { return g->n; }
const char *nd_group_name(const nd_group *g) { return g->name; }
const uint8_t *nd_group_spikes(const nd_group *g) { return g->spike; }
long nd_group_spike_count(const nd_group *g) { return g->spike_count; }

double *nd_group_array(nd_group *g, const char *name, nd_error *err)
{
    int par;
    double *row = group_row(g, name, &par, err);
    if (row && par >= 0) g->pars_dirty = 1; /* the caller may write parameters */
    return row;
}

nd_status nd_group_set_par(nd_group *g, const char *name, double value, nd_error *err)
{
    int par;
    double *row = group_row(g, name, &par, err);
    if (!row) return ND_EINVAL;
    if (par < 0) return nd_fail(err, ND_EINVAL, "'%s' of group '%s' is not a parameter", name, g->name);
    if (!isfinite(value)) return nd_fail(err, ND_EINVAL, "parameter %s = %g is not finite", name, value);
    for (size_t i = 0; i < g->n; i++) {
        row[i] = value;
        g->P0[(size_t)par * g->n + i] = value;
        if (par == g->input_par) g->input_base[i] = value;
    }
    g->pars_dirty = 1;
    return ND_OK;
}

void nd_group_set_initial(nd_group *g)
{
    if (g->nv) memcpy(g->X0, g->X, g->nv * g->n * sizeof *g->X);
    if (g->np) memcpy(g->P0, g->P, g->np * g->n * sizeof *g->P);
    if (g->input_par >= 0) memcpy(g->input_base, g->P + (size_t)g->input_par * g->n, g->n * sizeof(double));
}

nd_status nd_group_set_input(nd_group *g, const char *par_name, nd_error *err)
{
    if (g->kind == GROUP_POISSON) return nd_fail(err, ND_EINVAL, "Poisson group '%s' has no input", g->name);
    int k = name_index(g->model->par_names, g->np, par_name);
    if (k < 0) return nd_fail(err, ND_EINVAL, "model %s has no parameter '%s' to use as input", g->model->name, par_name);
    g->input_par = k;
    memcpy(g->input_base, g->P + (size_t)k * g->n, g->n * sizeof(double));
    return ND_OK;
}

nd_status nd_group_set_threshold(nd_group *g, const char *var, double threshold, nd_error *err)
{
    if (g->kind == GROUP_POISSON) return nd_fail(err, ND_EINVAL, "Poisson group '%s' has no threshold", g->name);
    int v = name_index(g->model->var_names, g->nv, var);
    if (v < 0) return nd_fail(err, ND_EINVAL, "model %s has no variable '%s'", g->model->name, var);
    if (!isfinite(threshold)) return nd_fail(err, ND_EINVAL, "threshold %g is not finite", threshold);
    g->detect = 1, g->has_reset = 0, g->spike_var = v, g->th_par = -1, g->th = threshold;
    g->ref_par = -1, g->ref = 0.0;
    if (g->kind == GROUP_LIF_EXP || g->kind == GROUP_LIF_EULER) g->kind = GROUP_MODEL; /* the fast path assumes LIF's rule */
    return ND_OK;
}

nd_status nd_group_set_period(nd_group *g, long period, nd_error *err)
{
    if (period < 1) return nd_fail(err, ND_EINVAL, "update period %ld of group '%s' must be >= 1", period, g->name);
    g->period = period;
    return ND_OK;
}

/* ---- integration ---------------------------------------------------------------------------- */
/* One explicit Runge–Kutta step of one neuron through the model's plain RHS (no kernels). */
static void erk_neuron(const nd_model *m, const nd_butcher *tab, double t, double h, double *x,
                       const double *p, double *y, double *k)
{
    size_t nv = m->n_vars;
    for (int s = 0; s < tab->stages; s++) {
        for (size_t v = 0; v < nv; v++) {
            double acc = 0.0;
            for (int j = 0; j < s; j++) acc = ND_MADD(tab->a[s][j], k[(size_t)j * nv + v], acc);
            y[v] = ND_MADD(h, acc, x[v]);
        }
        m->rhs(t + tab->c[s] * h, y, p, k + (size_t)s * nv);
    }
    for (size_t v = 0; v < nv; v++) {
        double acc = 0.0;
        for (int s = 0; s < tab->stages; s++) acc = ND_MADD(tab->b[s], k[(size_t)s * nv + v], acc);
        x[v] = ND_MADD(h, acc, x[v]);
    }
}

static void gather(const nd_group *g, size_t i, double *x, double *p)
{
    for (size_t v = 0; v < g->nv; v++) x[v] = g->X[v * g->n + i];
    for (size_t k = 0; k < g->np; k++) p[k] = g->P[k * g->n + i];
}

static void scatter_x(nd_group *g, size_t i, const double *x)
{
    for (size_t v = 0; v < g->nv; v++) g->X[v * g->n + i] = x[v];
}

/* The fallback paths step one neuron at a time: a model without kernels, or a method that is
 * not an explicit table (exponential Euler through the stepper, with the model's Jacobian). */
static void step_neuron_by_neuron(nd_group *g, double t, double h)
{
    double *x = g->work, *p = x + g->nv, *y = p + g->np + 1, *k = y + g->nv;
    for (size_t i = 0; i < g->n; i++) {
        gather(g, i, x, p);
        if (g->stepper_kind == STEP_NEURON_ERK) {
            erk_neuron(g->model, g->method->tableau, t, h, x, p, y, k);
        } else {
            nd_stepper_reset(g->stepper);
            /* a non-finite result leaves x unchanged; the scan after the step reports it */
            if (nd_stepper_apply(g->stepper, t, h, x, NULL, NULL)) x[0] = NAN;
        }
        scatter_x(g, i, x);
    }
}

static void integrate(nd_group *g, double t, double h)
{
    const nd_model_kernels *kr = g->model->kernels;
    switch (g->stepper_kind) {
    case STEP_KERNEL_RK4: kr->soa_rk4(g->n, g->n, g->X, g->P, t, h, 1); break;
    case STEP_KERNEL_ERK: kr->soa_erk(g->method->tableau, g->n, g->n, g->X, g->P, t, h, 1); break;
    default: step_neuron_by_neuron(g, t, h); break;
    }
}

static double par_or(const nd_group *g, int par, double fixed, size_t i)
{
    return par >= 0 ? g->P[(size_t)par * g->n + i] : fixed;
}

/* Threshold, reset and refractoriness after the step (BrainPy LifRef): a neuron with
 * t - t_last <= tau_ref keeps its spiking variable; a spike stamps t_last = t and resets. */
static void spikes_after_step(nd_group *g, double t, double h)
{
    const size_t n = g->n;
    double *V = g->X + (size_t)g->spike_var * n;
    long count = 0;
    for (size_t i = 0; i < n; i++) {
        double th = par_or(g, g->th_par, g->th, i), ref = par_or(g, g->ref_par, g->ref, i);
        int refractory = g->has_reset && ref > 0.0 && t - g->t_last[i] <= ref + REF_EPS * h;
        if (refractory) V[i] = g->prev[i];
        int s = !refractory && (g->has_reset ? V[i] >= th : g->prev[i] < th && V[i] >= th);
        g->spike[i] = (uint8_t)s;
        if (!s) continue;
        count++;
        g->t_last[i] = t;
        if (g->has_reset) {
            double *x = g->work, *p = x + g->nv;
            gather(g, i, x, p);
            g->model->spike->reset(x, p);
            scatter_x(g, i, x);
        }
    }
    g->spike_count += count;
}

/* Philox uniform of (seed, neuron, step): the same spikes however the run is split. */
static void poisson_step(nd_group *g, long step, double h)
{
    const double p = g->rate_hz * h * 1e-3;
    philox4x64_key_t key = {{g->seed, ND_NOISE_KEY_TAG ^ 0x706f6973736f6eULL}};
    long count = 0;
    for (size_t i = 0; i < g->n; i++) {
        philox4x64_ctr_t ctr = {{(uint64_t)i, (uint64_t)step, 0, 0}};
        philox4x64_ctr_t r = philox4x64(ctr, key);
        int s = nd_u01_open0(r.v[0]) <= p;
        g->spike[i] = (uint8_t)s;
        count += s;
        if (s) g->t_last[i] = (double)step * g->net->dt;
    }
    g->spike_count += count;
}

/* The first non-finite state after a step, reported with the time, neuron and variable
 * (DESIGN: a RHS that produces NaN or Inf stops the computation and says where). */
nd_status group_check_finite(const nd_group *g, double t, double h, nd_error *err)
{
    for (size_t v = 0; v < g->nv; v++) {
        const double *row = g->X + v * g->n;
        double sum = 0.0; /* one cheap pass; NaN or Inf anywhere makes the sum non-finite */
#pragma omp simd reduction(+ : sum)
        for (size_t i = 0; i < g->n; i++) sum += row[i] * 0.0;
        if (sum == 0.0) continue;
        for (size_t i = 0; i < g->n; i++)
            if (!isfinite(row[i]))
                return nd_fail(err, ND_ENONFINITE, "group '%s': %s of neuron %zu became %g in the step from t = %g to %g",
                               g->name, g->model->var_names[v], i, row[i], t, t + h);
    }
    return ND_OK;
}

/* A model group by its kernels or neuron by neuron, then its spike rule. */
nd_status group_model_step(nd_group *g, double t, double h, nd_error *err)
{
    if (g->detect) memcpy(g->prev, g->X + (size_t)g->spike_var * g->n, g->n * sizeof(double));
    integrate(g, t, h);
    if (group_check_finite(g, t, h, err)) return ND_ENONFINITE;
    if (g->detect) spikes_after_step(g, t, h);
    group_collect_spike_ids(g);
    return ND_OK;
}

/* The ids of the neurons that spiked, ascending: delivery and monitors visit only these.
 * Eight flags are tested at once, since most steps most neurons are silent. */
void group_collect_spike_ids(nd_group *g)
{
    const uint8_t *s = g->spike;
    uint32_t *ids = g->spike_ids;
    size_t m = 0, i = 0;
    for (; i + 8 <= g->n; i += 8) {
        uint64_t word;
        memcpy(&word, s + i, sizeof word);
        for (size_t k = i; word && k < i + 8; k++)
            if (s[k]) ids[m++] = (uint32_t)k;
    }
    for (; i < g->n; i++)
        if (s[i]) ids[m++] = (uint32_t)i;
    g->n_spike_ids = m;
}

nd_status group_update(nd_group *g, long step, double t, double h, nd_error *err)
{
    switch (g->kind) {
    case GROUP_POISSON: poisson_step(g, step, h); group_collect_spike_ids(g); return ND_OK;
    case GROUP_LIF_EXP:
    case GROUP_LIF_EULER: return lif_group_step(g, t, h, err);
    case GROUP_MODEL: break;
    }
    return group_model_step(g, t, h, err);
}

void group_reset(nd_group *g)
{
    if (g->nv) memcpy(g->X, g->X0, g->nv * g->n * sizeof *g->X);
    if (g->np) memcpy(g->P, g->P0, g->np * g->n * sizeof *g->P);
    for (size_t i = 0; i < g->n; i++) g->t_last[i] = ND_NEVER;
    memset(g->spike, 0, g->n);
    g->n_spike_ids = 0;
    g->spike_count = 0;
    g->pars_dirty = 1;
}

void group_free(nd_group *g)
{
    if (!g) return;
    free(g->X), free(g->P), free(g->X0), free(g->P0), free(g->input_base);
    free(g->spike), free(g->spike_ids), free(g->t_last), free(g->prev), free(g->work), free(g->decay);
    if (g->stepper) nd_stepper_free(g->stepper);
    free(g);
}

/* ---- construction ------------------------------------------------------------------------- */
static nd_status check_name(nd_net *net, const char *name, nd_error *err)
{
    if (!name || !*name || strlen(name) >= ND_NAME_LEN || strchr(name, '.'))
        return nd_fail(err, ND_EINVAL, "group name '%s' must be 1..%d characters without '.'",
                       name ? name : "(null)", ND_NAME_LEN - 1);
    for (size_t i = 0; i < net->n_groups; i++)
        if (strcmp(net->groups[i]->name, name) == 0)
            return nd_fail(err, ND_EINVAL, "the network already has a group '%s'", name);
    return ND_OK;
}

static nd_group *group_alloc(nd_net *net, const char *name, size_t n, size_t nv, size_t np,
                             size_t work, nd_error *err)
{
    double bytes = (double)n * (double)(2 * nv + 2 * np + 6) * sizeof(double);
    if (n == 0) return nd_fail(err, ND_EINVAL, "group '%s' needs at least one neuron", name), NULL;
    if (nd_check_alloc(bytes > 1e300 ? (size_t)-1 : (size_t)bytes, "the neuron group", err)) return NULL;
    nd_group *g = calloc(1, sizeof *g);
    if (!g) return nd_fail(err, ND_ENOMEM, "out of memory for group '%s'", name), NULL;
    snprintf(g->name, sizeof g->name, "%s", name);
    g->n = n, g->nv = nv, g->np = np, g->period = 1, g->net = net, g->input_par = -1;
    g->X = calloc(nv * n + 1, sizeof(double)), g->X0 = calloc(nv * n + 1, sizeof(double));
    g->P = calloc(np * n + 1, sizeof(double)), g->P0 = calloc(np * n + 1, sizeof(double));
    g->input_base = calloc(n, sizeof(double)), g->prev = calloc(n, sizeof(double));
    g->spike = calloc(n, 1), g->t_last = malloc(n * sizeof(double));
    g->spike_ids = malloc(n * sizeof *g->spike_ids);
    g->work = calloc(work + 1, sizeof(double)), g->decay = calloc(n, sizeof(double));
    if (!g->X || !g->X0 || !g->P || !g->P0 || !g->input_base || !g->prev || !g->spike || !g->spike_ids || !g->t_last ||
        !g->work || !g->decay) {
        group_free(g);
        return nd_fail(err, ND_ENOMEM, "out of memory for group '%s' of %zu neurons", name, n), NULL;
    }
    for (size_t i = 0; i < n; i++) g->t_last[i] = ND_NEVER;
    g->pars_dirty = 1;
    return g;
}

static nd_status register_group(nd_net *net, nd_group *g, nd_group **out, nd_error *err)
{
    if (net_append((void **)&net->groups, &net->n_groups, sizeof g, &g)) {
        group_free(g);
        return nd_fail(err, ND_ENOMEM, "out of memory adding a group");
    }
    if (out) *out = g;
    return ND_OK;
}

/* How a method steps a group: kernels for explicit tables when the model has them. */
static nd_status choose_stepper(nd_group *g, nd_error *err)
{
    const nd_method *me = g->method;
    const nd_model *m = g->model;
    if (me->kind == ND_METHOD_ERK) {
        if (m->kernels && m->kernels->soa_erk)
            g->stepper_kind = strcmp(me->name, "rk4") == 0 && m->kernels->soa_rk4 ? STEP_KERNEL_RK4 : STEP_KERNEL_ERK;
        else
            g->stepper_kind = STEP_NEURON_ERK;
        return ND_OK;
    }
    if (me->kind == ND_METHOD_EXP_EULER) {
        g->stepper_kind = STEP_NEURON_STEPPER;
        nd_system_from_model(&g->ms, m, g->work + g->nv);
        return nd_stepper_alloc(me, &g->ms.sys, &g->stepper, err);
    }
    return nd_fail(err, ND_EINVAL,
                   "method '%s' is not a fixed-step method a group can use (explicit Runge-Kutta "
                   "methods such as euler, rk2, rk4, or exponential_euler)", me->name);
}

static void setup_spike_rule(nd_group *g)
{
    const nd_spike_rule *r = g->model->spike;
    if (!r) return;
    g->detect = 1, g->has_reset = r->reset != NULL, g->spike_var = r->var;
    g->th_par = r->threshold_par, g->th = r->threshold;
    g->ref_par = r->refractory_par, g->ref = r->refractory;
}

nd_status nd_net_add_group(nd_net *net, const char *name, const nd_model *m, size_t n,
                           const char *method, nd_group **out, nd_error *err)
{
    if (!net || !m) return nd_fail(err, ND_EINVAL, "nd_net_add_group: network and model are required");
    if (check_name(net, name, err) || nd_model_validate(m, err)) return ND_EINVAL;
    const nd_method *me = nd_method_find(method ? method : "rk4", err);
    if (!me) return ND_EINVAL;
    size_t work = 2 * m->n_vars + m->n_pars + 1 + (size_t)ND_MAX_STAGES * m->n_vars;
    nd_group *g = group_alloc(net, name, n, m->n_vars, m->n_pars, work, err);
    if (!g) return err ? err->code : ND_ENOMEM;
    g->kind = GROUP_MODEL, g->model = m, g->method = me;
    for (size_t v = 0; v < g->nv; v++)
        for (size_t i = 0; i < n; i++) g->X[v * n + i] = m->init ? m->init[v] : 0.0;
    for (size_t k = 0; k < g->np; k++)
        for (size_t i = 0; i < n; i++) g->P[k * n + i] = m->par_defaults ? m->par_defaults[k] : 0.0;
    static const char *const inputs[] = {"I", "Iext", "I_ext", "Iapp"};
    for (size_t k = 0; k < 4 && g->input_par < 0; k++) g->input_par = name_index(m->par_names, g->np, inputs[k]);
    setup_spike_rule(g);
    if (choose_stepper(g, err)) {
        group_free(g);
        return ND_EINVAL;
    }
    nd_group_set_initial(g);
    return register_group(net, g, out, err);
}

nd_lif_params nd_lif_defaults(void)
{
    return (nd_lif_params){.V_rest = 0.0, .V_reset = -5.0, .V_th = 20.0, .R = 1.0, .tau = 10.0,
                           .tau_ref = 0.0, .V_init = 0.0, .method = NULL};
}

static nd_status check_lif(const nd_lif_params *p, nd_error *err)
{
    const double v[] = {p->V_rest, p->V_reset, p->V_th, p->R, p->tau, p->tau_ref, p->V_init};
    const char *names[] = {"V_rest", "V_reset", "V_th", "R", "tau", "tau_ref", "V_init"};
    for (int k = 0; k < 7; k++)
        if (!isfinite(v[k])) return nd_fail(err, ND_EINVAL, "LIF %s = %g is not finite", names[k], v[k]);
    if (!(p->tau > 0.0)) return nd_fail(err, ND_EINVAL, "LIF tau = %g must be positive", p->tau);
    if (p->tau_ref < 0.0) return nd_fail(err, ND_EINVAL, "LIF tau_ref = %g must be >= 0", p->tau_ref);
    return ND_OK;
}

nd_status nd_net_add_lif(nd_net *net, const char *name, size_t n, const nd_lif_params *p,
                         nd_group **out, nd_error *err)
{
    nd_lif_params d = p ? *p : nd_lif_defaults();
    if (check_lif(&d, err)) return ND_EINVAL;
    const char *method = d.method ? d.method : "exponential_euler";
    const nd_model *lif = nd_builtin_find("lif");
    nd_group *g;
    nd_status st = nd_net_add_group(net, name, lif, n, method, &g, err);
    if (st) return st;
    const double vals[] = {d.V_rest, d.V_reset, d.V_th, d.R, d.tau, d.tau_ref, 0.0};
    for (size_t k = 0; k < 7; k++)
        for (size_t i = 0; i < n; i++) g->P[k * n + i] = vals[k];
    for (size_t i = 0; i < n; i++) g->X[i] = d.V_init;
    /* exponential and forward Euler have their own one-loop step (sim/lif.c); other methods
     * use the kernels */
    if (strcmp(g->method->name, "exponential_euler") == 0) g->kind = GROUP_LIF_EXP;
    if (strcmp(g->method->name, "euler") == 0) g->kind = GROUP_LIF_EULER;
    nd_group_set_initial(g);
    if (out) *out = g;
    return ND_OK;
}

nd_status nd_net_add_izhikevich(nd_net *net, const char *name, size_t n, const char *method,
                                nd_group **out, nd_error *err)
{
    return nd_net_add_group(net, name, nd_builtin_find("izhikevich"), n, method ? method : "euler", out, err);
}

nd_status nd_net_add_hh(nd_net *net, const char *name, size_t n, const char *method, nd_group **out,
                        nd_error *err)
{
    nd_group *g;
    nd_status st = nd_net_add_group(net, name, nd_builtin_find("hh"), n, method ? method : "rk4", &g, err);
    if (st) return st;
    nd_group_set_threshold(g, "V", 20.0, NULL);
    if (out) *out = g;
    return ND_OK;
}

nd_status nd_net_add_poisson(nd_net *net, const char *name, size_t n, double rate_hz,
                             uint64_t seed, nd_group **out, nd_error *err)
{
    if (!net) return nd_fail(err, ND_EINVAL, "nd_net_add_poisson: no network");
    if (check_name(net, name, err)) return ND_EINVAL;
    if (!(rate_hz >= 0.0) || !isfinite(rate_hz))
        return nd_fail(err, ND_EINVAL, "Poisson rate %g Hz must be finite and >= 0", rate_hz);
    nd_group *g = group_alloc(net, name, n, 0, 0, 0, err);
    if (!g) return err ? err->code : ND_ENOMEM;
    g->kind = GROUP_POISSON, g->rate_hz = rate_hz, g->seed = seed;
    return register_group(net, g, out, err);
}

nd_group *net_find_group(nd_net *net, const char *target, const char **field, nd_error *err)
{
    const char *dot = target ? strchr(target, '.') : NULL;
    if (!dot || dot == target || !dot[1])
        return nd_fail(err, ND_EINVAL, "target '%s' must be GROUP.NAME", target ? target : "(null)"), NULL;
    for (size_t i = 0; i < net->n_groups; i++) {
        nd_group *g = net->groups[i];
        if (strlen(g->name) == (size_t)(dot - target) && strncmp(g->name, target, (size_t)(dot - target)) == 0) {
            *field = dot + 1;
            return g;
        }
    }
    char list[600];
    size_t used = 0;
    list[0] = '\0';
    for (size_t i = 0; i < net->n_groups && used < sizeof list; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", net->groups[i]->name);
    nd_fail(err, ND_EINVAL, "target '%s': no group '%.*s' (groups: %s)", target, (int)(dot - target), target,
            *list ? list : "none");
    return NULL;
}
