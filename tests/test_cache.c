/* The model cache's hardening (issue 16: S1, S4, D22): a private folder, never /tmp; cached
 * objects checked before dlopen; the compiler gets the bytes that were hashed; one compile per
 * model at a time. Every test points the cache at a fresh temporary folder. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../core/toolchain.h"
#include "cli_exec.h"
#include "cli_run.h"
#include "neurodyn/core.h"

/* ---- a temporary folder and the environment, restored after each test -------------------- */

static const char *const env_names[] = {"NEURODYN_CACHE", "XDG_CACHE_HOME", "HOME", "CC"};
#define N_ENV (sizeof env_names / sizeof *env_names)
static char *env_saved[N_ENV];
static char tmp[256];

static void setup(void)
{
    for (size_t i = 0; i < N_ENV; i++) {
        const char *v = getenv(env_names[i]);
        env_saved[i] = v ? strdup(v) : NULL;
    }
    cli_tmpdir_make(tmp); /* sets NEURODYN_CACHE to tmp/cache */
}

static void teardown(void)
{
    for (size_t i = 0; i < N_ENV; i++) {
        if (env_saved[i]) setenv(env_names[i], env_saved[i], 1);
        else unsetenv(env_names[i]);
        free(env_saved[i]);
    }
    cli_tmpdir_remove(tmp);
}

TestSuite(cache, .init = setup, .fini = teardown);

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

/* x' = -k x with k's default given, so a loaded object tells which source it was built from. */
static void write_model_after(const char *path, const char *pre, const char *k)
{
    char text[1024];
    snprintf(text, sizeof text,
             "%s#include \"neurodyn/model.h\"\n"
             "ND_RHS(decay) { dxdt[0] = -p[0] * x[0]; }\n"
             "ND_KERNELS(decay, 1, 1)\n"
             "static const char *const v[] = {\"x\"}, *const pn[] = {\"k\"};\n"
             "static const double d[] = {%s}, i0[] = {2.0};\n"
             "static const nd_model m = {.name = \"decay\", .n_vars = 1, .n_pars = 1,\n"
             "    .var_names = v, .par_names = pn, .par_defaults = d, .init = i0,\n"
             "    .rhs = decay_rhs, .kernels = &decay_kernels};\n"
             "ND_EXPORT_MODEL(m)\n",
             pre, k);
    write_text(path, text);
}

static void write_model(const char *path, const char *k) { write_model_after(path, "", k); }

/* How many files match tmp/PATTERN. */
static size_t count(const char *pattern)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", tmp, pattern);
    glob_t g;
    size_t n = glob(p, 0, NULL, &g) == 0 ? g.gl_pathc : 0;
    globfree(&g);
    return n;
}

/* The one compiled object in tmp/cache. */
static void the_object(char *path, size_t len)
{
    char p[512];
    snprintf(p, sizeof p, "%s/cache/model-*.so", tmp);
    glob_t g;
    cr_assert_eq(glob(p, 0, NULL, &g), 0, "no object in the cache");
    cr_assert_eq(g.gl_pathc, 1, "%zu objects", g.gl_pathc);
    snprintf(path, len, "%s", g.gl_pathv[0]);
    globfree(&g);
}

/* A compiler wrapper: logs its arguments (one line a run) to tmp/cc.log, then runs cc. With
 * then_edit, the first run first overwrites tmp/m.c with tmp/m2.c: an edit between the hash and
 * the compile. */
static void use_wrapper(int then_edit)
{
    char path[512], text[2048];
    snprintf(path, sizeof path, "%s/cc-wrapper", tmp);
    snprintf(text, sizeof text,
             "#!/bin/sh\n"
             "echo \"$*\" >> '%s/cc.log'\n"
             "if [ %d = 1 ] && [ ! -e '%s/edited' ]; then : > '%s/edited'; cp '%s/m2.c' '%s/m.c'; fi\n"
             "exec cc \"$@\"\n",
             tmp, then_edit, tmp, tmp, tmp, tmp);
    write_text(path, text);
    cr_assert_eq(chmod(path, 0700), 0);
    setenv("CC", path, 1);
}

/* Lines of tmp/cc.log that contain word. */
static int log_lines_with(const char *word)
{
    char path[512], line[8192];
    snprintf(path, sizeof path, "%s/cc.log", tmp);
    FILE *f = fopen(path, "r");
    int n = 0;
    while (f && fgets(line, sizeof line, f)) n += strstr(line, word) != NULL;
    if (f) fclose(f);
    return n;
}

