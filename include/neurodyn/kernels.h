/* neurodyn — kernel templates instantiated with a model's inlined RHS.
 *
 * ND_KERNELS(name, NV, NP) must follow ND_RHS(name) in a model file. It defines
 * `name##_kernels`, an nd_model_kernels table whose loops run across a block of trajectories
 * in structure-of-arrays layout with `omp simd`, the RHS body inlined into the loop body.
 * NV and NP are the model's numbers of variables and parameters as integer constants: the
 * per-lane copies of x and p become vector registers only when their sizes are known here.
 *
 * The trajectory loop is the outer, vectorised loop and the time steps run inside it, so a
 * trajectory's state stays in registers for the whole run (compile with -fopenmp-simd). */
#ifndef NEURODYN_KERNELS_H
#define NEURODYN_KERNELS_H

#include <math.h>
#include <stddef.h>

/* ---- portability of the kernel templates ---------------------------------------------- */
#if defined(__CUDACC__)
#define ND_UNROLL _Pragma("unroll")
#define ND_ALWAYS_INLINE static inline
#define ND_LANE_FN __host__ __device__ static inline
#define ND_LANE_COLD_FN __host__ __device__ static inline
#else
/* Fixed-size loops over variables and parameters must be fully unrolled before GCC's
 * vectoriser runs, or the trajectory loop becomes a loop nest it cannot vectorise. */
#if defined(__clang__)
#define ND_UNROLL _Pragma("unroll")
#else
#define ND_UNROLL _Pragma("GCC unroll 64")
#endif
#if defined(__GNUC__)
#define ND_ALWAYS_INLINE static inline __attribute__((always_inline))
#else
#define ND_ALWAYS_INLINE static inline
#endif
#define ND_LANE_FN ND_ALWAYS_INLINE
/* lane code that runs rarely (locating an extremum): kept out of line, so that the block loops
 * it is called from stay small */
#if defined(__GNUC__)
#define ND_LANE_COLD_FN static __attribute__((noinline, cold, unused))
#else
#define ND_LANE_COLD_FN static inline
#endif
#endif

/* ---- ensemble lanes: one trajectory of a batched ensemble, with its reductions ----------
 * The same lane code runs in an `omp simd` loop on the CPU (below) and as one CUDA thread
 * per trajectory (neurodyn/ensemble_cuda.cuh), so the two paths compute the same numbers.
 * All arrays are structure-of-arrays with leading dimension ld: a[v*ld + i]. */
enum { ND_ENS_RK4 = 0, ND_ENS_TABLE = 1, ND_ENS_RK4_SINGLE = 2 };
/* Table methods with up to this many stages have lanes: every fixed-step method of the library
 * (the 5- to 7-stage tables are adaptive pairs, which run one solver per trajectory). */
#define ND_ENS_MAX_STAGES 4

typedef struct nd_ens_block {
    size_t n, ld;         /* lanes in this block; stride of every array below */
    double *X;            /* n_vars x ld: initial state in, final state out */
    const double *P;      /* n_pars x ld */
    /* step s goes from t0 + s dt to t0 + (s+1) dt, the last one (s = nsteps-1) to t1: the grid
     * of nd_solve's fixed-step driver, so a lane equals a single run step for step */
    double t0, t1, dt;
    long nsteps;
    double t_reduce;      /* max/min and events use states and crossings at t >= t_reduce */
    double *xmax, *xmin;  /* n_vars x ld, or NULL */
    int ev_var;           /* events: ev_var crossing ev_level upward; ev_var < 0: none */
    double ev_level;
    long *ev_count;       /* ld each (when ev_var >= 0) */
    double *ev_first, *ev_last, *ev_prev; /* first, last and second-to-last event times */
    double *ev_times;     /* max_events x ld, the first max_events event times, or NULL */
    long max_events;
    double *samples;      /* (k n_vars + v) x ld: the state after every stride-th step (k = 0
                             is the initial state), or NULL */
    long stride;
    double *t_fail;       /* ld: start of the step that made the state non-finite, else NaN */
    double *x_save;       /* n_vars x ld (CPU): the state at the start of the current chunk of
                             steps, from which a lane that failed in it is replayed */
    double *ev_y0, *ev_f0; /* ld each (events): the event variable and its slope at the start
                              of the last even-numbered step (nd_ens_ev_y, nd_ens_ev_f) */
    double *ev_y1, *ev_f1; /* ld each (events): the same for the last odd-numbered step */
    long long *ev_hit;    /* ld (events, CPU): whether the lane's last marked step crossed or
                             turned, so the scalar pass visits only those lanes */
    /* local extrema of ev_var after t_reduce (needs events): ext_mode 1 maxima, 2 minima, 3
     * both, 0 none; the first ext_cap of each kind are kept (value and time) */
    int ext_mode;
    long ext_cap;
    long *max_count, *min_count;    /* ld each: how many were found (may exceed ext_cap) */
    double *max_y, *max_t, *min_y, *min_t; /* ext_cap x ld */
    /* progress of the CPU lanes: called from the block's thread with the trajectories just
     * completed (a block of n lanes reports n x 1024 / nsteps every 1024 steps); NULL: none */
    void (*tick)(void *ctx, double done);
    void *tick_ctx;
} nd_ens_block;

/* Whether a block asks for more than the final state (selects the lean lane otherwise). Local
 * extrema ride on the events' buffers but are a reduction of their own: looking for a turn of
 * the slope in every step costs Hindmarsh–Rose's RK4 lanes 40% even when none is asked for. */
enum { ND_ENS_RED_MINMAX = 1, ND_ENS_RED_EVENTS = 2, ND_ENS_RED_SAMPLES = 4, ND_ENS_RED_EXTREMA = 8 };
ND_LANE_FN int nd_ens_reduces(const nd_ens_block *b)
{
    return (b->xmax && b->xmin ? ND_ENS_RED_MINMAX : 0) | (b->ev_var >= 0 ? ND_ENS_RED_EVENTS : 0) |
           (b->samples ? ND_ENS_RED_SAMPLES : 0) | (b->ev_var >= 0 && b->ext_mode ? ND_ENS_RED_EXTREMA : 0);
}

/* Where in [0, 1] the cubic Hermite interpolant through (y0, f0) and (y1, f1) over a step of
 * length h reaches level, for y0 < level <= y1: Newton from the linear guess. Fourth-order
 * accurate in h, like the RK4 states it interpolates. */
ND_LANE_FN double nd_ens_hermite_theta(double y0, double f0, double y1, double f1, double h,
                                       double level)
{
    /* divisions with a safe divisor, unconditional: a conditional one may trap */
    const double dy = y1 - y0;
    double th = (level - y0) / (dy != 0 ? dy : 1.0);
    ND_UNROLL for (int it = 0; it < 3; it++) {
        double t2 = th * th, t3 = t2 * th;
        double p = (2 * t3 - 3 * t2 + 1) * y0 + (t3 - 2 * t2 + th) * h * f0 +
                   (3 * t2 - 2 * t3) * y1 + (t3 - t2) * h * f1 - level;
        double dp = (6 * t2 - 6 * th) * (y0 - y1) + (3 * t2 - 4 * th + 1) * h * f0 +
                    (3 * t2 - 2 * th) * h * f1;
        double q = p / (dp != 0 ? dp : 1.0);
        double nt = dp != 0 ? th - q : th;
        th = nt < 0 ? 0 : (nt > 1 ? 1 : nt);
    }
    return th;
}

