/* XPPAUT expressions into C (ode_impl.h). A recursive-descent parser that writes C as it reads:
 *
 *   or   := and { '|' and }            and  := cmp { '&' cmp }
 *   cmp  := sum [ (< <= > >= == !=) sum ]
 *   sum  := prod { (+ -) prod }        prod := unary { (* /) unary }
 *   unary:= (+ -) unary | power        power:= atom [ (^ **) unary ]   (right-associative)
 *   atom := number | name | name '(' args ')' | '(' or ')' | if(or)then(or)else(or)
 *
 * so -2^2 is -4, as in XPPAUT. Numbers are written as doubles (1/3 is a third, not 0),
 * comparisons and logic give 1 or 0, and small integer powers are products in the order C
 * code writes them (v^3 is v*v*v), so a translated model computes what the same model written
 * in C computes. Each subexpression carries its degree in the wiener variables: noise must
 * enter linearly (g dW), which is checked here. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ode_impl.h"

void ode_put(ode_buf *b, const char *fmt, ...)
{
    if (b->failed) return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0) {
        b->failed = 1;
        return;
    }
    if (b->n + (size_t)k + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->n + (size_t)k + 1) cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->failed = 1;
            return;
        }
        b->s = s, b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
    va_end(ap);
    b->n += (size_t)k;
}

typedef struct parser {
    ode_expr_env *env;
    const char *text, *s; /* the whole expression, and where the parser is */
    ode_pos pos;          /* of text[0] */
    ode_buf *out;
    nd_error *err;
    nd_status st;
} parser;

#define NONLINEAR 2 /* a degree: wiener variables not entering linearly */

static int fail(parser *p, const char *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(parser *p, const char *at, const char *fmt, ...)
{
    if (p->st) return -1;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ode_pos where = {p->pos.line, p->pos.col + (int)(at - p->text)};
    p->st = ode_fail(p->env->f, where, p->err, "%s", msg);
    return -1;
}

static void skip(parser *p)
{
    while (isspace((unsigned char)*p->s)) p->s++;
}

/* Consumes the operator op if it is next. */
static int accept(parser *p, const char *op)
{
    skip(p);
    size_t n = strlen(op);
    if (strncmp(p->s, op, n) != 0) return 0;
    p->s += n;
    return 1;
}

static size_t name_length(const char *s)
{
    size_t n = 0;
    if (!(isalpha((unsigned char)s[0]) || s[0] == '_')) return 0;
    while (isalnum((unsigned char)s[n]) || s[n] == '_') n++;
    return n;
}

static int expr_or(parser *p);

/* ---- the degree in the wiener variables ----------------------------------------------------- */
static int sum_degree(int a, int b) { return a > b ? a : b; }
static int product_degree(int a, int b) { return a + b > 1 ? NONLINEAR : a + b; }
/* Through a function, a power or a comparison noise stays linear only if absent. */
static int through(int a) { return a ? NONLINEAR : 0; }

/* ---- atoms ---------------------------------------------------------------------------------- */
static int number(parser *p)
{
    char *end;
    const char *start = p->s;
    double v = strtod(start, &end);
    if (end == start || !isfinite(v)) return fail(p, start, "'%.*s' is not a number", (int)(end - start + 1), start);
    /* as a C double literal: the digits as written, with a point or exponent so that 1/3 stays
     * a division of doubles */
    int has_dot = memchr(start, '.', (size_t)(end - start)) || memchr(start, 'e', (size_t)(end - start)) ||
                  memchr(start, 'E', (size_t)(end - start));
    ode_put(p->out, "%.*s%s", (int)(end - start), start, has_dot ? "" : ".0");
    p->s = end;
    return 0;
}

/* Arguments of a call: n expressions separated by commas, up to ')'. */
static int call_args(parser *p, const char *fname, const char *at, int want, int *degree)
{
    *degree = 0;
    if (!accept(p, "(")) return fail(p, at, "'%s' needs its arguments in parentheses", fname);
    for (int i = 0; i < want; i++) {
        if (i && !accept(p, ",")) {
            skip(p);
            return fail(p, p->s, "'%s' takes %d arguments", fname, want);
        }
        if (i) ode_put(p->out, ", ");
        int d = expr_or(p);
        if (d < 0) return -1;
        *degree = sum_degree(*degree, d);
    }
    if (!accept(p, ")")) {
        skip(p);
        return fail(p, p->s, "'%s' takes %d argument%s", fname, want, want == 1 ? "" : "s");
    }
    return 0;
}

/* XPPAUT's built-in functions: name, arguments, the C to call. */
typedef struct builtin {
    const char *name;
    int n_args;
    const char *c; /* the C function, or NULL for the special forms below */
    unsigned helper;
} builtin;

static const builtin builtins[] = {
    {"exp", 1, "exp", 0},       {"ln", 1, "log", 0},        {"log", 1, "log", 0},      {"log10", 1, "log10", 0},
    {"sqrt", 1, "sqrt", 0},     {"sin", 1, "sin", 0},       {"cos", 1, "cos", 0},      {"tan", 1, "tan", 0},
    {"asin", 1, "asin", 0},     {"acos", 1, "acos", 0},     {"atan", 1, "atan", 0},    {"sinh", 1, "sinh", 0},
    {"cosh", 1, "cosh", 0},     {"tanh", 1, "tanh", 0},     {"abs", 1, "fabs", 0},     {"atan2", 2, "atan2", 0},
    {"max", 2, "fmax", 0},      {"min", 2, "fmin", 0},      {"flr", 1, "floor", 0},    {"erf", 1, "erf", 0},
    {"erfc", 1, "erfc", 0},     {"heav", 1, "ode_heav", ODE_H_HEAV}, {"sign", 1, "ode_sign", ODE_H_SIGN},
    {"mod", 2, "ode_mod", ODE_H_MOD}, {"ran", 1, "ode_ran", ODE_H_RAN}, {"normal", 2, "ode_normal", ODE_H_NORMAL},
    {"not", 1, NULL, 0},        {"if", 0, NULL, 0},
};

/* Constructs of XPPAUT this translator refuses, by name: a clear message, never a guess. */
static const char *const unsupported_calls[] = {"delay", "del_shft", "shift", "sum", "besselj", "bessely", "besseli",
                                                 "besselk", "gamma", "lgamma", "poidev", "hom_bcs", "tabular",
                                                 "int", "volterra", "any"};

static const builtin *find_builtin(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (strlen(builtins[i].name) == n && strncasecmp(builtins[i].name, s, n) == 0) return &builtins[i];
    return NULL;
}

static int is_unsupported_call(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof unsupported_calls / sizeof unsupported_calls[0]; i++)
        if (strlen(unsupported_calls[i]) == n && strncasecmp(unsupported_calls[i], s, n) == 0) return 1;
    return 0;
}

