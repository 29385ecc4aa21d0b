/* The neurodyn command: shared helpers of the subcommands. */
#ifndef ND_CLI_H
#define ND_CLI_H

#include <stdio.h>

#include <jansson.h>

#include "neurodyn/neurodyn.h"

/* Exit statuses of the command-line contract (docs/cli.md). */
enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

/* Prints "neurodyn CMD: message" on stderr and returns the exit status for an error: usage
 * problems (bad values, unknown names) give 2, failed computations 1. */
int cli_error(const char *cmd, const nd_error *err);
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Loads MODEL and fills default parameters and state (caller frees p and x). */
int cli_load_model(const char *cmd, const char *spec, nd_model_ref *ref, double **p, double **x);

/* Parses a finite double option value; exits via the returned status on error. */
int cli_number(const char *cmd, const char *opt, const char *text, double *out);

/* Writes a JSON string literal (with escapes) of s to f. */
void cli_json_string(FILE *f, const char *s);

/* Parses NAME=VALUE for a parameter. */
int cli_parse_value(const char *cmd, const nd_model *m, const char *text, int *index, double *value);
/* Parses NAME=LO:HI for a variable (is_par 0) or parameter (1). */
int cli_parse_range(const char *cmd, const nd_model *m, const char *text, int is_par, int *index,
                    double *lo, double *hi);
/* The same for a grid of n_points values: one point may be LO = HI (sweep --par I=2:2:1). */
int cli_parse_grid_range(const char *cmd, const nd_model *m, const char *text, int is_par, size_t n_points,
                         int *index, double *lo, double *hi);
/* Fills lo/hi from the model's default box for variables neither given nor fixed; for a model
 * that declares none, from its trajectory at (p, x) (nd_model_box), saying so on stderr. */
int cli_region_from_model(const char *cmd, const nd_model *m, const double *p, const double *x, double *lo, double *hi,
                          const int *given, const int *fixed);

/* The repeatable --set, --fix and --range options of the analysis commands. */
typedef struct cli_lists {
    const char **sets, **fixes, **ranges;
    int n_sets, n_fixes, n_ranges;
} cli_lists;

/* Applies --set to p and --fix to x (marking fixed), parses --range into lo/hi and fills the
 * other free variables' boxes from the model (lo, hi, fixed: n_vars each, zeroed). */
int cli_region(const char *cmd, const nd_model *m, double *p, double *x, const cli_lists *l, double *lo,
               double *hi, int *fixed);

/* Loads MODEL, runs run(args, model, default parameters, initial state) and frees them. */
typedef int (*cli_model_fn)(const void *args, const nd_model *m, double *p, double *x);
int cli_with_model(const char *cmd, const char *spec, cli_model_fn run, const void *args);

/* Limits of the work a command may ask for, checked from its arguments before any work
 * (docs/cli.md, "Limits"): the fixed steps or samples of one trajectory, and the steps of all
 * trajectories (a sweep's grid points, a network's neurons) together. */
#define CLI_MAX_STEPS 1e10
#define CLI_MAX_TOTAL_STEPS 1e13
/* Status 2 unless span (t1 - t0) is finite and span / step * times (the count of `what`: "steps
 * of --dt 0.1") is at most limit; the message names the count and the limit. */
int cli_check_work(const char *cmd, const char *what, double span, double step, double times, double limit);

/* --out FILE written safely (nd_file_create): the data go to a temporary file beside it,
 * renamed over FILE only when the command succeeds, so that a failed command never truncates an
 * existing file. Devices and pipes are written in place. */
typedef struct cli_out_file {
    FILE *f;
    const char *path;
} cli_out_file;
/* Opens the temporary file (status 1 and a message when it cannot). */
int cli_out_open(const char *cmd, cli_out_file *o, const char *path);
/* Closes it; with ok (and no write error) renames it to the path, else removes it. Returns the
 * status: ok ? 0 or 1 (a failed write or rename, said on stderr: write_failed, or by default
 * "cannot write 'PATH'") : 0. */
int cli_out_close(const char *cmd, cli_out_file *o, int ok, const char *write_failed);

/* Parses an integer option value in lo..hi. */
int cli_count(const char *cmd, const char *opt, const char *text, unsigned long lo, unsigned long hi,
              unsigned long *out);
/* Takes the one positional MODEL argument left after getopt_long. */
int cli_model_arg(const char *cmd, int argc, char **argv, const char **model);

/* Output paths, checked before any work: one line "neurodyn CMD: cannot write 'PATH': why" and
 * status 2 when the path cannot be used (a folder where a file is wanted, a file where a
 * folder is, a missing folder, no permission), 1 when the system fails (docs/cli.md). */
/* Exit status 2 unless file (may be NULL) ends in .png, .svg or .pdf and can be written; its
 * folder may be missing still, if the folder it would be created in can be written: a figure
 * inside the --outdir that the command creates. */
int cli_check_plot_file(const char *cmd, const char *file);
/* The same for a command without --outdir, where no folder is created: the figure's folder
 * must exist. */