/* The event variable and its slope at the start of step s live in buffer s & 1 (ev_y0, ev_f0
 * for even s; ev_y1, ev_f1 for odd s; s = -1 is odd), so both ends of a step are at hand when its
 * crossing is located, and nothing is copied from one step to the next. */
ND_LANE_FN double *nd_ens_ev_y(const nd_ens_block *b, long s) { return (s & 1) ? b->ev_y1 : b->ev_y0; }
ND_LANE_FN double *nd_ens_ev_f(const nd_ens_block *b, long s) { return (s & 1) ? b->ev_f1 : b->ev_f0; }

/* Records the event variable y and its slope f at the start of step s (the end of step s - 1)
 * and returns whether step s - 1 crossed the section upward or, with the extrema reduction,
 * turned (the slope changed sign: a local maximum or minimum inside the step). Runs inside the
 * vectorised step, so no short-circuit operators. */
ND_LANE_FN long long nd_ens_event_mark(const nd_ens_block *b, size_t i, long s, double y, double f, const int reduce)
{
    nd_ens_ev_y(b, s)[i] = y, nd_ens_ev_f(b, s)[i] = f;
    /* both loads before any comparison: with the slope's load after the crossing's compare,
     * GCC 12 leaves the whole step loop scalar (5x slower) */
    const double y0 = nd_ens_ev_y(b, s - 1)[i], f0 = nd_ens_ev_f(b, s - 1)[i];
    const int mode = (reduce & ND_ENS_RED_EXTREMA) ? b->ext_mode : 0; /* slope 0 before the first step: no turn */
    const long long turned = (((mode & 1) != 0) & (f0 > 0) & (f <= 0)) | (((mode & 2) != 0) & (f0 < 0) & (f >= 0));
    return ((y0 < b->ev_level) & (y >= b->ev_level)) | turned; /* NaN before the first step: never */
}

/* Where in [0, 1] the derivative of the cubic Hermite interpolant through (y0, f0) and (y1, f1)
 * over a step of length h vanishes, for slopes f0 and f1 of opposite signs (or f1 = 0). With
 * d = y1 - y0, a = h f0, c = h f1 the derivative is A th^2 + B th + C, A = 3 (a + c) - 6 d,
 * B = 6 d - 4 a - 2 c, C = a, which changes sign once in [0, 1]: its first root there, by the
 * quadratic formula without cancellation (q = -(B + sign(B) sqrt(B^2 - 4 A C)) / 2, roots C / q
 * and q / A; Press et al., Numerical Recipes, 3rd ed., sec. 5.6). It replaced 32 bisection
 * halvings, 2e-10 of the step and 5% of a Lorenz orbit-diagram sweep. Safe divisors: a zero
 * one only gives a root outside [0, 1], which is not chosen. */
ND_LANE_FN double nd_ens_hermite_turn(double y0, double f0, double y1, double f1, double h)
{
    const double d = y1 - y0, a = h * f0, c = h * f1;
    const double A = 3 * (a + c) - 6 * d, B = 6 * d - 4 * a - 2 * c, C = a;
    const double disc = B * B - 4 * A * C, root = sqrt(disc > 0 ? disc : 0.0);
    const double q = -0.5 * (B + (B < 0 ? -root : root));
    const double r1 = q != 0 ? C / q : 2.0, r2 = A != 0 ? q / A : 2.0;
    const int in1 = r1 >= 0 && r1 <= 1, in2 = r2 >= 0 && r2 <= 1;
    if (in1 && in2) return r1 < r2 ? r1 : r2;
    if (in1) return r1;
    if (in2) return r2;
    /* rounding put the root just outside: the end where the derivative is smaller */
    return fabs(C) <= fabs(A + B + C) ? 0.0 : 1.0;
}

/* The cubic Hermite interpolant at th in [0, 1]. */
ND_LANE_FN double nd_ens_hermite_value(double y0, double f0, double y1, double f1, double h, double th)
{
    const double t2 = th * th, t3 = t2 * th;
    return (2 * t3 - 3 * t2 + 1) * y0 + (t3 - 2 * t2 + th) * h * f0 + (3 * t2 - 2 * t3) * y1 + (t3 - t2) * h * f1;
}

/* Appends an extremum (time te, value ye) of lane i to a kind's arrays: count is kept beyond
 * the cap, values only up to it. */
ND_LANE_FN void nd_ens_keep_extremum(long *count, double *ys, double *ts, long cap, size_t ld, size_t i, double te,
                                     double ye)
{
    const long c = count[i];
    if (c < cap) ys[(size_t)c * ld + i] = ye, ts[(size_t)c * ld + i] = te;
    count[i] = c + 1;
}

/* The local maximum or minimum of ev_var inside step s (from t0, length h) of lane i, if it has
 * one: where the slope changes sign, located and valued on the step's cubic Hermite
 * interpolant (fourth order, like the crossings). */
ND_LANE_COLD_FN void nd_ens_extremum_at(const nd_ens_block *b, size_t i, double t0, double h, double y0, double f0,
                                        double y1, double f1, int is_max)
{
    const double th = nd_ens_hermite_turn(y0, f0, y1, f1, h), te = t0 + th * h;
    if (te < b->t_reduce) return;
    const double ye = nd_ens_hermite_value(y0, f0, y1, f1, h, th);
    if (is_max) nd_ens_keep_extremum(b->max_count, b->max_y, b->max_t, b->ext_cap, b->ld, i, te, ye);
    else nd_ens_keep_extremum(b->min_count, b->min_y, b->min_t, b->ext_cap, b->ld, i, te, ye);
}

ND_LANE_FN void nd_ens_extremum_pass(const nd_ens_block *b, size_t i, double t0, double h, double y0, double f0,
                                     double y1, double f1)
{
    const int is_max = (b->ext_mode & 1) && f0 > 0 && f1 <= 0, is_min = (b->ext_mode & 2) && f0 < 0 && f1 >= 0;
    if (is_max || is_min) nd_ens_extremum_at(b, i, t0, h, y0, f0, y1, f1, is_max);
}

/* Locates and records the crossing of step s (from t0, length h) of lane i, if it has one.
 * Locating a crossing inside the vectorised loop leaves control flow that GCC 12 does not
 * if-convert, so the CPU runs this scalar pass over a block only after a step where some lane
 * crossed (nd_ens_event_mark said so). */