/* if(c)then(a)else(b): ND_SELECT (model.h), a select without a branch, so that a lane that
 * also calls exp still vectorises; both sides are evaluated. */
static int if_then_else(parser *p, const char *at)
{
    int d[3];
    const char *const words[] = {NULL, "then", "else"};
    ode_put(p->out, "ND_SELECT((");
    for (int i = 0; i < 3; i++) {
        if (words[i]) {
            skip(p);
            if (strncasecmp(p->s, words[i], 4) != 0) return fail(p, p->s, "if(...) needs %s(...) here", words[i]);
            p->s += 4;
            ode_put(p->out, i == 1 ? ") != 0, (" : "), (");
        }
        if (!accept(p, "(")) {
            skip(p);
            return fail(p, p->s, "if(...)then(...)else(...): '(' expected");
        }
        if ((d[i] = expr_or(p)) < 0) return -1;
        if (!accept(p, ")")) {
            skip(p);
            return fail(p, p->s, "if(...)then(...)else(...): ')' expected");
        }
    }
    (void)at;
    ode_put(p->out, "))");
    return sum_degree(through(d[0]), sum_degree(d[1], d[2]) ? NONLINEAR : 0);
}

static int call_builtin(parser *p, const builtin *b, const char *at)
{
    int degree = 0;
    if (strcmp(b->name, "if") == 0) return if_then_else(p, at);
    if (strcmp(b->name, "not") == 0) {
        ode_put(p->out, "(nd_real)(0 == (");
        if (call_args(p, "not", at, 1, &degree)) return -1;
        ode_put(p->out, "))");
        return through(degree);
    }
    int random = b->helper == ODE_H_RAN || b->helper == ODE_H_NORMAL;
    if (random && (p->env->ctx == ODE_IN_DERIVED || p->env->ctx == ODE_IN_FUNC))
        return fail(p, at, "'%s(...)' draws a random number: use it in an equation, not in a %s", b->name,
                    p->env->ctx == ODE_IN_FUNC ? "function" : "derived parameter");
    p->env->helpers |= b->helper;
    ode_put(p->out, "%s(", b->c);
    if (random) ode_put(p->out, "t, %dU, ", (int)(at - p->text) + 1000 * p->pos.line); /* the call site */
    if (call_args(p, b->name, at, b->n_args, &degree)) return -1;
    ode_put(p->out, ")");
    return through(degree);
}

