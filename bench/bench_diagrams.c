/* Benchmark: every zoo model's complete diagram with cycles exactly as the command computes it by
 * default (`neurodyn bifurcation MODEL --cycles`, run as a child process: equilibria seeded over
 * the range, cycles from the Hopf points and from simulation), CPU time (user + sys) of the
 * child, best of 3. For the three cases measured side by side with AUTO-07p (FitzHugh–Nagumo,
 * Hodgkin–Huxley with gL = 0.3, Morris–Lecar), the ratio to AUTO-07p's CPU time for the equal
 * work (the equilibrium branch over the range and the cycle branch between the Hopf points,
 * NTST 80, NCOL 4, EPSL = EPSU = 1e-12, EPSS = 1e-11): run here when ND_AUTO_DIR names a folder
 * with those cases built (subfolders fhn, hh03, ml, each with the AUTO executable NAME.exe and
 * the constants c.NAME.eq, c.NAME.po: bench/auto/build.sh makes them), otherwise against the
 * times recorded on this kind of machine. AUTO-07p's own code is not part of neurodyn. Then
 * branch switching on cycles: the Rossler period-doubling cascade and a pitchfork of cycles
 * (examples/sl_pair.ode), each without and with the switched branches; the two-parameter cycle
 * curves; and four two-parameter runs against AUTO-07p's runs for the same curves (LPC, PD,
 * HomCont's homoclinic and Neimark-Sacker curves, bench/auto/mlc, rpd, hrh, fns). Prints, never
 * asserts. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* CPU seconds (user + sys) of `argv` run in dir with stdout and stderr to /dev/null; -1 when it
 * fails. */
static double child_cpu(const char *dir, char *const argv[])
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd) || chdir(dir)) return -1;
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (chdir(cwd)) return -1;
    if (rc) return -1;
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) return -1;
    return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_sec +
           1e-6 * (double)ru.ru_stime.tv_usec;
}

static int copy_file(const char *from, const char *to)
{
    FILE *a = fopen(from, "rb"), *b = a ? fopen(to, "wb") : NULL;
    char buf[1 << 16];
    size_t n;
    int bad = !a || !b;
    while (!bad && (n = fread(buf, 1, sizeof buf, a)) > 0) bad = fwrite(buf, 1, n, b) != n;
    if (a) fclose(a);
    if (b) bad |= fclose(b) != 0;
    return bad ? -1 : 0;
}

/* AUTO-07p's equal work for one case (the equilibrium run, then the cycle run restarted at the
 * first Hopf point), CPU seconds, best of 3; -1 when the case is not there. */
static double auto_case(const char *root, const char *name)
{
    char dir[4096], exe[4200], a[4200], b[4200];
    snprintf(dir, sizeof dir, "%s/%s", root, name);
    snprintf(exe, sizeof exe, "%s/%s.exe", dir, name);
    if (access(exe, X_OK)) return -1;
    double best = -1;
    for (int rep = 0; rep < 3; rep++) {
        char *argv[] = {exe, NULL};
        snprintf(a, sizeof a, "%s/c.%s.eq", dir, name), snprintf(b, sizeof b, "%s/fort.2", dir);
        if (copy_file(a, b)) return -1;
        double t1 = child_cpu(dir, argv);
        snprintf(a, sizeof a, "%s/fort.8", dir), snprintf(b, sizeof b, "%s/fort.3", dir);
        if (t1 < 0 || copy_file(a, b)) return -1;
        snprintf(a, sizeof a, "%s/c.%s.po", dir, name), snprintf(b, sizeof b, "%s/fort.2", dir);
        if (copy_file(a, b)) return -1;
        double t2 = child_cpu(dir, argv);
        if (t2 < 0) return -1;
        if (best < 0 || t1 + t2 < best) best = t1 + t2;
    }
    return best;
}

/* AUTO-07p's runs for one case: each step runs with the constants c.NAME.STEP, restarted from
 * the solutions the step FROM saved (none for "-"), and saves its own as STEP.8. Steps are
 * "STEP:FROM". CPU seconds of all the runs, best of 3; -1 when the case is not there or a run
 * fails. */
