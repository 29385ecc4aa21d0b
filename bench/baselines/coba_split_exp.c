/* Hand-written baseline for `neurodyn coba` with its default method, exponential Euler: the
 * network, random numbers and loop structure of ../shared/baselines/coba_split.c (4000 LIF,
 * 3200 E / 800 I, p = 0.02, exponential conductances, dt = 0.1 ms, CSR delivery; one
 * branch-free membrane loop, then threshold/reset, then delivery), with the membrane advanced
 * as neurodyn's LIF does by exponential Euler:
 *     V <- V_inf + (V - V_inf) exp(-dt/tau),  V_inf = V_rest + I_in + g_e (0 - V) + g_i (-80 - V).
 * Kept in a sub-folder so that `make bench` does not link it with the library as a bench; build with
 * `cc -O3 -march=native -o coba_split_exp coba_split_exp.c -lm`.
 * argv: duration_ms seed. Prints rate_E rate_I (Hz) and the synapse count. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { N = 4000, N_EXC = 3200, REF_STEPS = 50 /* 5 ms */ };

static uint64_t state = 88172645463325252ull;

static double uniform(void) /* xorshift64, 53 bits */
{
    state ^= state << 13, state ^= state >> 7, state ^= state << 17;
    return (double)(state >> 11) * 0x1.0p-53;
}

static double normal(void) /* Box-Muller */
{
    double u = uniform() + 1e-300, v = uniform();
    return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* Fixed probability 0.02, every pair drawn in row order: CSR by presynaptic neuron. */
static int connect(int *row, int **col_out)
{
    int cap = N * 100, nnz = 0, *col = malloc((size_t)cap * sizeof *col);
    for (int i = 0; i < N; i++) {
        row[i] = nnz;
        for (int j = 0; j < N; j++) {
            if (!(uniform() < 0.02)) continue;
            if (nnz == cap) col = realloc(col, (size_t)(cap *= 2) * sizeof *col);
            col[nnz++] = j;
        }
    }
    row[N] = nnz;
    *col_out = col;
    return nnz;
}

int main(int argc, char **argv)
{
    const double T = argc > 1 ? atof(argv[1]) : 1000.0;
    if (argc > 2) state += strtoull(argv[2], 0, 10) * 0x9E3779B97F4A7C15ull;
    const double dt = 0.1, V_rest = -60.0, V_th = -50.0, I_in = 20.0;
    const double dm = exp(-dt / 20.0), de = exp(-dt / 5.0), di = exp(-dt / 10.0), we = 0.6, wi = 6.7;
    static double V[N], ge[N], gi[N];
    static int ref[N], spiked[N];
    static int row[N + 1];
    int *col;
    int nnz = connect(row, &col);
    for (int i = 0; i < N; i++) V[i] = -55.0 + 2.0 * normal();
    long steps = (long)(T / dt + 0.5), n_exc = 0, n_inh = 0;
    for (long k = 0; k < steps; k++) {
        for (int i = 0; i < N; i++) { /* branch-free: vectorised */
            const double v = V[i], v_inf = V_rest + I_in - ge[i] * v + gi[i] * (-80.0 - v);
            V[i] = ref[i] > 0 ? v : v_inf + (v - v_inf) * dm;
            ref[i] -= ref[i] > 0;
            ge[i] *= de, gi[i] *= di;
        }
        int ns = 0;
        for (int i = 0; i < N; i++)
            if (V[i] >= V_th && ref[i] == 0) V[i] = V_rest, ref[i] = REF_STEPS, spiked[ns++] = i;
        for (int a = 0; a < ns; a++) {
            const int i = spiked[a];
            double *g = i < N_EXC ? ge : gi;
            const double w = i < N_EXC ? we : wi;
            if (i < N_EXC) n_exc++;
            else n_inh++;
            for (int q = row[i]; q < row[i + 1]; q++) g[col[q]] += w;
        }
    }
    printf("%.4f %.4f %d\n", n_exc / (N_EXC * T / 1000.0), n_inh / ((N - N_EXC) * T / 1000.0), nnz);
    free(col);
    return 0;
}
