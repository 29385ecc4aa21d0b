/* Sampled cycles in closed form for the cycle tests: a start for nd_cycle_curve_init without a
 * simulation. */
#ifndef ND_TESTS_CYCLE_SAMPLES_H
#define ND_TESTS_CYCLE_SAMPLES_H

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "neurodyn/cycles.h"

/* The circle (R cos t, R sin t, 0, 0) of period 2 pi in four variables, ns samples over one
 * period (both ends included); free it with nd_cycle_free. */
static inline nd_cycle circle_cycle_4d(double R, size_t ns)
{
    nd_cycle cyc = {.period = 2 * M_PI, .n_vars = 4, .n = ns};
    cyc.t = malloc(ns * sizeof *cyc.t), cyc.x = calloc(4 * ns, sizeof *cyc.x);
    cyc.xmax = calloc(4, sizeof *cyc.xmax), cyc.xmin = calloc(4, sizeof *cyc.xmin);
    cr_assert(cyc.t && cyc.x && cyc.xmax && cyc.xmin);
    for (size_t i = 0; i < ns; i++) {
        double t = 2 * M_PI * (double)i / (double)(ns - 1);
        cyc.t[i] = t, cyc.x[4 * i] = R * cos(t), cyc.x[4 * i + 1] = R * sin(t);
    }
    cyc.xmax[0] = cyc.xmax[1] = R, cyc.xmin[0] = cyc.xmin[1] = -R;
    return cyc;
}

#endif
