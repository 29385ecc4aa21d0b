/* The progress line (core/progress.c): its text, silence off a terminal, and `neurodyn sweep`
 * on a pseudo-terminal (progress on stderr), with --quiet and through a pipe (nothing). */
#define _GNU_SOURCE /* ptsname_r, posix_openpt */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_run.h"
#include "neurodyn/progress.h"

static void read_all(FILE *f, char *buf, size_t len)
{
    fflush(f);
    rewind(f);
    size_t got = fread(buf, 1, len - 1, f);
    buf[got] = '\0';
}

Test(progress, draws_the_fraction_and_the_time_left_and_erases_the_line)
{
    FILE *f = tmpfile();
    cr_assert_not_null(f);
    nd_progress *p = nd_progress_start("neurodyn sweep", "trajectories", 400, f, ND_PROGRESS_FORCE);
    cr_assert_not_null(p);
    nd_progress_add(p, 100); /* forced: drawn from the first update */
    char buf[512];
    read_all(f, buf, sizeof buf);
    cr_expect(strstr(buf, "\rneurodyn sweep:  25% of 400 trajectories, 0:00 elapsed, about "), "%s", buf);
    cr_expect(strstr(buf, " left\033[K"), "%s", buf);
    nd_progress_finish(p);
    read_all(f, buf, sizeof buf);
    size_t n = strlen(buf);
    cr_expect(n >= 4 && strcmp(buf + n - 4, "\r\033[K") == 0, "the line is erased at the end");
    fclose(f);
}

Test(progress, nothing_off_a_terminal)
{
    FILE *f = tmpfile();
    cr_assert_not_null(f);
    nd_progress *p = nd_progress_start("x", "items", 10, f, 0);
    cr_expect_null(p, "a file is not a terminal");
    nd_progress_add(p, 5), nd_progress_callback(p, 5), nd_progress_finish(p); /* NULL is fine */
    char buf[64];
    read_all(f, buf, sizeof buf);
    cr_expect_str_eq(buf, "");
    cr_expect_null(nd_progress_start("x", "items", 0, f, ND_PROGRESS_FORCE), "no work: no line");
    fclose(f);
}

Test(progress, clock)
{
    char b[32];
    cr_expect_str_eq(nd_progress_clock(0.4, b, sizeof b), "0:00");
    cr_expect_str_eq(nd_progress_clock(65, b, sizeof b), "1:05");
    cr_expect_str_eq(nd_progress_clock(3723, b, sizeof b), "1:02:03");
    cr_expect_str_eq(nd_progress_clock(NAN, b, sizeof b), "--");
    cr_expect_str_eq(nd_progress_clock(-1, b, sizeof b), "--");
}

/* Runs `neurodyn ARGS` with stderr on a pseudo-terminal (stdout to /dev/null) and returns what
 * the terminal received. */
