/* The steps of neurodyn report, each the command a user would type, run in a child process:
 * a step that crashes (a segfaulting model) or runs past the time limit (a model that never
 * returns) is recorded as such, and the report goes on and writes its index. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "report.h"

void report_arg(argv_builder *b, const char *fmt, ...)
{
    if (b->failed) return;
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = len >= 0 ? malloc((size_t)len + 1) : NULL;
    if (s && b->argc + 2 > b->cap) { /* room for this one and the NULL after it */
        int cap = b->cap ? 2 * b->cap : 16;
        char **v = realloc(b->argv, (size_t)cap * sizeof *v);
        if (v) b->argv = v, b->cap = cap;
    }
    if (!s || b->argc + 2 > b->cap) {
        free(s), b->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(s, (size_t)len + 1, fmt, ap);
    va_end(ap);
    b->argv[b->argc++] = s;
    b->argv[b->argc] = NULL;
}

static void argv_free(argv_builder *b)
{
    for (int i = 0; i < b->argc; i++) free(b->argv[i]);
    free(b->argv);
    memset(b, 0, sizeof *b);
}

/* "neurodyn ARG ..." for the record (a long line is kept whole). */
static char *command_line(const argv_builder *b)
{
    size_t len = strlen("neurodyn") + 1;
    for (int i = 0; i < b->argc; i++) len += strlen(b->argv[i]) + 1;
    char *line = malloc(len);
    if (!line) return NULL;
    strcpy(line, "neurodyn");
    for (int i = 0; i < b->argc; i++) strcat(line, " "), strcat(line, b->argv[i]);
    return line;
}

/* The child: stdout to `out`, no core file, the time limit, then the command. */
static void run_child(const report *r, int (*cmd)(int, char **), argv_builder *b, const char *out)
{
    int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        fprintf(stderr, "neurodyn report: cannot write %s: %s\n", out, strerror(errno));
        _exit(EXIT_FAILED);
    }
    dup2(fd, STDOUT_FILENO), close(fd);
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    if (r->timeout) alarm(r->timeout);
    int rc = cmd(b->argc, b->argv);
    fflush(NULL);
    _exit(rc & 0xff);
}

/* Forks the step and waits; the status text and reason of what happened. */
static const char *run_forked(const report *r, int (*cmd)(int, char **), argv_builder *b, const char *out,
                              char *reason, size_t len)
{
    fflush(NULL); /* the child must not write the parent's buffered output again */
    pid_t pid = fork();
    if (pid < 0) return snprintf(reason, len, "cannot start the step: %s", strerror(errno)), "failed";
    if (pid == 0) run_child(r, cmd, b, out);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) continue;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "ok";
    if (WIFEXITED(status)) return snprintf(reason, len, "exit status %d", WEXITSTATUS(status)), "failed";
    int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    if (sig == SIGALRM && r->timeout)
        return snprintf(reason, len, "stopped after the time limit of %u s (--timeout)", r->timeout), "timed out";
    snprintf(reason, len, "the model or the command crashed: %s (signal %d)", strsignal(sig), sig);
    return "crashed";
}

static void remove_stale(const report *r, const char *name)
{
    char path[4096];
    if (!name || snprintf(path, sizeof path, "%s/%s", r->outdir, name) >= (int)sizeof path) return;
    unlink(path); /* absent is fine */
}

int report_run_step(report *r, const char *step, int (*cmd)(int, char **), argv_builder *b, const char *json_name,
                    const char *figure)
{
    remove_stale(r, json_name), remove_stale(r, figure);
    char *line = b->failed ? NULL : command_line(b);
    char out[4096], reason[256] = "";
    const char *status = "failed";
    if (!line) snprintf(reason, sizeof reason, "no memory for the step's arguments");
    else if (json_name && snprintf(out, sizeof out, "%s/%s", r->outdir, json_name) >= (int)sizeof out)
        snprintf(reason, sizeof reason, "the path of %s is too long", json_name);
    else {
        if (!json_name) snprintf(out, sizeof out, "/dev/null");
        nd_progress_clear(r->bar); /* the step's command line, then its own progress, on clean lines */
        fprintf(stderr, "+ %s\n", line);
        status = run_forked(r, cmd, b, out, reason, sizeof reason);
    }
    int ok = strcmp(status, "ok") == 0;
    json_t *s = json_pack("{s:s, s:s, s:s}", "step", step, "command", line ? line : "", "status", status);
    if (!ok) json_object_set_new(s, "reason", json_string(reason));
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", r->outdir, figure ? figure : "");
    if (figure && ok && access(path, F_OK) == 0) json_object_set_new(s, "figure", json_string(figure));
    else if (figure && ok) json_object_set_new(s, "note", json_string("nothing to draw: no figure"));
    if (json_name && ok) json_object_set_new(s, "json", json_string(json_name));
    json_array_append_new(r->steps, s);
    if (!ok) r->failures++, fprintf(stderr, "neurodyn report: step '%s' %s (%s); going on\n", step, status, reason);
    free(line);
    argv_free(b);
    return ok ? 0 : 1;
}

json_t *report_step_json(const report *r, const char *name)
{
    size_t i;
    json_t *st;
    json_array_foreach(r->steps, i, st)
    {
        const char *json = json_string_value(json_object_get(st, "json"));
        if (!json || strcmp(json, name) != 0) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", r->outdir, name);
        return json_load_file(path, 0, NULL);
    }
    return NULL;
}
