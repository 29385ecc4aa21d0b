/* neurodyn — network simulation: BrainPy's runner semantics in C.
 *
 * A network (nd_net) holds neuron groups, projections (synapses over a connection), inputs,
 * monitors and callbacks, and advances them with one fixed step dt:
 *
 *     nd_net *net;  nd_net_new(0.1, &net, &err);
 *     nd_group *E;  nd_net_add_lif(net, "E", 3200, &lif_params, &E, &err);
 *     nd_conn c;    nd_conn_fixed_prob(3200, 3200, 0.02, 1, seed, &c, &err);
 *     nd_syn_params s = nd_syn_exp(5.0, 0.6);  s.out = ND_OUT_COBA;  s.E = 0.0;
 *     nd_net_add_proj(net, "E2E", E, E, &c, &s, NULL, &err);   // the projection owns c
 *     nd_input in = nd_input_fix("E.I", 20.0);  nd_net_add_input(net, &in, &err);
 *     nd_monitor *m; nd_net_add_monitor(net, "E.spike", NULL, 0, 1, &m, &err);
 *     nd_net_run(net, 1000.0, &err);                            // continues where it stopped
 *
 * One step from t to t + dt runs the phases in order (nd_net_set_order changes it):
 *   1. inputs       every group's input parameter is reset to its base value, then the
 *                   inputs apply their operation (+ - * / =) to their targets;
 *   2. projections  delayed presynaptic spikes (those the groups emitted at earlier steps) are
 *                   delivered event by event over CSR, synaptic states advance by dt, and
 *                   the synaptic output is added to the postsynaptic target;
 *   3. groups       every group integrates its neurons from t to t + dt (vectorised across
 *                   neurons), detects spikes, resets, holds refractory neurons;
 *   4. monitors     record the state after the step, stamped with t (BrainPy's mon.ts).
 * Callbacks run after the phases. Each component has an update period in steps (BrainPy's
 * @every): a component with period k runs at steps that are multiples of k and advances by
 * k*dt. Variables of a group are named "GROUP.NAME", NAME a state variable, a parameter
 * (each neuron has its own copy), "spike" or "t_last_spike". */
#ifndef NEURODYN_SIM_H
#define NEURODYN_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "connect.h"
#include "error.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nd_net nd_net;
typedef struct nd_group nd_group;
typedef struct nd_proj nd_proj;
typedef struct nd_monitor nd_monitor;

/* ---- the network ---------------------------------------------------------------------------- */
/* dt > 0 and finite (ms in the built-in models). */
nd_status nd_net_new(double dt, nd_net **out, nd_error *err);
void nd_net_free(nd_net *net);
/* Advances by round(duration / dt) steps from the current time; run(a) then run(b) equals
 * run(a + b) bit for bit. Monitors grow first, refused before allocation when their record
 * would not fit in memory (the message gives the size). */
nd_status nd_net_run(nd_net *net, double duration, nd_error *err);
/* Back to t = 0: initial states, synapses and delay buffers cleared, monitors emptied. */
void nd_net_reset(nd_net *net);
double nd_net_time(const nd_net *net);
long nd_net_steps(const nd_net *net);
double nd_net_dt(const nd_net *net);
/* Synapses in all projections. */
size_t nd_net_synapse_count(const nd_net *net);

typedef enum nd_phase { ND_PHASE_INPUTS, ND_PHASE_PROJECTIONS, ND_PHASE_GROUPS, ND_PHASE_MONITORS } nd_phase;
/* A permutation of the four phases. */
nd_status nd_net_set_order(nd_net *net, const nd_phase order[4], nd_error *err);
/* 1 (default): a projection whose output is the input current of a LIF group (exponential
 * or dual-exponential synapse, CUBA or COBA) is summed inside the group's one-pass step; 0: the
 * general path, each phase a pass of its own. Both give the same results bit for bit; the
 * switch is there to check that. */
void nd_net_set_fusion(nd_net *net, int on);
/* Progress bar on stderr: -1 (default) when stderr is a terminal, 0 never, 1 always. */
void nd_net_set_progress(nd_net *net, int mode);
/* Called after each step whose index is a multiple of period; non-zero stops the run
 * (nd_net_run returns ND_ESTOPPED). */
typedef int (*nd_step_fn)(nd_net *net, long step, double t, void *ctx);
nd_status nd_net_add_callback(nd_net *net, nd_step_fn fn, void *ctx, long period, nd_error *err);