/* A call of a function defined in the file. */
static int call_user(parser *p, const ode_sym *fn, const char *at)
{
    if (p->env->ctx == ODE_IN_DERIVED)
        return fail(p, at, "a derived parameter cannot call the function '%s': write its expression", fn->name);
    if (p->env->self && p->env->self->kind == ODE_FUNC && fn->index >= p->env->self->index)
        return fail(p, at, "function '%s' is used before it is defined (or calls itself)", fn->name);
    ode_put(p->out, "ode_fn_%d(p", fn->index);
    int degree = 0;
    if (fn->n_args == 0) {
        if (!accept(p, "(") || !accept(p, ")")) return fail(p, at, "'%s' takes no arguments: write %s()", fn->name, fn->name);
    } else {
        ode_put(p->out, ", ");
        if (call_args(p, fn->name, at, fn->n_args, &degree)) return -1;
        ode_put(p->out, ")");
        return through(degree);
    }
    ode_put(p->out, ")");
    return 0;
}

/* Whether the name is an argument of the function being defined: then its C name. */
static int function_argument(const parser *p, const char *s, size_t n)
{
    const ode_sym *self = p->env->self;
    if (!self || self->kind != ODE_FUNC) return -1;
    for (int i = 0; i < self->n_args; i++)
        if (strlen(self->args[i]) == n && strncasecmp(self->args[i], s, n) == 0) return i;
    return -1;
}

/* A name that is not a call: a variable, parameter, number, derived or fixed quantity, t, pi. */
static int plain_name(parser *p, const char *at, size_t n)
{
    int arg = function_argument(p, at, n);
    if (arg >= 0) return ode_put(p->out, "a%d", arg), 0;
    const ode_sym *s = ode_find(p->env->f, at, n);
    ode_context ctx = p->env->ctx;
    if (!s) {
        if (n == 1 && (at[0] == 't' || at[0] == 'T')) {
            if (ctx == ODE_IN_DERIVED || ctx == ODE_IN_FUNC) return fail(p, at, "time 't' cannot be used here");
            return ode_put(p->out, "t"), 0;
        }
        if (n == 2 && strncasecmp(at, "pi", 2) == 0) return ode_put(p->out, "3.14159265358979323846"), 0;
        return fail(p, at, "unknown name '%.*s'", (int)n, at);
    }
    const ode_sym *self = p->env->self;
    switch (s->kind) {
    case ODE_PAR: return ode_put(p->out, "p[%d]", s->index), 0;
    case ODE_NUMBER: return ode_put(p->out, "%.17g", s->value), 0;
    case ODE_DERIVED:
        if (ctx == ODE_IN_DERIVED && self && s->index >= self->index)
            return fail(p, at, "'%s' is used before it is defined", s->name);
        return ode_put(p->out, "ode_derived_%d(p)", s->index), 0;
    case ODE_VAR:
        if (ctx == ODE_IN_DERIVED || ctx == ODE_IN_FUNC)
            return fail(p, at, "variable '%s' cannot be used in a %s", s->name, ctx == ODE_IN_FUNC ? "function (pass it as an argument)" : "derived parameter");
        return ode_put(p->out, "x[%d]", s->index), 0;
    case ODE_FIXED:
        if (ctx == ODE_IN_RESET) return fail(p, at, "a reset cannot use the fixed quantity '%s': write its expression", s->name);
        if (ctx == ODE_IN_DERIVED || ctx == ODE_IN_FUNC)
            return fail(p, at, "'%s' cannot be used in a %s", s->name, ctx == ODE_IN_FUNC ? "function (pass it as an argument)" : "derived parameter");
        if (self && self->kind == ODE_FIXED && s->index >= self->index)
            return fail(p, at, "'%s' is used before it is defined (fixed quantities are computed in order)", s->name);
        ode_put(p->out, "f%d", s->index);
        return s->noise_degree;
    case ODE_WIENER:
        if (ctx != ODE_IN_RHS && ctx != ODE_IN_AUX) return fail(p, at, "wiener variable '%s' cannot be used here", s->name);
        ode_put(p->out, "w[%d]", s->index);
        return 1;
    case ODE_AUX: return fail(p, at, "auxiliary quantity '%s' is an output: the equations cannot use it", s->name);
    case ODE_FUNC: return fail(p, at, "function '%s' needs its arguments: %s(...)", s->name, s->name);
    }
    return fail(p, at, "'%.*s' cannot be used here", (int)n, at);
}

