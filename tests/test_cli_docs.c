/* The command line and its documentation agree: every command and every option of `neurodyn`
 * is in docs/cli.md, and nothing documented there is missing from the command (both ways,
 * against each command's --help and against its getopt table in cli/); `neurodyn help CMD`,
 * `neurodyn --version`; the documentation links only to files in the repository. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_exec.h"
#include "neurodyn/version.h"

enum { MAX_NAMES = 64, NAME_LEN = 48 };

/* A set of names (commands or options without their dashes). */
typedef struct names {
    int n;
    char name[MAX_NAMES][NAME_LEN];
} names;

static void names_add(names *s, const char *name, size_t len)
{
    if (len == 0 || len >= NAME_LEN) return;
    for (int i = 0; i < s->n; i++)
        if (strlen(s->name[i]) == len && strncmp(s->name[i], name, len) == 0) return;
    cr_assert_lt(s->n, MAX_NAMES, "more than %d names", MAX_NAMES);
    memcpy(s->name[s->n], name, len), s->name[s->n][len] = '\0';
    s->n++;
}

static int names_has(const names *s, const char *name)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->name[i], name) == 0) return 1;
    return 0;
}

static int option_char(char c) { return islower((unsigned char)c) || isdigit((unsigned char)c) || c == '-'; }

/* Every --name in text[0..len) (not --help: every command has it, docs/cli.md says so once). */
static void options_in(const char *text, size_t len, names *s)
{
    for (size_t i = 0; i + 2 < len; i++) {
        if (text[i] != '-' || text[i + 1] != '-' || (i > 0 && (option_char(text[i - 1]) || isalpha((unsigned char)text[i - 1]))))
            continue;
        size_t j = i + 2;
        while (j < len && option_char(text[j])) j++;
        if (j > i + 2 && !(j - i - 2 == 4 && strncmp(text + i + 2, "help", 4) == 0)) names_add(s, text + i + 2, j - i - 2);
        i = j - 1;
    }
}

