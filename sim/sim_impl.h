/* Internal layout of the network simulator (not installed). */
#ifndef ND_SIM_IMPL_H
#define ND_SIM_IMPL_H

#include "neurodyn/core.h"
#include "neurodyn/integrate.h"
#include "neurodyn/sim.h"

#define ND_NAME_LEN 64
#define ND_NEVER (-1e7) /* t_last_spike of a neuron that never fired (BrainPy's -1e7) */
/* Spike times are compared with a tolerance of a millionth of a step, so that
 * t - t_last <= tau_ref holds at t = t_last + tau_ref despite rounding (BrainPy's <=). */
#define REF_EPS 1e-6

/* GROUP_LIF_EXP and GROUP_LIF_EULER: the zoo LIF by exponential or forward Euler on its own
 * one-loop path (sim/lif.c); everything else is GROUP_MODEL. */
typedef enum group_kind { GROUP_MODEL, GROUP_LIF_EXP, GROUP_LIF_EULER, GROUP_POISSON } group_kind;

/* Most projections a group sums inside its own step (sim/fuse.c). */
#define ND_MAX_CHANNELS 4

/* A fused projection's output as the group reads it: input += g * (E - V * v_gain), with
 * v_gain 1 for COBA and, for CUBA, E = 1, v_gain = 0 (g * 1 is g exactly). */
typedef struct syn_channel {
    const double *g;
    double E, v_gain;
} syn_channel;

typedef enum step_kind { STEP_KERNEL_ERK, STEP_KERNEL_RK4, STEP_NEURON_ERK, STEP_NEURON_STEPPER } step_kind;

struct nd_group {
    char name[ND_NAME_LEN];
    group_kind kind;
    step_kind stepper_kind;
    size_t n, nv, np;
    const nd_model *model;
    const nd_method *method;
    double *X, *P;          /* X[v*n + i], P[k*n + i] */
    double *X0, *P0;        /* what nd_net_reset restores */
    double *input_base;     /* n: the input parameter's value at the start of every step */
    int input_par;          /* -1: none */
    int input_reset;        /* run_inputs: the input row was reset this step */
    uint8_t *spike;
    uint32_t *spike_ids;    /* the neurons that spiked in the last step, ascending */
    size_t n_spike_ids;
    double *t_last;
    long spike_count;
    /* spike rule: level test with reset, or upward crossing without */
    int detect, has_reset, spike_var, th_par, ref_par;
    double th, ref;
    double *prev;           /* n: the spiking variable before the step */
    double *work;           /* per-neuron scratch: x, p, y, stages */
    nd_model_system ms;     /* STEP_NEURON_STEPPER: one neuron at a time */
    nd_stepper *stepper;
    /* LIF exponential Euler: per-neuron decay exp(-h/tau), recomputed when h or tau change */
    double *decay;
    double decay_h;
    int pars_dirty, uniform, base_uniform;
    /* projections whose output this group adds inside its step (set by net_plan_fusion) */
    syn_channel chan[ND_MAX_CHANNELS];
    int n_chan;
    /* the input row's reset and its one input (+ fold_value), done inside the step */
    int fold_input;
    double fold_value;
    /* Poisson */
    double rate_hz;
    uint64_t seed;
    long period;
    nd_net *net;
};

struct nd_proj {
    char name[ND_NAME_LEN];
    nd_group *pre, *post;
    nd_conn conn;
    nd_syn_params syn;
    double *g, *h;          /* exp/dual: per post; kinetic: g per pre */
    double *post_g;         /* kinetic: summed conductance per post */
    double *arrival;        /* kinetic: last spike arrival per pre */
    double *target;         /* the postsynaptic row the output adds to */
    const double *V;        /* ND_OUT_COBA: postsynaptic potential */
    uint32_t *ring;         /* (delay_steps + 1) x n_pre spiking neuron ids */
    size_t *ring_n;         /* how many ids each slot holds */
    size_t delay_steps, ring_pos;
    int fused;              /* the post group adds the output inside its step */
    double decay_h, decay_g, decay_r; /* cached exp(-h/tau) for the last h */
    long period;
};

typedef struct input_rec {
    char target[2 * ND_NAME_LEN];
    nd_group *g;
    double *row;
    int is_par, par;
    nd_input_type type;
    char op;
    double value;
    double *vector, *series;
    size_t series_len;
    int per_neuron;
    double (*func)(double t, void *ctx);
    void *ctx;
    long period;
    int folded;             /* applied inside the group's step (sim/fuse.c) */
} input_rec;

struct nd_monitor {
    char target[2 * ND_NAME_LEN];
    nd_group *g;
    const double *row;      /* NULL for a spike monitor */
    size_t *idx;            /* cols neuron indices */
    uint8_t *want;          /* spike monitor: n flags, which neurons to record */
    size_t cols;
    long period;
    double *ts, *data;
    size_t rows, cap;
    double *sp_t;
    uint32_t *sp_i;
    size_t n_sp, sp_cap;
};

typedef struct callback_rec {
    nd_step_fn fn;
    void *ctx;
    long period;
} callback_rec;

struct nd_net {
    double dt;
    long step;
    nd_phase order[4];
    int progress;
    int fuse;               /* nd_net_set_fusion */
    nd_group **groups;
    nd_proj **projs;
    input_rec *inputs;
    nd_monitor **monitors;
    callback_rec *callbacks;
    size_t n_groups, n_projs, n_inputs, n_monitors, n_callbacks;
};

/* group.c */
nd_status group_update(nd_group *g, long step, double t, double h, nd_error *err);
void group_reset(nd_group *g);
void group_free(nd_group *g);
/* The row of a variable or parameter; is_par/par say which parameter (or -1). */
double *group_row(nd_group *g, const char *name, int *par, nd_error *err);
nd_group *net_find_group(nd_net *net, const char *target, const char **field, nd_error *err);

/* lif.c: the LIF step; non-zero status on a non-finite state */
nd_status lif_group_step(nd_group *g, double t, double h, nd_error *err);
/* Adds the fused projections' outputs to the input row (the general paths' way). */
void group_apply_channels(nd_group *g);
nd_status group_check_finite(const nd_group *g, double t, double h, nd_error *err);
nd_status group_model_step(nd_group *g, double t, double h, nd_error *err);
/* The spike ids from the spike flags (every path but the fused LIF one writes flags only). */
void group_collect_spike_ids(nd_group *g);

/* fuse.c: which projections the post groups sum inside their step, decided at each run */
void net_plan_fusion(nd_net *net);

/* proj.c */
void proj_update(nd_proj *p, double t, double h);
/* The output a projection adds to its target: the conductance per post (exp, dual, kinetic). */
const double *proj_output_g(const nd_proj *p);
void proj_reset(nd_proj *p);
void proj_free(nd_proj *p);

/* a pointer array that grows by one */
int net_append(void **array, size_t *n, size_t size, const void *item);

#endif
