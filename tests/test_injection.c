/* Paths that try to run commands (issue 16, S2 and S3): quotes, $(...), backticks and gnuplot's
 * system() in the names of output files and folders. gnuplot is started without a shell, and
 * every string in a script is quoted for gnuplot, so these names are just names: the commands
 * succeed, the files have those names, and nothing runs — not now, and not when the editable
 * script is rendered again. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_exec.h"
#include "cli_run.h"

static char tmp[256];
static cli_exec_result r;

static void setup(void) { cli_tmpdir_make(tmp); }
static void teardown(void) { cli_tmpdir_remove(tmp); }

TestSuite(injection, .init = setup, .fini = teardown);

static int exists(const char *name)
{
    char path[1024];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", tmp, name);
    return lstat(path, &st) == 0;
}

/* gnuplot on script (a name in tmp), started without a shell, as a user re-rendering would. */
static int rerender(const char *script)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (chdir(tmp) != 0) _exit(127);
        execlp("gnuplot", "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(injection, shell_syntax_in_figure_and_data_paths_runs_nothing)
{
    const char *const args[] = {"simulate", "fhn", "--t1", "1", "--out", "a'$(touch P1)'`touch P2`.tsv",
                                "--plot", "x'$(touch P3)' \"q\".png", NULL};
    cli_exec(tmp, 0, args, &r);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(exists("x'$(touch P3)' \"q\".png") && exists("a'$(touch P1)'`touch P2`.tsv"), "the files have those names");
    cr_expect(!exists("P1") && !exists("P2") && !exists("P3"), "no command ran");
}

Test(injection, gnuplot_system_calls_in_names_are_text)
{
    const char *const args[] = {"simulate", "fhn", "--t1", "1", "--out", "b';system('touch Q1');'.tsv", "--plot",
                                "b.png", NULL};
    cli_exec(tmp, 0, args, &r);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(!exists("Q1"), "gnuplot ran no system() while rendering");
    cr_expect_eq(rerender("b.gp"), 0, "the editable script renders again");
    cr_expect(!exists("Q1"), "nor when the script is rendered again");
}

Test(injection, a_report_folder_with_quotes_and_dollars_works)
{
    const char *const args[] = {"report", "fhn", "--outdir", "r'$(touch P4)' x", "--quiet", NULL};
    cli_exec(tmp, 0, args, &r);
    cr_expect_eq(r.status, 0, "a legitimate folder name with an apostrophe works: %s", r.err);
    cr_expect(exists("r'$(touch P4)' x/index.html") && exists("r'$(touch P4)' x/phase_plane.png"));
    cr_expect(!exists("P4"));
}

Test(injection, newlines_in_paths_work_and_run_nothing)
{
    /* a newline in a name once ended the script's first comment line, and gnuplot read the
     * rest as a command ("q ..." quits: no figure, status 0) */
    const char *const args[] = {"simulate", "fhn", "--t1", "1", "--out", "we\nird.tsv", "--plot",
                                "x\nsystem('touch Q5')\ny.png", NULL};
    cli_exec(tmp, 0, args, &r);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(exists("we\nird.tsv") && exists("x\nsystem('touch Q5')\ny.png"), "the files have those names");
    cr_expect(!exists("Q5"), "no command ran");
    cr_expect_eq(rerender("x\nsystem('touch Q5')\ny.gp"), 0, "the editable script renders again");
    cr_expect(!exists("Q5"), "nor when the script is rendered again");
}

Test(injection, raster_plot_names_are_quoted)
{
    /* regression: the raster script wrote its output name between bare quotes */
    const char *const args[] = {"coba", "--t1", "20", "--plot", "r';system('touch Q6');'.png", NULL};
    cli_exec(tmp, 0, args, &r);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(exists("r';system('touch Q6');'.png"), "the figure has that name");
    cr_expect(!exists("Q6"), "gnuplot ran no system()");
}
