/* Running the neurodyn command from the tests with an argument vector (see cli_exec.h). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_exec.h"

static void read_all(int fd, char *buf, size_t len)
{
    size_t got = 0;
    ssize_t n;
    lseek(fd, 0, SEEK_SET);
    while (got + 1 < len && (n = read(fd, buf + got, len - 1 - got)) > 0) got += (size_t)n;
    buf[got] = '\0';
}

static int capture_file(void)
{
    char name[] = "/tmp/nd-cli-exec-XXXXXX";
    int fd = mkstemp(name);
    cr_assert_geq(fd, 0, "mkstemp");
    unlink(name);
    return fd;
}

int cli_exec(const char *dir, int as_nobody, const char *const *args, cli_exec_result *r)
{
    const char *cli = getenv("ND_CLI");
    cr_assert_not_null(cli, "ND_CLI must name the neurodyn binary (make test sets it)");
    size_t n = 0;
    while (args[n]) n++;
    char **argv = calloc(n + 2, sizeof *argv);
    cr_assert_not_null(argv);
    argv[0] = (char *)cli;
    for (size_t i = 0; i < n; i++) argv[i + 1] = (char *)args[i];
    int out = capture_file(), err = capture_file();
    pid_t pid = fork();
    cr_assert_geq(pid, 0, "fork");
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        if (in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0 || chdir(dir) != 0) _exit(126);
        if (as_nobody && (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)) _exit(125);
        execv(cli, argv);
        _exit(127);
    }
    int st = 0;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    free(argv);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    read_all(out, r->out, sizeof r->out);
    read_all(err, r->err, sizeof r->err);
    close(out), close(err);
    if (as_nobody && r->status == 125 && !r->out[0] && !r->err[0]) return -1;
    return 0;
}

int cli_line_count(const char *s)
{
    int lines = 0;
    for (const char *c = s; *c; c++) lines += *c == '\n';
    return lines + (*s && s[strlen(s) - 1] != '\n');
}
