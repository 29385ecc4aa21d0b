/* Private to analysis/cycles/: the workspace of a limit-cycle curve and the functions its files
 * share. The files, by concern (see include/neurodyn/cycles.h for the method):
 *   collocation.c     the discretisation: basis, values at the collocation points, phase, residual
 *   condensation.c    the bordered matrix: condensation per interval, KLU on the reduced system
 *   floquet.c         Floquet multipliers from the per-interval transfer matrices
 *   mesh.c            node scales of the continuer's unknowns, mesh adaptation
 *   test_functions.c  LPC, PD, NS and their acceptance; the Hopf point ending a branch
 *   records.c         per-point records and the stopping rules
 *   curve.c           setup, the continuer's callbacks, Newton at a fixed parameter, tangents
 *   start.c           starting points (Hopf point, simulated cycle)
 *   switch.c          branch switching at a period doubling: the doubled branch's start
 *   continue.c        branches with mesh adaptation; the cycle at a given parameter value
 *   normal_form.c     normal-form coefficients of LPC, PD, NS (periodic normalisation) */
#ifndef ND_CYCLES_INTERNAL_H
#define ND_CYCLES_INTERNAL_H

#include <gsl/gsl_eigen.h>
#include <klu.h>

#include "neurodyn/cycles.h"

#define MAXC 8 /* ncol <= 7: at most 8 nodes per interval */

typedef struct hist {
    double par, T, amp;
} hist;

typedef struct cw {
    size_t n, nv, ntst, m, nodes, Nx, N, ncp; /* ncp = ntst * m collocation points */
    double gs[MAXC], gw[MAXC];                 /* Gauss points and weights on [0, 1] */
    double L[MAXC][MAXC], D[MAXC][MAXC];       /* l_k(s_i), l_k'(s_i) */
    double C[MAXC][MAXC];                      /* monomial coefficients: l_k(s) = sum_a C[a][k] s^a */
    /* phase reference */
    double *ref, *phase, *refbar;              /* Nx, Nx, n */
    double refnorm;                            /* int |ref - refbar|^2 */
    int have_ref;
    /* values at the collocation points for the u in ucache */
    double *ucache;
    int level;                                 /* 0 nothing, 1 x and f, 2 also A and f_p */
    double *xc, *fc, *Ac, *fpc;                /* ncp x n, ncp x n, ncp x n x n, ncp x n */
    /* full-model scratch */
    double *xf, *ff, *Jf, *fa, *fb;
    /* condensation: interval blocks (original and eliminated), pivots, dense-row multipliers */
    double *G0, *G, *mup, *mub, *border, *rphase, *rborder, *rb;
    int *piv;
    size_t Nr;                                 /* reduced unknowns: (ntst + 1) n + 2 */
    double Bmax;                               /* largest entry of the bordered matrix */
    int refactored;                            /* the numeric factors reuse old pivots */
    int trusted;                               /* a solve with these factors met rounding level unrefined:
                                                  the next ones are not checked */
    /* the sparse reduced matrix */
    size_t nnz;
    int *Ap, *Ai, *map;                        /* CSC, map: assembly order -> CSC position */
    int *trow, *tcol;                          /* triplets (pattern build only) */
    double *Ax;
    klu_common kc;
    klu_symbolic *sym;
    klu_numeric *num;
    double *r1, *r2;                           /* N: refinement scratch */
    /* monodromy */
    double *E, *Mm, *Mt, *Q0, *Qa, *Qb, *Pt;   /* (m n) x (m n + n), then n x n each */
    gsl_eigen_nonsymm_workspace *ew;
    gsl_matrix *ewm;
    gsl_vector_complex *ewv;
    double *mucache;                           /* N: u of the cached multipliers */
    int mu_valid;
    double *mu_re, *mu_im;                     /* n, ordered (trivial first) */
    /* scratch record for describe/at */
    nd_cycle_info scratch;
    double *scratch_mem;
    /* the branch so far (for the stopping rules) */
    double T_first, par_first, amp_first;
    int from_hopf, moved;                      /* the branch began at a Hopf point; p has moved */
    int from_pd;                               /* the branch began next to a PD (nd_cycle_curve_from_pd) */
    double gap_seen;                           /* the largest half-period gap on the branch so far */
    double gap_prev, par_prev;                 /* the half-period gap at the last point */
    hist h[3];                                 /* the last accepted points (ring) */
    size_t nh;
    double amp_max;
    double hopf_p, hopf_T, *hopf_x;            /* the Hopf point a branch ended at */
    double *mesh_new, *unew, *unew2;           /* mesh adaptation scratch */
    double *mesh_old, *ref_old;                /* the mesh and point before the last adaptation */
    double nc[MAXC];                           /* Newton-Cotes weights int_0^1 l_k */
    double *sc;                                /* N: u = sc * x (sqrt of the quadrature weight of a node; 1 for ln T, p) */
    double *xs, *vs, *tmpN;                    /* N each: scratch of the engine callbacks */
    /* The period-doubling test system of cycle_codim2.c (0 on every cycle curve): the bordered
     * matrix becomes [D - hT A, w; delta_0 + delta_1, 0; e_p^T; v^T] (antiperiodic boundary
     * condition, the T column replaced by pd_col on the collocation rows, the phase row pinning
     * the p slot to 0); pd_col holds ncp * n values. */
    int antiperiodic;
    const double *pd_col;
} cw;

