/* The runner: fixed-step loop over the phases, inputs, monitors, callbacks, progress bar. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim_impl.h"

int net_append(void **array, size_t *n, size_t size, const void *item)
{
    char *grown = realloc(*array, (*n + 1) * size);
    if (!grown) return 1;
    memcpy(grown + *n * size, item, size);
    *array = grown;
    (*n)++;
    return 0;
}

nd_status nd_net_new(double dt, nd_net **out, nd_error *err)
{
    *out = NULL;
    if (!(dt > 0.0) || !isfinite(dt)) return nd_fail(err, ND_EINVAL, "time step dt = %g must be positive and finite", dt);
    nd_net *net = calloc(1, sizeof *net);
    if (!net) return nd_fail(err, ND_ENOMEM, "out of memory for a network");
    net->dt = dt;
    net->progress = -1;
    net->fuse = 1;
    const nd_phase order[4] = {ND_PHASE_INPUTS, ND_PHASE_PROJECTIONS, ND_PHASE_GROUPS, ND_PHASE_MONITORS};
    memcpy(net->order, order, sizeof order);
    *out = net;
    return ND_OK;
}

static void monitor_free(nd_monitor *m)
{
    if (!m) return;
    free(m->idx), free(m->want), free(m->ts), free(m->data), free(m->sp_t), free(m->sp_i);
    free(m);
}

void nd_net_free(nd_net *net)
{
    if (!net) return;
    for (size_t i = 0; i < net->n_groups; i++) group_free(net->groups[i]);
    for (size_t i = 0; i < net->n_projs; i++) proj_free(net->projs[i]);
    for (size_t i = 0; i < net->n_inputs; i++) free(net->inputs[i].vector), free(net->inputs[i].series);
    for (size_t i = 0; i < net->n_monitors; i++) monitor_free(net->monitors[i]);
    free(net->groups), free(net->projs), free(net->inputs), free(net->monitors), free(net->callbacks);
    free(net);
}

double nd_net_time(const nd_net *net) { return (double)net->step * net->dt; }
long nd_net_steps(const nd_net *net) { return net->step; }
double nd_net_dt(const nd_net *net) { return net->dt; }
void nd_net_set_progress(nd_net *net, int mode) { net->progress = mode; }

size_t nd_net_synapse_count(const nd_net *net)
{
    size_t n = 0;
    for (size_t k = 0; k < net->n_projs; k++) n += net->projs[k]->conn.n_syn;
    return n;
}

nd_status nd_net_set_order(nd_net *net, const nd_phase order[4], nd_error *err)
{
    int seen[4] = {0};
    for (int k = 0; k < 4; k++) {
        if ((int)order[k] < 0 || order[k] > ND_PHASE_MONITORS || seen[order[k]]++)
            return nd_fail(err, ND_EINVAL, "update order must name each of the 4 phases once (entry %d = %d)", k, (int)order[k]);
    }
    memcpy(net->order, order, sizeof net->order);
    return ND_OK;
}

nd_status nd_net_add_callback(nd_net *net, nd_step_fn fn, void *ctx, long period, nd_error *err)
{
    if (!fn) return nd_fail(err, ND_EINVAL, "callback function is NULL");
    if (period < 1) return nd_fail(err, ND_EINVAL, "callback period %ld must be >= 1", period);
    callback_rec c = {fn, ctx, period};
    if (net_append((void **)&net->callbacks, &net->n_callbacks, sizeof c, &c))
        return nd_fail(err, ND_ENOMEM, "out of memory adding a callback");
    return ND_OK;
}

/* ---- inputs -------------------------------------------------------------------------------- */
nd_input nd_input_fix(const char *target, double value)
{
    return (nd_input){.target = target, .type = ND_INPUT_FIX, .op = '+', .value = value};
}

nd_input nd_input_iter(const char *target, const double *series, size_t len)
{
    return (nd_input){.target = target, .type = ND_INPUT_ITER, .op = '+', .series = series, .series_len = len};
}

nd_input nd_input_func(const char *target, double (*func)(double, void *), void *ctx)
{
    return (nd_input){.target = target, .type = ND_INPUT_FUNC, .op = '+', .func = func, .ctx = ctx};
}

static double *copy_doubles(const double *src, size_t n)
{
    double *d = malloc((n ? n : 1) * sizeof *d);
    if (d && n) memcpy(d, src, n * sizeof *d);
    return d;
}

