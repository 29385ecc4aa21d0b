/* Running gnuplot on a script: posix_spawn with an argument vector (no shell ever sees a path,
 * core/spawn.c),
 * from the script's folder, stdout to /dev/null and stderr into a pipe. Whatever gnuplot says on
 * stderr is a failure: its warnings ("Skipping data file with no valid points", a file it cannot
 * open) mean a figure that lacks something. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gnuplot_impl.h"
#include "../core/spawn.h"

/* The first executable file named gnuplot in PATH, into buf; 0 when there is none. */
static int find_gnuplot(char *buf, size_t len)
{
    const char *path = getenv("PATH");
    if (!path || !*path) path = "/usr/bin:/bin";
    for (const char *p = path;;) {
        const char *colon = strchr(p, ':');
        int n = colon ? (int)(colon - p) : (int)strlen(p);
        struct stat st;
        snprintf(buf, len, "%.*s/gnuplot", n ? n : 1, n ? p : ".");
        if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0) return 1;
        if (!colon) return 0;
        p = colon + 1;
    }
}

/* The first line of text, without its newline. */
static const char *first_line(char *text)
{
    text[strcspn(text, "\n")] = '\0';
    return text;
}

nd_plot_status nd_plot_render(const char *script, nd_error *err)
{
    char dir[PATH_MAX], gnuplot[PATH_MAX + 16], said[1024];
    nd_gp_dir_name(script, dir, sizeof dir);
    if (!find_gnuplot(gnuplot, sizeof gnuplot)) {
        nd_fail(err, ND_EIO,
                "gnuplot not found in PATH, so %s was written but not rendered: install gnuplot "
                "(apt-get install gnuplot-nox) and run 'gnuplot %s' in %s",
                script, nd_gp_base_name(script), dir);
        return ND_PLOT_FAILED;
    }
    char arg1[NAME_MAX + 3];
    snprintf(arg1, sizeof arg1, "./%s", nd_gp_base_name(script)); /* never read as an option */
    char *argv[] = {gnuplot, arg1, NULL};
    nd_tool_run run = nd_run_tool(argv, dir, 0, said, sizeof said);
    if (run.spawn_errno) {
        nd_fail(err, ND_EIO, "cannot run %s on '%s': %s", gnuplot, script, strerror(run.spawn_errno));
        return ND_PLOT_FAILED;
    }
    if (!run.exited_ok || run.n_said > 0) {
        nd_fail(err, ND_EFAILED, "gnuplot %s on '%s': %s", run.exited_ok ? "warned" : "failed", script,
                run.n_said ? first_line(said) : "(no message)");
        return ND_PLOT_FAILED;
    }
    return ND_PLOT_OK;
}
