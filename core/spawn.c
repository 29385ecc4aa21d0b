/* Running a tool without a shell, and reading what it prints (core/spawn.h). */
#define _GNU_SOURCE /* posix_spawn_file_actions_addchdir_np: glibc >= 2.29, musl >= 1.1.24; pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"

extern char **environ;

size_t nd_drain(int fd, char *buf, size_t len)
{
    size_t total = 0, kept = 0;
    char chunk[4096];
    for (;;) {
        ssize_t got = read(fd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        size_t keep = kept + 1 < len ? ((size_t)got < len - 1 - kept ? (size_t)got : len - 1 - kept) : 0;
        memcpy(buf + kept, chunk, keep);
        kept += keep, total += (size_t)got;
    }
    if (len) buf[kept] = '\0';
    return total;
}

static int start(char *const *argv, const char *dir, int with_stdout, int out_fd, pid_t *pid)
{
    posix_spawn_file_actions_t fa;
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc) return rc;
    if (dir) rc = posix_spawn_file_actions_addchdir_np(&fa, dir);
    if (!rc) rc = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (!rc && with_stdout) rc = posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
    if (!rc && !with_stdout) rc = posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    if (!rc) rc = posix_spawn_file_actions_adddup2(&fa, out_fd, STDERR_FILENO);
    if (!rc) rc = posix_spawnp(pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    return rc;
}

nd_tool_run nd_run_tool(char *const *argv, const char *dir, int with_stdout, char *said, size_t len)
{
    nd_tool_run r = {0, 0, 0};
    if (len) said[0] = '\0';
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) /* the child's ends are dup2 copies, without the flag */
        return r.spawn_errno = errno ? errno : EIO, r;
    pid_t pid = -1;
    r.spawn_errno = start(argv, dir, with_stdout, fds[1], &pid);
    close(fds[1]);
    if (!r.spawn_errno) r.n_said = nd_drain(fds[0], said, len);
    close(fds[0]);
    if (r.spawn_errno) return r;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    r.exited_ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    return r;
}