ND_LANE_FN void nd_ens_event_pass(const nd_ens_block *b, size_t i, long s, double t0, double h, const int reduce)
{
    const double level = b->ev_level, y0 = nd_ens_ev_y(b, s)[i], y1 = nd_ens_ev_y(b, s + 1)[i];
    if (reduce & ND_ENS_RED_EXTREMA) nd_ens_extremum_pass(b, i, t0, h, y0, nd_ens_ev_f(b, s)[i], y1, nd_ens_ev_f(b, s + 1)[i]);
    if (!(y0 < level && y1 >= level)) return;
    const double f0 = nd_ens_ev_f(b, s)[i], f1 = nd_ens_ev_f(b, s + 1)[i];
    const double te = t0 + nd_ens_hermite_theta(y0, f0, y1, f1, h, level) * h;
    if (te < b->t_reduce) return;
    const long c = b->ev_count[i];
    if (c == 0) b->ev_first[i] = te;
    if (c < b->max_events) b->ev_times[c * b->ld + i] = te;
    b->ev_prev[i] = b->ev_last[i];
    b->ev_last[i] = te;
    b->ev_count[i] = c + 1;
}

/* Reductions start from the initial state: max/min (when t0 is past the transient), sample 0,
 * no events, no failure. */
ND_LANE_FN void nd_ens_begin(const nd_ens_block *b, size_t i, int nv, const int reduce)
{
    const size_t ld = b->ld;
    const int seen = b->t0 >= b->t_reduce;
    for (int v = 0; v < nv; v++) {
        const double x = b->X[v * ld + i];
        if (reduce & ND_ENS_RED_MINMAX) {
            b->xmax[v * ld + i] = seen ? x : -INFINITY;
            b->xmin[v * ld + i] = seen ? x : INFINITY;
        }
        if (reduce & ND_ENS_RED_SAMPLES) b->samples[v * ld + i] = x;
    }
    if (reduce & ND_ENS_RED_EVENTS) {
        b->ev_count[i] = 0;
        if (b->ext_mode & 1) b->max_count[i] = 0;
        if (b->ext_mode & 2) b->min_count[i] = 0;
        b->ev_first[i] = b->ev_last[i] = b->ev_prev[i] = NAN;
        nd_ens_ev_y(b, -1)[i] = NAN, nd_ens_ev_f(b, -1)[i] = 0.0; /* no step before the first */
    }
    b->t_fail[i] = NAN;
}

/* The time grid of the driver: step s goes from grid_t(s) to grid_t(s + 1). */
ND_LANE_FN double nd_ens_grid_t(const nd_ens_block *b, long s)
{
    const double tg = b->t0 + (double)s * b->dt;
    /* nd_solve's rule: the step to t1 is clipped */
    return s == 0 ? b->t0 : (tg < b->t1 ? tg : b->t1);
}

/* The first step with something to reduce: every step before it ends before t_reduce, so its
 * crossings, extrema and states are not recorded (a crossing is kept when its time is at or
 * after t_reduce, a state when its step ends there). */
ND_LANE_FN long nd_ens_first_reduced_step(const nd_ens_block *b)
{
    if (!(b->t_reduce > b->t0)) return 0;
    const double guess = floor((b->t_reduce - b->t0) / b->dt) - 2;
    long s = guess <= 0 ? 0 : (guess >= (double)b->nsteps ? b->nsteps : (long)guess);
    while (s > 0 && !(nd_ens_grid_t(b, s) < b->t_reduce)) s--;
    return s;
}

/* Two forms of one lane, built from the same STEP and the same reduction helpers:
 *
 *  step         one step of lane i from the block's arrays, with the reductions asked for
 *               (max/min after the transient, events, samples) and the failure time. On the CPU
 *               the trajectory loop is the inner, vectorised loop of each step, over a block
 *               small enough to stay in L1: GCC's outer-loop vectoriser rejects the conditional
 *               updates reductions need, and even without reductions this form is faster than
 *               keeping one trajectory per vector lane in registers for the whole run (1.6x on
 *               Lorenz, AVX-512: many independent vectors in flight instead of one dependency
 *               chain per lane).
 *  lane (lean)  load the state, nsteps steps in registers, store; only the failure time. One
 *               GPU thread per trajectory runs it when no reduction is asked for.
 *
 * `reduce` is a compile-time constant in each instantiation. */
/* The failure time (the start of the first step whose result is not finite). A device thread
 * checks every step. The CPU lanes check only every ND_ENS_CHUNK steps, from the state (a state
 * that is not finite stays so: x + h acc with x infinite or NaN is never finite again), and
 * replay the chunk of a lane that failed in it (name##_ens_fail_##sfx): the per-step check was
 * a tenth of a step's instructions on Lorenz. */
#if defined(__CUDACC__)
#define ND_ENS_MARK_FAIL(NV, b, i, xn, t)                                                    \
    {                                                                                         \
        double bad_ = 0.0;                                                                    \
        ND_UNROLL for (int v = 0; v < (NV); v++) bad_ += (double)xn[v] * 0.0;                 \
        const double tf_ = (b)->t_fail[i];                                                    \
        (b)->t_fail[i] = nd_select((bad_ != bad_) & (tf_ != tf_), (t), tf_);                  \
    }
#else
#define ND_ENS_MARK_FAIL(NV, b, i, xn, t)
#endif
#define ND_ENS_CHUNK 256


/* The event variable of a lane's state: a chain of bit selects on ev_var == v, conditions the
 * same in every lane that the compiler hoists out of the trajectory loop (ev_var is an int, so
 * no store of a double can change it). A run-time index x[ev_var], or a branch, would keep the
 * state out of registers and stop vectorisation. (A dot product with one-hot weights, as
 * before, cost 2 NV arithmetic operations per pick and reloaded the weights every step.) */
#define ND_ENS_PICK(arr, NV, b, out)                                                         \
    do {                                                                                      \
        double pk_ = (double)(arr)[0];                                                        \
        ND_UNROLL for (int v = 1; v < (NV); v++) pk_ = nd_select((b)->ev_var == v, (double)(arr)[v], pk_); \
        (out) = pk_;                                                                          \
    } while (0)

/* The RHS of a lane whose state has type R, through the double body: R is converted to double
 * and back (the identity for R = double). */
#define ND_ENS_F_VIA_DOUBLE(name, NV, R, sfx)                                                \
    ND_LANE_FN void name##_ens_f_##sfx(double t, const R *x, const double *p, R *k)         \
    {                                                                                         \
        double xd_[(NV)], kd_[(NV)];                                                          \
        ND_UNROLL for (int v = 0; v < (NV); v++) xd_[v] = (double)x[v];                       \
        name##_rhs_body(t, xd_, p, kd_);                                                      \
        ND_UNROLL for (int v = 0; v < (NV); v++) k[v] = (R)kd_[v];                            \
    }

/* One lane kind: state and stage arithmetic in R, the parameters copied as PR (the type of the
 * RHS that name##_ens_f_##sfx calls). */