static char *slurp_src(const char *rel)
{
    const char *src = getenv("ND_SRC");
    cr_assert_not_null(src, "ND_SRC must name the source tree (make test sets it)");
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", src, rel);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot read %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *text = malloc((size_t)n + 1);
    cr_assert_not_null(text);
    cr_assert_eq(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = '\0';
    fclose(f);
    return text;
}

static void run_cli(cli_exec_result *r, const char *const *args)
{
    cr_assert_eq(cli_exec("/tmp", 0, args, r), 0);
}

/* The commands `neurodyn --help` lists: the lines "  NAME  summary" after "commands:". */
static void commands_of_help(names *cmds)
{
    static cli_exec_result r;
    run_cli(&r, (const char *const[]){"--help", NULL});
    cr_assert_eq(r.status, 0, "neurodyn --help: %s", r.err);
    const char *s = strstr(r.out, "commands:\n");
    cr_assert_not_null(s, "neurodyn --help has no 'commands:' list:\n%s", r.out);
    for (s = strchr(s, '\n') + 1; s[0] == ' ' && s[1] == ' ' && islower((unsigned char)s[2]); s = strchr(s, '\n') + 1) {
        size_t len = strcspn(s + 2, " \n");
        names_add(cmds, s + 2, len);
        if (!strchr(s, '\n')) break;
    }
    cr_assert_gt(cmds->n, 0, "no commands in:\n%s", r.out);
}

/* docs/cli.md: the section of command cmd is "## `neurodyn CMD ...`" up to the next "## "; its
 * options are the --names in the first cell of the table rows "| `--...". */
static const char *doc_section(const char *doc, const char *cmd, size_t *len)
{
    char head[96];
    int hl = snprintf(head, sizeof head, "\n## `neurodyn %s", cmd);
    for (const char *s = strstr(doc, head); s; s = strstr(s + 1, head)) {
        char next = s[hl];
        if (next != ' ' && next != '`') continue;
        const char *end = strstr(s + 1, "\n## ");
        *len = end ? (size_t)(end - s) : strlen(s);
        return s;
    }
    return NULL;
}

static void options_of_doc(const char *section, size_t len, names *opts)
{
    for (const char *s = section; s && s < section + len; s = strchr(s, '\n')) {
        s++;
        if (strncmp(s, "| `--", 5) != 0) continue;
        const char *cell_end = strchr(s + 1, '|');
        options_in(s, (size_t)(cell_end - s), opts);
    }
}

static void commands_of_doc(const char *doc, names *cmds)
{
    for (const char *s = strstr(doc, "\n## `neurodyn "); s; s = strstr(s + 1, "\n## `neurodyn ")) {
        const char *name = s + strlen("\n## `neurodyn ");
        names_add(cmds, name, strcspn(name, " `"));
    }
}

static void options_of_help(const char *cmd, names *opts)
{
    static cli_exec_result r;
    run_cli(&r, (const char *const[]){cmd, "--help", NULL});
    cr_assert_eq(r.status, 0, "neurodyn %s --help exited %d: %s", cmd, r.status, r.err);
    cr_assert(strstr(r.out, "usage: neurodyn"), "neurodyn %s --help prints no usage:\n%s", cmd, r.out);
    options_in(r.out, strlen(r.out), opts);
}

/* The options the command's source accepts: the entries {"name", ..._argument of its getopt
 * table (with the entries of cli.h where it uses CLI_RUN_CONTROL_OPTIONS or CLI_TIMEOUT_OPTION), or,
 * in a file that parses by hand, the literals "--name". */
static void options_of_source(const char *cmd, names *opts)
{
    char rel[96];
    if (strcmp(cmd, "models") == 0 || strcmp(cmd, "info") == 0) snprintf(rel, sizeof rel, "cli/cmd_models.c");
    else {
        snprintf(rel, sizeof rel, "cli/cmd_%s.c", cmd);
        for (char *c = rel; *c; c++)
            if (*c == '-') *c = '_';
    }
    char *text = slurp_src(rel);
    int table = 0;
    for (const char *s = strstr(text, "{\""); s; s = strstr(s + 1, "{\"")) {
        size_t len = strcspn(s + 2, "\"");
        const char *after = s + 2 + len;
        if (strncmp(after, "\", no_argument", 14) && strncmp(after, "\", required_argument", 20) &&
            strncmp(after, "\", optional_argument", 20))
            continue;
        table = 1;
        if (!(len == 4 && strncmp(s + 2, "help", 4) == 0)) names_add(opts, s + 2, len);
    }
    if (strstr(text, "CLI_TIMEOUT_OPTION")) names_add(opts, "timeout", 7); /* cli.h's getopt entry */
    if (strstr(text, "CLI_RUN_CONTROL_OPTIONS(")) {
        char *h = slurp_src("cli/cli.h");
        const char *m = strstr(h, "#define CLI_RUN_CONTROL_OPTIONS");
        cr_assert_not_null(m);
        const char *end = strstr(m, "\nint ");
        for (const char *s = strstr(m, "{\""); s && s < end; s = strstr(s + 1, "{\"")) names_add(opts, s + 2, strcspn(s + 2, "\""));
        free(h);
    }
    if (!table)
        for (const char *s = strstr(text, "\"--"); s; s = strstr(s + 1, "\"--")) {
            size_t len = strspn(s + 3, "abcdefghijklmnopqrstuvwxyz0123456789-");
            if (s[3 + len] == '"' && !(len == 4 && strncmp(s + 3, "help", 4) == 0)) names_add(opts, s + 3, len);
        }
    free(text);
}

Test(cli_docs, every_command_is_documented_and_every_documented_command_exists)
{
    names help = {0}, doc = {0};
    commands_of_help(&help);
    char *md = slurp_src("docs/cli.md");
    commands_of_doc(md, &doc);
    for (int i = 0; i < help.n; i++)
        cr_expect(names_has(&doc, help.name[i]), "`neurodyn --help` lists the command %s, docs/cli.md has no section "
                                                  "\"## `neurodyn %s ...`\"", help.name[i], help.name[i]);
    for (int i = 0; i < doc.n; i++)
        cr_expect(names_has(&help, doc.name[i]), "docs/cli.md documents the command %s, which `neurodyn --help` does not list",
                  doc.name[i]);
    free(md);
}

Test(cli_docs, every_option_is_documented_and_every_documented_option_exists)
{
    names cmds = {0};
    commands_of_help(&cmds);
    char *md = slurp_src("docs/cli.md");
    for (int c = 0; c < cmds.n; c++) {
        const char *cmd = cmds.name[c];
        size_t len = 0;
        const char *section = doc_section(md, cmd, &len);
        if (!section) continue; /* reported by the test above */
        names help = {0}, doc = {0}, src = {0};
        options_of_help(cmd, &help);
        options_of_doc(section, len, &doc);
        options_of_source(cmd, &src);
        for (int i = 0; i < help.n; i++)
            cr_expect(names_has(&doc, help.name[i]),
                      "`neurodyn %s --help` lists --%s; docs/cli.md's option table for %s does not document it", cmd,
                      help.name[i], cmd);
        for (int i = 0; i < doc.n; i++)
            cr_expect(names_has(&src, doc.name[i]),
                      "docs/cli.md documents --%s for %s, which cli/ does not accept (no such getopt entry)", doc.name[i],
                      cmd);
        for (int i = 0; i < src.n; i++)
            cr_expect(names_has(&help, src.name[i]), "neurodyn %s accepts --%s, which its --help does not list", cmd,
                      src.name[i]);
        for (int i = 0; i < src.n; i++)
            cr_expect(names_has(&doc, src.name[i]),
                      "neurodyn %s accepts --%s; docs/cli.md's option table for %s does not document it", cmd,
                      src.name[i], cmd);
        cr_expect_gt(doc.n, 0, "docs/cli.md's section of %s has no option table (rows \"| `--name ...` |\")", cmd);
    }
    free(md);
}

/* The parsers above on text made to fail: a table row with an option the command lacks, an
 * option in help only, and the words around them that are not options. */
Test(cli_docs, the_option_parsers_see_what_they_should)
{
    names s = {0};
    const char *text = "  --t1 T, --rtol R   re-run with --json; not a--b, nor --help or --x_y\n";
    options_in(text, strlen(text), &s);
    cr_expect_eq(s.n, 4);
    cr_expect(names_has(&s, "t1") && names_has(&s, "rtol") && names_has(&s, "json") && names_has(&s, "x"));
    const char *doc = "\n## `neurodyn simulate2 X`\n| `--a A`, `--b` | x --c |\n| key | --d |\n## `neurodyn simulate Y`\n"
                      "| `--t1 T` | end |\n";
    size_t len = 0;
    const char *sec = doc_section(doc, "simulate", &len);
    cr_assert_not_null(sec);
    names d = {0};
    options_of_doc(sec, len, &d);
    cr_expect_eq(d.n, 1);
    cr_expect(names_has(&d, "t1"));
    names d2 = {0};
    sec = doc_section(doc, "simulate2", &len);
    options_of_doc(sec, len, &d2);
    cr_expect_eq(d2.n, 2, "only the first cell of option rows: --a, --b");
}

Test(cli_docs, help_command_prints_that_commands_help)
{
    names cmds = {0};
    commands_of_help(&cmds);
    static cli_exec_result a, b;
    for (int c = 0; c < cmds.n; c++) {
        run_cli(&a, (const char *const[]){"help", cmds.name[c], NULL});
        run_cli(&b, (const char *const[]){cmds.name[c], "--help", NULL});
        cr_expect_eq(a.status, 0, "neurodyn help %s: %s", cmds.name[c], a.err);
        cr_expect_str_eq(a.out, b.out, "neurodyn help %s differs from neurodyn %s --help", cmds.name[c], cmds.name[c]);
        cr_expect_eq(a.err[0], '\0', "neurodyn help %s wrote on stderr: %s", cmds.name[c], a.err);
    }
    run_cli(&a, (const char *const[]){"help", NULL});
    cr_expect_eq(a.status, 0);
    cr_expect(strstr(a.out, "commands:"), "neurodyn help: %s", a.out);
    run_cli(&a, (const char *const[]){"help", "frobnicate", NULL});
    cr_expect_eq(a.status, 2);
    cr_expect(strstr(a.err, "unknown command 'frobnicate'"), "%s", a.err);
    cr_expect_eq(a.out[0], '\0');
    run_cli(&a, (const char *const[]){"help", "simulate", "sweep", NULL});
    cr_expect_eq(a.status, 2);
    cr_expect_eq(cli_line_count(a.err), 1, "%s", a.err);
}

Test(cli_docs, version_comes_from_the_header)
{
    static cli_exec_result r;
    run_cli(&r, (const char *const[]){"--version", NULL});
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect_str_eq(r.out, "neurodyn " ND_VERSION_STRING "\n");
    char *pc = slurp_src("neurodyn.pc.in");
    cr_expect(strstr(pc, "\nVersion: @VERSION@\n"), "neurodyn.pc.in must take its version from the Makefile:\n%s", pc);
    free(pc);
}

/* Markdown links [text](target) of a page: each a file of the repository, never outside it. */
static void check_links(const char *page)
{
    const char *src = getenv("ND_SRC");
    char root[PATH_MAX];
    cr_assert_not_null(realpath(src, root));
    char *text = slurp_src(page);
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/%s", src, page);
    *strrchr(dir, '/') = '\0';
    for (const char *s = strstr(text, "]("); s; s = strstr(s + 2, "](")) {
        const char *t = s + 2;
        size_t len = strcspn(t, ")# \n");
        if (len == 0 || strncmp(t, "http://", 7) == 0 || strncmp(t, "https://", 8) == 0 || strncmp(t, "mailto:", 7) == 0)
            continue;
        char path[2 * PATH_MAX], real[PATH_MAX];
        cr_assert_lt(len, (size_t)PATH_MAX, "%s: a link of %zu characters", page, len);
        snprintf(path, sizeof path, "%s/%.*s", dir, (int)len, t);
        if (!realpath(path, real)) {
            cr_expect_fail("%s links to %.*s, which does not exist", page, (int)len, t);
            continue;
        }
        cr_expect(strncmp(real, root, strlen(root)) == 0 && real[strlen(root)] == '/',
                  "%s links to %.*s, outside the repository", page, (int)len, t);
    }
    free(text);
}

Test(cli_docs, readme_and_docs_link_only_to_files_in_the_repository)
{
    check_links("README.md");
    char docs[PATH_MAX];
    snprintf(docs, sizeof docs, "%s/docs", getenv("ND_SRC"));
    DIR *d = opendir(docs);
    cr_assert_not_null(d, "no %s", docs);
    int pages = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n < 4 || strcmp(e->d_name + n - 3, ".md") != 0) continue;
        char page[PATH_MAX];
        snprintf(page, sizeof page, "docs/%s", e->d_name);
        check_links(page);
        pages++;
    }
    closedir(d);
    cr_expect_gt(pages, 5);
    /* the entry points name nothing outside the repository, not even as text */
    const char *entry[] = {"README.md", "docs/README.md", "docs/cli.md"};
    for (size_t i = 0; i < sizeof entry / sizeof *entry; i++) {
        char *text = slurp_src(entry[i]);
        cr_expect(!strstr(text, "../shared"), "%s names ../shared, which is not in the repository", entry[i]);
        free(text);
    }
    char *readme = slurp_src("README.md");
    cr_expect(strstr(readme, "](docs/architecture.md)"), "README.md links to docs/architecture.md");
    free(readme);
}

