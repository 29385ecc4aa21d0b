/* When model code misbehaves: a crash says what crashed, and --timeout ends a command that runs
 * too long. A model's right-hand side runs inside this process, so either ends the process; the
 * handlers first say which command stopped and why (one line on stderr) and remove the
 * temporaries of output files still being written, so no half-written file is left behind and
 * no finished one is truncated. Only async-signal-safe calls in the handlers. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "cli.h"
#include "neurodyn/tsv.h"

static char command_line[512]; /* "'simulate ./model.c'" */
static size_t command_len;
static char timeout_text[64];
static double timeout_seconds; /* 0: none */

static void say(const char *text, size_t len)
{
    ssize_t ignored = write(STDERR_FILENO, text, len);
    (void)ignored;
}

static void on_crash(int sig)
{
    static const char *const names[] = {[SIGSEGV] = "a segmentation fault", [SIGBUS] = "a bus error",
                                        [SIGFPE] = "a floating-point exception", [SIGILL] = "an illegal instruction"};
    static const char head[] = "neurodyn: ", stopped[] = " stopped on ",
                      tail[] = " (in the model's right-hand side, if it is a user model, or in neurodyn)\n";
    nd_file_discard_pending();
    const char *what = sig < (int)(sizeof names / sizeof names[0]) && names[sig] ? names[sig] : "a fatal signal";
    say(head, sizeof head - 1), say(command_line, command_len), say(stopped, sizeof stopped - 1);
    say(what, strlen(what)), say(tail, sizeof tail - 1);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void on_timeout(int sig)
{
    (void)sig;
    static const char head[] = "neurodyn: ", tail[] = " (--timeout): the model's right-hand side may never return, "
                                                      "or the work needs more time\n";
    nd_file_discard_pending();
    say(head, sizeof head - 1), say(command_line, command_len), say(timeout_text, strlen(timeout_text));
    say(tail, sizeof tail - 1);
    _exit(EXIT_FAILED);
}

#if defined(__SANITIZE_ADDRESS__)
#define ND_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ND_SANITIZED 1
#endif
#endif

void cli_catch_faults(int argc, char **argv)
{
    int k = snprintf(command_line, sizeof command_line, "'%s%s%s'", argv[1], argc > 2 ? " " : "", argc > 2 ? argv[2] : "");
    command_len = k < 0 ? 0 : (size_t)k < sizeof command_line ? (size_t)k : sizeof command_line - 1;
#ifdef ND_SANITIZED /* sanitizer builds keep their own reports */
    (void)on_crash;
#else
    const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], on_crash);
#endif
}

int cli_timeout_option(const char *cmd, const char *text)
{
    double s;
    if (cli_number(cmd, "timeout", text, &s)) return EXIT_USAGE;
    if (!(s >= 0 && s <= 365 * 86400.0))
        return cli_usage_error(cmd, "--timeout %s: give seconds between 0 (no limit) and a year", text);
    timeout_seconds = s;
    snprintf(timeout_text, sizeof timeout_text, " stopped after the time limit of %g s", s);
    return EXIT_OK;
}

void cli_arm_timeout(void)
{
    if (!(timeout_seconds > 0)) return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_timeout;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 0}, {0, 0}};
    it.it_value.tv_sec = (time_t)timeout_seconds;
    it.it_value.tv_usec = (suseconds_t)((timeout_seconds - floor(timeout_seconds)) * 1e6);
    if (!it.it_value.tv_sec && !it.it_value.tv_usec) it.it_value.tv_usec = 1;
    setitimer(ITIMER_REAL, &it, NULL);
}
