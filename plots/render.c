/* Running gnuplot on a script: posix_spawn with an argument vector (no shell ever sees a path),
 * from the script's folder, stdout to /dev/null and stderr into a pipe. Whatever gnuplot says on
 * stderr is a failure: its warnings ("Skipping data file with no valid points", a file it cannot
 * open) mean a figure that lacks something. */
#define _GNU_SOURCE /* posix_spawn_file_actions_addchdir_np: glibc >= 2.29, musl >= 1.1.24 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gnuplot_impl.h"
#include "../core/spawn.h"

extern char **environ;

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

/* gnuplot ./BASE in dir with stderr into the pipe's write end; the child's pid or -1. */
static pid_t spawn(const char *gnuplot, const char *dir, const char *base, int err_fd, int *spawn_errno)
{
    char arg1[NAME_MAX + 3];
    snprintf(arg1, sizeof arg1, "./%s", base); /* never read as an option */
    char *argv[] = {"gnuplot", arg1, NULL};
    posix_spawn_file_actions_t fa;
    pid_t pid = -1;
    int rc = posix_spawn_file_actions_init(&fa);
    if (!rc) rc = posix_spawn_file_actions_addchdir_np(&fa, dir);
    if (!rc) rc = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (!rc) rc = posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    if (!rc) rc = posix_spawn_file_actions_adddup2(&fa, err_fd, STDERR_FILENO);
    if (!rc) rc = posix_spawn(&pid, gnuplot, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    *spawn_errno = rc;
    return rc ? -1 : pid;
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
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) { /* the child's stderr is a dup2 of fds[1], without the flag */
        nd_fail(err, ND_EIO, "cannot run gnuplot on '%s': %s", script, strerror(errno));
        return ND_PLOT_FAILED;
    }
    int why = 0;
    pid_t pid = spawn(gnuplot, dir, nd_gp_base_name(script), fds[1], &why);
    close(fds[1]);
    size_t n_said = pid > 0 ? nd_drain(fds[0], said, sizeof said) : 0;
    close(fds[0]);
    if (pid < 0) {
        nd_fail(err, ND_EIO, "cannot run %s on '%s': %s", gnuplot, script, strerror(why));
        return ND_PLOT_FAILED;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    int exited_ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!exited_ok || n_said > 0) {
        nd_fail(err, ND_EFAILED, "gnuplot %s on '%s': %s", exited_ok ? "warned" : "failed", script,
                n_said ? first_line(said) : "(no message)");
        return ND_PLOT_FAILED;
    }
    return ND_PLOT_OK;
}
