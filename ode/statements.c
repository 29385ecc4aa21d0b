/* One statement of an .ode file (ode_impl.h): what each line declares. Expressions are kept as
 * text here and translated once every name is known (emit.c), since XPPAUT lets an equation
 * name a variable declared further down. What XPPAUT has and neurodyn does not (tables, Markov
 * chains, delays, maps, Volterra integrals, boundary conditions, arrays, algebraic equations)
 * is refused with its line, column and name. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ode_impl.h"

static char *copy_of(const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (c) memcpy(c, s, n), c[n] = '\0';
    return c;
}

static size_t word_length(const char *s)
{
    size_t n = 0;
    if (!(isalpha((unsigned char)s[0]) || s[0] == '_')) return 0;
    while (isalnum((unsigned char)s[n]) || s[n] == '_') n++;
    return n;
}

static const char *skip_blanks(const char *s)
{
    while (isspace((unsigned char)*s)) s++;
    return s;
}

static ode_pos pos_of(ode_pos line_at, const char *line, const char *here)
{
    return (ode_pos){line_at.line, line_at.col + (int)(here - line)};
}

/* A new name of the given kind: valid, not taken, not t or pi. */
static nd_status add_sym(ode_file *f, const char *name, size_t n, ode_kind kind, ode_pos at, ode_sym **out,
                         nd_error *err)
{
    if (!n || word_length(name) != n) return ode_fail(f, at, err, "'%.*s' is not a valid name", (int)(n ? n : 1), name);
    if ((n == 1 && tolower((unsigned char)name[0]) == 't') || (n == 2 && strncasecmp(name, "pi", 2) == 0))
        return ode_fail(f, at, err, "'%.*s' is a built-in name (time or pi): choose another", (int)n, name);
    const ode_sym *old = ode_find(f, name, n);
    if (old) return ode_fail(f, at, err, "'%.*s' is already declared (line %d)", (int)n, name, old->at.line);
    if (f->n_syms == f->cap_syms) {
        size_t cap = f->cap_syms ? 2 * f->cap_syms : 32;
        ode_sym *grown = realloc(f->syms, cap * sizeof *grown);
        if (!grown) return nd_fail(err, ND_ENOMEM, "no memory to read '%s'", f->path);
        f->syms = grown, f->cap_syms = cap;
    }
    ode_sym *s = &f->syms[f->n_syms];
    memset(s, 0, sizeof *s);
    if (!(s->name = copy_of(name, n))) return nd_fail(err, ND_ENOMEM, "no memory to read '%s'", f->path);
    s->kind = kind, s->index = f->n_of[kind]++, s->at = at;
    f->n_syms++;
    *out = s;
    return ND_OK;
}

/* "= expr" after a name: the expression's text, which must not be empty. */
static nd_status definition(ode_file *f, ode_sym *s, const char *line, ode_pos at, const char *rest, nd_error *err)
{
    rest = skip_blanks(rest);
    if (*rest != '=') return ode_fail(f, pos_of(at, line, rest), err, "'=' expected after '%s'", s->name);
    rest = skip_blanks(rest + 1);
    if (!*rest) return ode_fail(f, pos_of(at, line, rest), err, "'%s' has no right-hand side", s->name);
    s->expr_at = pos_of(at, line, rest);
    if (!(s->expr = strdup(rest))) return nd_fail(err, ND_ENOMEM, "no memory to read '%s'", f->path);
    return ND_OK;
}

/* ---- lists: par a=1, b=2 c=3; number; init; wiener --------------------------------------------- */
typedef enum list_kind { LIST_PAR, LIST_NUMBER, LIST_INIT, LIST_WIENER } list_kind;

static nd_status add_init(ode_file *f, const char *name, size_t n, double v, ode_pos at, nd_error *err)
{
    ode_init *grown = realloc(f->inits, (f->n_inits + 1) * sizeof *grown);
    if (!grown) return nd_fail(err, ND_ENOMEM, "no memory to read '%s'", f->path);
    f->inits = grown;
    ode_init *i = &f->inits[f->n_inits];
    if (!(i->name = copy_of(name, n))) return nd_fail(err, ND_ENOMEM, "no memory to read '%s'", f->path);
    i->value = v, i->at = at;
    f->n_inits++;
    return ND_OK;
}

