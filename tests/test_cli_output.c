/* Output paths the commands cannot use: a file where a folder is wanted, a folder where a file
 * is, a missing folder, no permission, a full disk. Each is one line on stderr naming the path,
 * a documented status (2 when refused before any work, 1 when a write fails; docs/cli.md,
 * "Output files and folders"), and nothing left behind that looks like a result. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_exec.h"
#include "cli_run.h"

static char tmpdir[256];

/* The folder holds: afile (a file), adir.png (a folder with a figure's name), ro (a folder
 * without write permission); it is open to everyone, so that the permission cases can run as
 * nobody when the tests run as root. */
static void setup(void)
{
    cli_tmpdir_make(tmpdir);
    cr_assert_eq(chmod(tmpdir, 0755), 0);
    char path[300];
    snprintf(path, sizeof path, "%s/afile", tmpdir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("not a folder\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/adir.png", tmpdir);
    cr_assert_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/ro", tmpdir);
    cr_assert_eq(mkdir(path, 0555), 0);
}

static void teardown(void)
{
    char path[300];
    snprintf(path, sizeof path, "%s/ro", tmpdir);
    chmod(path, 0755);
    cli_tmpdir_remove(tmpdir);
}

TestSuite(cli_output, .init = setup, .fini = teardown);

static int exists(const char *name)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    struct stat st;
    return stat(path, &st) == 0;
}

typedef struct bad_case {
    const char *args[16];
    int status;
    const char *says;   /* stderr contains this: the path and why */
    const char *absent; /* a file or folder that must not be there afterwards (or NULL) */
} bad_case;

static void check(const bad_case *c, int as_nobody)
{
    static cli_exec_result r;
    char cmdline[512] = "";
    for (const char *const *a = c->args; *a; a++) strncat(cmdline, *a, 100), strncat(cmdline, " ", 2);
    if (cli_exec(tmpdir, as_nobody, c->args, &r) != 0) cr_skip_test("cannot run as nobody here");
    cr_expect_eq(r.status, c->status, "%s: status %d, not %d; stderr: %s", cmdline, r.status, c->status, r.err);
    cr_expect(strstr(r.err, c->says), "%s: stderr should say \"%s\", says: %s", cmdline, c->says, r.err);
    cr_expect_eq(cli_line_count(r.err), 1, "%s: one line on stderr, not: %s", cmdline, r.err);
    cr_expect(strncmp(r.err, "neurodyn ", 9) == 0, "%s: %s", cmdline, r.err);
    if (c->absent) cr_expect(!exists(c->absent), "%s: left %s behind", cmdline, c->absent);
    char afile[300], text[64];
    snprintf(afile, sizeof afile, "%s/afile", tmpdir);
    cli_slurp(afile, text, sizeof text);
    cr_expect_str_eq(text, "not a folder\n", "%s: afile changed", cmdline);
}

#define BIF "bifurcation", "fhn", "--par", "Iext=0:2"
#define BIF2 "bifurcation2", "fhn", "--par", "a=0.5:1", "--par", "Iext=0:2"
#define SWEEP "sweep", "fhn", "--par", "Iext=0:2:4", "--t1", "10", "--device", "cpu"

