/* Running the neurodyn command from the tests (see cli_run.h). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "cli_run.h"

void cli_tmpdir_make(char *dir)
{
    snprintf(dir, 256, "/tmp/nd-cli-test-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    char cache[300];
    snprintf(cache, sizeof cache, "%s/cache", dir);
    setenv("NEURODYN_CACHE", cache, 1);
}

void cli_tmpdir_remove(const char *dir)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

void cli_slurp(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    size_t got = f ? fread(buf, 1, len - 1, f) : 0;
    buf[got] = '\0';
    if (f) fclose(f);
}

int cli_run_in(const char *dir, const char *args)
{
    const char *cli = getenv("ND_CLI");
    cr_assert_not_null(cli, "ND_CLI must name the neurodyn binary (make test sets it)");
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s > '%s/stdout' 2> '%s/stderr' < /dev/null", dir, cli, args, dir, dir);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

json_t *cli_json_in(const char *dir, const char *args)
{
    static char buf[1 << 22]; /* a diagram's JSON is a few MB */
    char path[512];
    int status = cli_run_in(dir, args);
    snprintf(path, sizeof path, "%s/stderr", dir);
    cli_slurp(path, buf, sizeof buf);
    cr_assert_eq(status, 0, "neurodyn %s: exit %d: %s", args, status, buf);
    snprintf(path, sizeof path, "%s/stdout", dir);
    cli_slurp(path, buf, sizeof buf);
    json_t *j = json_loads(buf, 0, NULL);
    cr_assert_not_null(j, "neurodyn %s: not JSON: %.200s", args, buf);
    return j;
}
