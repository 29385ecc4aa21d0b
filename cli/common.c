/* Helpers shared by the subcommands. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "neurodyn/tsv.h"

int cli_error(const char *cmd, const nd_error *err)
{
    fprintf(stderr, "neurodyn %s: %s\n", cmd, err->msg);
    return err->code == ND_EINVAL ? EXIT_USAGE : EXIT_FAILED;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "neurodyn %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see neurodyn %s --help)\n", cmd);
    va_end(ap);
    return EXIT_USAGE;
}

int cli_load_model(const char *cmd, const char *spec, nd_model_ref *ref, double **p, double **x)
{
    nd_error err;
    if (nd_model_load(spec, ref, &err)) return cli_error(cmd, &err);
    const nd_model *m = ref->model;
    *p = calloc(m->n_pars + 1, sizeof **p);
    *x = calloc(m->n_vars, sizeof **x);
    if (!*p || !*x) {
        free(*p), free(*x);
        nd_model_unload(ref);
        fprintf(stderr, "neurodyn %s: out of memory\n", cmd);
        return EXIT_FAILED;
    }
    nd_model_default_params(m, *p);
    nd_model_default_state(m, *x);
    return EXIT_OK;
}

int cli_number(const char *cmd, const char *opt, const char *text, double *out)
{
    nd_error err;
    char what[64];
    snprintf(what, sizeof what, "--%s", opt);
    if (nd_parse_double(text, what, out, &err)) return cli_error(cmd, &err);
    return EXIT_OK;
}

void cli_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c == '\n') fputs("\\n", f);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

/* The index of the variable or parameter named by text[0..len), or the status of the error: a
 * copy of the exact length, so a long name is never cut into another (or no) name. */
static int name_index(const char *cmd, const nd_model *m, const char *text, size_t len, int is_par, int *index)
{
    nd_error err;
    char *name = strndup(text, len);
    if (!name) return fprintf(stderr, "neurodyn %s: out of memory\n", cmd), EXIT_FAILED;
    *index = is_par ? nd_model_par_index(m, name, &err) : nd_model_var_index(m, name, &err);
    free(name);
    return *index < 0 ? cli_error(cmd, &err) : EXIT_OK;
}

/* One bound of a range: text up to stop, parsed whole by strtod (no copy of fixed width). */
static int parse_bound(const char *cmd, const char *range, const char *text, const char *stop, double *out)
{
    char *end;
    *out = strtod(text, &end);
    if (end == text || end != stop)
        return cli_usage_error(cmd, "'%s': '%.*s' is not a number", range, (int)(stop - text), text);
    if (!isfinite(*out)) return cli_usage_error(cmd, "'%s': '%.*s' is not finite", range, (int)(stop - text), text);
    return EXIT_OK;
}

int cli_parse_value(const char *cmd, const nd_model *m, const char *text, int *index, double *value)
{
    nd_error err;
    const char *eq = strchr(text, '=');
    if (!eq || eq == text) return cli_usage_error(cmd, "'%s' is not of the form NAME=VALUE", text);
    int rc = name_index(cmd, m, text, (size_t)(eq - text), 1, index);
    if (rc) return rc;
    if (nd_parse_double(eq + 1, m->par_names[*index], value, &err)) return cli_error(cmd, &err);
    return EXIT_OK;
}

/* NAME=LO:HI with LO < HI, or LO = HI where a single value is allowed (point_ok). */
static int parse_span(const char *cmd, const nd_model *m, const char *text, int is_par, int point_ok, int *index,
                      double *lo, double *hi)
{
    const char *eq = strchr(text, '=');
    if (!eq || eq == text) return cli_usage_error(cmd, "'%s' is not of the form NAME=LO:HI", text);
    int i, rc = name_index(cmd, m, text, (size_t)(eq - text), is_par, &i);
    if (rc) return rc;
    const char *colon = strchr(eq + 1, ':');
    if (!colon) return cli_usage_error(cmd, "'%s': the range must be LO:HI", text);
    const char *hi_text = colon + 1;
    if ((rc = parse_bound(cmd, text, eq + 1, colon, lo)) || (rc = parse_bound(cmd, text, hi_text, hi_text + strlen(hi_text), hi)))
        return rc;
    const char *name = is_par ? m->par_names[i] : m->var_names[i];
    if (!(*lo < *hi || (point_ok && *lo == *hi)))
        return cli_usage_error(cmd, "range of %s is empty or inverted (%g:%g)", name, *lo, *hi);
    *index = i;
    return EXIT_OK;
}

