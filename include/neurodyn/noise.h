/* neurodyn — reproducible Gaussian noise from a counter-based generator.
 *
 * Random123's Philox-4x64-10 maps (key, counter) to 256 random bits with no state, so the
 * normals of trajectory `traj` at step `step` depend on (seed, traj, step) alone: the same on
 * one core or many, in any order, and in a CUDA kernel (this header compiles under nvcc). */
#ifndef NEURODYN_NOISE_H
#define NEURODYN_NOISE_H

#include <math.h>
#include <stdint.h>

#include <Random123/philox.h>

#include "model.h"

/* Domain separation: the second key word distinguishes neurodyn's streams from others a user
 * may key with the same seed. */
#define ND_NOISE_KEY_TAG 0x6e6575726f64796eULL /* "neurodyn" */

/* A uniform in (0, 1] from the top 53 bits (never 0, so log() below is finite). */
ND_FN double nd_u01_open0(uint64_t bits) { return ((double)(bits >> 11) + 1.0) * 0x1.0p-53; }

/* Fills z[0..n) with independent standard normals for (seed, traj, step), by Box–Muller on
 * consecutive Philox blocks: block b covers z[4b .. 4b+3]. */
ND_FN void nd_philox_normals(uint64_t seed, uint64_t traj, uint64_t step, int n, double *z)
{
    philox4x64_key_t key = {{seed, ND_NOISE_KEY_TAG}};
    for (int b = 0; 4 * b < n; b++) {
        philox4x64_ctr_t ctr = {{traj, step, (uint64_t)b, 0}};
        philox4x64_ctr_t r = philox4x64(ctr, key);
        for (int k = 0; k < 2; k++) {
            double rad = sqrt(-2.0 * log(nd_u01_open0(r.v[2 * k])));
            double ang = 6.283185307179586476925 * nd_u01_open0(r.v[2 * k + 1]);
            int i = 4 * b + 2 * k;
            if (i < n) z[i] = rad * cos(ang);
            if (i + 1 < n) z[i + 1] = rad * sin(ang);
        }
    }
}

#endif
