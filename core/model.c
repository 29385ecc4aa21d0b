/* Model descriptors: validation, names, parameter vectors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/core.h"

/* Writes "a, b, c" into buf (truncated with "..." when it does not fit). */
static void join_names(const char *const *names, size_t n, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", names[i]);
        if (w < 0 || (size_t)w >= len - used) {
            if (len > 4) strcpy(buf + len - 4, "...");
            return;
        }
        used += (size_t)w;
    }
}

static int find_name(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0) return (int)i;
    return -1;
}

static nd_status check_names(const char *model, const char *kind, const char *const *names,
                             size_t n, nd_error *err)
{
    if (n > 0 && !names) return nd_fail(err, ND_EINVAL, "model '%s': %s names missing", model, kind);
    for (size_t i = 0; i < n; i++) {
        if (!names[i] || !names[i][0])
            return nd_fail(err, ND_EINVAL, "model '%s': %s %zu has no name", model, kind, i);
        if (find_name(names, i, names[i]) >= 0)
            return nd_fail(err, ND_EINVAL, "model '%s': %s name '%s' is used twice", model, kind,
                           names[i]);
    }
    return ND_OK;
}

static nd_status check_spike_rule(const nd_model *m, nd_error *err)
{
    const nd_spike_rule *s = m->spike;
    if (!s) return ND_OK;
    if (s->var < 0 || (size_t)s->var >= m->n_vars)
        return nd_fail(err, ND_EINVAL, "model '%s': spike variable index %d is out of range 0..%zu",
                       m->name, s->var, m->n_vars - 1);
    if (s->threshold_par >= (int)m->n_pars || s->threshold_par < -1)
        return nd_fail(err, ND_EINVAL, "model '%s': spike threshold parameter index %d is out of range",
                       m->name, s->threshold_par);
    if (s->refractory_par >= (int)m->n_pars || s->refractory_par < -1)
        return nd_fail(err, ND_EINVAL, "model '%s': refractory parameter index %d is out of range",
                       m->name, s->refractory_par);
    return ND_OK;
}

nd_status nd_model_validate(const nd_model *m, nd_error *err)
{
    if (!m) return nd_fail(err, ND_EINVAL, "model is NULL");
    if (!m->name || !m->name[0]) return nd_fail(err, ND_EINVAL, "model has no name");
    const char *nm = m->name;
    if (m->n_vars == 0) return nd_fail(err, ND_EINVAL, "model '%s' has no variables (n_vars = 0)", nm);
    if (!m->rhs) return nd_fail(err, ND_EINVAL, "model '%s' has no right-hand side (rhs = NULL)", nm);
    if (m->n_pars > 0 && !m->par_defaults)
        return nd_fail(err, ND_EINVAL, "model '%s' has %zu parameters but no par_defaults", nm, m->n_pars);
    if (!m->init) return nd_fail(err, ND_EINVAL, "model '%s' has no initial state (init = NULL)", nm);
    nd_status st = check_names(nm, "variable", m->var_names, m->n_vars, err);
    if (st) return st;
    if ((st = check_names(nm, "parameter", m->par_names, m->n_pars, err))) return st;
    for (size_t i = 0; i < m->n_vars; i++)
        if (find_name(m->par_names, m->n_pars, m->var_names[i]) >= 0)
            return nd_fail(err, ND_EINVAL, "model '%s': '%s' is both a variable and a parameter", nm,
                           m->var_names[i]);
    if (m->kernels && (m->kernels->n_vars != m->n_vars || m->kernels->n_pars != m->n_pars))
        return nd_fail(err, ND_EINVAL,
                       "model '%s': ND_KERNELS was given %zu variables and %zu parameters but the "
                       "descriptor has %zu and %zu",
                       nm, m->kernels->n_vars, m->kernels->n_pars, m->n_vars, m->n_pars);
    if (m->noise == ND_NOISE_NONE && m->diffusion)
        return nd_fail(err, ND_EINVAL, "model '%s' has a diffusion term but noise = ND_NOISE_NONE: set .noise", nm);
    if (m->noise < ND_NOISE_NONE || m->noise > ND_NOISE_GENERAL)
        return nd_fail(err, ND_EINVAL, "model '%s': noise type %d is not one of nd_noise_type", nm, (int)m->noise);
    if (m->sde_kind != ND_ITO && m->sde_kind != ND_STRATONOVICH)
        return nd_fail(err, ND_EINVAL, "model '%s': sde_kind %d is neither ND_ITO nor ND_STRATONOVICH", nm, (int)m->sde_kind);
    if (m->noise != ND_NOISE_NONE && !m->diffusion)
        return nd_fail(err, ND_EINVAL, "model '%s' declares noise but has no diffusion term", nm);
    if (m->noise == ND_NOISE_GENERAL && m->n_noise == 0)
        return nd_fail(err, ND_EINVAL, "model '%s': general noise needs n_noise > 0", nm);
    if (m->n_aux && (!m->aux || !m->aux_names))
        return nd_fail(err, ND_EINVAL, "model '%s' has %zu aux outputs but no aux function or names", nm, m->n_aux);
    if (m->n_aux && (st = check_names(nm, "aux output", m->aux_names, m->n_aux, err))) return st;
    if (!(m->dt >= 0) || !isfinite(m->dt)) return nd_fail(err, ND_EINVAL, "model '%s': dt %g is not a step", nm, m->dt);
    return check_spike_rule(m, err);
}