static double auto_chain(const char *root, const char *name, const char *const *steps)
{
    char dir[4096], exe[4200], a[4300], b[4300];
    snprintf(dir, sizeof dir, "%s/%s", root, name);
    snprintf(exe, sizeof exe, "%s/%s.exe", dir, name);
    if (access(exe, X_OK)) return -1;
    double best = -1;
    for (int rep = 0; rep < 3; rep++) {
        double total = 0;
        for (const char *const *s = steps; *s; s++) {
            char step[64], from[64];
            if (sscanf(*s, "%63[^:]:%63s", step, from) != 2) return -1;
            snprintf(a, sizeof a, "%s/c.%s.%s", dir, name, step), snprintf(b, sizeof b, "%s/fort.2", dir);
            if (copy_file(a, b)) return -1;
            if (strcmp(from, "-")) {
                snprintf(a, sizeof a, "%s/%s.8", dir, from), snprintf(b, sizeof b, "%s/fort.3", dir);
                if (copy_file(a, b)) return -1;
            }
            char *argv[] = {exe, NULL};
            double t = child_cpu(dir, argv);
            snprintf(a, sizeof a, "%s/fort.8", dir), snprintf(b, sizeof b, "%s/%s.8", dir, step);
            if (t < 0 || copy_file(a, b)) return -1;
            total += t;
        }
        if (best < 0 || total < best) best = total;
    }
    return best;
}

static double neurodyn_case(const char *cli, const char *tmp, const char *const *args)
{
    char *argv[32];
    size_t n = 0;
    argv[n++] = (char *)cli;
    for (const char *const *s = args; *s && n < 28; s++) argv[n++] = (char *)*s;
    argv[n++] = "--outdir", argv[n++] = (char *)tmp, argv[n] = NULL;
    double best = -1;
    for (int rep = 0; rep < 3; rep++) {
        double t = child_cpu(".", argv);
        if (t < 0) return -1;
        if (best < 0 || t < best) best = t;
    }
    return best;
}

