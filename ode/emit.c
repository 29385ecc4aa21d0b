/* An .ode file as a neurodyn model file in C (ode_impl.h): the same text a user would write by
 * hand (docs/models.md) — ND_RHS, ND_KERNELS, the descriptor, ND_EXPORT_MODEL — so the cache,
 * the ensembles, the float lanes and the GPU build treat it as any other model file.
 *
 * Wiener variables become the diffusion term: the equations are one function of (t, x, p, w)
 * with w the white noises; the drift is it at w = 0 and the column of noise k its change when
 * w_k = 1 (exact, since expr.c checks that noise enters linearly). A `global 1 V-theta {...}`
 * event becomes the spike rule (threshold on V, reset by the assignments). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ode_impl.h"

static const ode_sym *nth(const ode_file *f, ode_kind kind, int index)
{
    for (size_t i = 0; i < f->n_syms; i++)
        if (f->syms[i].kind == kind && f->syms[i].index == index) return &f->syms[i];
    return NULL;
}

/* The C string literal of s (names are identifiers: nothing to escape). */
static void put_names(ode_buf *b, const ode_file *f, ode_kind kind, const char *array)
{
    ode_put(b, "static const char *const %s[] = {", array);
    for (int i = 0; i < f->n_of[kind]; i++) ode_put(b, "%s\"%s\"", i ? ", " : "", nth(f, kind, i)->name);
    ode_put(b, "};\n");
}

static void put_values(ode_buf *b, const ode_file *f, ode_kind kind, const char *array)
{
    ode_put(b, "static const double %s[] = {", array);
    for (int i = 0; i < f->n_of[kind]; i++) ode_put(b, "%s%.17g", i ? ", " : "", nth(f, kind, i)->value);
    ode_put(b, "};\n");
}

static nd_status translate(ode_expr_env *env, const ode_sym *self, const char *expr, ode_pos at,
                           ode_buf *b, nd_error *err)
{
    env->self = self;
    return ode_expr_c(env, expr, at, b, err);
}

/* ---- helpers: the built-ins that are not C functions ------------------------------------------ */
static void put_helpers(ode_buf *b, unsigned used)
{
    if (used & (ODE_H_RAN | ODE_H_NORMAL))
        ode_put(b, "#include \"neurodyn/noise.h\"\n"
                   "/* ran() and normal() draw from Philox keyed by the time and the call site: the\n"
                   " * right-hand side stays a function of (t, x, p), as integrators need. */\n"
                   "ND_FN uint64_t ode_time_bits(double t) { union { double d; uint64_t u; } c = {t}; return c.u; }\n");
    if (used & ODE_H_HEAV) ode_put(b, "ND_FN nd_real ode_heav(nd_real x) { return ND_SELECT(x >= 0, (nd_real)1, (nd_real)0); }\n");
    if (used & ODE_H_SIGN) ode_put(b, "ND_FN nd_real ode_sign(nd_real x) { return (nd_real)((x > 0) - (x < 0)); }\n");
    if (used & ODE_H_MOD) ode_put(b, "ND_FN nd_real ode_mod(nd_real a, nd_real b) { return a - b * floor(a / b); }\n");
    if (used & ODE_H_POW2) ode_put(b, "ND_FN nd_real ode_pow2(nd_real a) { return a * a; }\n");
    if (used & ODE_H_POW3) ode_put(b, "ND_FN nd_real ode_pow3(nd_real a) { return a * a * a; }\n");
    if (used & ODE_H_POW4) ode_put(b, "ND_FN nd_real ode_pow4(nd_real a) { return a * a * a * a; }\n");
    if (used & ODE_H_RAN)
        ode_put(b, "ND_FN nd_real ode_ran(double t, unsigned site, nd_real scale)\n{\n"
                   "    philox4x64_ctr_t c = {{ode_time_bits(t), site, 1, 0}};\n"
                   "    philox4x64_key_t k = {{0, ND_NOISE_KEY_TAG}};\n"
                   "    return scale * (nd_real)((double)(philox4x64(c, k).v[0] >> 11) * 0x1.0p-53);\n}\n");
    if (used & ODE_H_NORMAL)
        ode_put(b, "ND_FN nd_real ode_normal(double t, unsigned site, nd_real mean, nd_real sd)\n{\n"
                   "    double z;\n    nd_philox_normals(ode_time_bits(t), site, 2, 1, &z);\n"
                   "    return mean + sd * (nd_real)z;\n}\n");
}