static nd_status load(const char *name, nd_model_ref *ref, nd_error *err)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmp, name);
    return nd_model_load(path, ref, err);
}

/* ---- the folder -------------------------------------------------------------------------- */

static void expect_folder_refused(const char *folder, const char *reason)
{
    char buf[4096];
    nd_error err = {0};
    cr_expect_eq(nd_cache_dir(buf, sizeof buf, &err), ND_EIO, "%s accepted", folder);
    cr_expect(strstr(err.msg, folder) && strstr(err.msg, reason), "%s", err.msg);
    cr_expect(!strchr(err.msg, '\n'), "one line: %s", err.msg);
}

Test(cache, folder_that_is_a_symlink_is_refused)
{
    char real[512], link[512], slash[520];
    snprintf(real, sizeof real, "%s/real", tmp);
    snprintf(link, sizeof link, "%s/link", tmp);
    cr_assert_eq(mkdir(real, 0700), 0);
    cr_assert_eq(symlink(real, link), 0);
    setenv("NEURODYN_CACHE", link, 1);
    expect_folder_refused(link, "symbolic link");
    snprintf(slash, sizeof slash, "%s/", link); /* lstat("link/") would follow it */
    setenv("NEURODYN_CACHE", slash, 1);
    expect_folder_refused(link, "symbolic link");
}

Test(cache, folder_writable_by_group_or_others_is_refused)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/shared", tmp);
    cr_assert_eq(mkdir(dir, 0700), 0);
    cr_assert_eq(chmod(dir, 0770), 0);
    setenv("NEURODYN_CACHE", dir, 1);
    expect_folder_refused(dir, "written by other users");
    /* the same check on $XDG_CACHE_HOME/neurodyn */
    unsetenv("NEURODYN_CACHE");
    setenv("XDG_CACHE_HOME", tmp, 1);
    snprintf(dir, sizeof dir, "%s/neurodyn", tmp);
    cr_assert_eq(mkdir(dir, 0700), 0);
    cr_assert_eq(chmod(dir, 0777), 0);
    expect_folder_refused(dir, "written by other users");
}

Test(cache, folder_owned_by_someone_else_is_refused)
{
    if (geteuid() != 0) cr_skip_test("needs root to give a folder to nobody");
    char dir[512];
    snprintf(dir, sizeof dir, "%s/theirs", tmp);
    cr_assert_eq(mkdir(dir, 0700), 0);
    cr_assert_eq(chown(dir, 65534, 65534), 0);
    setenv("NEURODYN_CACHE", dir, 1);
    expect_folder_refused(dir, "owned by user 65534");
}

Test(cache, no_home_and_no_xdg_gives_an_error_not_a_tmp_folder)
{
    char guess[64];
    snprintf(guess, sizeof guess, "/tmp/neurodyn-cache-%ld", (long)getuid());
    struct stat sb;
    int existed = lstat(guess, &sb) == 0;
    unsetenv("NEURODYN_CACHE"), unsetenv("XDG_CACHE_HOME"), unsetenv("HOME");
    char buf[4096];
    nd_error err = {0};
    cr_expect_eq(nd_cache_dir(buf, sizeof buf, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "XDG_CACHE_HOME") && strstr(err.msg, "HOME"), "%s", err.msg);
    /* and the command says so for a model file */
    const char *src = getenv("ND_SRC");
    cr_assert_not_null(src, "ND_SRC must name the source tree (make test sets it)");
    char model[1024];
    snprintf(model, sizeof model, "%s/examples/user_model.c", src);
    const char *args[] = {"info", model, NULL};
    cli_exec_result *r = malloc(sizeof *r);
    cli_exec(tmp, 0, args, r);
    cr_expect_neq(r->status, 0);
    cr_expect(strstr(r->err, "XDG_CACHE_HOME"), "%s", r->err);
    free(r);
    if (!existed) cr_expect_neq(lstat(guess, &sb), 0, "%s was created", guess);
}

