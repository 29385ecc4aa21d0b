/* The registry of built-in models, looked up by name or alias. */
#include <string.h>

#include "neurodyn/core.h"
#include "zoo.h"

static const nd_model *const zoo[] = {
    &nd_model_fitzhugh_nagumo,
    &nd_model_hindmarsh_rose,
    &nd_model_fitzhugh_rinzel,
    &nd_model_hodgkin_huxley,
    &nd_model_morris_lecar,
    &nd_model_morris_lecar_snic,
    &nd_model_inap_ik,
    &nd_model_izhikevich,
    &nd_model_wilson_cowan,
    &nd_model_van_der_pol,
    &nd_model_lorenz,
    &nd_model_rossler,
    &nd_model_lif,
    &nd_model_noisy_lorenz,
    &nd_model_stochastic_fhn,
};

size_t nd_builtin_count(void) { return sizeof zoo / sizeof zoo[0]; }

const nd_model *nd_builtin_at(size_t i) { return i < nd_builtin_count() ? zoo[i] : NULL; }

/* True when name is one of the space-separated words of list. */
static int in_word_list(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *s = list; s && *s;) {
        while (*s == ' ') s++;
        size_t k = strcspn(s, " ");
        if (k == n && strncmp(s, name, n) == 0) return 1;
        s += k;
    }
    return 0;
}

const nd_model *nd_builtin_find(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < nd_builtin_count(); i++)
        if (strcmp(zoo[i]->name, name) == 0 || in_word_list(zoo[i]->aliases, name)) return zoo[i];
    return NULL;
}