/* Derived parameters, then user functions, as inline functions of p (nd_real: the float pass
 * too). */
static nd_status put_definitions(const ode_file *f, ode_buf *b, unsigned *helpers, nd_error *err)
{
    ode_buf body = {0};
    nd_status st = ND_OK;
    for (size_t j = 0; j < 2 * f->n_syms && !st; j++) { /* derived parameters first: functions use them */
        const ode_sym *s = &f->syms[j % f->n_syms];
        if (s->kind != (j < f->n_syms ? ODE_DERIVED : ODE_FUNC)) continue;
        ode_expr_env env = {.f = f, .ctx = s->kind == ODE_DERIVED ? ODE_IN_DERIVED : ODE_IN_FUNC};
        body.n = 0;
        if ((st = translate(&env, s, s->expr, s->expr_at, &body, err))) break;
        *helpers |= env.helpers;
        if (s->kind == ODE_DERIVED) {
            ode_put(b, "ND_FN nd_real ode_derived_%d(ND_UNUSED const nd_real *ND_RESTRICT p) { return %s; } /* !%s */\n",
                    s->index, body.s ? body.s : "0", s->name);
            continue;
        }
        ode_put(b, "ND_FN nd_real ode_fn_%d(ND_UNUSED const nd_real *ND_RESTRICT p", s->index);
        for (int a = 0; a < s->n_args; a++) ode_put(b, ", nd_real a%d", a);
        ode_put(b, ") { return %s; } /* %s */\n", body.s ? body.s : "0", s->name);
    }
    free(body.s);
    return st;
}

/* The fixed quantities, in order, as statements (the equations and the aux outputs use them). */
static nd_status put_fixed(const ode_file *f, ode_buf *b, unsigned *helpers, nd_error *err)
{
    nd_status st = ND_OK;
    for (size_t i = 0; i < f->n_syms && !st; i++) {
        ode_sym *s = &f->syms[i];
        if (s->kind != ODE_FIXED) continue;
        ode_expr_env env = {.f = f, .ctx = ODE_IN_RHS};
        ode_put(b, "    const nd_real f%d = ", s->index);
        st = translate(&env, s, s->expr, s->expr_at, b, err);
        s->noise_degree = env.noise_degree; /* a later use of it carries its noise */
        *helpers |= env.helpers;
        ode_put(b, "; /* %s */\n", s->name);
    }
    return st;
}

/* The equations, or the aux outputs: dest[k] = expression, one statement each. */
static nd_status put_assignments(const ode_file *f, ode_kind kind, const char *dest, ode_buf *b, unsigned *helpers,
                                 nd_error *err)
{
    nd_status st = ND_OK;
    for (int v = 0; v < f->n_of[kind] && !st; v++) {
        const ode_sym *s = nth(f, kind, v);
        ode_expr_env env = {.f = f, .ctx = kind == ODE_AUX ? ODE_IN_AUX : ODE_IN_RHS};
        ode_put(b, "    %s[%d] = ", dest, v);
        st = translate(&env, s, s->expr, s->expr_at, b, err);
        *helpers |= env.helpers;
        ode_put(b, "; /* %s%s */\n", s->name, kind == ODE_VAR ? "'" : "");
    }
    return st;
}

/* The aux outputs as a function of the state, with the fixed quantities it needs (white noise
 * at 0). The float pass, which keeps only its lanes, leaves it empty. */