/* ---- neuron groups -------------------------------------------------------------------------- */
/* A group of n copies of any model (zoo or user), integrated with a fixed-step method by name:
 * explicit Runge–Kutta tables run on the model's vectorised kernels (ND_KERNELS) over the
 * structure-of-arrays state; "exponential_euler" and models without kernels step neuron by
 * neuron. The model's spike rule gives threshold, reset and refractoriness; a model without
 * one gets spike detection from nd_group_set_threshold. The input parameter (the one synapses
 * and inputs add to) is the first of I, Iext, I_ext, Iapp the model has, or set with
 * nd_group_set_input. */
/* method NULL: "rk4". A state that becomes NaN or Inf stops the run with ND_ENONFINITE, naming
 * the group, variable, neuron and time. */
nd_status nd_net_add_group(nd_net *net, const char *name, const nd_model *model, size_t n,
                           const char *method, nd_group **out, nd_error *err);

/* BrainPy's LIF with refractoriness: tau dV/dt = -(V - V_rest) + R I, spike at V >= V_th,
 * V <- V_reset and held for tau_ref. Exponential Euler (exact for the linear membrane with I
 * held over a step, BrainPy's exp_auto) by default. */
typedef struct nd_lif_params {
    double V_rest, V_reset, V_th, R, tau, tau_ref;
    double V_init;      /* initial V of every neuron */
    const char *method; /* NULL: "exponential_euler" */
} nd_lif_params;
nd_lif_params nd_lif_defaults(void); /* BrainPy's defaults: 0, -5, 20, 1, 10, 0; V_init 0 */
nd_status nd_net_add_lif(nd_net *net, const char *name, size_t n, const nd_lif_params *p,
                         nd_group **out, nd_error *err);
/* The zoo's Izhikevich (RS defaults, method NULL: "euler") and Hodgkin–Huxley (method NULL:
 * "rk4"; spikes are upward crossings of V = 20 mV, BrainPy's V_th). */
nd_status nd_net_add_izhikevich(nd_net *net, const char *name, size_t n, const char *method,
                                nd_group **out, nd_error *err);
nd_status nd_net_add_hh(nd_net *net, const char *name, size_t n, const char *method,
                        nd_group **out, nd_error *err);
/* n independent Poisson spike trains of rate_hz each (time in ms), drawn from Philox keyed by
 * (seed, neuron, step): reproducible and independent of how a run is split. */
nd_status nd_net_add_poisson(nd_net *net, const char *name, size_t n, double rate_hz,
                             uint64_t seed, nd_group **out, nd_error *err);

size_t nd_group_size(const nd_group *g);
const char *nd_group_name(const nd_group *g);
/* The n values of a state variable or parameter by name (the message lists the names). Writes
 * change the live state; nd_group_set_initial makes them the state reset restores. Parameter
 * writes are seen by the next nd_net_run; a callback that writes parameters during a run
 * calls nd_group_array again after writing, so cached per-parameter values are refreshed. */
double *nd_group_array(nd_group *g, const char *name, nd_error *err);
/* Sets a parameter for every neuron (also the base value of the input parameter). */
nd_status nd_group_set_par(nd_group *g, const char *name, double value, nd_error *err);
/* Makes the current state the one nd_net_reset restores. */
void nd_group_set_initial(nd_group *g);
nd_status nd_group_set_input(nd_group *g, const char *par, nd_error *err);
/* Spike detection for models without a spike rule: upward crossings of var = threshold. */
nd_status nd_group_set_threshold(nd_group *g, const char *var, double threshold, nd_error *err);
nd_status nd_group_set_period(nd_group *g, long period, nd_error *err);
/* Spike flags of the last step (n bytes) and spike count since reset. */
const uint8_t *nd_group_spikes(const nd_group *g);
long nd_group_spike_count(const nd_group *g);

/* ---- synapses and projections ---------------------------------------------------------------- */
typedef enum nd_syn_kind {
    ND_SYN_EXP,      /* g' = -g/tau, g += w on a spike (BrainPy Expon) */
    ND_SYN_DUAL_EXP, /* h' = -h/tau_rise, g' = -g/tau_decay + h, h += w (BrainPy DualExpon) */
    ND_SYN_AMPA,     /* g' = alpha T (1 - g) - beta g, T = T_conc for T_dur after a pre spike */
    ND_SYN_GABAA     /* the same kinetic scheme with BrainPy's GABAa constants */
} nd_syn_kind;