static int run_on_pty(const char *args, char *buf, size_t len)
{
    const char *cli = getenv("ND_CLI");
    cr_assert_not_null(cli, "ND_CLI must name the neurodyn binary (make test sets it)");
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    cr_assert(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0, "no pseudo-terminal: %s", strerror(errno));
    char slave_name[128];
    cr_assert_eq(ptsname_r(master, slave_name, sizeof slave_name), 0);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        int slave = open(slave_name, O_RDWR | O_NOCTTY), null = open("/dev/null", O_WRONLY);
        if (slave < 0 || null < 0) _exit(126);
        dup2(slave, 2), dup2(null, 1);
        setenv("NEURODYN_PROGRESS_DELAY", "0", 1);
        char buf_args[1024], *argv[64];
        int argc = 0;
        snprintf(buf_args, sizeof buf_args, "%s", args);
        argv[argc++] = (char *)cli;
        for (char *tok = strtok(buf_args, " "); tok && argc < 63; tok = strtok(NULL, " ")) argv[argc++] = tok;
        argv[argc] = NULL;
        execv(cli, argv); /* the words of args, no shell */
        _exit(127);
    }
    size_t got = 0;
    int status = 0;
    for (;;) { /* read until the child is gone and the terminal is drained */
        struct pollfd pf = {master, POLLIN, 0};
        int ready = poll(&pf, 1, 100);
        if (ready > 0 && (pf.revents & POLLIN)) {
            ssize_t k = read(master, buf + got, len - 1 - got);
            if (k > 0) {
                got += (size_t)k;
                if (got < len - 1) continue;
            }
        }
        if (waitpid(pid, &status, WNOHANG) == pid) {
            while (got < len - 1 && poll(&pf, 1, 50) > 0 && (pf.revents & POLLIN)) {
                ssize_t k = read(master, buf + got, len - 1 - got);
                if (k <= 0) break;
                got += (size_t)k;
            }
            break;
        }
    }
    buf[got] = '\0';
    close(master);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Test(progress, sweep_shows_progress_on_a_terminal_only)
{
    static char buf[1 << 16];
    const char *sweep = "sweep hr --par I=0:4:512 --t1 1000 --device cpu";
    cr_assert_eq(run_on_pty(sweep, buf, sizeof buf), 0);
    cr_expect(strstr(buf, "neurodyn sweep: ") && strstr(buf, "% of 512 trajectories") && strstr(buf, " left"),
              "on a terminal: '%.300s'", buf);
    char quiet[256];
    snprintf(quiet, sizeof quiet, "%s --quiet", sweep);
    cr_assert_eq(run_on_pty(quiet, buf, sizeof buf), 0);
    cr_expect(!strstr(buf, "trajectories"), "--quiet: '%.300s'", buf);
    /* stderr into a file: nothing at all */
    char dir[256], err[4096], path[300];
    cli_tmpdir_make(dir);
    setenv("NEURODYN_PROGRESS_DELAY", "0", 1);
    cr_assert_eq(cli_run_in(dir, sweep), 0);
    unsetenv("NEURODYN_PROGRESS_DELAY");
    snprintf(path, sizeof path, "%s/stderr", dir);
    cli_slurp(path, err, sizeof err);
    cr_expect_str_eq(err, "", "stderr not a terminal: nothing");
    cli_tmpdir_remove(dir);
}

Test(progress, simulate_bifurcation_and_report_on_a_terminal)
{
    static char buf[1 << 16];
    char dir[256], args[512];
    cli_tmpdir_make(dir);
    snprintf(args, sizeof args, "simulate hh --t1 4000 --dt 0.01 --method rk4 --out %s/hh.tsv", dir);
    cr_assert_eq(run_on_pty(args, buf, sizeof buf), 0);
    cr_expect(strstr(buf, "neurodyn simulate: ") && strstr(buf, "% of 4000 ms"), "simulate: '%.300s'", buf);
    snprintf(args, sizeof args, "simulate hh --t1 4000 --dt 0.01 --method rk4 --out %s/hh.tsv --quiet", dir);
    cr_assert_eq(run_on_pty(args, buf, sizeof buf), 0);
    cr_expect(!strstr(buf, "% of"), "--quiet: '%.300s'", buf);
    snprintf(args, sizeof args, "bifurcation hh --cycles --outdir %s/b", dir);
    cr_assert_eq(run_on_pty(args, buf, sizeof buf), 0);
    cr_expect(strstr(buf, "neurodyn bifurcation: ") && strstr(buf, "cycle starts"), "bifurcation: '%.300s'", buf);
    snprintf(args, sizeof args, "report fhn --outdir %s/r", dir);
    cr_assert_eq(run_on_pty(args, buf, sizeof buf), 0);
    cr_expect(strstr(buf, "neurodyn report: ") && strstr(buf, "of 7 stages"), "report: '%.300s'", buf);
    snprintf(args, sizeof args, "report fhn --outdir %s/r --quiet", dir);
    cr_assert_eq(run_on_pty(args, buf, sizeof buf), 0);
    cr_expect(!strstr(buf, "% of"), "report --quiet: no line of its own or of its steps: '%.300s'", buf);
    cli_tmpdir_remove(dir);
}
