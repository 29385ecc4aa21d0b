/* Coherence resonance in the stochastic FitzHugh–Nagumo model.
 *
 *     build/examples/coherence_resonance              # table + text histogram
 *     build/examples/coherence_resonance isi.tsv      # table, histogram as TSV in isi.tsv
 *
 * The built-in model stochastic_fhn at Iext = 0.3 is excitable: without noise it rests, and
 * every spike is kicked off by the noise D dW on V. Weak noise gives rare, irregular spikes
 * (Poisson-like waiting times); strong noise gives frequent but jittered ones; in between the
 * spike train is most regular — the coefficient of variation CV = std/mean of the
 * inter-spike intervals has a minimum (Pikovsky & Kurths (1997) Phys. Rev. Lett. 78:775).
 *
 * For each D on a log-spaced grid the program integrates several independent paths (one
 * seed, trajectory indices 0, 1, ..., the same at every D) with Euler–Maruyama at dt = 0.01,
 * detects spikes as upward crossings of V = 1 (an nd_event delivered to on_event) and re-arms
 * the detector only after V has fallen below 0 (a downward event): a sample path jitters
 * around V = 1 on the upstroke and crosses it many times per spike (without the guard the
 * "ISIs" are mostly those re-crossings). It prints "D spikes mean_ISI CV", marks the D with
 * the smallest CV and writes the ISI histogram at that D. Uses only the public headers.
 * Takes about 5 s on one core. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "neurodyn/neurodyn.h"

enum { N_D = 12, N_TRAJ = 8, N_BINS = 24 };
static const double D_LO = 0.01, D_HI = 1.0; /* noise amplitudes D (g_V = D), log-spaced */
static const double T_RUN = 5000.0;          /* length of each path */
static const double DT = 0.01;
static const unsigned long long SEED = 1997;

/* Spike times of one path, and the ISIs of all paths of one D. */
typedef struct spikes {
    int armed;              /* 1 once V went below 0 since the last spike */
    double last;            /* time of the previous spike of this path, NAN before the first */
    long count;
    double *isi;
    size_t n_isi, cap;
    int failed;             /* out of memory */
} spikes;

enum { EV_UP = 0, EV_REARM = 1 };

static int on_event(int id, double t, const double *x, void *ctx)
{
    (void)x;
    spikes *s = ctx;
    if (id == EV_REARM) {
        s->armed = 1;
        return 0;
    }
    if (id != EV_UP || !s->armed) return 0;
    s->armed = 0;
    s->count++;
    if (!isnan(s->last)) {
        if (s->n_isi == s->cap) {
            size_t cap = s->cap ? 2 * s->cap : 1024;
            double *grown = realloc(s->isi, cap * sizeof *grown);
            if (!grown) {
                s->failed = 1;
                return 1; /* stop the run */
            }
            s->isi = grown, s->cap = cap;
        }
        s->isi[s->n_isi++] = t - s->last;
    }
    s->last = t;
    return 0;
}

static void mean_std(const double *v, size_t n, double *mean, double *std)
{
    double s = 0.0, s2 = 0.0;
    for (size_t i = 0; i < n; i++) s += v[i];
    *mean = n ? s / (double)n : NAN;
    for (size_t i = 0; i < n; i++) s2 += (v[i] - *mean) * (v[i] - *mean);
    *std = n > 1 ? sqrt(s2 / (double)(n - 1)) : NAN;
}

/* Histogram of v[0..n) on [lo, hi) in N_BINS bins; values >= hi go to the last bin. */
static void histogram(const double *v, size_t n, double lo, double hi, long *count)
{
    for (int b = 0; b < N_BINS; b++) count[b] = 0;
    for (size_t i = 0; i < n; i++) {
        int b = (int)((v[i] - lo) / (hi - lo) * N_BINS);
        count[b < 0 ? 0 : b >= N_BINS ? N_BINS - 1 : b]++;
    }
}

