/* Sweeps in blocks: checkpoints (no MPI needed) and MPI ranks (docs/cluster.md). Every check is
 * bitwise: a run in blocks, resumed after a SIGKILL, or shared among 2 or 3 ranks must write the
 * files and JSON of the plain single-process run byte for byte (cmp). The MPI tests are skipped,
 * saying why, in a build without MPI (make MPI=0) or without mpirun. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli_run.h"
#include "neurodyn/ensemble.h"
#include "neurodyn/core.h"

/* The launcher. Open MPI's MPI_Init and MPI_Finalize leave allocations behind (in libmpi,
 * libopen-pal and its unloaded plugins) that LeakSanitizer reports in the sanitizer build (make
 * asan), failing every rank; leak checking is off for the processes mpirun starts, and the same
 * code without MPI (blocks, checkpoints) is leak-checked by the single-process runs. */
#define MPIRUN "OMP_NUM_THREADS=1 LSAN_OPTIONS=detect_leaks=0 mpirun -x LSAN_OPTIONS --allow-run-as-root --oversubscribe --bind-to none"

/* Runs `[mpirun -np ranks] neurodyn ARGS` in dir/sub (made here); ranks 0: no launcher. */
static int run_in(const char *dir, const char *sub, int ranks, const char *args)
{
    const char *cli = getenv("ND_CLI");
    cr_assert_not_null(cli, "ND_CLI must name the neurodyn binary (make test sets it)");
    char cmd[4096], launcher[256] = "";
    if (ranks)
        snprintf(launcher, sizeof launcher,
                 MPIRUN " -np %d ", ranks);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/%s' && cd '%s/%s' && %s'%s' %s > stdout 2> stderr < /dev/null", dir, sub,
             dir, sub, launcher, cli, args);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

/* cmp dir/a/file dir/b/file */
static void expect_same(const char *dir, const char *a, const char *b, const char *file)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cmp '%s/%s/%s' '%s/%s/%s'", dir, a, file, dir, b, file);
    cr_expect_eq(system(cmd), 0, "%s differs between %s and %s", file, a, b);
}

static void skip_without_mpi(void)
{
#ifndef ND_HAVE_MPI
    cr_skip_test("neurodyn was built without MPI (make MPI=0, or neither pkg-config ompi-c nor mpicc found)");
#endif
    if (system("command -v mpirun > /dev/null 2>&1") != 0) cr_skip_test("mpirun is not on the PATH");
}

/* The plain run, then 2 and 3 ranks with `extra` options (small blocks); every output file and
 * the JSON equal. */
static void same_with_ranks_and(const char *args, const char *extra, const char *const *files)
{
    skip_without_mpi();
    char dir[256], mpi_args[2048];
    cli_tmpdir_make(dir);
    cr_assert_eq(run_in(dir, "serial", 0, args), 0, "the plain run failed");
    snprintf(mpi_args, sizeof mpi_args, "%s %s", args, extra);
    for (int ranks = 2; ranks <= 3; ranks++) {
        char sub[16], err[4096];
        snprintf(sub, sizeof sub, "np%d", ranks);
        cr_assert_eq(run_in(dir, sub, ranks, mpi_args), 0, "mpirun -np %d failed", ranks);
        for (int f = 0; files[f]; f++) expect_same(dir, "serial", sub, files[f]);
        char path[512];
        snprintf(path, sizeof path, "%s/%s/stderr", dir, sub);
        cli_slurp(path, err, sizeof err);
        cr_expect_eq(err[0], '\0', "-np %d wrote to stderr: %s", ranks, err);
    }
    cli_tmpdir_remove(dir);
}

static void same_with_ranks(const char *args, const char *const *files) { same_with_ranks_and(args, "--block 7", files); }

Test(mpi, one_parameter_orbit_diagram_and_json)
{
    const char *files[] = {"stdout", "d.tsv", "d.extrema.tsv", NULL};
    same_with_ranks("sweep fitzhugh_nagumo --par Iext=0:1.2:30 --t1 60 --extrema both --out d.tsv --json --quiet",
                    files);
}

Test(mpi, two_parameters_with_lyapunov)
{
    const char *files[] = {"m.tsv", NULL};
    same_with_ranks("sweep morris_lecar --par I=60:120:6 --par gCa=3.8:4.6:4 --t1 100 --lyapunov --out m.tsv --quiet",
                    files);
}