int cli_parse_range(const char *cmd, const nd_model *m, const char *text, int is_par, int *index,
                    double *lo, double *hi)
{
    return parse_span(cmd, m, text, is_par, 0, index, lo, hi);
}

int cli_parse_grid_range(const char *cmd, const nd_model *m, const char *text, int is_par, size_t n_points,
                         int *index, double *lo, double *hi)
{
    return parse_span(cmd, m, text, is_par, n_points == 1, index, lo, hi);
}

int cli_region_from_model(const char *cmd, const nd_model *m, const double *p, const double *x, double *lo, double *hi,
                          const int *given, const int *fixed)
{
    double *blo = malloc(2 * m->n_vars * sizeof *blo), *bhi = blo ? blo + m->n_vars : NULL;
    if (!blo) return fprintf(stderr, "neurodyn %s: out of memory\n", cmd), EXIT_FAILED;
    nd_error err;
    int estimated = 0, needed = 0;
    for (size_t i = 0; i < m->n_vars; i++) needed |= !given[i] && !(fixed && fixed[i]);
    if (needed && nd_model_box(m, p, x, blo, bhi, &estimated, &err)) {
        free(blo);
        return cli_error(cmd, &err);
    }
    for (size_t i = 0; i < m->n_vars; i++) {
        if (given[i] || (fixed && fixed[i])) continue;
        lo[i] = blo[i], hi[i] = bhi[i];
        if (estimated) /* said once per variable: the user sees what was searched, and how to change it */
            fprintf(stderr, "neurodyn %s: model %s declares no box: %s in %.4g:%.4g from its trajectory (--range sets it)\n",
                    cmd, m->name, m->var_names[i], lo[i], hi[i]);
    }
    free(blo);
    return EXIT_OK;
}

/* ---- output paths ------------------------------------------------------------------------------
 * Every output folder and file is checked before any work, so that a path that cannot be used
 * is one line naming it (status 2, like a model file that does not exist) instead of a failure
 * after the computation or a half-written result. Writes that fail later (a full disk) are
 * status 1 where they happen. */

/* Status of a path that cannot be used: the path's fault (2) or the system's (1). */
static int path_status(int err)
{
    switch (err) {
    case ENOENT: case ENOTDIR: case EEXIST: case EISDIR: case EACCES: case EPERM: case EROFS:
    case ENAMETOOLONG: case ELOOP: return EXIT_USAGE;
    default: return EXIT_FAILED;
    }
}

static int path_error(const char *cmd, const char *what, const char *path, int err, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int path_error(const char *cmd, const char *what, const char *path, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "neurodyn %s: %s '%s': ", cmd, what, path);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return path_status(err);
}

/* Why folder dir cannot take new files (0 when it can). Walks dir from its first component: a
 * component that is a file, or one that is missing (unless missing_ok: then the last existing
 * one must let us create folders), or no permission to write. err gets the errno, why a phrase
 * that calls dir "it" when it is the output folder itself (is_target), else names it. */
static int folder_problem(const char *dir, int missing_ok, int is_target, int *err, char *why, size_t len)
{
    char prefix[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof prefix) {
        *err = n ? ENAMETOOLONG : ENOENT;
        snprintf(why, len, "%s", n ? "the path is too long" : "the path is empty");
        return -1;
    }
    const char *last = dir[0] == '/' ? "/" : ".";
    char last_buf[4096];
    for (size_t i = 1; i <= n; i++) {
        if (i < n && !(dir[i] == '/' && dir[i - 1] != '/')) continue;
        memcpy(prefix, dir, i), prefix[i] = '\0';
        struct stat st;
        if (stat(prefix, &st) != 0) {
            *err = errno;
            if (errno != ENOENT) return snprintf(why, len, "'%s': %s", prefix, strerror(errno)), -1;
            if (!missing_ok) return snprintf(why, len, "the folder '%s' does not exist", prefix), -1;
            if (access(last, W_OK | X_OK) == 0) return 0;
            *err = errno;
            return snprintf(why, len, "cannot create a folder in '%s': %s", last, strerror(errno)), -1;
        }
        if (!S_ISDIR(st.st_mode)) {
            *err = ENOTDIR;
            if (i == n && is_target) return snprintf(why, len, "it is a file, not a folder"), -1;
            return snprintf(why, len, "'%s' is a file, not a folder", prefix), -1;
        }
        snprintf(last_buf, sizeof last_buf, "%s", prefix), last = last_buf;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        *err = errno;
        if (is_target) return snprintf(why, len, "cannot write in it: %s", strerror(errno)), -1;
        return snprintf(why, len, "cannot write in the folder '%s': %s", dir, strerror(errno)), -1;
    }
    return 0;
}