static nd_status list_item(ode_file *f, list_kind kind, const char *name, size_t n, double v, ode_pos at, nd_error *err)
{
    if (kind == LIST_INIT) return add_init(f, name, n, v, at, err);
    ode_sym *s;
    ode_kind k = kind == LIST_PAR ? ODE_PAR : kind == LIST_NUMBER ? ODE_NUMBER : ODE_WIENER;
    nd_status st = add_sym(f, name, n, k, at, &s, err);
    if (!st) s->value = v;
    return st;
}

static nd_status name_value_list(ode_file *f, list_kind kind, const char *line, ode_pos at, const char *s, nd_error *err)
{
    static const char *const what[] = {"par", "number", "init", "wiener"};
    int items = 0;
    for (s = skip_blanks(s); *s; s = skip_blanks(s)) {
        if (*s == ',') {
            s++;
            continue;
        }
        size_t n = word_length(s);
        if (!n) return ode_fail(f, pos_of(at, line, s), err, "%s: a name expected, not '%c'", what[kind], *s);
        if (s[n] == '[') return ode_fail(f, pos_of(at, line, s), err, "arrays ('%.*s[...]') are not supported", (int)n, s);
        const char *name = s, *after = skip_blanks(s + n);
        double v = 0;
        if (*after == '=' && kind != LIST_WIENER) {
            const char *num = skip_blanks(after + 1);
            char *end;
            v = strtod(num, &end);
            if (end == num || !isfinite(v) || !(*end == '\0' || *end == ',' || isspace((unsigned char)*end)))
                return ode_fail(f, pos_of(at, line, num), err, "%s %.*s: '%.*s' is not a number", what[kind], (int)n, name,
                                (int)strcspn(num, ", \t"), num);
            s = end;
        } else s = after;
        nd_status st = list_item(f, kind, name, n, v, pos_of(at, line, name), err);
        if (st) return st;
        items++;
    }
    return items ? ND_OK : ode_fail(f, at, err, "%s: nothing declared", what[kind]);
}

/* ---- @ options ------------------------------------------------------------------------------ */
/* XPPAUT's integration methods (@ meth=, full names, the first letters XPPAUT takes, or its
 * method numbers 0-14) and the nearest of neurodyn's (docs/ode.md). NULL: XPPAUT's method has no
 * counterpart. */
static const struct {
    const char *xpp, *ours;
} methods[] = {{"euler", "euler"},     {"e", "euler"},    {"modeuler", "heun2"}, {"m", "heun2"},
               {"rungekutta", "rk4"},  {"runge", "rk4"},  {"rk4", "rk4"},       {"rk", "rk4"},
               {"r", "rk4"},           {"adams", "rk4"},  {"a", "rk4"},         {"qualrk", "rkdp"},
               {"q", "rkdp"},          {"5dp", "rkdp"},   {"dp5", "rkdp"},      {"ymp", "rkdp"},
               {"83dp", "rk8pd"},      {"dp83", "rk8pd"}, {"gear", "msbdf"},    {"g", "msbdf"},
               {"cvode", "msbdf"},     {"c", "msbdf"},    {"stiff", "bsimp"},   {"s", "bsimp"},
               {"2rb", "bsimp"},       {"rb2", "bsimp"},  {"backeul", "bsimp"}, {"b", "bsimp"},
               {"discrete", NULL},     {"d", NULL},       {"volterra", NULL},   {"v", NULL},
               /* XPPAUT's method numbers (its METHOD values) */
               {"0", NULL},            {"1", "euler"},    {"2", "heun2"},       {"3", "rk4"},
               {"4", "rk4"},           {"5", "msbdf"},    {"6", NULL},          {"7", "bsimp"},
               {"8", "rkdp"},          {"9", "bsimp"},    {"10", "msbdf"},      {"11", "rkdp"},
               {"12", "rk8pd"},        {"13", "bsimp"},   {"14", "rkdp"}};

static nd_status method_option(ode_file *f, const char *val, size_t vn, ode_pos at, nd_error *err)
{
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (strlen(methods[i].xpp) == vn && strncasecmp(methods[i].xpp, val, vn) == 0) {
            if (!methods[i].ours)
                return ode_fail(f, at, err, "@ meth=%.*s: %s are not supported", (int)vn, val,
                                tolower((unsigned char)val[0]) == 'd' || val[0] == '0' ? "maps (discrete systems)"
                                                                                      : "Volterra integral equations");
            snprintf(f->method, sizeof f->method, "%s", methods[i].ours);
            return ND_OK;
        }
    return ode_fail(f, at, err, "@ meth=%.*s: not one of XPPAUT's methods (euler, modeuler, rungekutta, adams, gear, "
                    "qualrk, stiff, cvode, 5dp, 83dp, 2rb, backeul, ymp)", (int)vn, val);
}