Test(mpi, stochastic_noise_keyed_by_the_global_index)
{
    const char *files[] = {"stdout", "s.tsv", "s.extrema.tsv", NULL};
    same_with_ranks("sweep stochastic_fhn --par Iext=0:1:23 --t1 40 --dt 0.01 --out s.tsv --json --quiet", files);
}

/* ---- checkpoints (one process) ----------------------------------------------------------------- */
static const char *CKPT_ARGS = "sweep hodgkin_huxley --par Iext=0:20:48 --t1 300 --dt 0.01 --lyapunov --out h.tsv "
                               "--json --quiet --block 3";

static long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

/* Starts the checkpointed run, kills it (SIGKILL) once its checkpoint holds a few blocks. */
static int run_and_kill(const char *dir, const char *sub)
{
    char wd[512], ckpt[600], out[600], err[600], args[1024];
    snprintf(wd, sizeof wd, "%s/%s", dir, sub);
    mkdir(wd, 0755);
    snprintf(ckpt, sizeof ckpt, "%s/run.ckpt", wd);
    snprintf(out, sizeof out, "%s/stdout", wd), snprintf(err, sizeof err, "%s/stderr", wd);
    snprintf(args, sizeof args, "%s --checkpoint run.ckpt", CKPT_ARGS);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        if (chdir(wd) || !freopen(out, "w", stdout) || !freopen(err, "w", stderr)) _exit(127);
        execl("/bin/sh", "sh", "-c", "exec \"$ND_CLI\" $0", args, (char *)NULL);
        _exit(127);
    }
    /* a header (40 bytes) and at least 3 records of about 3 x 37 doubles */
    struct timespec nap = {0, 2000000};
    int status, exited = 0;
    for (int i = 0; i < 20000 && !exited; i++) {
        if (file_size(ckpt) > 40 + 3 * 800) break;
        exited = waitpid(pid, &status, WNOHANG) == pid;
        nanosleep(&nap, NULL);
    }
    if (exited) return 0;
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

Test(checkpoint, resume_after_sigkill_is_bitwise_the_uninterrupted_run)
{
    char dir[256], args[1024];
    cli_tmpdir_make(dir);
    cr_assert_eq(run_in(dir, "plain", 0, CKPT_ARGS), 0);
    int killed = run_and_kill(dir, "killed");
    cr_expect(killed, "the run finished before it could be killed: the resume below resumes nothing");
    char path[600];
    snprintf(path, sizeof path, "%s/killed/h.tsv", dir);
    if (killed) cr_expect_eq(file_size(path), -1, "a killed run wrote its table");
    snprintf(args, sizeof args, "%s --checkpoint run.ckpt --resume", CKPT_ARGS);
    cr_assert_eq(run_in(dir, "killed", 0, args), 0);
    expect_same(dir, "plain", "killed", "h.tsv");
    expect_same(dir, "plain", "killed", "stdout");
    cli_tmpdir_remove(dir);
}

Test(checkpoint, a_torn_last_record_is_dropped_and_run_again)
{
    char dir[256], args[1024], path[600];
    cli_tmpdir_make(dir);
    cr_assert_eq(run_in(dir, "plain", 0, CKPT_ARGS), 0);
    snprintf(args, sizeof args, "%s --checkpoint run.ckpt", CKPT_ARGS);
    cr_assert_eq(run_in(dir, "torn", 0, args), 0);
    /* cut the file inside its last record, as a kill in the middle of an append would */
    snprintf(path, sizeof path, "%s/torn/run.ckpt", dir);
    cr_assert_eq(truncate(path, file_size(path) - 100), 0);
    snprintf(args, sizeof args, "%s --checkpoint run.ckpt --resume", CKPT_ARGS);
    cr_assert_eq(run_in(dir, "torn", 0, args), 0);
    expect_same(dir, "plain", "torn", "h.tsv");
    expect_same(dir, "plain", "torn", "stdout");
    cli_tmpdir_remove(dir);
}