/* The longest output folder and output file paths taken: PATH_MAX less room for the names of
 * the files written into the folder (up to NAME_MAX) or next to a file (FILE_spikes.tsv,
 * FILE.gp), so no path built from them is ever cut short. */
enum { MAX_DIR_LEN = PATH_MAX - NAME_MAX - 2, MAX_FILE_LEN = PATH_MAX - 32 };

int cli_make_dir(const char *cmd, const char *dir)
{
    char why[4400];
    int err = 0;
    if (strlen(dir) > MAX_DIR_LEN)
        return path_error(cmd, "output folder", dir, ENAMETOOLONG, "the path has %zu characters, more than %d",
                          strlen(dir), MAX_DIR_LEN);
    if (folder_problem(dir, 1, 1, &err, why, sizeof why)) return path_error(cmd, "output folder", dir, err, "%s", why);
    for (const char *c = dir; *c;) { /* a name too long for the file system: refused before any mkdir */
        size_t len = strcspn(c, "/");
        if (len > NAME_MAX)
            return path_error(cmd, "output folder", dir, ENAMETOOLONG, "a name in it has %zu characters, more than %d", len,
                              NAME_MAX);
        c += len + (c[len] == '/');
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", dir); /* fits: folder_problem checked the length */
    for (char *s = tmp + 1; *s; s++)
        if (*s == '/' && s[-1] != '/') {
            *s = '\0';
            if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
                return path_error(cmd, "output folder", dir, errno, "cannot create '%s': %s", tmp, strerror(errno));
            *s = '/';
        }
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
        return path_error(cmd, "output folder", dir, errno, "cannot create it: %s", strerror(errno));
    if (folder_problem(dir, 0, 1, &err, why, sizeof why)) return path_error(cmd, "output folder", dir, err, "%s", why);
    return EXIT_OK;
}

/* The folder part of path ("." for a bare name). */
static void folder_of(const char *path, char *dir, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (!slash) snprintf(dir, len, ".");
    else if (slash == path) snprintf(dir, len, "/");
    else snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

static int check_out_file(const char *cmd, const char *path, int folder_missing_ok)
{
    struct stat st;
    if (!*path) return path_error(cmd, "cannot write", path, ENOENT, "the path is empty");
    if (strlen(path) > MAX_FILE_LEN)
        return path_error(cmd, "cannot write", path, ENAMETOOLONG, "the path has %zu characters, more than %d",
                          strlen(path), MAX_FILE_LEN);
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) return path_error(cmd, "cannot write", path, EISDIR, "it is a folder");
        if (access(path, W_OK) != 0) return path_error(cmd, "cannot write", path, errno, "%s", strerror(errno));
        return EXIT_OK;
    }
    char dir[4096], why[4400];
    int err = 0;
    folder_of(path, dir, sizeof dir);
    if (folder_problem(dir, folder_missing_ok, 0, &err, why, sizeof why)) return path_error(cmd, "cannot write", path, err, "%s", why);
    return EXIT_OK;
}

int cli_check_out_file(const char *cmd, const char *path) { return check_out_file(cmd, path, 0); }

FILE *cli_open_out(const char *cmd, const char *dir, const char *name)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
        fprintf(stderr, "neurodyn %s: cannot write '%s/%s': the path is too long\n", cmd, dir, name);
        return NULL;
    }
    FILE *f = nd_file_create(path); /* never through a link planted in the folder */
    if (!f) fprintf(stderr, "neurodyn %s: cannot write '%s': %s\n", cmd, path, strerror(errno));
    return f;
}