/* A file where a folder is wanted, a folder where a file is: refused before any work. */
Test(cli_output, a_file_for_a_folder_or_a_folder_for_a_file_is_refused_first)
{
    const bad_case cases[] = {
        {{"phase-plane", "fhn", "--outdir", "afile", NULL}, 2, "output folder 'afile': it is a file, not a folder", NULL},
        {{"phase-plane", "fhn", "--outdir", "afile/pp", NULL}, 2, "output folder 'afile/pp': 'afile' is a file", NULL},
        {{"phase-plane", "fhn", "--outdir", "pp", "--plot", "adir.png", NULL}, 2, "cannot write 'adir.png': it is a folder", "pp"},
        {{BIF, "--outdir", "afile", NULL}, 2, "output folder 'afile': it is a file", NULL},
        {{BIF, "--outdir", "b", "--plot", "afile/b.png", NULL}, 2, "cannot write 'afile/b.png': 'afile' is a file", "b"},
        {{BIF2, "--outdir", "afile/b2", NULL}, 2, "output folder 'afile/b2': 'afile' is a file", NULL},
        {{"fast-slow", "hr", "--outdir", "afile", NULL}, 2, "output folder 'afile': it is a file", NULL},
        {{"report", "fhn", "--outdir", "afile", NULL}, 2, "output folder 'afile': it is a file", NULL},
        {{"fixed-points", "fhn", "--plot", "adir.png", NULL}, 2, "cannot write 'adir.png': it is a folder", NULL},
        {{"fixed-points", "fhn", "--plot", "afile/fp.png", NULL}, 2, "cannot write 'afile/fp.png': 'afile' is a file", NULL},
        {{"simulate", "fhn", "--t1", "5", "--out", "x.tsv", "--plot", "adir.png", NULL}, 2, "cannot write 'adir.png'", "x.tsv"},
        {{"simulate", "fhn", "--t1", "5", "--out", "x.tsv", "--plot3d", "afile/x.png", NULL}, 2, "'afile' is a file", "x.tsv"},
        {{SWEEP, "--out", "s.tsv", "--plot", "adir.png", NULL}, 2, "cannot write 'adir.png': it is a folder", "s.tsv"},
        {{"coba", "--t1", "10", "--plot", "afile/r.png", NULL}, 2, "cannot write 'afile/r.png'", NULL},
        {{"simulate", "fhn", "--t1", "5", "--out", "adir.png", NULL}, 2, "cannot write 'adir.png': it is a folder", NULL},
        {{SWEEP, "--out", "adir.png", NULL}, 2, "cannot write 'adir.png': it is a folder", NULL},
        {{SWEEP, "--out", "s.tsv", "--extrema-out", "afile/e.tsv", NULL}, 2, "'afile' is a file", "s.tsv"},
        /* regression (issue 16, D18): a name too long for the file system, found after creating
         * every folder before it */
        {{"phase-plane", "fhn", "--outdir", "a/a/a/a/a/a/a/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", NULL},
         2, "more than 255", "a"},
        /* regression (issue 16, D17): the figure's script written over the data */
        {{"simulate", "fhn", "--t1", "5", "--out", "p.gp", "--plot", "p.png", NULL}, 2, "writes its script to 'p.gp'", "p.gp"},
        {{SWEEP, "--out", "s.tsv", "--extrema-out", "s.tsv", NULL}, 2, "'s.tsv' is given for two outputs", "s.tsv"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) check(&cases[i], 0);
}

/* A folder that does not exist: --outdir creates it with its parents, a figure may go into the
 * folder --outdir creates, any other file's folder must exist. */
Test(cli_output, missing_folders)
{
    const bad_case cases[] = {
        {{"simulate", "fhn", "--t1", "5", "--out", "nodir/x.tsv", NULL}, 2, "cannot write 'nodir/x.tsv'", "nodir"},
        {{"simulate", "fhn", "--t1", "5", "--out", "x.tsv", "--plot", "nodir/x.png", NULL}, 2, "cannot write 'nodir/x.png'", "x.tsv"},
        {{"fixed-points", "fhn", "--plot", "nodir/fp.png", NULL}, 2, "cannot write 'nodir/fp.png'", "nodir"},
        {{SWEEP, "--out", "s.tsv", "--plot", "nodir/s.png", NULL}, 2, "cannot write 'nodir/s.png'", "s.tsv"},
        {{"coba", "--t1", "10", "--plot", "nodir/r.png", NULL}, 2, "cannot write 'nodir/r.png'", "nodir"},
        {{SWEEP, "--out", "nodir/s.tsv", NULL}, 2, "cannot write 'nodir/s.tsv'", "nodir"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) check(&cases[i], 0);
    static cli_exec_result r;
    const char *const ok[] = {"phase-plane", "fhn", "--outdir", "new/deep/pp", "--plot", "new/deep/pp/fhn.png", NULL};
    cli_exec(tmpdir, 0, ok, &r);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(exists("new/deep/pp/nullcline_V.tsv") && exists("new/deep/pp/fhn.gp"), "the folder and the figure's script");
    const char *const again[] = {"fixed-points", "fhn", "--plot", "new/deep/pp/fp.png", NULL};
    cli_exec(tmpdir, 0, again, &r);
    cr_expect_eq(r.status, 0, "an existing folder is used as it is: %s", r.err);
    cr_expect(exists("new/deep/pp/fp.tsv"));
}

/* No permission to write: the folder ro (mode 0555), as nobody when the tests run as root. */
Test(cli_output, folders_without_write_permission)
{
    const bad_case cases[] = {
        {{"phase-plane", "fhn", "--outdir", "ro", NULL}, 2, "output folder 'ro': cannot write in it", "ro/fixed_points.tsv"},
        {{"phase-plane", "fhn", "--outdir", "ro/pp", NULL}, 2, "output folder 'ro/pp': cannot create a folder in 'ro'", "ro/pp"},
        {{BIF, "--outdir", "ro/b", NULL}, 2, "output folder 'ro/b': cannot create a folder in 'ro'", "ro/b"},
        {{BIF2, "--outdir", "ro", NULL}, 2, "output folder 'ro': cannot write in it", NULL},
        {{"fixed-points", "fhn", "--plot", "ro/fp.png", NULL}, 2, "cannot write 'ro/fp.png': cannot write in the folder 'ro'", NULL},
        {{SWEEP, "--out", "s.tsv", "--plot", "ro/s.png", NULL}, 2, "cannot write 'ro/s.png'", "s.tsv"},
        {{"simulate", "fhn", "--t1", "5", "--out", "ro/x.tsv", NULL}, 2, "cannot write 'ro/x.tsv'", "ro/x.tsv"},
        {{SWEEP, "--out", "ro/s.tsv", NULL}, 2, "cannot write 'ro/s.tsv'", "ro/s.tsv"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) check(&cases[i], geteuid() == 0);
}

/* A write that fails part-way (/dev/full: every write fails with ENOSPC) is status 1. */
Test(cli_output, a_failed_write_is_never_success)
{
    if (access("/dev/full", W_OK) != 0) cr_skip_test("no /dev/full here");
    const bad_case cases[] = {
        {{"simulate", "fhn", "--t1", "50", "--out", "/dev/full", NULL}, 1, "writing the trajectory failed", NULL},
        {{SWEEP, "--out", "/dev/full", NULL}, 1, "cannot write '/dev/full'", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) check(&cases[i], 0);
}