static nd_status check_input(const nd_input *in, size_t n, nd_error *err)
{
    char op = in->op ? in->op : '+';
    if (!strchr("+-*/=", op) || op == '\0')
        return nd_fail(err, ND_EINVAL, "input '%s': operation '%c' is not one of + - * / =", in->target, op);
    if (in->period < 0) return nd_fail(err, ND_EINVAL, "input '%s': period %ld must be >= 1", in->target, in->period);
    switch (in->type) {
    case ND_INPUT_FIX:
        if (!in->vector && !isfinite(in->value))
            return nd_fail(err, ND_EINVAL, "input '%s': value %g is not finite", in->target, in->value);
        for (size_t i = 0; in->vector && i < n; i++)
            if (!isfinite(in->vector[i])) return nd_fail(err, ND_EINVAL, "input '%s': vector[%zu] = %g is not finite", in->target, i, in->vector[i]);
        break;
    case ND_INPUT_ITER:
        if (!in->series || in->series_len == 0) return nd_fail(err, ND_EINVAL, "input '%s': an iter input needs a series", in->target);
        break;
    case ND_INPUT_FUNC:
        if (!in->func) return nd_fail(err, ND_EINVAL, "input '%s': a func input needs a function", in->target);
        break;
    default: return nd_fail(err, ND_EINVAL, "input '%s': unknown type %d", in->target, (int)in->type);
    }
    return ND_OK;
}

nd_status nd_net_add_input(nd_net *net, const nd_input *in, nd_error *err)
{
    if (!net || !in) return nd_fail(err, ND_EINVAL, "nd_net_add_input: network and input are required");
    const char *field;
    nd_group *g = net_find_group(net, in->target, &field, err);
    if (!g) return ND_EINVAL;
    input_rec r = {0};
    if (!(r.row = group_row(g, field, &r.par, err))) return ND_EINVAL;
    if (check_input(in, g->n, err)) return ND_EINVAL;
    snprintf(r.target, sizeof r.target, "%s", in->target);
    r.g = g, r.is_par = r.par >= 0, r.type = in->type, r.op = in->op ? in->op : '+';
    r.value = in->value, r.func = in->func, r.ctx = in->ctx, r.period = in->period ? in->period : 1;
    r.per_neuron = in->per_neuron, r.series_len = in->series_len;
    if (in->type == ND_INPUT_FIX && in->vector && !(r.vector = copy_doubles(in->vector, g->n)))
        return nd_fail(err, ND_ENOMEM, "out of memory copying input '%s'", in->target);
    if (in->type == ND_INPUT_ITER) {
        size_t len = in->series_len * (in->per_neuron ? g->n : 1);
        if (nd_check_alloc(len * sizeof(double), "the input series", err)) return ND_ENOMEM;
        if (!(r.series = copy_doubles(in->series, len))) return nd_fail(err, ND_ENOMEM, "out of memory copying input '%s'", in->target);
    }
    if (net_append((void **)&net->inputs, &net->n_inputs, sizeof r, &r)) {
        free(r.vector), free(r.series);
        return nd_fail(err, ND_ENOMEM, "out of memory adding input '%s'", in->target);
    }
    return ND_OK;
}

/* row = src op x, one loop per operation so each vectorises; src is the row itself, or the
 * base values when the first input of a step also does the reset. */
static void apply_op(double *row, const double *src, size_t n, char op, double v, const double *ND_RESTRICT vec)
{
#define APPLY(expr)                                                                                \
    do {                                                                                           \
        if (vec) {                                                                                 \
            _Pragma("omp simd") for (size_t i = 0; i < n; i++) { const double x = vec[i]; expr; } \
        } else {                                                                                   \
            const double x = v;                                                                    \
            _Pragma("omp simd") for (size_t i = 0; i < n; i++) { expr; }                          \
        }                                                                                          \
    } while (0)
    switch (op) {
    case '+': APPLY(row[i] = src[i] + x); break;
    case '-': APPLY(row[i] = src[i] - x); break;
    case '*': APPLY(row[i] = src[i] * x); break;
    case '/': APPLY(row[i] = src[i] / x); break;
    default: APPLY(row[i] = x); break;
    }
#undef APPLY
}

/* Every input row is reset to its base values, then the inputs apply in order. The reset is
 * folded into the first input on the row (base op x in one pass instead of a copy and a pass). */