static int atom(parser *p)
{
    skip(p);
    const char *at = p->s;
    if (*at == '(') {
        p->s++;
        ode_put(p->out, "(");
        int d = expr_or(p);
        if (d < 0) return -1;
        if (!accept(p, ")")) {
            skip(p);
            return fail(p, p->s, "')' expected");
        }
        ode_put(p->out, ")");
        return d;
    }
    if (isdigit((unsigned char)*at) || (*at == '.' && isdigit((unsigned char)at[1]))) return number(p);
    size_t n = name_length(at);
    if (!n) return *at ? fail(p, at, "unexpected '%c'", *at) : fail(p, at, "the expression ends too early");
    if (at[n] == '[') return fail(p, at, "arrays ('%.*s[...]') are not supported", (int)n, at);
    p->s += n;
    skip(p);
    if (*p->s != '(') return plain_name(p, at, n);
    const ode_sym *fn = ode_find(p->env->f, at, n);
    if (fn && fn->kind == ODE_FUNC) return call_user(p, fn, at);
    const builtin *b = find_builtin(at, n);
    if (b) return call_builtin(p, b, at);
    if (is_unsupported_call(at, n)) return fail(p, at, "'%.*s(...)' is not supported", (int)n, at);
    if (fn) return fail(p, at, "'%s' is not a function", fn->name);
    return fail(p, at, "unknown function '%.*s'", (int)n, at);
}

/* ---- operators ------------------------------------------------------------------------------ */
static int unary(parser *p);

/* base^k for k = 2, 3, 4 written as a product (ode_pow2..4: x*x*x, in C's order). */
static int small_integer_power(parser *p, const char *exp_start, size_t base_at)
{
    const char *s = exp_start;
    while (isspace((unsigned char)*s)) s++;
    if (!(s[0] >= '2' && s[0] <= '4')) return 0;
    const char *e = s + 1;
    while (isspace((unsigned char)*e)) e++;
    if (isalnum((unsigned char)*e) || *e == '.' || *e == '(' || *e == '^' || (*e == '*' && e[1] == '*')) return 0;
    int k = s[0] - '0';
    p->env->helpers |= k == 2 ? ODE_H_POW2 : k == 3 ? ODE_H_POW3 : ODE_H_POW4;
    char head[16];
    int hn = snprintf(head, sizeof head, "ode_pow%d(", k);
    ode_put(p->out, "%s", head); /* make room, then move the base to after the head */
    if (p->out->failed) return -1;
    memmove(p->out->s + base_at + hn, p->out->s + base_at, p->out->n - base_at - (size_t)hn);
    memcpy(p->out->s + base_at, head, (size_t)hn);
    ode_put(p->out, ")");
    p->s = e;
    return 1;
}

static int power(parser *p)
{
    size_t base_at = p->out->n;
    int d = atom(p);
    if (d < 0) return -1;
    skip(p);
    int caret = *p->s == '^', stars = p->s[0] == '*' && p->s[1] == '*';
    if (!caret && !stars) return d;
    p->s += caret ? 1 : 2;
    int done = small_integer_power(p, p->s, base_at);
    if (done < 0) return -1;
    if (done) return through(d);
    ode_put(p->out, ", ");
    /* pow(base, exponent): insert "pow(" before the base */
    ode_put(p->out, "%s", "pow(");
    if (p->out->failed) return -1;
    size_t tail = p->out->n - base_at - 4;
    memmove(p->out->s + base_at + 4, p->out->s + base_at, tail);
    memcpy(p->out->s + base_at, "pow(", 4);
    int e = unary(p);
    if (e < 0) return -1;
    ode_put(p->out, ")");
    return through(sum_degree(d, e));
}

