/* neurodyn report's state and its step runner (cli/report_step.c), shared with the command
 * (cli/cmd_report.c). */
#ifndef NEURODYN_CLI_REPORT_H
#define NEURODYN_CLI_REPORT_H

#include <jansson.h>

#include "neurodyn/model.h"
#include "neurodyn/progress.h"

typedef struct report {
    const char *model, *outdir;
    const char **sets;
    int n_sets;
    const nd_model *m;
    json_t *steps;     /* [{"step", "command", "status", "reason"?, "figure"?, "json"?}] */
    int failures, quiet;
    unsigned timeout;  /* seconds a step may run (0: no limit) */
    nd_progress *bar;  /* the stages done, on a terminal (NULL: none) */
} report;

/* A step's argument vector, of any length; report_arg appends one formatted argument. Out of
 * memory marks it failed, and the step is then not run. */
typedef struct argv_builder {
    int argc, cap, failed;
    char **argv;
} argv_builder;

void report_arg(argv_builder *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Runs cmd(b) in a child process with stdout sent to DIR/json_name (NULL: /dev/null), at most
 * r->timeout seconds, and records the step: "ok", "failed" (its exit status), "crashed" (the
 * signal) or "timed out". A step's JSON and figure from an earlier run are removed first, so
 * that nothing stale is read back. Frees b's arguments. Returns 0 when the step succeeded. */
int report_run_step(report *r, const char *step, int (*cmd)(int, char **), argv_builder *b, const char *json_name,
                    const char *figure);

/* The JSON a step wrote in this run (NULL when no step of this run wrote `name` and succeeded);
 * the caller releases it. */
json_t *report_step_json(const report *r, const char *name);

#endif