static void run_inputs(nd_net *net, long step, double t)
{
    for (size_t k = 0; k < net->n_groups; k++) net->groups[k]->input_reset = 0;
    for (size_t k = 0; k < net->n_inputs; k++) {
        input_rec *r = &net->inputs[k];
        if (step % r->period || r->folded) continue;
        nd_group *g = r->g;
        const size_t n = g->n;
        const double *src = r->row;
        if (r->par >= 0 && r->par == g->input_par && !g->input_reset) src = g->input_base, g->input_reset = 1;
        if (r->type == ND_INPUT_FIX) apply_op(r->row, src, n, r->op, r->value, r->vector);
        else if (r->type == ND_INPUT_FUNC) apply_op(r->row, src, n, r->op, r->func(t, r->ctx), NULL);
        else {
            size_t at = (size_t)(step / r->period);
            if (r->per_neuron) apply_op(r->row, src, n, r->op, 0.0, r->series + at * n);
            else apply_op(r->row, src, n, r->op, r->series[at], NULL);
        }
        if (r->is_par && r->par != g->input_par) g->pars_dirty = 1;
    }
    for (size_t k = 0; k < net->n_groups; k++) {
        nd_group *g = net->groups[k];
        if (g->input_par >= 0 && !g->input_reset && !g->fold_input)
            memcpy(g->P + (size_t)g->input_par * g->n, g->input_base, g->n * sizeof(double));
    }
}

/* ---- monitors ------------------------------------------------------------------------------- */
/* "PROJ.g" (and "PROJ.h" of a dual-exponential synapse): a projection's conductance row. */
static const double *proj_row(nd_net *net, const char *target, size_t *n, nd_error *err)
{
    const char *dot = strchr(target, '.');
    for (size_t k = 0; dot && k < net->n_projs; k++) {
        nd_proj *p = net->projs[k];
        if (strlen(p->name) != (size_t)(dot - target) || strncmp(p->name, target, (size_t)(dot - target)) != 0) continue;
        const double *row = nd_proj_g(p, n);
        if (strcmp(dot + 1, "g") == 0) return row;
        if (strcmp(dot + 1, "h") == 0 && p->h) return *n = p->post->n, p->h;
        nd_fail(err, ND_EINVAL, "projection '%s' has no variable '%s' (names: g%s)", p->name, dot + 1, p->h ? ", h" : "");
        return NULL;
    }
    return NULL;
}

/* What a monitor reads: a group's row, a group's spike flags (row NULL) or a projection's row;
 * *n is the size of the source. */
static nd_status monitor_source(nd_net *net, const char *target, nd_monitor *m, size_t *n, nd_error *err)
{
    const char *field;
    nd_group *g = net_find_group(net, target, &field, NULL);
    if (!g) {
        nd_error perr = {0};
        if ((m->row = proj_row(net, target, n, &perr))) return ND_OK;
        if (perr.code) return err ? (*err = perr, perr.code) : perr.code;
        net_find_group(net, target, &field, err); /* the message lists the groups */
        return ND_EINVAL;
    }
    m->g = g, *n = g->n;
    int par;
    if (strcmp(field, "spike") == 0) return ND_OK;
    return (m->row = group_row(g, field, &par, err)) ? ND_OK : ND_EINVAL;
}

nd_status nd_net_add_monitor(nd_net *net, const char *target, const size_t *idx, size_t n_idx,
                             long period, nd_monitor **out, nd_error *err)
{
    if (out) *out = NULL;
    if (!net) return nd_fail(err, ND_EINVAL, "nd_net_add_monitor: no network");
    if (period < 1) return nd_fail(err, ND_EINVAL, "monitor '%s': period %ld must be >= 1", target ? target : "", period);
    nd_monitor *m = calloc(1, sizeof *m);
    if (!m) return nd_fail(err, ND_ENOMEM, "out of memory for monitor '%s'", target ? target : "");
    size_t n = 0;
    if (monitor_source(net, target, m, &n, err)) {
        monitor_free(m);
        return ND_EINVAL;
    }
    snprintf(m->target, sizeof m->target, "%s", target);
    m->period = period;
    m->cols = idx ? n_idx : n;
    m->idx = malloc((m->cols ? m->cols : 1) * sizeof *m->idx);
    m->want = calloc(n, 1);
    if (!m->idx || !m->want) {
        monitor_free(m);
        return nd_fail(err, ND_ENOMEM, "out of memory for monitor '%s'", target);
    }
    for (size_t c = 0; c < m->cols; c++) {
        m->idx[c] = idx ? idx[c] : c;
        if (m->idx[c] >= n) {
            nd_fail(err, ND_EINVAL, "monitor '%s': index %zu is outside the %zu values", target, m->idx[c], n);
            monitor_free(m);
            return ND_EINVAL;
        }
        m->want[m->idx[c]] = 1;
    }
    if (net_append((void **)&net->monitors, &net->n_monitors, sizeof m, &m)) {
        monitor_free(m);
        return nd_fail(err, ND_ENOMEM, "out of memory adding monitor '%s'", target);
    }
    if (out) *out = m;
    return ND_OK;
}

