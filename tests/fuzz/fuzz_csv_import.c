/*
 * fuzz_csv_import.c — libFuzzer target for the spreadsheet imports (core/import/): the CSV
 * reader (csv.c over libcsv), the row checks, and the import itself, against a real SQLite
 * database in a scratch folder that already holds the demo department (etc/demo units and
 * people), so that codes in a fuzzed file can meet real units and people.
 *
 * The first byte picks the import: 'u' units, 'p' people, 'f' facts (a correction), 'F'
 * facts with --replace, 't' titles (any other byte: one of them by its value); the rest is
 * the file. Each input starts from a fresh copy of the prepared database.
 *
 * Promises checked beyond "no crash, no sanitizer report": a refused file names at least
 * one problem; and an accepted file imported a second time changes nothing (import.h).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"
#include "import/import.h"

#define KINDS "upfFt"

static char template_db[PATH_MAX], work_db[PATH_MAX], csv_path[PATH_MAX];
static struct ruleset rules;

static struct store *open_store(const char *path)
{
    char err[512] = "";
    struct store *st = store_open(path, err, sizeof err);
    if (!st) fuzz_fail("store_open %s: %s", path, err);
    return st;
}

static void demo_import(struct store *st, const char *name, bool people)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/etc/demo/%s", fuzz_source_dir(), name);
    struct import_summary summary = {0};
    struct import_errors errors = {0};
    int rc = people ? import_people(st, path, "fuzz", &summary, &errors)
                    : import_units(st, path, "fuzz", &summary, &errors);
    if (rc != 0) fuzz_fail("the demo %s did not import: %s", name, errors.lines[0]);
    import_errors_free(&summary.evaluation_failed);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *dir = fuzz_scratch_dir();
    snprintf(template_db, sizeof template_db, "%s/template.db", dir);
    snprintf(work_db, sizeof work_db, "%s/work.db", dir);
    snprintf(csv_path, sizeof csv_path, "%s/input.csv", dir);
    char err[512] = "", rules_root[PATH_MAX];
    struct store *st = open_store(template_db);
    if (store_migrate(st, err, sizeof err) != 0) fuzz_fail("store_migrate: %s", err);
    demo_import(st, "units.csv", false);
    demo_import(st, "people.csv", true);
    store_checkpoint(st);
    store_close(st); /* WAL folded in: template.db alone is the whole database */

    snprintf(rules_root, sizeof rules_root, "%s/rules", fuzz_source_dir());
    struct rules_report report = {0};
    if (ruleset_init(&rules, rules_root, err, sizeof err) != 0 || ruleset_load(&rules, &report))
        fuzz_fail("the rules in %s did not load: %s", rules_root,
                  report.problem_count ? report.problems[0] : err);
    rules_report_free(&report);
    return 0;
}

static int run_import(struct store *st, char kind, struct import_summary *summary,
                      struct import_errors *errors)
{
    switch (kind) {
    case 'u': return import_units(st, csv_path, "fuzz", summary, errors);
    case 'p': return import_people(st, csv_path, "fuzz", summary, errors);
    case 't': return import_titles(st, &rules, csv_path, "fuzz", summary, errors);
    default: return import_facts(st, &rules, csv_path, "fuzz", kind == 'F', summary, errors);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    char kind = strchr(KINDS, data[0]) && data[0] ? (char)data[0] : KINDS[data[0] % 5];
    fuzz_write_file(csv_path, data + 1, size - 1);
    char wal[PATH_MAX + 8], shm[PATH_MAX + 8];
    snprintf(wal, sizeof wal, "%s-wal", work_db);
    snprintf(shm, sizeof shm, "%s-shm", work_db);
    unlink(wal);
    unlink(shm);
    fuzz_copy_file(template_db, work_db);

    struct store *st = open_store(work_db);
    struct import_summary summary = {0};
    struct import_errors errors = {0};
    int rc = run_import(st, kind, &summary, &errors);
    if (rc != 0 && errors.count == 0)
        fuzz_fail("import '%c' refused the file naming nothing", kind);
    import_errors_free(&errors);
    import_errors_free(&summary.evaluation_failed);
    if (rc == 0) {
        struct import_summary again = {0};
        rc = run_import(st, kind, &again, &errors);
        if (rc != 0)
            fuzz_fail("import '%c' took a file, then refused it: %s", kind,
                      errors.count ? errors.lines[0] : "(nothing said)");
        if (again.changed != 0)
            fuzz_fail("import '%c' of the same file twice changed %zu rows", kind, again.changed);
        import_errors_free(&again.evaluation_failed);
    }
    store_close(st);
    return 0;
}