int cli_region(const char *cmd, const nd_model *m, double *p, double *x, const cli_lists *l, double *lo,
               double *hi, int *fixed)
{
    nd_error err;
    size_t n = m->n_vars;
    int *given = calloc(n, sizeof *given), rc = given ? EXIT_OK : EXIT_FAILED;
    for (int i = 0; !rc && i < l->n_sets; i++)
        if (nd_model_set_par(m, p, l->sets[i], &err)) rc = cli_error(cmd, &err);
    for (int i = 0; !rc && i < l->n_fixes; i++) {
        if (nd_model_set_var(m, x, l->fixes[i], &err)) {
            rc = cli_error(cmd, &err);
            break;
        }
        int v;
        if ((rc = name_index(cmd, m, l->fixes[i], strcspn(l->fixes[i], "="), 0, &v))) break;
        fixed[v] = 1;
    }
    for (int i = 0; !rc && i < l->n_ranges; i++) {
        int idx;
        double lo_i, hi_i;
        if ((rc = cli_parse_range(cmd, m, l->ranges[i], 0, &idx, &lo_i, &hi_i))) break;
        lo[idx] = lo_i, hi[idx] = hi_i, given[idx] = 1;
    }
    if (!rc) rc = cli_region_from_model(cmd, m, p, x, lo, hi, given, fixed);
    free(given);
    return rc;
}

int cli_with_model(const char *cmd, const char *spec, cli_model_fn run, const void *args)
{
    nd_model_ref ref;
    double *p = NULL, *x = NULL;
    int rc = cli_load_model(cmd, spec, &ref, &p, &x);
    if (rc) return rc;
    cli_arm_timeout();
    rc = run(args, ref.model, p, x);
    free(p), free(x);
    nd_model_unload(&ref);
    return rc;
}

static int check_plot_file(const char *cmd, const char *file, int folder_missing_ok)
{
    if (!file) return EXIT_OK;
    const char *ext = strrchr(file, '.');
    if (!ext || (strcmp(ext, ".png") && strcmp(ext, ".svg") && strcmp(ext, ".pdf")))
        return cli_usage_error(cmd, "--plot '%s': use the extension .png, .svg or .pdf", file);
    return check_out_file(cmd, file, folder_missing_ok);
}

int cli_check_plot_file(const char *cmd, const char *file) { return check_plot_file(cmd, file, 1); }

/* Whether two output paths name the same file: the same text, or the same file once both exist
 * (a figure's script FILE.gp over the data --out p.gp would overwrite the data). */
static int same_output(const char *a, const char *b)
{
    struct stat sa, sb;
    return strcmp(a, b) == 0 || (stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino);
}

int cli_check_distinct_outputs(const char *cmd, const char *const *paths, size_t n)
{
    char script[4096];
    for (size_t i = 0; i < n; i++) {
        if (!paths[i]) continue;
        for (size_t j = i + 1; j < n; j++)
            if (paths[j] && same_output(paths[i], paths[j]))
                return cli_usage_error(cmd, "'%s' is given for two outputs: one would overwrite the other", paths[i]);
        const char *dot = strrchr(paths[i], '.'), *slash = strrchr(paths[i], '/');
        int is_figure = dot && (!slash || dot > slash) &&
                        (!strcmp(dot, ".png") || !strcmp(dot, ".svg") || !strcmp(dot, ".pdf"));
        if (!is_figure || snprintf(script, sizeof script, "%.*s.gp", (int)(dot - paths[i]), paths[i]) >= (int)sizeof script)
            continue;
        for (size_t j = 0; j < n; j++)
            if (j != i && paths[j] && same_output(script, paths[j]))
                return cli_usage_error(cmd, "the figure %s writes its script to '%s', which is also an output here",
                                       paths[i], script);
    }
    return EXIT_OK;
}

int cli_check_figure_data(const char *cmd, const char *out, const char *plot, const char *const *suffixes, size_t n)
{
    if (!out || !plot) return EXIT_OK;
    const char *dot = strrchr(plot, '.');
    const size_t stem = dot ? (size_t)(dot - plot) : strlen(plot);
    for (size_t k = 0; k < n; k++) {
        char data[4096];
        snprintf(data, sizeof data, "%.*s%s", (int)stem, plot, suffixes[k]);
        if (same_output(data, out))
            return cli_usage_error(cmd, "--out '%s' is the data file of the figure --plot '%s'; choose another name",
                                   out, plot);
    }
    return EXIT_OK;
}

int cli_check_plot_file_here(const char *cmd, const char *file) { return check_plot_file(cmd, file, 0); }

int cli_count(const char *cmd, const char *opt, const char *text, unsigned long lo, unsigned long hi,
              unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (*text == '-' || *end || end == text || errno || v < lo || v > hi)
        return cli_usage_error(cmd, "--%s '%s' must be an integer in %lu..%lu", opt, text, lo, hi);
    *out = v;
    return EXIT_OK;
}