Test(checkpoint, refuses_another_runs_file_and_an_existing_file_without_resume)
{
    char dir[256], args[1024], err[4096], path[600];
    cli_tmpdir_make(dir);
    const char *base = "sweep fitzhugh_nagumo --par Iext=0:1:20 --t1 20 --quiet --block 4 --out f.tsv --checkpoint c.ckpt";
    cr_assert_eq(run_in(dir, "a", 0, base), 0);
    cr_expect_eq(run_in(dir, "a", 0, base), 2, "an existing checkpoint without --resume must be refused");
    snprintf(path, sizeof path, "%s/a/stderr", dir);
    cli_slurp(path, err, sizeof err);
    cr_expect(strstr(err, "c.ckpt' exists"), "%s", err);
    const char *changed[] = {"--t1 21", "--set a=0.71", "--block 5", "--dt 0.011", "--init V=0.5"};
    for (size_t i = 0; i < sizeof changed / sizeof changed[0]; i++) {
        snprintf(args, sizeof args, "%s --resume %s", base, changed[i]);
        cr_expect_eq(run_in(dir, "a", 0, args), 2, "a resume with %s must be refused", changed[i]);
        cli_slurp(path, err, sizeof err);
        cr_expect(strstr(err, "belongs to another run"), "%s: %s", changed[i], err);
    }
    snprintf(args, sizeof args, "%s --resume", base); /* the same run: nothing left to do */
    cr_expect_eq(run_in(dir, "a", 0, args), 0);
    cr_expect_eq(run_in(dir, "a", 0, "sweep fitzhugh_nagumo --par Iext=0:1:20 --resume"), 2);
    cli_tmpdir_remove(dir);
}

Test(mpi, resume_with_three_ranks_of_a_single_process_run_killed_part_way)
{
    skip_without_mpi();
    char dir[256], args[1024];
    cli_tmpdir_make(dir);
    cr_assert_eq(run_in(dir, "plain", 0, CKPT_ARGS), 0);
    cr_expect(run_and_kill(dir, "killed"), "the run finished before it could be killed");
    snprintf(args, sizeof args, "%s --checkpoint run.ckpt --resume", CKPT_ARGS);
    cr_assert_eq(run_in(dir, "killed", 3, args), 0);
    expect_same(dir, "plain", "killed", "h.tsv");
    expect_same(dir, "plain", "killed", "stdout");
    cli_tmpdir_remove(dir);
}