Test(cache, created_folders_are_private)
{
    char xdg[512], dir[600];
    snprintf(xdg, sizeof xdg, "%s/xdg", tmp);
    unsetenv("NEURODYN_CACHE");
    setenv("XDG_CACHE_HOME", xdg, 1);
    char buf[4096];
    nd_error err = {0};
    cr_assert_eq(nd_cache_dir(buf, sizeof buf, &err), ND_OK, "%s", err.msg);
    snprintf(dir, sizeof dir, "%s/neurodyn", xdg);
    cr_expect_str_eq(buf, dir);
    struct stat sb;
    cr_assert_eq(lstat(dir, &sb), 0);
    cr_expect_eq(sb.st_mode & 0777, 0700, "mode %03o", sb.st_mode & 0777);
    cr_assert_eq(lstat(xdg, &sb), 0);
    cr_expect_eq(sb.st_mode & 0777, 0700, "the parent it made: mode %03o", sb.st_mode & 0777);
    /* HOME: ~/.cache/neurodyn */
    unsetenv("XDG_CACHE_HOME");
    snprintf(xdg, sizeof xdg, "%s/home", tmp);
    cr_assert_eq(mkdir(xdg, 0700), 0);
    setenv("HOME", xdg, 1);
    cr_assert_eq(nd_cache_dir(buf, sizeof buf, &err), ND_OK, "%s", err.msg);
    snprintf(dir, sizeof dir, "%s/home/.cache/neurodyn", tmp);
    cr_expect_str_eq(buf, dir);
}

/* ---- cached objects ---------------------------------------------------------------------- */

/* A library whose constructor leaves tmp/pwned, compiled into path. */
static void plant(const char *path)
{
    char src[512], text[1024];
    snprintf(src, sizeof src, "%s/evil.c", tmp);
    snprintf(text, sizeof text,
             "#include <stdio.h>\n"
             "__attribute__((constructor)) static void run(void) { fclose(fopen(\"%s/pwned\", \"w\")); }\n",
             tmp);
    write_text(src, text);
    unlink(path);
    nd_args a = {0};
    nd_args_add(&a, "cc");
    nd_args_add(&a, "-shared");
    nd_args_add(&a, "-fPIC");
    nd_args_add(&a, src);
    nd_args_add(&a, "-o");
    nd_args_add(&a, path);
    nd_error err;
    cr_assert_eq(nd_run_compiler(&a, "planting", path, &err), ND_OK, "%s", err.msg);
}

static void expect_object_refused(const char *object, const char *reason)
{
    nd_model_ref ref;
    nd_error err = {0};
    cr_expect_eq(load("m.c", &ref, &err), ND_EIO, "a planted object was accepted");
    cr_expect(strstr(err.msg, object) && strstr(err.msg, reason), "%s", err.msg);
    cr_expect_eq(count("pwned"), 0, "the planted library's constructor ran");
}

Test(cache, planted_object_with_loose_mode_or_owner_is_not_loaded)
{
    char model[512], object[4096];
    snprintf(model, sizeof model, "%s/m.c", tmp);
    write_model(model, "0.5");
    nd_model_ref ref;
    nd_error err = {0};
    cr_assert_eq(load("m.c", &ref, &err), ND_OK, "%s", err.msg);
    nd_model_unload(&ref);
    the_object(object, sizeof object);
    plant(object); /* under the name the next load looks for */
    cr_assert_eq(chmod(object, 0666), 0);
    expect_object_refused(object, "written by other users");
    if (geteuid() == 0) {
        cr_assert_eq(chmod(object, 0644), 0);
        cr_assert_eq(chown(object, 65534, 65534), 0);
        expect_object_refused(object, "owned by user 65534");
    }
    char elsewhere[512];
    snprintf(elsewhere, sizeof elsewhere, "%s/evil.so", tmp);
    plant(elsewhere);
    unlink(object);
    cr_assert_eq(symlink(elsewhere, object), 0);
    expect_object_refused(object, "symbolic link");
}

Test(cache, objects_built_under_a_loose_umask_are_private_and_load)
{
    char model[512], object[4096];
    snprintf(model, sizeof model, "%s/m.c", tmp);
    write_model(model, "0.5");
    umask(002); /* user private groups: files group-writable by default */
    nd_model_ref ref;
    nd_error err = {0};
    cr_assert_eq(load("m.c", &ref, &err), ND_OK, "%s", err.msg);
    nd_model_unload(&ref);
    the_object(object, sizeof object);
    struct stat sb;
    cr_assert_eq(lstat(object, &sb), 0);
    cr_expect_eq(sb.st_mode & 0777, 0700, "mode %03o", sb.st_mode & 0777);
    cr_expect_eq(load("m.c", &ref, &err), ND_OK, "the second load: %s", err.msg);
    nd_model_unload(&ref);
}

/* ---- the bytes compiled are the bytes hashed ---------------------------------------------- */

