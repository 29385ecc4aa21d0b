/* neurodyn coba: the E/I balanced COBA network (4000 LIF neurons) with BrainPy's parameters. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static const char *HELP =
    "usage: neurodyn coba [--t1 MS] [--seed N] [--method NAME] [--plot FILE] [--json]\n"
    "\n"
    "Simulates the E/I balanced network of Vogels & Abbott (2005) in the COBA form of Brette et\n"
    "al. (2007) with BrainPy's parameters: 3200 excitatory and 800 inhibitory LIF neurons\n"
    "(V_rest -60, V_th -50, V_reset -60 mV, tau 20 ms, tau_ref 5 ms, V(0) ~ Normal(-55, 2)),\n"
    "FixedProb(0.02) connections, exponential conductance synapses (E: tau 5 ms, E 0 mV,\n"
    "weight 0.6; I: tau 10 ms, E -80 mV, weight 6.7), input 20, dt 0.1 ms. See docs/network.md.\n"
    "\n"
    "  --t1 MS        biological time to simulate (default 1000)\n"
    "  --seed N       seed of the connectivity and initial voltages (default 42)\n"
    "  --method NAME  the neurons' integration method (default exponential_euler)\n"
    "  --plot FILE    raster plot and population rate (PNG, SVG or PDF by extension); the data\n"
    "                 go next to it as FILE_spikes.tsv and FILE_rate.tsv with a FILE.gp script\n"
    "  --json         print {t1, neurons, synapses, spikes, rate_hz, wall_s} on stdout\n"
    CLI_TIMEOUT_HELP;

typedef struct coba_args {
    double t1;
    unsigned long long seed;
    const char *method, *plot;
    int json;
} coba_args;

enum { O_T1 = 1000, O_SEED, O_METHOD, O_PLOT, O_JSON, O_HELP };

static int parse(int argc, char **argv, coba_args *a)
{
    static const struct option opts[] = {
        {"t1", required_argument, 0, O_T1},         {"seed", required_argument, 0, O_SEED},
        {"method", required_argument, 0, O_METHOD}, {"plot", required_argument, 0, O_PLOT},
        {"json", no_argument, 0, O_JSON},           CLI_TIMEOUT_OPTION, {"help", no_argument, 0, O_HELP},
        {0, 0, 0, 0}};
    opterr = 0;
    optind = 1;
    int c, rc = 0;
    unsigned long seed;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case O_T1: rc = cli_number("coba", "t1", optarg, &a->t1); break;
        case O_SEED: rc = cli_count("coba", "seed", optarg, 0, (unsigned long)-1, &seed), a->seed = seed; break;
        case O_METHOD: a->method = optarg; break;
        case O_PLOT: a->plot = optarg; break;
        case O_JSON: a->json = 1; break;
        case CLI_O_TIMEOUT: rc = cli_timeout_option("coba", optarg); break;
        case 'h':
        case O_HELP: fputs(HELP, stdout); return -1;
        default: return cli_usage_error("coba", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
        if (rc) return rc;
    }
    if (optind < argc) return cli_usage_error("coba", "unexpected argument '%s'", argv[optind]);
    if (!(a->t1 > 0.0)) return cli_usage_error("coba", "--t1 %g must be positive", a->t1);
    return cli_check_plot_file_here("coba", a->plot);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int plot(const coba_args *a, const nd_monitor *me, const nd_monitor *mi, const nd_coba_params *c)
{
    nd_raster_group g[2] = {{.name = "E", .n_neurons = c->n_exc}, {.name = "I", .n_neurons = c->n_inh}};
    const uint32_t *ids;
    g[0].n_spikes = nd_monitor_spikes(me, &g[0].times, &ids), g[0].ids = ids;
    g[1].n_spikes = nd_monitor_spikes(mi, &g[1].times, &ids), g[1].ids = ids;
    nd_error err;
    double bin = a->t1 >= 100.0 ? 2.0 : a->t1 / 50.0;
    nd_plot_status st = nd_plot_raster(g, 2, 0.0, a->t1, bin, "COBA network: raster and population rate", a->plot, &err);
    if (st == ND_PLOT_FAILED) return cli_error("coba", &err);
    return EXIT_OK;
}

static void report(const coba_args *a, const nd_net *net, const nd_group *E, const nd_group *I, double wall)
{
    long se = nd_group_spike_count(E), si = nd_group_spike_count(I);
    double re = (double)se / (double)nd_group_size(E) / (a->t1 * 1e-3);
    double ri = (double)si / (double)nd_group_size(I) / (a->t1 * 1e-3);
    if (a->json) {
        json_t *doc = json_pack("{s:o, s:I, s:I, s:{s:I, s:I}, s:{s:o, s:o}, s:o}", "t1", cli_json_real(a->t1), "neurons",
                                (json_int_t)(nd_group_size(E) + nd_group_size(I)), "synapses",
                                (json_int_t)nd_net_synapse_count(net), "spikes", "E", (json_int_t)se, "I", (json_int_t)si,
                                "rate_hz", "E", cli_json_real(re), "I", cli_json_real(ri), "wall_s", cli_json_real(wall));
        cli_json_print(doc);
    } else {
        printf("COBA network: %zu neurons, %zu synapses, %g ms in %.3f s\n", nd_group_size(E) + nd_group_size(I),
               nd_net_synapse_count(net), a->t1, wall);
        printf("E: %ld spikes, %.2f Hz\nI: %ld spikes, %.2f Hz\n", se, re, si, ri);
    }
}

int cmd_coba(int argc, char **argv)
{
    coba_args a = {.t1 = 1000.0, .seed = 42};
    int rc = parse(argc, argv, &a);
    if (rc) return rc < 0 ? EXIT_OK : rc;
    cli_arm_timeout();
    nd_coba_params c = nd_coba_defaults();
    c.seed = a.seed, c.method = a.method;
    /* the steps, and the neuron-steps, before the network is built */
    if (cli_check_work("coba", "steps", a.t1, c.dt, 1, CLI_MAX_STEPS) ||
        cli_check_work("coba", "neuron-steps", a.t1, c.dt, (double)(c.n_exc + c.n_inh), CLI_MAX_TOTAL_STEPS))
        return EXIT_USAGE;
    nd_error err;
    nd_net *net;
    nd_group *E, *I;
    nd_monitor *me = NULL, *mi = NULL; /* spike times only for the raster plot */
    if (nd_coba_build(&c, &net, &E, &I, a.plot ? &me : NULL, a.plot ? &mi : NULL, &err)) return cli_error("coba", &err);
    double t0 = now();
    if (nd_net_run(net, a.t1, &err)) {
        nd_net_free(net);
        return cli_error("coba", &err);
    }
    double wall = now() - t0;
    report(&a, net, E, I, wall);
    if (a.plot) rc = plot(&a, me, mi, &c);
    nd_net_free(net);
    return rc;
}