static void option(ode_file *f, const char *key, size_t kn, const char *val, size_t vn)
{
    char v[64];
    snprintf(v, sizeof v, "%.*s", (int)(vn < 63 ? vn : 63), val);
    double x = strtod(v, NULL);
    struct {
        const char *key;
        double *to;
        int *have;
    } const numbers[] = {{"total", &f->total, &f->have_total},    {"dt", &f->dt, &f->have_dt},
                         {"parmin", &f->parmin, &f->have_parmin}, {"parmax", &f->parmax, &f->have_parmax},
                         {"xlo", &f->xlo, &f->have_xlo},          {"xhi", &f->xhi, &f->have_xhi},
                         {"ylo", &f->ylo, &f->have_ylo},          {"yhi", &f->yhi, &f->have_yhi}};
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        if (strlen(numbers[i].key) == kn && strncasecmp(numbers[i].key, key, kn) == 0 && isfinite(x))
            *numbers[i].to = x, *numbers[i].have = 1;
    if (kn == 2 && strncasecmp(key, "xp", 2) == 0) snprintf(f->xplot, sizeof f->xplot, "%s", v);
    if (kn == 2 && strncasecmp(key, "yp", 2) == 0) snprintf(f->yplot, sizeof f->yplot, "%s", v);
    /* the rest (display, AUTO's ntst/nmax/dsmax, storage) has no counterpart in a model */
}

static nd_status options(ode_file *f, const char *line, ode_pos at, const char *s, nd_error *err)
{
    for (s = skip_blanks(s); *s; s = skip_blanks(s)) {
        if (*s == ',') {
            s++;
            continue;
        }
        size_t kn = word_length(s);
        const char *eq = skip_blanks(s + kn);
        if (!kn || *eq != '=')
            return ode_fail(f, pos_of(at, line, s), err, "@ options are name=value, not '%.*s'", (int)strcspn(s, ", \t"), s);
        const char *val = skip_blanks(eq + 1);
        size_t vn = strcspn(val, ", \t");
        if ((kn == 4 && strncasecmp(s, "meth", 4) == 0) || (kn == 6 && strncasecmp(s, "method", 6) == 0)) {
            nd_status st = method_option(f, val, vn, pos_of(at, line, val), err);
            if (st) return st;
        }
        option(f, s, kn, val, vn);
        s = val + vn;
    }
    return ND_OK;
}

/* ---- global SIGN CONDITION {x = expr; y = expr} ------------------------------------------- */
static nd_status event(ode_file *f, const char *line, ode_pos at, const char *s, nd_error *err)
{
    s = skip_blanks(s);
    char *end;
    long sign = strtol(s, &end, 10);
    if (end == s || (sign != 1 && sign != -1 && sign != 0))
        return ode_fail(f, pos_of(at, line, s), err, "global: the direction must be 1, -1 or 0");
    const char *cond = skip_blanks(end), *open = strchr(cond, '{'), *close = open ? strchr(open, '}') : NULL;
    if (!open || !close) return ode_fail(f, pos_of(at, line, cond), err, "global: {name=expr; ...} expected after the condition");
    ode_event *grown = realloc(f->events, (f->n_events + 1) * sizeof *grown);
    if (!grown) return nd_fail(err, ND_ENOMEM, "no memory to read '%s'", f->path);
    f->events = grown;
    ode_event *e = &f->events[f->n_events++];
    memset(e, 0, sizeof *e);
    e->sign = (int)sign, e->at = at, e->cond_at = pos_of(at, line, cond);
    if (!(e->cond = copy_of(cond, (size_t)(open - cond)))) return nd_fail(err, ND_ENOMEM, "no memory");
    for (const char *a = open + 1; a < close;) {
        a = skip_blanks(a);
        if (a >= close) break;
        size_t len = strcspn(a, ";}");
        const char *eq = memchr(a, '=', len);
        size_t n = word_length(a);
        if (!n || !eq || skip_blanks(a + n) != eq)
            return ode_fail(f, pos_of(at, line, a), err, "global: 'name = expr' expected in the braces");
        char **names = realloc(e->set_name, (size_t)(e->n_set + 1) * sizeof *names);
        if (names) e->set_name = names;
        char **exprs = realloc(e->set_expr, (size_t)(e->n_set + 1) * sizeof *exprs);
        if (exprs) e->set_expr = exprs;
        if (!names || !exprs) return nd_fail(err, ND_ENOMEM, "no memory");
        e->set_name[e->n_set] = copy_of(a, n);
        e->set_expr[e->n_set] = copy_of(eq + 1, (size_t)(a + len - eq - 1));
        e->n_set++;
        if (!e->set_name[e->n_set - 1] || !e->set_expr[e->n_set - 1]) return nd_fail(err, ND_ENOMEM, "no memory");
        a += len + (a[len] == ';');
    }
    return ND_OK;
}