int main(int argc, char **argv)
{
    const char *tsv = argc > 1 ? argv[1] : NULL;
    nd_error err;

    const nd_model *m = nd_builtin_find("stochastic_fhn");
    if (!m) {
        fprintf(stderr, "coherence_resonance: the built-in model 'stochastic_fhn' is missing\n");
        return 1;
    }
    if (m->n_pars > 8 || m->n_vars > 4) {
        fprintf(stderr, "coherence_resonance: unexpected model size %zu x %zu\n", m->n_vars, m->n_pars);
        return 1;
    }
    double p[8], x0[4];
    nd_model_default_params(m, p);
    nd_model_default_state(m, x0);
    int iv = nd_model_var_index(m, "V", &err), id = nd_model_par_index(m, "D", &err);
    int iext = nd_model_par_index(m, "Iext", &err);
    if (iv < 0 || id < 0 || iext < 0 || nd_model_set_par(m, p, "Iext=0.3", &err) != ND_OK) {
        fprintf(stderr, "coherence_resonance: %s\n", err.msg);
        return 1;
    }

    const nd_event events[2] = {
        [EV_UP] = {.var = iv, .level = 1.0, .direction = +1, .terminal = 0},
        [EV_REARM] = {.var = iv, .level = 0.0, .direction = -1, .terminal = 0},
    };
    nd_solve_opts o;
    nd_solve_opts_init(&o);
    o.method = "euler"; /* Euler–Maruyama; milstein is the same here, g is constant */
    o.dt = DT;
    o.seed = SEED;
    o.events = events;
    o.n_events = 2;
    o.on_event = on_event;

    double Ds[N_D], cv[N_D], mean_isi[N_D];
    long n_spikes[N_D];
    spikes best = {0};
    int best_i = -1;
    for (int i = 0; i < N_D; i++) {
        Ds[i] = D_LO * pow(D_HI / D_LO, (double)i / (N_D - 1));
        p[id] = Ds[i];
        spikes s = {0};
        for (int k = 0; k < N_TRAJ; k++) {
            double x[4];
            for (size_t v = 0; v < m->n_vars; v++) x[v] = x0[v];
            s.armed = 1, s.last = NAN;
            o.trajectory = (unsigned long long)k; /* the same paths' noise at every D */
            o.ctx = &s;
            nd_status st = nd_solve(m, p, 0.0, T_RUN, x, &o, NULL, &err);
            if (s.failed || st != ND_OK) {
                if (s.failed)
                    fprintf(stderr, "coherence_resonance: out of memory for the intervals\n");
                else
                    fprintf(stderr, "coherence_resonance: D = %g: %s: %s\n", Ds[i], nd_status_name(st), err.msg);
                free(s.isi), free(best.isi);
                return 1;
            }
        }
        double sd;
        mean_std(s.isi, s.n_isi, &mean_isi[i], &sd);
        n_spikes[i] = s.count;
        cv[i] = s.n_isi >= 10 ? sd / mean_isi[i] : NAN; /* too few intervals: no CV */
        if (!isnan(cv[i]) && (best_i < 0 || cv[i] < cv[best_i])) {
            free(best.isi);
            best = s, best_i = i;
        } else {
            free(s.isi);
        }
    }

    printf("stochastic_fhn, Iext = %g, euler, dt = %g, %d paths of t = %g per D, seed %llu\n",
           p[iext], DT, N_TRAJ, T_RUN, SEED);
    printf("%-8s %7s %10s %8s\n", "D", "spikes", "mean_ISI", "CV");
    for (int i = 0; i < N_D; i++) {
        printf("%-8.4g %7ld ", Ds[i], n_spikes[i]);
        if (isnan(mean_isi[i])) printf("%10s ", "-");
        else printf("%10.3f ", mean_isi[i]);
        if (isnan(cv[i])) printf("%8s", "-");
        else printf("%8.4f", cv[i]);
        printf("%s\n", i == best_i ? "   <- minimum CV" : "");
    }
    if (best_i < 0) {
        fprintf(stderr, "coherence_resonance: no noise intensity gave enough spikes for a CV\n");
        return 1;
    }
    printf("minimum CV %.4f at D = %.4g: coherence resonance\n", cv[best_i], Ds[best_i]);

    /* ISI histogram at the best D, on [shortest ISI, mean + 4 std) */
    double mean, std, lo = INFINITY;
    mean_std(best.isi, best.n_isi, &mean, &std);
    for (size_t k = 0; k < best.n_isi; k++) lo = best.isi[k] < lo ? best.isi[k] : lo;
    lo = floor(lo);
    double hi = mean + 4.0 * std, width = (hi - lo) / N_BINS;
    long count[N_BINS], peak = 1;
    histogram(best.isi, best.n_isi, lo, hi, count);
    for (int b = 0; b < N_BINS; b++) peak = count[b] > peak ? count[b] : peak;
    if (tsv) {
        FILE *f = fopen(tsv, "w");
        if (!f) {
            fprintf(stderr, "coherence_resonance: cannot write '%s'\n", tsv);
            free(best.isi);
            return 1;
        }
        fprintf(f, "isi_lo\tisi_hi\tcount\n");
        for (int b = 0; b < N_BINS; b++)
            fprintf(f, "%.6g\t%.6g\t%ld\n", lo + b * width, lo + (b + 1) * width, count[b]);
        if (fclose(f) != 0) {
            fprintf(stderr, "coherence_resonance: writing '%s' failed\n", tsv);
            free(best.isi);
            return 1;
        }
        printf("ISI histogram at D = %.4g (%zu intervals, %d bins) written to %s\n", Ds[best_i],
               best.n_isi, N_BINS, tsv);
    } else {
        printf("ISI histogram at D = %.4g (%zu intervals; the last bin holds everything >= %.1f):\n",
               Ds[best_i], best.n_isi, hi);
        for (int b = 0; b < N_BINS; b++) {
            printf("  %6.1f-%6.1f %5ld ", lo + b * width, lo + (b + 1) * width, count[b]);
            for (long k = 0; k < (count[b] * 50 + peak - 1) / peak; k++) putchar('#');
            putchar('\n');
        }
    }
    free(best.isi);
    return 0;
}
