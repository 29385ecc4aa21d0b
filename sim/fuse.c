/* Fusion of projections into their postsynaptic LIF group: a projection whose output is the
 * group's input current (exponential or dual-exponential conductance, CUBA or COBA on the
 * group's V) leaves the output to the group, which sums it inside its one-pass step
 * (sim/lif.c) instead of the projection making a pass of its own over the neurons.
 *
 * The general path adds, per step: the inputs into the input row, then each projection's
 * output in the order the projections were added, then integrates. The fused step reads the
 * input row and adds the same outputs in the same order, so it is the same computation; that
 * holds only with the default phase order and when every projection onto the input row is
 * fused, with the group's period. When the input row's only input is a constant added every step,
 * the row's reset to its base values and that input happen in the step too (base + x, the same
 * operation). Decided at the start of every run, since periods, order and
 * the switch (nd_net_set_fusion) may change between runs. */
#include <string.h>

#include "sim_impl.h"

void nd_net_set_fusion(nd_net *net, int on) { net->fuse = on != 0; }

static int default_order(const nd_net *net)
{
    for (int k = 0; k < 4; k++)
        if (net->order[k] != (nd_phase)k) return 0;
    return 1;
}

static int fusable(const nd_proj *p, const nd_group *post)
{
    if (p->syn.kind != ND_SYN_EXP && p->syn.kind != ND_SYN_DUAL_EXP) return 0;
    if (p->period != post->period) return 0;
    return p->syn.out != ND_OUT_COBA || p->V == post->X + (size_t)post->spike_var * post->n;
}

/* The projections onto g's input row, in order, if all of them can be fused; -1 if not. */
static int fusable_projections(const nd_net *net, const nd_group *g, nd_proj **found)
{
    const double *row = g->P + (size_t)g->input_par * g->n;
    int n = 0;
    for (size_t k = 0; k < net->n_projs; k++) {
        nd_proj *p = net->projs[k];
        if (p->target != row) continue;
        if (!fusable(p, g) || n == ND_MAX_CHANNELS) return -1;
        found[n++] = p;
    }
    return n;
}

/* The input row of g can be computed inside the step when its only input is a scalar
 * constant added every step (or it has none): base + x in the step instead of a pass of
 * the input phase. */
static void plan_input(nd_net *net, nd_group *g)
{
    input_rec *only = NULL;
    for (size_t k = 0; k < net->n_inputs; k++) {
        input_rec *r = &net->inputs[k];
        if (r->g != g || r->par != g->input_par) continue;
        if (only || r->type != ND_INPUT_FIX || r->vector || r->op != '+' || r->period != 1) return;
        only = r;
    }
    g->fold_input = 1;
    g->fold_value = only ? only->value : 0.0;
    if (only) only->folded = 1;
}

void net_plan_fusion(nd_net *net)
{
    for (size_t k = 0; k < net->n_projs; k++) net->projs[k]->fused = 0;
    for (size_t k = 0; k < net->n_groups; k++) net->groups[k]->n_chan = 0, net->groups[k]->fold_input = 0;
    for (size_t k = 0; k < net->n_inputs; k++) net->inputs[k].folded = 0;
    if (!net->fuse || !default_order(net)) return;
    for (size_t k = 0; k < net->n_groups; k++) {
        nd_group *g = net->groups[k];
        nd_proj *found[ND_MAX_CHANNELS];
        if ((g->kind != GROUP_LIF_EXP && g->kind != GROUP_LIF_EULER) || g->input_par < 0 ||
            strcmp(g->model->par_names[g->input_par], "I") != 0) /* the step reads LIF's I */
            continue;
        int n = fusable_projections(net, g, found);
        if (n < 0) continue;
        plan_input(net, g);
        for (int c = 0; c < n; c++) {
            int coba = found[c]->syn.out == ND_OUT_COBA;
            g->chan[c] = (syn_channel){proj_output_g(found[c]), coba ? found[c]->syn.E : 1.0, coba ? 1.0 : 0.0};
            found[c]->fused = 1;
        }
        g->n_chan = n;
    }
}
