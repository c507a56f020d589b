/* db.c — `thiduad db init|migrate|backup`: the database's life cycle. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/files.h"

#define ERR_LEN 512

static int init_or_migrate(const struct config *cfg, bool init)
{
    char err[ERR_LEN];
    files_make_parent_dirs(cfg->database);
    struct store *st = cli_open_store(cfg, false);
    if (!st) return cli_store_failed();
    int before = store_schema_version(st), rc = EX_CANTCREAT;
    if (init && before > 0) {
        fprintf(stderr, "%s already holds a database (schema version %d); use `db migrate`\n",
                cfg->database, before);
    } else if (store_migrate(st, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", cfg->database, err);
        rc = EX_IOERR;
    } else {
        printf("%s: schema version %d -> %d\n", cfg->database, before, store_schema_version(st));
        rc = 0;
    }
    store_close(st);
    return rc;
}

static int backup(const struct config *cfg, const char *dest)
{
    char err[ERR_LEN];
    struct store *st = cli_open_store(cfg, false);
    if (!st) return cli_store_failed();
    int rc = store_backup(st, dest, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "backup: %s\n", err);
    else
        printf("%s backed up to %s\n", cfg->database, dest);
    store_close(st);
    return rc ? EX_CANTCREAT : 0;
}

int cmd_db(const struct config *cfg, const struct cli *cli)
{
    if (cli->argc < 2) return cli_usage();
    const char *action = cli->argv[1];
    if (strcmp(action, "init") == 0 || strcmp(action, "migrate") == 0)
        return init_or_migrate(cfg, strcmp(action, "init") == 0);
    if (strcmp(action, "backup") == 0 && cli->argc == 3) return backup(cfg, cli->argv[2]);
    return cli_usage();
}