#define ND_ENS_LANE(name, NV, NP, R, PR, sfx, STEP)                                          \
    /* the GPU's lean lane (unused on the CPU) */                                            \
    ND_UNUSED ND_LANE_FN void name##_ens_lane_##sfx(const nd_butcher *tab, const int ns,     \
                                                    const nd_ens_block *b, size_t i)          \
    {                                                                                         \
        (void)tab, (void)ns;                                                                  \
        const size_t ld = b->ld;                                                              \
        R x_[(NV)], xn[(NV)], k1[(NV)];                                                       \
        PR p_[(NP) > 0 ? (NP) : 1];                                                           \
        ND_UNROLL for (int v = 0; v < (NV); v++) x_[v] = (R)b->X[v * ld + i];                 \
        ND_UNROLL for (int k = 0; k < (NP); k++) p_[k] = (PR)b->P[k * ld + i];                \
        const double t0_ = b->t0, dt_ = b->dt, t1_ = b->t1;                                   \
        const long nsteps_ = b->nsteps;                                                       \
        double t = t0_, t_fail = NAN;                                                         \
        long s = 0;                                                                           \
        do {                                                                                  \
            const double tg_ = t0_ + (double)(s + 1) * dt_;                                   \
            const double tn = nd_select(tg_ < t1_, tg_, t1_); /* the driver's rule */         \
            const R h = (R)(tn - t);                                                          \
            name##_ens_f_##sfx(t, x_, p_, k1);                                                \
            STEP(name, NV, R, sfx)                                                            \
            double bad_ = 0.0;                                                                \
            ND_UNROLL for (int v = 0; v < (NV); v++) bad_ += (double)xn[v] * 0.0;             \
            t_fail = nd_select((bad_ != bad_) & (t_fail != t_fail), t, t_fail);               \
            ND_UNROLL for (int v = 0; v < (NV); v++) x_[v] = xn[v];                           \
            t = tn;                                                                           \
        } while (++s < nsteps_);                                                              \
        ND_UNROLL for (int v = 0; v < (NV); v++) b->X[v * ld + i] = (double)x_[v];            \
        b->t_fail[i] = t_fail;                                                                \
    }                                                                                         \
    /* step s of lane i from t to tn; sample_k >= 0: store the new state as sample sample_k; \
     * returns whether step s - 1 crossed the section (events) */                            \
    ND_LANE_FN long long name##_ens_step_##sfx(const nd_butcher *tab, const int ns,               \
                                          const nd_ens_block *b, size_t i, long s, double t,  \
                                          double tn, long sample_k, const int reduce)         \
    {                                                                                         \
        (void)tab, (void)ns, (void)s;                                                         \
        const size_t ld = b->ld;                                                              \
        R x_[(NV)], xn[(NV)], k1[(NV)];                                                       \
        PR p_[(NP) > 0 ? (NP) : 1];                                                           \
        ND_UNROLL for (int v = 0; v < (NV); v++) x_[v] = (R)b->X[v * ld + i];                 \
        ND_UNROLL for (int k = 0; k < (NP); k++) p_[k] = (PR)b->P[k * ld + i];                \
        const R h = (R)(tn - t);                                                              \
        name##_ens_f_##sfx(t, x_, p_, k1);                                                    \
        long long crossed_ = 0;                                                               \
        if (reduce & ND_ENS_RED_EVENTS) { /* this k1 is the previous step's end slope */      \
            double ye_, fe_;                                                                  \
            ND_ENS_PICK(x_, NV, b, ye_);                                                      \
            ND_ENS_PICK(k1, NV, b, fe_);                                                      \
            crossed_ = nd_ens_event_mark(b, i, s, ye_, fe_, reduce);                                  \
        }                                                                                     \
        STEP(name, NV, R, sfx)                                                                \
        ND_ENS_MARK_FAIL(NV, b, i, xn, t)                                                     \
        const int seen = tn >= b->t_reduce;                                                   \
        ND_UNROLL for (int v = 0; v < (NV); v++) {                                            \
            const double xv = (double)xn[v];                                                  \
            b->X[v * ld + i] = xv;                                                            \
            if (reduce & ND_ENS_RED_MINMAX) { /* a loop of its own after the step was slower */  \
                const double hi_ = b->xmax[v * ld + i], lo_ = b->xmin[v * ld + i];           \
                b->xmax[v * ld + i] = nd_select(seen & (xv > hi_), xv, hi_);                  \
                b->xmin[v * ld + i] = nd_select(seen & (xv < lo_), xv, lo_);                  \
            }                                                                                 \
            if ((reduce & ND_ENS_RED_SAMPLES) && sample_k >= 0)                               \
                b->samples[(sample_k * (NV) + v) * ld + i] = xv;                              \
        }                                                                                     \
        return crossed_;                                                                      \
    }                                                                                         \
    /* the CPU's failure time: lane i, from its state saved at the start of step s0, replays \
     * steps s0..s1-1 without reductions until one ends non-finite (the same arithmetic as   \
     * the block's steps, so the same step) and records that step's start */                 \
    ND_UNUSED ND_LANE_COLD_FN void name##_ens_fail_##sfx(const nd_butcher *tab, const int ns, \
                                                         const nd_ens_block *b, size_t i,     \
                                                         long s0, long s1)                    \
    {                                                                                         \
        (void)tab, (void)ns;                                                                  \
        const size_t ld = b->ld;                                                              \
        R x_[(NV)], xn[(NV)], k1[(NV)];                                                       \
        PR p_[(NP) > 0 ? (NP) : 1];                                                           \
        ND_UNROLL for (int v = 0; v < (NV); v++) x_[v] = (R)b->x_save[v * ld + i];            \
        ND_UNROLL for (int k = 0; k < (NP); k++) p_[k] = (PR)b->P[k * ld + i];                \
        for (long s = s0; s < s1; s++) {                                                      \
            const double t = nd_ens_grid_t(b, s);                                             \
            const R h = (R)(nd_ens_grid_t(b, s + 1) - t);                                     \
            name##_ens_f_##sfx(t, x_, p_, k1);                                                \
            STEP(name, NV, R, sfx)                                                            \
            double bad_ = 0.0;                                                                \
            ND_UNROLL for (int v = 0; v < (NV); v++) bad_ += (double)xn[v] * 0.0;             \
            if (bad_ != bad_) {                                                               \
                b->t_fail[i] = t;                                                             \
                return;                                                                       \
            }                                                                                 \
            ND_UNROLL for (int v = 0; v < (NV); v++) x_[v] = xn[v];                           \
        }                                                                                     \
    }                                                                                         \
    /* after the last step: the slope at its end, for the crossing in it */                  \
    ND_LANE_FN void name##_ens_finish_##sfx(const nd_ens_block *b, size_t i, const int reduce) \
    {                                                                                         \
        if (!(reduce & ND_ENS_RED_EVENTS) || b->nsteps <= 0) return;                          \
        const size_t ld = b->ld;                                                              \
        R x_[(NV)], k1[(NV)];                                                                 \
        PR p_[(NP) > 0 ? (NP) : 1];                                                           \
        ND_UNROLL for (int v = 0; v < (NV); v++) x_[v] = (R)b->X[v * ld + i];                 \
        ND_UNROLL for (int k = 0; k < (NP); k++) p_[k] = (PR)b->P[k * ld + i];                \
        name##_ens_f_##sfx(nd_ens_grid_t(b, b->nsteps), x_, p_, k1);                          \
        ND_ENS_PICK(x_, NV, b, nd_ens_ev_y(b, b->nsteps)[i]);                                 \
        ND_ENS_PICK(k1, NV, b, nd_ens_ev_f(b, b->nsteps)[i]);                                 \
    }

