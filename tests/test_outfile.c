/* nd_file_create (core/outfile.c): an output file appears whole or not at all (issue 16, item 3).
 * A finished file replaces what was there; an abandoned or failed one leaves it as it was; a
 * link at the path is replaced, never written through; devices are written in place; no
 * temporary is left behind in any case. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_run.h"
#include "neurodyn/tsv.h"

static char tmp[256];

static void setup(void) { cli_tmpdir_make(tmp); }
static void teardown(void) { cli_tmpdir_remove(tmp); }

TestSuite(outfile, .init = setup, .fini = teardown);

static void path_of(char *buf, size_t len, const char *name) { snprintf(buf, len, "%s/%s", tmp, name); }

static void put(const char *name, const char *text)
{
    char p[512];
    path_of(p, sizeof p, name);
    FILE *f = fopen(p, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

static void expect_text(const char *name, const char *want)
{
    char p[512], got[256] = "";
    path_of(p, sizeof p, name);
    FILE *f = fopen(p, "r");
    cr_assert_not_null(f, "%s", p);
    size_t n = fread(got, 1, sizeof got - 1, f);
    got[n] = '\0';
    fclose(f);
    cr_expect_str_eq(got, want, "%s", name);
}

static int temporaries(void)
{
    DIR *d = opendir(tmp);
    cr_assert_not_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) n += strstr(e->d_name, ".tmp-") != NULL;
    closedir(d);
    return n;
}

Test(outfile, appears_only_when_closed)
{
    put("a.tsv", "old\n");
    char p[512];
    path_of(p, sizeof p, "a.tsv");
    FILE *f = nd_file_create(p);
    cr_assert_not_null(f);
    fputs("new\n", f);
    fflush(f);
    expect_text("a.tsv", "old\n"); /* still the old one while it is written */
    cr_expect_eq(temporaries(), 1);
    cr_expect_eq(fclose(f), 0);
    expect_text("a.tsv", "new\n");
    cr_expect_eq(temporaries(), 0);
    struct stat st;
    cr_assert_eq(stat(p, &st), 0);
    cr_expect((st.st_mode & 0444) == 0444 || (st.st_mode & 0400), "readable: %o", st.st_mode);
}

Test(outfile, abandoned_leaves_the_old_file)
{
    put("a.tsv", "old\n");
    char p[512];
    path_of(p, sizeof p, "a.tsv");
    FILE *f = nd_file_create(p);
    cr_assert_not_null(f);
    fputs("half", f);
    nd_file_abandon(f);
    expect_text("a.tsv", "old\n");
    cr_expect_eq(temporaries(), 0);
    path_of(p, sizeof p, "never.tsv");
    f = nd_file_create(p);
    cr_assert_not_null(f);
    nd_file_abandon(f);
    cr_expect_neq(access(p, F_OK), 0, "an abandoned new file does not appear");
}

Test(outfile, a_link_is_replaced_not_followed)
{
    put("precious.txt", "precious\n");
    char p[512], target[512];
    path_of(p, sizeof p, "out.tsv");
    path_of(target, sizeof target, "precious.txt");
    cr_assert_eq(symlink(target, p), 0);
    FILE *f = nd_file_create(p);
    cr_assert_not_null(f);
    fputs("data\n", f);
    cr_expect_eq(fclose(f), 0);
    expect_text("precious.txt", "precious\n");
    expect_text("out.tsv", "data\n");
    struct stat st;
    cr_expect(lstat(p, &st) == 0 && S_ISREG(st.st_mode));
}

Test(outfile, devices_are_written_in_place)
{
    FILE *f = nd_file_create("/dev/null");
    cr_assert_not_null(f);
    fputs("nothing\n", f);
    cr_expect_eq(fclose(f), 0);
    struct stat st;
    cr_expect(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode), "/dev/null is still the device");
    if (access("/dev/full", W_OK) != 0) return;
    f = nd_file_create("/dev/full");
    cr_assert_not_null(f);
    fputs("x\n", f);
    cr_expect_neq(fclose(f), 0, "a write that fails is an error at close");
}

Test(outfile, bad_paths_are_errors)
{
    errno = 0;
    cr_expect_null(nd_file_create(""));
    cr_expect_eq(errno, EINVAL);
    char p[512];
    path_of(p, sizeof p, "no/such/folder/a.tsv");
    cr_expect_null(nd_file_create(p));
    cr_expect_eq(errno, ENOENT);
}
