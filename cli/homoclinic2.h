/* bifurcation2 --homoclinic (cli/homoclinic2.c): the HC and SNIC curves of a two-parameter
 * diagram in its outputs. The curves follow d's in the numbering (curve d->n + c). */
#ifndef ND_CLI_HOMOCLINIC2_H
#define ND_CLI_HOMOCLINIC2_H

#include "cli.h"
#include "neurodyn/homoclinic.h"

/* nd_homoclinic_curves_2d; curves not computed said on stderr. Status 1 on an error. */
int hom2_compute(const char *cmd, const nd_codim2_diagram *d, const double *p, const nd_region *r,
                 unsigned long max_points, nd_hom2_set *s);
/* curves.tsv and special_points.tsv of d with s's rows after d's. */
int hom2_write(const char *cmd, const nd_codim2_diagram *d, const nd_hom2_set *s, const double *at, const char *dir);
/* The same, then the figure (as nd_plot_codim2). */
int hom2_plot(const char *cmd, const nd_codim2_diagram *d, const nd_hom2_set *s, const double *p, const double *at,
              int brute, const char *dir, const char *out);
/* s's curves and NCH points appended to doc's "curves" and "special_points". */
void hom2_json(json_t *doc, const nd_codim2_diagram *d, const nd_hom2_set *s);
/* One line for the summary. */
void hom2_summary(const nd_hom2_set *s);

#endif