static void put_aux(const ode_file *f, ode_buf *b, const char *fixed, const char *outputs)
{
    if (!f->n_of[ODE_AUX]) return;
    ode_put(b, "static void ode_aux(ND_UNUSED double t, ND_UNUSED const double *x, ND_UNUSED const double *p, double *out)\n{\n"
               "#ifndef ND_SINGLE_PASS\n");
    if (f->n_of[ODE_WIENER]) ode_put(b, "    const double w[%d] = {0};\n    (void)w;\n", f->n_of[ODE_WIENER]);
    ode_put(b, "%s%s#else\n    (void)out;\n#endif\n}\n", fixed, outputs);
}

/* ---- the spike rule from a global event ------------------------------------------------------ */
typedef struct spike_map {
    int var, threshold_par;
    double threshold;
} spike_map;

/* `global 1 V - theta {...}`: the only event neurodyn models (an upward threshold crossing of a
 * variable, with a reset). */
static nd_status spike_rule(const ode_file *f, spike_map *sp, nd_error *err)
{
    if (f->n_events > 1) return ode_fail(f, f->events[1].at, err, "only one global event (a threshold with its reset) is supported");
    const ode_event *e = &f->events[0];
    if (e->sign != 1) return ode_fail(f, e->at, err, "global: only upward crossings (direction 1) are supported");
    const char *s = e->cond;
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
    const ode_sym *v = n ? ode_find(f, s, n) : NULL;
    const char *minus = s + n;
    while (*minus == ' ' || *minus == '\t') minus++;
    if (!v || v->kind != ODE_VAR || *minus != '-')
        return ode_fail(f, e->cond_at, err, "global: the condition must be 'variable - threshold' (a spike rule), not '%s'", e->cond);
    const char *th = minus + 1;
    while (*th == ' ' || *th == '\t') th++;
    char *end;
    double value = strtod(th, &end);
    size_t tn = strspn(th, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
    const ode_sym *par = end == th && tn ? ode_find(f, th, tn) : NULL;
    const char *rest = end != th ? end : th + tn;
    while (*rest == ' ' || *rest == '\t') rest++;
    if (*rest || (end == th && (!par || (par->kind != ODE_PAR && par->kind != ODE_NUMBER))))
        return ode_fail(f, e->cond_at, err, "global: the threshold must be a parameter or a number, not '%s'", th);
    sp->var = v->index, sp->threshold_par = par && par->kind == ODE_PAR ? par->index : -1;
    sp->threshold = par && par->kind == ODE_NUMBER ? par->value : value;
    for (int k = 0; k < e->n_set; k++) {
        const ode_sym *t = ode_find(f, e->set_name[k], strlen(e->set_name[k]));
        if (!t || t->kind != ODE_VAR)
            return ode_fail(f, e->at, err, "global: '%s' is not a variable: only variables are reset", e->set_name[k]);
    }
    return ND_OK;
}

/* ND_RESET: every new value from the old state, then assigned (all at once). */
static nd_status put_reset(const ode_file *f, ode_buf *b, unsigned *helpers, nd_error *err)
{
    const ode_event *e = &f->events[0];
    ode_put(b, "ND_RESET(ode)\n{\n#ifndef ND_SINGLE_PASS /* the float pass keeps only its lanes */\n"
               "    const double t = 0;\n    (void)t;\n");
    nd_status st = ND_OK;
    for (int k = 0; k < e->n_set && !st; k++) {
        ode_expr_env env = {.f = f, .ctx = ODE_IN_RESET};
        ode_put(b, "    const double r%d = ", k);
        st = translate(&env, NULL, e->set_expr[k], e->cond_at, b, err);
        if (!st && env.noise_degree) st = ode_fail(f, e->at, err, "global: a reset cannot use a wiener variable");
        *helpers |= env.helpers;
        ode_put(b, ";\n");
    }
    for (int k = 0; k < e->n_set; k++)
        ode_put(b, "    x[%d] = r%d;\n", ode_find(f, e->set_name[k], strlen(e->set_name[k]))->index, k);
    ode_put(b, "#else\n    (void)x, (void)p;\n#endif\n}\n");
    return st;
}

/* ---- the whole file ------------------------------------------------------------------------- */
static void put_field(const ode_file *f, ode_buf *b, const char *equations)
{
    int m = f->n_of[ODE_WIENER];
    if (!m) {
        ode_put(b, "ND_RHS(ode)\n{\n%s}\n", equations);
        return;
    }
    ode_put(b, "/* the equations as a function of the white noises w */\n"
               "ND_FN void ode_field(ND_UNUSED double t, ND_UNUSED const nd_real *ND_RESTRICT x, "
               "ND_UNUSED const nd_real *ND_RESTRICT p,\n                    ND_UNUSED const nd_real *ND_RESTRICT w, "
               "nd_real *ND_RESTRICT dxdt)\n{\n%s}\n", equations);
    ode_put(b, "ND_RHS(ode)\n{\n    const nd_real w[%d] = {0};\n    ode_field(t, x, p, w, dxdt);\n}\n", m);
    ode_put(b, "ND_DIFFUSION(ode)\n{\n#ifndef ND_SINGLE_PASS /* the float pass keeps only its lanes */\n"
               "    double w[%d] = {0}, drift[%d], kick[%d];\n    ode_field(t, x, p, w, drift);\n"
               "    for (int k = 0; k < %d; k++) {\n        w[k] = 1;\n        ode_field(t, x, p, w, kick);\n        w[k] = 0;\n"
               "        for (int i = 0; i < %d; i++) g[i * %d + k] = kick[i] - drift[i];\n    }\n"
               "#else\n    (void)t, (void)x, (void)p, (void)g;\n#endif\n}\n",
            m, f->n_of[ODE_VAR], f->n_of[ODE_VAR], m, f->n_of[ODE_VAR], m);
}

/* A sensible box: XPPAUT's plot window when it shows the two variables of a planar model. */
static int put_box(const ode_file *f, ode_buf *b)
{
    if (f->n_of[ODE_VAR] != 2 || !(f->have_xlo && f->have_xhi && f->have_ylo && f->have_yhi)) return 0;
    const ode_sym *x = ode_find(f, f->xplot, strlen(f->xplot)), *y = ode_find(f, f->yplot, strlen(f->yplot));
    if (!x || !y || x->kind != ODE_VAR || y->kind != ODE_VAR || x == y || !(f->xlo < f->xhi && f->ylo < f->yhi)) return 0;
    double lo[2], hi[2];
    lo[x->index] = f->xlo, hi[x->index] = f->xhi, lo[y->index] = f->ylo, hi[y->index] = f->yhi;
    ode_put(b, "static const double var_lo[] = {%.17g, %.17g}, var_hi[] = {%.17g, %.17g};\n", lo[0], lo[1], hi[0], hi[1]);
    return 1;
}

/* The method for the model: XPPAUT's choice (statements.c maps it); a stochastic model keeps
 * it only where an SDE method of that name exists (euler; modified Euler is heun). */
static const char *ode_method(const ode_file *f)
{
    if (!f->method[0]) return NULL;
    if (!f->n_of[ODE_WIENER]) return f->method;
    if (strcmp(f->method, "euler") == 0) return "euler";
    if (strcmp(f->method, "heun2") == 0) return "heun";
    return NULL;
}

static void put_descriptor(const ode_file *f, ode_buf *b, const char *model_name, int box, int spike, const spike_map *sp)
{
    int nv = f->n_of[ODE_VAR], np = f->n_of[ODE_PAR], m = f->n_of[ODE_WIENER];
    put_names(b, f, ODE_VAR, "var_names");
    put_values(b, f, ODE_VAR, "init");
    if (f->n_of[ODE_AUX]) put_names(b, f, ODE_AUX, "aux_names");
    if (np) put_names(b, f, ODE_PAR, "par_names"), put_values(b, f, ODE_PAR, "par_defaults");
    if (spike)
        ode_put(b, "static const nd_spike_rule spike = {.var = %d, .threshold_par = %d, .threshold = %.17g, "
                   ".reset = ode_reset, .refractory_par = -1};\n", sp->var, sp->threshold_par, sp->threshold);
    ode_put(b, "static const nd_model ode_model = {\n    .name = \"%s\",\n    .title = \"XPPAUT model %s.ode\",\n", model_name,
            model_name);
    ode_put(b, "    .n_vars = %d,\n    .n_pars = %d,\n    .var_names = var_names,\n    .init = init,\n", nv, np);
    if (np) ode_put(b, "    .par_names = par_names,\n    .par_defaults = par_defaults,\n");
    if (box) ode_put(b, "    .var_lo = var_lo,\n    .var_hi = var_hi,\n");
    ode_put(b, "    .rhs = ode_rhs,\n");
    if (np) ode_put(b, "    .kernels = &ode_kernels,\n");
    if (m) ode_put(b, "    .diffusion = ode_diffusion,\n    .noise = %s,\n    .n_noise = %d,\n",
                   m == 1 ? "ND_NOISE_SCALAR" : "ND_NOISE_GENERAL", m);
    if (spike) ode_put(b, "    .spike = &spike,\n");
    if (f->n_of[ODE_AUX]) ode_put(b, "    .n_aux = %d,\n    .aux_names = aux_names,\n    .aux = ode_aux,\n", f->n_of[ODE_AUX]);
    const char *method = ode_method(f);
    if (method) ode_put(b, "    .method = \"%s\",\n", method);
    if (f->have_dt && f->dt > 0) ode_put(b, "    .dt = %.17g,\n", f->dt);
    if (f->have_total && f->total > 0) ode_put(b, "    .t_sim = %.17g,\n", f->total);
    if (np && f->have_parmin && f->have_parmax && f->parmin < f->parmax) /* AUTO's first parameter, its range */
        ode_put(b, "    .bif_par = \"%s\",\n    .bif_lo = %.17g,\n    .bif_hi = %.17g,\n", nth(f, ODE_PAR, 0)->name,
                f->parmin, f->parmax);
    ode_put(b, "};\nND_EXPORT_MODEL(ode_model)\n");
}

nd_status ode_emit(const ode_file *f, const char *model_name, ode_buf *out, nd_error *err)
{
    ode_buf defs = {0}, fixed = {0}, eqs = {0}, aux = {0};
    unsigned helpers = 0;
    spike_map sp = {0, -1, 0};
    nd_status st = put_definitions(f, &defs, &helpers, err);
    if (!st) st = put_fixed(f, &fixed, &helpers, err);
    if (!st) st = put_assignments(f, ODE_VAR, "dxdt", &eqs, &helpers, err);
    if (!st) st = put_assignments(f, ODE_AUX, "out", &aux, &helpers, err);
    if (!st && f->n_events) st = spike_rule(f, &sp, err);
    ode_buf reset = {0};
    if (!st && f->n_events) st = put_reset(f, &reset, &helpers, err);
    if (!st) {
        ode_put(out, "/* Generated by neurodyn from the XPPAUT file %s.ode: edit that file, not this one. */\n",
                model_name); /* the sanitised name: a path could close the comment */
        ode_put(out, "#include \"neurodyn/model.h\"\n\n");
        put_helpers(out, helpers);
        ode_put(out, "%s", defs.s ? defs.s : "");
        ode_buf body = {0};
        ode_put(&body, "%s%s", fixed.s ? fixed.s : "", eqs.s ? eqs.s : "");
        put_field(f, out, body.s ? body.s : "");
        free(body.s);
        put_aux(f, out, fixed.s ? fixed.s : "", aux.s ? aux.s : "");
        if (f->n_of[ODE_PAR]) ode_put(out, "ND_KERNELS(ode, %d, %d)\n", f->n_of[ODE_VAR], f->n_of[ODE_PAR]);
        ode_put(out, "%s", reset.s ? reset.s : "");
        int box = put_box(f, out);
        put_descriptor(f, out, model_name, box, f->n_events > 0, &sp);
        if (out->failed) st = nd_fail(err, ND_ENOMEM, "no memory to translate '%s'", f->path);
    }
    free(defs.s), free(fixed.s), free(eqs.s), free(aux.s), free(reset.s);
    return st;
}