int cli_check_plot_file_here(const char *cmd, const char *file);
/* A figure FIGURE.ext writes its data beside it, FIGURE + each of suffixes (".tsv", ...): none
 * of them may be the --out table. */
int cli_check_figure_data(const char *cmd, const char *out, const char *plot, const char *const *suffixes, size_t n);

/* Exit status 2 when two of the n output paths (NULL: absent) name the same file, or a
 * figure's script (FIGURE.gp) is one of the others (--out p.gp --plot p.png). */
int cli_check_distinct_outputs(const char *cmd, const char *const *paths, size_t n);
/* Whether path can be written as a file (an --out): not a folder, in a folder that exists and
 * can be written. */
int cli_check_out_file(const char *cmd, const char *path);
/* Creates dir and its parents, or says why it cannot and returns the status; an existing dir
 * must be a folder that can be written. */
int cli_make_dir(const char *cmd, const char *dir);
/* Opens dir/name for writing, or says why not and returns NULL. */
FILE *cli_open_out(const char *cmd, const char *dir, const char *name);

/* JSON of one-parameter diagrams (cli/diagram_out.c): a number (null when not finite); the
 * array of equilibrium and cycle branches (each with its ends: "stop", "stop_kind",
 * "cut_short", and "begin" for a branch followed both ways); the special points (LP with its
 * fold coefficient, H with frequency, l1 and criticality, BP, LPC, PD with its multiplier, NS
 * with its angle, HC or SNIC where a cycle branch's period grows without bound); printing a
 * document on stdout (it is released). */
json_t *cli_json_real(double v);
json_t *cli_json_branches(const nd_bif_diagram *d, const double *at, const nd_cycle_set *cs);
/* Whether a branch ended before its natural end (the point budget, a failing corrector). */
int cli_branch_cut_short(const nd_branch *br);
/* A branch's "begin", "stop", "stop_kind" and "cut_short" (cc: its cycle curve, or NULL). */
void cli_json_branch_ends(json_t *o, const nd_branch *br, const nd_cycle_curve *cc);
json_t *cli_json_special_points(const nd_bif_diagram *d, const double *at, const nd_cycle_set *cs, double p_lo,
                                double p_hi);
int cli_json_print(json_t *doc);

/* Run control of the continuation commands (AUTO's NMX, DS, DSMAX, NTST, NCOL): zero or unset
 * fields leave the library's defaults. */
typedef struct cli_run_control {
    unsigned long max_points, ntst, ncol;
    double ds, ds_max;
} cli_run_control;
/* The getopt_long entries --max-points, --ds, --ds-max, --ntst, --ncol with codes base..base+4,
 * and the parser of one of them; the help text describing them. */
#define CLI_RUN_CONTROL_OPTIONS(base)                                                                        \
    {"max-points", required_argument, 0, (base)}, {"ds", required_argument, 0, (base) + 1},                 \
        {"ds-max", required_argument, 0, (base) + 2}, {"ntst", required_argument, 0, (base) + 3},         \
        {"ncol", required_argument, 0, (base) + 4}
int cli_run_control_option(const char *cmd, int which, const char *text, cli_run_control *rc);
extern const char *const CLI_RUN_CONTROL_HELP;
/* Applies rc to continuation options (steps, budget). */
void cli_run_control_apply(const cli_run_control *rc, nd_cont_opts *o);

/* The folder a command writes its files to: `given` (--outdir) when set; with --json and no
 * --outdir none (NULL: write nothing) unless needs_files (a figure, a brute-force map), then
 * `fallback`, announced on stderr since stdout holds the JSON; otherwise `fallback`, which the
 * summary line names. */
const char *cli_output_folder(const char *cmd, const char *given, const char *fallback, int json, int needs_files);

/* ---- model faults (faults.c) ----------------------------------------------------------------
 * A crash names the command that stopped; --timeout SECONDS ends a command whose model runs
 * longer, with a message and status 1. Every command that runs model code takes --timeout. */
enum { CLI_O_TIMEOUT = 999 };
#define CLI_TIMEOUT_OPTION {"timeout", required_argument, 0, CLI_O_TIMEOUT}
#define CLI_TIMEOUT_HELP "  --timeout SECONDS  stop (status 1) when the run takes longer; 0: no limit (default)\n"
void cli_catch_faults(int argc, char **argv);
/* Parses --timeout's value (status 2 on a bad one). */
int cli_timeout_option(const char *cmd, const char *text);
/* Starts the clock of --timeout, if one was given: cli_with_model calls it once the model is
 * loaded, so a first compile does not count. */
void cli_arm_timeout(void);

int cmd_models(int argc, char **argv);
int cmd_fixed_points(int argc, char **argv);
int cmd_phase_plane(int argc, char **argv);
int cmd_bifurcation(int argc, char **argv);
int cmd_bifurcation2(int argc, char **argv);
int cmd_fast_slow(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_coba(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_prc(int argc, char **argv);
int cmd_poincare(int argc, char **argv);
int cmd_basins(int argc, char **argv);

#endif