static int unary(parser *p)
{
    skip(p);
    if (*p->s == '-' || *p->s == '+') {
        char op = *p->s++;
        ode_put(p->out, "%c", op);
        return unary(p);
    }
    return power(p);
}

static int product(parser *p)
{
    int d = unary(p);
    for (;;) {
        if (d < 0) return -1;
        skip(p);
        char op = *p->s;
        if (!(op == '*' || op == '/') || p->s[1] == '*') return d;
        p->s++;
        ode_put(p->out, " %c ", op);
        int e = unary(p);
        if (e < 0) return -1;
        d = op == '*' ? product_degree(d, e) : e ? NONLINEAR : d;
    }
}

static int sum(parser *p)
{
    int d = product(p);
    for (;;) {
        if (d < 0) return -1;
        skip(p);
        char op = *p->s;
        if (op != '+' && op != '-') return d;
        p->s++;
        ode_put(p->out, " %c ", op);
        int e = product(p);
        if (e < 0) return -1;
        d = sum_degree(d, e);
    }
}

/* Inserts prefix at out[start] and appends suffix: the parser writes an operand before it
 * knows that an operator will need it wrapped. */
static int wrap(parser *p, size_t start, const char *prefix, const char *suffix)
{
    size_t k = strlen(prefix);
    ode_put(p->out, "%s", prefix);
    if (p->out->failed) return -1;
    memmove(p->out->s + start + k, p->out->s + start, p->out->n - start - k);
    memcpy(p->out->s + start, prefix, k);
    ode_put(p->out, "%s", suffix);
    return 0;
}

static int comparison(parser *p)
{
    size_t start = p->out->n;
    int d = sum(p);
    if (d < 0) return -1;
    static const char *const ops[] = {"<=", ">=", "==", "!=", "<", ">"};
    skip(p);
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strncmp(p->s, ops[i], strlen(ops[i])) == 0) {
            p->s += strlen(ops[i]);
            ode_put(p->out, " %s ", ops[i]);
            int e = sum(p);
            if (e < 0) return -1;
            if (wrap(p, start, "(nd_real)(", ")")) return -1; /* (nd_real)(a < b): 1 or 0 as a number */
            return through(sum_degree(d, e));
        }
    return d;
}

/* a & b, a | b: 1 or 0, as ((a != 0) & (b != 0)): no short circuit, so no branch in a lane */
static int logic(parser *p, int level)
{
    size_t start = p->out->n;
    int d = level ? comparison(p) : logic(p, 1);
    const char op = level ? '&' : '|';
    int joined = 0;
    for (;;) {
        if (d < 0) return -1;
        skip(p);
        if (*p->s != op) break;
        p->s++;
        if (p->s[0] == op) p->s++; /* && and || too */
        if (!joined && wrap(p, start, "((", ") != 0)")) return -1;
        ode_put(p->out, " %c ((", op);
        int e = level ? comparison(p) : logic(p, 1);
        if (e < 0) return -1;
        ode_put(p->out, ") != 0)");
        d = through(sum_degree(d, e)), joined = 1;
    }
    if (joined && wrap(p, start, "(nd_real)(", ")")) return -1;
    return d;
}

static int expr_or(parser *p) { return logic(p, 0); }

nd_status ode_expr_c(ode_expr_env *env, const char *expr, ode_pos pos, ode_buf *b, nd_error *err)
{
    parser p = {.env = env, .text = expr, .s = expr, .pos = pos, .out = b, .err = err, .st = ND_OK};
    int d = expr_or(&p);
    if (d >= 0) {
        skip(&p);
        if (*p.s) d = fail(&p, p.s, "unexpected '%c' after the expression", *p.s);
    }
    if (d == NONLINEAR)
        d = fail(&p, expr, "the noise (wiener variables) must enter linearly, as in  x' = f + sigma*w");
    if (b->failed && !p.st) p.st = nd_fail(err, ND_ENOMEM, "no memory to translate '%s'", env->f->path);
    env->noise_degree = d > 0 ? d : 0;
    return p.st;
}
