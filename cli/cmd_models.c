/* neurodyn models / neurodyn info MODEL */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return 1;
    return 0;
}

static int has_flag(int argc, char **argv, const char *flag)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], flag) == 0) return 1;
    return 0;
}

int cmd_models(int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        printf("usage: neurodyn models [--json]\n\nLists the built-in models with their aliases.\n");
        return EXIT_OK;
    }
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--json") != 0) return cli_usage_error("models", "unknown option '%s'", argv[i]);
    int json = has_flag(argc, argv, "--json");
    json_t *list = json ? json_array() : NULL;
    for (size_t i = 0; i < nd_builtin_count(); i++) {
        const nd_model *m = nd_builtin_at(i);
        if (json)
            json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:I}", "name", m->name, "aliases",
                                                  m->aliases ? m->aliases : "", "title", m->title ? m->title : "",
                                                  "dimension", (json_int_t)m->n_vars));
        else
            printf("%-20s %-8s %zuD  %s\n", m->name, m->aliases ? m->aliases : "", m->n_vars, m->title ? m->title : "");
    }
    if (json) return cli_json_print(json_pack("{s:o}", "models", list));
    return EXIT_OK;
}

static void print_info_text(const nd_model *m)
{
    printf("%s — %s\n", m->name, m->title ? m->title : "");
    if (m->aliases) printf("aliases:    %s\n", m->aliases);
    if (m->reference) printf("reference:  %s\n", m->reference);
    if (m->time_unit) printf("time unit:  %s\n", m->time_unit);
    printf("variables (%zu):\n", m->n_vars);
    for (size_t i = 0; i < m->n_vars; i++) {
        printf("  %-10s init %-12g", m->var_names[i], m->init[i]);
        if (m->var_lo && m->var_hi) printf(" range %g:%g", m->var_lo[i], m->var_hi[i]);
        printf("\n");
    }
    printf("parameters (%zu):\n", m->n_pars);
    for (size_t i = 0; i < m->n_pars; i++) printf("  %-10s %g\n", m->par_names[i], m->par_defaults[i]);
    printf("jacobian:   %s\n", m->jac ? "analytic" : "finite differences");
    printf("kernels:    %s\n", m->kernels ? "vectorised (ND_KERNELS)" : "none");
    if (m->noise != ND_NOISE_NONE) printf("noise:      yes\n");
    if (m->spike) {
        printf("spike rule: %s crosses %s", m->var_names[m->spike->var],
               m->spike->threshold_par >= 0 ? m->par_names[m->spike->threshold_par] : "a constant");
        printf("%s\n", m->spike->reset ? ", then reset" : " (detection only)");
    }
    if (m->n_aux) {
        printf("outputs:   ");
        for (size_t k = 0; k < m->n_aux; k++) printf(" %s", m->aux_names[k]);
        printf(" (written after the variables by simulate)\n");
    }
    if (m->method || m->dt > 0) {
        printf("method:     %s", m->method ? m->method : "(neurodyn's default)");
        if (m->dt > 0) printf(", dt %g", m->dt);
        printf(" (simulate's default for this model)\n");
    }
    if (m->slow_vars) printf("slow vars:  %s\n", m->slow_vars);
    if (m->bif_par) printf("continue:   %s in %g:%g\n", m->bif_par, m->bif_lo, m->bif_hi);
}

static int print_info_json(const nd_model *m)
{
    json_t *vars = json_object(), *pars = json_object();
    for (size_t i = 0; i < m->n_vars; i++) json_object_set_new(vars, m->var_names[i], cli_json_real(m->init[i]));
    for (size_t i = 0; i < m->n_pars; i++) json_object_set_new(pars, m->par_names[i], cli_json_real(m->par_defaults[i]));
    json_t *aux = json_array();
    for (size_t k = 0; k < m->n_aux; k++) json_array_append_new(aux, json_string(m->aux_names[k]));
    json_t *doc = json_pack("{s:s, s:s, s:s, s:o, s:o, s:b, s:b, s:o}", "name", m->name, "title",
                            m->title ? m->title : "", "reference", m->reference ? m->reference : "",
                            "variables", vars, "parameters", pars, "analytic_jacobian", m->jac != NULL,
                            "spike_rule", m->spike != NULL, "outputs", aux);
    if (doc && m->method) json_object_set_new(doc, "method", json_string(m->method));
    if (doc && m->dt > 0) json_object_set_new(doc, "dt", cli_json_real(m->dt));
    return cli_json_print(doc);
}

int cmd_info(int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        printf("usage: neurodyn info MODEL [--json]\n\n"
               "Variables with initial values, parameters with defaults, the literature reference\n"
               "and what the model provides (Jacobian, kernels, spike rule).\n");
        return EXIT_OK;
    }
    const char *spec = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) json = 1;
        else if (argv[i][0] == '-') return cli_usage_error("info", "unknown option '%s'", argv[i]);
        else if (!spec) spec = argv[i];
        else return cli_usage_error("info", "unexpected argument '%s'", argv[i]);
    }
    if (!spec) return cli_usage_error("info", "no MODEL given");
    nd_model_ref ref;
    nd_error err;
    if (nd_model_load(spec, &ref, &err)) return cli_error("info", &err);
    int rc = EXIT_OK;
    if (json) rc = print_info_json(ref.model);
    else print_info_text(ref.model);
    nd_model_unload(&ref);
    return rc;
}