size_t nd_monitor_rows(const nd_monitor *m) { return m->rows; }
size_t nd_monitor_cols(const nd_monitor *m) { return m->cols; }
const double *nd_monitor_times(const nd_monitor *m) { return m->ts; }
const double *nd_monitor_data(const nd_monitor *m) { return m->data; }

size_t nd_monitor_spikes(const nd_monitor *m, const double **times, const uint32_t **ids)
{
    if (times) *times = m->sp_t;
    if (ids) *ids = m->sp_i;
    return m->n_sp;
}

/* Room for the records of the coming run, checked against the memory limit first. */
static nd_status monitor_reserve(nd_monitor *m, long step0, long nsteps, nd_error *err)
{
    if (!m->row) return ND_OK; /* spike events grow as they come */
    long first = (step0 + m->period - 1) / m->period, last = (step0 + nsteps - 1) / m->period;
    double want = (double)m->rows + (double)(nsteps > 0 ? last - first + 1 : 0);
    if (want <= (double)m->cap) return ND_OK;
    double bytes = want * (double)(m->cols + 1) * sizeof(double);
    if (bytes > (double)nd_memory_limit()) {
        return nd_fail(err, ND_ENOMEM,
                       "monitor '%s' would need %.4g MB (%.0f records x %zu neurons), more than the "
                       "limit of %.4g MB (half the physical memory, or $NEURODYN_MAX_BYTES)",
                       m->target, bytes / 1e6, want, m->cols, (double)nd_memory_limit() / 1e6);
    }
    size_t cap = (size_t)want;
    double *ts = realloc(m->ts, cap * sizeof *ts);
    if (ts) m->ts = ts;
    double *data = realloc(m->data, (cap * m->cols > 0 ? cap * m->cols : 1) * sizeof *data);
    if (data) m->data = data;
    if (!ts || !data) return nd_fail(err, ND_ENOMEM, "out of memory for monitor '%s' (%zu records)", m->target, cap);
    m->cap = cap;
    return ND_OK;
}

static int grow_spikes(nd_monitor *m)
{
    size_t cap = m->sp_cap ? 2 * m->sp_cap : 4096;
    if (nd_check_alloc(cap * (sizeof(double) + sizeof(uint32_t)), "spike monitor", NULL)) return 1;
    double *nt = realloc(m->sp_t, cap * sizeof *nt);
    if (nt) m->sp_t = nt;
    uint32_t *ni = realloc(m->sp_i, cap * sizeof *ni);
    if (ni) m->sp_i = ni;
    if (!nt || !ni) return 1;
    m->sp_cap = cap;
    return 0;
}

/* The group's spike ids of the step, those the monitor watches. */
static int record_spikes(nd_monitor *m, double t)
{
    const uint32_t *ids = m->g->spike_ids;
    for (size_t a = 0; a < m->g->n_spike_ids; a++) {
        if (!m->want[ids[a]]) continue;
        if (m->n_sp == m->sp_cap && grow_spikes(m)) return 1;
        m->sp_t[m->n_sp] = t, m->sp_i[m->n_sp] = ids[a];
        m->n_sp++;
    }
    return 0;
}

static int run_monitors(nd_net *net, long step, double t)
{
    for (size_t k = 0; k < net->n_monitors; k++) {
        nd_monitor *m = net->monitors[k];
        if (step % m->period) continue;
        if (!m->row) {
            if (record_spikes(m, t)) return 1;
            continue;
        }
        double *dst = m->data + m->rows * m->cols;
        for (size_t c = 0; c < m->cols; c++) dst[c] = m->row[m->idx[c]];
        m->ts[m->rows++] = t;
    }
    return 0;
}