/* The classical RK4 written so that every operation equals the driver's table-driven step
 * (integrators/stepper.c: acc = sum_j a_sj k_j from 0, y = x + h acc, each term an ND_MADD) with
 * the zero terms of the tableau left out, which changes no result (up to the sign of a zero),
 * and h (0.5 k) as (0.5 h) k, the same number unless 0.5 k is subnormal (|k| < 2^-1021): the
 * double lanes equal nd_solve bitwise. */
#define ND_ENS_STEP_RK4(name, NV, R, sfx)                                                    \
    {                                                                                         \
        R y_[(NV)], k2[(NV)], k3[(NV)], k4[(NV)];                                             \
        const R h2_ = (R)0.5 * h; /* h (0.5 k) = (0.5 h) k exactly: both halvings are exact */ \
        ND_UNROLL for (int v = 0; v < (NV); v++) y_[v] = ND_MADD(h2_, k1[v], x_[v]);          \
        name##_ens_f_##sfx(t + 0.5 * (double)h, y_, p_, k2);                                  \
        ND_UNROLL for (int v = 0; v < (NV); v++) y_[v] = ND_MADD(h2_, k2[v], x_[v]);          \
        name##_ens_f_##sfx(t + 0.5 * (double)h, y_, p_, k3);                                  \
        ND_UNROLL for (int v = 0; v < (NV); v++) y_[v] = ND_MADD(h, k3[v], x_[v]);            \
        name##_ens_f_##sfx(t + (double)h, y_, p_, k4);                                        \
        ND_UNROLL for (int v = 0; v < (NV); v++) {                                            \
            R acc_ = ND_MADD((R)(1.0 / 3), k2[v], (R)(1.0 / 6) * k1[v]);                      \
            acc_ = ND_MADD((R)(1.0 / 6), k4[v], ND_MADD((R)(1.0 / 3), k3[v], acc_));          \
            xn[v] = ND_MADD(h, acc_, x_[v]);                                                  \
        }                                                                                     \
    }

/* Any explicit table with ns stages (a compile-time constant in each instantiation), the
 * driver's arithmetic operation for operation. */
#define ND_ENS_STEP_TABLE(name, NV, R, sfx)                                                  \
    {                                                                                         \
        R y_[(NV)], k_[ND_MAX_STAGES][(NV)];                                                  \
        ND_UNROLL for (int v = 0; v < (NV); v++) k_[0][v] = k1[v];                            \
        ND_UNROLL for (int st = 1; st < ns; st++) {                                           \
            ND_UNROLL for (int v = 0; v < (NV); v++) {                                        \
                double acc = 0.0;                                                             \
                ND_UNROLL for (int j = 0; j < st; j++) acc = ND_MADD(tab->a[st][j], k_[j][v], acc); \
                y_[v] = ND_MADD(h, acc, x_[v]);                                               \
            }                                                                                 \
            name##_ens_f_##sfx(t + tab->c[st] * h, y_, p_, k_[st]);                           \
        }                                                                                     \
        ND_UNROLL for (int v = 0; v < (NV); v++) {                                            \
            double acc = 0.0;                                                                 \
            ND_UNROLL for (int st = 0; st < ns; st++) acc = ND_MADD(tab->b[st], k_[st][v], acc); \
            xn[v] = ND_MADD(h, acc, x_[v]);                                                   \
        }                                                                                     \
    }

/* The lanes of a model: RK4 in double and in float (the RHS in double), any table in double. */
#define ND_ENS_LANES(name, NV, NP)                                                           \
    ND_ENS_F_VIA_DOUBLE(name, NV, double, rk4)                                               \
    ND_ENS_F_VIA_DOUBLE(name, NV, float, rk4f)                                               \
    ND_ENS_F_VIA_DOUBLE(name, NV, double, tab)                                               \
    ND_ENS_LANE(name, NV, NP, double, double, rk4, ND_ENS_STEP_RK4)                          \
    ND_ENS_LANE(name, NV, NP, float, double, rk4f, ND_ENS_STEP_RK4)                          \
    ND_ENS_LANE(name, NV, NP, double, double, tab, ND_ENS_STEP_TABLE)

#if defined(__CUDACC__)
/* Under nvcc the CPU tables are not built; neurodyn/ensemble_cuda.cuh defines ND_CUDA_ENSEMBLE
 * to instantiate the device kernels from the same lanes, and ND_CUDA_LAUNCHER to point the
 * table at them. */
#ifndef ND_CUDA_ENSEMBLE
#define ND_CUDA_ENSEMBLE(name, NV, NP)
#define ND_CUDA_LAUNCHER(name) NULL
#endif
#define ND_KERNELS(name, NV, NP)                                                             \
    ND_ENS_LANES(name, NV, NP)                                                               \
    ND_CUDA_ENSEMBLE(name, NV, NP)                                                           \
    static const nd_model_kernels name##_kernels = {(NV), (NP), NULL, NULL, NULL, NULL, NULL, \
                                                    ND_CUDA_LAUNCHER(name), NULL};
#else

#define ND_PRAGMA_SIMD _Pragma("omp simd")
#define ND_PRAGMA_SIMD_OR_(x) _Pragma(#x)
#define ND_PRAGMA_SIMD_OR(flag) ND_PRAGMA_SIMD_OR_(omp simd reduction(| : flag))
/* clang warns (-Wpass-failed) when an `omp simd` loop does not vectorise, as with a RHS that
 * calls exp() without a vector math library: the loop is still correct, so no warning. */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpass-failed"
#endif
/* The per-trajectory work lives in always-inline "lane" functions: arrays declared inside an
 * `omp simd` loop body become interleaved "simd arrays" that GCC cannot vectorise, while the
 * locals of an inlined function are scalarised (SRA) once the loops above are unrolled. The
 * time loop is a do-while (nsteps >= 1 is checked outside the simd loop): a possibly empty
 * inner loop is control flow that blocks GCC's outer-loop vectorisation. */
/* One vectorised trajectory loop per stage count (ND_MAX_STAGES = 7). */
#define ND_ERK_CASE(name, NS)                                                                \
    case NS:                                                                                  \
        ND_PRAGMA_SIMD                                                                        \
        for (size_t i = 0; i < n; i++) name##_lane_erk(tab, NS, i, ld, X, P, t0, h, nsteps); \
        break;

/* The ensemble on the CPU: the block advances one step at a time, the inner loop over its lanes
 * vectorised. One instantiation per (kind, stage count, reductions), so every constant is known
 * to the compiler. The block is copied to a local so that the compiler sees that its fields do
 * not alias the arrays. */
#define ND_ENS_TICK(B, s)                                                                    \
    if ((B).tick && (((s) + 1) & 1023) == 0)                                                  \
        (B).tick((B).tick_ctx, (double)(B).n * 1024.0 / (double)(B).nsteps);
/* Before a chunk of steps: every lane's state; after it: the failure time of the lanes whose
 * state went non-finite in it (see ND_ENS_MARK_FAIL). */
#define ND_ENS_SAVE(B, nv)                                                                   \
    for (size_t v = 0; v < (nv); v++)                                                         \
        for (size_t i = 0; i < (B).n; i++) (B).x_save[v * (B).ld + i] = (B).X[v * (B).ld + i];