/* ---- keywords ------------------------------------------------------------------------------ */
typedef enum keyword { K_NONE, K_PAR, K_NUMBER, K_INIT, K_AUX, K_WIENER, K_GLOBAL, K_DONE, K_IGNORED, K_REFUSED } keyword;

static keyword keyword_of(const char *w, size_t n, const char **name)
{
    static const struct {
        const char *word;
        keyword k;
    } table[] = {{"par", K_PAR},          {"param", K_PAR},       {"parameter", K_PAR}, {"parameters", K_PAR},
                 {"p", K_PAR},            {"number", K_NUMBER},   {"num", K_NUMBER},    {"init", K_INIT},
                 {"i", K_INIT},           {"aux", K_AUX},         {"a", K_AUX},         {"wiener", K_WIENER},
                 {"w", K_WIENER},         {"global", K_GLOBAL},   {"g", K_GLOBAL},      {"done", K_DONE},
                 {"d", K_DONE},           {"set", K_IGNORED},     {"only", K_IGNORED},  {"option", K_IGNORED},
                 {"options", K_IGNORED},  {"table", K_REFUSED},   {"markov", K_REFUSED}, {"bdry", K_REFUSED},
                 {"b", K_REFUSED},        {"special", K_REFUSED}, {"export", K_REFUSED}, {"volterra", K_REFUSED},
                 {"include", K_REFUSED},  {"tab", K_REFUSED}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strlen(table[i].word) == n && strncasecmp(table[i].word, w, n) == 0) return *name = table[i].word, table[i].k;
    return K_NONE;
}

static nd_status keyword_statement(ode_file *f, keyword k, const char *kw, const char *line, ode_pos at,
                                   const char *rest, int *done, nd_error *err)
{
    ode_sym *s;
    nd_status st;
    switch (k) {
    case K_PAR: return name_value_list(f, LIST_PAR, line, at, rest, err);
    case K_NUMBER: return name_value_list(f, LIST_NUMBER, line, at, rest, err);
    case K_INIT: return name_value_list(f, LIST_INIT, line, at, rest, err);
    case K_WIENER: return name_value_list(f, LIST_WIENER, line, at, rest, err);
    case K_GLOBAL: return event(f, line, at, rest, err);
    case K_DONE: return *done = 1, ND_OK;
    case K_IGNORED: return ND_OK; /* named parameter sets, output selection: nothing to model */
    case K_REFUSED: return ode_fail(f, at, err, "'%s' is not supported by neurodyn", kw);
    case K_AUX: {
        rest = skip_blanks(rest);
        size_t n = word_length(rest);
        if ((st = add_sym(f, rest, n, ODE_AUX, pos_of(at, line, rest), &s, err))) return st;
        return definition(f, s, line, at, rest + n, err);
    }
    case K_NONE: break;
    }
    return ND_OK;
}