/* ---- the loop -------------------------------------------------------------------------------- */
static nd_status check_iter_inputs(const nd_net *net, long nsteps, nd_error *err)
{
    for (size_t k = 0; k < net->n_inputs; k++) {
        const input_rec *r = &net->inputs[k];
        if (r->type != ND_INPUT_ITER || nsteps == 0) continue;
        long last = (net->step + nsteps - 1) / r->period;
        if ((size_t)last >= r->series_len)
            return nd_fail(err, ND_EINVAL, "input '%s' has %zu values but the run needs %ld (steps %ld..%ld)",
                           r->target, r->series_len, last + 1, net->step, net->step + nsteps - 1);
    }
    return ND_OK;
}

static void progress(const nd_net *net, long done, long total, int *shown)
{
    int pct = total ? (int)(100 * done / total) : 100;
    if (pct == *shown) return;
    *shown = pct;
    char bar[41];
    for (int i = 0; i < 40; i++) bar[i] = i < pct * 40 / 100 ? '#' : ' ';
    bar[40] = '\0';
    fprintf(stderr, "\r[%s] %3d%%  t = %.6g", bar, pct, nd_net_time(net));
    if (done == total) fputc('\n', stderr);
    fflush(stderr);
}

static nd_status one_step(nd_net *net, nd_error *err)
{
    const long step = net->step;
    const double t = (double)step * net->dt;
    for (int ph = 0; ph < 4; ph++) {
        switch (net->order[ph]) {
        case ND_PHASE_INPUTS: run_inputs(net, step, t); break;
        case ND_PHASE_PROJECTIONS:
            for (size_t k = 0; k < net->n_projs; k++) {
                nd_proj *p = net->projs[k];
                if (step % p->period == 0) proj_update(p, t, (double)p->period * net->dt);
            }
            break;
        case ND_PHASE_GROUPS:
            for (size_t k = 0; k < net->n_groups; k++) {
                nd_group *g = net->groups[k];
                if (step % g->period == 0 && group_update(g, step, t, (double)g->period * net->dt, err)) {
                    net->step++; /* the failed step happened: its state is what the message describes */
                    return ND_ENONFINITE;
                }
            }
            break;
        case ND_PHASE_MONITORS:
            if (run_monitors(net, step, t))
                return nd_fail(err, ND_ENOMEM, "a spike monitor ran out of memory at t = %g", t);
            break;
        }
    }
    for (size_t k = 0; k < net->n_callbacks; k++) {
        callback_rec *c = &net->callbacks[k];
        if (step % c->period == 0 && c->fn(net, step, t, c->ctx)) {
            net->step++;
            return nd_fail(err, ND_ESTOPPED, "a callback stopped the run at t = %g", t);
        }
    }
    net->step++;
    return ND_OK;
}

nd_status nd_net_run(nd_net *net, double duration, nd_error *err)
{
    if (!net) return nd_fail(err, ND_EINVAL, "nd_net_run: no network");
    if (!(duration >= 0.0) || !isfinite(duration))
        return nd_fail(err, ND_EINVAL, "run duration %g must be finite and >= 0", duration);
    double steps = nearbyint(duration / net->dt);
    if (steps > 1e15) return nd_fail(err, ND_EINVAL, "run duration %g is %.3g steps of %g: too many", duration, steps, net->dt);
    long nsteps = (long)steps;
    if (check_iter_inputs(net, nsteps, err)) return ND_EINVAL;
    for (size_t k = 0; k < net->n_monitors; k++)
        if (monitor_reserve(net->monitors[k], net->step, nsteps, err)) return ND_ENOMEM;
    /* parameters may have been written through nd_group_array since the last run */
    for (size_t k = 0; k < net->n_groups; k++) net->groups[k]->pars_dirty = 1;
    net_plan_fusion(net);
    int bar = net->progress == 1 || (net->progress < 0 && isatty(STDERR_FILENO)), shown = -1;
    for (long s = 0; s < nsteps; s++) {
        nd_status st = one_step(net, err);
        if (st) return st;
        if (bar) progress(net, s + 1, nsteps, &shown);
    }
    return ND_OK;
}

void nd_net_reset(nd_net *net)
{
    net->step = 0;
    for (size_t k = 0; k < net->n_groups; k++) group_reset(net->groups[k]);
    for (size_t k = 0; k < net->n_projs; k++) proj_reset(net->projs[k]);
    for (size_t k = 0; k < net->n_monitors; k++) net->monitors[k]->rows = 0, net->monitors[k]->n_sp = 0;
}