#define ND_ENS_CHECK(name, sfx, NS, B, nv, s0, s1)                                           \
    for (size_t i = 0; i < (B).n; i++) {                                                      \
        double bad_ = 0.0;                                                                    \
        for (size_t v = 0; v < (nv); v++) bad_ += (B).X[v * (B).ld + i] * 0.0;                \
        if (bad_ != bad_ && (B).t_fail[i] != (B).t_fail[i])                                   \
            name##_ens_fail_##sfx(tab, NS, &(B), i, (s0), (s1));                              \
    }
#define ND_ENS_RUN(name, sfx, NS, RED)                                                       \
    do {                                                                                      \
        for (size_t i = 0; i < B.n; i++) nd_ens_begin(&B, i, (int)nv, RED);                   \
        long until_sample = B.stride, k_sample = 1;                                           \
        /* the transient: steps that end before t_reduce have nothing to reduce (unless      \
         * samples are taken), so they run the lean step */                                  \
        const long s_full = ((RED) & ND_ENS_RED_SAMPLES) ? 0 : nd_ens_first_reduced_step(&B); \
        for (long c0 = 0; c0 < s_full; c0 += ND_ENS_CHUNK) {                                  \
            const long c1 = s_full - c0 < ND_ENS_CHUNK ? s_full : c0 + ND_ENS_CHUNK;          \
            ND_ENS_SAVE(B, nv)                                                                \
            for (long s = c0; s < c1; s++) {                                                  \
                const double t = nd_ens_grid_t(&B, s), tn = nd_ens_grid_t(&B, s + 1);         \
                ND_PRAGMA_SIMD                                                                \
                for (size_t i = 0; i < B.n; i++) (void)name##_ens_step_##sfx(tab, NS, &B, i, s, t, tn, -1, 0); \
                ND_ENS_TICK(B, s)                                                             \
            }                                                                                 \
            ND_ENS_CHECK(name, sfx, NS, B, nv, c0, c1)                                        \
        }                                                                                     \
        if (((RED) & ND_ENS_RED_EVENTS) && s_full > 0) /* as if no step came before */        \
            for (size_t i = 0; i < B.n; i++)                                                  \
                nd_ens_ev_y(&B, s_full - 1)[i] = NAN, nd_ens_ev_f(&B, s_full - 1)[i] = 0.0;   \
        for (long c0 = s_full; c0 < B.nsteps; c0 += ND_ENS_CHUNK) {                           \
            const long c1 = B.nsteps - c0 < ND_ENS_CHUNK ? B.nsteps : c0 + ND_ENS_CHUNK;      \
            ND_ENS_SAVE(B, nv)                                                                \
            for (long s = c0; s < c1; s++) {                                                  \
                const double t = nd_ens_grid_t(&B, s), tn = nd_ens_grid_t(&B, s + 1);         \
                long sk = -1;                                                                 \
                if (((RED) & ND_ENS_RED_SAMPLES) && --until_sample == 0)                      \
                    sk = k_sample++, until_sample = B.stride;                                 \
                long long crossed = 0;                                                        \
                /* the event buffers of step s in the slots of an even step, so that the     \
                 * lanes choose no buffer (GCC 12 keeps a loop-invariant choice inside the   \
                 * loop as two masked loads and a blend per buffer) */                        \
                nd_ens_block Bs = B;                                                          \
                Bs.ev_y0 = nd_ens_ev_y(&B, s), Bs.ev_f0 = nd_ens_ev_f(&B, s);                 \
                Bs.ev_y1 = nd_ens_ev_y(&B, s - 1), Bs.ev_f1 = nd_ens_ev_f(&B, s - 1);         \
                ND_PRAGMA_SIMD_OR(crossed)                                                    \
                for (size_t i = 0; i < B.n; i++) {                                            \
                    const long long hit_ = name##_ens_step_##sfx(tab, NS, &Bs, i, 0, t, tn, sk, RED); \
                    if ((RED) & ND_ENS_RED_EVENTS) B.ev_hit[i] = hit_;                        \
                    crossed |= hit_;                                                          \
                }                                                                             \
                if (((RED) & ND_ENS_RED_EVENTS) && crossed) { /* the crossings of step s - 1 */ \
                    const double tp = nd_ens_grid_t(&B, s - 1);                               \
                    for (size_t i = 0; i < B.n; i++)                                          \
                        if (B.ev_hit[i]) nd_ens_event_pass(&B, i, s - 1, tp, t - tp, RED);    \
                }                                                                             \
                ND_ENS_TICK(B, s)                                                             \
            }                                                                                 \
            ND_ENS_CHECK(name, sfx, NS, B, nv, c0, c1)                                        \
        }                                                                                     \
        if (B.tick && (B.nsteps & 1023))                                                      \
            B.tick(B.tick_ctx, (double)B.n * (double)(B.nsteps & 1023) / (double)B.nsteps);  \
        ND_PRAGMA_SIMD                                                                        \
        for (size_t i = 0; i < B.n; i++) name##_ens_finish_##sfx(&B, i, RED);                 \
        if ((RED) & ND_ENS_RED_EVENTS) { /* the crossings of the last step */                 \
            const double tp = nd_ens_grid_t(&B, B.nsteps - 1), te = nd_ens_grid_t(&B, B.nsteps); \
            for (size_t i = 0; i < B.n; i++) nd_ens_event_pass(&B, i, B.nsteps - 1, tp, te - tp, RED); \
        }                                                                                     \
    } while (0)
#define ND_ENS_REDUCTIONS(name, sfx, NS)                                                     \
    switch (red) {                                                                            \
    case 0: ND_ENS_RUN(name, sfx, NS, 0); break;                                              \
    case 1: ND_ENS_RUN(name, sfx, NS, 1); break;                                              \
    case 2: ND_ENS_RUN(name, sfx, NS, 2); break;                                              \
    case 3: ND_ENS_RUN(name, sfx, NS, 3); break;                                              \
    case 11: ND_ENS_RUN(name, sfx, NS, 11); break; /* local extrema: max/min always set */   \
    default: ND_ENS_RUN(name, sfx, NS, 7); break; /* with samples: every array is set */     \
    }
/* Table methods and single precision: lean, or every reduction at once (the caller points
 * the ones not asked for at scratch), which keeps the number of instantiations, and the
 * compile time of a model file, down. Local extrema are recorded by the double RK4 lanes only
 * (nd_ens_lanes_apply sends other requests for them to the per-trajectory path): each
 * reduction set is a copy of the step loop, and one more for every kind doubled the time a
 * model file takes to compile. */
#define ND_ENS_LEAN_OR_FULL(name, sfx, NS)                                                   \
    if (red) ND_ENS_RUN(name, sfx, NS, 7);                                                    \
    else ND_ENS_RUN(name, sfx, NS, 0);
#define ND_ENS_CASE(name, NS)                                                                \
    case NS: ND_ENS_LEAN_OR_FULL(name, tab, NS) break;
