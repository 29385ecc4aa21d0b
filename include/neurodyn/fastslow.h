/* neurodyn — fast–slow (Rinzel) analysis: the fast subsystem of a model with its slow variables
 * turned into parameters, so that every analysis (fixed points, equilibrium and cycle
 * continuation, two-parameter curves) runs on it unchanged, and the classification of bursters
 * from the bifurcations of the fast subsystem (Izhikevich 2000, Int. J. Bifurcation Chaos
 * 10:1171). */
#ifndef NEURODYN_FASTSLOW_H
#define NEURODYN_FASTSLOW_H

#include "analysis.h"
#include "continuation.h"
#include "cycles.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ND_FAST_SLOTS 8 /* fast subsystems that can exist at once */

/* The fast subsystem of `full` with the variables flagged in `slow` as parameters. Its
 * parameters are those of `full` followed by one per slow variable (named like the variable,
 * default its initial value); its variables are the others. The descriptor points into the
 * struct, which must stay alive while the model is used; release it with
 * nd_fast_subsystem_free. At most ND_FAST_SLOTS at once (the RHS is a trampoline per slot). */
typedef struct nd_fast_subsystem {
    nd_model model;       /* the fast subsystem as a model */
    const nd_model *full;
    size_t n_fast, n_slow;
    size_t *fast_idx, *slow_idx; /* indices into the full model's variables */
    const char **var_names, **par_names;
    double *par_defaults, *init;
    char name[96];
    int slot;
} nd_fast_subsystem;

nd_status nd_fast_subsystem_init(nd_fast_subsystem *fs, const nd_model *full, const int *slow, nd_error *err);
void nd_fast_subsystem_free(nd_fast_subsystem *fs);

/* The parameter index of slow variable k (0-based among the slow ones) in the fast model. */
int nd_fast_slow_par(const nd_fast_subsystem *fs, size_t k);

/* ---- the fast–slow diagram and the burster's class --------------------------------------------
 *
 * nd_fast_slow_analyse computes, for one slow variable s of a model:
 *  - a trajectory of the full model (rkdp, rtol 1e-8) and its activity: spikes are upward
 *    crossings of the middle of the spike variable's range (with hysteresis: the variable must
 *    fall below a quarter of the range in between); inter-spike intervals split into bursts at
 *    the largest jump of the sorted intervals when that jump is a factor above 2;
 *  - the fast subsystem's equilibria continued in s over [slow_lo, slow_hi] (LP, H with l1),
 *    its cycles from every Hopf point, and the spiking cycle found by simulating the fast
 *    subsystem at the middle of the burst's excursion in s, continued both ways (LPC, PD, NS;
 *    a branch whose period grows without bound ends at a homoclinic orbit, or at a SNIC when a
 *    fold lies there);
 *  - the slow nullcline ds/dt = 0 in the plane (s, spike variable), the other variables held at
 *    their mean over the trajectory (exact when ds/dt depends on s and the spike variable only,
 *    as in Hindmarsh–Rose);
 *  - the burster's class in Izhikevich's (2000) naming "onset/termination": the bifurcation of
 *    the fast subsystem nearest to the slow value where bursts begin that ends the resting
 *    state (fold, circle = SNIC, Hopf, subHopf), and the one nearest to where they end that
 *    ends the spiking cycle (homoclinic, circle, fold cycle, Hopf). A candidate further than half
 *    the burst's excursion in s is not accepted ("unknown"). */
typedef struct nd_fs_opts {
    int slow;                 /* the slow variable on the axis (full-model index); -1: the first
                                 of the model's slow_vars */
    double slow_lo, slow_hi;  /* its range; NaN: the model's box, narrowed to 4 times the
                                 trajectory's excursion in it on either side, unless that is
                                 narrower than a tenth of the box (a trajectory at rest): then
                                 the box (result: range_source, range_note) */
    const double *var_lo, *var_hi; /* box of the variables (n_vars, full-model order; NULL: the
                                      model's); the fast ones bound the continuation */
    const double *x0;         /* initial state of the trajectory (NULL: the model's) */
    double t1, transient;     /* trajectory length and the part discarded (t1 0: three times the
                                 model's t_sim, or 3000, and a third of it) */
    size_t samples;           /* samples kept after the transient (0: 40000) */
    int spike_var;            /* full-model index of the variable that spikes; -1: the first
                                 fast variable */
    int cycles;               /* 0: no cycle continuation (equilibria and trajectory only) */
} nd_fs_opts;

