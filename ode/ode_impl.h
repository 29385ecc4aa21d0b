/* XPPAUT .ode files as models: the parts shared by the reader (source.c, statements.c), the
 * expression translator (expr.c) and the C writer (emit.c). Library-private. */
#ifndef ND_ODE_IMPL_H
#define ND_ODE_IMPL_H

#include <stddef.h>

#include "neurodyn/error.h"

/* Where a statement or token is: 1-based line and column of the .ode file. */
typedef struct ode_pos {
    int line, col;
} ode_pos;

/* What a name stands for. Names are case-insensitive, as in XPPAUT. */
typedef enum ode_kind {
    ODE_VAR,     /* x' = ...: x[index] */
    ODE_PAR,     /* par: p[index] */
    ODE_NUMBER,  /* number: a constant */
    ODE_DERIVED, /* !name = expr of parameters */
    ODE_FIXED,   /* name = expr: a quantity computed in order before the equations */
    ODE_AUX,     /* aux name = expr: computed, not used by the equations */
    ODE_WIENER,  /* wiener w: white noise, dW/dt */
    ODE_FUNC     /* f(a, b) = expr */
} ode_kind;

#define ODE_MAX_ARGS 9 /* XPPAUT's limit on the arguments of a user function */

typedef struct ode_sym {
    char *name; /* as first written */
    ode_kind kind;
    int index;  /* in its kind's order */
    double value; /* par, number: the value; var: the initial value */
    char *expr;   /* the right-hand side text (var, derived, fixed, aux, func) */
    ode_pos at, expr_at;
    int n_args;   /* func */
    char *args[ODE_MAX_ARGS];
    int noise_degree; /* fixed: whether it holds a wiener variable (linearly) */
} ode_sym;

/* global SIGN CONDITION {name = expr; ...}: an event, as a spike rule when it is one. */
typedef struct ode_event {
    int sign;
    char *cond;
    ode_pos at, cond_at;
    int n_set;
    char **set_name, **set_expr;
} ode_event;

/* init x=1 (or x(0)=1): resolved once every variable is known */
typedef struct ode_init {
    char *name;
    double value;
    ode_pos at;
} ode_init;

typedef struct ode_file {
    const char *path; /* for messages */
    ode_init *inits;
    size_t n_inits;
    ode_sym *syms;
    size_t n_syms, cap_syms;
    int n_of[ODE_FUNC + 1]; /* how many of each kind */
    ode_event *events;
    size_t n_events;
    /* @ options that map onto the model */
    double total, dt, parmin, parmax, xlo, xhi, ylo, yhi;
    int have_total, have_dt, have_parmin, have_parmax, have_xlo, have_xhi, have_ylo, have_yhi;
    char method[32], xplot[64], yplot[64];
} ode_file;

/* ---- source.c: reading --------------------------------------------------------------------- */
nd_status ode_read(const char *path, const char *text, ode_file *f, nd_error *err);
void ode_free(ode_file *f);
ode_sym *ode_find(const ode_file *f, const char *name, size_t len);
/* An error at pos: "FILE:LINE:COL: message". */
nd_status ode_fail(const ode_file *f, ode_pos pos, nd_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- statements.c: one statement ------------------------------------------------------------ */
nd_status ode_statement(ode_file *f, char *s, ode_pos at, int *done, nd_error *err);
/* After the last statement: initial values onto their variables. */
nd_status ode_resolve(ode_file *f, nd_error *err);

/* ---- expr.c: an expression into C ---------------------------------------------------------- */
typedef struct ode_buf {
    char *s;
    size_t n, cap;
    int failed; /* out of memory */
} ode_buf;
void ode_put(ode_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Where an expression is used decides which names it may read. */
typedef enum ode_context {
    ODE_IN_DERIVED, /* parameters, numbers, earlier derived parameters */
    ODE_IN_FUNC,    /* its arguments, parameters, numbers, derived, earlier functions */
    ODE_IN_RHS,     /* all but aux and later fixed quantities */
    ODE_IN_RESET,   /* a global event's reset: variables, parameters, numbers, derived, functions */
    ODE_IN_AUX      /* all */
} ode_context;

typedef struct ode_expr_env {
    const ode_file *f;
    ode_context ctx;
    const ode_sym *self; /* the symbol being defined: forward uses are refused */
    unsigned helpers;    /* ODE_H_* bits of the helper functions used */
    int noise_degree;    /* out: 0 no wiener variable, 1 linear in them */
} ode_expr_env;

enum { ODE_H_HEAV = 1, ODE_H_SIGN = 2, ODE_H_MOD = 4, ODE_H_RAN = 8, ODE_H_NORMAL = 16, ODE_H_POW2 = 32,
       ODE_H_POW3 = 64, ODE_H_POW4 = 128 };

/* Translates expr (written at pos) into C on b. Wiener variables read w[k]; an expression must
 * be linear in them (noise enters as g dW), else it is refused. */
nd_status ode_expr_c(ode_expr_env *env, const char *expr, ode_pos pos, ode_buf *b, nd_error *err);

/* ---- emit.c: the model as C ---------------------------------------------------------------- */
nd_status ode_emit(const ode_file *f, const char *model_name, ode_buf *out, nd_error *err);

#endif