#define ND_ENS_DISPATCH(name, NV)                                                            \
    static void name##_ens_fixed(const nd_butcher *tab, int kind, const nd_ens_block *blk)   \
    {                                                                                         \
        const nd_ens_block B = *blk;                                                          \
        const size_t nv = (NV);                                                               \
        if (B.n == 0 || B.nsteps <= 0) return;                                                \
        const int red = nd_ens_reduces(&B);                                                   \
        if (kind == ND_ENS_RK4) {                                                             \
            ND_ENS_REDUCTIONS(name, rk4, 4)                                                   \
        } else if (kind == ND_ENS_RK4_SINGLE) {                                               \
            ND_ENS_LEAN_OR_FULL(name, rk4f, 4)                                                \
        } else {                                                                              \
            switch (tab->stages) { /* <= ND_ENS_MAX_STAGES, checked by the caller */          \
            ND_ENS_CASE(name, 1) ND_ENS_CASE(name, 2) ND_ENS_CASE(name, 3)                    \
            ND_ENS_CASE(name, 4)                                                              \
            default: break;                                                                   \
            }                                                                                 \
        }                                                                                     \
    }

/* The single-trajectory driver's fixed steps with the RHS inlined (nd_model_kernels.drv_fixed):
 * the lanes' STEP on one trajectory, on nd_solve's grid (step k ends at min(t0 + k dt, t1)), so
 * it equals the driver's table-driven step bitwise. It stops before a step whose result is not
 * finite; the driver then repeats that step its own way for the diagnosis. */
#define ND_DRV_LOOP(name, NV, NP, sfx, STEP, NS)                                             \
    do {                                                                                      \
        const int ns = (NS);                                                                  \
        (void)ns;                                                                             \
        double x_[(NV)], xn[(NV)], k1[(NV)], p_[(NP) > 0 ? (NP) : 1];                         \
        ND_UNROLL for (int v = 0; v < (NV); v++) x_[v] = x[v];                                \
        ND_UNROLL for (int k = 0; k < (NP); k++) p_[k] = p[k];                                \
        double t = *tp;                                                                       \
        while (s < nsteps && t < t1) {                                                        \
            const double tg_ = t0 + (double)(k0 + s + 1) * dt;                                \
            const double tn = tg_ < t1 ? tg_ : t1;                                            \
            const double h = tn - t;                                                          \
            name##_ens_f_##sfx(t, x_, p_, k1);                                                \
            STEP(name, NV, double, sfx)                                                       \
            double bad_ = 0.0;                                                                \
            ND_UNROLL for (int v = 0; v < (NV); v++) bad_ += xn[v] * 0.0;                     \
            if (bad_ != bad_) break;                                                          \
            ND_UNROLL for (int v = 0; v < (NV); v++) x_[v] = xn[v];                           \
            t = tn, s++;                                                                      \
        }                                                                                     \
        ND_UNROLL for (int v = 0; v < (NV); v++) x[v] = x_[v];                                \
        *tp = t;                                                                              \
    } while (0)
#define ND_DRV_CASE(name, NV, NP, NS)                                                        \
    case NS: ND_DRV_LOOP(name, NV, NP, tab, ND_ENS_STEP_TABLE, NS); break;
#define ND_DRV_FIXED_DECL(name)                                                              \
    __attribute__((visibility("hidden"))) long name##_drv_fixed(                              \
        const nd_butcher *tab, int kind, double *x, const double *p, double *tp, double t0,  \
        double dt, double t1, long k0, long nsteps)
#define ND_DRV_FIXED(name, NV, NP)                                                           \
    ND_DRV_FIXED_DECL(name)                                                                   \
    {                                                                                         \
        long s = 0;                                                                           \
        if (kind == ND_ENS_RK4) ND_DRV_LOOP(name, NV, NP, rk4, ND_ENS_STEP_RK4, 4);           \
        else switch (tab->stages) { /* <= ND_ENS_MAX_STAGES, checked by the caller */         \
            ND_DRV_CASE(name, NV, NP, 1) ND_DRV_CASE(name, NV, NP, 2)                         \
            ND_DRV_CASE(name, NV, NP, 3) ND_DRV_CASE(name, NV, NP, 4)                         \
            default: break;                                                                   \
            }                                                                                 \
        return s;                                                                             \
    }