typedef enum nd_syn_out {
    ND_OUT_CUBA, /* target += g */
    ND_OUT_COBA  /* target += g (E - V_post) */
} nd_syn_out;

typedef struct nd_syn_params {
    nd_syn_kind kind;
    nd_syn_out out;
    double g_max;          /* weight of each synapse (the connection's weights when it has them) */
    double tau;            /* ND_SYN_EXP decay (ms) */
    double tau_rise, tau_decay; /* ND_SYN_DUAL_EXP */
    double alpha, beta, T_conc, T_dur; /* kinetic synapses */
    double E;              /* reversal potential of ND_OUT_COBA */
    double delay;          /* constant delay (ms), rounded to whole steps */
    const char *target;    /* postsynaptic variable or parameter; NULL: the input parameter */
    const char *voltage;   /* postsynaptic potential of ND_OUT_COBA; NULL: "V" (or "v") */
} nd_syn_params;

/* BrainPy's definitions: Expon(tau), DualExpon(tau_decay=10, tau_rise=1), AMPA (alpha 0.98,
 * beta 0.18, T 0.5 mM for 0.5 ms, E 0, g_max 0.42, COBA), GABAa (alpha 0.53, beta 0.18,
 * T 1 mM for 1 ms, E -80, g_max 0.04, COBA). */
nd_syn_params nd_syn_exp(double tau, double g_max);
nd_syn_params nd_syn_dual_exp(double tau_rise, double tau_decay, double g_max);
nd_syn_params nd_syn_ampa(void);
nd_syn_params nd_syn_gabaa(void);

/* A projection from pre to post over conn (sizes must match the groups). On success the
 * projection owns *conn (and zeroes the caller's copy); on failure the caller still does. */
nd_status nd_net_add_proj(nd_net *net, const char *name, nd_group *pre, nd_group *post,
                          nd_conn *conn, const nd_syn_params *syn, nd_proj **out, nd_error *err);
nd_status nd_proj_set_period(nd_proj *p, long period, nd_error *err);
const nd_conn *nd_proj_conn(const nd_proj *p);
/* The conductance per postsynaptic neuron (exp, dual-exp) or per presynaptic neuron (kinetic). */
const double *nd_proj_g(const nd_proj *p, size_t *n);

/* ---- inputs ---------------------------------------------------------------------------------- */
typedef enum nd_input_type {
    ND_INPUT_FIX,  /* the same value(s) every step */
    ND_INPUT_ITER, /* series[k] (or series[k*n + i] with per_neuron) at the k-th step of the
                      input since reset; a run past its end is refused before it starts */
    ND_INPUT_FUNC  /* func(t, ctx) every step */
} nd_input_type;

typedef struct nd_input {
    const char *target;    /* "GROUP.NAME" */
    nd_input_type type;
    char op;               /* '+' (default when 0), '-', '*', '/', '=' */
    double value;          /* FIX scalar */
    const double *vector;  /* FIX per neuron (n values), copied; NULL: value */
    const double *series;  /* ITER values, copied */
    size_t series_len;     /* steps covered */
    int per_neuron;        /* ITER: series holds n values per step */
    double (*func)(double t, void *ctx);
    void *ctx;
    long period;           /* steps between applications, 0 = 1 */
} nd_input;

nd_input nd_input_fix(const char *target, double value);
nd_input nd_input_iter(const char *target, const double *series, size_t len);
nd_input nd_input_func(const char *target, double (*func)(double, void *), void *ctx);
nd_status nd_net_add_input(nd_net *net, const nd_input *in, nd_error *err);

/* ---- monitors -------------------------------------------------------------------------------- */
/* Records "GROUP.NAME" (or a projection's conductance "PROJ.g", and "PROJ.h" of a
 * dual-exponential synapse) at indices idx[0..n_idx) (NULL: all) every `period` steps. A
 * monitor on "GROUP.spike" records spike events (time, neuron) instead of a matrix. */
nd_status nd_net_add_monitor(nd_net *net, const char *target, const size_t *idx, size_t n_idx,
                             long period, nd_monitor **out, nd_error *err);
size_t nd_monitor_rows(const nd_monitor *m);   /* records so far */
size_t nd_monitor_cols(const nd_monitor *m);   /* neurons recorded */
const double *nd_monitor_times(const nd_monitor *m);
const double *nd_monitor_data(const nd_monitor *m); /* rows x cols, row-major */
/* Spike monitors: n events with their times and neuron indices (into the group). */
size_t nd_monitor_spikes(const nd_monitor *m, const double **times, const uint32_t **ids);