void nd_fs_opts_init(nd_fs_opts *o);

typedef enum nd_fs_activity { ND_FS_QUIESCENT = 0, ND_FS_TONIC = 1, ND_FS_BURSTING = 2 } nd_fs_activity;
/* Where the slow range came from: the options, the trajectory's excursion, the model's box. */
typedef enum nd_fs_range_source { ND_FS_RANGE_GIVEN = 0, ND_FS_RANGE_TRAJECTORY, ND_FS_RANGE_BOX } nd_fs_range_source;

/* A bifurcation of the fast subsystem in s. type: "LP", "H", "LPC", "PD", "NS", "HC"
 * (homoclinic: a cycle branch ends with its period growing), "SNIC" (the same at a fold). */
typedef struct nd_fs_special {
    char type[8];
    double slow;      /* the slow variable */
    double x;         /* the spike variable there (a cycle's: its minimum; HC: at the last point) */
    double period;    /* cycles: the period there; NaN for equilibria */
    double l1;        /* H: the first Lyapunov coefficient (negative: supercritical); else NaN */
    int branch;       /* LP, H: the equilibrium branch; others: the cycle branch */
    const double *u;  /* LP, H: the point on the equilibrium branch (fast variables, then s),
                         inside the result's eq; NULL for the others */
} nd_fs_special;

typedef struct nd_fast_slow {
    nd_fast_subsystem fs;   /* the fast subsystem (its RHS finds this struct: do not move it) */
    int slow;               /* full-model index of the slow variable on the axis */
    int par;                /* its parameter index in fs.model */
    int spike_var;          /* full-model index */
    double slow_lo, slow_hi;
    nd_fs_range_source range_source;
    char range_note[200];   /* with ND_FS_RANGE_BOX: why the trajectory did not set the range */
    double *p;              /* parameters of fs.model (slow ones: values used) */
    double *lo, *hi, *at;   /* the fast region (fast-model order) */
    nd_region region;
    nd_bif_diagram eq;      /* equilibria of the fast subsystem in s */
    nd_cycle_set cycles;    /* its cycle branches */
    nd_trajectory traj;     /* the full model after the transient */
    size_t n_nullcline;     /* the slow nullcline: pieces of (s, spike variable) */
    nd_curve *nullcline;    /* x = s, y = the spike variable */
    size_t n_special;
    nd_fs_special *special;
    /* activity of the trajectory after the transient: spikes rise by at least a fiftieth of
     * the spike variable's box; spikes that stop for good (the last is followed by more than
     * twice the longest interval between them, or there is only one) are a transient: the
     * activity is quiescent, n_spikes 0 and the note says so */
    nd_fs_activity activity;
    size_t n_spikes, n_bursts;      /* bursts: complete ones (a gap before and after) */
    double spikes_per_burst, burst_period, spike_period;
    double onset_slow, end_slow;    /* mean s at the first and last spike of the bursts */
    int onset_special, end_special; /* indices into special, or -1 */
    char onset[16], termination[16], burster[40]; /* "fold", "homoclinic", "fold/homoclinic";
                                                     "" when not bursting */
    char note[320];         /* why a class is unknown, spikes were a transient, or a cycle start failed */
} nd_fast_slow;

/* Runs the analysis of the full model `m` at parameters p (m->n_pars values). The result must
 * stay where it was filled (the fast subsystem's RHS refers to it); release with
 * nd_fast_slow_free. */
nd_status nd_fast_slow_analyse(const nd_model *m, const double *p, const nd_fs_opts *o, nd_fast_slow *out,
                               nd_error *err);
void nd_fast_slow_free(nd_fast_slow *fsd);

#ifdef __cplusplus
}
#endif

#endif