/* ---- equations and definitions ---------------------------------------------------------------- */
/* name(args) = expr: a function; name(0) = v: an initial value; name(t+1), name(t): refused. */
static nd_status with_parentheses(ode_file *f, const char *line, ode_pos at, const char *name, size_t n, nd_error *err)
{
    const char *open = name + n, *close = strchr(open, ')');
    if (!close) return ode_fail(f, pos_of(at, line, open), err, "')' expected");
    const char *inside = skip_blanks(open + 1);
    char *end;
    double zero = strtod(inside, &end);
    if (end != inside && zero == 0 && skip_blanks(end) == close) { /* x(0) = value */
        const char *v = skip_blanks(close + 1);
        if (*v != '=') return ode_fail(f, pos_of(at, line, v), err, "'=' expected");
        double x = strtod(skip_blanks(v + 1), &end);
        if (end == skip_blanks(v + 1) || *skip_blanks(end) || !isfinite(x))
            return ode_fail(f, pos_of(at, line, v + 1), err, "the initial value of '%.*s' must be a number", (int)n, name);
        return add_init(f, name, n, x, pos_of(at, line, name), err);
    }
    if (tolower((unsigned char)*inside) == 't' && word_length(inside) == 1)
        return ode_fail(f, pos_of(at, line, name), err, "%s ('%.*s(%.*s)') are not supported",
                        memchr(inside, '+', (size_t)(close - inside)) ? "maps (difference equations)" : "Volterra integral equations", (int)n, name,
                        (int)(close - inside), inside);
    ode_sym *s;
    nd_status st = add_sym(f, name, n, ODE_FUNC, pos_of(at, line, name), &s, err);
    for (const char *a = inside; !st && a < close;) {
        a = skip_blanks(a);
        size_t an = word_length(a);
        if (!an || s->n_args == ODE_MAX_ARGS)
            return ode_fail(f, pos_of(at, line, a), err, an ? "a function takes at most %d arguments" : "an argument name expected", ODE_MAX_ARGS);
        if (!(s->args[s->n_args++] = copy_of(a, an))) return nd_fail(err, ND_ENOMEM, "no memory");
        a = skip_blanks(a + an);
        if (*a == ',') a++;
        else if (a != close) return ode_fail(f, pos_of(at, line, a), err, "',' or ')' expected");
    }
    return st ? st : definition(f, s, line, at, close + 1, err);
}

static nd_status equation(ode_file *f, const char *line, ode_pos at, const char *s, nd_error *err)
{
    size_t n = word_length(s);
    if (!n) {
        if (s[0] == '0' && *skip_blanks(s + 1) == '=')
            return ode_fail(f, at, err, "algebraic equations ('0 = ...') are not supported");
        return ode_fail(f, at, err, "a declaration expected, not '%.20s'", s);
    }
    const char *after = s + n;
    if (*after == '[') return ode_fail(f, at, err, "arrays ('%.*s[...]') are not supported", (int)n, s);
    ode_sym *sym;
    nd_status st;
    if (*after == '\'') { /* x' = ... */
        if ((st = add_sym(f, s, n, ODE_VAR, at, &sym, err))) return st;
        return definition(f, sym, line, at, after + 1, err);
    }
    if (n >= 2 && (s[0] == 'd' || s[0] == 'D') && strncasecmp(skip_blanks(after), "/dt", 3) == 0) { /* dx/dt = ... */
        if ((st = add_sym(f, s + 1, n - 1, ODE_VAR, pos_of(at, line, s + 1), &sym, err))) return st;
        return definition(f, sym, line, at, skip_blanks(after) + 3, err);
    }
    if (*after == '(') return with_parentheses(f, line, at, s, n, err);
    if ((st = add_sym(f, s, n, ODE_FIXED, at, &sym, err))) return st; /* name = expr */
    return definition(f, sym, line, at, after, err);
}

nd_status ode_statement(ode_file *f, char *s, ode_pos at, int *done, nd_error *err)
{
    const char *line = s;
    if (*s == '@') return options(f, line, at, s + 1, err);
    if (*s == '!') { /* !name = expr: a derived parameter */
        const char *name = skip_blanks(s + 1);
        ode_sym *sym;
        nd_status st = add_sym(f, name, word_length(name), ODE_DERIVED, pos_of(at, line, name), &sym, err);
        return st ? st : definition(f, sym, line, at, name + word_length(name), err);
    }
    size_t n = word_length(s);
    const char *rest = skip_blanks(s + n), *kw = NULL;
    keyword k = n ? keyword_of(s, n, &kw) : K_NONE;
    /* a keyword is followed by a blank and a list, never by '=', a quote or '(' (p = 1 is a
     * fixed quantity named p, p' = ... an equation) */
    if (k != K_NONE && (k == K_DONE || isspace((unsigned char)s[n])) && *rest != '=' && *rest != '\'' && *rest != '(')
        return keyword_statement(f, k, kw, line, at, rest, done, err);
    if (k == K_DONE && !*rest) return *done = 1, ND_OK;
    return equation(f, line, at, s, err);
}

nd_status ode_resolve(ode_file *f, nd_error *err)
{
    for (size_t i = 0; i < f->n_inits; i++) {
        ode_init *in = &f->inits[i];
        ode_sym *s = ode_find(f, in->name, strlen(in->name));
        if (!s || s->kind != ODE_VAR)
            return ode_fail(f, in->at, err, "init: '%s' is not a variable (x' = ... declares one)", in->name);
        s->value = in->value;
    }
    return ND_OK;
}