/* ---- measurements (BrainPy brainpy.measure) -------------------------------------------------- */
/* Population rate in Hz (times in ms) of n_neurons from spike times, on the grid
 * t0 + k*dt, k < n_steps, smoothed by a centred window of `width` ms (BrainPy firing_rate:
 * mean spikes per neuron per step convolved with ones(width/dt)/width*1000, mode 'same'). */
nd_status nd_firing_rate(const double *times, size_t n_spikes, size_t n_neurons, double t0,
                         double dt, size_t n_steps, double width, double *rate, nd_error *err);
/* Synchrony (BrainPy cross_correlation): spike trains binned into bins of `bin` ms over
 * [t0, t1), 1 where a neuron spiked in a bin; the mean over pairs i<j of
 * sum(x_i x_j) / sqrt(sum x_i sum x_j), pairs with a silent neuron counting 0. */
nd_status nd_cross_correlation(const double *times, const uint32_t *ids, size_t n_spikes,
                               size_t n_neurons, double t0, double t1, double bin, double *out,
                               nd_error *err);
/* BrainPy voltage_fluctuation of V (rows times x cols neurons): the variance over time of the
 * population mean divided by the mean over neurons of each neuron's variance over time. */
nd_status nd_voltage_fluctuation(const double *V, size_t rows, size_t cols, double *out,
                                 nd_error *err);
/* Inter-spike intervals of one neuron (n_times ascending times -> n_times - 1 intervals) and
 * their coefficient of variation std/mean (NaN with fewer than two intervals). */
nd_status nd_isi(const double *times, size_t n_times, double *isi, nd_error *err);
double nd_cv(const double *isi, size_t n);

/* ---- input generators (BrainPy brainpy.inputs) ------------------------------------------------ */
/* Each returns a malloc'd series of *len = round(duration / dt) values (caller frees). */
/* section_input / period_input: values[k] for durations[k] ms, one after another. */
nd_status nd_section_input(const double *values, const double *durations, size_t n, double dt,
                           double **out, size_t *len, nd_error *err);
nd_status nd_period_input(const double *values, const double *durations, size_t n, double dt,
                          double **out, size_t *len, nd_error *err);
/* constant_current: the same as section_input (BrainPy constant_input's (I, duration) pairs). */
nd_status nd_constant_current(const double *values, const double *durations, size_t n,
                              double dt, double **out, size_t *len, nd_error *err);
/* spike_input: pulses of size sizes[k] lasting lens[k] ms starting at times[k], 0 elsewhere. */
nd_status nd_spike_input(const double *times, size_t n, const double *lens, const double *sizes,
                         double duration, double dt, double **out, size_t *len, nd_error *err);
/* ramp_input: linear from c_start to c_end over [t_start, t_end), 0 outside. */
nd_status nd_ramp_input(double c_start, double c_end, double duration, double t_start,
                        double t_end, double dt, double **out, size_t *len, nd_error *err);
/* Poisson spike times (ms) of rate_hz over [0, duration), step dt, Philox (seed, train):
 * *n spike times, malloc'd. */
nd_status nd_poisson_train(double rate_hz, double duration, double dt, uint64_t seed,
                           uint64_t train, double **times, size_t *n, nd_error *err);

/* ---- the E/I balanced COBA network (Vogels & Abbott 2005; Brette et al. 2007; BrainPy) ------ */
typedef struct nd_coba_params {
    size_t n_exc, n_inh;   /* 3200, 800 */
    double p;              /* 0.02 */
    double we, wi;         /* 0.6, 6.7 */
    double input;          /* 20 */
    double dt;             /* 0.1 ms */
    uint64_t seed;
    const char *method;    /* NULL: exponential_euler */
} nd_coba_params;
nd_coba_params nd_coba_defaults(void);
/* Builds the network, with a spike monitor on E where mon_e is given and on I where mon_i is
 * (NULL: none, so a run that needs only the counts records nothing). */
nd_status nd_coba_build(const nd_coba_params *p, nd_net **net, nd_group **E, nd_group **I,
                        nd_monitor **mon_e, nd_monitor **mon_i, nd_error *err);

#ifdef __cplusplus
}
#endif

#endif