Test(cache, edit_between_hash_and_compile_cannot_poison_the_cache)
{
    char m[512], m2[512];
    snprintf(m, sizeof m, "%s/m.c", tmp);
    snprintf(m2, sizeof m2, "%s/m2.c", tmp);
    write_model(m, "0.5");
    write_model(m2, "7.25");
    use_wrapper(1); /* the first compiler run replaces m.c by m2.c */
    nd_model_ref ref;
    nd_error err = {0};
    cr_assert_eq(load("m.c", &ref, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(count("edited"), 1, "the wrapper did not edit the file");
    cr_expect_eq(ref.model->par_defaults[0], 0.5, "the object holds the edit, not the bytes hashed");
    nd_model_unload(&ref);
    /* the compiler read a private copy in the cache, which is gone after the build */
    cr_expect_eq(log_lines_with(".src.c"), log_lines_with(" -c "), "a compile of the user's file itself");
    cr_expect_eq(count("cache/*.src.c"), 0);
    /* the edited file (now m.c) is another key; back to the first, the first object */
    cr_assert_eq(load("m.c", &ref, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(ref.model->par_defaults[0], 7.25);
    nd_model_unload(&ref);
    cr_expect_eq(count("cache/model-*.so"), 2);
    write_model(m, "0.5");
    cr_assert_eq(load("m.c", &ref, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(ref.model->par_defaults[0], 0.5);
    nd_model_unload(&ref);
    cr_expect_eq(log_lines_with("-shared"), 2, "two builds for two contents");
}

Test(cache, compiler_errors_name_the_users_file)
{
    char path[512], shown[520];
    snprintf(path, sizeof path, "%s/broken.c", tmp);
    write_text(path, "#include \"neurodyn/model.h\"\nND_RHS(b) { dxdt[0] = undefined_thing; }\n");
    nd_model_ref ref;
    nd_error err = {0};
    cr_assert_eq(load("broken.c", &ref, &err), ND_ECOMPILE);
    snprintf(shown, sizeof shown, "%s:2:", path);
    cr_expect(strstr(err.msg, shown), "the message names %s:\n%s", path, err.msg);
    cr_expect(strstr(err.msg, "undefined_thing"), "%s", err.msg);
    cr_expect(!strstr(err.msg, ".src.c"), "%s", err.msg);
}

Test(cache, headers_beside_the_model_and_odd_names_still_compile)
{
    char path[512];
    snprintf(path, sizeof path, "%s/rate.h", tmp);
    write_text(path, "#define RATE 0.25\n");
    snprintf(path, sizeof path, "%s/it's a \"model\".c", tmp); /* no shell sees it */
    write_model_after(path, "#include \"rate.h\"\n", "RATE");
    nd_model_ref ref;
    nd_error err = {0};
    cr_assert_eq(nd_model_load(path, &ref, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(ref.model->par_defaults[0], 0.25);
    nd_model_unload(&ref);
}

/* ---- one compile per model at a time ------------------------------------------------------ */

Test(cache, concurrent_first_runs_compile_once)
{
    const char *cli = getenv("ND_CLI"), *src = getenv("ND_SRC");
    cr_assert(cli && src, "ND_CLI and ND_SRC must be set (make test sets them)");
    char model[512], from[1024], xdg[512];
    snprintf(from, sizeof from, "%s/examples/user_model.c", src);
    snprintf(model, sizeof model, "%s/m.c", tmp);
    FILE *in = fopen(from, "r"), *out = fopen(model, "w");
    cr_assert(in && out);
    for (int c; (c = fgetc(in)) != EOF;) fputc(c, out);
    fclose(in), fclose(out);
    unsetenv("NEURODYN_CACHE"); /* $XDG_CACHE_HOME/neurodyn this time */
    snprintf(xdg, sizeof xdg, "%s/xdg", tmp);
    setenv("XDG_CACHE_HOME", xdg, 1);
    use_wrapper(0);
    pid_t kids[4];
    for (int i = 0; i < 4; i++) {
        kids[i] = fork();
        cr_assert_geq(kids[i], 0);
        if (kids[i] == 0) {
            int null = open("/dev/null", O_RDWR);
            dup2(null, 0), dup2(null, 1), dup2(null, 2);
            execl(cli, "neurodyn", "info", model, (char *)NULL);
            _exit(127);
        }
    }
    for (int i = 0; i < 4; i++) {
        int st = 0;
        cr_assert_eq(waitpid(kids[i], &st, 0), kids[i]);
        cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "run %d failed", i);
    }
    cr_expect_eq(log_lines_with("-shared"), 1, "%d links for one model", log_lines_with("-shared"));
    cr_expect_eq(count("xdg/neurodyn/model-*.so"), 1);
    cr_expect_eq(count("xdg/neurodyn/*.tmp"), 0);
}