#define ND_KERNELS(name, NV, NP)                                                             \
    ND_ALWAYS_INLINE void name##_lane_rhs(size_t i, size_t ld, double t,                     \
                                          const double *ND_RESTRICT X,                        \
                                          const double *ND_RESTRICT P, double *ND_RESTRICT DX) \
    {                                                                                         \
        double x_[(NV)], p_[(NP) > 0 ? (NP) : 1], d_[(NV)];                                   \
        ND_UNROLL for (int v = 0; v < (NV); v++) x_[v] = X[v * ld + i];                       \
        ND_UNROLL for (int k = 0; k < (NP); k++) p_[k] = P[k * ld + i];                       \
        name##_rhs_body(t, x_, p_, d_);                                                       \
        ND_UNROLL for (int v = 0; v < (NV); v++) DX[v * ld + i] = d_[v];                      \
    }                                                                                         \
    static void name##_soa_rhs(size_t n, size_t ld, double t, const double *ND_RESTRICT X,   \
                               const double *ND_RESTRICT P, double *ND_RESTRICT DX)           \
    {                                                                                         \
        ND_PRAGMA_SIMD                                                                        \
        for (size_t i = 0; i < n; i++) name##_lane_rhs(i, ld, t, X, P, DX);                   \
    }                                                                                         \
    /* ns is a constant in each instantiation below, so the stage loops unroll */             \
    ND_ALWAYS_INLINE void name##_lane_erk(const nd_butcher *tab, const int ns, size_t i,     \
                                          size_t ld, double *ND_RESTRICT X,                   \
                                          const double *ND_RESTRICT P, double t0, double h,   \
                                          long nsteps)                                        \
    {                                                                                         \
        double x_[(NV)], p_[(NP) > 0 ? (NP) : 1], y_[(NV)], k_[ND_MAX_STAGES][(NV)];          \
        ND_UNROLL for (int v = 0; v < (NV); v++) x_[v] = X[v * ld + i];                       \
        ND_UNROLL for (int k = 0; k < (NP); k++) p_[k] = P[k * ld + i];                       \
        long s = 0;                                                                           \
        do {                                                                                  \
            const double t = t0 + (double)s * h;                                              \
            ND_UNROLL for (int st = 0; st < ns; st++) {                                       \
                ND_UNROLL for (int v = 0; v < (NV); v++) {                                    \
                    double acc = 0.0;                                                         \
                    ND_UNROLL for (int j = 0; j < st; j++) acc = ND_MADD(tab->a[st][j], k_[j][v], acc); \
                    y_[v] = ND_MADD(h, acc, x_[v]);                                           \
                }                                                                             \
                name##_rhs_body(t + tab->c[st] * h, y_, p_, k_[st]);                          \
            }                                                                                 \
            ND_UNROLL for (int v = 0; v < (NV); v++) {                                        \
                double acc = 0.0;                                                             \
                ND_UNROLL for (int st = 0; st < ns; st++) acc = ND_MADD(tab->b[st], k_[st][v], acc); \
                x_[v] = ND_MADD(h, acc, x_[v]);                                               \
            }                                                                                 \
        } while (++s < nsteps);                                                               \
        ND_UNROLL for (int v = 0; v < (NV); v++) X[v * ld + i] = x_[v];                       \
    }                                                                                         \
    static void name##_soa_erk(const nd_butcher *tab, size_t n, size_t ld,                   \
                               double *ND_RESTRICT X, const double *ND_RESTRICT P, double t0, \
                               double h, long nsteps)                                         \
    {                                                                                         \
        if (nsteps <= 0) return;                                                              \
        switch (tab->stages) {                                                                \
        ND_ERK_CASE(name, 1) ND_ERK_CASE(name, 2) ND_ERK_CASE(name, 3) ND_ERK_CASE(name, 4)   \
        ND_ERK_CASE(name, 5) ND_ERK_CASE(name, 6) ND_ERK_CASE(name, 7)                        \
        default: break;                                                                       \
        }                                                                                     \
    }                                                                                         \
    ND_ALWAYS_INLINE void name##_lane_rk4(size_t i, size_t ld, double *ND_RESTRICT X,        \
                                          const double *ND_RESTRICT P, double t0, double h,   \
                                          long nsteps)                                        \
    {                                                                                         \
        double x_[(NV)], p_[(NP) > 0 ? (NP) : 1], y_[(NV)];                                   \
        double k1[(NV)], k2[(NV)], k3[(NV)], k4[(NV)];                                        \
        ND_UNROLL for (int v = 0; v < (NV); v++) x_[v] = X[v * ld + i];                       \
        ND_UNROLL for (int k = 0; k < (NP); k++) p_[k] = P[k * ld + i];                       \
        long s = 0;                                                                           \
        do {                                                                                  \
            const double t = t0 + (double)s * h;                                              \
            name##_rhs_body(t, x_, p_, k1);                                                   \
            ND_UNROLL for (int v = 0; v < (NV); v++) y_[v] = x_[v] + 0.5 * h * k1[v];         \
            name##_rhs_body(t + 0.5 * h, y_, p_, k2);                                         \
            ND_UNROLL for (int v = 0; v < (NV); v++) y_[v] = x_[v] + 0.5 * h * k2[v];         \
            name##_rhs_body(t + 0.5 * h, y_, p_, k3);                                         \
            ND_UNROLL for (int v = 0; v < (NV); v++) y_[v] = x_[v] + h * k3[v];               \
            name##_rhs_body(t + h, y_, p_, k4);                                               \
            ND_UNROLL for (int v = 0; v < (NV); v++)                                          \
                x_[v] += h / 6.0 * (k1[v] + 2.0 * k2[v] + 2.0 * k3[v] + k4[v]);               \
        } while (++s < nsteps);                                                               \
        ND_UNROLL for (int v = 0; v < (NV); v++) X[v * ld + i] = x_[v];                       \
    }                                                                                         \
    static void name##_soa_rk4(size_t n, size_t ld, double *ND_RESTRICT X,                   \
                               const double *ND_RESTRICT P, double t0, double h, long nsteps) \
    {                                                                                         \
        if (nsteps <= 0) return;                                                              \
        ND_PRAGMA_SIMD                                                                        \
        for (size_t i = 0; i < n; i++) name##_lane_rk4(i, ld, X, P, t0, h, nsteps);           \
    }                                                                                         \
    ND_ENS_LANES(name, NV, NP)                                                               \
    ND_ENS_DISPATCH(name, NV)                                                                \
    ND_DRV_FIXED_DECL(name) __attribute__((weak)); /* the scalar pass's, where there is one */ \
    ND_DRV_FIXED(name, NV, NP)                                                               \
    ND_ENS_SINGLE_DECL(name) __attribute__((weak)); /* NULL without the float pass */        \
    static const nd_model_kernels name##_kernels = {(NV), (NP), name##_soa_rhs,              \
                                                    name##_soa_erk, name##_soa_rk4,           \
                                                    name##_ens_fixed, name##_ens_single, NULL, \
                                                    name##_drv_fixed};

/* The float pass: the same model file compiled again with ND_SINGLE_PASS (and, with GCC,
 * -fsingle-precision-constant), where ND_RHS gives a float body (model.h), and linked into the
 * same object (Makefile; the loader for user files). ND_KERNELS then defines only
 * name##_ens_single: the RK4 lanes with the state, the stages and the RHS in float, which
 * ND_PRECISION_SINGLE runs when it exists. Hidden, so a user model's .so binds its own. */
#define ND_ENS_SINGLE_DECL(name)                                                             \
    __attribute__((visibility("hidden"))) void name##_ens_single(                             \
        const nd_butcher *tab, int kind, const struct nd_ens_block *blk)
#ifdef ND_SINGLE_PASS
#undef ND_KERNELS
#define ND_KERNELS(name, NV, NP)                                                             \
    ND_LANE_FN void name##_ens_f_rk4s(double t, const float *x, const float *p, float *k)   \
    {                                                                                         \
        name##_rhs_body(t, x, p, k);                                                          \
    }                                                                                         \
    ND_ENS_LANE(name, NV, NP, float, float, rk4s, ND_ENS_STEP_RK4)                           \
    ND_ENS_SINGLE_DECL(name);                                                                 \
    ND_ENS_SINGLE_DECL(name)                                                                  \
    {                                                                                         \
        (void)kind;                                                                           \
        const nd_ens_block B = *blk;                                                          \
        const size_t nv = (NV);                                                               \
        if (B.n == 0 || B.nsteps <= 0) return;                                                \
        const int red = nd_ens_reduces(&B);                                                   \
        ND_ENS_LEAN_OR_FULL(name, rk4s, 4)                                                    \
    }                                                                                         \
    static const nd_model_kernels name##_kernels = {(NV), (NP), NULL, NULL, NULL, NULL, NULL, NULL, NULL};
#endif

/* The scalar pass: the model file compiled a third time with ND_SCALAR_PASS and without
 * ND_VECMATH, and linked into the same object. ND_SELECT is a real conditional there (model.h)
 * that evaluates only the side it picks, and exp, log, pow, ... are the C library's. ND_KERNELS
 * then defines only name##_drv_fixed, the single-trajectory driver's fixed steps, which overrides
 * the main pass's weak one, as the pass's plain RHS, Jacobian and diffusion override theirs
 * (model.h). The lanes need the branch-free select and SLEEF's vector functions to vectorise; one
 * trajectory is latency-bound and gains from skipping the unused side (Hodgkin–Huxley's exprel:
 * 18% of a run) and from glibc's exp, whose latency is 15 ns against SLEEF's 21 (one RK4 stage
 * waits for its exps). The driver and the table stepper both call libm, so they agree bitwise;
 * a lane differs from them by rounding where the body calls a math function (vecmath.h). */
#ifdef ND_SCALAR_PASS
#undef ND_KERNELS
#define ND_KERNELS(name, NV, NP)                                                             \
    ND_ENS_F_VIA_DOUBLE(name, NV, double, rk4)                                               \
    ND_ENS_F_VIA_DOUBLE(name, NV, double, tab)                                               \
    ND_DRV_FIXED(name, NV, NP)                                                               \
    static const nd_model_kernels name##_kernels = {(NV), (NP), NULL, NULL, NULL, NULL, NULL, NULL, NULL};
#endif
#endif

#endif