static inline cw *W(const nd_cycle_curve *c) { return c->work; }
/* node k of mesh interval j of u (n values) */
static inline const double *node(const cw *w, const double *u, size_t j, size_t k) { return u + (j * w->m + k) * w->n; }

/* collocation.c */
void cyc_expand(nd_cycle_curve *c, const double *xfree, double *xfull);
int cyc_f_free(nd_cycle_curve *c, const double *x, double par, double *out);
void cyc_gauss_legendre(size_t m, double *x, double *wt);
int cyc_vandermonde_inverse(size_t m, double C[MAXC][MAXC]);
void cyc_basis(const cw *w, double s, double *l, double *dl);
void cyc_eval_at(const cw *w, const double *mesh, const double *u, double t, double *x);
nd_status cyc_colloc_eval(nd_cycle_curve *c, const double *u, int level, nd_error *err);
void cyc_set_reference(nd_cycle_curve *c, const double *u);
void cyc_cycle_mean(nd_cycle_curve *c, const double *u, double *mean);
/* max_t |x(t + 1/2) - x(t)| over the orbit's size: 0 for a cycle of half the period run twice */
double cyc_half_period_gap(nd_cycle_curve *c, const double *u);
/* the antiperiodic parts of u and the reference (the previous point) correlated: < 0 across a PD */
double cyc_antiperiodic_dot(nd_cycle_curve *c, const double *u);
double cyc_signed_amplitude(nd_cycle_curve *c, const double *u);
nd_status cyc_residual(void *ctx, const double *u, double *F, nd_error *err);
void cyc_extrema(nd_cycle_curve *c, const double *u, double *xmax, double *xmin);

/* condensation.c */
nd_status cyc_build_pattern(nd_cycle_curve *c, nd_error *err);
nd_status cyc_factor(void *ctx, const double *u, const double *v, nd_error *err);
nd_status cyc_solve(void *ctx, double *x, nd_error *err);
void cyc_matvec(const cw *w, const double *x, double *y);

/* floquet.c */
nd_status cyc_floquet(nd_cycle_curve *c, const double *u, nd_error *err);
int cyc_interval_transfer(nd_cycle_curve *c, const double *u, size_t j);

/* mesh.c */
void cyc_node_scales(const cw *w, const double *mesh, double *sc);
void cyc_mesh_changed(nd_cycle_curve *c);
void cyc_to_x(const cw *w, const double *u, double *x);
void cyc_to_u(const cw *w, const double *x, double *u);
void cyc_tangent_to_u(const cw *w, const double *tx, double *tu);
void cyc_uniform_mesh(nd_cycle_curve *c);
int cyc_adapt(nd_cycle_curve *c, double *u, double *v, double slack);

/* test_functions.c */
nd_status cyc_tests(void *ctx, const double *u, const double *v, const double *J, double *psi, nd_error *err);
int cyc_accept(void *ctx, int test, const double *u, const double *v, double *data);
/* Whether a sign change of PD or NS between x0 and x1 is a real multiplier crossing -1, or a
 * complex pair crossing the unit circle (the count of such multipliers changes); LPC: always. */
int cyc_bracket(void *ctx, int test, const double *x0, const double *x1);
void cyc_hopf_end(nd_cycle_curve *c, const double *u, double sa, const nd_cycle_info *prev, const nd_cycle_info *in);

/* records.c */
nd_status cyc_describe_into(nd_cycle_curve *c, const double *u, nd_cycle_info *in, nd_error *err);
void cyc_info_attach(const nd_cycle_curve *c, nd_cycle_info *in, double *mem);
void cyc_records_clear(nd_cycle_curve *c);
void cyc_records_drop(nd_cycle_curve *c, size_t i);
int cyc_label(void *ctx, const double *u);

/* curve.c */
double cyc_vnorm(const double *v, size_t n);
void cyc_reset_run(nd_cycle_curve *c);
nd_status cyc_newton_border(nd_cycle_curve *c, double *u, const double *row, double target, int max_it, double tol,
                            nd_error *err);
nd_status cyc_newton_fixed(nd_cycle_curve *c, double *u, int max_it, double tol, nd_error *err);
nd_status cyc_tangent_at(nd_cycle_curve *c, const double *u, const double *r, double *t, nd_error *err);

#endif
