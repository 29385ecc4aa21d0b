/* bifurcation2 --brute (cli/brute2.h): BrainPy's two-parameter brute force. Per cell of an
 * N x N grid of (P1, P2): the equilibria (nd_fixed_points: how many, how many stable) and
 * whether the attractor reached from the initial state oscillates (the range of the first free
 * variable over a simulation after the transient exceeds 1e-3 of its box). Every cell is
 * independent, so the rows are blocks of work (3 doubles a cell) that cli_cluster_farm hands
 * to the MPI ranks as they ask (dynamic balancing: rows crossing an oscillating region cost
 * more); rank 0 writes the file once every row is in, so it is the single-process file byte
 * for byte. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "brute2.h"
#include "cli.h"
#include "cluster.h"

typedef struct brute2_job {
    const brute2_map *b;
    size_t var;     /* the variable whose range says "oscillates" */
    double *cells;  /* rank 0: grid x grid x 3 (equilibria, stable, amplitude) */
} brute2_job;

static double grid_value(const brute2_map *b, int axis, unsigned long i)
{
    return b->plo[axis] + (b->phi[axis] - b->plo[axis]) * (double)i / (double)(b->grid - 1);
}

/* The amplitude of var after the transient of the run from the initial state; NaN if it failed. */
static double amplitude(const brute2_map *b, const double *p, double *x, size_t var)
{
    const nd_model *m = b->m;
    memcpy(x, m->init, m->n_vars * sizeof *x);
    for (size_t v = 0; v < m->n_vars; v++)
        if (b->r->fixed && b->r->fixed[v]) x[v] = b->r->at[v];
    nd_trajectory tr;
    nd_error err;
    if (nd_phase_trajectory(m, p, b->r, x, b->t1, b->t1 / 2000, &tr, &err)) return NAN;
    double hi = -INFINITY, lo = INFINITY;
    for (size_t s = 0; s < tr.n; s++)
        if (tr.t[s] >= b->transient) hi = fmax(hi, tr.x[s * m->n_vars + var]), lo = fmin(lo, tr.x[s * m->n_vars + var]);
    nd_trajectory_free(&tr);
    return hi - lo;
}

static size_t row_len(void *ctx, size_t k)
{
    (void)k;
    return 3 * ((brute2_job *)ctx)->b->grid;
}

static nd_status run_row(void *ctx, size_t j, double *buf, nd_error *err)
{
    const brute2_job *job = ctx;
    const brute2_map *b = job->b;
    const nd_model *m = b->m;
    double *p = malloc(m->n_pars * sizeof *p), *x = malloc(m->n_vars * sizeof *x);
    nd_status st = p && x ? ND_OK : nd_fail(err, ND_ENOMEM, "no memory for a row of the map");
    for (unsigned long i = 0; !st && i < b->grid; i++) {
        memcpy(p, b->p0, m->n_pars * sizeof *p);
        p[b->pidx[0]] = grid_value(b, 0, i), p[b->pidx[1]] = grid_value(b, 1, j);
        nd_fp_result fr;
        if ((st = nd_fixed_points(m, p, b->r, NULL, &fr, err))) break;
        size_t stable = 0;
        for (size_t k = 0; k < fr.n; k++) stable += (size_t)fr.points[k].stable;
        buf[3 * i] = (double)fr.n, buf[3 * i + 1] = (double)stable;
        nd_fp_result_free(&fr);
        buf[3 * i + 2] = amplitude(b, p, x, job->var);
    }
    free(p), free(x);
    return st;
}

static nd_status store_row(void *ctx, size_t j, const double *buf, nd_error *err)
{
    (void)err;
    brute2_job *job = ctx;
    memcpy(job->cells + 3 * j * job->b->grid, buf, 3 * job->b->grid * sizeof *buf);
    return ND_OK;
}

static int write_map(const brute2_job *job, const char *outdir)
{
    const brute2_map *b = job->b;
    const nd_model *m = b->m;
    FILE *f = cli_open_out("bifurcation2", outdir, "brute2.tsv");
    if (!f) return EXIT_FAILED;
    fprintf(f, "%s\t%s\tequilibria\tstable\toscillates\tamplitude_%s\n", m->par_names[b->pidx[0]], m->par_names[b->pidx[1]],
            m->var_names[job->var]);
    for (unsigned long j = 0; j < b->grid; j++) {
        for (unsigned long i = 0; i < b->grid; i++) {
            const double *c = job->cells + 3 * (j * b->grid + i);
            int osc = c[2] > 1e-3 * (b->r->hi[job->var] - b->r->lo[job->var]);
            nd_tsv_real(f, grid_value(b, 0, i)), fputc('\t', f), nd_tsv_real(f, grid_value(b, 1, j));
            fprintf(f, "\t%zu\t%zu\t%d\t", (size_t)c[0], (size_t)c[1], osc);
            nd_tsv_real(f, c[2]), fputc('\n', f);
        }
        fprintf(f, "\n"); /* gnuplot's grid format: a blank line between rows */
    }
    return fclose(f) ? EXIT_FAILED : EXIT_OK;
}

int brute2_run(const brute2_map *b, const char *outdir, int ready)
{
    int root = cli_cluster_rank() == 0;
    if (!cli_cluster_all(ready)) { /* where ready, another rank failed before the map */
        if (ready && root) fprintf(stderr, "neurodyn bifurcation2: another MPI rank failed before the brute-force map\n");
        return EXIT_FAILED;
    }
    brute2_job job = {.b = b, .var = 0};
    for (size_t v = b->m->n_vars; v-- > 0;) /* the first free variable */
        if (!(b->r->fixed && b->r->fixed[v])) job.var = v;
    size_t n = (size_t)b->grid * b->grid * 3;
    job.cells = root ? malloc(n * sizeof *job.cells) : NULL;
    if (!cli_cluster_all(!root || job.cells)) {
        if (root) fprintf(stderr, "neurodyn bifurcation2: no memory for a map of %lu x %lu cells\n", b->grid, b->grid);
        free(job.cells);
        return root ? EXIT_FAILED : -2;
    }
    cli_farm f = {.n_blocks = b->grid, .len = row_len, .run = run_row, .store = store_row, .ctx = &job};
    nd_error err;
    int rc = cli_cluster_farm(&f, &err) ? (root ? cli_error("bifurcation2", &err) : EXIT_FAILED) : EXIT_OK;
    if (!rc && root) rc = write_map(&job, outdir);
    free(job.cells);
    return rc || root ? rc : -2;
}
