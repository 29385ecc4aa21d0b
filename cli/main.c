/* neurodyn — command-line entry: dispatches to the subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
    const char *name;
    int (*run)(int, char **);
    const char *summary;
} commands[] = {
    {"models", cmd_models, "list the built-in models"},
    {"info", cmd_info, "describe a model: variables, parameters, defaults, reference"},
    {"simulate", cmd_simulate, "integrate a model and write the trajectory as TSV"},
    {"fixed-points", cmd_fixed_points, "equilibria in a box, with eigenvalues and stability"},
    {"phase-plane", cmd_phase_plane, "nullclines, vector field, fixed points, trajectories, separatrices"},
    {"bifurcation", cmd_bifurcation, "equilibrium diagram in one parameter: LP, Hopf (with l1), BP"},
    {"bifurcation2", cmd_bifurcation2, "fold and Hopf curves in two parameters: BT, CP, ZH, GH, HH"},
    {"fast-slow", cmd_fast_slow, "fast subsystem against a slow variable, trajectory overlay, burster class"},
    {"report", cmd_report, "the main job: every analysis the model allows, figures, summary.json, index.html"},
    {"coba", cmd_coba, "the E/I balanced COBA network of 4000 LIF neurons (BrainPy's parameters)"},
    {"prc", cmd_prc, "phase response curve of a stable limit cycle: adjoint and direct methods"},
    {"poincare", cmd_poincare, "Poincare section: crossings, return map, return times"},
    {"basins", cmd_basins, "basins of attraction on a grid of initial states (batched ensemble)"},
    {"sweep", cmd_sweep, "attractors over a parameter grid from one batched ensemble (CPU cores or GPU)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: neurodyn <command> [MODEL] [options]\n"
               "       neurodyn help [COMMAND]\n"
               "       neurodyn --version\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nMODEL is a built-in name (neurodyn models), a model .c file or a .so.\n"
               "Every command takes --help. Exit status: 0 success, 1 failed computation, 2 bad usage.\n");
}

static int find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(name, commands[i].name) == 0) return (int)i;
    return -1;
}

static int unknown_command(const char *name)
{
    fprintf(stderr, "neurodyn: unknown command '%s'\n", name);
    usage(stderr);
    return EXIT_USAGE;
}

/* neurodyn help [COMMAND]: the general usage, or COMMAND --help. */
static int help(int argc, char **argv)
{
    if (argc == 1) {
        usage(stdout);
        return EXIT_OK;
    }
    if (argc > 2) {
        fprintf(stderr, "neurodyn help: one COMMAND at most ('%s' is a second)\n", argv[2]);
        return EXIT_USAGE;
    }
    int i = find_command(argv[1]);
    if (i < 0) return unknown_command(argv[1]);
    static char help_option[] = "--help";
    char *help_argv[] = {argv[1], help_option, NULL};
    return commands[i].run(2, help_argv);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "help") == 0) return help(argc - 1, argv + 1);
    if (strcmp(argv[1], "--version") == 0) {
        printf("neurodyn %s\n", ND_VERSION_STRING);
        return EXIT_OK;
    }
    int i = find_command(argv[1]);
    if (i >= 0) cli_catch_faults(argc, argv);
    return i < 0 ? unknown_command(argv[1]) : commands[i].run(argc - 1, argv + 1);
}