int cli_model_arg(const char *cmd, int argc, char **argv, const char **model)
{
    for (; optind < argc; optind++) {
        if (*model) return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
        *model = argv[optind];
    }
    return *model ? EXIT_OK : cli_usage_error(cmd, "no MODEL given");
}

/* ---- run control ---------------------------------------------------------------------------- */
const char *const CLI_RUN_CONTROL_HELP =
    "Run control (AUTO's NMX, DS, DSMAX, NTST, NCOL; rarely needed):\n"
    "  --max-points N     points per branch (default: about 20 box diagonals of the\n"
    "                     largest step for equilibria, 40 / ds-max for cycles); raise it when\n"
    "                     a branch ends with \"point budget\"\n"
    "  --ds H             first step, --ds-max H the largest: fractions of the box (every\n"
    "                     variable over its box width, the parameter over its range;\n"
    "                     defaults 0.002/0.02 for equilibria, 0.005/0.05 for cycles); lower\n"
    "                     ds-max when a branch jumps, raise it to go faster on smooth ones\n"
    "  --ntst N           mesh intervals of a cycle (default 80); more for spikes and\n"
    "                     orbits near a homoclinic one\n"
    "  --ncol N           collocation points per interval (2..7, default 4)\n";

int cli_run_control_option(const char *cmd, int which, const char *text, cli_run_control *rc)
{
    switch (which) {
    case 0: return cli_count(cmd, "max-points", text, 2, 10000000, &rc->max_points);
    case 1:
    case 2: {
        double *h = which == 1 ? &rc->ds : &rc->ds_max;
        int st = cli_number(cmd, which == 1 ? "ds" : "ds-max", text, h);
        if (!st && !(*h > 0 && *h <= 1))
            return cli_usage_error(cmd, "--%s %s: a step is a fraction of the box, in (0, 1]", which == 1 ? "ds" : "ds-max", text);
        return st;
    }
    case 3: return cli_count(cmd, "ntst", text, 2, 10000, &rc->ntst);
    default: return cli_count(cmd, "ncol", text, 2, 7, &rc->ncol);
    }
}

void cli_run_control_apply(const cli_run_control *rc, nd_cont_opts *o)
{
    if (rc->max_points) o->max_points = rc->max_points;
    if (rc->ds_max > 0) o->h_max = rc->ds_max;
    if (rc->ds > 0) o->h0 = rc->ds;
    if (o->h0 > o->h_max) o->h0 = o->h_max;
}

/* ---- where output files go --------------------------------------------------------------- */
const char *cli_output_folder(const char *cmd, const char *given, const char *fallback, int json, int needs_files)
{
    if (given) return given;
    if (json && !needs_files) return NULL; /* the JSON on stdout is the whole answer */
    if (json) fprintf(stderr, "neurodyn %s: files written to ./%s (--outdir chooses)\n", cmd, fallback);
    return fallback;
}

/* ---- limits ---------------------------------------------------------------------------------- */
int cli_check_work(const char *cmd, const char *what, double span, double step, double times, double limit)
{
    if (!isfinite(span)) return cli_usage_error(cmd, "the time span t1 - t0 overflows");
    double n = span / step * times;
    if (!(n <= limit))
        return cli_usage_error(cmd, "a time span of %g with a step of %g needs %.3g %s, more than the limit of %.0e", span,
                               step, n, what, limit);
    return EXIT_OK;
}

/* ---- --out files ------------------------------------------------------------------------------ */
int cli_out_open(const char *cmd, cli_out_file *o, const char *path)
{
    o->path = path;
    if (!(o->f = nd_file_create(path)))
        return fprintf(stderr, "neurodyn %s: cannot write '%s': %s\n", cmd, path, strerror(errno)), EXIT_FAILED;
    return EXIT_OK;
}

int cli_out_close(const char *cmd, cli_out_file *o, int ok, const char *write_failed)
{
    if (!o->f) return EXIT_OK;
    int failed = ferror(o->f) != 0;
    if (!ok || failed) nd_file_abandon(o->f);
    else failed = fclose(o->f) != 0;
    o->f = NULL;
    if (!ok || !failed) return EXIT_OK;
    if (write_failed) fprintf(stderr, "neurodyn %s: %s\n", cmd, write_failed);
    else fprintf(stderr, "neurodyn %s: cannot write '%s': %s\n", cmd, o->path, strerror(errno));
    return EXIT_FAILED;
}