/* The link line docs/models.md gives for libneurodyn.a has every library of the Makefile's LIBS
 * (KLU, NLopt and OpenMP were missing once); `make link-check` links with neurodyn.pc. */
Test(cli_docs, documented_static_link_line_has_every_library)
{
    char *mk = slurp_src("Makefile"), *md = slurp_src("docs/models.md");
    const char *libs = strstr(mk, "\nLIBS ");
    cr_assert_not_null(libs, "no LIBS in the Makefile");
    libs = strchr(libs, '=') + 1;
    const char *line = strstr(md, "build/lib/libneurodyn.a");
    cr_assert_not_null(line, "docs/models.md gives no link line with build/lib/libneurodyn.a");
    const char *line_end = strstr(line, "\n    # or");
    cr_assert_not_null(line_end);
    int n = 0;
    for (const char *s = libs; *s && *s != '\n';) {
        s += strspn(s, " \t");
        size_t len = strcspn(s, " \t\n");
        if (!len) break;
        char flag[64];
        snprintf(flag, sizeof flag, " %.*s", (int)len, s);
        const char *hit = strstr(line, flag);
        cr_expect(hit && hit < line_end, "docs/models.md's static link line lacks %s", flag + 1);
        s += len, n++;
    }
    cr_expect_gt(n, 5);
    free(mk), free(md);
}