int main(void)
{
    const char *cli = getenv("ND_CLI");
    if (!cli) {
        fprintf(stderr, "bench_diagrams: set ND_CLI to the neurodyn binary (make bench does)\n");
        return 1;
    }
    char tmp[] = "/tmp/nd-bench-XXXXXX";
    if (!mkdtemp(tmp)) return perror("mkdtemp"), 1;
    printf("[a] the zoo's default diagrams with cycles, as `neurodyn bifurcation MODEL --cycles` computes them\n");
    printf("    (CPU seconds of the command, best of 3)\n");
    static const char *const zoo[] = {"fitzhugh_nagumo", "hindmarsh_rose", "fitzhugh_rinzel", "hodgkin_huxley",
                                      "morris_lecar", "morris_lecar_snic", "inap_ik", "izhikevich", "wilson_cowan",
                                      "van_der_pol", "lorenz", "rossler", "lif", "stochastic_fhn"};
    double total = 0;
    for (size_t i = 0; i < sizeof zoo / sizeof *zoo; i++) {
        const char *args[] = {"bifurcation", zoo[i], "--cycles", NULL};
        double t = neurodyn_case(cli, tmp, args);
        printf("    %-20s %8.3f s\n", zoo[i], t);
        total += t > 0 ? t : 0;
    }
    printf("    %-20s %8.3f s\n", "all", total);

    /* AUTO-07p, recorded (docs/bifurcation.md, "Measured"): user + sys, the best of 3 runs */
    static const struct {
        const char *name, *title, *args[8];
        double recorded;
    } cases[] = {
        {"fhn", "FitzHugh-Nagumo, Iext 0:2", {"bifurcation", "fhn", "--cycles", NULL}, 0.21},
        {"hh03", "Hodgkin-Huxley gL=0.3, Iext 0:200", {"bifurcation", "hh", "--set", "gL=0.3", "--par", "Iext=0:200", "--cycles", NULL}, 3.27},
        {"ml", "Morris-Lecar (Hopf set), I 0:250", {"bifurcation", "ml", "--cycles", NULL}, 0.21},
    };
    const char *auto_dir = getenv("ND_AUTO_DIR");
    printf("\n[b] against AUTO-07p, equal work (NTST 80, NCOL 4; both find every special point, PDs included)%s\n",
           auto_dir ? "" : ": AUTO-07p not built here (ND_AUTO_DIR), its recorded times");
    printf("    %-36s %10s %10s %8s\n", "case", "neurodyn", "AUTO-07p", "ratio");
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        double t = neurodyn_case(cli, tmp, cases[i].args);
        double a = auto_dir ? auto_case(auto_dir, cases[i].name) : -1;
        const char *src = a > 0 ? "" : " (recorded)";
        if (!(a > 0)) a = cases[i].recorded;
        printf("    %-36s %9.3fs %9.3fs %7.2fx%s\n", cases[i].title, t, a, t > 0 ? a / t : 0.0, src);
    }

    /* Branch switching (issue 19 item 2): the Rossler cascade from its period-1 cycle at c = 2.5
     * without and with the period-doubled branches (PD switching, the 2T, 4T and 8T branches),
     * and the pitchfork of cycles of two coupled Stuart-Landau oscillators without and with the
     * switch at its BPC (the .ode model is compiled on the first of the 3 runs; best of 3). */
    static const struct {
        const char *title, *args[24];
    } sw[] = {
        {"Rossler c 2.2:4.4, period-1 branch only",
         {"bifurcation", "rossler", "--par", "c=2.2:4.4", "--cycle-scan", "0", "--cycle-from", "c=2.5", "--pd-depth", "0",
          NULL}},
        {"Rossler c 2.2:4.4, with 2T, 4T, 8T (PD)",
         {"bifurcation", "rossler", "--par", "c=2.2:4.4", "--cycle-scan", "0", "--cycle-from", "c=2.5", NULL}},
        {"SL pair k 0.05:0.6, no BPC switch",
         {"bifurcation", "examples/sl_pair.ode", "--par", "k=0.05:0.6", "--range", "x1=-2:2", "--range", "y1=-2:2",
          "--range", "x2=-2:2", "--range", "y2=-2:2", "--cycles", "--cycle-scan", "0", "--bpc-depth", "0", NULL}},
        {"SL pair k 0.05:0.6, both BPC halves",
         {"bifurcation", "examples/sl_pair.ode", "--par", "k=0.05:0.6", "--range", "x1=-2:2", "--range", "y1=-2:2",
          "--range", "x2=-2:2", "--range", "y2=-2:2", "--cycles", "--cycle-scan", "0", NULL}},
    };
    printf("\n[c] branch switching on cycles (CPU seconds, best of 3)\n");
    for (size_t i = 0; i < sizeof sw / sizeof *sw; i++) {
        double t = neurodyn_case(cli, tmp, sw[i].args);
        if (t < 0) printf("    %-42s  failed (run from the repository root)\n", sw[i].title);
        else printf("    %-42s %8.3f s\n", sw[i].title, t);
    }

    /* two-parameter curves of cycle bifurcations (LPC and PD curves, bifurcation2 --cycles); the
     * AUTO-07p side of the first and third is in [e] */
    static const struct {
        const char *title, *args[12];
    } cycle2[] = {
        {"Morris-Lecar LPC curve (phi, I)", {"bifurcation2", "ml", "--par", "phi=0.02:0.1", "--par", "I=60:160", "--cycles", NULL}},
        {"Hodgkin-Huxley LPC curve (gK, Iext)", {"bifurcation2", "hh", "--par", "gK=20:50", "--par", "Iext=0:20", "--cycles", NULL}},
        {"Rossler 3 PD curves (b, c)", {"bifurcation2", "rossler", "--par", "b=0.1:0.3", "--par", "c=2:4.5", "--cycles", NULL}},
    };
    printf("\n[d] two-parameter cycle curves, `neurodyn bifurcation2 ... --cycles` (the whole command: equilibrium\n"
           "    curves, the cycle branches and their scan, the LPC/PD curves; CPU seconds, best of 3)\n");
    for (size_t i = 0; i < sizeof cycle2 / sizeof *cycle2; i++)
        printf("    %-36s %9.3fs\n", cycle2[i].title, neurodyn_case(cli, tmp, cycle2[i].args));

    /* Two-parameter curves against AUTO-07p (issue 19 item 8): the whole neurodyn command against
     * AUTO-07p's runs for the same curves (bench/auto/mlc, rpd, hrh, fns; NTST 80, NCOL 4, the curve
     * runs at EPSL = EPSU = 1e-10 as neurodyn's corrector tolerance), recorded times when
     * ND_AUTO_DIR is not set (docs/bifurcation.md, "Measured"). AUTO-07p reaches Rossler's
     * period-1 cycle through the Hopf point in a at c = 2.5 (the Hopf point in c coincides with
     * the fold at c = 0.4), the 2T and 4T cycles by its PD branch switching; neurodyn finds them
     * by its scan. neurodyn's --homoclinic also tests every point of the fold curves for a SNIC
     * (a centre-manifold integration each), which AUTO-07p does not: on the HR fast subsystem
     * that is most of its time (docs/performance.md). FitzHugh-Rinzel (fns): the Hopf and NS (AUTO's
     * TR, ISW = 2) curves and the two LPC curves; neurodyn also continues the PD curve of the cycles
     * at period 38.78 (a - 0.8 I = 0.508775), which AUTO-07p's cycle run does not flag (its
     * complex pair of multipliers meets the negative axis and one crosses -1 within one step). */
    static const char *const mlc_steps[] = {"eq:-", "hb1:eq", "hb2:eq", "po:eq", "lps:po", "lpc1:lps", "lpc2:lps", NULL};
    static const char *const rpd_steps[] = {"eq:-", "poa:eq", "poc:poa", "pds:poc", "pd1:pds", "pd2:pds", "p2:poc",
                                            "q2s:p2", "q2a:q2s", "q2b:q2s", "p4:p2", "q4s:p4", "q4a:q4s", "q4b:q4s",
                                            NULL};
    static const char *const hrh_steps[] = {"eq:-", "e2a:eq", "e2b:eq", "e3a:eq", "e3b:eq", "e4a:eq", "e4b:eq",
                                            "po:eq", "hc1:po", "hc2:po", NULL};
    static const char *const fns_steps[] = {"eq:-", "hb1:eq", "hb2:eq", "po:eq", "nss:po", "ns1:nss", "ns2:nss",
                                            "las:po", "la1:las", "la2:las", "lbs:po", "lb1:lbs", "lb2:lbs", NULL};
    static const struct {
        const char *name, *title, *args[16];
        const char *const *steps;
        double recorded;
    } curves2[] = {
        {"mlc", "Morris-Lecar H + LPC curves (phi, I)",
         {"bifurcation2", "ml", "--par", "phi=0.02:0.1", "--par", "I=60:160", "--cycles", "--cycle-scan", "0", NULL},
         mlc_steps, 0.845},
        {"rpd", "Rossler PD curves of 1T, 2T, 4T (b, c)",
         {"bifurcation2", "rossler", "--par", "b=0.1:0.3", "--par", "c=2:4.5", "--cycles", NULL}, rpd_steps, 0.881},
        {"hrh", "HR fast subsystem LP + H + HC (I, z)",
         {"bifurcation2", "tests/data/ode/hr_fast.ode", "--par", "I=0:2", "--par", "z=0:4", "--homoclinic", NULL},
         hrh_steps, 0.250},
        {"fns", "FitzHugh-Rinzel H + NS + 2 LPC (a, I)",
         {"bifurcation2", "fhr", "--par", "a=0.5:0.9", "--par", "I=0:1", "--cycles", "--cycle-scan", "0", NULL},
         fns_steps, 0.557},
    };
    printf("\n[e] two-parameter curves against AUTO-07p (NTST 80, NCOL 4; the whole neurodyn command)%s\n",
           auto_dir ? "" : ": AUTO-07p not built here (ND_AUTO_DIR), its recorded times");
    printf("    %-40s %10s %10s %8s\n", "case", "neurodyn", "AUTO-07p", "ratio");
    for (size_t i = 0; i < sizeof curves2 / sizeof *curves2; i++) {
        double t = neurodyn_case(cli, tmp, curves2[i].args);
        double a = auto_dir ? auto_chain(auto_dir, curves2[i].name, curves2[i].steps) : -1;
        const char *src = a > 0 ? "" : " (recorded)";
        if (!(a > 0)) a = curves2[i].recorded;
        if (t < 0) printf("    %-40s  failed (run from the repository root)\n", curves2[i].title);
        else printf("    %-40s %9.3fs %9.3fs %7.2fx%s\n", curves2[i].title, t, a, a / t, src);
    }
    char cmd[64];
    snprintf(cmd, sizeof cmd, "%s", tmp);
    char *rm[] = {"/bin/rm", "-rf", cmd, NULL};
    child_cpu(".", rm);
    return 0;
}