/* ---- the library ------------------------------------------------------------------------------------ */
Test(checkpoint, library_blocks_equal_one_ensemble_bitwise)
{
    const nd_model *m = nd_builtin_find("stochastic_fhn");
    cr_assert_not_null(m);
    enum { N = 37 };
    double P[5 * N], X[2 * N];
    for (size_t i = 0; i < N; i++) {
        for (size_t k = 0; k < m->n_pars; k++) P[k * N + i] = m->par_defaults[k];
        P[3 * N + i] = 0.02 * (double)i;
        X[i] = m->init[0], X[N + i] = m->init[1];
    }
    nd_ensemble_opts o;
    nd_ensemble_opts_init(&o);
    o.t1 = 20, o.dt = 0.01, o.event_var = 0, o.seed = 42, o.first_trajectory = 1000;
    o.extrema = ND_EXTREMA_BOTH, o.max_extrema = 8, o.device = ND_DEVICE_CPU;
    nd_ensemble_result a, b;
    nd_error err;
    cr_assert_eq(nd_ensemble_run(m, N, P, 5 * N, X, 2 * N, &o, &a, &err), ND_OK, "%s", err.msg);
    nd_ensemble_blocks_opts bo;
    nd_ensemble_blocks_opts_init(&bo);
    bo.block = 5;
    cr_assert_eq(nd_ensemble_run_blocks(m, N, P, 5 * N, X, 2 * N, &o, &bo, &b, NULL, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(memcmp(a.x, b.x, sizeof(double) * 2 * N), 0);
    cr_expect_eq(memcmp(a.x_max, b.x_max, sizeof(double) * 2 * N), 0);
    cr_expect_eq(memcmp(a.events, b.events, sizeof(long) * N), 0);
    cr_expect_eq(memcmp(a.period, b.period, sizeof(double) * N), 0);
    cr_expect_eq(memcmp(a.maxima, b.maxima, sizeof(double) * 8 * N), 0);
    cr_expect_eq(memcmp(a.minima_t, b.minima_t, sizeof(double) * 8 * N), 0);
    cr_expect_eq(memcmp(a.status, b.status, sizeof(int) * N), 0);
    cr_expect_eq(a.n_failed, b.n_failed);
    nd_ensemble_result_free(&a), nd_ensemble_result_free(&b);
}

/* MPMD: rank 1 gets another --t1. Every rank must stop (no hang), rank 0 naming rank 1. */
Test(mpi, a_rank_with_other_inputs_stops_every_rank_and_is_named)
{
    skip_without_mpi();
    const char *cli = getenv("ND_CLI");
    char dir[256], cmd[4096], path[300], err[8192];
    cli_tmpdir_make(dir);
    const char *args = "sweep fitzhugh_nagumo --par Iext=0:1:10 --quiet --block 3 --out f.tsv --t1";
    snprintf(cmd, sizeof cmd,
             "cd '%s' && " MPIRUN " -np 1 '%s' %s 20 "
             ": -np 1 '%s' %s 21 > stdout 2> stderr < /dev/null", dir, cli, args, cli, args);
    int rc = system(cmd);
    cr_expect(WIFEXITED(rc) && WEXITSTATUS(rc) != 0, "the run must fail");
    snprintf(path, sizeof path, "%s/stderr", dir);
    cli_slurp(path, err, sizeof err);
    cr_expect(strstr(err, "rank 1 was given another model, inputs or options than rank 0"), "%s", err);
    snprintf(path, sizeof path, "%s/f.tsv", dir);
    cr_expect_eq(file_size(path), -1, "a failed run wrote its table");
    cli_tmpdir_remove(dir);
}

/* ---- basins and bifurcation2 --brute across ranks ------------------------------------------------------- */
/* Van der Pol: one cycle (labels by max/min, whatever the phase) and the equilibrium at the
 * origin only on the grid point there; the grid, the attractors' table and the JSON. */
Test(mpi, basins_across_ranks_are_the_single_process_files)
{
    const char *files[] = {"stdout", "b.tsv", "b.attractors.tsv", NULL};
    same_with_ranks("basins van_der_pol --x x=-3:3:13 --y y=-3:3:9 --t1 60 --out b.tsv --json --quiet", files);
}

/* Two attractors: Morris-Lecar at I = 91, in its bistable range (docs/basins.md: a stable focus
 * at V = -26.26 mV inside an unstable cycle, and a stable cycle; 23 and 142 of these points),
 * the default block, the attractor lines on stderr compared too. */
Test(mpi, bistable_basins_across_ranks_with_the_default_block)
{
    skip_without_mpi();
    const char *args = "basins morris_lecar --set I=91 --x V=-40:-10:15 --y w=0.05:0.25:11 --t1 4000 --dt 0.05 --out b.tsv";
    char dir[256], path[300], err[4096];
    cli_tmpdir_make(dir);
    cr_assert_eq(run_in(dir, "serial", 0, args), 0);
    cr_assert_eq(run_in(dir, "np2", 2, args), 0);
    expect_same(dir, "serial", "np2", "b.tsv");
    expect_same(dir, "serial", "np2", "b.attractors.tsv");
    snprintf(path, sizeof path, "%s/np2/stderr", dir);
    cli_slurp(path, err, sizeof err);
    cr_expect(strstr(err, "attractor 0: cycle, 142 of 165 points"), "%s", err);
    cr_expect(strstr(err, "attractor 1: equilibrium, 23 of 165 points, at V=-26.2551"), "%s", err);
    cli_tmpdir_remove(dir);
}

/* A checkpoint cut inside its last record (as a kill part-way through an append leaves it)
 * resumed by 3 ranks: the files of the uninterrupted single-process run. */
Test(mpi, basins_resumed_by_three_ranks_from_a_torn_checkpoint)
{
    skip_without_mpi();
    const char *base = "basins van_der_pol --x x=-3:3:11 --y y=-3:3:11 --t1 60 --out b.tsv --json --quiet --block 9";
    char dir[256], args[1024], path[600];
    cli_tmpdir_make(dir);
    cr_assert_eq(run_in(dir, "plain", 0, base), 0);
    snprintf(args, sizeof args, "%s --checkpoint b.ckpt", base);
    cr_assert_eq(run_in(dir, "torn", 0, args), 0);
    snprintf(path, sizeof path, "%s/torn/b.ckpt", dir);
    long size = file_size(path);
    cr_assert_gt(size, 1000);
    cr_assert_eq(truncate(path, size / 2), 0); /* about half the blocks, the last one torn */
    snprintf(args, sizeof args, "%s --checkpoint b.ckpt --resume", base);
    cr_assert_eq(run_in(dir, "torn", 3, args), 0);
    expect_same(dir, "plain", "torn", "b.tsv");
    expect_same(dir, "plain", "torn", "b.attractors.tsv");
    expect_same(dir, "plain", "torn", "stdout");
    cli_tmpdir_remove(dir);
}

/* The rows of the brute-force map shared among 2 and 3 ranks: brute2.tsv and the curves equal. */
Test(mpi, bifurcation2_brute_map_across_ranks_is_the_single_process_map)
{
    const char *files[] = {"stdout", "o/brute2.tsv", "o/curves.tsv", "o/special_points.tsv", NULL};
    same_with_ranks_and("bifurcation2 fhn --par a=0.5:1 --par Iext=0:1.5 --brute --grid 7 --t1 120 --transient 60 "
                        "--outdir o", "", files);
}

/* MPMD: rank 1 gets another --grid, so other blocks: every rank stops (no hang), rank 0 names
 * rank 1, no map is written; and a bad option on every rank is status 2 without a hang. */
Test(mpi, bifurcation2_brute_refuses_a_rank_with_another_grid_and_bad_input)
{
    skip_without_mpi();
    const char *cli = getenv("ND_CLI");
    char dir[256], cmd[4096], path[300], err[8192];
    cli_tmpdir_make(dir);
    const char *args = "bifurcation2 fhn --par a=0.5:1 --par Iext=0:1.5 --brute --t1 50 --transient 20 --outdir o --grid";
    snprintf(cmd, sizeof cmd,
             "cd '%s' && " MPIRUN " -np 1 '%s' %s 4 : -np 1 '%s' %s 5 > stdout 2> stderr < /dev/null", dir, cli, args, cli,
             args);
    int rc = system(cmd);
    cr_expect(WIFEXITED(rc) && WEXITSTATUS(rc) != 0, "the run must fail");
    snprintf(path, sizeof path, "%s/stderr", dir);
    cli_slurp(path, err, sizeof err);
    cr_expect(strstr(err, "rank 1 was given other blocks than rank 0"), "%s", err);
    snprintf(path, sizeof path, "%s/o/brute2.tsv", dir);
    cr_expect_eq(file_size(path), -1, "a failed run wrote its map");
    cr_expect_eq(run_in(dir, "bad", 2, "bifurcation2 fhn --par a=0.5:1 --par Iext=0:1.5 --brute --set nosuch=1"), 2);
    snprintf(path, sizeof path, "%s/bad/stderr", dir);
    cli_slurp(path, err, sizeof err);
    cr_expect(strstr(err, "nosuch"), "%s", err);
    cli_tmpdir_remove(dir);
}

/* basins' checkpoint in one process (no MPI needed): a torn file resumed to the same bytes. */
Test(checkpoint, basins_resume_from_a_torn_checkpoint_is_bitwise_the_uninterrupted_run)
{
    const char *base = "basins van_der_pol --x x=-3:3:11 --y y=-3:3:11 --t1 60 --out b.tsv --json --quiet --block 9";
    char dir[256], args[1024], path[600];
    cli_tmpdir_make(dir);
    cr_assert_eq(run_in(dir, "plain", 0, base), 0);
    snprintf(args, sizeof args, "%s --checkpoint b.ckpt", base);
    cr_assert_eq(run_in(dir, "torn", 0, args), 0);
    expect_same(dir, "plain", "torn", "b.tsv");
    snprintf(path, sizeof path, "%s/torn/b.ckpt", dir);
    cr_assert_eq(truncate(path, file_size(path) / 2), 0);
    snprintf(path, sizeof path, "%s/torn/b.tsv", dir);
    cr_assert_eq(unlink(path), 0);
    snprintf(args, sizeof args, "%s --checkpoint b.ckpt --resume", base);
    cr_assert_eq(run_in(dir, "torn", 0, args), 0);
    expect_same(dir, "plain", "torn", "b.tsv");
    expect_same(dir, "plain", "torn", "b.attractors.tsv");
    expect_same(dir, "plain", "torn", "stdout");
    cr_expect_eq(run_in(dir, "torn", 0, "basins van_der_pol --x x=-3:3:11 --y y=-3:3:11 --resume"), 2,
                 "--resume without --checkpoint is a usage error");
    cli_tmpdir_remove(dir);
}