int nd_model_var_index(const nd_model *m, const char *name, nd_error *err)
{
    int i = name ? find_name(m->var_names, m->n_vars, name) : -1;
    if (i < 0) {
        char list[600];
        join_names(m->var_names, m->n_vars, list, sizeof list);
        nd_fail(err, ND_EINVAL, "unknown variable '%s' of model %s (variables: %s)",
                name ? name : "(null)", m->name, list);
    }
    return i;
}

int nd_model_par_index(const nd_model *m, const char *name, nd_error *err)
{
    int i = name ? find_name(m->par_names, m->n_pars, name) : -1;
    if (i < 0) {
        char list[600];
        join_names(m->par_names, m->n_pars, list, sizeof list);
        nd_fail(err, ND_EINVAL, "unknown parameter '%s' of model %s (parameters: %s)",
                name ? name : "(null)", m->name, m->n_pars ? list : "none");
    }
    return i;
}

void nd_model_default_params(const nd_model *m, double *p)
{
    if (m->n_pars) memcpy(p, m->par_defaults, m->n_pars * sizeof *p);
}

void nd_model_default_state(const nd_model *m, double *x)
{
    memcpy(x, m->init, m->n_vars * sizeof *x);
}

nd_status nd_parse_double(const char *text, const char *what, double *out, nd_error *err)
{
    if (!text || !*text) return nd_fail(err, ND_EINVAL, "%s: empty value", what);
    char *end = NULL;
    double v = strtod(text, &end);
    if (*end != '\0' || end == text)
        return nd_fail(err, ND_EINVAL, "%s: '%s' is not a number", what, text);
    /* ERANGE also flags underflow (1e-308, 1e-400): those are valid small numbers, so only an
     * overflow to infinity, or "inf"/"nan" themselves, is refused */
    if (!isfinite(v)) return nd_fail(err, ND_EINVAL, "%s: '%s' is not a finite number", what, text);
    *out = v;
    return ND_OK;
}

/* Splits "NAME=VALUE": returns the index of '=' or -1. */
static int split_assignment(const char *s)
{
    const char *eq = strchr(s, '=');
    return eq && eq != s ? (int)(eq - s) : -1;
}

static nd_status set_named(const nd_model *m, double *vec, const char *assignment, int is_par,
                           nd_error *err)
{
    const char *kind = is_par ? "parameter" : "initial value";
    if (!assignment) return nd_fail(err, ND_EINVAL, "%s assignment is NULL", kind);
    int k = split_assignment(assignment);
    if (k < 0) return nd_fail(err, ND_EINVAL, "%s '%s' is not of the form NAME=VALUE", kind, assignment);
    char name[256];
    if ((size_t)k >= sizeof name) return nd_fail(err, ND_EINVAL, "%s name too long in '%s'", kind, assignment);
    memcpy(name, assignment, (size_t)k);
    name[k] = '\0';
    int idx = is_par ? nd_model_par_index(m, name, err) : nd_model_var_index(m, name, err);
    if (idx < 0) return ND_EINVAL;
    return nd_parse_double(assignment + k + 1, name, &vec[idx], err);
}

nd_status nd_model_set_par(const nd_model *m, double *p, const char *assignment, nd_error *err)
{
    return set_named(m, p, assignment, 1, err);
}

nd_status nd_model_set_var(const nd_model *m, double *x, const char *assignment, nd_error *err)
{
    return set_named(m, x, assignment, 0, err);
}

const char *nd_model_par_label(const nd_model *m, size_t k, char *buf, size_t len)
{
    const char *unit = m->par_units && k < m->n_pars ? m->par_units[k] : NULL;
    if (unit && unit[0]) snprintf(buf, len, "%s (%s)", m->par_names[k], unit);
    else snprintf(buf, len, "%s", m->par_names[k]);
    return buf;
}

const char *nd_model_var_label(const nd_model *m, size_t v, char *buf, size_t len)
{
    const char *unit = m->var_units && v < m->n_vars ? m->var_units[v] : NULL;
    if (unit && unit[0]) snprintf(buf, len, "%s (%s)", m->var_names[v], unit);
    else snprintf(buf, len, "%s", m->var_names[v]);
    return buf;
}
